"""The FCC Covered List as a rule pack: the Universal Service bar of 47 CFR 54.9 (Huawei and
ZTE, 2020), the subsidy bar of 47 CFR 54.10 (every Covered List entry, 60 days after listing)
and the equipment authorisation bar of FCC 22-84. The sources are the ``Source`` values below;
docs/packs/us-fcc-covered-list.md summarises them with the conformance table of worked
purchases (tests/conformance/us-fcc-covered-list.toml).

Escalation rule of this pack: the subsidy rules bind whoever spends an FCC-administered
subsidy, so an unstated ``funding`` escalates only for buyers of the kinds that receive them
(carriers, schools, libraries and local bodies, health care, utilities); for anyone else it
counts as "no subsidy". The subsidy rules read parts of a system only when a subsidy is
stated, and undeclared parts escalate only in a Covered List company's own kit; the
authorisation warning reads declared parts for every buyer (covered modular transmitters,
integrated Kaspersky software), and undeclared ones count as none. Advisory
tiers (a listing whose subsidy bar has not begun, the authorisation bar) warn and never
escalate beyond a warning.

Jurisdiction: every rule reads the buyer's country (``IN_US``, the states, the District of
Columbia and the territories): a buyer stated abroad is outside every rule, and one whose
country is not stated counts as American.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Set as AbstractSet

from vendorpolicy._model import Effect
from vendorpolicy._packs._base import Confidence, FactLocation, PackInfo, Reach, Source
from vendorpolicy._packs._common import cite, confined, domestic, listed, spec
from vendorpolicy._predicates import (
    Predicate,
    any_of,
    buyer,
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
#: Companies designated under 47 CFR 54.9 (Huawei and ZTE, 2020-06-30).
USF_DESIGNATION = "us.fcc.usf-covered-company"
#: The §889 lists: the initial Covered List entries are §889(f)(3)'s covered equipment
#: (47 U.S.C. 1601(c)(3)), and these lists reach the same groups, affiliates included.
HUAWEI_ZTE_889 = "us.889.covered"
PURPOSE_LIMITED_889 = "us.889.purpose-limited"
#: FY2025 NDAA §1709(a)(1): the equipment of the 2025-12-22 entry, DJI's and Autel's with their
#: subsidiaries and affiliates; the list reaches affiliates, which carry no ownership chain.
DJI_AUTEL_1709 = "us.ndaa-fy2025.1709"

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
KASPERSKY_2024 = Source(
    title="Public Notice adding cybersecurity and anti-virus software produced or provided by "
    "Kaspersky Lab, Inc. (and equipment integrating it, for equipment authorisation)",
    issuer="FCC Office of Engineering and Technology and Public Safety and Homeland Security "
    "Bureau",
    date=dt.date(2024, 9, 3),
    url="https://www.fcc.gov/supplychain/coveredlist",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="Read in a Trade Law Daily report; the Nebraska Broadband Office copy of the list is "
    "marked 'Updated September 3, 2024'. It follows the BIS Final Determination of 2024-06-24 "
    "(89 FR 52434).",
)
UAS_EXEMPTIONS = Source(
    title="Public Notice DA 26-22 (exemptions from the UAS entry)",
    issuer="FCC Public Safety and Homeland Security Bureau",
    date=dt.date(2026, 1, 7),
    url="https://www.goodwinlaw.com/en/insights/publications/2026/01/"
    "alerts-otherindustries-fcc-updates-covered-list-based-on-dow",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="Read in law-firm summaries (Goodwin, 2026-01-13; Holland & Knight; Morgan Lewis): UAS "
    "and UAS critical components on the Blue UAS list, or qualifying as Buy American domestic "
    "end products, are exempt until 2027-01-01, after which the 2025-12-22 entry applies again. "
    "The pack reads the exemption as ending with 2026-12-31. Conditional approvals of single "
    "products by DoW or DHS are not modelled.",
)
SUBSIDIES = Source(
    title="47 CFR 54.10 (no FCC-administered capital subsidy for covered equipment or services "
    "from 60 days after listing), 86 FR 2946; 47 U.S.C. 1602",
    issuer="Federal Communications Commission",
    date=dt.date(2021, 1, 13),
    url="https://www.ecfr.gov/current/title-47/section-54.10",
    note="A bar on using subsidies to buy, rent, lease, obtain or maintain covered equipment or "
    "services from 60 days after listing (the initial list counts as placed on the date it was "
    "published), not a removal deadline. The bar on maintaining reaches equipment or services "
    "'previously purchased, rented, leased, or otherwise obtained' (54.10(a)(2), as 47 U.S.C. "
    "1602(a)(1)(B)), so what is obtained between listing and the bar cannot be maintained with "
    "subsidies once it begins. Text read in the 2021 CFR edition.",
)
USF_BAR = Source(
    title="47 CFR 54.9 (no Universal Service support for equipment or services of a covered "
    "company), FCC 19-121, 85 FR 230, effective 2020-01-03",
    issuer="Federal Communications Commission",
    date=dt.date(2020, 1, 3),
    url="https://www.govinfo.gov/content/pkg/FR-2020-01-03/html/2019-27610.htm",
    note="FCC 19-121 initially designated Huawei and ZTE; the rule still stands beside 54.10 in "
    "the 2021 CFR edition (later editions not checked).",
)
USF_DESIGNATIONS = Source(
    title="PSHSB final designation orders for Huawei and ZTE (ZTE: DA 20-691), PS Dockets "
    "19-351 and 19-352",
    issuer="FCC Public Safety and Homeland Security Bureau",
    date=dt.date(2020, 6, 30),
    url="https://docs.fcc.gov/public/attachments/DA-20-691A1.txt",
    note="Effective on release; each designates the company 'as well as its parents, "
    "affiliates, and subsidiaries'. ZTE's petition for reconsideration was denied on "
    "2020-11-24 (DA 20-1399).",
)
AUTHORISATIONS = Source(
    title="FCC 22-84, Report and Order (equipment authorisation of covered equipment), "
    "88 FR 7592, effective 2023-02-06",
    issuer="Federal Communications Commission",
    date=dt.date(2022, 11, 25),
    url="https://www.govinfo.gov/content/pkg/FR-2023-02-06/html/2022-28263.htm",
    note="No new authorisations for Huawei and ZTE telecommunications and video surveillance "
    "equipment; Hytera, Hikvision and Dahua equipment only with an approved plan that it is not "
    "marketed for the listed security purposes.",
)
AUTHORISATIONS_CRS = Source(
    title="New FCC Rules Ban Authorizations for Equipment Posing National Security Risks, "
    "Legal Sidebar LSB10895",
    issuer="Congressional Research Service",
    date=dt.date(2023, 1, 11),
    url="https://www.everycrsreport.com/reports/LSB10895.html",
    note="The FCC 'will not authorize equipment produced by' Hytera, Hikvision and Dahua 'until "
    "the FCC approves these entities' plans' to keep it from the listed purposes: until then no "
    "new model is authorised, whatever its buyer's purpose.",
)
MODULAR = Source(
    title="FCC 25-71, Second Report and Order (modular transmitters; existing authorisations), "
    "90 FR 53227, effective 2025-12-26",
    issuer="Federal Communications Commission",
    date=dt.date(2025, 11, 25),
    url="https://www.govinfo.gov/content/pkg/FR-2025-11-25/html/2025-21001.htm",
    note="The rules prohibiting authorisation of covered equipment include modular "
    "transmitters, and devices that include a modular transmitter that is covered equipment "
    "cannot be authorised; the Commission may stop imports and marketing under earlier "
    "authorisations (Federal Register summary, read). The warning reads declared parts for it "
    "from the effective date, 2025-12-26.",
)

_SUBSIDY_DELAY = dt.timedelta(days=60)
_DAY = dt.timedelta(days=1)
_AUTHORISATION_BAR = dt.date(2023, 2, 6)
#: FCC 25-71's effective date: devices that include a covered modular transmitter.
_MODULAR_BAR = dt.date(2025, 12, 26)
#: The 2024-09-03 entry: equipment integrating Kaspersky Lab, Inc. software.
_KASPERSKY_INTEGRATED = dt.date(2024, 9, 3)
#: The day DJI, Autel and foreign-produced UAS were placed on the list.
_LISTED_2025_12 = dt.date(2025, 12, 22)
#: The parts the pack reads as modular transmitters: cellular modules and modems built into
#: other equipment, or sold as modules.
_MODULES = ("telecom/component/lte-module", "telecom/modem", "it/component/modem")
_USF_INITIAL = dt.date(2020, 1, 3)
_USF_FINAL = dt.date(2020, 6, 30)
_EXEMPTIONS_FROM = dt.date(2026, 1, 7)
_EXEMPTIONS_UNTIL = dt.date(2026, 12, 31)
_UAS_EXEMPTIONS = frozenset({"blue-uas-cleared", "domestic-end-product"})
_PURPOSES = frozenset(
    {
        "public-safety",
        "government-facility-security",
        "critical-infrastructure-surveillance",
        "national-security",
    }
)
#: ``funding`` values that are FCC-administered subsidies.
_FCC_FUNDS = frozenset({"fcc-subsidy", "usf"})
#: The kinds of buyer that receive FCC-administered subsidies (carriers; schools and libraries;
#: rural health care; municipal, tribal and utility broadband builders): for them an unstated
#: ``funding`` is unknown, for every other buyer it means no subsidy.
RECIPIENT_SECTORS = frozenset(
    {"carrier", "education", "healthcare", "local-government", "critical-infrastructure", "other"}
)
_HUAWEI_ZTE = frozenset({"huawei-technologies", "zte"})
#: The companies whose equipment is covered for the listed security purposes only.
_HYTERA_HIKVISION_DAHUA = frozenset({"hytera", "hikvision", "dahua"})
#: The companies of the 2025-12-22 entry (FY2025 NDAA §1709(a)(1)).
_DJI_AUTEL = frozenset({"dji", "autel-robotics"})
#: Where the FCC's rules bind: the states and, as "State" in 47 U.S.C. 153 includes, the
#: District of Columbia and the territories and possessions (the inhabited territories have ISO
#: 3166-1 codes of their own).
_US_AND_TERRITORIES = frozenset({"US", "PR", "GU", "VI", "AS", "MP"})
#: The buyer is in the US (a buyer whose country is not stated counts as American): FCC
#: subsidies are spent, and equipment authorised, there; every rule reads it.
IN_US = domestic(_US_AND_TERRITORIES)
#: The 2024-09-03 entry names Kaspersky Lab, Inc. with "its successors and assignees, parents,
#: subsidiaries, affiliates, or other entities under common ownership or control", as the
#: Commerce Final Determination it follows defines "Kaspersky" (Kaspersky Lab, Inc. "together
#: with all affiliates, subsidiaries, and parent companies", 89 FR 52434): the parent AO
#: Kaspersky Lab, the copyright holder of Kaspersky software, and its group are reached.
_KASPERSKY_2024_GROUP = frozenset(
    {"kaspersky-lab-inc", "kaspersky-lab", "kaspersky-labs-uk", "kaspersky-group"}
)
#: The 2022-03-25 entry names AO Kaspersky Lab "or any of its predecessors, successors,
#: parents, subsidiaries, or affiliates": its parent, the UK holding company Kaspersky Labs
#: Limited, and the group companies under it (OOO Kaspersky Group) are reached, as the
#: registry's listing (reach `group`) says; what they own is reached through ownership.
_KASPERSKY_2022_GROUP = frozenset({"kaspersky-lab", "kaspersky-labs-uk", "kaspersky-group"})


def _funds(values: frozenset[str] = _FCC_FUNDS) -> Predicate:
    """The purchase is paid with one of ``values``; unstated, unknown for the kinds of buyer
    that receive FCC subsidies and false for the rest."""
    stated = fact("funding").in_(values, if_missing=False)
    return stated | (buyer.sector.in_(RECIPIENT_SECTORS) & fact("funding").in_(values))


def _funds_stated() -> Predicate:
    return fact("funding").in_(_FCC_FUNDS, if_missing=False)


def _entry(ids: AbstractSet[str], *, subsidiaries: bool = True) -> Predicate:
    return listed(DESIGNATION) & vendor.id.in_(ids, through_ownership=subsidiaries)


def _group_entry(ids: frozenset[str], via: str) -> Predicate:
    """A Covered List entry that reaches the named companies' subsidiaries and affiliates: the
    vendor is on the list and belongs to the group by ownership or through the statute's list
    of the same group (§889's for the 2021 entries, FY2025 NDAA §1709's for DJI and Autel),
    which reaches affiliates, which carry no ownership chain."""
    return listed(DESIGNATION) & (vendor.id.in_(ids, through_ownership=True) | listed(via))


def _huawei_zte(*categories: str) -> Predicate:
    return _group_entry(_HUAWEI_ZTE, HUAWEI_ZTE_889) & category.within(*categories)


def _purpose_limited() -> Predicate:
    return (
        _group_entry(_HYTERA_HIKVISION_DAHUA, PURPOSE_LIMITED_889)
        & category.within("telecom", "video/surveillance")
        & purchase.purpose.in_(_PURPOSES)
    )


def _march_2021() -> Predicate:
    """Huawei and ZTE telecommunications equipment and the services they provide; Hytera,
    Hikvision and Dahua equipment for the listed security purposes."""
    return _huawei_zte("telecom", "video/surveillance/service") | _purpose_limited()


def _kaspersky_2022() -> Predicate:
    return _entry(_KASPERSKY_2022_GROUP) & category.within("it/security")


#: Kaspersky's other IT: an item of the Kaspersky group filed under ``it`` but not
#: ``it/security`` (a service filed as ``it/service``, software as ``it/software``). The entries
#: cover "information security products, solutions, and services" (2022) and "cybersecurity and
#: anti-virus software" (2024), and the group sells little else, so whether such an item is one
#: is a judgement: review, not a pass (before 2026-12-04.2 it passed).
_KASPERSKY_OTHER_IT = category.within("it") & ~category.within("it/security")
_KASPERSKY_JUDGEMENT = (
    "the vendor is on the Covered List for its information security products, solutions and "
    "services: whether this item, filed outside `it/security`, is one of them is for a person "
    "to check"
)


def _kaspersky_2022_any() -> Predicate:
    return _entry(_KASPERSKY_2022_GROUP) & category.within("it")


def _kaspersky_2024_any() -> Predicate:
    return _entry(_KASPERSKY_2024_GROUP) & category.within("it")


def _carriers_2022_03() -> Predicate:
    return _entry(
        {"china-mobile-international-usa", "china-telecom-americas"}, subsidiaries=False
    ) & category.within("telecom/service")


def _september_2022() -> Predicate:
    return _entry(
        {"pacific-network", "comnet-usa", "china-unicom-americas"}, subsidiaries=False
    ) & category.within("telecom/service")


def _kaspersky_2024() -> Predicate:
    return _entry(_KASPERSKY_2024_GROUP) & category.within("it/security")


def _december_2025() -> Predicate:
    return _group_entry(_DJI_AUTEL, DJI_AUTEL_1709) & category.within(
        "uas", "telecom", "video/surveillance"
    )


def _uas_exempt() -> Predicate:
    """A DA 26-22 exemption claimed while it runs (2026-01-07 to 2026-12-31)."""
    return (
        fact("exception-claimed").in_(_UAS_EXEMPTIONS, if_missing=False)
        & decision_date.on_or_after(_EXEMPTIONS_FROM)
        & decision_date.before(_EXEMPTIONS_UNTIL + _DAY)
    )


def _foreign_uas() -> Predicate:
    return category.within("uas") & fact("uas-produced-abroad").is_true & ~_uas_exempt()


_KNOWN = {
    "huawei-technologies",
    "zte",
    "hytera",
    "hikvision",
    "dahua",
    "kaspersky-lab",
    "kaspersky-lab-inc",
    "kaspersky-labs-uk",
    "kaspersky-group",
    "china-mobile-international-usa",
    "china-telecom-americas",
    "pacific-network",
    "comnet-usa",
    "china-unicom-americas",
    "dji",
    "autel-robotics",
}


def _in_parts(covered: Predicate) -> Predicate:
    """A declared part is ``covered``. Undeclared parts escalate only in a Covered List
    company's own kit: for any other vendor they count as none, since a covered part would only
    send the system to review (a judgement), and 54.10 reaches covered equipment, not every
    system whose parts are unknown."""
    return components.any(covered, if_undeclared=False) | (
        listed(DESIGNATION) & components.any(covered)
    )


_PARTS_ONLY_REASON = (
    "only a declared part is covered: whether a system containing covered parts is itself "
    "covered equipment is a judgement"
)


def _subsidy_rules(
    rule_id: str,
    covered: Predicate,
    listed_on: dt.date,
    what: str,
    *sources: Source,
    judgement: Case | None = None,
) -> list[Rule]:
    """The 54.10 bar on one entry, from 60 days after listing, and the advisory tier of the
    window between listing and the bar. ``judgement``, when given, is a case of ``covered``
    that the bar reviews rather than denies (an item the entry may or may not cover)."""
    start = listed_on + _SUBSIDY_DELAY
    extra = [] if judgement is None else [judgement]
    return [
        Rule(
            id=f"{rule_id}-pending",
            when=_funds() & covered,
            effect=Effect.WARN,
            reason=f"listed but not yet barred: {what} (placed on the Covered List on "
            f"{listed_on.isoformat()}); FCC-administered capital subsidies may not buy, obtain "
            f"or maintain it from {start.isoformat()}, 60 days after listing",
            obligations=[
                (
                    f"from {start.isoformat()}, do not use FCC-administered capital subsidies "
                    "to maintain it, even if obtained before then (47 CFR 54.10(a)(2))"
                )
            ],
            source=cite(SUBSIDIES, *sources),
            in_force_from=listed_on,
            in_force_until=start - _DAY,
        ),
        Rule(
            id=rule_id,
            when=(_funds() & covered) | (_funds_stated() & _in_parts(covered)),
            effect=Effect.DENY,
            cases=[
                Case(when=~covered, effect=Effect.REVIEW, reason=_PARTS_ONLY_REASON),
                *extra,
            ],
            reason=f"FCC-administered capital subsidies may not buy, obtain or maintain {what} "
            f"(placed on the Covered List on {listed_on.isoformat()}) from 60 days after "
            f"listing, {start.isoformat()}",
            source=cite(SUBSIDIES, *sources),
            in_force_from=start,
        ),
    ]


def _usf_rules() -> list[Rule]:
    """47 CFR 54.9: no Universal Service support for any equipment or services of Huawei or
    ZTE (with parents, affiliates and subsidiaries) from their final designation."""
    company = listed(USF_DESIGNATION)
    initially = vendor.id.in_(_HUAWEI_ZTE, through_ownership=True) | listed(HUAWEI_ZTE_889)
    usf_only = (
        "47 CFR 54.9 bars Universal Service support only: which FCC programme pays is for a "
        "person to check"
    )
    return [
        Rule(
            id="usf-2020-06-pending",
            when=_funds() & initially,
            effect=Effect.WARN,
            reason="Huawei and ZTE were initially designated under 47 CFR 54.9 (in force "
            "2020-01-03): once the designation is final, Universal Service support may not buy, "
            "obtain or maintain any of their equipment or services",
            source=cite(USF_BAR),
            in_force_from=_USF_INITIAL,
            in_force_until=_USF_FINAL - _DAY,
        ),
        Rule(
            id="usf-2020-06",
            when=(_funds() & company) | (_funds_stated() & _in_parts(company)),
            effect=Effect.DENY,
            cases=[
                Case(when=~company, effect=Effect.REVIEW, reason=_PARTS_ONLY_REASON),
                Case(
                    when=fact("funding").in_({"fcc-subsidy"}),
                    effect=Effect.REVIEW,
                    reason=usf_only,
                ),
            ],
            reason="Universal Service support may not be used to purchase, obtain, maintain or "
            "otherwise support any equipment or services produced or provided by Huawei or ZTE, "
            "their parents, affiliates or subsidiaries, designated as covered companies on "
            "2020-06-30",
            source=cite(USF_BAR, USF_DESIGNATIONS),
            in_force_from=_USF_FINAL,
        ),
    ]


def _authorisation_bar() -> Predicate:
    """Equipment that cannot receive new equipment authorisations (FCC 22-84), read on the
    purchase's vendor and category, or on a part's maker and category. Hytera, Hikvision and
    Dahua telecommunications and video surveillance equipment is read whatever the buyer's
    purpose: FCC 22-84 bars its authorisation until the FCC approves the company's plan for
    keeping it from the listed purposes, so no new model is authorised for anyone until then
    (before 2026-12-04.2 the pack warned only for the listed purposes)."""
    return any_of(
        _huawei_zte("telecom", "video/surveillance"),
        _group_entry(_HYTERA_HIKVISION_DAHUA, PURPOSE_LIMITED_889)
        & category.within("telecom", "video/surveillance"),
        (_december_2025() | _foreign_uas()) & decision_date.on_or_after(_LISTED_2025_12),
    )


def _covered_parts() -> Predicate:
    """A declared part makes another maker's device unauthorisable: a covered modular
    transmitter from FCC 25-71's effective date, or integrated Kaspersky Lab, Inc. software from
    its 2024 entry. A module is covered when an entry whose telecommunications equipment is
    covered names its maker (a cellular module or modem is such equipment, wherever the
    category tree files it). Parts count once declared, as in the subsidy rules' reading of a
    system: undeclared parts leave an unlisted maker's device outside the bar."""
    makers = any_of(
        _group_entry(_HUAWEI_ZTE, HUAWEI_ZTE_889),
        _group_entry(_HYTERA_HIKVISION_DAHUA, PURPOSE_LIMITED_889)
        & purchase.purpose.in_(_PURPOSES),
        _group_entry(_DJI_AUTEL, DJI_AUTEL_1709) & decision_date.on_or_after(_LISTED_2025_12),
    )
    modular = decision_date.on_or_after(_MODULAR_BAR) & components.any(
        category.within(*_MODULES) & makers, if_undeclared=False
    )
    kaspersky = decision_date.on_or_after(_KASPERSKY_INTEGRATED) & components.any(
        _kaspersky_2024(), if_undeclared=False
    )
    return modular | kaspersky


def build() -> RuleSet:
    """The Covered List rule set."""
    authorisation_bar = _authorisation_bar()
    rule_set = RuleSet(
        id=NAME,
        version="2026-12-04.2",
        title="FCC Covered List: Universal Service and subsidy bars, equipment authorisations",
        description="Universal Service support may not buy Huawei or ZTE equipment or services "
        "(47 CFR 54.9, from 2020-06-30); FCC-administered capital subsidies may not buy or "
        "maintain covered equipment or services from 60 days after listing (47 CFR 54.10); "
        "covered equipment cannot get new equipment authorisations from 2023-02-06 (FCC 22-84).",
        rules=[
            *_usf_rules(),
            *_subsidy_rules(
                "subsidy-2021-03",
                _march_2021(),
                dt.date(2021, 3, 12),
                "Huawei and ZTE telecommunications equipment, or Hytera, Hikvision and Dahua "
                "equipment for the listed security purposes",
                INITIAL,
            ),
            *_subsidy_rules(
                "subsidy-2022-03",
                _kaspersky_2022_any() | _carriers_2022_03(),
                dt.date(2022, 3, 25),
                "Kaspersky information security products, or China Mobile International USA "
                "and China Telecom (Americas) telecommunications services",
                MARCH_2022,
                judgement=Case(
                    when=_kaspersky_2022_any() & _KASPERSKY_OTHER_IT & ~_carriers_2022_03(),
                    effect=Effect.REVIEW,
                    reason=_KASPERSKY_JUDGEMENT,
                ),
            ),
            *_subsidy_rules(
                "subsidy-2022-09",
                _september_2022(),
                dt.date(2022, 9, 20),
                "Pacific Network/ComNet and China Unicom (Americas) telecommunications services",
                SEPTEMBER_2022,
            ),
            *_subsidy_rules(
                "subsidy-2024-09-kaspersky",
                _kaspersky_2024_any(),
                _KASPERSKY_INTEGRATED,
                "Kaspersky Lab, Inc. cybersecurity and anti-virus software",
                KASPERSKY_2024,
                judgement=Case(
                    when=_KASPERSKY_OTHER_IT,
                    effect=Effect.REVIEW,
                    reason=_KASPERSKY_JUDGEMENT,
                ),
            ),
            *_subsidy_rules(
                "subsidy-2025-12-dji-autel",
                _december_2025(),
                _LISTED_2025_12,
                "DJI and Autel communications and video surveillance equipment and services",
                UAS,
            ),
            *_subsidy_rules(
                "subsidy-2025-12-foreign-uas",
                _foreign_uas(),
                _LISTED_2025_12,
                "uncrewed aircraft systems and critical components produced in a foreign "
                "country (unless exempted by DA 26-22)",
                UAS,
                UAS_EXEMPTIONS,
            ),
            Rule(
                id="no-new-authorisations",
                when=authorisation_bar,
                effect=Effect.WARN,
                reason="covered equipment cannot receive new FCC equipment authorisations from "
                "2023-02-06 (and from listing for later entries): check that the model was "
                "authorised before then; FCC 25-71 can also stop imports under existing "
                "authorisations",
                source=cite(AUTHORISATIONS, AUTHORISATIONS_CRS, MODULAR, LIST),
                in_force_from=_AUTHORISATION_BAR,
            ),
            Rule(
                id="no-new-authorisations-parts",
                when=_covered_parts(),
                effect=Effect.WARN,
                reason="a declared part is covered equipment: from 2025-12-26 a device that "
                "includes a covered modular transmitter cannot receive a new FCC equipment "
                "authorisation (FCC 25-71), and from 2024-09-03 equipment integrating Kaspersky "
                "Lab, Inc. software is covered (Covered List): check that the model was "
                "authorised before then",
                source=cite(AUTHORISATIONS, MODULAR, KASPERSKY_2024, LIST),
                in_force_from=_KASPERSKY_INTEGRATED,
            ),
            Rule(
                id="unrecognised-entry",
                when=listed(DESIGNATION)
                & ~vendor.id.in_(_KNOWN, through_ownership=True)
                & ~listed(HUAWEI_ZTE_889)
                & ~listed(PURPOSE_LIMITED_889)
                & ~listed(DJI_AUTEL_1709),
                effect=Effect.REVIEW,
                reason="the vendor is on the Covered List through an entry this pack does not "
                "know: check which equipment or services the entry covers and when it was listed",
                source=cite(LIST),
            ),
        ],
    )
    return confined(IN_US, rule_set)


INFO = PackInfo(
    name=NAME,
    title="US FCC Covered List (47 CFR 54.9, 54.10, FCC 22-84)",
    jurisdiction="US",
    binds="whoever spends FCC-administered subsidies (carriers, schools and libraries, health "
    "care providers and others receiving Universal Service or other FCC capital subsidies); "
    "for every other buyer the pack only warns about the equipment authorisation bar",
    force="law: FCC rules; the Universal Service and subsidy bars deny, the window between a "
    "listing and its subsidy bar and the authorisation bar warn",
    reach=(
        Reach(
            summary="the kinds of buyer that receive FCC-administered subsidies (carriers, "
            "schools and libraries, local bodies, health care, utilities), whose unstated "
            "funding the pack reads as unknown",
            countries=_US_AND_TERRITORIES,
            sectors=RECIPIENT_SECTORS,
            source=cite(USF_BAR, SUBSIDIES),
        ),
        Reach(
            summary="any buyer that states it spends Universal Service support or another "
            "FCC-administered subsidy",
            countries=_US_AND_TERRITORIES,
            funding=_FCC_FUNDS,
            source=cite(USF_BAR, SUBSIDIES),
        ),
        Reach(
            summary="any buyer in the US, warned about equipment that cannot get new FCC "
            "authorisations",
            countries=_US_AND_TERRITORIES,
            source=cite(AUTHORISATIONS),
        ),
    ),
    summary="Huawei and ZTE designated under 47 CFR 54.9 (30 Jun 2020); Covered List entries "
    "of 12 Mar 2021 (Huawei, ZTE; Hytera, Hikvision, Dahua for security purposes), 25 Mar 2022 "
    "(Kaspersky; China Mobile International USA; China Telecom Americas), 20 Sep 2022 (Pacific "
    "Network/ComNet; China Unicom Americas), 3 Sep 2024 (Kaspersky Lab, Inc. software) and "
    "22 Dec 2025 (foreign-produced drones and their critical components; DJI and Autel), with "
    "the DA 26-22 exemptions of 7 Jan 2026.",
    sources=(
        LIST,
        USF_BAR,
        USF_DESIGNATIONS,
        INITIAL,
        MARCH_2022,
        SEPTEMBER_2022,
        KASPERSKY_2024,
        UAS,
        UAS_EXEMPTIONS,
        SUBSIDIES,
        AUTHORISATIONS,
        AUTHORISATIONS_CRS,
        MODULAR,
    ),
    facts=(
        spec(
            "funding",
            ["usf", "fcc-subsidy", "federal-grant", "federal-loan", "own-budget", "other"],
            "where the money comes from. `usf`: Universal Service Fund support (High Cost, "
            "E-Rate, Rural Health Care, Lifeline), barred by 54.9 and 54.10; `fcc-subsidy`: "
            "another or an unspecified FCC-administered capital subsidy (54.10); "
            "`federal-grant`, `federal-loan`: federal funds not administered by the FCC, "
            "outside these rules. Unstated, it is unknown for carriers, schools, libraries, "
            "local bodies, health care and utilities, and means no subsidy for other buyers",
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
            sorted(_UAS_EXEMPTIONS),
            "an exemption of DA 26-22 (2026-01-07 to 2026-12-31) claimed for a foreign-produced "
            "drone or part: on the Blue UAS list, or a qualifying Buy American domestic end "
            "product. Not stated means none is claimed",
        ),
    ),
)
