"""What the audit record costs: writing a decision's record, reading it back, replaying it.

Run: .venv/bin/python benchmarks/bench_audit.py [ROUNDS]
Prints, for the bundled example rule set on the bundled samples, decisions per second for
`evaluate` alone, `evaluate` + `to_json(include_purchase=True)`, `Decision.from_json`, and a
replay (read back and decide again), with the mean record size.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable

from vendorpolicy import Decision
from vendorpolicy._audit import replay
from vendorpolicy._samples import sample_purchases, sample_rule_set


def _rate(label: str, count: int, run: Callable[[], object]) -> None:
    start = time.perf_counter()
    run()
    elapsed = time.perf_counter() - start
    print(f"{label}: {count / elapsed:,.0f} decisions/s ({elapsed / count * 1e6:.0f} us each)")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rules = sample_rule_set()
    purchases = sample_purchases() * rounds
    rules.evaluate(purchases[0])  # computes and caches the digest and the compiled form
    count = len(purchases)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}"
    )
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    _rate("evaluate", count, lambda: [rules.evaluate(p) for p in purchases])
    records: list[str] = []
    _rate(
        "evaluate + to_json(include_purchase=True)",
        count,
        lambda: records.extend(rules.evaluate(p).to_json(include_purchase=True) for p in purchases),
    )
    print(f"record size: {sum(len(r) for r in records) / len(records):,.0f} characters on average")
    read: list[Decision] = []
    _rate("Decision.from_json", count, lambda: read.extend(Decision.from_json(r) for r in records))
    _rate("replay (decide again, compare)", count, lambda: list(replay(read, rules)))


if __name__ == "__main__":
    main()
