"""Partial evaluation: a rule set specialised to the part of a purchase that is fixed.

Fix part of a purchase (the buyer, the purchase date, the decision date, the value, the
purpose, when the equipment was acquired, some facts) and :func:`residual` gives the rule set
over the rest: every condition that the fixed part settles is replaced by its value and the
predicates are simplified in three-valued (Kleene) logic — ``ALWAYS`` operands of a
conjunction dropped, a conjunction with a ``NEVER`` operand itself ``NEVER``, and so on — rules
that cannot apply are dropped, windows that the decision date settles are removed, and a fact
compared with a fixed decision date becomes a comparison with that date. A condition
the fixed part leaves *unknown* (the buyer's country is not stated, a value in another
currency) is kept as it is: evaluated on the whole purchase it is unknown again, so nothing is
decided that the original would not decide.

The residual is a real :class:`~vendorpolicy.RuleSet` with the same ids, settings and
vocabulary, and it decides every completion of the partial purchase (every purchase that has
the fixed parts) with the same effect, basis, determining rules and obligations as the original.
:func:`screen_catalog` and :func:`may_buy` use it to answer "what may this buyer buy?" over a
catalog of (vendor, category, components) rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
from attrs import field, frozen

from vendorpolicy._checks import (
    check_id,
    expect_type,
    instance_of,
    optional_date_validator,
    tick,
    type_name,
)
from vendorpolicy._decision import Decision
from vendorpolicy._model import (
    Buyer,
    Category,
    Component,
    Effect,
    FactValue,
    Money,
    Purchase,
    Sector,
    Vendor,
    _freeze_facts,
    as_category,
)
from vendorpolicy._predicates import (
    ALWAYS,
    NEVER,
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
    ValueAtLeast,
)
from vendorpolicy._registry import Registry
from vendorpolicy._rules import Case, Rule, RuleSet
from vendorpolicy._trace import trace_purchase
from vendorpolicy.errors import InvalidValueError, PredicateTypeError

__all__ = ["CatalogEntry", "Partial", "may_buy", "residual", "screen_catalog", "simplify"]

_DAY = dt.timedelta(days=1)


def _partial_facts(value: Mapping[str, FactValue]) -> Any:
    return _freeze_facts(value, "Partial.facts")


def _purpose(value: object) -> Any:
    return None if value is None else check_id(value, "Partial.purpose")


@frozen(kw_only=True)
class Partial:
    """The fixed part of a purchase: each field given is fixed, each left ``None`` is free.

    A *completion* is a purchase with every fixed field as given (``facts`` stated with these
    values, other facts free) and anything in the free ones. The decision date is ``as_of``
    when fixed, else the purchase ``date``: evaluate completions with ``as_of=partial.as_of``.
    A field cannot be fixed as missing (``None`` means free), except through the buyer, which
    is fixed whole (a buyer whose country is not stated leaves country conditions unknown).
    """

    buyer: Buyer | None = field(default=None, validator=instance_of(Buyer, optional=True))
    date: dt.date | None = field(default=None, validator=optional_date_validator)
    as_of: dt.date | None = field(default=None, validator=optional_date_validator)
    value: Money | None = field(default=None, validator=instance_of(Money, optional=True))
    purpose: str | None = field(default=None, converter=_purpose)
    acquired: dt.date | None = field(default=None, validator=optional_date_validator)
    facts: Mapping[str, FactValue] = field(factory=dict, converter=_partial_facts)

    def __attrs_post_init__(self) -> None:
        if self.acquired is not None and self.date is not None and self.acquired > self.date:
            raise InvalidValueError(
                f"the equipment was acquired ({self.acquired.isoformat()}) after the purchase "
                f"date ({self.date.isoformat()})",
                path="Partial.acquired",
                hint="`acquired` cannot be after `date`, as in a purchase",
            )

    @property
    def decision_date(self) -> dt.date | None:
        """The decision date every completion is judged on, when the fixed part settles it."""
        return self.as_of if self.as_of is not None else self.date

    def complete(
        self,
        *,
        vendor: Vendor | None = None,
        category: Category | str | None = None,
        components: Iterable[Component] | None = None,
        **rest: Any,
    ) -> Purchase:
        """The completion with these free parts (``buyer`` must be fixed). ``rest`` gives the
        other free fields of :class:`~vendorpolicy.Purchase` (``id``, ``description``, a
        ``date`` that is not fixed, more ``facts`` …); a fixed field cannot be given again."""
        if self.buyer is None:
            raise InvalidValueError(
                "a completion needs a buyer and the partial purchase fixes none",
                path="Partial.buyer",
                hint="fix the buyer: `Partial(buyer=Buyer(...), ...)`",
            )
        fields: dict[str, Any] = {
            "buyer": self.buyer,
            "vendor": vendor,
            "category": category,
            "components": components,
        }
        for name in ("date", "value", "purpose", "acquired"):
            fixed = getattr(self, name)
            if fixed is not None:
                if name in rest:
                    raise InvalidValueError(
                        f"`{name}` is fixed by the partial purchase",
                        path=f"Partial.complete({name})",
                        hint="leave it out; the completion has the fixed value",
                    )
                fields[name] = fixed
        facts = dict(rest.pop("facts", {}))
        for name, value in self.facts.items():
            if name in facts and facts[name] != value:
                raise InvalidValueError(
                    f"fact `{name}` is fixed as {tick(value)} by the partial purchase",
                    path=f"Partial.complete(facts)[{name!r}]",
                    hint="leave it out; the completion states the fixed value",
                )
            facts[name] = value
        return Purchase(**fields, facts=facts, **rest)

    def completes(self, purchase: Purchase) -> bool:
        """Whether ``purchase`` is a completion of this partial purchase."""
        for name in ("buyer", "date", "value", "purpose", "acquired"):
            fixed = getattr(self, name)
            if fixed is not None and getattr(purchase, name) != fixed:
                return False
        return all(
            name in purchase.facts
            and type(purchase.facts[name]) is type(value)
            and purchase.facts[name] == value
            for name, value in self.facts.items()
        )


_ANY_BUYER = Buyer(id="partial", public=False, sector=Sector.OTHER)


@frozen
class _Fixed:
    """What the simplifier reads: the partial purchase as a purchase (free fields missing)."""

    partial: Partial
    purchase: Purchase
    #: Buyer designations are kept as they are when a registry may add to them.
    registry: bool


def _fixed(partial: Partial, registry: bool) -> _Fixed:
    stand_in = Purchase(
        buyer=partial.buyer or _ANY_BUYER,
        date=partial.date,
        value=partial.value,
        purpose=partial.purpose,
        acquired=partial.acquired,
        facts=partial.facts,
    )
    return _Fixed(partial, stand_in, registry)


def _settled(node: Predicate, fixed: _Fixed, in_component: bool) -> bool:
    """Whether the atom ``node`` reads only fixed parts of the purchase (so that its value on
    the stand-in is its value on every completion)."""
    p = fixed.partial
    if isinstance(node, (BuyerPublic, BuyerSector, BuyerCountry)):
        return p.buyer is not None
    if isinstance(node, BuyerDesignated):
        return p.buyer is not None and not fixed.registry
    if isinstance(node, DateOnOrAfter):
        return p.date is not None
    if isinstance(node, DecidedOnOrAfter):
        return p.decision_date is not None
    if isinstance(node, AcquiredOnOrAfter):
        return p.acquired is not None
    if isinstance(node, ValueAtLeast):
        return p.value is not None
    if isinstance(node, PurposeIn):
        return p.purpose is not None
    if isinstance(node, (FactIn, FactOnOrAfter, FactOnOrAfterDecision, FactOnOrBeforeDecision)):
        # Inside a component condition a component's own facts override the purchase's.
        return not in_component and node.name in p.facts
    return False


def simplify(node: Predicate, partial: Partial, *, registry: bool = False) -> Predicate:
    """``node`` with what ``partial`` settles replaced by its value, simplified in Kleene
    logic: on every completion of ``partial`` the result has the same value as ``node``.
    With ``registry=True`` the buyer's designations are left unsettled (a registry may add
    to them when the purchase is resolved)."""
    return _simplify(node, _fixed(partial, registry), in_component=False)


def _simplify(node: Predicate, fixed: _Fixed, *, in_component: bool) -> Predicate:
    if isinstance(node, (Always, Never)):
        return node
    if isinstance(node, AllOf):
        ops: list[Predicate] = []
        for op in node.operands:
            done = _simplify(op, fixed, in_component=in_component)
            if isinstance(done, Never):
                return NEVER
            if not isinstance(done, Always):
                ops.append(done)
        return ALWAYS if not ops else (ops[0] if len(ops) == 1 else AllOf(operands=ops))
    if isinstance(node, AnyOf):
        ops = []
        for op in node.operands:
            done = _simplify(op, fixed, in_component=in_component)
            if isinstance(done, Always):
                return ALWAYS
            if not isinstance(done, Never):
                ops.append(done)
        return NEVER if not ops else (ops[0] if len(ops) == 1 else AnyOf(operands=ops))
    if isinstance(node, Not):
        inner = _simplify(node.operand, fixed, in_component=in_component)
        if isinstance(inner, Always):
            return NEVER
        if isinstance(inner, Never):
            return ALWAYS
        return node if inner is node.operand else Not(operand=inner)
    if isinstance(node, (AnyComponent, AllComponents)):
        inner = _simplify(node.predicate, fixed, in_component=True)
        # Declared parts all satisfy ALWAYS and none satisfies NEVER; only undeclared parts
        # (`if_undeclared`) remain to say otherwise.
        undeclared = node.if_undeclared
        if isinstance(node, AnyComponent) and isinstance(inner, Never) and undeclared is False:
            return NEVER
        if isinstance(node, AllComponents) and isinstance(inner, Always) and node.if_undeclared:
            return ALWAYS
        return node if inner is node.predicate else attrs.evolve(node, predicate=inner)
    if _settled(node, fixed, in_component):
        value = trace_purchase(node, fixed.purchase, fixed.partial.as_of).value
        if value is True:
            return ALWAYS
        if value is False:
            return NEVER
        return node  # unknown on every completion: kept as it is, to be unknown again
    when = fixed.partial.decision_date
    if when is not None and isinstance(node, FactOnOrAfterDecision):
        # A free fact against a fixed decision date: the same comparison with a fixed date,
        # so that the residual reads the decision date nowhere.
        return FactOnOrAfter(name=node.name, date=when, if_missing=node.if_missing)
    if when is not None and isinstance(node, FactOnOrBeforeDecision) and when < dt.date.max:
        # fact <= when is not (fact >= when + 1); unstated, the negation's flip gives back
        # `if_missing`, and a fact that is not a date stays unknown either way.
        flipped = None if node.if_missing is None else not node.if_missing
        return Not(operand=FactOnOrAfter(name=node.name, date=when + _DAY, if_missing=flipped))
    return node  # free: kept as it is


def _residual_rule(rule: Rule, fixed: _Fixed) -> Rule | None:
    """The rule over the free parts, or ``None`` when it cannot apply to any completion."""
    when = fixed.partial.decision_date
    start, end = rule.in_force_from, rule.in_force_until
    if rule.has_window and when is not None:
        if not rule.in_force(when):
            return None
        start = end = None
    condition = _simplify(rule.when, fixed, in_component=False)
    if isinstance(condition, Never):
        return None
    unless = None if rule.unless is None else _simplify(rule.unless, fixed, in_component=False)
    if isinstance(unless, Always):
        return None
    if isinstance(unless, Never):
        unless = None
    # Cases keep their places (a decision names the deciding case by its index).
    cases = tuple(
        Case(when=_simplify(c.when, fixed, in_component=False), effect=c.effect, reason=c.reason)
        for c in rule.cases
    )
    return attrs.evolve(
        rule, when=condition, unless=unless, cases=cases, in_force_from=start, in_force_until=end
    )


def residual(rule_set: RuleSet, partial: Partial, *, registry: Registry | None = None) -> RuleSet:
    """The rule set over what ``partial`` leaves free.

    On every completion of ``partial`` (see :class:`Partial`), evaluated with
    ``as_of=partial.as_of``, the residual gives the decision the original gives: the same
    effect, basis, determining rules and obligations (its digest differs, and traces show the
    simplified conditions). Layers keep their ids, settings and vocabularies; rules their ids.
    Pass the ``registry`` the completions will be evaluated with, if any: the buyer's
    designations are then left to it. The agreement holds under the default
    ``outside_vocabulary="error"``.
    """
    expect_type(rule_set, RuleSet, "residual(rule_set)")
    expect_type(
        partial,
        Partial,
        "residual(partial)",
        hint="fix parts of a purchase with `Partial(buyer=..., date=...)`",
    )
    fixed = _fixed(partial, registry is not None)
    done: dict[str, RuleSet] = {}

    def layer(rs: RuleSet) -> RuleSet:
        found = done.get(rs.id)
        if found is None:
            rules = [r for r in (_residual_rule(rule, fixed) for rule in rs.rules) if r]
            found = RuleSet(
                id=rs.id,
                version=rs.version,
                rules=rules,
                combining=rs.combining,
                default=rs.default,
                on_unknown=rs.on_unknown,
                includes=[layer(inner) for inner in rs.includes],
                title=rs.title,
                description=rs.description,
                vocabulary=rs.vocabulary,
            )
            done[rs.id] = found
        return found

    return layer(rule_set)


# --- the catalog question ------------------------------------------------------------------------


@frozen(kw_only=True)
class CatalogEntry:
    """One catalog row and the decision on it for the fixed buyer (and date)."""

    #: The row's position in the catalog, from 0.
    index: int
    vendor: Vendor | None
    category: Category | None
    components: tuple[Component, ...] | None
    decision: Decision

    @property
    def effect(self) -> Effect:
        return self.decision.effect

    def __str__(self) -> str:
        who = "unknown vendor" if self.vendor is None else self.vendor.label
        what = "unknown category" if self.category is None else self.category.path
        return f"{self.effect.name}: {who}, {what}"


def _row(index: int, row: object) -> tuple[Vendor | None, Category | None, Any]:
    path = f"rows[{index}]"
    if isinstance(row, Mapping):
        unknown = set(row) - {"vendor", "category", "components"}
        if unknown:
            raise InvalidValueError(
                f"unknown key {tick(sorted(unknown)[0])} in a catalog row",
                path=path,
                hint="a row has `vendor`, `category` and `components`",
            )
        items = (row.get("vendor"), row.get("category"), row.get("components"))
    elif isinstance(row, (tuple, list)) and len(row) in {2, 3}:
        items = (row[0], row[1], row[2] if len(row) == 3 else None)
    else:
        raise InvalidValueError(
            f"a catalog row must be (vendor, category[, components]), got "
            f"{type_name(row)} {tick(row)}",
            path=path,
            hint="give each row as a tuple `(Vendor(...), 'telecom/network', None)`",
        )
    found, cat, parts = items
    if found is not None and not isinstance(found, Vendor):
        raise PredicateTypeError(
            f"expected a Vendor or None, got {type_name(found)} {tick(found)}",
            path=f"{path}.vendor",
        )
    category = None if cat is None else as_category(cat, f"{path}.category")
    return found, category, parts


def screen_catalog(
    rule_set: RuleSet,
    partial: Partial,
    rows: Iterable[object],
    *,
    registry: Registry | None = None,
) -> Iterator[CatalogEntry]:
    """Decide every catalog row for the fixed part of the purchase: each row is
    ``(vendor, category)`` or ``(vendor, category, components)`` (or a mapping with those
    keys), and becomes the completion ``partial.complete(vendor=..., category=...,
    components=...)``. Every row comes back, in order, with its decision, made by the
    residual rule set (:func:`residual`), which the tests hold to the original's decisions."""
    rules = residual(rule_set, partial, registry=registry)
    for index, row in enumerate(rows):
        found, category, parts = _row(index, row)
        purchase = partial.complete(vendor=found, category=category, components=parts)
        decision = rules.evaluate(purchase, as_of=partial.as_of, registry=registry)
        yield CatalogEntry(
            index=index,
            vendor=purchase.vendor,
            category=purchase.category,
            components=purchase.components,
            decision=decision,
        )


def may_buy(
    rule_set: RuleSet,
    partial: Partial,
    rows: Iterable[object],
    *,
    effects: Iterable[Effect] = (Effect.ALLOW,),
    registry: Registry | None = None,
) -> Iterator[CatalogEntry]:
    """The catalog rows the fixed buyer may buy: those whose decision is one of ``effects``
    (``ALLOW`` by default; add ``Effect.WARN`` to include advisories). A row left out was
    decided otherwise; :func:`screen_catalog` gives every row with its decision."""
    wanted = frozenset(effects)
    for effect in wanted:
        if not isinstance(effect, Effect):
            raise PredicateTypeError(
                f"expected an Effect, got {type_name(effect)} {tick(effect)}",
                path="may_buy(effects)",
            )
    return (
        e for e in screen_catalog(rule_set, partial, rows, registry=registry) if e.effect in wanted
    )
