"""The predicate node types, for code that inspects or analyses predicates.

Build predicates with the builders in :mod:`vendorpolicy` (``vendor``, ``buyer``, …); this
module names the node classes so that analysis code can match on them. The set is closed.
"""

from __future__ import annotations

from vendorpolicy._predicates import (
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
    Never,
    Not,
    PurposeIn,
    ValueAtLeast,
    VendorDesignated,
    VendorId,
    VendorOrigin,
)

__all__ = [
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
    "Never",
    "Not",
    "PurposeIn",
    "ValueAtLeast",
    "VendorDesignated",
    "VendorId",
    "VendorOrigin",
]
