"""The plain interpreter: evaluates a predicate on a purchase, three-valued, and records a trace.

This interpreter is the specification of what a predicate means; any faster path must agree
with it.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from typing import Any

import attrs
from attrs import field, frozen

from vendorpolicy._model import Component, Purchase, Vendor
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
from vendorpolicy._text import brief

__all__ = ["Trace", "UnknownFacts", "kleene_and", "kleene_not", "kleene_or", "trace_purchase"]


def _repr(value: object) -> str:
    """``repr(value)`` for a message, cut short; never raising."""
    try:
        return brief(repr(value), 60)
    except Exception:
        return f"<{type(value).__name__}>"


Truth = bool | None


@frozen(kw_only=True)
class Trace:
    """How one predicate node came out on one purchase.

    ``value`` is ``True``, ``False`` or ``None`` (unknown). An atom records the ``fact`` it read
    (a path such as ``vendor.country`` or ``components[1].vendor.id``) and what it ``observed``
    there, in prose, and ``observed_value`` the same in structured form (the value read, ``None``
    when it is not known; for a condition through ownership, the value of each vendor of the
    chain by id). An unknown atom's fact is a missing fact. ``error`` is set when a custom predicate
    failed: the node is then unknown, so the engine fails closed.
    """

    predicate: Predicate
    value: Truth
    fact: str = ""
    observed: str = ""
    error: str = ""
    children: tuple[Trace, ...] = field(default=())
    #: What ``observed`` says, as a value (a date, a set, money): for the audit record. Left
    #: out of equality and hashing, as the prose in ``observed`` says the same.
    observed_value: Any = field(default=None, eq=False)

    @property
    def missing_facts(self) -> tuple[str, ...]:
        """The facts whose absence made this node unknown (empty when it is known)."""
        if self.value is not None:
            return ()
        out: dict[str, None] = {}
        if self.fact and not self.children:
            out[self.fact] = None
        for child in self.children:
            for name in child.missing_facts:
                out[name] = None
        return tuple(out)

    @property
    def errors(self) -> tuple[str, ...]:
        """Errors raised by custom predicates anywhere in the tree."""
        out = [self.error] if self.error else []
        for child in self.children:
            out.extend(child.errors)
        return tuple(out)

    def walk(self) -> list[Trace]:
        """This node and every node below it, depth first."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


def kleene_and(values: list[Truth]) -> Truth:
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def kleene_or(values: list[Truth]) -> Truth:
    if any(v is True for v in values):
        return True
    if any(v is None for v in values):
        return None
    return False


def kleene_not(value: Truth) -> Truth:
    return None if value is None else not value


@frozen
class UnknownFacts:
    """Facts to read as unknown whatever a condition's ``if_missing`` says: those a purchase
    stated outside its rule set's vocabulary, under ``outside_vocabulary="escalate"``.
    ``components[i]`` holds those of component ``i``; the purchase's apply to every component
    that does not state the fact itself."""

    facts: frozenset[str] = frozenset()
    components: tuple[frozenset[str], ...] = ()


_NOTHING_UNKNOWN = UnknownFacts()


@frozen
class _Subject:
    """What atoms read: the purchase, or a component seen as a purchase of its own."""

    purchase: Purchase
    prefix: str = ""
    #: The decision date: `as_of` when given, else the purchase's date.
    as_of: dt.date | None = None
    #: Facts to read as unknown (see `UnknownFacts`).
    unknown: UnknownFacts = _NOTHING_UNKNOWN


def trace_purchase(
    predicate: Predicate,
    purchase: Purchase,
    as_of: dt.date | None = None,
    *,
    unknown: UnknownFacts | None = None,
) -> Trace:
    when = as_of if as_of is not None else purchase.date
    return _trace(predicate, _Subject(purchase, as_of=when, unknown=unknown or _NOTHING_UNKNOWN))


def _trace(node: Predicate, subject: _Subject) -> Trace:
    handler = _HANDLERS.get(type(node))
    if handler is None:  # pragma: no cover - the node set is closed
        return Trace(predicate=node, value=None, error=f"unknown node type {type(node).__name__}")
    return handler(node, subject)


def _lineage_values(
    vendor: Vendor, through: bool, read: Callable[[Vendor], Any]
) -> list[tuple[Vendor, Any]]:
    chain = vendor.lineage if through else (vendor,)
    return [(v, read(v)) for v in chain]


def _vendor_atom(  # noqa: PLR0917 - private helper; the call sites read as a table
    node: Predicate,
    subject: _Subject,
    through: bool,
    attribute: str,
    read: Callable[[Vendor], Any],
    test: Callable[[Any], Truth],
    show: Callable[[Any], str],
) -> Trace:
    fact = f"{subject.prefix}vendor.{attribute}"
    vendor = subject.purchase.vendor
    if vendor is None:
        return Trace(
            predicate=node, value=None, fact=f"{subject.prefix}vendor", observed="not known"
        )
    pairs = _lineage_values(vendor, through, read)
    value = kleene_or([test(v) for _, v in pairs])
    seen: Any
    if through:
        observed = "; ".join(f"{who.id}: {show(v)}" for who, v in pairs)
        fact = f"{fact} (through ownership)"
        seen = {who.id: v for who, v in pairs}
    else:
        observed = show(pairs[0][1])
        seen = pairs[0][1]
    return Trace(predicate=node, value=value, fact=fact, observed=observed, observed_value=seen)


def _show_set(values: Any) -> str:
    return ", ".join(sorted(values)) if values else "none"


def _origin(node: VendorOrigin, subject: _Subject) -> Trace:
    return _vendor_atom(
        node,
        subject,
        node.through_ownership,
        "country",
        lambda v: v.country,
        lambda c: None if c is None else c in node.countries,
        lambda c: "not known" if c is None else c,
    )


def _vendor_id(node: VendorId, subject: _Subject) -> Trace:
    return _vendor_atom(
        node, subject, node.through_ownership, "id", lambda v: v.id, node.ids.__contains__, str
    )


def _designated(node: VendorDesignated, subject: _Subject) -> Trace:
    return _vendor_atom(
        node,
        subject,
        node.through_ownership,
        "designations",
        lambda v: v.designations,
        lambda ds: not node.designations.isdisjoint(ds),
        _show_set,
    )


def _ultimate_owner_origin(node: UltimateOwnerOrigin, subject: _Subject) -> Trace:
    vendor = subject.purchase.vendor
    if vendor is None:
        return Trace(
            predicate=node, value=None, fact=f"{subject.prefix}vendor", observed="not known"
        )
    top = vendor.ultimate_owner
    fact = f"{subject.prefix}vendor.ultimate_owner.country"
    if top.country is None:
        return Trace(predicate=node, value=None, fact=fact, observed=f"{top.id}: not known")
    return Trace(
        predicate=node,
        value=top.country in node.countries,
        fact=fact,
        observed=f"{top.id}: {top.country}",
        observed_value={top.id: top.country},
    )


def _category(node: CategoryWithin, subject: _Subject) -> Trace:
    fact = f"{subject.prefix}category"
    cat = subject.purchase.category
    if cat is None:
        return Trace(predicate=node, value=None, fact=fact, observed="not known")
    value = any(cat.within(c) for c in node.categories)
    return Trace(predicate=node, value=value, fact=fact, observed=cat.path, observed_value=cat.path)


def _public(node: BuyerPublic, subject: _Subject) -> Trace:
    public = subject.purchase.buyer.public
    return Trace(
        predicate=node,
        value=public is node.public,
        fact="buyer.public",
        observed="public" if public else "private",
        observed_value=public,
    )


def _sector(node: BuyerSector, subject: _Subject) -> Trace:
    sector = subject.purchase.buyer.sector
    return Trace(
        predicate=node,
        value=sector in node.sectors,
        fact="buyer.sector",
        observed=sector.value,
        observed_value=sector.value,
    )


def _buyer_country(node: BuyerCountry, subject: _Subject) -> Trace:
    country = subject.purchase.buyer.country
    if country is None:
        return Trace(
            predicate=node, value=node.if_missing, fact="buyer.country", observed="not known"
        )
    return Trace(
        predicate=node,
        value=country in node.countries,
        fact="buyer.country",
        observed=country,
        observed_value=country,
    )


def _buyer_designated(node: BuyerDesignated, subject: _Subject) -> Trace:
    designations = subject.purchase.buyer.designations
    if designations is None:
        return Trace(predicate=node, value=None, fact="buyer.designations", observed="not known")
    return Trace(
        predicate=node,
        value=not node.designations.isdisjoint(designations),
        fact="buyer.designations",
        observed=_show_set(designations),
        observed_value=designations,
    )


def _value(node: ValueAtLeast, subject: _Subject) -> Trace:
    money = subject.purchase.value
    if money is None:
        return Trace(predicate=node, value=None, fact="purchase.value", observed="not known")
    if money.currency != node.amount.currency:
        return Trace(
            predicate=node,
            value=None,
            fact=f"purchase.value in {node.amount.currency}",
            observed=f"{money} (no exchange rate: another currency)",
            observed_value=money,
        )
    return Trace(
        predicate=node,
        value=money.amount >= node.amount.amount,
        fact="purchase.value",
        observed=str(money),
        observed_value=money,
    )


def _purpose(node: PurposeIn, subject: _Subject) -> Trace:
    purpose = subject.purchase.purpose
    if purpose is None:
        return Trace(predicate=node, value=None, fact="purchase.purpose", observed="not known")
    return Trace(
        predicate=node,
        value=purpose in node.purposes,
        fact="purchase.purpose",
        observed=purpose,
        observed_value=purpose,
    )


def _date(node: DateOnOrAfter, subject: _Subject) -> Trace:
    date = subject.purchase.date
    if date is None:
        return Trace(predicate=node, value=None, fact="purchase.date", observed="not known")
    return Trace(
        predicate=node,
        value=date >= node.date,
        fact="purchase.date",
        observed=date.isoformat(),
        observed_value=date,
    )


def _acquired(node: AcquiredOnOrAfter, subject: _Subject) -> Trace:
    acquired = subject.purchase.acquired
    if acquired is None:
        return Trace(predicate=node, value=None, fact="purchase.acquired", observed="not known")
    return Trace(
        predicate=node,
        value=acquired >= node.date,
        fact="purchase.acquired",
        observed=acquired.isoformat(),
        observed_value=acquired,
    )


def _decided(node: DecidedOnOrAfter, subject: _Subject) -> Trace:
    when = subject.as_of
    if when is None:
        return Trace(predicate=node, value=None, fact="decision date", observed="not known")
    return Trace(
        predicate=node,
        value=when >= node.date,
        fact="decision date",
        observed=when.isoformat(),
        observed_value=when,
    )


def _fact(node: FactIn, subject: _Subject) -> Trace:
    fact = f"facts.{node.name}"
    facts = subject.purchase.facts
    if node.name in subject.unknown.facts:
        return Trace(predicate=node, value=None, fact=fact, observed="outside the vocabulary")
    if node.name not in facts:
        return Trace(predicate=node, value=node.if_missing, fact=fact, observed="not stated")
    stated = facts[node.name]
    # `True == 1` in Python, so compare type as well as value.
    value = any(type(v) is type(stated) and v == stated for v in node.values)
    return Trace(
        predicate=node, value=value, fact=fact, observed=_show_fact(stated), observed_value=stated
    )


def _show_fact(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_DatedFact = FactOnOrAfter | FactOnOrAfterDecision | FactOnOrBeforeDecision


def _dated_fact(
    node: _DatedFact,
    subject: _Subject,
    against: dt.date | None,
    compare: Callable[[dt.date, dt.date], bool],
) -> Trace:
    """Fact ``node.name`` read as a date and compared with ``against`` (a fixed date, or the
    decision date, which may be unknown). Unstated: ``if_missing``. Stated as anything but a
    date: unknown with an error, whatever ``if_missing`` says, so that a malformed date never
    passes for a date nor for an absent one."""
    fact = f"facts.{node.name}"
    facts = subject.purchase.facts
    if node.name in subject.unknown.facts:
        return Trace(predicate=node, value=None, fact=fact, observed="outside the vocabulary")
    if node.name not in facts:
        return Trace(predicate=node, value=node.if_missing, fact=fact, observed="not stated")
    stated = facts[node.name]
    if not isinstance(stated, dt.date):
        shown = _show_fact(stated)
        return Trace(
            predicate=node,
            value=None,
            fact=fact,
            observed=shown,
            observed_value=stated,
            error=f"fact `{node.name}` is `{shown}`, not a date (write dates as `YYYY-MM-DD`)",
        )
    if against is None:
        return Trace(
            predicate=node,
            value=None,
            fact="decision date",
            observed=f"not known ({fact} = {stated.isoformat()})",
            observed_value=stated,
        )
    observed = stated.isoformat()
    if not isinstance(node, FactOnOrAfter):
        observed += f" (decision date {against.isoformat()})"
    return Trace(
        predicate=node,
        value=compare(stated, against),
        fact=fact,
        observed=observed,
        observed_value=stated,
    )


def _fact_on_or_after(node: FactOnOrAfter, subject: _Subject) -> Trace:
    return _dated_fact(node, subject, node.date, operator.ge)


def _fact_on_or_after_decision(node: FactOnOrAfterDecision, subject: _Subject) -> Trace:
    return _dated_fact(node, subject, subject.as_of, operator.ge)


def _fact_on_or_before_decision(node: FactOnOrBeforeDecision, subject: _Subject) -> Trace:
    return _dated_fact(node, subject, subject.as_of, operator.le)


def _component_subject(subject: _Subject, index: int, component: Component) -> _Subject:
    part = attrs.evolve(
        subject.purchase,
        vendor=component.vendor,
        category=component.category,
        components=(),
        supplier=component.maker,
        facts={**subject.purchase.facts, **component.facts},
    )
    unknown = _NOTHING_UNKNOWN
    if subject.unknown is not _NOTHING_UNKNOWN:
        own = subject.unknown.components
        unknown = UnknownFacts(
            facts=(subject.unknown.facts - component.facts.keys())
            | (own[index] if index < len(own) else frozenset())
        )
    return _Subject(part, f"{subject.prefix}components[{index}].", subject.as_of, unknown)


def _quantified(node: AnyComponent | AllComponents, subject: _Subject) -> Trace:
    fact = f"{subject.prefix}components"
    parts = subject.purchase.components
    if parts is None:
        # Unknown, unless the condition says what undeclared parts mean; the trace keeps the
        # fact it read either way, so an explanation shows that the parts were not declared.
        observed = "not declared"
        if node.if_undeclared is not None:
            observed += f" (if_undeclared={node.if_undeclared!r})"
        return Trace(predicate=node, value=node.if_undeclared, fact=fact, observed=observed)
    children = tuple(
        _trace(node.predicate, _component_subject(subject, i, c)) for i, c in enumerate(parts)
    )
    combine = kleene_or if isinstance(node, AnyComponent) else kleene_and
    return Trace(
        predicate=node,
        value=combine([c.value for c in children]),
        fact=fact,
        observed=f"{len(parts)} declared",
        observed_value=len(parts),
        children=children,
    )


def _custom(node: Custom, subject: _Subject) -> Trace:
    try:
        result = node.function(subject.purchase)
    except Exception as exc:
        return Trace(
            predicate=node,
            value=None,
            fact=f"{subject.prefix}custom:{node.name}",
            error=f"custom predicate `{node.name}` raised {type(exc).__name__}: {brief(exc)}",
        )
    if result is not None and not isinstance(result, bool):
        return Trace(
            predicate=node,
            value=None,
            fact=f"{subject.prefix}custom:{node.name}",
            error=(
                f"custom predicate `{node.name}` returned {type(result).__name__} "
                f"`{_repr(result)}`; expected True, False or None"
            ),
        )
    return Trace(
        predicate=node,
        value=result,
        fact=f"{subject.prefix}custom:{node.name}",
        observed="no answer" if result is None else str(result).lower(),
        observed_value=result,
    )


def _all(node: AllOf, subject: _Subject) -> Trace:
    children = tuple(_trace(op, subject) for op in node.operands)
    return Trace(predicate=node, value=kleene_and([c.value for c in children]), children=children)


def _any(node: AnyOf, subject: _Subject) -> Trace:
    children = tuple(_trace(op, subject) for op in node.operands)
    return Trace(predicate=node, value=kleene_or([c.value for c in children]), children=children)


def _not(node: Not, subject: _Subject) -> Trace:
    child = _trace(node.operand, subject)
    return Trace(predicate=node, value=kleene_not(child.value), children=(child,))


_HANDLERS: dict[type[Predicate], Callable[[Any, _Subject], Trace]] = {
    Always: lambda node, _: Trace(predicate=node, value=True),
    Never: lambda node, _: Trace(predicate=node, value=False),
    AllOf: _all,
    AnyOf: _any,
    Not: _not,
    VendorOrigin: _origin,
    VendorId: _vendor_id,
    VendorDesignated: _designated,
    UltimateOwnerOrigin: _ultimate_owner_origin,
    CategoryWithin: _category,
    BuyerPublic: _public,
    BuyerSector: _sector,
    BuyerCountry: _buyer_country,
    BuyerDesignated: _buyer_designated,
    ValueAtLeast: _value,
    PurposeIn: _purpose,
    DateOnOrAfter: _date,
    DecidedOnOrAfter: _decided,
    AcquiredOnOrAfter: _acquired,
    FactIn: _fact,
    FactOnOrAfter: _fact_on_or_after,
    FactOnOrAfterDecision: _fact_on_or_after_decision,
    FactOnOrBeforeDecision: _fact_on_or_before_decision,
    AnyComponent: _quantified,
    AllComponents: _quantified,
    Custom: _custom,
}
