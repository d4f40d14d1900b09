"""Hypothesis settings profiles: `ci` (thorough, no deadline), `fast` (for quick local runs),
`dev` (the default). Pick one with HYPOTHESIS_PROFILE."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

#: The analysis properties compare every answer with brute force over the whole space of
#: purchases, so they keep only the generated rule sets whose space is small enough to
#: enumerate (`assume(space.size <= ...)`): 35 to 60 % of draws. Hypothesis's check that a test
#: does not filter too much fails when 50 of its first draws are filtered out before 10 are
#: kept, which such rates reach now and then (a test failing on some runs only): the filtering
#: is meant, and a test that got no example at all still fails (`Unsatisfiable`).
_FILTERING = HealthCheck.filter_too_much

settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, _FILTERING],
)
settings.register_profile(
    "dev", max_examples=100, deadline=None, suppress_health_check=[_FILTERING]
)
settings.register_profile(
    "fast", max_examples=20, deadline=None, suppress_health_check=[_FILTERING]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
