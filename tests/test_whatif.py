"""Counterfactuals: the smallest changes of stated facts that change a decision."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vendorpolicy import (
    Buyer,
    Component,
    Effect,
    Money,
    Purchase,
    RuleSet,
    Vendor,
    bundled_registry,
    packs,
)
from vendorpolicy._cli import main
from vendorpolicy._engine import interpret
from vendorpolicy.analysis import Change, apply_changes, candidates, what_if
from vendorpolicy.errors import InvalidValueError, VendorPolicyError
from vendorpolicy.testing import purchases_for, rule_sets


def _effect(
    rules: RuleSet, subject: Purchase, changes: tuple[Change, ...], as_of: dt.date | None
) -> Effect | None:
    """The interpreter's effect on the changed purchase; ``None`` if it is not valid."""
    try:
        return interpret(rules, apply_changes(subject, changes), as_of=as_of).effect
    except VendorPolicyError:
        return None


def _group(changes: tuple[Change, ...], effect: Effect) -> tuple[Any, ...]:
    """Changes that differ only in how far a date or an amount moves, to the same side."""
    parts = []
    for c in changes:
        if isinstance(c.after, (dt.date, Money)):
            side = 0
            if isinstance(c.after, dt.date) and isinstance(c.before, dt.date):
                side = -1 if c.after < c.before else 1
            if isinstance(c.after, Money) and isinstance(c.before, Money):
                side = -1 if c.after.amount < c.before.amount else 1
            parts.append((c.fact, side))
        else:
            parts.append((c.fact, type(c.after).__name__, repr(c.after)))
    return (effect, tuple(parts))


def _moved(changes: tuple[Change, ...]) -> Decimal:
    total = Decimal(0)
    for c in changes:
        if isinstance(c.after, dt.date) and isinstance(c.before, dt.date):
            total += abs((c.after - c.before).days)
        if isinstance(c.after, Money) and isinstance(c.before, Money):
            total += abs(c.after.amount - c.before.amount)
    return total


def _disjoint(a: Change, b: Change) -> bool:
    """Two changes of different facts (a component left out is not also changed)."""
    x, y = sorted([a.fact, b.fact])
    if x == y or (x == "components" and y.startswith("components[")):
        return False
    return not (x.endswith("]") and y.startswith(x)) and not (y.endswith("]") and x.startswith(y))


_SETS = rule_sets(max_rules=3, max_includes=1)
_AS_OF = st.none() | st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2027, 12, 31))


class TestWhatIf:
    @given(_SETS, st.data())
    @settings(suppress_health_check=[HealthCheck.too_slow])
    def test_every_counterfactual_changes_the_effect(
        self, rules: RuleSet, data: st.DataObject
    ) -> None:
        """Each reported change, made and decided by the interpreter, gives its other effect."""
        subject = data.draw(purchases_for(rules))
        as_of = data.draw(_AS_OF)
        found = what_if(rules, subject, as_of=as_of)
        assert found.effect is interpret(rules, subject, as_of=as_of).effect
        for cf in found.counterfactuals:
            assert cf.effect is not found.effect
            assert len(cf.changes) == found.size
            assert apply_changes(subject, cf.changes) == cf.purchase
            assert interpret(rules, cf.purchase, as_of=as_of).effect is cf.effect

    @given(_SETS, st.data())
    @settings(suppress_health_check=[HealthCheck.too_slow])
    def test_nothing_smaller_among_the_candidates(
        self, rules: RuleSet, data: st.DataObject
    ) -> None:
        """Brute force over the candidates: when a single change works, only single changes
        are reported, and every working one has a reported one of its kind, moved no
        further; pairs only when no single change works, and then every working pair is
        covered likewise."""
        subject = data.draw(purchases_for(rules))
        as_of = data.draw(_AS_OF)
        found = what_if(rules, subject, as_of=as_of)
        singles = candidates(rules, subject, as_of=as_of)
        assert found.considered == len(singles)
        original = interpret(rules, subject, as_of=as_of).effect
        working = [
            ((c,), e)
            for c in singles
            if (e := _effect(rules, subject, (c,), as_of)) is not None and e is not original
        ]
        if not working:
            assert found.size == 2
            pairs = [p for p in itertools.combinations(singles, 2) if _disjoint(*p)]
            working = [
                (p, e)
                for p in pairs
                if (e := _effect(rules, subject, p, as_of)) is not None and e is not original
            ]
        reported: dict[tuple[Any, ...], Decimal] = {}
        for cf in found.counterfactuals:
            reported[_group(cf.changes, cf.effect)] = _moved(cf.changes)
        for changes, effect in working:
            key = _group(changes, effect)
            assert key in reported, (changes, effect)
            assert reported[key] <= _moved(changes)
        assert len(reported) == len(found.counterfactuals)
        if not working:
            assert not found.counterfactuals

    @given(_SETS, st.data())
    def test_candidates_change_what_they_say(self, rules: RuleSet, data: st.DataObject) -> None:
        """Every candidate names a value other than the stated one, and making it states it."""
        subject = data.draw(purchases_for(rules))
        for change in candidates(rules, subject):
            assert change.before != change.after or type(change.before) is not type(change.after)
            try:
                changed = apply_changes(subject, (change,))
            except InvalidValueError:
                assert change.fact in {"purchase.date", "purchase.acquired"}
                continue
            if change.fact.startswith("facts."):
                assert changed.facts.get(change.fact.removeprefix("facts.")) == change.after
            elif change.fact.startswith("purchase."):
                assert getattr(changed, change.fact.removeprefix("purchase.")) == change.after

    def test_max_changes_is_one_or_two(self) -> None:
        """A search of three changes is refused, with where."""
        rules = RuleSet(id="r", version="1")
        subject = Purchase(buyer=Buyer(id="b", public=True, sector="central-government"))
        with pytest.raises(InvalidValueError, match=r"`max_changes` must be 1 or 2") as info:
            what_if(rules, subject, max_changes=3)
        assert info.value.path == "what_if(max_changes)"


@functools.cache
def _ndaa() -> RuleSet:
    return packs.load("us-ndaa-889")


_AGENCY = Buyer(id="gsa", public=True, sector="central-government", country="US")
_ZTE = Vendor(id="zte", name="ZTE Corporation", country="CN")


class TestOnTheNdaaPack:
    def test_an_essential_zte_part(self) -> None:
        """A laptop with an essential ZTE modem: ALLOW if the part were not essential, or left
        out, or bought before Part A took effect."""
        subject = Purchase(
            buyer=_AGENCY,
            vendor=Vendor(id="acme", name="Acme", country="US"),
            category="it/endpoint/laptop",
            date=dt.date(2020, 3, 1),
            components=[
                Component(
                    vendor=_ZTE,
                    category="telecom/component/lte-module",
                    description="LTE modem",
                    facts={"essential": True},
                )
            ],
        )
        found = what_if(_ndaa(), subject, registry=bundled_registry())
        assert found.effect is Effect.DENY
        allow = {
            (c.changes[0].fact, repr(c.changes[0].after))
            for c in found.counterfactuals
            if c.effect is Effect.ALLOW
        }
        assert ("components[0].facts.essential", "False") in allow
        assert ("components[0]", "None") in allow
        assert ("purchase.date", repr(dt.date(2019, 8, 12))) in allow
        assert "ALLOW if `components[0].facts.essential` were `false` (now `true`)" in str(found)

    def test_missing_funding_of_a_city(self) -> None:
        """A city's Huawei router with its funding not stated: REVIEW, ALLOW if the funding were
        its own budget, DENY if a federal grant."""
        city = Buyer(id="springfield", public=True, sector="local-government", country="US")
        subject = Purchase(
            buyer=city,
            vendor=Vendor(id="huawei", name="Huawei", country="CN"),
            category="telecom/network/router",
            date=dt.date(2021, 3, 1),
            components=(),
        )
        found = what_if(_ndaa(), subject, registry=bundled_registry())
        assert found.effect is Effect.REVIEW
        shown = {str(c) for c in found.counterfactuals}
        assert "ALLOW if `facts.funding` were `own-budget` (now not stated)" in shown
        assert "DENY if `facts.funding` were `federal-grant` (now not stated)" in shown


class TestOnEveryPack:
    @pytest.mark.parametrize("name", packs.names())
    def test_every_counterfactual_changes_the_effect(self, name: str) -> None:
        """On each bundled pack, with the bundled registry, every reported change gives the
        effect it says when the changed purchase is decided by the interpreter."""
        rules = packs.load(name)
        registry = bundled_registry()

        @settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
        @given(purchases_for(rules, registry=registry))
        def check(subject: Purchase) -> None:
            found = what_if(rules, subject, registry=registry)
            assert found.effect is interpret(rules, subject, registry=registry).effect
            for cf in found.counterfactuals:
                assert cf.effect is not found.effect
                changed = apply_changes(subject, cf.changes)
                assert interpret(rules, changed, registry=registry).effect is cf.effect

        check()


class TestCli:
    def test_explain_what_if(self, capsys: pytest.CaptureFixture[str]) -> None:
        """explain --what-if lists the counterfactuals after the explanation."""
        code = main(["explain", "--what-if", "p-005"])
        out = capsys.readouterr().out
        assert code == 0
        assert "What would change the effect:" in out
        assert "ALLOW if the purchase declared that it has no components" in out

    def test_explain_what_if_under_a_pack(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--what-if takes the pack, the bundled registry and the vocabulary options: a
        Japanese ministry is outside §889 until it spends US federal funds from 2020-08-13,
        which takes two changes."""
        args = ["explain", "--pack", "us-ndaa-889", "--what-if", "p-004"]
        code = main([*args, "--extra-fact", "system-scope"])
        out = capsys.readouterr().out
        assert code == 0
        assert "ALLOW now" in out
        assert (
            "REVIEW if `purchase.date` were `2020-08-13`, from 2020-08-13 (now `2020-02-14`) "
            "and `facts.funding` were `federal-grant` (now not stated)"
        ) in out

    def test_explain_what_if_json(self, capsys: pytest.CaptureFixture[str]) -> None:
        """With --json the counterfactuals are a `what_if` list beside the decision's record."""
        code = main(["explain", "--what-if", "--json", "p-005"])
        document = json.loads(capsys.readouterr().out)
        assert code == 0
        assert document["decision"]["effect"] == "review"
        changes = [c["changes"] for c in document["what_if"]]
        assert [{"fact": "components", "before": None, "after": [], "note": ""}] in changes
