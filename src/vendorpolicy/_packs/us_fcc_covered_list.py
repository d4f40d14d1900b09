"""The FCC Covered List as a rule pack: the subsidy bar of 47 CFR 54.10 and the equipment
authorisation bar of FCC 22-84. Sources: research notes A3; docs/packs/us-fcc-covered-list.md.
"""

from __future__ import annotations

import datetime as dt

from vendorpolicy._model import Effect
from vendorpolicy._packs._base import Confidence, FactLocation, PackInfo, Source
from vendorpolicy._packs._common import cite, listed, spec
from vendorpolicy._predicates import (
    Predicate,
    any_of,
    category,
    components,
    decision_date,
    fact,
    purchase,
    vendor,
)
from vendorpolicy._rules import Case, Rule, RuleSet

__all__ = ["INFO", "build"]

NAME = "us-fcc-covered-list"
DESIGNATION = "us.fcc.covered-list"

LIST = Source(
    title="FCC Covered List (Secure and Trusted Communications Networks Act of 2019, "
    "47 U.S.C. 1601-1609; 47 CFR 1.50002)",
    issuer="FCC Public Safety and Homeland Security Bureau",
    url="https://www.fcc.gov/supplychain/coveredlist",
    note="Read in the Nebraska Broadband Office reproduction of the list.",
)
INITIAL = Source(
    title="Public Notice DA 21-309, WC Docket 18-89 (initial Covered List)",
    issuer="FCC Public Safety and Homeland Security Bureau",
    date=dt.date(2021, 3, 12),
    url="https://www.fcc.gov/supplychain/coveredlist",
)
MARCH_2022 = Source(
    title="Public Notice adding AO Kaspersky Lab, China Mobile International USA Inc. and "
    "China Telecom (Americas) Corp.",
    issuer="FCC Public Safety and Homeland Security Bureau",
    date=dt.date(2022, 3, 25),
    url="https://www.fcc.gov/supplychain/coveredlist",
)
SEPTEMBER_2022 = Source(
    title="Public Notice adding Pacific Network Corp., ComNet (USA) LLC and China Unicom "
    "(Americas) Operations Limited",
    issuer="FCC Public Safety and Homeland Security Bureau",
    date=dt.date(2022, 9, 20),
    url="https://www.fcc.gov/supplychain/coveredlist",
)
UAS = Source(
    title="Public Notice DA 25-1086 (foreign-produced UAS and UAS critical components; "
    "equipment and services named in FY2025 NDAA §1709(a)(1): DJI and Autel)",
    issuer="FCC Public Safety and Homeland Security Bureau",
    date=dt.date(2025, 12, 22),
    url="https://www.hklaw.com/en/insights/publications/2025/12/fcc-adds-all-foreign-made-drones",
    note="The URL is a law-firm summary (Holland & Knight, 2025-12-23); the notice followed a "
    "National Security Determination of 2025-12-21.",
)
UAS_EXEMPTIONS = Source(
    title="Public Notice DA 26-22 (exemptions from the UAS entry)",
    issuer="FCC Public Safety and Homeland Security Bureau",
    date=dt.date(2026, 1, 7),
    url="https://amablog.modelaircraft.org/amagov/2026/01/08/fcc-decision-update-da-26-22",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="Exempts, for example, items on the Blue UAS Cleared List and some Buy American "
    "domestic end products, reportedly until January 2027 (end date not confirmed, so not "
    "modelled).",
)
SUBSIDIES = Source(
    title="47 CFR 54.10 (no FCC-administered capital subsidy for covered equipment or services "
    "from 60 days after listing), 86 FR 2946",
    issuer="Federal Communications Commission",
    date=dt.date(2021, 1, 13),
    url="https://www.ecfr.gov/current/title-47/section-54.10",
    note="A bar on using subsidies from 60 days after listing, not a removal deadline.",
)
AUTHORISATIONS = Source(
    title="FCC 22-84, Report and Order (equipment authorisation of covered equipment), "
    "88 FR 7592, effective 2023-02-06",
    issuer="Federal Communications Commission",
    date=dt.date(2022, 11, 25),
    url="https://www.govinfo.gov/content/pkg/FR-2023-02-06/html/2022-28263.htm",
)

_SUBSIDY_DELAY = dt.timedelta(days=60)
_AUTHORISATION_BAR = dt.date(2023, 2, 6)
_PURPOSES = frozenset(
    {
        "public-safety",
        "government-facility-security",
        "critical-infrastructure-surveillance",
        "national-security",
    }
)


def _entry(ids: set[str], *, subsidiaries: bool = True) -> Predicate:
    return listed(DESIGNATION) & vendor.id.in_(ids, through_ownership=subsidiaries)


def _march_2021() -> Predicate:
    huawei_zte = _entry({"huawei-technologies", "zte"}) & category.within("telecom")
    purpose_limited = (
        _entry({"hytera", "hikvision", "dahua"})
        & category.within("telecom", "video/surveillance")
        & purchase.purpose.in_(_PURPOSES)
    )
    return huawei_zte | purpose_limited


def _march_2022() -> Predicate:
    kaspersky = _entry({"kaspersky-lab"}) & category.within("it/security")
    carriers = _entry(
        {"china-mobile-international-usa", "china-telecom-americas"}, subsidiaries=False
    ) & category.within("telecom/service")
    return kaspersky | carriers


def _september_2022() -> Predicate:
    return _entry(
        {"pacific-network", "comnet-usa", "china-unicom-americas"}, subsidiaries=False
    ) & category.within("telecom/service")


def _december_2025() -> Predicate:
    return _entry({"dji", "autel-robotics"}) & category.within(
        "uas", "telecom", "video/surveillance"
    )


def _foreign_uas() -> Predicate:
    return category.within("uas") & fact("uas-produced-abroad").is_true


_KNOWN = {
    "huawei-technologies",
    "zte",
    "hytera",
    "hikvision",
    "dahua",
    "kaspersky-lab",
    "china-mobile-international-usa",
    "china-telecom-americas",
    "pacific-network",
    "comnet-usa",
    "china-unicom-americas",
    "dji",
    "autel-robotics",
}

_SUBSIDY = fact("funding").in_({"fcc-subsidy"})
_PARTS_ONLY_REASON = (
    "only a declared part is covered: whether a system containing covered parts is itself "
    "covered equipment is a judgement"
)


def _subsidy_rule(rule_id: str, covered: Predicate, listed_on: Source, what: str) -> Rule:
    assert listed_on.date is not None
    start = listed_on.date + _SUBSIDY_DELAY
    return Rule(
        id=rule_id,
        when=_SUBSIDY & (covered | components.any(covered)),
        effect=Effect.DENY,
        cases=[Case(when=~covered, effect=Effect.REVIEW, reason=_PARTS_ONLY_REASON)],
        reason=f"FCC-administered capital subsidies may not buy, obtain or maintain {what}, "
        f"placed on the Covered List on {listed_on.date.isoformat()}, from 60 days after "
        f"listing ({start.isoformat()})",
        source=cite(SUBSIDIES, listed_on),
        in_force_from=start,
    )


def build() -> RuleSet:
    """The Covered List rule set."""
    return RuleSet(
        id=NAME,
        version="2026-01-07",
        title="FCC Covered List: subsidies and equipment authorisations",
        description="FCC-administered capital subsidies may not buy or maintain covered "
        "equipment or services from 60 days after listing (47 CFR 54.10); covered equipment "
        "cannot get new equipment authorisations from 2023-02-06 (FCC 22-84).",
        rules=[
            _subsidy_rule(
                "subsidy-2021-03",
                _march_2021(),
                INITIAL,
                "Huawei and ZTE telecommunications equipment, or Hytera, Hikvision and Dahua "
                "equipment for the listed security purposes",
            ),
            _subsidy_rule(
                "subsidy-2022-03",
                _march_2022(),
                MARCH_2022,
                "Kaspersky information security products or China Mobile International USA and "
                "China Telecom (Americas) telecommunications services",
            ),
            _subsidy_rule(
                "subsidy-2022-09",
                _september_2022(),
                SEPTEMBER_2022,
                "Pacific Network/ComNet and China Unicom (Americas) telecommunications services",
            ),
            _subsidy_rule(
                "subsidy-2025-12-dji-autel",
                _december_2025(),
                UAS,
                "DJI and Autel communications and video surveillance equipment and services",
            ),
            Rule(
                id="subsidy-2025-12-foreign-uas",
                when=_SUBSIDY & _foreign_uas(),
                unless=fact("exception-claimed").in_(
                    {"blue-uas-cleared", "domestic-end-product"}, if_missing=False
                )
                & decision_date.on_or_after("2026-01-07"),
                effect=Effect.DENY,
                reason="uncrewed aircraft systems and critical components produced in a foreign "
                "country are on the Covered List (2025-12-22), so FCC-administered capital "
                "subsidies may not buy them from 60 days after listing; DA 26-22 exempted some",
                source=cite(SUBSIDIES, UAS, UAS_EXEMPTIONS),
                in_force_from=UAS.date + _SUBSIDY_DELAY if UAS.date else None,
            ),
            Rule(
                id="no-new-authorisations",
                when=any_of(
                    _march_2021(),
                    _march_2022(),
                    _september_2022(),
                    (_december_2025() | _foreign_uas()) & decision_date.on_or_after("2025-12-22"),
                ),
                effect=Effect.WARN,
                reason="covered equipment cannot receive new FCC equipment authorisations from "
                "2023-02-06 (and from listing for later entries): check that the model was "
                "authorised before then; FCC 25-71 can also stop imports under existing "
                "authorisations",
                source=cite(AUTHORISATIONS, LIST),
                in_force_from=_AUTHORISATION_BAR,
            ),
            Rule(
                id="unrecognised-entry",
                when=listed(DESIGNATION) & ~vendor.id.in_(_KNOWN, through_ownership=True),
                effect=Effect.REVIEW,
                reason="the vendor is on the Covered List through an entry this pack does not "
                "know: check which equipment or services the entry covers and when it was listed",
                source=cite(LIST),
            ),
        ],
    )


INFO = PackInfo(
    name=NAME,
    title="US FCC Covered List (47 CFR 54.10, FCC 22-84)",
    jurisdiction="US",
    binds="recipients of FCC-administered capital subsidies such as the Universal Service Fund "
    "(subsidy bar); for everyone else the pack only warns about the equipment authorisation bar",
    force="law: FCC rules; the subsidy bar denies, the authorisation bar warns buyers",
    summary="Entries of 12 Mar 2021 (Huawei, ZTE; Hytera, Hikvision, Dahua for security "
    "purposes), 25 Mar 2022 (Kaspersky; China Mobile International USA; China Telecom "
    "Americas), 20 Sep 2022 (Pacific Network/ComNet; China Unicom Americas) and 22 Dec 2025 "
    "(foreign-produced drones and their critical components; DJI and Autel).",
    sources=(
        LIST,
        INITIAL,
        MARCH_2022,
        SEPTEMBER_2022,
        UAS,
        UAS_EXEMPTIONS,
        SUBSIDIES,
        AUTHORISATIONS,
    ),
    facts=(
        spec(
            "funding",
            ["fcc-subsidy", "own-budget", "other"],
            "where the money comes from; `fcc-subsidy` is an FCC-administered federal capital "
            "subsidy such as the Universal Service Fund",
        ),
        spec(
            "purpose",
            sorted(_PURPOSES),
            "what the equipment is used for; Hytera, Hikvision and Dahua equipment is listed "
            "only for these purposes, and any other purpose means none of them",
            location=FactLocation.PURPOSE,
            open=True,
        ),
        spec(
            "uas-produced-abroad",
            [True, False],
            "for drones (`uas/...`) and their parts: produced in a country other than the US",
        ),
        spec(
            "exception-claimed",
            ["blue-uas-cleared", "domestic-end-product"],
            "an exemption of DA 26-22 (from 2026-01-07) claimed for a foreign-produced drone or "
            "part: on the Blue UAS Cleared List, or a qualifying Buy American domestic end "
            "product. Not stated means none is claimed",
        ),
    ),
)
