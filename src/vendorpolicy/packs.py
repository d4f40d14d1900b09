"""Ready-made rule packs for real vendor restrictions.

``names()`` lists them, ``load(name)`` gives the rule set, ``info(name)`` describes the regime,
who it binds, its sources and the facts a purchase must state, and ``check(name, purchase)``
reports stated facts outside that vocabulary::

    from vendorpolicy import packs

    decision = packs.load("us-ndaa-889").evaluate(purchase)
"""

from __future__ import annotations

from vendorpolicy._packs import (
    Confidence,
    FactLocation,
    FactSpec,
    PackInfo,
    Source,
    check,
    info,
    load,
    names,
)

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
