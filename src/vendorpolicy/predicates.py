"""The predicate node types, for code that inspects or analyses predicates.

Build predicates with the builders in :mod:`vendorpolicy` (``vendor``, ``buyer``, …); this
module names the node classes so that analysis code can match on them. The set is closed.
"""

from __future__ import annotations

from vendorpolicy._predicates import (
    AcquiredOnOrAfter,
    AllComponents,
    AllOf,
    Always,
    AnyComponent,
    AnyOf,
    BuyerCountry,
    BuyerDesignated,
    BuyerPublic,
    BuyerSector,
    CategoryWithin,
    Custom,
    DateOnOrAfter,
    DecidedOnOrAfter,
    FactIn,
    FactOnOrAfter,
    FactOnOrAfterDecision,
    FactOnOrBeforeDecision,
    Never,
    Not,
    PurposeIn,
    UltimateOwnerOrigin,
    ValueAtLeast,
    VendorDesignated,
    VendorId,
    VendorOrigin,
)

__all__ = [
    "AcquiredOnOrAfter",
    "AllComponents",
    "AllOf",
    "Always",
    "AnyComponent",
    "AnyOf",
    "BuyerCountry",
    "BuyerDesignated",
    "BuyerPublic",
    "BuyerSector",
    "CategoryWithin",
    "Custom",
    "DateOnOrAfter",
    "DecidedOnOrAfter",
    "FactIn",
    "FactOnOrAfter",
    "FactOnOrAfterDecision",
    "FactOnOrBeforeDecision",
    "Never",
    "Not",
    "PurposeIn",
    "UltimateOwnerOrigin",
    "ValueAtLeast",
    "VendorDesignated",
    "VendorId",
    "VendorOrigin",
]
