"""How long whole-rule-set analysis takes on the bundled packs: `lint`, `reachable`,
`escalations` and a `diff` against a copy with one rule's start moved a day.

Run with ``python benchmarks/bench_analysis.py [--questions lint,diff] [PACK ...]``; it prints
one line per pack (``-`` for a question not asked) and the totals, each figure as wall-clock
seconds and, in brackets, the CPU seconds of the process (on a shared machine the CPU figure
is the steadier of the two). Each pack starts from a cold cache: the first question asked of a
pack builds its space, the others share it.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

import attrs

from vendorpolicy import RuleSet, packs
from vendorpolicy.analysis import diff, escalations, lint, reachable

_LABELS = ("lint", "reachable", "escalations", "diff")


def _moved(rule_set: RuleSet) -> RuleSet:
    rules = list(rule_set.rules)
    for i, rule in enumerate(rules):
        if rule.in_force_from is not None:
            rules[i] = attrs.evolve(rule, in_force_from=rule.in_force_from + dt.timedelta(days=1))
            break
    return attrs.evolve(rule_set, rules=rules)


def main(args: list[str]) -> None:
    asked = set(_LABELS)
    if args[:1] == ["--questions"]:
        asked = set(args[1].split(","))
        args = args[2:]
    names = args
    totals = {label: [0.0, 0.0] for label in _LABELS}
    print(f"{'pack':22} {'rules':>5} " + " ".join(f"{label + ' s (cpu)':>18}" for label in _LABELS))
    for name in names or packs.names():
        rule_set = packs.load(name)
        row = []
        for label, run in (
            ("lint", lambda rs=rule_set: lint(rs)),
            ("reachable", lambda rs=rule_set: reachable(rs)),
            ("escalations", lambda rs=rule_set: escalations(rs)),
            ("diff", lambda rs=rule_set: diff(rs, _moved(rs))),
        ):
            if label not in asked:
                row.append("-")
                continue
            start, cpu = time.perf_counter(), time.process_time()
            run()
            took, used = time.perf_counter() - start, time.process_time() - cpu
            totals[label][0] += took
            totals[label][1] += used
            row.append(f"{took:9.2f} ({used:6.2f})")
        print(f"{name:22} {len(rule_set.rules):5} " + " ".join(f"{x:>18}" for x in row), flush=True)
    print("total: " + ", ".join(f"{k} {v[0]:.1f} s ({v[1]:.1f} cpu)" for k, v in totals.items()))


if __name__ == "__main__":
    main(sys.argv[1:])
