"""Analysis over rule sets that declare vocabularies: a fact's domain is the values its
vocabulary allows (and "not stated"), so a condition that every allowed value makes true is not
left open by the fact's absence. Every answer against brute force over the space, with the
least severe decision stating the missing values can give worked out by the interpreter on
each point, each condition a missing value leaves unknown settled where every other class of
what it reads agrees."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import attrs
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from _brute import escalated as _escalated
from _brute import lo as _lo
from vendorpolicy import (
    Buyer,
    Effect,
    FactSpec,
    Purchase,
    Rule,
    RuleSet,
    Vocabulary,
    buyer,
    fact,
)
from vendorpolicy._decision import Basis, RuleStatus
from vendorpolicy._engine import interpret
from vendorpolicy._vocabcheck import check
from vendorpolicy.analysis import _lint, diff, escalations, gaps, lint, reachable
from vendorpolicy.analysis._space import Space
from vendorpolicy.testing import (
    FACT_POOL,
    effects,
    predicates,
    purchases,
    rule_sets,
    vocabularies,
)

_SMALL = 2000


@st.composite
def _closed_sets(draw: st.DrawFn) -> RuleSet:
    """A rule set with vocabularies (:func:`rule_sets`), mostly with one more rule whose
    condition names every value a closed fact of its own vocabulary allows: that condition is
    unknown only while the fact is missing, and true whatever it is stated as."""
    rule_set = draw(rule_sets(max_rules=2, max_includes=1, with_vocabularies=True))
    if not draw(st.integers(0, 3)):
        return rule_set
    name = draw(st.sampled_from(["action", "funding", "exception-claimed"]))
    values = FACT_POOL[name]
    vocabulary = rule_set.vocabulary
    if vocabulary is None or vocabulary.facts is None:
        vocabulary = draw(_WITH_FACTS)
    assert vocabulary.facts is not None
    specs = [s for s in vocabulary.facts if s.name != name]
    closed = FactSpec(name=name, values=values)
    rule_set = attrs.evolve(rule_set, vocabulary=attrs.evolve(vocabulary, facts=[*specs, closed]))
    when = draw(predicates(max_leaves=2)) & fact(name).in_(set(values))
    extra = Rule(id="names-every-value", when=when, effect=draw(effects()))
    return attrs.evolve(rule_set, rules=[*rule_set.rules, extra])


_WITH_FACTS = vocabularies().filter(lambda v: v.facts is not None)
_SETS = _closed_sets()


def _small(*sets: RuleSet) -> Space:
    space = Space(sets)
    assume(space.size <= _SMALL)
    return space


class TestAgainstBruteForce:
    @settings(max_examples=25)
    @given(_SETS)
    def test_space_is_the_vocabulary(self, rule_set: RuleSet) -> None:
        """Every point of the space is a purchase the vocabularies accept."""
        space = _small(rule_set)
        for pt in space.points():
            check(rule_set, space.purchase(pt))  # raises outside the vocabulary

    @settings(max_examples=25)
    @given(_SETS)
    def test_escalations(self, rule_set: RuleSet) -> None:
        """escalations() covers exactly the effects of the points that stating the missing
        values (within the vocabulary) could make less severe, and each witness is one."""
        space = _small(rule_set)
        at = {repr(space.purchase(pt)): pt for pt in space.points()}
        expected = {e for pt in at.values() if (e := _escalated(rule_set, space, pt))}
        found = escalations(rule_set)
        assert {e.effect for e in found} == expected
        for e in found:
            decision = interpret(rule_set, e.witness.purchase)
            assert decision.effect is e.effect
            assert decision.basis is Basis.UNKNOWN
            assert _escalated(rule_set, space, at[repr(e.witness.purchase)]) is e.effect

    @settings(max_examples=20)
    @given(_SETS)
    def test_reachable_and_gaps(self, rule_set: RuleSet) -> None:
        """reachable() finds exactly the effects of the points (all within the vocabulary);
        gaps() is empty exactly when every point has a rule that applies or might."""
        space = _small(rule_set)
        decisions = [interpret(rule_set, space.purchase(pt)) for pt in space.points()]
        assert {r.effect for r in reachable(rule_set)} == {d.effect for d in decisions}
        some = any(
            all(r.status not in (RuleStatus.APPLIES, RuleStatus.UNKNOWN) for r in d.results)
            for d in decisions
        )
        assert bool(gaps(rule_set)) is some

    @settings(max_examples=20)
    @given(_SETS, st.data())
    def test_diff(self, a: RuleSet, data: st.DataObject) -> None:
        """diff() finds a difference exactly when some point (within both vocabularies)
        separates the two sets."""
        keep = data.draw(
            st.lists(st.sampled_from(a.rules), unique=True) if a.rules else st.just([])
        )
        b = attrs.evolve(a, rules=keep, default=data.draw(st.sampled_from(list(Effect))))
        space = _small(a, b)
        separated = any(
            interpret(a, p).effect is not interpret(b, p).effect
            for p in (space.purchase(pt) for pt in space.points())
        )
        assert bool(diff(a, b)) is separated

    @settings(max_examples=15)
    @given(_SETS)
    def test_lint_shadowed(self, rule_set: RuleSet) -> None:
        """A rule lint calls shadowed changes no point's effect, nor whether stating what is
        missing could make it less severe, when removed."""
        self._shadowed_hold(rule_set)

    @settings(max_examples=15)
    @given(_SETS)
    def test_lint_shadowed_by_the_cuts(self, rule_set: RuleSet) -> None:
        """The same with lint's first search for a difference turned off, so that its cuts
        (a rule absorbed by the others, in both readings) decide."""
        with mock.patch.object(_lint, "_GREEDY", 0):
            self._shadowed_hold(rule_set)

    def _shadowed_hold(self, rule_set: RuleSet) -> None:
        space = _small(rule_set)
        for finding in lint(rule_set):
            if finding.code != "shadowed":
                continue
            without = attrs.evolve(
                rule_set, rules=[r for r in rule_set.rules if r.id != finding.rule]
            )
            for pt in space.points():
                p = space.purchase(pt)
                assert interpret(rule_set, p).effect is interpret(without, p).effect
                assert (_escalated(rule_set, space, pt) is None) is (
                    _escalated(without, Space([rule_set]), pt) is None
                )

    @settings(max_examples=15)
    @given(_SETS, st.lists(purchases(), min_size=1, max_size=5))
    def test_space_covers_purchases(self, rule_set: RuleSet, drawn: list[Purchase]) -> None:
        """The effect of any purchase the vocabulary accepts is one reachable() reports."""
        effects = {r.effect for r in reachable(rule_set)}
        for p in drawn:
            assert interpret(rule_set, p).effect in effects


def _notification() -> RuleSet:
    """A prior-notification rule on a closed `action`, every value of which it names."""
    return RuleSet(
        id="notify",
        version="1",
        rules=[
            Rule(
                id="notify",
                when=fact("specified").is_true & fact("action").in_({"buy", "install"}),
                effect="review",
            ),
            Rule(id="carrier", when=buyer.sector.in_({"carrier"}), effect="warn"),
        ],
        vocabulary=Vocabulary(
            facts=[
                FactSpec(name="action", values=("buy", "install")),
                FactSpec(name="specified", values=(True, False)),
            ]
        ),
    )


class TestClosedVocabulary:
    def test_no_escalation_only_for_a_fact_every_value_settles_alike(self) -> None:
        """With `specified` stated true, the missing `action` escalates nothing: each of its
        values makes the rule apply. The engine alone would call it escalated (REVIEW, where
        the carrier rule gives WARN), which the brute force below shows."""
        rs = _notification()
        stated = Purchase(
            buyer=Buyer(id="b", public=True, sector="carrier"),
            facts={"specified": True},
            date=dt.date(2024, 1, 1),
        )
        assert interpret(rs, stated).effect is Effect.REVIEW
        assert _lo(rs, stated) is Effect.WARN  # the engine's own range: not the vocabulary's
        for e in escalations(rs):
            assert "facts.action" not in e.facts
            assert e.witness.purchase.facts.get("specified") is not True or (
                "facts.specified" in e.facts
            )
        for value in ("buy", "install"):
            p = attrs.evolve(stated, facts={"specified": True, "action": value})
            assert interpret(rs, p).effect is Effect.REVIEW

    def test_the_fact_that_settles_is_still_listed(self) -> None:
        """`specified` missing does escalate (false would leave the carrier's WARN), and is
        listed; `action`, missing with it, is not."""
        found = escalations(_notification())
        assert found
        assert all(e.effect is Effect.REVIEW for e in found)
        assert any("facts.specified" in e.facts for e in found)
        assert all("facts.action" not in e.facts for e in found)

    def test_an_open_vocabulary_leaves_the_fact_open(self) -> None:
        """Where `action` may take another value (the vocabulary is open), its absence does
        escalate."""
        rs = _notification()
        assert rs.vocabulary is not None
        open_action = attrs.evolve(
            rs,
            vocabulary=Vocabulary(
                facts=[
                    FactSpec(name="action", values=("buy", "install"), open=True),
                    FactSpec(name="specified", values=(True, False)),
                ]
            ),
        )
        assert any("facts.action" in e.facts for e in escalations(open_action))
