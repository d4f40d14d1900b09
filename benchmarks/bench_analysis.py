"""How long whole-rule-set analysis takes on the bundled packs: `lint`, `reachable`,
`escalations` and a `diff` against a copy with one rule's start moved a day.

Run with ``python benchmarks/bench_analysis.py [--questions lint,diff] [--generated N] [PACK
...]``; it prints one line per pack (``-`` for a question not asked) and the totals, each
figure as wall-clock seconds and, in brackets, the CPU seconds of the process (on a shared
machine the CPU figure is the steadier of the two). Each pack starts from a cold cache: the
first question asked of a pack builds its space, the others share it. ``--generated N`` adds
a line for a rule set of ``N`` rules made of the bundled packs' rules over their merged
vocabulary (the packs in turn, then copies of them with every date a year later, and so on:
see :func:`generated`), and ``--generated N`` with no pack names asks of that set alone.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from typing import Any

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


def _later(value: Any, years: int) -> Any:
    """``value`` (a rule, a condition or a part of one) with every date ``years`` later."""
    if isinstance(value, dt.date):
        try:
            return value.replace(year=value.year + years)
        except ValueError:  # 29 February
            return value.replace(year=value.year + years, day=28)
    if isinstance(value, (tuple, list)):
        return type(value)(_later(v, years) for v in value)
    if isinstance(value, frozenset):
        return frozenset(_later(v, years) for v in value)
    if attrs.has(type(value)):
        changes = {}
        for f in attrs.fields(type(value)):
            if f.init:
                old = getattr(value, f.name)
                new = _later(old, years)
                if new != old:
                    changes[f.alias] = new
        return attrs.evolve(value, **changes) if changes else value
    return value


def generated(n: int) -> RuleSet:
    """``n`` rules of the kinds real packs hold: every bundled pack's rules in turn (ids
    prefixed by the pack's), then copies of them with every date a year later (ids ending
    ``.y1``), two years later, and so on; over the packs' vocabularies merged, most-severe."""
    sets = [packs.load(name) for name in packs.names()]
    rules = []
    copy = 0
    while len(rules) < n:
        for rs in sets:
            for rule in rs.rules:
                if len(rules) < n:
                    moved = _later(rule, copy) if copy else rule
                    tail = f".y{copy}" if copy else ""
                    rules.append(attrs.evolve(moved, id=f"{rs.id}.{rule.id}{tail}"))
        copy += 1
    vocabularies = [rs.vocabulary for rs in sets if rs.vocabulary is not None]
    vocabulary = vocabularies[0].merge(*vocabularies[1:]) if vocabularies else None
    return RuleSet(id=f"generated-{n}", version="1", rules=rules, vocabulary=vocabulary)


def main(args: list[str]) -> None:
    asked = set(_LABELS)
    size = 0
    while args[:1] in (["--questions"], ["--generated"]):
        if args[0] == "--questions":
            asked = set(args[1].split(","))
        else:
            size = int(args[1])
        args = args[2:]
    names = args
    totals = {label: [0.0, 0.0] for label in _LABELS}
    print(f"{'pack':22} {'rules':>5} " + " ".join(f"{label + ' s (cpu)':>18}" for label in _LABELS))
    chosen: list[tuple[str, RuleSet]] = [
        (name, packs.load(name)) for name in (names or ([] if size else packs.names()))
    ]
    if size:
        chosen.append((f"generated {size}", generated(size)))
    for name, rule_set in chosen:
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
