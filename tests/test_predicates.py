"""The predicate algebra: Kleene laws, structure, printing and construction errors."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vendorpolicy
from vendorpolicy import (
    ALWAYS,
    NEVER,
    Buyer,
    Category,
    Component,
    Predicate,
    Purchase,
    Vendor,
    all_of,
    any_of,
    buyer,
    category,
    components,
    custom,
    decision_date,
    fact,
    purchase,
    vendor,
)
from vendorpolicy._predicates import MAX_DEPTH, depth
from vendorpolicy.errors import EvaluationError, InvalidValueError, PredicateTypeError
from vendorpolicy.predicates import AllOf, AnyOf, Not
from vendorpolicy.testing import predicates, purchases

P = predicates()


def kleene_and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


class TestKleeneLaws:
    """Each law is checked by evaluating both sides on generated purchases."""

    @given(P, P, purchases())
    def test_de_morgan_and(self, a: Predicate, b: Predicate, p: Purchase) -> None:
        """~(a & b) == ~a | ~b."""
        assert (~(a & b)).evaluate(p) == (~a | ~b).evaluate(p)

    @given(P, P, purchases())
    def test_de_morgan_or(self, a: Predicate, b: Predicate, p: Purchase) -> None:
        """~(a | b) == ~a & ~b."""
        assert (~(a | b)).evaluate(p) == (~a & ~b).evaluate(p)

    @given(P, purchases())
    def test_double_negation(self, a: Predicate, p: Purchase) -> None:
        """~~a == a."""
        assert (~~a).evaluate(p) == a.evaluate(p)

    @given(P, P, purchases())
    def test_commutativity(self, a: Predicate, b: Predicate, p: Purchase) -> None:
        """a & b == b & a and a | b == b | a."""
        assert (a & b).evaluate(p) == (b & a).evaluate(p)
        assert (a | b).evaluate(p) == (b | a).evaluate(p)

    @given(P, P, P, purchases())
    def test_associativity(self, a: Predicate, b: Predicate, c: Predicate, p: Purchase) -> None:
        """(a & b) & c == a & (b & c), and the same for |."""
        assert ((a & b) & c).evaluate(p) == (a & (b & c)).evaluate(p)
        assert ((a | b) | c).evaluate(p) == (a | (b | c)).evaluate(p)

    @given(P, P, purchases())
    def test_absorption(self, a: Predicate, b: Predicate, p: Purchase) -> None:
        """a & (a | b) == a and a | (a & b) == a."""
        assert (a & (a | b)).evaluate(p) == a.evaluate(p)
        assert (a | (a & b)).evaluate(p) == a.evaluate(p)

    @given(P, P, P, purchases())
    def test_distributivity(self, a: Predicate, b: Predicate, c: Predicate, p: Purchase) -> None:
        """a & (b | c) == (a & b) | (a & c)."""
        assert (a & (b | c)).evaluate(p) == ((a & b) | (a & c)).evaluate(p)

    @given(P, purchases())
    def test_identities(self, a: Predicate, p: Purchase) -> None:
        """ALWAYS and NEVER are the identities and annihilators."""
        value = a.evaluate(p)
        assert (a & ALWAYS).evaluate(p) == value
        assert (a | NEVER).evaluate(p) == value
        assert (a & NEVER).evaluate(p) is False
        assert (a | ALWAYS).evaluate(p) is True

    @given(P, P, purchases())
    def test_and_is_kleene_conjunction(self, a: Predicate, b: Predicate, p: Purchase) -> None:
        """The conjunction's value is the Kleene table applied to its operands' values."""
        assert (a & b).evaluate(p) == kleene_and(a.evaluate(p), b.evaluate(p))

    @given(P, purchases())
    def test_excluded_middle_only_when_known(self, a: Predicate, p: Purchase) -> None:
        """a | ~a is true when a is known and unknown when it is not."""
        value = (a | ~a).evaluate(p)
        assert value is (None if a.evaluate(p) is None else True)


class TestUnknowns:
    def _purchase(self, **kw: object) -> Purchase:
        return Purchase(buyer=Buyer(id="b", public=True, sector="defence"), **kw)  # type: ignore[arg-type]

    def test_false_and_unknown_is_false(self) -> None:
        """False & unknown is false."""
        p = self._purchase(vendor=Vendor(id="v"))  # origin unknown
        assert vendor.origin.in_("CN").evaluate(p) is None
        assert (buyer.is_private & vendor.origin.in_("CN")).evaluate(p) is False

    def test_true_or_unknown_is_true(self) -> None:
        """True | unknown is true."""
        p = self._purchase(vendor=Vendor(id="v"))
        assert (buyer.is_public | vendor.origin.in_("CN")).evaluate(p) is True

    def test_missing_facts_named(self) -> None:
        """An unknown atom names the fact it lacked."""
        p = self._purchase()
        t = (vendor.origin.in_("CN") & fact("action").in_("buy")).trace(p)
        assert t.value is None
        assert t.missing_facts == ("vendor", "facts.action")

    def test_buyer_designated_three_valued(self) -> None:
        """`buyer.designated` is true or false on stated designations (none by default), and
        unknown, naming `buyer.designations`, when they are not known."""
        condition = buyer.designated({"uk.dvd.recipient"})
        assert repr(condition) == "buyer.designated({'uk.dvd.recipient'})"
        listed = Buyer(id="b", public=False, sector="carrier", designations={"uk.dvd.recipient"})
        assert condition.evaluate(Purchase(buyer=listed)) is True
        assert condition.evaluate(self._purchase()) is False
        unknown = Buyer(id="b", public=False, sector="carrier", designations=None)
        trace = condition.trace(Purchase(buyer=unknown))
        assert trace.value is None
        assert trace.missing_facts == ("buyer.designations",)

    def test_other_currency_is_unknown(self) -> None:
        """A value in another currency cannot be compared without a rate: unknown."""
        p = self._purchase(value=vendorpolicy.Money(amount=10**9, currency="JPY"))
        assert purchase.value.at_least(1000, "USD").evaluate(p) is None
        assert purchase.value.at_least(1000, "JPY").evaluate(p) is True

    def test_undeclared_components_are_unknown(self) -> None:
        """Components not declared make component conditions unknown; none declared, false."""
        cond = components.any(vendor.designated("covered"))
        assert cond.evaluate(self._purchase()) is None
        assert cond.evaluate(self._purchase(components=[])) is False
        assert components.all(vendor.designated("covered")).evaluate(self._purchase(components=[]))

    def test_component_is_read_as_subject(self) -> None:
        """Inside `components.any`, vendor and category are the component's."""
        p = self._purchase(
            vendor=Vendor(id="nec", country="JP"),
            category="it/endpoint/laptop",
            components=[Component(vendor=Vendor(id="zte", country="CN"), category="telecom/modem")],
        )
        cond = components.any(vendor.origin.in_("CN") & category.within("telecom"))
        trace = cond.trace(p)
        assert trace.value is True
        assert trace.children[0].children[0].fact == "components[0].vendor.country"

    def test_through_ownership(self) -> None:
        """Through ownership, an owner's designation counts; without it, only the vendor's."""
        sub = Vendor(id="sub", country="JP", parent=Vendor(id="top", designations={"covered"}))
        p = self._purchase(vendor=sub)
        assert vendor.designated("covered").evaluate(p) is False
        assert vendor.designated("covered", through_ownership=True).evaluate(p) is True
        assert vendor.id.in_("top", through_ownership=True).evaluate(p) is True
        assert vendor.origin.in_("CN", through_ownership=True).evaluate(p) is None

    def test_fact_bool_is_not_text(self) -> None:
        """A fact stated as True does not match the text `True`, nor 1."""
        p = self._purchase(facts={"exception-claimed": True})
        assert fact("exception-claimed").is_true.evaluate(p) is True
        assert fact("exception-claimed").in_("True").evaluate(p) is False

    def test_dates(self) -> None:
        """on_or_after includes the day itself; before is its negation."""
        p = self._purchase(date=dt.date(2019, 8, 13))
        assert purchase.date.on_or_after("2019-08-13").evaluate(p) is True
        assert purchase.date.before("2019-08-13").evaluate(p) is False
        assert purchase.date.on_or_after("2019-08-14").evaluate(p) is False


class TestDecisionDate:
    def _purchase(self, day: dt.date | None) -> Purchase:
        return Purchase(buyer=Buyer(id="b", public=True, sector="defence"), date=day)

    def test_reads_as_of_not_purchase_date(self) -> None:
        """decision_date reads the decision date: as_of when given, else the purchase date."""
        waiver_live = decision_date.before("2021-08-14")
        p = self._purchase(dt.date(2020, 1, 1))
        assert waiver_live.evaluate(p) is True
        assert waiver_live.evaluate(p, as_of=dt.date(2021, 8, 14)) is False
        assert purchase.date.before("2021-08-14").evaluate(p, as_of=dt.date(2022, 1, 1)) is True

    def test_unknown_without_any_date(self) -> None:
        """With no purchase date and no as_of the decision date is unknown."""
        trace = decision_date.on_or_after("2020-01-01").trace(self._purchase(None))
        assert (trace.value, trace.missing_facts) == (None, ("decision date",))


class TestComponentFacts:
    def test_component_facts_override_purchase_facts(self) -> None:
        """Inside component conditions a part's own facts win over the purchase's."""
        p = Purchase(
            buyer=Buyer(id="b", public=True, sector="defence"),
            facts={"essential": False},
            components=[
                Component(
                    vendor=Vendor(id="zte", designations={"covered"}), facts={"essential": True}
                ),
                Component(vendor=Vendor(id="acme")),
            ],
        )
        essential_covered = components.any(vendor.designated("covered") & fact("essential").is_true)
        assert essential_covered.evaluate(p) is True
        assert fact("essential").is_true.evaluate(p) is False
        uses_acme_essentially = components.any(vendor.id.in_("acme") & fact("essential").is_true)
        assert uses_acme_essentially.evaluate(p) is False


class TestCustom:
    def test_result_shown_by_name(self) -> None:
        """A custom predicate runs and appears by name."""

        @custom("has-sbom")
        def has_sbom(p: Purchase) -> bool | None:
            return p.facts.get("sbom") is True

        assert repr(has_sbom) == "custom('has-sbom')"
        p = Purchase(buyer=Buyer(id="b", public=True, sector="defence"), facts={"sbom": True})
        assert has_sbom.evaluate(p) is True

    def test_raising_is_unknown_with_error(self) -> None:
        """A custom predicate that raises is unknown, and its error is recorded."""

        @custom("broken")
        def broken(p: Purchase) -> bool | None:
            raise RuntimeError("database down")

        p = Purchase(buyer=Buyer(id="b", public=True, sector="defence"))
        trace = broken.trace(p)
        assert trace.value is None
        assert "database down" in trace.error
        with pytest.raises(EvaluationError, match="database down"):
            broken.evaluate(p, strict=True)

    def test_non_bool_result_is_error(self) -> None:
        """A custom predicate must answer True, False or None; `1` is an error, not true."""

        @custom("sloppy")
        def sloppy(p: Purchase) -> bool | None:
            return 1  # type: ignore[return-value]

        p = Purchase(buyer=Buyer(id="b", public=True, sector="defence"))
        assert sloppy.trace(p).value is None
        assert "expected True, False or None" in sloppy.trace(p).error


class TestStructure:
    @given(P)
    def test_repr_rebuilds(self, a: Predicate) -> None:
        """repr() reads as the expression that rebuilds the value."""
        namespace = {name: getattr(vendorpolicy, name) for name in vendorpolicy.__all__}
        assert eval(repr(a), namespace) == a  # noqa: S307 - our own repr, in a test

    @given(P, P, P)
    def test_and_flattens(self, a: Predicate, b: Predicate, c: Predicate) -> None:
        """Nested conjunctions flatten when built, so no AllOf holds an AllOf."""
        combined = (a & b) & c
        assert isinstance(combined, AllOf)
        assert not any(isinstance(op, AllOf) for op in combined.operands)
        assert combined == a & (b & c)

    @given(P, P)
    def test_equal_values_hash_equal(self, a: Predicate, b: Predicate) -> None:
        """Structural equality: rebuilt values are equal and hash the same."""
        assert (a | b) == (a | b)
        assert hash(a | b) == hash(a | b)

    def test_one_operand_is_itself(self) -> None:
        """all_of and any_of of one predicate return it."""
        assert all_of(buyer.is_public) == buyer.is_public
        assert any_of(buyer.is_public) == buyer.is_public

    def test_walk_visits_every_node(self) -> None:
        """walk() yields every node, depth first."""
        p = ~(buyer.is_public | vendor.origin.in_("CN"))
        kinds = [type(n).__name__ for n in p.walk()]
        assert kinds == ["Not", "AnyOf", "BuyerPublic", "VendorOrigin"]


class TestConstructionErrors:
    def test_empty_set_refused(self) -> None:
        """An empty set would never match: a deny rule with it would silently allow."""
        with pytest.raises(InvalidValueError) as info:
            vendor.origin.in_(set())
        assert info.value.path == "VendorOrigin.countries"
        assert "could never be true" in info.value.message

    def test_unknown_country_in_set(self) -> None:
        """A bad code in a set names its position."""
        with pytest.raises(InvalidValueError) as info:
            vendor.origin.in_(["CN", "XX"])
        assert info.value.path == "VendorOrigin.countries[1]"

    def test_lone_string_is_one_item(self) -> None:
        """A lone string is one code, not a set of its letters."""
        assert vendor.origin.in_("CN") == vendor.origin.in_({"CN"})

    @pytest.mark.parametrize("other", ["CN", 1, None, True])
    def test_combining_with_non_predicate(self, other: object) -> None:
        """`&` with something that is not a predicate is a type error naming it."""
        with pytest.raises(PredicateTypeError, match="cannot combine a predicate"):
            _ = buyer.is_public & other  # type: ignore[operator]

    def test_no_truth_value(self) -> None:
        """`and`/`or` would silently drop a condition, so a predicate has no truth value."""
        with pytest.raises(PredicateTypeError, match="no truth value"):
            _ = buyer.is_public and buyer.is_private

    def test_empty_all_of(self) -> None:
        """all_of() with nothing is an error pointing to ALWAYS."""
        with pytest.raises(InvalidValueError, match="ALWAYS"):
            all_of()

    def test_node_needs_predicates(self) -> None:
        """A node built from a string names the field and position."""
        with pytest.raises(PredicateTypeError) as info:
            AnyOf(operands=[buyer.is_public, "vendor is huawei"])  # type: ignore[list-item]
        assert info.value.path == "AnyOf.operands[1]"
        with pytest.raises(PredicateTypeError, match=r"Not\.operand"):
            Not(operand="x")  # type: ignore[arg-type]

    def test_bad_category(self) -> None:
        """A malformed category in a condition is refused with a suggestion."""
        with pytest.raises(InvalidValueError, match="did you mean `telecom`"):
            category.within("Telecom")

    def test_bad_date_text(self) -> None:
        """A date that is not ISO text is refused."""
        with pytest.raises(InvalidValueError, match="YYYY-MM-DD"):
            purchase.date.on_or_after("13/08/2019")

    def test_no_subclassing(self) -> None:
        """Predicate is closed: subclassing it outside the library is refused."""
        with pytest.raises(PredicateTypeError, match="custom"):

            class Mine(Predicate):  # pragma: no cover - never created
                pass

    @given(st.sampled_from(list(Category("a/b/c").parts)))
    def test_category_builder_accepts_text(self, part: str) -> None:
        """category.within accepts text paths."""
        assert category.within(part) == category.within(Category(part))


class TestFactIfMissing:
    def _purchase(self, **facts: str | bool) -> Purchase:
        return Purchase(buyer=Buyer(id="b", public=True, sector="central-government"), facts=facts)

    def test_unstated_fact_takes_if_missing(self) -> None:
        """An unstated fact gives `if_missing` when set, and unknown when not."""
        assert fact("waiver").in_({"dni"}).evaluate(self._purchase()) is None
        assert fact("waiver").in_({"dni"}, if_missing=False).evaluate(self._purchase()) is False
        assert fact("waiver").in_({"dni"}, if_missing=True).evaluate(self._purchase()) is True

    def test_stated_fact_ignores_if_missing(self) -> None:
        """A stated fact is compared with the values whatever `if_missing` says."""
        stated = self._purchase(waiver="dni")
        assert fact("waiver").in_({"dni"}, if_missing=False).evaluate(stated) is True
        assert fact("waiver").in_({"other"}, if_missing=True).evaluate(stated) is False

    def test_known_unstated_fact_is_not_missing(self) -> None:
        """A fact read with `if_missing` is not reported as missing."""
        trace = fact("waiver").in_({"dni"}, if_missing=False).trace(self._purchase())
        assert (trace.value, trace.missing_facts, trace.observed) == (False, (), "not stated")

    def test_repr_rebuilds(self) -> None:
        """The repr shows `if_missing` only when set."""
        assert (
            repr(fact("w").in_("a", if_missing=False)) == "fact('w').in_({'a'}, if_missing=False)"
        )
        assert repr(fact("w").in_("a")) == "fact('w').in_({'a'})"

    def test_if_missing_must_be_a_boolean(self) -> None:
        """`if_missing` is True, False or None; anything else is an error naming the field."""
        with pytest.raises(PredicateTypeError, match="expected true or false") as info:
            fact("w").in_("a", if_missing="no")  # type: ignore[arg-type]
        assert info.value.path == "FactIn.if_missing"


class TestComponentsIfUndeclared:
    """`components.any(p, if_undeclared=...)` and `components.all(...)`: undeclared parts."""

    @given(P, st.booleans(), st.booleans(), purchases())
    def test_undeclared_takes_the_option(
        self, inner: Predicate, every: bool, option: bool, p: Purchase
    ) -> None:
        """Undeclared components give `if_undeclared` when it is set, unknown when it is not;
        declared ones (even none) are read as without the option."""
        build = components.all if every else components.any
        with_option, plain = build(inner, if_undeclared=option), build(inner)
        if p.components is None:
            assert plain.evaluate(p) is None
            assert with_option.evaluate(p) is option
            assert with_option.trace(p).missing_facts == ()
        else:
            assert with_option.evaluate(p) == plain.evaluate(p)
            assert with_option.trace(p).missing_facts == plain.trace(p).missing_facts

    def test_trace_says_what_it_read(self) -> None:
        """The trace keeps the fact it read and says the option decided it."""
        p = Purchase(buyer=Buyer(id="b", public=True, sector="defence"))
        trace = components.any(vendor.designated("covered"), if_undeclared=False).trace(p)
        assert (trace.value, trace.fact, trace.observed) == (
            False,
            "components",
            "not declared (if_undeclared=False)",
        )

    def test_repr_rebuilds(self) -> None:
        """The repr shows `if_undeclared` only when set."""
        inner = vendor.designated("covered")
        assert repr(components.all(inner, if_undeclared=True)) == (
            "components.all(vendor.designated({'covered'}), if_undeclared=True)"
        )
        assert repr(components.any(inner)) == "components.any(vendor.designated({'covered'}))"
        assert components.any(inner, if_undeclared=None) == components.any(inner)
        assert components.any(inner, if_undeclared=False) != components.any(inner)

    def test_if_undeclared_must_be_a_boolean(self) -> None:
        """`if_undeclared` is True, False or None; anything else is an error naming the field."""
        with pytest.raises(PredicateTypeError, match="expected true or false") as info:
            components.any(vendor.designated("covered"), if_undeclared="no")  # type: ignore[arg-type]
        assert info.value.path == "AnyComponent.if_undeclared"
        with pytest.raises(PredicateTypeError, match="expected true or false") as info:
            components.all(vendor.designated("covered"), if_undeclared=0)  # type: ignore[arg-type]
        assert info.value.path == "AllComponents.if_undeclared"


class TestBuyerCountryIfMissing:
    def test_unstated_country_takes_if_missing(self) -> None:
        """A buyer whose country is not stated gives `if_missing` when set, unknown when not;
        a stated country is compared whatever `if_missing` says."""
        unstated = Purchase(buyer=Buyer(id="b", public=True, sector="defence"))
        stated = Purchase(buyer=Buyer(id="b", public=True, sector="defence", country="US"))
        assert buyer.country.in_({"JP"}).evaluate(unstated) is None
        assert buyer.country.in_({"JP"}, if_missing=True).evaluate(unstated) is True
        assert buyer.country.in_({"JP"}, if_missing=False).evaluate(unstated) is False
        assert buyer.country.in_({"JP"}, if_missing=True).evaluate(stated) is False
        trace = buyer.country.in_({"JP"}, if_missing=True).trace(unstated)
        assert (trace.missing_facts, trace.observed) == ((), "not known")

    def test_repr_and_errors(self) -> None:
        """The repr shows `if_missing` only when set; a non-boolean is refused at its field."""
        assert repr(buyer.country.in_("JP", if_missing=True)) == (
            "buyer.country.in_({'JP'}, if_missing=True)"
        )
        assert repr(buyer.country.in_("JP")) == "buyer.country.in_({'JP'})"
        with pytest.raises(PredicateTypeError, match="expected true or false") as info:
            buyer.country.in_("JP", if_missing="yes")  # type: ignore[arg-type]
        assert info.value.path == "BuyerCountry.if_missing"


# --- the ultimate owner's origin ---------------------------------------------------------------


def _top_country(p: Purchase, countries: frozenset[str]) -> bool | None:
    """The specification, written from the docs: the last vendor up the chain decides."""
    if p.vendor is None:
        return None
    top = p.vendor.lineage[-1]
    return None if top.country is None else top.country in countries


_SOME_COUNTRIES = st.frozensets(st.sampled_from(["CN", "JP", "US", "SE", "HK"]), min_size=1)


class TestUltimateOwnerOrigin:
    def _purchase(self, v: Vendor | None, **kw: object) -> Purchase:
        return Purchase(buyer=Buyer(id="b", public=True, sector="defence"), vendor=v, **kw)  # type: ignore[arg-type]

    @given(_SOME_COUNTRIES, purchases())
    def test_brute_force(self, countries: frozenset[str], p: Purchase) -> None:
        """The value is the top of the chain's country in the set, unknown when the vendor or
        that country is unknown."""
        assert vendor.ultimate_owner.origin.in_(countries).evaluate(p) == _top_country(p, countries)

    @given(_SOME_COUNTRIES, purchases())
    def test_top_in_set_implies_some_owner_in_set(
        self, countries: frozenset[str], p: Purchase
    ) -> None:
        """Controlled from C implies C somewhere in the chain, never the other way round."""
        if vendor.ultimate_owner.origin.in_(countries).evaluate(p) is True:
            assert vendor.origin.in_(countries, through_ownership=True).evaluate(p) is True

    def test_differs_from_through_ownership(self) -> None:
        """A Chinese subsidiary of a Swedish group is not controlled from China."""
        sub = Vendor(id="sub", country="CN", parent=Vendor(id="group", country="SE"))
        p = self._purchase(sub)
        assert vendor.origin.in_({"CN"}, through_ownership=True).evaluate(p) is True
        assert vendor.ultimate_owner.origin.in_({"CN"}).evaluate(p) is False
        assert vendor.ultimate_owner.origin.in_({"SE"}).evaluate(p) is True

    def test_no_parent_is_its_own_top(self) -> None:
        """A vendor without an owner is its own ultimate owner."""
        lone = Vendor(id="lone", country="JP")
        assert lone.ultimate_owner is lone
        assert vendor.ultimate_owner.origin.in_({"JP"}).evaluate(self._purchase(lone)) is True

    def test_unknown_top_country_is_unknown(self) -> None:
        """The vendor's own known country does not stand in for an unknown top's."""
        sub = Vendor(id="sub", country="CN", parent=Vendor(id="group"))
        trace = vendor.ultimate_owner.origin.in_({"CN"}).trace(self._purchase(sub))
        assert (trace.value, trace.fact, trace.observed, trace.missing_facts) == (
            None,
            "vendor.ultimate_owner.country",
            "group: not known",
            ("vendor.ultimate_owner.country",),
        )

    def test_unknown_vendor_is_unknown(self) -> None:
        """With no vendor identified the condition is unknown and names the vendor."""
        trace = vendor.ultimate_owner.origin.in_({"CN"}).trace(self._purchase(None))
        assert (trace.value, trace.missing_facts) == (None, ("vendor",))

    def test_trace_shows_the_top(self) -> None:
        """The trace names the ultimate owner it read, and a component's path."""
        group = Vendor(id="group", country="CN")
        part = Component(vendor=Vendor(id="modem-co", country="HK", parent=group))
        p = self._purchase(Vendor(id="acme", country="US"), components=[part])
        trace = components.any(vendor.ultimate_owner.origin.in_({"CN"})).trace(p)
        (inner,) = trace.children
        assert (inner.value, inner.fact, inner.observed) == (
            True,
            "components[0].vendor.ultimate_owner.country",
            "group: CN",
        )

    def test_with_a_dated_registry(self) -> None:
        """With a registry the chain, and so its top, is the one valid on the decision date."""
        registry = vendorpolicy.Registry(
            id="r",
            version="1",
            entities=[
                vendorpolicy.Entity(id="sub", name="Sub AB", country="SE"),
                vendorpolicy.Entity(id="group", name="Group Ltd", country="CN"),
            ],
            relations=[
                vendorpolicy.Relation(
                    owner="group",
                    owned="sub",
                    kind="subsidiary",
                    valid_until=dt.date(2020, 12, 31),
                )
            ],
        )
        rs = vendorpolicy.RuleSet(
            id="x",
            version="1",
            rules=[
                vendorpolicy.Rule(
                    id="cn-controlled",
                    when=vendor.ultimate_owner.origin.in_({"CN"}),
                    effect="deny",
                )
            ],
        )
        p = self._purchase(None, supplier="Sub AB")
        effects = [
            rs.evaluate(p, as_of=day, registry=registry).effect.value
            for day in (dt.date(2020, 12, 31), dt.date(2021, 1, 1))
        ]
        assert effects == ["deny", "allow"]

    def test_repr_and_errors(self) -> None:
        """The repr rebuilds the condition; an empty or bad set is refused with its path."""
        assert repr(vendor.ultimate_owner.origin.in_(["JP", "CN"])) == (
            "vendor.ultimate_owner.origin.in_({'CN', 'JP'})"
        )
        with pytest.raises(InvalidValueError, match="could never be true") as info:
            vendor.ultimate_owner.origin.in_(set())
        assert info.value.path == "UltimateOwnerOrigin.countries"
        with pytest.raises(InvalidValueError, match="did you mean `CN`") as info:
            vendor.ultimate_owner.origin.in_({"cn"})
        assert info.value.path == "UltimateOwnerOrigin.countries[0]"


# --- facts that hold dates ------------------------------------------------------------------------

_DAYS = st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2023, 12, 31))
_MISSING = st.none() | st.booleans()
_DATE_NAMES = st.sampled_from(["waiver-granted", "waiver-expires"])


def _read_date(p: Purchase, name: str, if_missing: bool | None) -> tuple[bool, object]:
    """(decided, value): an unstated fact is decided by `if_missing`, a non-date is unknown."""
    if name not in p.facts:
        return True, if_missing
    stated = p.facts[name]
    if not isinstance(stated, dt.date):
        return True, None
    return False, stated


def _spec(
    kind: str,
    name: str,
    day: dt.date,
    if_missing: bool | None,
    *,
    p: Purchase,
    as_of: dt.date | None,
) -> bool | None:
    decided, stated = _read_date(p, name, if_missing)
    if decided:
        return stated  # type: ignore[return-value]
    assert isinstance(stated, dt.date)
    when = as_of if as_of is not None else p.date
    if kind == "on_or_after":
        return stated >= day
    if kind == "before":
        return stated < day
    if when is None:
        return None
    return {
        "on_or_after_decision_date": stated >= when,
        "before_decision_date": stated < when,
        "on_or_before_decision_date": stated <= when,
        "after_decision_date": stated > when,
    }[kind]


_KINDS = [
    "on_or_after",
    "before",
    "on_or_after_decision_date",
    "before_decision_date",
    "on_or_before_decision_date",
    "after_decision_date",
]


def _build(kind: str, name: str, day: dt.date, if_missing: bool | None) -> Predicate:
    method = getattr(fact(name), kind)
    if kind in ("on_or_after", "before"):
        return method(day, if_missing=if_missing)  # type: ignore[no-any-return]
    return method(if_missing=if_missing)  # type: ignore[no-any-return]


class TestDatedFacts:
    def _purchase(self, day: dt.date | None = None, **facts: object) -> Purchase:
        return Purchase(
            buyer=Buyer(id="b", public=True, sector="central-government"),
            date=day,
            facts=facts,  # type: ignore[arg-type]
        )

    @given(
        kind=st.sampled_from(_KINDS),
        name=_DATE_NAMES,
        day=_DAYS,
        if_missing=_MISSING,
        p=purchases(),
        as_of=st.none() | _DAYS,
    )
    def test_brute_force(
        self,
        *,
        kind: str,
        name: str,
        day: dt.date,
        if_missing: bool | None,
        p: Purchase,
        as_of: dt.date | None,
    ) -> None:
        """Every date builder, on every generated purchase and decision date, gives what the
        docs say: `if_missing` when unstated, unknown for a non-date, else the comparison."""
        condition = _build(kind, name, day, if_missing)
        expected = _spec(kind, name, day, if_missing, p=p, as_of=as_of)
        assert condition.evaluate(p, as_of=as_of) == expected

    @given(st.sampled_from(_KINDS), _DAYS, _MISSING, st.sampled_from(["soon", "13/08/2021", True]))
    def test_malformed_is_unknown_with_error(
        self, kind: str, day: dt.date, if_missing: bool | None, bad: object
    ) -> None:
        """A fact that is stated but not a date is unknown whatever `if_missing` says, and the
        trace carries an error saying so; `strict=True` raises it."""
        p = self._purchase(dt.date(2021, 1, 1), **{"waiver-expires": bad})
        condition = _build(kind, "waiver-expires", day, if_missing)
        trace = condition.trace(p)
        shown = str(bad).lower() if isinstance(bad, bool) else bad
        assert trace.value is None
        assert trace.errors == (
            f"fact `waiver-expires` is `{shown}`, not a date (write dates as `YYYY-MM-DD`)",
        )
        with pytest.raises(EvaluationError, match="not a date"):
            condition.evaluate(p, strict=True)

    @given(st.sampled_from(_KINDS), _DAYS, st.sampled_from([None, False]), st.booleans())
    def test_waiver_never_holds_silently(
        self, kind: str, day: dt.date, if_missing: bool | None, malformed: bool
    ) -> None:
        """A deny rule excepted by a dated waiver never allows when the date is unstated (and
        `if_missing` is not `True`) or malformed: the rule denies or goes to review."""
        waiver = fact("waiver").is_true & _build(kind, "waiver-expires", day, if_missing)
        rule = vendorpolicy.Rule(id="r", when=ALWAYS, effect="deny", unless=waiver)
        rs = vendorpolicy.RuleSet(id="x", version="1", rules=[rule])
        facts: dict[str, object] = {"waiver": True}
        if malformed:
            facts["waiver-expires"] = "2021/08/13"
        decision = rs.evaluate(self._purchase(dt.date(2021, 1, 1), **facts))
        assert decision.effect.value in ("deny", "review")
        if malformed:
            assert decision.errors

    def test_expiry_day_inclusive(self) -> None:
        """A waiver whose last day is stated holds on that day and not the day after."""
        live = fact("waiver-expires").on_or_after_decision_date(if_missing=False)
        p = self._purchase(dt.date(2021, 1, 1), **{"waiver-expires": "2021-08-13"})
        days = [dt.date(2021, 8, 12), dt.date(2021, 8, 13), dt.date(2021, 8, 14)]
        assert [live.evaluate(p, as_of=d) for d in days] == [True, True, False]

    def test_grant_reached(self) -> None:
        """A grant date holds from that day on, and not before it."""
        granted = fact("waiver-granted").on_or_before_decision_date()
        p = self._purchase(**{"waiver-granted": dt.date(2020, 3, 1)})
        days = [dt.date(2020, 2, 29), dt.date(2020, 3, 1), dt.date(2020, 3, 2)]
        assert [granted.evaluate(p, as_of=d) for d in days] == [False, True, True]

    def test_unknown_decision_date(self) -> None:
        """With a stated date but no decision date the comparison is unknown, naming it."""
        trace = (
            fact("waiver-expires")
            .on_or_after_decision_date(if_missing=False)
            .trace(self._purchase(**{"waiver-expires": "2021-08-13"}))
        )
        assert (trace.value, trace.missing_facts, trace.observed) == (
            None,
            ("decision date",),
            "not known (facts.waiver-expires = 2021-08-13)",
        )

    def test_negated_builders_take_if_missing_as_written(self) -> None:
        """`before(d, if_missing=False)` is false when unstated: the value given is the value
        of the condition as written, not of the node inside the `~`."""
        p = self._purchase(dt.date(2021, 1, 1))
        for kind in _KINDS:
            for missing in (True, False):
                condition = _build(kind, "w", dt.date(2020, 1, 1), missing)
                assert condition.evaluate(p) is missing, kind

    def test_repr_rebuilds_negated_forms(self) -> None:
        """Each builder's repr is the call that made it."""
        namespace = {name: getattr(vendorpolicy, name) for name in vendorpolicy.__all__}
        texts = [
            "fact('w').on_or_after('2020-01-01')",
            "fact('w').before('2020-01-01', if_missing=False)",
            "fact('w').on_or_after_decision_date(if_missing=False)",
            "fact('w').before_decision_date()",
            "fact('w').on_or_before_decision_date(if_missing=True)",
            "fact('w').after_decision_date(if_missing=False)",
            "~fact('w').before('2020-01-01')",
        ]
        for text in texts:
            assert repr(eval(text, namespace)) == text  # noqa: S307 - our own repr

    def test_text_dates_are_dates(self) -> None:
        """A fact written `YYYY-MM-DD` is a date, in purchases and in `FactIn` values alike;
        other text stays text."""
        p = self._purchase(**{"waiver-expires": "2021-08-13", "note": "2021/08/13"})
        assert p.facts["waiver-expires"] == dt.date(2021, 8, 13)
        assert p.facts["note"] == "2021/08/13"
        assert fact("waiver-expires").in_({"2021-08-13"}) == fact("waiver-expires").in_(
            dt.date(2021, 8, 13)
        )
        assert fact("waiver-expires").in_({"2021-08-13"}).evaluate(p) is True
        assert fact("waiver-expires").in_({"2021-08-13"}).trace(p).observed == "2021-08-13"

    @pytest.mark.parametrize(
        ("value", "error", "message"),
        [
            ("2021-02-30", InvalidValueError, "not a date `2021-02-30`"),
            ("2021-13-01", InvalidValueError, "not a date `2021-13-01`"),
            (
                dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc),
                PredicateTypeError,
                "fact values must be text, booleans or dates, got datetime",
            ),
            (3, PredicateTypeError, "fact values must be text, booleans or dates, got int `3`"),
        ],
    )
    def test_bad_fact_values_refused(self, value: object, error: type, message: str) -> None:
        """An impossible day, a timestamp or a number is refused, naming the fact."""
        with pytest.raises(error) as info:
            self._purchase(**{"waiver-expires": value})
        assert info.value.path == "Purchase.facts['waiver-expires']"
        assert info.value.message.startswith(message)
        with pytest.raises(error) as info:
            fact("waiver-expires").in_(["x", value])  # type: ignore[list-item]
        assert info.value.path == "FactIn.values[1]"

    def test_construction_errors(self) -> None:
        """A bad date, name or `if_missing` names the node's field, negated forms too."""
        with pytest.raises(InvalidValueError, match="YYYY-MM-DD") as info:
            fact("w").on_or_after("13/08/2019")
        assert info.value.path == "FactOnOrAfter.date"
        with pytest.raises(InvalidValueError, match="YYYY-MM-DD") as info:
            fact("w").before("2019-8-13")
        assert info.value.path == "FactOnOrAfter.date"
        with pytest.raises(PredicateTypeError, match="expected true or false") as info:
            fact("w").before_decision_date(if_missing="no")  # type: ignore[arg-type]
        assert info.value.path == "FactOnOrAfterDecision.if_missing"
        with pytest.raises(PredicateTypeError, match="expected true or false") as info:
            fact("w").on_or_before_decision_date(if_missing=0)  # type: ignore[arg-type]
        assert info.value.path == "FactOnOrBeforeDecision.if_missing"
        with pytest.raises(InvalidValueError, match="invalid id") as info:
            vendorpolicy.predicates.FactOnOrAfterDecision(name="Waiver Expires")
        assert info.value.path == "FactOnOrAfterDecision.name"


# --- the original acquisition date ------------------------------------------------------------


class TestAcquired:
    def _purchase(self, **kw: object) -> Purchase:
        return Purchase(buyer=Buyer(id="b", public=True, sector="defence"), **kw)  # type: ignore[arg-type]

    @given(_DAYS, purchases())
    def test_brute_force(self, day: dt.date, p: Purchase) -> None:
        """on_or_after and before compare the stated date; unknown when none is stated."""
        expected = None if p.acquired is None else p.acquired >= day
        assert purchase.acquired.on_or_after(day).evaluate(p) == expected
        assert purchase.acquired.before(day).evaluate(p) == (
            None if expected is None else not expected
        )

    def test_day_before_and_day_of(self) -> None:
        """Acquired the day before an effective date is `before` it; on the day, not."""
        before = purchase.acquired.before("2019-08-13")
        results = [
            before.evaluate(self._purchase(acquired=d))
            for d in (dt.date(2019, 8, 12), dt.date(2019, 8, 13))
        ]
        assert results == [True, False]

    def test_unstated_is_unknown_and_named(self) -> None:
        """A purchase that does not state the acquisition date leaves it unknown."""
        trace = purchase.acquired.on_or_after("2019-08-13").trace(self._purchase())
        assert (trace.value, trace.missing_facts) == (None, ("purchase.acquired",))

    def test_reads_acquired_not_purchase_date(self) -> None:
        """A 2022 renewal of a 2018 router: the purchase is after, the equipment before."""
        p = self._purchase(date=dt.date(2022, 5, 1), acquired=dt.date(2018, 3, 1))
        assert purchase.date.before("2019-08-13").evaluate(p) is False
        assert purchase.acquired.before("2019-08-13").evaluate(p) is True

    def test_after_purchase_date_refused(self) -> None:
        """Equipment cannot be acquired after the purchase that renews it."""
        with pytest.raises(InvalidValueError) as info:
            self._purchase(date=dt.date(2020, 1, 1), acquired=dt.date(2020, 1, 2))
        assert info.value.path == "Purchase.acquired"
        assert info.value.message == (
            "the equipment was acquired (2020-01-02) after the purchase date (2020-01-01)"
        )
        same_day = self._purchase(date=dt.date(2020, 1, 1), acquired=dt.date(2020, 1, 1))
        assert same_day.acquired == dt.date(2020, 1, 1)

    def test_type_errors(self) -> None:
        """A timestamp or text is refused at the field; a bad date in the condition too."""
        with pytest.raises(PredicateTypeError) as info:
            self._purchase(acquired="2018-01-01")
        assert info.value.path == "Purchase.acquired"
        with pytest.raises(InvalidValueError, match="YYYY-MM-DD") as info:
            purchase.acquired.before("01/02/2018")
        assert info.value.path == "AcquiredOnOrAfter.date"
        assert repr(purchase.acquired.before("2019-08-13")) == (
            "~purchase.acquired.on_or_after('2019-08-13')"
        )


def nested(levels: int, kinds: list[str]) -> Predicate:
    """A predicate ``levels`` deep, wrapping an atom in the given connectives in turn."""
    node: Predicate = vendor.origin.in_("CN")
    for i in range(levels - 1):
        kind = kinds[i % len(kinds)]
        if (kind, type(node)) in (("all", AllOf), ("any", AnyOf)):
            kind = "not"  # `all` in `all` would flatten, not nest
        if kind == "not":
            node = ~node
        elif kind == "all":
            node = AllOf(operands=[node, buyer.is_public])
        elif kind == "any":
            node = AnyOf(operands=[node, buyer.is_public])
        else:
            node = components.any(node)
    return node


class TestDepth:
    """Nesting is bounded when a predicate is built (each connective carries its depth, so the
    check costs nothing), and every walk works up to the bound."""

    @settings(max_examples=20)
    @given(st.lists(st.sampled_from(["not", "all", "any", "component"]), min_size=1, max_size=4))
    def test_every_walk_works_at_the_bound(self, kinds: list[str]) -> None:
        """A predicate exactly `MAX_DEPTH` deep prints, compares, evaluates, explains, saves
        and loads back."""
        from vendorpolicy import Effect, Rule, RuleSet, dump_rule_set, parse_rule_set
        from vendorpolicy._files import Limits

        p = nested(MAX_DEPTH, kinds)
        assert depth(p) == MAX_DEPTH
        assert repr(p)
        assert p == nested(MAX_DEPTH, kinds)
        assert hash(p) == hash(nested(MAX_DEPTH, kinds))
        rs = RuleSet(id="deep", version="1", rules=[Rule(id="r", when=p, effect=Effect.DENY)])
        decision = rs.evaluate(Purchase(buyer=Buyer(id="b", public=True, sector="other")))
        assert decision.explain()
        assert decision.to_json()
        assert rs.digest
        text = dump_rule_set(rs, "json")
        assert parse_rule_set(text, limits=Limits(max_depth=10 * MAX_DEPTH)) == rs

    @pytest.mark.parametrize("kind", ["not", "all", "any", "component"])
    def test_one_more_level_is_refused(self, kind: str) -> None:
        """One level past the bound is a clear error naming the field, not a RecursionError
        later in whatever walks it first (2,000 `~` used to be one)."""
        p = nested(MAX_DEPTH, [kind])
        with pytest.raises(InvalidValueError) as info:
            ~p  # noqa: B018 - building it is what fails
        assert info.value.message == f"conditions nested too deeply: more than {MAX_DEPTH} levels"
        assert info.value.path == "Not"

    def test_deep_file_is_a_located_error(self) -> None:
        """A rule file nested past the bound, read with a raised nesting limit, reports where."""
        from vendorpolicy import parse_rule_set
        from vendorpolicy._files import Limits
        from vendorpolicy.errors import InvalidDataError

        when: dict[str, object] = {"always": {}}
        for _ in range(MAX_DEPTH + 5):
            when = {"not": when}
        document = {
            "format_version": 1,
            "id": "deep",
            "version": "1",
            "rules": [{"id": "r", "effect": "deny", "when": when}],
        }
        text = json.dumps(document, indent=1)
        with pytest.raises(InvalidDataError) as info:
            parse_rule_set(text, name="deep.json", limits=Limits(max_depth=1000))
        (problem,) = info.value.problems
        assert problem.message == f"conditions nested too deeply: more than {MAX_DEPTH} levels"
        assert problem.path is not None
        assert problem.path.startswith("deep.json:")
        # The sixth `not` from the top is the 101st level from the bottom.
        assert problem.path.endswith(" $.rules[0].when" + ".not" * 6)
