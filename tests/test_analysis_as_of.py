"""Whole-rule-set questions on a decision date (``as_of=``): every answer against brute force
over the points of the space, each decided by the interpreter with that ``as_of``; the
rewriting the analysis makes of the rules; examples and the command line. (With a registry
too: tests/test_analysis_registry.py.)"""

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
from vendorpolicy import Buyer, Effect, Purchase, Rule, RuleSet, category, decision_date, fact
from vendorpolicy._cli import main
from vendorpolicy._decision import RuleStatus
from vendorpolicy._engine import interpret
from vendorpolicy._files import save_rule_set
from vendorpolicy._predicates import (
    DecidedOnOrAfter,
    FactOnOrAfter,
    FactOnOrAfterDecision,
    FactOnOrBeforeDecision,
    Predicate,
)
from vendorpolicy.analysis import (
    Severity,
    assumptions,
    diff,
    equivalent,
    escalations,
    gaps,
    lint,
    reachable,
)
from vendorpolicy.analysis._registry import scope_for
from vendorpolicy.analysis._space import Space
from vendorpolicy.errors import PredicateTypeError
from vendorpolicy.testing import purchases, rule_sets

#: Spaces up to this many points are enumerated in full.
_SMALL = 3000
_DAY = dt.timedelta(days=1)


def _nodes(node: Predicate) -> list[Predicate]:
    return [node, *(n for child in node.children for n in _nodes(child))]


def _roots(rule_sets: tuple[RuleSet, ...]) -> list[Predicate]:
    return [
        root
        for rs in rule_sets
        for layer in rs.layers()
        for r in layer.rules
        for root in (r.when, r.unless, *(c.when for c in r.cases))
        if root is not None
    ]


def _space(rule_sets: tuple[RuleSet, ...], as_of: dt.date) -> Space:
    """The rules' space, with each fact they compare with the decision date also compared
    with ``as_of`` and the next day, so that a value before, on and after it is among the
    points."""
    names = sorted(
        {
            n.name
            for root in _roots(rule_sets)
            for n in _nodes(root)
            if isinstance(n, (FactOnOrAfterDecision, FactOnOrBeforeDecision))
        }
    )
    extra = [FactOnOrAfter(name=k, date=d) for k in names for d in (as_of, as_of + _DAY)]
    space = Space(rule_sets, extra)
    assume(space.size <= _SMALL)
    return space


def _points(space: Space) -> list[Purchase]:
    return [space.purchase(pt) for pt in space.points()]


@st.composite
def _dated(draw: st.DrawFn, sets: st.SearchStrategy[RuleSet]) -> tuple[RuleSet, dt.date]:
    """A rule set and a decision date: a date its windows or decision-date conditions name,
    the day before, or another."""
    rs = draw(sets)
    days = {dt.date(2021, 6, 1)}
    for layer in rs.layers():
        for r in layer.rules:
            days |= {d for d in (r.in_force_from, r.in_force_until) if d is not None}
    days |= {
        n.date for root in _roots((rs,)) for n in _nodes(root) if isinstance(n, DecidedOnOrAfter)
    }
    days |= {d - _DAY for d in days}
    return rs, draw(st.sampled_from(sorted(days)))


_SETS = rule_sets(max_rules=3, max_includes=1)
_DATED = _dated(_SETS)


class TestAgainstBruteForce:
    @settings(max_examples=15)
    @given(_DATED)
    def test_reachable(self, drawn: tuple[RuleSet, dt.date]) -> None:
        """reachable(as_of=) finds exactly the effects some point gets on that date."""
        rule_set, on = drawn
        seen = {interpret(rule_set, p, as_of=on).effect for p in _points(_space((rule_set,), on))}
        found = reachable(rule_set, as_of=on)
        assert {r.effect for r in found} == seen
        for r in found:
            assert interpret(rule_set, r.witness.purchase, as_of=on).effect is r.effect

    @settings(max_examples=15)
    @given(_DATED, st.data())
    def test_equivalent(self, drawn: tuple[RuleSet, dt.date], data: st.DataObject) -> None:
        """equivalent(as_of=) is false exactly when some point separates two sets on that
        date, and diff(as_of=) then finds a difference, its witnesses decided so."""
        a, on = drawn
        keep = data.draw(
            st.lists(st.sampled_from(a.rules), unique=True) if a.rules else st.just([])
        )
        b = attrs.evolve(
            a,
            rules=keep,
            default=data.draw(st.sampled_from(list(Effect))),
            combining=data.draw(st.sampled_from(["most-severe", "first-match"])),
        )
        separated = any(
            interpret(a, p, as_of=on).effect is not interpret(b, p, as_of=on).effect
            for p in _points(_space((a, b), on))
        )
        assert equivalent(a, b, as_of=on) is not separated
        found = diff(a, b, as_of=on)
        assert bool(found) is separated
        for d in found:
            assert interpret(a, d.witness.purchase, as_of=on).effect is d.old
            assert interpret(b, d.witness.purchase, as_of=on).effect is d.new

    @settings(max_examples=15)
    @given(_DATED)
    def test_gaps(self, drawn: tuple[RuleSet, dt.date]) -> None:
        """gaps(as_of=) is empty exactly when every point has, on that date, some rule that
        applies or might."""
        rule_set, on = drawn
        some = any(
            all(
                r.status not in (RuleStatus.APPLIES, RuleStatus.UNKNOWN)
                for r in interpret(rule_set, p, as_of=on).results
            )
            for p in _points(_space((rule_set,), on))
        )
        assert bool(gaps(rule_set, as_of=on)) is some

    @settings(max_examples=15)
    @given(_DATED)
    def test_escalations(self, drawn: tuple[RuleSet, dt.date]) -> None:
        """escalations(as_of=) covers exactly the effects of the points decided, on that
        date, above what the known facts make certain."""
        rule_set, on = drawn
        space = _space((rule_set,), on)
        found = {e for pt in space.points() if (e := escalated(rule_set, space, pt, on))}
        assert {e.effect for e in escalations(rule_set, as_of=on)} == found

    @settings(max_examples=12)
    @given(_DATED)
    def test_lint(self, drawn: tuple[RuleSet, dt.date]) -> None:
        """lint(as_of=) reports exactly the rules not in force on that date as such; of the
        others, never-holds exactly those whose condition holds at no point, and a rule it
        calls shadowed changes no point's effect on that date when removed."""
        rule_set, on = drawn
        points = _points(_space((rule_set,), on))
        findings = lint(rule_set, as_of=on)
        asleep = {f.rule for f in findings if f.code == "not-in-force"}
        assert asleep == {r.id for r in rule_set.rules if r.has_window and not r.in_force(on)}
        assert all(f.severity is Severity.INFO for f in findings if f.code == "not-in-force")
        never = {f.rule for f in findings if f.code == "never-holds"}
        for rule in rule_set.rules:
            if rule.id in asleep:
                others = [f for f in findings if f.code != "not-in-force"]
                assert not any(rule.id in (f.rule, f.other) for f in others)
                continue
            holds = any(rule.when.evaluate(p, as_of=on) is True for p in points)
            assert (rule.id in never) is not holds
        for f in findings:
            if f.code == "shadowed":
                without = attrs.evolve(
                    rule_set, rules=[r for r in rule_set.rules if r.id != f.rule]
                )
                assert all(
                    interpret(rule_set, p, as_of=on).effect
                    is interpret(without, p, as_of=on).effect
                    for p in points
                )


class TestAgainstRandomPurchases:
    @settings(max_examples=12)
    @given(_DATED, st.lists(purchases(), min_size=1, max_size=5))
    def test_space_covers_purchases(
        self, drawn: tuple[RuleSet, dt.date], bought: list[Purchase]
    ) -> None:
        """The effect of any purchase decided on the date is one reachable(as_of=) reports."""
        rule_set, on = drawn
        effects = {r.effect for r in reachable(rule_set, as_of=on)}
        for p in bought:
            assert interpret(rule_set, p, as_of=on).effect in effects


_AGENCY = Buyer(id="agency", public=True, sector="central-government")

#: A waiver that expires: purchases of telecom equipment are denied unless a waiver holds
#: that has not expired on the decision date (no waiver stated: none); from 2024 on, they are
#: reviewed too.
_WAIVED = RuleSet(
    id="waived",
    version="1",
    rules=[
        Rule(
            id="ban",
            when=category.within("telecom"),
            unless=fact("waiver-expires").on_or_after_decision_date(if_missing=False),
            effect="deny",
            in_force_from=dt.date(2020, 8, 13),
        ),
        Rule(
            id="late-review",
            when=category.within("telecom") & decision_date.on_or_after(dt.date(2024, 1, 1)),
            effect="review",
        ),
    ],
)


class TestExamples:
    def test_before_the_window_nothing_is_denied(self) -> None:
        """Decided before the ban takes effect, every purchase is allowed, whatever its date;
        on the day it does, some are denied (and those whose category is not known are
        reviewed), and the witness is decided so by the interpreter."""
        before = reachable(_WAIVED, as_of=dt.date(2020, 8, 12))
        assert [r.effect for r in before] == [Effect.ALLOW]
        on = reachable(_WAIVED, as_of=dt.date(2020, 8, 13))
        assert [r.effect for r in on] == [Effect.ALLOW, Effect.REVIEW, Effect.DENY]
        purchase = on[-1].witness.purchase
        assert _WAIVED.evaluate(purchase, as_of=dt.date(2020, 8, 13)).effect is Effect.DENY

    def test_waiver_compared_with_the_decision_date(self) -> None:
        """The waiver's expiry is compared with the decision date: every denied witness
        states no waiver, or one that expired before that date."""
        on = dt.date(2022, 3, 1)
        found = diff(_WAIVED, attrs.evolve(_WAIVED, rules=[]), as_of=on)
        denied = [d.witness.purchase for d in found if d.old is Effect.DENY]
        assert denied
        for p in denied:
            expires = p.facts.get("waiver-expires")
            assert expires is None or (isinstance(expires, dt.date) and expires < on)

    def test_the_decision_date_condition_is_settled(self) -> None:
        """A decision-date condition is true or false on the date: the late review never
        holds before 2024, and no escalation on a date asks for the purchase date, which
        the ban's window needs without one."""
        before = lint(_WAIVED, as_of=dt.date(2023, 12, 31))
        assert ("never-holds", "late-review") in {(f.code, f.rule) for f in before}
        assert lint(_WAIVED, as_of=dt.date(2024, 1, 1)) == ()
        facts = {f for e in escalations(_WAIVED, as_of=dt.date(2024, 1, 1)) for f in e.facts}
        assert facts
        assert "purchase.date" not in facts
        assert "purchase.date" in {f for e in escalations(_WAIVED) for f in e.facts}

    def test_lint_not_in_force(self) -> None:
        """lint(as_of=) says which rules are not in force on the date, as info, and nothing
        else of them."""
        findings = lint(_WAIVED, as_of=dt.date(2019, 1, 1))
        assert [(f.code, f.rule, f.severity) for f in findings] == [
            ("never-holds", "late-review", Severity.ERROR),
            ("not-in-force", "ban", Severity.INFO),
        ]
        assert "from 2020-08-13, not on 2019-01-01" in findings[1].message
        assert [f.code for f in lint(_WAIVED, as_of=dt.date(2024, 1, 1))] == []

    def test_assumptions_name_the_date(self) -> None:
        """assumptions(as_of=) says the decision date is the one given."""
        said = assumptions(_WAIVED, as_of=dt.date(2021, 1, 1))[-1]
        assert said.startswith("the decision date is 2021-01-01 (`as_of`)")
        assert "no `as_of`" in assumptions(_WAIVED)[-1]

    @pytest.mark.parametrize("bad", ["2021-01-01", dt.datetime(2021, 1, 1), 20210101])
    def test_as_of_must_be_a_date(self, bad: object) -> None:
        """An `as_of` that is not a date is refused, saying where."""
        with pytest.raises(PredicateTypeError, match="expected a date") as caught:
            reachable(_WAIVED, as_of=bad)  # type: ignore[arg-type]
        assert caught.value.path == "as_of"

    def test_the_scope_is_kept_per_date(self) -> None:
        """Each decision date has its own scope; none is made without a date or registry."""
        one, other = dt.date(2021, 1, 1), dt.date(2022, 1, 1)
        assert scope_for(None) is None
        assert scope_for(None, one) is scope_for(None, one)
        assert scope_for(None, one) is not scope_for(None, other)


class TestCommandLine:
    def test_lint_and_diff_take_as_of(self, tmp_path: Path) -> None:
        """`lint --as-of` lists the rules not in force then, and the late review that never
        holds before 2024 (an error: exit 1); `diff --as-of` compares
        the two sets decided on the date: moving the ban's start from 2020-08-13 to
        2020-08-14 changes decisions on 2020-08-13 (those denied, and those reviewed for want
        of the category) and none on 2020-08-14."""
        moved = attrs.evolve(
            _WAIVED,
            version="2",
            rules=[
                attrs.evolve(_WAIVED.rule("ban"), in_force_from=dt.date(2020, 8, 14)),
                _WAIVED.rule("late-review"),
            ],
        )
        save_rule_set(_WAIVED, tmp_path / "v1.toml")
        save_rule_set(moved, tmp_path / "v2.toml")
        out = io.StringIO()
        assert main(["lint", str(tmp_path / "v1.toml"), "--as-of", "2019-01-01"], out=out) == 1
        assert "info: ban: it is in force from 2020-08-13, not on 2019-01-01" in out.getvalue()
        assert "error: late-review:" in out.getvalue()
        out = io.StringIO()
        assert main(["lint", str(tmp_path / "v1.toml"), "--as-of", "2024-01-01"], out=out) == 0
        files = [str(tmp_path / "v1.toml"), str(tmp_path / "v2.toml")]
        out = io.StringIO()
        assert main(["diff", *files, "--as-of", "2020-08-13", "--format", "json"], out=out) == 1
        regions = json.loads(out.getvalue())
        assert {(r["old"], r["new"]) for r in regions} == {("deny", "allow"), ("review", "allow")}
        out = io.StringIO()
        assert main(["diff", *files, "--as-of", "2020-08-14"], out=out) == 0
        assert main(["diff", *files, "--as-of", "14/08/2020"], out=io.StringIO()) == 2

    def test_diff_ledger_takes_as_of(self, tmp_path: Path) -> None:
        """`diff --ledger --as-of` decides each row on the date, as `check --as-of` does: a
        row of 2019 is denied by the moved ban only when decided on 2020-08-13."""
        moved = attrs.evolve(
            _WAIVED,
            rules=[attrs.evolve(_WAIVED.rule("ban"), in_force_from=dt.date(2020, 8, 14))],
        )
        old = attrs.evolve(_WAIVED, rules=[_WAIVED.rule("ban")])
        save_rule_set(old, tmp_path / "v1.toml")
        save_rule_set(moved, tmp_path / "v2.toml")
        ledger = tmp_path / "ledger.csv"
        ledger.write_text(
            "id,buyer_id,buyer_public,buyer_sector,category,date\n"
            "po-1,agency,true,central-government,telecom/network,2019-05-01\n",
            encoding="utf-8",
        )
        args = [str(tmp_path / "v1.toml"), str(tmp_path / "v2.toml"), "--ledger", str(ledger)]
        assert main(["diff", *args], out=io.StringIO()) == 0
        out = io.StringIO()
        assert main(["diff", *args, "--as-of", "2020-08-13", "--format", "json"], out=out) == 1
        [row] = json.loads(out.getvalue())["changed"]
        assert (row["old"], row["new"], row["old_rules"]) == ("deny", "allow", ["waived/ban"])
