"""Screening at scale: rows per second through DuckDB (the compiled SQL) and through frames.

Run: python benchmarks/bench_sql.py [--rows N] [--frame-rows N] [--scaling]
     python benchmarks/bench_sql.py --rows 10000000   # the issue's 10,000,000-row figure

A Parquet ledger of ``--rows`` purchases (default 1,000,000) is generated inside DuckDB, in the
columns of ``docs/scale.md``; the 100-rule set is ``bench_bulk.rules_100`` (origins, categories,
values, sectors, dates, an exception fact, windows). Timed:

- ``duckdb``: ``vendorpolicy.extra.duckdb.screen`` on the Parquet file, every decision column
  written to a Parquet result file (``COPY ... TO``), so that nothing is pruned;
- ``duckdb (effect only)``: the count of rows by effect, which lets DuckDB skip the
  ``determining`` and ``missing_facts`` lists;
- ``frames``: ``vendorpolicy.extra.frames.screen`` on a polars frame of the first
  ``--frame-rows`` rows (default 200,000), as text cells, through Arrow.

Every run checks a sample of rows against the interpreter (``RuleSet.evaluate``) and says how
many disagree (it must be 0). ``--scaling`` adds the figures for 10 and 100 rules at several
row counts. ``--floor`` adds what bounds any query on this machine: DuckDB copying the same
Parquet file with no rules at all, as it is and with constant decision columns added.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import duckdb
import polars as pl
from bench_bulk import rules_100

from vendorpolicy import Buyer, Money, Purchase, RuleSet, Vendor
from vendorpolicy.extra import duckdb as vd
from vendorpolicy.extra import frames

#: The sample of rows checked against the interpreter.
SAMPLE = 2_000

_GENERATE = """
COPY (
  SELECT
    'po-' || lpad(CAST(i AS VARCHAR), 8, '0') AS "id",
    DATE '2018-01-01' + CAST(pick(i, 1, 2500) AS INTEGER) AS "date",
    ['mic', 'mod', 'city-a', 'carrier-a', 'shop'][1 + pick(i, 2, 5)] AS "buyer_id",
    pick(i, 2, 5) < 3 AS "buyer_public",
    ['central-government', 'defence', 'local-government', 'carrier', 'retail'][1 + pick(i, 2, 5)]
      AS "buyer_sector",
    'JP' AS "buyer_country",
    ['huawei', 'zte', 'nec', 'fujitsu', 'lenovo', 'cisco'][1 + pick(i, 3, 6)] AS "vendor_id",
    ['CN', 'CN', 'JP', 'JP', 'HK', 'US'][1 + pick(i, 3, 6)] AS "vendor_country",
    CASE WHEN pick(i, 3, 6) < 2 THEN ['supply-chain-concern'] ELSE []::VARCHAR[] END
      AS "vendor_designations",
    ['telecom/network/router', 'telecom/radio', 'it/server', 'it/endpoint', 'office']
      [1 + pick(i, 4, 5)] AS "category",
    CAST(1 + pick(i, 5, 100000000) AS DECIMAL(38, 10)) AS "value",
    'JPY' AS "currency",
    [NULL, 'general', 'confidential', 'core-infrastructure'][1 + pick(i, 6, 4)]
      AS "facts.system-scope"
  FROM range(?) AS t(i)
) TO '{path}' (FORMAT parquet)
"""


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs (2-core shared VM), Python "
        f"{platform.python_version()}, DuckDB {duckdb.__version__}, load average {load:.1f}"
    )


def generate(path: Path, rows: int) -> None:
    con = duckdb.connect()
    con.execute("CREATE MACRO pick(i, k, n) AS CAST(hash(i, k) % n AS BIGINT)")
    con.execute(_GENERATE.format(path=str(path).replace("'", "''")), [rows])


def rules_10() -> RuleSet:
    full = rules_100()
    return RuleSet(id="bulk-10", version="1", rules=full.rules[:10])


#: CPU seconds (this process, DuckDB's threads included) of the last ``time_duckdb`` call:
#: every column, and counting by effect.
CPU = [0.0, 0.0]


def time_duckdb(path: Path, rules: RuleSet, out: Path) -> tuple[float, float]:
    """Seconds to screen ``path`` writing every column, and counting effects only (their CPU
    seconds in ``CPU``)."""
    con = duckdb.connect()
    start, cpu = time.perf_counter(), time.process_time()
    vd.screen(path, rules, connection=con).write_parquet(str(out))
    full = time.perf_counter() - start
    CPU[0] = time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    vd.screen(path, rules, connection=con).aggregate("effect, count(*)").fetchall()
    counted = time.perf_counter() - start
    CPU[1] = time.process_time() - cpu
    return full, counted


#: The decision columns with constant values, for the floor (no rules at all).
_CONSTANTS = (
    "'decided' AS status, 'allow' AS effect, 'default' AS basis, []::VARCHAR[] AS determining, "
    "[]::VARCHAR[] AS obligations, []::VARCHAR[] AS missing_facts, []::VARCHAR[] AS warnings, "
    "NULL::VARCHAR AS error"
)


def time_floor(path: Path, out: Path) -> tuple[float, float]:
    """Seconds for DuckDB to copy ``path`` to Parquet as it is, and with constant decision
    columns: no query over the same rows can write its result faster (CPU seconds in
    ``CPU``)."""
    con = duckdb.connect()
    start, cpu = time.perf_counter(), time.process_time()
    con.read_parquet(str(path)).write_parquet(str(out))
    plain = time.perf_counter() - start
    CPU[0] = time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    con.read_parquet(str(path)).project("*, " + _CONSTANTS).write_parquet(str(out))
    CPU[1] = time.process_time() - cpu
    return plain, time.perf_counter() - start


def _purchase(row: dict) -> Purchase:
    facts = {}
    if row["facts.system-scope"] is not None:
        facts["system-scope"] = row["facts.system-scope"]
    return Purchase(
        id=row["id"],
        buyer=Buyer(
            id=row["buyer_id"],
            public=row["buyer_public"],
            sector=row["buyer_sector"],
            country=row["buyer_country"],
        ),
        vendor=Vendor(
            id=row["vendor_id"],
            country=row["vendor_country"],
            designations=row["vendor_designations"],
        ),
        category=row["category"],
        date=row["date"],
        value=Money(amount=Decimal(row["value"]), currency=row["currency"]),
        facts=facts,
    )


def check_sample(result: Path, rules: RuleSet) -> int:
    """How many of the first ``SAMPLE`` result rows disagree with the interpreter."""
    con = duckdb.connect()
    rel = con.read_parquet(str(result)).limit(SAMPLE)
    names = rel.columns
    wrong = 0
    for values in rel.fetchall():
        row = dict(zip(names, values, strict=True))
        want = rules.evaluate(_purchase(row))
        got = (row["effect"], row["basis"], tuple(row["determining"]))
        if got != (want.effect.value, want.basis.value, want.determining_keys):
            wrong += 1
    return wrong


def time_frames(path: Path, rules: RuleSet, rows: int) -> float:
    con = duckdb.connect()
    rel = con.read_parquet(str(path)).limit(rows)
    text = rel.project(
        ", ".join(
            f'array_to_string("{c}", \';\') AS "{c}"'
            if c == "vendor_designations"
            else f'CAST("{c}" AS VARCHAR) AS "{c}"'
            for c in rel.columns
        )
    )
    frame = pl.from_arrow(text.to_arrow_table())
    start = time.perf_counter()
    frames.screen(frame, rules)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--frame-rows", type=int, default=200_000)
    parser.add_argument("--scaling", action="store_true")
    parser.add_argument("--floor", action="store_true")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"date: {dt.date.today().isoformat()}")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        ledger, result = Path(tmp) / "ledger.parquet", Path(tmp) / "result.parquet"
        start = time.perf_counter()
        generate(ledger, args.rows)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - start:.1f} s")
        rules = rules_100()
        full, counted = time_duckdb(ledger, rules, result)
        wrong = check_sample(result, rules)
        ok = ok and wrong == 0
        print(
            f"duckdb, 100 rules, {args.rows:,} rows: {args.rows / full:,.0f} rows/s "
            f"({full:.2f} s, {CPU[0]:.2f} s CPU, every decision column to Parquet); effect only: "
            f"{args.rows / counted:,.0f} rows/s ({counted:.2f} s, {CPU[1]:.2f} s CPU); "
            f"{wrong} of {SAMPLE:,} sampled rows differ from the interpreter"
        )
        if args.floor:
            plain, constants = time_floor(ledger, Path(tmp) / "floor.parquet")
            print(
                f"floor, no rules, {args.rows:,} rows: {args.rows / plain:,.0f} rows/s copying "
                f"the ledger to Parquet ({plain:.2f} s, {CPU[0]:.2f} s CPU); "
                f"{args.rows / constants:,.0f} rows/s with constant decision columns "
                f"({constants:.2f} s, {CPU[1]:.2f} s CPU)"
            )
        frame_rows = min(args.frame_rows, args.rows)
        seconds = time_frames(ledger, rules, frame_rows)
        print(
            f"frames (polars), 100 rules, {frame_rows:,} rows: "
            f"{frame_rows / seconds:,.0f} rows/s ({seconds:.2f} s)"
        )
        if args.scaling:
            for count in (100_000, 1_000_000):
                if count > args.rows:
                    continue
                small = Path(tmp) / f"ledger-{count}.parquet"
                generate(small, count)
                for name, rule_set in (("10", rules_10()), ("100", rules)):
                    full, counted = time_duckdb(small, rule_set, result)
                    print(
                        f"  duckdb, {name} rules, {count:,} rows: {count / full:,.0f} rows/s "
                        f"(effect only {count / counted:,.0f} rows/s)"
                    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
