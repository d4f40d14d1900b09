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

import typing as _typing

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
from vendorpolicy._rules import Case, Combining, Rule, RuleSet
from vendorpolicy.errors import VendorPolicyError

if _typing.TYPE_CHECKING:
    from vendorpolicy._audit import decision_schema, result_schema
    from vendorpolicy._columns import ScreenedColumns, screen_columns
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
    from vendorpolicy._names import NameIndex, Resolver, normalise_name
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
    from vendorpolicy._schema import rule_set_schema
    from vendorpolicy._sql import to_sql, to_sql_where
    from vendorpolicy._trace import Trace
    from vendorpolicy._vocabulary import FactLocation, FactSpec, Vocabulary, bundled_vocabulary

    __version__: str

#: Names whose modules are imported when first used (by name, or by the first evaluation):
#: decisions and traces, the file formats (and the cattrs converter they are built on), the
#: registry, ledgers, vocabularies and the schema. Building rules needs none of them, and
#: importing them all up front would more than double the time `import vendorpolicy` takes.
_LAZY = {
    "Basis": "_decision",
    "Decision": "_decision",
    "LayerOutcome": "_decision",
    "RuleResult": "_decision",
    "RuleStatus": "_decision",
    "Trace": "_trace",
    "NameIndex": "_names",
    "Resolver": "_names",
    "normalise_name": "_names",
    "DesignationList": "_registry",
    "Entity": "_registry",
    "Listing": "_registry",
    "NameCollision": "_registry",
    "Propagation": "_registry",
    "Registry": "_registry",
    "Relation": "_registry",
    "ResolvedPurchase": "_registry",
    "Candidate": "_resolution",
    "DesignationPath": "_resolution",
    "Match": "_resolution",
    "MatchMethod": "_resolution",
    "PathStep": "_resolution",
    "RelationKind": "_resolution",
    "Resolution": "_resolution",
    "Vocabulary": "_vocabulary",
    "FactLocation": "_vocabulary",
    "FactSpec": "_vocabulary",
    "bundled_vocabulary": "_vocabulary",
    "canonical_json": "_convert",
    "purchase_from_dict": "_convert",
    "rule_set_from_dict": "_convert",
    "unstructure": "_convert",
    "Limits": "_files",
    "dump_rule_set": "_files",
    "load_purchase": "_files",
    "load_rule_set": "_files",
    "parse_rule_set": "_files",
    "save_rule_set": "_files",
    "bundled_registry": "_io",
    "load_registry": "_io",
    "registry_from_dict": "_io",
    "registry_to_dict": "_io",
    "ColumnMapping": "_ledger",
    "LedgerRow": "_ledger",
    "RowError": "_ledger",
    "ScreenedRow": "_ledger",
    "ScreeningSummary": "_ledger",
    "read_ledger": "_ledger",
    "screen": "_ledger",
    "screen_ledger": "_ledger",
    "ScreenedColumns": "_columns",
    "screen_columns": "_columns",
    "to_sql": "_sql",
    "to_sql_where": "_sql",
    "write_results": "_ledger",
    "DetectedFormat": "_ledger",
    "detect_format": "_ledger",
    "supply_hint": "_ledger",
    "ComponentsFile": "_components",
    "load_components": "_components",
    "ValueMap": "_mapping",
    "load_mapping": "_mapping",
    "mapping_schema": "_mapping",
    "rule_set_schema": "_schema",
    "decision_schema": "_audit",
    "result_schema": "_audit",
}


def __getattr__(name: str) -> _typing.Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

        try:
            value: _typing.Any = version("vendorpolicy")
        except PackageNotFoundError:  # pragma: no cover - a source tree without install
            value = "0+unknown"
    elif name in _LAZY:
        import importlib  # noqa: PLC0415

        value = getattr(importlib.import_module(f"vendorpolicy.{_LAZY[name]}"), name)
    else:
        raise AttributeError(f"module 'vendorpolicy' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, "__version__"})


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
    "ScreenedColumns",
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
    "decision_schema",
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
    "result_schema",
    "rule_set_from_dict",
    "rule_set_schema",
    "save_rule_set",
    "screen",
    "screen_columns",
    "screen_ledger",
    "supply_hint",
    "to_sql",
    "to_sql_where",
    "unstructure",
    "vendor",
    "write_results",
]
