"""The bundled rule packs: real regimes written as rule sets, each rule citing its source.

Each pack is a module here with ``INFO`` (a :class:`PackInfo` without the figures derived from
the rules) and ``build()`` (the rule set). The code is the source of the packs.
"""

from __future__ import annotations

import functools
from types import ModuleType

import attrs

from vendorpolicy._model import Purchase
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
    Source,
    check_name,
    designations_read,
)
from vendorpolicy._rules import RuleSet
from vendorpolicy.errors import VendorPolicyError

__all__ = [
    "Confidence",
    "FactLocation",
    "FactSpec",
    "PackInfo",
    "Source",
    "check",
    "info",
    "load",
    "names",
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
    """The rule set of pack ``name``; an unknown name is an error naming the closest."""
    module = _MODULES[check_name(name, _MODULES)]
    rule_set: RuleSet = module.build()
    return rule_set


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


def check(name: str, purchase: Purchase) -> tuple[VendorPolicyError, ...]:
    """The facts ``purchase`` states that pack ``name`` does not know, or with values outside
    its vocabulary, each an error with its path (see :meth:`PackInfo.check`)."""
    return info(name).check(purchase)
