"""Analysis of rule sets: counterfactuals for one decision, and partial evaluation."""

from __future__ import annotations

from vendorpolicy.analysis._partial import (
    CatalogEntry,
    Partial,
    may_buy,
    residual,
    screen_catalog,
    simplify,
)
from vendorpolicy.analysis._whatif import (
    Change,
    Counterfactual,
    WhatIf,
    apply_changes,
    candidates,
    what_if,
)

__all__ = [
    "CatalogEntry",
    "Change",
    "Counterfactual",
    "Partial",
    "WhatIf",
    "apply_changes",
    "candidates",
    "may_buy",
    "residual",
    "screen_catalog",
    "simplify",
    "what_if",
]
