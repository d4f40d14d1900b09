"""The domain values: validation on construction and the category hierarchy."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendorpolicy import Buyer, Category, Component, Effect, Money, Purchase, Sector, Vendor
from vendorpolicy.errors import InvalidValueError, PredicateTypeError, VendorPolicyError
from vendorpolicy.testing import categories, purchases, vendors


class TestVendor:
    def test_unknown_country_names_field_and_value(self) -> None:
        """An unknown country code is refused with the field, the value and a suggestion."""
        with pytest.raises(InvalidValueError) as info:
            Vendor(id="x", country="CNN")
        assert info.value.path == "Vendor.country"
        assert "`CNN`" in str(info.value)
        assert info.value.hint == "did you mean `CN`?"

    def test_lowercase_country_is_refused_with_hint(self) -> None:
        """A lowercase code is not silently accepted; the hint gives the right spelling."""
        with pytest.raises(InvalidValueError, match=r"did you mean `JP`\?"):
            Vendor(id="x", country="jp")

    def test_empty_id(self) -> None:
        """An empty id is an error naming the field."""
        with pytest.raises(InvalidValueError) as info:
            Vendor(id="")
        assert info.value.path == "Vendor.id"
        assert str(info.value).startswith("empty id @ Vendor.id")

    def test_cyclic_ownership_chain(self) -> None:
        """A chain that returns to an id it has passed is an error listing the cycle."""
        top = Vendor(id="a", parent=Vendor(id="b"))
        with pytest.raises(InvalidValueError) as info:
            Vendor(id="b", parent=top)
        assert "`b -> a -> b`" in str(info.value)
        assert info.value.path == "Vendor.parent"

    def test_parent_must_be_vendor(self) -> None:
        """A parent given as a string is a type error, not a silent cast."""
        with pytest.raises(PredicateTypeError, match=r"Vendor\.parent"):
            Vendor(id="a", parent="huawei")  # type: ignore[arg-type]

    @given(vendors())
    def test_owners_are_the_chain(self, vendor: Vendor) -> None:
        """`owners` walks the parent links, nearest first, and `lineage` adds the vendor."""
        chain = []
        node = vendor.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        assert vendor.owners == tuple(chain)
        assert vendor.lineage == (vendor, *chain)

    def test_attributes_are_read_only(self) -> None:
        """Attributes cannot be changed after construction, even through the passed dict."""
        source = {"listed": True}
        vendor = Vendor(id="x", attributes=source)
        source["listed"] = False
        assert vendor.attributes["listed"] is True
        with pytest.raises(TypeError):
            vendor.attributes["listed"] = False  # type: ignore[index]


class TestBuyer:
    def test_sector_from_text(self) -> None:
        """A sector may be given by its value."""
        assert Buyer(id="b", public=True, sector="carrier").sector is Sector.CARRIER

    def test_unknown_sector_lists_choices(self) -> None:
        """An unknown sector names the choices."""
        with pytest.raises(InvalidValueError) as info:
            Buyer(id="b", public=True, sector="goverment")
        assert info.value.path == "Buyer.sector"
        assert "`central-government`" in (info.value.hint or "")

    def test_public_must_be_bool(self) -> None:
        """`public` is a boolean, not a truthy string."""
        with pytest.raises(PredicateTypeError, match=r"Buyer\.public"):
            Buyer(id="b", public="yes", sector="carrier")  # type: ignore[arg-type]


class TestMoney:
    def test_float_refused(self) -> None:
        """Floats round, so they are refused with a hint."""
        with pytest.raises(PredicateTypeError, match="floats are refused"):
            Money(amount=1.5, currency="USD")  # type: ignore[arg-type]

    def test_negative_refused(self) -> None:
        """A negative amount is an error."""
        with pytest.raises(InvalidValueError, match=r"Money\.amount"):
            Money(amount=-1, currency="USD")

    @given(st.decimals(min_value=0, allow_nan=False, allow_infinity=False, places=2))
    def test_amount_kept_exactly(self, amount: Decimal) -> None:
        """Amounts given as text keep their exact value."""
        assert Money(amount=str(amount), currency="JPY").amount == amount

    def test_unknown_currency(self) -> None:
        """An unknown currency suggests the closest code."""
        with pytest.raises(InvalidValueError, match="did you mean `USD`"):
            Money(amount=1, currency="usd")


class TestCategory:
    def test_invalid_path_suggests_fix(self) -> None:
        """A path with capitals or spaces is refused with a corrected suggestion."""
        with pytest.raises(InvalidValueError, match="did you mean `telecom/network`"):
            Category("Telecom/ Network")

    @given(categories())
    def test_within_itself(self, cat: Category) -> None:
        """Every node is within itself."""
        assert cat.within(cat)

    @given(categories(), categories(), categories())
    def test_within_is_transitive(self, a: Category, b: Category, c: Category) -> None:
        """within is transitive."""
        if a.within(b) and b.within(c):
            assert a.within(c)

    @given(categories())
    def test_within_every_ancestor(self, cat: Category) -> None:
        """A node is within each node on its path to the root, and parts rebuild the path."""
        node: Category | None = cat
        while node is not None:
            assert cat.within(node)
            node = node.parent
        assert "/".join(cat.parts) == cat.path

    def test_prefix_is_not_ancestor(self) -> None:
        """`telecom-x` is not within `telecom`: whole segments are compared."""
        assert not Category("telecom-x/router").within("telecom")


class TestPurchase:
    def test_components_none_and_empty_differ(self) -> None:
        """`components=None` (not declared) and `()` (declared none) are different facts."""
        buyer = Buyer(id="b", public=True, sector="defence")
        assert Purchase(buyer=buyer).components is None
        assert Purchase(buyer=buyer, components=[]).components == ()

    def test_component_type_checked(self) -> None:
        """A component that is not a Component names its index."""
        buyer = Buyer(id="b", public=True, sector="defence")
        with pytest.raises(PredicateTypeError) as info:
            Purchase(buyer=buyer, components=[Component(), "modem"])  # type: ignore[list-item]
        assert info.value.path == "Purchase.components[1]"

    def test_datetime_refused(self) -> None:
        """A datetime is not a date: the time of day would skew comparisons."""
        buyer = Buyer(id="b", public=True, sector="defence")
        with pytest.raises(PredicateTypeError, match=r"Purchase\.date"):
            Purchase(buyer=buyer, date=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))

    def test_fact_values_are_text_or_bool(self) -> None:
        """A numeric fact value is refused, naming the fact."""
        buyer = Buyer(id="b", public=True, sector="defence")
        with pytest.raises(PredicateTypeError) as info:
            Purchase(buyer=buyer, facts={"count": 3})  # type: ignore[dict-item]
        assert info.value.path == "Purchase.facts['count']"


class TestEffect:
    @given(st.sampled_from(list(Effect)), st.sampled_from(list(Effect)))
    def test_order_is_severity(self, a: Effect, b: Effect) -> None:
        """Effects compare by their position in ALLOW < WARN < REVIEW < DENY."""
        order = [Effect.ALLOW, Effect.WARN, Effect.REVIEW, Effect.DENY]
        assert (a < b) == (order.index(a) < order.index(b))
        assert (a <= b) == (order.index(a) <= order.index(b))
        assert max(a, b) is order[max(order.index(a), order.index(b))]


class TestErrors:
    def test_one_base_class(self) -> None:
        """Library errors share one base and keep the builtin they stand for."""
        with pytest.raises(VendorPolicyError):
            Vendor(id="x", country="XX")
        with pytest.raises(ValueError, match="unknown country"):
            Vendor(id="x", country="XX")


class TestPickling:
    """Values travel to other processes (multiprocessing, Spark): they pickle and copy."""

    @given(purchases())
    def test_purchases_round_trip(self, purchase: Purchase) -> None:
        """A purchase (vendors, components, facts) pickles and unpickles equal; a copy too."""
        again = pickle.loads(pickle.dumps(purchase))  # noqa: S301 - our own value
        assert again == purchase
        assert dict(again.facts) == dict(purchase.facts)
        assert copy.deepcopy(purchase) == purchase

    @given(vendors())
    def test_vendor_attributes_round_trip(self, vendor: Vendor) -> None:
        """A vendor with attributes pickles equal, attributes included."""
        rich = Vendor(
            id=vendor.id, parent=vendor.parent, attributes={"tier": 1, "since": dt.date(2020, 1, 1)}
        )
        again = pickle.loads(pickle.dumps(rich))  # noqa: S301 - our own value
        assert again == rich
        assert again.attributes == {"tier": 1, "since": dt.date(2020, 1, 1)}

    def test_mapping_fields_stay_read_only(self) -> None:
        """The mapping fields cannot be changed, before or after a round trip."""
        purchase = Purchase(buyer=Buyer(id="b", public=True, sector="other"), facts={"a": True})
        for facts in (purchase.facts, pickle.loads(pickle.dumps(purchase)).facts):  # noqa: S301
            with pytest.raises(TypeError):
                facts["a"] = False  # type: ignore[index]
            with pytest.raises(AttributeError):
                facts._data = {}  # type: ignore[attr-defined]


class TestOwnershipDepth:
    def test_chain_deeper_than_64_refused(self) -> None:
        """Building a vendor chain of more than 64 vendors fails on the 65th with a clear
        error, never a RecursionError later (in ==, hash, repr or pickle)."""
        chain: Vendor | None = None
        for i in range(64):
            chain = Vendor(id=f"v{i}", parent=chain)
        assert chain is not None
        assert len(chain.lineage) == 64
        assert chain == pickle.loads(pickle.dumps(chain))  # noqa: S301 - our own value
        assert hash(chain) == hash(copy.deepcopy(chain))
        with pytest.raises(InvalidValueError) as info:
            Vendor(id="v64", parent=chain)
        assert (
            info.value.message == "an ownership chain of more than 64 vendors (`v64` -> `v63` -> …)"
        )
        assert info.value.path == "Vendor.parent"
