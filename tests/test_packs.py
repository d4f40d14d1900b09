"""The bundled rule packs, tested from their sources (see docs/packs/)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from vendorpolicy import (
    Buyer,
    Component,
    Effect,
    Purchase,
    RuleStatus,
    Vendor,
    bundled_registry,
    packs,
)
from vendorpolicy._packs._base import FactLocation, facts_read
from vendorpolicy.errors import InvalidValueError, PredicateTypeError
from vendorpolicy.testing import DESIGNATION_POOL, buyers, purchases

DAY = dt.timedelta(days=1)
AGENCY = Buyer(id="gsa", public=True, sector="central-government", country="US")
MINISTRY = Buyer(id="mic", public=True, sector="central-government", country="JP")
IAA = Buyer(id="jaxa", public=True, sector="public-agency", country="JP")
CITY = Buyer(id="city", public=True, sector="local-government", country="US")
SHOP = Buyer(id="shop", public=False, sector="retail", country="US")
CARRIER = Buyer(id="carrier", public=False, sector="carrier")
COMMISSION = Buyer(id="ec", public=True, sector="central-government")

LENOVO = Vendor(id="lenovo", name="Lenovo Group Ltd.", country="HK")
ACME = Vendor(id="acme", country="US")
REGISTRY = bundled_registry()


def registered(entity: str, on: dt.date = dt.date(2024, 1, 1)) -> Vendor:
    """A vendor as the bundled registry gives it on ``on``."""
    return REGISTRY.vendor(entity, on)


def decide(pack: str, purchase: Purchase, as_of: dt.date | None = None) -> Effect:
    return packs.load(pack).evaluate(purchase, as_of=as_of).effect


def buy(buyer: Buyer, vendor: Vendor | None, category: str, date: dt.date, **kw: Any) -> Purchase:
    kw.setdefault("components", ())
    return Purchase(buyer=buyer, vendor=vendor, category=category, date=date, **kw)


# --- every pack ----------------------------------------------------------------------------------


class TestCatalogue:
    def test_names(self) -> None:
        """There is a pack for every regime of issue 5."""
        assert set(packs.names()) == {
            "jp-2018",
            "us-ndaa-889",
            "us-fcc-covered-list",
            "au-5g-2018",
            "nz-ticsa",
            "uk-telecoms",
            "se-pts-2020",
            "eu-5g-toolbox",
        }

    @pytest.mark.parametrize("name", packs.names())
    def test_every_rule_has_source_and_reason(self, name: str) -> None:
        """Every rule says where it comes from and why, in words."""
        for rule in packs.load(name).rules:
            assert rule.source, rule.id
            assert rule.reason, rule.id
            assert all(case.reason for case in rule.cases), rule.id

    @pytest.mark.parametrize("name", packs.names())
    def test_vocabulary_matches_rules(self, name: str) -> None:
        """The declared vocabulary is exactly the facts the rules read, with their values."""
        info = packs.info(name)
        read = facts_read(packs.load(name))
        assert {s.name for s in info.facts} == set(read)
        for spec in info.facts:
            assert read[spec.name] <= set(spec.values), spec.name

    @pytest.mark.parametrize("name", packs.names())
    def test_info_figures(self, name: str) -> None:
        """The info's rule count, version and designations come from the rule set."""
        info, rules = packs.info(name), packs.load(name)
        assert (info.rule_count, info.version) == (len(rules.rules), rules.version)
        assert info.name == rules.id == name
        assert info.sources
        assert info.binds
        assert info.force

    @pytest.mark.parametrize("name", packs.names())
    def test_designations_are_in_the_bundled_registry(self, name: str) -> None:
        """Every designation a pack reads is a list of the bundled registry."""
        lists = {d.id for d in REGISTRY.lists}
        assert set(packs.info(name).designations) <= lists

    @pytest.mark.parametrize("name", packs.names())
    def test_sources_are_rendered_into_rules(self, name: str) -> None:
        """Each listed source is cited by some rule, and rules cite only listed sources."""
        info = packs.info(name)
        cited = " ; ".join(r.source for r in packs.load(name).rules)
        for source in info.sources:
            assert source.render() in cited

    def test_unknown_pack(self) -> None:
        """An unknown name is an error that suggests the closest pack."""
        with pytest.raises(InvalidValueError, match="unknown rule pack `us-ndaa-898`") as info:
            packs.load("us-ndaa-898")
        assert info.value.hint == "did you mean `us-ndaa-889`?"
        assert info.value.path == "packs.load(name)"

    def test_load_is_stable(self) -> None:
        """Loading twice gives the same rule set, with the same digest."""
        assert packs.load("uk-telecoms").digest == packs.load("uk-telecoms").digest


class TestCheck:
    def test_accepts_vocabulary(self) -> None:
        """A purchase that states only vocabulary facts has no problems."""
        p = buy(
            AGENCY,
            ACME,
            "telecom",
            dt.date(2021, 1, 1),
            purpose="office-lobby",
            facts={"funding": "federal-grant", "waiver": "dni"},
            components=(Component(vendor=ACME, facts={"essential": True}),),
        )
        assert packs.check("us-ndaa-889", p) == ()

    def test_reports_bad_value_and_unknown_name(self) -> None:
        """A value outside the vocabulary and an unknown name are reported with their paths."""
        p = buy(
            AGENCY,
            ACME,
            "telecom",
            dt.date(2021, 1, 1),
            facts={"funding": "grant", "fundng": "own-budget"},
            components=(Component(vendor=ACME, facts={"essential": "yes"}),),
        )
        problems = {(e.path, e.message, e.hint) for e in packs.check("us-ndaa-889", p)}
        assert problems == {
            (
                "Purchase.facts['funding']",
                "fact `funding` has value `grant`",
                "one of `federal-grant`, `federal-loan`, `own-budget`, `other`",
            ),
            (
                "Purchase.facts['fundng']",
                "fact `fundng` is not in the vocabulary of pack `us-ndaa-889`",
                "did you mean `funding`?",
            ),
            (
                "Purchase.components[0].facts['essential']",
                "fact `essential` has the text `yes`, not a boolean",
                "one of `true`, `false`, as a boolean without quotes",
            ),
        }

    def test_closed_purpose(self) -> None:
        """Open vocabularies (the purpose) accept any value; closed ones do not."""
        spec = packs.info("us-ndaa-889").fact("purpose")
        assert spec.open
        assert spec.location is FactLocation.PURPOSE
        assert spec.accepts("office-lobby")
        assert not packs.info("se-pts-2020").fact("licence").accepts("mobile")


# --- properties ----------------------------------------------------------------------------------


#: Categories to aim the packs' purchases at: those their rules name, and laptops.
PACK_CATEGORIES = (
    "telecom/network/router",
    "telecom/service",
    "video/surveillance/camera",
    "it/endpoint/laptop",
    "uas/aircraft",
    "it/security/software",
)


def pack_purchases(name: str, *, complete: bool = False) -> st.SearchStrategy[Purchase]:
    """Purchases in the pack's vocabulary (its facts, purposes and dates), aimed at the
    categories its rules name, whose vendors may carry the pack's designations; any fact may
    be missing unless ``complete``."""
    return purchases(
        vocabulary=packs.load(name).vocabulary,
        categories=PACK_CATEGORIES,
        designations=(*DESIGNATION_POOL, *packs.info(name).designations),
        complete=complete,
    )


def designated_anywhere(p: Purchase, designations: tuple[str, ...]) -> bool:
    vendors = [p.vendor, *(c.vendor for c in p.components or ())]
    return any(
        set(v.designations) & set(designations)
        for top in vendors
        if top is not None
        for v in top.lineage
    )


class TestProperties:
    @pytest.mark.parametrize("complete", [False, True])
    @settings(max_examples=100)
    @given(data=st.data())
    def test_undesignated_vendors_never_denied_889(self, complete: bool, data: Any) -> None:
        """§889 denies nothing when no vendor anywhere is covered and the contractor does not
        use covered equipment (with facts missing, and with every fact stated)."""
        p = data.draw(pack_purchases("us-ndaa-889", complete=complete))
        designated = designated_anywhere(p, packs.info("us-ndaa-889").designations)
        if not designated and p.facts.get("uses-covered-equipment") is not True:
            assert decide("us-ndaa-889", p) is not Effect.DENY

    @settings(max_examples=150)
    @given(st.data())
    def test_undesignated_vendors_never_denied_fcc(self, data: st.DataObject) -> None:
        """The Covered List denies nothing without a listed vendor or a foreign-made drone."""
        p = data.draw(pack_purchases("us-fcc-covered-list"))
        designated = designated_anywhere(p, packs.info("us-fcc-covered-list").designations)
        if not designated and p.facts.get("uas-produced-abroad") is not True:
            assert decide("us-fcc-covered-list", p) is not Effect.DENY

    @pytest.mark.parametrize("name", ["jp-2018", "au-5g-2018", "eu-5g-toolbox"])
    @settings(max_examples=150)
    @given(data=st.data())
    def test_private_buyers_never_denied_by_guidance(self, name: str, data: Any) -> None:
        """Guidance and government-only packs never deny a private buyer."""
        p = data.draw(pack_purchases(name))
        if not p.buyer.public:
            assert decide(name, p) is not Effect.DENY

    @settings(max_examples=150)
    @given(st.data())
    def test_australia_never_denies(self, data: st.DataObject) -> None:
        """Australia's criteria-based guidance reviews or warns; it never denies."""
        assert decide("au-5g-2018", data.draw(pack_purchases("au-5g-2018"))) is not Effect.DENY

    @pytest.mark.parametrize("name", ["se-pts-2020", "uk-telecoms", "nz-ticsa"])
    @settings(max_examples=100)
    @given(data=st.data())
    def test_carrier_packs_leave_shops_alone(self, name: str, data: Any) -> None:
        """Packs that bind carriers (and, in the UK, central government) allow a shop's purchase."""
        p = attrs.evolve(data.draw(pack_purchases(name)), buyer=SHOP)
        assert decide(name, p) is Effect.ALLOW

    @pytest.mark.parametrize("name", packs.names())
    @settings(max_examples=60)
    @given(data=st.data())
    def test_later_decision_dates_agree_with_the_purchase_date(self, name: str, data: Any) -> None:
        """Judging a purchase on its own date equals judging it with `as_of` set to that date."""
        p = data.draw(pack_purchases(name))
        if p.date is not None:
            rs = packs.load(name)
            assert rs.evaluate(p).effect is rs.evaluate(p, as_of=p.date).effect


# --- US section 889 ------------------------------------------------------------------------------


class TestUS889:
    PACK = "us-ndaa-889"
    HUAWEI = Vendor(id="huawei-technologies", country="CN", designations={"us.889.covered"})
    HIKVISION = Vendor(id="hikvision", country="CN", designations={"us.889.purpose-limited"})
    CLEAN: ClassVar[dict[str, Any]] = {"uses-covered-equipment": False}

    def test_part_a_effective_date(self) -> None:
        """Part A denies Huawei routers from 13 Aug 2019, not the day before."""
        start = dt.date(2019, 8, 13)
        p = buy(AGENCY, self.HUAWEI, "telecom/network/router", start - DAY)
        assert decide(self.PACK, p) is Effect.ALLOW
        assert decide(self.PACK, attrs.evolve(p, date=start)) is Effect.DENY

    def test_part_b_effective_date(self) -> None:
        """Part B (an offeror that uses covered equipment) applies from 13 Aug 2020."""
        start = dt.date(2020, 8, 13)
        p = buy(AGENCY, ACME, "it/server", start - DAY, facts={"uses-covered-equipment": True})
        assert decide(self.PACK, p) is Effect.ALLOW
        assert decide(self.PACK, attrs.evolve(p, date=start)) is Effect.DENY

    def test_part_b_needs_the_representation(self) -> None:
        """Without the offeror's representation, an agency purchase is warned, with the duty
        to read it before award (FAR 52.204-24(d)(2), 52.204-26(c)(2)), not sent to review;
        stated, the representation decides."""
        p = buy(AGENCY, LENOVO, "it/endpoint/laptop", dt.date(2021, 5, 1))
        decision = packs.load(self.PACK).evaluate(p)
        assert (decision.effect, decision.determining_keys) == (
            Effect.WARN,
            ("us-ndaa-889/part-b-representation",),
        )
        assert "facts.uses-covered-equipment" not in decision.missing_facts
        assert any("52.204-26(c)(2)" in o for o in decision.obligations)
        for uses, effect in ((True, Effect.DENY), (False, Effect.ALLOW)):
            stated = attrs.evolve(p, facts={"uses-covered-equipment": uses})
            assert decide(self.PACK, stated) is effect

    def test_grants_effective_date(self) -> None:
        """Grant funds may not buy covered equipment from 13 Aug 2020, whoever buys."""
        start = dt.date(2020, 8, 13)
        p = buy(CITY, self.HUAWEI, "telecom/radio", start - DAY, facts={"funding": "federal-grant"})
        assert decide(self.PACK, p) is Effect.ALLOW
        assert decide(self.PACK, attrs.evolve(p, date=start)) is Effect.DENY
        own = attrs.evolve(p, date=start, facts={"funding": "own-budget"})
        assert decide(self.PACK, own) is Effect.ALLOW

    def test_subsidiary(self) -> None:
        """A subsidiary of Huawei is covered through its ownership chain."""
        sub = Vendor(id="huawei-device-usa", country="US", parent=self.HUAWEI)
        p = buy(AGENCY, sub, "telecom/modem", dt.date(2020, 1, 6))
        assert decide(self.PACK, p) is Effect.DENY

    def test_registry_affiliate(self) -> None:
        """Through the bundled registry, Huawei Technologies Japan K.K. is covered."""
        p = Purchase(
            buyer=AGENCY,
            supplier="華為技術日本株式会社",
            category="telecom/network/switch",
            date=dt.date(2020, 1, 6),
            components=(),
        )
        assert packs.load(self.PACK).evaluate(p, registry=REGISTRY).effect is Effect.DENY

    def test_lenovo_laptop_without_covered_parts(self) -> None:
        """A Lenovo laptop with no covered parts stays allowed."""
        p = buy(
            AGENCY,
            LENOVO,
            "it/endpoint/laptop",
            dt.date(2021, 5, 1),
            facts=self.CLEAN,
            components=(Component(vendor=ACME, category="telecom/modem"),),
        )
        assert decide(self.PACK, p) is Effect.ALLOW

    def test_essential_component(self) -> None:
        """A covered part denies when essential, not when it is not, and reviews when unsaid."""
        part = Component(vendor=self.HUAWEI, category="telecom/modem")

        def laptop(**facts: bool) -> Purchase:
            return buy(
                AGENCY,
                LENOVO,
                "it/endpoint/laptop",
                dt.date(2021, 5, 1),
                facts=self.CLEAN,
                components=(attrs.evolve(part, facts=facts),),
            )

        assert decide(self.PACK, laptop(essential=True)) is Effect.DENY
        assert decide(self.PACK, laptop(essential=False)) is Effect.ALLOW
        assert decide(self.PACK, laptop()) is Effect.REVIEW

    def test_undeclared_components(self) -> None:
        """Parts not declared are unknown: the laptop goes to review, not allowed."""
        p = buy(
            AGENCY,
            LENOVO,
            "it/endpoint/laptop",
            dt.date(2021, 5, 1),
            facts=self.CLEAN,
            components=None,
        )
        assert decide(self.PACK, p) is Effect.REVIEW

    def test_zt_systems_server(self) -> None:
        """A ZT Systems server, resolved through the registry, is not ZTE and stays allowed."""
        p = Purchase(
            buyer=AGENCY,
            supplier="ZT Systems",
            category="it/server",
            date=dt.date(2025, 6, 1),
            components=(),
            facts=self.CLEAN,
        )
        decision = packs.load(self.PACK).evaluate(p, registry=REGISTRY)
        assert decision.resolutions[0].match.entity == "zt-systems"
        assert decision.effect is Effect.ALLOW

    def test_purpose_limits(self) -> None:
        """Hikvision cameras are covered only for the listed security purposes."""
        p = buy(
            AGENCY,
            self.HIKVISION,
            "video/surveillance/camera",
            dt.date(2021, 5, 1),
            facts=self.CLEAN,
        )
        assert decide(self.PACK, attrs.evolve(p, purpose="public-safety")) is Effect.DENY
        assert decide(self.PACK, attrs.evolve(p, purpose="office-lobby")) is Effect.ALLOW
        assert decide(self.PACK, p) is Effect.REVIEW

    def test_private_shop_hikvision_camera(self) -> None:
        """A Hikvision camera bought by a private shop for its own premises stays allowed."""
        p = buy(
            SHOP,
            self.HIKVISION,
            "video/surveillance/camera",
            dt.date(2023, 3, 1),
            purpose="retail-loss-prevention",
        )
        assert decide(self.PACK, p) is Effect.ALLOW

    @pytest.mark.parametrize("exception", ["third-party-interconnection", "no-user-data-access"])
    def test_exceptions(self, exception: str) -> None:
        """The two statutory exceptions lift Part A when claimed."""
        p = buy(AGENCY, self.HUAWEI, "telecom/service", dt.date(2021, 5, 1), facts=self.CLEAN)
        assert decide(self.PACK, p) is Effect.DENY
        claimed = attrs.evolve(p, facts={**self.CLEAN, "exception-claimed": exception})
        assert decide(self.PACK, claimed) is Effect.ALLOW

    def test_agency_waiver_expires(self) -> None:
        """A Part A agency waiver counts up to 13 Aug 2021 and not after."""
        p = buy(
            AGENCY,
            self.HUAWEI,
            "telecom/network/router",
            dt.date(2020, 3, 1),
            facts={**self.CLEAN, "waiver": "agency-part-a"},
        )
        assert decide(self.PACK, p, as_of=dt.date(2021, 8, 13)) is Effect.ALLOW
        assert decide(self.PACK, p, as_of=dt.date(2021, 8, 14)) is Effect.DENY

    def test_waiver_scope(self) -> None:
        """A Part A waiver does not lift Part B; a DNI waiver lifts both, without expiry."""
        p = buy(
            AGENCY,
            self.HUAWEI,
            "telecom/network/router",
            dt.date(2021, 3, 1),
            facts={"uses-covered-equipment": True, "waiver": "agency-part-a"},
        )
        assert decide(self.PACK, p) is Effect.DENY
        dni = attrs.evolve(p, facts={"uses-covered-equipment": True, "waiver": "dni"})
        assert decide(self.PACK, dni, as_of=dt.date(2030, 1, 1)) is Effect.ALLOW

    def test_other_equipment_reviewed(self) -> None:
        """A Huawei item outside telecom and video is a judgement: review."""
        p = buy(AGENCY, self.HUAWEI, "it/endpoint/laptop", dt.date(2021, 5, 1), facts=self.CLEAN)
        assert decide(self.PACK, p) is Effect.REVIEW


# --- FCC Covered List ----------------------------------------------------------------------------


class TestFCC:
    PACK = "us-fcc-covered-list"
    SUBSIDY: ClassVar[dict[str, Any]] = {"funding": "fcc-subsidy"}

    @pytest.mark.parametrize(
        ("entity", "category", "listed"),
        [
            ("huawei-technologies", "telecom/radio", dt.date(2021, 3, 12)),
            ("kaspersky-lab", "it/security/software", dt.date(2022, 3, 25)),
            ("china-telecom-americas", "telecom/service", dt.date(2022, 3, 25)),
            ("china-unicom-americas", "telecom/service", dt.date(2022, 9, 20)),
            ("comnet-usa", "telecom/service", dt.date(2022, 9, 20)),
            ("dji", "uas/aircraft", dt.date(2025, 12, 22)),
        ],
    )
    def test_subsidy_bar_sixty_days_after_listing(
        self, entity: str, category: str, listed: dt.date
    ) -> None:
        """Subsidies may not buy covered items from 60 days after listing, not the day before."""
        vendor = registered(entity, dt.date(2026, 6, 1))
        start = listed + dt.timedelta(days=60)
        p = buy(CARRIER, vendor, category, start - DAY, facts=self.SUBSIDY)
        assert decide(self.PACK, p) is not Effect.DENY
        assert decide(self.PACK, attrs.evolve(p, date=start)) is Effect.DENY

    def test_initial_list_date(self) -> None:
        """The initial list's subsidy bar starts on 11 May 2021."""
        rule = packs.load(self.PACK).rule("subsidy-2021-03")
        assert rule.in_force_from == dt.date(2021, 5, 11)

    def test_authorisation_bar_warns(self) -> None:
        """Anyone buying covered equipment is warned from 6 Feb 2023, not the day before."""
        huawei = registered("huawei-technologies")
        p = buy(
            SHOP,
            huawei,
            "telecom/network/router",
            dt.date(2023, 2, 5),
            facts={"funding": "own-budget"},
        )
        assert decide(self.PACK, p) is Effect.ALLOW
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2023, 2, 6))) is Effect.WARN

    def test_private_shop_hikvision_camera(self) -> None:
        """A Hikvision camera for a shop's own premises is not barred (no subsidy), but no new
        Hikvision model is authorised until the FCC approves its plan (FCC 22-84), whatever the
        purpose: warned from the bar's first day, allowed before it."""
        p = buy(
            SHOP,
            registered("hikvision"),
            "video/surveillance/camera",
            dt.date(2024, 1, 1),
            purpose="retail-loss-prevention",
        )
        assert decide(self.PACK, p) is Effect.WARN
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2023, 2, 5))) is Effect.ALLOW

    def test_subsidiary(self) -> None:
        """A Huawei subsidiary built by hand is covered through its parent."""
        parent = Vendor(id="huawei-technologies", designations={"us.fcc.covered-list"})
        p = buy(
            CARRIER,
            Vendor(id="huawei-sub", parent=parent),
            "telecom/radio",
            dt.date(2022, 1, 1),
            facts=self.SUBSIDY,
        )
        assert decide(self.PACK, p) is Effect.DENY

    def test_covered_component_reviews(self) -> None:
        """A system with a covered part, bought with subsidies, goes to review."""
        part = Component(vendor=registered("zte"), category="telecom/modem")
        p = buy(
            CARRIER,
            ACME,
            "telecom/network/router",
            dt.date(2022, 1, 1),
            facts=self.SUBSIDY,
            components=(part,),
        )
        assert decide(self.PACK, p) is Effect.REVIEW

    def test_unrecognised_entry(self) -> None:
        """A vendor on the list through an entry the pack does not know goes to review."""
        p = buy(
            SHOP,
            Vendor(id="newco", designations={"us.fcc.covered-list"}),
            "it/server",
            dt.date(2024, 1, 1),
            facts={"funding": "own-budget"},
        )
        assert decide(self.PACK, p) is Effect.REVIEW

    def test_foreign_drone_exemption(self) -> None:
        """A foreign-made drone is barred from subsidies from 20 Feb 2026 unless exempted; an
        exempted drone is off the list (DA 26-22), so not even the authorisation bar warns."""
        p = buy(
            CARRIER,
            ACME,
            "uas/aircraft",
            dt.date(2026, 2, 20),
            facts={**self.SUBSIDY, "uas-produced-abroad": True},
        )
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2026, 2, 19))) is Effect.WARN
        assert decide(self.PACK, p) is Effect.DENY
        exempt = attrs.evolve(p, facts={**p.facts, "exception-claimed": "blue-uas-cleared"})
        assert decide(self.PACK, exempt) is Effect.ALLOW

    def test_zt_systems_server(self) -> None:
        """A ZT Systems server is allowed."""
        p = buy(
            CARRIER,
            registered("zt-systems", dt.date(2025, 6, 1)),
            "it/server",
            dt.date(2025, 6, 1),
            facts=self.SUBSIDY,
        )
        assert decide(self.PACK, p) is Effect.ALLOW


# --- Japan ---------------------------------------------------------------------------------------


class TestJapan:
    PACK = "jp-2018"
    HUAWEI = Vendor(id="huawei-technologies", designations={"jp.2018.reported-targets"})
    SCOPED: ClassVar[dict[str, Any]] = {"system-scope": "confidential", "nisc-consulted": True}

    def test_effective_date(self) -> None:
        """Bound bodies may not procure unresolved-risk equipment from 1 Apr 2019."""
        facts = {**self.SCOPED, "supply-chain-risk": "not-dispelled"}
        p = buy(MINISTRY, ACME, "telecom/network/router", dt.date(2019, 3, 31), facts=facts)
        assert decide(self.PACK, p) is Effect.ALLOW
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2019, 4, 1))) is Effect.DENY

    def test_agencies_from_amendment(self) -> None:
        """Incorporated administrative agencies are bound from 30 Jun 2020, not the day before."""
        facts = {**self.SCOPED, "supply-chain-risk": "not-dispelled"}
        p = buy(IAA, ACME, "it/server", dt.date(2020, 6, 29), facts=facts)
        assert decide(self.PACK, p) is Effect.ALLOW
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2020, 6, 30))) is Effect.DENY

    def test_consult_nisc(self) -> None:
        """In-scope systems go to review with the NISC obligations until NISC is consulted."""
        p = buy(
            MINISTRY,
            ACME,
            "it/server",
            dt.date(2020, 1, 1),
            facts={"system-scope": "personal-data", "supply-chain-risk": "dispelled"},
        )
        decision = packs.load(self.PACK).evaluate(p)
        assert decision.effect is Effect.REVIEW
        assert "consult NISC (the national cybersecurity centre) before award" in (
            decision.obligations
        )
        consulted = attrs.evolve(p, facts={**p.facts, "nisc-consulted": True})
        assert decide(self.PACK, consulted) is Effect.ALLOW

    def test_reported_target_subsidiary(self) -> None:
        """A reported target's subsidiary is reviewed until its risk is found dispelled."""
        sub = Vendor(id="huawei-japan", parent=self.HUAWEI)
        p = buy(MINISTRY, sub, "telecom/network/router", dt.date(2020, 1, 1), facts=self.SCOPED)
        assert decide(self.PACK, p) is Effect.REVIEW
        cleared = attrs.evolve(p, facts={**self.SCOPED, "supply-chain-risk": "dispelled"})
        assert decide(self.PACK, cleared) is Effect.ALLOW

    def test_out_of_scope_and_local_government(self) -> None:
        """Systems outside the scope, and local governments, are not covered."""
        p = buy(
            MINISTRY,
            self.HUAWEI,
            "telecom/network/router",
            dt.date(2020, 1, 1),
            facts={"system-scope": "other"},
        )
        assert decide(self.PACK, p) is Effect.ALLOW
        assert decide(self.PACK, attrs.evolve(p, buyer=CITY, facts={})) is Effect.ALLOW

    def test_private_carrier_only_warned(self) -> None:
        """A private carrier's Huawei 5G purchase is only a warning, from 24 Jan 2019."""
        p = buy(
            CARRIER,
            self.HUAWEI,
            "telecom/radio/base-station",
            dt.date(2019, 1, 23),
            facts={"network": "5g"},
        )
        assert decide(self.PACK, p) is Effect.ALLOW
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2019, 1, 24))) is Effect.WARN

    def test_espa_notification(self) -> None:
        """Designated operators notify before introducing critical equipment from 17 May 2024."""
        facts = {
            "espa-designated-operator": True,
            "espa-specified-equipment": True,
            "action": "buy",
            "network": "other",
        }
        p = buy(CARRIER, ACME, "telecom/network/router", dt.date(2024, 5, 16), facts=facts)
        assert decide(self.PACK, p) is Effect.ALLOW
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2024, 5, 17))) is Effect.REVIEW
        cleared = attrs.evolve(
            p, date=dt.date(2024, 6, 1), facts={**facts, "espa-screening": "cleared"}
        )
        assert decide(self.PACK, cleared) is Effect.ALLOW

    def test_lenovo_laptop(self) -> None:
        """A Lenovo laptop for an out-of-scope system stays allowed."""
        p = buy(
            MINISTRY,
            LENOVO,
            "it/endpoint/laptop",
            dt.date(2020, 1, 1),
            facts={"system-scope": "other"},
        )
        assert decide(self.PACK, p) is Effect.ALLOW


# --- Australia -----------------------------------------------------------------------------------


class TestAustralia:
    PACK = "au-5g-2018"
    HUAWEI = Vendor(id="huawei-technologies", designations={"au.5g-2018.reported-excluded"})

    def test_guidance_then_obligation(self) -> None:
        """Nothing before 23 Aug 2018, a warning from then, review once the TSSR commenced."""
        p = buy(
            CARRIER,
            self.HUAWEI,
            "telecom/radio",
            dt.date(2018, 8, 22),
            facts={"network": "5g", "material-change": False},
        )
        assert decide(self.PACK, p) is Effect.ALLOW
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2018, 8, 23))) is Effect.WARN
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2018, 9, 17))) is Effect.WARN
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2018, 9, 18))) is Effect.REVIEW

    def test_criteria_not_names(self) -> None:
        """Any vendor the carrier assesses as exposed to foreign directions is reviewed."""
        p = buy(
            CARRIER,
            ACME,
            "telecom/radio",
            dt.date(2019, 1, 1),
            facts={"network": "5g", "foreign-direction-risk": True, "material-change": False},
        )
        assert decide(self.PACK, p) is Effect.REVIEW
        clear = attrs.evolve(p, facts={**p.facts, "foreign-direction-risk": False})
        assert decide(self.PACK, clear) is Effect.ALLOW

    def test_4g_not_covered(self) -> None:
        """The guidance is about 5G."""
        p = buy(
            CARRIER,
            self.HUAWEI,
            "telecom/radio",
            dt.date(2019, 1, 1),
            facts={"network": "4g-or-earlier", "material-change": False},
        )
        assert decide(self.PACK, p) is Effect.ALLOW

    def test_notify_change(self) -> None:
        """A material change is reviewed with the notification duty until notified."""
        p = buy(
            CARRIER,
            ACME,
            "telecom/network",
            dt.date(2018, 9, 18),
            facts={"network": "other", "material-change": True},
        )
        assert decide(self.PACK, p) is Effect.REVIEW
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2018, 9, 17))) is Effect.ALLOW
        notified = attrs.evolve(p, facts={**p.facts, "tssr-notified": True})
        assert decide(self.PACK, notified) is Effect.ALLOW


# --- New Zealand ---------------------------------------------------------------------------------


class TestNewZealand:
    PACK = "nz-ticsa"

    def test_notify_from_part_3(self) -> None:
        """Changes in the core need notification from 11 May 2014."""
        p = buy(
            CARRIER,
            ACME,
            "telecom/network",
            dt.date(2014, 5, 10),
            facts={"network-function": "core"},
        )
        assert decide(self.PACK, p) is Effect.ALLOW
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2014, 5, 11))) is Effect.REVIEW

    def test_assessment_outcomes(self) -> None:
        """A significant-risk finding denies; mitigation or no risk allows."""
        p = buy(
            CARRIER,
            ACME,
            "telecom/network",
            dt.date(2019, 1, 1),
            facts={"network-function": "core", "gcsb-outcome": "significant-risk"},
        )
        assert decide(self.PACK, p) is Effect.DENY
        for outcome in ("mitigated", "no-significant-risk"):
            ok = attrs.evolve(p, facts={"network-function": "core", "gcsb-outcome": outcome})
            assert decide(self.PACK, ok) is Effect.ALLOW

    def test_spark_precedent(self) -> None:
        """Huawei in a 5G RAN is reviewed from 28 Nov 2018, not the day before."""
        huawei = registered("huawei-technologies")
        p = buy(
            CARRIER,
            huawei,
            "telecom/radio",
            dt.date(2018, 11, 27),
            facts={"network": "5g", "network-function": "ran"},
        )
        assert decide(self.PACK, p) is Effect.ALLOW
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2018, 11, 28))) is Effect.REVIEW

    def test_unknown_function_reviewed(self) -> None:
        """A carrier purchase that does not say where it goes is reviewed."""
        p = buy(CARRIER, ACME, "telecom/network", dt.date(2019, 1, 1))
        assert decide(self.PACK, p) is Effect.REVIEW


# --- United Kingdom ------------------------------------------------------------------------------


class TestUK:
    PACK = "uk-telecoms"
    DVD: ClassVar[dict[str, Any]] = {"dvd-recipient": True}

    def huawei(self, on: dt.date) -> Vendor:
        return registered("huawei-technologies", on)

    def test_2020_policy_reviews(self) -> None:
        """From 28 Jan 2020 (not the day before), Huawei in the core is reviewed."""
        facts = {"network-function": "core", "action": "buy", "network": "4g-or-earlier"}
        p = buy(
            CARRIER,
            self.huawei(dt.date(2020, 6, 1)),
            "telecom/network",
            dt.date(2020, 1, 27),
            facts=facts,
        )
        assert decide(self.PACK, p) is Effect.ALLOW
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2020, 1, 28))) is Effect.REVIEW

    def test_no_new_5g_purchases_after_2020(self) -> None:
        """Buying Huawei 5G equipment is reviewed from 1 Jan 2021, not on 31 Dec 2020."""
        facts = {
            "network": "5g",
            "network-function": "ran",
            "action": "buy",
            "site-sensitivity": "ordinary",
            "hrv-share-over-35": False,
        }
        p = buy(
            CARRIER,
            self.huawei(dt.date(2021, 6, 1)),
            "telecom/radio",
            dt.date(2020, 12, 31),
            facts=facts,
        )
        assert decide(self.PACK, p) is Effect.ALLOW
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2021, 1, 1))) is Effect.REVIEW

    def test_directions_deny_from_13_october_2022(self) -> None:
        """Installing Huawei in 5G is denied for direction recipients from 13 Oct 2022."""
        facts = {**self.DVD, "network": "5g", "network-function": "ran", "action": "install"}
        huawei = self.huawei(dt.date(2023, 1, 1))
        p = buy(CARRIER, huawei, "telecom/radio", dt.date(2022, 10, 12), facts=facts)
        assert decide(self.PACK, p) is Effect.REVIEW
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2022, 10, 13))) is Effect.DENY

    def test_core_removal_deadline(self) -> None:
        """Maintaining Huawei in the core is a warning until 31 Dec 2023, denied from 2024."""
        facts = {
            **self.DVD,
            "network": "4g-or-earlier",
            "network-function": "core",
            "action": "maintain",
            "site-sensitivity": "ordinary",
        }
        p = buy(
            CARRIER,
            self.huawei(dt.date(2023, 6, 1)),
            "telecom/network",
            dt.date(2023, 1, 1),
            facts=facts,
        )
        assert decide(self.PACK, p, as_of=dt.date(2023, 12, 31)) is Effect.WARN
        assert decide(self.PACK, p, as_of=dt.date(2024, 1, 1)) is Effect.DENY

    def test_sensitive_sites_deadline(self) -> None:
        """Huawei at sensitive sites may be maintained until 28 Jan 2023, not after."""
        facts = {
            **self.DVD,
            "network": "4g-or-earlier",
            "network-function": "access",
            "action": "maintain",
            "site-sensitivity": "sensitive",
            "hrv-share-over-35": False,
        }
        p = buy(
            CARRIER,
            self.huawei(dt.date(2023, 1, 1)),
            "telecom/network",
            dt.date(2022, 11, 1),
            facts=facts,
        )
        assert decide(self.PACK, p, as_of=dt.date(2023, 1, 28)) is Effect.WARN
        assert decide(self.PACK, p, as_of=dt.date(2023, 1, 29)) is Effect.DENY

    def test_full_fibre_cap(self) -> None:
        """Over 35% of full-fibre access is a warning until 31 Oct 2023, then denied."""
        facts = {
            **self.DVD,
            "network": "full-fibre",
            "network-function": "access",
            "action": "buy",
            "hrv-share-over-35": True,
            "sanctions-affected": False,
            "site-sensitivity": "ordinary",
        }
        p = buy(
            CARRIER,
            self.huawei(dt.date(2023, 1, 1)),
            "telecom/network",
            dt.date(2023, 10, 31),
            facts=facts,
        )
        assert decide(self.PACK, p) is Effect.REVIEW  # the 2020 access cap policy
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2023, 11, 1))) is Effect.DENY

    def test_group_company_denied(self) -> None:
        """The designation notice names "the Huawei corporate group": a group company reached
        through its owner is denied like the owner."""
        huawei = Vendor(
            id="huawei-technologies",
            designations={"uk.tsa.designated-vendor", "uk.ncsc.high-risk-vendor"},
        )
        sub = Vendor(id="huawei-sub", country="GB", parent=huawei)
        facts = {**self.DVD, "network": "5g", "network-function": "ran", "action": "install"}
        p = buy(CARRIER, sub, "telecom/radio", dt.date(2023, 1, 1), facts=facts)
        assert decide(self.PACK, p) is Effect.DENY
        assert decide(self.PACK, attrs.evolve(p, vendor=huawei)) is Effect.DENY

    def test_government_surveillance(self) -> None:
        """Chinese cameras on sensitive government sites are denied from 24 Nov 2022; on other
        sites they are only warned (the statement's advice)."""
        hik = registered("hikvision")
        facts = {"site-sensitivity": "sensitive", "action": "install"}
        home_office = Buyer(
            id="home-office", public=True, sector="central-government", country="GB"
        )
        p = buy(home_office, hik, "video/surveillance/camera", dt.date(2022, 11, 23), facts=facts)
        assert decide(self.PACK, p) is Effect.ALLOW
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2022, 11, 24))) is Effect.DENY
        ordinary = attrs.evolve(
            p, date=dt.date(2023, 1, 1), facts={**facts, "site-sensitivity": "ordinary"}
        )
        assert decide(self.PACK, ordinary) is Effect.WARN  # advice for other sites

    def test_private_shop_hikvision_camera(self) -> None:
        """A private shop's Hikvision camera is allowed."""
        p = buy(SHOP, registered("hikvision"), "video/surveillance/camera", dt.date(2023, 3, 1))
        assert decide(self.PACK, p) is Effect.ALLOW


# --- Sweden --------------------------------------------------------------------------------------


class TestSweden:
    PACK = "se-pts-2020"
    SCOPE: ClassVar[dict[str, Any]] = {"licence": "se-3.5-2.3-ghz", "network-function": "core"}

    def zte(self) -> Vendor:
        return registered("zte", dt.date(2021, 1, 1))

    def test_effective_date(self) -> None:
        """New central functions with ZTE are denied from 20 Oct 2020."""
        p = buy(
            CARRIER,
            self.zte(),
            "telecom/network",
            dt.date(2020, 10, 19),
            facts={**self.SCOPE, "action": "install"},
        )
        assert decide(self.PACK, p) is Effect.ALLOW
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2020, 10, 20))) is Effect.DENY

    def test_court_suspension(self) -> None:
        """From 9 Nov to 15 Dec 2020 the suspended Huawei conditions send Huawei purchases to
        review; the appeal court lifted the suspension on 16 Dec, and ZTE's stood throughout."""
        p = buy(
            CARRIER,
            registered("huawei-technologies", dt.date(2020, 11, 1)),
            "telecom/network",
            dt.date(2020, 11, 1),
            facts={**self.SCOPE, "action": "install"},
        )
        assert decide(self.PACK, p, as_of=dt.date(2020, 11, 8)) is Effect.DENY
        assert decide(self.PACK, p, as_of=dt.date(2020, 11, 9)) is Effect.REVIEW
        assert decide(self.PACK, p, as_of=dt.date(2020, 12, 15)) is Effect.REVIEW
        assert decide(self.PACK, p, as_of=dt.date(2020, 12, 16)) is Effect.DENY
        zte = attrs.evolve(p, vendor=self.zte())
        assert decide(self.PACK, zte, as_of=dt.date(2020, 11, 9)) is Effect.DENY

    def test_phase_out(self) -> None:
        """Keeping existing Huawei kit (acquired before the conditions) is a warning until
        31 Dec 2024, denied from 1 Jan 2025; kit acquired on the day of the conditions or later
        is denied at once, and kit of unstated age escalates until 2025."""
        huawei = registered("huawei-technologies", dt.date(2021, 1, 1))
        p = attrs.evolve(
            buy(
                CARRIER,
                huawei,
                "telecom/radio",
                dt.date(2024, 12, 31),
                facts={
                    "licence": "se-3.5-2.3-ghz",
                    "network-function": "ran",
                    "action": "maintain",
                },
            ),
            acquired=dt.date(2020, 10, 19),
        )
        assert decide(self.PACK, p) is Effect.WARN
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2025, 1, 1))) is Effect.DENY
        assert decide(self.PACK, attrs.evolve(p, acquired=dt.date(2020, 10, 20))) is Effect.DENY
        assert decide(self.PACK, attrs.evolve(p, acquired=None)) is Effect.REVIEW
        later = attrs.evolve(p, acquired=None, date=dt.date(2025, 1, 1))
        assert decide(self.PACK, later) is Effect.DENY

    def test_access_and_other_licences(self) -> None:
        """Functions outside the central ones, and other licences, are not covered."""
        p = buy(
            CARRIER,
            self.zte(),
            "telecom/network",
            dt.date(2021, 6, 1),
            facts={"licence": "se-3.5-2.3-ghz", "network-function": "access", "action": "install"},
        )
        assert decide(self.PACK, p) is Effect.ALLOW
        other = attrs.evolve(p, facts={**self.SCOPE, "licence": "other", "action": "install"})
        assert decide(self.PACK, other) is Effect.ALLOW

    def test_group_company_denied(self) -> None:
        """The conditions bar products from the supplier Huawei, so a Huawei subsidiary (the
        Swedish company the courts heard) is denied like the parent."""
        for entity in ("huawei-device", "huawei-sweden"):
            p = buy(
                CARRIER,
                registered(entity, dt.date(2021, 1, 1)),
                "telecom/network",
                dt.date(2021, 6, 1),
                facts={**self.SCOPE, "action": "buy"},
            )
            assert decide(self.PACK, p) is Effect.DENY, entity


# --- EU ------------------------------------------------------------------------------------------


class TestEU:
    PACK = "eu-5g-toolbox"
    HUAWEI = Vendor(id="huawei-technologies", designations={"eu.5g-toolbox.higher-risk"})

    def test_warns_operators_from_the_communication(self) -> None:
        """Operators are warned about Huawei in 5G from 15 Jun 2023, not the day before."""
        p = buy(
            CARRIER,
            self.HUAWEI,
            "telecom/radio",
            dt.date(2023, 6, 14),
            facts={"network": "5g", "network-function": "access"},
        )
        assert decide(self.PACK, p) is Effect.ALLOW
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2023, 6, 15))) is Effect.WARN

    def test_toolbox_criteria(self) -> None:
        """A supplier assessed high-risk in critical 5G assets is warned from 29 Jan 2020."""
        p = buy(
            CARRIER,
            ACME,
            "telecom/network",
            dt.date(2020, 1, 29),
            facts={"network": "5g", "network-function": "core", "supplier-risk": "high"},
        )
        assert decide(self.PACK, p) is Effect.WARN
        assert decide(self.PACK, attrs.evolve(p, date=dt.date(2020, 1, 28))) is Effect.ALLOW

    def test_commission_connectivity(self) -> None:
        """The Commission may not buy new connectivity relying on Huawei; renewals are reviewed."""
        service = buy(
            COMMISSION,
            ACME,
            "telecom/service",
            dt.date(2023, 7, 1),
            facts={"eu-buyer": "european-commission", "action": "buy", "funding": "own-budget"},
            components=(Component(vendor=self.HUAWEI, category="telecom/radio"),),
        )
        assert decide(self.PACK, service) is Effect.DENY
        renewal = attrs.evolve(service, facts={**service.facts, "action": "renew"})
        assert decide(self.PACK, renewal) is Effect.REVIEW
        other = attrs.evolve(service, facts={**service.facts, "eu-buyer": "other"})
        assert decide(self.PACK, other) is Effect.ALLOW


class TestCli:
    def run(self, *argv: str) -> tuple[int, str]:
        import io

        from vendorpolicy._cli import main

        out = io.StringIO()
        code = main(list(argv), out=out)
        return code, out.getvalue()

    def test_lists_every_pack(self) -> None:
        """`vendorpolicy packs` lists every pack with its rule count and title."""
        code, text = self.run("packs")
        assert code == 0
        for name in packs.names():
            info = packs.info(name)
            assert any(
                line.split()[:2] == [name, str(info.rule_count)] and info.title in line
                for line in text.splitlines()
            ), name

    def test_shows_one_pack(self) -> None:
        """`vendorpolicy packs NAME` shows the rules, the vocabulary and the sources."""
        code, text = self.run("packs", "se-pts-2020")
        assert code == 0
        assert "no-new-central-functions -> DENY/REVIEW (from 2020-10-20)" in text
        assert "licence [facts]: se-3.5-2.3-ghz, other" in text
        assert packs.info("se-pts-2020").sources[0].render() in text

    def test_unknown_pack(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown pack is an input error (exit 3) with a suggestion."""
        code, _ = self.run("packs", "uk-telecom")
        assert code == 3
        assert "did you mean `uk-telecoms`?" in capsys.readouterr().err

    def test_explain_shows_sources(self, tmp_path: Any) -> None:
        """`explain --pack` judges a purchase file by the pack and prints each rule's source."""
        import json

        path = tmp_path / "p.json"
        path.write_text(
            json.dumps(
                {
                    "id": "inv-1",
                    "buyer": {"id": "gsa", "public": True, "sector": "central-government"},
                    "supplier": "Huawei Technologies Co., Ltd.",
                    "category": "telecom/network/router",
                    "date": "2020-01-06",
                    "components": [],
                }
            ),
            encoding="utf-8",
        )
        code, text = self.run("explain", str(path), "--pack", "us-ndaa-889")
        assert code == 0
        assert text.startswith("Decision: DENY")
        assert "source: John S. McCain National Defense Authorization Act" in text


class TestSamples:
    @pytest.mark.parametrize("name", packs.names())
    def test_screens_the_bundled_samples(self, name: str) -> None:
        """Every pack screens the bundled sample purchases with the bundled registry, each
        decision without evaluation errors; the samples state `jp-2018` facts, which the other
        packs accept as meant for another regime."""
        from vendorpolicy._samples import sample_purchases

        rules = packs.load(name)
        for purchase in sample_purchases():
            decision = rules.evaluate(
                purchase, registry=REGISTRY, extra_facts=packs.vocabulary("jp-2018")
            )
            assert decision.errors == (), purchase.id


class TestFiles:
    @pytest.mark.parametrize("name", packs.names())
    def test_file_loads_equal_to_the_code(self, name: str) -> None:
        """The bundled rule file loads to the rule set the pack's Python source builds."""
        from vendorpolicy._packs import build

        assert packs.load(name) == build(name)
        assert packs.load(name).digest == build(name).digest

    @pytest.mark.parametrize("name", packs.names())
    def test_file_is_up_to_date(self, name: str) -> None:
        """The bundled file is exactly what the source generates (regenerate with
        `python -m vendorpolicy._packs`)."""
        from importlib import resources

        from vendorpolicy._packs import file_text

        bundled = resources.files("vendorpolicy").joinpath(f"data/packs/{name}.toml")
        assert bundled.read_text("utf-8") == file_text(name)

    @pytest.mark.parametrize("name", packs.names())
    def test_file_validates_against_the_registry_vocabulary(self, name: str) -> None:
        """Every designation in a pack file is a list of the bundled registry."""
        from vendorpolicy import Vocabulary, load_rule_set

        path = packs.__file__.replace("packs.py", f"data/packs/{name}.toml")
        known = Vocabulary(designations=[d.id for d in REGISTRY.lists])
        assert load_rule_set(path, vocabulary=known) == packs.load(name)


class TestLedger:
    @pytest.mark.parametrize("name", packs.names())
    def test_check_screens_the_sample_ledger(
        self, name: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`vendorpolicy check --pack NAME` screens every row of the bundled sample ledger (whose
        facts are `jp-2018`'s); the one broken row is an error record, so the exit code is 3."""
        import io
        import json

        from vendorpolicy._cli import main

        ledger = packs.__file__.replace("packs.py", "data/sample-ledger.csv")
        output = tmp_path / "out.jsonl"
        argv = ["check", "--pack", name, ledger, "-o", str(output), "-q"]
        code = main([*argv, "--extra-facts-of", "jp-2018"], out=io.StringIO())
        records = [json.loads(line) for line in output.read_text("utf-8").splitlines()]
        assert code == 3
        assert len(records) == 6
        assert [r["status"] for r in records].count("error") == 1
        assert all(r["effect"] for r in records if r["status"] != "error")
        assert {r["rule_set"] for r in records} == {name}

    def test_pack_and_rules_together_is_a_usage_error(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`check --pack` takes the ledger alone."""
        from vendorpolicy._cli import main

        code = main(["check", "--pack", "uk-telecoms", "rules.toml", "ledger.csv"])
        assert code == 2
        assert "with --pack, give only the LEDGER" in capsys.readouterr().err


# --- jurisdiction: whom each pack binds --------------------------------------------------------

#: For each pack, a buyer its sources say it binds (with the funding that brings it in, if
#: any), and the same buyer moved to a country outside the regime.
_BOUND: dict[str, tuple[Buyer, str | None, str]] = {
    "jp-2018": (MINISTRY, None, "US"),
    "us-ndaa-889": (AGENCY, None, "JP"),
    "us-fcc-covered-list": (
        Buyer(id="telco", public=False, sector="carrier", country="US"),
        None,
        "CA",
    ),
    "au-5g-2018": (Buyer(id="telstra", public=False, sector="carrier", country="AU"), None, "NZ"),
    "nz-ticsa": (Buyer(id="spark", public=False, sector="carrier", country="NZ"), None, "AU"),
    "uk-telecoms": (Buyer(id="bt", public=False, sector="carrier", country="GB"), None, "US"),
    "se-pts-2020": (Buyer(id="telia", public=False, sector="carrier", country="SE"), None, "NO"),
    "eu-5g-toolbox": (
        Buyer(id="ec", public=True, sector="central-government", country="EU"),
        None,
        "US",
    ),
}


class TestReach:
    def test_every_pack_says_whom_it_binds(self) -> None:
        """Every pack has a reach, each part with a summary and a source."""
        for name in packs.names():
            reach = packs.info(name).reach
            assert reach, name
            for part in reach:
                assert part.summary
                assert part.source, (name, part.summary)

    @pytest.mark.parametrize("name", packs.names())
    def test_bound_buyer_and_foreign_buyer(self, name: str) -> None:
        """A buyer the pack's sources name is within its reach; moved abroad, it is not; with
        its country unstated, it is (a pack assumes its own jurisdiction)."""
        bound, funding, abroad = _BOUND[name]
        assert name in packs.applicable(bound, funding=funding)
        assert name not in packs.applicable(attrs.evolve(bound, country=abroad), funding=funding)
        assert name in packs.applicable(attrs.evolve(bound, country=None), funding=funding)

    @pytest.mark.parametrize("name", packs.names())
    @settings(max_examples=60)
    @given(data=st.data())
    def test_buyers_outside_the_reach_are_allowed(self, name: str, data: st.DataObject) -> None:
        """A purchase whose buyer no part of the pack's reach covers (its country outside the
        regime, and no funding that brings it in) is allowed by every rule: rules outside a
        pack's reach do not fire (issue 9, scope 5), the facts that bring a buyer in (the
        Commission's `eu-buyer`) included."""
        p = data.draw(pack_purchases(name))
        abroad = _BOUND[name][2]
        p = attrs.evolve(p, buyer=attrs.evolve(p.buyer, country=abroad))
        funding = p.facts.get("funding")
        reached = packs.info(name).reaches(
            p.buyer, funding=funding if isinstance(funding, str) else None, facts=p.facts
        )
        assert reached is (name in packs.applicable(p))
        if not reached:
            decision = packs.load(name).evaluate(p)
            assert decision.effect is Effect.ALLOW, decision.explain()

    @pytest.mark.parametrize("name", packs.names())
    @settings(max_examples=60)
    @given(data=st.data())
    def test_a_purchase_not_allowed_is_reached(self, name: str, data: st.DataObject) -> None:
        """Whatever its buyer, a purchase the pack does not allow has a buyer within the
        pack's reach: a caller screening only `packs.applicable(p)` never misses a pack that
        would restrict or escalate `p` (the buyer left where it was drawn, unlike the test
        above)."""
        p = data.draw(pack_purchases(name))
        info = packs.info(name)
        # What brings a buyer in through what it spends or says it is must be stated: with it
        # unstated, `applicable` leaves those reaches out (documented), though the pack may
        # escalate on the unknown.
        read = {f for r in info.reach for f, _ in r.facts}
        read |= {"funding"} if any(r.funding for r in info.reach) else set()
        assume(all(p.facts.get(f) is not None for f in read))
        if packs.load(name).evaluate(p).effect is not Effect.ALLOW:
            assert name in packs.applicable(p), p

    def test_designated_operator_reached_whatever_its_sector(self) -> None:
        """A Japanese bank that states it is an ESPA-designated operator is within jp-2018's
        reach (its prior-notification rule reviews the bank's specified equipment), and the same
        bank stating it is not designated, or `1` in place of `true`, is not."""
        bank = Buyer(id="bank", public=False, sector="enterprise", country="JP")
        stated = Purchase(buyer=bank, facts={"espa-designated-operator": True})
        assert "jp-2018" in packs.applicable(stated)
        assert "jp-2018" not in packs.applicable(
            Purchase(buyer=bank, facts={"espa-designated-operator": False})
        )
        assert not packs.info("jp-2018").reaches(bank, facts={"espa-designated-operator": 1})
        abroad = attrs.evolve(stated, buyer=attrs.evolve(bank, country="US"))
        assert "jp-2018" not in packs.applicable(abroad)

    def test_funding_brings_a_buyer_in(self) -> None:
        """Grant and subsidy reaches need the funding: from the argument or the purchase."""
        university = Buyer(id="u", public=True, sector="education", country="DE")
        assert "us-ndaa-889" not in packs.applicable(university)
        assert "us-ndaa-889" in packs.applicable(university, funding="federal-loan")
        order = Purchase(buyer=university, facts={"funding": "federal-grant"})
        assert "us-ndaa-889" in packs.applicable(order)
        assert "us-ndaa-889" not in packs.applicable(order, funding="own-budget")
        assert packs.applicable(Purchase(buyer=university, facts={"funding": "eu-funds"})) == (
            "eu-5g-toolbox",
        )

    @pytest.mark.parametrize("country", ["BE", "LU", "FR", "US", "EU", None])
    def test_commission_reached_wherever_its_seat(self, country: str | None) -> None:
        """A public buyer that states it is the European Commission is reached by the EU pack
        whatever country it gives, and the pack denies its new connectivity relying on Huawei;
        the same buyer saying it is another institution is reached only as country `EU`."""
        ec = Buyer(id="ec", public=True, sector="central-government", country=country)
        link = Purchase(
            buyer=ec,
            vendor=Vendor(id="huawei-technologies"),
            category="telecom/service",
            date=dt.date(2024, 1, 1),
            components=(),
            facts={"eu-buyer": "european-commission", "action": "buy"},
        )
        assert "eu-5g-toolbox" in packs.applicable(link)
        decision = packs.load("eu-5g-toolbox").evaluate(link, registry=bundled_registry())
        assert decision.effect is Effect.DENY
        other = attrs.evolve(link, facts={"eu-buyer": "other", "action": "buy"})
        assert ("eu-5g-toolbox" in packs.applicable(other)) is (country in {"EU", None})

    def test_fact_reach_checks_its_values(self) -> None:
        """A reach through stated facts refuses a non-mapping and an empty set of values."""
        with pytest.raises(PredicateTypeError, match="expected a mapping") as info:
            packs.Reach(summary="s", facts=["eu-buyer"])
        assert info.value.path == "Reach.facts"
        with pytest.raises(InvalidValueError, match="empty set") as info:
            packs.Reach(summary="s", facts={"eu-buyer": []})
        assert info.value.path == "Reach.facts['eu-buyer']"

    @given(buyer=buyers(), data=st.data())
    def test_unstated_country_is_every_country(self, buyer: Buyer, data: st.DataObject) -> None:
        """A buyer whose country is not stated is reached by a pack exactly when the same buyer
        in one of the pack's countries is."""
        name = data.draw(st.sampled_from(packs.names()))
        info = packs.info(name)
        countries = {c for r in info.reach for c in (r.countries or {"FR"})}
        unstated = attrs.evolve(buyer, country=None)
        assert info.reaches(unstated) == any(
            info.reaches(attrs.evolve(buyer, country=c)) for c in countries
        )

    def test_reach_checks_its_values(self) -> None:
        """A reach refuses a bad country, an empty set and a non-boolean `public`, by field."""
        with pytest.raises(InvalidValueError) as info:
            packs.Reach(summary="s", countries={"USA"})
        assert info.value.path.startswith("Reach.countries")
        with pytest.raises(InvalidValueError, match="empty set") as info:
            packs.Reach(summary="s", sectors=[])
        assert info.value.path == "Reach.sectors"
        with pytest.raises(PredicateTypeError, match="expected true, false or None") as info:
            packs.Reach(summary="s", public="yes")  # type: ignore[arg-type]
        assert info.value.path == "Reach.public"
        with pytest.raises(PredicateTypeError, match="expected a Buyer or a Purchase") as info:
            packs.applicable("gsa")  # type: ignore[arg-type]
        assert info.value.path == "packs.applicable(buyer)"


class TestJapanScope:
    def _order(self, who: Buyer) -> Purchase:
        return Purchase(
            buyer=who,
            vendor=registered("huawei-technologies"),
            category="it/server",
            date=dt.date(2024, 6, 1),
            components=(),
            facts={"system-scope": "confidential"},
        )

    def test_foreign_agency_is_outside_the_agreement(self) -> None:
        """A US agency's purchase that a Japanese ministry would have reviewed is outside the
        agreement: ALLOW by default, not REVIEW; with no country stated, it is reviewed."""
        rules = packs.load("jp-2018")
        assert rules.evaluate(self._order(MINISTRY)).effect is Effect.REVIEW
        assert rules.evaluate(self._order(AGENCY)).effect is Effect.ALLOW
        unstated = attrs.evolve(MINISTRY, country=None)
        assert rules.evaluate(self._order(unstated)).effect is Effect.REVIEW

    @settings(max_examples=min(settings.default.max_examples, 40))
    @given(data=st.data())
    def test_agreement_never_binds_a_foreign_buyer(self, data: st.DataObject) -> None:
        """Over purchases drawn from the pack's vocabulary, a buyer in another country never has
        an agreement rule apply or come out unknown."""
        rules = packs.load("jp-2018")
        p = data.draw(purchases(vocabulary=rules.vocabulary, designations=DESIGNATION_POOL))
        abroad = data.draw(st.sampled_from(["US", "GB", "CN", "EU"]))
        p = attrs.evolve(p, buyer=attrs.evolve(p.buyer, country=abroad))
        decision = rules.evaluate(p)
        agreement = {"unresolved-supply-chain-risk", "consult-nisc", "reported-target"}
        for result in decision.results:
            if result.rule in agreement:
                assert result.status in {RuleStatus.NOT_APPLICABLE, RuleStatus.NOT_IN_FORCE}
