"""The `jp-2018` and `uk-telecoms` packs: laws over generated purchases, and the registry facts
their sources give (issue 9). The worked purchases are in tests/conformance/."""

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
    Sector,
    Vendor,
    bundled_registry,
    packs,
    purchase_from_dict,
)
from vendorpolicy._packs._base import FactLocation
from vendorpolicy.testing import DESIGNATION_POOL, purchases

REGISTRY = bundled_registry()
CONFORMANCE = Path(__file__).parent / "conformance"
CATEGORIES = [
    "telecom/network/router",
    "telecom/network/core",
    "telecom/radio",
    "telecom/service",
    "telecom/endpoint/handset",
    "video/surveillance/camera",
    "it/endpoint/laptop",
    "it/server",
    "security/physical/system",
]


#: The sectors of the public bodies Japan's agreement binds.
BOUND_SECTORS = ["central-government", "defence", "public-agency"]


def decide(name: str, purchase: Purchase) -> Effect:
    return packs.load(name).evaluate(purchase).effect


@st.composite
def pack_purchases(draw: st.DrawFn, name: str) -> Purchase:
    """Purchases whose vendors and components may carry the pack's designations, with facts
    from the pack's vocabulary (each possibly missing) and categories the pack reads."""
    info = packs.info(name)
    pool = (*DESIGNATION_POOL, *info.designations)
    specs = [s for s in info.facts if s.location is FactLocation.FACTS]
    p = draw(purchases(designations=pool, vocabulary=packs.load(name).vocabulary))
    facts = draw(
        st.fixed_dictionaries({}, optional={s.name: st.sampled_from(list(s.values)) for s in specs})
    )
    category = draw(st.none() | st.sampled_from(CATEGORIES))
    return attrs.evolve(p, facts=facts, category=category)


def designated(p: Purchase, designations: tuple[str, ...]) -> bool | None:
    """Whether a pack designation reaches the vendor or a declared component's maker (None when
    a maker is unknown or the components are not declared)."""
    if p.components is None:
        return None
    makers = [p.vendor, *(c.vendor for c in p.components)]
    if any(v is None for v in makers):
        return None
    return any(set(d.designations) & set(designations) for v in makers if v for d in v.lineage)


# --- Japan ---------------------------------------------------------------------------------------


class TestJapanLaws:
    PACK = "jp-2018"

    @settings(max_examples=50)
    @given(data=st.data())
    def test_buyers_outside_the_regime_are_allowed(self, data: st.DataObject) -> None:
        """A buyer that is neither a bound public body nor a carrier or critical-infrastructure
        operator, and does not state that it is a designated operator (which binds it whatever
        its sector), is allowed, whatever else is missing."""
        p = data.draw(pack_purchases(self.PACK))
        bound = p.buyer.public and p.buyer.sector in {
            Sector.CENTRAL_GOVERNMENT,
            Sector.DEFENCE,
            Sector.PUBLIC_AGENCY,
        }
        designated = p.facts.get("espa-designated-operator") is True
        if (
            not bound
            and not designated
            and p.buyer.sector not in {Sector.CARRIER, Sector.CRITICAL_INFRASTRUCTURE}
        ):
            assert decide(self.PACK, p) is Effect.ALLOW

    @settings(max_examples=30)
    @given(data=st.data(), sector=st.sampled_from(list(Sector)), public=st.booleans())
    def test_stated_designation_binds_any_sector(
        self, data: st.DataObject, sector: Sector, public: bool
    ) -> None:
        """A Japanese buyer of any sector that states it is a designated operator and buys
        specified critical equipment from 17 May 2024, not yet screened, is at least reviewed
        (ESPA art. 50(1) designates operators of many businesses, finance among them)."""
        p = data.draw(pack_purchases(self.PACK))
        p = attrs.evolve(
            p,
            buyer=Buyer(id="operator", public=public, sector=sector, country="JP"),
            date=dt.date(2024, 5, 17) + dt.timedelta(days=data.draw(st.integers(0, 900))),
            acquired=None,
            facts={
                **{k: v for k, v in p.facts.items() if k != "espa-screening"},
                "espa-designated-operator": True,
                "espa-specified-equipment": True,
                "action": "buy",
            },
        )
        assert decide(self.PACK, p) >= Effect.REVIEW

    @settings(max_examples=50)
    @given(data=st.data(), country=st.sampled_from(["US", "KR", "CN", "GB", "DE", "SE"]))
    def test_buyers_abroad_are_allowed(self, data: st.DataObject, country: str) -> None:
        """A buyer stated to be outside Japan is outside every rule: the agreement, the 5G
        guideline and the prior notification all bind Japanese buyers only."""
        p = data.draw(pack_purchases(self.PACK))
        # Buyers of the kinds the rules bind, with facts that put a Japanese buyer in reach.
        sector = data.draw(st.sampled_from(["carrier", "critical-infrastructure", *BOUND_SECTORS]))
        claims = data.draw(
            st.sampled_from(
                [
                    {},
                    {"espa-designated-operator": True, "espa-specified-equipment": True},
                    {"network": "5g", "supply-chain-risk": "not-dispelled"},
                    {"system-scope": "confidential", "supply-chain-risk": "not-dispelled"},
                ]
            )
        )
        buyer = Buyer(id="abroad", public=data.draw(st.booleans()), sector=sector, country=country)
        abroad = attrs.evolve(p, buyer=buyer, facts={**p.facts, "action": "buy", **claims})
        decision = packs.load(self.PACK).evaluate(abroad)
        assert decision.effect is Effect.ALLOW, decision.explain()

    @settings(max_examples=50)
    @given(data=st.data())
    def test_unstated_country_counts_as_japanese(self, data: st.DataObject) -> None:
        """A buyer whose country is not stated is decided as the same buyer in Japan."""
        p = data.draw(pack_purchases(self.PACK))
        unstated = attrs.evolve(p, buyer=attrs.evolve(p.buyer, country=None))
        japanese = attrs.evolve(p, buyer=attrs.evolve(p.buyer, country="JP"))
        assert decide(self.PACK, unstated) is decide(self.PACK, japanese)

    @settings(max_examples=50)
    @given(data=st.data())
    def test_private_carrier_unlisted_vendor_allowed(self, data: st.DataObject) -> None:
        """A private carrier's purchase whose vendor and declared components' makers are not
        reported targets, with no adverse finding and no prior-notification claim, is allowed
        (the advisory never escalates on what is not stated)."""
        p = data.draw(pack_purchases(self.PACK))
        p = attrs.evolve(p, buyer=Buyer(id="carrier-a", public=False, sector="carrier"))
        facts = {k: v for k, v in p.facts.items() if not k.startswith("espa-")}
        if facts.get("supply-chain-risk") == "not-dispelled":
            del facts["supply-chain-risk"]
        p = attrs.evolve(p, facts=facts)

        def unreported(vendor: Vendor | None) -> bool:
            return vendor is not None and not any(
                "jp.2018.reported-targets" in v.designations for v in vendor.lineage
            )

        if unreported(p.vendor) and all(unreported(c.vendor) for c in p.components or ()):
            assert decide(self.PACK, p) is Effect.ALLOW

    @settings(max_examples=50)
    @given(data=st.data())
    def test_clearing_facts_never_raise_severity(self, data: st.DataObject) -> None:
        """Stating that the risk was dispelled, NISC consulted and the screening cleared never
        makes a decision more severe."""
        p = data.draw(pack_purchases(self.PACK))
        cleared = attrs.evolve(
            p,
            facts={
                **p.facts,
                "supply-chain-risk": "dispelled",
                "nisc-consulted": True,
                "espa-screening": "cleared",
            },
        )
        assert decide(self.PACK, cleared) <= decide(self.PACK, p)

    @settings(max_examples=50)
    @given(data=st.data(), scope=st.sampled_from(["confidential", "personal-data"]))
    def test_in_scope_never_softer_than_out_of_scope(self, data: st.DataObject, scope: str) -> None:
        """A system that needs special protection is never judged more leniently than the same
        purchase for another system."""
        p = data.draw(pack_purchases(self.PACK))
        inside = attrs.evolve(p, facts={**p.facts, "system-scope": scope})
        outside = attrs.evolve(p, facts={**p.facts, "system-scope": "other"})
        assert decide(self.PACK, inside) >= decide(self.PACK, outside)


# --- United Kingdom ------------------------------------------------------------------------------


class TestUKLaws:
    PACK = "uk-telecoms"

    @settings(max_examples=50)
    @given(data=st.data())
    def test_no_listed_maker_anywhere_allows_non_departments(self, data: st.DataObject) -> None:
        """When neither the vendor nor any declared component's maker is listed, a buyer other
        than a government department is allowed, whatever facts are missing."""
        p = data.draw(pack_purchases(self.PACK))
        department = p.buyer.public and p.buyer.sector in {
            Sector.CENTRAL_GOVERNMENT,
            Sector.DEFENCE,
        }
        if not department and designated(p, packs.info(self.PACK).designations) is False:
            assert decide(self.PACK, p) is Effect.ALLOW

    @settings(max_examples=50)
    @given(data=st.data())
    def test_direction_recipients_never_softer(self, data: st.DataObject) -> None:
        """Receiving a designated vendor direction never makes a decision more lenient."""
        p = data.draw(pack_purchases(self.PACK))
        recipient = attrs.evolve(p, facts={**p.facts, "dvd-recipient": True})
        other = attrs.evolve(p, facts={**p.facts, "dvd-recipient": False})
        assert decide(self.PACK, recipient) >= decide(self.PACK, other)

    @settings(max_examples=50)
    @given(data=st.data())
    def test_departments_only_read_surveillance_equipment(self, data: st.DataObject) -> None:
        """A department's purchase that is not surveillance equipment and declares no component
        that could be is allowed."""
        p = data.draw(pack_purchases(self.PACK))
        p = attrs.evolve(p, buyer=Buyer(id="ho", public=True, sector="central-government"))
        if (
            p.category is not None
            and not p.category.within("video/surveillance")
            and p.components is not None
            and all(c.category is not None for c in p.components)
            and not any(c.category.within("video/surveillance") for c in p.components if c.category)
        ):
            assert decide(self.PACK, p) is Effect.ALLOW


# --- both: unknowns never allow a denied purchase -----------------------------------------------


# --- undeclared components ----------------------------------------------------------------------

#: A vendor none of these packs' lists names, of an origin no rule reads.
UNLISTED = Vendor(id="ericsson", name="Telefonaktiebolaget LM Ericsson", country="SE")


@pytest.mark.parametrize("name", ["jp-2018", "uk-telecoms"])
@settings(max_examples=60)
@given(data=st.data())
def test_undeclared_parts_of_an_unlisted_vendor_count_as_none(name: str, data: Any) -> None:
    """Issue 9, class 1: for an unlisted vendor, not declaring the parts decides as declaring
    none, whatever else is stated or missing; except where the known facts already put the
    purchase in reach and the parts decide (Japan's bound bodies, which must obtain the
    components' makers; a UK department's security or video system, which may hold cameras)."""
    p = data.draw(pack_purchases(name))
    if name == "jp-2018":
        p = attrs.evolve(p, buyer=attrs.evolve(p.buyer, public=False))
    elif p.category is None or str(p.category).startswith(("security", "video")):
        # A department's system of unknown kind may be a security system: say it is not.
        p = attrs.evolve(p, category="telecom/network/router")
    p = attrs.evolve(p, vendor=UNLISTED, supplier="")
    none = decide(name, attrs.evolve(p, components=()))
    assert decide(name, attrs.evolve(p, components=None)) is none


def _denied_cases() -> list[Any]:
    out = []
    for name in ("jp-2018", "uk-telecoms"):
        with (CONFORMANCE / f"{name}.toml").open("rb") as handle:
            table = tomllib.load(handle)
        out.extend(
            pytest.param(name, case, id=f"{name}:{case['id']}")
            for case in table["case"]
            if case["expect"] == "deny" and case.get("status", "ok") == "ok"
        )
    return out


def _without_one(purchase: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The purchase with one stated thing removed: each fact, the components, the vendor or
    supplier, the category, the date."""
    out = []
    for fact_name in purchase.get("facts", {}):
        facts = {k: v for k, v in purchase["facts"].items() if k != fact_name}
        out.append((f"facts.{fact_name}", {**purchase, "facts": facts}))
    out.extend(
        (key, {k: v for k, v in purchase.items() if k != key})
        for key in ("components", "vendor", "supplier", "category", "date")
        if key in purchase
    )
    return out


@pytest.mark.parametrize(("name", "case"), _denied_cases())
def test_removing_one_stated_fact_never_allows_a_denial(name: str, case: dict[str, Any]) -> None:
    """A denied worked purchase with any one stated fact removed is never allowed or only
    warned: the missing fact makes the decision unknown, which escalates. Parts the pack reads
    as claims are the exception: undeclared, they decide exactly as declared none (the pack's
    stated meaning of their absence)."""
    as_of = dt.date.fromisoformat(case["as_of"]) if "as_of" in case else None
    rules = packs.load(name)
    for removed, data in _without_one(case["purchase"]):
        p = purchase_from_dict(data)
        effect = rules.evaluate(p, as_of=as_of, registry=REGISTRY).effect
        if removed == "components" and effect < Effect.REVIEW:
            none = purchase_from_dict({**data, "components": []})
            assert rules.evaluate(none, as_of=as_of, registry=REGISTRY).effect is effect
            continue
        assert effect >= Effect.REVIEW, (removed, effect)


# --- the registry facts these packs rely on ------------------------------------------------------


class TestRegistry:
    ON = dt.date(2023, 3, 1)

    @pytest.mark.parametrize(
        ("name", "entity"),
        [
            ("Huawei Technologies (UK) Co. Limited", "huawei-uk"),
            ("HUAWEI TECHNOLOGIES (UK) CO LTD", "huawei-uk"),
            ("ZTEジャパン株式会社", "zte-japan"),
            ("ZTE Japan K.K.", "zte-japan"),
            ("ZTE UK", "zte-uk"),
            ("ZTE (UK) Limited", "zte-uk"),
        ],
    )
    def test_national_subsidiaries_resolve(self, name: str, entity: str) -> None:
        """The national companies the regimes reach are known by their names."""
        assert REGISTRY.match(name).entity == entity

    def test_uk_designation_reaches_the_group(self) -> None:
        """The 2022 notice names the Huawei corporate group: its UK company, the group's other
        companies and its parent carry the designation from the day of the notice, the parent
        by the path through the company it controls."""
        for entity in (
            "huawei-uk",
            "huawei-technologies",
            "huawei-japan",
            "hisilicon",
            "huawei-investment-holding",
        ):
            assert "uk.tsa.designated-vendor" in REGISTRY.designated(entity, self.ON), entity
            assert "uk.tsa.designated-vendor" not in REGISTRY.designated(
                entity, dt.date(2022, 10, 12)
            ), entity
        (path,) = [
            p
            for p in REGISTRY.designations("huawei-investment-holding", self.ON)
            if p.designation == "uk.tsa.designated-vendor"
        ]
        assert "owner of Huawei Technologies Co., Ltd." in path.render()

    @pytest.mark.parametrize(
        "designation",
        [
            "jp.2018.reported-targets",
            "uk.ncsc.high-risk-vendor",
            "uk.dcms.2020-huawei",
            "uk.tsa.designated-vendor",
        ],
    )
    def test_lists_reach_the_parent(self, designation: str) -> None:
        """Each list these packs read names Huawei as a group: Huawei's parent carries it."""
        assert designation in REGISTRY.designated("huawei-investment-holding", self.ON)

    @pytest.mark.parametrize("name", ["jp-2018", "uk-telecoms"])
    def test_parent_decided_as_the_group(self, name: str) -> None:
        """A purchase from Huawei Investment & Holding gets the decision Huawei's own purchase
        gets, in every conformance row that names Huawei."""
        with (CONFORMANCE / f"{name}.toml").open("rb") as handle:
            table = tomllib.load(handle)
        checked = 0
        for case in table["case"]:
            named = case["purchase"].get("vendor", {}).get("id") or case["purchase"].get("supplier")
            if named not in {"huawei-technologies", "Huawei Technologies Co., Ltd."}:
                continue
            if case.get("status"):
                continue
            data = {k: v for k, v in case["purchase"].items() if k != "supplier"}
            data["vendor"] = {"id": "huawei-investment-holding"}
            as_of = dt.date.fromisoformat(case["as_of"]) if "as_of" in case else None
            got = packs.load(name).evaluate(
                purchase_from_dict(data), as_of=as_of, registry=REGISTRY
            )
            assert got.effect is Effect(case["expect"]), case["id"]
            checked += 1
        assert checked

    def test_high_risk_vendors_are_huawei_and_zte(self) -> None:
        """The 2020 policy's high-risk vendors are Huawei and ZTE; the July 2020 decision is
        about Huawei only."""
        for entity in ("huawei-technologies", "zte", "zte-japan", "zte-uk"):
            assert "uk.ncsc.high-risk-vendor" in REGISTRY.designated(entity, self.ON), entity
        assert "uk.dcms.2020-huawei" in REGISTRY.designated("huawei-uk", self.ON)
        assert "uk.dcms.2020-huawei" not in REGISTRY.designated("zte", self.ON)
        assert "uk.ncsc.high-risk-vendor" not in REGISTRY.designated("zte", dt.date(2020, 1, 27))

    def test_japan_reported_targets_reach_the_groups(self) -> None:
        """Japan's reported targets reach Huawei's and ZTE's Japanese companies."""
        for entity in ("huawei-japan", "zte-japan"):
            assert "jp.2018.reported-targets" in REGISTRY.designated(entity, self.ON), entity

    def test_surveillance_reads_the_owner_country(self) -> None:
        """A British subsidiary of a Chinese camera maker is caught through its owner."""
        cn = Vendor(id="cam-cn", country="CN")
        p = Purchase(
            buyer=Buyer(id="ho", public=True, sector="central-government", country="GB"),
            vendor=Vendor(id="cam-uk", country="GB", parent=cn),
            category="video/surveillance/camera",
            date=dt.date(2023, 2, 1),
            components=(),
            facts={"site-sensitivity": "sensitive", "action": "install"},
        )
        assert decide("uk-telecoms", p) is Effect.DENY
        assert decide("uk-telecoms", attrs.evolve(p, vendor=attrs.evolve(cn, country="SE"))) is (
            Effect.ALLOW
        )


def with_listed_buyer(list_id: str, buyer_id: str, name: str, added: dt.date) -> Any:
    """The bundled registry with one buyer entity listed on ``list_id`` from ``added``: what a
    screening that knows the list would build."""
    from vendorpolicy import Entity, Listing, Registry

    listing = Listing(entity=buyer_id, added=added)
    return Registry(
        id="with-buyers",
        version="1",
        entities=[*REGISTRY.entities, Entity(id=buyer_id, name=name, country="GB")],
        relations=REGISTRY.relations,
        lists=[
            attrs.evolve(d, entries=(*d.entries, listing)) if d.id == list_id else d
            for d in REGISTRY.lists
        ],
    )


def recipient_cases() -> list[Any]:
    with (CONFORMANCE / "uk-telecoms.toml").open("rb") as handle:
        table = tomllib.load(handle)
    return [
        pytest.param(c, id=c["id"])
        for c in table["case"]
        if c.get("status", "ok") == "ok"
        and (c["purchase"].get("facts") or {}).get("dvd-recipient") is True
    ]


def huawei_5g(buyer_name: str, date: dt.date, **facts: Any) -> Purchase:
    """A carrier installs Huawei 5G radio equipment at an ordinary site."""
    return purchase_from_dict(
        {
            "buyer": {
                "id": "po-1",
                "name": buyer_name,
                "public": False,
                "sector": "carrier",
                "country": "GB",
            },
            "supplier": "Huawei Technologies Co., Ltd.",
            "category": "telecom/radio",
            "date": date.isoformat(),
            "components": [],
            "facts": {
                "network": "5g",
                "network-function": "ran",
                "action": "install",
                "site-sensitivity": "ordinary",
                "hrv-share-over-35": False,
                **facts,
            },
        }
    )


class TestDirectionRecipients:
    """`uk-telecoms` reads the buyer designation `uk.tsa.dvd-recipient` when the buyer does not
    state `dvd-recipient` (issue 9, class 5: public facts about buyers knowable from the
    registry). The bundled registry declares the list without entries (no readable primary
    list of the 35 recipients); a registry that has them decides as the fact would."""

    PACK = "uk-telecoms"
    LIST = "uk.tsa.dvd-recipient"

    @pytest.mark.parametrize("case", recipient_cases())
    def test_designation_agrees_with_the_fact(self, case: dict[str, Any]) -> None:
        """Each worked purchase of a direction recipient decides the same when the buyer carries
        the designation instead of stating `dvd-recipient`."""
        data = {**case["purchase"], "facts": dict(case["purchase"]["facts"])}
        del data["facts"]["dvd-recipient"]
        designated = purchase_from_dict(data)
        designated = attrs.evolve(
            designated, buyer=attrs.evolve(designated.buyer, designations={self.LIST})
        )
        as_of = dt.date.fromisoformat(case["as_of"]) if "as_of" in case else None
        rules = packs.load(self.PACK)
        stated = rules.evaluate(
            purchase_from_dict(case["purchase"]), as_of=as_of, registry=REGISTRY
        )
        got = rules.evaluate(designated, as_of=as_of, registry=REGISTRY)
        assert got.effect is stated.effect, got.explain()
        assert "facts.dvd-recipient" not in got.missing_facts

    def test_recipient_from_a_registry(self) -> None:
        """A provider a registry lists as a recipient from 13 Oct 2022 is denied new Huawei 5G
        equipment without stating it; before the listing, and for a provider not listed, the
        unstated fact still goes to review."""
        registry = with_listed_buyer(
            self.LIST, "alpha-telecom", "Alpha Telecom plc", dt.date(2022, 10, 13)
        )
        rules = packs.load(self.PACK)
        listed = huawei_5g("Alpha Telecom plc", dt.date(2023, 3, 1))
        assert rules.evaluate(listed, registry=registry).effect is Effect.DENY
        before = huawei_5g("Alpha Telecom plc", dt.date(2022, 10, 12))
        assert rules.evaluate(before, registry=registry).effect is Effect.REVIEW
        other = huawei_5g("Omega Mobile Ltd", dt.date(2023, 3, 1))
        assert rules.evaluate(other, registry=registry).effect is Effect.REVIEW

    def test_statement_is_read_first(self) -> None:
        """A buyer that states whether it received a direction is decided on its statement: a
        name the registry resolves only uncertainly (it resembles a designated company) is
        decided as a name it does not know at all, with no escalation for its designations."""
        rules = packs.load(self.PACK)
        # Buying sanctions-affected Huawei full-fibre equipment: denied to a recipient,
        # only warned (the 2020 transition advice) to a provider that received no direction.
        fibre = {"network": "full-fibre", "network-function": "access", "action": "buy"}
        fibre["sanctions-affected"] = True
        for stated, effect in ((True, Effect.DENY), (False, Effect.WARN)):
            facts = {**fibre, "dvd-recipient": stated}
            similar = huawei_5g("Pacific Networks Telecom Ltd", dt.date(2023, 3, 1), **facts)
            unknown = huawei_5g("Omega Mobile Ltd", dt.date(2023, 3, 1), **facts)
            got = rules.evaluate(similar, registry=REGISTRY)
            assert got.resolutions[0].note, "the buyer's name should resolve uncertainly"
            assert got.effect is rules.evaluate(unknown, registry=REGISTRY).effect, got.explain()
            assert got.effect is effect, got.explain()
            assert "buyer.designations" not in got.missing_facts

    def test_bundled_list_is_empty_and_says_why(self) -> None:
        """The bundled registry declares the list without entries, and says why."""
        designation = REGISTRY.designation_list(self.LIST)
        assert designation.entries == ()
        assert "No entries are recorded" in designation.scope_notes
