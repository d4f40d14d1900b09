"""The long agreement profile: the compiled form against the interpreter on many generated cases.

Run: .venv/bin/python scripts/agreement_profile.py [CASES]    (default 100000; not run in CI)

Draws, with Hypothesis and the strategies of ``vendorpolicy.testing``, every bundled pack with
purchases aimed at it (with and without the bundled registry), generated rule sets (every node
kind but custom, cases, exceptions, windows, layers, both combinings) with generated purchases
and purchases aimed at them, and generated registries, each with and without an ``as_of`` date.
Every case is one purchase decided by both: the fields the compiled form settles (effect, basis,
determining rules, obligations, missing facts, errors, matched and unknown rules) are compared
before anything is recomputed, then the whole decision, traces included. Prints the number of
cases and of disagreements (any disagreement is shrunk by Hypothesis, printed, and makes the exit
status 1).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import sys
import time
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vendorpolicy import Decision, Purchase, Registry, RuleSet, bundled_registry, packs
from vendorpolicy._engine import interpret
from vendorpolicy.testing import (
    DESIGNATION_POOL,
    purchases,
    purchases_for,
    registries,
    rule_sets,
)

CASES = {"count": 0}


def agree(rs: RuleSet, p: Purchase, as_of: dt.date | None, registry: Registry | None) -> None:
    compiled = rs.evaluate(p, as_of=as_of, registry=registry)
    plain: Decision = interpret(rs, p, as_of=as_of, registry=registry)
    settled = (
        compiled.effect,
        compiled.basis,
        compiled.determining_keys,
        compiled.obligations,
        compiled.missing_facts,
        compiled.errors,
        [r.key for r in compiled.matched],
        [r.key for r in compiled.unknown],
    )
    expected = (
        plain.effect,
        plain.basis,
        plain.determining_keys,
        plain.obligations,
        plain.missing_facts,
        plain.errors,
        [r.key for r in plain.matched],
        [r.key for r in plain.unknown],
    )
    assert settled == expected, (settled, expected)
    assert compiled == plain
    CASES["count"] += 1


def run(test: Any, examples: int) -> None:
    settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )(test)()


BUNDLED = bundled_registry()
#: Cases per drawn rule set: purchases recombined from a drawn pool (drawing each purchase
#: afresh would spend most of the time in Hypothesis).
PER_RULE_SET = 40
Case = tuple[RuleSet, list[Purchase], list[Registry | None]]


@st.composite
def pack_cases(draw: st.DrawFn) -> Case:
    rs = packs.load(draw(st.sampled_from(packs.names())))
    pool = draw(st.lists(purchases_for(rs, registry=BUNDLED), min_size=2, max_size=10))
    return rs, pool, [None, BUNDLED]


@st.composite
def generated_cases(draw: st.DrawFn) -> Case:
    rs = draw(rule_sets(max_rules=8, max_includes=2))
    pool = draw(st.lists(purchases_for(rs), min_size=2, max_size=6))
    pool += draw(st.lists(purchases(), min_size=1, max_size=4))
    return rs, pool, [None]


@st.composite
def registry_cases(draw: st.DrawFn) -> Case:
    registry = draw(registries(designations=DESIGNATION_POOL))
    rs = draw(rule_sets(max_rules=6, max_includes=1))
    pool = draw(st.lists(purchases_for(rs, registry=registry), min_size=2, max_size=10))
    return rs, pool, [None, registry]


FIELDS = [a.name for a in attrs.fields(Purchase)]
DAYS = [dt.date(2016, 1, 1) + dt.timedelta(days=7 * k) for k in range(52 * 12)]


def mix(pool: list[Purchase], rnd: random.Random) -> Purchase:
    """A purchase whose every field comes from some purchase of the pool."""
    return Purchase(**{name: getattr(rnd.choice(pool), name) for name in FIELDS})


def profile(strategy: st.SearchStrategy[Case]) -> Any:
    @given(strategy, st.randoms(use_true_random=False))
    def test(case: Case, rnd: random.Random) -> None:
        rs, pool, registry_choices = case
        for p in pool:
            agree(rs, p, None, registry_choices[-1])
        for _ in range(PER_RULE_SET - len(pool)):
            as_of = rnd.choice([None, rnd.choice(DAYS)])
            agree(rs, mix(pool, rnd), as_of, rnd.choice(registry_choices))

    return test


def main() -> int:
    target = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cpus, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )
    start = time.perf_counter()
    # Each example holds PER_RULE_SET cases; the share of each kind is fixed.
    per_kind = {"packs": 0.4, "generated rule sets": 0.4, "registries": 0.2}
    strategies = {
        "packs": pack_cases(),
        "generated rule sets": generated_cases(),
        "registries": registry_cases(),
    }
    for kind, share in per_kind.items():
        before = CASES["count"]
        goal = before + int(target * share)
        while CASES["count"] < goal:
            left = goal - CASES["count"]
            run(profile(strategies[kind]), max(1, left // PER_RULE_SET))
        print(f"{kind}: {CASES['count'] - before:,} cases agree")
    elapsed = time.perf_counter() - start
    print(f"all: {CASES['count']:,} cases, 0 disagreements, in {elapsed:,.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
