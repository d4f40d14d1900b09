"""Japan: the 10 Dec 2018 inter-ministerial agreement on IT procurement (extended 30 Jun 2020),
the 5G spectrum guideline, and the Economic Security Promotion Act's prior notification.
Sources: research notes A1; docs/packs/jp-2018.md.
"""

from __future__ import annotations

import datetime as dt

from vendorpolicy._model import Effect
from vendorpolicy._packs._base import Confidence, PackInfo, Source
from vendorpolicy._packs._common import action, action_spec, cite, listed, spec
from vendorpolicy._predicates import buyer, category, decision_date, fact
from vendorpolicy._rules import Rule, RuleSet

__all__ = ["INFO", "build"]

NAME = "jp-2018"
REPORTED = "jp.2018.reported-targets"

AGREEMENT = Source(
    title="IT調達に係る国の物品等又は役務の調達方針及び調達手続に関する申合せ (agreement on "
    "the procurement policy and procedures for IT equipment and services)",
    issuer="Relevant ministries and agencies of the Government of Japan",
    date=dt.date(2018, 12, 10),
    url="https://www.nisc.go.jp/council/cs/index.html#cs41",
    note="Date and purpose confirmed in NISC's Cybersecurity 2024, annex 4-3; the agreement "
    "text itself was not read. It names no company or country.",
)
START = Source(
    title="Jiji Press report of 10 Dec 2018 (23 government bodies, procurement from 1 Apr 2019; "
    "Huawei and ZTE reported as the effective targets)",
    issuer="Jiji Press",
    date=dt.date(2018, 12, 10),
    url="https://jmh.usembassy.gov/20181211116182/",
    confidence=Confidence.PARTLY_CONFIRMED,
)
NIKKEI = Source(
    title="Nikkei report of 14 Dec 2018 (rules apply to procurement from April 2019)",
    issuer="Nikkei",
    date=dt.date(2018, 12, 14),
    url="https://www.nikkei.com/article/DGXMZO38955250U8A211C1000000/",
    confidence=Confidence.PARTLY_CONFIRMED,
)
NISC_ROLE = Source(
    title="Nikkei xTECH report of 23 May 2019 (NISC takes part in the procurement review)",
    issuer="Nikkei xTECH",
    date=dt.date(2019, 5, 23),
    url="https://tech.nikkeibp.co.jp/atcl/nxt/news/18/05083/",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="The exact procedural duty is unconfirmed at primary level.",
)
AMENDMENT = Source(
    title="Partial amendment of the agreement extending it to incorporated administrative "
    "agencies and designated corporations",
    issuer="Relevant ministries and agencies; Cybersecurity Countermeasures Promotion Council",
    date=dt.date(2020, 6, 30),
    url="https://www.nisc.go.jp/",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="Known only from a secondary summary citing the NISC documents.",
)
GUIDELINE = Source(
    title="5G specific base station opening guideline (開設指針), promulgated 24 Jan 2019",
    issuer="Ministry of Internal Affairs and Communications",
    date=dt.date(2019, 1, 24),
    url="https://www.soumu.go.jp/johotsusintokei/whitepaper/ja/r02/text/nd112240.txt",
    note="The Radio Regulatory Council endorsed the draft on 14 Dec 2018; it asks carriers "
    "applying for 5G certification to take note of the 10 Dec 2018 agreement.",
)
ESPA = Source(
    title="Economic Security Promotion Act (Act No. 43 of 2022), chapter 3: prior notification "
    "of specified critical facilities, applying from 17 May 2024",
    issuer="Cabinet Office",
    date=dt.date(2024, 5, 17),
    url="https://www.cao.go.jp/keizai_anzen_hosho/",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="Dates from InfoCom Research and keiyaku-watch.jp; the Cabinet Office page was not read.",
)

AGREEMENT_FROM = dt.date(2019, 4, 1)
AMENDMENT_FROM = dt.date(2020, 6, 30)
IN_SCOPE = frozenset({"national-security", "confidential", "personal-data", "core-infrastructure"})

#: National government bodies from FY2019; incorporated administrative agencies and designated
#: corporations from the 2020 amendment.
BOUND = buyer.is_public & (
    buyer.sector.in_({"central-government", "defence"})
    | (buyer.sector.in_({"public-agency"}) & decision_date.on_or_after(AMENDMENT_FROM))
)
IT = category.within("telecom", "it")
SCOPED = fact("system-scope").in_(IN_SCOPE)


def build() -> RuleSet:
    """The Japan rule set."""
    agreement = cite(AGREEMENT, START, NIKKEI, AMENDMENT)
    return RuleSet(
        id=NAME,
        version="2024-05-17",
        title="Japan: government IT procurement agreement (10 Dec 2018) and related measures",
        description="National government bodies (from FY2019) and, from the 30 Jun 2020 "
        "amendment, incorporated administrative agencies may not procure equipment whose "
        "supply-chain risk cannot be dispelled for systems that need special protection, and "
        "consult NISC first. Carriers are asked to take note; designated critical-"
        "infrastructure operators notify before introducing critical equipment (from 2024).",
        rules=[
            Rule(
                id="unresolved-supply-chain-risk",
                when=BOUND & IT & SCOPED & fact("supply-chain-risk").in_({"not-dispelled"}),
                effect=Effect.DENY,
                reason="a bound body may not procure, for a system that needs special "
                "protection, equipment or services whose supply-chain risk cannot be dispelled",
                source=agreement,
                in_force_from=AGREEMENT_FROM,
            ),
            Rule(
                id="consult-nisc",
                when=BOUND & IT & SCOPED,
                unless=fact("nisc-consulted").in_({True}, if_missing=False),
                effect=Effect.REVIEW,
                obligations=[
                    "obtain the maker and model of the candidate equipment and components",
                    "consult NISC (the national cybersecurity centre) before award",
                ],
                reason="for systems that need special protection the buying body reviews "
                "supply-chain risk with NISC before award",
                source=cite(AGREEMENT, NISC_ROLE, AMENDMENT),
                in_force_from=AGREEMENT_FROM,
            ),
            Rule(
                id="reported-target",
                when=BOUND & IT & SCOPED & listed(REPORTED),
                unless=fact("supply-chain-risk").in_({"dispelled"}, if_missing=False),
                effect=Effect.REVIEW,
                reason="the agreement names no company, but it was reported as meant to keep "
                "this maker out; its risk must be assessed and found dispelled",
                source=cite(AGREEMENT, START),
                in_force_from=AGREEMENT_FROM,
            ),
            Rule(
                id="carriers-take-note",
                when=buyer.is_private
                & buyer.sector.in_({"carrier"})
                & category.within("telecom")
                & fact("network").in_({"5g"})
                & (listed(REPORTED) | fact("supply-chain-risk").in_({"not-dispelled"})),
                effect=Effect.WARN,
                reason="private carriers are not bound by the agreement; the 5G guideline only "
                "asks them to take note of it",
                source=cite(GUIDELINE, AGREEMENT),
                in_force_from=GUIDELINE.date,
            ),
            Rule(
                id="espa-prior-notification",
                when=buyer.sector.in_({"carrier", "critical-infrastructure"})
                & fact("espa-designated-operator").is_true
                & fact("espa-specified-equipment").is_true
                & action("buy", "install", "maintain"),
                unless=fact("espa-screening").in_({"cleared"}, if_missing=False),
                effect=Effect.REVIEW,
                obligations=[
                    (
                        "notify the competent minister before introducing the equipment or "
                        "outsourcing its maintenance, and wait for the screening"
                    ),
                ],
                reason="a designated critical-infrastructure operator must notify and be "
                "screened before introducing specified critical equipment or outsourcing its "
                "maintenance",
                source=cite(ESPA),
                in_force_from=ESPA.date,
            ),
        ],
    )


INFO = PackInfo(
    name=NAME,
    title="Japan: IT procurement agreement of 10 Dec 2018 (with the 2020 amendment, the 5G "
    "guideline and the 2024 prior notification)",
    jurisdiction="JP",
    binds="national government bodies (23 at the start) from 1 Apr 2019; incorporated "
    "administrative agencies and designated corporations from 30 Jun 2020; designated "
    "critical-infrastructure operators for prior notification from 17 May 2024. Private "
    "carriers are only asked to take note",
    force="an administrative agreement among ministries (binding on them, not law); the pack "
    "denies only on a finding that the risk cannot be dispelled, and reviews the rest",
    summary="Criteria, not names: no procurement of equipment whose supply-chain risk cannot "
    "be dispelled for systems that need special protection, after consulting NISC.",
    sources=(AGREEMENT, START, NIKKEI, NISC_ROLE, AMENDMENT, GUIDELINE, ESPA),
    facts=(
        spec(
            "system-scope",
            [*sorted(IN_SCOPE), "other"],
            "the system the purchase is for: `national-security` (national security and public "
            "safety), `confidential` (highly confidential information), `personal-data` (large "
            "volumes of personal data), `core-infrastructure` (core business and LAN "
            "infrastructure), or `other`",
        ),
        spec(
            "supply-chain-risk",
            ["dispelled", "not-dispelled"],
            "the outcome of the supply-chain-risk review of the equipment or service",
        ),
        spec(
            "nisc-consulted",
            [True, False],
            "NISC has been consulted on this procurement. Not stated means not yet",
        ),
        spec(
            "network",
            ["5g", "4g-or-earlier", "full-fibre", "other"],
            "the network the equipment is for",
        ),
        spec(
            "espa-designated-operator",
            [True, False],
            "the buyer is a designated critical-infrastructure operator under the Economic "
            "Security Promotion Act",
        ),
        spec(
            "espa-specified-equipment",
            [True, False],
            "the equipment is a specified critical facility under that Act",
        ),
        spec(
            "espa-screening",
            ["not-notified", "pending", "cleared"],
            "where the prior notification stands; `cleared` once the screening period ended "
            "without a recommendation. Not stated means not notified",
        ),
        action_spec("buy", "install", "maintain"),
    ),
)
