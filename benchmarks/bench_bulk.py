"""Bulk screening: `vendorpolicy check` on a CSV ledger with a 100-rule set and the bundled
registry, end to end, and `screen_columns` on generated columns.

Run: python benchmarks/bench_bulk.py [LEDGER_ROWS] [COLUMN_ROWS]

The ledger (100,000 rows by default, 3 of them broken) is the one ``bench_ledger.py`` writes;
the rule set has 100 generated rules over the vendor's origin, the category, the value, the
buyer's sector, the purchase date and a fact, with exceptions and windows. The command is
timed as one process (start-up, reading, deciding, writing), in wall time and in CPU time
(user and system: on a shared machine under load the wall time mostly measures the wait), and
its result file checked (one record per row, 3 error records). It is timed twice: as this
environment runs it (with ``PYTHONDONTWRITEBYTECODE`` set, every module is compiled from
source at start-up), and with a bytecode cache of its own (``PYTHONPYCACHEPREFIX`` in the
temporary directory, filled by an untimed run first), as an installed package runs; the two
result files must be the same. The columns (1,000,000 rows by
default) are drawn the same way and screened in this process; the figure excludes building the
columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_ledger import BUYERS, CATEGORIES, HEADER, SCOPES, VENDORS, generate

from vendorpolicy import (
    ColumnMapping,
    Effect,
    Rule,
    RuleSet,
    bundled_registry,
    buyer,
    category,
    fact,
    load_rule_set,
    purchase,
    save_rule_set,
    screen,
    screen_columns,
    screen_ledger,
    vendor,
    write_results,
)
from vendorpolicy._bulk import BulkRows

ORIGINS = ["CN", "HK", "JP", "US", "KR", "TW"]
#: Rows of the ledger also screened in this process both ways, to compare.
COMPARE = 20_000
SECTORS = ["central-government", "defence", "local-government", "carrier", "retail"]


def rules_100(seed: int = 100) -> RuleSet:
    """100 rules in a mix of the kinds a procurement policy has."""
    rnd = random.Random(seed)
    rules = []
    effects = [Effect.DENY, Effect.REVIEW, Effect.WARN]
    for i in range(100):
        when = vendor.origin.in_(set(rnd.sample(ORIGINS, 2))) & category.within(
            rnd.choice(CATEGORIES).rsplit("/", rnd.randint(0, 1))[0]
        )
        if i % 3 == 0:
            when = when & purchase.value.at_least(10 ** rnd.randint(4, 7), "JPY")
        if i % 4 == 1:
            when = when & buyer.sector.in_(set(rnd.sample(SECTORS, 2)))
        if i % 5 == 2:
            when = when & purchase.date.on_or_after(dt.date(rnd.randint(2018, 2023), 4, 1))
        unless = fact("system-scope").in_({"general"}) if i % 6 == 3 else None
        start = dt.date(2019, rnd.randint(1, 12), 1) if i % 7 == 4 else None
        rules.append(
            Rule(
                id=f"r{i:03d}",
                when=when,
                unless=unless,
                effect=effects[i % 3],
                reason=f"generated rule {i}",
                in_force_from=start,
            )
        )
    return RuleSet(id="bulk-100", version="1", rules=rules)


def columns(rows: int, seed: int = 2018) -> dict[str, list[str | None]]:
    rnd = random.Random(seed)
    out: dict[str, list[str | None]] = {h: [] for h in HEADER}
    for i in range(rows):
        b = rnd.choice(BUYERS)
        v = rnd.choice(VENDORS)
        scope = rnd.choice(SCOPES)
        cells = [
            f"po-{i:07d}",
            f"20{rnd.randint(18, 24)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            *b,
            "JP",
            *v,
            rnd.choice(CATEGORIES),
            str(rnd.randint(1, 10**8)),
            "JPY",
            scope,
        ]
        for h, c in zip(HEADER, cells, strict=True):
            out[h].append(c or None)
    return out


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {load:.1f}"
    )


def timed(
    command: list[str], env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[bytes], float, float]:
    """The command run, its wall time and its CPU time (user and system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, check=False, env=env)  # noqa: S603 - our own module
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return done, elapsed, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def with_bytecode_cache(
    command: list[str], tmp: Path, output: Path, text: str, rows: int
) -> tuple[bool, str]:
    """The command timed again with a bytecode cache of its own (filled by a run first), as an
    installed package runs: whether it gave the same result file, and the figures."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    subprocess.run(command, check=False, env=env)  # noqa: S603 - our own module
    done, elapsed, cpu = timed(command, env=env)
    same = output.read_text(encoding="utf-8") == text
    first = "modules compiled at start-up" if sys.flags.dont_write_bytecode else "as run"
    line = (
        f"  ({first}); with a bytecode cache: wall time {elapsed:.2f} s, "
        f"{rows / elapsed:,.0f} rows/s; CPU time {cpu:.2f} s, {rows / cpu:,.0f} rows per CPU "
        f"second; result file {'identical' if same else 'DIFFERS'}"
    )
    return done.returncode == 3 and same, line


def in_process(
    ledger: Path, rules_file: Path, tmp: Path
) -> tuple[dict[str, float], dict[str, str]]:
    """The ledger's first rows screened in this process, row by row and in bulk: the times
    and the result files."""
    prefix = tmp / "prefix.csv"
    with ledger.open(encoding="utf-8") as handle:
        prefix.write_text("".join(itertools.islice(handle, COMPARE + 1)), encoding="utf-8")
    rule_set = load_rule_set(rules_file)
    registry = bundled_registry()
    timings = {}
    outputs = {}
    for way in ("row by row", "bulk"):
        out = io.StringIO()
        start = time.perf_counter()
        results = (
            screen(rule_set, BulkRows(prefix, mapping=ColumnMapping()), registry=registry)
            if way == "bulk"
            else screen_ledger(rule_set, prefix, registry=registry)
        )
        write = getattr(results, "write", None)
        if write is not None:
            write(out, format="csv", keep=())
        else:
            write_results(results, out, rule_set=rule_set, format="csv")
        timings[way] = time.perf_counter() - start
        outputs[way] = out.getvalue()
    return timings, outputs


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    column_rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    broken = (rows // 7, rows // 2, rows - 5)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Path(tmp) / "ledger.csv"
        output = Path(tmp) / "results.csv"
        rules_file = Path(tmp) / "rules.toml"
        save_rule_set(rules_100(), rules_file)
        generate(ledger, rows, broken)
        command = [
            sys.executable, "-m", "vendorpolicy", "check", str(rules_file), str(ledger),
            "--registry", "bundled", "--output", str(output), "--quiet", "--fail-on", "never",
        ]  # fmt: skip
        done, elapsed, cpu = timed(command)
        with output.open(encoding="utf-8", newline="") as handle:
            text = handle.read()
        records = list(csv.DictReader(io.StringIO(text, newline="")))
        cached_ok, cached_line = with_bytecode_cache(command, Path(tmp), output, text, rows)
        timings, outputs = in_process(ledger, rules_file, Path(tmp))
    errors = sum(r["status"] == "error" for r in records)
    decisions = sum(r["status"] == "decided" for r in records)
    print(f"check: {rows:,} rows, 100 rules, bundled registry; exit code {done.returncode}; "
          f"{decisions:,} decisions, {errors} error records")  # fmt: skip
    print(f"  wall time {elapsed:.2f} s, {rows / elapsed:,.0f} rows/s (end to end, one process)")
    print(f"  CPU time {cpu:.2f} s, {rows / cpu:,.0f} rows per CPU second (less sensitive to load)")
    print(cached_line)
    ok = ok and done.returncode == 3 and errors == 3 and decisions == rows - 3 and cached_ok

    same = outputs["bulk"] == outputs["row by row"]
    compared = min(COMPARE, rows)
    print(f"in process, first {compared:,} rows: row by row {compared / timings['row by row']:,.0f}"
          f" rows/s, bulk {compared / timings['bulk']:,.0f} rows/s "
          f"({timings['row by row'] / timings['bulk']:.1f}x); result files "
          f"{'identical' if same else 'DIFFER'}")  # fmt: skip
    ok = ok and same

    data = columns(column_rows)
    rule_set = rules_100()
    start, cpu_start = time.perf_counter(), time.process_time()
    result = screen_columns(rule_set, data)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(f"screen_columns: {column_rows:,} rows, 100 rules: {elapsed:.2f} s, "
          f"{column_rows / elapsed:,.0f} rows/s; CPU time {cpu:.2f} s, "
          f"{column_rows / cpu:,.0f} rows per CPU second; {len(result):,} results")  # fmt: skip
    ok = ok and len(result) == column_rows
    print(f"machine: {machine()}")
    print("result as expected" if ok else "UNEXPECTED RESULT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
