"""United Kingdom: the high-risk vendor decisions of 2020, the designated vendor directions of
13 Oct 2022 under the Telecommunications (Security) Act 2021, and the 24 Nov 2022 instruction on
visual surveillance systems. Sources: research notes A6; docs/packs/uk-telecoms.md.

Escalation (issue 9, defect class 1): an unknown fact escalates only where the known facts
already put the purchase in a rule's reach.

- The telecoms rules read only network equipment (``NETWORK_KIT``) bought by a carrier, or by a
  CNI operator for a safety-critical network, from a listed vendor, or whose declared
  components include one. Components that are not declared count as none from an unlisted
  vendor: nothing known puts a listed vendor's equipment in the purchase.
- The share of the access network and US-sanctions facts are read only for a listed vendor.
- The surveillance rules read only a department's surveillance equipment, or a system whose
  declared components include surveillance equipment. Undeclared components are unknown only
  for a security system (``security``, ``video``), which may hold cameras; for other
  equipment (a router, say) they count as none.
"""

from __future__ import annotations

import datetime as dt

from vendorpolicy._model import Effect
from vendorpolicy._packs._base import Confidence, PackInfo, Reach, Source
from vendorpolicy._packs._common import (
    CARRIER,
    action,
    action_spec,
    cite,
    confined,
    domestic,
    listed,
    listed_or_inside,
    spec,
)
from vendorpolicy._predicates import (
    Predicate,
    buyer,
    category,
    components,
    decision_date,
    fact,
    vendor,
)
from vendorpolicy._rules import Case, Rule, RuleSet

__all__ = ["INFO", "build"]

NAME = "uk-telecoms"
HRV = "uk.ncsc.high-risk-vendor"
ZTE_2018 = "uk.ncsc.2018-zte"
HUAWEI_2020 = "uk.dcms.2020-huawei"
DESIGNATED = "uk.tsa.designated-vendor"
#: The buyers that received a designated vendor direction: a list of buyer entities that a
#: screening's own registry may hold (the bundled registry does not name the 35 recipients: no
#: readable primary list was found, see the pack page's limits).
RECIPIENTS = "uk.tsa.dvd-recipient"
#: The buyer received a direction: it says so, or, when it does not say, the registry designates
#: it. A buyer's statement is read first, so a registry whose resolution of the buyer is
#: uncertain adds no escalation that the unstated fact does not already make.
RECIPIENT = fact("dvd-recipient").is_true | (
    ~fact("dvd-recipient").in_({True, False}, if_missing=False) & buyer.designated({RECIPIENTS})
)

NCSC_ZTE_2018 = Source(
    title="NCSC statement and letter to the UK telecoms sector on ZTE (the national security "
    "risks of using ZTE equipment or services in UK telecommunications infrastructure cannot be "
    "mitigated)",
    issuer="National Cyber Security Centre",
    date=dt.date(2018, 4, 16),
    url="https://www.reuters.com/article/us-usa-china-zte-britain/"
    "uks-ncsc-says-national-security-risk-from-equipment-from-chinas-zte-cannot-be-mitigated-"
    "idUSKBN1HN1ZY",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="The statement as Reuters quoted it on 16 Apr 2018; the letter (to UK telecoms "
    "companies, Ofcom and ZTE) as the Financial Times reported it, in The Inquirer and Silicon "
    "UK. Technical advice, not a decision or law; no withdrawal of it was found. Read as a "
    "warning on new ZTE network equipment and services, as the pack warns on other advice.",
)
JAN_2020 = Source(
    title="Written Ministerial Statement 'UK Telecommunications' (high-risk vendors)",
    issuer="Department for Digital, Culture, Media and Sport",
    date=dt.date(2020, 1, 28),
    url="https://hansard.parliament.uk/commons/2020-01-28/debates/"
    "eafa356b-51e0-469f-8609-629155932bd5/WrittenStatements",
)
NCSC_2020 = Source(
    title="NCSC advice on the use of equipment from high-risk vendors in UK telecoms networks "
    "(excluded from safety-related and safety-critical networks in critical national "
    "infrastructure, from the core and from sensitive sites; at most 35% of the access network)",
    issuer="National Cyber Security Centre",
    date=dt.date(2020, 1, 28),
    url="https://www.ncsc.gov.uk/guidance/"
    "ncsc-advice-on-the-use-of-equipment-from-high-risk-vendors-in-uk-telecoms-networks",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="Read in the government's summary as reported (Security Buyer, January 2020); the NCSC "
    "page itself was not read.",
)
JUL_2020 = Source(
    title="Commons statement on Huawei in 5G (no new purchases after 2020; out of 5G by 2027; "
    "full-fibre operators advised to transition away from new Huawei equipment)",
    issuer="Secretary of State for Digital, Culture, Media and Sport",
    date=dt.date(2020, 7, 14),
    url="https://www.theyworkforyou.com/debates/?id=2020-07-14c.1375.0",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="The statement's opening was read; its terms are as reported by Baker McKenzie, "
    "Freshfields and ANI (which quotes 'Huawei and ZTE were deemed to be high-risk'). The "
    "full-fibre transition was to be set by a technical consultation, expected to last no more "
    "than two years.",
)
NOV_2020 = Source(
    title="DCMS announcement of the Huawei removal timetable (no Huawei equipment installed in "
    "5G networks after September 2021)",
    issuer="Department for Digital, Culture, Media and Sport",
    date=dt.date(2020, 11, 30),
    confidence=Confidence.PARTLY_CONFIRMED,
    note="Read in reports (EUobserver and The Guardian, 30 Nov 2020), made with the Second "
    "Reading of the Telecommunications (Security) Bill.",
)
TSA = Source(
    title="Telecommunications (Security) Act 2021, c. 31 (ss.105Z1 and 105Z8 of the "
    "Communications Act 2003)",
    issuer="UK Parliament",
    date=dt.date(2021, 11, 17),
    url="https://www.legislation.gov.uk/ukpga/2021/31",
)
DVD = Source(
    title="Designation notice and designated vendor directions for Huawei: government response "
    "(directions to 35 public telecoms providers)",
    issuer="Department for Digital, Culture, Media and Sport",
    date=dt.date(2022, 10, 13),
    url="https://www.gov.uk/government/publications/"
    "targeted-consultations-on-proposed-designated-vendor-direction-and-designation-notice/"
    "proposals-to-issue-a-designation-notice-and-designated-vendor-direction-for-huawei-"
    "government-response-to-consultation",
    note="Milestones as listed by DCMS and TeleGeography (14 Oct 2022). Others proposed in the "
    "consultation (5G access at 35%, high data rate transmission by 2025) are not modelled: "
    "check the direction's annex.",
)
NOTICE = Source(
    title="Draft designation notice under s.105Z8 (designating Huawei Technologies (UK) Co. "
    "Limited and its affiliated companies in the annex, 'the Huawei corporate group')",
    issuer="Department for Digital, Culture, Media and Sport",
    date=dt.date(2022, 2, 18),
    url="https://docslib.org/doc/2736959/huawei-draft-designation-notice",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="The consultation draft; the notice issued on 13 Oct 2022 and its annex were not read.",
)
SURVEILLANCE = Source(
    title="Written Ministerial Statement on visual surveillance systems on sensitive central "
    "government sites",
    issuer="Chancellor of the Duchy of Lancaster",
    date=dt.date(2022, 11, 24),
    confidence=Confidence.PARTLY_CONFIRMED,
    note="Quoted in later parliamentary answers (HL9192, 24 Jul 2023; 9 Apr 2024): departments "
    "ceased deploying such equipment on sensitive sites, were to consider removing it rather "
    "than awaiting upgrades, and to disconnect it from core networks; local authorities are "
    "under no obligation. It refers to companies subject to the PRC National Intelligence Law; "
    "the reports seen do not say it names Hikvision or Dahua. Its advice for sites outside the "
    "definition is known from summaries only.",
)

_CHANGES = ("maintain", "renew", "extend")
_FUNCTIONS = ("core", "access", "ran", "transmission", "o-and-m")
#: Network equipment: telecom equipment and IT systems (servers, storage, software, hosting),
#: other than user devices (`telecom/endpoint`, `it/endpoint`), or any other equipment stated to
#: serve a network function. The directions control a provider's use of Huawei goods, services
#: and facilities, and a virtualised core runs on servers or in hosting, so a listed vendor's IT
#: system bought by a carrier is in reach, and what it serves, unstated, escalates; an unlisted
#: vendor's is not in reach.
NETWORK_KIT = (
    category.within("telecom", "it") & ~category.within("telecom/endpoint", "it/endpoint")
) | fact("network-function").in_(set(_FUNCTIONS), if_missing=False)
CNI = buyer.sector.in_({"critical-infrastructure"})
SURVEILLANCE_KIT = category.within("video/surveillance")
#: Parts of surveillance equipment (video chips, sensors): a Chinese part in another maker's
#: camera does not make the camera equipment "produced by" a Chinese company in terms.
SURVEILLANCE_PARTS = "video/surveillance/component"
#: Systems that may hold surveillance cameras among their parts: physical security and video.
SECURITY_SYSTEMS = category.within("security", "video")
DEPARTMENT = buyer.is_public & buyer.sector.in_({"central-government", "defence"})


def _in_system(designation: str) -> Predicate:
    """The vendor, or a declared component's maker, carries ``designation`` (or its owner does);
    undeclared components count as none."""
    return listed_or_inside(designation)


def _dvd() -> Predicate:
    return CARRIER & RECIPIENT & NETWORK_KIT & _in_system(DESIGNATED)


def _keep_until(deadline: dt.date) -> Case:
    return Case(
        when=action(*_CHANGES) & decision_date.before(deadline + dt.timedelta(days=1)),
        effect=Effect.WARN,
        reason=f"equipment already in place may stay until {deadline.isoformat()}; plan its "
        "removal",
    )


def _chinese_cameras() -> Predicate:
    """Surveillance equipment of Chinese origin (directly or through an owner), bought as such
    or as a declared component of a system."""
    chinese = vendor.origin.in_({"CN"}, through_ownership=True)
    inside = SURVEILLANCE_KIT & chinese
    return (
        inside
        | (SECURITY_SYSTEMS & components.any(inside))
        | components.any(inside, if_undeclared=False)
    )


def _chinese_equipment() -> Predicate:
    """Surveillance equipment produced by a company of Chinese origin: the purchase itself, or
    a declared component that is itself surveillance equipment (a camera in a building system),
    not only a part of it (a video chip in another maker's camera)."""
    chinese = vendor.origin.in_({"CN"}, through_ownership=True)
    whole = SURVEILLANCE_KIT & ~category.within(SURVEILLANCE_PARTS) & chinese
    return (SURVEILLANCE_KIT & chinese) | components.any(whole, if_undeclared=False)


#: The buyer is in the UK (issue 9, scope 5): every rule reads it, so a buyer stated abroad
#: is outside the pack, and one whose country is not stated counts as British.
IN_UK = domestic({"GB"})


def build() -> RuleSet:
    """The United Kingdom rule set."""
    sensitive = fact("site-sensitivity").in_({"sensitive"})
    hrv_places = (
        CARRIER
        & NETWORK_KIT
        & (
            fact("network-function").in_({"core"})
            | fact("site-sensitivity").in_({"sensitive", "safety-critical-cni"})
        )
    ) | (CNI & NETWORK_KIT & fact("site-sensitivity").in_({"safety-critical-cni"}))
    huawei_5g = CARRIER & NETWORK_KIT & fact("network").in_({"5g"}) & _in_system(HUAWEI_2020)
    rule_set = RuleSet(
        id=NAME,
        version="2026-12-04",
        title="United Kingdom: high-risk vendors in telecoms networks, and surveillance "
        "equipment on sensitive government sites",
        description="Policy of 2020 (reviewed), designated vendor directions of 13 Oct 2022 "
        "(binding on the 35 providers that received them) and the 24 Nov 2022 instruction to "
        "central government.",
        rules=[
            Rule(
                id="ncsc-zte-advice-2018",
                when=CARRIER & NETWORK_KIT & _in_system(ZTE_2018) & action("buy", "install"),
                effect=Effect.WARN,
                reason="the NCSC advised the UK telecoms sector that the national security "
                "risks of using ZTE equipment or services in UK telecommunications "
                "infrastructure cannot be mitigated (advice, not a ban)",
                source=cite(NCSC_ZTE_2018),
                in_force_from=NCSC_ZTE_2018.date,
            ),
            Rule(
                id="hrv-core-and-sensitive-2020",
                when=hrv_places & _in_system(HRV) & action("buy", "install"),
                effect=Effect.REVIEW,
                reason="high-risk vendors are to be excluded from the core, from sensitive "
                "sites and from safety-related and safety-critical networks in critical "
                "national infrastructure (government policy before the 2021 Act)",
                source=cite(JAN_2020, NCSC_2020, JUL_2020),
                in_force_from=JAN_2020.date,
            ),
            Rule(
                id="hrv-access-cap-2020",
                when=CARRIER
                & NETWORK_KIT
                & listed(HRV)
                & fact("network-function").in_({"access", "ran"})
                & fact("hrv-share-over-35").is_true,
                effect=Effect.REVIEW,
                reason="high-risk vendors are capped at 35% of the access network (government "
                "policy before the 2021 Act)",
                source=cite(JAN_2020, NCSC_2020),
                in_force_from=JAN_2020.date,
            ),
            Rule(
                id="full-fibre-transition-2020",
                when=CARRIER
                & NETWORK_KIT
                & fact("network").in_({"full-fibre"})
                & _in_system(HUAWEI_2020)
                & action("buy"),
                effect=Effect.WARN,
                reason="full-fibre operators are advised to transition away from buying new "
                "Huawei equipment, over a period of about two years (advice, not a ban)",
                source=cite(JUL_2020),
                in_force_from=JUL_2020.date,
            ),
            Rule(
                id="no-new-huawei-5g-2021",
                when=huawei_5g & action("buy"),
                effect=Effect.REVIEW,
                reason="no new Huawei 5G equipment is to be bought after 31 Dec 2020 (government "
                "policy of 14 Jul 2020, binding only from the 2022 directions)",
                source=cite(JUL_2020),
                in_force_from=dt.date(2021, 1, 1),
            ),
            Rule(
                id="no-huawei-5g-installation-2021",
                when=huawei_5g & action("install"),
                effect=Effect.REVIEW,
                reason="no Huawei equipment is to be installed in 5G networks after September "
                "2021 (government policy of 30 Nov 2020, binding only from the 2022 directions)",
                source=cite(NOV_2020),
                in_force_from=dt.date(2021, 10, 1),
            ),
            Rule(
                id="dvd-5g",
                when=_dvd() & fact("network").in_({"5g"}),
                effect=Effect.DENY,
                cases=[_keep_until(dt.date(2027, 12, 31))],
                reason="the designated vendor direction bans installing new Huawei equipment in "
                "5G networks at once and requires all of it out of 5G by the end of 2027",
                source=cite(DVD, NOTICE, TSA, JUL_2020),
                in_force_from=DVD.date,
            ),
            Rule(
                id="dvd-sensitive-sites",
                when=_dvd() & sensitive,
                effect=Effect.DENY,
                cases=[_keep_until(dt.date(2023, 1, 28))],
                reason="Huawei equipment must be removed from sites significant to national "
                "security by 28 Jan 2023",
                source=cite(DVD, NOTICE, TSA),
                in_force_from=DVD.date,
            ),
            Rule(
                id="dvd-core",
                when=_dvd() & fact("network-function").in_({"core"}),
                effect=Effect.DENY,
                cases=[_keep_until(dt.date(2023, 12, 31))],
                reason="Huawei equipment must be removed from the network core by 31 Dec 2023",
                source=cite(DVD, NOTICE, TSA),
                in_force_from=DVD.date,
            ),
            Rule(
                id="dvd-full-fibre-cap",
                when=CARRIER
                & RECIPIENT
                & NETWORK_KIT
                & listed(DESIGNATED)
                & fact("network").in_({"full-fibre"})
                & fact("network-function").in_({"access"})
                & fact("hrv-share-over-35").is_true,
                effect=Effect.DENY,
                cases=[
                    Case(
                        when=decision_date.before("2023-11-01"),
                        effect=Effect.WARN,
                        reason="the 35% cap on full-fibre access applies from 31 Oct 2023",
                    ),
                ],
                reason="Huawei equipment may make up at most 35% of the full-fibre access "
                "network from 31 Oct 2023",
                source=cite(DVD, NOTICE, TSA),
                in_force_from=DVD.date,
            ),
            Rule(
                id="dvd-full-fibre-sanctions",
                when=CARRIER
                & RECIPIENT
                & NETWORK_KIT
                & listed(DESIGNATED)
                & fact("network").in_({"full-fibre"})
                & fact("sanctions-affected").is_true
                & action("buy", "install"),
                effect=Effect.DENY,
                reason="no Huawei equipment affected by the US sanctions may be installed in "
                "full-fibre networks, with immediate effect",
                source=cite(DVD, NOTICE, TSA),
                in_force_from=DVD.date,
            ),
            Rule(
                id="government-surveillance-sensitive-sites",
                when=DEPARTMENT & _chinese_cameras() & sensitive & action("buy", "install"),
                effect=Effect.DENY,
                cases=[
                    Case(
                        when=~_chinese_equipment(),
                        effect=Effect.REVIEW,
                        reason="only a part of the equipment (a video chip or sensor) is made by "
                        "a company of Chinese origin; whether that makes the equipment produced "
                        "by such a company is a judgement the instruction does not settle",
                    ),
                ],
                reason="central government departments are not to deploy visual surveillance "
                "equipment made by companies subject to the PRC National Intelligence Law on "
                "sensitive sites (the pack reads such companies as those of Chinese origin, "
                "directly or through an owner)",
                source=cite(SURVEILLANCE),
                in_force_from=SURVEILLANCE.date,
            ),
            Rule(
                id="government-surveillance-other-sites",
                when=DEPARTMENT
                & _chinese_cameras()
                & (
                    (fact("site-sensitivity").in_({"ordinary"}) & action("buy", "install"))
                    | (sensitive & action(*_CHANGES))
                ),
                effect=Effect.WARN,
                reason="departments are advised to consider the same controls on other sites, "
                "and removing such equipment from sensitive sites rather than awaiting "
                "scheduled upgrades (advice)",
                source=cite(SURVEILLANCE),
                in_force_from=SURVEILLANCE.date,
            ),
        ],
    )
    return confined(IN_UK, rule_set)


INFO = PackInfo(
    name=NAME,
    title="United Kingdom: high-risk vendors (2020), designated vendor directions (2022) and "
    "government surveillance equipment (2022)",
    jurisdiction="GB",
    binds="public telecoms providers (the 2022 directions bind the 35 providers that received "
    "them); operators of critical national infrastructure for their safety-critical networks "
    "(2020 policy); central government departments for surveillance equipment",
    force="policy in 2020-2022 (the pack reviews, and warns on advice), law from the 13 Oct "
    "2022 directions (the pack denies); the surveillance instruction binds departments",
    summary="Huawei out of the core and sensitive sites, capped at 35% of access networks, no "
    "new 5G equipment and out of 5G by the end of 2027; high-risk vendors out of CNI safety "
    "networks; no PRC-law surveillance equipment on sensitive government sites; the NCSC's "
    "2018 advice against new ZTE equipment.",
    reach=(
        Reach(
            summary="public telecoms providers",
            countries={"GB"},
            sectors={"carrier"},
            source=cite(JAN_2020, TSA, DVD),
        ),
        Reach(
            summary="operators of critical national infrastructure, for their "
            "safety-critical networks (January 2020 policy)",
            countries={"GB"},
            sectors={"critical-infrastructure"},
            source=cite(JAN_2020, NCSC_2020),
        ),
        Reach(
            summary="central government departments, for surveillance equipment",
            countries={"GB"},
            public=True,
            sectors={"central-government", "defence"},
            source=cite(SURVEILLANCE),
        ),
    ),
    sources=(JAN_2020, NCSC_2020, JUL_2020, NOV_2020, TSA, DVD, NOTICE, SURVEILLANCE),
    facts=(
        action_spec("buy", "install", "renew", "extend", "maintain"),
        spec(
            "network",
            ["5g", "4g-or-earlier", "full-fibre", "other"],
            "the network the equipment is for",
        ),
        spec(
            "network-function",
            [*_FUNCTIONS, "other"],
            "the part of the network the equipment is for",
        ),
        spec(
            "site-sensitivity",
            ["sensitive", "safety-critical-cni", "ordinary"],
            "where the equipment goes: `sensitive` (sites significant to national security, "
            "such as nuclear sites and military bases, or a government site the Cabinet Office "
            "defines as sensitive), `safety-critical-cni` (safety-related and safety-critical "
            "networks in critical national infrastructure, such as a railway's GSM-R), "
            "`ordinary`",
        ),
        spec(
            "hrv-share-over-35",
            [True, False],
            "with this purchase, high-risk vendors make up more than 35% of the access network",
        ),
        spec(
            "dvd-recipient",
            [True, False],
            "the buyer is one of the 35 providers that received a designated vendor direction",
        ),
        spec(
            "sanctions-affected",
            [True, False],
            "the Huawei equipment is affected by the US sanctions (export controls) of 2020",
        ),
    ),
)
