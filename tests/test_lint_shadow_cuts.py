"""Tests of the cuts lint's ``shadowed`` check makes before its exact search: a rule absorbed
by one other rule (their shared conditions taken as one free value), or by the other rules of
its layer region by region. Each claim is checked against brute force over small spaces, with
the search for a difference that runs first turned off so that the cuts decide."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from _brute import escalated
from vendorpolicy import Effect, Rule, RuleSet, category, components, fact, vendor
from vendorpolicy._engine import interpret
from vendorpolicy._predicates import ALWAYS
from vendorpolicy._rules import Combining
from vendorpolicy.analysis import _lint, lint
from vendorpolicy.analysis._questions import _analysis
from vendorpolicy.analysis._space import Space
from vendorpolicy.testing import rule_sets

_SMALL = 3000
_DATES = (dt.date(2019, 1, 1), dt.date(2020, 6, 1), dt.date(2021, 1, 1))


def _seen(rule_set: RuleSet, space: Space, point: dict[int, int]) -> tuple[object, bool]:
    """What the cuts keep: the effect, and whether it is escalated (stating what is missing,
    within the vocabularies, could make it less severe)."""
    return interpret(rule_set, space.purchase(point)).effect, bool(
        escalated(rule_set, space, point)
    )


def _changes(rule_set: RuleSet, rule: Rule) -> bool:
    """Brute force: whether some point of the space is decided otherwise without ``rule``."""
    space = Space([rule_set])
    without = attrs.evolve(rule_set, rules=[r for r in rule_set.rules if r.id != rule.id])
    return any(
        _seen(rule_set, space, point) != _seen(without, space, point) for point in space.points()
    )


@st.composite
def _with_variant(draw: st.DrawFn) -> RuleSet:
    """A generated rule set with a variant of one of its rules: the same condition, perhaps
    narrowed by another rule's condition, with another window, effect or exception, at some
    place in the order. The variant and the rule share conditions, which the pair cut reads
    as one value."""
    rule_set = draw(rule_sets(max_rules=3, max_includes=1))
    assume(rule_set.rules)
    original = draw(st.sampled_from(rule_set.rules))
    other = draw(st.sampled_from(rule_set.rules))
    changes: dict[str, object] = {"id": "variant", "cases": ()}
    if draw(st.booleans()):
        changes["when"] = original.when & other.when
    if draw(st.booleans()):
        start = draw(st.sampled_from(_DATES))
        changes["in_force_from"] = start
        if original.in_force_until is not None and original.in_force_until < start:
            changes["in_force_until"] = None
    if draw(st.booleans()):
        changes["effect"] = draw(st.sampled_from(list(Effect)))
    if draw(st.booleans()) and other is not original:
        changes["unless"] = other.when
    if draw(st.booleans()):
        changes.pop("cases")  # keep the original's cases
    variant = attrs.evolve(original, **changes)  # type: ignore[arg-type]
    at = draw(st.integers(0, len(rule_set.rules)))
    return attrs.evolve(rule_set, rules=[*rule_set.rules[:at], variant, *rule_set.rules[at:]])


_SETS = st.one_of(rule_sets(max_rules=3, max_includes=1), _with_variant())


class TestAgainstBruteForce:
    @pytest.mark.parametrize("default", list(Effect))
    @pytest.mark.parametrize("effect", list(Effect))
    def test_rule_settled_away_by_the_vocabulary(self, effect: Effect, default: Effect) -> None:
        """`~components.all(ALWAYS)` is unknown while the parts are not declared, and false
        once they are: in the settled reading it applies nowhere, in the interpreter's it may
        apply. The cuts judged the settled reading over no options at all (they raised
        `max() arg is an empty sequence`); it is absorbed there, and the interpreter's
        reading decides."""
        rule = Rule(id="r", when=~components.all(ALWAYS), effect=effect)
        rule_set = RuleSet(id="s", version="1", rules=[rule], default=default)
        a = _analysis([rule_set])
        without = attrs.evolve(rule_set, rules=[])
        (r,) = a.deciders[0].layers[0].rules
        with mock.patch.object(_lint, "_GREEDY", 0):
            assert _lint._decision_changes(a, rule_set, without, r) is _changes(rule_set, rule)

    @settings(max_examples=30)
    @given(_SETS)
    def test_decision_changes_exactly(self, rule_set: RuleSet) -> None:
        """With the cuts deciding, removing a rule is found to change a decision's effect or
        escalation exactly when some point of the space is decided otherwise without it."""
        assume(Space([rule_set]).size <= _SMALL)
        a = _analysis([rule_set])
        with mock.patch.object(_lint, "_GREEDY", 0):
            for r in a.deciders[0].layers[0].rules:
                without = attrs.evolve(
                    rule_set, rules=[x for x in rule_set.rules if x.id != r.rule.id]
                )
                found = _lint._decision_changes(a, rule_set, without, r)
                assert found is _changes(rule_set, r.rule), r.rule.id

    @settings(max_examples=20)
    @given(_with_variant())
    def test_pair_absorption_holds(self, rule_set: RuleSet) -> None:
        """Where one rule is said to absorb another, removing the other changes no point's
        effect or escalation."""
        assume(Space([rule_set]).size <= _SMALL)
        a = _analysis([rule_set])
        top = a.deciders[0].layers[0]
        first = rule_set.combining is Combining.FIRST_MATCH
        default = rule_set.default.severity
        for i, r in enumerate(top.rules):
            pool = top.rules[:i] if first else [s for s in top.rules if s is not r]
            for s in _lint._pairable(r, pool):
                if _lint._pair_absorbs(a, r, s, default, first=first):
                    assert not _changes(rule_set, r.rule), (r.rule.id, s.rule.id)

    @settings(max_examples=15)
    @given(_with_variant())
    def test_lint_alike_with_and_without_the_first_search(self, rule_set: RuleSet) -> None:
        """The findings do not depend on how long a difference is looked for first."""
        assume(Space([rule_set]).size <= _SMALL)
        with mock.patch.object(_lint, "_GREEDY", 0):
            cut = {(f.code, f.rule) for f in lint(rule_set)}
        assert {(f.code, f.rule) for f in lint(rule_set)} == cut


def _ban(**extra: object) -> Rule:
    return Rule(
        id="ban",
        when=vendor.designated({"covered"}) & category.within("telecom"),
        effect="deny",
        **extra,  # type: ignore[arg-type]
    )


class TestPairs:
    def _absorbs(self, rule_set: RuleSet, rid: str, by: str) -> bool:
        a = _analysis([rule_set])
        rules = {x.rule.id: x for x in a.deciders[0].layers[0].rules}
        first = rule_set.combining is Combining.FIRST_MATCH
        return _lint._pair_absorbs(a, rules[rid], rules[by], rule_set.default.severity, first=first)

    def test_later_copy_is_absorbed(self) -> None:
        """A copy of a rule in force from a later date is absorbed by the rule."""
        later = attrs.evolve(_ban(), id="later", in_force_from=dt.date(2021, 1, 1))
        rs = RuleSet(id="s", version="1", rules=[_ban(in_force_from=dt.date(2020, 1, 1)), later])
        assert self._absorbs(rs, "later", "ban")
        assert not self._absorbs(rs, "ban", "later")

    def test_milder_copy_is_absorbed_more_severe_is_not(self) -> None:
        """Under most-severe, a warn with the same condition as a deny is absorbed by it;
        the deny is not absorbed by the warn."""
        warn = attrs.evolve(_ban(), id="warn", effect=Effect.WARN)
        rs = RuleSet(id="s", version="1", rules=[_ban(), warn])
        assert self._absorbs(rs, "warn", "ban")
        assert not self._absorbs(rs, "ban", "warn")

    def test_copy_with_a_wider_exception(self) -> None:
        """A copy whose exception holds more often applies less often: it is absorbed."""
        narrow = attrs.evolve(_ban(), id="narrow", unless=fact("waiver").is_true)
        rs = RuleSet(id="s", version="1", rules=[_ban(), narrow])
        assert self._absorbs(rs, "narrow", "ban")
        assert not self._absorbs(rs, "ban", "narrow")
        assert {f.rule for f in lint(rs) if f.code == "shadowed"} == {"narrow"}


class TestLayerCut:
    def _changes(self, rule_set: RuleSet, rid: str) -> bool:
        a = _analysis([rule_set])
        r = next(x for x in a.deciders[0].layers[0].rules if x.rule.id == rid)
        without = attrs.evolve(rule_set, rules=[x for x in rule_set.rules if x.id != rid])
        with mock.patch.object(_lint, "_GREEDY", 0):
            return _lint._decision_changes(a, rule_set, without, r)

    def test_a_rule_that_might_apply_absorbs_no_sure_one(self) -> None:
        """A deny that surely applies is not absorbed by a copy whose exception is unknown
        where a fact is missing: without it, such a purchase is escalated."""
        narrow = attrs.evolve(_ban(), id="narrow", unless=fact("waiver").is_true)
        rs = RuleSet(id="s", version="1", rules=[_ban(), narrow])
        assert self._changes(rs, "ban") is _changes(rs, rs.rule("ban")) is True
        assert self._changes(rs, "narrow") is _changes(rs, rs.rule("narrow")) is False

    def test_two_rules_absorb_what_neither_does_alone(self) -> None:
        """A deny on telecom is absorbed by two denies, one on network equipment and one on
        the rest of telecom: the layer cut shows it, not the pair cut."""
        wide = Rule(id="wide", when=category.within("telecom"), effect="deny")
        net = Rule(id="net", when=category.within("telecom/network"), effect="deny")
        rest = Rule(
            id="rest",
            when=category.within("telecom") & ~category.within("telecom/network"),
            effect="deny",
        )
        rs = RuleSet(id="s", version="1", rules=[wide, net, rest])
        a = _analysis([rs])
        rules = {x.rule.id: x for x in a.deciders[0].layers[0].rules}
        for by in ("net", "rest"):
            assert not _lint._pair_absorbs(a, rules["wide"], rules[by], 0, first=False)
        assert self._changes(rs, "wide") is _changes(rs, wide) is False

    def test_rules_that_might_apply_make_no_effect_certain(self) -> None:
        """A deny that surely applies is not absorbed by two denies that cover it only while
        a fact is stated: where it is not, both might apply and the purchase is escalated
        without the first."""
        ban = _ban()
        yes = attrs.evolve(ban, id="yes", when=ban.when & fact("x").is_true)
        no = attrs.evolve(ban, id="no", when=ban.when & ~fact("x").is_true)
        rs = RuleSet(id="s", version="1", rules=[ban, yes, no])
        for rule in rs.rules:
            assert self._changes(rs, rule.id) is _changes(rs, rule), rule.id
        assert self._changes(rs, "ban")
