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
from vendorpolicy._model import Buyer, Purchase
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
    )


def applicable(buyer: Buyer | Purchase, *, funding: str | None = None) -> tuple[str, ...]:
    """The bundled packs whose regime reaches ``buyer`` (see :attr:`PackInfo.reach`), in the
    order of :func:`names`: for screening one purchase under every regime that binds its buyer.

    Given a purchase, its buyer is read, and its ``funding`` fact when ``funding`` is not given:
    some regimes reach a buyer only through the money it spends (federal grants, FCC or EU
    funds); and its other facts, for regimes that reach a buyer by what it says it is (the
    European Commission, `eu-buyer`, wherever it gives its seat). A buyer whose country is not
    stated is reached by every pack whose other conditions it meets. A reach through funding
    or a stated fact counts only when it is stated: where it is unknown, a pack may still
    escalate the purchase on the unknown.
    """
    facts = None
    if isinstance(buyer, Purchase):
        facts = buyer.facts
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
    return tuple(
        name for name in _MODULES if info(name).reaches(buyer, funding=funding, facts=facts)
    )


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
