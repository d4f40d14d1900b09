"""Resolving a purchase against a registry: the purchase's vendor and every component's maker,
named in free text or given as vendors, become the registry's identified vendors as of the
decision date, and each resolution says how.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from vendorpolicy._checks import tick, type_name
from vendorpolicy._model import Component, Purchase, Vendor
from vendorpolicy._names import Resolver
from vendorpolicy._registry import Registry
from vendorpolicy._resolution import Match, Resolution, ResolvedPurchase
from vendorpolicy.errors import PredicateTypeError

__all__ = ["resolve_purchase"]


def resolve_purchase(
    registry: Registry,
    purchase: Purchase,
    *,
    as_of: dt.date | None = None,
    resolver: Resolver | None = None,
) -> ResolvedPurchase:
    """The purchase with its vendors identified (see :meth:`Registry.resolve`)."""
    run = _Run(
        registry=registry,
        when=as_of if as_of is not None else purchase.date,
        resolver=resolver if resolver is not None else registry.index,
    )
    vendor = purchase.vendor
    if vendor is None and purchase.supplier.strip():
        vendor = run.named("vendor", purchase.supplier)
    elif vendor is not None:
        vendor = run.given("vendor", vendor)
    components = purchase.components
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
                    component, vendor=run.given(subject, component.vendor)
                )
            new.append(component)
        components = tuple(new)
    resolved = attrs.evolve(purchase, vendor=vendor, components=components)
    return ResolvedPurchase(purchase=resolved, resolutions=tuple(run.resolutions))


@attrs.define
class _Run:
    """One purchase's resolution: the registry, the date, the resolver, the vendors already
    materialised (by entity id) and the resolutions recorded so far."""

    registry: Registry
    when: dt.date | None
    resolver: Resolver
    cache: dict[str, Vendor | None] = attrs.field(factory=dict)
    resolutions: list[Resolution] = attrs.field(factory=list)

    def named(self, subject: str, name: str) -> Vendor | None:
        """The vendor a free-text name identifies, or ``None``; records the resolution."""
        vendor, resolution = self._lookup(subject, name)
        self.resolutions.append(resolution)
        return vendor

    def given(self, subject: str, given: Vendor) -> Vendor:
        """The registry's vendor for a vendor the caller gave, with the caller's designations
        added; the given vendor itself when the registry does not identify it (or gave it)."""
        # The id is always set (validated), so the first lookup always runs.
        found, resolution = self._lookup(subject, given.id)
        if found is None and given.name.strip() and given.name != given.id:
            found, resolution = self._lookup(subject, given.name)
        if found is not None and found == given:
            return given  # already the registry's vendor: nothing to add or to report
        if found is None:
            self.resolutions.append(
                attrs.evolve(
                    resolution,
                    note=(resolution.note + "; " if resolution.note else "")
                    + "the vendor as given is kept",
                )
            )
            return given
        self.resolutions.append(
            attrs.evolve(
                resolution,
                note=f"given as `{given.id}`; the registry's ownership and designations apply",
            )
        )
        return attrs.evolve(found, designations=found.designations | given.designations)

    def _lookup(self, subject: str, name: str) -> tuple[Vendor | None, Resolution]:
        registry, when = self.registry, self.when
        match = self.resolver.resolve(name)
        if not isinstance(match, Match):
            raise PredicateTypeError(
                f"the resolver returned {type_name(match)} {tick(match)}, not a Match",
                path="Registry.resolve(resolver)",
            )
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
                note="no date given, and the entity's owners or designations change over time",
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
