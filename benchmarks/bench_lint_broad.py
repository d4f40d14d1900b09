"""What the ``broad-escalation`` check adds to ``lint`` on the bundled packs: lint's time with
the check and without it (best of three runs each), and their ratio.

Run with ``python benchmarks/bench_lint_broad.py [PACK ...]`` (default: every pack; the
Covered List pack takes minutes today); it prints one line per pack.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from vendorpolicy import packs
from vendorpolicy.analysis import _lint, lint


def _best(run: Callable[[], object], times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main(names: list[str]) -> None:
    scope = _lint._scope_dims
    print(f"{'pack':24} {'without s':>10} {'with s':>8} {'ratio':>6} {'broad':>6}")
    for name in names or list(packs.names()):
        rule_set = packs.load(name)
        _lint._scope_dims = lambda _a, _r: []  # type: ignore[assignment] - the check off
        try:
            without = _best(lambda rs=rule_set: lint(rs))
        finally:
            _lint._scope_dims = scope
        with_check = _best(lambda rs=rule_set: lint(rs))
        broad = sum(1 for f in lint(rule_set) if f.code == "broad-escalation")
        print(f"{name:24} {without:10.2f} {with_check:8.2f} {with_check / without:6.2f} {broad:6}")


if __name__ == "__main__":
    main(sys.argv[1:])
