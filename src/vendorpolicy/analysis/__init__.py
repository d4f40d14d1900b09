"""Analysis of rule sets: lint, reachability, gaps, escalations, diff and equivalence (exact,
with witnesses), counterfactuals for one decision, and partial evaluation."""

from __future__ import annotations

from vendorpolicy.analysis._lint import Finding, Severity, lint
from vendorpolicy.analysis._partial import (
    CatalogEntry,
    Partial,
    may_buy,
    residual,
    screen_catalog,
    simplify,
)
from vendorpolicy.analysis._questions import (
    Difference,
    Escalation,
    Gap,
    Reach,
    Region,
    Replayed,
    Witness,
    assumptions,
    diff,
    equivalent,
    escalations,
    gaps,
    reachable,
    replay,
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
    "Difference",
    "Escalation",
    "Finding",
    "Gap",
    "Partial",
    "Reach",
    "Region",
    "Replayed",
    "Severity",
    "WhatIf",
    "Witness",
    "apply_changes",
    "assumptions",
    "candidates",
    "diff",
    "equivalent",
    "escalations",
    "gaps",
    "lint",
    "may_buy",
    "reachable",
    "replay",
    "residual",
    "screen_catalog",
    "simplify",
    "what_if",
]
