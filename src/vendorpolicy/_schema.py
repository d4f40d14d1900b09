"""A JSON Schema of the rule-set file format, generated from the classes the converter builds.

The schema follows the attrs fields of :class:`RuleSet`, :class:`Rule`, :class:`Case` and of each
condition's node class, and the converter's tag table, so a field added to a class appears here
without anyone remembering to. A test validates generated documents against it. It describes the
canonical form that :func:`dump_rule_set` writes; loaders are a little more lenient (a lone
string where a list is expected, TOML dates for date strings).
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from typing import Any

import attrs

from vendorpolicy._checks import ID_PATTERN
from vendorpolicy._codes import BUYER_COUNTRY_CODES, COUNTRY_CODES, CURRENCY_CODES
from vendorpolicy._convert import _ATOMS, FORMAT_VERSION, TAGS
from vendorpolicy._model import Category, Money
from vendorpolicy._predicates import (
    AllComponents,
    AllOf,
    Always,
    AnyComponent,
    AnyOf,
    BuyerCountry,
    Custom,
    Never,
    Not,
    Predicate,
)
from vendorpolicy._rules import Case, Rule, RuleSet
from vendorpolicy._vocabulary import FactSpec, Vocabulary

__all__ = ["rule_set_schema"]

_ID = {"type": "string", "pattern": "^" + ID_PATTERN.pattern.removesuffix(r"\Z") + "$"}
_CATEGORY = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$"}
_COUNTRY = {"type": "string", "enum": sorted(COUNTRY_CODES)}
#: A buyer's country may also be `EU`, the code ISO 3166-1 exceptionally reserves for the Union.
_BUYER_COUNTRY = {"type": "string", "enum": sorted(BUYER_COUNTRY_CODES)}
_DATE = {"type": "string", "format": "date"}

#: What the items of a set-valued field, or a text field, mean, by field name. The converter
#: checks these values; the schema lets an editor check them while typing.
_MEANING: dict[str, dict[str, Any]] = {
    "id": _ID,
    "ids": _ID,
    "designations": _ID,
    "purposes": _ID,
    "name": _ID,
    "countries": _COUNTRY,
    "categories": _CATEGORY,
}

_REF = "#/$defs/"


def rule_set_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a rule-set document, as plain data."""
    defs: dict[str, Any] = {
        "RuleSet": _object(RuleSet),
        "Rule": _object(Rule),
        "Case": _object(Case),
        "Vocabulary": _vocabulary(),
        "FactSpec": _object(FactSpec),
        "Money": {
            "type": "object",
            "properties": {
                "amount": {
                    "type": "string",
                    "pattern": r"^[0-9]+(\.[0-9]+)?$",
                    "description": "A decimal amount written as text, so that it never rounds.",
                },
                "currency": {"type": "string", "enum": sorted(CURRENCY_CODES)},
            },
            "required": ["amount", "currency"],
            "additionalProperties": False,
        },
        "Condition": {
            "description": "A condition: an object with one key naming its kind.",
            "oneOf": [{"$ref": f"{_REF}condition-{tag}"} for tag in sorted(TAGS.values())],
        },
    }
    for cls, tag in TAGS.items():
        defs[f"condition-{tag}"] = {
            "type": "object",
            "properties": {tag: _payload(cls)},
            "required": [tag],
            "additionalProperties": False,
        }
    top = _object(RuleSet)
    top["properties"] = {
        "format_version": {
            "const": FORMAT_VERSION,
            "description": f"The version of the file format; this library writes {FORMAT_VERSION}.",
        },
        **top["properties"],
    }
    top["required"] = ["format_version", *top["required"]]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "vendorpolicy rule set",
        **top,
        "description": "A vendorpolicy rule-set document (JSON, or TOML read as JSON). "
        "See docs/files.md.",
        "$defs": defs,
    }


def _vocabulary() -> dict[str, Any]:
    schema = _object(Vocabulary)
    for item in schema["properties"].values():
        item.pop("minItems", None)  # an empty list declares that nothing is known
    schema["properties"]["categories"]["description"] = (
        "Category paths; their ancestors are known too. Files list the leaves."
    )
    return schema


def _payload(cls: type[Predicate]) -> dict[str, Any]:
    condition = {"$ref": f"{_REF}Condition"}
    if cls in (AllOf, AnyOf):
        return {"type": "array", "items": condition, "minItems": 2}
    if cls is Not:
        return condition
    if cls in (AnyComponent, AllComponents):
        # The short form is the condition alone; the long form adds `if_undeclared`.
        return {"oneOf": [condition, _object(cls)]}
    if cls in (Always, Never):
        return {"type": "object", "maxProperties": 0}
    if cls is Custom:
        return {
            "type": "object",
            "properties": {"name": _ID},
            "required": ["name"],
            "additionalProperties": False,
        }
    assert cls in _ATOMS
    out = _object(cls)
    if cls is BuyerCountry:
        out["properties"]["countries"]["items"] = dict(_BUYER_COUNTRY)
    return out


def _object(cls: type[Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for a in attrs.fields(cls):
        if not a.init:
            continue
        properties[a.alias] = _field(a.alias, hints[a.name])
        if a.default is attrs.NOTHING:
            required.append(a.alias)
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if cls.__doc__:
        out["description"] = " ".join(cls.__doc__.split("\n\n", 1)[0].split())
    if required:
        out["required"] = required
    out["additionalProperties"] = False
    return out


def _field(name: str, hint: Any) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if set(inner) == {str, bool, dt.date}:  # a fact's value; a date is `YYYY-MM-DD` text
            return {"type": ["string", "boolean"]}
        assert len(inner) == 1, hint
        return _field(name, inner[0])
    if origin in (tuple, frozenset):
        item = _field(name, args[0])
        schema: dict[str, Any] = {"type": "array", "items": item}
        if origin is frozenset:  # the sets in conditions: an empty one could never match
            schema["uniqueItems"] = True
            schema["minItems"] = 1
        return schema
    if hint is str:
        return dict(_MEANING.get(name, {"type": "string"}))
    if hint is bool:
        return {"type": "boolean"}
    if hint is dt.date:
        return dict(_DATE)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"type": "string", "enum": [m.value for m in hint]}
    if hint is Predicate:
        return {"$ref": f"{_REF}Condition"}
    if hint is Money:
        return {"$ref": f"{_REF}Money"}
    if hint in (Rule, Case, RuleSet, Vocabulary, FactSpec):
        return {"$ref": f"{_REF}{hint.__name__}"}
    if hint is Category:
        return dict(_CATEGORY)
    raise TypeError(f"no schema for {name}: {hint!r}")  # pragma: no cover - a new field type
