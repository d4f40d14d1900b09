"""European Union: the 5G cybersecurity toolbox (29 Jan 2020) and the Commission's 15 Jun 2023
communication on its implementation. Sources: research notes A8; docs/packs/eu-5g-toolbox.md.
"""

from __future__ import annotations

import datetime as dt

from vendorpolicy._model import Effect
from vendorpolicy._packs._base import PackInfo, Source
from vendorpolicy._packs._common import CARRIER, action, action_spec, cite, listed, spec
from vendorpolicy._packs._common import via_owner_only as owner_only
from vendorpolicy._predicates import buyer, category, components, fact
from vendorpolicy._rules import Case, Rule, RuleSet

__all__ = ["INFO", "build"]

NAME = "eu-5g-toolbox"
DESIGNATION = "eu.5g-toolbox.higher-risk"

TOOLBOX = Source(
    title="Secure 5G deployment in the EU - Implementing the EU toolbox, COM(2020) 50",
    issuer="European Commission (endorsing the NIS Cooperation Group's toolbox)",
    date=dt.date(2020, 1, 29),
    url="https://eur-lex.europa.eu/legal-content/EN/ALL/?uri=COM%3A2020%3A0050%3AFIN",
    note="The toolbox itself is a NIS Cooperation Group document; it names no vendor.",
)
COMMUNICATION = Source(
    title="Communication on the implementation of the 5G cybersecurity Toolbox",
    issuer="European Commission",
    date=dt.date(2023, 6, 15),
    url="https://digital-strategy.ec.europa.eu/nl/news-redirect/791526",
    note="Huawei and ZTE considered materially higher-risk; the Commission limits its own "
    "exposure. A communication does not bind Member States. The document number "
    "C(2023) 4049 is unconfirmed.",
)
CRITICAL = frozenset({"core", "o-and-m", "transmission", "ran"})


def build() -> RuleSet:
    """The EU rule set."""
    higher_risk = listed(DESIGNATION)
    owner_case = Case(
        when=owner_only(DESIGNATION),
        effect=Effect.REVIEW,
        reason="the Commission named Huawei and ZTE; whether that extends to this group "
        "company is not confirmed in the sources",
    )
    return RuleSet(
        id=NAME,
        version="2023-06-15",
        title="EU 5G cybersecurity toolbox (29 Jan 2020) and the Commission's 15 Jun 2023 "
        "communication",
        description="Non-binding guidance to Member States and operators (the pack warns); "
        "binding only on the European Commission's own connectivity procurement.",
        rules=[
            Rule(
                id="toolbox-high-risk-supplier",
                when=CARRIER
                & fact("network").in_({"5g"})
                & fact("network-function").in_(CRITICAL)
                & fact("supplier-risk").in_({"high"}),
                effect=Effect.WARN,
                reason="the toolbox recommends restricting or excluding high-risk suppliers "
                "from critical and sensitive 5G assets; it is not binding",
                source=cite(TOOLBOX),
                in_force_from=TOOLBOX.date,
            ),
            Rule(
                id="materially-higher-risk-5g",
                when=(CARRIER | buyer.is_public)
                & category.within("telecom")
                & fact("network").in_({"5g"})
                & higher_risk,
                effect=Effect.WARN,
                reason="the Commission considers Huawei and ZTE materially higher-risk 5G "
                "suppliers and Member State restrictions on them justified; not binding",
                source=cite(COMMUNICATION),
                in_force_from=COMMUNICATION.date,
            ),
            Rule(
                id="commission-connectivity",
                when=buyer.is_public
                & fact("eu-buyer").in_({"european-commission"})
                & category.within("telecom/service")
                & (higher_risk | components.any(higher_risk)),
                effect=Effect.DENY,
                cases=[
                    owner_case,
                    Case(
                        when=action("maintain", "renew", "extend"),
                        effect=Effect.REVIEW,
                        reason="for existing services the Commission works to phase these "
                        "suppliers out rather than stopping at once",
                    ),
                ],
                reason="the Commission will not procure new connectivity services that rely on "
                "Huawei or ZTE equipment",
                source=cite(COMMUNICATION),
                in_force_from=COMMUNICATION.date,
            ),
            Rule(
                id="eu-funding",
                when=fact("funding").in_({"eu-funds"})
                & (higher_risk | components.any(higher_risk)),
                effect=Effect.WARN,
                reason="the Commission takes the risk of these suppliers into account in EU "
                "funding programmes",
                source=cite(COMMUNICATION),
                in_force_from=COMMUNICATION.date,
            ),
        ],
    )


INFO = PackInfo(
    name=NAME,
    title="EU 5G cybersecurity toolbox and the 2023 Commission communication",
    jurisdiction="EU",
    binds="no one outside the Commission: guidance to Member States and operators; the "
    "Commission's own connectivity procurement",
    force="non-binding guidance (the pack warns); binding only on the Commission itself (the "
    "pack denies there)",
    summary="Restrict high-risk suppliers in critical 5G assets; Huawei and ZTE named as "
    "materially higher-risk in 2023.",
    sources=(TOOLBOX, COMMUNICATION),
    facts=(
        spec(
            "network",
            ["5g", "4g-or-earlier", "full-fibre", "other"],
            "the network the equipment is for",
        ),
        spec(
            "network-function",
            [*sorted(CRITICAL), "access", "other"],
            "the part of the network the equipment is for; `core`, `o-and-m`, `transmission` "
            "and `ran` are read as the toolbox's critical and sensitive assets",
        ),
        spec(
            "supplier-risk",
            ["high", "not-high"],
            "the supplier's risk profile as assessed under the toolbox",
        ),
        spec(
            "eu-buyer",
            ["european-commission", "other"],
            "for public buyers: whether the buyer is the European Commission",
        ),
        spec(
            "funding",
            ["eu-funds", "own-budget", "other"],
            "where the money comes from; `eu-funds` for EU funding programmes",
        ),
        action_spec("buy", "maintain", "renew", "extend"),
    ),
)
