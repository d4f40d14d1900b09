"""Partial evaluation: residual rule sets and the catalog question (vendorpolicy.analysis)."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vendorpolicy import (
    ALWAYS,
    NEVER,
    Buyer,
    Category,
    Component,
    Decision,
    Effect,
    Purchase,
    Rule,
    RuleSet,
    Vendor,
    bundled_registry,
    buyer,
    category,
    decision_date,
    packs,
    purchase,
    vendor,
)
from vendorpolicy._engine import interpret
from vendorpolicy._predicates import (
    AcquiredOnOrAfter,
    BuyerCountry,
    BuyerPublic,
    BuyerSector,
    DateOnOrAfter,
    DecidedOnOrAfter,
    FactOnOrAfterDecision,
    FactOnOrBeforeDecision,
    Predicate,
    PurposeIn,
)
from vendorpolicy.analysis import Partial, may_buy, residual, screen_catalog, simplify
from vendorpolicy.errors import InvalidValueError, PredicateTypeError
from vendorpolicy.testing import purchases, purchases_for, rule_sets

_FIELDS = ("buyer", "date", "value", "purpose", "acquired")
_DAYS = st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2027, 12, 31))


def _outcome(decision: Decision) -> tuple[Any, ...]:
    """What the residual must keep: effect, basis, determining rules and obligations."""
    return (decision.effect, decision.basis, decision.determining_keys, decision.obligations)


@st.composite
def _partials_of(draw: st.DrawFn, subject: Purchase) -> Partial:
    """A partial purchase that ``subject`` completes: some of its fields and facts fixed, and
    sometimes a decision date."""
    fixed = draw(st.sets(st.sampled_from(_FIELDS)))
    fields: dict[str, Any] = {
        name: getattr(subject, name) for name in fixed if getattr(subject, name) is not None
    }
    names = draw(st.sets(st.sampled_from(sorted(subject.facts)))) if subject.facts else set()
    fields["facts"] = {name: subject.facts[name] for name in names}
    fields["as_of"] = draw(st.none() | _DAYS)
    return Partial(**fields)


def _atoms(rule_set: RuleSet) -> list[Predicate]:
    out: list[Predicate] = []
    for layer in rule_set.layers():
        for rule in layer.rules:
            for node in (rule.when, rule.unless, *(c.when for c in rule.cases)):
                if node is not None:
                    out.extend(node.walk())
    return out


class TestResidual:
    @given(rule_sets(), purchases(), st.data())
    def test_agrees_on_generated_rule_sets(
        self, rules: RuleSet, subject: Purchase, data: st.DataObject
    ) -> None:
        """On any completion the residual decides as the interpreter decides by the original
        (generated sets)."""
        partial = data.draw(_partials_of(subject))
        assert partial.completes(subject)
        rest = residual(rules, partial)
        expected = interpret(rules, subject, as_of=partial.as_of)
        assert _outcome(rest.evaluate(subject, as_of=partial.as_of)) == _outcome(expected)

    @given(rule_sets(with_vocabularies=True, max_rules=4), st.data())
    def test_agrees_on_purchases_aimed_at_the_rules(
        self, rules: RuleSet, data: st.DataObject
    ) -> None:
        """The same on purchases drawn around the rules' own thresholds and vocabularies."""
        subject = data.draw(purchases_for(rules))
        partial = data.draw(_partials_of(subject))
        rest = residual(rules, partial)
        expected = interpret(rules, subject, as_of=partial.as_of)
        assert _outcome(rest.evaluate(subject, as_of=partial.as_of)) == _outcome(expected)

    @pytest.mark.parametrize("name", packs.names())
    def test_agrees_on_every_bundled_pack(self, name: str) -> None:
        """On each bundled pack, with the bundled registry, the residual decides as the pack."""
        rules = packs.load(name)
        registry = bundled_registry()

        @settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
        @given(purchases_for(rules, registry=registry), st.data())
        def check(subject: Purchase, data: st.DataObject) -> None:
            partial = data.draw(_partials_of(subject))
            rest = residual(rules, partial, registry=registry)
            options: dict[str, Any] = {"as_of": partial.as_of, "registry": registry}
            expected = interpret(rules, subject, **options)
            assert _outcome(rest.evaluate(subject, **options)) == _outcome(expected)

        check()

    @given(rule_sets(), purchases(complete=True), _DAYS)
    def test_settled_conditions_are_gone(
        self, rules: RuleSet, subject: Purchase, when: dt.date
    ) -> None:
        """With the buyer, the dates, the value and the purpose fixed, no condition on them, no
        window and no comparison with the decision date is left in the residual."""
        partial = Partial(
            buyer=subject.buyer,
            date=subject.date,
            as_of=when,
            value=subject.value,
            purpose=subject.purpose,
            acquired=subject.acquired,
        )
        rest = residual(rules, partial)
        settled = (
            BuyerPublic,
            BuyerSector,
            DateOnOrAfter,
            DecidedOnOrAfter,
            AcquiredOnOrAfter,
            PurposeIn,
            FactOnOrAfterDecision,
            FactOnOrBeforeDecision,
        )
        assert not [a for a in _atoms(rest) if isinstance(a, settled)]
        assert not [r for layer in rest.layers() for r in layer.rules if r.has_window]
        # The buyer's country is settled unless it is not stated and the condition says
        # nothing of that case.
        assert all(
            subject.buyer.country is None and a.if_missing is None
            for a in _atoms(rest)
            if isinstance(a, BuyerCountry)
        )

    def test_drops_rules_that_cannot_apply(self) -> None:
        """A rule for public buyers is gone for a private one, and a rule out of force on the
        decision date is gone; the rest keep their ids and what the buyer does not settle."""
        rules = RuleSet(
            id="r",
            version="1",
            rules=[
                Rule(id="public", when=buyer.is_public & vendor.origin.in_("CN"), effect="deny"),
                Rule(
                    id="old",
                    when=vendor.origin.in_("RU"),
                    effect="deny",
                    in_force_until=dt.date(2019, 12, 31),
                ),
                Rule(
                    id="private",
                    when=buyer.is_private & category.within("telecom"),
                    effect="review",
                    in_force_from=dt.date(2019, 1, 1),
                ),
            ],
        )
        firm = Buyer(id="firm", public=False, sector="enterprise")
        rest = residual(rules, Partial(buyer=firm, date=dt.date(2020, 5, 1)))
        assert [r.id for r in rest.rules] == ["private"]
        only = rest.rules[0]
        assert only.when == category.within("telecom")
        assert not only.has_window
        assert rest.id == rules.id
        assert rest.version == rules.version

    def test_unknown_conditions_are_kept(self) -> None:
        """A condition the fixed part leaves unknown stays, so the residual escalates too."""
        rules = RuleSet(
            id="r",
            version="1",
            rules=[
                Rule(id="jp", when=buyer.country.in_("JP") & vendor.origin.in_("CN"), effect="deny")
            ],
        )
        nowhere = Buyer(id="b", public=True, sector="central-government")
        rest = residual(rules, Partial(buyer=nowhere))
        assert rest.rules[0].when == rules.rules[0].when
        subject = Purchase(buyer=nowhere, vendor=Vendor(id="v", country="CN"))
        assert rest.evaluate(subject).effect is rules.evaluate(subject).effect is Effect.REVIEW

    def test_refuses_what_is_not_a_partial_purchase(self) -> None:
        """residual() says what it expected."""
        rules = RuleSet(id="r", version="1")
        with pytest.raises(PredicateTypeError, match=r"expected a Partial") as info:
            residual(rules, {"buyer": None})  # type: ignore[arg-type]
        assert info.value.path == "residual(partial)"


class TestSimplify:
    @given(rule_sets(max_rules=1, max_includes=0), purchases(), st.data())
    def test_agrees_with_the_predicate(
        self, rules: RuleSet, subject: Purchase, data: st.DataObject
    ) -> None:
        """A simplified condition has the predicate's value on every completion."""
        partial = data.draw(_partials_of(subject))
        for rule in rules.rules:
            for node in (rule.when, rule.unless, *(c.when for c in rule.cases)):
                if node is not None:
                    simpler = simplify(node, partial)
                    as_of = partial.as_of
                    assert simpler.evaluate(subject, as_of=as_of) == node.evaluate(
                        subject, as_of=as_of
                    )

    def test_kleene_laws(self) -> None:
        """True operands leave a conjunction, a false one makes it false, and so on."""
        agency = Buyer(id="a", public=True, sector="central-government", country="US")
        partial = Partial(buyer=agency, date=dt.date(2021, 1, 1))
        cn = vendor.origin.in_("CN")
        assert simplify(buyer.is_public & cn, partial) == cn
        assert simplify(buyer.is_private & cn, partial) == NEVER
        assert simplify(buyer.is_private | cn, partial) == cn
        assert simplify(buyer.is_public | cn, partial) == ALWAYS
        assert simplify(~purchase.date.before("2020-01-01") & cn, partial) == cn
        assert simplify(decision_date.before("2020-01-01"), partial) == NEVER


class TestPartial:
    def test_acquired_after_the_date_is_refused(self) -> None:
        """A partial purchase is held to the purchase's own rule on `acquired`."""
        with pytest.raises(InvalidValueError, match=r"acquired \(2021-01-02\) after") as info:
            Partial(date=dt.date(2021, 1, 1), acquired=dt.date(2021, 1, 2))
        assert info.value.path == "Partial.acquired"

    def test_a_bad_purpose_names_the_field(self) -> None:
        """A purpose that is not an id is refused at `Partial.purpose`."""
        with pytest.raises(InvalidValueError, match=r"invalid id `Public Safety`") as info:
            Partial(purpose="Public Safety")
        assert info.value.path == "Partial.purpose"

    def test_completion_needs_a_buyer(self) -> None:
        """complete() says that the buyer must be fixed."""
        with pytest.raises(InvalidValueError, match=r"needs a buyer") as info:
            Partial(date=dt.date(2021, 1, 1)).complete()
        assert info.value.path == "Partial.buyer"

    def test_completion_keeps_the_fixed_parts(self) -> None:
        """A completion has every fixed part, and a fixed fact cannot be given otherwise."""
        agency = Buyer(id="a", public=True, sector="central-government")
        partial = Partial(buyer=agency, date=dt.date(2021, 1, 1), facts={"funding": "own-budget"})
        made = partial.complete(category="it", facts={"waiver": "dni"})
        assert partial.completes(made)
        assert made.facts == {"funding": "own-budget", "waiver": "dni"}
        with pytest.raises(InvalidValueError, match=r"fact `funding` is fixed"):
            partial.complete(facts={"funding": "federal-grant"})
        with pytest.raises(InvalidValueError, match=r"`date` is fixed"):
            partial.complete(date=dt.date(2022, 1, 1))


@functools.cache
def _ndaa() -> RuleSet:
    return packs.load("us-ndaa-889")


_CATALOG_VENDORS = [
    Vendor(id="huawei", name="Huawei", country="CN"),
    Vendor(id="acme", name="Acme", country="US"),
    None,
]
_CATALOG_CATEGORIES = ["telecom/network/router", "it/endpoint/laptop", None]


class TestCatalog:
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(_CATALOG_VENDORS),
                st.sampled_from(_CATALOG_CATEGORIES),
                st.none()
                | st.just(())
                | st.just(
                    (Component(vendor=Vendor(id="zte", country="CN"), facts={"essential": True}),)
                ),
            ),
            max_size=5,
        ),
        _DAYS,
        st.booleans(),
    )
    @settings(suppress_health_check=[HealthCheck.too_slow])
    def test_every_row_decided_as_the_original(
        self, rows: list[tuple[Any, Any, Any]], when: dt.date, public: bool
    ) -> None:
        """screen_catalog gives every row, in order, with the original's decision on its
        completion; may_buy keeps exactly the rows whose effect is allowed."""
        rules = _ndaa()
        registry = bundled_registry()
        agency = Buyer(
            id="gsa",
            public=public,
            sector="central-government" if public else "enterprise",
            country="US",
        )
        partial = Partial(buyer=agency, date=when)
        entries = list(screen_catalog(rules, partial, rows, registry=registry))
        assert [e.index for e in entries] == list(range(len(rows)))
        for entry, (found, cat, parts) in zip(entries, rows, strict=True):
            subject = partial.complete(vendor=found, category=cat, components=parts)
            expected = rules.evaluate(subject, registry=registry)
            assert _outcome(entry.decision) == _outcome(expected)
        allowed = list(may_buy(rules, partial, rows, registry=registry))
        assert [e.index for e in allowed] == [e.index for e in entries if e.effect is Effect.ALLOW]

    def test_a_bad_row_names_its_place(self) -> None:
        """A row that is not (vendor, category[, components]) is an error at its index."""
        agency = Buyer(id="a", public=True, sector="central-government")
        rows = [(None, "it"), "huawei router"]
        with pytest.raises(InvalidValueError, match=r"a catalog row must be") as info:
            list(screen_catalog(_ndaa(), Partial(buyer=agency), rows))
        assert info.value.path == "rows[1]"
        with pytest.raises(PredicateTypeError, match=r"expected a Vendor") as info2:
            list(screen_catalog(_ndaa(), Partial(buyer=agency), [("huawei", "it")]))
        assert info2.value.path == "rows[0].vendor"

    def test_rows_as_mappings(self) -> None:
        """A row may be a mapping with the keys vendor, category and components."""
        agency = Buyer(id="a", public=True, sector="central-government", country="US")
        partial = Partial(buyer=agency, date=dt.date(2021, 1, 1))
        row = {"vendor": Vendor(id="huawei", country="CN"), "category": "telecom/network/router"}
        (entry,) = screen_catalog(_ndaa(), partial, [row], registry=bundled_registry())
        assert entry.category == Category("telecom/network/router")
        assert entry.effect is Effect.DENY
