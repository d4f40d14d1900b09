"""Tests of the shortcuts that make analysis fast, each against the plain interpreter or brute
force: component conditions worked out from their parts, one space shared by a rule set and
the same set less some rules, and leaves merged into regions."""

from __future__ import annotations

import itertools
from typing import Any

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from vendorpolicy import Combining, Rule, RuleSet
from vendorpolicy._engine import interpret
from vendorpolicy._predicates import AllComponents, AnyComponent
from vendorpolicy._trace import trace_purchase
from vendorpolicy.analysis import diff, equivalent, escalations, gaps, lint, reachable
from vendorpolicy.analysis._questions import (
    _Analysis,
    _kept,
    _linked,
    _merge_many,
    _pair,
    _unshared,
)
from vendorpolicy.analysis._search import _VALUE, joint_keyed, joint_keyed_from
from vendorpolicy.analysis._space import Space
from vendorpolicy.testing import predicates, rule_sets, rules

_QUANTIFIED = st.one_of(
    st.builds(AnyComponent, predicate=predicates(max_leaves=4)),
    st.builds(AllComponents, predicate=predicates(max_leaves=4)),
)


class TestComposedComponentConditions:
    @settings(max_examples=25)
    @given(_QUANTIFIED, rules(rule_id="other"))
    def test_composed_value_is_the_interpreters(self, node: object, other: Rule) -> None:
        """A component condition worked out from its parts has, at every point of what it
        reads, the value the interpreter gives the point's representative purchase."""
        rs = RuleSet(id="q", version="1", rules=[Rule(id="q", when=node, effect="deny"), other])
        a = _Analysis([rs])
        compiled = a.compiled
        i = compiled.atom(node)  # type: ignore[arg-type]
        parts = compiled._parts[i]
        assume(parts is not None)
        assert parts is not None
        reads = compiled.atom_reads[i]
        ranges = [range(len(a.space.dims[d].cells)) for d in reads]
        size = 1
        for r in ranges:
            size *= len(r)
        assume(size <= 2000)
        composed = 0
        for key in itertools.product(*ranges):
            got = parts.value(key)
            if got is None:
                continue  # undeclared or no components: traced whole
            composed += 1
            seen = a.space.purchase(dict(zip(reads, key, strict=True)))
            assert got == _VALUE[trace_purchase(node, seen).value], key  # type: ignore[arg-type]
        assert composed  # some declared list of components was composed


class TestSharedSpace:
    @settings(max_examples=20)
    @given(rule_sets(max_rules=3, max_includes=1), st.data())
    def test_less_rules_share_the_space_exactly(self, rs: RuleSet, data: st.DataObject) -> None:
        """A set less some of its rules is analysed in the set's own space, and equivalent()
        there is false exactly when some point of the pair's own space separates them."""
        keep = data.draw(
            st.lists(st.sampled_from(rs.rules), unique=True) if rs.rules else st.just([])
        )
        without = attrs.evolve(rs, rules=[r for r in rs.rules if r in keep])
        space = Space([rs, without])
        assume(space.size <= 3000)
        a, _, _ = _pair(rs, without)
        if a.rule_sets == [rs]:  # the shortcut was taken: the spaces must be the same
            assert [d.name for d in a.space.dims] == [d.name for d in space.dims]
            assert [d.cells for d in a.space.dims] == [d.cells for d in space.dims]
        separated = any(
            interpret(rs, p).effect is not interpret(without, p).effect
            for p in (space.purchase(pt) for pt in space.points())
        )
        assert equivalent(rs, without) is not separated


def _points_of(region: list[int]) -> set[tuple[int, ...]]:
    bits = [
        [c for c in range(region[d].bit_length()) if region[d] >> c & 1] for d in range(len(region))
    ]
    return set(itertools.product(*bits))


class TestMergeMany:
    @settings(max_examples=50)
    @given(
        st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=4).flatmap(
            lambda sizes: st.tuples(
                st.just(sizes),
                st.sets(st.tuples(*(st.integers(0, n - 1) for n in sizes)), min_size=1),
            )
        )
    )
    def test_merged_regions_cover_the_leaves_exactly(
        self, drawn: tuple[list[int], set[tuple[int, ...]]]
    ) -> None:
        """Merging many leaves (points here) gives disjoint regions whose points are exactly
        the leaves' points, and no more regions than leaves."""
        _, chosen = drawn
        leaves = [[1 << c for c in point] for point in sorted(chosen)]
        merged = _merge_many(leaves)
        covered: set[tuple[int, ...]] = set()
        for region in merged:
            points = _points_of(region)
            assert not points & covered  # disjoint
            covered |= points
        assert covered == chosen
        assert len(merged) <= len(leaves)

    def test_a_full_product_merges_into_one_region(self) -> None:
        """Every point of a 3 x 2 grid, as leaves, merges into the one region of the grid."""
        leaves = [[1 << a, 1 << b] for a in range(3) for b in range(2)]
        assert _merge_many(leaves) == [[0b111, 0b11]]


class TestSharedAnalysis:
    def test_answers_do_not_depend_on_the_questions_asked_before(self) -> None:
        """A question asked of a pack gets the same answer from a fresh analysis as after lint
        and a diff have used (and filled) the shared one."""
        from vendorpolicy.packs import load

        rs = load("jp-2018")
        _kept.clear()
        fresh = escalations(rs)
        assert fresh  # the pack escalates some purchases
        lint(rs)
        diff(rs, attrs.evolve(rs, rules=rs.rules[1:]))
        assert escalations(rs) == fresh
        _kept.clear()
        assert escalations(rs) == fresh

    @settings(max_examples=10, deadline=None)
    @given(rule_sets(max_rules=3, max_includes=1))
    def test_generated_sets_answer_alike_after_other_questions(self, rs: RuleSet) -> None:
        """The same over generated rule sets, for escalations and gaps after lint (whose
        deciders for the set less one rule once counted into the shared analysis and
        reordered later searches) and reachable."""
        _kept.clear()
        fresh = (escalations(rs), gaps(rs))
        lint(rs)
        reachable(rs)
        assert (escalations(rs), gaps(rs)) == fresh


def _without_memo(classify: Any) -> Any:
    """``classify`` with its memo keys dropped: the plain search, every region visited."""

    def plain(current: list[int], m: Any) -> Any:
        outcome, pending, _ = classify(current, m)
        return outcome, pending, None

    return plain


class TestMemoisedSearch:
    @settings(max_examples=15, deadline=None)
    @given(rule_sets(max_rules=5, max_includes=0, combining=Combining.MOST_SEVERE), st.booleans())
    def test_replayed_leaves_are_the_plain_searchs(self, rs: RuleSet, escalated: bool) -> None:
        """The memoised search gives the leaves (regions and outcomes) the search visiting
        every region gives, in the same order; the leaves are disjoint, and each point lies in
        a leaf of the effect the interpreter gives it."""
        a = _Analysis([rs])
        assume(a.space.size <= 800)
        decider = a.deciders[0]
        coupled = a.search.coupled
        nothing: set[int] = set()

        def classify(current: list[int], m: Any) -> Any:
            finals, pending, key = decider.keyed(m, current, coupled)
            effects = {(e, e > lo) if escalated else e for e, lo, _ in finals}
            if len(effects) == 1:
                return effects.pop(), nothing, None
            return None, pending, key

        memoised = a.search.leaves(classify)
        assert memoised == a.search.leaves(_without_memo(classify))
        by_point = {}
        for leaf, outcome in memoised:
            for point in _points_of(leaf):
                assert point not in by_point  # leaves are disjoint
                by_point[point] = outcome
        for point in a.space.points():
            key = tuple(point[d] for d in range(len(a.space.dims)))
            effect = a.decide(rs, a.witness(_region_of(key))[0]).effect.severity
            got = by_point.get(key)
            assert (got[0] if escalated and got is not None else got) == effect, key

    @settings(max_examples=20, deadline=None)
    @given(rule_sets(max_rules=3, max_includes=0, combining=Combining.MOST_SEVERE), st.data())
    def test_memoised_diff_is_the_plain_diff(self, rs: RuleSet, data: st.DataObject) -> None:
        """A diff against the set less some rules finds the leaves the plain search finds."""
        keep = data.draw(st.lists(st.sampled_from(rs.rules), unique=True)) if rs.rules else []
        other = attrs.evolve(rs, rules=[r for r in rs.rules if r in keep])
        a, da, db = _pair(rs, other)
        assume(a.space.size <= 3000)
        coupled = a.search.coupled
        nothing: set[int] = set()

        def classify(current: list[int], m: Any) -> Any:
            pairs, pending, key = joint_keyed(da, db, m, current, coupled, escalation=True)
            if all(x == y for x, y in pairs):
                return None, nothing, None
            if len(pairs) == 1:
                return next(iter(pairs)), nothing, None
            return None, pending, key

        assert a.search.leaves(classify) == a.search.leaves(_without_memo(classify))

    @pytest.mark.parametrize("name", ["jp-2018", "au-5g-2018", "nz-ticsa"])
    def test_packs_escalated_leaves_are_replayed_alike(self, name: str) -> None:
        """On a pack whose search meets the same sub-search again, the memoised search visits
        fewer regions and gives the plain search's leaves, in order."""
        from vendorpolicy.packs import load

        a = _Analysis([load(name)])
        decider = a.deciders[0]
        coupled = a.search.coupled
        nothing: set[int] = set()
        visits = [0]

        def classify(current: list[int], m: Any) -> Any:
            visits[0] += 1
            finals, pending, key = decider.keyed(m, current, coupled)
            if all(e == lo for e, lo, _ in finals):
                return None, nothing, None
            if len({(e, lo, hi) for e, lo, hi in finals}) == 1:
                return next(iter(finals)), nothing, None
            return None, pending, key

        memoised = a.search.leaves(classify)
        replayed = visits[0]
        assert memoised == a.search.leaves(_without_memo(classify))
        assert replayed < visits[0] - replayed  # some sub-search was replayed


class TestCarriedSearch:
    @settings(max_examples=15, deadline=None)
    @given(rule_sets(max_rules=5, max_includes=0, combining=Combining.MOST_SEVERE))
    def test_carried_escalation_leaves_are_the_full_evaluations(self, rs: RuleSet) -> None:
        """A search whose regions look only at the rules their parent left open finds the
        leaves (regions and outcomes) of the search that folds every rule on every region,
        in the same order."""
        a = _Analysis([rs])
        assume(a.space.size <= 3000)
        decider = a.deciders[0]
        coupled = a.search.coupled
        nothing: set[int] = set()

        def classify(current: list[int], m: Any, start: Any) -> Any:
            finals, pending, key, left = decider.keyed_from(m, current, coupled, start)
            if all(e == lo for e, lo, _ in finals):
                return None, nothing, None, None
            if len({(e, lo, hi) for e, lo, hi in finals}) == 1:
                return next(iter(finals)), nothing, None, None
            return None, pending, key, left

        def full(current: list[int], m: Any, _start: Any) -> Any:
            return classify(current, m, None)

        assert a.search.carried_leaves(classify) == a.search.carried_leaves(full)

    @settings(max_examples=20, deadline=None)
    @given(rule_sets(max_rules=4, max_includes=0, combining=Combining.MOST_SEVERE), st.data())
    def test_carried_diff_leaves_are_the_full_evaluations(
        self, rs: RuleSet, data: st.DataObject
    ) -> None:
        """The same for a diff against the set less some rules, with the order of the splits
        that a search for one difference takes (the rules most like the removed ones first):
        the same leaves as the full evaluation in that order, and a difference found exactly
        when the plain search finds one."""
        keep = data.draw(st.lists(st.sampled_from(rs.rules), unique=True)) if rs.rules else []
        other = attrs.evolve(rs, rules=[r for r in rs.rules if r in keep])
        a, da, db = _pair(rs, other)
        assume(a.space.size <= 3000)
        coupled = a.search.coupled
        nothing: set[int] = set()

        def classify(current: list[int], m: Any, start: Any) -> Any:
            pairs, pending, key, left = joint_keyed_from(
                da, db, m, current, coupled, start=start, escalation=True
            )
            if all(x == y for x, y in pairs):
                return None, nothing, None, None
            if len(pairs) == 1:
                return next(iter(pairs)), nothing, None, None
            return None, pending, key, left

        def full(current: list[int], m: Any, _start: Any) -> Any:
            return classify(current, m, None)

        unshared = _unshared(da, db)
        then = _linked(da, db, unshared)
        ordered = a.search.carried_leaves(classify, prefer=unshared, then=then)
        assert ordered == a.search.carried_leaves(full, prefer=unshared, then=then)
        plain = a.search.carried_leaves(full, prefer=unshared)
        assert bool(ordered) == bool(plain)
        assert {o for _, o in ordered} == {o for _, o in plain}


def _region_of(point: tuple[int, ...]) -> list[int]:
    return [1 << c for c in point]
