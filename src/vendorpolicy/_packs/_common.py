"""Building blocks shared by the packs: buyer groups, designation tests, fact vocabularies."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from vendorpolicy._model import FactValue
from vendorpolicy._packs._base import FactLocation, FactSpec, Source
from vendorpolicy._predicates import Predicate, buyer, category, components, fact, vendor
from vendorpolicy._rules import RuleSet

__all__ = [
    "CARRIER",
    "EXECUTIVE",
    "NETWORK_EQUIPMENT",
    "NETWORK_SYSTEMS",
    "action",
    "cite",
    "confined",
    "domestic",
    "listed",
    "listed_or_inside",
    "spec",
    "via_owner_only",
]

#: Public bodies of the executive: ministries, defence and other public agencies.
EXECUTIVE = buyer.is_public & buyer.sector.in_({"central-government", "defence", "public-agency"})
#: Telecommunications carriers and network operators, public or private.
CARRIER = buyer.sector.in_({"carrier"})
#: Equipment and services of a telecommunications network: everything under ``telecom`` but the
#: customer devices under ``telecom/endpoint`` (handsets, subscriber equipment), which lie
#: outside the network a carrier operates.
NETWORK_EQUIPMENT = category.within("telecom") & ~category.within("telecom/endpoint")
#: The same, with the IT systems a network runs on (servers, storage, software), but not the
#: IT endpoints (laptops, desktops) an operator's offices use.
NETWORK_SYSTEMS = category.within("telecom", "it") & ~category.within(
    "telecom/endpoint", "it/endpoint"
)


def domestic(countries: Iterable[str]) -> Predicate:
    """The buyer is in one of ``countries`` (issue 9, scope 5: a pack's rules do not fire for a
    buyer outside the jurisdiction that binds it). A buyer whose country is not stated counts as
    domestic: the packs assume their own jurisdiction."""
    return buyer.country.in_(set(countries), if_missing=True)


def confined(where: Predicate, rule_set: RuleSet) -> RuleSet:
    """``rule_set`` with each rule read only where ``where`` holds (a pack's jurisdiction)."""
    return attrs.evolve(
        rule_set, rules=[attrs.evolve(rule, when=where & rule.when) for rule in rule_set.rules]
    )


def cite(*sources: Source) -> str:
    """The ``source`` text of a rule: each source on one line, joined by ``; ``."""
    return "; ".join(s.render() for s in sources)


def listed(designation: str) -> Predicate:
    """The vendor, or an owner up its chain, carries ``designation``."""
    return vendor.designated({designation}, through_ownership=True)


def listed_or_inside(designation: str, *, if_undeclared: bool | None = False) -> Predicate:
    """The vendor, or the maker of a declared component, carries ``designation`` (itself or
    through an owner): for regimes that reach a listed company's equipment inside another
    supplier's system.

    Parts count once declared (``if_undeclared=False``): an unlisted vendor's purchase whose
    parts are not declared is outside the regime's reach, as nothing known puts a listed
    company's equipment in it. ``if_undeclared=None`` makes undeclared parts unknown, for a rule
    whose other facts already place the purchase in reach and which turns on the parts (a
    service judged by the equipment it relies on)."""
    return listed(designation) | components.any(listed(designation), if_undeclared=if_undeclared)


def via_owner_only(designation: str) -> Predicate:
    """Only an owner carries ``designation``, not the vendor itself: for lists whose reach to
    group companies the sources leave open."""
    return listed(designation) & ~vendor.designated({designation})


def action(*values: str) -> Predicate:
    """The purchase's ``action`` is one of ``values``."""
    return fact("action").in_(set(values))


_ACTION_MEANINGS = {
    "buy": "acquire new equipment or services",
    "install": "install equipment in a network",
    "renew": "renew a contract",
    "extend": "extend a contract",
    "maintain": "maintain equipment already in place (support, spares, updates)",
}


def spec(
    name: str,
    values: Iterable[FactValue],
    meaning: str,
    *,
    location: FactLocation = FactLocation.FACTS,
    open: bool = False,  # noqa: A002 - the field's name
    dates: bool = False,
) -> FactSpec:
    """A vocabulary entry; ``dates=True`` for a fact that takes any date (a waiver's expiry)."""
    return FactSpec(
        name=name,
        values=tuple(values),
        meaning=meaning,
        location=location,
        open=open,
        dates=dates,
    )


def action_spec(*values: str) -> FactSpec:
    """The ``action`` vocabulary with the given values."""
    meaning = "; ".join(f"`{v}`: {_ACTION_MEANINGS[v]}" for v in values)
    return spec("action", values, f"what the purchase does. {meaning}")
