"""Sweden: the PTS licence conditions of 20 Oct 2020 for the 3.5 GHz and 2.3 GHz bands, with
the court's suspension of the Huawei conditions (9 Nov to 15 Dec 2020) and the judgments that
upheld them. Sources: research notes A7; docs/packs/se-pts-2020.md.

What can escalate only once the known facts put the purchase in reach: for a carrier's network
equipment or systems (not customer devices, not office IT) from Huawei or ZTE (any company of
the group, or declared parts from one), the licence, the network function and what the purchase
does. Undeclared parts of an unlisted vendor's equipment count as none: nothing known puts Huawei
or ZTE products in it. Whether a central function depends on staff or functions abroad counts
only when stated.
"""

from __future__ import annotations

import datetime as dt

from vendorpolicy._model import Effect
from vendorpolicy._packs._base import Confidence, PackInfo, Reach, Source
from vendorpolicy._packs._common import (
    CARRIER,
    NETWORK_SYSTEMS,
    action,
    action_spec,
    cite,
    confined,
    domestic,
    listed_or_inside,
    spec,
)
from vendorpolicy._predicates import (
    Predicate,
    category,
    components,
    decision_date,
    fact,
    purchase,
    vendor,
)
from vendorpolicy._rules import Case, Rule, RuleSet

__all__ = ["INFO", "build"]

NAME = "se-pts-2020"
DESIGNATION = "se.pts.central-functions"

DECISION = Source(
    title="PTS: four companies approved for participation in the 3.5 GHz and 2.3 GHz auctions "
    "(licence conditions on Huawei and ZTE, and on functions abroad)",
    issuer="Post- och telestyrelsen (PTS)",
    date=dt.date(2020, 10, 20),
    url="https://www.pts.se/en/news/press-releases/2020/"
    "four-companies-approved-for-participation-in-the-3.5-ghz-and-2.3-ghz-auctions/",
    note="Decision points 2 (items 28 and 30) and 3 as the courts quote them (RK 2020:2, "
    "RK 2022:1): no new installation or implementation of central functions for radio use in "
    "the bands with products from Huawei or ZTE; existing ones phased out by 1 Jan 2025; "
    "dependencies of central functions on staff or functions abroad phased out by the same day. "
    "Central functions: radio access, transmission, core and operation and maintenance networks. "
    "The licences were granted with these conditions on 20 Jan 2021.",
)
INHIBITION = Source(
    title="Förvaltningsrätten i Stockholm: inhibition of the conditions on Huawei products",
    issuer="Administrative Court in Stockholm",
    date=dt.date(2020, 11, 9),
    note="Reported by PTS ('the license condition relating to Huawei ... will not apply for the "
    "time being'), Mobil.se and Reuters; the court found Huawei had standing for the conditions "
    "on its products.",
)
LIFTED = Source(
    title="Kammarrätten upphäver inhibitionen av villkor om Huawei (case 7432-20, RK 2020:2)",
    issuer="Administrative Court of Appeal in Stockholm",
    date=dt.date(2020, 12, 16),
    url="https://www.domstol.se/kammarratten-i-stockholm/nyheter/2020/12/"
    "kammarratten-upphaver-inhibitionen-av-villkor-om-huawei/",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="The court's page was read; the day, 16 Dec 2020, is from Reuters as reported by "
    "Digital Watch. The Supreme Administrative Court dismissed Huawei's further appeal on "
    "14 Jan 2021.",
)
UPHELD = Source(
    title="Förbud mot produkter från Huawei står fast (cases 5222-21 and 5223-21, RK 2022:1)",
    issuer="Administrative Court of Appeal in Stockholm",
    url="https://www.domstol.se/kammarratten-i-stockholm/nyheter/2022/06/"
    "forbud-mot-produkter-fran-huawei-star-fast/",
    note="June 2022, final instance, upholding the Administrative Court's judgment of "
    "22 Jun 2021, which had upheld both the Huawei conditions and the condition on functions "
    "abroad; the exact day in June 2022 is unconfirmed.",
)

#: The day of the decision: equipment acquired before it is "existing", later a new installation.
CONDITIONS_FROM = dt.date(2020, 10, 20)
SUSPENDED_FROM = dt.date(2020, 11, 9)
#: The appeal court lifted the suspension on 16 Dec 2020: the last suspended day is the 15th.
SUSPENDED_UNTIL = dt.date(2020, 12, 15)
PHASE_OUT = dt.date(2025, 1, 1)
CENTRAL = frozenset({"core", "ran", "transmission", "o-and-m"})
#: Radio equipment (base stations, radio units, baseband, antennas). Stated as `access`, it is
#: the radio access network, a central function ("radioaccessnät (antenner och basstationer)"):
#: only fixed access (fibre, copper) is outside the central functions.
RADIO = category.within("telecom/radio")
#: Huawei's operating company and its parent: a product of any company either controls is a
#: Huawei product for the suspension, which concerned the conditions on Huawei's products.
HUAWEI = frozenset({"huawei-technologies", "huawei-investment-holding"})
ABROAD_OBLIGATION = (
    "phase out the dependency on staff or functions abroad, replacing them with staff or "
    "functions in Sweden where needed"
)


def _huawei() -> Predicate:
    """A Huawei group company supplies the purchase or one of its declared parts."""
    group = vendor.id.in_(HUAWEI, through_ownership=True)
    return group | components.any(group, if_undeclared=False)


#: The buyer is in Sweden (issue 9, scope 5): every rule reads it, so a buyer stated abroad
#: is outside the pack, and one whose country is not stated counts as Swedish.
IN_SWEDEN = domestic({"SE"})


def build() -> RuleSet:
    """The Sweden rule set."""
    central = (
        CARRIER
        & NETWORK_SYSTEMS
        & fact("licence").in_({"se-3.5-2.3-ghz"})
        & (
            fact("network-function").in_(CENTRAL)
            | (fact("network-function").in_({"access"}) & RADIO)
        )
    )
    scope = central & listed_or_inside(DESIGNATION)
    suspended = decision_date.on_or_after(SUSPENDED_FROM) & decision_date.before(
        SUSPENDED_UNTIL + dt.timedelta(days=1)
    )
    rule_set = RuleSet(
        id=NAME,
        version="2026-12-04",
        title="Sweden: PTS licence conditions for 3.5 GHz and 2.3 GHz (20 Oct 2020)",
        description="Licensees may not install Huawei or ZTE products in new central functions "
        "for these bands, must phase existing ones out by 1 Jan 2025, and by then must end the "
        "dependence of central functions on staff or functions abroad.",
        rules=[
            Rule(
                id="no-new-central-functions",
                when=scope & action("buy", "install"),
                effect=Effect.DENY,
                cases=[
                    Case(
                        when=suspended & _huawei(),
                        effect=Effect.REVIEW,
                        reason="the Administrative Court suspended the conditions on Huawei "
                        "products from 9 Nov 2020 until the appeal court lifted the suspension "
                        "on 16 Dec 2020; they were later upheld",
                    ),
                ],
                reason="new central functions (radio access, transmission, core, operation and "
                "maintenance) for the 3.5 and 2.3 GHz bands must not use products from Huawei "
                "or ZTE, whichever company of the group supplies them",
                source=cite(DECISION, INHIBITION, LIFTED, UPHELD),
                in_force_from=DECISION.date,
            ),
            Rule(
                id="phase-out-by-2025",
                when=scope & action("maintain", "renew", "extend"),
                effect=Effect.DENY,
                cases=[
                    Case(
                        when=decision_date.before(PHASE_OUT)
                        & purchase.acquired.on_or_after(SUSPENDED_FROM)
                        & purchase.acquired.before(SUSPENDED_UNTIL + dt.timedelta(days=1))
                        & _huawei(),
                        effect=Effect.REVIEW,
                        reason="Huawei equipment installed while the court had suspended the "
                        "conditions on Huawei products (9 Nov to 15 Dec 2020): whether it counts "
                        "as existing equipment that may stay until 1 Jan 2025 needs a legal view",
                    ),
                    Case(
                        when=decision_date.before(PHASE_OUT)
                        & purchase.acquired.before(CONDITIONS_FROM),
                        effect=Effect.WARN,
                        reason="existing Huawei and ZTE products in central functions (acquired "
                        "before the conditions of 20 Oct 2020) may stay until 1 Jan 2025",
                    ),
                ],
                reason="Huawei and ZTE products in central functions for these bands had to be "
                "phased out by 1 Jan 2025, and ones installed after the conditions of 20 Oct "
                "2020 were barred new installations from the start",
                source=cite(DECISION, UPHELD),
                in_force_from=DECISION.date,
            ),
            Rule(
                id="functions-abroad",
                when=central & fact("operated-from-abroad").in_({True}, if_missing=False),
                effect=Effect.DENY,
                cases=[
                    Case(
                        when=decision_date.before(PHASE_OUT),
                        effect=Effect.WARN,
                        reason="dependencies on staff or functions abroad had to be phased out "
                        "(and, where needed, replaced in Sweden) by 1 Jan 2025",
                    ),
                ],
                obligations=[ABROAD_OBLIGATION],
                reason="central functions for these bands may not depend on staff or functions "
                "located abroad from 1 Jan 2025",
                source=cite(DECISION, UPHELD),
                in_force_from=DECISION.date,
            ),
        ],
    )
    return confined(IN_SWEDEN, rule_set)


INFO = PackInfo(
    name=NAME,
    title="Sweden: PTS 3.5 GHz and 2.3 GHz licence conditions (20 Oct 2020)",
    jurisdiction="SE",
    binds="holders of the 3.5 GHz and 2.3 GHz licences (Hi3G Access, Net4Mobility, Telia "
    "Sverige, Teracom), for the central functions of their networks; not government buyers",
    force="law: licence conditions upheld by the courts; the pack denies, and reviews Huawei "
    "purchases judged during the court's suspension",
    summary="No Huawei or ZTE products (any group company) in new central functions; existing "
    "ones out by 1 Jan 2025; no dependence on staff or functions abroad from then.",
    reach=(
        Reach(
            summary="holders of the 3.5 GHz and 2.3 GHz licences, for the central "
            "functions of their networks",
            countries={"SE"},
            sectors={"carrier"},
            source=cite(DECISION),
        ),
    ),
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
            "the part of the network the equipment is for; `ran` (antennas and base stations), "
            "`transmission` (traffic between access and core), `core` (service production, "
            "customer data, billing) and `o-and-m` (operation and maintenance networks) are "
            "central functions; `access` is fixed access (fibre, copper), and radio equipment "
            "stated as `access` is read as the radio access network",
        ),
        action_spec("buy", "install", "maintain", "renew", "extend"),
        spec(
            "operated-from-abroad",
            [True, False],
            "the central function depends on staff or functions located outside Sweden (remote "
            "operation, support or hosting abroad). Not stated means it does not",
        ),
    ),
)
