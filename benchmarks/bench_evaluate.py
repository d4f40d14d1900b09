"""How fast the plain interpreter decides: the bundled example rule set on the bundled samples.

Run: .venv/bin/python benchmarks/bench_evaluate.py [ROUNDS]
Prints decisions per second and microseconds per decision (with full traces).
"""

from __future__ import annotations

import os
import platform
import sys
import time

from vendorpolicy._samples import sample_purchases, sample_rule_set


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rules = sample_rule_set()
    purchases = sample_purchases()
    rules.evaluate(purchases[0])  # computes and caches the digest
    start = time.perf_counter()
    for _ in range(rounds):
        for purchase in purchases:
            rules.evaluate(purchase)
    elapsed = time.perf_counter() - start
    count = rounds * len(purchases)
    cpus = os.cpu_count()
    print(f"machine: {platform.machine()}, {cpus} cpus, python {platform.python_version()}")
    print(f"decisions: {count} in {elapsed:.2f} s")
    print(f"rate: {count / elapsed:,.0f} decisions/s ({elapsed / count * 1e6:.1f} us each)")


if __name__ == "__main__":
    main()
