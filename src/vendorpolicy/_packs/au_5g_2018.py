"""Australia: the 23 Aug 2018 5G security guidance to carriers, read with the
Telecommunications Sector Security Reforms (from 18 Sep 2018). Sources: research notes A4;
docs/packs/au-5g-2018.md.
"""

from __future__ import annotations

import datetime as dt

from vendorpolicy._model import Effect
from vendorpolicy._packs._base import Confidence, PackInfo, Source
from vendorpolicy._packs._common import CARRIER, cite, listed, spec
from vendorpolicy._predicates import category, decision_date, fact
from vendorpolicy._rules import Case, Rule, RuleSet

__all__ = ["INFO", "build"]

NAME = "au-5g-2018"
REPORTED = "au.5g-2018.reported-excluded"

GUIDANCE = Source(
    title="Joint media release 'Government Provides 5G Security Guidance To Australian Carriers'",
    issuer="Scott Morrison (Acting Minister for Home Affairs) and Mitch Fifield (Minister for "
    "Communications and the Arts)",
    date=dt.date(2018, 8, 23),
    confidence=Confidence.PARTLY_CONFIRMED,
    note="Read in reports (TelecomTV, AAP, The Age); the ministerial page was not found. It names "
    "no vendor or country; Huawei said it and ZTE had been told they were excluded.",
)
TSSR = Source(
    title="Telecommunications Sector Security Reforms come into force (Telecommunications and "
    "Other Legislation Amendment Act 2017)",
    issuer="Minister for Home Affairs",
    date=dt.date(2018, 9, 18),
    url="https://minister.homeaffairs.gov.au/peterdutton/Pages/"
    "Telecommunications-Sector-Security-Reforms-come-into-force.aspx",
)
TSSR_PAGE = Source(
    title="Telecommunications Sector Security Reforms",
    issuer="Department of Home Affairs",
    url="https://www.homeaffairs.gov.au/help-and-support/how-to-engage-us/consultations/"
    "telecommunications-sector-security-reforms",
    note="The security obligation binds carriers, carriage service providers and intermediaries; "
    "the duty to notify changes binds carriers and nominated carriage service providers.",
)

TSSR_FROM = dt.date(2018, 9, 18)


def build() -> RuleSet:
    """The Australia rule set."""
    return RuleSet(
        id=NAME,
        version="2018-09-18",
        title="Australia: 5G security guidance (23 Aug 2018) and the TSSR (18 Sep 2018)",
        description="Carriers using vendors likely to be subject to extrajudicial directions "
        "from a foreign government may fail to protect 5G networks; carriers notify proposed "
        "changes. Criteria-based guidance: the pack reviews, it does not deny.",
        rules=[
            Rule(
                id="5g-extrajudicial-direction-risk",
                when=CARRIER
                & category.within("telecom")
                & fact("network").in_({"5g"})
                & (listed(REPORTED) | fact("foreign-direction-risk").is_true),
                effect=Effect.REVIEW,
                cases=[
                    Case(
                        when=decision_date.before(TSSR_FROM),
                        effect=Effect.WARN,
                        reason="guidance only until the security obligations commenced on "
                        "18 Sep 2018",
                    )
                ],
                reason="a vendor likely to be subject to extrajudicial directions from a foreign "
                "government that conflict with Australian law puts the carrier's duty to "
                "protect its 5G network at risk; the government found no mix of technical "
                "controls that reduced the risk enough",
                source=cite(GUIDANCE, TSSR, TSSR_PAGE),
                in_force_from=GUIDANCE.date,
            ),
            Rule(
                id="tssr-notify-change",
                when=CARRIER & fact("material-change").is_true,
                unless=fact("tssr-notified").in_({True}, if_missing=False),
                effect=Effect.REVIEW,
                obligations=["notify the Government of the proposed change before making it"],
                reason="carriers and nominated carriage service providers notify proposed changes "
                "likely to have a material adverse effect on their ability to protect networks",
                source=cite(TSSR, TSSR_PAGE),
                in_force_from=TSSR_FROM,
            ),
        ],
    )


INFO = PackInfo(
    name=NAME,
    title="Australia: 5G security guidance of 23 Aug 2018 and the TSSR",
    jurisdiction="AU",
    binds="carriers and carriage service providers (all equally); not government buyers as such",
    force="guidance on how carriers meet a legal duty; the pack reviews and never denies",
    summary="Criteria, not names: vendors likely to be subject to extrajudicial directions from "
    "a foreign government (reported: Huawei, ZTE) kept out of 5G networks.",
    sources=(GUIDANCE, TSSR, TSSR_PAGE),
    facts=(
        spec(
            "network",
            ["5g", "4g-or-earlier", "full-fibre", "other"],
            "the network the equipment is for",
        ),
        spec(
            "foreign-direction-risk",
            [True, False],
            "the carrier's assessment: the vendor is likely to be subject to extrajudicial "
            "directions from a foreign government that conflict with Australian law",
        ),
        spec(
            "material-change",
            [True, False],
            "the purchase is a change likely to have a material adverse effect on the "
            "carrier's ability to protect its networks from unauthorised access or interference",
        ),
        spec(
            "tssr-notified",
            [True, False],
            "the change has been notified under the TSSR. Not stated means not yet",
        ),
    ),
)
