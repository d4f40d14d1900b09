"""Predicates: conditions over a purchase, as data.

A predicate is a tree of a small, closed set of node types. Users build them with the builders
(``vendor``, ``buyer``, ``category``, ``purchase``, ``components``, ``fact``) and combine them
with ``&``, ``|``, ``~``, :func:`all_of` and :func:`any_of`. Being data, a predicate can be
compared, hashed, printed, saved, explained and analysed, not only run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
from attrs import field, frozen

from vendorpolicy._checks import (
    as_items,
    bool_validator,
    check_buyer_country,
    check_country,
    check_date,
    check_id,
    frozen_set_of,
    text_validator,
    tick,
    type_name,
    where,
)
from vendorpolicy._model import (
    Category,
    FactValue,
    Money,
    Sector,
    as_category,
    check_fact_value,
    to_enum,
)
from vendorpolicy.errors import EvaluationError, InvalidValueError, PredicateTypeError

if TYPE_CHECKING:
    from vendorpolicy._model import Purchase
    from vendorpolicy._trace import Trace

__all__ = [
    "ALWAYS",
    "MAX_DEPTH",
    "NEVER",
    "AcquiredOnOrAfter",
    "AllComponents",
    "AllOf",
    "Always",
    "AnyComponent",
    "AnyOf",
    "BuyerCountry",
    "BuyerDesignated",
    "BuyerPublic",
    "BuyerSector",
    "CategoryWithin",
    "Custom",
    "DateOnOrAfter",
    "DecidedOnOrAfter",
    "FactIn",
    "FactOnOrAfter",
    "FactOnOrAfterDecision",
    "FactOnOrBeforeDecision",
    "Never",
    "Not",
    "Predicate",
    "PurposeIn",
    "UltimateOwnerOrigin",
    "ValueAtLeast",
    "VendorDesignated",
    "VendorId",
    "VendorOrigin",
    "all_of",
    "any_of",
    "buyer",
    "category",
    "components",
    "custom",
    "decision_date",
    "depth",
    "fact",
    "purchase",
    "vendor",
]


class Predicate:
    """A condition over a purchase. Three-valued: true, false, or unknown (``None``) when the
    purchase lacks a fact the condition needs.

    The node types are closed: this class is not for subclassing outside vendorpolicy. User code
    plugs in through :func:`custom`, which analysis treats as opaque.
    """

    __slots__ = ()

    #: Short name of the node kind, used in files and traces.
    kind: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__module__.startswith("vendorpolicy."):
            raise PredicateTypeError(
                f"cannot subclass Predicate in {tick(cls.__module__)}",
                hint="wrap your own check with `vendorpolicy.custom(name)`",
            )

    def __and__(self, other: object) -> Predicate:
        return all_of(self, _operand(other, "&"))

    def __rand__(self, other: object) -> Predicate:
        return all_of(_operand(other, "&"), self)

    def __or__(self, other: object) -> Predicate:
        return any_of(self, _operand(other, "|"))

    def __ror__(self, other: object) -> Predicate:
        return any_of(_operand(other, "|"), self)

    def __invert__(self) -> Predicate:
        return Not(operand=self)

    def __bool__(self) -> bool:
        # `a and b` would silently pick one operand; the operators are `&`, `|` and `~`.
        raise PredicateTypeError(
            "a predicate has no truth value of its own",
            hint="combine predicates with `&`, `|`, `~`; evaluate one with `.evaluate(purchase)`",
        )

    def __str__(self) -> str:
        return repr(self)

    def evaluate(
        self, purchase: Purchase, *, as_of: dt.date | None = None, strict: bool = False
    ) -> bool | None:
        """True, false, or ``None`` when unknown.

        With ``strict=True`` an error inside a custom predicate raises
        :class:`~vendorpolicy.errors.EvaluationError` instead of giving ``None``.
        """
        result = self.trace(purchase, as_of=as_of)
        if strict:
            errors = result.errors
            if errors:
                raise EvaluationError(errors[0])
        return result.value

    def trace(self, purchase: Purchase, *, as_of: dt.date | None = None) -> Trace:
        """Evaluate and return the whole trace: each node's value and the facts it read.

        ``as_of`` is the decision date for ``decision_date`` conditions (default: the
        purchase's date)."""
        from vendorpolicy._trace import trace_purchase  # noqa: PLC0415 - cycle

        return trace_purchase(self, purchase, as_of)

    def walk(self) -> Iterable[Predicate]:
        """This node and every node below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def children(self) -> tuple[Predicate, ...]:
        """The nodes directly below this one."""
        return ()


def _operand(value: object, operator: str) -> Predicate:
    if not isinstance(value, Predicate):
        raise PredicateTypeError(
            f"cannot combine a predicate with {type_name(value)} {tick(value)} using `{operator}`",
            hint="both sides must be predicates built with vendor.*, buyer.*, category.*, …",
        )
    return value


def _check_predicate(value: object, path: str) -> Predicate:
    if not isinstance(value, Predicate):
        raise PredicateTypeError(
            f"expected a predicate, got {type_name(value)} {tick(value)}",
            path=path,
            hint="build conditions with vendor.*, buyer.*, category.*, purchase.*, fact()",
        )
    return value


def _predicate_validator(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _check_predicate(value, where(instance, attribute))


def _set_repr(values: Iterable[object]) -> str:
    return "{" + ", ".join(_value_repr(v) for v in _sorted(values)) + "}"


def _value_repr(value: object) -> str:
    # A date is shown as its ISO text, which the fact builders read back as the same date.
    return repr(value.isoformat()) if isinstance(value, dt.date) else repr(value)


def _sorted(values: Iterable[Any]) -> list[Any]:
    return sorted(values, key=lambda v: (type(v).__name__, str(v)))


def _through(through_ownership: bool) -> str:
    return ", through_ownership=True" if through_ownership else ""


#: The deepest nesting of conditions a predicate may have (an atom is 1 level, `~atom` 2).
#: Every walk over a predicate (evaluation, explanation, saving, printing) recurses once per
#: level or a few times, so the bound keeps them all far from Python's recursion limit. Real
#: rules are rarely 10 levels deep; a rule file reaches at most about half its `max_depth`.
MAX_DEPTH = 100


def depth(node: Predicate) -> int:
    """How many levels of conditions ``node`` holds: 1 for an atom."""
    return getattr(node, "_depth", 1)


def _depth_field() -> Any:
    return field(default=1, init=False, eq=False, hash=False, repr=False)


def _set_depth(node: Predicate, children: Iterable[Predicate]) -> None:
    """Record ``node``'s depth from its children's (known since they were built first), and
    refuse a node deeper than :data:`MAX_DEPTH`: a constant cost per node, no walk."""
    level = 1 + max((depth(c) for c in children), default=0)
    if level > MAX_DEPTH:
        raise InvalidValueError(
            f"conditions nested too deeply: more than {MAX_DEPTH} levels",
            path=type(node).__name__,
            hint="flatten the condition: `a & b & c` and `all_of(...)` do not nest",
        )
    object.__setattr__(node, "_depth", level)


# --- constants ---------------------------------------------------------------------------------


@frozen(repr=False)
class Always(Predicate):
    """True for every purchase."""

    kind: ClassVar[str] = "always"

    def __repr__(self) -> str:
        return "ALWAYS"


@frozen(repr=False)
class Never(Predicate):
    """False for every purchase."""

    kind: ClassVar[str] = "never"

    def __repr__(self) -> str:
        return "NEVER"


ALWAYS = Always()
NEVER = Never()


# --- connectives -------------------------------------------------------------------------------


def _flatten(cls: type[AllOf | AnyOf]) -> Callable[[object, str], tuple[Predicate, ...]]:
    def convert(value: object, path: str) -> tuple[Predicate, ...]:
        out: list[Predicate] = []
        for i, item in enumerate(as_items(value, path)):
            node = _check_predicate(item, f"{path}[{i}]")
            if type(node) is cls:
                out.extend(node.operands)
            else:
                out.append(node)
        return tuple(out)

    return convert


def _flatten_all(value: object, path: str) -> tuple[Predicate, ...]:
    return _flatten(AllOf)(value, path)


def _flatten_any(value: object, path: str) -> tuple[Predicate, ...]:
    return _flatten(AnyOf)(value, path)


def _all_of_operands(value: object) -> tuple[Predicate, ...]:
    return _flatten_all(value, "AllOf.operands")


def _any_of_operands(value: object) -> tuple[Predicate, ...]:
    return _flatten_any(value, "AnyOf.operands")


def _at_least_two(
    instance: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]
) -> None:
    if len(value) < 2:
        raise InvalidValueError(
            f"{type(instance).__name__} needs at least two operands, got {len(value)}",
            path=where(instance, attribute),
            hint="use `all_of(...)`/`any_of(...)`, which accept one operand, or the operand itself",
        )


@frozen(repr=False)
class AllOf(Predicate):
    """True when every operand is true (Kleene conjunction)."""

    kind: ClassVar[str] = "all"
    operands: tuple[Predicate, ...] = field(converter=_all_of_operands, validator=_at_least_two)
    _depth: int = _depth_field()

    def __attrs_post_init__(self) -> None:
        _set_depth(self, self.operands)

    @property
    def children(self) -> tuple[Predicate, ...]:
        return self.operands

    def __repr__(self) -> str:
        return " & ".join(
            f"({op!r})" if isinstance(op, AnyOf) else repr(op) for op in self.operands
        )


@frozen(repr=False)
class AnyOf(Predicate):
    """True when some operand is true (Kleene disjunction)."""

    kind: ClassVar[str] = "any"
    operands: tuple[Predicate, ...] = field(converter=_any_of_operands, validator=_at_least_two)
    _depth: int = _depth_field()

    def __attrs_post_init__(self) -> None:
        _set_depth(self, self.operands)

    @property
    def children(self) -> tuple[Predicate, ...]:
        return self.operands

    def __repr__(self) -> str:
        return " | ".join(repr(op) for op in self.operands)


@frozen(repr=False)
class Not(Predicate):
    """True when the operand is false; unknown stays unknown."""

    kind: ClassVar[str] = "not"
    operand: Predicate = field(validator=_predicate_validator)
    _depth: int = _depth_field()

    def __attrs_post_init__(self) -> None:
        _set_depth(self, (self.operand,))

    @property
    def children(self) -> tuple[Predicate, ...]:
        return (self.operand,)

    def __repr__(self) -> str:
        if isinstance(self.operand, _NEGATED_BY_NAME):
            # A date condition on a fact reads as the builder call that made it,
            # `fact(n).before(d, if_missing=False)`, not with its `if_missing` flipped.
            return self.operand._negated_repr()
        inner = repr(self.operand)
        if isinstance(self.operand, (AllOf, AnyOf)):
            inner = f"({inner})"
        return f"~{inner}"


def all_of(*predicates: Predicate) -> Predicate:
    """True when every predicate is true. One predicate is returned as it is."""
    return _combine(AllOf, predicates, "all_of")


def any_of(*predicates: Predicate) -> Predicate:
    """True when some predicate is true. One predicate is returned as it is."""
    return _combine(AnyOf, predicates, "any_of")


def _combine(cls: type[AllOf | AnyOf], predicates: tuple[object, ...], name: str) -> Predicate:
    if not predicates:
        raise InvalidValueError(
            f"`{name}()` needs at least one predicate",
            path=name,
            hint="use `ALWAYS` or `NEVER` for a constant condition",
        )
    checked = [_check_predicate(p, f"{name}[{i}]") for i, p in enumerate(predicates)]
    if len(checked) == 1:
        return checked[0]
    return cls(operands=tuple(checked))


# --- atoms over the vendor ---------------------------------------------------------------------


def _countries(value: object, path: str) -> frozenset[str]:
    return frozen_set_of(value, path, check_country, nonempty=True)


def _ids(value: object, path: str) -> frozenset[str]:
    return frozen_set_of(value, path, check_id, nonempty=True)


def _vendor_origin_countries(value: object) -> Any:
    return _countries(value, "VendorOrigin.countries")


@frozen(repr=False)
class VendorOrigin(Predicate):
    """The vendor's country of origin is one of ``countries`` (or, ``through_ownership``, the
    country of the vendor or of any owner up its chain)."""

    kind: ClassVar[str] = "origin"
    countries: frozenset[str] = field(converter=_vendor_origin_countries)
    through_ownership: bool = field(default=False, validator=bool_validator)

    def __repr__(self) -> str:
        return f"vendor.origin.in_({_set_repr(self.countries)}{_through(self.through_ownership)})"


def _vendor_id_ids(value: object) -> Any:
    return _ids(value, "VendorId.ids")


@frozen(repr=False)
class VendorId(Predicate):
    """The vendor is one of ``ids`` (or, ``through_ownership``, is owned, directly or up its
    chain, by one of them)."""

    kind: ClassVar[str] = "vendor"
    ids: frozenset[str] = field(converter=_vendor_id_ids)
    through_ownership: bool = field(default=False, validator=bool_validator)

    def __repr__(self) -> str:
        return f"vendor.id.in_({_set_repr(self.ids)}{_through(self.through_ownership)})"


def _vendor_designated_designations(value: object) -> Any:
    return _ids(value, "VendorDesignated.designations")


@frozen(repr=False)
class VendorDesignated(Predicate):
    """The vendor carries one of ``designations`` (or, ``through_ownership``, the vendor or any
    owner up its chain does)."""

    kind: ClassVar[str] = "designated"
    designations: frozenset[str] = field(converter=_vendor_designated_designations)
    through_ownership: bool = field(default=False, validator=bool_validator)

    def __repr__(self) -> str:
        return (
            f"vendor.designated({_set_repr(self.designations)}{_through(self.through_ownership)})"
        )


def _ultimate_owner_origin_countries(value: object) -> Any:
    return _countries(value, "UltimateOwnerOrigin.countries")


@frozen(repr=False)
class UltimateOwnerOrigin(Predicate):
    """The country of the vendor's ultimate owner is one of ``countries``.

    The ultimate owner is the last vendor up the ownership chain (``parent``, its ``parent``, …),
    or the vendor itself when it has no parent: "controlled from X" rather than "X somewhere in
    the chain" (``VendorOrigin`` with ``through_ownership``). Unknown when the vendor is not
    known or the ultimate owner's country is not.
    """

    kind: ClassVar[str] = "ultimate_owner_origin"
    countries: frozenset[str] = field(converter=_ultimate_owner_origin_countries)

    def __repr__(self) -> str:
        return f"vendor.ultimate_owner.origin.in_({_set_repr(self.countries)})"


# --- atoms over the category, the buyer and the purchase ---------------------------------------


def _categories(value: object, path: str) -> frozenset[Category]:
    return frozen_set_of(value, path, as_category, nonempty=True)


def _category_within_categories(value: object) -> Any:
    return _categories(value, "CategoryWithin.categories")


@frozen(repr=False)
class CategoryWithin(Predicate):
    """The equipment's category is one of ``categories`` or lies below one of them."""

    kind: ClassVar[str] = "category"
    categories: frozenset[Category] = field(converter=_category_within_categories)

    def __repr__(self) -> str:
        paths = ", ".join(repr(c.path) for c in sorted(self.categories))
        return f"category.within({paths})"


@frozen(repr=False)
class BuyerPublic(Predicate):
    """The buyer is a public body (``public=True``) or a private one (``public=False``)."""

    kind: ClassVar[str] = "public"
    public: bool = field(validator=bool_validator)

    def __repr__(self) -> str:
        return "buyer.is_public" if self.public else "buyer.is_private"


def _sectors(value: object, path: str) -> frozenset[Sector]:
    return frozen_set_of(value, path, lambda v, p: to_enum(Sector, v, p), nonempty=True)


def _buyer_sector_sectors(value: object) -> Any:
    return _sectors(value, "BuyerSector.sectors")


@frozen(repr=False)
class BuyerSector(Predicate):
    """The buyer's sector is one of ``sectors``."""

    kind: ClassVar[str] = "sector"
    sectors: frozenset[Sector] = field(converter=_buyer_sector_sectors)

    def __repr__(self) -> str:
        return f"buyer.sector.in_({_set_repr(s.value for s in self.sectors)})"


def _optional_bool(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        bool_validator(instance, attribute, value)


def _buyer_country_countries(value: object) -> Any:
    return frozen_set_of(value, "BuyerCountry.countries", check_buyer_country, nonempty=True)


@frozen(repr=False)
class BuyerCountry(Predicate):
    """The buyer's country is one of ``countries``. ``EU`` matches buyers whose country is
    ``EU`` (the Union's own institutions), not buyers in its member states.

    A buyer whose country is not stated makes this unknown, unless ``if_missing`` says what an
    unstated country means: ``True`` for a pack's own jurisdiction, which a screening inside it
    need not state (as for :class:`FactIn`).
    """

    kind: ClassVar[str] = "buyer_country"
    countries: frozenset[str] = field(converter=_buyer_country_countries)
    if_missing: bool | None = field(default=None, validator=_optional_bool)

    def __repr__(self) -> str:
        missing = "" if self.if_missing is None else f", if_missing={self.if_missing!r}"
        return f"buyer.country.in_({_set_repr(self.countries)}{missing})"


def _buyer_designated_designations(value: object) -> Any:
    return _ids(value, "BuyerDesignated.designations")


@frozen(repr=False)
class BuyerDesignated(Predicate):
    """The buyer carries one of ``designations`` (its own, or the registry's for it as of the
    decision date). Unknown when the buyer's designations are not known."""

    kind: ClassVar[str] = "buyer_designated"
    designations: frozenset[str] = field(converter=_buyer_designated_designations)

    def __repr__(self) -> str:
        return f"buyer.designated({_set_repr(self.designations)})"


def _money_validator(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Money):
        raise PredicateTypeError(
            f"expected Money, got {type_name(value)} {tick(value)}", path=where(instance, attribute)
        )


@frozen(repr=False)
class ValueAtLeast(Predicate):
    """The purchase's value is at least ``amount``. A value in another currency is unknown:
    the engine holds no exchange rates."""

    kind: ClassVar[str] = "value_at_least"
    amount: Money = field(validator=_money_validator)

    def __repr__(self) -> str:
        return f"purchase.value.at_least({str(self.amount.amount)!r}, {self.amount.currency!r})"


def _purpose_in_purposes(value: object) -> Any:
    return _ids(value, "PurposeIn.purposes")


@frozen(repr=False)
class PurposeIn(Predicate):
    """The purchase's declared purpose is one of ``purposes``."""

    kind: ClassVar[str] = "purpose"
    purposes: frozenset[str] = field(converter=_purpose_in_purposes)

    def __repr__(self) -> str:
        return f"purchase.purpose.in_({_set_repr(self.purposes)})"


def _date(value: object, path: str) -> dt.date:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidValueError(
                f"not a date {tick(value)}", path=path, hint="write dates as `YYYY-MM-DD`"
            ) from None
    return check_date(value, path)


def _date_on_or_after_date(value: object) -> Any:
    return _date(value, "DateOnOrAfter.date")


@frozen(repr=False)
class DateOnOrAfter(Predicate):
    """The purchase's date is ``date`` or later."""

    kind: ClassVar[str] = "date_on_or_after"
    date: dt.date = field(converter=_date_on_or_after_date)

    def __repr__(self) -> str:
        return f"purchase.date.on_or_after({self.date.isoformat()!r})"


def _decided_on_or_after_date(value: object) -> Any:
    return _date(value, "DecidedOnOrAfter.date")


@frozen(repr=False)
class DecidedOnOrAfter(Predicate):
    """The decision date (``as_of`` when given, else the purchase's date) is ``date`` or later.

    Unlike :class:`DateOnOrAfter`, which reads when the purchase was made, this reads when it is
    judged: the condition for waivers that expire, exceptions that end and suspensions.
    """

    kind: ClassVar[str] = "decided_on_or_after"
    date: dt.date = field(converter=_decided_on_or_after_date)

    def __repr__(self) -> str:
        return f"decision_date.on_or_after({self.date.isoformat()!r})"


def _acquired_on_or_after_date(value: object) -> Any:
    return _date(value, "AcquiredOnOrAfter.date")


@frozen(repr=False)
class AcquiredOnOrAfter(Predicate):
    """The equipment was originally acquired (``Purchase.acquired``) on ``date`` or later.

    For renewals, upgrades and installations of equipment bought earlier, where a regime
    turns on when the equipment was first bought. Unknown when the purchase does not state it.
    """

    kind: ClassVar[str] = "acquired_on_or_after"
    date: dt.date = field(converter=_acquired_on_or_after_date)

    def __repr__(self) -> str:
        return f"purchase.acquired.on_or_after({self.date.isoformat()!r})"


def _fact_values(value: object, path: str) -> frozenset[FactValue]:
    if isinstance(value, (bool, dt.date)):
        value = [value]
    return frozen_set_of(value, path, check_fact_value, nonempty=True)


def _fact_in_name(value: object) -> Any:
    return check_id(value, "FactIn.name")


def _fact_in_values(value: object) -> Any:
    return _fact_values(value, "FactIn.values")


@frozen(repr=False)
class FactIn(Predicate):
    """The purchase states fact ``name`` with one of ``values``.

    A purchase that does not state the fact makes this unknown, unless ``if_missing`` says what
    an unstated fact means: ``False`` for a claim that counts only when made (an exception or a
    waiver the purchase must invoke), ``True`` for the opposite.
    """

    kind: ClassVar[str] = "fact"
    name: str = field(converter=_fact_in_name)
    values: frozenset[FactValue] = field(converter=_fact_in_values)
    if_missing: bool | None = field(default=None, validator=_optional_bool)

    def __repr__(self) -> str:
        missing = "" if self.if_missing is None else f", if_missing={self.if_missing!r}"
        return f"fact({self.name!r}).in_({_set_repr(self.values)}{missing})"


def _fact_call(name: str, method: str, date: dt.date | None, if_missing: bool | None) -> str:
    """``fact(name).method(date, if_missing=...)``, leaving out what is not given."""
    args = [] if date is None else [repr(date.isoformat())]
    if if_missing is not None:
        args.append(f"if_missing={if_missing!r}")
    return f"fact({name!r}).{method}({', '.join(args)})"


def _flipped(if_missing: bool | None) -> bool | None:
    return None if if_missing is None else not if_missing


def _fact_on_or_after_name(value: object) -> Any:
    return check_id(value, "FactOnOrAfter.name")


def _fact_on_or_after_date(value: object) -> Any:
    return _date(value, "FactOnOrAfter.date")


@frozen(repr=False)
class FactOnOrAfter(Predicate):
    """The purchase states fact ``name`` as a date that is ``date`` or later.

    An unstated fact is unknown, or ``if_missing`` when given (as for :class:`FactIn`). A fact
    stated as something other than a date is unknown *whatever* ``if_missing`` says, and the
    trace records the error: a malformed date never counts as a date, nor as an absent one.
    """

    kind: ClassVar[str] = "fact_on_or_after"
    name: str = field(converter=_fact_on_or_after_name)
    date: dt.date = field(converter=_fact_on_or_after_date)
    if_missing: bool | None = field(default=None, validator=_optional_bool)

    def __repr__(self) -> str:
        return _fact_call(self.name, "on_or_after", self.date, self.if_missing)

    def _negated_repr(self) -> str:
        return _fact_call(self.name, "before", self.date, _flipped(self.if_missing))


def _fact_on_or_after_decision_name(value: object) -> Any:
    return check_id(value, "FactOnOrAfterDecision.name")


@frozen(repr=False)
class FactOnOrAfterDecision(Predicate):
    """The date stated as fact ``name`` is the decision date or later: a deadline (a waiver's
    or an exemption's last day) that has not passed when the purchase is judged.

    Unknown when the decision date is not known; an unstated or malformed fact as for
    :class:`FactOnOrAfter`.
    """

    kind: ClassVar[str] = "fact_on_or_after_decision"
    name: str = field(converter=_fact_on_or_after_decision_name)
    if_missing: bool | None = field(default=None, validator=_optional_bool)

    def __repr__(self) -> str:
        return _fact_call(self.name, "on_or_after_decision_date", None, self.if_missing)

    def _negated_repr(self) -> str:
        return _fact_call(self.name, "before_decision_date", None, _flipped(self.if_missing))


def _fact_on_or_before_decision_name(value: object) -> Any:
    return check_id(value, "FactOnOrBeforeDecision.name")


@frozen(repr=False)
class FactOnOrBeforeDecision(Predicate):
    """The date stated as fact ``name`` is the decision date or earlier: a start (a waiver's
    grant, an exemption's first day) that has been reached when the purchase is judged.

    Unknown when the decision date is not known; an unstated or malformed fact as for
    :class:`FactOnOrAfter`.
    """

    kind: ClassVar[str] = "fact_on_or_before_decision"
    name: str = field(converter=_fact_on_or_before_decision_name)
    if_missing: bool | None = field(default=None, validator=_optional_bool)

    def __repr__(self) -> str:
        return _fact_call(self.name, "on_or_before_decision_date", None, self.if_missing)

    def _negated_repr(self) -> str:
        return _fact_call(self.name, "after_decision_date", None, _flipped(self.if_missing))


#: The nodes whose negation has a builder of its own (``before``, ``after_decision_date``, …).
_NEGATED_BY_NAME = (FactOnOrAfter, FactOnOrAfterDecision, FactOnOrBeforeDecision)


# --- components ----------------------------------------------------------------------------------


def _quantifier_call(method: str, node: AnyComponent | AllComponents) -> str:
    """``components.method(p)``, with ``if_undeclared=`` when it is given."""
    undeclared = "" if node.if_undeclared is None else f", if_undeclared={node.if_undeclared!r}"
    return f"components.{method}({node.predicate!r}{undeclared})"


@frozen(repr=False)
class AnyComponent(Predicate):
    """Some declared component satisfies ``predicate``, read with the component's vendor and
    category in place of the purchase's.

    A purchase that does not declare its components (``components=None``) makes this unknown,
    unless ``if_undeclared`` says what undeclared parts mean, as ``if_missing`` does for a
    fact: ``False`` where parts count only once declared (the known facts leave the purchase
    outside the regime's reach whatever it contains), ``True`` where an undeclared part is to be
    presumed to satisfy ``predicate``. Declared as none (``components=()``) is known: false.
    """

    kind: ClassVar[str] = "any_component"
    predicate: Predicate = field(validator=_predicate_validator)
    _depth: int = _depth_field()
    if_undeclared: bool | None = field(default=None, kw_only=True, validator=_optional_bool)

    def __attrs_post_init__(self) -> None:
        _set_depth(self, (self.predicate,))

    @property
    def children(self) -> tuple[Predicate, ...]:
        return (self.predicate,)

    def __repr__(self) -> str:
        return _quantifier_call("any", self)


@frozen(repr=False)
class AllComponents(Predicate):
    """Every declared component satisfies ``predicate`` (true when there are none).

    Undeclared components (``components=None``) make this unknown, or ``if_undeclared`` when
    it is given, as for :class:`AnyComponent`.
    """

    kind: ClassVar[str] = "all_components"
    predicate: Predicate = field(validator=_predicate_validator)
    _depth: int = _depth_field()
    if_undeclared: bool | None = field(default=None, kw_only=True, validator=_optional_bool)

    def __attrs_post_init__(self) -> None:
        _set_depth(self, (self.predicate,))

    @property
    def children(self) -> tuple[Predicate, ...]:
        return (self.predicate,)

    def __repr__(self) -> str:
        return _quantifier_call("all", self)


# --- the escape hatch ----------------------------------------------------------------------------


CustomFunction = Callable[["Purchase"], "bool | None"]


def _callable_validator(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not callable(value):
        raise PredicateTypeError(
            f"expected a function, got {type_name(value)} {tick(value)}",
            path=where(instance, attribute),
        )


def _custom_name(value: object) -> Any:
    return check_id(value, "Custom.name")


@frozen(repr=False)
class Custom(Predicate):
    """A named check written in Python: the one escape hatch from the closed set of nodes.

    The function receives the purchase (for a component, a purchase whose vendor and category are
    the component's) and returns ``True``, ``False`` or ``None`` for unknown. It must be pure.
    Analysis treats it as opaque; files refer to it by name only, so a loader must be handed the
    same function. Two custom predicates are equal when name and function are the same.
    """

    kind: ClassVar[str] = "custom"
    name: str = field(converter=_custom_name)
    function: CustomFunction = field(validator=_callable_validator)
    description: str = field(default="", validator=text_validator)

    def __repr__(self) -> str:
        return f"custom({self.name!r})"


def custom(name: str, *, description: str = "") -> Callable[[CustomFunction], Custom]:
    """Turn a function into a named predicate::

    @custom("no-sbom", description="the supplier has not provided an SBOM")
    def no_sbom(purchase):
        return purchase.facts.get("sbom") is None
    """

    def wrap(function: CustomFunction) -> Custom:
        return Custom(
            name=name,
            function=function,
            description=description or (function.__doc__ or "").strip(),
        )

    return wrap


# --- builders ------------------------------------------------------------------------------------


class _VendorOriginBuilder:
    def in_(self, countries: Iterable[str] | str, *, through_ownership: bool = False) -> Predicate:
        """The vendor's origin (ISO 3166-1 alpha-2) is one of ``countries``."""
        return VendorOrigin(countries=countries, through_ownership=through_ownership)

    def __repr__(self) -> str:
        return "vendor.origin"


class _VendorIdBuilder:
    def in_(self, ids: Iterable[str] | str, *, through_ownership: bool = False) -> Predicate:
        """The vendor is one of ``ids``; with ``through_ownership``, or is owned by one."""
        return VendorId(ids=ids, through_ownership=through_ownership)

    def __repr__(self) -> str:
        return "vendor.id"


class _UltimateOwnerOriginBuilder:
    def in_(self, countries: Iterable[str] | str) -> Predicate:
        """The ultimate owner's origin (ISO 3166-1 alpha-2) is one of ``countries``."""
        return UltimateOwnerOrigin(countries=countries)

    def __repr__(self) -> str:
        return "vendor.ultimate_owner.origin"


class _UltimateOwnerBuilder:
    """Conditions on the vendor's ultimate owner (the top of its ownership chain, or the vendor
    itself): ``vendor.ultimate_owner.origin.in_()``."""

    origin = _UltimateOwnerOriginBuilder()

    def __repr__(self) -> str:
        return "vendor.ultimate_owner"


class _VendorBuilder:
    """Conditions on the vendor: ``vendor.origin``, ``vendor.id``, ``vendor.designated``,
    ``vendor.ultimate_owner``."""

    origin = _VendorOriginBuilder()
    id = _VendorIdBuilder()
    ultimate_owner = _UltimateOwnerBuilder()

    def designated(
        self, designations: Iterable[str] | str, *, through_ownership: bool = False
    ) -> Predicate:
        """The vendor carries one of ``designations``; with ``through_ownership``, or an owner
        does."""
        return VendorDesignated(designations=designations, through_ownership=through_ownership)

    def __repr__(self) -> str:
        return "vendor"


class _SectorBuilder:
    def in_(self, sectors: Iterable[Sector | str] | Sector | str) -> Predicate:
        """The buyer's sector is one of ``sectors``."""
        if isinstance(sectors, Sector):
            sectors = [sectors]
        return BuyerSector(sectors=sectors)


class _BuyerCountryBuilder:
    def in_(self, countries: Iterable[str] | str, *, if_missing: bool | None = None) -> Predicate:
        """The buyer's country is one of ``countries`` (ISO 3166-1 alpha-2, or ``EU`` for the
        European Union's own institutions). When the buyer's country is not stated, the
        condition is unknown, or ``if_missing`` when given."""
        return BuyerCountry(countries=countries, if_missing=if_missing)


class _BuyerBuilder:
    """Conditions on the buyer: ``buyer.is_public``, ``buyer.is_private``, ``buyer.sector``,
    ``buyer.country``, ``buyer.designated``."""

    sector = _SectorBuilder()
    country = _BuyerCountryBuilder()

    def designated(self, designations: Iterable[str] | str) -> Predicate:
        """The buyer carries one of ``designations``."""
        return BuyerDesignated(designations=designations)

    @property
    def is_public(self) -> Predicate:
        return BuyerPublic(public=True)

    @property
    def is_private(self) -> Predicate:
        return BuyerPublic(public=False)

    def __repr__(self) -> str:
        return "buyer"


class _CategoryBuilder:
    """Conditions on the equipment category: ``category.within("telecom/network")``."""

    def within(self, *paths: Category | str) -> Predicate:
        """The category is one of ``paths`` or lies below one of them."""
        return CategoryWithin(categories=paths)

    def __repr__(self) -> str:
        return "category"


class _ValueBuilder:
    def at_least(self, amount: int | str | Decimal, currency: str) -> Predicate:
        """The purchase's value is at least ``amount`` in ``currency``."""
        return ValueAtLeast(amount=Money(amount=amount, currency=currency))


class _PurposeBuilder:
    def in_(self, purposes: Iterable[str] | str) -> Predicate:
        """The declared purpose is one of ``purposes``."""
        return PurposeIn(purposes=purposes)


class _DateBuilder:
    def on_or_after(self, date: dt.date | str) -> Predicate:
        """The purchase date is ``date`` or later."""
        return DateOnOrAfter(date=date)

    def before(self, date: dt.date | str) -> Predicate:
        """The purchase date is before ``date``."""
        return ~DateOnOrAfter(date=date)


class _AcquiredBuilder:
    """Conditions on when the equipment was originally acquired (``Purchase.acquired``)."""

    def on_or_after(self, date: dt.date | str) -> Predicate:
        """The equipment was originally acquired on ``date`` or later."""
        return AcquiredOnOrAfter(date=date)

    def before(self, date: dt.date | str) -> Predicate:
        """The equipment was originally acquired before ``date``."""
        return ~AcquiredOnOrAfter(date=date)

    def __repr__(self) -> str:
        return "purchase.acquired"


class _DecisionDateBuilder:
    """Conditions on the decision date (``as_of``, else the purchase date):
    ``decision_date.on_or_after(d)``, ``decision_date.before(d)``."""

    def on_or_after(self, date: dt.date | str) -> Predicate:
        """The decision date is ``date`` or later."""
        return DecidedOnOrAfter(date=date)

    def before(self, date: dt.date | str) -> Predicate:
        """The decision date is before ``date``."""
        return ~DecidedOnOrAfter(date=date)

    def __repr__(self) -> str:
        return "decision_date"


class _PurchaseBuilder:
    """Conditions on the purchase itself: ``purchase.value``, ``purchase.purpose``,
    ``purchase.date``, ``purchase.acquired``."""

    value = _ValueBuilder()
    purpose = _PurposeBuilder()
    date = _DateBuilder()
    acquired = _AcquiredBuilder()

    def __repr__(self) -> str:
        return "purchase"


class _ComponentsBuilder:
    """Conditions over the declared components: ``components.any(p)``, ``components.all(p)``."""

    def any(self, predicate: Predicate, *, if_undeclared: bool | None = None) -> Predicate:
        """Some component satisfies ``predicate``. When the purchase does not declare its
        components, the condition is unknown, or ``if_undeclared`` when given."""
        return AnyComponent(predicate=predicate, if_undeclared=if_undeclared)

    def all(self, predicate: Predicate, *, if_undeclared: bool | None = None) -> Predicate:
        """Every component satisfies ``predicate``. When the purchase does not declare its
        components, the condition is unknown, or ``if_undeclared`` when given."""
        return AllComponents(predicate=predicate, if_undeclared=if_undeclared)

    def __repr__(self) -> str:
        return "components"


class _FactBuilder:
    def __init__(self, name: str) -> None:
        self._name = check_id(name, "fact")

    def in_(
        self, values: Iterable[FactValue] | FactValue, *, if_missing: bool | None = None
    ) -> Predicate:
        """The fact is stated with one of ``values``. When the purchase does not state it, the
        condition is unknown, or ``if_missing`` when given: ``if_missing=False`` for a claim
        (an exception, a waiver) that counts only when the purchase makes it."""
        return FactIn(name=self._name, values=values, if_missing=if_missing)

    @property
    def is_true(self) -> Predicate:
        """The fact is stated as ``True``."""
        return FactIn(name=self._name, values=[True])

    @property
    def is_false(self) -> Predicate:
        """The fact is stated as ``False``."""
        return FactIn(name=self._name, values=[False])

    # Dates. Each negated form flips `if_missing` inside the `~`, so that the value given is the
    # value an unstated fact takes for the condition as written.

    def on_or_after(self, date: dt.date | str, *, if_missing: bool | None = None) -> Predicate:
        """The fact is a date, ``date`` or later."""
        return FactOnOrAfter(name=self._name, date=date, if_missing=if_missing)

    def before(self, date: dt.date | str, *, if_missing: bool | None = None) -> Predicate:
        """The fact is a date before ``date``."""
        return ~FactOnOrAfter(
            name=self._name, date=date, if_missing=_flip(if_missing, "FactOnOrAfter")
        )

    def on_or_after_decision_date(self, *, if_missing: bool | None = None) -> Predicate:
        """The fact is a date, the decision date or later: a last day not yet passed."""
        return FactOnOrAfterDecision(name=self._name, if_missing=if_missing)

    def before_decision_date(self, *, if_missing: bool | None = None) -> Predicate:
        """The fact is a date before the decision date: a last day already passed."""
        return ~FactOnOrAfterDecision(
            name=self._name, if_missing=_flip(if_missing, "FactOnOrAfterDecision")
        )

    def on_or_before_decision_date(self, *, if_missing: bool | None = None) -> Predicate:
        """The fact is a date, the decision date or earlier: a first day already reached."""
        return FactOnOrBeforeDecision(name=self._name, if_missing=if_missing)

    def after_decision_date(self, *, if_missing: bool | None = None) -> Predicate:
        """The fact is a date after the decision date: a first day not yet reached."""
        return ~FactOnOrBeforeDecision(
            name=self._name, if_missing=_flip(if_missing, "FactOnOrBeforeDecision")
        )

    def __repr__(self) -> str:
        return f"fact({self._name!r})"


def _flip(if_missing: bool | None, node: str) -> bool | None:
    if if_missing is not None and not isinstance(if_missing, bool):
        raise PredicateTypeError(
            f"expected true or false, got {type_name(if_missing)} {tick(if_missing)}",
            path=f"{node}.if_missing",
        )
    return None if if_missing is None else not if_missing


def fact(name: str) -> _FactBuilder:
    """Conditions on a named fact the purchase states: ``fact("action").in_({"buy"})``, or,
    for a date, ``fact("waiver-expires").on_or_after_decision_date()``."""
    return _FactBuilder(name)


vendor = _VendorBuilder()
buyer = _BuyerBuilder()
category = _CategoryBuilder()
purchase = _PurchaseBuilder()
decision_date = _DecisionDateBuilder()
components = _ComponentsBuilder()
