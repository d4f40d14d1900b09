"""The compiled form agrees with the interpreter, field by field, on every decision."""

from __future__ import annotations

import copy
import datetime as dt
import gc
import inspect
import pickle
import sys
import types
import weakref
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, ClassVar

import attrs
import pytest
from attrs import frozen
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from vendorpolicy import (
    Buyer,
    Case,
    Category,
    Combining,
    Component,
    Decision,
    DesignationList,
    Effect,
    Entity,
    Listing,
    Money,
    Predicate,
    Purchase,
    Registry,
    Rule,
    RuleResult,
    RuleSet,
    Sector,
    Trace,
    Vendor,
    _engine,
    _trace,
    bundled_registry,
    buyer,
    category,
    components,
    custom,
    fact,
    packs,
    purchase,
    vendor,
)
from vendorpolicy._compile import _program
from vendorpolicy._compile._facets import READS
from vendorpolicy._compile._lazy import LazyDecision, LazyRuleResult
from vendorpolicy._compile._resolve import may_settle
from vendorpolicy._model import CHECKED_INITS
from vendorpolicy._vocabcheck import check
from vendorpolicy.errors import VendorPolicyError
from vendorpolicy.testing import (
    COUNTRY_POOL,
    DESIGNATION_POOL,
    FACT_POOL,
    buyers,
    predicates,
    purchases,
    purchases_for,
    registries,
    rule_sets,
    rules,
    vendors,
    vocabularies,
)

_DATES = st.none() | st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2028, 12, 31))


def _share(fraction: float) -> Any:
    """A share of the profile's examples: each example here decides several purchases twice and
    compares every trace, so the suite's time stays modest."""
    return settings(max_examples=max(5, int(settings.default.max_examples * fraction)))


#: The vocabulary arguments of `evaluate`, each sometimes given.
_VOCABULARY_ARGUMENTS = st.fixed_dictionaries(
    {},
    optional={
        "outside_vocabulary": st.sampled_from(["error", "escalate"]),
        "extra_facts": st.sampled_from([(), ("scope",), tuple(FACT_POOL)[:2]]),
    },
)


def assert_agree(
    rs: RuleSet,
    p: Purchase,
    *,
    as_of: dt.date | None = None,
    registry: Registry | None = None,
    **vocabulary: Any,
) -> Decision | None:
    """The compiled decision is the interpreter's: the same error when the interpreter raises
    (a vocabulary error, say); else first what the compiled form settles itself (read before
    anything is recomputed), then every field, the traces, the JSON and the explanation; and a
    second decision read in another order (results first). A purchase whose facts the
    vocabulary check escalates is the interpreter's to decide, as it is."""
    arguments: dict[str, Any] = {"as_of": as_of, "registry": registry, **vocabulary}
    try:
        plain = _engine.interpret(rs, p, **arguments)
    except VendorPolicyError as exc:
        expected = exc
    else:
        expected = None
    if expected is not None:
        with pytest.raises(type(expected)) as caught:
            rs.evaluate(p, **arguments)
        assert str(caught.value) == str(expected)
        assert caught.value.path == expected.path
        mine, theirs = getattr(caught.value, "problems", ()), getattr(expected, "problems", ())
        assert [(str(e), e.path) for e in mine] == [(str(e), e.path) for e in theirs]
        return None
    checked = check(
        rs,
        p,
        vocabulary=vocabulary.get("vocabulary"),
        extra_facts=vocabulary.get("extra_facts", ()),
        outside_vocabulary=vocabulary.get("outside_vocabulary", "error"),
    )
    escalated = checked is not None and checked.unknown is not None
    compiled = rs.evaluate(p, **arguments)
    if escalated:
        assert type(compiled) is Decision, "escalated facts are the interpreter's to read"
    elif any(r.settled for r in plain.resolutions):
        assert type(compiled) is Decision, "a settled ambiguous name is the interpreter's"
    else:
        assert type(compiled) is LazyDecision, "the compiled form did not decide"
    assert compiled.effect is plain.effect
    assert compiled.basis is plain.basis
    assert compiled.determining_keys == plain.determining_keys
    assert compiled.obligations == plain.obligations
    assert compiled.layers == plain.layers
    assert compiled.missing_facts == plain.missing_facts
    assert compiled.errors == plain.errors
    assert compiled.warnings == plain.warnings
    assert compiled.as_of == plain.as_of
    assert compiled.purchase_id == plain.purchase_id
    for mine, theirs in (
        (compiled.matched, plain.matched),
        (compiled.unknown, plain.unknown),
        (compiled.determining, plain.determining),
    ):
        assert [(r.rule_set, r.rule) for r in mine] == [(r.rule_set, r.rule) for r in theirs]
        assert list(mine) == list(theirs)
    assert compiled.results == plain.results
    assert compiled.resolutions == plain.resolutions
    assert compiled == plain
    assert plain == compiled
    assert hash(compiled) == hash(plain)
    assert compiled.to_json() == plain.to_json()
    assert compiled.explain() == plain.explain()
    again = rs.evaluate(p, **arguments)
    assert again.results == plain.results
    assert again.missing_facts == plain.missing_facts
    assert again.resolutions == plain.resolutions
    assert again.warnings == plain.warnings
    return compiled


class TestAgreement:
    @_share(0.25)
    @given(rule_sets(max_rules=5, max_includes=2), st.lists(purchases(), max_size=6), _DATES)
    def test_generated_rule_sets(self, rs: RuleSet, ps: list[Purchase], as_of: Any) -> None:
        """Generated rule sets (every node kind but custom, cases, exceptions, windows, layers,
        both combinings) decide generated purchases as the interpreter does, one after another
        so the caches are shared."""
        for p in ps:
            assert_agree(rs, p)
            assert_agree(rs, p, as_of=as_of)

    @_share(0.25)
    @given(st.data())
    def test_purchases_aimed_at_the_rules(self, data: st.DataObject) -> None:
        """Purchases drawn from the rule set's own vocabulary, so that its rules come out true,
        false and unknown, agree too."""
        rs = data.draw(rule_sets(max_rules=6, max_includes=1))
        for p in data.draw(st.lists(purchases_for(rs), min_size=1, max_size=6)):
            assert_agree(rs, p, as_of=data.draw(_DATES))

    @_share(0.25)
    @given(registries(designations=DESIGNATION_POOL), st.data())
    def test_with_a_registry(self, registry: Registry, data: st.DataObject) -> None:
        """With a registry, resolution included, the decisions agree, including resolutions."""
        rs = data.draw(rule_sets(max_rules=4))
        for p in data.draw(st.lists(purchases_for(rs, registry=registry), max_size=6)):
            as_of = data.draw(_DATES)
            assert_agree(rs, p, as_of=as_of, registry=registry)
            assert_agree(rs, p, registry=registry)

    @_share(0.1)
    @given(registries(designations=DESIGNATION_POOL), st.data())
    def test_registry_parts_recombined(self, registry: Registry, data: st.DataObject) -> None:
        """A buyer and a vendor each resolved before, in a pairing not seen yet, decide as the
        interpreter has them (the buyer's and the suppliers' resolutions are kept apart)."""
        rs = data.draw(rule_sets(max_rules=3))
        ps = data.draw(st.lists(purchases_for(rs, registry=registry), min_size=2, max_size=3))
        as_of = data.draw(_DATES)
        for p in ps:
            assert_agree(rs, p, as_of=as_of, registry=registry)
        for p in ps:
            for q in ps:
                crossed = attrs.evolve(p, buyer=q.buyer)
                assert_agree(rs, crossed, as_of=as_of, registry=registry)

    @_share(0.1)
    @given(
        registries(designations=DESIGNATION_POOL),
        registries(designations=DESIGNATION_POOL),
        st.data(),
    )
    def test_registries_in_turn(
        self, first: Registry, second: Registry, data: st.DataObject
    ) -> None:
        """One rule set given two registries in turn decides each purchase by the registry it
        is given, as the interpreter does (the last registry's resolutions are not reused for
        another)."""
        rs = data.draw(rule_sets(max_rules=3))
        ps = data.draw(st.lists(purchases_for(rs, registry=first), min_size=1, max_size=3))
        ps += data.draw(st.lists(purchases_for(rs, registry=second), min_size=1, max_size=3))
        for p in ps:
            for registry in (first, second, first):
                assert_agree(rs, p, registry=registry)

    @_share(0.1)
    @given(registries(designations=DESIGNATION_POOL), st.data())
    def test_registered_once_resolved(self, registry: Registry, data: st.DataObject) -> None:
        """A purchase whose vendor and buyer the registry's cache holds already (equal values
        built anew) is decided without asking the cache's slower way, as the interpreter
        decides it."""
        rs = data.draw(rule_sets(max_rules=3))
        p = data.draw(purchases_for(rs, registry=registry))
        assert_agree(rs, p, registry=registry)
        program = rs._compiled
        assert isinstance(program, _program.Program)
        asked: list[Purchase] = []
        lookup = _program.ResolutionCache.lookup

        def counted(cache: Any, q: Purchase, when: Any) -> Any:
            asked.append(q)
            return lookup(cache, q, when)

        again = attrs.evolve(p, buyer=attrs.evolve(p.buyer), vendor=_rebuilt(p.vendor))
        _program.ResolutionCache.lookup = counted  # type: ignore[method-assign]
        try:
            decision = rs.evaluate(again, registry=registry)
        finally:
            _program.ResolutionCache.lookup = lookup  # type: ignore[method-assign]
        assert decision == _engine.interpret(rs, again, registry=registry)
        # A name several entities carry may be settled by the interpreter: the slower way.
        settles = may_settle(decision.resolutions)
        if type(decision) is LazyDecision and not (program.fallback or program.checker or settles):
            assert asked == []

    @pytest.mark.parametrize("name", packs.names())
    @_share(0.1)
    @given(data=st.data())
    def test_every_pack(self, name: str, data: st.DataObject) -> None:
        """Every bundled pack, with its vocabulary, decides purchases aimed at it as the
        interpreter does, with and without the bundled registry: purchases that fit the
        vocabulary, purchases that break it (the same error, or escalated), and purchases drawn
        from the vocabulary alone."""
        rs = packs.load(name)
        registry = bundled_registry()
        drawn = st.lists(
            purchases_for(rs, registry=registry)
            | purchases_for(rs, registry=registry, fit_vocabulary=False)
            | purchases(vocabulary=rs.vocabulary),
            max_size=4,
        )
        for p in data.draw(drawn):
            as_of = data.draw(_DATES)
            arguments = data.draw(_VOCABULARY_ARGUMENTS)
            assert_agree(rs, p, as_of=as_of, **arguments)
            assert_agree(rs, p, as_of=as_of, registry=registry, **arguments)

    @_share(0.25)
    @given(st.data())
    def test_rule_sets_with_vocabularies(self, data: st.DataObject) -> None:
        """Rule sets that declare vocabularies (in any layer) check every purchase first, as the
        interpreter does: the same `VocabularyError`, the same escalation and warnings, with
        the caller's `vocabulary` and `extra_facts` too."""
        rs = data.draw(rule_sets(max_rules=4, max_includes=1, with_vocabularies=True))
        drawn = (
            purchases_for(rs)
            | purchases_for(rs, fit_vocabulary=False)
            | purchases(vocabulary=rs.vocabulary)
        )
        for p in data.draw(st.lists(drawn, min_size=1, max_size=5)):
            arguments = data.draw(_VOCABULARY_ARGUMENTS)
            if data.draw(st.booleans()):
                arguments["vocabulary"] = data.draw(vocabularies())
            assert_agree(rs, p, as_of=data.draw(_DATES), **arguments)

    @_share(0.1)
    @given(rule_sets(max_rules=3), st.lists(purchases(), max_size=4))
    def test_small_caches(self, rs: RuleSet, ps: list[Purchase]) -> None:
        """Caches that keep only a couple of entries start afresh and still agree."""
        with _cache_limit(2):
            for p in [*ps, *ps]:
                assert_agree(rs, p)


#: What undeclared parts (or an unstated buyer country) mean in a condition: unknown, or either.
_IF_NOT_STATED = st.sampled_from([None, True, False])


def _with_rule(rs: RuleSet, rule: Rule) -> RuleSet:
    """``rs`` with ``rule`` first among its own rules."""
    return attrs.evolve(rs, rules=(rule, *rs.rules))


def _rebuilt(v: Vendor | None) -> Vendor | None:
    """An equal vendor chain, every link a new object."""
    if v is None:
        return None
    return Vendor(
        id=v.id,
        name=v.name,
        country=v.country,
        parent=_rebuilt(v.parent),
        designations=v.designations,
        attributes=dict(v.attributes),
    )


class TestSharedOutcomes:
    """Purchases of one class share the cached outcome; each decision stays its own."""

    @_share(0.25)
    @given(
        rule_sets(max_rules=4, max_includes=1),
        purchases(),
        st.lists(
            st.tuples(
                st.from_regex(r"[a-z0-9-]{0,5}", fullmatch=True), st.integers(0, 3), st.booleans()
            ),
            min_size=1,
            max_size=3,
        ),
    )
    def test_same_class_again(
        self, rs: RuleSet, p: Purchase, variants: list[tuple[str, int, bool]]
    ) -> None:
        """Purchases that differ only in id and by a little in value (mostly the same classes),
        some with their vendor built anew (an equal value, another object), get the
        interpreter's decision each, also when every decision is read only after the last one
        is made."""
        qs = [p]
        for pid, delta, rebuild in variants:
            value = p.value
            if value is not None:
                value = Money(amount=value.amount + delta, currency=value.currency)
            vendor = _rebuilt(p.vendor) if rebuild else p.vendor
            qs.append(attrs.evolve(p, id=pid, value=value, vendor=vendor))
        decisions = [rs.evaluate(q) for q in qs]
        for q, decision in zip(qs, decisions, strict=True):
            plain = _engine.interpret(rs, q)
            assert decision.purchase_id == q.id
            assert decision.as_of == plain.as_of
            assert decision.effect is plain.effect
            assert [r.key for r in decision.matched] == [r.key for r in plain.matched]
            assert decision == plain
            assert decision.to_json() == plain.to_json()
        for q in qs:
            assert_agree(rs, q)

    #: Rules on each field of a vendor chain that a value's equality compares.
    _ON_VENDORS = RuleSet(
        id="on-vendors",
        version="1",
        rules=[
            Rule(id="d", when=vendor.designated("covered", through_ownership=True), effect="deny"),
            Rule(id="o", when=vendor.origin.in_({"CN"}, through_ownership=True), effect="review"),
            Rule(id="i", when=vendor.id.in_({"zte"}, through_ownership=True), effect="warn"),
            Rule(id="u", when=vendor.ultimate_owner.origin.in_({"JP"}), effect="review"),
            Rule(id="h", when=vendor.designated("high-risk"), effect="warn"),
        ],
    )

    @_share(0.25)
    @given(st.lists(vendors(), min_size=1, max_size=8), st.booleans())
    def test_vendors_built_anew(self, chains: list[Vendor], rebuild: bool) -> None:
        """Vendor objects built per purchase (equal ones, and ones that differ from an earlier
        one in a single field somewhere up the chain) each get the interpreter's decision."""
        rs = self._ON_VENDORS
        for v in chains:
            for candidate in (v, _rebuilt(v)) if rebuild else (_rebuilt(v),):
                p = Purchase(buyer=_BUYER, vendor=candidate, id="p")
                d = rs.evaluate(p)
                assert type(d) is LazyDecision
                plain = _engine.interpret(rs, p)
                assert d.effect is plain.effect
                assert [r.key for r in d.matched] == [r.key for r in plain.matched]
                assert d == plain

    @_share(0.25)
    @given(
        st.lists(vendors(), min_size=1, max_size=4),
        st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["same", "anew", "evolved"]))),
        st.sampled_from([1, 2, 1 << 12]),
    )
    def test_vendors_reused_and_built_anew(
        self, pool: list[Vendor], picks: list[tuple[int, str]], limit: int
    ) -> None:
        """The identity memo keeps the first object seen with a vendor's flat key and finds
        equal objects built later by that key: purchases that reuse a vendor object, build an
        equal one anew, or copy it (``attrs.evolve``), in any order and with memos and caches
        that start afresh after ``limit`` entries, each get the interpreter's decision."""
        rs = self._ON_VENDORS
        with _cache_limit(limit), _identity_limit(limit):
            rs = attrs.evolve(rs)  # compiled afresh, under these limits
            for index, how in picks or [(0, "same")]:
                v = pool[index % len(pool)]
                candidate = (
                    v if how == "same" else _rebuilt(v) if how == "anew" else attrs.evolve(v)
                )
                p = Purchase(buyer=_BUYER, vendor=candidate, id="p")
                d = rs.evaluate(p)
                assert type(d) is LazyDecision
                plain = _engine.interpret(rs, p)
                assert [r.key for r in d.matched] == [r.key for r in plain.matched]
                assert d == plain

    def test_vendors_built_anew_are_not_kept(self) -> None:
        """A vendor built anew for each purchase, equal to one seen before, is found by its
        flat key and not kept by the compiled form: it goes with its purchase and decision.
        The first object seen with that key is kept (it may come again as itself)."""
        rs = attrs.evolve(self._ON_VENDORS)
        first = Vendor(id="zte", country="CN", parent=Vendor(id="zte-holding", country="CN"))
        rs.evaluate(Purchase(buyer=_BUYER, vendor=first, id="p"))
        held = weakref.ref(first)
        del first
        gone = []
        for _ in range(3):
            anew = Vendor(id="zte", country="CN", parent=Vendor(id="zte-holding", country="CN"))
            d = rs.evaluate(Purchase(buyer=_BUYER, vendor=anew, id="p"))
            assert d.effect is Effect.REVIEW
            assert [r.rule for r in d.matched] == ["o", "i"]
            gone.append(weakref.ref(anew))
            del anew, d
        gc.collect()
        assert [ref() for ref in gone] == [None, None, None]
        assert held() is not None

    @_share(0.25)
    @given(
        registries(designations=DESIGNATION_POOL),
        st.lists(st.tuples(buyers(), vendors() | st.none()), min_size=1, max_size=6),
        _DATES,
    )
    def test_parts_built_anew_with_a_registry(
        self, registry: Registry, parts: list[tuple[Buyer, Vendor | None]], as_of: Any
    ) -> None:
        """With a registry, buyers and vendors built per purchase (equal to earlier ones, or
        differing in one field) each get the interpreter's decision, resolutions included."""
        rs = attrs.evolve(
            self._ON_VENDORS,
            rules=(
                *self._ON_VENDORS.rules,
                Rule(id="bd", when=buyer.designated("covered"), effect="deny"),
                Rule(id="bp", when=buyer.is_public & ~buyer.designated("high-risk"), effect="warn"),
                Rule(id="bs", when=buyer.sector.in_("carrier"), effect="review"),
                Rule(id="bc", when=buyer.country.in_({"JP"}), effect="review"),
            ),
        )
        for b, v in parts:
            listed = attrs.evolve(
                b, designations=frozenset({"covered"}) - (b.designations or set())
            )
            placed = attrs.evolve(b, country=None if b.country else "JP")
            for bb, vv in ((b, v), (attrs.evolve(b), _rebuilt(v)), (listed, v), (placed, v)):
                p = Purchase(buyer=bb, vendor=vv, id="p", date=dt.date(2020, 1, 1))
                assert_agree(rs, p, as_of=as_of, registry=registry)


class TestUndeclaredParts:
    """`components.any/all(if_undeclared=...)`: undeclared parts count as the condition says."""

    @_share(0.25)
    @given(st.data())
    def test_quantifiers_with_if_undeclared(self, data: st.DataObject) -> None:
        """A rule set with a component quantifier whose `if_undeclared` is unknown, true or
        false decides purchases with undeclared, no and some parts as the interpreter does."""
        rs = data.draw(rule_sets(max_rules=3))
        inner = data.draw(predicates(max_leaves=3))
        quantifier = data.draw(st.sampled_from([components.any, components.all]))
        effect = data.draw(st.sampled_from([Effect.DENY, Effect.REVIEW, Effect.ALLOW]))
        rule = Rule(
            id="parts",
            when=quantifier(inner, if_undeclared=data.draw(_IF_NOT_STATED)),
            effect=effect,
        )
        rs = _with_rule(rs, rule)
        for p in data.draw(st.lists(purchases_for(rs), min_size=1, max_size=6)):
            for parts in (p.components, None, ()):
                assert_agree(rs, attrs.evolve(p, components=parts), as_of=data.draw(_DATES))

    @pytest.mark.parametrize(
        ("if_undeclared", "expected"),
        [(None, Effect.REVIEW), (True, Effect.DENY), (False, Effect.ALLOW)],
    )
    def test_each_meaning_decides(self, if_undeclared: bool | None, expected: Effect) -> None:
        """Undeclared parts are unknown (review), a covered part (deny) or none (allow), as
        `if_undeclared` says, in the compiled form as in the interpreter."""
        covered = vendor.origin.in_({"CN"})
        rs = RuleSet(
            id="parts",
            version="1",
            rules=[
                Rule(
                    id="no-cn-parts",
                    when=components.any(covered, if_undeclared=if_undeclared),
                    effect=Effect.DENY,
                )
            ],
        )
        p = Purchase(buyer=Buyer(id="mic", public=True, sector="central-government"))
        decision = assert_agree(rs, p)
        assert decision is not None
        assert decision.effect is expected


class TestBuyerCountry:
    """`buyer.country.in_(..., if_missing=...)`: an unstated country counts as it says."""

    @_share(0.25)
    @given(st.data())
    def test_buyer_country_with_if_missing(self, data: st.DataObject) -> None:
        """A rule on the buyer's country, with and without `if_missing`, decides buyers with a
        stated country and without one as the interpreter does."""
        rs = data.draw(rule_sets(max_rules=3))
        countries = data.draw(st.frozensets(st.sampled_from(["JP", "GB", "EU", "US"]), min_size=1))
        when = buyer.country.in_(countries, if_missing=data.draw(_IF_NOT_STATED))
        if data.draw(st.booleans()):
            when = when & vendor.origin.in_({"CN"})
        rs = _with_rule(rs, Rule(id="jurisdiction", when=when, effect=Effect.DENY))
        for p in data.draw(st.lists(purchases_for(rs), min_size=1, max_size=6)):
            country = data.draw(st.none() | st.sampled_from(sorted(countries | {"FR"})))
            stated = attrs.evolve(p, buyer=attrs.evolve(p.buyer, country=country))
            assert_agree(rs, stated, as_of=data.draw(_DATES))

    @pytest.mark.parametrize(
        ("if_missing", "expected"),
        [(None, Effect.REVIEW), (True, Effect.DENY), (False, Effect.ALLOW)],
    )
    def test_each_meaning_decides(self, if_missing: bool | None, expected: Effect) -> None:
        """A buyer without a country is unknown (review), inside (deny) or outside (allow) the
        jurisdiction, as `if_missing` says."""
        rs = RuleSet(
            id="jp",
            version="1",
            rules=[
                Rule(
                    id="jp-only",
                    when=buyer.country.in_({"JP"}, if_missing=if_missing),
                    effect=Effect.DENY,
                )
            ],
        )
        decision = assert_agree(
            rs, Purchase(buyer=Buyer(id="mic", public=True, sector="central-government"))
        )
        assert decision is not None
        assert decision.effect is expected


#: Rule sets on the vendor alone, whose decisions on a named vendor are certain.
_VENDOR_RULES = st.lists(
    st.tuples(
        st.frozensets(st.sampled_from(DESIGNATION_POOL), min_size=1).map(vendor.designated)
        | st.frozensets(st.sampled_from(COUNTRY_POOL), min_size=1).map(vendor.origin.in_),
        st.sampled_from([Effect.DENY, Effect.REVIEW]),
    ),
    min_size=1,
    max_size=3,
).map(
    lambda drawn: RuleSet(
        id="vendor-only",
        version="1",
        rules=[Rule(id=f"r{i}", when=w, effect=e) for i, (w, e) in enumerate(drawn)],
    )
)
_ON = dt.date(2022, 1, 1)


class TestAmbiguousNames:
    """A name several registry entities carry: settled when every one gives the same certain
    decision (the interpreter tries each), escalated otherwise, in the compiled form too."""

    _REGISTRY = Registry(
        id="r",
        version="1",
        entities=[
            Entity(id="orbit-inc", name="Orbit Systems Inc.", country="US"),
            Entity(id="orbit-gmbh", name="Orbit Systems GmbH", country="DE"),
        ],
        lists=[
            DesignationList(
                id="covered",
                propagates="entity",
                entries=[
                    Listing(entity="orbit-inc", added=dt.date(2020, 1, 1)),
                    Listing(entity="orbit-gmbh", added=dt.date(2021, 1, 1)),
                ],
            )
        ],
    )
    _RULES = RuleSet(
        id="covered",
        version="1",
        rules=[
            Rule(
                id="no-covered",
                when=vendor.designated({"covered"})
                | components.any(vendor.designated({"covered"})),
                effect=Effect.DENY,
            )
        ],
    )

    @pytest.mark.parametrize(
        ("on", "parts", "expected", "settled"),
        [
            (dt.date(2021, 6, 1), (), Effect.DENY, True),  # both listed
            (dt.date(2019, 6, 1), (), Effect.ALLOW, True),  # neither listed
            (dt.date(2020, 6, 1), (), Effect.REVIEW, False),  # one listed
            (dt.date(2019, 6, 1), None, Effect.REVIEW, False),  # undeclared parts
        ],
    )
    def test_settled_and_unsettled(
        self, on: dt.date, parts: Any, expected: Effect, settled: bool
    ) -> None:
        """The compiled form's decision on an ambiguous supplier name is the interpreter's,
        settled or not, for a name as supplier and as a component's maker."""
        by_supplier = Purchase(
            buyer=Buyer(id="mic", public=True, sector="central-government"),
            supplier="Orbit Systems",
            date=on,
            components=parts,
        )
        by_maker = Purchase(
            buyer=Buyer(id="mic", public=True, sector="central-government"),
            vendor=Vendor(id="acme"),
            date=on,
            components=(Component(maker="Orbit Systems"),),
        )
        for p in (by_supplier, *([by_maker] if parts == () else [])):
            decision = assert_agree(self._RULES, p, registry=self._REGISTRY)
            assert decision is not None
            assert decision.effect is expected
            assert any(r.settled for r in decision.resolutions) is settled

    @_share(0.25)
    @given(
        registries(
            designations=DESIGNATION_POOL,
            names=st.sampled_from(["Orbit Systems", "Orbit Systems Inc.", "ORBIT SYSTEMS GmbH"]),
        ),
        st.data(),
    )
    def test_generated_ambiguities(self, registry: Registry, data: st.DataObject) -> None:
        """Registries whose entities share names, and purchases that name them (as supplier and
        as makers of parts), decide as the interpreter does, settled or not."""
        rs = data.draw(_VENDOR_RULES | rule_sets(max_rules=3))
        for drawn in data.draw(st.lists(purchases_for(rs, registry=registry), max_size=5)):
            p = drawn
            if data.draw(st.booleans()):
                # No parts and a date: the readings of a name are often certain, and settle.
                p = attrs.evolve(drawn, components=(), acquired=None, date=drawn.date or _ON)
            decision = assert_agree(rs, p, as_of=data.draw(_DATES), registry=registry)
            if decision is not None and any(r.settled for r in decision.resolutions):
                event("an ambiguous name settled")


@custom("even-value", description="the value is an even amount")
def _even_value(p: Purchase) -> bool | None:
    if p.value is None:
        return None
    if p.value.amount == 13:
        raise ValueError("thirteen")
    return p.value.amount % 2 == 0


@custom("bad-answer")
def _bad_answer(p: Purchase) -> Any:
    return "yes" if p.date is not None and p.date.day == 1 else True


class TestFallback:
    @_share(0.2)
    @given(rule_sets(max_rules=3, max_includes=1), rules(rule_id="with-custom"), st.data())
    def test_custom_rules_fall_back(self, rs: RuleSet, extra: Rule, data: st.DataObject) -> None:
        """A rule with a custom predicate is left to the interpreter (errors included), the
        others stay compiled, and together they decide as the interpreter does."""
        check = data.draw(st.sampled_from([_even_value, _bad_answer]))
        odd = attrs.evolve(extra, when=extra.when & check)
        mixed = RuleSet(
            id=rs.id,
            version=rs.version,
            rules=[*rs.rules, odd],
            combining=rs.combining,
            default=rs.default,
            on_unknown=rs.on_unknown,
            includes=rs.includes,
        )
        values = st.integers(min_value=10, max_value=15).map(
            lambda a: Money(amount=a, currency="JPY")
        )
        for p in data.draw(st.lists(purchases(), max_size=4)):
            p = attrs.evolve(p, value=data.draw(st.none() | values))  # noqa: PLW2901
            assert_agree(mixed, p, as_of=data.draw(_DATES))
        program = _engine._program(mixed)
        assert program is not None
        assert [info.rule.id for info in program.fallback] == ["with-custom"]

    def test_unknown_node_kind_falls_back(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A node kind the compiler has never heard of (one added after it) leaves its rules to
        the interpreter: a merge can never make the compiled form answer wrongly."""
        kind = _new_node_kind(monkeypatch)
        rs = RuleSet(
            id="new-kind",
            version="1",
            rules=[
                Rule(id="uses-it", when=kind() & vendor.origin.in_({"CN"}), effect=Effect.DENY),
                Rule(id="plain", when=category.within("telecom"), effect=Effect.REVIEW),
            ],
        )
        # The file format would know the new kind too; here its digest is given.
        object.__setattr__(rs, "_digest", "sha256:" + "0" * 64)
        program = _engine._program(rs)
        assert program is not None
        assert [info.rule.id for info in program.fallback] == ["uses-it"]
        mic = Buyer(id="mic", public=True, sector="central-government")
        for p in (
            Purchase(buyer=mic, vendor=Vendor(id="huawei", country="CN"), category="telecom"),
            Purchase(buyer=mic, vendor=Vendor(id="huawei", country="CN"), id="even"),
            Purchase(buyer=mic, category="it"),
        ):
            assert_agree(rs, p)

    def test_a_new_kind_is_compiled_once_it_says_what_it_reads(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Teaching the compiler a new kind is one entry saying what it reads: here a kind that
        reads a fact and the decision date together (a waiver's expiry), compiled on a facet of
        its own and agreeing with the interpreter."""
        from vendorpolicy._compile._facets import Need

        kind = _new_node_kind(monkeypatch, reads_expiry=True)
        monkeypatch.setitem(READS, kind, lambda _: (Need("fact", "expiry"), Need("when")))
        rs = RuleSet(
            id="waivers",
            version="1",
            rules=[
                Rule(id="waived", when=kind() & vendor.designated("covered"), effect=Effect.WARN),
                Rule(id="covered", when=vendor.designated("covered"), effect=Effect.DENY),
            ],
        )
        object.__setattr__(rs, "_digest", "sha256:" + "1" * 64)
        program = _engine._program(rs)
        assert program is not None
        assert program.fallback == []
        assert any("+" in facet.name for facet in program.facets)
        mic = Buyer(id="mic", public=True, sector="central-government")
        for expiry in (None, "2019-12-31", "2020-06-30", "not a date"):
            for as_of in (None, dt.date(2020, 1, 1), dt.date(2021, 1, 1)):
                facts = {} if expiry is None else {"expiry": expiry}
                p = Purchase(buyer=mic, vendor=HUAWEI, facts=facts, date=dt.date(2019, 5, 1))
                assert_agree(rs, p, as_of=as_of)

    def test_every_kind_the_interpreter_knows_is_compiled(self) -> None:
        """Every predicate kind the interpreter handles is compiled, except the escape hatch."""
        from vendorpolicy._compile._facets import CONNECTIVES, CONSTANTS, QUANTIFIERS
        from vendorpolicy._predicates import Custom

        known = {*READS, *CONNECTIVES, *CONSTANTS, *QUANTIFIERS}
        assert set(_trace._HANDLERS) - known == {Custom}


def _new_node_kind(monkeypatch: pytest.MonkeyPatch, *, reads_expiry: bool = False) -> Any:
    """A predicate kind defined as if it were added to the library later, with its interpreter
    handler: true when the purchase id is `even` (or, ``reads_expiry``, when the fact `expiry`,
    a date, is on or after the decision date)."""
    module = types.ModuleType("vendorpolicy._test_new_kind")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    namespace: dict[str, Any] = {"__module__": module.__name__, "kind": "purchase_id_even"}
    namespace["__annotations__"] = {"kind": ClassVar[str]}
    namespace["__repr__"] = lambda self: "purchase_id_even()"
    cls = frozen(type("PurchaseIdEven", (Predicate,), namespace))

    def handle(node: Predicate, subject: Any) -> Trace:
        p = subject.purchase
        if not reads_expiry:
            return Trace(predicate=node, value=p.id == "even", fact="purchase.id", observed=p.id)
        expiry = p.facts.get("expiry")
        if expiry is None or subject.as_of is None:
            return Trace(predicate=node, value=None, fact="facts.expiry", observed="not known")
        if not isinstance(expiry, dt.date):  # facts written YYYY-MM-DD are dates
            return Trace(predicate=node, value=None, fact="facts.expiry (a date)", observed=expiry)
        value = expiry >= subject.as_of
        return Trace(predicate=node, value=value, fact="facts.expiry", observed=str(expiry))

    monkeypatch.setitem(_trace._HANDLERS, cls, handle)
    return cls


def _identity_limit(n: int) -> Any:
    import contextlib

    @contextlib.contextmanager
    def limit() -> Iterator[None]:
        old = _program.IDENTITY_LIMIT
        _program.IDENTITY_LIMIT = n
        try:
            yield
        finally:
            _program.IDENTITY_LIMIT = old

    return limit()


def _cache_limit(n: int) -> Any:
    import contextlib

    @contextlib.contextmanager
    def limit() -> Iterator[None]:
        old = _program.CACHE_LIMIT
        _program.CACHE_LIMIT = n
        try:
            yield
        finally:
            _program.CACHE_LIMIT = old

    return limit()


PUBLIC = Buyer(id="mic", public=True, sector="central-government")
HUAWEI = Vendor(id="huawei", country="CN", designations={"covered"})
RULES = RuleSet(
    id="jp",
    version="1",
    rules=[
        Rule(
            id="no-cn-telecom",
            when=vendor.origin.in_({"CN"}) & category.within("telecom"),
            effect=Effect.DENY,
            cases=[Case(when=buyer.is_private, effect=Effect.WARN)],
            reason="supply-chain risk",
            obligations=("tell the ministry",),
        ),
        Rule(
            id="big",
            when=purchase.value.at_least(1_000_000, "JPY") & fact("scope").in_({"core"}),
            effect=Effect.REVIEW,
        ),
    ],
)


class TestDecisionValues:
    """A compiled decision behaves as the interpreter's value does."""

    def decisions(self) -> tuple[Decision, Decision]:
        p = Purchase(buyer=PUBLIC, vendor=HUAWEI, category="telecom/network", id="p-1")
        return RULES.evaluate(p), _engine.interpret(RULES, p)

    def test_is_a_decision(self) -> None:
        """It is a `Decision`, and its rule results are `RuleResult`s."""
        compiled, _ = self.decisions()
        assert isinstance(compiled, Decision)
        assert all(isinstance(r, RuleResult) for r in compiled.matched)
        assert isinstance(compiled.matched[0], LazyRuleResult)

    def test_views_know_their_rule_at_once(self) -> None:
        """`matched` names its rules without computing a trace; a trace read is the
        interpreter's."""
        compiled, plain = self.decisions()
        view = compiled.matched[0]
        assert (view.rule_set, view.rule, view.key) == ("jp", "no-cn-telecom", "jp/no-cn-telecom")
        assert "each" not in getattr(compiled, "_memo", {})
        assert view.condition == plain.matched[0].condition
        assert view.reason == "supply-chain risk"
        assert view == plain.matched[0]
        assert plain.matched[0] == view
        assert hash(view) == hash(plain.matched[0])
        assert repr(view) == repr(plain.matched[0])

    def test_equal_hash_repr(self) -> None:
        """Equality, hash and repr are those of the interpreter's decision."""
        compiled, plain = self.decisions()
        assert compiled == plain
        assert plain == compiled
        assert not compiled != plain  # noqa: SIM202 - the operator itself is under test
        assert hash(compiled) == hash(plain)
        assert repr(compiled) == repr(plain)
        other = RULES.evaluate(Purchase(buyer=PUBLIC, category="it"))
        assert compiled != other
        assert other != plain
        assert compiled != "a decision"

    def test_frozen(self) -> None:
        """A compiled decision cannot be changed."""
        compiled, _ = self.decisions()
        with pytest.raises(AttributeError):
            compiled.effect = Effect.ALLOW  # type: ignore[misc]
        with pytest.raises(AttributeError):
            compiled.novel = 1  # type: ignore[attr-defined]

    def test_copies_are_plain_values(self) -> None:
        """Pickling, copying and `attrs.evolve` give plain decisions, equal to it."""
        compiled, plain = self.decisions()
        for copied in (
            pickle.loads(pickle.dumps(compiled)),  # noqa: S301 - our own bytes
            copy.copy(compiled),
            copy.deepcopy(compiled),
        ):
            assert type(copied) is Decision
            assert copied == plain
        evolved = attrs.evolve(compiled, purchase_id="other")
        assert type(evolved) is Decision
        assert evolved == attrs.evolve(plain, purchase_id="other")
        view = compiled.matched[0]
        assert type(pickle.loads(pickle.dumps(view))) is RuleResult  # noqa: S301
        assert attrs.evolve(view, reason="changed") == attrs.evolve(
            plain.matched[0], reason="changed"
        )

    def test_asdict_and_to_dict(self) -> None:
        """`attrs.asdict` and `to_dict` read the same fields."""
        compiled, plain = self.decisions()
        assert attrs.asdict(compiled, recurse=False) == attrs.asdict(plain, recurse=False)
        assert compiled.to_dict() == plain.to_dict()

    def test_interpreter_switch(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """With the interpreter forced, evaluation builds no compiled form."""
        monkeypatch.setattr(_engine, "_INTERPRET_ONLY", True)
        fresh = RuleSet(id="fresh", version="1", rules=RULES.rules)
        decision = fresh.evaluate(Purchase(buyer=PUBLIC, vendor=HUAWEI, category="telecom"))
        assert type(decision) is Decision
        assert fresh._compiled is None

    def test_compiled_form_is_not_part_of_the_value(self) -> None:
        """Compiling changes neither the rule set's equality, hash, digest nor its file form."""
        fresh = RuleSet(id="jp", version="1", rules=RULES.rules)
        before = (hash(fresh), fresh.digest, repr(fresh))
        fresh.evaluate(Purchase(buyer=PUBLIC, vendor=HUAWEI, category="telecom"))
        assert fresh._compiled
        assert (hash(fresh), fresh.digest, repr(fresh)) == before
        assert fresh == RuleSet(id="jp", version="1", rules=RULES.rules)
        from vendorpolicy import unstructure

        assert "_compiled" not in unstructure(fresh)

    def test_compiled_rule_sets_pickle_and_copy(self) -> None:
        """A compiled rule set pickles and deep-copies (the copy compiles anew) and decides the
        same."""
        p = Purchase(buyer=PUBLIC, vendor=HUAWEI, category="telecom")
        decision = RULES.evaluate(p)
        for other in (pickle.loads(pickle.dumps(RULES)), copy.deepcopy(RULES)):  # noqa: S301
            assert other == RULES
            assert other._compiled is None
            assert other.evaluate(p) == decision

    def test_first_match_combining(self) -> None:
        """First-match rule sets compile too."""
        rs = RuleSet(id="fm", version="1", rules=RULES.rules, combining=Combining.FIRST_MATCH)
        for p in (
            Purchase(buyer=PUBLIC, vendor=HUAWEI, category="telecom"),
            Purchase(buyer=PUBLIC, value=Money(amount=2_000_000, currency="JPY")),
            Purchase(buyer=PUBLIC, facts={"scope": "core"}),
        ):
            assert_agree(rs, p)


class _Text(str):
    """A subclass of str: the constructors check it in full."""

    __slots__ = ()


def _chain(n: int, prefix: str = "c") -> Vendor:
    node: Vendor | None = None
    for i in range(n):
        node = Vendor(id=f"{prefix}{i}", parent=node)
    assert node is not None
    return node


_OWNER = Vendor(id="owner", country="CN", designations={"covered"})
_SUB = Vendor(id="sub", parent=_OWNER)
_EMPTY_FACTS = Purchase(buyer=Buyer(id="b", public=True, sector="other")).facts
_PAST, _LATER = dt.date(2019, 1, 1), dt.date(2021, 6, 1)
_BUYER = Buyer(id="b", public=True, sector="carrier")


def _pick(*values: Any) -> st.SearchStrategy[Any]:
    return st.sampled_from(values)


_ID = _pick("v1", "acme", "owner", "c0", "sub") | st.from_regex(
    r"[a-z][a-z0-9-]{0,6}", fullmatch=True
)
_BAD_ID = _pick("Bad Id", "", _Text("v1"), 3, None)
_TEXT = _pick("", "Acme", "p-1", "Ünïcode KK")
_BAD_TEXT = _pick("bad\ud800", _Text("sub"), 3, None)
_SETS = _pick(frozenset(), frozenset({"covered"}), frozenset({"covered", "owner-origin.cn"}))
_BAD_SETS = _pick(frozenset({"Bad!"}), {"covered"}, ["covered"], "covered", 3)
_BAD_MAPS = _pick({"k": 1}, {"essential": True}, {"Bad": 1}, None, [("k", 1)], _EMPTY_FACTS)
_BAD_DAYS = _pick(dt.datetime(2020, 1, 1), "2020-01-01", 0)
_BAD_AMOUNTS = _pick(-1, True, 1.5, "19.99", Decimal("1.5"), Decimal("NaN"), "abc", 10**30)

#: Per class, each field's good values (the ones a fast path may take) and bad or unusual ones
#: (which the checked constructor converts or refuses).
_ARGUMENTS: dict[type, dict[str, tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]]] = {
    Vendor: {
        "id": (_ID, _BAD_ID),
        "name": (_TEXT, _BAD_TEXT),
        "country": (_pick(None, "CN", "US", "JP"), _pick("EU", "UK", "XX", "cn", _Text("CN"), 5)),
        "parent": (
            _pick(None, _OWNER, _SUB, _chain(3)),
            _pick(_chain(64), "owner", Vendor(id="v1"), Vendor(id="owner-2", parent=_SUB)),
        ),
        "designations": (_SETS, _BAD_SETS | st.none()),
        "attributes": (_pick({}), _BAD_MAPS),
    },
    Buyer: {
        "id": (_ID, _BAD_ID),
        "public": (st.booleans(), _pick(1, 0, None, "yes")),
        "sector": (_pick(Sector.CARRIER, Sector.OTHER), _pick("carrier", "bad", 3)),
        "name": (_TEXT, _BAD_TEXT),
        "country": (_pick(None, "CN", "JP", "EU"), _pick("UK", "XX", "cn", _Text("CN"), 5)),
        "designations": (_SETS | st.none(), _BAD_SETS),
    },
    Money: {
        "amount": (st.integers(min_value=0, max_value=10**9), _BAD_AMOUNTS),
        "currency": (_pick("USD", "JPY", "EUR"), _pick("usd", "ZZZ", "", _Text("USD"), 3, None)),
    },
    Purchase: {
        "buyer": (_pick(_BUYER), _pick(None, "b")),
        "vendor": (_pick(None, _OWNER, _SUB), _pick("v", 3)),
        "category": (
            _pick("telecom", "telecom/network", None, Category("it"))
            | st.from_regex(r"[a-z]{1,3}(/[a-z]{1,3}){0,2}", fullmatch=True),
            _pick("Bad Cat", "", 5, _Text("telecom")),
        ),
        "date": (_pick(None, _PAST, _LATER), _BAD_DAYS),
        "value": (_pick(None, Money(amount=5, currency="USD")), _pick(5, "5 USD")),
        "purpose": (_pick(None, "resale"), _pick("Bad Purpose", "", 3, _Text("resale"))),
        "components": (st.none(), _pick((), [Component()], ["x"], 3)),
        "facts": (_pick({}, _EMPTY_FACTS), _BAD_MAPS),
        "id": (_TEXT, _BAD_TEXT),
        "description": (_TEXT, _BAD_TEXT),
        "supplier": (_TEXT, _BAD_TEXT),
        "acquired": (_pick(None, _PAST, _LATER), _BAD_DAYS),
    },
}
_REQUIRED = {
    Vendor: {"id"},
    Buyer: {"id", "public", "sector"},
    Money: {"amount", "currency"},
    Purchase: {"buyer"},
}


@st.composite
def _constructor_calls(draw: st.DrawFn) -> tuple[type, dict[str, Any]]:
    """A class and keyword arguments for it: good values, some left to their defaults, and
    sometimes one or two bad ones."""
    cls = draw(st.sampled_from(list(_ARGUMENTS)))
    fields = _ARGUMENTS[cls]
    kwargs = {
        name: draw(good)
        for name, (good, _) in fields.items()
        if name in _REQUIRED[cls] or draw(st.booleans())
    }
    for name in draw(st.lists(st.sampled_from(sorted(fields)), max_size=2, unique=True)):
        kwargs[name] = draw(fields[name][1])
    return cls, kwargs


def _built(cls: type, init: Any, kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """What ``init`` makes of ``kwargs``: the error (type, message, path) or the object's class,
    every field's type and value, and the hash for the classes that cache it."""
    obj = object.__new__(cls)
    try:
        init(obj, **kwargs)
    except Exception as exc:  # compared, not swallowed
        return ("error", type(exc), str(exc), getattr(exc, "path", None))
    fields = tuple(
        (a.name, type(getattr(obj, a.name)), getattr(obj, a.name)) for a in attrs.fields(cls)
    )
    return ("value", type(obj), fields, hash(obj) if issubclass(cls, (Vendor, Buyer)) else None)


#: A subclass of each value class, as a user may write one.
_SUBCLASSES = {cls: type(f"My{cls.__name__}", (cls,), {}) for cls in (Vendor, Buyer, Purchase)}


class TestFastConstructors:
    """The value classes' fast ``__init__`` agrees with attrs' checked one on every argument."""

    @pytest.mark.parametrize("cls", [Vendor, Buyer, Money, Purchase])
    def test_same_signature(self, cls: type) -> None:
        """The fast constructor takes the same arguments, with the same defaults."""

        def shape(f: Any) -> list[tuple[str, Any, Any]]:
            return [(p.name, p.kind, p.default) for p in inspect.signature(f).parameters.values()]

        assert shape(cls.__init__) == shape(CHECKED_INITS[cls])
        assert cls.__init__ is not CHECKED_INITS[cls]

    @settings(max_examples=200)
    @given(_constructor_calls(), st.booleans())
    @example((Purchase, {"buyer": _BUYER, "date": _PAST, "acquired": _LATER}), True)
    @example((Purchase, {"buyer": _BUYER, "date": _LATER, "acquired": _PAST}), True)
    @example((Vendor, {"id": "c0", "parent": _chain(2)}), True)
    @example((Vendor, {"id": "c64", "parent": _chain(64)}), True)
    @example((Vendor, {"id": "v1", "parent": Vendor(id="v1")}), True)
    @example((Money, {"amount": True, "currency": "USD"}), True)
    def test_same_value_or_error(self, case: tuple[type, dict[str, Any]], fast_first: bool) -> None:
        """Either both constructors raise the same error, or both build the same fields (same
        types, equal values, same hash); in either order, since checking fills memos."""
        cls, kwargs = case
        runs = [(cls.__init__, "fast"), (CHECKED_INITS[cls], "checked")]
        if not fast_first:
            runs.reverse()
        out = {name: _built(cls, init, kwargs) for init, name in runs}
        event(f"{cls.__name__}: {out['fast'][0]}")
        assert out["fast"] == out["checked"]

    @settings(max_examples=60)
    @given(_constructor_calls().filter(lambda case: case[0] in _SUBCLASSES))
    def test_subclasses(self, case: tuple[type, dict[str, Any]]) -> None:
        """An instance of a user's subclass gets the same fields or error from the fast
        constructor as from the checked one, and stays of its class; the value classes' own
        instances come out of their class too, and frozen."""
        cls, kwargs = case
        sub = _SUBCLASSES[cls]
        fast = _built(sub, cls.__init__, kwargs)
        assert fast == _built(sub, CHECKED_INITS[cls], kwargs)
        if fast[0] == "value":
            assert fast[1] is sub
            obj = cls(**kwargs)
            assert type(obj) is cls
            with pytest.raises(attrs.exceptions.FrozenInstanceError):
                obj.id = "changed"
