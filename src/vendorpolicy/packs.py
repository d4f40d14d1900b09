"""Ready-made rule packs for real vendor restrictions.

``names()`` lists them, ``load(name)`` gives the rule set, ``info(name)`` describes the regime,
who it binds, its sources and the facts a purchase must state, and ``check(name, purchase)``
reports stated facts outside that vocabulary (evaluating a pack checks them too, and raises
:class:`~vendorpolicy.errors.VocabularyError`); ``vocabulary(*names)`` is the union of the packs'
vocabularies, for screening one purchase under several packs; ``applicable(buyer)`` names the
packs whose regime reaches a buyer (``PackInfo.reach``)::

    from vendorpolicy import packs

    decision = packs.load("us-ndaa-889").evaluate(purchase)
"""

from __future__ import annotations

from vendorpolicy._packs import (
    Confidence,
    FactLocation,
    FactSpec,
    PackInfo,
    Reach,
    Source,
    applicable,
    check,
    info,
    load,
    names,
    vocabulary,
)

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
