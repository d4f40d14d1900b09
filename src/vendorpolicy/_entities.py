"""The values a vendor registry is made of: entities (companies), dated ownership relations
between them, and designation lists with their dated listings and how far each reaches.

These are plain, validated values; :class:`~vendorpolicy.Registry` checks that they fit together
and answers questions about them.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs
from attrs import field, frozen

from vendorpolicy._checks import (
    FrozenMapping,
    check_id,
    check_text,
    country_validator,
    id_validator,
    instances_of,
    optional_date_validator,
    text_validator,
    tick,
    tuple_of,
    type_name,
)
from vendorpolicy._model import to_enum
from vendorpolicy._resolution import RelationKind
from vendorpolicy.errors import InvalidValueError, PredicateTypeError

__all__ = ["DesignationList", "Entity", "Listing", "Propagation", "Relation"]


class Propagation(enum.Enum):
    """Which entities a listing reaches besides the entity listed."""

    #: The listed entity only.
    ENTITY = "entity"
    #: Also every entity it controls, down chains of ``subsidiary`` relations.
    SUBSIDIARIES = "subsidiaries"
    #: Also every entity below it by relations of any kind (subsidiary, affiliate, joint venture).
    SUBSIDIARIES_AND_AFFILIATES = "subsidiaries-and-affiliates"
    #: The listed entity's whole group: as ``SUBSIDIARIES_AND_AFFILIATES``, and also every
    #: entity that controls it (up chains of ``subsidiary`` relations) and everything below
    #: any of those by relations of any kind: control in either direction, or common control.
    GROUP = "group"

    def __repr__(self) -> str:
        return f"Propagation.{self.name}"


# --- field converters (named functions, as mypy's attrs plugin requires) -----------------------


def _names(value: object, path: str) -> tuple[str, ...]:
    items = tuple_of(value, path, check_text)
    for i, item in enumerate(items):
        if not item.strip():
            raise InvalidValueError("empty name", path=f"{path}[{i}]", hint="remove it")
    return tuple(dict.fromkeys(items))


def _entity_aliases(value: object) -> Any:
    return _names(value, "Entity.aliases")


def _entity_identifiers(value: object) -> Any:
    path = "Entity.identifiers"
    if not isinstance(value, Mapping):
        raise PredicateTypeError(
            f"expected a mapping of schemes to identifiers, got {type_name(value)} {tick(value)}",
            path=path,
            hint='e.g. `{"lei": "…", "szse": "000063"}`',
        )
    out: dict[str, str] = {}
    for key, item in value.items():
        check_id(key, f"{path}[{key!r}]")
        out[key] = check_text(item, f"{path}[{key!r}]")
    return FrozenMapping(sorted(out.items()))


def _mapping_repr(value: Mapping[str, Any]) -> str:
    return repr(dict(value))


def _nonempty_name(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    path = f"{type(instance).__name__}.{attribute.name}"
    check_text(value, path)
    assert isinstance(value, str)
    if not value.strip():
        raise InvalidValueError("empty name", path=path, hint="give the legal name")


@frozen(kw_only=True)
class Entity:
    """A company in the registry.

    ``name`` is the legal name; ``aliases`` are other spellings, former names, short names
    and names in other scripts (``华为技术有限公司``, ``ファーウェイ``): a name resolves to the
    entity only through one of these, never by transliteration. ``identifiers`` maps a scheme
    (``lei``, a stock exchange, a national register) to the entity's identifier there.
    ``source`` says where the facts come from.
    """

    id: str = field(validator=id_validator)
    name: str = field(validator=_nonempty_name)
    aliases: tuple[str, ...] = field(default=(), converter=_entity_aliases)
    country: str | None = field(default=None, validator=country_validator)
    identifiers: Mapping[str, str] = field(
        factory=dict, converter=_entity_identifiers, hash=False, repr=_mapping_repr
    )
    source: str = field(default="", validator=text_validator)
    notes: str = field(default="", validator=text_validator)

    @property
    def names(self) -> tuple[str, ...]:
        """The legal name followed by the aliases."""
        return (self.name, *(a for a in self.aliases if a != self.name))


def _share(value: object) -> Any:
    path = "Relation.share"
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise PredicateTypeError(
            f"a share is a percentage, got {type_name(value)} {tick(value)}", path=path
        )
    try:
        share = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise InvalidValueError(f"not a number {tick(value)}", path=path) from None
    if not share.is_finite() or not 0 < share <= 100:
        raise InvalidValueError(
            f"a share is a percentage above 0 and at most 100, got {tick(value)}", path=path
        )
    return share


def _relation_kind(value: object) -> Any:
    return to_enum(RelationKind, value, "Relation.kind")


def _check_window(kind: str, start: dt.date | None, end: dt.date | None, path: str) -> None:
    if start is not None and end is not None and end < start:
        raise InvalidValueError(
            f"{kind} ends ({end.isoformat()}) before it starts ({start.isoformat()})",
            path=path,
            hint="swap the dates, or drop one",
        )


def _valid(start: dt.date | None, end: dt.date | None, on: dt.date) -> bool:
    return (start is None or start <= on) and (end is None or on <= end)


@frozen(kw_only=True)
class Relation:
    """``owner`` holds ``owned``, as a ``kind`` of relation with a ``share`` (a percentage, or
    ``None`` when not known), from ``valid_from`` to ``valid_until`` (both inclusive; ``None``
    leaves that end open). A sale ends a relation: give the date it ended as ``valid_until``."""

    owner: str = field(validator=id_validator)
    owned: str = field(validator=id_validator)
    kind: RelationKind = field(default=RelationKind.SUBSIDIARY, converter=_relation_kind)
    share: Decimal | None = field(default=None, converter=_share)
    valid_from: dt.date | None = field(default=None, validator=optional_date_validator)
    valid_until: dt.date | None = field(default=None, validator=optional_date_validator)
    source: str = field(default="", validator=text_validator)
    notes: str = field(default="", validator=text_validator)

    def __attrs_post_init__(self) -> None:
        _check_window(
            f"relation `{self.owner}` -> `{self.owned}`",
            self.valid_from,
            self.valid_until,
            "Relation.valid_until",
        )

    def valid_on(self, on: dt.date) -> bool:
        """Whether the relation holds on ``on``."""
        return _valid(self.valid_from, self.valid_until, on)


def _optional_propagation(value: object) -> Any:
    return None if value is None else to_enum(Propagation, value, "Listing.propagates")


@frozen(kw_only=True)
class Listing:
    """An entity on a designation list: put on it on ``added``, taken off on ``removed`` (the
    first day it is no longer listed; ``None`` while it stays). ``propagates`` overrides the
    list's reach for this entry, where the source words it differently."""

    entity: str = field(validator=id_validator)
    added: dt.date = field(validator=optional_date_validator)
    removed: dt.date | None = field(default=None, validator=optional_date_validator)
    propagates: Propagation | None = field(default=None, converter=_optional_propagation)
    source: str = field(default="", validator=text_validator)
    notes: str = field(default="", validator=text_validator)

    def __attrs_post_init__(self) -> None:
        if self.added is None:
            raise InvalidValueError(
                f"listing of `{self.entity}` has no date added", path="Listing.added"
            )
        if self.removed is not None and self.removed <= self.added:
            raise InvalidValueError(
                f"listing of `{self.entity}` is removed ({self.removed.isoformat()}) "
                f"on or before it is added ({self.added.isoformat()})",
                path="Listing.removed",
            )

    def active_on(self, on: dt.date) -> bool:
        """Whether the entity is on the list on ``on``."""
        return self.added <= on and (self.removed is None or on < self.removed)


def _list_propagates(value: object) -> Any:
    return to_enum(Propagation, value, "DesignationList.propagates")


def _list_entries(value: object) -> Any:
    return instances_of(Listing, value, "DesignationList.entries")


@frozen(kw_only=True)
class DesignationList:
    """A named list of designated entities (``us.889.covered``), with its ``source``, a
    ``title``, ``scope_notes`` saying what the listing restricts, and how far each listing
    ``propagates``: down ownership relations, or through the listed entity's whole group."""

    id: str = field(validator=id_validator)
    propagates: Propagation = field(converter=_list_propagates)
    entries: tuple[Listing, ...] = field(default=(), converter=_list_entries)
    title: str = field(default="", validator=text_validator)
    source: str = field(default="", validator=text_validator)
    scope_notes: str = field(default="", validator=text_validator)

    def reach(self, listing: Listing) -> Propagation:
        """How far ``listing`` reaches: its own setting, else the list's."""
        return listing.propagates if listing.propagates is not None else self.propagates
