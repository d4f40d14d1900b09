"""A rule set as one SQL query over a table of purchases: each row's effect, basis, determining
rule keys, obligations, missing facts and warnings, computed inside the database in one pass.

The query is a chain of subqueries, each adding columns to the one before:

1. ``vp_in``: the purchase's fields read from the table's columns (see ``COLUMNS``), an empty
   text read as ``NULL``; ``vp_checked``: the row's problems (``vp_error``), if any: what the
   ledger reader refuses, and the vocabulary check (``_sql._vocab``);
2. ``vp_atoms``: one boolean per distinct atom of the rule set (``t0``, ``t1``, …): ``TRUE``,
   ``FALSE``, or ``NULL`` for unknown, exactly as the interpreter (``_trace.py``) reads it;
3. ``vp_rules``: the connectives (``n0``, …), which are SQL's own ``AND``/``OR``/``NOT``, Kleene's
   three-valued logic with ``NULL`` as unknown; whether each rule applies (``a0``, …) and the
   least and most severe effect it can give (``lo0``/``hi0``, when it has cases);
4. ``vp_groups``: per most-severe layer and effect, Kleene's ``OR`` of the rules of that
   fixed effect (``g0_3``); ``vp_range``: each layer's least and most severe possible effect
   (``lo``/``hi`` in ``_engine.outcome_range``); 5. ``vp_layer``: each layer's effect;
6. ``vp_effect``: the decision's effect; 7. the decision's columns.

With a registry in which several entities carry a name the table has as a vendor id, the row
is also read as each of those entities (the registry's table has a row per reading, numbered
``vp_rv_reading``), and two more steps keep one decision per row, as the interpreter combines
the readings (``_engine._settle_ambiguous_names``): ``vp_decided``, every reading's decision,
and ``vp_readings``, what the row's readings give (window functions over the rows with
readings only); the rows without readings, and of the others the reading chosen
(``_settled``), make the result, in the rows' order.

Effects are computed as their severity (0 for ``allow`` up to 3 for ``deny``). The interpreter
stays the specification: the tests check that every decision agrees with it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from vendorpolicy._model import Effect, Sector
from vendorpolicy._predicates import (
    AcquiredOnOrAfter,
    AllComponents,
    AllOf,
    Always,
    AnyComponent,
    AnyOf,
    BuyerCountry,
    BuyerDesignated,
    BuyerPublic,
    BuyerSector,
    CategoryWithin,
    Custom,
    DateOnOrAfter,
    DecidedOnOrAfter,
    FactIn,
    FactOnOrAfter,
    FactOnOrAfterDecision,
    FactOnOrBeforeDecision,
    Never,
    Not,
    Predicate,
    PurposeIn,
    UltimateOwnerOrigin,
    ValueAtLeast,
    VendorDesignated,
    VendorId,
    VendorOrigin,
)
from vendorpolicy._registry import Registry
from vendorpolicy._rules import Combining, Rule, RuleSet
from vendorpolicy._sql._dialect import Dialect, dialect_named, literal, quote
from vendorpolicy._sql._masks import MaskPlan, SetPlan
from vendorpolicy._sql._vocab import ISO_DATE as _ISO_DATE
from vendorpolicy._sql._vocab import VocabularySql, cell_terms, cell_values
from vendorpolicy._vocabcheck import checker_for
from vendorpolicy.errors import InvalidValueError

__all__ = ["COLUMNS", "DECISION_COLUMNS", "FACT_PREFIX", "Query", "compile_query", "to_sql"]

#: The columns a purchases table may have, and the SQL type each is read as. A fact is a
#: column ``facts.<name>`` of text, written as a ledger writes it: ``true``/``false`` (any
#: case) is a boolean, ``YYYY-MM-DD`` a date, anything else text.
COLUMNS: dict[str, str] = {
    "id": "text",
    "buyer_id": "text",
    "buyer_public": "boolean",
    "buyer_sector": "text",
    "buyer_country": "text",
    "buyer_designations": "list",
    "vendor_id": "text",
    "vendor_country": "text",
    "vendor_designations": "list",
    "category": "text",
    "date": "date",
    "value": "decimal",
    "currency": "text",
    "purpose": "text",
    "acquired": "date",
}
FACT_PREFIX = "facts."
#: The columns the query adds to each row, in order.
DECISION_COLUMNS = (
    "status",
    "effect",
    "basis",
    "determining",
    "obligations",
    "missing_facts",
    "warnings",
    "error",
)

_EFFECTS = sorted(Effect, key=lambda e: e.severity)
_BASIS_CODE = {"default": 0, "unknown": 1, "rules": 2}
_CATEGORY = "[a-z0-9-]+(/[a-z0-9-]+)*"


def _where(rule_set: RuleSet, rule: Rule | None, part: str) -> str:
    at = f"{rule_set.id}/{rule.id}" if rule is not None else rule_set.id
    return f"{at}.{part}"


class Query:
    """A compiled query: its SQL text and the facts it reads."""

    def __init__(self, sql: str, facts: tuple[str, ...], reads: frozenset[str]) -> None:
        self.sql = sql
        #: The fact names the rules read (columns ``facts.<name>``).
        self.facts = facts
        #: The canonical columns the rules read (besides the facts).
        self.reads = reads


def to_sql(
    rule_set: RuleSet,
    *,
    dialect: str = "duckdb",
    table: str = "purchases",
    as_of: dt.date | None = None,
    columns: Iterable[str] | None = None,
    registry: Registry | None = None,
) -> str:
    """One SQL query that decides on every row of ``table``: the table's columns, then
    ``status`` (``decided`` or ``error``), ``effect``, ``basis``, ``determining`` (the
    determining rule keys, a list), ``obligations`` (a list), ``missing_facts`` (a sorted
    list), ``warnings`` (the vocabulary's, a list) and ``error`` (why a row could not be
    decided: what the ledger reader or the vocabulary check refuses). ``dialect`` is
    ``duckdb`` or ``postgres``; ``table`` is a table name (or any SQL ``FROM`` item);
    ``as_of`` the decision date (default: each purchase's ``date``). ``columns`` are the
    table's columns (see ``docs/scale.md`` for what each must hold; the vocabulary check
    reads every fact column among them); by default those the rules read. With a
    ``registry``, each row's vendor and buyer are looked up in it by ``vendor_id`` and
    ``buyer_id`` as of the decision date, from tables written into the query (``VALUES``);
    a vendor id several entities' names carry is read as each of them, as the interpreter
    reads it. A rule set with a custom predicate is refused: its Python function cannot run
    inside the database."""
    return compile_query(
        rule_set, dialect=dialect, source=table, as_of=as_of, columns=columns, registry=registry
    ).sql


def compile_query(
    rule_set: RuleSet,
    *,
    dialect: str = "duckdb",
    source: str = "purchases",
    as_of: dt.date | None = None,
    columns: Iterable[str] | None = None,
    types: Mapping[str, str] | None = None,
    registry: Registry | None = None,
    vendor_ids: Iterable[str] | None = None,
    buyer_ids: Iterable[str] | None = None,
    near: Mapping[str, Collection[str]] | None = None,
) -> Query:
    """The :class:`Query` for ``rule_set`` (see :func:`to_sql`); ``types`` gives the SQL type
    of a column when it differs from the canonical one (a list column stored as text is
    split at ``;``, as a ledger's cell is). With a ``registry``, ``vendor_ids`` and
    ``buyer_ids`` are the ids the table holds (default: the registry's ids and its names and
    aliases written as ids; any other id is taken as stated, not matched as a name).
    ``near`` gives the texts a column (``facts.<name>``, ``purpose``) holds, to find the near
    misses of known values among them as the interpreter does (see ``_sql._vocab``); without
    it, a near miss is a text equal to a known value but for case, spacing and punctuation."""
    sql_dialect = dialect_named(dialect, "to_sql(dialect)")
    if as_of is not None and (not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime)):
        raise InvalidValueError(f"expected a date, got `{as_of!r}`", path="to_sql(as_of)")
    if registry is not None and not isinstance(registry, Registry):
        raise InvalidValueError(
            f"expected a Registry, got `{type(registry).__name__}`", path="to_sql(registry)"
        )
    compiler = _Compiler(rule_set, sql_dialect, as_of)
    compiler.near = near or {}
    if registry is not None:
        # Without the table's own ids: the registry's ids, and its names and aliases written
        # as ids (`huawei-technologies`), each resolved as the interpreter resolves it.
        ids = [e.id for e in registry.entities]
        ids += ["-".join(key.split()) for key in registry.index._normal]
        compiler.use_registry(
            registry,
            ids if vendor_ids is None else vendor_ids,
            ids if buyer_ids is None else buyer_ids,
            errors=vendor_ids is not None,
        )
    return compiler.query(source, None if columns is None else list(columns), types or {})


class _Compiler:
    def __init__(self, rule_set: RuleSet, dialect: Dialect, as_of: dt.date | None) -> None:
        self.rule_set = rule_set
        self.d = dialect
        self.as_of = as_of
        self.atoms: dict[Predicate, int] = {}
        self.nodes: dict[Predicate, int] = {}
        self.facts: dict[str, int] = {}
        #: The table's fact columns no rule reads, which the vocabulary check reads.
        self.checked: dict[str, int] = {}
        #: Texts of the table's columns (``facts.<name>``, ``purpose``) to find near misses in.
        self.near: Mapping[str, Collection[str]] = {}
        self.warning_terms: list[str] = []
        self.reads: set[str] = {"buyer_public", "buyer_sector"}
        self.vendor_rows: list[tuple[Any, ...]] = []
        self.buyer_rows: list[tuple[Any, ...]] = []
        self.vendor_atoms: dict[Predicate, int] = {}
        #: Whether some vendor id is an ambiguous name read as each entity it may mean.
        self.readings = False
        self.buyer_atoms: dict[Predicate, int] = {}
        #: The rules' truths as bit masks (DuckDB; see ``_sql._masks``), once the query is built.
        self.plan: MaskPlan | None = None
        #: The sets of surely applying rules of the grouped layers, numbered (DuckDB).
        self.sets: SetPlan | None = None
        #: (layer, rule, global index), in the order of the layers and their rules.
        self.rules: list[tuple[RuleSet, Rule, int]] = []
        for layer in rule_set.layers():
            for rule in layer.rules:
                self.rules.append((layer, rule, len(self.rules)))
                for part, node in self._predicates(rule):
                    self._collect(node, _where(layer, rule, part))

    @staticmethod
    def _predicates(rule: Rule) -> Iterable[tuple[str, Predicate]]:
        yield "when", rule.when
        if rule.unless is not None:
            yield "unless", rule.unless
        for i, case in enumerate(rule.cases):
            yield f"cases[{i}].when", case.when

    # --- collecting ----------------------------------------------------------------------------

    def _collect(self, node: Predicate, path: str) -> None:
        if isinstance(node, (Always, Never)):
            return
        if isinstance(node, (AllOf, AnyOf, Not)):
            for i, child in enumerate(node.children):
                self._collect(child, f"{path}.{node.kind}[{i}]")
            self.nodes.setdefault(node, len(self.nodes))
            return
        if isinstance(node, Custom):
            raise InvalidValueError(
                f"custom predicate `{node.name}` cannot be compiled to SQL",
                path=path,
                hint="its Python function cannot run inside the database; screen these "
                "purchases with `vendorpolicy.screen_columns` (or `check`) instead",
            )
        if isinstance(node, (AnyComponent, AllComponents)):
            pass  # the table declares no components: see docs/scale.md
        elif isinstance(
            node, (FactIn, FactOnOrAfter, FactOnOrAfterDecision, FactOnOrBeforeDecision)
        ):
            self.facts.setdefault(node.name, len(self.facts))
        elif isinstance(node, (VendorOrigin, UltimateOwnerOrigin)):
            self.reads |= {"vendor_id", "vendor_country"}
        elif isinstance(node, VendorId):
            self.reads.add("vendor_id")
        elif isinstance(node, VendorDesignated):
            self.reads |= {"vendor_id", "vendor_designations"}
        elif isinstance(node, CategoryWithin):
            self.reads.add("category")
        elif isinstance(node, BuyerCountry):
            self.reads.add("buyer_country")
        elif isinstance(node, BuyerDesignated):
            self.reads.add("buyer_designations")
        elif isinstance(node, ValueAtLeast):
            self.reads |= {"value", "currency"}
        elif isinstance(node, PurposeIn):
            self.reads.add("purpose")
        elif isinstance(node, DateOnOrAfter):
            self.reads.add("date")
        elif isinstance(node, AcquiredOnOrAfter):
            self.reads.add("acquired")
        elif not isinstance(node, (BuyerPublic, BuyerSector, DecidedOnOrAfter)):
            raise InvalidValueError(  # pragma: no cover - the node set is closed
                f"the predicate kind `{node.kind}` cannot be compiled to SQL", path=path
            )
        self.atoms.setdefault(node, len(self.atoms))

    # --- truth values --------------------------------------------------------------------------

    def ref(self, node: Predicate) -> str:
        """The node's truth value as a column of ``vp_rules`` or later (or a constant)."""
        if isinstance(node, Always):
            return "TRUE"
        if isinstance(node, Never):
            return "FALSE"
        if node in self.atoms:
            return f"t{self.atoms[node]}"
        return f"n{self.nodes[node]}"

    def inline(self, node: Predicate) -> str:
        """The node's truth value from the atoms' columns (for ``vp_rules``)."""
        if isinstance(node, AllOf):
            return "(" + " AND ".join(self.inline(c) for c in node.operands) + ")"
        if isinstance(node, AnyOf):
            return "(" + " OR ".join(self.inline(c) for c in node.operands) + ")"
        if isinstance(node, Not):
            return f"(NOT {self.inline(node.operand)})"
        return self.ref(node)

    def fact_column(self, name: str) -> str:
        return f"vp_f{self.facts[name]}"

    def use_registry(
        self,
        registry: Registry,
        vendor_ids: Iterable[str],
        buyer_ids: Iterable[str],
        *,
        errors: bool = True,
    ) -> None:
        """Look vendors and buyers up in ``registry`` (see ``_sql._registry``)."""
        from vendorpolicy._sql._registry import buyer_rows, vendor_rows  # noqa: PLC0415

        vendors = [a for a in self.atoms if isinstance(a, _VENDOR_ATOMS)]
        buyers = [a for a in self.atoms if isinstance(a, BuyerDesignated)]
        self.vendor_atoms = {a: i for i, a in enumerate(vendors)}
        self.buyer_atoms = {a: i for i, a in enumerate(buyers)}
        rows = vendor_rows(registry, vendor_ids, vendors, errors=errors, readings=True)
        # (the readings of ambiguous names, numbered: without any, the number is left out)
        self.readings = any(row[-1] for row in rows)
        self.vendor_rows = rows if self.readings else [row[:-1] for row in rows]
        self.buyer_rows = buyer_rows(registry, buyer_ids, buyers)
        if self.vendor_rows:
            self.reads.add("vendor_id")
        if self.buyer_rows:
            self.reads.add("buyer_id")

    def atom(self, node: Predicate) -> str:
        """The atom's truth value from ``vp_in``'s columns: ``TRUE``, ``FALSE`` or ``NULL``."""
        given = self._given_atom(node)
        if self.vendor_rows and isinstance(node, _VENDOR_ATOMS):
            registered = f"vp_rv_t{self.vendor_atoms[node]}"
            if isinstance(node, VendorDesignated):
                stated = self.d.has_any("vp_vendor_designations", node.designations)
                registered = f"({registered} OR {stated})"
            return (
                f"CASE WHEN vp_rv_state IS NULL OR vp_rv_state = 'kept' THEN {given} "
                f"WHEN vp_rv_state = 'ok' THEN {registered} END"
            )
        if self.buyer_rows and isinstance(node, BuyerDesignated):
            stated = self.d.has_any("vp_buyer_designations", node.designations)
            registered = (
                f"CASE WHEN vp_buyer_designations IS NULL THEN {_NULL} "
                f"ELSE (vp_rb_t{self.buyer_atoms[node]} OR {stated}) END"
            )
            return (
                f"CASE WHEN vp_rb_state IS NULL OR vp_rb_state = 'kept' THEN {given} "
                f"WHEN vp_rb_state = 'ok' THEN {registered} END"
            )
        return given

    def _given_atom(self, node: Predicate) -> str:
        """The atom's truth value on the row's own columns."""
        d = self.d
        if isinstance(node, (VendorOrigin, UltimateOwnerOrigin)):
            return f"(vp_vendor_country IN ({_texts(node.countries)}))"
        if isinstance(node, VendorId):
            return f"(vp_vendor IN ({_texts(node.ids)}))"
        if isinstance(node, VendorDesignated):
            return (
                f"CASE WHEN vp_vendor IS NULL THEN {_NULL} "
                f"ELSE {d.has_any('vp_vendor_designations', node.designations)} END"
            )
        if isinstance(node, CategoryWithin):
            terms = []
            for c in sorted(node.categories):
                terms.append(f"vp_category = {literal(c.path)}")
                prefix = c.path + "/"
                terms.append(f"substr(vp_category, 1, {len(prefix)}) = {literal(prefix)}")
            return "(" + " OR ".join(terms) + ")"
        if isinstance(node, BuyerPublic):
            return "vp_public" if node.public else "(NOT vp_public)"
        if isinstance(node, BuyerSector):
            return f"(vp_sector IN ({_texts(s.value for s in node.sectors)}))"
        if isinstance(node, BuyerCountry):
            return (
                f"CASE WHEN vp_buyer_country IS NULL THEN {_truth(node.if_missing)} "
                f"ELSE vp_buyer_country IN ({_texts(node.countries)}) END"
            )
        if isinstance(node, BuyerDesignated):
            return d.has_any("vp_buyer_designations", node.designations)
        if isinstance(node, ValueAtLeast):
            money = node.amount
            return (
                f"CASE WHEN vp_currency = {literal(money.currency)} "
                f"THEN vp_value >= {_decimal(money.amount)} END"
            )
        if isinstance(node, PurposeIn):
            return f"(vp_purpose IN ({_texts(node.purposes)}))"
        if isinstance(node, DateOnOrAfter):
            return f"(vp_date >= {_date(node.date)})"
        if isinstance(node, AcquiredOnOrAfter):
            return f"(vp_acquired >= {_date(node.date)})"
        if isinstance(node, DecidedOnOrAfter):
            return f"(vp_decided >= {_date(node.date)})"
        if isinstance(node, FactIn):
            return self._fact_in(node)
        if isinstance(node, (FactOnOrAfter, FactOnOrAfterDecision, FactOnOrBeforeDecision)):
            column = self.fact_column(node.name)
            if isinstance(node, FactOnOrAfter):
                test = f"{self._as_date(column)} >= {_date(node.date)}"
            elif isinstance(node, FactOnOrAfterDecision):
                test = f"{self._as_date(column)} >= vp_decided"
            else:
                test = f"{self._as_date(column)} <= vp_decided"
            return (
                f"CASE WHEN {column} IS NULL THEN {_truth(node.if_missing)} "
                f"WHEN {d.full_match(column, _ISO_DATE)} THEN {test} END"
            )
        if isinstance(node, (AnyComponent, AllComponents)):
            return _truth(node.if_undeclared)
        raise AssertionError(node)  # pragma: no cover - _collect refused the rest

    def _as_date(self, column: str) -> str:
        if self.d.name == "duckdb":
            return f"TRY_CAST({column} AS DATE)"
        return f"CAST({column} AS DATE)"

    def _fact_in(self, node: FactIn) -> str:
        column = self.fact_column(node.name)
        terms = cell_terms(column, *cell_values(node.values))
        test = " OR ".join(terms) if terms else "FALSE"
        return f"CASE WHEN {column} IS NULL THEN {_truth(node.if_missing)} ELSE ({test}) END"

    def fact_name(self, node: Predicate) -> str:
        """The missing fact an unknown atom names (as the interpreter's trace does)."""
        given = self._given_fact(node)
        if self.vendor_rows and isinstance(node, _VENDOR_ATOMS):
            return (
                f"CASE WHEN vp_rv_state IS NULL OR vp_rv_state = 'kept' THEN {given} "
                f"WHEN vp_rv_state = 'ok' THEN vp_rv_f{self.vendor_atoms[node]} "
                "ELSE 'vendor' END"
            )
        return given

    def behind(self, node: Predicate) -> str | None:
        """The state that leaves the atom's vendor (buyer) unknown for want of a date."""
        if self.vendor_rows and isinstance(node, _VENDOR_ATOMS):
            return "vp_rv_state = 'undated'"
        if self.buyer_rows and isinstance(node, BuyerDesignated):
            return "vp_rb_state = 'undated'"
        return None

    def class_fact(self, node: Predicate, empty: bool) -> str:
        """The missing fact an unknown atom names, as text, when its field (the vendor, the
        value) is empty or not."""
        if isinstance(node, (VendorOrigin, UltimateOwnerOrigin)) and empty:
            return "vendor"
        if isinstance(node, VendorOrigin):
            return "vendor.country" + (" (through ownership)" if node.through_ownership else "")
        if isinstance(node, UltimateOwnerOrigin):
            return "vendor.ultimate_owner.country"
        if isinstance(node, ValueAtLeast):
            return "purchase.value" if empty else "purchase.value in " + node.amount.currency
        name = self._given_fact(node)
        assert _LITERAL.fullmatch(name), name
        return name[1:-1]

    def _given_fact(self, node: Predicate) -> str:
        if isinstance(node, (VendorOrigin, UltimateOwnerOrigin)):
            return (
                f"CASE WHEN vp_vendor IS NULL THEN {literal(self.class_fact(node, True))} "
                f"ELSE {literal(self.class_fact(node, False))} END"
            )
        if isinstance(node, (VendorId, VendorDesignated)):
            return "'vendor'"
        if isinstance(node, ValueAtLeast):
            return (
                f"CASE WHEN vp_value IS NULL THEN {literal(self.class_fact(node, True))} "
                f"ELSE {literal(self.class_fact(node, False))} END"
            )
        if isinstance(node, (FactOnOrAfterDecision, FactOnOrBeforeDecision)):
            column = self.fact_column(node.name)
            return (
                f"CASE WHEN {column} IS NULL OR NOT {self.d.full_match(column, _ISO_DATE)} "
                f"THEN {literal(FACT_PREFIX + node.name)} ELSE 'decision date' END"
            )
        if isinstance(node, (FactIn, FactOnOrAfter)):
            return literal(FACT_PREFIX + node.name)
        simple = {
            CategoryWithin: "category",
            BuyerCountry: "buyer.country",
            BuyerDesignated: "buyer.designations",
            PurposeIn: "purchase.purpose",
            DateOnOrAfter: "purchase.date",
            AcquiredOnOrAfter: "purchase.acquired",
            DecidedOnOrAfter: "decision date",
            AnyComponent: "components",
            AllComponents: "components",
            BuyerPublic: "buyer.public",
            BuyerSector: "buyer.sector",
        }
        return literal(simple[type(node)])

    def missing(self, node: Predicate, guards: Sequence[str]) -> list[tuple[str, str]]:
        """One entry per atom below ``node``: (when its fact is missing: it is unknown and so
        is every node above it up to the guarded root, the fact's name)."""
        if isinstance(node, (Always, Never)):
            return []
        if isinstance(node, (BuyerPublic, BuyerSector)) or (
            isinstance(node, (AnyComponent, AllComponents)) and node.if_undeclared is not None
        ):
            return []  # never unknown
        here = [*guards, f"{self.ref(node)} IS NULL"]
        if node in self.atoms:
            name = f"fn{self.names[node]}" if node in self.names else self.fact_name(node)
            out = [(" AND ".join(here), name)]
            behind = self.behind(node)
            if behind is not None:
                # (a vendor unknown for want of the date makes the date missing too)
                out.append((f"{' AND '.join(here)} AND {behind}", "'purchase.date'"))
            return out
        return [m for child in node.children for m in self.missing(child, here)]

    # --- the query -----------------------------------------------------------------------------

    def query(self, source: str, columns: list[str] | None, types: Mapping[str, str]) -> Query:
        facts = tuple(self.facts)
        wanted = sorted(self.reads) + [FACT_PREFIX + f for f in facts]
        if columns is None:
            columns = [c for c in COLUMNS if c in self.reads or c == "id"]
            columns += [FACT_PREFIX + f for f in facts]
            available = set(wanted) | {"id"}
        else:
            available = set(columns)
        for column in columns:
            name = column[len(FACT_PREFIX) :]
            if column.startswith(FACT_PREFIX) and name not in self.facts:
                self.checked.setdefault(name, len(self.checked))
        _check_columns(columns, available)
        row_items = self._input(source, available, types)
        checked = [self._error()]
        joined = bool(self.vendor_rows or self.buyer_rows)
        masked: list[tuple[str, list[str]]] = []
        if self.d.name == "duckdb" and self.rules:
            self.plan = MaskPlan(
                [(rule, k) for _, rule, k in self.rules],
                registry=bool(self.vendor_rows),
                inline=self.inline,
                decimal=_decimal,
                fact_column=self.fact_column,
            )
            grouped = [
                k for _, layer, rules in self._layers() if _grouped(layer, rules) for _, k in rules
            ]
            masks = self.plan.masks()
            if grouped:
                self.sets = self.plan.sets(grouped)
                if self.sets is not None:
                    masks.append(self.sets.code())
            masked = [("vp_codes", self.plan.codes()), ("vp_masks", masks)]
        decide = [
            ("vp_atoms", self._atoms()),
            *masked,
            ("vp_rules", self._rule_columns()),
            ("vp_groups", self._groups()),
            ("vp_range", self._ranges()),
            ("vp_layer", self._layer_effects()),
            ("vp_effect", ["GREATEST(" + ", ".join(self._layer_names("e")) + ") AS vp_e"]),
        ]
        decision = self._decision()
        stages = [("vp_in", row_items), ("vp_checked", checked), *decide]
        # The first stage reads the source; each later one adds its columns to the one before.
        ctes = []
        previous = ""
        for name, items in stages:
            body = ",\n    ".join(items)
            if name == "vp_in":
                joins = self._joins(available, types)
                stars = "vp_src.*" + (", vp_rv.*" if self.vendor_rows else "")
                stars += ", vp_rb.*" if self.buyer_rows else ""
                # Joins need not keep the rows' order: number them, to restore it.
                rows = (
                    f"(SELECT *, ROW_NUMBER() OVER () AS vp_row FROM {source} AS vp_s)"
                    if joined
                    else source
                )
                ctes.append(
                    f"vp_in AS (\n  SELECT {stars},\n    {body}\n  FROM {rows} AS vp_src{joins}\n)"
                )
            else:
                ctes.append(_stage(name, items, previous))
            previous = name
        out = [quote(c) for c in columns if c not in DECISION_COLUMNS]
        if self.readings:
            # Each reading of an ambiguous vendor is a row of its own: one is kept (`_settled`).
            ctes += _reading_stages([*out, *decision, *_READING_KEYS], previous, self.d)
            text = "WITH " + ",\n".join(ctes) + "\n" + _reading_tail(out, self.d)
            return Query(text, facts, frozenset(self.reads))
        out += decision
        text = (
            "WITH "
            + ",\n".join(ctes)
            + "\nSELECT "
            + ",\n  ".join(out)
            + f"\nFROM {previous}"
            + ("\nORDER BY vp_row" if joined else "")
        )
        return Query(text, facts, frozenset(self.reads))

    def _input(self, source: str, available: set[str], types: Mapping[str, str]) -> list[str]:
        d = self.d

        def column(name: str) -> str | None:
            if name not in available:
                return None
            return "vp_src." + quote(name)

        def text(name: str) -> str:
            c = column(name)
            if c is None:
                return "CAST(NULL AS VARCHAR)" if d.name == "duckdb" else "CAST(NULL AS text)"
            if types.get(name, "text") != "text":
                c = f"CAST({c} AS {'VARCHAR' if d.name == 'duckdb' else 'text'})"
            return f"NULLIF({c}, '')"

        def typed(name: str, sql_type: str) -> str:
            c = column(name)
            if c is None:
                return f"CAST(NULL AS {sql_type})"
            return c if types.get(name) in (None, sql_type.lower()) else f"CAST({c} AS {sql_type})"

        def listed(name: str, absent: str) -> str:
            c = column(name)
            if c is None:
                return absent
            if types.get(name, "list") == "text":
                return f"CASE WHEN {c} IS NULL THEN NULL ELSE {d.split(c, ';')} END"
            return c

        self._text, self._typed = text, typed
        vendor = text("vendor_id")
        decimal = "DECIMAL(38, 10)" if d.name == "duckdb" else "numeric"
        items = [
            f"{vendor} AS vp_vendor",
            (
                f"CASE WHEN {vendor} IS NULL THEN NULL ELSE {text('vendor_country')} END "
                "AS vp_vendor_country"
            ),
            (
                f"COALESCE({listed('vendor_designations', d.empty_list())}, {d.empty_list()}) "
                "AS vp_vendor_designations"
            ),
            f"{typed('buyer_public', 'BOOLEAN')} AS vp_public",
            f"{text('buyer_sector')} AS vp_sector",
            f"{text('buyer_country')} AS vp_buyer_country",
            f"{listed('buyer_designations', d.empty_list())} AS vp_buyer_designations",
            f"{text('category')} AS vp_category",
            f"{typed('date', 'DATE')} AS vp_date",
            f"{typed('acquired', 'DATE')} AS vp_acquired",
            f"{typed('value', decimal)} AS vp_value",
            f"{text('currency')} AS vp_currency",
            f"{text('purpose')} AS vp_purpose",
            (f"{_date(self.as_of)}" if self.as_of is not None else typed("date", "DATE"))
            + " AS vp_decided",
        ]
        items.append(f"{text('buyer_id')} AS vp_buyer_id")
        for name, i in self.facts.items():
            items.append(f"{text(FACT_PREFIX + name)} AS vp_f{i}")
        for name, i in self.checked.items():
            items.append(f"{text(FACT_PREFIX + name)} AS vp_x{i}")
        self._available = available
        return items

    def _error(self) -> str:
        """The class's first problem, or ``NULL``: what the ledger reader would refuse."""
        d, available = self.d, self._available
        sectors = _texts(s.value for s in Sector)
        checks = [
            ("vp_public IS NULL", "'buyer_public is empty'"),
            ("vp_sector IS NULL", "'buyer_sector is empty'"),
            (f"vp_sector NOT IN ({sectors})", "'unknown buyer_sector `' || vp_sector || '`'"),
        ]
        # (a value the rules name is well formed: the pattern is matched on the others only)
        named = self._named()
        if "category" in available:
            checks.append(
                (
                    _unless_named(
                        "vp_category", named["category"], d.full_match("vp_category", _CATEGORY)
                    ),
                    "'invalid category `' || vp_category || '`'",
                )
            )
        if "value" in available:
            checks.append(
                ("vp_value IS NOT NULL AND vp_currency IS NULL", "'a value without a currency'")
            )
        checks.extend(
            (
                _unless_named(column, named[name], d.full_match(column, "[A-Z]{2}")),
                f"'invalid {name} `' || {column} || '`'",
            )
            for name, column in (
                ("vendor_country", "vp_vendor_country"),
                ("buyer_country", "vp_buyer_country"),
            )
            if name in available
        )
        if d.name == "duckdb":
            for name, c in self._fact_columns():
                checks.append(
                    (
                        f"{d.full_match(c, _ISO_DATE)} AND TRY_CAST({c} AS DATE) IS NULL",
                        f"{literal(f'fact `{name}` is not a date: `')} || {c} || '`'",
                    )
                )
        for table, column, value in (
            ("rv", "vendor_id", "vp_vendor"),
            ("rb", "buyer_id", "vp_buyer_id"),
        ):
            if not (self.vendor_rows if table == "rv" else self.buyer_rows):
                continue
            # (an ambiguous vendor is unknown, and read as each entity it may mean: see
            # `_settled`)
            state = f"vp_{table}_state"
            checks.append(
                (f"{state} LIKE 'error:%'", f"'{column} `' || {value} || '`: ' || {state}")
            )
        whens = " ".join(f"WHEN {test} THEN {message}" for test, message in checks)
        # Then the vocabulary's problems, every one (as the interpreter's error lists them).
        problems, warnings = self._vocabulary()
        vocabulary = "NULL"
        if len(problems) == 1:
            vocabulary = problems[0]
        elif problems:
            vocabulary = f"NULLIF(concat_ws('; ', {', '.join(problems)}), '')"
        self.warning_terms = warnings
        return f"CASE {whens} ELSE {vocabulary} END AS vp_error"

    def _named(self) -> dict[str, set[str]]:
        """The categories and countries the rules name (each well formed)."""
        out: dict[str, set[str]] = {
            "category": set(),
            "vendor_country": set(),
            "buyer_country": set(),
        }
        for node in self.atoms:
            if isinstance(node, CategoryWithin):
                out["category"].update(c.path for c in node.categories)
            elif isinstance(node, (VendorOrigin, UltimateOwnerOrigin)):
                out["vendor_country"].update(node.countries)
            elif isinstance(node, BuyerCountry):
                out["buyer_country"].update(node.countries)
        return out

    def _fact_columns(self) -> list[tuple[str, str]]:
        """Every fact column of the table, read by the rules or not: (name, ``vp_in`` column)."""
        out = [(name, f"vp_f{i}") for name, i in self.facts.items()]
        out += [(name, f"vp_x{i}") for name, i in self.checked.items()]
        return out

    def _vocabulary(self) -> tuple[list[str], list[str]]:
        """The vocabulary check on the row's cells, as the interpreter checks a purchase (with
        ``outside_vocabulary="error"``): the problems and the warnings, each an SQL expression
        that is a message or ``NULL``, in the interpreter's order (facts, category, purpose)."""
        checker = checker_for(self.rule_set)
        if checker is None:
            return [], []
        check = VocabularySql(checker, self.d)
        errors: list[str | None] = []
        warnings: list[str | None] = []
        for name, column in self._fact_columns():
            errors.append(check.fact_error(name, column))
            warnings.append(check.fact_warning(name, column, self.near.get(FACT_PREFIX + name)))
        if "category" in self._available:
            found = check.category("vp_category")
            if found is not None:
                errors.append(found[0])
                warnings.append(found[1])
        if "purpose" in self._available:
            errors.append(check.purpose_error("vp_purpose"))
            warnings.append(check.purpose_warning("vp_purpose", self.near.get("purpose")))
        return [e for e in errors if e is not None], [w for w in warnings if w is not None]

    def _joins(self, available: set[str], types: Mapping[str, str]) -> str:
        """The registry's tables, joined to each row by id and decision date."""
        out = ""
        decided = _date(self.as_of) if self.as_of is not None else self._typed("date", "DATE")
        for table, column, rows, atoms in (
            ("rv", "vendor_id", self.vendor_rows, self.vendor_atoms),
            ("rb", "buyer_id", self.buyer_rows, self.buyer_atoms),
        ):
            if not rows:
                continue
            names = [f"vp_{table}_{n}" for n in ("id", "key", "from", "to", "undated", "state")]
            names += [f"vp_{table}_t{i}" for i in range(len(atoms))]
            if table == "rv":
                names += [f"vp_{table}_f{i}" for i in range(len(atoms))]
                if self.readings:
                    names.append("vp_rv_reading")
            values = ",\n      ".join(
                "(" + ", ".join(_value(v, n) for v, n in zip((i, *row), names, strict=True)) + ")"
                for i, row in enumerate(rows, start=1)
            )
            t = f"vp_{table}"
            out += (
                f"\n  LEFT JOIN (VALUES\n      {values}\n    ) AS {t}({', '.join(names)})"
                f"\n    ON {t}.{t}_key = {self._text(column)} AND CASE WHEN {decided} IS NULL "
                f"THEN {t}.{t}_undated ELSE NOT {t}.{t}_undated "
                f"AND ({t}.{t}_from IS NULL OR {decided} >= {t}.{t}_from) "
                f"AND ({t}.{t}_to IS NULL OR {decided} < {t}.{t}_to) END"
            )
        return out

    def _atoms(self) -> list[str]:
        """Per row: every atom's truth (``t``), every rule window's (``w``), and the missing
        fact an atom names when it varies from row to row (``fn``)."""
        items = [
            f"{self.atom(node)} AS t{i}  /* {_comment(node)} */" for node, i in self.atoms.items()
        ]
        for _, rule, k in self.rules:
            if rule.has_window:
                items.append(f"{self._window(rule)} AS w{k}")
        self.names: dict[Predicate, int] = {}
        for node in self.atoms:
            name = self.fact_name(node)
            if not _LITERAL.fullmatch(name):
                self.names[node] = len(self.names)
                items.append(f"COALESCE({name}, '') AS fn{self.names[node]}")
        return items or ["0 AS vp_0"]

    @staticmethod
    def _window(rule: Rule) -> str:
        """Whether the rule is in force on the decision date."""
        window = []
        if rule.in_force_from is not None:
            window.append(f"vp_decided >= {_date(rule.in_force_from)}")
        if rule.in_force_until is not None:
            window.append(f"vp_decided <= {_date(rule.in_force_until)}")
        return f"({' AND '.join(window)})"

    def _rule_columns(self) -> list[str]:
        items = [f"{self.inline(node)} AS n{i}" for node, i in self.nodes.items()]
        for layer, rule, k in self.rules:
            parts = []
            if rule.has_window:
                parts.append(f"w{k}")
            parts.append(self.inline(rule.when))
            if rule.unless is not None:
                parts.append(f"(NOT {self.inline(rule.unless)})")
            items.append(f"/* {layer.id}/{rule.id} */ ({' AND '.join(parts)}) AS a{k}")
            for i, case in enumerate(rule.cases):
                items.append(f"{self.inline(case.when)} AS c{k}_{i}")
            if rule.cases:
                items.append(f"{self._case_range(rule, k, 'LEAST')} AS lo{k}")
                items.append(f"{self._case_range(rule, k, 'GREATEST')} AS hi{k}")
        return items

    def _case_range(self, rule: Rule, k: int, pick: str) -> str:
        """The least (``LEAST``) or most (``GREATEST``) severe effect the rule can give: its
        cases in order, up to the first that surely holds, and its own effect after them."""
        expr = str(rule.effect.severity)
        for i in reversed(range(len(rule.cases))):
            # (the case's truth is inlined: columns of the same stage cannot be read)
            c, e = self.inline(rule.cases[i].when), rule.cases[i].effect.severity
            unsure = f"CASE WHEN {c} IS NULL THEN {e} END"
            expr = f"CASE WHEN {c} THEN {e} ELSE {pick}({unsure}, {expr}) END"
        return expr

    def _lo(self, rule: Rule, k: int) -> str:
        return f"lo{k}" if rule.cases else str(min(rule.effects).severity)

    def _hi(self, rule: Rule, k: int) -> str:
        return f"hi{k}" if rule.cases else str(max(rule.effects).severity)

    def _layers(self) -> list[tuple[int, RuleSet, list[tuple[Rule, int]]]]:
        out = []
        for index, layer in enumerate(self.rule_set.layers()):
            out.append((index, layer, [(r, k) for lay, r, k in self.rules if lay is layer]))
        return out

    def _layer_names(self, what: str) -> list[str]:
        return [f"L{i}_{what}" for i, _, _ in self._layers()]

    def _groups(self) -> list[str]:
        """Per most-severe layer and effect: whether some rule of one fixed effect (no cases)
        with that effect applies (``g``, Kleene's ``OR`` of theirs: ``TRUE`` if one surely
        does, ``FALSE`` if none can), so that the layer combines a few of these, not every
        rule's."""
        items = []
        for index, layer, rules in self._layers():
            if layer.combining is Combining.FIRST_MATCH:
                continue
            for severity, members in _by_effect(rules).items():
                if self.plan is not None:
                    group = self.plan.any_of([k for _, k in members])
                else:
                    group = "(" + " OR ".join(f"a{k}" for _, k in members) + ")"
                items.append(f"{group} AS g{index}_{severity}")
        return items

    def _ranges(self) -> list[str]:
        items = []
        for index, layer, rules in self._layers():
            default = layer.default.severity
            if not rules:
                items += [f"{default} AS L{index}_lo", f"{default} AS L{index}_hi"]
                continue
            if layer.combining is Combining.FIRST_MATCH:
                first = " ".join(f"WHEN a{k} THEN {i + 1}" for i, (_, k) in enumerate(rules))
                items.append(f"CASE {first} ELSE 0 END AS L{index}_ft")
                first_case = "CASE " + first + " ELSE 0 END"
                for pick, end in (("LEAST", "lo"), ("GREATEST", "hi")):
                    terms = [f"CASE WHEN {first_case} = 0 THEN {default} END"]
                    for i, (rule, k) in enumerate(rules):
                        value = self._lo(rule, k) if end == "lo" else self._hi(rule, k)
                        reached = f"({first_case} = 0 OR {first_case} >= {i + 1})"
                        terms.append(f"CASE WHEN {reached} AND a{k} IS NOT FALSE THEN {value} END")
                    items.append(f"{pick}({', '.join(terms)}) AS L{index}_{end}")
            else:
                # Rules of one fixed effect count by their group (`g`), the others one by one.
                groups = _by_effect(rules)
                varied = [(r, k) for r, k in rules if r.cases]
                down = sorted(groups, reverse=True)

                def by_group(test: str, order: list[int], index: int = index) -> list[str]:
                    if not order:
                        return []
                    whens = " ".join(f"WHEN g{index}_{e}{test} THEN {e}" for e in order)
                    return [f"CASE {whens} END"]

                forced_terms = by_group("", down) + [
                    f"CASE WHEN a{k} THEN {self._lo(r, k)} END" for r, k in varied
                ]
                least_terms = by_group(" IS NOT FALSE", sorted(groups)) + [
                    f"CASE WHEN a{k} IS NOT FALSE THEN {self._lo(r, k)} END" for r, k in varied
                ]
                every_terms = by_group(" IS NOT FALSE", down) + [
                    f"CASE WHEN a{k} IS NOT FALSE THEN {self._hi(r, k)} END" for r, k in varied
                ]
                forced = _pick("GREATEST", forced_terms)
                items.append(
                    f"COALESCE({forced}, {_pick('LEAST', [str(default), *least_terms])}) "
                    f"AS L{index}_lo"
                )
                items.append(
                    _pick("GREATEST", [f"CASE WHEN {forced} IS NULL THEN {default} END",
                                       *every_terms])
                    + f" AS L{index}_hi"
                )  # fmt: skip
        return items

    def _layer_effects(self) -> list[str]:
        return [
            f"GREATEST(L{i}_lo, LEAST(L{i}_hi, {layer.on_unknown.severity})) AS L{i}_e"
            for i, layer, _ in self._layers()
        ]

    def _deciders(self, index: int, layer: RuleSet, rules: list[tuple[Rule, int]]) -> list[str]:
        """Per rule of the layer: whether it determines the layer's effect."""
        out = []
        for i, (rule, k) in enumerate(rules):
            fired = (
                f"L{index}_ft = {i + 1}" if layer.combining is Combining.FIRST_MATCH else f"a{k}"
            )
            lo, hi = self._lo(rule, k), self._hi(rule, k)
            certain = f" AND {lo} = {hi}" if rule.cases else ""
            out.append(f"COALESCE({fired}{certain} AND {lo} = L{index}_e, FALSE)")
        return out

    def _decision(self) -> list[str]:
        """The decision's columns."""
        d = self.d
        layers = self._layers()
        bases = []
        keys = []
        for index, layer, rules in layers:
            top = f"L{index}_e = vp_e"
            groups = _by_effect(rules) if _grouped(layer, rules) else {}
            if groups:
                # (a rule of a group decides when it applies and its effect is the layer's)
                deciders = [f"(L{index}_e = {e} AND g{index}_{e} IS TRUE)" for e in groups]
            else:
                deciders = self._deciders(index, layer, rules)
            any_decider = " OR ".join(deciders) if deciders else "FALSE"
            bases.append(
                f"CASE WHEN NOT {top} THEN NULL WHEN L{index}_lo <> L{index}_hi THEN 1 "
                f"WHEN {any_decider} THEN 2 ELSE 0 END"
            )
            if groups:
                # The determining rules: those of the group of the layer's effect that apply,
                # built only for a row where one does.
                if self.sets is not None:
                    # (DuckDB: the list worked out per set of rules that surely apply and
                    # effect, looked up; one layer's effect is the decision's)
                    keyed = {
                        e: [(k, literal(f"{layer.id}/{r.id}")) for r, k in members]
                        for e, members in groups.items()
                    }
                    listed = self.sets.lists(keyed, f"L{index}_e")
                    keys.append(
                        listed if len(layers) == 1 else f"CASE WHEN {top} THEN {listed} END"
                    )
                    continue
                whens = []
                for e, members in sorted(groups.items()):
                    named = [
                        f"CASE WHEN a{k} THEN {literal(f'{layer.id}/{r.id}')} END"
                        for r, k in members
                    ]
                    listed = d.joined_keys(named)
                    whens.append(f"WHEN L{index}_e = {e} AND g{index}_{e} IS TRUE THEN {listed}")
                keys.append(f"CASE WHEN NOT {top} THEN NULL {' '.join(whens)} END")
                continue
            for (rule, _), decider in zip(rules, deciders, strict=True):
                key = literal(f"{layer.id}/{rule.id}")
                keys.append(f"CASE WHEN {top} AND {decider} THEN {d.text_list([key])} END")
        basis_code = "GREATEST(" + ", ".join(bases) + ")"
        basis = f"CASE {basis_code} WHEN 2 THEN 'rules' WHEN 1 THEN 'unknown' ELSE 'default' END"
        effect = (
            "CASE vp_e "
            + " ".join(f"WHEN {e.severity} THEN {literal(e.value)}" for e in _EFFECTS)
            + " END"
        )
        # (a row whose rules are all known has none: the list is built only for the others)
        unsure = [f"a{k} IS NULL" for _, _, k in self.rules]
        if self.plan is not None:
            unsure = [self.plan.unsure()]
        unsure += [f"(a{k} IS NOT FALSE AND lo{k} <> hi{k})" for _, r, k in self.rules if r.cases]
        missing = self._missing_facts()
        determining = d.concat(keys)
        if missing and unsure:
            missing_list = (
                f"CASE WHEN {' OR '.join(unsure)} THEN {_missing_list(d, missing)} "
                f"ELSE {d.empty_list()} END"
            )
        else:
            missing_list = d.empty_list()
        error = "vp_error IS NOT NULL"
        warnings = d.without_nulls(self.warning_terms)
        return [
            f"CASE WHEN {error} THEN 'error' ELSE 'decided' END AS status",
            f"CASE WHEN {error} THEN NULL ELSE {effect} END AS effect",
            f"CASE WHEN {error} THEN NULL ELSE {basis} END AS basis",
            (f"CASE WHEN {error} THEN {d.empty_list()} ELSE {determining} END AS determining"),
            (
                f"CASE WHEN {error} THEN {d.empty_list()} ELSE {self._obligations()} END "
                "AS obligations"
            ),
            (f"CASE WHEN {error} THEN {d.empty_list()} ELSE {missing_list} END AS missing_facts"),
            f"CASE WHEN {error} THEN {d.empty_list()} ELSE {warnings} END AS warnings",
            "vp_error AS error",
        ]

    def _missing_facts(self) -> list[tuple[str, str]]:
        """Per atom: when the fact it names is missing (an SQL test), and the fact's name."""
        missing: list[tuple[str, str]] = []
        if self.plan is not None:
            # (DuckDB: the facts of the coded fields from masks; the other parts on the row)
            missing += self.plan.missing(self.class_fact)
        for _, rule, k in self.rules:
            if self.plan is not None:
                for part in self.plan.truth_parts(k):
                    missing += self.missing(part, [self.plan.unknown(k)])
            else:
                unknown = f"a{k} IS NULL"
                if rule.has_window:
                    missing.append((f"{unknown} AND w{k} IS NULL", "'purchase.date'"))
                missing += self.missing(rule.when, [unknown])
                if rule.unless is not None:
                    missing += self.missing(rule.unless, [unknown])
            for i, case in enumerate(rule.cases):
                guards = [f"a{k} IS NOT FALSE", f"lo{k} <> hi{k}"]
                guards += [f"c{k}_{j} IS NOT TRUE" for j in range(i)]
                missing += self.missing(case.when, guards)
        return missing

    def _obligations(self) -> str:
        """The obligations of the rules that surely apply (in a first-match layer, the first
        that does), in the order of the layers and their rules, each once (as
        ``_engine.summarise`` gathers them)."""
        items: list[str] = []
        earlier: dict[str, list[str]] = {}
        for index, layer, rules in self._layers():
            for i, (rule, k) in enumerate(rules):
                if not rule.obligations:
                    continue
                if layer.combining is Combining.FIRST_MATCH:
                    fired = f"L{index}_ft = {i + 1}"
                else:
                    fired = f"a{k} IS TRUE" if self.plan is None else self.plan.sure(k)
                for obligation in rule.obligations:
                    before = earlier.setdefault(obligation, [])
                    test = " AND ".join([fired, *(f"NOT ({b})" for b in before)])
                    items.append(f"CASE WHEN {test} THEN {literal(obligation)} END")
                    before.append(fired)
        return self.d.without_nulls(items)


_NULL = "CAST(NULL AS BOOLEAN)"

#: What the readings of a row are told apart and combined by: the row, the reading's number
#: (``NULL`` for a row without readings; 0 for the vendor as the registry resolves it, unknown
#: for an ambiguous name; 1, 2, … for each entity it may mean), its effect.
_READING_KEYS = ["vp_row", "vp_rv_reading AS vp_k", "vp_e"]
#: A reading's effect and number as one integer (``severity * 64 + number``): their least
#: gives both the least severe reading's effect and the first reading with it.
_SPAN = 64


def _check_columns(columns: Sequence[str], available: Collection[str]) -> None:
    """Refuse a table without a buyer, or with a column named as one of the query's own."""
    for required in ("buyer_public", "buyer_sector"):
        if required not in available:
            raise InvalidValueError(
                f"the purchases have no column `{required}`",
                path="to_sql(columns)",
                hint="every purchase needs a buyer: add the columns `buyer_public` "
                "(boolean) and `buyer_sector`",
            )
    clash = [c for c in columns if _INTERNAL.match(c)]
    if clash:
        raise InvalidValueError(
            f"the purchases have a column `{clash[0]}`, a name the query uses itself",
            path="to_sql(columns)",
            hint="rename the column (names such as `t0`, `a0`, `k0`, `L0_e` and those "
            "starting with `vp_` are the query's own)",
        )


def _reading_stages(items: list[str], previous: str, d: Dialect) -> list[str]:
    """The steps that tell a row's readings apart: each reading's decision (``vp_decided``),
    and, for the rows with readings only, what the row's readings give (``vp_readings``)."""
    body = ",\n    ".join(items)
    decided = f"vp_decided AS (\n  SELECT\n    {body}\n  FROM {previous}\n)"
    over = ",\n    ".join(_readings_over(d))
    readings = (
        f"vp_readings AS (\n  SELECT *,\n    {over}\n  FROM vp_decided\n  WHERE vp_k IS NOT NULL\n)"
    )
    return [decided, readings]


def _reading_tail(columns: list[str], d: Dialect) -> str:
    """The rows without readings as they are, and of the rows with readings the one chosen
    (``_settled``), in the rows' order: the window functions run on the latter only."""
    picked, decision = _settled(d)
    kept = ", ".join([*columns, *DECISION_COLUMNS, "vp_row"])
    chosen = ", ".join([*columns, *decision, "vp_row"])
    return (
        f"SELECT {', '.join([*columns, *DECISION_COLUMNS])}\nFROM (\n"
        f"  SELECT {kept}\n  FROM vp_decided\n  WHERE vp_k IS NULL\n"
        "  UNION ALL\n"
        f"  SELECT {chosen}\n  FROM vp_readings\n  WHERE vp_k = {picked}\n"
        ") AS vp_u\nORDER BY vp_row"
    )


def _readings_over(d: Dialect) -> list[str]:
    """Per row, over its readings (window functions over the row's copies): whether the
    vendor as resolved gives a decision that may be settled (``vp_try``: not an error row,
    escalated or with missing facts, as ``_engine.interpret_checked`` asks), its effect
    (``vp_be``) and missing facts (``vp_bm``); the least severe reading and its number as one
    integer (``vp_lo``), the most severe (``vp_hi``), and whether every reading is certain
    (``vp_sure``)."""
    over = "OVER (PARTITION BY vp_row)"
    read = "vp_k > 0"
    return [
        (
            "BOOL_OR(vp_k = 0 AND status = 'decided' AND (basis = 'unknown' OR "
            f"missing_facts <> {d.empty_list()})) {over} AS vp_try"
        ),
        f"MIN(CASE WHEN vp_k = 0 THEN vp_e END) {over} AS vp_be",
        "FIRST_VALUE(missing_facts) OVER (PARTITION BY vp_row ORDER BY vp_k) AS vp_bm",
        f"MIN(CASE WHEN {read} THEN vp_e * {_SPAN} + vp_k END) {over} AS vp_lo",
        f"MAX(CASE WHEN {read} THEN vp_e END) {over} AS vp_hi",
        f"BOOL_AND(CASE WHEN {read} THEN basis <> 'unknown' END) {over} AS vp_sure",
    ]


def _settled(d: Dialect) -> tuple[str, list[str]]:
    """Which reading of each row is its decision (an SQL expression for ``vp_k``), and the
    decision's columns from it, as ``_engine._settle_ambiguous_names`` combines the readings.

    A row whose vendor as resolved gives a certain decision with no missing fact keeps that
    decision (reading 0), as does an error row. When every reading is certain with one
    effect, the first reading's decision is made. Else, when the decision as resolved is less
    severe than every reading's (``on_unknown`` capped the escalation), the first least severe
    reading's is made, escalated (basis ``unknown``), with both missing facts; else the decision
    as resolved stands."""
    same = f"vp_lo >= vp_hi * {_SPAN}"  # (the least severe reading is the most severe one)
    certain = f"vp_sure AND {same}"
    below = f"(vp_be + 1) * {_SPAN} < vp_lo"  # (the decision as resolved is below every reading)
    picked = (
        f"CASE WHEN NOT vp_try OR vp_lo IS NULL THEN 0 WHEN {certain} THEN 1 "
        f"WHEN {below} THEN vp_lo % {_SPAN} ELSE 0 END"
    )
    floored = f"(vp_k > 0 AND vp_try AND NOT ({certain}))"
    out = [
        "status",
        "effect",
        f"CASE WHEN {floored} THEN 'unknown' ELSE basis END AS basis",
        "determining",
        "obligations",
        (
            f"CASE WHEN {floored} THEN {d.merged_sorted('missing_facts', 'vp_bm')} "
            "ELSE missing_facts END AS missing_facts"
        ),
        "warnings",
        "error",
    ]
    return picked, out


def _unless_named(column: str, named: set[str], matches: str) -> str:
    """Whether ``column`` fails the pattern test ``matches``, which only a value the rules do
    not name is put to."""
    if not named:
        return f"NOT {matches}"
    return f"CASE WHEN {column} IN ({_texts(named)}) THEN FALSE ELSE NOT {matches} END"


def _missing_list(d: Dialect, missing: Sequence[tuple[str, str]]) -> str:
    """The missing facts, sorted, each once: one test per fact whose name is the same on
    every row (the ``OR`` of its entries), and the others' names sorted with them."""
    fixed: dict[str, list[str]] = {}
    varying: list[str] = []
    for test, name in missing:
        if _LITERAL.fullmatch(name):
            fixed.setdefault(name, []).append(test)
        else:
            varying.append(f"CASE WHEN {test} THEN {name} END")
    items = [
        f"CASE WHEN {' OR '.join(f'({t})' for t in fixed[name])} THEN {name} END"
        for name in sorted(fixed, key=lambda n: n[1:-1].replace("''", "'"))
    ]
    if varying:
        return d.distinct_sorted(items + varying)
    return d.without_nulls(items)


def _grouped(layer: RuleSet, rules: Sequence[tuple[Rule, int]]) -> bool:
    """Whether a layer's determining rules are those of its effect's group that surely apply
    (a layer that is not first-match, with no rule with cases)."""
    return layer.combining is not Combining.FIRST_MATCH and not any(r.cases for r, _ in rules)


def _by_effect(rules: Sequence[tuple[Rule, int]]) -> dict[int, list[tuple[Rule, int]]]:
    """The rules of one fixed effect (no cases), by the effect's severity, in rule order."""
    out: dict[int, list[tuple[Rule, int]]] = {}
    for rule, k in rules:
        if not rule.cases:
            out.setdefault(rule.effect.severity, []).append((rule, k))
    return out


def _pick(function: str, terms: Sequence[str]) -> str:
    """``GREATEST``/``LEAST`` of ``terms`` (one term as it is)."""
    return terms[0] if len(terms) == 1 else f"{function}({', '.join(terms)})"


def _stage(name: str, items: Sequence[str], previous: str) -> str:
    """A step of the query: the one before with ``items`` added."""
    if not items:  # (PostgreSQL takes no trailing comma)
        return f"{name} AS (\n  SELECT *\n  FROM {previous}\n)"
    body = ",\n    ".join(items)
    return f"{name} AS (\n  SELECT *,\n    {body}\n  FROM {previous}\n)"


_VENDOR_ATOMS = (VendorOrigin, VendorId, VendorDesignated, UltimateOwnerOrigin)
#: A missing fact's name that is the same on every row: one text literal.
_LITERAL = re.compile(r"'[^']*'")
#: The names the query gives its own columns.
_INTERNAL = re.compile(
    r"(vp_.*|[tnawk][0-9]+|fn[0-9]+|[cg][0-9]+_[0-9]+|lo[0-9]+|hi[0-9]+|L[0-9]+_.*)"
)


def _truth(value: bool | None) -> str:
    return _NULL if value is None else ("TRUE" if value else "FALSE")


def _value(value: object, name: str) -> str:
    """A cell of a registry table, typed by its column's name."""
    kind = name.rsplit("_", 1)[1]
    if kind == "reading":
        return "CAST(NULL AS INTEGER)" if value is None else str(value)
    if kind == "id":
        return str(value)
    if kind in ("from", "to"):
        return "CAST(NULL AS DATE)" if value is None else _date(value)  # type: ignore[arg-type]
    if kind == "undated" or kind.startswith("t"):
        return _truth(value)  # type: ignore[arg-type]
    return "CAST(NULL AS VARCHAR)" if value is None else literal(str(value))


def _comment(node: Predicate) -> str:
    """The node as a comment's text (as the builder call that makes it)."""
    return repr(node).replace("*/", "* /").replace("\n", " ")


def _texts(values: Iterable[str]) -> str:
    return ", ".join(literal(v) for v in sorted(values))


def _date(value: dt.date) -> str:
    return f"DATE {literal(value.isoformat())}"


def _decimal(value: Decimal) -> str:
    return format(value, "f")
