"""New Zealand: network security under Part 3 of the Telecommunications (Interception
Capability and Security) Act 2013, and the GCSB's 28 Nov 2018 finding on Spark's 5G proposal.
Sources: research notes A5; docs/packs/nz-ticsa.md.

What can escalate only once the known facts put the purchase in reach: for a network operator's
network equipment (telecommunications equipment, not customer devices), the part of the network
it is for; for its IT systems, that part counts only when stated, since an operator's servers
and software may as well be office IT, which is no part of its network; for a Huawei 5G RAN
proposal (the vendor, or declared parts from it), the network generation, and a vendor the
registry cannot identify. Undeclared parts of an identified vendor's equipment count as none.
The GCSB's outcome and an exemption count only when stated.
"""

from __future__ import annotations

import datetime as dt

from vendorpolicy._model import Effect
from vendorpolicy._packs._base import PackInfo, Reach, Source
from vendorpolicy._packs._common import (
    CARRIER,
    NETWORK_EQUIPMENT,
    NETWORK_SYSTEMS,
    cite,
    confined,
    domestic,
    listed_or_inside,
    spec,
)
from vendorpolicy._predicates import Predicate, category, fact
from vendorpolicy._rules import Rule, RuleSet

__all__ = ["INFO", "build"]

NAME = "nz-ticsa"
PRECEDENT = "nz.gcsb.2018-spark-5g-ran"

ACT = Source(
    title="Telecommunications (Interception Capability and Security) Act 2013 (2013 No 91), "
    "Part 3 in force from 11 May 2014",
    issuer="New Zealand Parliament",
    date=dt.date(2013, 11, 11),
    url="https://www.legislation.govt.nz/act/public/2013/0091/latest/whole.html",
)
GCSB_TICSA = Source(
    title="TICSA network security: notification of proposals, areas of specified security "
    "interest (s47) and exemptions",
    issuer="National Cyber Security Centre (GCSB)",
    url="https://www.ncsc.govt.nz/what-we-do/regulations-and-standards/ticsa-network-security/"
    "notification-of-proposals",
    note="Network operators (who own, control or operate a public telecommunications network, "
    "or supply the capability to provide a telecommunications service) notify proposals in an "
    "area of specified security interest before implementing them (s48), unless an exemption "
    "granted by the Director-General covers them.",
)
SPARK = Source(
    title="GCSB Director-General's finding on Spark's 5G proposal (Huawei equipment in the "
    "planned 5G radio access network), as Spark's NZX announcement and the GCSB's statement "
    "reported it",
    issuer="Government Communications Security Bureau",
    date=dt.date(2018, 11, 28),
    url="https://www.rnz.co.nz/news/political/377048/minister-gcsb-decision-about-risk-assessment-not-china",
    note="Spark: under TICSA it cannot implement or give effect to the proposal. The minister "
    "said it was not a ban on a company or country and mitigations could be explored. Also read "
    "in the NZ Herald and Technology Decisions of 28-29 Nov 2018.",
)

PART_3_FROM = dt.date(2014, 5, 11)
#: Areas of specified security interest (s47), as the pack's vocabulary names them.
SECURITY_AREAS = frozenset({"noc", "lawful-interception", "core", "customer-data", "aggregation"})
CLEARED = frozenset({"no-significant-risk", "mitigated"})


def _in_security_area() -> Predicate:
    """The purchase is for an area of specified security interest: said so, or, for network
    equipment (not IT systems, which may be an office's), when the part is not stated."""
    stated = fact("network-function").in_(SECURITY_AREAS, if_missing=False)
    return stated | (NETWORK_EQUIPMENT & fact("network-function").in_(SECURITY_AREAS))


def _cleared() -> Predicate:
    return fact("gcsb-outcome").in_(CLEARED, if_missing=False)


#: The buyer is in New Zealand (issue 9, scope 5): every rule reads it, so a buyer stated abroad
#: is outside the pack, and one whose country is not stated counts as from New Zealand.
IN_NEW_ZEALAND = domestic({"NZ"})


def build() -> RuleSet:
    """The New Zealand rule set."""
    rule_set = RuleSet(
        id=NAME,
        version="2026-12-04",
        title="New Zealand: TICSA network security (Part 3, from 11 May 2014)",
        description="Network operators notify the GCSB of proposed changes in areas of "
        "specified security interest; a change the GCSB finds a significant network security "
        "risk cannot go ahead as proposed.",
        rules=[
            Rule(
                id="notify-gcsb",
                when=CARRIER & NETWORK_SYSTEMS & _in_security_area(),
                unless=_cleared() | fact("notification-exempt").in_({True}, if_missing=False),
                effect=Effect.REVIEW,
                obligations=[
                    "notify the GCSB of the proposed change before deciding on it",
                    "wait for the GCSB's assessment; propose mitigations if it finds a risk",
                ],
                reason="a network operator must notify the GCSB of proposed changes in areas of "
                "specified security interest (network operations centres, lawful interception, "
                "parts of the network that manage or store aggregated customer information or "
                "credentials, places where customer data aggregates in large volumes); the GCSB "
                "assesses the network security risk",
                source=cite(ACT, GCSB_TICSA),
                in_force_from=PART_3_FROM,
            ),
            Rule(
                id="significant-risk-found",
                when=CARRIER & fact("gcsb-outcome").in_({"significant-risk"}, if_missing=False),
                effect=Effect.DENY,
                reason="the GCSB found a significant network security risk in the proposal, so "
                "it cannot be implemented as proposed unless the risk is mitigated (or the "
                "minister directs otherwise)",
                source=cite(ACT, GCSB_TICSA, SPARK),
                in_force_from=PART_3_FROM,
            ),
            Rule(
                id="spark-5g-ran-precedent",
                when=CARRIER
                & NETWORK_SYSTEMS
                & listed_or_inside(PRECEDENT)
                & fact("network").in_({"5g"})
                & (
                    fact("network-function").in_({"ran"})
                    | (fact("network-function").in_({"access"}) & category.within("telecom/radio"))
                ),
                unless=_cleared(),
                effect=Effect.REVIEW,
                obligations=["notify the GCSB and plan mitigations before committing"],
                reason="the GCSB found Spark's proposal to use this vendor's equipment in its 5G "
                "radio access network a significant network security risk; that was a finding "
                "on one proposal, not a ban, but a comparable proposal can expect the same",
                source=cite(SPARK, ACT),
                in_force_from=SPARK.date,
            ),
        ],
    )
    return confined(IN_NEW_ZEALAND, rule_set)


INFO = PackInfo(
    name=NAME,
    title="New Zealand: TICSA network security and the GCSB's 2018 Spark 5G finding",
    jurisdiction="NZ",
    binds="network operators (the pack reads buyers in the `carrier` sector), for their "
    "networks: not customer devices, not office IT",
    force="law with a case-by-case assessment: the pack reviews until the GCSB has assessed, "
    "and denies only a proposal the GCSB found a significant risk",
    summary="No names: operators notify changes in areas of specified security interest, and "
    "the GCSB assesses each proposal; Huawei in a 5G RAN was found a significant risk in 2018.",
    reach=(
        Reach(
            summary="network operators, for their networks",
            countries={"NZ"},
            sectors={"carrier"},
            source=cite(ACT, GCSB_TICSA),
        ),
    ),
    sources=(ACT, GCSB_TICSA, SPARK),
    facts=(
        spec(
            "network-function",
            [*sorted(SECURITY_AREAS), "ran", "access", "transmission", "other"],
            "the part of the network the equipment is for. Areas of specified security "
            "interest (s47): `noc` (network operations centre), `lawful-interception`, `core` "
            "and `customer-data` (parts that manage or store aggregated customer information "
            "or credentials), `aggregation` (places where customer data aggregates in large "
            "volumes). Others: `ran` (radio access network), `access` (fixed access; radio "
            "equipment stated as `access` is read as the radio access network), `transmission`, "
            "`other`",
        ),
        spec(
            "network",
            ["5g", "4g-or-earlier", "full-fibre", "other"],
            "the network the equipment is for",
        ),
        spec(
            "gcsb-outcome",
            ["significant-risk", "mitigated", "no-significant-risk"],
            "the GCSB's assessment of the notified proposal. Not stated means not yet assessed",
        ),
        spec(
            "notification-exempt",
            [True, False],
            "an exemption granted by the GCSB's Director-General (to the operator or its class) "
            "covers this change. Not stated means none",
        ),
    ),
)
