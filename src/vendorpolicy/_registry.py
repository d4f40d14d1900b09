"""The vendor registry: who a supplier really is.

A :class:`Registry` holds entities (companies with names, aliases, country and identifiers),
dated ownership relations between them, and designation lists (the values in
``_entities.py``). It answers questions as of a date (owners, subsidiaries, affiliates, the
ownership path between two entities, the designations that reach an entity and how), matches
free-text names and merges with other registries; turning a purchase's named vendors into
identified :class:`~vendorpolicy.Vendor` values is ``_resolve.py``'s work.

Designations travel *down* ownership relations, and up and across a group only for lists whose
reach is the listed entity's group (``Propagation.GROUP``): what a designation reaches is always
an explicit, dated chain of relations, which the decision can show.
"""

from __future__ import annotations

import collections
import datetime as dt
import difflib
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Literal

from attrs import evolve, field, frozen

from vendorpolicy._checks import id_validator, instances_of, text_validator, tick
from vendorpolicy._entities import DesignationList, Entity, Listing, Propagation, Relation
from vendorpolicy._model import MAX_OWNERSHIP_DEPTH, Purchase, Vendor
from vendorpolicy._names import NameIndex, Resolver, normalise_name
from vendorpolicy._resolution import (
    DesignationPath,
    Match,
    PathStep,
    RelationKind,
    ResolvedPurchase,
)
from vendorpolicy.errors import InvalidRegistryError, InvalidValueError, RegistryCollisionError

__all__ = [
    "DesignationList",
    "Entity",
    "Listing",
    "NameCollision",
    "Propagation",
    "Registry",
    "Relation",
    "ResolvedPurchase",
]


def _registry_entities(value: object) -> Any:
    return instances_of(Entity, value, "Registry.entities")


def _registry_relations(value: object) -> Any:
    return instances_of(Relation, value, "Registry.relations")


def _registry_lists(value: object) -> Any:
    return instances_of(DesignationList, value, "Registry.lists")


@frozen(kw_only=True)
class _Active:
    """A listing in force, with the list it belongs to."""

    designation: DesignationList
    listing: Listing


@frozen(kw_only=True)
class Registry:
    """Entities, dated relations between them and designation lists: an immutable value,
    checked as a whole when built.

    Building reports every problem at once in an :class:`InvalidRegistryError`: duplicate ids,
    relations or listings naming an entity that is not there, and ownership cycles (with the
    ids on the cycle and a date on which all its relations hold).
    """

    id: str = field(validator=id_validator)
    version: str = field(validator=text_validator)
    entities: tuple[Entity, ...] = field(default=(), converter=_registry_entities)
    relations: tuple[Relation, ...] = field(default=(), converter=_registry_relations)
    lists: tuple[DesignationList, ...] = field(default=(), converter=_registry_lists)
    title: str = field(default="", validator=text_validator)
    _by_id: dict[str, Entity] = field(init=False, eq=False, repr=False, hash=False)
    _up: dict[str, list[Relation]] = field(init=False, eq=False, repr=False, hash=False)
    _down: dict[str, list[Relation]] = field(init=False, eq=False, repr=False, hash=False)
    _group_listed: frozenset[str] = field(init=False, eq=False, repr=False, hash=False)
    _listed: dict[str, list[_Active]] = field(init=False, eq=False, repr=False, hash=False)
    _index: NameIndex | None = field(init=False, default=None, eq=False, repr=False, hash=False)
    _ever: dict[str, frozenset[str]] = field(
        init=False, factory=dict, eq=False, repr=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        problems = list(self._problems())
        if problems:
            count = len(problems)
            raise InvalidRegistryError(
                f"{count} problem{'s' if count != 1 else ''} in registry `{self.id}`",
                problems=tuple(problems),
            )
        up: dict[str, list[Relation]] = collections.defaultdict(list)
        down: dict[str, list[Relation]] = collections.defaultdict(list)
        for relation in self.relations:
            up[relation.owned].append(relation)
            down[relation.owner].append(relation)
        listed: dict[str, list[_Active]] = collections.defaultdict(list)
        for designation in self.lists:
            for listing in designation.entries:
                listed[listing.entity].append(_Active(designation=designation, listing=listing))
        group = frozenset(
            listing.entity
            for designation in self.lists
            for listing in designation.entries
            if designation.reach(listing) is Propagation.GROUP
        )
        object.__setattr__(self, "_by_id", {e.id: e for e in self.entities})
        object.__setattr__(self, "_up", dict(up))
        object.__setattr__(self, "_down", dict(down))
        object.__setattr__(self, "_listed", dict(listed))
        object.__setattr__(self, "_group_listed", group)

    # --- validation ----------------------------------------------------------------------------

    def _problems(self) -> Iterator[InvalidValueError]:
        ids: dict[str, int] = {}
        for i, entity in enumerate(self.entities):
            if entity.id in ids:
                yield InvalidValueError(
                    f"duplicate entity id `{entity.id}` (also entities[{ids[entity.id]}])",
                    path=f"Registry.entities[{i}].id",
                    hint="give every entity its own id",
                )
            else:
                ids[entity.id] = i

        def unknown(entity_id: str, path: str) -> InvalidValueError:
            close = difflib.get_close_matches(entity_id, list(ids), n=1)
            return InvalidValueError(
                f"unknown entity `{entity_id}`",
                path=path,
                hint=f"did you mean `{close[0]}`?" if close else "add the entity, or fix the id",
            )

        for i, relation in enumerate(self.relations):
            for role in ("owner", "owned"):
                entity_id = getattr(relation, role)
                if entity_id not in ids:
                    yield unknown(entity_id, f"Registry.relations[{i}].{role}")
            if relation.owner == relation.owned:
                yield InvalidValueError(
                    f"entity `{relation.owner}` cannot own itself",
                    path=f"Registry.relations[{i}]",
                )
        seen_lists: dict[str, int] = {}
        for i, designation in enumerate(self.lists):
            if designation.id in seen_lists:
                yield InvalidValueError(
                    f"duplicate list id `{designation.id}` "
                    f"(also lists[{seen_lists[designation.id]}])",
                    path=f"Registry.lists[{i}].id",
                )
            seen_lists.setdefault(designation.id, i)
            for j, listing in enumerate(designation.entries):
                if listing.entity not in ids:
                    yield unknown(listing.entity, f"Registry.lists[{i}].entries[{j}].entity")
        yield from _cycles(self.relations)
        yield from _too_deep(self.relations)

    # --- lookups -------------------------------------------------------------------------------

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._by_id

    def entity(self, entity_id: str) -> Entity:
        """The entity with ``entity_id``; raises :class:`KeyError` if there is none."""
        return self._by_id[entity_id]

    def designation_list(self, list_id: str) -> DesignationList:
        """The designation list with ``list_id``; raises :class:`KeyError` if there is none."""
        for designation in self.lists:
            if designation.id == list_id:
                return designation
        raise KeyError(list_id)

    def _require(self, entity_id: str) -> Entity:
        try:
            return self._by_id[entity_id]
        except KeyError:
            close = difflib.get_close_matches(entity_id, list(self._by_id), n=1)
            raise InvalidValueError(
                f"unknown entity `{entity_id}` in registry `{self.id}`",
                hint=f"did you mean `{close[0]}`?" if close else None,
            ) from None

    def owners_of(self, entity_id: str, on: dt.date) -> tuple[Relation, ...]:
        """The relations by which others hold ``entity_id`` on ``on``."""
        self._require(entity_id)
        return tuple(r for r in self._up.get(entity_id, ()) if r.valid_on(on))

    def holdings_of(self, entity_id: str, on: dt.date) -> tuple[Relation, ...]:
        """The relations by which ``entity_id`` holds others on ``on``."""
        self._require(entity_id)
        return tuple(r for r in self.relations if r.owner == entity_id and r.valid_on(on))

    def ancestors(self, entity_id: str, on: dt.date) -> tuple[Entity, ...]:
        """Every entity that controls ``entity_id`` on ``on`` (up ``subsidiary`` relations),
        nearest first."""
        paths = self._upward(entity_id, on, subsidiaries_only=True)
        return tuple(self._by_id[e] for e in paths if e != entity_id)

    def affiliates(self, entity_id: str, on: dt.date) -> tuple[Entity, ...]:
        """The entities linked to ``entity_id`` on ``on`` by an ``affiliate`` or
        ``joint-venture`` relation, in either direction, sorted by id."""
        self._require(entity_id)
        out = {
            (r.owned if r.owner == entity_id else r.owner)
            for r in self.relations
            if entity_id in (r.owner, r.owned)
            and r.kind is not RelationKind.SUBSIDIARY
            and r.valid_on(on)
        }
        return tuple(self._by_id[e] for e in sorted(out))

    def ownership_path(self, lower: str, upper: str, on: dt.date) -> tuple[Relation, ...] | None:
        """The shortest chain of relations valid on ``on`` leading from ``lower`` up to
        ``upper`` (or, failing that, from ``upper`` up to ``lower``); ``None`` if there is none.
        The first relation's ``owned`` is where the chain starts."""
        self._require(upper)
        for a, b in ((lower, upper), (upper, lower)):
            paths = self._upward(a, on, subsidiaries_only=False)
            if b in paths:
                return paths[b]
        return None

    def _upward(
        self, entity_id: str, on: dt.date, *, subsidiaries_only: bool
    ) -> dict[str, tuple[Relation, ...]]:
        """Breadth-first up the relations valid on ``on``: every entity reached, with the
        shortest path there (ties broken by owner id, so the answer is deterministic)."""
        self._require(entity_id)
        paths: dict[str, tuple[Relation, ...]] = {entity_id: ()}
        frontier = [entity_id]
        while frontier:
            nxt: list[str] = []
            for node in frontier:
                ups = sorted(
                    (
                        r
                        for r in self._up.get(node, ())
                        if r.valid_on(on)
                        and (not subsidiaries_only or r.kind is RelationKind.SUBSIDIARY)
                    ),
                    key=lambda r: r.owner,
                )
                for relation in ups:
                    if relation.owner not in paths:
                        paths[relation.owner] = (*paths[node], relation)
                        nxt.append(relation.owner)
            frontier = nxt
        return paths

    # --- designations --------------------------------------------------------------------------

    def designations(self, entity_id: str, on: dt.date) -> tuple[DesignationPath, ...]:
        """Every designation that reaches ``entity_id`` on ``on``, each with the path from the
        entity up to the entity listed; sorted by designation, then shortest path."""
        start = self._require(entity_id)
        anyway = self._upward(entity_id, on, subsidiaries_only=False)
        controlled = self._upward(entity_id, on, subsidiaries_only=True)
        out: list[DesignationPath] = []
        for listed, path in anyway.items():
            for active in self._listed.get(listed, ()):
                if not active.listing.active_on(on):
                    continue
                reach = active.designation.reach(active.listing)
                chosen: tuple[Relation, ...] | None
                if listed == entity_id:
                    chosen = ()
                elif reach is Propagation.SUBSIDIARIES:
                    chosen = controlled.get(listed)
                elif reach in {Propagation.SUBSIDIARIES_AND_AFFILIATES, Propagation.GROUP}:
                    chosen = controlled.get(listed, path)
                else:
                    chosen = None
                if chosen is None:
                    continue
                out.append(self._path(start, active, tuple(self._step(r) for r in chosen)))
        if self._group_listed:
            out.extend(self._group_paths(start, anyway, on))
        out.sort(key=lambda p: (p.designation, len(p.steps), p.listed))
        return tuple(out)

    def _path(self, start: Entity, active: _Active, steps: tuple[PathStep, ...]) -> DesignationPath:
        return DesignationPath(
            designation=active.designation.id,
            start=start.id,
            start_name=start.name,
            steps=steps,
            listed_on=active.listing.added,
            source=active.listing.source or active.designation.source,
        )

    def _group_paths(
        self, start: Entity, above: Mapping[str, tuple[Relation, ...]], on: dt.date
    ) -> list[DesignationPath]:
        """The designations that reach ``start`` on ``on`` only through the listed entity's
        group: from ``start`` up (by relations of any kind, ``above``) to an entity that
        controls the listed one, then down ``subsidiary`` relations to it. The shortest path
        for each listing; listings above ``start`` are reached the ordinary way."""
        best: dict[tuple[str, str, dt.date], tuple[int, DesignationPath]] = {}
        for top, up in sorted(above.items(), key=lambda item: (len(item[1]), item[0])):
            for listed, down in self._downward(top, on).items():
                if listed in above or listed not in self._group_listed:
                    continue
                for active in self._listed[listed]:
                    if not active.listing.active_on(on):
                        continue
                    if active.designation.reach(active.listing) is not Propagation.GROUP:
                        continue
                    key = (active.designation.id, listed, active.listing.added)
                    length = len(up) + len(down)
                    if key in best and best[key][0] <= length:
                        continue
                    steps = (
                        *(self._step(r) for r in up),
                        *(self._step(r, down=True) for r in down),
                    )
                    best[key] = (length, self._path(start, active, steps))
        return [path for _, path in best.values()]

    def _downward(self, entity_id: str, on: dt.date) -> dict[str, tuple[Relation, ...]]:
        """Breadth-first down the ``subsidiary`` relations valid on ``on``: every entity
        ``entity_id`` controls (and itself), with the shortest path there (ties by id)."""
        paths: dict[str, tuple[Relation, ...]] = {entity_id: ()}
        frontier = [entity_id]
        while frontier:
            nxt: list[str] = []
            for node in frontier:
                downs = sorted(
                    (
                        r
                        for r in self._down.get(node, ())
                        if r.kind is RelationKind.SUBSIDIARY and r.valid_on(on)
                    ),
                    key=lambda r: r.owned,
                )
                for relation in downs:
                    if relation.owned not in paths:
                        paths[relation.owned] = (*paths[node], relation)
                        nxt.append(relation.owned)
            frontier = nxt
        return paths

    def designated(self, entity_id: str, on: dt.date) -> frozenset[str]:
        """The ids of the lists whose designation reaches ``entity_id`` on ``on``."""
        return frozenset(p.designation for p in self.designations(entity_id, on))

    def _step(self, relation: Relation, *, down: bool = False) -> PathStep:
        entity = relation.owned if down else relation.owner
        return PathStep(
            entity=entity,
            name=self._by_id[entity].name,
            kind=relation.kind,
            valid_from=relation.valid_from,
            valid_until=relation.valid_until,
            share=relation.share,
            down=down,
        )

    # --- materialising vendors -----------------------------------------------------------------

    def vendor(self, entity_id: str, on: dt.date) -> Vendor:
        """The entity as a :class:`~vendorpolicy.Vendor` on ``on``: its ``parent`` chain follows
        its controlling owners on that date (the largest share first, then by id, where several
        hold it as a subsidiary), and its ``designations`` are every designation that reaches it
        then, its own and those that propagate down to it."""
        self._require(entity_id)
        chain = [entity_id]  # up the controlling owners, iteratively (no cycle on any date)
        while True:
            controllers = sorted(
                (
                    r
                    for r in self._up.get(chain[-1], ())
                    if r.kind is RelationKind.SUBSIDIARY and r.valid_on(on)
                ),
                key=lambda r: (-(r.share if r.share is not None else Decimal(0)), r.owner),
            )
            if not controllers:
                break
            chain.append(controllers[0].owner)
        vendor: Vendor | None = None
        for node in reversed(chain):
            entity = self._by_id[node]
            vendor = Vendor(
                id=entity.id,
                name=entity.name,
                country=entity.country,
                parent=vendor,
                designations=self.designated(node, on),
            )
        assert vendor is not None
        return vendor

    def _dates_that_matter(self, entity_id: str) -> list[dt.date]:
        """The dates on which the entity's vendor value could change: starts and ends of the
        relations above it and of the listings on it or above it, and, when a list reaches
        whole groups, of the ``subsidiary`` relations below those and the listings on them."""
        seen = {entity_id}
        pending = [entity_id]
        dates: set[dt.date] = set()
        while pending:
            node = pending.pop()
            for relation in self._up.get(node, ()):
                self._add_dates(relation, dates)
                if relation.owner not in seen:
                    seen.add(relation.owner)
                    pending.append(relation.owner)
            for active in self._listed.get(node, ()):
                self._add_listing_dates(active.listing, dates)
        if self._group_listed:
            pending = list(seen)
            while pending:
                node = pending.pop()
                for relation in self._down.get(node, ()):
                    if relation.kind is not RelationKind.SUBSIDIARY:
                        continue
                    self._add_dates(relation, dates)
                    if relation.owned not in seen:
                        seen.add(relation.owned)
                        pending.append(relation.owned)
                        for active in self._listed.get(relation.owned, ()):
                            self._add_listing_dates(active.listing, dates)
        return sorted(dates)

    @staticmethod
    def _add_dates(relation: Relation, dates: set[dt.date]) -> None:
        if relation.valid_from is not None:
            dates.add(relation.valid_from)
        if relation.valid_until is not None and relation.valid_until < dt.date.max:
            dates.add(relation.valid_until + dt.timedelta(days=1))

    @staticmethod
    def _add_listing_dates(listing: Listing, dates: set[dt.date]) -> None:
        dates.add(listing.added)
        if listing.removed is not None:
            dates.add(listing.removed)

    def vendor_any_date(self, entity_id: str) -> Vendor | None:
        """The entity as a vendor when the date is not known: the vendor if it is the same on
        every date, else ``None`` (its owners or designations changed over time)."""
        self._require(entity_id)
        dates = [dt.date.min, *self._dates_that_matter(entity_id)]
        first = self.vendor(entity_id, dates[0])
        if all(self.vendor(entity_id, d) == first for d in dates[1:]):
            return first
        return None

    # --- names ---------------------------------------------------------------------------------

    @property
    def index(self) -> NameIndex:
        """The name index (built on first use, then kept)."""
        if self._index is None:
            index = NameIndex((e.id, e.country, e.names) for e in self.entities)
            object.__setattr__(self, "_index", index)
        assert self._index is not None
        return self._index

    def match(self, name: str, *, country: str | None = None) -> Match:
        """How ``name`` matches this registry's entities (see :class:`NameIndex`)."""
        return self.index.resolve(name, country=country)

    def resolve(
        self,
        purchase: Purchase,
        *,
        as_of: dt.date | None = None,
        resolver: Resolver | None = None,
    ) -> ResolvedPurchase:
        """Identify the purchase's vendor, every component's maker, and the buyer.

        A vendor left ``None`` with a ``supplier`` name (a component: ``maker``) is resolved by
        that name: an identified name becomes the registry's vendor as of ``as_of`` (default:
        the purchase date); a name that is unknown, ambiguous or only similar to registry names
        leaves the vendor ``None``, an unknown fact, and its candidates are in the resolution.

        A vendor the caller gave is looked up too, by its id, its name and the supplier name
        (a component: its maker). When they identify one entity, the registry's vendor (its id,
        ownership chain and designations as of the date) takes its place, keeping the caller's
        own designations as well, so a ledger's own vendor codes cannot hide a registry
        designation; when they identify different entities, the vendor is unknown (a
        conflict). A stated parent is identified in turn, and kept, accepted or in conflict
        with the registry's owners, never dropped. A given vendor the registry does not
        identify is kept as it is.

        Without a date, an identified entity whose owners or listings change over time is
        unknown, and its resolution names ``purchase.date`` as missing. The buyer, when the
        registry knows it, gets the registry's designations for it as of the date.
        """
        from vendorpolicy._resolve import resolve_purchase  # noqa: PLC0415 - one-way imports

        return resolve_purchase(self, purchase, as_of=as_of, resolver=resolver)

    # --- combining -----------------------------------------------------------------------------

    def merge(
        self,
        other: Registry,
        *,
        id: str | None = None,  # noqa: A002 - the field's name
        version: str | None = None,
        on_collision: Literal["error", "ambiguous"] = "error",
    ) -> Registry:
        """A registry with the entities, relations and lists of both (e.g. the bundled registry
        and your own vendor master). Ids must not clash; relations may link across the two.

        A merge never lets one registry's entity silently take the place of the other's
        designated entity. Where an entity of one shares a name (once normalised) with an entity
        of the other and either is designated on some date (see :meth:`collisions`), the merge
        raises :class:`~vendorpolicy.errors.RegistryCollisionError` naming both, unless
        ``on_collision="ambiguous"``: then the merge goes ahead, and the names they share
        resolve to neither entity (the vendor is unknown, and the decision goes to review).

        A list both registries hold (the same id) becomes one list with the entries of both,
        provided the two agree on how it ``propagates``; its ``title``, ``source`` and
        ``scope_notes`` are this registry's, and the other's must be the same or empty. So a
        registry holding only a list's entries (your own recipients of a direction, say)
        merges onto the bundled list that declares it.
        """
        if on_collision not in {"error", "ambiguous"}:
            raise InvalidValueError(
                f"unknown collision policy {tick(on_collision)}",
                path="Registry.merge(on_collision)",
                hint='use "error" or "ambiguous"',
            )
        merged = Registry(
            id=id or self.id,
            version=version or self.version,
            title=self.title,
            entities=(*self.entities, *other.entities),
            relations=(*self.relations, *other.relations),
            lists=_merged_lists(self, other),
        )
        designated = [c for c in merged._collisions(self, other) if c.designations]
        if designated and on_collision == "error":
            count = len(designated)
            raise RegistryCollisionError(
                f"{count} name collision{'s' if count != 1 else ''} with designated entities "
                f"merging registry `{other.id}` into `{self.id}`",
                problems=tuple(_collision_problem(c, other) for c in designated),
                collisions=tuple(designated),
            )
        return merged

    def collisions(self, other: Registry) -> tuple[NameCollision, ...]:
        """Every pair of an entity here and an entity of ``other`` whose names are the same once
        normalised, each with the designations that reach either of them on some date in the
        two registries merged (empty when neither is ever designated): what :meth:`merge`
        refuses or, with ``on_collision="ambiguous"``, makes ambiguous. Relations between the
        two registries make a merge fail as it would in :meth:`merge`."""
        merged = Registry(
            id=self.id,
            version=self.version,
            entities=(*self.entities, *other.entities),
            relations=(*self.relations, *other.relations),
            lists=_merged_lists(self, other),
        )
        return merged._collisions(self, other)

    def _collisions(self, ours: Registry, theirs: Registry) -> tuple[NameCollision, ...]:
        """The collisions between ``ours`` and ``theirs``, with designations as reached in
        ``self`` (the two merged)."""
        keys: dict[str, dict[str, str]] = {}
        for entity in ours.entities:
            for name in entity.names:
                key = normalise_name(name)
                if key:
                    keys.setdefault(key, {}).setdefault(entity.id, name)
        found: dict[tuple[str, str], NameCollision] = {}
        ever: dict[str, frozenset[str]] = {}
        for entity in theirs.entities:
            for name in entity.names:
                key = normalise_name(name)
                for mine, my_name in keys.get(key, {}).items() if key else ():
                    if (mine, entity.id) in found:
                        continue
                    for e in (mine, entity.id):
                        if e not in ever:
                            ever[e] = self._ever_designated(e)
                    found[(mine, entity.id)] = NameCollision(
                        key=key,
                        entity=mine,
                        entity_name=my_name,
                        other=entity.id,
                        other_name=name,
                        designations=tuple(sorted(ever[mine] | ever[entity.id])),
                    )
        return tuple(found.values())

    def _ever_designated(self, entity_id: str) -> frozenset[str]:
        """The ids of the lists that reach ``entity_id`` on any date (kept once computed)."""
        if entity_id not in self._ever:
            out: set[str] = set()
            for on in [dt.date.min, *self._dates_that_matter(entity_id)]:
                out |= self.designated(entity_id, on)
            self._ever[entity_id] = frozenset(out)
        return self._ever[entity_id]


@frozen(kw_only=True)
class NameCollision:
    """An entity of one registry (``entity``, by its ``entity_name``) and an entity of another
    (``other``, by its ``other_name``) whose names have the same normalised form ``key``.
    ``designations`` are the lists that reach either of them on some date: when there are any,
    a merge would let a name of the designated one resolve to the other, and refuses to."""

    key: str
    entity: str
    entity_name: str
    other: str
    other_name: str
    designations: tuple[str, ...] = ()


def _merged_lists(ours: Registry, theirs: Registry) -> tuple[DesignationList, ...]:
    """The lists of both registries, a list both hold (the same id) made one, with the entries
    of both: they must agree on its ``propagates``, and the other's texts must be ours or
    empty, so that a merge never changes what a list means without saying so."""
    mine = {d.id: i for i, d in enumerate(ours.lists)}
    lists = list(ours.lists)
    extra: list[DesignationList] = []
    for i, d in enumerate(theirs.lists):
        if d.id not in mine:
            extra.append(d)
            continue
        own = lists[mine[d.id]]
        path = f"{theirs.id}.lists[{i}]"
        if d.propagates is not own.propagates:
            raise InvalidValueError(
                f"list `{d.id}` propagates {tick(d.propagates.value)} in registry "
                f"`{theirs.id}` but {tick(own.propagates.value)} in `{ours.id}`",
                path=f"{path}.propagates",
                hint="a list merged onto another must reach as far: give it the same "
                "`propagates` (or set `propagates` on the listings that differ), or give it "
                "an id of its own",
            )
        for name in ("title", "source", "scope_notes"):
            text = getattr(d, name)
            if text and text != getattr(own, name):
                raise InvalidValueError(
                    f"list `{d.id}` has another {name} in registry `{theirs.id}` than in "
                    f"`{ours.id}`",
                    path=f"{path}.{name}",
                    hint=f"leave {name} empty to add entries to `{ours.id}`'s list, or give "
                    "the list an id of its own",
                )
        lists[mine[d.id]] = evolve(own, entries=(*own.entries, *d.entries))
    return (*lists, *extra)


def _collision_problem(collision: NameCollision, other: Registry) -> InvalidValueError:
    index = next(i for i, e in enumerate(other.entities) if e.id == collision.other)
    entity = other.entities[index]
    names = entity.names
    where = (
        "name"
        if collision.other_name == entity.name
        else f"aliases[{names.index(collision.other_name) - 1}]"
    )
    shown = collision.designations[:3]
    listed = ", ".join(f"`{d}`" for d in shown)
    if len(collision.designations) > len(shown):
        listed += f" and {len(collision.designations) - len(shown)} more"
    return InvalidValueError(
        f"`{collision.other_name}` (entity `{collision.other}`) has the name of "
        f"`{collision.entity_name}` (entity `{collision.entity}`) once normalised, and one of "
        f"them is designated ({listed})",
        path=f"{other.id}.entities[{index}].{where}",
        hint="the same company? drop it and use the registry's entity; another company? "
        'merge with on_collision="ambiguous" (CLI: --registry-collisions ambiguous), and the '
        "names they share resolve to neither, for review",
    )


def _cycles(relations: Iterable[Relation]) -> Iterator[InvalidValueError]:
    """Ownership cycles: relations that lead from an entity back to itself and all hold on some
    date. Strongly connected components are found first (ignoring dates); only inside those is
    each date on which a relation starts checked, since the relations holding on any date are a
    subset of those holding on the latest start before it."""
    numbered = [(i, r) for i, r in enumerate(relations) if r.owner != r.owned]
    graph: dict[str, list[tuple[int, Relation]]] = collections.defaultdict(list)
    for i, r in numbered:
        graph[r.owner].append((i, r))
    for component in _strongly_connected(graph):
        if len(component) < 2:
            continue
        inside = [(i, r) for i, r in numbered if r.owner in component and r.owned in component]
        starts = sorted({r.valid_from for _, r in inside if r.valid_from is not None})
        for on in [None, *starts]:
            active = [
                (i, r)
                for i, r in inside
                if (r.valid_from is None if on is None else r.valid_on(on))
            ]
            cycle = _find_cycle(active)
            if cycle is not None:
                ids = " -> ".join([cycle[0][1].owner, *(r.owned for _, r in cycle)])
                where = ", ".join(f"relations[{i}]" for i, _ in cycle)
                when = "at all times" if on is None else f"on {on.isoformat()}"
                yield InvalidValueError(
                    f"ownership cycle `{ids}` ({where}) {when}",
                    path="Registry.relations",
                    hint="an entity cannot own itself through others; end one relation earlier",
                )
                break


def _too_deep(relations: Iterable[Relation]) -> Iterator[InvalidValueError]:
    """A chain of control (``subsidiary`` relations, dates ignored) longer than a vendor's
    ownership chain may be (:data:`~vendorpolicy._model.MAX_OWNERSHIP_DEPTH` vendors). Entities
    on a cycle that never holds on one date count once each, so the bound is never too low."""
    graph: dict[str, list[tuple[int, Relation]]] = collections.defaultdict(list)
    for i, r in enumerate(relations):
        if r.kind is RelationKind.SUBSIDIARY and r.owner != r.owned:
            graph[r.owner].append((i, r))
    if sum(len(edges) for edges in graph.values()) < MAX_OWNERSHIP_DEPTH:
        return  # too few relations for a chain that long
    components = _strongly_connected(graph)  # sinks first
    where = {node: k for k, component in enumerate(components) for node in component}
    depth: list[int] = []
    below: list[int | None] = []
    for k, component in enumerate(components):
        best, step = 0, None
        for node in component:
            for _, r in graph.get(node, ()):
                other = where[r.owned]
                if other != k and depth[other] > best:
                    best, step = depth[other], other
        depth.append(len(component) + best)
        below.append(step)
    deepest = max(range(len(components)), key=depth.__getitem__)
    if depth[deepest] <= MAX_OWNERSHIP_DEPTH:
        return
    chain: list[str] = []
    node_k: int | None = deepest
    while node_k is not None:
        chain.append(min(components[node_k]))
        node_k = below[node_k]
    shown = " -> ".join([*chain[:3], "…", *chain[-2:]]) if len(chain) > 6 else " -> ".join(chain)
    yield InvalidValueError(
        f"a chain of control {depth[deepest]} entities long (`{shown}`) is deeper than "
        f"{MAX_OWNERSHIP_DEPTH}",
        path="Registry.relations",
        hint="a vendor's ownership chain holds at most "
        f"{MAX_OWNERSHIP_DEPTH} companies; record the ultimate owner directly",
    )


def _strongly_connected(graph: Mapping[str, list[tuple[int, Relation]]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[set[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, pos = work.pop()
            if pos == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            edges = graph.get(node, [])
            if pos < len(edges):
                work.append((node, pos + 1))
                nxt = edges[pos][1].owned
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.add(top)
                    if top == node:
                        break
                out.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return out


def _find_cycle(edges: list[tuple[int, Relation]]) -> list[tuple[int, Relation]] | None:
    """One cycle among ``edges`` (as the edges along it), or ``None``."""
    graph: dict[str, list[tuple[int, Relation]]] = collections.defaultdict(list)
    for i, r in sorted(edges, key=lambda e: (e[1].owner, e[1].owned, e[0])):
        graph[r.owner].append((i, r))
    state: dict[str, int] = {}
    for root in sorted(graph):
        if root in state:
            continue
        path: list[tuple[int, Relation]] = []
        work: list[tuple[str, int]] = [(root, 0)]
        state[root] = 1
        while work:
            node, pos = work.pop()
            edges_out = graph.get(node, [])
            if pos < len(edges_out):
                work.append((node, pos + 1))
                i, r = edges_out[pos]
                if state.get(r.owned) == 1:
                    start = next(
                        (k for k, (_, e) in enumerate(path) if e.owner == r.owned), len(path)
                    )
                    return [*path[start:], (i, r)]
                if r.owned not in state:
                    state[r.owned] = 1
                    path.append((i, r))
                    work.append((r.owned, 0))
                continue
            state[node] = 2
            if path and path[-1][1].owned == node:
                path.pop()
    return None
