"""vendorpolicy: decide whether a purchase may go ahead under vendor, origin and equipment
restrictions, and explain why.

Build rules from small composable predicates, evaluate purchases, and read the decision::

    from vendorpolicy import Effect, Rule, RuleSet, buyer, category, vendor

    rules = RuleSet(id="example", version="1", rules=[
        Rule(id="no-cn-telecom", when=buyer.is_public & vendor.origin.in_({"CN"})
             & category.within("telecom"), effect=Effect.DENY),
    ])
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

from vendorpolicy._components import ComponentsFile, load_components
from vendorpolicy._convert import (
    canonical_json,
    purchase_from_dict,
    rule_set_from_dict,
    unstructure,
)
from vendorpolicy._decision import Basis, Decision, LayerOutcome, RuleResult, RuleStatus
from vendorpolicy._files import (
    Limits,
    dump_rule_set,
    load_purchase,
    load_rule_set,
    parse_rule_set,
    save_rule_set,
)
from vendorpolicy._io import (
    bundled_registry,
    load_registry,
    registry_from_dict,
    registry_to_dict,
)
from vendorpolicy._ledger import (
    ColumnMapping,
    DetectedFormat,
    LedgerRow,
    RowError,
    ScreenedRow,
    ScreeningSummary,
    detect_format,
    read_ledger,
    screen,
    screen_ledger,
    supply_hint,
    write_results,
)
from vendorpolicy._mapping import ValueMap, load_mapping, mapping_schema
from vendorpolicy._model import (
    Buyer,
    Category,
    Component,
    Effect,
    Money,
    Purchase,
    Sector,
    Vendor,
)
from vendorpolicy._names import NameIndex, Resolver, normalise_name
from vendorpolicy._predicates import (
    ALWAYS,
    NEVER,
    Predicate,
    all_of,
    any_of,
    buyer,
    category,
    components,
    custom,
    decision_date,
    fact,
    purchase,
    vendor,
)
from vendorpolicy._registry import (
    DesignationList,
    Entity,
    Listing,
    NameCollision,
    Propagation,
    Registry,
    Relation,
    ResolvedPurchase,
)
from vendorpolicy._resolution import (
    Candidate,
    DesignationPath,
    Match,
    MatchMethod,
    PathStep,
    RelationKind,
    Resolution,
)
from vendorpolicy._rules import Case, Combining, Rule, RuleSet
from vendorpolicy._schema import rule_set_schema
from vendorpolicy._trace import Trace
from vendorpolicy._vocabulary import FactLocation, FactSpec, Vocabulary, bundled_vocabulary
from vendorpolicy.errors import VendorPolicyError

try:
    __version__ = _version("vendorpolicy")
except _PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

__all__ = [
    "ALWAYS",
    "NEVER",
    "Basis",
    "Buyer",
    "Candidate",
    "Case",
    "Category",
    "ColumnMapping",
    "Combining",
    "Component",
    "ComponentsFile",
    "Decision",
    "DesignationList",
    "DesignationPath",
    "DetectedFormat",
    "Effect",
    "Entity",
    "FactLocation",
    "FactSpec",
    "LayerOutcome",
    "LedgerRow",
    "Limits",
    "Listing",
    "Match",
    "MatchMethod",
    "Money",
    "NameCollision",
    "NameIndex",
    "PathStep",
    "Predicate",
    "Propagation",
    "Purchase",
    "Registry",
    "Relation",
    "RelationKind",
    "Resolution",
    "ResolvedPurchase",
    "Resolver",
    "RowError",
    "Rule",
    "RuleResult",
    "RuleSet",
    "RuleStatus",
    "ScreenedRow",
    "ScreeningSummary",
    "Sector",
    "Trace",
    "ValueMap",
    "Vendor",
    "VendorPolicyError",
    "Vocabulary",
    "__version__",
    "all_of",
    "any_of",
    "bundled_registry",
    "bundled_vocabulary",
    "buyer",
    "canonical_json",
    "category",
    "components",
    "custom",
    "decision_date",
    "detect_format",
    "dump_rule_set",
    "fact",
    "load_components",
    "load_mapping",
    "load_purchase",
    "load_registry",
    "load_rule_set",
    "mapping_schema",
    "normalise_name",
    "parse_rule_set",
    "purchase",
    "purchase_from_dict",
    "read_ledger",
    "registry_from_dict",
    "registry_to_dict",
    "rule_set_from_dict",
    "rule_set_schema",
    "save_rule_set",
    "screen",
    "screen_ledger",
    "supply_hint",
    "unstructure",
    "vendor",
    "write_results",
]
