"""Resolving a purchase against a registry: the purchase's vendor and every component's maker,
named in free text or given as vendors, become the registry's identified vendors as of the
decision date, and each resolution says how.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import weakref
from collections import defaultdict
from typing import Any

import attrs

from vendorpolicy._checks import tick, type_name
from vendorpolicy._model import Buyer, Component, Purchase, Vendor
from vendorpolicy._names import (
    CJK_GENERIC_WORDS,
    Resolver,
    cjk_stem,
    distinctive_core,
    is_cjk,
    is_generic,
    is_generic_or_form,
    may_be_slip,
    normalise_name,
)
from vendorpolicy._registry import Registry
from vendorpolicy._resolution import Candidate, Match, MatchMethod, Resolution, ResolvedPurchase
from vendorpolicy.errors import InvalidValueError, PredicateTypeError

__all__ = ["resolve_buyer", "resolve_purchase", "resolve_suppliers"]


def resolve_purchase(
    registry: Registry,
    purchase: Purchase,
    *,
    as_of: dt.date | None = None,
    resolver: Resolver | None = None,
) -> ResolvedPurchase:
    """The purchase with its vendors identified (see :meth:`Registry.resolve`): the buyer's
    resolution, then the vendor's and the components' (see :func:`resolve_buyer` and
    :func:`resolve_suppliers`, which read nothing of each other)."""
    when = as_of if as_of is not None else purchase.date
    buyer, first = resolve_buyer(registry, purchase.buyer, when, resolver)
    vendor, components, then = resolve_suppliers(
        registry, purchase.vendor, purchase.supplier, purchase.components, when, resolver
    )
    resolved = attrs.evolve(purchase, buyer=buyer, vendor=vendor, components=components)
    return ResolvedPurchase(purchase=resolved, resolutions=(*first, *then))


def _run(registry: Registry, when: dt.date | None, resolver: Resolver | None) -> _Run:
    return _Run(
        registry=registry,
        when=when,
        resolver=resolver if resolver is not None else registry.index,
    )


def resolve_buyer(
    registry: Registry, buyer: Buyer, when: dt.date | None, resolver: Resolver | None
) -> tuple[Buyer, tuple[Resolution, ...]]:
    """The buyer as resolved on ``when`` (the decision date), and its resolutions."""
    if not registry.lists:
        return buyer, ()
    run = _run(registry, when, resolver)
    return run.buyer(buyer), tuple(run.resolutions)


def resolve_suppliers(  # noqa: PLR0917 - the purchase's fields, in order
    registry: Registry,
    vendor: Vendor | None,
    supplier: str,
    components: tuple[Component, ...] | None,
    when: dt.date | None,
    resolver: Resolver | None,
) -> tuple[Vendor | None, tuple[Component, ...] | None, tuple[Resolution, ...]]:
    """The vendor (given, or named by ``supplier``) and the components' makers as resolved on
    ``when``, and their resolutions."""
    run = _run(registry, when, resolver)
    if vendor is None and supplier.strip():
        vendor = run.named("vendor", supplier)
    elif vendor is not None:
        vendor = run.given("vendor", vendor, also=supplier)
    if components is not None:
        new: list[Component] = []
        for i, component in enumerate(components):
            subject = f"components[{i}].vendor"
            if component.vendor is None and component.maker.strip():
                component = attrs.evolve(  # noqa: PLW2901
                    component, vendor=run.named(subject, component.maker)
                )
            elif component.vendor is not None:
                component = attrs.evolve(  # noqa: PLW2901
                    component, vendor=run.given(subject, component.vendor, also=component.maker)
                )
            new.append(component)
        components = tuple(new)
    return vendor, components, tuple(run.resolutions)


#: The least score (see :class:`NameIndex`) at which a vendor given as a value is taken to be
#: possibly a registry entity: slips of a designated company's name score above it (`Huawei
#: Technolgies Co` 0.86, `Hikvison` 0.71, `Kaspresky Lab` 0.69), names that only share a word
#: with one below (`Nordic Networks AB` 0.65 beside `Pacific Network Corp.`, `Acme Networks
#: Inc.` 0.55).
SIMILAR = 0.68


def _slip_of(match: Match, candidate: Candidate) -> bool:
    """Whether ``candidate`` may be the entity ``match``'s name meant, mistyped: it scores
    :data:`SIMILAR` or more, and the two names' distinctive words are within a slip (see
    :func:`~vendorpolicy._names.may_be_slip`): `SAP Deutschland GmbH` (0.71 beside `ZTE
    Deutschland GmbH`) and `Telesat International Limited` (0.78 beside `Norsat International
    Inc.`) share only words many companies' names have."""
    return candidate.score >= SIMILAR and may_be_slip(match.query, candidate.name)


#: Per registry (by identity, dropped with it): the distinctive words of each of its names
#: written together, with the entities that carry them.
_CORES: dict[int, dict[str, frozenset[str]]] = {}


def core_entities(registry: Registry, text: str) -> frozenset[str]:
    """The registry entities with a name whose distinctive words, written together, are
    ``text``'s (see :func:`~vendorpolicy._names.distinctive_core`): ``FutureWei`` and
    ``Futurewei Technologies, Inc.``, ``Unicom`` and ``China Unicom (Americas) Operations
    Limited``, ``Zhongxingxin Branch Office`` and ``Zhongxingxin Telecom Company Limited``.
    However little the names score as a whole, nothing but generic words and legal forms
    tells them apart."""
    index = _CORES.get(id(registry))
    if index is None:
        found: defaultdict[str, set[str]] = defaultdict(set)
        for entity in registry.entities:
            for name in entity.names:
                core = distinctive_core(name)
                if core:
                    found[core].add(entity.id)
        index = {core: frozenset(ids) for core, ids in found.items()}
        _CORES[id(registry)] = index
        weakref.finalize(registry, _CORES.pop, id(registry), None)
    core = distinctive_core(text)
    return index.get(core, frozenset()) if core else frozenset()


#: Per registry (by identity, dropped with it): its ids without digits, under each of their
#: forms with one character left out (and themselves), to find an id one slip away.
_VARIANTS: dict[int, dict[str, frozenset[str]]] = {}


def _dropped(text: str) -> set[str]:
    return {text, *(text[:i] + text[i + 1 :] for i in range(len(text)))}


def id_variants(registry: Registry, key: str) -> frozenset[str]:
    """The registry ids one slip from ``key`` (a character dropped, added, changed or two
    swapped, case aside), for a ``key`` of two characters or more that is not a registry id.
    Registry ids with digits are left out: they are codes (``v-1023``, ``v-1024``), in which
    one character tells two records apart."""
    if key in registry or len(key) < 2:
        return frozenset()
    index = _VARIANTS.get(id(registry))
    if index is None:
        found: defaultdict[str, set[str]] = defaultdict(set)
        for entity in registry.entities:
            if not any(c.isdigit() for c in entity.id):
                for form in _dropped(entity.id.casefold()):
                    found[form].add(entity.id)
        index = {form: frozenset(ids) for form, ids in found.items()}
        _VARIANTS[id(registry)] = index
        weakref.finalize(registry, _VARIANTS.pop, id(registry), None)
    out: set[str] = set()
    for form in _dropped(key.casefold()):
        out |= index.get(form, frozenset())
    return frozenset(out)


#: Per registry (by identity, dropped with it): its brand words, each with the entities that
#: carry it as a whole name or alias, and its CJK brands (read inside words).
_BRANDS: dict[int, tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]] = {}


def _brand_index(
    registry: Registry,
) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    index = _BRANDS.get(id(registry))
    if index is None:
        words: defaultdict[str, set[str]] = defaultdict(set)
        stems: defaultdict[str, set[str]] = defaultdict(set)
        for entity in registry.entities:
            for name in entity.names:
                parts = normalise_name(name).split()
                if len(parts) != 1:
                    continue
                if len(parts[0]) >= 3 and not is_generic(parts[0]):
                    words[parts[0]].add(entity.id)
                stem = cjk_stem(parts[0])
                if is_cjk(stem) and len(stem) >= 2 and stem not in CJK_GENERIC_WORDS:
                    stems[stem].add(entity.id)
        index = (
            {word: frozenset(ids) for word, ids in words.items()},
            {stem: frozenset(ids) for stem, ids in stems.items()},
        )
        _BRANDS[id(registry)] = index
        weakref.finalize(registry, _BRANDS.pop, id(registry), None)
    return index


#: The longest run of neighbouring words read as one brand (``Z T E`` → ``zte``).
_RUN = 4
#: What the quick look removes from ASCII text: everything but letters and digits, which is
#: what normalisation makes spaces of or drops (in ASCII).
_SQUASH = re.compile(r"[\W_]+")


def brand_entities(registry: Registry, text: str) -> frozenset[str]:
    """The registry entities one of whose names is a single distinctive word, a brand
    (``Huawei``, ``ZTE``, ``Hikvision``), that ``text`` holds. A vendor record named ``Huawei
    Technologies Canada Co., Ltd.`` or ``ZTE do Brasil`` is no slip of any registry name, yet
    may be a company of the brand's group that the registry does not record: a vendor given so
    is unknown while the brand's entity is designated, never kept as an unlisted company. Words
    of three letters or more that are not generic count (so the registry's alias ``AMD``, which
    no list reaches, never matters).

    ``text`` holds a brand when, among the words of its normalised name (where letters
    written apart, ``Z T E``, are one word), a run of up to four neighbouring words written
    together (``Hik Vision``) is the brand, or is the brand followed by one generic word or
    legal form (``ZTECorp``, ``HuaweiTechnologies``).

    Names written in CJK scripts run their words on without a space, so there a registry
    name's brand is the name without its generic words at the ends (`cjk_stem`: ``华为技术`` →
    ``华为``), of two characters or more, and it counts anywhere inside a word of ``text``
    (``华为终端有限公司``, Huawei Device, holds ``华为``)."""
    words, stems = _brand_index(registry)
    # Most names hold no brand: a quick look first. In ASCII text, every word of the normalised
    # name, and every run of them written together, is a run of the text once everything but
    # letters and digits is dropped (and `&` read as `and`, as normalisation reads it).
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    held_stems: list[str] = []
    if folded.isascii():
        squashed = _SQUASH.sub("", folded.replace("&", "and"))
        if not any(word in squashed for word in words):
            return frozenset()
    else:
        held_stems = [stem for stem in stems if stem in folded]
    tokens = normalise_name(text).split()
    out: set[str] = set()
    for i in range(len(tokens)):
        run = ""
        for token in tokens[i : i + _RUN]:
            run += token
            out |= words.get(run, frozenset())
            for k in range(3, len(run)):
                if run[:k] in words and is_generic_or_form(run[k:]):
                    out |= words[run[:k]]
    for token in tokens:
        for stem in held_stems:
            if stem in token:
                out |= stems[stem]
    return frozenset(out)


def similar_entities(registry: Registry, text: str) -> frozenset[str]:
    """The entities a vendor written ``text`` may be although no registry name matches it: it
    holds one's brand (`Huawei Technologies Canada`, `ZTECorp`, `华为终端有限公司`) or differs
    from one's name only in generic words (`FutureWei`, `Unicom`). The engine and the SQL form
    both read it, so they agree on which unidentified records are unknown."""
    return brand_entities(registry, text) | core_entities(registry, text)


def candidate_vendors(
    registry: Registry, match: Match, when: dt.date | None
) -> list[Vendor] | None:
    """The vendors ``match``'s candidates are, in the order of their entity ids, as the
    registry has them on ``when`` (on every date alike, without one); ``None`` when one of them
    is not an entity of the registry or is not known so."""
    out: list[Vendor] = []
    for entity in sorted({c.entity for c in match.candidates}):
        if entity not in registry:
            return None
        vendor = (
            registry.vendor(entity, when) if when is not None else registry.vendor_any_date(entity)
        )
        if vendor is None:
            return None
        out.append(vendor)
    return out


@attrs.define
class _Run:
    """One purchase's resolution: the registry, the date, the resolver, the vendors already
    materialised (by entity id) and the resolutions recorded so far."""

    registry: Registry
    when: dt.date | None
    resolver: Resolver
    cache: dict[str, Vendor | None] = attrs.field(factory=dict)
    resolutions: list[Resolution] = attrs.field(factory=list)

    def buyer(self, given: Buyer) -> Buyer:
        """The buyer with the registry's designations for it added, when the registry knows
        it (by its id, then its name); with designations unknown (``None``) when the registry
        cannot say which entity it is, or what it is without a date, and one of the entities it
        might be is designated. A buyer the registry does not know is kept, unrecorded."""
        registry = self.registry
        queries = [given.id]
        if given.name.strip() and given.name != given.id:
            queries.append(given.name)
        matches = [self._match_id(given.id), *(self._match(q) for q in queries[1:])]
        named = list(
            dict.fromkeys(
                m.entity for m in matches if m.entity is not None and m.entity in registry
            )
        )
        base: dict[str, Any] = {"subject": "buyer", "registry": f"{registry.id}@{registry.version}"}
        if len(named) == 1:
            entity = named[0]
            match = next(m for m in matches if m.entity == entity)
            found = self._designations_of(entity)
            if found is None:
                self.resolutions.append(
                    Resolution(
                        **base,
                        query=match.query,
                        match=match,
                        as_of=self.when,
                        note="no date given, and the buyer's designations change over time "
                        "(state the purchase date, or evaluate as of a date)",
                        missing_facts=("purchase.date",),
                    )
                )
                return attrs.evolve(given, designations=None)
            on = self.when if self.when is not None else self._any_date(entity)
            self.resolutions.append(
                Resolution(
                    **base,
                    query=match.query,
                    match=match,
                    as_of=self.when,
                    entity=entity,
                    name=registry.entity(entity).name,
                    designations=registry.designations(entity, on),
                    note=f"given as `{given.id}`; the registry's designations for it apply",
                )
            )
            if given.designations is None or found <= given.designations:
                return given
            return attrs.evolve(given, designations=given.designations | found)
        # Several entities named, or none: unknown only where it might be an entity that a list
        # designates, on the decision date (on some date, without one). The name says who the
        # buyer is: the id, a key, counts only where it is ambiguous, or where no name is given.
        # Similar means a slip of the name (`SIMILAR`), not a word shared with it.
        said = [m for m in matches if m.ambiguous or len(matches) == 1 or m is not matches[0]]
        candidates: set[str] = {
            c.entity for m in said for c in m.candidates if _slip_of(m, c)
        } | set(named)
        risky = sorted(e for e in candidates if e in registry and self._reached(e))
        if not risky:
            return given
        match = next((m for m in said if m.candidates), said[0])
        self.resolutions.append(
            Resolution(
                **base,
                query=match.query,
                match=match,
                as_of=self.when,
                note="the buyer may be "
                + ", ".join(f"`{e}`" for e in risky)
                + ", which the registry designates; its designations are unknown",
                conflict=len(named) > 1,
            )
        )
        return attrs.evolve(given, designations=None)

    def _reached(self, entity: str) -> frozenset[str]:
        """The lists that reach ``entity`` on the date, or on any date without one."""
        if self.when is not None:
            return self.registry.designated(entity, self.when)
        return self.registry._ever_designated(entity)

    def _match_id(self, key: str) -> Match:
        """The match for a given id: a registry id is its entity (an id is a key, not a name,
        whatever other names normalise alike); any other id is matched as a name."""
        if key in self.registry:
            return Match(query=key, method=MatchMethod.EXACT_ID, entity=key, score=1.0)
        return self._match(key)

    def _match(self, name: str) -> Match:
        match = self.resolver.resolve(name)
        if not isinstance(match, Match):
            raise PredicateTypeError(
                f"the resolver returned {type_name(match)} {tick(match)}, not a Match",
                path="Registry.resolve(resolver)",
            )
        return match

    def _designations_of(self, entity: str) -> frozenset[str] | None:
        """The lists that reach ``entity`` on the date; without a date, the same on every
        date or ``None``."""
        if self.when is not None:
            return self.registry.designated(entity, self.when)
        dates = [dt.date.min, *self.registry._dates_that_matter(entity)]
        seen = {self.registry.designated(entity, on) for on in dates}
        return next(iter(seen)) if len(seen) == 1 else None

    def _any_date(self, entity: str) -> dt.date:
        dates = self.registry._dates_that_matter(entity)
        return dates[-1] if dates else dt.date.min

    def named(self, subject: str, name: str) -> Vendor | None:
        """The vendor a free-text name identifies, or ``None``; records the resolution."""
        vendor, resolution = self._lookup(subject, name)
        self.resolutions.append(resolution)
        return vendor

    def given(self, subject: str, given: Vendor, *, also: str = "") -> Vendor | None:
        """The registry's vendor for a vendor the caller gave, or ``None`` when it is unknown.

        The vendor is looked up by its id, its name and ``also`` (the purchase's supplier name,
        or a component's maker). One entity identified: the registry's vendor, with the caller's
        designations added (or ``None`` when, without a date, the registry cannot say what the
        entity is). Several: a conflict, and ``None``. None at all: the vendor as given, unless
        it may be a designated entity (a name only similar to one of its names, or an id one
        slip from its id): then ``None``. A stated parent is identified too, and must agree with
        the registry's owners.
        """
        queries = [given.id]
        for text in (given.name, also):
            if text.strip() and text not in queries:
                queries.append(text)
        # The vendor's id is a key, not a name: a registry id identifies its entity even when
        # another entity shares its normalised form (`kaspersky-lab-inc` beside `AO Kaspersky
        # Lab`), as the registry guide promises ("give the registry id to say which").
        lookups = [self._lookup(subject, q, as_id=q == given.id) for q in queries]
        named = [(v, r) for v, r in lookups if r.match.entity in self.registry]
        entities = list(dict.fromkeys(r.match.entity for _, r in named))
        if len(entities) > 1:
            self.resolutions.append(self._conflict(subject, given, named))
            return None
        if not entities:
            # Not identified: an ambiguous name leaves the vendor unknown, else it is kept.
            unclear = next((r for _, r in lookups if r.match.ambiguous), None)
            if unclear is not None:
                self.resolutions.append(
                    attrs.evolve(
                        unclear,
                        note="several registry entities carry this name; the vendor is "
                        "unknown until its id says which",
                    )
                )
                return None
            # Only similar to registry names: unknown where one of them is an entity a list
            # designates (on the date; on some date, without one), as for a free-text name;
            # else kept. The names given say who the vendor is; the id, a key, is read for
            # similar names only when no name is given. Designations the caller states do not
            # keep it: the SQL form resolves a vendor by its id alone, and must agree.
            said = lookups[1:] or lookups
            similar = {
                c.entity for _, r in said for c in r.match.candidates if _slip_of(r.match, c)
            }
            # A name that holds a designated group's brand as a word (`Huawei Technologies
            # Canada`) may be a group company the registry does not record.
            # So may a name that differs from a designated entity's only in generic words
            # (`FutureWei`, `Unicom`).
            for _, r in said:
                similar |= similar_entities(self.registry, r.match.query)
            if not lookups[1:]:  # the id alone: a registry id one slip away is similar too
                similar |= id_variants(self.registry, given.id)
            risky = sorted(e for e in similar if e in self.registry and self._reached(e))
            if risky:
                resolution = next((r for _, r in said if r.match.candidates), said[0][1])
                self.resolutions.append(
                    attrs.evolve(
                        resolution,
                        note="the vendor may be "
                        + ", ".join(f"`{e}`" for e in risky)
                        + ", which the registry designates; it is unknown until its id or "
                        "name says which company it is",
                    )
                )
                return None
            resolution = next((r for _, r in lookups if r.match.candidates), lookups[-1][1])
            return self._keep(subject, given, resolution)
        found, resolution = named[0]
        if found is None:
            self.resolutions.append(resolution)  # identified, but unknown without a date
            return None
        if found == given:
            return given  # already the registry's vendor: nothing to add or to report
        vendor: Vendor | None = attrs.evolve(
            found, designations=found.designations | given.designations
        )
        note = f"given as `{given.id}`; the registry's ownership and designations apply"
        slot = len(self.resolutions)  # the vendor's resolution goes before its parent's
        if given.parent is not None and given.parent != found.parent:
            assert vendor is not None
            vendor, problem = self._with_stated_parent(subject, vendor, given.parent)
            if vendor is None:
                self.resolutions.insert(
                    slot, attrs.evolve(resolution, entity=None, note=problem, conflict=True)
                )
                return None
            note += f"; {problem}"
        self.resolutions.insert(slot, attrs.evolve(resolution, note=note))
        return vendor

    def _keep(self, subject: str, given: Vendor, resolution: Resolution) -> Vendor | None:
        """The vendor as given (its stated parent identified in turn), with the resolution."""
        note = (resolution.note + "; " if resolution.note else "") + "the vendor as given is kept"
        if given.parent is None:
            self.resolutions.append(attrs.evolve(resolution, note=note))
            return given
        slot = len(self.resolutions)  # the vendor's resolution goes before its parent's
        parent = self.given(f"{subject}.parent", given.parent)
        if parent is None:
            self.resolutions.insert(
                slot,
                attrs.evolve(
                    resolution,
                    note=f"the stated parent `{given.parent.id}` is unknown (see "
                    f"{subject}.parent), so the vendor's owners are not known",
                ),
            )
            return None
        if parent == given.parent:
            self.resolutions.insert(slot, attrs.evolve(resolution, note=note))
            return given
        try:
            vendor = attrs.evolve(given, parent=parent)
        except InvalidValueError as exc:  # the identified parent's chain makes a cycle
            self.resolutions.insert(
                slot,
                attrs.evolve(
                    resolution,
                    note=f"the stated parent `{parent.id}` conflicts: {exc.message}",
                    conflict=True,
                ),
            )
            return None
        self.resolutions.insert(slot, attrs.evolve(resolution, note=note))
        return vendor

    def _with_stated_parent(
        self, subject: str, vendor: Vendor, stated: Vendor
    ) -> tuple[Vendor | None, str]:
        """``vendor`` (the registry's) reconciled with the parent the purchase states: kept
        when the registry knows no owner, accepted when the registry's owners include it, else
        a conflict (``None``). The second item says which, for the resolution's note."""
        parent = self.given(f"{subject}.parent", stated)
        if parent is None:
            return None, (
                f"the stated parent `{stated.id}` is unknown (see {subject}.parent), so the "
                "vendor's owners are not known"
            )
        if vendor.parent is None:
            try:
                return attrs.evolve(vendor, parent=parent), (
                    f"the registry records no controlling owner; the stated parent "
                    f"`{parent.id}` is kept"
                )
            except InvalidValueError as exc:
                return None, f"the stated parent `{parent.id}` conflicts: {exc.message}"
        owners = [o.id for o in vendor.owners]
        if parent.id in owners:
            return vendor, f"the stated parent `{parent.id}` agrees with the registry's owners"
        return None, (
            f"the stated parent `{parent.id}` is not among the registry's owners ("
            + ", ".join(f"`{o}`" for o in owners)
            + "); fix the purchase or the registry"
        )

    def _conflict(
        self, subject: str, given: Vendor, named: list[tuple[Vendor | None, Resolution]]
    ) -> Resolution:
        """The resolution of a vendor whose id, name and supplier name identify different
        entities: not identified, with each entity as a candidate."""
        first: dict[str, Resolution] = {}
        for _, r in named:
            assert r.match.entity is not None
            first.setdefault(r.match.entity, r)
        said = "; ".join(
            f"`{r.query}` is `{entity}` ({self.registry.entity(entity).name})"
            for entity, r in first.items()
        )
        top = named[0][1]
        match = Match(
            query=top.query,
            method=top.match.method,
            score=1.0,
            candidates=tuple(
                Candidate(
                    entity=entity,
                    name=self.registry.entity(entity).name,
                    method=r.match.method,
                    score=1.0,
                )
                for entity, r in first.items()
            ),
        )
        return Resolution(
            subject=subject,
            query=top.query,
            match=match,
            registry=top.registry,
            as_of=top.as_of,
            note=f"the vendor given as `{given.id}` is named as different entities: {said}",
            conflict=True,
        )

    def _lookup(
        self, subject: str, name: str, *, as_id: bool = False
    ) -> tuple[Vendor | None, Resolution]:
        """The vendor ``name`` identifies, with its resolution; with ``as_id``, ``name`` is a
        given id (see :meth:`_match_id`)."""
        registry, when = self.registry, self.when
        match = self._match_id(name) if as_id else self._match(name)
        base: dict[str, Any] = {
            "subject": subject,
            "query": name,
            "match": match,
            "registry": f"{registry.id}@{registry.version}",
            "as_of": when,
        }
        entity_id = match.entity
        if entity_id is None:
            return None, Resolution(**base)
        if entity_id not in registry:
            return None, Resolution(
                **base, note=f"the resolver named `{entity_id}`, which is not in the registry"
            )
        if entity_id not in self.cache:
            self.cache[entity_id] = (
                registry.vendor(entity_id, when)
                if when is not None
                else registry.vendor_any_date(entity_id)
            )
        vendor = self.cache[entity_id]
        if vendor is None:
            return None, Resolution(
                **base,
                note="no date given, and the entity's owners or designations change over time "
                "(state the purchase date, or evaluate as of a date)",
                missing_facts=("purchase.date",),
            )
        if when is None:
            # The vendor is the same on every date; show the paths as they stand on the last
            # date that matters (any date gives the same designations).
            some = registry._dates_that_matter(entity_id)
            paths = registry.designations(entity_id, some[-1] if some else dt.date.min)
        else:
            paths = registry.designations(entity_id, when)
        return vendor, Resolution(
            **base,
            entity=entity_id,
            name=registry.entity(entity_id).name,
            designations=paths,
        )
