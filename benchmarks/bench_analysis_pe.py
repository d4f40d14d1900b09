"""How long counterfactuals and partial evaluation take on the bundled packs.

Run: .venv/bin/python benchmarks/bench_analysis_pe.py [PURCHASES_PER_PACK] [CATALOG_ROUNDS]

For each pack, on a fixed grid of purchases (buyers, vendors, categories, dates, components):
- `what_if`: milliseconds per purchase (median and worst) and the candidate changes considered;
- `residual`: milliseconds to build it for one buyer and date, and the rules left;
- the catalog question: rows per second decided by `screen_catalog` (the residual) and by the
  original rule set on the same completions, each made in the timed loop (the bundled registry
  in both).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import platform
import statistics
import sys
import time

from vendorpolicy import Buyer, Component, Purchase, Vendor, bundled_registry, packs
from vendorpolicy.analysis import Partial, candidates, residual, screen_catalog, what_if
from vendorpolicy.errors import VocabularyError

_COUNTRIES = ("US", "JP", "GB", "AU", "NZ", "SE", "DE")
_BUYERS = (
    ("agency", True, "central-government"),
    ("city", True, "local-government"),
    ("carrier", False, "carrier"),
    ("firm", False, "enterprise"),
)
_VENDORS = (
    Vendor(id="huawei", name="Huawei", country="CN"),
    Vendor(id="zte", name="ZTE", country="CN"),
    Vendor(id="hikvision", name="Hikvision", country="CN"),
    Vendor(id="acme", name="Acme", country="US"),
    None,
)
_CATEGORIES = ("telecom/network/router", "it/endpoint/laptop", "video/surveillance/camera")
_DATES = (dt.date(2018, 6, 1), dt.date(2020, 3, 1), dt.date(2023, 1, 1))
_PARTS = (None, (), (Component(vendor=Vendor(id="zte", name="ZTE", country="CN")),))


def _buyer(index: int) -> Buyer:
    name, public, sector = _BUYERS[index % len(_BUYERS)]
    country = _COUNTRIES[index % len(_COUNTRIES)]
    return Buyer(id=f"{name}-{country.lower()}", public=public, sector=sector, country=country)


def _grid() -> list[Purchase]:
    rows = itertools.product(range(len(_BUYERS) * len(_COUNTRIES)), _VENDORS, _CATEGORIES, _DATES)
    out = []
    for i, (b, found, cat, when) in enumerate(rows):
        out.append(
            Purchase(
                buyer=_buyer(b),
                vendor=found,
                category=cat,
                date=when,
                components=_PARTS[i % len(_PARTS)],
            )
        )
    return out


def main() -> None:
    per_pack = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    registry = bundled_registry()
    grid = _grid()
    step = max(1, len(grid) // per_pack)
    sample = grid[::step][:per_pack]
    catalog = [
        (found, cat, parts) for found in _VENDORS for cat in _CATEGORIES for parts in _PARTS
    ] * rounds
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}"
    )
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"what_if: {len(sample)} purchases per pack; catalog: {len(catalog)} rows per pack")
    print()
    head = (
        f"{'pack':22} {'what_if ms med':>14} {'max':>7} {'cands':>6} "
        f"{'residual ms':>11} {'rules':>9} {'catalog rows/s':>14} {'original':>9}"
    )
    print(head)
    for name in packs.names():
        rules = packs.load(name)
        times, counts = [], []
        for subject in sample:
            try:
                start = time.perf_counter()
                what_if(rules, subject, registry=registry)
                times.append(time.perf_counter() - start)
                counts.append(len(candidates(rules, subject)))
            except VocabularyError:
                continue
        buyer = _buyer(0)
        partial = Partial(buyer=buyer, date=dt.date(2023, 1, 1))
        start = time.perf_counter()
        rest = residual(rules, partial, registry=registry)
        built = time.perf_counter() - start
        left = sum(len(layer.rules) for layer in rest.layers())
        total = sum(len(layer.rules) for layer in rules.layers())
        list(screen_catalog(rules, partial, catalog[:50], registry=registry))  # compile once
        start = time.perf_counter()
        screened = list(screen_catalog(rules, partial, catalog, registry=registry))
        fast = len(screened) / (time.perf_counter() - start)
        start = time.perf_counter()
        for v, c, p in catalog:
            rules.evaluate(partial.complete(vendor=v, category=c, components=p), registry=registry)
        plain = len(catalog) / (time.perf_counter() - start)
        med = statistics.median(times) * 1e3 if times else float("nan")
        worst = max(times) * 1e3 if times else float("nan")
        cands = statistics.median(counts) if counts else 0
        print(
            f"{name:22} {med:14.1f} {worst:7.1f} {cands:6.0f} {built * 1e3:11.1f} "
            f"{f'{left}/{total}':>9} {fast:14,.0f} {plain:9,.0f}"
        )


if __name__ == "__main__":
    main()
