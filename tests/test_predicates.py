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
