"""The facts a decision is made on: vendors, buyers, equipment categories, money, purchases."""

from __future__ import annotations

import datetime as dt
import enum
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, TypeAlias

import attrs
from attrs import field, frozen

from vendorpolicy._checks import (
    _VALID_IDS,
    FrozenMapping,
    bool_validator,
    buyer_country_validator,
    check_currency,
    check_id,
    check_text,
    country_validator,
    frozen_set_of,
    id_validator,
    instance_of,
    instances_of,
    is_valid_id,
    optional_date_validator,
    text_validator,
    tick,
    type_name,
    where,
)
from vendorpolicy._codes import BUYER_COUNTRY_CODES, COUNTRY_CODES, CURRENCY_CODES
from vendorpolicy.errors import InvalidValueError, PredicateTypeError

__all__ = [
    "MAX_OWNERSHIP_DEPTH",
    "AttributeValue",
    "Buyer",
    "Category",
    "Component",
    "Effect",
    "FactValue",
    "Money",
    "Purchase",
    "Sector",
    "Vendor",
]

#: The most vendors an ownership chain holds (a vendor, its parent, its parent's parent, …).
#: Deeper chains are refused when built, so that comparing, hashing, printing and pickling a
#: vendor (which follow the chain) never exhaust the interpreter's stack.
MAX_OWNERSHIP_DEPTH = 64

#: The types a vendor attribute may hold.
AttributeValue: TypeAlias = "str | int | float | bool | dt.date"
#: The types a purchase fact may hold. Text of the form ``YYYY-MM-DD`` is read as a date.
FactValue: TypeAlias = "str | bool | dt.date"


class Effect(enum.Enum):
    """What a rule says of a purchase, ordered by severity: ``ALLOW < WARN < REVIEW < DENY``."""

    ALLOW = "allow"
    WARN = "warn"
    REVIEW = "review"
    DENY = "deny"

    @property
    def severity(self) -> int:
        """The position in the order, 0 for ``ALLOW`` up to 3 for ``DENY``."""
        return _SEVERITY[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Effect):
            return NotImplemented
        return self.severity < other.severity

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Effect):
            return NotImplemented
        return self.severity <= other.severity

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Effect):
            return NotImplemented
        return self.severity > other.severity

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Effect):
            return NotImplemented
        return self.severity >= other.severity

    def __repr__(self) -> str:
        return f"Effect.{self.name}"


_SEVERITY = {effect: i for i, effect in enumerate(Effect)}
# An effect's ``value`` read by a C getter: ``enum``'s own runs two Python functions, for a
# field read off every decision. The same ``_value_``, for the same members.
_EFFECT_VALUE = property(operator.attrgetter("_value_"), doc="The effect as rule files write it.")
setattr(Effect, "value", _EFFECT_VALUE)  # noqa: B010 - mypy keeps the enum's own type for `value`

#: The values of the effects, as rule files write them; constructors take an `Effect` or one of
#: these, so that a type checker catches a misspelt effect (``effect="block"``). A test checks
#: that the list follows the enum.
EffectName: TypeAlias = Literal["allow", "warn", "review", "deny"]


class Sector(enum.Enum):
    """What kind of organisation a buyer is. The list is closed so that a misspelt sector in a rule
    is an error, not a condition that silently never matches."""

    CENTRAL_GOVERNMENT = "central-government"
    LOCAL_GOVERNMENT = "local-government"
    #: Public bodies outside the ministries: incorporated administrative agencies, state-owned
    #: corporations, public research institutes.
    PUBLIC_AGENCY = "public-agency"
    DEFENCE = "defence"
    #: Telecommunications carriers and network operators.
    CARRIER = "carrier"
    CRITICAL_INFRASTRUCTURE = "critical-infrastructure"
    HEALTHCARE = "healthcare"
    EDUCATION = "education"
    ENTERPRISE = "enterprise"
    RETAIL = "retail"
    INDIVIDUAL = "individual"
    OTHER = "other"

    def __repr__(self) -> str:
        return f"Sector.{self.name}"


#: The values of the sectors (see `EffectName`).
SectorName: TypeAlias = Literal[
    "central-government",
    "local-government",
    "public-agency",
    "defence",
    "carrier",
    "critical-infrastructure",
    "healthcare",
    "education",
    "enterprise",
    "retail",
    "individual",
    "other",
]


def to_enum(cls: type[enum.Enum], value: object, path: str) -> Any:
    """Accept an enum member or its value (``"deny"``); anything else is a clear error."""
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        try:
            return cls(value)
        except ValueError:
            pass
        choices = ", ".join(f"`{m.value}`" for m in cls)
        raise InvalidValueError(
            f"unknown {cls.__name__.lower()} {tick(value)}", path=path, hint=f"one of {choices}"
        )
    raise PredicateTypeError(
        f"expected a {cls.__name__}, got {type_name(value)} {tick(value)}", path=path
    )


_SEGMENT = re.compile(r"[a-z0-9][a-z0-9-]*\Z")


def _check_category_path(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if type(value) is str and value and all(_SEGMENT.match(part) for part in value.split("/")):
        return
    path = where(instance, attribute)
    check_text(value, path)
    assert isinstance(value, str)
    if not value or any(not _SEGMENT.match(part) for part in value.split("/")):
        fixed = "/".join(
            part
            for part in (
                re.sub(r"[^a-z0-9-]+", "-", p.lower()).strip("-") for p in value.split("/")
            )
            if part
        )
        raise InvalidValueError(
            f"invalid category {tick(value)}: use lowercase words joined by `/`",
            path=path,
            hint=f"did you mean `{fixed}`?" if fixed else "e.g. `telecom/network/router`",
        )


@frozen(order=True)
class Category:
    """A node in the equipment hierarchy, written as a path: ``Category("telecom/network/router")``.

    A category is *within* another when it is that node or lies below it.
    """

    path: str = field(validator=_check_category_path)

    @property
    def parts(self) -> tuple[str, ...]:
        """The path's segments, from the root down."""
        return tuple(self.path.split("/"))

    @property
    def parent(self) -> Category | None:
        """The node above, or ``None`` at the root."""
        head, sep, _ = self.path.rpartition("/")
        return Category(head) if sep else None

    def within(self, other: Category | str) -> bool:
        """Whether this node is ``other`` or lies below it."""
        other = as_category(other, "Category.within")
        return self.path == other.path or self.path.startswith(other.path + "/")

    def __str__(self) -> str:
        return self.path


#: Categories already built, by path: a category is an immutable value, so one instance per
#: path serves every purchase that names it (a bounded memo).
_CATEGORIES: dict[str, Category] = {}
_CATEGORIES_LIMIT = 1 << 14


def as_category(value: object, path: str) -> Category:
    if isinstance(value, Category):
        return value
    if type(value) is str:
        found = _CATEGORIES.get(value)
        if found is not None:
            return found
    if isinstance(value, str):
        try:
            category = Category(value)
        except InvalidValueError as exc:
            raise InvalidValueError(exc.message, path=path, hint=exc.hint) from None
        if type(value) is str:
            if len(_CATEGORIES) >= _CATEGORIES_LIMIT:
                _CATEGORIES.clear()
            _CATEGORIES[value] = category
        return category
    raise PredicateTypeError(
        f"expected a category path, got {type_name(value)} {tick(value)}",
        path=path,
        hint="e.g. `telecom/network`",
    )


def _optional_category(value: object, path: str) -> Category | None:
    return None if value is None else as_category(value, path)


def _designation(value: object, path: str) -> str:
    return check_id(value, path)


#: Sets of designations already checked (a bounded memo: the same sets recur across vendors).
_VALID_SETS: set[frozenset[str]] = set()


def _designations(value: object, path: str) -> frozenset[str]:
    if type(value) is frozenset:
        if value in _VALID_SETS:
            return value
        if all(is_valid_id(item) for item in value):
            if len(_VALID_SETS) >= _CATEGORIES_LIMIT:
                _VALID_SETS.clear()
            _VALID_SETS.add(value)
            return value
    return frozen_set_of(value, path, _designation)


def _mapping_repr(value: Mapping[str, Any]) -> str:
    return repr(dict(value))


#: The one empty mapping, shared by every value with no attributes or facts.
_EMPTY: Mapping[str, Any] = FrozenMapping()


def _freeze_attributes(value: object, path: str) -> Mapping[str, Any]:
    if type(value) is dict and not value:
        return _EMPTY
    if not isinstance(value, Mapping):
        raise PredicateTypeError(
            f"expected a mapping of names to values, got {type_name(value)} {tick(value)}",
            path=path,
        )
    out: dict[str, Any] = {}
    for key, item in value.items():
        check_id(key, f"{path}[{key!r}]")
        allowed = (str, int, float, bool, dt.date)
        if not isinstance(item, allowed):
            raise PredicateTypeError(
                f"attribute values must be text, numbers, booleans or dates, "
                f"got {type_name(item)} {tick(item)}",
                path=f"{path}[{key!r}]",
            )
        if isinstance(item, str):
            check_text(item, f"{path}[{key!r}]")
        out[key] = item
    return FrozenMapping(sorted(out.items()))


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def check_fact_value(value: object, path: str) -> FactValue:
    """A fact's value: text, a boolean or a date. Text written ``YYYY-MM-DD`` *is* a date (so
    that a date survives files, which hold it as text), and such text that names no real day
    (``2021-02-30``) is refused rather than kept as text that date conditions could not read."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        check_text(value, path)
        if not _ISO_DATE.match(value):
            return value
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidValueError(
                f"not a date {tick(value)}",
                path=path,
                hint="a fact written `YYYY-MM-DD` is a date; give a real day",
            ) from None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise PredicateTypeError(
        f"fact values must be text, booleans or dates, got {type_name(value)} {tick(value)}",
        path=path,
        hint="write a date as `datetime.date(2021, 8, 13)` or `'2021-08-13'`"
        if isinstance(value, dt.datetime)
        else None,
    )


def _freeze_facts(value: object, path: str) -> Mapping[str, FactValue]:
    if value is _EMPTY or (type(value) is dict and not value):
        return _EMPTY
    if not isinstance(value, Mapping):
        raise PredicateTypeError(
            f"expected a mapping of fact names to values, got {type_name(value)} {tick(value)}",
            path=path,
        )
    out: dict[str, FactValue] = {}
    for key, item in value.items():
        check_id(key, f"{path}[{key!r}]")
        out[key] = check_fact_value(item, f"{path}[{key!r}]")
    return FrozenMapping(sorted(out.items()))


def _vendor_designations(value: Iterable[str]) -> Any:
    if value is _NONE:  # the empty frozenset (one object in CPython)
        return value
    return _designations(value, "Vendor.designations")


def _vendor_attributes(value: Mapping[str, AttributeValue]) -> Any:
    if type(value) is dict and not value:
        return _EMPTY
    return _freeze_attributes(value, "Vendor.attributes")


_NONE: frozenset[str] = frozenset()


@frozen(kw_only=True, cache_hash=True)
class Vendor:
    """A supplier or maker of equipment.

    ``parent`` is the vendor's owner; its own ``parent`` continues the ownership chain. A chain
    that comes back to an id it has already passed is an error. ``country`` is ``None`` when the
    origin is not known, which makes origin conditions *unknown* rather than false.
    """

    id: str = field(validator=id_validator)
    name: str = field(default="", validator=text_validator)
    country: str | None = field(default=None, validator=country_validator)
    parent: Vendor | None = field(default=None)
    designations: frozenset[str] = field(factory=frozenset, converter=_vendor_designations)
    attributes: Mapping[str, AttributeValue] = field(
        factory=dict, converter=_vendor_attributes, hash=False, repr=_mapping_repr
    )

    def __attrs_post_init__(self) -> None:
        if self.parent is not None and not isinstance(self.parent, Vendor):
            raise PredicateTypeError(
                f"expected a Vendor or None, got {type_name(self.parent)} {tick(self.parent)}",
                path="Vendor.parent",
            )
        seen = [self.id]
        ids = {self.id}
        node = self.parent
        while node is not None:
            if node.id in ids:
                cycle = " -> ".join([*seen, node.id])
                raise InvalidValueError(
                    f"ownership cycle {tick(cycle)}",
                    path="Vendor.parent",
                    hint="a vendor cannot own itself, directly or through others",
                )
            seen.append(node.id)
            ids.add(node.id)
            if len(seen) > MAX_OWNERSHIP_DEPTH:
                raise InvalidValueError(
                    f"an ownership chain of more than {MAX_OWNERSHIP_DEPTH} vendors "
                    f"(`{seen[0]}` -> `{seen[1]}` -> …)",
                    path="Vendor.parent",
                    hint="give the vendor's nearest owners and its ultimate owner, not every "
                    "company between them",
                )
            node = node.parent

    @property
    def owners(self) -> tuple[Vendor, ...]:
        """The ownership chain above this vendor: parent first, then the parent's parent, …"""
        chain: list[Vendor] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return tuple(chain)

    @property
    def lineage(self) -> tuple[Vendor, ...]:
        """This vendor followed by its owners."""
        return (self, *self.owners)

    @property
    def ultimate_owner(self) -> Vendor:
        """The last vendor up the ownership chain: the vendor itself when it has no parent."""
        node = self
        while node.parent is not None:
            node = node.parent
        return node

    @property
    def label(self) -> str:
        """The name if there is one, else the id."""
        return self.name or self.id


def _buyer_sector(value: Sector | SectorName) -> Any:
    if type(value) is Sector:
        return value
    return to_enum(Sector, value, "Buyer.sector")


def _buyer_designations(value: Iterable[str] | None) -> Any:
    return None if value is None else _designations(value, "Buyer.designations")


@frozen(kw_only=True, cache_hash=True)
class Buyer:
    """The organisation that buys: public or private, its sector and its country.

    ``country`` is an ISO 3166-1 alpha-2 code, or ``EU`` for the European Union's own
    institutions (a code ISO 3166-1 exceptionally reserves for the Union).

    ``designations`` are public facts about the buyer, as lists it is on (a regulator's
    directions to named carriers, an operator designated under a security law). They are known
    and empty unless stated; ``None`` means not known, which makes conditions on them unknown.
    A registry that knows the buyer adds its designations as of the decision date.
    """

    id: str = field(validator=id_validator)
    public: bool = field(validator=bool_validator)
    sector: Sector = field(converter=_buyer_sector)
    name: str = field(default="", validator=text_validator)
    country: str | None = field(default=None, validator=buyer_country_validator)
    designations: frozenset[str] | None = field(factory=frozenset, converter=_buyer_designations)

    @property
    def label(self) -> str:
        return self.name or self.id


def _amount(value: object, path: str) -> Decimal:
    if type(value) is int and value >= 0:
        return Decimal(value)
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        raise PredicateTypeError(
            f"an amount must be an int, a Decimal or a decimal string, "
            f"got {type_name(value)} {tick(value)}",
            path=path,
            hint="floats are refused because they round; write `Decimal('19.99')` or `'19.99'`",
        )
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise InvalidValueError(f"not a number {tick(value)}", path=path) from None
    if not amount.is_finite() or amount < 0:
        raise InvalidValueError(
            f"amount must be a finite number zero or above, got {tick(value)}", path=path
        )
    return amount


def _money_amount(value: Decimal | int | str) -> Any:
    if type(value) is int and value >= 0:
        return Decimal(value)
    return _amount(value, "Money.amount")


def _money_currency(value: str) -> Any:
    if type(value) is str and value in CURRENCY_CODES:
        return value
    return check_currency(value, "Money.currency")


@frozen(kw_only=True, order=False)
class Money:
    """An amount in a currency (ISO 4217). Amounts in different currencies are never compared."""

    amount: Decimal = field(converter=_money_amount)
    currency: str = field(converter=_money_currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def _components(value: object, path: str) -> tuple[Component, ...] | None:
    return None if value is None else instances_of(Component, value, path)


def _component_facts(value: Mapping[str, FactValue]) -> Any:
    return _freeze_facts(value, "Component.facts")


def _component_category(value: Category | str | None) -> Any:
    return _optional_category(value, "Component.category")


@frozen(kw_only=True)
class Component:
    """A part inside a purchased system that comes from its own maker: a modem in a laptop."""

    vendor: Vendor | None = field(default=None, validator=instance_of(Vendor, optional=True))
    category: Category | None = field(default=None, converter=_component_category)
    description: str = field(default="", validator=text_validator)
    #: The maker's name as the paperwork gives it, when ``vendor`` is not (yet) identified.
    maker: str = field(default="", validator=text_validator)
    #: Facts about this part (``{"essential": True}``); inside component conditions they
    #: override the purchase's facts of the same name.
    facts: Mapping[str, FactValue] = field(
        factory=dict, converter=_component_facts, hash=False, repr=_mapping_repr
    )


def _purpose(value: object, path: str) -> str | None:
    if value is None or is_valid_id(value):
        return value  # type: ignore[return-value]
    return check_id(value, path)


def _purchase_components(value: Iterable[Component] | None) -> Any:
    if value is None:
        return None
    return _components(value, "Purchase.components")


def _purchase_facts(value: Mapping[str, FactValue]) -> Any:
    return _freeze_facts(value, "Purchase.facts")


def _purchase_category(value: Category | str | None) -> Any:
    if value is None or type(value) is Category:
        return value
    if type(value) is str:
        found = _CATEGORIES.get(value)
        if found is not None:
            return found
    return _optional_category(value, "Purchase.category")


def _purchase_purpose(value: str | None) -> Any:
    return _purpose(value, "Purchase.purpose")


@frozen(kw_only=True)
class Purchase:
    """One purchase to decide on.

    Every fact but the buyer may be missing (``None``). A condition that needs a missing fact is
    *unknown*, never silently false; ``components=None`` means the parts were not declared, while
    ``components=()`` declares that there are none. ``acquired`` is when the equipment was first
    bought, for a renewal, upgrade or installation of equipment bought earlier; it cannot be
    after ``date``.
    """

    buyer: Buyer = field(validator=instance_of(Buyer))
    vendor: Vendor | None = field(default=None, validator=instance_of(Vendor, optional=True))
    category: Category | None = field(default=None, converter=_purchase_category)
    date: dt.date | None = field(default=None, validator=optional_date_validator)
    value: Money | None = field(default=None, validator=instance_of(Money, optional=True))
    purpose: str | None = field(default=None, converter=_purchase_purpose)
    components: tuple[Component, ...] | None = field(default=None, converter=_purchase_components)
    facts: Mapping[str, FactValue] = field(
        factory=dict, converter=_purchase_facts, hash=False, repr=_mapping_repr
    )
    id: str = field(default="", validator=text_validator)
    description: str = field(default="", validator=text_validator)
    #: The supplier's name as the invoice or ledger gives it, when ``vendor`` is not (yet)
    #: identified; a registry can resolve it (a vendor left ``None`` is an unknown fact).
    supplier: str = field(default="", validator=text_validator)
    #: When the equipment this purchase renews, upgrades, maintains or installs was originally
    #: acquired; ``None`` when not stated (conditions on it are then unknown).
    acquired: dt.date | None = field(default=None, validator=optional_date_validator)

    def __attrs_post_init__(self) -> None:
        if self.acquired is not None and self.date is not None and self.acquired > self.date:
            raise InvalidValueError(
                f"the equipment was acquired ({self.acquired.isoformat()}) after the purchase "
                f"date ({self.date.isoformat()})",
                path="Purchase.acquired",
                hint="`acquired` is when the equipment was first bought; a renewal or upgrade "
                "comes on or after it",
            )


# --- Fast constructors ---------------------------------------------------------------------------
# Building the values above is most of what screening a purchase costs: attrs' ``__init__`` sets
# each field through ``object.__setattr__`` and calls a validator per field. Each class below
# gets an ``__init__`` that first tests whether every argument is one the checks are known to
# accept as it is (the exact types, ids and codes already seen valid, empty mappings) and then
# sets the fields directly; for any other argument it hands over to attrs' own ``__init__``,
# which checks, converts and reports exactly as before. Both give the same value for the same
# arguments, and the same error: a test checks it over generated arguments, good and bad.
#
# Setting a field of a frozen attrs instance takes a call of the field's slot setter (what attrs'
# own ``__init__`` does through ``object.__setattr__``). For the classes with many fields the
# fast ``__init__`` instead switches the new instance, for the length of the assignments, to an
# *open* subclass of its class that adds nothing but Python's ordinary attribute assignment, sets
# every field by plain assignment (the same slots, one instruction each) and switches it back.
# Only an instance of the class itself is switched (a user's subclass takes the checked
# ``__init__``), and only once every argument has passed its test, so nothing can raise while
# it is open; no open instance is ever handed out.

_date = dt.date
_NOTHING: Any = attrs.NOTHING
#: The empty text, the default of text fields: one object, so ``is`` tells it at once.
_NO_TEXT = ""
#: Each class's own attrs ``__init__``, which its fast one hands over to (and tests compare with).
CHECKED_INITS: dict[type, Callable[..., None]] = {}


#: Sets an object's class, for an instance whose own class forbids assignment.
_SET_CLASS = object.__dict__["__class__"].__set__


def _open(cls: type) -> type:
    """The open subclass of ``cls`` its fast ``__init__`` sets the fields through (see above)."""
    return type(
        f"_Open{cls.__name__}",
        (cls,),
        {
            "__slots__": (),
            "__setattr__": object.__setattr__,
            "__delattr__": object.__delattr__,
            "__module__": cls.__module__,
            "__doc__": f"`{cls.__name__}` while its constructor sets its fields; never handed out.",
        },
    )


def _setters(cls: type) -> list[Callable[[object, object], None]]:
    """The slot setters of ``cls``'s fields (and attrs' cached hash, if any), in field order:
    what attrs' frozen ``__setattr__`` would refuse, set as attrs' own ``__init__`` does."""
    names = [a.name for a in attrs.fields(cls)]
    if "_attrs_cached_hash" in cls.__dict__:
        names.append("_attrs_cached_hash")
    return [cls.__dict__[name].__set__ for name in names]


def _install_vendor_init() -> None:
    checked = CHECKED_INITS[Vendor] = Vendor.__init__
    valid_ids, valid_sets, codes, none, empty = (
        _VALID_IDS,
        _VALID_SETS,
        COUNTRY_CODES,
        _NONE,
        _EMPTY,
    )
    post_init = Vendor.__attrs_post_init__
    # Typed Any: a check of ``type(self)`` against them must not make ``self`` frozen.
    vendor: Any = Vendor
    opened, set_class = _open(Vendor), _SET_CLASS

    def __init__(  # noqa: N807 - the constructor's own signature
        self: Any,
        *,
        id: str,  # noqa: A002 - the field's name
        name: str = "",
        country: str | None = None,
        parent: Vendor | None = None,
        designations: Iterable[str] = _NOTHING,
        attributes: Mapping[str, AttributeValue] = _NOTHING,
    ) -> None:
        if (
            type(self) is vendor
            and type(id) is str
            and id in valid_ids
            and type(name) is str
            and name.isascii()
            and (country is None or (type(country) is str and country in codes))
            and (parent is None or type(parent) is vendor)
            and (
                designations is _NOTHING
                or designations is none
                or (type(designations) is frozenset and designations in valid_sets)
            )
            and (attributes is _NOTHING or (type(attributes) is dict and not attributes))
        ):
            set_class(self, opened)
            self.id = id
            self.name = name
            self.country = country
            self.parent = parent
            self.designations = none if designations is _NOTHING else designations
            self.attributes = empty
            self._attrs_cached_hash = None
            self.__class__ = vendor
            if parent is not None and (parent.parent is not None or parent.id == id):
                post_init(self)  # a longer ownership chain: cycles and depth
            return
        checked(
            self,
            id=id,
            name=name,
            country=country,
            parent=parent,
            designations=designations,
            attributes=attributes,
        )

    __init__.__qualname__ = "Vendor.__init__"
    setattr(Vendor, "__init__", __init__)  # noqa: B010 - mypy's attrs plugin owns `__init__`


def _install_buyer_init() -> None:
    checked = CHECKED_INITS[Buyer] = Buyer.__init__
    valid_ids, valid_sets, codes, none = _VALID_IDS, _VALID_SETS, BUYER_COUNTRY_CODES, _NONE
    buyer: Any = Buyer  # see `vendor` in _install_vendor_init
    opened, set_class = _open(Buyer), _SET_CLASS

    def __init__(  # noqa: N807 - the constructor's own signature
        self: Any,
        *,
        id: str,  # noqa: A002 - the field's name
        public: bool,
        sector: Sector | SectorName,
        name: str = "",
        country: str | None = None,
        designations: Iterable[str] | None = _NOTHING,
    ) -> None:
        if (
            type(self) is buyer
            and type(id) is str
            and id in valid_ids
            and (public is True or public is False)
            and type(sector) is Sector
            and type(name) is str
            and name.isascii()
            and (country is None or (type(country) is str and country in codes))
            and (
                designations is _NOTHING
                or designations is None
                or designations is none
                or (type(designations) is frozenset and designations in valid_sets)
            )
        ):
            set_class(self, opened)
            self.id = id
            self.public = public
            self.sector = sector
            self.name = name
            self.country = country
            self.designations = none if designations is _NOTHING else designations
            self._attrs_cached_hash = None
            self.__class__ = buyer
            return
        checked(
            self,
            id=id,
            public=public,
            sector=sector,
            name=name,
            country=country,
            designations=designations,
        )

    __init__.__qualname__ = "Buyer.__init__"
    setattr(Buyer, "__init__", __init__)  # noqa: B010 - mypy's attrs plugin owns `__init__`


def _install_money_init() -> None:
    checked = CHECKED_INITS[Money] = Money.__init__
    s_amount, s_currency = _setters(Money)
    codes = CURRENCY_CODES

    def __init__(self: Money, *, amount: Decimal | int | str, currency: str) -> None:  # noqa: N807
        if type(amount) is int and amount >= 0 and type(currency) is str and currency in codes:
            s_amount(self, Decimal(amount))
            s_currency(self, currency)
            return
        checked(self, amount=amount, currency=currency)

    __init__.__qualname__ = "Money.__init__"
    setattr(Money, "__init__", __init__)  # noqa: B010 - mypy's attrs plugin owns `__init__`


def _install_purchase_init() -> None:
    checked = CHECKED_INITS[Purchase] = Purchase.__init__
    valid_ids, categories, empty = _VALID_IDS, _CATEGORIES, _EMPTY
    purchase: Any = Purchase  # see `vendor` in _install_vendor_init
    opened, set_class = _open(Purchase), _SET_CLASS

    def __init__(  # noqa: N807 - the constructor's own signature
        self: Any,
        *,
        buyer: Buyer,
        vendor: Vendor | None = None,
        category: Category | str | None = None,
        date: dt.date | None = None,
        value: Money | None = None,
        purpose: str | None = None,
        components: Iterable[Component] | None = None,
        facts: Mapping[str, FactValue] = _NOTHING,
        id: str = "",  # noqa: A002 - the field's name
        description: str = "",
        supplier: str = "",
        acquired: dt.date | None = None,
    ) -> None:
        node = category
        if type(node) is str:
            node = categories.get(node)
        if (
            type(self) is purchase
            and type(buyer) is Buyer
            and (vendor is None or type(vendor) is Vendor)
            and (category is None or type(node) is Category)
            and (date is None or type(date) is _date)
            and (value is None or type(value) is Money)
            and (purpose is None or (type(purpose) is str and purpose in valid_ids))
            and components is None
            and (facts is _NOTHING or facts is empty or (type(facts) is dict and not facts))
            and type(id) is str
            and id.isascii()
            and (description is _NO_TEXT or (type(description) is str and description.isascii()))
            and (supplier is _NO_TEXT or (type(supplier) is str and supplier.isascii()))
            and (
                acquired is None
                or (type(acquired) is _date and (date is None or not acquired > date))
            )
        ):
            set_class(self, opened)
            self.buyer = buyer
            self.vendor = vendor
            self.category = node
            self.date = date
            self.value = value
            self.purpose = purpose
            self.components = None
            self.facts = empty
            self.id = id
            self.description = description
            self.supplier = supplier
            self.acquired = acquired
            self.__class__ = purchase
            return
        checked(
            self,
            buyer=buyer,
            vendor=vendor,
            category=category,
            date=date,
            value=value,
            purpose=purpose,
            components=components,
            facts=facts,
            id=id,
            description=description,
            supplier=supplier,
            acquired=acquired,
        )

    __init__.__qualname__ = "Purchase.__init__"
    setattr(Purchase, "__init__", __init__)  # noqa: B010 - mypy's attrs plugin owns `__init__`


_install_vendor_init()
_install_buyer_init()
_install_money_init()
_install_purchase_init()
