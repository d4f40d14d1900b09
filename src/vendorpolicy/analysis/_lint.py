"""Lint: findings about single rules and pairs of rules, each checked exactly over the space.

* ``never-holds`` (error): the rule's condition is true of no purchase.
* ``never-applies`` (error): the condition can hold, but never with the rule in force and its
  exception not holding.
* ``always-holds`` (warning): the condition (other than a plain ``ALWAYS``) is true of every
  purchase, so it restricts nothing.
* ``unless-never`` (warning): the exception holds on no purchase on which the condition holds.
* ``shadowed`` (warning): removing the rule changes no decision, under the set's combining
  strategy: not its effect, nor whether it is escalated (a rule that makes certain what would
  otherwise be escalated for want of a fact is not shadowed).
* ``conflict`` (warning under first-match, where rule order decides; under most-severe, where
  the most severe effect is meant to win, an ``info`` given only when asked for): two rules with
  different effects both apply to a purchase, the witness.

Every finding that claims a purchase exists carries it, decided again by the interpreter;
every finding that claims none exists is exact over the space (see :func:`assumptions`).
"""

from __future__ import annotations

import enum
from typing import Any

import attrs
from attrs import frozen

from vendorpolicy._engine import interpret
from vendorpolicy._predicates import Always, Predicate
from vendorpolicy._rules import Combining, Rule, RuleSet
from vendorpolicy._trace import trace_purchase
from vendorpolicy.analysis._questions import Witness, _Analysis, _analysis, _differences
from vendorpolicy.analysis._search import SINGLE, F, MaskOf, N, T, _Rule
from vendorpolicy.analysis._space import assume_custom

__all__ = ["Finding", "Severity", "lint"]


class Severity(enum.Enum):
    """How serious a finding is: ``error`` makes ``vendorpolicy lint`` fail."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __repr__(self) -> str:
        return f"Severity.{self.name}"


@frozen(kw_only=True)
class Finding:
    """One lint finding: ``code`` names the check, ``rule`` (and ``other``, for a pair) the
    rules, ``witness`` a purchase that shows it (``None`` for a claim that none exists)."""

    code: str
    severity: Severity
    rule: str
    message: str
    other: str | None = None
    witness: Witness | None = None

    def __str__(self) -> str:
        return f"{self.severity.value}: {self.rule}: {self.message} [{self.code}]"


def _find(a: _Analysis, fn: object, atoms: frozenset[int], goal: int) -> list[int] | None:
    """A region on which the predicate function ``fn`` is exactly ``goal``, or ``None``."""
    found: list[list[int]] = []

    def judge(region: list[int], m: MaskOf) -> set[int] | bool:
        v = fn(m)  # type: ignore[operator]
        if not v & goal:
            return True
        if not v & ~goal:
            found.append(region)
            return False
        return {x for x in atoms if m(x) not in SINGLE}

    a.search.run(judge)
    return found[0] if found else None


def _both(a: _Analysis, r1: _Rule, r2: _Rule) -> list[int] | None:
    found: list[list[int]] = []
    atoms = r1.applies_atoms | r2.applies_atoms

    def judge(region: list[int], m: MaskOf) -> set[int] | bool:
        x, y = r1.applies(m), r2.applies(m)
        if not (x & T and y & T):
            return True
        if x == T and y == T:
            found.append(region)
            return False
        return {i for i in atoms if m(i) not in SINGLE}

    a.search.run(judge)
    return found[0] if found else None


def _witness_check(
    a: _Analysis, rule_set: RuleSet, witness: Witness, node: Predicate, want: bool
) -> None:
    assumed = dict(witness.assumed)
    probe = assume_custom(
        RuleSet(id="probe", version="1", rules=[Rule(id="p", when=node, effect="deny")]), assumed
    )
    value = trace_purchase(probe.rules[0].when, witness.purchase).value
    if value is not want:
        raise AssertionError(f"analysis bug: lint witness gives {value}, not {want}")
    _ = a, rule_set


def lint(rule_set: RuleSet, *, overlaps: bool = False) -> tuple[Finding, ...]:
    """Findings about the rules of ``rule_set`` (its own, not those of the sets it includes),
    errors first. Overlapping rules with different effects are reported under first-match,
    where their order decides; under most-severe, where the most severe effect is meant to
    win, only with ``overlaps=True`` (as ``info``)."""
    a = _analysis([rule_set])
    compiled = a.compiled
    top = a.deciders[0].layers[0]
    findings: list[Finding] = []
    live: list[_Rule] = []
    for r in top.rules:
        rule = r.rule
        when, when_atoms = compiled.compile(rule.when)
        holds = _find(a, when, when_atoms, T)
        if holds is None:
            findings.append(
                Finding(
                    code="never-holds",
                    severity=Severity.ERROR,
                    rule=rule.id,
                    message="its condition holds on no purchase: the rule never applies",
                )
            )
            continue
        witness, _ = a.witness(holds)
        _witness_check(a, rule_set, witness, rule.when, True)
        applies = _find(a, r.applies, r.applies_atoms, T)
        if applies is None:
            why = (
                "its exception holds wherever its condition does"
                if rule.unless is not None
                else "it is never in force when its condition holds"
            )
            findings.append(
                Finding(
                    code="never-applies",
                    severity=Severity.ERROR,
                    rule=rule.id,
                    message=f"{why}: the rule never applies",
                )
            )
            continue
        live.append(r)
        if not isinstance(rule.when, Always) and _find(a, when, when_atoms, F | N) is None:
            findings.append(
                Finding(
                    code="always-holds",
                    severity=Severity.WARNING,
                    rule=rule.id,
                    message="its condition holds on every purchase: write `ALWAYS` if meant",
                )
            )
        if rule.unless is not None:
            unless, unless_atoms = compiled.compile(rule.unless)

            def both(m: MaskOf, w: Any = when, u: Any = unless) -> int:
                return _and_t(w(m), u(m))

            if _find(a, both, when_atoms | unless_atoms, T) is None:
                findings.append(
                    Finding(
                        code="unless-never",
                        severity=Severity.WARNING,
                        rule=rule.id,
                        message="its exception holds on no purchase its condition holds on",
                    )
                )
    for r in live:
        without = attrs.evolve(rule_set, rules=[x for x in rule_set.rules if x.id != r.rule.id])
        if not _differences(rule_set, without, first=True, escalation=True):
            findings.append(
                Finding(
                    code="shadowed",
                    severity=Severity.WARNING,
                    rule=r.rule.id,
                    message="removing it changes no decision: other rules always decide the "
                    "same, and as surely",
                )
            )
    first = rule_set.combining is Combining.FIRST_MATCH
    pairs = live if first or overlaps else []
    for i, r1 in enumerate(pairs):
        for r2 in pairs[i + 1 :]:
            if r1.rule.effects == r2.rule.effects and len(r1.rule.effects) == 1:
                continue
            region = _both(a, r1, r2)
            if region is None:
                continue
            witness, _ = a.witness(region)
            decision = interpret(assume_custom(rule_set, dict(witness.assumed)), witness.purchase)
            effects = {
                res.rule: res.effect for res in decision.results if res.rule_set == rule_set.id
            }
            e1, e2 = effects.get(r1.rule.id), effects.get(r2.rule.id)
            if e1 is None or e2 is None or e1 is e2:
                continue  # the cases give both the same effect here
            findings.append(
                Finding(
                    code="conflict",
                    severity=Severity.WARNING if first else Severity.INFO,
                    rule=r1.rule.id,
                    other=r2.rule.id,
                    message=(
                        f"both apply to some purchases, one giving {e1.name} and the other "
                        f"{e2.name}"
                        + (": rule order decides" if first else ": the most severe wins")
                    ),
                    witness=witness,
                )
            )
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    findings.sort(key=lambda f: order[f.severity])
    return tuple(findings)


def _and_t(x: int, y: int) -> int:
    from vendorpolicy.analysis._search import AND  # noqa: PLC0415

    return AND[x][y]
