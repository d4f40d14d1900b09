"""What atoms read: the facets of a purchase, and the node kinds the compiler knows.

An *atom* is a predicate node the compiler treats as a whole: a leaf (``vendor.origin.in_``,
``category.within``, ``fact(...)``, …) or a component quantifier. A *facet* is one thing a purchase
is read for — its vendor, its category, its buyer, its value, … — with a *key*: a hashable value
that determines, for every atom reading the facet, everything that atom reads. Purchases with
equal keys make every atom on the facet come out the same (value and missing facts), so an atom
is evaluated — by the interpreter itself — once per key, never per purchase.

A node kind is compiled when :data:`READS` says which facets it reads. A kind that is not in
:data:`READS` (a ``custom`` predicate, or a kind added to the library later) makes the rules that
use it fall back to the interpreter: a new kind can never be compiled wrongly by omission. To
compile a new kind, add one entry that lists its :class:`Need`\\ s.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterable
from typing import Any, NamedTuple

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

__all__ = [
    "CONNECTIVES",
    "CONSTANTS",
    "MISSING",
    "QUANTIFIERS",
    "QUICK",
    "READS",
    "Need",
    "NotCompilable",
    "needs_of",
]


class NotCompilable(Exception):  # noqa: N818 - an internal signal, not an error users see
    """A node the compiler does not know: the rule that holds it is left to the interpreter."""


class _Missing:
    """The key of a fact the purchase does not state."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class Need(NamedTuple):
    """One facet an atom reads.

    ``kind`` names the facet: ``vendor`` (the vendor and its ownership chain, as a value),
    ``category``, ``buyer`` (``arg`` is the buyer field read), ``purpose``, ``value``, ``date``
    (the purchase date), ``acquired`` (``Purchase.acquired``), ``when`` (the decision date) or
    ``fact`` (``arg`` is the fact's name).

    For the ordered kinds (``value``, ``date``, ``acquired``, ``when``) ``points`` lists where
    the atom's value may change: the atom must be constant on every interval ``[a, b)`` between
    consecutive points (for ``value``, points are ``(currency, amount)`` pairs). ``points=None``
    asks for the exact value as the key, which is always correct and only caches less.
    """

    kind: str
    arg: str = ""
    points: tuple[Any, ...] | None = None


def _vendor(_: Predicate) -> tuple[Need, ...]:
    return (Need("vendor"),)


def _category(_: Predicate) -> tuple[Need, ...]:
    return (Need("category"),)


def _purpose(_: Predicate) -> tuple[Need, ...]:
    return (Need("purpose"),)


def _value(node: ValueAtLeast) -> tuple[Need, ...]:
    return (Need("value", points=((node.amount.currency, node.amount.amount),)),)


def _date(node: DateOnOrAfter) -> tuple[Need, ...]:
    return (Need("date", points=(node.date,)),)


def _decided(node: DecidedOnOrAfter) -> tuple[Need, ...]:
    return (Need("when", points=(node.date,)),)


def _acquired(node: AcquiredOnOrAfter) -> tuple[Need, ...]:
    return (Need("acquired", points=(node.date,)),)


def _fact(node: FactIn | FactOnOrAfter) -> tuple[Need, ...]:
    return (Need("fact", node.name),)


def _fact_and_when(node: FactOnOrAfterDecision | FactOnOrBeforeDecision) -> tuple[Need, ...]:
    # The comparison is between two values the purchase gives: the fact and the decision date.
    return (Need("fact", node.name), Need("when"))


#: Node kind -> the facets a node of that kind reads. A kind missing here is not compiled.
READS: dict[type[Predicate], Callable[[Any], tuple[Need, ...]]] = {
    VendorOrigin: _vendor,
    VendorId: _vendor,
    VendorDesignated: _vendor,
    UltimateOwnerOrigin: _vendor,
    CategoryWithin: _category,
    BuyerPublic: lambda _: (Need("buyer", "public"),),
    BuyerSector: lambda _: (Need("buyer", "sector"),),
    BuyerCountry: lambda _: (Need("buyer", "country"),),
    BuyerDesignated: lambda _: (Need("buyer", "designations"),),
    ValueAtLeast: _value,
    PurposeIn: _purpose,
    DateOnOrAfter: _date,
    AcquiredOnOrAfter: _acquired,
    DecidedOnOrAfter: _decided,
    FactIn: _fact,
    FactOnOrAfter: _fact,
    FactOnOrAfterDecision: _fact_and_when,
    FactOnOrBeforeDecision: _fact_and_when,
}

# --- quick values -------------------------------------------------------------------------------
#
# The first purchase with a new key has each atom on the facet evaluated. By default that is the
# interpreter's trace of the atom; for the kinds below, a direct test gives the value without
# building a trace (a rule set of a thousand rules has hundreds of atoms on the vendor alone).
# When it says unknown, the interpreter is asked anyway, for the missing facts. The agreement
# tests hold each of these to the interpreter.

Truth = bool | None
QuickTest = Callable[[Any, Any], Truth]


def _lineage(test: Callable[[Any], Truth], through: bool) -> QuickTest:
    def quick(p: Any, _: Any) -> Truth:
        v = p.vendor
        if v is None:
            return None
        if not through:
            return test(v)
        out: Truth = False
        while v is not None:  # three-valued "or" over the vendor and its owners
            value = test(v)
            if value is True:
                return True
            if value is None:
                out = None
            v = v.parent
        return out

    return quick


def _quick_origin(node: VendorOrigin) -> QuickTest:
    countries = node.countries
    return _lineage(
        lambda v: None if v.country is None else v.country in countries, node.through_ownership
    )


def _quick_vendor_id(node: VendorId) -> QuickTest:
    ids = node.ids
    return _lineage(lambda v: v.id in ids, node.through_ownership)


def _quick_designated(node: VendorDesignated) -> QuickTest:
    wanted = node.designations
    return _lineage(lambda v: not wanted.isdisjoint(v.designations), node.through_ownership)


def _quick_ultimate_owner(node: UltimateOwnerOrigin) -> QuickTest:
    countries = node.countries

    def quick(p: Any, _: Any) -> Truth:
        v = p.vendor
        if v is None:
            return None
        while v.parent is not None:
            v = v.parent
        return None if v.country is None else v.country in countries

    return quick


def _quick_category(node: CategoryWithin) -> QuickTest:
    paths = [(c.path, c.path + "/") for c in node.categories]

    def quick(p: Any, _: Any) -> Truth:
        cat = p.category
        if cat is None:
            return None
        path = cat.path
        return any(path == c or path.startswith(below) for c, below in paths)

    return quick


def _quick_fact(node: FactIn) -> QuickTest:
    name, values, if_missing = node.name, node.values, node.if_missing

    def quick(p: Any, _: Any) -> Truth:
        facts = p.facts
        if name not in facts:
            return if_missing
        stated = facts[name]
        return any(type(v) is type(stated) and v == stated for v in values)

    return quick


def _quick_dated_fact(node: FactOnOrAfter) -> QuickTest:
    name, day, if_missing = node.name, node.date, node.if_missing

    def quick(p: Any, _: Any) -> Truth:
        facts = p.facts
        if name not in facts:
            return if_missing
        stated = facts[name]
        # Anything but a date is the interpreter's to report (an error in the trace).
        return stated >= day if isinstance(stated, dt.date) else None

    return quick


def _quick_value(node: ValueAtLeast) -> QuickTest:
    currency, amount = node.amount.currency, node.amount.amount

    def quick(p: Any, _: Any) -> Truth:
        money = p.value
        if money is None or money.currency != currency:
            return None
        return bool(money.amount >= amount)

    return quick


def _quick_date(node: DateOnOrAfter) -> QuickTest:
    day = node.date
    return lambda p, _: None if p.date is None else p.date >= day


def _quick_decided(node: DecidedOnOrAfter) -> QuickTest:
    day = node.date
    return lambda _, when: None if when is None else when >= day


def _quick_acquired(node: AcquiredOnOrAfter) -> QuickTest:
    day = node.date
    return lambda p, _: None if p.acquired is None else p.acquired >= day


#: Node kind -> a direct test of a node's value (see above); kinds not here use the interpreter.
QUICK: dict[type[Predicate], Callable[[Any], QuickTest]] = {
    VendorOrigin: _quick_origin,
    VendorId: _quick_vendor_id,
    VendorDesignated: _quick_designated,
    UltimateOwnerOrigin: _quick_ultimate_owner,
    CategoryWithin: _quick_category,
    FactIn: _quick_fact,
    FactOnOrAfter: _quick_dated_fact,
    ValueAtLeast: _quick_value,
    DateOnOrAfter: _quick_date,
    AcquiredOnOrAfter: _quick_acquired,
    DecidedOnOrAfter: _quick_decided,
}

#: Nodes the compiler combines itself (three-valued), and constants.
CONNECTIVES = (AllOf, AnyOf, Not)
CONSTANTS: dict[type[Predicate], bool] = {Always: True, Never: False}
#: Component quantifiers: atoms whose key is built from what their predicate reads per component.
QUANTIFIERS = (AnyComponent, AllComponents)


def needs_of(node: Predicate) -> tuple[Need, ...]:
    """The facets an atom reads; raises :class:`NotCompilable` for an unknown kind."""
    reads = READS.get(type(node))
    if reads is None:
        raise NotCompilable(type(node).__name__)
    return reads(node)


def inner_needs(node: Predicate) -> list[Need]:
    """What a quantifier's predicate reads on a component seen as a purchase. A quantifier
    inside it reads nothing: on a component, ``components`` is always ``()``."""
    out: list[Need] = []
    pending = [node]
    while pending:
        item = pending.pop()
        kind = type(item)
        if kind in CONNECTIVES:
            pending.extend(item.children)
        elif kind in CONSTANTS or kind in QUANTIFIERS:
            continue
        else:
            out.extend(needs_of(item))
    return out


# --- facets ------------------------------------------------------------------------------------


class Facet:
    """One facet of a purchase as the compiled form reads it.

    ``expr`` is a Python expression for the key over the names ``p`` (the purchase), ``when``
    (the decision date), ``vendor``, ``components`` and ``buyer`` (as resolved against a
    registry) and the names in ``env``; the generated evaluator inlines it. ``part`` is the same
    for a component ``c`` seen as a purchase (for the keys of component quantifiers).
    """

    def __init__(self, name: str, expr: str, part: str, env: dict[str, Any] | None = None) -> None:
        self.name = name
        self.expr = expr
        self.part = part
        self.env = env or {}
        self.index = -1
        #: Whether keys are better looked up by identity first (their hash runs in Python).
        self.by_identity = False
        self.atoms: list[Any] = []
        self.terms: list[Any] = []
        #: For a facet whose key is itself an ordered value (a date) and whose atoms are
        #: constant between these points (see ``Need.points``): keys in one interval between
        #: consecutive points, ``bisect_right(points, key)``, share their class. ``None``: the
        #: key's class is worked out for each key.
        self.points: tuple[Any, ...] | None = None
        self.key: Callable[..., Hashable] = _compile_key(expr, self.env)

    def __repr__(self) -> str:
        return f"Facet({self.name!r})"


def _compile_key(expr: str, env: dict[str, Any]) -> Callable[..., Hashable]:
    code = f"lambda p, when, vendor, components, buyer: {expr}"
    return eval(code, dict(env))  # type: ignore[no-any-return]  # noqa: S307 - our own source


def _ordered(points: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(sorted(set(points)))


def build_facet(kind: str, arg: str, needs: list[Need], tag: str) -> Facet:
    """The facet for every need of one ``kind`` (and, for facts, one ``arg``); ``tag`` makes
    the names it puts in generated code unique."""
    exact = any(n.points is None for n in needs)
    points = [pt for n in needs for pt in (n.points or ())]
    if kind == "vendor":
        facet = Facet("vendor", "vendor", "c.vendor")
        facet.by_identity = True
        return facet
    if kind == "category":
        return Facet(
            "category",
            "(None if p.category is None else p.category.path)",
            "(None if c.category is None else c.category.path)",
        )
    if kind == "buyer":
        fields = sorted({n.arg for n in needs})
        # An enum member hashes in Python; its value, a string, hashes at once.
        reads = {"sector": "buyer.sector._value_"}
        expr = "(" + ", ".join(reads.get(f, f"buyer.{f}") for f in fields) + ",)"
        return Facet("buyer:" + ",".join(fields), expr, expr)
    if kind == "purpose":
        return Facet("purpose", "p.purpose", "p.purpose")
    if kind == "fact":
        env = {"MISSING": MISSING}
        return Facet(
            f"fact:{arg}",
            f"p.facts.get({arg!r}, MISSING)",
            f"c.facts.get({arg!r}, p.facts.get({arg!r}, MISSING))",
            env,
        )
    if kind == "value":
        if exact:
            expr = "(None if p.value is None else (p.value.currency, p.value.amount))"
            return Facet("value", expr, expr)
        by_currency: dict[str, list[Any]] = {}
        for currency, amount in points:
            by_currency.setdefault(currency, []).append(amount)
        ths = {c: _ordered(a) for c, a in by_currency.items()}
        name = f"{tag}_ths"
        v = f"{tag}_v"
        expr = (
            f"(None if ({v} := p.value) is None else ({v}.currency, "
            f"_br({name}.get({v}.currency, ()), {v}.amount)))"
        )
        return Facet("value", expr, expr, {name: ths, "_br": bisect_right})
    if kind in ("date", "acquired", "when"):
        # Dates are few (a few hundred a year) and their hash is cached: the exact date is a
        # cheaper key than its interval. A date not seen yet takes the class of the interval
        # between the points it falls in, when one is known (see ``Facet.points``).
        source = {"date": "p.date", "acquired": "p.acquired", "when": "when"}[kind]
        facet = Facet(kind, source, source)
        if not exact:
            facet.points = _ordered(points)
        return facet
    raise NotCompilable(f"facet {kind}")  # pragma: no cover - READS names known kinds only


def composite_facet(members: list[Facet]) -> Facet:
    """A facet for an atom that reads several: the key is the tuple of theirs."""
    env: dict[str, Any] = {}
    for m in members:
        env.update(m.env)
    return Facet(
        "+".join(m.name for m in members),
        "(" + ", ".join(m.expr for m in members) + ",)",
        "(" + ", ".join(m.part for m in members) + ",)",
        env,
    )


def quantifier_facet(node: Predicate, parts: list[Facet], tag: str) -> Facet:
    """The facet of one component quantifier: ``None`` when components are not declared, else
    what its predicate reads on each component, in order (the count and order matter: missing
    facts name components by index)."""
    env: dict[str, Any] = {}
    for m in parts:
        env.update(m.env)
    inner = "(" + ", ".join(m.part for m in parts) + ",)" if parts else "()"
    source = (
        "def key(p, when, vendor, components, buyer):\n"
        "    if components is None:\n"
        "        return None\n"
        f"    return tuple([{inner} for c in components])\n"
    )
    scope = dict(env)
    exec(source, scope)  # noqa: S102 - our own source
    name = f"{tag}_key"
    facet = Facet(f"quantifier:{node!r}", f"{name}(p, when, vendor, components, buyer)", "()", {})
    facet.env = {name: scope["key"]}
    facet.key = _compile_key(facet.expr, facet.env)
    return facet
