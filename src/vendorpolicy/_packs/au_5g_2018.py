"""Australia: the 23 Aug 2018 5G security guidance to carriers, read with the security and
notification obligations of Part 14 of the Telecommunications Act 1997 (the TSSR, 18 Sep 2018 to
3 Apr 2025) and of Part 2D of the Security of Critical Infrastructure Act 2018 (from 4 Apr 2025).
Sources: research notes A4; docs/packs/au-5g-2018.md.

What can escalate (a fact that is not stated makes the decision unknown) only once the known
facts put the purchase in reach: a carrier's network equipment (not customer devices, not office
IT) from a reported vendor, or with declared parts from one, or from a vendor the carrier
assessed as exposed. Then the network escalates, and so does a vendor the registry cannot
identify; undeclared parts of an identified, unreported vendor's equipment count as none. The
carrier's own judgements
(``foreign-direction-risk``, ``material-change``) and what it has done (``tssr-notified``,
``tssr-exempt``) count only when stated: the Act puts them on the carrier ("becomes aware",
s314A(1)).
"""

from __future__ import annotations

import datetime as dt

from vendorpolicy._model import Effect
from vendorpolicy._packs._base import Confidence, PackInfo, Reach, Source
from vendorpolicy._packs._common import (
    CARRIER,
    NETWORK_EQUIPMENT,
    cite,
    confined,
    domestic,
    listed_or_inside,
    spec,
)
from vendorpolicy._predicates import Predicate, category, decision_date, fact
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
    note="Read in reports (TelecomTV, The Age, Converge Digest) that quote it; the ministerial "
    "page was not found. It names no vendor or country and applies to all carriers equally; "
    "Huawei said it and ZTE had been told they were excluded.",
)
TSSR = Source(
    title="Telecommunications Sector Security Reforms come into force (Telecommunications and "
    "Other Legislation Amendment Act 2017)",
    issuer="Minister for Home Affairs",
    date=dt.date(2018, 9, 18),
    url="https://minister.homeaffairs.gov.au/peterdutton/Pages/"
    "Telecommunications-Sector-Security-Reforms-come-into-force.aspx",
)
S314A = Source(
    title="Telecommunications Act 1997 s314A (notification of proposed changes), with s313(1A) "
    "and (2A) (the security obligation)",
    issuer="Parliament of Australia",
    url="http://beta.worldlii.org/au/legis/cth/consol_act/ta1997214/s314a.html",
    note="Carriers and nominated carriage service providers that become aware a proposed change "
    "is likely to have a material adverse effect on their capacity to meet s313(1A)/(2A) must "
    "notify; changes include procuring notifiable equipment, moving it, outsourcing and "
    "offshore access to data; s314A(2A) excludes changes an instrument determines. The security "
    "obligation binds carriers, carriage service providers and carriage service intermediaries.",
)
TSS_FORMS = Source(
    title="Telecommunications Sector Security: notification and exemption forms",
    issuer="Cyber and Infrastructure Security Centre (Department of Home Affairs)",
    url="https://cicentre.gov.au/tss/forms",
    note="Forms for notifying a proposed change (s314A), for a security capability plan (s314C) "
    "and for an exemption from the notification requirement.",
)
SOCI = Source(
    title="Telecommunications security reforms: the ERP Act 2024, Schedule 5, in force 4 Apr 2025",
    issuer="Department of Home Affairs",
    url="https://www.homeaffairs.gov.au/about-us/our-portfolios/national-security/"
    "security-coordination/telecommunication-sector-security",
    note="From 4 Apr 2025 the Part 14 (TSSR) obligations ceased; the SOCI Act 2018 requires "
    "responsible entities for critical telecommunications assets to protect them (competent "
    "supervision, effective control) and, for assets owned or operated by a carrier, to notify "
    "the Secretary of Home Affairs of changes that could have a material effect on that "
    "capacity. A later 5G security guidance under the SOCI Act keeps the 2018 position (reported; "
    "its date was not confirmed).",
)

TSSR_FROM = dt.date(2018, 9, 18)
SOCI_FROM = dt.date(2025, 4, 4)


#: The carrier's network equipment: telecom kit other than customer devices, or IT other than
#: end-user devices (servers, storage, software, security appliances, IT services) that the
#: purchase states is for one of its networks (the `network` fact): servers that host a 5G core
#: are part of the 5G network whatever the category tree files them as (before 2026-12-04 they
#: passed). IT whose network is not stated is office IT, as before.
NETWORK_KIT = NETWORK_EQUIPMENT | (
    category.within("it")
    & ~category.within("it/endpoint")
    & fact("network").in_({"5g", "4g-or-earlier", "full-fibre", "other"}, if_missing=False)
)


def exposed() -> Predicate:
    """The vendor, or a declared part's maker, is reported excluded; or the carrier assessed the
    vendor as likely to be subject to extrajudicial foreign directions (a claim)."""
    return listed_or_inside(REPORTED) | fact("foreign-direction-risk").in_({True}, if_missing=False)


def _notify(
    rule_id: str,
    to: str,
    sources: tuple[Source, ...],
    start: dt.date,
    until: dt.date | None = None,
) -> Rule:
    return Rule(
        id=rule_id,
        when=CARRIER & NETWORK_KIT & fact("material-change").in_({True}, if_missing=False),
        unless=fact("tssr-notified").in_({True}, if_missing=False)
        | fact("tssr-exempt").in_({True}, if_missing=False),
        effect=Effect.REVIEW,
        obligations=[f"notify {to} of the proposed change before making it"],
        reason="a carrier that becomes aware a proposed change to its network or services is "
        "likely to have a material effect on its ability to protect them (new services, moving "
        "or procuring equipment, outsourcing, offshore access to data) must notify it first",
        source=cite(*sources),
        in_force_from=start,
        in_force_until=until,
    )


#: The buyer is in Australia (issue 9, scope 5): every rule reads it, so a buyer stated abroad
#: is outside the pack, and one whose country is not stated counts as Australian.
IN_AUSTRALIA = domestic({"AU"})


def build() -> RuleSet:
    """The Australia rule set."""
    rule_set = RuleSet(
        id=NAME,
        version="2026-12-04",
        title="Australia: 5G security guidance (23 Aug 2018), the TSSR (18 Sep 2018) and the "
        "SOCI Act telecommunications obligations (4 Apr 2025)",
        description="Carriers using vendors likely to be subject to extrajudicial directions "
        "from a foreign government may fail to protect 5G networks; carriers notify proposed "
        "changes. Criteria-based guidance: the pack reviews, it does not deny.",
        rules=[
            Rule(
                id="5g-extrajudicial-direction-risk",
                when=CARRIER & NETWORK_KIT & fact("network").in_({"5g"}) & exposed(),
                effect=Effect.REVIEW,
                cases=[
                    Case(
                        when=decision_date.before(TSSR_FROM),
                        effect=Effect.WARN,
                        reason="guidance only until the security obligations commenced on "
                        "18 Sep 2018",
                    )
                ],
                obligations=[
                    "assess the vendor against the guidance's criterion",
                    "notify the proposed change (s314A; from 4 Apr 2025, under the SOCI Act)",
                ],
                reason="a vendor likely to be subject to extrajudicial directions from a foreign "
                "government that conflict with Australian law puts the carrier's duty to "
                "protect its 5G network at risk; the government found no mix of technical "
                "controls that reduced the risk enough",
                source=cite(GUIDANCE, TSSR, S314A, SOCI),
                in_force_from=GUIDANCE.date,
            ),
            _notify(
                "tssr-notify-change",
                "the Communications Access Co-ordinator (or set it out in a security "
                "capability plan)",
                (TSSR, S314A, TSS_FORMS),
                TSSR_FROM,
                SOCI_FROM - dt.timedelta(days=1),
            ),
            _notify(
                "soci-notify-change",
                "the Secretary of Home Affairs",
                (SOCI,),
                SOCI_FROM,
            ),
        ],
    )
    return confined(IN_AUSTRALIA, rule_set)


INFO = PackInfo(
    name=NAME,
    title="Australia: 5G security guidance of 23 Aug 2018, the TSSR and the SOCI Act",
    jurisdiction="AU",
    binds="carriers and carriage service providers (all equally), for their networks: not "
    "customer devices, not office IT, not government buyers as such",
    force="guidance on how carriers meet a legal duty; the pack reviews and never denies",
    summary="Criteria, not names: vendors likely to be subject to extrajudicial directions from "
    "a foreign government (reported: Huawei, ZTE) kept out of 5G networks; material changes "
    "notified.",
    reach=(
        Reach(
            summary="carriers and carriage service providers, for their networks",
            countries={"AU"},
            sectors={"carrier"},
            source=cite(GUIDANCE, S314A),
        ),
    ),
    sources=(GUIDANCE, TSSR, S314A, TSS_FORMS, SOCI),
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
            "directions from a foreign government that conflict with Australian law. Not "
            "stated means not assessed so (reported vendors are reviewed regardless)",
        ),
        spec(
            "material-change",
            [True, False],
            "the carrier is aware the purchase is a change likely to have a material (adverse) "
            "effect on its ability to protect its networks and services. Not stated means not",
        ),
        spec(
            "tssr-notified",
            [True, False],
            "the change has been notified: to the Communications Access Co-ordinator or in a "
            "security capability plan (TSSR), or to the Secretary of Home Affairs (SOCI Act, "
            "from 4 Apr 2025). Not stated means not yet",
        ),
        spec(
            "tssr-exempt",
            [True, False],
            "the carrier is exempt from notifying this change (an exemption granted to it, or "
            "a kind of change an instrument excludes). Not stated means not exempt",
        ),
    ),
)
