"""Tests of lint's ``shadowed`` finding with obligations: a rule is shadowed only when removing
it changes no decision's effect, escalation or obligations (brute force over small spaces, and
seeded cases)."""

from __future__ import annotations

import attrs
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from _brute import escalated
from vendorpolicy import Rule, RuleSet, category, fact, packs, vendor
from vendorpolicy._engine import interpret
from vendorpolicy.analysis import lint
from vendorpolicy.analysis._space import Space
from vendorpolicy.testing import rule_sets

_SMALL = 3000


def _seen(rule_set: RuleSet, space: Space, point: dict[int, int]) -> tuple[object, ...]:
    """What removing a rule must leave alone: effect, escalation (whether stating what is
    missing, within the vocabularies, could make the decision less severe) and obligations."""
    decision = interpret(rule_set, space.purchase(point))
    return (
        decision.effect,
        bool(escalated(rule_set, space, point)),
        frozenset(decision.obligations),
    )


def _ban(**extra: object) -> Rule:
    return Rule(
        id="ban",
        when=vendor.designated({"covered"}) & category.within("telecom"),
        effect="deny",
        **extra,  # type: ignore[arg-type]
    )


def _narrow(**extra: object) -> Rule:
    return Rule(
        id="narrow",
        when=vendor.designated({"covered"}) & category.within("telecom/network"),
        effect="deny",
        **extra,  # type: ignore[arg-type]
    )


def _shadowed(rule_set: RuleSet) -> set[str]:
    return {f.rule for f in lint(rule_set) if f.code == "shadowed"}


class TestSeeded:
    def test_narrower_deny_is_shadowed(self) -> None:
        """A narrower deny under a broader one, neither with obligations, is shadowed."""
        rs = RuleSet(id="s", version="1", rules=[_ban(), _narrow()])
        assert _shadowed(rs) == {"narrow"}

    def test_an_obligation_of_its_own_is_a_change(self) -> None:
        """A narrower deny that adds an obligation of its own changes the decisions it
        applies to, so it is not shadowed."""
        rs = RuleSet(id="s", version="1", rules=[_ban(), _narrow(obligations=["notify X"])])
        assert _shadowed(rs) == set()

    def test_an_obligation_the_broader_rule_has_too(self) -> None:
        """A narrower deny whose obligation the broader rule always adds as well is still
        shadowed: every decision is the same without it."""
        rs = RuleSet(
            id="s",
            version="1",
            rules=[_ban(obligations=["notify X"]), _narrow(obligations=["notify X"])],
        )
        assert _shadowed(rs) == {"narrow"}

    def test_first_match_the_next_rule_has_other_obligations(self) -> None:
        """Under first-match, a rule before another of the same effect is not shadowed when
        the next rule's obligations differ from its own (none)."""
        rs = RuleSet(
            id="s",
            version="1",
            combining="first-match",
            rules=[_narrow(), _ban(obligations=["notify X"])],
        )
        assert "narrow" not in _shadowed(rs)
        same = attrs.evolve(rs, rules=[_narrow(obligations=["notify X"]), rs.rules[1]])
        assert "narrow" in _shadowed(same)

    def test_fcc_pending_rules_are_not_shadowed(self) -> None:
        """The Covered List pack lints clean: its 2025-12 pending rules, where the
        authorisation warning gives the same effect, add the 54.10(a)(2) obligation."""
        assert lint(packs.load("us-fcc-covered-list")) == ()

    def test_fcc_pending_obligation_without_the_rule(self) -> None:
        """Without its obligation the pending rule would be shadowed (the finding is real
        for the rule as it was)."""
        rs = packs.load("us-fcc-covered-list")
        bare = attrs.evolve(
            rs,
            rules=[
                attrs.evolve(r, obligations=()) if r.id.endswith("-pending") else r
                for r in rs.rules
            ],
        )
        assert _shadowed(bare) == {
            "subsidy-2025-12-dji-autel-pending",
            "subsidy-2025-12-foreign-uas-pending",
        }


@st.composite
def _with_copy(draw: st.DrawFn) -> RuleSet:
    """A generated rule set with a copy of one of its rules (another id, its own obligations,
    at some place in the order): the copy is shadowed unless its obligations tell it apart."""
    rule_set = draw(rule_sets(max_rules=3, max_includes=1))
    assume(rule_set.rules)
    original = draw(st.sampled_from(rule_set.rules))
    copy = attrs.evolve(
        original,
        id="copy",
        obligations=draw(
            st.sampled_from([(), original.obligations, ("notify GCSB",), ("consult NISC",)])
        ),
    )
    at = draw(st.integers(0, len(rule_set.rules)))
    rules = [*rule_set.rules[:at], copy, *rule_set.rules[at:]]
    return attrs.evolve(rule_set, rules=rules)


class TestAgainstBruteForce:
    @settings(max_examples=25)
    @given(st.one_of(rule_sets(max_rules=3, max_includes=1), _with_copy()))
    def test_shadowed_exactly(self, rule_set: RuleSet) -> None:
        """Of the rules that can apply, lint reports shadowed exactly those whose removal
        changes no point's effect, escalation or obligations."""
        space = Space([rule_set])
        assume(space.size <= _SMALL)
        points = list(space.points())
        findings = lint(rule_set)
        dead = {f.rule for f in findings if f.code in ("never-holds", "never-applies")}
        shadowed = {f.rule for f in findings if f.code == "shadowed"}
        for rule in rule_set.rules:
            if rule.id in dead:
                continue
            without = attrs.evolve(rule_set, rules=[r for r in rule_set.rules if r.id != rule.id])
            same = all(_seen(rule_set, space, p) == _seen(without, space, p) for p in points)
            assert (rule.id in shadowed) is same, rule.id

    def test_fact_rule(self) -> None:
        """A plain example the property covers: an escalating rule is not shadowed."""
        ask = Rule(id="ask", when=~fact("checked").is_true, effect="review")
        assert _shadowed(RuleSet(id="s", version="1", rules=[_ban(), ask])) == set()
