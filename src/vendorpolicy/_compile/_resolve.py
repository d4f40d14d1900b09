"""Resolution against a registry, cached for the compiled form.

``Registry.resolve`` answers from the purchase's vendor, supplier name, components and buyer,
and the date: the registry's facts change only on the dates it records (relations begin and end,
listings are added and removed). Any date comparison between the decision date and a date held
in the registry has the same outcome all through each interval between consecutive points
``d`` and ``d + 1 day`` for the dates ``d`` it holds, so within one interval the resolved vendor,
components and buyer are the same, and so are the facts missing behind a vendor left unknown.
The cache keeps them per (vendor, supplier, components, buyer, interval), made of the buyer's
resolution per (buyer, interval) and the suppliers' per (vendor, supplier, components,
interval), which ``Registry.resolve`` makes apart; the decision's
``resolutions`` (which name the date) are recomputed by ``Registry.resolve`` when read.

The points are every date found anywhere in the registry's values, so a dated field added to the
registry later is covered without a change here. If ``Registry.resolve`` ever changes more of a
purchase than its vendor, components and buyer, or its parts stop adding up to it, the cache
notices on its first entry and steps aside.
"""

from __future__ import annotations

import datetime as dt
import weakref
from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from typing import Any

import attrs

from vendorpolicy._compile._lazy import Extra
from vendorpolicy._model import Buyer, Purchase, Vendor
from vendorpolicy._registry import Registry
from vendorpolicy._resolution import Resolution
from vendorpolicy._resolve import resolve_buyer, resolve_suppliers

__all__ = [
    "KEY_ENV",
    "KEY_SOURCE",
    "NO_ATTRIBUTES",
    "ResolutionCache",
    "buyer_key",
    "cache_key",
    "may_settle",
    "vendor_key",
]

_LIMIT = 1 << 16
#: The attributes of a vendor given none (one object: ``is`` tells it).
NO_ATTRIBUTES = Vendor(id="v").attributes


def vendor_key(v: Any) -> Any:
    """A vendor value as a flat tuple, equal for equal vendors and only for them: each link's
    id, name, country and designations, the vendor first, then its owners (``()`` for no
    vendor). A value's own hash and equality run in Python once per link of the chain; this
    is one loop. The vendor itself when a link is not a plain ``Vendor`` or has attributes."""
    key: tuple[Any, ...] = ()
    node = v
    while node is not None:
        if type(node) is not Vendor or node.attributes is not NO_ATTRIBUTES:
            return v
        key += (node.id, node.name, node.country, node.designations)
        node = node.parent
    return key


def buyer_key(b: Any) -> Any:
    """A buyer value as a flat tuple of its fields (see `vendor_key`); the buyer itself when it
    is not a plain ``Buyer``."""
    if type(b) is not Buyer:
        return b
    # The sector's value, a string, hashes at once; the member itself hashes in Python.
    return (b.id, b.public, b.sector._value_, b.name, b.country, b.designations)


#: The key of the cache's ``table`` for a purchase ``p`` in the date ``interval`` (its index
#: among the registry's points), as a Python expression over the names in ``KEY_ENV``: the
#: vendor's and the buyer's flat keys (``vendor_key``, ``buyer_key``), inline for the common
#: case (one plain ``Vendor`` without owners or attributes, a plain ``Buyer``), the supplier
#: name, the components and the interval. The compiled form's evaluator inlines it;
#: ``cache_key`` is the same expression as a function.
KEY_SOURCE = (
    "((key_v.id, key_v.name, key_v.country, key_v.designations)"
    " if type(key_v := p.vendor) is KEY_VENDOR and key_v.parent is None"
    " and key_v.attributes is KEY_NO_ATTRIBUTES else KEY_VENDOR_KEY(key_v),"
    " p.supplier, p.components,"
    " (key_b.id, key_b.public, key_b.sector._value_, key_b.name, key_b.country,"
    " key_b.designations) if type(key_b := p.buyer) is KEY_BUYER else key_b,"
    " interval)"
)
KEY_ENV: dict[str, Any] = {
    "KEY_VENDOR": Vendor,
    "KEY_BUYER": Buyer,
    "KEY_NO_ATTRIBUTES": NO_ATTRIBUTES,
    "KEY_VENDOR_KEY": vendor_key,
}
cache_key: Callable[[Purchase, int | None], Hashable] = eval(  # noqa: S307 - our own source
    f"lambda p, interval: {KEY_SOURCE}", dict(KEY_ENV)
)


def _dates(value: Any) -> Iterator[dt.date]:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dt.date):
            yield item
        elif attrs.has(type(item)):
            pending.extend(getattr(item, a.name) for a in attrs.fields(type(item)) if a.init)
        elif isinstance(item, Mapping):
            pending.extend(item.values())
        elif isinstance(item, (tuple, list, frozenset, set)):
            pending.extend(item)


def may_settle(resolutions: Iterable[Resolution]) -> bool:
    """Whether a decision escalated for these resolutions may be settled by the engine: some
    name is ambiguous (several entities carry it) and neither identified nor in conflict, as
    ``_engine._settle_ambiguous_names`` looks for."""
    return any(r.entity is None and not r.conflict and r.match.ambiguous for r in resolutions)


class ResolutionCache:
    """The vendor and components ``Registry.resolve`` gives, per key; see the module docstring."""

    def __init__(
        self, registry: Registry, behind: Callable[..., dict[str, tuple[str, ...]]]
    ) -> None:
        # Weakly: a rule set keeps its caches, and must not keep every registry it met alive.
        self._registry = weakref.ref(registry)
        self.behind = behind
        points: set[dt.date] = set()
        for d in _dates(registry):
            points.add(d)
            if d < dt.date.max:
                points.add(d + dt.timedelta(days=1))
        self.points = tuple(sorted(points))
        self.table: dict[Hashable, Extra] = {}
        #: Per entry of the table (by identity), the resolutions it was made from, for bulk
        #: screening's records (see ``vendorpolicy._bulk``).
        self.resolutions: dict[int, tuple[Extra, tuple[Resolution, ...]]] = {}
        self.usable = True
        #: Whether the parts have been compared once with ``Registry.resolve`` as a whole.
        self.checked = False
        #: The buyer's resolution, and the vendor's and components', per key and interval.
        self.buyers: dict[Hashable, tuple[Any, tuple[Resolution, ...]]] = {}
        self.suppliers: dict[Hashable, tuple[Any, Any, tuple[Resolution, ...]]] = {}

    @property
    def registry(self) -> Registry | None:
        """The registry this cache answers for (``None`` once it is gone)."""
        return self._registry()

    def lookup(self, purchase: Purchase, when: dt.date | None) -> Extra | None:
        """The resolved vendor, components and buyer (as the decision's ``Extra``, shared by every
        purchase with the same key and never changed), or ``None`` when the cache cannot
        answer."""
        registry = self._registry()
        if not self.usable or registry is None:
            return None
        interval = None if when is None else bisect_right(self.points, when)
        key = cache_key(purchase, interval)
        found = self.table.get(key)
        if found is None:
            # The buyer and the suppliers resolve apart (neither reads the other), each cached
            # per interval: a new pairing of a known buyer and a known vendor costs no
            # resolution.
            buyer_at = (purchase.buyer, interval)
            buyer_part = self.buyers.get(buyer_at)
            if buyer_part is None:
                buyer_part = resolve_buyer(registry, purchase.buyer, when, None)
                self.buyers[buyer_at] = buyer_part
            supplier_key = (purchase.vendor, purchase.supplier, purchase.components, interval)
            supplier_part = self.suppliers.get(supplier_key)
            if supplier_part is None:
                supplier_part = resolve_suppliers(
                    registry,
                    purchase.vendor,
                    purchase.supplier,
                    purchase.components,
                    when,
                    None,
                )
                self.suppliers[supplier_key] = supplier_part
            buyer, first = buyer_part
            vendor, components, then = supplier_part
            resolutions = (*first, *then)
            if not self.checked:
                # Once: the parts are what ``Registry.resolve`` gives for the whole purchase.
                full = registry.resolve(purchase, as_of=when)
                if (
                    attrs.evolve(purchase, vendor=vendor, components=components, buyer=buyer)
                    != full.purchase
                    or resolutions != full.resolutions
                ):  # pragma: no cover - resolve changes only those three today
                    self.usable = False
                    return None
                self.checked = True
            found = Extra(
                None,
                None,
                None,
                vendor,
                components,
                buyer,
                self.behind(resolutions),
                may_settle=may_settle(resolutions),
            )
            if len(self.table) >= _LIMIT:
                self.table.clear()
                self.resolutions.clear()
            if len(self.buyers) >= _LIMIT or len(self.suppliers) >= _LIMIT:
                self.buyers.clear()
                self.suppliers.clear()
            self.table[key] = found
            self.resolutions[id(found)] = (found, resolutions)
        return found
