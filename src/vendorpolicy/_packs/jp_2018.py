"""Japan: the 10 Dec 2018 inter-ministerial agreement on IT procurement (extended 30 Jun 2020),
the 5G spectrum guideline, and the Economic Security Promotion Act's prior notification.
Sources: research notes A1; docs/packs/jp-2018.md.

Escalation (issue 9, defect class 1): an unknown fact escalates only where the known facts
already put the purchase in a rule's reach.

- The agreement's rules read the scope, the components and the review's outcome only for a
  bound body buying covered equipment (``BOUND & COVERED``).
- The carriers' advisory warns only on a reported maker (of the equipment or of a declared
  component) or a stated finding: an unstated finding, and undeclared parts, are "not
  claimed" there, since carriers are not bound.
- The prior notification escalates on an unstated "specified equipment" only for a buyer that
  states it is a designated operator, and not for end-user devices. A stated designation
  reaches the buyer whatever its sector (a bank or an airline is designated as a carrier is).
- Every rule reads the buyer's country (``JAPANESE``): a buyer stated to be outside Japan is
  outside every rule, and one whose country is not stated counts as Japanese.
"""

from __future__ import annotations

import datetime as dt

from vendorpolicy._model import Effect
from vendorpolicy._packs._base import Confidence, PackInfo, Reach, Source
from vendorpolicy._packs._common import (
    action,
    action_spec,
    cite,
    listed,
    listed_or_inside,
    spec,
)
from vendorpolicy._predicates import buyer, category, components, decision_date, fact
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
    "text itself was not read, its content is known from the reports cited with it. It names "
    "no company or country.",
)
START = Source(
    title="Jiji Press report of 10 Dec 2018 (23 government bodies, procurement from 1 Apr 2019; "
    "Huawei and ZTE reported as the effective targets)",
    issuer="Jiji Press",
    date=dt.date(2018, 12, 10),
    url="https://jmh.usembassy.gov/20181211116182/",
    confidence=Confidence.PARTLY_CONFIRMED,
)
PROCEDURE = Source(
    title="k-tai Watch report of 10 Dec 2018 (applies to procurement whose procedure starts on "
    "or after 1 Apr 2019; bodies ask NISC and the IT strategy office for advice, in principle; "
    "smartphones, PCs, servers, routers and the like)",
    issuer="Impress k-tai Watch",
    date=dt.date(2018, 12, 10),
    url="https://k-tai.watch.impress.co.jp/docs/news/1157587.html",
    confidence=Confidence.PARTLY_CONFIRMED,
)
SCOPE = Source(
    title="Nikkei report of 10 Dec 2018 (five kinds of system: national security and public "
    "safety, highly confidential information, large volumes of personal data, core and "
    "infrastructure systems, systems with very large operating costs)",
    issuer="Nikkei",
    date=dt.date(2018, 12, 10),
    url="https://www.nikkei.com/article/DGXMZO38728050Q8A211C1MM0000/",
    confidence=Confidence.PARTLY_CONFIRMED,
)
NIKKEI = Source(
    title="Nikkei report of 14 Dec 2018 (nine kinds of items, from lines and servers to "
    "software, procured from April 2019; the 5G guideline asks carriers to take note of the "
    "agreement)",
    issuer="Nikkei",
    date=dt.date(2018, 12, 14),
    url="https://www.nikkei.com/article/DGXMZO38955250U8A211C1000000/",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="The list of the nine kinds was not read; the pack reads them as telecom and IT "
    "equipment and services, and networked cameras and conferencing equipment on government "
    "systems.",
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
    note="Known from a secondary summary (dokuhou.blogspot.com) citing the NISC documents: the "
    "87 incorporated administrative agencies and the designated corporations of the "
    "Cybersecurity Basic Act, after 83 cases of undispelled risk by the end of FY2019.",
)
GUIDELINE = Source(
    title="5G specific base station opening guideline (開設指針), promulgated 24 Jan 2019",
    issuer="Ministry of Internal Affairs and Communications",
    date=dt.date(2019, 1, 24),
    url="https://www.soumu.go.jp/johotsusintokei/whitepaper/ja/r02/text/nd112240.txt",
    note="The Radio Regulatory Council endorsed the draft on 14 Dec 2018; it asks carriers "
    "applying for 5G certification to take note of the 10 Dec 2018 agreement, which MIC said "
    "also covers the government's procurement of communications services.",
)
ESPA = Source(
    title="Economic Security Promotion Act (Act No. 43 of 2022), chapter 3 (arts. 49-59): prior "
    "notification of specified critical equipment, applying from 17 May 2024",
    issuer="Cabinet Office",
    date=dt.date(2024, 5, 17),
    url="https://www.cao.go.jp/keizai_anzen_hosho/",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="Dates from InfoCom Research (https://www.icr.co.jp/newsletter/?p=12476) and "
    "keiyaku-watch.jp; Keidanren (26 Oct 2023) reports that the notification covers the "
    "equipment's component equipment and suppliers. The Cabinet Office page was not read.",
)
ESPA_DESIGNATION = Source(
    title="Economic Security Promotion Act (Act No. 43 of 2022), art. 50(1): the competent "
    "minister designates, among those carrying on a specified social-infrastructure business "
    "(one a Cabinet Order lists), the operators that meet the ministerial criteria",
    issuer="National Diet of Japan",
    date=dt.date(2022, 5, 18),
    url="https://www.sn-hoki.co.jp/data/pickup_hourei/onct/"
    "KEIZAISHISAKUITTAITEKIANZENHOSHOUKAKUHOSUISHIN-HOU20250314-53.html",
    confidence=Confidence.PARTLY_CONFIRMED,
    note="Article 50 read in a publisher's copy of the Act (with the 2024 amendment). The "
    "businesses number 14 (EY Japan, "
    "https://www.ey.com/ja_jp/insights/infrastructure/impact-of-the-economic-security-"
    "promotion-bill-in-japan-on-infrastructure-industry) or 15 with the later addition "
    "(atomitech.jp), among them electricity, telecommunications, finance and aviation; the "
    "Cabinet Order itself was not read.",
)
ESPA_MIC_ORDINANCE = Source(
    title="総務省関係経済施策を一体的に講ずることによる安全保障の確保の推進に関する法律に基づく"
    "特定社会基盤事業者等に関する省令 (MIC Ordinance No. 64 of 2023), art. 1: the specified "
    "critical equipment of the telecommunications business under art. 2(iv) of Japan's "
    "Telecommunications Business Act (Act No. 86 of 1984)",
    issuer="Ministry of Internal Affairs and Communications",
    url="https://legaldoc.jp/elaws/elaws-view?cid=1&id=505M60000008064&fid=505M60000008064_20231101_000000000000000",
    note="Read in a copy of the e-Gov text. The ordinance sets the criteria and the equipment; "
    "it names no operator. MIC's 2024 white paper (part II ch. 8 s. 4, "
    "https://www.soumu.go.jp/johotsusintokei/whitepaper/ja/r06/html/nd228400.html) says that "
    "MIC designated the telecommunications, broadcasting and postal operators that meet the "
    "criteria once these rules were complete in November 2023; the list of designated "
    "operators was not read.",
)

AGREEMENT_FROM = dt.date(2019, 4, 1)
AMENDMENT_FROM = dt.date(2020, 6, 30)
IN_SCOPE = frozenset(
    {
        "national-security",
        "confidential",
        "personal-data",
        "core-infrastructure",
        "large-operating-cost",
    }
)

#: A Japanese buyer; one whose country is not stated counts as Japanese, as the pack assumes its
#: jurisdiction. Every rule reads it: the agreement binds Japan's own bodies, the 5G guideline
#: addresses applicants for Japanese 5G certification, and the Economic Security Promotion Act
#: designates operators of Japanese critical infrastructure, so a foreign buyer is outside all
#: of them.
JAPANESE = buyer.country.in_({"JP"}, if_missing=True)
#: National government bodies from FY2019; incorporated administrative agencies and designated
#: corporations from the 2020 amendment, Japanese, so that a foreign government's purchase is
#: outside the agreement.
BOUND = (
    JAPANESE
    & buyer.is_public
    & (
        buyer.sector.in_({"central-government", "defence"})
        | (buyer.sector.in_({"public-agency"}) & decision_date.on_or_after(AMENDMENT_FROM))
    )
)
#: IT equipment and services the agreement covers: telecom and IT, and the networked cameras and
#: conferencing equipment of government systems.
COVERED = category.within("telecom", "it", "video/surveillance", "video/conferencing")
SCOPED = fact("system-scope").in_(IN_SCOPE)
#: A reported maker, as the equipment's maker or as a component's.
TARGET = listed(REPORTED) | components.any(listed(REPORTED))
#: What the carriers' advisory reads: a reported maker, as the equipment's maker or as a declared
#: component's (issue 9, class 2: the agreement the guideline asks carriers to note reaches
#: equipment that contains such products). Undeclared parts count as none, since carriers are
#: not bound and nothing known puts a reported maker's product in the purchase.
CARRIER_TARGET = listed_or_inside(REPORTED)
#: Network equipment, not the customer devices a carrier sells: telecom kit, or IT other than
#: end-user devices (servers, storage, software, security appliances, IT services) that the
#: purchase states is for the 5G network (servers that host the 5G core are network equipment
#: whatever the category tree files them as; before 2026-12-04 they passed). IT whose network is
#: not stated is office IT, not escalated.
NETWORK_KIT = (category.within("telecom") & ~category.within("telecom/endpoint")) | (
    category.within("it")
    & ~category.within("it/endpoint")
    & fact("network").in_({"5g"}, if_missing=False)
)
END_DEVICES = category.within("it/endpoint", "telecom/endpoint")

_OPERATOR = fact("espa-designated-operator")
_SPECIFIED = fact("espa-specified-equipment")
#: The prior notification's reach: a critical-infrastructure operator's specified equipment
#: (defined only for designated operators, so an unstated designation counts as held there), or
#: the equipment of a buyer that states it is a designated operator, whatever its sector (the
#: designation, not a sector label, decides who is bound: art. 50 designates operators of the
#: businesses a Cabinet Order lists, finance and aviation among them), other than end-user
#: devices, when whether it is specified is not stated.
ESPA_REACH = JAPANESE & (
    (
        buyer.sector.in_({"carrier", "critical-infrastructure"})
        & _SPECIFIED.in_({True}, if_missing=False)
        & _OPERATOR.in_({True}, if_missing=True)
    )
    | (
        _OPERATOR.in_({True}, if_missing=False)
        & (_SPECIFIED.in_({True}, if_missing=False) | (~END_DEVICES & _SPECIFIED.in_({True})))
    )
)


def build() -> RuleSet:
    """The Japan rule set."""
    agreement = cite(AGREEMENT, START, PROCEDURE, SCOPE, NIKKEI, AMENDMENT)
    reach = BOUND & COVERED & SCOPED
    return RuleSet(
        id=NAME,
        version="2026-12-04",
        title="Japan: government IT procurement agreement (10 Dec 2018) and related measures",
        description="National government bodies (from FY2019) and, from the 30 Jun 2020 "
        "amendment, incorporated administrative agencies may not procure equipment whose "
        "supply-chain risk cannot be dispelled for systems that need special protection, and "
        "consult NISC first. Carriers are asked to take note; designated critical-"
        "infrastructure operators notify before introducing critical equipment (from 2024).",
        rules=[
            Rule(
                id="unresolved-supply-chain-risk",
                when=reach & fact("supply-chain-risk").in_({"not-dispelled"}),
                effect=Effect.DENY,
                reason="a bound body may not procure, for a system that needs special "
                "protection, equipment or services whose supply-chain risk cannot be dispelled",
                source=agreement,
                in_force_from=AGREEMENT_FROM,
            ),
            Rule(
                id="consult-nisc",
                when=reach,
                unless=fact("nisc-consulted").in_({True}, if_missing=False),
                effect=Effect.REVIEW,
                obligations=[
                    "obtain the maker and model of the candidate equipment and components",
                    "consult NISC (the national cybersecurity centre) before award",
                ],
                reason="for systems that need special protection the buying body reviews "
                "supply-chain risk with NISC before award",
                source=cite(AGREEMENT, PROCEDURE, NISC_ROLE, AMENDMENT),
                in_force_from=AGREEMENT_FROM,
            ),
            Rule(
                id="reported-target",
                when=reach & TARGET,
                unless=fact("supply-chain-risk").in_({"dispelled"}, if_missing=False),
                effect=Effect.REVIEW,
                reason="the agreement names no company, but it was reported as meant to keep "
                "this maker's products out, as equipment or as components; their risk must be "
                "assessed and found dispelled",
                source=cite(AGREEMENT, START, PROCEDURE),
                in_force_from=AGREEMENT_FROM,
            ),
            Rule(
                id="carriers-take-note",
                when=JAPANESE
                & buyer.sector.in_({"carrier"})
                & NETWORK_KIT
                & fact("network").in_({"5g"})
                & (
                    CARRIER_TARGET
                    | fact("supply-chain-risk").in_({"not-dispelled"}, if_missing=False)
                ),
                effect=Effect.WARN,
                reason="carriers are not bound by the agreement; the 5G guideline only asks "
                "them (every applicant for 5G certification, publicly owned or not) to take "
                "note of it",
                source=cite(GUIDELINE, AGREEMENT, NIKKEI),
                in_force_from=GUIDELINE.date,
            ),
            Rule(
                id="espa-prior-notification",
                when=ESPA_REACH & action("buy", "install", "maintain"),
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
                source=cite(ESPA, ESPA_DESIGNATION, ESPA_MIC_ORDINANCE),
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
    "critical-infrastructure operators for prior notification from 17 May 2024. Carriers "
    "(publicly owned or not) are only asked to take note",
    force="an administrative agreement among ministries (binding on them, not law); the pack "
    "denies only on a finding that the risk cannot be dispelled, and reviews the rest",
    summary="Criteria, not names: no procurement of equipment whose supply-chain risk cannot "
    "be dispelled for systems that need special protection, after consulting NISC.",
    reach=(
        Reach(
            summary="Japan's national government bodies from 1 Apr 2019, and incorporated "
            "administrative agencies and designated corporations from 30 Jun 2020",
            countries={"JP"},
            public=True,
            sectors={"central-government", "defence", "public-agency"},
            source=cite(AGREEMENT, AMENDMENT),
        ),
        Reach(
            summary="carriers (publicly owned or not), which the 5G guideline asks to take note",
            countries={"JP"},
            sectors={"carrier"},
            source=cite(GUIDELINE),
        ),
        Reach(
            summary="designated critical-infrastructure operators (prior notification "
            "under the Economic Security Promotion Act, from 17 May 2024)",
            countries={"JP"},
            sectors={"carrier", "critical-infrastructure"},
            source=cite(ESPA),
        ),
        Reach(
            summary="any buyer that states it is an operator designated under the Economic "
            "Security Promotion Act (prior notification, from 17 May 2024), whatever its sector",
            countries={"JP"},
            facts={"espa-designated-operator": True},
            source=cite(ESPA),
        ),
    ),
    sources=(
        AGREEMENT,
        START,
        PROCEDURE,
        SCOPE,
        NIKKEI,
        NISC_ROLE,
        AMENDMENT,
        GUIDELINE,
        ESPA,
        ESPA_DESIGNATION,
        ESPA_MIC_ORDINANCE,
    ),
    facts=(
        spec(
            "system-scope",
            [*sorted(IN_SCOPE), "other"],
            "the system the purchase is for: `national-security` (national security and public "
            "safety), `confidential` (highly confidential information), `personal-data` (large "
            "volumes of personal data), `core-infrastructure` (core business and LAN "
            "infrastructure), `large-operating-cost` (very large operating costs), or `other`",
        ),
        spec(
            "supply-chain-risk",
            ["dispelled", "not-dispelled"],
            "the outcome of the supply-chain-risk review of the equipment or service and its "
            "components",
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
