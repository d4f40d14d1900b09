"""Tests of whole-rule-set analysis: every answer against brute force over the space, and the
space against purchases drawn at random."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from _brute import escalated
from vendorpolicy import (
    Buyer,
    Effect,
    Purchase,
    Rule,
    RuleSet,
    Vendor,
    category,
    fact,
    purchase,
    vendor,
)
from vendorpolicy._cli import main
from vendorpolicy._decision import Basis, RuleStatus
from vendorpolicy._engine import interpret
from vendorpolicy._files import save_rule_set
from vendorpolicy.analysis import (
    Severity,
    diff,
    equivalent,
    escalations,
    gaps,
    lint,
    reachable,
    replay,
)
from vendorpolicy.analysis._space import Space
from vendorpolicy.testing import purchases, rule_sets

#: Spaces up to this many points are enumerated in full.
_SMALL = 3000


def _small(*rule_sets: RuleSet) -> Space:
    space = Space(rule_sets)
    assume(space.size <= _SMALL)
    return space


def _brute(space: Space, rule_set: RuleSet) -> list[tuple[Purchase, object]]:
    return [(p, interpret(rule_set, p)) for p in (space.purchase(pt) for pt in space.points())]


_SETS = rule_sets(max_rules=3, max_includes=1)


class TestAgainstBruteForce:
    @settings(max_examples=15)
    @given(_SETS)
    def test_reachable(self, rule_set: RuleSet) -> None:
        """reachable() finds exactly the effects some point of the space gets."""
        space = _small(rule_set)
        seen = {d.effect for _, d in _brute(space, rule_set)}  # type: ignore[attr-defined]
        assert {r.effect for r in reachable(rule_set)} == seen

    @settings(max_examples=15)
    @given(_SETS, st.data())
    def test_equivalent(self, a: RuleSet, data: st.DataObject) -> None:
        """equivalent() is false exactly when some point separates two sets (one with a subset
        of the other's rules, another default or combining), and diff() finds a difference
        exactly then."""
        keep = data.draw(
            st.lists(st.sampled_from(a.rules), unique=True) if a.rules else st.just([])
        )
        b = attrs.evolve(
            a,
            rules=keep,
            default=data.draw(st.sampled_from(list(Effect))),
            combining=data.draw(st.sampled_from(["most-severe", "first-match"])),
        )
        space = _small(a, b)
        separated = any(
            interpret(a, p).effect is not interpret(b, p).effect
            for p in (space.purchase(pt) for pt in space.points())
        )
        assert equivalent(a, b) is not separated
        assert bool(diff(a, b)) is separated

    @settings(max_examples=15)
    @given(_SETS)
    def test_gaps(self, rule_set: RuleSet) -> None:
        """gaps() is empty exactly when every point has some rule that applies or might."""
        space = _small(rule_set)
        some = any(
            all(r.status not in (RuleStatus.APPLIES, RuleStatus.UNKNOWN) for r in d.results)
            for _, d in _brute(space, rule_set)  # type: ignore[attr-defined]
        )
        assert bool(gaps(rule_set)) is some

    @settings(max_examples=15)
    @given(_SETS)
    def test_escalations(self, rule_set: RuleSet) -> None:
        """escalations() covers exactly the effects of the points decided above what the known
        facts make certain (stating what is missing, within the vocabularies, could make them
        less severe)."""
        space = _small(rule_set)
        found = {e for pt in space.points() if (e := escalated(rule_set, space, pt))}
        assert {e.effect for e in escalations(rule_set)} == found

    @settings(max_examples=12)
    @given(_SETS)
    def test_lint_never_holds_and_shadowed(self, rule_set: RuleSet) -> None:
        """A rule lint calls never-holding holds at no point; one it calls shadowed changes no
        point's effect when removed."""
        space = _small(rule_set)
        points = [space.purchase(pt) for pt in space.points()]
        for finding in lint(rule_set):
            rule = rule_set.rule(finding.rule)
            if finding.code == "never-holds":
                assert all(rule.when.evaluate(p) is not True for p in points)
            if finding.code == "shadowed":
                without = attrs.evolve(
                    rule_set, rules=[r for r in rule_set.rules if r.id != rule.id]
                )
                assert all(
                    interpret(rule_set, p).effect is interpret(without, p).effect for p in points
                )

    @settings(max_examples=12)
    @given(_SETS)
    def test_lint_misses_no_never_holds(self, rule_set: RuleSet) -> None:
        """A rule whose condition holds at no point is reported."""
        space = _small(rule_set)
        points = [space.purchase(pt) for pt in space.points()]
        reported = {f.rule for f in lint(rule_set) if f.code == "never-holds"}
        for rule in rule_set.rules:
            if all(rule.when.evaluate(p) is not True for p in points):
                assert rule.id in reported


class TestAgainstRandomPurchases:
    @settings(max_examples=12)
    @given(_SETS, st.lists(purchases(), min_size=1, max_size=5))
    def test_space_covers_purchases(self, rule_set: RuleSet, drawn: list[Purchase]) -> None:
        """The effect of any purchase is one reachable() reports (the classes leave none out)."""
        effects = {r.effect for r in reachable(rule_set)}
        for p in drawn:
            assert interpret(rule_set, p).effect in effects

    @settings(max_examples=12)
    @given(_SETS, _SETS, st.lists(purchases(), min_size=1, max_size=5))
    def test_equivalent_sets_agree(self, a: RuleSet, b: RuleSet, drawn: list[Purchase]) -> None:
        """Two sets equivalent() calls equal decide any purchase alike."""
        if equivalent(a, b):
            for p in drawn:
                assert interpret(a, p).effect is interpret(b, p).effect


def _pack_like() -> RuleSet:
    return RuleSet(
        id="pack",
        version="1",
        rules=[
            Rule(
                id="ban",
                when=vendor.designated({"covered"}) & category.within("telecom"),
                effect="deny",
                in_force_from=dt.date(2020, 8, 13),
            ),
            Rule(
                id="ask",
                when=category.within("telecom") & ~fact("checked").is_true,
                effect="review",
            ),
        ],
    )


class TestSeededMistakes:
    def test_never_holds(self) -> None:
        """A condition on two origins at once is reported as never holding."""
        rs = attrs.evolve(
            _pack_like(),
            rules=[
                *_pack_like().rules,
                Rule(
                    id="impossible",
                    when=vendor.origin.in_({"CN"}) & vendor.origin.in_({"JP"}),
                    effect="deny",
                ),
            ],
        )
        found = [f for f in lint(rs) if f.rule == "impossible"]
        assert [f.code for f in found] == ["never-holds"]
        assert found[0].severity is Severity.ERROR

    def test_shadowed(self) -> None:
        """A narrower deny under a broader one is shadowed under most-severe."""
        rs = attrs.evolve(
            _pack_like(),
            rules=[
                *_pack_like().rules,
                Rule(
                    id="narrow",
                    when=vendor.designated({"covered"})
                    & category.within("telecom/network")
                    & purchase.date.on_or_after("2021-01-01"),
                    effect="deny",
                ),
            ],
        )
        assert [f.code for f in lint(rs) if f.rule == "narrow"] == ["shadowed"]

    def test_conflict_first_match(self) -> None:
        """Under first-match, overlapping rules with different effects are a conflict, with a
        witness on which both apply."""
        rs = RuleSet(
            id="fm",
            version="1",
            combining="first-match",
            rules=[
                Rule(id="allow-jp", when=vendor.origin.in_({"JP"}), effect="allow"),
                Rule(id="deny-telecom", when=category.within("telecom"), effect="deny"),
            ],
        )
        [finding] = [f for f in lint(rs) if f.code == "conflict"]
        assert {finding.rule, finding.other} == {"allow-jp", "deny-telecom"}
        assert finding.witness is not None
        decision = interpret(rs, finding.witness.purchase)
        applying = {r.rule for r in decision.results if r.status is RuleStatus.APPLIES}
        assert applying == {"allow-jp", "deny-telecom"}

    def test_unless_always(self) -> None:
        """An exception that holds wherever the condition does makes the rule never apply."""
        rs = RuleSet(
            id="u",
            version="1",
            rules=[
                Rule(
                    id="r",
                    when=category.within("telecom/network"),
                    unless=category.within("telecom"),
                    effect="deny",
                )
            ],
        )
        assert [f.code for f in lint(rs)] == ["never-applies"]

    def test_broad_escalation_region(self) -> None:
        """A rule asking every purchase for a fact escalates office laptops too."""
        rs = RuleSet(
            id="b",
            version="1",
            rules=[Rule(id="ask", when=~fact("checked").is_true, effect="deny")],
        )
        found = escalations(rs)
        assert found
        assert all(e.effect is Effect.REVIEW for e in found)
        assert any("facts.checked" in e.facts for e in found)


class TestDiff:
    def test_date_moved_one_day(self) -> None:
        """A copy with the ban's start moved a day differs exactly on that day."""
        old = _pack_like()
        ban = old.rule("ban")
        new = attrs.evolve(
            old,
            rules=[attrs.evolve(ban, in_force_from=dt.date(2020, 8, 14)), old.rule("ask")],
        )
        found = diff(old, new)
        assert found
        for d in found:
            assert d.witness.purchase.date == dt.date(2020, 8, 13)
            assert d.old is interpret(old, d.witness.purchase).effect
            assert d.new is interpret(new, d.witness.purchase).effect
        assert not equivalent(old, new)
        assert equivalent(old, old)

    def test_replay(self) -> None:
        """replay() lists the ledger rows whose effect changed, with the rules of each."""
        old = _pack_like()
        new = attrs.evolve(old, rules=[old.rule("ask")])
        buyer = Buyer(id="b", public=True, sector="central-government")
        rows = [
            Purchase(
                id="p1",
                buyer=buyer,
                vendor=Vendor(id="x", designations={"covered"}),
                category="telecom/network",
                date=dt.date(2021, 1, 1),
                facts={"checked": True},
            ),
            Purchase(id="p2", buyer=buyer, category="it", date=dt.date(2021, 1, 1)),
        ]
        [changed] = replay(old, new, rows)
        assert (changed.purchase_id, changed.old, changed.new) == ("p1", Effect.DENY, Effect.ALLOW)
        assert changed.old_rules == ("pack/ban",)


class TestGaps:
    def test_region(self) -> None:
        """Within public telecom purchases, the gap is where no rule reaches."""
        from vendorpolicy import buyer

        rs = _pack_like()
        found = gaps(rs, buyer.is_public & category.within("telecom"))
        for g in found:
            decision = interpret(rs, g.witness.purchase)
            assert decision.basis is Basis.DEFAULT
        assert found  # a checked telecom purchase from an uncovered vendor reaches no rule
        assert not gaps(rs, category.within("telecom") & ~fact("checked").is_true)


@pytest.mark.parametrize(
    "name", ["jp-2018", "au-5g-2018", "nz-ticsa", "se-pts-2020", "eu-5g-toolbox"]
)
def test_packs_reach_and_are_self_equivalent(name: str) -> None:
    """Each small bundled pack's reachable effects have witnesses, it equals itself, and lint
    finds nothing wrong with it."""
    from vendorpolicy.packs import load

    rs = load(name)
    assert reachable(rs)
    assert equivalent(rs, rs)
    assert lint(rs) == ()  # no false finding on a bundled pack


class TestCli:
    def test_lint_exits_1_on_errors_and_prints_json(self, tmp_path: Path) -> None:
        """`vendorpolicy lint` exits 1 on a never-holding rule and lists it in JSON."""
        rs = attrs.evolve(
            _pack_like(),
            rules=[
                *_pack_like().rules,
                Rule(
                    id="impossible",
                    when=vendor.origin.in_({"CN"}) & vendor.origin.in_({"JP"}),
                    effect="deny",
                ),
            ],
        )
        path = tmp_path / "rules.toml"
        save_rule_set(rs, path)
        out = io.StringIO()
        assert main(["lint", str(path), "--format", "json"], out=out) == 1
        doc = json.loads(out.getvalue())
        assert [(f["rule"], f["code"]) for f in doc["findings"]] == [("impossible", "never-holds")]
        out = io.StringIO()
        assert main(["lint", "--pack", "jp-2018"], out=out) == 0

    def test_diff(self, tmp_path: Path) -> None:
        """`vendorpolicy diff` lists the regions that changed and exits 1 when some did."""
        old = _pack_like()
        new = attrs.evolve(old, rules=[old.rule("ask")])
        save_rule_set(old, tmp_path / "old.toml")
        save_rule_set(new, tmp_path / "new.toml")
        out = io.StringIO()
        code = main(["diff", str(tmp_path / "old.toml"), str(tmp_path / "new.toml")], out=out)
        assert code == 1
        assert "DENY -> " in out.getvalue()
        out = io.StringIO()
        same = ["diff", str(tmp_path / "old.toml"), str(tmp_path / "old.toml")]
        assert main(same, out=out) == 0
