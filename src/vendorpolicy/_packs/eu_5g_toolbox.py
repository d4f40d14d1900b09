"""European Union: the 5G cybersecurity toolbox (29 Jan 2020) and the Commission's 15 Jun 2023
communication on its implementation. Sources: research notes A8; docs/packs/eu-5g-toolbox.md.

What can escalate only once the known facts put the purchase in reach: for an operator's 5G
network equipment (not customer devices) from Huawei or ZTE (any company of the group, or
declared parts from one), the network function and the network; for the Commission's own
connectivity, what the purchase does and whose equipment the service relies on; for a buyer of
the Union's own institutions (country `EU`), whether it is the Commission. For any other buyer,
being the Commission counts only when stated, and so do EU funding and an operator's own risk
assessment.

Jurisdiction: the operator rules read the buyer's country (the member states the toolbox
addresses; a carrier whose country is not stated counts as one of theirs), so an operator
abroad (Norway, the UK) is outside them; the Commission's rule reads the buyer, and the
funding rule reaches EU-funded projects wherever they are.
"""

from __future__ import annotations

import datetime as dt

from vendorpolicy._model import Effect
from vendorpolicy._packs._base import Confidence, PackInfo, Reach, Source
from vendorpolicy._packs._common import (
    CARRIER,
    NETWORK_EQUIPMENT,
    action,
    action_spec,
    cite,
    domestic,
    listed_or_inside,
    spec,
)
from vendorpolicy._predicates import buyer, category, fact
from vendorpolicy._rules import Case, Rule, RuleSet

__all__ = ["INFO", "build"]

NAME = "eu-5g-toolbox"
DESIGNATION = "eu.5g-toolbox.higher-risk"

TOOLBOX = Source(
    title="Secure 5G deployment in the EU - Implementing the EU toolbox, COM(2020) 50",
    issuer="European Commission (endorsing the NIS Cooperation Group's toolbox)",
    date=dt.date(2020, 1, 29),
    url="https://eur-lex.europa.eu/legal-content/EN/ALL/?uri=COM%3A2020%3A0050%3AFIN",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="The toolbox itself is a NIS Cooperation Group document; it names no vendor. Measure "
    "SM03 (restrictions for high-risk suppliers on key assets defined as critical and "
    "sensitive: core network functions, network management and orchestration, access network "
    "functions) was read in summaries of the toolbox, not in its text.",
)
COMMUNICATION = Source(
    title="Communication on the implementation of the 5G cybersecurity Toolbox, with the NIS "
    "Cooperation Group's second progress report",
    issuer="European Commission",
    date=dt.date(2023, 6, 15),
    url="https://digital-strategy.ec.europa.eu/nl/news-redirect/791526",
    note="Huawei and ZTE in fact present materially higher risks than other 5G suppliers; "
    "Member State restrictions on them are justified. The Commission avoids exposing its "
    "corporate communications to mobile networks using them, procures no new connectivity "
    "services relying on their equipment and phases them out of existing ones, and reflects "
    "the risk in EU funding programmes. The progress report asks that restrictions cover the "
    "radio access network. A communication does not bind Member States. The document number "
    "C(2023) 4049 is unconfirmed.",
)
MEMBERS = Source(
    title="The member states of the European Union: 27 since 1 Feb 2020, Hungary among the ten "
    "that acceded on 1 May 2004 (Act of Accession 2003, OJ L 236, 23 Sep 2003)",
    issuer="European Union",
    date=dt.date(2004, 5, 1),
    url="https://european-union.europa.eu/principles-countries-history/eu-countries_en",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="The list and the accession dates were read in secondary lists of the member states "
    "with their ISO 3166-1 codes; the EU's own page was not read.",
)

#: The toolbox's critical and sensitive assets (core, network management and orchestration,
#: access network functions), with transmission; the 2023 progress report asks that
#: restrictions cover the radio access network, so `access` of a 5G network counts as `ran`.
CRITICAL = frozenset({"core", "o-and-m", "transmission", "ran", "access"})
#: Equipment other than telecom equipment (servers, software, cloud hosting; not user devices)
#: that the purchase states serves a critical function, or a 5G network: a virtualised 5G core
#: runs on such systems, and the toolbox's core network functions and network management and
#: orchestration are functions, whatever they run on. Counted only when stated, so an operator's
#: other IT is not in reach; either statement puts it in reach, so the other, missing, escalates.
SERVES_CRITICAL = ~category.within("telecom/endpoint", "it/endpoint") & (
    fact("network-function").in_(CRITICAL, if_missing=False)
    | fact("network").in_({"5g"}, if_missing=False)
)
#: The Commission as a buyer: a public buyer that says it is (`eu-buyer`), or one of the
#: Union's own institutions (country `EU`) that does not say which: only the Commission is
#: bound, so for an EU institution the `eu-buyer` fact escalates when not stated, while for a
#: national buyer it counts only when stated.
COMMISSION = buyer.is_public & (
    fact("eu-buyer").in_({"european-commission"}, if_missing=False)
    | (buyer.country.in_({"EU"}) & fact("eu-buyer").in_({"european-commission"}))
)


def build() -> RuleSet:
    """The EU rule set."""
    operator_5g = (
        CARRIER
        & domestic(EU_MEMBERS)
        & (NETWORK_EQUIPMENT | SERVES_CRITICAL)
        & fact("network").in_({"5g"})
        & fact("network-function").in_(CRITICAL)
    )
    higher_risk = listed_or_inside(DESIGNATION)
    # The Commission's connectivity is judged by the equipment it relies on: undeclared parts
    # are unknown there, as the buyer and what it buys are already in reach.
    relies_on = listed_or_inside(DESIGNATION, if_undeclared=None)
    return RuleSet(
        id=NAME,
        version="2026-12-04",
        title="EU 5G cybersecurity toolbox (29 Jan 2020) and the Commission's 15 Jun 2023 "
        "communication",
        description="Non-binding guidance to Member States and operators (the pack warns); "
        "binding only on the European Commission's own connectivity procurement.",
        rules=[
            Rule(
                id="toolbox-high-risk-supplier",
                when=operator_5g & fact("supplier-risk").in_({"high"}, if_missing=False),
                effect=Effect.WARN,
                reason="the toolbox recommends restricting or excluding high-risk suppliers "
                "from critical and sensitive 5G assets; it is not binding",
                source=cite(TOOLBOX, MEMBERS),
                in_force_from=TOOLBOX.date,
            ),
            Rule(
                id="materially-higher-risk-5g",
                when=operator_5g & higher_risk,
                effect=Effect.WARN,
                reason="the Commission considers Huawei and ZTE materially higher-risk 5G "
                "suppliers and Member State restrictions on them justified, including in the "
                "radio access network; not binding",
                source=cite(COMMUNICATION, TOOLBOX, MEMBERS),
                in_force_from=COMMUNICATION.date,
            ),
            Rule(
                id="commission-connectivity",
                when=COMMISSION & NETWORK_EQUIPMENT & relies_on,
                effect=Effect.DENY,
                cases=[
                    Case(
                        when=action("maintain", "renew", "extend"),
                        effect=Effect.REVIEW,
                        reason="for existing services the Commission works to phase these "
                        "suppliers out progressively rather than stopping at once",
                    ),
                ],
                reason="the Commission will not procure new connectivity services that rely on "
                "Huawei or ZTE equipment, and avoids exposing its corporate communications to "
                "networks using them",
                source=cite(COMMUNICATION),
                in_force_from=COMMUNICATION.date,
            ),
            Rule(
                id="eu-funding",
                when=fact("funding").in_({"eu-funds"}, if_missing=False)
                & category.within("telecom")
                & higher_risk,
                effect=Effect.WARN,
                reason="the Commission takes the risk of these suppliers into account in EU "
                "funding programmes",
                source=cite(COMMUNICATION),
                in_force_from=COMMUNICATION.date,
            ),
        ],
    )


#: The EU's 27 member states (ISO 3166-1 alpha-2), whom the toolbox's recommendations address
#: (MEMBERS); Greece is `GR` in ISO 3166-1 (the EU's own abbreviation is EL).
EU_MEMBERS = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    }
)  # fmt: skip


INFO = PackInfo(
    name=NAME,
    title="EU 5G cybersecurity toolbox and the 2023 Commission communication",
    jurisdiction="EU",
    binds="the European Commission's own connectivity procurement; advises mobile network "
    "operators (their 5G networks, not customer devices) and projects funded by EU programmes",
    force="non-binding guidance (the pack warns); binding only on the Commission itself (the "
    "pack denies there)",
    summary="Restrict high-risk suppliers in critical 5G assets; Huawei and ZTE (any group "
    "company) named as materially higher-risk in 2023.",
    reach=(
        Reach(
            summary="the European Commission's own connectivity procurement",
            countries={"EU"},
            public=True,
            source=cite(TOOLBOX, COMMUNICATION),
        ),
        Reach(
            summary="a public buyer that states it is the European Commission (`eu-buyer`), "
            "whatever country it gives (that of the seat or office it buys for)",
            public=True,
            facts={"eu-buyer": "european-commission"},
            source=cite(TOOLBOX, COMMUNICATION),
        ),
        Reach(
            summary="mobile network operators in the member states (advice)",
            countries=EU_MEMBERS,
            sectors={"carrier"},
            source=cite(TOOLBOX, COMMUNICATION, MEMBERS),
        ),
        Reach(
            summary="projects funded by EU programmes (advice)",
            funding={"eu-funds"},
            source=cite(TOOLBOX, COMMUNICATION),
        ),
    ),
    sources=(TOOLBOX, COMMUNICATION, MEMBERS),
    facts=(
        spec(
            "network",
            ["5g", "4g-or-earlier", "full-fibre", "other"],
            "the network the equipment is for",
        ),
        spec(
            "network-function",
            [*sorted(CRITICAL), "other"],
            "the part of the network the equipment is for; `core`, `o-and-m` (network "
            "management and orchestration), `transmission`, `ran` and `access` (radio or other "
            "access network) are read as the toolbox's critical and sensitive assets; `other` "
            "is anything else (passive infrastructure, office networks)",
        ),
        spec(
            "supplier-risk",
            ["high", "not-high"],
            "the supplier's risk profile as assessed under the toolbox. Not stated means no "
            "assessment is claimed",
        ),
        spec(
            "eu-buyer",
            ["european-commission", "other"],
            "for public buyers: whether the buyer is the European Commission. Not stated means "
            "another buyer",
        ),
        spec(
            "funding",
            ["eu-funds", "own-budget", "other"],
            "where the money comes from; `eu-funds` for EU funding programmes. Not stated means "
            "no EU funding is claimed",
        ),
        action_spec("buy", "maintain", "renew", "extend"),
    ),
)
