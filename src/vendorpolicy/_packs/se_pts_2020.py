"""Sweden: the PTS licence conditions of 20 Oct 2020 for the 3.5 GHz and 2.3 GHz bands, with
the court's suspension in Nov-Dec 2020. Sources: research notes A7; docs/packs/se-pts-2020.md.
"""

from __future__ import annotations

import datetime as dt

from vendorpolicy._model import Effect
from vendorpolicy._packs._base import Confidence, PackInfo, Source
from vendorpolicy._packs._common import CARRIER, action, action_spec, cite, listed, spec
from vendorpolicy._packs._common import via_owner_only as owner_only
from vendorpolicy._predicates import decision_date, fact
from vendorpolicy._rules import Case, Rule, RuleSet

__all__ = ["INFO", "build"]

NAME = "se-pts-2020"
DESIGNATION = "se.pts.central-functions"

DECISION = Source(
    title="PTS: four companies approved for participation in the 3.5 GHz and 2.3 GHz auctions "
    "(licence conditions on Huawei and ZTE)",
    issuer="Post- och telestyrelsen (PTS)",
    date=dt.date(2020, 10, 20),
    url="https://www.pts.se/en/news/press-releases/2020/"
    "four-companies-approved-for-participation-in-the-3.5-ghz-and-2.3-ghz-auctions/",
)
INHIBITION = Source(
    title="Förvaltningsrätten i Stockholm: inhibition of the Huawei-related conditions",
    issuer="Administrative Court in Stockholm",
    date=dt.date(2020, 11, 9),
    note="Reported by Telecompaper and CommsUpdate, 10 Nov 2020.",
)
LIFTED = Source(
    title="Kammarrätten upphäver inhibitionen av villkor om Huawei (case 7432-20)",
    issuer="Administrative Court of Appeal in Stockholm",
    url="https://www.domstol.se/kammarratten-i-stockholm/nyheter/2020/12/"
    "kammarratten-upphaver-inhibitionen-av-villkor-om-huawei/",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="December 2020; the pack takes the suspension to end on 16 Dec 2020, a day the sources "
    "reached do not confirm.",
)
UPHELD = Source(
    title="Förbud mot produkter från Huawei står fast (cases 5222-21 and 5223-21)",
    issuer="Administrative Court of Appeal in Stockholm",
    url="https://www.domstol.se/kammarratten-i-stockholm/nyheter/2022/06/"
    "forbud-mot-produkter-fran-huawei-star-fast/",
    note="June 2022, final instance; the exact day is unconfirmed.",
)

SUSPENDED_FROM = dt.date(2020, 11, 9)
SUSPENDED_UNTIL = dt.date(2020, 12, 16)
PHASE_OUT = dt.date(2025, 1, 1)
CENTRAL = frozenset({"core", "ran", "transmission", "o-and-m"})
_VIA_OWNER = (
    "the conditions name Huawei and ZTE; whether they reach this group company is not "
    "confirmed in the sources"
)


def build() -> RuleSet:
    """The Sweden rule set."""
    scope = (
        CARRIER
        & fact("licence").in_({"se-3.5-2.3-ghz"})
        & fact("network-function").in_(CENTRAL)
        & listed(DESIGNATION)
    )
    suspended = decision_date.on_or_after(SUSPENDED_FROM) & decision_date.before(
        SUSPENDED_UNTIL + dt.timedelta(days=1)
    )
    return RuleSet(
        id=NAME,
        version="2022-06",
        title="Sweden: PTS licence conditions for 3.5 GHz and 2.3 GHz (20 Oct 2020)",
        description="Licensees may not install Huawei or ZTE products in new central functions "
        "for these bands and must phase existing ones out by 1 Jan 2025.",
        rules=[
            Rule(
                id="no-new-central-functions",
                when=scope & action("buy", "install"),
                effect=Effect.DENY,
                cases=[
                    Case(
                        when=suspended,
                        effect=Effect.REVIEW,
                        reason="the Administrative Court suspended the Huawei conditions from "
                        "9 Nov to mid-December 2020; they were reinstated and later upheld",
                    ),
                    Case(when=owner_only(DESIGNATION), effect=Effect.REVIEW, reason=_VIA_OWNER),
                ],
                reason="new central functions (radio access, transmission, core, operation and "
                "maintenance) for the 3.5 and 2.3 GHz bands must not use Huawei or ZTE products",
                source=cite(DECISION, INHIBITION, LIFTED, UPHELD),
                in_force_from=DECISION.date,
            ),
            Rule(
                id="phase-out-by-2025",
                when=scope & action("maintain", "renew", "extend"),
                effect=Effect.DENY,
                cases=[
                    Case(
                        when=decision_date.before(PHASE_OUT),
                        effect=Effect.WARN,
                        reason="existing Huawei and ZTE products in central functions may stay "
                        "until 1 Jan 2025",
                    ),
                    Case(when=owner_only(DESIGNATION), effect=Effect.REVIEW, reason=_VIA_OWNER),
                ],
                reason="existing Huawei and ZTE products in central functions for these bands "
                "had to be phased out by 1 Jan 2025",
                source=cite(DECISION, UPHELD),
                in_force_from=DECISION.date,
            ),
        ],
    )


INFO = PackInfo(
    name=NAME,
    title="Sweden: PTS 3.5 GHz and 2.3 GHz licence conditions (20 Oct 2020)",
    jurisdiction="SE",
    binds="holders of the 3.5 GHz and 2.3 GHz licences (Hi3G Access, Net4Mobility, Telia "
    "Sverige, Teracom); not government buyers",
    force="law: licence conditions upheld by the courts; the pack denies, and reviews during "
    "the court's suspension",
    summary="No Huawei or ZTE products in new central functions; existing ones out by 1 Jan 2025.",
    sources=(DECISION, INHIBITION, LIFTED, UPHELD),
    facts=(
        spec(
            "licence",
            ["se-3.5-2.3-ghz", "other"],
            "the licence the equipment serves: `se-3.5-2.3-ghz` for the bands auctioned in "
            "January 2021",
        ),
        spec(
            "network-function",
            [*sorted(CENTRAL), "access", "other"],
            "the part of the network the equipment is for; `ran`, `transmission`, `core` and "
            "`o-and-m` (service and maintenance networks) are central functions",
        ),
        action_spec("buy", "install", "maintain", "renew", "extend"),
    ),
)
