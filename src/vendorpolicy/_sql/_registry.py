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
from vendorpolicy._resolve import _Run, candidate_vendors, id_variants, similar_entities
from vendorpolicy._trace import trace_purchase

__all__ = ["KEPT", "MAX_READINGS", "buyer_rows", "readings_of", "vendor_rows"]

#: The state of a key the registry does not identify: the row's own columns stand.
KEPT = "kept"
#: At most this many entities an ambiguous vendor name may mean are tried, as the interpreter
#: tries them (``_engine.MAX_READINGS``: one name in a table's row, so one reading per entity).
MAX_READINGS = 16
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
        found |= id_variants(registry, key) | similar_entities(registry, key)
    return sorted(e for e in found if e in registry)


def _entity(registry: Registry, key: str) -> str | None:
    run = _Run(registry=registry, when=None, resolver=registry.index)
    try:
        entity = run._match_id(key).entity
    except Exception:
        return None
    return entity if entity is not None and entity in registry else None


def _merged(ranges: list[tuple[str, Any, Any, bool, list[Row]]], numbered: bool) -> list[Row]:
    """Adjacent date ranges with the same content (every reading's), as one; then one table
    row per range and reading, ``(key, start, end, undated, *content)``, ``numbered`` with
    the reading's number after the content (0: the key as it resolves; ``None`` where it has
    no readings)."""
    out: list[tuple[str, Any, Any, bool, list[Row]]] = []
    for key, start, end, undated, content in ranges:
        last = out[-1] if out else None
        if (
            last is not None
            and not undated
            and not last[3]
            and last[0] == key
            and last[2] == start
            and last[4] == content
        ):
            out[-1] = (last[0], last[1], end, False, last[4])
        else:
            out.append((key, start, end, undated, content))
    rows: list[Row] = []
    for key, start, end, undated, content in out:
        for j, c in enumerate(content):
            number = () if not numbered else ((j,) if len(content) > 1 else (None,))
            rows.append((key, start, end, undated, *c, *number))
    return rows


def vendor_rows(
    registry: Registry,
    keys: Iterable[str],
    atoms: Sequence[Predicate],
    *,
    errors: bool = True,
    readings: bool = False,
) -> list[Row]:
    """Per key and date range: ``(key, start, end, undated, state, value..., fact...)`` with one
    value and one fact per atom. ``undated`` rows are for a row without a decision date. The
    state is ``ok`` (the registry's vendor), ``kept`` (not identified: the row's columns
    stand), ``unknown`` (the vendor is not known: names that conflict), ``undated`` (not known
    without a date), ``ambiguous`` (several entities carry the name) or ``error: ...``.

    With ``readings``, each row ends with its reading's number: ``None`` for a key without
    readings; for an ambiguous key, 0 for the key as it resolves, then 1, 2, … for each entity
    the name may mean, in the order of their ids, as that entity (state ``ok``), where the
    interpreter would try each (see :func:`readings_of`)."""
    rows: list[Row] = []
    for key in sorted(set(keys)):
        entities = (_entity(registry, key), *_similar(registry, key, variants=True))
        dated = [(start, end, start or dt.date.min) for start, end in _ranges(registry, *entities)]
        found: list[tuple[str, dt.date | None, dt.date | None, bool, list[Row]]] = [
            (key, None, None, True, _vendor_states(registry, key, None, atoms, readings))
        ]
        found += [
            (key, start, end, False, _vendor_states(registry, key, when, atoms, readings))
            for start, end, when in dated
        ]
        if all(
            r[4][0][0] == KEPT or (not errors and r[4][0][0].startswith("error:")) for r in found
        ):
            continue
        rows += _merged(found, readings)
    return rows


def _vendor_states(
    registry: Registry,
    key: str,
    when: dt.date | None,
    atoms: Sequence[Predicate],
    readings: bool,
) -> list[Row]:
    """The key's state on the date, then (``readings``, for an ambiguous name) each reading's."""
    state, run = _vendor_state(registry, key, when, atoms)
    out = [state]
    if readings and state[0] == "ambiguous":
        out += [_atoms_on(vendor, when, atoms) for vendor in readings_of(registry, run, when) or ()]
    return out


def readings_of(registry: Registry, run: _Run, when: dt.date | None) -> list[Vendor] | None:
    """The vendors an ambiguous vendor name may mean, as ``_engine._readings`` has them: each
    candidate entity, in the order of their ids, as the registry has it on the date (on every
    date alike, without one); ``None`` when one is not known so, when there is only one, or
    when there are more than :data:`MAX_READINGS` (then the interpreter tries none)."""
    unclear = next(
        (
            r
            for r in run.resolutions
            if r.subject == "vendor" and r.entity is None and not r.conflict and r.match.ambiguous
        ),
        None,
    )
    if unclear is None:
        return None  # pragma: no cover - an ambiguous state records its resolution
    out = candidate_vendors(registry, unclear.match, when)
    return out if out is not None and 1 < len(out) <= MAX_READINGS else None


def _vendor_state(
    registry: Registry, key: str, when: dt.date | None, atoms: Sequence[Predicate]
) -> tuple[Row, _Run]:
    blank: Row = (None,) * (2 * len(atoms))
    run = _Run(registry=registry, when=when, resolver=registry.index)
    try:
        given = Vendor(id=key)
        vendor = run.given("vendor", given)
    except Exception as exc:
        return (f"error: {exc}", *blank), run
    if vendor is given:
        return (KEPT, *blank), run
    if vendor is None:
        if any(r.missing_facts for r in run.resolutions):
            return ("undated", *blank), run
        if any(r.match.ambiguous and not r.conflict for r in run.resolutions):
            return ("ambiguous", *blank), run
        return ("unknown", *blank), run
    return _atoms_on(vendor, when, atoms), run


def _atoms_on(vendor: Vendor, when: dt.date | None, atoms: Sequence[Predicate]) -> Row:
    """State ``ok``: each atom's value on ``vendor``, then the fact each names when unknown."""
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
        rows += _merged([(*r[:4], [r[4:]]) for r in found], False)
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
