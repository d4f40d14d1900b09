"""The strategies of `vendorpolicy.testing`: pools and complete purchases (issue 12 item 7)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from vendorpolicy import Purchase, packs
from vendorpolicy.testing import purchases


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
