"""The strategies of `vendorpolicy.testing`: pools and complete purchases (issue 12 item 7)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from vendorpolicy import Category, Purchase, packs
from vendorpolicy.errors import PredicateTypeError
from vendorpolicy.testing import purchases, registries, vendors


class TestPurchases:
    @given(
        purchases(
            categories=["it/server", "telecom/radio"],
            currencies=["EUR"],
            purposes=["office-use"],
            facts={"funding": ["own-budget", "federal-grant"]},
        )
    )
    def test_pools_bound_what_is_drawn(self, p: Purchase) -> None:
        """Categories, currencies, purposes and facts come from the pools given."""
        assert p.category is None or p.category.path in {"it/server", "telecom/radio"}
        assert p.value is None or p.value.currency == "EUR"
        assert p.purpose in (None, "office-use")
        assert set(p.facts) <= {"funding"}
        assert set(p.facts.values()) <= {"own-budget", "federal-grant"}
        for part in p.components or ():
            assert part.category is None or part.category.path in {"it/server", "telecom/radio"}

    @given(purchases(facts={"funding": ["own-budget"]}, complete=True))
    def test_complete_purchases_state_everything(self, p: Purchase) -> None:
        """With `complete=True` nothing is unknown."""
        assert None not in (p.vendor, p.category, p.date, p.value, p.purpose, p.components)
        assert p.vendor is not None
        assert p.vendor.country is not None
        assert p.buyer.country is not None
        assert p.buyer.designations is not None
        assert p.facts == {"funding": "own-budget"}
        assert all(c.vendor is not None and c.category is not None for c in p.components or ())

    @pytest.mark.parametrize("name", packs.names())
    def test_complete_purchases_leave_no_fact_missing(self, name: str) -> None:
        """A complete purchase in a pack's vocabulary is decided with no fact missing, so that
        users' properties exercise the rules rather than the escalation of unknowns."""
        rules = packs.load(name)

        @settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
        @given(purchases(vocabulary=rules.vocabulary, complete=True))
        def decide(p: Purchase) -> None:
            assert rules.evaluate(p).missing_facts == ()

        decide()


class TestPoolsAsGiven:
    """The strategies build what they draw from once per pool: the pools still decide."""

    def test_a_pool_changed_after_drawing_is_drawn_as_changed(self) -> None:
        """A list pool changed between draws is read afresh, as before the cache."""
        pool = ["it/server"]
        drawn = purchases(categories=pool, complete=True)
        assert find(drawn, lambda p: True).category == Category("it/server")
        pool[0] = "telecom/radio"
        assert find(drawn, lambda p: True).category == Category("telecom/radio")

    def test_a_bad_pool_fails_after_an_equal_good_one(self) -> None:
        """A fact pool of `1` is refused even after a pool of `True` (equal, and so a cache key
        alike but for the type)."""
        good = find(purchases(facts={"flag": [True]}, complete=True), lambda p: True)
        assert good.facts == {"flag": True}
        with pytest.raises(PredicateTypeError, match=r"got int `1` @ Purchase.facts\['flag'\]"):
            find(purchases(facts={"flag": [1]}, complete=True), lambda p: True)

    @given(st.data())
    def test_unhashable_pools_are_drawn_from(self, data: st.DataObject) -> None:
        """A pool that cannot be a cache key (a set of ids) is still the pool drawn from."""
        vendor = data.draw(vendors(ids={"acme", "zte"}, countries=["JP"], complete=True))
        assert {v.id for v in vendor.lineage} <= {"acme", "zte"}
        assert {v.country for v in vendor.lineage} == {"JP"}
        purchase = data.draw(purchases(ids={"nec"}, complete=True))
        assert purchase.vendor is not None
        assert purchase.vendor.id == "nec"

    @given(st.data())
    def test_tuple_and_list_pools_bound_registries(self, data: st.DataObject) -> None:
        """A registry's countries and designations come from the pools, tuples or lists."""
        registry = data.draw(registries(countries=("SE",), designations=["covered"]))
        assert {e.country for e in registry.entities} <= {None, "SE"}
        assert {d.id for d in registry.lists} <= {"covered"}
