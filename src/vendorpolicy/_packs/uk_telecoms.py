"""United Kingdom: the high-risk vendor decisions of 2020, the designated vendor directions of
13 Oct 2022 under the Telecommunications (Security) Act 2021, and the 24 Nov 2022 instruction on
visual surveillance systems. Sources: research notes A6; docs/packs/uk-telecoms.md.
"""

from __future__ import annotations

import datetime as dt

from vendorpolicy._model import Effect
from vendorpolicy._packs._base import Confidence, PackInfo, Source
from vendorpolicy._packs._common import CARRIER, action, action_spec, cite, listed, spec
from vendorpolicy._packs._common import via_owner_only as owner_only
from vendorpolicy._predicates import Predicate, buyer, category, decision_date, fact, vendor
from vendorpolicy._rules import Case, Rule, RuleSet

__all__ = ["INFO", "build"]

NAME = "uk-telecoms"
HRV = "uk.ncsc.high-risk-vendor"
DESIGNATED = "uk.tsa.designated-vendor"

JAN_2020 = Source(
    title="Written Ministerial Statement 'UK Telecommunications' (high-risk vendors)",
    issuer="Department for Digital, Culture, Media and Sport",
    date=dt.date(2020, 1, 28),
    url="https://hansard.parliament.uk/commons/2020-01-28/debates/"
    "eafa356b-51e0-469f-8609-629155932bd5/WrittenStatements",
)
JUL_2020 = Source(
    title="Commons statement on Huawei in 5G (no new purchases after 2020; out of 5G by 2027)",
    issuer="Secretary of State for Digital, Culture, Media and Sport",
    date=dt.date(2020, 7, 14),
    note="Read in reports (WorldECR, BBC, Allen & Overy). The date after which no new Huawei 5G "
    "equipment may be installed (September 2021) is unconfirmed in the sources reached.",
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
    note="Milestones other than those modelled here are unconfirmed; check the direction's annex.",
)
SURVEILLANCE = Source(
    title="Written Ministerial Statement on visual surveillance systems on sensitive central "
    "government sites",
    issuer="Chancellor of the Duchy of Lancaster",
    date=dt.date(2022, 11, 24),
    confidence=Confidence.PARTLY_CONFIRMED,
    note="Quoted in later parliamentary answers. It refers to companies subject to the PRC "
    "National Intelligence Law; the reports seen do not say it names Hikvision or Dahua.",
)

_VIA_OWNER = (
    "the designation reaches this vendor only through an owner; whether it extends to group "
    "companies is not confirmed in the sources"
)
_CHANGES = ("maintain", "renew", "extend")


def _hrv() -> Predicate:
    return CARRIER & listed(HRV)


def _dvd() -> Predicate:
    return CARRIER & fact("dvd-recipient").is_true & listed(DESIGNATED)


def _owner_case(designation: str) -> Case:
    return Case(when=owner_only(designation), effect=Effect.REVIEW, reason=_VIA_OWNER)


def _keep_until(deadline: dt.date) -> Case:
    return Case(
        when=action(*_CHANGES) & decision_date.before(deadline + dt.timedelta(days=1)),
        effect=Effect.WARN,
        reason=f"equipment already in place may stay until {deadline.isoformat()}; plan its "
        "removal",
    )


def build() -> RuleSet:
    """The United Kingdom rule set."""
    sensitive = fact("site-sensitivity").in_({"sensitive", "safety-critical-cni"})
    return RuleSet(
        id=NAME,
        version="2022-11-24",
        title="United Kingdom: high-risk vendors in telecoms networks, and surveillance "
        "equipment on sensitive government sites",
        description="Policy of 2020 (reviewed), designated vendor directions of 13 Oct 2022 "
        "(binding on the 35 providers that received them) and the 24 Nov 2022 instruction to "
        "central government.",
        rules=[
            Rule(
                id="hrv-core-and-sensitive-2020",
                when=_hrv()
                & (fact("network-function").in_({"core"}) | sensitive)
                & action("buy", "install"),
                effect=Effect.REVIEW,
                reason="high-risk vendors are to be excluded from the core, from sensitive "
                "sites and from safety-critical networks in critical national infrastructure "
                "(government policy before the 2021 Act)",
                source=cite(JAN_2020),
                in_force_from=JAN_2020.date,
            ),
            Rule(
                id="hrv-access-cap-2020",
                when=_hrv()
                & fact("network-function").in_({"access"})
                & fact("hrv-share-over-35").is_true,
                effect=Effect.REVIEW,
                reason="high-risk vendors are capped at 35% of the access network (government "
                "policy before the 2021 Act)",
                source=cite(JAN_2020),
                in_force_from=JAN_2020.date,
            ),
            Rule(
                id="no-new-huawei-5g-2021",
                when=_hrv() & fact("network").in_({"5g"}) & action("buy"),
                effect=Effect.REVIEW,
                reason="no new Huawei 5G equipment is to be bought after 31 Dec 2020 (government "
                "policy of 14 Jul 2020, binding only from the 2022 directions)",
                source=cite(JUL_2020),
                in_force_from=dt.date(2021, 1, 1),
            ),
            Rule(
                id="no-huawei-5g-installation-2021",
                when=_hrv() & fact("network").in_({"5g"}) & action("install"),
                effect=Effect.REVIEW,
                reason="no Huawei equipment is to be installed in 5G networks after September "
                "2021 (reported policy; the date is unconfirmed)",
                source=cite(JUL_2020),
                in_force_from=dt.date(2021, 10, 1),
            ),
            Rule(
                id="dvd-5g",
                when=_dvd() & fact("network").in_({"5g"}),
                effect=Effect.DENY,
                cases=[_owner_case(DESIGNATED), _keep_until(dt.date(2027, 12, 31))],
                reason="the designated vendor direction bans installing new Huawei equipment in "
                "5G networks at once and requires all of it out of 5G by the end of 2027",
                source=cite(DVD, TSA, JUL_2020),
                in_force_from=DVD.date,
            ),
            Rule(
                id="dvd-sensitive-sites",
                when=_dvd() & fact("site-sensitivity").in_({"sensitive"}),
                effect=Effect.DENY,
                cases=[_owner_case(DESIGNATED), _keep_until(dt.date(2023, 1, 28))],
                reason="Huawei equipment must be removed from sites significant to national "
                "security by 28 Jan 2023",
                source=cite(DVD, TSA),
                in_force_from=DVD.date,
            ),
            Rule(
                id="dvd-core",
                when=_dvd() & fact("network-function").in_({"core"}),
                effect=Effect.DENY,
                cases=[_owner_case(DESIGNATED), _keep_until(dt.date(2023, 12, 31))],
                reason="Huawei equipment must be removed from the network core by 31 Dec 2023",
                source=cite(DVD, TSA),
                in_force_from=DVD.date,
            ),
            Rule(
                id="dvd-full-fibre-cap",
                when=_dvd()
                & fact("network").in_({"full-fibre"})
                & fact("network-function").in_({"access"})
                & fact("hrv-share-over-35").is_true,
                effect=Effect.DENY,
                cases=[
                    _owner_case(DESIGNATED),
                    Case(
                        when=decision_date.before("2023-11-01"),
                        effect=Effect.WARN,
                        reason="the 35% cap on full-fibre access applies from 31 Oct 2023",
                    ),
                ],
                reason="Huawei equipment may make up at most 35% of the full-fibre access "
                "network from 31 Oct 2023",
                source=cite(DVD, TSA),
                in_force_from=DVD.date,
            ),
            Rule(
                id="dvd-full-fibre-sanctions",
                when=_dvd()
                & fact("network").in_({"full-fibre"})
                & fact("sanctions-affected").is_true,
                effect=Effect.DENY,
                cases=[_owner_case(DESIGNATED)],
                reason="no Huawei equipment affected by the US sanctions may be used in "
                "full-fibre networks, with immediate effect",
                source=cite(DVD, TSA),
                in_force_from=DVD.date,
            ),
            Rule(
                id="government-surveillance-sensitive-sites",
                when=buyer.is_public
                & buyer.sector.in_({"central-government", "defence"})
                & category.within("video/surveillance")
                & vendor.origin.in_({"CN"}, through_ownership=True)
                & fact("site-sensitivity").in_({"sensitive"})
                & action("buy", "install"),
                effect=Effect.DENY,
                reason="central government departments are not to deploy visual surveillance "
                "equipment made by companies subject to the PRC National Intelligence Law on "
                "sensitive sites (the pack reads such companies as those of Chinese origin, "
                "directly or through an owner)",
                source=cite(SURVEILLANCE),
                in_force_from=SURVEILLANCE.date,
            ),
        ],
    )


INFO = PackInfo(
    name=NAME,
    title="United Kingdom: high-risk vendors (2020), designated vendor directions (2022) and "
    "government surveillance equipment (2022)",
    jurisdiction="GB",
    binds="public telecoms providers (the 2022 directions bind the 35 providers that received "
    "them); central government departments for surveillance equipment on sensitive sites",
    force="policy in 2020-2022 (the pack reviews), law from the 13 Oct 2022 directions (the "
    "pack denies); the surveillance instruction binds departments",
    summary="Huawei out of the core and sensitive sites, capped at 35% of access networks, no "
    "new 5G equipment and out of 5G by the end of 2027; no PRC-law surveillance equipment on "
    "sensitive government sites.",
    sources=(JAN_2020, JUL_2020, TSA, DVD, SURVEILLANCE),
    facts=(
        action_spec("buy", "install", "renew", "extend", "maintain"),
        spec(
            "network",
            ["5g", "4g-or-earlier", "full-fibre", "other"],
            "the network the equipment is for",
        ),
        spec(
            "network-function",
            ["core", "access", "ran", "transmission", "o-and-m", "other"],
            "the part of the network the equipment is for",
        ),
        spec(
            "site-sensitivity",
            ["sensitive", "safety-critical-cni", "ordinary"],
            "where the equipment goes: `sensitive` (sites significant to national security, "
            "such as nuclear sites and military bases), `safety-critical-cni` (safety-related "
            "and safety-critical networks in critical national infrastructure), `ordinary`",
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
