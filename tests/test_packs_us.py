"""The US packs (`us-ndaa-889`, `us-fcc-covered-list`): escalation only within each regime's
reach, the advisory tiers, and the registry's US group companies. Worked purchases from the
sources are in tests/conformance/; these are the laws behind them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vendorpolicy import Buyer, Component, Effect, Purchase, Vendor, bundled_registry, packs
from vendorpolicy._packs import us_fcc_covered_list, us_ndaa_889
from vendorpolicy._predicates import VendorId
from vendorpolicy.testing import DESIGNATION_POOL, purchases

REGISTRY = bundled_registry()
NDAA = "us-ndaa-889"
FCC = "us-fcc-covered-list"
AGENCY = Buyer(id="gsa", public=True, sector="central-government", country="US")
CATEGORIES = (
    "telecom/network/router",
    "telecom/service",
    "telecom/modem",
    "video/surveillance/camera",
    "it/endpoint/laptop",
    "it/security/software",
    "uas/aircraft",
    "video/surveillance/component",
    *us_ndaa_889.NO_PARTS,
)


def screened(name: str, **fixed: Any) -> st.SearchStrategy[Purchase]:
    """Purchases under pack ``name``: vendors and parts may carry its designations, facts come
    from its vocabulary (each possibly missing), categories from the packs' tree; ``fixed``
    overrides fields of the result."""
    info = packs.info(name)
    pool = (*DESIGNATION_POOL, *info.designations)
    own = {
        s.name: (st.sampled_from(list(s.values)) if s.values else st.nothing())
        | (st.dates(dt.date(2018, 1, 1), dt.date(2027, 12, 31)) if s.dates else st.nothing())
        for s in info.facts
        if s.location.value == "facts"
    }
    part_facts = {s.name: st.booleans() for s in info.facts if s.location.value == "component"}

    @st.composite
    def build(draw: st.DrawFn) -> Purchase:
        p = draw(purchases(designations=pool))
        facts = draw(st.fixed_dictionaries({}, optional=own))
        parts = p.components
        if parts is not None:
            parts = tuple(
                attrs.evolve(
                    c,
                    category=draw(st.none() | st.sampled_from(CATEGORIES)),
                    facts=draw(st.fixed_dictionaries({}, optional=part_facts)),
                )
                for c in parts
            )
        purpose = draw(
            st.none() | st.sampled_from(["public-safety", "national-security", "office"])
        )
        out = attrs.evolve(
            p,
            category=draw(st.none() | st.sampled_from(CATEGORIES)),
            components=parts,
            purpose=purpose,
            facts=facts,
        )
        return attrs.evolve(out, **fixed) if fixed else out

    return build()


def decide(name: str, purchase: Purchase) -> Effect:
    return packs.load(name).evaluate(purchase).effect


def lineage_ids(purchase: Purchase) -> set[str]:
    return {
        v.id
        for top in [purchase.vendor, *(c.vendor for c in purchase.components or ())]
        for v in (top.lineage if top is not None else ())
    }


def named_ids(name: str) -> set[str]:
    """The vendor ids the pack's rules name (`vendor.id.in_`), besides its designations."""
    found: set[str] = set()
    for rule in packs.load(name).rules:
        for when in (rule.when, rule.unless, *(c.when for c in rule.cases)):
            for node in when.walk() if when is not None else ():
                if isinstance(node, VendorId):
                    found |= set(node.ids)
    return found


def lineage_designations(purchase: Purchase) -> set[str]:
    found: set[str] = set()
    for top in [purchase.vendor, *(c.vendor for c in purchase.components or ())]:
        for v in top.lineage if top is not None else ():
            found |= set(v.designations)
    return found


class TestNDAAReach:
    @settings(max_examples=60)
    @given(st.data())
    def test_private_buyer_without_federal_funds_is_outside(self, data: st.DataObject) -> None:
        """A private buyer that states no federal grant or loan funding is outside §889, whatever
        it buys and from whom: never an escalation on an unknown."""
        p = data.draw(screened(NDAA))
        p = attrs.evolve(p, buyer=attrs.evolve(p.buyer, public=False))
        if p.facts.get("funding") not in us_ndaa_889.FUNDS:
            assert decide(NDAA, p) is Effect.ALLOW

    @settings(max_examples=60)
    @given(st.data())
    def test_non_electronic_items_need_no_parts(self, data: st.DataObject) -> None:
        """An agency's purchase of a non-electronic item from an identified, unlisted vendor,
        with the offeror's representations (Part B: it uses no covered equipment; Part A: it
        will provide none, as a "will" is reviewed whatever the item), is allowed whatever its
        parts say."""
        p = data.draw(screened(NDAA))
        p = attrs.evolve(
            p,
            buyer=AGENCY,
            vendor=Vendor(id="steelcase", country="US"),
            category=data.draw(st.sampled_from(us_ndaa_889.NO_PARTS)),
            date=data.draw(st.dates(dt.date(2017, 1, 1), dt.date(2030, 12, 31))),
            acquired=None,
            facts={
                **p.facts,
                "uses-covered-equipment": False,
                "provides-covered-equipment": False,
            },
        )
        assert decide(NDAA, p) is Effect.ALLOW

    def test_other_equipment_reaches_parts(self) -> None:
        """An essential part of a covered maker outside telecom (a HiSilicon chip) sends an
        agency purchase to review, and the same part not essential does not."""
        chip = Component(maker="HiSilicon", category="video/surveillance/component")
        p = Purchase(
            buyer=AGENCY,
            vendor=Vendor(id="acme-cameras", country="US"),
            category="video/surveillance/camera",
            purpose="government-facility-security",
            date=dt.date(2021, 5, 1),
            facts={"uses-covered-equipment": False},
            components=[attrs.evolve(chip, facts={"essential": True})],
        )
        rules = packs.load(NDAA)
        decision = rules.evaluate(p, registry=REGISTRY)
        assert decision.effect is Effect.REVIEW
        assert [r.rule for r in decision.determining] == ["part-a-other-equipment"]
        minor = attrs.evolve(p, components=[attrs.evolve(chip, facts={"essential": False})])
        assert rules.evaluate(minor, registry=REGISTRY).effect is Effect.ALLOW


class TestFCCReach:
    @settings(max_examples=60)
    @given(st.data())
    def test_buyers_without_subsidies_are_only_warned(self, data: st.DataObject) -> None:
        """A buyer of a kind that receives no FCC subsidies, stating none, is never denied and
        never sent to review, except for a listing the pack cannot place."""
        sectors = sorted(
            s for s in ("central-government", "defence", "public-agency", "enterprise", "retail")
        )
        p = data.draw(screened(FCC))
        p = attrs.evolve(p, buyer=attrs.evolve(p.buyer, sector=data.draw(st.sampled_from(sectors))))
        if p.facts.get("funding") in {"usf", "fcc-subsidy"}:
            p = attrs.evolve(p, facts={**p.facts, "funding": "own-budget"})
        rules = packs.load(FCC)
        known = attrs.evolve(rules, rules=[r for r in rules.rules if r.id != "unrecognised-entry"])
        assert known.evaluate(p).effect <= Effect.WARN

    @settings(max_examples=60)
    @given(st.data())
    def test_undesignated_and_not_foreign_uas_is_allowed(self, data: st.DataObject) -> None:
        """With every maker identified, no designation anywhere, no company the rules name by
        id (54.9's Huawei and ZTE before their designation is final) and no possibly
        foreign-produced drone, nothing applies."""
        p = data.draw(screened(FCC))
        identified = (
            p.vendor is not None
            and p.components is not None
            and all(c.vendor is not None for c in p.components)
        )
        if (
            identified
            and not lineage_designations(p) & set(packs.info(FCC).designations)
            and not lineage_ids(p) & named_ids(FCC)
            and not (
                p.facts.get("uas-produced-abroad") is not False
                and (p.category is None or str(p.category).startswith("uas"))
            )
        ):
            assert decide(FCC, p) is Effect.ALLOW

    @settings(max_examples=60)
    @given(st.data())
    def test_undeclared_parts_never_matter_without_a_subsidy(self, data: st.DataObject) -> None:
        """Without a stated FCC subsidy, parts left undeclared are decided as no parts: the
        authorisation warning reads parts only once declared, and the subsidy rules not at
        all."""
        p = data.draw(screened(FCC))
        funding = data.draw(st.sampled_from(["own-budget", "federal-grant", "other"]))
        p = attrs.evolve(p, facts={**p.facts, "funding": funding})
        assert decide(FCC, attrs.evolve(p, components=None)) is decide(
            FCC, attrs.evolve(p, components=())
        )

    @settings(max_examples=60)
    @given(
        st.data(),
        st.dates(dt.date(2025, 12, 26), dt.date(2027, 12, 31)),
        st.sampled_from(["telecom/component/lte-module", "telecom/modem", "it/component/modem"]),
    )
    def test_covered_module_is_never_allowed(
        self, data: st.DataObject, day: dt.date, module: str
    ) -> None:
        """From FCC 25-71's effective date, a declared ZTE cellular module makes any device at
        least a warning, whoever buys it in the US and however it is paid for."""
        p = data.draw(screened(FCC))
        country = data.draw(st.sampled_from([None, "US", "PR"]))
        p = attrs.evolve(p, buyer=attrs.evolve(p.buyer, country=country))
        zte = Vendor(id="zte", designations={"us.fcc.covered-list", "us.889.covered"})
        part = Component(vendor=zte, category=module)
        # Equipment is acquired on or before the purchase date (a later date is refused).
        acquired = None if p.acquired is None else min(p.acquired, day)
        p = attrs.evolve(p, date=day, acquired=acquired, components=(*(p.components or ()), part))
        assert decide(FCC, p) >= Effect.WARN

    def test_advisory_tiers_end_the_day_before_their_bar(self) -> None:
        """Every `-pending` rule only warns, and its window ends the day before the rule it
        announces begins."""
        rules = {r.id: r for r in packs.load(FCC).rules}
        pending = [r for r in rules.values() if r.id.endswith("-pending")]
        assert len(pending) == 7
        for tier in pending:
            bar = rules[tier.id.removesuffix("-pending")]
            assert tier.effects == {Effect.WARN}
            assert tier.in_force_until is not None
            assert bar.in_force_from is not None
            assert tier.in_force_until + dt.timedelta(days=1) == bar.in_force_from
            assert bar.effect is Effect.DENY

    def test_pending_tier_says_the_bar_reaches_maintenance(self) -> None:
        """In a 54.10 listing's pending window a subsidised purchase is told that subsidies may
        not maintain it once the bar begins (54.10(a)(2)); the authorisation warning, which
        gives the same effect to a DJI drone, does not say so."""
        dji = Vendor(id="dji", designations={"us.fcc.covered-list"})
        p = Purchase(
            buyer=Buyer(id="district", public=True, sector="education", country="US"),
            vendor=dji,
            category="uas/aircraft",
            date=dt.date(2026, 1, 5),
            facts={"funding": "usf", "uas-produced-abroad": True},
            components=(),
        )
        decision = packs.load(FCC).evaluate(p)
        assert decision.effect is Effect.WARN
        assert decision.obligations == (
            (
                "from 2026-02-20, do not use FCC-administered capital subsidies to maintain it, "
                "even if obtained before then (47 CFR 54.10(a)(2))"
            ),
        )
        unfunded = packs.load(FCC).evaluate(
            attrs.evolve(p, facts={**p.facts, "funding": "own-budget"})
        )
        assert unfunded.effect is Effect.WARN
        assert unfunded.obligations == ()
        for tier in packs.load(FCC).rules:
            if tier.id.startswith("subsidy-") and tier.id.endswith("-pending"):
                assert len(tier.obligations) == 1, tier.id
                assert "54.10(a)(2)" in tier.obligations[0]

    def test_affiliates_reached_through_the_889_lists(self) -> None:
        """A group company linked only as an affiliate (no ownership chain) is placed in the
        Huawei/ZTE entry through the §889 list of the same group."""
        affiliate = Vendor(id="zte-usa", designations={"us.fcc.covered-list", "us.889.covered"})
        p = Purchase(
            buyer=Buyer(id="telco", public=False, sector="carrier"),
            vendor=affiliate,
            category="telecom/network/router",
            date=dt.date(2022, 1, 10),
            facts={"funding": "fcc-subsidy"},
            components=(),
        )
        decision = packs.load(FCC).evaluate(p)
        assert decision.effect is Effect.DENY
        assert [r.rule for r in decision.determining] == ["subsidy-2021-03"]
        alone = attrs.evolve(affiliate, designations={"us.fcc.covered-list"})
        assert decide(FCC, attrs.evolve(p, vendor=alone)) is Effect.REVIEW

    def test_usf_bar_reads_any_category(self) -> None:
        """Universal Service support may buy no Huawei item at all, from 2020-06-30; an FCC
        subsidy that does not say it is USF goes to review."""
        p = Purchase(
            buyer=Buyer(id="telco", public=False, sector="carrier"),
            vendor=REGISTRY.vendor("huawei-technologies", dt.date(2021, 1, 1)),
            category="office/furniture",
            date=dt.date(2020, 6, 30),
            facts={"funding": "usf"},
            components=(),
        )
        assert decide(FCC, p) is Effect.DENY
        assert decide(FCC, attrs.evolve(p, date=dt.date(2020, 6, 29))) is Effect.WARN
        assert decide(FCC, attrs.evolve(p, facts={"funding": "fcc-subsidy"})) is Effect.REVIEW
        assert decide(FCC, attrs.evolve(p, facts={"funding": "federal-grant"})) is Effect.ALLOW


class TestRegistryGroups:
    def test_us_companies_carry_their_groups_lists(self) -> None:
        """The US companies of the named groups carry the §889 list of their group."""
        on = dt.date(2023, 6, 1)
        expected = {
            "huawei-technologies-usa": "us.889.covered",
            "zte-usa": "us.889.covered",
            "hikvision-usa": "us.889.purpose-limited",
            "hikvision-canada": "us.889.purpose-limited",
            "dahua-usa": "us.889.purpose-limited",
            "hytera-america": "us.889.purpose-limited",
            "hytera-america-west": "us.889.purpose-limited",
            "hytera-us": "us.889.purpose-limited",
        }
        for entity, designation in expected.items():
            assert designation in REGISTRY.designated(entity, on), entity
            assert "us.fcc.covered-list" in REGISTRY.designated(entity, on), entity

    def test_dahua_usa_leaves_the_group_when_sold(self) -> None:
        """Dahua Technology USA is Dahua's until 2024-01-31 and not after the sale."""
        assert "us.889.purpose-limited" in REGISTRY.designated("dahua-usa", dt.date(2024, 1, 31))
        assert REGISTRY.designated("dahua-usa", dt.date(2024, 2, 1)) == frozenset()

    def test_kaspersky_lab_inc_is_reached_by_the_2022_entry(self) -> None:
        """Kaspersky Lab, Inc. is AO Kaspersky Lab's subsidiary, so the 2022 entry reaches it
        before its own 2024 listing."""
        vendor = REGISTRY.vendor("kaspersky-lab-inc", dt.date(2023, 1, 1))
        assert vendor.parent is not None
        assert vendor.parent.id == "kaspersky-lab"
        assert "us.fcc.covered-list" in vendor.designations

    @pytest.mark.parametrize(
        "supplier",
        [
            Vendor(id="kaspersky-labs-uk"),
            Vendor(id="kaspersky-group"),
            "Kaspersky Labs Limited",
            "OOO Kaspersky Group",
        ],
    )
    def test_kaspersky_parent_and_affiliate_are_covered(self, supplier: Vendor | str) -> None:
        """The 2022 entry covers AO Kaspersky Lab's parents and affiliates: a subsidy purchase
        from the UK holding company or OOO Kaspersky Group is denied once the bar starts, as
        one from AO Kaspersky Lab is, and warned in the window before."""
        library = Buyer(id="library", public=True, sector="local-government", country="US")
        given = {"vendor": supplier} if isinstance(supplier, Vendor) else {"supplier": supplier}
        p = Purchase(
            buyer=library,
            category="it/security/software",
            date=dt.date(2022, 5, 24),
            components=(),
            facts={"funding": "fcc-subsidy"},
            **given,
        )
        fcc = packs.load(FCC)
        assert fcc.evaluate(p, registry=REGISTRY).effect is Effect.DENY
        before = attrs.evolve(p, date=dt.date(2022, 5, 23))
        assert fcc.evaluate(before, registry=REGISTRY).effect is Effect.WARN

    def test_huawei_parent_is_covered(self) -> None:
        """The 2021 entries reach the group (§889(f)(3)'s affiliates): Huawei's parent is
        warned about the authorisation bar, as Huawei Technologies is."""
        firm = Buyer(id="firm", public=False, sector="enterprise", country="US")
        for entity in ("huawei-investment-holding", "huawei-technologies"):
            p = Purchase(
                buyer=firm,
                vendor=Vendor(id=entity),
                category="telecom/network/router",
                date=dt.date(2024, 1, 1),
                components=(),
            )
            assert packs.load(FCC).evaluate(p, registry=REGISTRY).effect is Effect.WARN, entity

    def test_usf_designation_starts_on_the_final_designation(self) -> None:
        """The 54.9 list dates from 2020-06-30 and reaches Huawei's subsidiaries."""
        usf = us_fcc_covered_list.USF_DESIGNATION
        assert usf not in REGISTRY.designated("hisilicon", dt.date(2020, 6, 29))
        assert usf in REGISTRY.designated("hisilicon", dt.date(2020, 6, 30))
