"""How long whole-rule-set analysis takes on the bundled packs: `lint`, `reachable`,
`escalations` and a `diff` against a copy with one rule's start moved a day.

Run with ``python benchmarks/bench_analysis.py``; it prints one line per pack and the totals.
"""

from __future__ import annotations

import datetime as dt
import time

import attrs

from vendorpolicy import RuleSet, packs
from vendorpolicy.analysis import diff, escalations, lint, reachable


def _moved(rule_set: RuleSet) -> RuleSet:
    rules = list(rule_set.rules)
    for i, rule in enumerate(rules):
        if rule.in_force_from is not None:
            rules[i] = attrs.evolve(rule, in_force_from=rule.in_force_from + dt.timedelta(days=1))
            break
    return attrs.evolve(rule_set, rules=rules)


def main() -> None:
    totals = {"lint": 0.0, "reachable": 0.0, "escalations": 0.0, "diff": 0.0}
    print(f"{'pack':24} {'rules':>5} {'lint s':>8} {'reach s':>8} {'escal s':>8} {'diff s':>8}")
    for name in packs.names():
        rule_set = packs.load(name)
        row = []
        for label, run in (
            ("lint", lambda rs=rule_set: lint(rs)),
            ("reachable", lambda rs=rule_set: reachable(rs)),
            ("escalations", lambda rs=rule_set: escalations(rs)),
            ("diff", lambda rs=rule_set: diff(rs, _moved(rs))),
        ):
            start = time.perf_counter()
            run()
            took = time.perf_counter() - start
            totals[label] += took
            row.append(took)
        print(f"{name:24} {len(rule_set.rules):5} " + " ".join(f"{t:8.2f}" for t in row))
    print("total: " + ", ".join(f"{k} {v:.1f} s" for k, v in totals.items()))


if __name__ == "__main__":
    main()
