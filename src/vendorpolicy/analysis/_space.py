"""The exact space of purchases a set of rule sets can tell apart.

Every atom of a rule set reads one *dimension* of a purchase (its vendor, its category, the
buyer's sector, a fact, …) or a few. Each dimension is partitioned into *classes* by the
constants the rules use: dates and amounts into intervals between the thresholds, categories
into the named nodes and the "other" remainders below and beside them, vendors into the
profiles their ownership chains can give the vendor conditions, facts into the values named
plus "another value" and "not stated"; *not known* is always a class of its own. Each class has
a representative value, and every atom takes the same value (by the interpreter itself, which
evaluates it on the representative) on every member of a class. A point of the space — one
class per dimension — is thus a whole set of purchases that every rule decides alike, and the
representative purchase of a point is a witness for all of it.

What the space does not cover, it says (:attr:`Space.notes`): ``custom`` predicates are free
booleans (witnesses are decided with the custom predicate answering as assumed); a purchase
declares at most two components (exact whenever the rules hold at most two component
conditions); components state no facts of their own; the decision date is the purchase date
(no ``as_of``), and vendors are analysed as stated, not resolved against a registry.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from vendorpolicy._codes import CURRENCY_CODES
from vendorpolicy._model import (
    Buyer,
    Category,
    Component,
    FactValue,
    Money,
    Purchase,
    Sector,
    Vendor,
)
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
from vendorpolicy._rules import Case, Rule, RuleSet
from vendorpolicy._trace import kleene_and, kleene_or, trace_purchase
from vendorpolicy._vocabcheck import check
from vendorpolicy.errors import VendorPolicyError

__all__ = ["VENDOR_KINDS", "Cell", "Dim", "Space", "assume_custom", "rule_predicates"]

Truth = bool | None
_DAY = dt.timedelta(days=1)
#: The date a purchase has when its date class is "any date".
_ANY_DATE = dt.date(2020, 1, 1)
#: How many declared components a purchase of the space has at most.
MAX_COMPONENTS = 2
#: Ownership chains grow a company deeper while fewer kinds of vendor than this are found.
_MAX_VENDOR_KINDS = 120
#: Components are paired when at most this many kinds of component are told apart.
_MAX_PAIRED = 40
#: Designation sets are enumerated in full up to this many designations; past it, each alone.
_MAX_SUBSET_POOL = 6

_VENDOR_KINDS = (VendorOrigin, VendorId, VendorDesignated, UltimateOwnerOrigin)
#: The conditions that read the vendor (inside a component condition: the part's maker).
VENDOR_KINDS = _VENDOR_KINDS
_OTHER_COUNTRIES = ("BR", "IN", "ZA", "MX", "AR", "NG", "KE", "PE", "CL", "EG")
_OTHER_CURRENCIES = ("CHF", "EUR", "GBP", "USD", "JPY", "SEK")


@attrs.frozen
class Cell:
    """One class of one dimension: a label for reports and the representative value."""

    label: str
    value: Any
    unknown: bool = False
    #: For a fact stated relative to the decision date: the offset in days (the value is then
    #: the purchase date plus the offset).
    offset: int | None = None
    #: For an interval of an ordered dimension: its position (0 for the first).
    order: int | None = None


@attrs.frozen
class Dim:
    """A dimension: its name (``vendor``, ``category``, ``buyer.sector``, ``fact:action``, …)
    and its classes."""

    name: str
    cells: tuple[Cell, ...]
    #: The mask of its "not known" classes.
    unknown: int = attrs.field(init=False)

    @unknown.default
    def _unknown(self) -> int:
        return sum(1 << c for c, cell in enumerate(self.cells) if cell.unknown)


class _Relative:
    """A fact's value given as an offset from the purchase date."""


def rule_predicates(rule: Rule) -> Iterator[Predicate]:
    """Every predicate of a rule: ``when``, ``unless``, each case's."""
    yield rule.when
    if rule.unless is not None:
        yield rule.unless
    for case in rule.cases:
        yield case.when


def window(rule: Rule) -> Predicate | None:
    """The rule's window as a condition on the purchase date (the decision date here)."""
    parts: list[Predicate] = []
    if rule.in_force_from is not None:
        parts.append(DateOnOrAfter(date=rule.in_force_from))
    if rule.in_force_until is not None:
        if rule.in_force_until >= dt.date.max - _DAY:
            parts.append(DateOnOrAfter(date=dt.date.min))  # pragma: no cover - no end
        else:
            parts.append(Not(operand=DateOnOrAfter(date=rule.in_force_until + _DAY)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else AllOf(operands=parts)


def _walk(node: Predicate, inside: bool) -> Iterator[tuple[Predicate, bool]]:
    """Every node with whether it lies inside a component quantifier."""
    yield node, inside
    inner = inside or isinstance(node, (AnyComponent, AllComponents))
    for child in node.children:
        yield from _walk(child, inner)


def _map(node: Predicate, fn: Callable[[Predicate], Predicate | None]) -> Predicate:
    done = fn(node)
    if done is not None:
        return done
    if isinstance(node, (AllOf, AnyOf)):
        return attrs.evolve(node, operands=tuple(_map(op, fn) for op in node.operands))
    if isinstance(node, Not):
        return Not(operand=_map(node.operand, fn))
    if isinstance(node, (AnyComponent, AllComponents)):
        return attrs.evolve(node, predicate=_map(node.predicate, fn))
    return node


def assume_custom(rule_set: RuleSet, values: Mapping[str, Truth]) -> RuleSet:
    """``rule_set`` with each custom predicate named in ``values`` answering that value."""
    if not values:
        return rule_set

    def swap(node: Predicate) -> Predicate | None:
        if isinstance(node, Custom) and node.name in values:
            return Custom(
                name=node.name, function=_answer(values[node.name]), description=node.description
            )
        return None

    def rule(r: Rule) -> Rule:
        return attrs.evolve(
            r,
            when=_map(r.when, swap),
            unless=None if r.unless is None else _map(r.unless, swap),
            cases=tuple(
                Case(when=_map(c.when, swap), effect=c.effect, reason=c.reason) for c in r.cases
            ),
        )

    def layer(rs: RuleSet) -> RuleSet:
        return attrs.evolve(
            rs,
            rules=tuple(rule(r) for r in rs.rules),
            includes=tuple(layer(i) for i in rs.includes),
        )

    return layer(rule_set)


def _answer(value: Truth) -> Callable[[Purchase], Truth]:
    def answer(_: Purchase) -> Truth:
        return value

    return answer


def _subsets(pool: Sequence[str]) -> list[frozenset[str]]:
    if len(pool) <= _MAX_SUBSET_POOL:
        return [frozenset(c) for n in range(len(pool) + 1) for c in itertools.combinations(pool, n)]
    return [frozenset(), *(frozenset({d}) for d in pool), frozenset(pool)]


class Space:
    """The classes of every dimension the given rule sets (and extra predicates) read."""

    def __init__(self, rule_sets: Sequence[RuleSet], extra: Sequence[Predicate] = ()) -> None:
        self.rule_sets = tuple(rule_sets)
        self.notes: list[str] = []
        roots: list[Predicate] = list(extra)
        for rs in self.rule_sets:
            for layer in rs.layers():
                for rule in layer.rules:
                    roots.extend(rule_predicates(rule))
                    w = window(rule)
                    if w is not None:
                        roots.append(w)
        self._nodes: list[tuple[Predicate, bool]] = [
            pair for root in roots for pair in _walk(root, False)
        ]
        self._quantifiers = len(
            {n for n, _ in self._nodes if isinstance(n, (AnyComponent, AllComponents))}
        )
        self.dims: list[Dim] = []
        self.index: dict[str, int] = {}
        self._relational: set[str] = set()
        self._build()

    # --- building the classes -----------------------------------------------------------------

    def _of(self, kind: type[Predicate] | tuple[type[Predicate], ...]) -> list[Any]:
        seen: dict[Predicate, None] = {}
        for node, _ in self._nodes:
            if isinstance(node, kind):
                seen.setdefault(node, None)
        return list(seen)

    def _add(self, name: str, cells: Iterable[Cell]) -> None:
        found = tuple(cells)
        self.index[name] = len(self.dims)
        self.dims.append(Dim(name=name, cells=found))

    def _accepts(self, **fields: Any) -> bool:
        """Whether a purchase with ``fields`` passes the vocabulary of every rule set."""
        try:
            purchase = self._base(**fields)
            for rs in self.rule_sets:
                check(rs, purchase)
        except VendorPolicyError:
            return False
        return True

    def _base(self, **fields: Any) -> Purchase:
        buyer = fields.pop("buyer", None) or Buyer(id="buyer", public=True, sector="other")
        return Purchase(buyer=buyer, **fields)

    def _build(self) -> None:
        self._build_dates()
        self._build_buyer()
        self._build_category()
        self._build_vendor()
        self._build_value()
        self._build_purpose()
        self._build_facts()
        self._build_custom()
        self._build_components()

    def _build_dates(self) -> None:
        points: set[dt.date] = set()
        acquired: set[dt.date] = set()
        for node in self._of((DateOnOrAfter, DecidedOnOrAfter)):
            points.add(node.date)
        for node in self._of(AcquiredOnOrAfter):
            acquired.add(node.date)
        relational = self._of((FactOnOrAfterDecision, FactOnOrBeforeDecision))
        for node in relational:
            self._relational.add(node.name)
        # Facts compared with the decision date, and with fixed dates: the purchase date must
        # meet every fixed date the fact is compared with, with a day's room on each side.
        for node in self._of(FactOnOrAfter):
            if node.name in self._relational:
                points.add(node.date)
        if self._relational:
            points |= {p + d * _DAY for p in set(points) for d in (1, 2)}
        # The acquisition date can be no later than the purchase date, so the two share one
        # partition and a class of each is comparable by its position.
        if acquired:
            points |= acquired
        self._date_points = sorted(points)
        date_cells = [Cell("not known", None, unknown=True), *self._intervals(self._date_points)]
        self._add("date", date_cells)
        if acquired:
            self._add(
                "acquired",
                [Cell("not known", None, unknown=True), *self._intervals(self._date_points)],
            )
        else:
            self._add("acquired", [Cell("any", None)])

    @staticmethod
    def _intervals(points: Sequence[dt.date]) -> list[Cell]:
        if not points:
            return [Cell("any date", _ANY_DATE, order=0)]
        cells = [Cell(f"before {points[0].isoformat()}", points[0] - _DAY, order=0)]
        for i, start in enumerate(points):
            if i + 1 < len(points):
                last = points[i + 1] - _DAY
                label = (
                    f"on {start.isoformat()}"
                    if last == start
                    else f"{start.isoformat()} to {last.isoformat()}"
                )
            else:
                label = f"from {start.isoformat()}"
            cells.append(Cell(label, start, order=i + 1))
        return cells

    def _build_buyer(self) -> None:
        self._add("buyer.public", [Cell("public", True), Cell("private", False)])
        named = {s for n in self._of(BuyerSector) for s in n.sectors}
        sectors = [s for s in Sector if s in named]
        rest = [s for s in Sector if s not in named]
        cells = [Cell(s.value, s) for s in sectors]
        if rest:
            cells.append(Cell(f"another sector ({rest[0].value})", rest[0]))
        self._add("buyer.sector", cells)
        countries = sorted({c for n in self._of(BuyerCountry) for c in n.countries})
        if countries:
            other = next(c for c in _OTHER_COUNTRIES if c not in countries)
            self._add(
                "buyer.country",
                [
                    Cell("not known", None, unknown=True),
                    *(Cell(c, c) for c in countries),
                    Cell(f"another country ({other})", other),
                ],
            )
        else:
            self._add("buyer.country", [Cell("any", None)])
        atoms = self._of(BuyerDesignated)
        if atoms:
            pool = sorted({d for n in atoms for d in n.designations})
            groups: dict[tuple[bool, ...], frozenset[str]] = {}
            for subset in _subsets(pool):
                key = tuple(not n.designations.isdisjoint(subset) for n in atoms)
                groups.setdefault(key, subset)
            self._add(
                "buyer.designations",
                [
                    Cell("not known", None, unknown=True),
                    *(Cell(_set_label(s), s) for s in groups.values()),
                ],
            )
        else:
            self._add("buyer.designations", [Cell("any", frozenset())])

    def _build_category(self) -> None:
        named = sorted({c for n in self._of(CategoryWithin) for c in n.categories})
        if not named:
            self._add("category", [Cell("any", None)])
            return
        candidates: list[Category] = list(named)
        for rs in self.rule_sets:
            for layer in rs.layers():
                if layer.vocabulary is not None and layer.vocabulary.categories is not None:
                    candidates.extend(sorted(layer.vocabulary.categories))
        candidates.extend(Category(f"{c.path}/other") for c in named)
        candidates.append(Category("other"))
        groups: dict[frozenset[Category], Category] = {}
        for cat in candidates:
            key = frozenset(n for n in named if cat.within(n))
            if key in groups or not self._accepts(category=cat):
                continue
            groups[key] = cat
        cells = [Cell("not known", None, unknown=True)]
        for key, cat in groups.items():
            if cat in named:
                label = cat.path
            elif key:
                deepest = max(key, key=lambda n: len(n.parts))
                label = f"other {deepest.path} (e.g. {cat.path})"
            else:
                label = f"outside the named categories (e.g. {cat.path})"
            cells.append(Cell(label, cat))
        self._add("category", cells)

    def _build_vendor(self) -> None:
        """The vendor classes, which depend on the vendor conditions alone (in their order):
        kept for the next space with the same ones (a rule set less a rule, in lint)."""
        atoms: list[Any] = self._of(_VENDOR_KINDS)
        key = tuple(atoms)
        found = _vendor_kept.get(key)
        if found is None:
            notes = len(self.notes)
            self._build_vendor_classes(atoms)
            found = (self.dims[self.index["vendor"]].cells, tuple(self.notes[notes:]))
            if len(_vendor_kept) >= _VENDOR_KEPT:
                del _vendor_kept[next(iter(_vendor_kept))]
            _vendor_kept[key] = found
            return
        self.notes.extend(found[1])
        self._add("vendor", found[0])

    def _build_vendor_classes(self, atoms: list[Any]) -> None:  # noqa: PLR0915 - one search
        if not atoms:
            self._add("vendor", [Cell("any", None)])
            return
        countries = sorted(
            {
                c
                for n in atoms
                if isinstance(n, (VendorOrigin, UltimateOwnerOrigin))
                for c in n.countries
            }
        )
        ids = sorted({i for n in atoms if isinstance(n, VendorId) for i in n.ids})
        designations = sorted(
            {d for n in atoms if isinstance(n, VendorDesignated) for d in n.designations}
        )
        other = next(c for c in _OTHER_COUNTRIES if c not in countries)

        def test(node: Any, v: Vendor) -> Truth:
            if isinstance(node, (VendorOrigin, UltimateOwnerOrigin)):
                return None if v.country is None else v.country in node.countries
            if isinstance(node, VendorId):
                return v.id in node.ids
            return not node.designations.isdisjoint(v.designations)

        # One vendor record of each kind the atoms can tell apart.
        members: dict[tuple[Truth, ...], tuple[str | None, str | None, frozenset[str]]] = {}
        for country in [*countries, other, None]:
            for vid in [*ids, None]:
                for ds in _subsets(designations):
                    v = Vendor(id=vid or "vendor", country=country, designations=ds)
                    key = tuple(test(n, v) for n in atoms)
                    members.setdefault(key, (country, vid, ds))
        specs = list(members.values())
        counter = itertools.count()

        def make(
            spec: tuple[str | None, str | None, frozenset[str]], parent: Vendor | None
        ) -> Vendor:
            country, vid, ds = spec
            return Vendor(
                id=vid or f"vendor-{next(counter)}", country=country, designations=ds, parent=parent
            )

        def chain_ids(v: Vendor) -> set[str]:
            return {x.id for x in v.lineage}

        def profile(v: Vendor) -> tuple[Truth, ...]:
            out: list[Truth] = []
            for n in atoms:
                if isinstance(n, UltimateOwnerOrigin):
                    out.append(test(n, v.ultimate_owner))
                elif n.through_ownership:
                    out.append(kleene_or([test(n, x) for x in v.lineage]))
                else:
                    out.append(test(n, v))
            return tuple(out)

        # A company put on top of a chain changes its profile as its own values say: an
        # ultimate-owner condition reads it alone, a condition through ownership is the
        # Kleene "or" over the chain, and a condition on the vendor itself reads the bottom.
        # So a grown chain's profile is worked out from the chain's and the top's, and the
        # chain built only when that profile is new.
        on_top = {
            spec: tuple(
                test(n, Vendor(id=spec[1] or "vendor", country=spec[0], designations=spec[2]))
                for n in atoms
            )
            for spec in specs
        }
        grows = [
            0 if isinstance(n, UltimateOwnerOrigin) else 1 if n.through_ownership else 2
            for n in atoms
        ]

        def grown_profile(below: tuple[Truth, ...], top: tuple[Truth, ...]) -> tuple[Truth, ...]:
            return tuple(
                t if how == 0 else (b if how == 2 else kleene_or([b, t]))
                for how, b, t in zip(grows, below, top, strict=True)
            )

        # Breadth first over chains, a new ultimate owner on top each step: the profile of a
        # chain (every vendor condition's value) is its state, so the search ends.
        found: dict[tuple[Truth, ...], Vendor] = {}
        frontier: list[tuple[Vendor, tuple[Truth, ...]]] = []
        for spec in specs:
            v = make(spec, None)
            key = profile(v)
            if key not in found:
                found[key] = v
                frontier.append((v, key))
        depth = 1
        while frontier and depth < 8:
            if depth >= 2 and len(found) > _MAX_VENDOR_KINDS:
                self.notes.append(
                    f"vendor ownership chains are analysed up to {depth} companies deep "
                    f"({len(found)} kinds of vendor are told apart at that depth)"
                )
                break
            depth += 1
            nxt: list[tuple[Vendor, tuple[Truth, ...]]] = []
            for v, below in frontier:
                held = chain_ids(v)
                for spec in specs:
                    if spec[1] is not None and spec[1] in held:
                        continue
                    country, vid, ds = spec
                    # Numbered as if every chain were built (a witness's vendor ids stay).
                    number = next(counter) if vid is None else 0
                    key = grown_profile(below, on_top[spec])
                    if key not in found:
                        top = Vendor(id=vid or f"vendor-{number}", country=country, designations=ds)
                        grown = _reparent(v, top)
                        found[key] = grown
                        nxt.append((grown, key))
            frontier = nxt
        if frontier and depth >= 8:  # pragma: no cover - chains deeper than 8
            self.notes.append("vendor ownership chains are analysed up to 8 companies deep")
        cells = [Cell("not known", None, unknown=True)]
        cells.extend(Cell(_vendor_label(v), v) for v in found.values())
        self._add("vendor", cells)

    def _build_value(self) -> None:
        atoms = self._of(ValueAtLeast)
        if not atoms:
            self._add("value", [Cell("any", None)])
            return
        by_currency: dict[str, set[Decimal]] = {}
        for n in atoms:
            by_currency.setdefault(n.amount.currency, set()).add(n.amount.amount)
        cells = [Cell("not known", None, unknown=True)]
        for currency in sorted(by_currency):
            points = sorted(by_currency[currency])
            if points[0] > 0:
                below = points[0] - 1 if points[0] >= 1 else points[0] / 2
                cells.append(
                    Cell(
                        f"below {points[0]} {currency}",
                        Money(amount=below, currency=currency),
                    )
                )
            for i, start in enumerate(points):
                label = (
                    f"{start} to below {points[i + 1]} {currency}"
                    if i + 1 < len(points)
                    else f"{start} {currency} or more"
                )
                cells.append(Cell(label, Money(amount=start, currency=currency)))
        other = next(c for c in _OTHER_CURRENCIES if c not in by_currency and c in CURRENCY_CODES)
        cells.append(Cell(f"in another currency ({other})", Money(amount=1, currency=other)))
        self._add("value", cells)

    def _build_purpose(self) -> None:
        atoms = self._of(PurposeIn)
        if not atoms:
            self._add("purpose", [Cell("any", None)])
            return
        named = sorted({p for n in atoms for p in n.purposes})
        cells = [Cell("not known", None, unknown=True)]
        cells.extend(Cell(p, p) for p in named if self._accepts(purpose=p))
        others: list[str] = []
        for rs in self.rule_sets:
            for layer in rs.layers():
                voc = layer.vocabulary
                if voc is not None and voc.facts is not None:
                    for spec in voc.facts:
                        if spec.name == "purpose":
                            others.extend(str(v) for v in spec.values)
        others.append("other-purpose")
        for p in others:
            if p not in named and self._accepts(purpose=p):
                cells.append(Cell(f"another purpose ({p})", p))
                break
        self._add("purpose", cells)

    def _build_facts(self) -> None:
        names: dict[str, list[Any]] = {}
        for n in self._of((FactIn, FactOnOrAfter, FactOnOrAfterDecision, FactOnOrBeforeDecision)):
            names.setdefault(n.name, []).append(n)
        for name in sorted(names):
            atoms = names[name]
            candidates: list[tuple[str, Any, int | None]] = []
            named: list[FactValue] = []
            for n in atoms:
                if isinstance(n, FactIn):
                    named.extend(sorted(n.values, key=repr))
            if any(isinstance(v, bool) for v in named):
                named.extend([True, False])
            candidates.extend((_show(v), v, None) for v in named)
            dated = [n for n in atoms if not isinstance(n, FactIn)]
            points = sorted({n.date for n in atoms if isinstance(n, FactOnOrAfter)})
            if dated:
                candidates.extend((c.label, c.value, None) for c in self._intervals(points))
                candidates.append(("not a date (`soon`)", "soon", None))
            if name in self._relational:
                for shift, label in (
                    (-1, "the day before the purchase date"),
                    (0, "the purchase date"),
                    (1, "the day after the purchase date"),
                ):
                    candidates.append((label, _Relative, shift))
            others: list[FactValue] = []
            for rs in self.rule_sets:
                for layer in rs.layers():
                    voc = layer.vocabulary
                    if voc is not None and voc.facts is not None:
                        for spec in voc.facts:
                            if spec.name == name:
                                others.extend(spec.values)
            others.extend(["other-value", True, False, dt.date(2001, 1, 1)])
            for v in others:
                if (
                    not any(type(v) is type(w) and v == w for w in named)
                    and not (dated and isinstance(v, dt.date))
                    and self._accepts(facts={name: v})
                ):
                    candidates.append((f"another value ({_show(v)})", v, None))
                    break
            cells = [Cell("not stated", _MISSING, unknown=True)]
            seen: list[Any] = []
            for label, value, offset in candidates:
                if offset is None:
                    if any(type(value) is type(s) and value == s for s in seen):
                        continue
                    if not self._accepts(facts={name: value}):
                        continue
                    seen.append(value)
                    cells.append(Cell(label, value))
                else:
                    if not self._accepts(facts={name: _ANY_DATE}):
                        continue
                    cells.append(Cell(label, _Relative, offset=offset))
            self._add(f"fact:{name}", cells)

    def _build_custom(self) -> None:
        names = sorted({n.name for n in self._of(Custom)})
        for name in names:
            self._add(
                f"custom:{name}",
                [Cell("true", True), Cell("false", False), Cell("no answer", None, unknown=True)],
            )
        if names:
            shown = ", ".join(f"`{n}`" for n in names)
            self.notes.append(
                f"custom predicates ({shown}) are opaque: analysed as free booleans (true, false "
                "or no answer), and each witness is decided with them answering as assumed"
            )

    def _build_components(self) -> None:
        if not self._quantifiers:
            self._add("components", [Cell("any", None)])
            return
        vendor = self.dims[self.index["vendor"]]
        cat = self.dims[self.index["category"]]
        inner = [
            n
            for n, inside in self._nodes
            if inside and isinstance(n, (*_VENDOR_KINDS, CategoryWithin))
        ]
        inner = list(dict.fromkeys(inner))
        # A vendor condition reads only the vendor, a category condition only the category:
        # each is evaluated once per class of what it reads, and a part's key put together.
        by_vendor = [n for n in inner if isinstance(n, _VENDOR_KINDS)]
        by_category = [n for n in inner if not isinstance(n, _VENDOR_KINDS)]
        of_vendor: list[dict[Predicate, Truth]] = [
            {n: trace_purchase(n, self._base(vendor=v.value)).value for n in by_vendor}
            for v in vendor.cells
        ]
        of_category: list[dict[Predicate, Truth]] = [
            {n: trace_purchase(n, self._base(category=c.value)).value for n in by_category}
            for c in cat.cells
        ]
        members: dict[tuple[Truth, ...], Component] = {}
        for vi, v in enumerate(vendor.cells):
            for ci, c in enumerate(cat.cells):
                seen: dict[Predicate, Truth] = {**of_vendor[vi], **of_category[ci]}
                key = tuple(seen[n] for n in inner)
                if key not in members:
                    members[key] = Component(vendor=v.value, category=c.value)
        parts = list(members.values())
        lists: list[tuple[Component, ...]] = [(p,) for p in parts]
        if self._quantifiers > 1 and len(parts) > _MAX_PAIRED:
            self.notes.append(
                f"a purchase declares at most one component here ({len(parts)} kinds of "
                "component are told apart: too many to pair)"
            )
        elif self._quantifiers > 1:
            lists.extend(itertools.combinations(parts, 2))
            if self._quantifiers > MAX_COMPONENTS:
                self.notes.append(
                    f"a purchase declares at most {MAX_COMPONENTS} components here (the rules "
                    f"hold {self._quantifiers} component conditions)"
                )
        cells = [Cell("not declared", None, unknown=True), Cell("none declared", ())]
        cells.extend(Cell(_parts_label(x), x) for x in self._distinct_lists(parts, lists))
        self.notes.append("components are analysed without facts of their own")
        self._add("components", cells)

    def _distinct_lists(
        self, parts: list[Component], lists: list[tuple[Component, ...]]
    ) -> list[tuple[Component, ...]]:
        """One list of components of each kind the quantifiers tell apart, in every context
        (the other dimensions their conditions read): the value of a quantifier over a list
        is the Kleene "or" (any) or "and" (all) of its condition over the parts."""
        quantifiers: list[Any] = self._of((AnyComponent, AllComponents))
        context: set[int] = set()
        for q in quantifiers:
            context.update(d for d in self._context_reads(q.predicate))
        dims = sorted(context)
        combos = 1
        for d in dims:
            combos *= len(self.dims[d].cells)
        if combos * len(parts) * len(quantifiers) > 20000:
            return lists
        points = [
            dict(zip(dims, combo, strict=True))
            for combo in itertools.product(*(range(len(self.dims[d].cells)) for d in dims))
        ]
        # The condition of each quantifier on each part, in each context.
        table: dict[tuple[int, int], tuple[Truth, ...]] = {}
        for pi, part in enumerate(parts):
            for qi, q in enumerate(quantifiers):
                values = []
                for point in points:
                    seen = attrs.evolve(
                        self.purchase(point),
                        vendor=part.vendor,
                        category=part.category,
                        components=(),
                    )
                    values.append(trace_purchase(q.predicate, seen).value)
                table[(pi, qi)] = tuple(values)
        index = {id(p): i for i, p in enumerate(parts)}
        groups: dict[tuple[Any, ...], tuple[Component, ...]] = {}
        for chosen in lists:
            key: list[Any] = []
            for qi, q in enumerate(quantifiers):
                combine = kleene_or if isinstance(q, AnyComponent) else kleene_and
                rows = [table[(index[id(p)], qi)] for p in chosen]
                key.append(tuple(combine(list(col)) for col in zip(*rows, strict=True)))
            groups.setdefault(tuple(key), chosen)
        return list(groups.values())

    def _context_reads(self, node: Predicate) -> set[int]:
        out: set[int] = set()
        for sub, _ in _walk(node, True):
            if isinstance(sub, (*_VENDOR_KINDS, CategoryWithin, AnyComponent, AllComponents)):
                continue
            if isinstance(sub, (AllOf, AnyOf, Not, Always, Never)):
                continue
            out.update(self.reads(sub))
        return out

    # --- reading ------------------------------------------------------------------------------

    def reads(self, node: Predicate) -> tuple[int, ...]:
        """The dimensions an atom reads."""
        i = self.index
        if isinstance(node, _VENDOR_KINDS):
            return (i["vendor"],)
        if isinstance(node, CategoryWithin):
            return (i["category"],)
        if isinstance(node, BuyerPublic):
            return (i["buyer.public"],)
        if isinstance(node, BuyerSector):
            return (i["buyer.sector"],)
        if isinstance(node, BuyerCountry):
            return (i["buyer.country"],)
        if isinstance(node, BuyerDesignated):
            return (i["buyer.designations"],)
        if isinstance(node, ValueAtLeast):
            return (i["value"],)
        if isinstance(node, PurposeIn):
            return (i["purpose"],)
        if isinstance(node, (DateOnOrAfter, DecidedOnOrAfter)):
            return (i["date"],)
        if isinstance(node, AcquiredOnOrAfter):
            return (i["acquired"],)
        if isinstance(node, (FactIn, FactOnOrAfter, FactOnOrAfterDecision, FactOnOrBeforeDecision)):
            if node.name in self._relational:
                return (i[f"fact:{node.name}"], i["date"])
            return (i[f"fact:{node.name}"],)
        if isinstance(node, Custom):
            return (i[f"custom:{node.name}"],)
        if isinstance(node, (AnyComponent, AllComponents)):
            return tuple(sorted({i["components"], *self._context_reads(node.predicate)}))
        raise TypeError(type(node).__name__)  # pragma: no cover - the node set is closed

    def purchase(self, point: Mapping[int, int]) -> Purchase:
        """The representative purchase of a (partial) point: class index by dimension index;
        a dimension not given takes its first class."""

        def cell(name: str) -> Cell:
            d = self.index.get(name)
            if d is None:  # while the space is being built
                return Cell("any", None)
            return self.dims[d].cells[point.get(d, 0)]

        date: dt.date | None = cell("date").value
        acquired: dt.date | None = cell("acquired").value
        if acquired is not None and date is not None and acquired > date:
            acquired = date
        facts: dict[str, Any] = {}
        for d, dim in enumerate(self.dims):
            if dim.name.startswith("fact:"):
                c = dim.cells[point.get(d, 0)]
                if c.value is _MISSING:
                    continue
                if c.offset is not None:
                    facts[dim.name[5:]] = (date or _ANY_DATE) + c.offset * _DAY
                else:
                    facts[dim.name[5:]] = c.value
        designations = cell("buyer.designations").value
        buyer = Buyer(
            id="buyer",
            public=cell("buyer.public").value,
            sector=cell("buyer.sector").value,
            country=cell("buyer.country").value,
            designations=designations,
        )
        return Purchase(
            buyer=buyer,
            vendor=cell("vendor").value,
            category=cell("category").value,
            date=date,
            acquired=acquired,
            value=cell("value").value,
            purpose=cell("purpose").value,
            components=cell("components").value,
            facts=facts,
        )

    def part_purchase(self, part: Component) -> Purchase:
        """A purchase of ``part``'s vendor and category, on which a vendor or category
        condition inside a component condition reads what it reads of the part."""
        return self._base(vendor=part.vendor, category=part.category)

    def customs(self, point: Mapping[int, int]) -> dict[str, Truth]:
        """What each custom predicate answers at a point."""
        out: dict[str, Truth] = {}
        for d, dim in enumerate(self.dims):
            if dim.name.startswith("custom:"):
                out[dim.name[7:]] = dim.cells[point.get(d, 0)].value
        return out

    def feasible(self, point: Mapping[int, int]) -> bool:
        """Whether a point holds a purchase: equipment is not acquired after it is bought."""
        a = self.dims[self.index["acquired"]].cells[point.get(self.index["acquired"], 0)]
        d = self.dims[self.index["date"]].cells[point.get(self.index["date"], 0)]
        if a.order is None or d.order is None:
            return True
        return a.order <= d.order

    def points(self) -> Iterator[dict[int, int]]:
        """Every point of the space (for brute force over small spaces)."""
        ranges = [range(len(d.cells)) for d in self.dims]
        for combo in itertools.product(*ranges):
            point = dict(enumerate(combo))
            if self.feasible(point):
                yield point

    @property
    def size(self) -> int:
        """How many points the space has (before the date/acquired constraint)."""
        out = 1
        for d in self.dims:
            out *= len(d.cells)
        return out


#: The vendor classes of the last few spaces, by their vendor conditions (see `_build_vendor`).
_vendor_kept: dict[tuple[Predicate, ...], tuple[tuple[Cell, ...], tuple[str, ...]]] = {}
_VENDOR_KEPT = 4


class _MissingFact:
    def __repr__(self) -> str:
        return "MISSING"


_MISSING = _MissingFact()


def _reparent(v: Vendor, top: Vendor) -> Vendor:
    """``v``'s chain with ``top`` above its current ultimate owner."""
    if v.parent is None:
        return attrs.evolve(v, parent=top)
    return attrs.evolve(v, parent=_reparent(v.parent, top))


def _set_label(values: Iterable[str]) -> str:
    items = sorted(values)
    return "{" + ", ".join(items) + "}" if items else "none"


def _show(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _one_vendor(v: Vendor) -> str:
    bits = [v.id if not v.id.startswith("vendor") else "a vendor"]
    bits.append(f"from {v.country}" if v.country else "of unknown origin")
    if v.designations:
        bits.append(f"designated {_set_label(v.designations)}")
    return " ".join(bits)


def _vendor_label(v: Vendor) -> str:
    return " owned by ".join(_one_vendor(x) for x in v.lineage)


def _parts_label(parts: Sequence[Component]) -> str:
    shown = []
    for p in parts:
        who = "unknown maker" if p.vendor is None else _vendor_label(p.vendor)
        what = "unknown category" if p.category is None else p.category.path
        shown.append(f"{what} by {who}")
        # a component's own facts are not analysed (see the module's notes)
    return "; ".join(shown)
