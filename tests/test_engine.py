"""Rule sets and decisions: combining, unknowns, dates, composition, failing closed."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendorpolicy import (
    ALWAYS,
    Basis,
    Buyer,
    Case,
    Combining,
    Decision,
    Effect,
    Purchase,
    Rule,
    RuleSet,
    RuleStatus,
    ScreenedRow,
    Trace,
    Vendor,
    buyer,
    category,
    custom,
    fact,
    vendor,
)
from vendorpolicy._cli import decision_table
from vendorpolicy._ledger import result_record
from vendorpolicy._samples import sample_purchases, sample_rule_set
from vendorpolicy.errors import InvalidValueError, PredicateTypeError
from vendorpolicy.predicates import AllComponents, AnyComponent
from vendorpolicy.testing import DATE_FACT_POOL, FACT_POOL, purchases, rule_sets, rules

PUBLIC = Buyer(id="mic", public=True, sector="central-government")
PRIVATE = Buyer(id="carrier", public=False, sector="carrier")
HUAWEI = Vendor(id="huawei", country="CN", designations={"covered"})
#: The fact pool without its malformed date (which leaves date conditions unknown on purpose).
WELL_FORMED_FACTS = {
    name: tuple(v for v in values if not (isinstance(v, str) and name in DATE_FACT_POOL))
    for name, values in FACT_POOL.items()
}


def brute_force_range(rule_set: RuleSet, decision: Decision) -> tuple[Effect, Effect]:
    """Least and most severe outcome over every way the unknowns could turn out.

    Each unknown rule is tried as applying and not applying, and each rule with several possible
    effects is tried with each; the outcome of each combination is computed by the plain
    definition of the combining strategy.
    """
    results = [r for r in decision.results if r.rule_set == rule_set.id]
    choices = []
    for r in results:
        if r.status is RuleStatus.APPLIES:
            choices.append(list(r.possible_effects))
        elif r.status is RuleStatus.UNKNOWN:
            choices.append([None, *r.possible_effects])
        else:
            choices.append([None])
    outcomes = set()
    for combo in itertools.product(*choices):
        applied = [e for e in combo if e is not None]
        if rule_set.combining is Combining.FIRST_MATCH:
            outcomes.add(applied[0] if applied else rule_set.default)
        else:
            outcomes.add(max(applied) if applied else rule_set.default)
    return min(outcomes), max(outcomes)


class TestCombining:
    @given(rule_sets(max_includes=0), purchases())
    def test_decision_matches_brute_force(self, rs: RuleSet, p: Purchase) -> None:
        """The effect is max(lo, min(hi, on_unknown)) over all resolutions of the unknowns, and
        the decision is certain exactly when lo == hi."""
        d = rs.evaluate(p)
        lo, hi = brute_force_range(rs, d)
        assert d.effect is max(lo, min(hi, rs.on_unknown))
        assert (d.basis is Basis.UNKNOWN) == (lo is not hi)

    @given(rule_sets(combining=Combining.MOST_SEVERE, max_includes=0), purchases(), st.randoms())
    def test_most_severe_ignores_order(self, rs: RuleSet, p: Purchase, rnd: object) -> None:
        """Under most-severe-wins, shuffling the rules changes nothing in the decision."""
        shuffled = list(rs.rules)
        rnd.shuffle(shuffled)  # type: ignore[attr-defined]
        other = RuleSet(
            id=rs.id,
            version=rs.version,
            rules=shuffled,
            default=rs.default,
            on_unknown=rs.on_unknown,
        )
        a, b = rs.evaluate(p), other.evaluate(p)
        assert (a.effect, a.basis, set(a.determining_keys), set(a.obligations)) == (
            b.effect,
            b.basis,
            set(b.determining_keys),
            set(b.obligations),
        )

    @given(
        rule_sets(combining=Combining.MOST_SEVERE, default=Effect.ALLOW, max_includes=0),
        rules(rule_id="added"),
        purchases(),
    )
    def test_adding_a_rule_never_lowers(self, rs: RuleSet, extra: Rule, p: Purchase) -> None:
        """With the default ALLOW, adding a rule never lowers the effect (monotone)."""
        bigger = RuleSet(
            id=rs.id, version=rs.version, rules=[*rs.rules, extra], on_unknown=rs.on_unknown
        )
        assert bigger.evaluate(p).effect >= rs.evaluate(p).effect

    @given(rule_sets(combining=Combining.FIRST_MATCH, max_includes=0), purchases())
    def test_first_match_is_first_applying_rule(self, rs: RuleSet, p: Purchase) -> None:
        """Under first-match with no unknowns in the way, the first rule that applies decides."""
        d = rs.evaluate(p)
        if d.basis is Basis.RULES:
            first = next(r for r in d.results if r.status is RuleStatus.APPLIES)
            assert d.determining_keys == (first.key,)
            before = d.results[: d.results.index(first)]
            assert all(r.status is not RuleStatus.APPLIES for r in before)


class TestDecisionFacts:
    @given(rule_sets(), purchases())
    def test_determining_rules_hold(self, rs: RuleSet, p: Purchase) -> None:
        """Every determining rule applies: in force, condition true, exception not true, and
        its effect is the decision's."""
        d = rs.evaluate(p)
        when = p.date
        for result in d.determining:
            layer = next(layer for layer in rs.layers() if layer.id == result.rule_set)
            rule = layer.rule(result.rule)
            assert result.status is RuleStatus.APPLIES
            assert rule.when.evaluate(p) is True
            assert rule.unless is None or rule.unless.evaluate(p) is False
            assert when is not None or not rule.has_window
            assert when is None or rule.in_force(when)
            assert result.effect is d.effect

    @given(rule_sets(), purchases())
    def test_traces_agree_with_direct_evaluation(self, rs: RuleSet, p: Purchase) -> None:
        """Each traced node outside a component quantifier has the value that evaluating its
        predicate directly gives, and each quantifier's children are its components."""
        d = rs.evaluate(p)

        def check(trace: Trace) -> None:
            assert trace.predicate.evaluate(p) == trace.value
            if isinstance(trace.predicate, (AnyComponent, AllComponents)):
                assert len(trace.children) == len(p.components or ())
                return
            for child in trace.children:
                check(child)

        for result in d.results:
            for trace in (result.condition, result.exception, *result.cases):
                if trace is not None:
                    check(trace)

    @given(rule_sets(), purchases())
    def test_deterministic(self, rs: RuleSet, p: Purchase) -> None:
        """The same purchase gives the same decision, down to its JSON."""
        a, b = rs.evaluate(p), rs.evaluate(p)
        assert a == b
        assert a.to_json() == b.to_json()

    @given(rule_sets(), purchases())
    def test_decision_is_json(self, rs: RuleSet, p: Purchase) -> None:
        """A decision converts to JSON types only, carrying the rule set digest."""
        data = json.loads(rs.evaluate(p).to_json())
        assert data["digest"] == rs.digest
        assert data["effect"] in {e.value for e in Effect}
        assert len(data["results"]) == sum(len(layer.rules) for layer in rs.layers())

    @given(rule_sets(), purchases())
    def test_missing_facts_only_when_unknown_rules(self, rs: RuleSet, p: Purchase) -> None:
        """Missing facts are listed exactly when some rule could not be settled."""
        d = rs.evaluate(p)
        unsettled = any(
            r.status is RuleStatus.UNKNOWN or len(r.possible_effects) > 1 for r in d.results
        )
        if d.missing_facts:
            assert unsettled
        if d.basis is Basis.UNKNOWN:
            assert unsettled

    @given(rule_sets(), purchases(complete=True, facts=WELL_FORMED_FACTS))
    def test_complete_purchases_miss_only_exchange_rates(self, rs: RuleSet, p: Purchase) -> None:
        """A purchase that states every fact (well formed) leaves nothing missing but a
        threshold in another currency than its own, which no exchange rate settles."""
        assert p.value is not None
        other = {f"purchase.value in {c}" for c in ("JPY", "USD") if c != p.value.currency}
        assert set(rs.evaluate(p).missing_facts) <= other


class TestSeedCase:
    """One criterion binds public buyers and only advises private ones, written once."""

    RULES = RuleSet(
        id="jp-gov-2018",
        version="1",
        rules=[
            Rule(
                id="no-risky-telecom",
                when=vendor.designated("covered", through_ownership=True)
                & category.within("telecom"),
                effect=Effect.DENY,
                cases=[Case(when=buyer.is_private, effect=Effect.WARN)],
                reason="supply-chain risk",
                source="a source",
            )
        ],
    )

    def test_public_denied(self) -> None:
        """A public buyer is denied, by the rule, with its reason and source."""
        d = self.RULES.evaluate(Purchase(buyer=PUBLIC, vendor=HUAWEI, category="telecom/router"))
        assert (d.effect, d.basis) == (Effect.DENY, Basis.RULES)
        assert [(r.rule, r.reason, r.source) for r in d.determining] == [
            ("no-risky-telecom", "supply-chain risk", "a source")
        ]

    def test_private_warned(self) -> None:
        """A private buyer is only warned by the same rule."""
        d = self.RULES.evaluate(Purchase(buyer=PRIVATE, vendor=HUAWEI, category="telecom/router"))
        assert (d.effect, d.basis) == (Effect.WARN, Basis.RULES)

    def test_three_bases_differ(self) -> None:
        """Denied by a rule, no rule applied, and escalated for unknowns are told apart."""
        applied = self.RULES.evaluate(Purchase(buyer=PUBLIC, vendor=HUAWEI, category="telecom"))
        none = self.RULES.evaluate(Purchase(buyer=PUBLIC, vendor=HUAWEI, category="it/server"))
        unknown = self.RULES.evaluate(Purchase(buyer=PUBLIC, vendor=HUAWEI))
        assert [applied.basis, none.basis, unknown.basis] == [
            Basis.RULES,
            Basis.DEFAULT,
            Basis.UNKNOWN,
        ]
        assert (none.effect, unknown.effect) == (Effect.ALLOW, Effect.REVIEW)
        assert unknown.missing_facts == ("category",)
        assert unknown.determining == ()


class TestUnknownsFailClosed:
    def test_unknown_deny_escalates_to_on_unknown(self) -> None:
        """A deny rule that might apply contributes on_unknown (REVIEW by default)."""
        rs = RuleSet(
            id="s",
            version="1",
            rules=[
                Rule(id="r", when=vendor.origin.in_("CN"), effect=Effect.DENY),
            ],
        )
        d = rs.evaluate(Purchase(buyer=PUBLIC, vendor=Vendor(id="v")))
        assert (d.effect, d.basis, d.missing_facts) == (
            Effect.REVIEW,
            Basis.UNKNOWN,
            ("vendor.country",),
        )

    def test_on_unknown_caps_escalation(self) -> None:
        """on_unknown=WARN caps the escalation at WARN."""
        rs = RuleSet(
            id="s",
            version="1",
            on_unknown=Effect.WARN,
            rules=[
                Rule(id="r", when=vendor.origin.in_("CN"), effect=Effect.DENY),
            ],
        )
        assert rs.evaluate(Purchase(buyer=PUBLIC)).effect is Effect.WARN

    def test_unknown_allow_under_deny_default_is_not_allow(self) -> None:
        """In an allow-list (default DENY), an allow rule that might apply does not allow."""
        rs = RuleSet(
            id="s",
            version="1",
            default=Effect.DENY,
            rules=[
                Rule(id="approved", when=vendor.id.in_("nec"), effect=Effect.ALLOW),
            ],
        )
        assert rs.evaluate(Purchase(buyer=PUBLIC)).effect is Effect.REVIEW
        assert rs.evaluate(Purchase(buyer=PUBLIC, vendor=Vendor(id="nec"))).effect is Effect.ALLOW
        assert rs.evaluate(Purchase(buyer=PUBLIC, vendor=Vendor(id="x"))).effect is Effect.DENY

    def test_failing_custom_predicate_fails_closed(self) -> None:
        """A rule whose custom check raises is unknown; the decision says so and escalates."""

        @custom("lookup")
        def lookup(p: Purchase) -> bool | None:
            raise ConnectionError("sanctions service unreachable")

        rs = RuleSet(id="s", version="1", rules=[Rule(id="r", when=lookup, effect=Effect.DENY)])
        d = rs.evaluate(Purchase(buyer=PUBLIC))
        assert d.effect is Effect.REVIEW
        assert d.basis is Basis.UNKNOWN
        assert any("sanctions service unreachable" in e for e in d.errors)
        assert "failing closed" in d.explain()


class TestDates:
    RULE = Rule(
        id="r",
        when=ALWAYS,
        effect=Effect.DENY,
        in_force_from=dt.date(2019, 8, 13),
        in_force_until=dt.date(2021, 8, 13),
    )

    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (dt.date(2019, 8, 12), Effect.ALLOW),
            (dt.date(2019, 8, 13), Effect.DENY),
            (dt.date(2021, 8, 13), Effect.DENY),
            (dt.date(2021, 8, 14), Effect.ALLOW),
        ],
    )
    def test_window_inclusive(self, day: dt.date, expected: Effect) -> None:
        """Both ends of the window are in force; the days outside are not."""
        rs = RuleSet(id="s", version="1", rules=[self.RULE])
        assert rs.evaluate(Purchase(buyer=PUBLIC, date=day)).effect is expected

    def test_as_of_overrides_purchase_date(self) -> None:
        """An explicit as_of is the decision date and is recorded."""
        rs = RuleSet(id="s", version="1", rules=[self.RULE])
        d = rs.evaluate(Purchase(buyer=PUBLIC, date=dt.date(2018, 1, 1)), as_of=dt.date(2020, 1, 1))
        assert (d.effect, d.as_of) == (Effect.DENY, dt.date(2020, 1, 1))

    def test_no_date_is_unknown_not_today(self) -> None:
        """Without a date the window is unknown: the wall clock is never read."""
        rs = RuleSet(id="s", version="1", rules=[self.RULE])
        d = rs.evaluate(Purchase(buyer=PUBLIC))
        assert (d.effect, d.basis, d.missing_facts) == (
            Effect.REVIEW,
            Basis.UNKNOWN,
            ("purchase.date",),
        )

    def test_window_backwards_refused(self) -> None:
        """A window that ends before it starts is refused."""
        with pytest.raises(InvalidValueError, match="ends"):
            Rule(
                id="r",
                when=ALWAYS,
                effect="deny",
                in_force_from=dt.date(2020, 1, 2),
                in_force_until=dt.date(2020, 1, 1),
            )


class TestComposition:
    @given(rule_sets(max_includes=2), purchases())
    def test_most_severe_layer_wins(self, rs: RuleSet, p: Purchase) -> None:
        """A composed decision is the most severe of its layers' decisions."""
        d = rs.evaluate(p)
        assert d.effect is max(layer.effect for layer in d.layers)
        for layer in rs.includes:
            assert d.effect >= layer.evaluate(p).effect

    def test_ministry_cannot_lift_national_law(self) -> None:
        """A ministry's ALLOW rule on top of a national DENY does not lift it."""
        national = RuleSet(
            id="national",
            version="1",
            rules=[
                Rule(id="deny-covered", when=vendor.designated("covered"), effect=Effect.DENY),
            ],
        )
        ministry = RuleSet(
            id="ministry",
            version="1",
            includes=[national],
            rules=[
                Rule(id="allow-all", when=ALWAYS, effect=Effect.ALLOW),
                Rule(
                    id="consult",
                    when=fact("scope").in_("secret"),
                    effect=Effect.REVIEW,
                    obligations=["consult NISC"],
                ),
            ],
        )
        d = ministry.evaluate(Purchase(buyer=PUBLIC, vendor=HUAWEI, facts={"scope": "secret"}))
        assert d.effect is Effect.DENY
        assert d.determining_keys == ("national/deny-covered",)
        assert d.obligations == ("consult NISC",)

    def test_conflicting_ids_refused(self) -> None:
        """Two different included sets with one id are refused: references would be ambiguous."""
        a = RuleSet(id="x", version="1")
        b = RuleSet(id="x", version="2")
        with pytest.raises(InvalidValueError, match="share the id `x`"):
            RuleSet(id="top", version="1", includes=[a, b])


class TestRuleSetErrors:
    def test_duplicate_rule_ids(self) -> None:
        """Duplicate rule ids are refused, naming both positions."""
        r = Rule(id="r", when=ALWAYS, effect="deny")
        with pytest.raises(InvalidValueError) as info:
            RuleSet(id="s", version="1", rules=[r, r])
        assert info.value.path == "RuleSet.rules[1].id"
        assert "rules[0]" in info.value.message

    def test_empty_rule_id(self) -> None:
        """An empty rule id is refused, naming the field."""
        with pytest.raises(InvalidValueError) as info:
            Rule(id="", when=ALWAYS, effect="deny")
        assert str(info.value).startswith("empty id @ Rule.id")

    def test_rule_of_wrong_type(self) -> None:
        """A rule set's rules must be Rules; the position of the odd one is named."""
        with pytest.raises(PredicateTypeError) as info:
            RuleSet(id="s", version="1", rules=[{"id": "r"}])  # type: ignore[list-item]
        assert info.value.path == "RuleSet.rules[0]"

    def test_unknown_effect(self) -> None:
        """An unknown effect lists the choices."""
        with pytest.raises(InvalidValueError, match="`allow`, `warn`, `review`, `deny`"):
            Rule(id="r", when=ALWAYS, effect="block")

    def test_evaluate_needs_purchase(self) -> None:
        """Evaluating something that is not a Purchase is a type error, not a decision."""
        with pytest.raises(PredicateTypeError, match="expected a Purchase"):
            RuleSet(id="s", version="1").evaluate({"buyer": "x"})  # type: ignore[arg-type]

    def test_empty_version(self) -> None:
        """A rule set needs a version, for the audit trail."""
        with pytest.raises(InvalidValueError, match="empty version"):
            RuleSet(id="s", version="")


def with_case_reasons(rs: RuleSet) -> RuleSet:
    """``rs`` with a reason on every case, naming the rule and the case."""
    return attrs.evolve(
        rs,
        rules=[
            attrs.evolve(
                rule,
                cases=[
                    attrs.evolve(case, reason=f"case {i} of {rule.id}")
                    for i, case in enumerate(rule.cases)
                ],
            )
            for rule in rs.rules
        ],
    )


class TestCaseReasons:
    """When a case decides a rule's effect, the case's reason is the result's reason (in
    `explain()`, `to_json()`, the CSV `reason` column and the tables); the rule's own reason
    stays in `rule_reason`."""

    @given(rule_sets(max_includes=0), purchases())
    def test_reason_is_the_deciding_cases(self, generated: RuleSet, p: Purchase) -> None:
        """A result's `case` is the first case that surely holds, all before it surely not;
        its reason is then that case's, else the rule's."""
        rs = with_case_reasons(generated)
        decision = rs.evaluate(p)
        for result in decision.results:
            rule = rs.rule(result.rule)
            assert result.rule_reason == rule.reason
            values = [t.value for t in result.cases]
            deciding = next((i for i, v in enumerate(values) if v is not False), None)
            if deciding is not None and values[deciding] is True:
                assert result.case == deciding
                assert result.reason == f"case {deciding} of {rule.id}"
            else:
                assert result.case is None
                assert result.reason == rule.reason
        record = result_record(ScreenedRow(line=2, purchase=p, decision=decision), rs)
        assert record["reason"] == "; ".join(r.reason for r in decision.determining if r.reason)
        written = json.loads(decision.to_json())["results"]
        assert [(r["reason"], r["rule_reason"], r["case"]) for r in written] == [
            (r.reason, r.rule_reason, r.case) for r in decision.results
        ]

    def test_private_carrier_warn_row_gives_the_cases_reason(self) -> None:
        """The WARN for a private carrier says why it is only a warning, everywhere it is
        shown; the rule's reason is still there."""
        rules = sample_rule_set()
        p002 = next(p for p in sample_purchases() if p.id == "p-002")
        decision = rules.evaluate(p002)
        (result,) = decision.determining
        assert (decision.effect, result.case) == (Effect.WARN, 0)
        assert result.reason == "private carriers are only asked to take note"
        assert result.rule_reason.endswith("is not to be procured")
        explained = decision.explain()
        assert "      reason: private carriers are only asked to take note" in explained
        assert "      rule's reason: equipment from a maker" in explained
        assert "      case (decides):" in explained
        assert json.loads(decision.to_json())["results"][0]["reason"] == result.reason
        record = result_record(ScreenedRow(line=2, purchase=p002, decision=decision), rules)
        assert record["reason"] == "private carriers are only asked to take note"
        row = next(
            line for line in decision_table([(p002, decision)]).splitlines() if "p-002" in line
        )
        assert row.endswith("no-supply-chain-risk: private carriers are only asked to take note")
