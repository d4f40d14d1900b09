"""The long agreement profile: the compiled form against the interpreter on many generated cases.

Run: .venv/bin/python scripts/agreement_profile.py [CASES]    (default 100000; not run in CI)

Draws, with Hypothesis and the strategies of ``vendorpolicy.testing``, every bundled pack with
purchases aimed at it (with and without the bundled registry), generated rule sets (every node
kind but custom, cases, exceptions, windows, layers, both combinings) with generated purchases
and purchases aimed at them, and generated registries, each with and without an ``as_of`` date.
Every case is one purchase decided by both, under ``outside_vocabulary`` ``error`` or
``escalate``: the fields the compiled form settles (effect, basis, determining rules,
obligations, missing facts, errors, warnings, matched and unknown rules) are compared before
anything is recomputed, then the whole decision, traces included; or, when the interpreter
raises (a purchase outside the vocabulary), the error's type, message and path. Prints the number of
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
from vendorpolicy.errors import InvalidValueError, VendorPolicyError
from vendorpolicy.testing import (
    DESIGNATION_POOL,
    purchases,
    purchases_for,
    registries,
    rule_sets,
)

CASES = {"count": 0}


def agree(
    rs: RuleSet,
    p: Purchase,
    as_of: dt.date | None,
    registry: Registry | None,
    outside: str = "error",
) -> None:
    arguments: dict[str, Any] = {"as_of": as_of, "registry": registry}
    if outside != "error":
        arguments["outside_vocabulary"] = outside
    try:
        plain: Decision = interpret(rs, p, **arguments)
    except VendorPolicyError as exc:
        expected = (type(exc), str(exc), exc.path)
        try:
            rs.evaluate(p, **arguments)
        except VendorPolicyError as mine:
            got = (type(mine), str(mine), mine.path)
        else:
            got = None
        if got != expected:
            raise AssertionError(f"the compiled form raised {got}, not {expected}") from None
        CASES["count"] += 1
        return
    compiled = rs.evaluate(p, **arguments)
    settled = (
        compiled.effect,
        compiled.basis,
        compiled.determining_keys,
        compiled.obligations,
        compiled.missing_facts,
        compiled.errors,
        compiled.warnings,
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
        plain.warnings,
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
    aimed = purchases_for(rs, registry=BUNDLED) | purchases_for(
        rs, registry=BUNDLED, fit_vocabulary=False
    )
    pool = draw(st.lists(aimed, min_size=2, max_size=10))
    return rs, pool, [None, BUNDLED]


@st.composite
def generated_cases(draw: st.DrawFn) -> Case:
    rs = draw(rule_sets(max_rules=8, max_includes=2, with_vocabularies=draw(st.booleans())))
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
    """A purchase whose every field comes from some purchase of the pool (one of them, should
    the fields not go together)."""
    try:
        return Purchase(**{name: getattr(rnd.choice(pool), name) for name in FIELDS})
    except InvalidValueError:  # acquired after the purchase date
        return rnd.choice(pool)


def profile(strategy: st.SearchStrategy[Case]) -> Any:
    @given(strategy, st.randoms(use_true_random=False))
    def test(case: Case, rnd: random.Random) -> None:
        rs, pool, registry_choices = case
        for p in pool:
            agree(rs, p, None, registry_choices[-1])
        for _ in range(PER_RULE_SET - len(pool)):
            as_of = rnd.choice([None, rnd.choice(DAYS)])
            outside = rnd.choice(["error", "escalate"])
            agree(rs, mix(pool, rnd), as_of, rnd.choice(registry_choices), outside)

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
