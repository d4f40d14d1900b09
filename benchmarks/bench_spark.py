"""Spark local mode: `vendorpolicy.extra.spark.screen` on a generated Parquet ledger with a
100-rule set, rows/s as the rows grow, beside what the same job costs without deciding.

Run: python benchmarks/bench_spark.py [ROWS ...]   (default: 100000 400000)

For each size, the ledger (the columns of ``bench_bulk.py``: buyers, vendors, categories,
amounts, dates, a fact) is written once as Parquet and read back by Spark (``local[2]``). Four
jobs run over it, each forced to the end with the ``noop`` writer (every row computed, nothing
collected):

- ``scan``: reading the file only;
- ``arrow passthrough``: the same ``mapInArrow`` round trip to the Python workers, returning
  each batch unchanged: the floor of any Python-side engine;
- ``screen``: ``vendorpolicy.extra.spark.screen`` with the 100-rule set;
- ``native CASE``: a Spark SQL ``CASE`` of 100 ``WHEN``s over the same columns (origin, category
  prefix, amount, sector, date), evaluated by Catalyst: an upper bound for compiling rules to
  Spark SQL (it has no unknowns, missing facts, registry, vocabulary or row errors).

``screen_columns`` on the same rows in this process is shown for reference. The decision
columns of the first 2,000 rows are checked against ``screen_columns``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import pyarrow as pa
import pyarrow.parquet as pq
from bench_bulk import columns, machine, rules_100
from pyspark.sql import SparkSession
from pyspark.sql import functions as F  # noqa: N812

from vendorpolicy import screen_columns
from vendorpolicy._predicates import (
    AllOf,
    BuyerSector,
    CategoryWithin,
    DateOnOrAfter,
    ValueAtLeast,
    VendorOrigin,
)
from vendorpolicy.extra.spark import screen

CHECKED = 2_000


def _passthrough(batches: Iterator[Any]) -> Iterator[Any]:
    yield from batches


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def native_case(rule_set: Any) -> str:
    """The rules' conditions as one Spark SQL CASE (first rule in the set order wins)."""
    whens = []
    for rule in rule_set.rules:
        parts = []
        for node in rule.when.operands if isinstance(rule.when, AllOf) else (rule.when,):
            if isinstance(node, VendorOrigin):
                parts.append(
                    f"vendor_country IN ({', '.join(map(_quote, sorted(node.countries)))})"
                )
            elif isinstance(node, CategoryWithin):
                paths = sorted(c.path for c in node.categories)
                parts.append(
                    "("
                    + " OR ".join(f"category = {_quote(p)} OR category LIKE {_quote(p + '/%')}"
                                  for p in paths)
                    + ")"
                )  # fmt: skip
            elif isinstance(node, ValueAtLeast):
                parts.append(f"CAST(value AS DECIMAL(20,2)) >= {node.amount.amount}")
            elif isinstance(node, BuyerSector):
                sectors = ", ".join(sorted(_quote(s.value) for s in node.sectors))
                parts.append(f"buyer_sector IN ({sectors})")
            elif isinstance(node, DateOnOrAfter):
                parts.append(f"to_date(date) >= DATE {_quote(node.date.isoformat())}")
        whens.append(f"WHEN {' AND '.join(parts) or 'TRUE'} THEN {_quote(rule.effect.value)}")
    return "CASE " + " ".join(whens) + " ELSE 'allow' END"


def timed(job: Any) -> float:
    start = time.perf_counter()
    job.write.format("noop").mode("overwrite").save()
    return time.perf_counter() - start


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 400_000]
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("vendorpolicy-bench")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    rule_set = rules_100()
    ok = True
    print(f"rule set: {len(rule_set.rules)} rules; Spark {spark.version}, local[2]")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            data = columns(rows)
            path = str(Path(tmp) / f"ledger-{rows}.parquet")
            pq.write_table(pa.table(data), path)
            df = spark.read.parquet(path)
            plain = df.toDF(*(f"_{i}" for i in range(len(df.columns))))  # no dots in names
            # Warm up the workers (and the broadcast) on a small slice, as a long job would be.
            timed(screen(df.limit(1000), rule_set))
            times = {
                "scan": timed(df),
                "arrow passthrough": timed(plain.mapInArrow(_passthrough, plain.schema)),
                "screen": timed(screen(df, rule_set)),
                "native CASE": timed(df.withColumn("effect", F.expr(native_case(rule_set)))),
            }
            start = time.perf_counter()
            local = screen_columns(rule_set, data)
            times["screen_columns (in process)"] = time.perf_counter() - start
            print(f"{rows:,} rows:")
            for name, seconds in times.items():
                print(f"  {name:<28} {seconds:7.2f} s  {rows / seconds:>12,.0f} rows/s")
            got = (
                screen(spark.read.parquet(path).limit(CHECKED), rule_set)
                .select("id", "effect", "determining")
                .collect()
            )
            by_id = {r["id"]: (r["effect"], list(r["determining"])) for r in got}
            want = {
                data["id"][i]: (local.effect[i], list(local.determining[i]))
                for i in range(min(CHECKED, rows))
            }
            same = by_id == want
            print(f"  first {len(want):,} rows agree with screen_columns: {same}")
            ok = ok and same
    spark.stop()
    print(f"machine: {machine()}")
    print("result as expected" if ok else "UNEXPECTED RESULT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
