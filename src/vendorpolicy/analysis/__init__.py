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

__all__ = [
    "CatalogEntry",
    "Partial",
    "may_buy",
    "residual",
    "screen_catalog",
    "simplify",
]
