"""The bundled rule packs: real regimes written as rule sets, each rule citing its source.

Each pack is a module here with ``INFO`` (a :class:`PackInfo` without the figures derived from
the rules) and ``build()`` (the rule set). The code is the source of the packs. The rule set
:func:`build` returns declares the pack's vocabulary (``INFO.vocabulary``: its facts and the
bundled category tree), attached here rather than in each module.
"""

from __future__ import annotations

import functools
from importlib import resources
from types import ModuleType

import attrs

from vendorpolicy._checks import tick
from vendorpolicy._model import Buyer, Purchase, Sector
from vendorpolicy._packs import (
    au_5g_2018,
    eu_5g_toolbox,
    jp_2018,
    nz_ticsa,
    se_pts_2020,
    uk_telecoms,
    us_fcc_covered_list,
    us_ndaa_889,
)
from vendorpolicy._packs._base import (
    Confidence,
    FactLocation,
    FactSpec,
    PackInfo,
    Reach,
    Source,
    check_name,
    designations_read,
)
from vendorpolicy._packs._common import cite
from vendorpolicy._rules import RuleSet
from vendorpolicy._vocabulary import Vocabulary
from vendorpolicy.errors import PredicateTypeError, VendorPolicyError

__all__ = [
    "Confidence",
    "FactLocation",
    "FactSpec",
    "PackInfo",
    "Reach",
    "Source",
    "applicable",
    "check",
    "info",
    "load",
    "names",
    "vocabulary",
]

_MODULES: dict[str, ModuleType] = {
    module.NAME: module
    for module in (
        jp_2018,
        us_ndaa_889,
        us_fcc_covered_list,
        au_5g_2018,
        nz_ticsa,
        uk_telecoms,
        se_pts_2020,
        eu_5g_toolbox,
    )
}


#: The EU's member states (ISO 3166-1 alpha-2), whom the toolbox's recommendations address.
_EU_MEMBERS = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "IE", "IT",
        "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    }
)  # fmt: skip


def _fallback_reach() -> dict[str, tuple[Reach, ...]]:
    """Whom the packs whose modules do not declare ``INFO.reach`` bind, from each module's
    sources and ``binds`` text (read there). A pack module's own ``INFO.reach`` takes
    precedence, so that these move into the modules as they are next edited."""
    jp, au, nz = jp_2018, au_5g_2018, nz_ticsa
    se, uk, eu = se_pts_2020, uk_telecoms, eu_5g_toolbox
    carrier, cni = {Sector.CARRIER}, {Sector.CRITICAL_INFRASTRUCTURE}
    return {
        jp.NAME: (
            Reach(
                summary="Japan's national government bodies from 1 Apr 2019, and incorporated "
                "administrative agencies and designated corporations from 30 Jun 2020",
                countries={"JP"},
                public=True,
                sectors={Sector.CENTRAL_GOVERNMENT, Sector.DEFENCE, Sector.PUBLIC_AGENCY},
                source=cite(jp.AGREEMENT, jp.AMENDMENT),
            ),
            Reach(
                summary="private carriers, which the 5G guideline asks to take note",
                countries={"JP"},
                public=False,
                sectors=carrier,
                source=cite(jp.GUIDELINE),
            ),
            Reach(
                summary="designated critical-infrastructure operators (prior notification "
                "under the Economic Security Promotion Act, from 17 May 2024)",
                countries={"JP"},
                sectors=carrier | cni,
                source=cite(jp.ESPA),
            ),
        ),
        au.NAME: (
            Reach(
                summary="carriers and carriage service providers, for their networks",
                countries={"AU"},
                sectors=carrier,
                source=cite(au.GUIDANCE, au.S314A),
            ),
        ),
        nz.NAME: (
            Reach(
                summary="network operators, for their networks",
                countries={"NZ"},
                sectors=carrier,
                source=cite(nz.ACT, nz.GCSB_TICSA),
            ),
        ),
        se.NAME: (
            Reach(
                summary="holders of the 3.5 GHz and 2.3 GHz licences, for the central "
                "functions of their networks",
                countries={"SE"},
                sectors=carrier,
                source=cite(se.DECISION),
            ),
        ),
        uk.NAME: (
            Reach(
                summary="public telecoms providers",
                countries={"GB"},
                sectors=carrier,
                source=cite(uk.JAN_2020, uk.TSA, uk.DVD),
            ),
            Reach(
                summary="operators of critical national infrastructure, for their "
                "safety-critical networks (January 2020 policy)",
                countries={"GB"},
                sectors=cni,
                source=cite(uk.JAN_2020, uk.NCSC_2020),
            ),
            Reach(
                summary="central government departments, for surveillance equipment",
                countries={"GB"},
                public=True,
                sectors={Sector.CENTRAL_GOVERNMENT, Sector.DEFENCE},
                source=cite(uk.SURVEILLANCE),
            ),
        ),
        eu.NAME: (
            Reach(
                summary="the European Commission's own connectivity procurement",
                countries={"EU"},
                public=True,
                source=cite(eu.TOOLBOX, eu.COMMUNICATION),
            ),
            Reach(
                summary="mobile network operators in the member states (advice)",
                countries=_EU_MEMBERS,
                sectors=carrier,
                source=cite(eu.TOOLBOX, eu.COMMUNICATION),
            ),
            Reach(
                summary="projects funded by EU programmes (advice)",
                funding={"eu-funds"},
                source=cite(eu.TOOLBOX, eu.COMMUNICATION),
            ),
        ),
    }


def names() -> tuple[str, ...]:
    """The names of the bundled packs, in a stable order."""
    return tuple(_MODULES)


@functools.cache
def load(name: str) -> RuleSet:
    """The rule set of pack ``name``, read from its bundled rule file; an unknown name is an
    error naming the closest."""
    from vendorpolicy._files import parse_rule_set  # noqa: PLC0415 - cycle

    name = check_name(name, _MODULES)
    text = resources.files("vendorpolicy").joinpath(f"data/packs/{name}.toml").read_text("utf-8")
    return parse_rule_set(text, format="toml", name=f"data/packs/{name}.toml")


def build(name: str) -> RuleSet:
    """The rule set of pack ``name`` as its Python source builds it. The bundled rule file is
    generated from this (``python -m vendorpolicy._packs``) and tested to load equal."""
    module = _MODULES[check_name(name, _MODULES)]
    rule_set: RuleSet = module.build()
    if rule_set.vocabulary is None:
        rule_set = attrs.evolve(rule_set, vocabulary=module.INFO.vocabulary)
    return rule_set


def file_text(name: str) -> str:
    """The TOML text of pack ``name``'s bundled rule file, generated from its source."""
    from vendorpolicy._files import dump_rule_set  # noqa: PLC0415 - cycle

    header = (
        f"# Rule pack `{name}`, generated from src/vendorpolicy/_packs/"
        f"{_MODULES[name].__name__.rsplit('.', 1)[1]}.py by `python -m vendorpolicy._packs`.\n"
        f"# Do not edit by hand: change the source and regenerate. Documentation: "
        f"docs/packs/{name}.md\n\n"
    )
    return header + dump_rule_set(build(name), "toml")


@functools.cache
def info(name: str) -> PackInfo:
    """What pack ``name`` is: regime, who it binds, sources and the facts it needs."""
    rule_set = load(name)
    partial: PackInfo = _MODULES[name].INFO
    starts = [r.in_force_from for r in rule_set.rules if r.in_force_from is not None]
    return attrs.evolve(
        partial,
        designations=designations_read(rule_set),
        rule_count=len(rule_set.rules),
        version=rule_set.version,
        effective=min(starts) if starts else None,
        reach=partial.reach or _fallback_reach().get(name, ()),
    )


def applicable(buyer: Buyer | Purchase, *, funding: str | None = None) -> tuple[str, ...]:
    """The bundled packs whose regime reaches ``buyer`` (see :attr:`PackInfo.reach`), in the
    order of :func:`names`: for screening one purchase under every regime that binds its buyer.

    Given a purchase, its buyer is read, and its ``funding`` fact when ``funding`` is not given:
    some regimes reach a buyer only through the money it spends (federal grants, FCC or EU
    funds). A buyer whose country is not stated is reached by every pack whose other conditions
    it meets.
    """
    if isinstance(buyer, Purchase):
        stated = buyer.facts.get("funding")
        if funding is None and isinstance(stated, str):
            funding = stated
        buyer = buyer.buyer
    if not isinstance(buyer, Buyer):
        raise PredicateTypeError(
            f"expected a Buyer or a Purchase, got {type(buyer).__name__} {tick(buyer)}",
            path="packs.applicable(buyer)",
        )
    if funding is not None and not isinstance(funding, str):
        raise PredicateTypeError(
            f"expected text, got {type(funding).__name__} {tick(funding)}",
            path="packs.applicable(funding)",
        )
    return tuple(name for name in _MODULES if info(name).reaches(buyer, funding=funding))


def check(name: str, purchase: Purchase) -> tuple[VendorPolicyError, ...]:
    """The facts ``purchase`` states that pack ``name`` does not know, or with values outside
    its vocabulary, each an error with its path (see :meth:`PackInfo.check`)."""
    return info(name).check(purchase)


def vocabulary(*names: str) -> Vocabulary:
    """The union of the vocabularies of the packs ``names`` (every bundled pack when none is
    given): for screening one purchase under several packs, pass it as ``extra_facts`` so that
    each pack accepts, and checks, the facts meant for the others."""
    chosen = [check_name(n, _MODULES) for n in names] or list(_MODULES)
    first, *rest = [load(n).vocabulary or Vocabulary() for n in chosen]
    return first.merge(*rest)
