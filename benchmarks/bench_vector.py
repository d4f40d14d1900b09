"""The vectorised columnar path: `extra.arrow.screen_table` and `decision_table` on a generated
ledger as an Arrow table, against `screen_columns` (the row path) on the same rows.

Run: python benchmarks/bench_vector.py [ROWS] [--no-registry]

The rows (1,000,000 by default) and the 100-rule set are those of ``bench_bulk.py`` (vendors,
buyers, categories and a fact drawn from small pools; each row its own id, amount and date).
The table is screened twice: with text columns, and with the repeating columns
dictionary-encoded, as a Parquet file or a categorical frame holds them (id, amount and date
stay text). Each figure is wall time and CPU time of one call in this process, excluding
building the table, including compiling the rule set (each call gets a rule set of its own,
so that none profits from what another's compiled form learnt); the results are checked to be
those of `screen_columns`, entry by entry. Then (unless ``--no-registry``) the dictionary
table again with the bundled registry, against `screen_columns` with it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pyarrow as pa
from bench_bulk import columns, machine, rules_100

from vendorpolicy import bundled_registry, screen_columns
from vendorpolicy._columns import ColumnScreener
from vendorpolicy.extra import _vector
from vendorpolicy.extra.arrow import decision_table, screen_table

_PER_ROW = ("id", "value", "date")


def timed(label: str, rows: int, call: object) -> object:
    start, cpu_start = time.perf_counter(), time.process_time()
    result = call()  # type: ignore[operator]
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(
        f"  {label}: {wall:.2f} s wall, {rows / wall:,.0f} rows/s; "
        f"CPU {cpu:.2f} s, {rows / cpu:,.0f} rows per CPU second"
    )
    return result


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rows = int(args[0]) if args else 1_000_000
    data = columns(rows)
    rule_set = rules_100()
    text = pa.table(data)
    dictionary = pa.table(
        {
            name: text.column(name) if name in _PER_ROW else text.column(name).dictionary_encode()
            for name in text.column_names
        }
    )
    print(f"{rows:,} generated rows, 100 rules, no registry")
    fresh = rules_100()
    expected = timed("screen_columns (row path)", rows, lambda: screen_columns(fresh, data))
    ok = True
    for label, table in (("text columns", text), ("dictionary columns", dictionary)):
        print(f"{label}:")
        one, two = rules_100(), rules_100()
        got = timed("screen_table", rows, lambda t=table, r=one: screen_table(r, t))
        arrow = timed("decision_table", rows, lambda t=table, r=two: decision_table(r, t))
        same = got == expected and arrow.num_rows == rows  # type: ignore[attr-defined]
        ok = ok and same
        print(f"  entries {'identical to' if same else 'DIFFER from'} screen_columns")
    screener = ColumnScreener(rule_set, list(text.column_names))
    found = _vector.decide(screener, dictionary)
    assert found is not None
    print(f"distinct keys decided by the row path: {len(found.distinct):,}")
    if "--no-registry" not in sys.argv:
        registry = bundled_registry()
        print("dictionary columns, with the bundled registry:")
        fresh = rules_100()
        expected = timed(
            "screen_columns (row path)",
            rows,
            lambda: screen_columns(fresh, data, registry=registry),
        )
        one = rules_100()
        got = timed("screen_table", rows, lambda: screen_table(one, dictionary, registry=registry))
        same = got == expected
        ok = ok and same
        print(f"  entries {'identical to' if same else 'DIFFER from'} screen_columns")
        screener = ColumnScreener(rule_set, list(text.column_names), registry=registry)
        found = _vector.decide(screener, dictionary)
        assert found is not None
        print(f"  distinct keys decided by the row path: {len(found.distinct):,}")
    print(f"machine: {machine()}")
    print("result as expected" if ok else "UNEXPECTED RESULT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
