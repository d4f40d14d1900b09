"""The compiled form: compile time, decision rates against the interpreter, memory of retained
decisions, import time, and agreement with the interpreter.

Run: .venv/bin/python benchmarks/bench_compile.py [PURCHASES]

Everything is generated here from a fixed seed (rule sets of 12, 100 and 1,000 rules over
vendors with ownership chains, categories, buyers, values and dates, in the spirit of the shared
ratio benchmark), so the figures need nothing outside the repository. Rates are from one process,
interpreter and compiled form interleaved; on a shared machine compare the ratios, not the rates.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vendorpolicy import (
    Buyer,
    Decision,
    Effect,
    Money,
    Predicate,
    Purchase,
    Rule,
    RuleSet,
    Sector,
    Vendor,
    all_of,
    any_of,
    buyer,
    category,
    purchase,
    vendor,
)
from vendorpolicy._engine import _program, interpret

SEED = 20181210
COUNTRIES = ["CN", "US", "JP", "DE", "KR", "TW", "RU", "IN", "GB", "FR", "SE", "FI", "IL", "VN"]
SECTORS = list(Sector)
TOPS = ["telecom", "it", "video", "energy", "transport"]


def categories(rng: random.Random) -> list[str]:
    out = []
    for top in TOPS:
        for j in range(3):
            mid = f"{top}/group-{j}"
            out.extend(f"{mid}/item-{k}" for k in range(3))
    rng.shuffle(out)
    return out


def vendors(rng: random.Random, count: int = 600) -> list[Vendor]:
    """Vendors with ownership chains of up to three owners above them; the ultimate owner
    carries `owner-origin.<cc>`, some vendors `covered`."""
    made: list[Vendor] = []
    for i in range(count):
        parent = rng.choice(made) if made and i > 100 and rng.random() < 0.4 else None
        depth = 0 if parent is None else 1 + len(parent.owners)
        if depth > 3:
            parent = None
        country = rng.choice(COUNTRIES)
        designations = set()
        if parent is None:
            designations.add(f"owner-origin.{country.lower()}")
        if rng.random() < 0.06:
            designations.add("covered")
        made.append(
            Vendor(
                id=f"v{i:04d}",
                name=f"Vendor {i}",
                country=country,
                parent=parent,
                designations=designations,
            )
        )
    return made


def rule_set(rng: random.Random, size: int, cats: list[str]) -> RuleSet:
    """``size`` rules: mostly origin rules with category, sector, value and date conditions,
    then category rules, vendor lists and a few mixed disjunctions."""
    rules: list[Rule] = []
    effects = [Effect.DENY, Effect.REVIEW, Effect.WARN]
    mids = sorted({c.rsplit("/", 1)[0] for c in cats})
    for i in range(size):
        kind = i % 10
        conds: list[Predicate] = []
        if kind < 6:
            cc = rng.sample(COUNTRIES, 2)
            conds.append(
                vendor.designated({f"owner-origin.{c.lower()}" for c in cc}, through_ownership=True)
            )
            conds.append(category.within(rng.choice(TOPS)))
            conds.append(buyer.sector.in_(rng.sample(SECTORS, 3)) if i % 2 else buyer.is_public)
            conds.append(purchase.value.at_least(rng.choice([10_000, 100_000, 1_000_000]), "USD"))
            conds.append(purchase.date.on_or_after(dt.date(2017 + rng.randrange(8), 1, 1)))
        elif kind < 8:
            conds.append(category.within(rng.choice(mids)))
            conds.append(~vendor.designated("covered", through_ownership=True))
            conds.append(purchase.value.at_least(rng.choice([50_000, 500_000]), "USD"))
        elif kind == 8:
            ids = {f"v{rng.randrange(600):04d}" for _ in range(5)}
            conds.append(vendor.id.in_(ids, through_ownership=True))
        else:
            conds.append(
                any_of(
                    vendor.designated("covered", through_ownership=True),
                    category.within(rng.choice(cats)) & buyer.is_private,
                )
            )
            conds.append(purchase.value.at_least(20_000, "USD"))
        rules.append(Rule(id=f"r{i:04d}", when=all_of(*conds), effect=rng.choice(effects)))
    return RuleSet(id=f"bench-{size}", version="1", rules=rules)


def purchases(rng: random.Random, count: int, vs: list[Vendor], cats: list[str]) -> list[dict]:
    buyers = [
        Buyer(id=f"b{i:03d}", public=rng.random() < 0.5, sector=rng.choice(SECTORS))
        for i in range(100)
    ]
    start = dt.date(2016, 1, 1).toordinal()
    return [
        {
            "buyer": rng.choice(buyers),
            "vendor": rng.choice(vs),
            "category": rng.choice(cats),
            "date": dt.date.fromordinal(start + rng.randrange(3650)),
            "value": int(10 ** rng.uniform(2, 7)),
            "id": f"p-{n}",
        }
        for n in range(count)
    ]


def build(row: dict) -> Purchase:
    return Purchase(
        buyer=row["buyer"],
        vendor=row["vendor"],
        category=row["category"],
        date=row["date"],
        value=Money(amount=row["value"], currency="USD"),
        id=row["id"],
    )


def timed(fn: Callable[[], Any]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def rates(rs: RuleSet, rows: list[dict], plain_rows: list[dict]) -> tuple[float, float, float]:
    """Decisions per second, compiled and interpreted (each from the rows, building the
    purchase and reading effect and matched rules), interleaved, median of three; the
    interpreter on a prefix."""

    def compiled() -> None:
        for row in rows:
            d = rs.evaluate(build(row))
            _ = d.effect, [r.rule for r in d.matched]

    def plain() -> None:
        for row in plain_rows:
            d = interpret(rs, build(row))
            _ = d.effect, [r.rule for r in d.matched]

    compiled()  # first pass: classes and outcomes are computed and cached
    cold = []
    fast, slow = [], []
    for _ in range(3):
        fast.append(len(rows) / timed(compiled))
        slow.append(len(plain_rows) / timed(plain))
    fresh = RuleSet(id=rs.id, version=rs.version, rules=rs.rules)
    cold.append(len(rows) / timed(lambda: [fresh.evaluate(build(r)) for r in rows]))
    return statistics.median(fast), statistics.median(slow), cold[0]


def agreement(rs: RuleSet, rows: list[dict], full: int) -> tuple[int, int]:
    """Purchases on which the compiled decision differs from the interpreter's: on the fields
    the compiled form settles for all of them, and on every field (traces included) for the
    first ``full``."""
    wrong = 0
    for i, row in enumerate(rows):
        p = build(row)
        a, b = rs.evaluate(p), interpret(rs, p)
        same = (
            a.effect is b.effect
            and a.basis is b.basis
            and a.determining_keys == b.determining_keys
            and a.obligations == b.obligations
            and a.missing_facts == b.missing_facts
            and a.errors == b.errors
            and [r.key for r in a.matched] == [r.key for r in b.matched]
        )
        if same and i < full:
            same = a == b
        wrong += not same
    return len(rows), wrong


def memory(rs: RuleSet, rows: list[dict]) -> tuple[float, float]:
    """MiB held by the decisions alone (purchases built beforehand), and by decisions with
    the purchases they were made on, for len(rows) purchases."""
    built = [build(r) for r in rows]
    for p in built[:1000]:
        rs.evaluate(p)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    decisions: list[Decision] = [rs.evaluate(p) for p in built]
    gc.collect()
    alone = tracemalloc.get_traced_memory()[0] - base
    del decisions, built
    gc.collect()
    base = tracemalloc.get_traced_memory()[0]
    kept = [rs.evaluate(build(r)) for r in rows]
    gc.collect()
    with_purchases = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    del kept
    return alone / 2**20, with_purchases / 2**20


def import_time(runs: int = 10) -> float:
    """The least CPU time of `import vendorpolicy` in a fresh interpreter, in ms."""
    code = (
        "import time; t = time.process_time(); import vendorpolicy; print(time.process_time() - t)"
    )
    src = str(Path(__file__).resolve().parent.parent / "src")
    env = {**os.environ, "PYTHONPATH": src}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    best = []
    for _ in range(runs):
        out = subprocess.run(  # noqa: S603 - this interpreter, our own code
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        best.append(float(out.stdout))
    return min(best) * 1000


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    rng = random.Random(SEED)
    cats = categories(rng)
    vs = vendors(rng)
    rows = purchases(rng, count, vs, cats)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cpus, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )
    print(f"import vendorpolicy: {import_time():.0f} ms (least CPU time of 10 fresh interpreters)")
    print()
    print("| rules | compile ms | compiled decisions/s | first pass /s | interpreter /s | ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    sets = {}
    for size in (12, 100, 1000):
        rs = rule_set(random.Random(SEED + size), size, cats)
        sets[size] = rs
        rs.digest  # noqa: B018 - as an evaluation would; not part of compiling
        fresh = RuleSet(id=rs.id, version=rs.version, rules=rs.rules)
        object.__setattr__(fresh, "_digest", rs.digest)
        compile_ms = timed(lambda f=fresh: _program(f)) * 1000  # type: ignore[misc]
        prefix = max(100, min(len(rows), 400_000 // (size * 10)))
        fast, slow, cold = rates(rs, rows, rows[:prefix])
        print(
            f"| {size} | {compile_ms:.0f} | {fast:,.0f} | {cold:,.0f} | {slow:,.0f} | "
            f"{fast / slow:.0f}x |"
        )
    print()
    alone, both = memory(sets[100], rows[: min(len(rows), 100_000)])
    n = min(len(rows), 100_000)
    print(
        f"memory, {n:,} retained decisions (100 rules): {alone:.1f} MiB for the decisions, "
        f"{both:.1f} MiB with their purchases"
    )
    checked, wrong = 0, 0
    for size, rs in sets.items():
        c, w = agreement(rs, rows[: max(200, len(rows) // (1 + size // 50))], full=200)
        checked += c
        wrong += w
    print(f"agreement with the interpreter: {checked:,} purchases, {wrong} differ")


if __name__ == "__main__":
    main()
