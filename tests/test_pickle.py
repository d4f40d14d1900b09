"""Rule sets, registries and compiled rule sets pickle (for multiprocessing and Spark), and the
copies decide as the originals do."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vendorpolicy import Purchase, Registry, RuleSet, bundled_registry, packs
from vendorpolicy._compile import Program
from vendorpolicy._engine import _program
from vendorpolicy.testing import purchases, purchases_for, registries, rule_sets

_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_DATES = st.none() | st.dates(dt.date(2017, 1, 1), dt.date(2027, 12, 31))


def _again(value: Any) -> Any:
    return pickle.loads(pickle.dumps(value))  # noqa: S301 - our own bytes


def _compiled(rule_set: RuleSet) -> Program:
    program = _program(rule_set)
    assert isinstance(program, Program)
    return program


class TestRuleSets:
    @_SETTINGS
    @given(rule_set=rule_sets(max_rules=5, max_includes=1, with_vocabularies=True), data=st.data())
    def test_round_trip(self, rule_set: RuleSet, data: st.DataObject) -> None:
        """A rule set, compiled or not, pickles and deep-copies equal, with its digest and
        repr, and without its caches; the copy decides as the original does."""
        plain = _again(rule_set)
        assert plain == rule_set
        assert plain._compiled is None
        the_purchases = data.draw(st.lists(purchases_for(rule_set), min_size=1, max_size=4))
        expected = [rule_set.evaluate(p) for p in the_purchases]
        assert rule_set._compiled is not None  # the first evaluate compiled it
        for other in (_again(rule_set), copy.deepcopy(rule_set)):
            assert other == rule_set
            assert hash(other) == hash(rule_set)
            assert repr(other) == repr(rule_set)
            assert other.digest == rule_set.digest
            assert other._compiled is None
            assert other._checkers is None
            assert [other.evaluate(p) for p in the_purchases] == expected
        assert [plain.evaluate(p) for p in the_purchases] == expected

    @_SETTINGS
    @given(rule_set=rule_sets(max_rules=5, max_includes=1), data=st.data())
    def test_compiled_form(self, rule_set: RuleSet, data: st.DataObject) -> None:
        """A compiled rule set pickled on its own unpickles to a compiled form of an equal rule
        set, kept on that copy, which decides as the original (with dates and ``as_of``)."""
        program = _compiled(rule_set)
        copied = _again(program)
        assert isinstance(copied, Program)
        assert copied.rule_set == rule_set
        assert copied.rule_set is not rule_set
        assert copied.rule_set._compiled is copied
        assert copied.digest == program.digest
        the_purchases = data.draw(st.lists(purchases(), min_size=1, max_size=4))
        as_of = data.draw(_DATES)
        for p in the_purchases:
            assert copied.rule_set.evaluate(p, as_of=as_of) == rule_set.evaluate(p, as_of=as_of)

    def test_pickled_together(self) -> None:
        """A rule set and its compiled form pickled together stay together."""
        rule_set = packs.load("us-ndaa-889")
        program = _compiled(rule_set)
        other, other_program = _again((rule_set, program))
        assert other == rule_set
        assert other_program.rule_set is other
        assert other._compiled is other_program


class TestRegistries:
    @_SETTINGS
    @given(
        registry=registries(),
        rule_set=rule_sets(max_rules=4, max_includes=1),
        data=st.data(),
    )
    def test_decides_the_same(
        self, registry: Registry, rule_set: RuleSet, data: st.DataObject
    ) -> None:
        """A registry and a compiled rule set pickled together decide as the originals do:
        the same resolutions, designations and missing facts."""
        the_purchases = data.draw(
            st.lists(purchases_for(rule_set, registry=registry), min_size=1, max_size=4)
        )
        as_of = data.draw(_DATES)
        expected = [rule_set.evaluate(p, as_of=as_of, registry=registry) for p in the_purchases]
        other_rules, other_registry = _again((rule_set, registry))
        assert other_registry == registry
        got = [other_rules.evaluate(p, as_of=as_of, registry=other_registry) for p in the_purchases]
        assert got == expected


@pytest.fixture(scope="module")
def registry() -> Registry:
    registry = bundled_registry()
    registry.match("Huawei")  # its name index built, so that it is pickled too
    return registry


class TestBundledPacks:
    @pytest.mark.parametrize("name", packs.names())
    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def test_every_pack(self, name: str, registry: Registry, data: st.DataObject) -> None:
        """Every bundled pack, compiled, pickles equal with the bundled registry and the copies
        decide as the originals on purchases aimed at the pack."""
        rule_set = packs.load(name)
        the_purchases: list[Purchase] = data.draw(
            st.lists(purchases_for(rule_set, registry=registry), min_size=1, max_size=3)
        )
        expected = [rule_set.evaluate(p, registry=registry) for p in the_purchases]
        other_rules, other_registry, other_program = _again(
            (rule_set, registry, _compiled(rule_set))
        )
        assert other_rules == rule_set
        assert other_registry == registry
        assert other_program.rule_set is other_rules
        got = [other_rules.evaluate(p, registry=other_registry) for p in the_purchases]
        assert got == expected
