"""How long analysis over a registry takes on the bundled packs, against the bundled registry:
`lint` and `reachable` with `registry=`, beside `lint` without one, and a one-day `diff` over
the registry (the first rule with a start moved a day later).

Run with ``python benchmarks/bench_analysis_registry.py [--no-diff] [--as-of=YYYY-MM-DD]
[PACK ...]``; it prints one line per pack with the CPU seconds of each question (on a shared
machine the CPU figure is the steadier one) and the findings lint reports over the registry.
With ``--as-of``, every question is asked on that decision date. Each question starts from
cold caches.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from bench_analysis import _moved

from vendorpolicy import bundled_registry, packs
from vendorpolicy.analysis import _questions, diff, lint, reachable


def _cpu(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    _questions._kept.clear()  # a cold start for each question
    start = time.process_time()
    out = fn(*args, **kwargs)
    return time.process_time() - start, out


def main(args: list[str]) -> None:
    with_diff = "--no-diff" not in args
    dates = [dt.date.fromisoformat(a.split("=", 1)[1]) for a in args if a.startswith("--as-of=")]
    on = {"as_of": dates[-1]} if dates else {}
    names = [a for a in args if not a.startswith("--")] or list(packs.names())
    registry = bundled_registry()
    when = f" on {dates[-1].isoformat()}" if dates else ""
    print(f"registry `{registry.id}`: {len(registry.entities)} entities{when}; CPU seconds")
    print(f"{'pack':<22}{'lint':>8}{'lint+reg':>10}{'reach+reg':>11}{'diff+reg':>10}  findings")
    for name in names:
        rules = packs.load(name)
        plain, _ = _cpu(lint, rules, **on)
        over, found = _cpu(lint, rules, registry=registry, **on)
        reach, _ = _cpu(reachable, rules, registry=registry, **on)
        shown = "-"
        if with_diff:
            moved = _moved(rules)
            seconds, _ = _cpu(diff, rules, moved, registry=registry, **on)
            shown = f"{seconds:.2f}"
        codes = ", ".join(f"{f.rule} [{f.code}]" for f in found) or "none"
        print(f"{name:<22}{plain:>8.2f}{over:>10.2f}{reach:>11.2f}{shown:>10}  {codes}")


if __name__ == "__main__":
    main(sys.argv[1:])
