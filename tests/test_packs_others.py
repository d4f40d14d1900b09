"""The carrier and EU packs (au-5g-2018, nz-ticsa, se-pts-2020, eu-5g-toolbox): the escalation
principle of issue 9, the reach of their lists to group companies, and the conformance tables
under one-fact changes. The worked purchases themselves are in tests/conformance/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import pytest
import tomllib
from hypothesis import given, settings
from hypothesis import strategies as st

from vendorpolicy import (
    Buyer,
    Effect,
    Purchase,
    Vendor,
    bundled_registry,
    packs,
    purchase_from_dict,
)
from vendorpolicy._packs._base import FactLocation
from vendorpolicy._predicates import FactIn
from vendorpolicy.testing import DESIGNATION_POOL, purchases

HERE = Path(__file__).parent / "conformance"

PACKS = ("au-5g-2018", "nz-ticsa", "se-pts-2020", "eu-5g-toolbox")
REGISTRY = bundled_registry()
#: Buyers none of these regimes binds or advises, and carriers.
UNBOUND = (
    Buyer(id="shop", public=False, sector="retail"),
    Buyer(id="firm", public=False, sector="enterprise"),
    Buyer(id="school", public=True, sector="education"),
    Buyer(id="utility", public=False, sector="critical-infrastructure"),
)
CARRIER = Buyer(id="carrier", public=False, sector="carrier")
#: A vendor none of these packs' lists names.
UNLISTED = Vendor(id="ericsson", name="Telefonaktiebolaget LM Ericsson", country="SE")
#: Customer devices and office IT: outside every network these regimes reach.
OUTSIDE = ("telecom/endpoint/handset", "telecom/endpoint", "it/endpoint/laptop", "it/endpoint")


def pack_purchases(name: str, categories: tuple[str, ...]) -> st.SearchStrategy[Purchase]:
    """Purchases from the shared strategies, with vendors that may carry the pack's lists, any
    of the pack's facts (each possibly missing) and a category from ``categories``."""
    info = packs.info(name)
    own = [s for s in info.facts if s.location is FactLocation.FACTS]
    facts = st.fixed_dictionaries(
        {}, optional={s.name: st.sampled_from(list(s.values)) for s in own}
    )
    return st.builds(
        lambda p, f, c: attrs.evolve(p, facts=f, category=c),
        purchases(
            designations=(*DESIGNATION_POOL, *info.designations),
            vocabulary=packs.load(name).vocabulary,
        ),
        facts,
        st.sampled_from(categories),
    )


def claims(name: str) -> frozenset[str]:
    """The facts a pack reads only as claims (`if_missing=False`): not stating them is not an
    unknown but "not claimed"."""
    out = set()
    for rule in packs.load(name).rules:
        roots = [rule.when, *(c.when for c in rule.cases)]
        if rule.unless is not None:
            roots.append(rule.unless)
        for root in roots:
            out.update(
                n.name for n in root.walk() if isinstance(n, FactIn) and n.if_missing is False
            )
    return frozenset(out)


def restricted_cases() -> list[Any]:
    """The conformance rows a regime restricts (anything but ALLOW), and met today."""
    params = []
    for name in PACKS:
        with (HERE / f"{name}.toml").open("rb") as handle:
            table = tomllib.load(handle)
        for case in table["case"]:
            if case.get("status") or case["expect"] == "allow":
                continue
            params.append(pytest.param(name, case, id=f"{name}:{case['id']}"))
    return params


def decide(name: str, purchase: Purchase, as_of: dt.date | None = None) -> Effect:
    return packs.load(name).evaluate(purchase, as_of=as_of, registry=REGISTRY).effect


class TestEscalationPrinciple:
    @pytest.mark.parametrize("name", PACKS)
    @settings(max_examples=25)
    @given(data=st.data())
    def test_unbound_buyers_are_left_alone(self, name: str, data: Any) -> None:
        """A buyer the regime neither binds nor advises is allowed, whatever the vendor and
        whatever facts are missing (no EU funding claimed)."""
        categories = ("telecom/radio", "telecom/network/router", "telecom/service", "it/server")
        p = data.draw(pack_purchases(name, categories))
        p = attrs.evolve(p, buyer=data.draw(st.sampled_from(UNBOUND)))
        if name == "eu-5g-toolbox":
            p = attrs.evolve(p, facts={**p.facts, "funding": "own-budget", "eu-buyer": "other"})
        assert decide(name, p) is Effect.ALLOW

    @pytest.mark.parametrize("name", PACKS)
    @settings(max_examples=25)
    @given(data=st.data())
    def test_customer_devices_and_office_it_are_left_alone(self, name: str, data: Any) -> None:
        """A carrier's handsets and office laptops lie outside its network: allowed whatever
        the vendor and whatever facts are missing (no EU funding, and no GCSB finding, stated)."""
        p = data.draw(pack_purchases(name, OUTSIDE))
        p = attrs.evolve(p, buyer=CARRIER)
        if p.facts.get("funding") == "eu-funds":
            p = attrs.evolve(p, facts={**p.facts, "funding": "own-budget"})
        if p.facts.get("gcsb-outcome") == "significant-risk":
            # The GCSB's finding decides whatever was proposed: it is not a missing fact.
            p = attrs.evolve(p, facts={**p.facts, "gcsb-outcome": "mitigated"})
        assert decide(name, p) is Effect.ALLOW

    @settings(max_examples=25)
    @given(data=st.data())
    def test_nz_it_systems_without_a_stated_part_are_left_alone(self, data: Any) -> None:
        """A New Zealand operator's IT system from a vendor the Spark finding does not reach,
        with no part of the network stated, is allowed: it may as well be office IT (TICSA
        s46-48 concern the network)."""
        p = data.draw(
            pack_purchases("nz-ticsa", ("it/server", "it/storage", "it/software", "it/service"))
        )
        facts = {k: v for k, v in p.facts.items() if k not in {"network-function", "gcsb-outcome"}}
        p = attrs.evolve(
            p,
            buyer=CARRIER,
            vendor=Vendor(id="local-it", name="Example IT Ltd", country="NZ"),
            components=(),
            facts=facts,
        )
        assert decide("nz-ticsa", p) is Effect.ALLOW

    @pytest.mark.parametrize("name", PACKS)
    def test_unlisted_vendor_with_parts_declared(self, name: str) -> None:
        """A carrier's network purchase from an unlisted vendor, its parts declared and no
        claim made, is allowed even when every other fact is missing."""
        p = Purchase(
            buyer=CARRIER,
            vendor=Vendor(id="ericsson", name="Telefonaktiebolaget LM Ericsson", country="SE"),
            category="telecom/radio",
            date=dt.date(2024, 2, 1),
            components=(),
        )
        allowed = decide(name, p)
        # New Zealand is the one regime whose duty to notify reaches any vendor: where the
        # equipment goes (an area of specified security interest or not) must be known.
        assert allowed is (Effect.REVIEW if name == "nz-ticsa" else Effect.ALLOW)
        if name == "nz-ticsa":
            placed = attrs.evolve(p, facts={"network-function": "ran", "network": "5g"})
            assert decide(name, placed) is Effect.ALLOW

    @pytest.mark.parametrize("name", PACKS)
    @settings(max_examples=40)
    @given(data=st.data())
    def test_undeclared_parts_of_an_unlisted_vendor_count_as_none(
        self, name: str, data: Any
    ) -> None:
        """For an unlisted vendor, not declaring the parts decides as declaring none, whatever
        else is stated or missing, for every buyer but the Commission (whose connectivity is
        judged by the equipment it relies on)."""
        categories = ("telecom/radio", "telecom/network", "telecom/service", "it/server")
        p = data.draw(pack_purchases(name, categories))
        buyer = data.draw(st.sampled_from((CARRIER, *UNBOUND)))
        p = attrs.evolve(p, buyer=buyer, vendor=UNLISTED, supplier="")
        if name == "eu-5g-toolbox" and buyer.public:
            # A public buyer of no stated country may be the Commission: say it is not.
            p = attrs.evolve(p, facts={**p.facts, "eu-buyer": "other"})
        none = decide(name, attrs.evolve(p, components=()))
        assert decide(name, attrs.evolve(p, components=None)) is none


class TestGroupReach:
    @pytest.mark.parametrize(
        ("name", "designation"),
        [
            ("au-5g-2018", "au.5g-2018.reported-excluded"),
            ("nz-ticsa", "nz.gcsb.2018-spark-5g-ran"),
            ("se-pts-2020", "se.pts.central-functions"),
            ("eu-5g-toolbox", "eu.5g-toolbox.higher-risk"),
        ],
    )
    def test_every_controlled_company_is_reached(self, name: str, designation: str) -> None:
        """Each list names groups (the sources name suppliers, not one legal entity): every
        company a listed entity controls carries the designation itself."""
        on = dt.date(2024, 6, 1)
        lists = {d.id: d for d in REGISTRY.lists}
        listed = {e.entity for e in lists[designation].entries}
        assert designation in packs.info(name).designations
        controlled = [
            e.id for e in REGISTRY.entities if listed & {a.id for a in REGISTRY.ancestors(e.id, on)}
        ]
        assert controlled
        for entity in controlled:
            assert designation in REGISTRY.designated(entity, on), entity

    @pytest.mark.parametrize(
        ("name", "national"),
        [
            ("au-5g-2018", "huawei-australia"),
            ("au-5g-2018", "zte-australia"),
            ("nz-ticsa", "huawei-new-zealand"),
            ("se-pts-2020", "huawei-sweden"),
            ("eu-5g-toolbox", "huawei-sweden"),
        ],
    )
    def test_national_company_decided_as_its_group(self, name: str, national: str) -> None:
        """A purchase from a listed group's national company gets the decision the group's own
        purchase gets, in every conformance row that names the group."""
        with (HERE / f"{name}.toml").open("rb") as handle:
            table = tomllib.load(handle)
        parent = REGISTRY.ancestors(national, dt.date(2024, 6, 1))[0].id
        checked = 0
        for case in table["case"]:
            given = case["purchase"].get("vendor", {}).get("id")
            if given != parent or case.get("status"):
                continue
            data = {**case["purchase"], "vendor": {"id": national}}
            as_of = dt.date.fromisoformat(case["as_of"]) if "as_of" in case else None
            assert decide(name, purchase_from_dict(data), as_of) is Effect(case["expect"]), case[
                "id"
            ]
            checked += 1
        assert checked

    @pytest.mark.parametrize("name", PACKS)
    def test_parent_decided_as_the_group(self, name: str) -> None:
        """The lists reach the whole group, up to Huawei's parent: a purchase from Huawei
        Investment & Holding gets the decision Huawei's own purchase gets, in every conformance
        row that names Huawei."""
        with (HERE / f"{name}.toml").open("rb") as handle:
            table = tomllib.load(handle)
        checked = 0
        for case in table["case"]:
            if case["purchase"].get("vendor", {}).get("id") != "huawei-technologies":
                continue
            if case.get("status"):
                continue
            data = {**case["purchase"], "vendor": {"id": "huawei-investment-holding"}}
            as_of = dt.date.fromisoformat(case["as_of"]) if "as_of" in case else None
            got = decide(name, purchase_from_dict(data), as_of)
            assert got is Effect(case["expect"]), case["id"]
            checked += 1
        assert checked

    @pytest.mark.parametrize(
        "designation",
        [
            "au.5g-2018.reported-excluded",
            "nz.gcsb.2018-spark-5g-ran",
            "se.pts.central-functions",
            "eu.5g-toolbox.higher-risk",
        ],
    )
    def test_parent_and_sisters_are_reached(self, designation: str) -> None:
        """Every company of Huawei's group, from the parent down (sister companies of the listed
        one included, affiliates too), carries the designation once it is listed, with a path
        that says how; none does the day before."""
        lists = {d.id: d for d in REGISTRY.lists}
        added = min(e.added for e in lists[designation].entries if e.added is not None)
        group = ["huawei-investment-holding"] + [
            e.id
            for e in REGISTRY.entities
            if "huawei-investment-holding" in {a.id for a in REGISTRY.ancestors(e.id, added)}
            or "huawei-technologies" in {a.id for a in REGISTRY.affiliates(e.id, added)}
        ]
        assert {"huawei-device", "hisilicon", "huawei-japan"} <= set(group)
        for entity in group:
            assert designation in REGISTRY.designated(entity, added), entity
            assert REGISTRY.designations(entity, added), entity
            before = added - dt.timedelta(days=1)
            assert designation not in REGISTRY.designated(entity, before), entity


class TestOneFactChanges:
    @pytest.mark.parametrize(("name", "case"), restricted_cases())
    def test_no_missing_fact_turns_a_finding_into_allow(self, name: str, case: Any) -> None:
        """Dropping any one fact of a restricted conformance purchase (a stated fact other than
        a claim, the vendor, the parts or the category) never yields ALLOW: a missing fact
        escalates or leaves the finding. Parts the pack reads as claims are the exception:
        undeclared, they decide as declared none (the pack's stated meaning of their absence),
        which may allow. (The date: see the next test.)"""
        data = case["purchase"]
        as_of = dt.date.fromisoformat(case["as_of"]) if "as_of" in case else None
        variants = []
        for key in set(data.get("facts", {})) - claims(name):
            facts = {k: v for k, v in data["facts"].items() if k != key}
            variants.append((f"facts.{key}", {**data, "facts": facts}))
        variants.extend(
            (key, {k: v for k, v in data.items() if k != key})
            for key in ("vendor", "supplier", "components", "category")
            if key in data
        )
        assert variants
        for what, variant in variants:
            effect = decide(name, purchase_from_dict(variant), as_of)
            if what == "components" and effect is Effect.ALLOW:
                none = decide(name, purchase_from_dict({**variant, "components": []}), as_of)
                assert none is Effect.ALLOW, (case["id"], what)
                continue
            assert effect is not Effect.ALLOW, (case["id"], what)

    def test_missing_date_is_not_an_allow(self) -> None:
        """A restricted purchase that loses its date is not allowed."""
        p = Purchase(
            buyer=CARRIER,
            vendor=Vendor(id="huawei-technologies"),
            category="telecom/radio",
            facts={"network": "5g"},
            components=(),
        )
        assert decide("au-5g-2018", p) is not Effect.ALLOW


class TestEuMemberStates:
    #: The 27 member states (Act of Accession 2003 and the later treaties; the UK left on
    #: 31 Jan 2020), by their ISO 3166-1 codes, written here from the source, not the pack.
    MEMBERS = (
        *("BE", "FR", "DE", "IT", "LU", "NL", "DK", "IE", "GR", "PT", "ES", "AT", "FI", "SE"),
        *("CY", "CZ", "EE", "HU", "LV", "LT", "MT", "PL", "SK", "SI", "BG", "RO", "HR"),
    )

    def test_every_member_states_operator_is_advised(self) -> None:
        """An operator in each of the 27 member states buying Huawei 5G RAN equipment is warned,
        and one in a former member state or the EEA is not."""
        assert len(set(self.MEMBERS)) == 27

        def huawei_ran(country: str) -> Purchase:
            return Purchase(
                buyer=Buyer(id="mno", public=False, sector="carrier", country=country),
                vendor=Vendor(id="huawei-technologies"),
                category="telecom/radio",
                date=dt.date(2024, 6, 1),
                facts={"network": "5g", "network-function": "ran"},
                components=(),
            )

        for country in self.MEMBERS:
            assert decide("eu-5g-toolbox", huawei_ran(country)) is Effect.WARN, country
        for country in ("GB", "NO", "IS", "CH"):
            assert decide("eu-5g-toolbox", huawei_ran(country)) is Effect.ALLOW, country
