"""The registry as tables for the compiled query: what each vendor id and buyer id of the
purchases table becomes once resolved, date range by date range.

A row's vendor is looked up by its ``vendor_id`` exactly as ``Registry.resolve`` looks up a
vendor the caller gave with that id and no name (``_resolve._Run.given``): a registry id is its
entity; other text is matched as a name. Between two of the dates on which the entity's owners or
listings change (``Registry._dates_that_matter``) the resolved vendor is the same, so each
range is one row of the table, with the value of every vendor atom of the rule set on that
vendor (computed here by the interpreter itself) and the fact it names when unknown. The
buyer's designations are looked up alike (``_Run.buyer``). Nothing here reads the purchases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from vendorpolicy._model import Buyer, Purchase, Sector, Vendor
from vendorpolicy._predicates import Predicate
from vendorpolicy._registry import Registry
from vendorpolicy._resolve import _Run, brand_entities, id_variants
from vendorpolicy._trace import trace_purchase

__all__ = ["KEPT", "buyer_rows", "vendor_rows"]

#: The state of a key the registry does not identify: the row's own columns stand.
KEPT = "kept"
_BUYER = Buyer(id="vp-probe", public=True, sector=Sector.ENTERPRISE)

Row = tuple[Any, ...]


def _ranges(
    registry: Registry, *entities: str | None
) -> list[tuple[dt.date | None, dt.date | None]]:
    """The date ranges ``[start, end)`` on which ``entities`` stay the same (``None``: open)."""
    dates = sorted({d for e in entities if e is not None for d in registry._dates_that_matter(e)})
    starts: list[dt.date | None] = [None, *dates]
    ends: list[dt.date | None] = [*dates, None]
    return list(zip(starts, ends, strict=True))


def _similar(registry: Registry, key: str, *, variants: bool = False) -> list[str]:
    """The entities ``key``'s match names as candidates (and, with ``variants``, the registry
    ids one slip from it): a vendor or buyer that may be one of them is unknown only while one
    of them is designated, so their dates matter too."""
    run = _Run(registry=registry, when=None, resolver=registry.index)
    try:
        found = {c.entity for c in run._match_id(key).candidates}
    except Exception:
        return []
    if variants:
        found |= id_variants(registry, key) | brand_entities(registry, key)
    return sorted(e for e in found if e in registry)


def _entity(registry: Registry, key: str) -> str | None:
    run = _Run(registry=registry, when=None, resolver=registry.index)
    try:
        entity = run._match_id(key).entity
    except Exception:
        return None
    return entity if entity is not None and entity in registry else None


def _merged(rows: list[Row]) -> list[Row]:
    """Adjacent date ranges with the same content, as one."""
    out: list[Row] = []
    for row in rows:
        last = out[-1] if out else None
        if (
            last is not None
            and not row[3]
            and not last[3]
            and last[0] == row[0]
            and last[2] == row[1]
            and last[4:] == row[4:]
        ):
            out[-1] = (last[0], last[1], row[2], *last[3:])
        else:
            out.append(row)
    return out


def vendor_rows(
    registry: Registry, keys: Iterable[str], atoms: Sequence[Predicate], *, errors: bool = True
) -> list[Row]:
    """Per key and date range: ``(key, start, end, undated, state, value..., fact...)`` with one
    value and one fact per atom. ``undated`` rows are for a row without a decision date. The
    state is ``ok`` (the registry's vendor), ``kept`` (not identified: the row's columns
    stand), ``unknown`` (the vendor is not known: names that conflict), ``undated`` (not known
    without a date), ``ambiguous`` (several entities carry the name) or ``error: ...``."""
    rows: list[Row] = []
    for key in sorted(set(keys)):
        entities = (_entity(registry, key), *_similar(registry, key, variants=True))
        dated = [(start, end, start or dt.date.min) for start, end in _ranges(registry, *entities)]
        found: list[Row] = [(key, None, None, True, *_vendor_state(registry, key, None, atoms))]
        found += [
            (key, start, end, False, *_vendor_state(registry, key, when, atoms))
            for start, end, when in dated
        ]
        if all(r[4] == KEPT or (not errors and r[4].startswith("error:")) for r in found):
            continue
        rows += _merged(found)
    return rows


def _vendor_state(
    registry: Registry, key: str, when: dt.date | None, atoms: Sequence[Predicate]
) -> Row:
    blank: Row = (None,) * (2 * len(atoms))
    run = _Run(registry=registry, when=when, resolver=registry.index)
    try:
        given = Vendor(id=key)
        vendor = run.given("vendor", given)
    except Exception as exc:
        return (f"error: {exc}", *blank)
    if vendor is given:
        return (KEPT, *blank)
    if vendor is None:
        if any(r.missing_facts for r in run.resolutions):
            return ("undated", *blank)
        if any(r.match.ambiguous and not r.conflict for r in run.resolutions):
            return ("ambiguous", *blank)
        return ("unknown", *blank)
    probe = Purchase(buyer=_BUYER, vendor=vendor)
    traces = [trace_purchase(atom, probe, when) for atom in atoms]
    return ("ok", *(t.value for t in traces), *(t.fact for t in traces))


def buyer_rows(registry: Registry, keys: Iterable[str], atoms: Sequence[Predicate]) -> list[Row]:
    """Per buyer id and date range: ``(key, start, end, undated, state, value...)``, a value
    per atom on the registry's designations for the buyer; the state is ``ok``, ``kept``,
    ``unknown`` or ``undated`` (as for vendors). A row's own designations are added to the
    registry's (``buyer.designated`` is the ``OR`` of the two) unless they are unknown."""
    if not registry.lists:
        return []
    rows: list[Row] = []
    for key in sorted(set(keys)):
        entities = (_entity(registry, key), *_similar(registry, key))
        dated = [(start, end, start or dt.date.min) for start, end in _ranges(registry, *entities)]
        found: list[Row] = [(key, None, None, True, *_buyer_state(registry, key, None, atoms))]
        found += [
            (key, start, end, False, *_buyer_state(registry, key, when, atoms))
            for start, end, when in dated
        ]
        if all(r[4] == KEPT for r in found):
            continue
        rows += _merged(found)
    return rows


def _buyer_state(
    registry: Registry, key: str, when: dt.date | None, atoms: Sequence[Predicate]
) -> Row:
    blank: Row = (None,) * len(atoms)
    run = _Run(registry=registry, when=when, resolver=registry.index)
    try:
        given = Buyer(id=key, public=True, sector=Sector.ENTERPRISE)
        buyer = run.buyer(given)
    except Exception as exc:
        return (f"error: {exc}", *blank)
    if buyer is given:
        return (KEPT, *blank)
    if buyer.designations is None:
        undated = any(r.missing_facts for r in run.resolutions)
        return ("undated" if undated else "unknown", *blank)
    probe = Purchase(buyer=buyer)
    return ("ok", *(trace_purchase(atom, probe, when).value for atom in atoms))
