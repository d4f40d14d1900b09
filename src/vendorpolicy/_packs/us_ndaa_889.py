"""US NDAA FY2019 §889 (FAR subpart 4.21, FAR 52.204-24/-25/-26, 2 CFR 200.216) as a rule pack.

The sources are the ``Source`` values below; docs/packs/us-ndaa-889.md summarises them, with the
conformance table of worked purchases (tests/conformance/us-ndaa-889.toml) that the suite runs.

Escalation rule of this pack: an unknown fact sends a purchase to review only where the known
facts already place it inside §889's reach. For an executive agency (bound by Parts A and B)
that is any purchase from a listed or unidentified maker, and any electronic item whose parts
are not declared; for anyone else only a purchase that states federal grant or loan funding, or
a US public body's purchase whose funding is not stated (public bodies are the main recipients
of federal awards). A private or foreign buyer's unstated funding counts as "not federal".

Jurisdiction: Parts A and B bind US federal executive agencies (``FEDERAL``), so a foreign
government's purchase is outside them; a buyer whose country is not stated counts as American.
The grants rules reach recipients of federal awards wherever they are, once the funding is
stated.
"""

from __future__ import annotations

import datetime as dt

from vendorpolicy._model import Effect
from vendorpolicy._packs._base import Confidence, FactLocation, PackInfo, Reach, Source
from vendorpolicy._packs._common import EXECUTIVE, cite, domestic, listed, spec
from vendorpolicy._predicates import (
    ALWAYS,
    Predicate,
    buyer,
    category,
    components,
    decision_date,
    fact,
    purchase,
)
from vendorpolicy._rules import Rule, RuleSet

__all__ = ["INFO", "build"]

NAME = "us-ndaa-889"

STATUTE = Source(
    title="John S. McCain National Defense Authorization Act for Fiscal Year 2019, §889",
    issuer="US Congress (Pub. L. 115-232, 132 Stat. 1636)",
    date=dt.date(2018, 8, 13),
    note="Enactment date and sections confirmed via GAO major-rule report B-332365 (2020-07-27); "
    "subsections (a)-(d) and (f)(3) read as the FAR, 2 CFR 200.216 and GSA Order ADM 5450.176 "
    "quote them.",
)
CLAUSE = Source(
    title="FAR 52.204-25, Prohibition on contracting for certain telecommunications and video "
    "surveillance services or equipment",
    issuer="FAR Council",
    url="https://www.acquisition.gov/far/52.204-25",
    note="Definitions (a), prohibitions (b), exceptions (c) and reporting (d); read in public "
    "copies of the clause text (farclause.com, Nov 2021 version, and flow-down copies).",
)
REPRESENTATIONS = Source(
    title="FAR 52.204-24 and 52.204-26 (offeror representations) and FAR 4.2105 (their use in "
    "all solicitations)",
    issuer="FAR Council",
    url="https://www.acquisition.gov/far/52.204-24",
    note="Every offeror represents, after a reasonable inquiry, whether it uses covered "
    "equipment (52.204-24(d)(2), 52.204-26(c)(2)); read in public copies.",
)
PROCEDURES = Source(
    title="FAR 4.2103, Procedures (representations and disclosures under FAR 52.204-24/-26)",
    issuer="FAR Council",
    url="https://www.acquisition.gov/far/4.2103",
    note='(a)(2)(i): on a "will not" in 52.204-24(d)(1) the contracting officer may rely on '
    'the representation unless there is reason to question it; (a)(2)(ii): on a "will" the '
    "offeror discloses under (e)(1) and the contracting officer follows agency procedures. "
    "Read in a public copy of 48 CFR 4.2103 (lexfed.com); the (d)(1) wording in a public copy "
    "of 52.204-24 (farclause.com, Nov 2021 version).",
)
PART_A_RULE = Source(
    title="FAR interim rule, FAR Case 2018-017 (FAC 2019-05), effective 2019-08-13",
    issuer="DoD, GSA and NASA (FAR Council)",
    date=dt.date(2019, 8, 13),
    url="https://www.govinfo.gov/content/pkg/FR-2019-08-13/html/2019-17202.htm",
    note="The URL is the Small Entity Compliance Guide (84 FR 40223); the rule's start page "
    "84 FR 40216 is partly confirmed.",
)
PART_B_RULE = Source(
    title="FAR interim rule, FAR Case 2019-009 (FAC 2020-08), 85 FR 42665, effective 2020-08-13",
    issuer="DoD, GSA and NASA (FAR Council)",
    date=dt.date(2020, 7, 14),
    url="https://www.govinfo.gov/content/pkg/FR-2020-07-14/html/2020-15293.htm",
)
WAIVERS = Source(
    title="GSA Order ADM 5450.176 (section 889 waivers under FAR 4.2104)",
    issuer="US General Services Administration",
    date=dt.date(2020, 8, 28),
    url="https://gsa.gov/directives-library/156867",
    note="Agency one-time waivers end by 2021-08-13 (Part A) and 2022-08-13 (Part B); the "
    "Director of National Intelligence may waive in the national-security interest. FAR 4.2104 "
    "gives the same limits.",
)
GRANTS = Source(
    title="Guidance for Grants and Agreements, 2 CFR 200.216, 85 FR 49506",
    issuer="US Office of Management and Budget",
    date=dt.date(2020, 8, 13),
    url="https://regulations.justia.com/regulations/fedreg/2020/08/13/2020-17468.html",
    note="§200.216 took effect 2020-08-13 and binds recipients and subrecipients of loan and "
    "grant funds; its text was read in agency copies (CDC AR-37, NIH GPS 4.1.37). Whether the "
    "2024 Uniform Guidance revision reworded it was not checked.",
    confidence=Confidence.CONFIRMED,
)
HISILICON = Source(
    title="Dahua, Hikvision, Huawei US Ban Rules Released",
    issuer="IPVM",
    date=dt.date(2019, 8, 8),
    url="https://ipvm.com/reports/far-ban",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="Reads the Part A interim rule as reaching products whose HiSilicon system-on-chip is "
    "an essential component; the pack sends such parts to review rather than denying.",
)

PART_A_FROM = dt.date(2019, 8, 13)
PART_B_FROM = dt.date(2020, 8, 13)
#: Agency waivers could run no later than these dates (inclusive).
PART_A_WAIVER_END = dt.date(2021, 8, 13)
PART_B_WAIVER_END = dt.date(2022, 8, 13)

LISTED_PURPOSES = frozenset(
    {
        "public-safety",
        "government-facility-security",
        "critical-infrastructure-surveillance",
        "national-security",
    }
)
TELECOM_COVERED = "us.889.covered"
PURPOSE_LIMITED = "us.889.purpose-limited"
EXCEPTIONS = frozenset({"third-party-interconnection", "no-user-data-access"})
FUNDS = frozenset({"federal-grant", "federal-loan"})
#: Categories whose items cannot contain telecommunications or video surveillance parts: their
#: undeclared parts do not send a purchase to review (and declared parts are not read). A
#: modelling choice; any other category, or an unknown one, has its parts read.
#: The service categories: telecommunications and video surveillance services (§889(f)(3)(C)).
SERVICES = ("telecom/service", "video/surveillance/service")
NO_PARTS = (
    "office/furniture",
    "office/supplies",
    "other/food",
    "other/clothing",
    "other/fuel",
    "other/travel",
    "other/professional-services",
)


def covered_equipment() -> Predicate:
    """Covered telecommunications equipment or services, read on the purchase or, inside
    ``components.any``, on a part: Huawei/ZTE telecom, or Hytera/Hikvision/Dahua telecom and
    video surveillance for the listed purposes (§889(f)(3)(A)-(C)). The telecommunications and
    video surveillance *services* Hytera, Hikvision and Dahua provide are covered whatever their
    purpose: (f)(3)(C) covers the services "provided by such entities" and carries no purpose
    limit, which only (B)'s equipment has."""
    return (
        (listed(TELECOM_COVERED) & category.within("telecom"))
        | (
            listed(PURPOSE_LIMITED)
            & category.within("telecom", "video/surveillance")
            & purchase.purpose.in_(LISTED_PURPOSES)
        )
        | (listed(PURPOSE_LIMITED) & category.within(*SERVICES))
    )


def other_equipment() -> Predicate:
    """Something else from a covered maker, where §889 may or may not reach it: a Huawei or ZTE
    item outside telecom (a laptop, a camera, a chip), or a Hytera/Hikvision/Dahua item outside
    telecom and video surveillance used for a listed purpose. Whether it is
    "telecommunications equipment" is a judgement."""
    return (listed(TELECOM_COVERED) & ~category.within("telecom")) | (
        listed(PURPOSE_LIMITED)
        & ~category.within("telecom", "video/surveillance")
        & purchase.purpose.in_(LISTED_PURPOSES)
    )


def _in_parts(part: Predicate) -> Predicate:
    """A substantial or essential declared part satisfies ``part``; items of the ``NO_PARTS``
    categories have none to read."""
    return ~category.within(*NO_PARTS) & components.any(part & fact("essential").is_true)


def uses_covered() -> Predicate:
    """The purchase is covered equipment, or uses it as a substantial or essential component."""
    return covered_equipment() | _in_parts(covered_equipment())


def uses_other() -> Predicate:
    """The purchase is, or has as an essential part, other equipment of a covered maker."""
    return other_equipment() | _in_parts(other_equipment())


#: The offeror's Part A representation (FAR 52.204-24(d)(1): it "will" or "will not" provide
#: covered telecommunications equipment or services to the Government in performing the
#: contract; 52.204-26(c)(1), "does" or "does not", in SAM).
_PROVIDES = fact("provides-covered-equipment")
#: The purchase declares its parts (an empty list included).
_DECLARED = components.all(ALWAYS, if_undeclared=False)


def _agency_reads(part: Predicate) -> Predicate:
    """What an executive agency's purchase must not be or hold: ``part`` (covered equipment, or
    other equipment of a covered maker) as the item or as an essential part. Parts that are not
    declared are unknown, unless the offeror represents that it will not provide covered
    equipment (FAR 52.204-24(d)(1)): the contracting officer may rely on that representation
    (FAR 4.2103(a)(2)(i)), so they count as holding none. Parts that are declared are read
    whatever the representation says."""
    return part | (_in_parts(part) & (_DECLARED | ~_PROVIDES.in_({False}, if_missing=False)))


#: What the purchase states of the buyer: whether it is a federal executive agency (41 U.S.C.
#: 133). The sector alone cannot tell a US state's or city's public agency or authority from a
#: federal independent establishment or wholly owned government corporation.
_EXECUTIVE_AGENCY = fact("executive-agency")

#: US federal executive agencies, bound by Parts A and B: a public executive body in the US (a
#: buyer whose country is not stated counts as American), unless the purchase states that it is
#: not an executive agency (a state's power authority filed as `public-agency`); or any US
#: public buyer the purchase states to be one. A foreign ministry is not bound.
FEDERAL = (
    (EXECUTIVE & ~_EXECUTIVE_AGENCY.in_({False}, if_missing=False))
    | (buyer.is_public & _EXECUTIVE_AGENCY.in_({True}, if_missing=False))
) & domestic({"US"})


def federal_funds() -> Predicate:
    """The purchase is paid with federal loan or grant funds (2 CFR 200.216). A private or
    foreign buyer's unstated funding counts as not federal; a US public body's is unknown."""
    stated = fact("funding").in_(FUNDS, if_missing=False)
    return stated | (buyer.is_public & domestic({"US"}) & fact("funding").in_(FUNDS))


def _exception() -> Predicate:
    return fact("exception-claimed").in_(EXCEPTIONS, if_missing=False)


def _waiver_term() -> Predicate:
    """The decision date lies within the waiver's own term, where the purchase states it
    (``waiver-granted``, ``waiver-expires``, both inclusive); a bound left unstated is the
    statute's (the effective date, and for an agency waiver its last possible day)."""
    return fact("waiver-granted").on_or_before_decision_date(if_missing=True) & fact(
        "waiver-expires"
    ).on_or_after_decision_date(if_missing=True)


def _waiver(agency_value: str, agency_end: dt.date) -> Predicate:
    agency = fact("waiver").in_({agency_value}, if_missing=False) & decision_date.before(
        agency_end + dt.timedelta(days=1)
    )
    return (agency | fact("waiver").in_({"dni"}, if_missing=False)) & _waiver_term()


#: The Part B representation (FAR 52.204-24(d)(2), or 52.204-26(c)(2) in SAM).
_REPRESENTATION = fact("uses-covered-equipment")


_JUDGEMENT = (
    "the maker is covered, but §889 reaches only its telecommunications (and, for Hytera, "
    "Hikvision and Dahua, video surveillance) equipment and services: whether this item or its "
    "essential part is such equipment (a radio, a network function, a video chip) is a "
    "judgement for the contracting officer"
)


def build() -> RuleSet:
    """The §889 rule set."""
    part_a_unless = _exception() | _waiver("agency-part-a", PART_A_WAIVER_END)
    return RuleSet(
        id=NAME,
        version="2026-12-04.3",
        title="US NDAA FY2019 §889: covered telecommunications and video surveillance equipment",
        description="Executive agencies may not procure covered equipment (Part A, 2019-08-13) "
        "nor contract with entities that use it (Part B, 2020-08-13); federal grant and loan "
        "funds may not buy it (2 CFR 200.216, 2020-08-13).",
        rules=[
            Rule(
                id="part-a",
                when=FEDERAL & _agency_reads(covered_equipment()),
                unless=part_a_unless,
                effect=Effect.DENY,
                reason="an executive agency may not procure, extend or renew a contract for "
                "anything that is covered telecommunications or video surveillance equipment, "
                "or uses it as a substantial or essential component or critical technology",
                source=cite(STATUTE, CLAUSE, PART_A_RULE, PROCEDURES, WAIVERS),
                in_force_from=PART_A_FROM,
            ),
            Rule(
                id="part-a-other-equipment",
                when=FEDERAL & _agency_reads(other_equipment()),
                unless=part_a_unless,
                effect=Effect.REVIEW,
                reason=_JUDGEMENT,
                source=cite(STATUTE, CLAUSE, HISILICON),
                in_force_from=PART_A_FROM,
            ),
            Rule(
                id="part-a-representation",
                when=FEDERAL & _PROVIDES.in_({True}, if_missing=False),
                unless=part_a_unless,
                effect=Effect.REVIEW,
                obligations=[
                    (
                        "obtain the offeror's disclosure of the covered equipment or services "
                        "it will provide (FAR 52.204-24(e)(1)) and follow agency procedures; do "
                        "not award unless a waiver (FAR 4.2104) or an exception covers them"
                    ),
                ],
                reason="the offeror represents that it will provide covered telecommunications "
                "equipment or services in performing the contract (FAR 52.204-24(d)(1)); the "
                "contracting officer must follow agency procedures (FAR 4.2103(a)(2)(ii))",
                source=cite(CLAUSE, REPRESENTATIONS, PROCEDURES),
                in_force_from=PART_A_FROM,
            ),
            Rule(
                id="part-b",
                when=FEDERAL & _REPRESENTATION.in_({True}, if_missing=False),
                unless=_exception() | _waiver("agency-part-b", PART_B_WAIVER_END),
                effect=Effect.DENY,
                reason="an executive agency may not contract with an entity that uses covered "
                "telecommunications equipment or services as a substantial or essential "
                "component of any system, as the offeror's representation (FAR 52.204-24/-26) "
                "says this one does",
                source=cite(STATUTE, CLAUSE, REPRESENTATIONS, PART_B_RULE, WAIVERS),
                in_force_from=PART_B_FROM,
            ),
            Rule(
                id="part-b-representation",
                when=FEDERAL & ~_REPRESENTATION.in_({True, False}, if_missing=False),
                effect=Effect.WARN,
                obligations=[
                    (
                        "before award, read the offeror's Part B representation: its annual one "
                        "in SAM (FAR 52.204-26(c)(2)), or the one in its offer "
                        "(FAR 52.204-24(d)(2))"
                    ),
                ],
                reason="every offeror represents whether it uses covered telecommunications "
                "equipment or services (Part B); the screening was not told what this one "
                "represented",
                source=cite(REPRESENTATIONS, PART_B_RULE),
                in_force_from=PART_B_FROM,
            ),
            Rule(
                id="grants-and-loans",
                when=~FEDERAL & federal_funds() & uses_covered(),
                unless=_exception(),
                effect=Effect.DENY,
                reason="federal grant and loan funds may not be used to procure or obtain covered "
                "telecommunications or video surveillance equipment or services, or systems that "
                "use them as a substantial or essential component (executive agencies fall "
                "under Part A instead)",
                source=cite(STATUTE, GRANTS),
                in_force_from=PART_B_FROM,
            ),
            Rule(
                id="grants-and-loans-other-equipment",
                when=~FEDERAL & federal_funds() & uses_other(),
                unless=_exception(),
                effect=Effect.REVIEW,
                reason=_JUDGEMENT.replace("the contracting officer", "the award recipient"),
                source=cite(STATUTE, GRANTS, HISILICON),
                in_force_from=PART_B_FROM,
            ),
        ],
    )


INFO = PackInfo(
    name=NAME,
    title="US NDAA FY2019 §889 (FAR 52.204-25, 2 CFR 200.216)",
    jurisdiction="US",
    binds="US federal executive agencies (Parts A and B), and recipients and subrecipients of "
    "federal grants and loans (2 CFR 200.216)",
    force="law: statute and FAR clause; the pack denies",
    reach=(
        Reach(
            summary="US federal executive agencies (Parts A and B)",
            countries={"US"},
            public=True,
            sectors={"central-government", "defence", "public-agency"},
            source=cite(STATUTE, CLAUSE),
        ),
        Reach(
            summary="a US public buyer filed in another sector that the purchase states to be "
            "a federal executive agency (41 U.S.C. 133: an independent establishment, a wholly "
            "owned government corporation)",
            countries={"US"},
            public=True,
            facts={"executive-agency": [True]},
            source=cite(STATUTE, CLAUSE),
        ),
        Reach(
            summary="recipients and subrecipients of federal grants and loans, wherever they "
            "are, for what those funds buy (2 CFR 200.216)",
            funding=FUNDS,
            source=cite(GRANTS),
        ),
    ),
    summary="Huawei and ZTE telecommunications equipment, and Hytera, Hikvision and Dahua "
    "telecommunications and video surveillance equipment used for public safety, government "
    "facility security, critical-infrastructure surveillance or national security, with their "
    "subsidiaries and affiliates.",
    sources=(
        STATUTE,
        CLAUSE,
        REPRESENTATIONS,
        PROCEDURES,
        PART_A_RULE,
        PART_B_RULE,
        WAIVERS,
        GRANTS,
        HISILICON,
    ),
    facts=(
        spec(
            "purpose",
            sorted(LISTED_PURPOSES),
            "what the equipment is used for; Hytera, Hikvision and Dahua equipment is covered "
            "only for these purposes, and any other purpose means none of them",
            location=FactLocation.PURPOSE,
            open=True,
        ),
        spec(
            "essential",
            [True, False],
            "on a component: it is a substantial or essential component of the system, or "
            "critical technology",
            location=FactLocation.COMPONENT,
        ),
        spec(
            "uses-covered-equipment",
            [True, False],
            "the contractor uses covered equipment or services as a substantial or essential "
            "component of any system, as it represents under FAR 52.204-24/-26 (Part B). Not "
            "stated: the pack warns that the representation must be read before award",
        ),
        spec(
            "provides-covered-equipment",
            [True, False],
            "the offeror will provide covered telecommunications equipment or services in "
            "performing the contract, as it represents under FAR 52.204-24(d)(1) (or "
            "52.204-26(c)(1) in SAM) (Part A). `false`: an agency's item whose parts are not "
            "declared counts as holding none (FAR 4.2103(a)(2)(i)); `true`: review, with the "
            "disclosure of 52.204-24(e)(1). Not stated: undeclared parts are unknown (review)",
        ),
        spec(
            "executive-agency",
            [True, False],
            "the buyer is a US federal executive agency (41 U.S.C. 133: an executive or "
            "military department, an independent establishment, a wholly owned government "
            "corporation). Not stated: a public buyer in the sectors `central-government`, "
            "`defence` and `public-agency` is taken as one; state `false` for a state's or a "
            "city's own agency or authority, and `true` for a federal body filed in another "
            "sector",
        ),
        spec(
            "funding",
            ["federal-grant", "federal-loan", "own-budget", "other"],
            "where the money comes from; federal grant and loan funds fall under 2 CFR 200.216. "
            "Unstated, it counts as not federal for a private buyer and is unknown for a public "
            "body that is not an executive agency",
        ),
        spec(
            "exception-claimed",
            sorted(EXCEPTIONS),
            "a statutory exception the buyer invokes: `third-party-interconnection` (a service "
            "that connects to a third party's facilities: backhaul, roaming, interconnection); "
            "`no-user-data-access` (equipment that cannot route or redirect user data traffic "
            "nor give visibility into user data). Not stated means none is claimed",
        ),
        spec(
            "waiver-granted",
            [],
            "the first day of the waiver's own term. Not stated means the waiver counts from "
            "the requirement's effective date",
            dates=True,
        ),
        spec(
            "waiver-expires",
            [],
            "the last day of the waiver's own term (the agency head sets it, up to the "
            "statutory maximum). Not stated means the statutory maximum (agency waivers) or "
            "no end (DNI)",
            dates=True,
        ),
        spec(
            "waiver",
            ["agency-part-a", "agency-part-b", "dni"],
            "a waiver the buyer holds: an agency head's one-time waiver for Part A (valid to "
            "2021-08-13 at the latest) or Part B (to 2022-08-13), or a waiver by the Director "
            "of National Intelligence. Not stated means none is held",
        ),
    ),
)
