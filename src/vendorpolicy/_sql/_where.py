"""The catalog question as SQL: "which (vendor, category) rows may this buyer buy?" as one
``WHERE`` condition over a catalog table, from partial evaluation.

The rule set is first specialised to the fixed part of the purchase
(``vendorpolicy.analysis.residual``): what the buyer, the dates, the value and the fixed facts
settle is gone, and what is left reads the catalog's columns (``vendor_id``,
``vendor_country``, ``vendor_designations``, ``category``). The residual is compiled as a
purchases table's query would be (``_compiler``), with the fixed parts as constants, and its
steps are written into one expression: a row passes when it would be decided (not an error
row: the vocabulary check and the ledger's checks hold) with one of the wanted effects —
exactly the rows ``analysis.may_buy`` gives. With a registry, what it says of each vendor id
(on the decision date) and of the buyer is written into the steps of the vendor and buyer
atoms. The expression is then folded (``_fold``): what the constants settle is worked out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from vendorpolicy._checks import as_items, check_text, expect_type, tick
from vendorpolicy._model import Effect
from vendorpolicy._predicates import BuyerDesignated, VendorDesignated
from vendorpolicy._registry import Registry
from vendorpolicy._rules import RuleSet
from vendorpolicy._sql._compiler import _VENDOR_ATOMS, _Compiler, _date, _decimal, _texts
from vendorpolicy._sql._dialect import dialect_named, literal
from vendorpolicy._sql._fold import fold_where
from vendorpolicy.errors import InvalidValueError

if TYPE_CHECKING:
    from vendorpolicy.analysis import Partial

__all__ = ["CATALOG_COLUMNS", "to_sql_where"]

#: The columns of a catalog table (read as those of a purchases table, ``docs/scale.md``).
CATALOG_COLUMNS = ("vendor_id", "vendor_country", "vendor_designations", "category")

#: A string literal, a quoted identifier, or a name: the tokens a step's SQL is made of.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[A-Za-z_][A-Za-z0-9_]*")
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def to_sql_where(
    rule_set: RuleSet,
    fixed: object,
    *,
    effects: Iterable[Effect | str] = (Effect.ALLOW,),
    dialect: str = "duckdb",
    table: str | None = None,
    columns: Iterable[str] | None = None,
    registry: Registry | None = None,
    vendor_ids: Iterable[str] | None = None,
    fold: bool = True,
) -> str:
    """A ``WHERE`` condition that holds on the rows of a catalog table the fixed part of the
    purchase may buy: ``fixed`` is a :class:`vendorpolicy.analysis.Partial` that fixes the
    buyer (and whatever else is known: the dates, the value, the purpose, facts); a row is
    ``(vendor_id, vendor_country, vendor_designations, category)`` (any of them may be
    missing from the table, or ``NULL``), completed as ``Partial.complete`` completes it.
    It passes when the decision on that completion is one of ``effects`` (``allow`` by
    default) and the row is not refused (by the vocabulary check, say): the rows
    ``analysis.may_buy`` gives. ``table`` qualifies the columns (``c`` for ``c."category"``);
    ``columns`` are those of the four the table has (default: all four).

    With a ``registry``, each row's vendor is looked up in it by ``vendor_id`` as of the
    decision date (``fixed.decision_date``; without one, as the interpreter resolves an
    undated purchase), and the buyer by its id, as ``may_buy(..., registry=registry)``
    resolves them: what the registry says of each id is written into the condition.
    ``vendor_ids`` are the ids the catalog holds (default: the registry's ids and its names
    and aliases written as ids; any other id is taken as stated, not matched as a name).

    What the fixed part settles is worked out here (constant folding, in SQL's three-valued
    logic), so that the condition reads only what the catalog's columns decide; ``fold=False``
    gives the condition as compiled, step by step put into one another."""
    from vendorpolicy.analysis import Partial, residual  # noqa: PLC0415 - analysis is heavy

    expect_type(rule_set, RuleSet, "to_sql_where(rule_set)")
    partial = expect_type(
        fixed,
        Partial,
        "to_sql_where(fixed)",
        hint="fix the buyer (and what else is known) with `Partial(buyer=..., ...)`",
    )
    if partial.buyer is None:
        raise InvalidValueError(
            "the catalog question needs a buyer and the partial purchase fixes none",
            path="to_sql_where(fixed).buyer",
            hint="fix the buyer: `Partial(buyer=Buyer(...), ...)`",
        )
    if registry is not None:
        expect_type(registry, Registry, "to_sql_where(registry)")
    ids: list[str] | None = None
    if vendor_ids is not None:
        if registry is None:
            raise InvalidValueError(
                "`vendor_ids` without a registry",
                path="to_sql_where(vendor_ids)",
                hint="give the `registry` the ids are looked up in, or leave `vendor_ids` out",
            )
        ids = [check_text(v, f"to_sql_where(vendor_ids)[{i}]") for i, v in enumerate(
            as_items(vendor_ids, "to_sql_where(vendor_ids)"))]  # fmt: skip
    present = list(CATALOG_COLUMNS)
    if columns is not None:
        present = [str(c) for c in as_items(columns, "to_sql_where(columns)")]
        for i, column in enumerate(present):
            if column not in CATALOG_COLUMNS:
                raise InvalidValueError(
                    f"a catalog has no column {tick(column)}",
                    path=f"to_sql_where(columns)[{i}]",
                    hint="its columns are " + ", ".join(f"`{c}`" for c in CATALOG_COLUMNS),
                )
    d = dialect_named(dialect, "to_sql_where(dialect)")
    wanted = []
    for i, effect in enumerate(effects if not isinstance(effects, str) else [effects]):
        try:
            wanted.append(Effect(effect))
        except ValueError:
            raise InvalidValueError(
                f"unknown effect {tick(effect)}",
                path=f"to_sql_where(effects)[{i}]",
                hint="one of " + ", ".join(f"`{e.value}`" for e in Effect),
            ) from None
    if not wanted:
        raise InvalidValueError(
            "no effect to select", path="to_sql_where(effects)", hint="give `effects=['allow']`"
        )
    rules = residual(rule_set, partial, registry=registry)
    compiler = _Compiler(rules, d, partial.as_of)
    for name in partial.facts:  # (checked by the vocabulary as a row's facts are)
        if name not in compiler.facts:
            compiler.checked.setdefault(name, len(compiler.checked))
    available = {*present, "buyer_public", "buyer_sector"}
    if partial.purpose is not None:
        available.add("purpose")
    steps: dict[str, str] = {}
    for item in compiler._input("vp_catalog", available, {}):
        expr, name = _split(item)
        steps[name] = expr
    steps.update(_constants(compiler, partial))
    for item in [
        compiler._error(),
        *compiler._atoms(),
        *compiler._rule_columns(),
        *compiler._groups(),
        *compiler._ranges(),
        *compiler._layer_effects(),
        "GREATEST(" + ", ".join(compiler._layer_names("e")) + ") AS vp_e",
    ]:
        expr, name = _split(item)
        steps[name] = expr
    severities = ", ".join(str(e.severity) for e in sorted(set(wanted)))
    target = f"vp_error IS NULL AND vp_e IN ({severities})"
    if registry is not None:
        target += _registered(compiler, steps, registry, partial, ids)
    prefix = "" if table is None else f"{table}."
    text = fold_where(target, steps) if fold else _expand(target, steps, {})
    return text.replace("vp_src.", prefix)


def _registered(
    compiler: _Compiler,
    steps: dict[str, str],
    registry: Registry,
    partial: Partial,
    ids: list[str] | None,
) -> str:
    """The registry written into the steps: each vendor atom's value by the row's
    ``vendor_id`` (the registry's where it identifies the vendor, the row's own columns'
    where it does not), each buyer atom's for the fixed buyer; and the condition that the
    ids the registry fails on are not there."""
    from vendorpolicy._sql._registry import KEPT, buyer_rows, vendor_rows  # noqa: PLC0415

    assert partial.buyer is not None
    when = partial.decision_date
    vendors = [a for a in compiler.atoms if isinstance(a, _VENDOR_ATOMS)]
    buyers = [a for a in compiler.atoms if isinstance(a, BuyerDesignated)]
    if ids is None:
        # (as `to_sql` does: the registry's ids, and its names and aliases written as ids)
        ids = [e.id for e in registry.entities]
        ids += ["-".join(key.split()) for key in registry.index._normal]
        found = vendor_rows(registry, ids, vendors, errors=False)
    else:
        found = vendor_rows(registry, ids, vendors)
    by_key = {row[0]: row for row in found if _on(row, when)}
    # (a name several entities carry leaves the vendor unknown, as the interpreter has it: the
    # rule set's `on_unknown` decides; only an id the registry fails on refuses the row)
    refused = sorted(k for k, row in by_key.items() if row[4].startswith("error:"))
    vendor = "vp_vendor"
    for j, node in enumerate(vendors):
        groups: dict[str, list[str]] = {"TRUE": [], "FALSE": [], "NULL": []}
        for key, row in sorted(by_key.items()):
            if row[4] == KEPT:
                continue
            value = row[5 + j] if row[4] == "ok" else None
            groups[_truth(value)].append(key)
        whens = []
        for value, keys in groups.items():
            if not keys:
                continue
            then = "CAST(NULL AS BOOLEAN)" if value == "NULL" else value
            if isinstance(node, VendorDesignated) and value != "TRUE":
                # (the row's own designations are added to the registry's)
                stated = compiler.d.has_any("vp_vendor_designations", node.designations)
                then = f"({then} OR {stated})"
            whens.append(f"WHEN {vendor} IN ({_texts(keys)}) THEN {then}")
        name = f"t{compiler.atoms[node]}"
        if whens:
            steps[name] = f"CASE {' '.join(whens)} ELSE ({steps[name]}) END"
    buyer = partial.buyer
    rows = [r for r in buyer_rows(registry, [buyer.id], buyers) if _on(r, when)]
    state = rows[0][4] if rows else KEPT
    if state.startswith("error:"):
        return " AND FALSE"  # (every row's buyer is one the registry cannot read)
    for j, designated in enumerate(buyers):
        name = f"t{compiler.atoms[designated]}"
        if state == "ok":
            # (the buyer's own designations are added to the registry's, unless unknown)
            truth: object = rows[0][5 + j]
            if buyer.designations is None:
                truth = None
            elif buyer.designations & designated.designations:
                truth = True
            steps[name] = "CAST(NULL AS BOOLEAN)" if truth is None else _truth(truth)
        elif state != KEPT:
            steps[name] = "CAST(NULL AS BOOLEAN)"
    if not refused:
        return ""
    return f" AND ({vendor} IS NULL OR {vendor} NOT IN ({_texts(refused)}))"


def _on(row: tuple[object, ...], when: dt.date | None) -> bool:
    """Whether a registry table's row is the one for the decision date ``when``."""
    _, start, end, undated = row[:4]
    if when is None:
        return bool(undated)
    if undated:
        return False
    assert start is None or isinstance(start, dt.date)
    assert end is None or isinstance(end, dt.date)
    return (start is None or when >= start) and (end is None or when < end)


def _truth(value: object) -> str:
    return "NULL" if value is None else ("TRUE" if value else "FALSE")


def _split(item: str) -> tuple[str, str]:
    """A step's column ``expr AS name`` (comments dropped) as ``(expr, name)``."""
    text = _COMMENT.sub("", item).strip()
    expr, _, name = text.rpartition(" AS ")
    return expr.strip(), name.strip()


def _constants(compiler: _Compiler, fixed: Partial) -> dict[str, str]:
    """The fixed parts of the purchase, as the values of ``vp_in``'s columns."""
    assert fixed.buyer is not None
    buyer = fixed.buyer
    d = compiler.d
    out = {
        "vp_public": "TRUE" if buyer.public else "FALSE",
        "vp_sector": literal(buyer.sector.value),
        "vp_buyer_country": _text(buyer.country),
        "vp_buyer_designations": "CAST(NULL AS " + d.text_list_type + ")"
        if buyer.designations is None
        else d.text_list([literal(x) for x in sorted(buyer.designations)]),
        "vp_buyer_id": literal(buyer.id),
        "vp_date": _day(fixed.date),
        "vp_acquired": _day(fixed.acquired),
        "vp_value": "CAST(NULL AS DECIMAL(38, 10))"
        if fixed.value is None
        else f"CAST({_decimal(fixed.value.amount)} AS DECIMAL(38, 10))",
        "vp_currency": _text(None if fixed.value is None else fixed.value.currency),
        "vp_purpose": _text(fixed.purpose),
        "vp_decided": _day(fixed.decision_date),
    }
    for name, i in compiler.facts.items():
        out[f"vp_f{i}"] = _text(_cell(fixed.facts.get(name)))
    for name, i in compiler.checked.items():
        out[f"vp_x{i}"] = _text(_cell(fixed.facts.get(name)))
    if d.name != "duckdb":
        out = {k: v.replace("DECIMAL(38, 10)", "numeric") for k, v in out.items()}
    return out


def _cell(value: object) -> str | None:
    """A fact's value as a table's cell states it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _text(value: str | None) -> str:
    return "CAST(NULL AS VARCHAR)" if value is None else literal(value)


def _day(value: dt.date | None) -> str:
    return "CAST(NULL AS DATE)" if value is None else _date(value)


def _expand(expr: str, steps: dict[str, str], done: dict[str, str]) -> str:
    """``expr`` with every step's name replaced by its expression, itself expanded."""

    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token not in steps:
            return token
        found = done.get(token)
        if found is None:
            found = done[token] = "(" + _expand(steps[token], steps, done) + ")"
        return found

    return _TOKEN.sub(one, expr)
