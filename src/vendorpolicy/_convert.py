"""The private cattrs converter: values to plain data and back, the canonical form and digest.

Predicates are written as single-key objects whose key is the node's stable tag and whose value
is the node's payload: ``{"origin": {"countries": ["CN"]}}``, ``{"all": [...]}``. The tags are
listed here explicitly, not derived from class names, so renaming a class never breaks a file.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import difflib
import enum
import hashlib
import json
import sys
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import cattrs
from cattrs.errors import AttributeValidationNote, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from vendorpolicy._decision import Decision
from vendorpolicy._model import Category, Component, Purchase
from vendorpolicy._predicates import (
    AllComponents,
    AllOf,
    Always,
    AnyComponent,
    AnyOf,
    BuyerCountry,
    BuyerPublic,
    BuyerSector,
    CategoryWithin,
    Custom,
    DateOnOrAfter,
    DecidedOnOrAfter,
    FactIn,
    Never,
    Not,
    Predicate,
    PurposeIn,
    ValueAtLeast,
    VendorDesignated,
    VendorId,
    VendorOrigin,
)
from vendorpolicy._rules import Case, Rule, RuleSet
from vendorpolicy._trace import Trace
from vendorpolicy.errors import (
    InvalidDataError,
    InvalidValueError,
    PredicateTypeError,
    VendorPolicyError,
)

if sys.version_info >= (3, 11):
    from builtins import BaseExceptionGroup
else:  # pragma: no cover - cattrs brings the backport on 3.10
    from exceptiongroup import BaseExceptionGroup

__all__ = [
    "TAGS",
    "canonical_json",
    "converter",
    "digest",
    "purchase_from_dict",
    "rule_set_from_dict",
    "structure",
    "unstructure",
    "unstructure_decision",
]

#: Node class -> the tag that names it in files. Part of the file format: never change a tag.
TAGS: dict[type[Predicate], str] = {
    Always: "always",
    Never: "never",
    AllOf: "all",
    AnyOf: "any",
    Not: "not",
    VendorOrigin: "origin",
    VendorId: "vendor",
    VendorDesignated: "designated",
    CategoryWithin: "category",
    BuyerPublic: "buyer_public",
    BuyerSector: "sector",
    BuyerCountry: "buyer_country",
    ValueAtLeast: "value_at_least",
    PurposeIn: "purpose",
    DateOnOrAfter: "date_on_or_after",
    DecidedOnOrAfter: "decided_on_or_after",
    FactIn: "fact",
    AnyComponent: "any_component",
    AllComponents: "all_components",
    Custom: "custom",
}
_BY_TAG = {tag: cls for cls, tag in TAGS.items()}
_CONNECTIVES = (AllOf, AnyOf)
_WRAPPERS = (Not, AnyComponent, AllComponents)

#: Custom predicates a load may refer to, by name; set only while structuring.
_CUSTOMS: contextvars.ContextVar[Mapping[str, Custom] | None] = contextvars.ContextVar(
    "vendorpolicy_customs", default=None
)

converter = cattrs.Converter(
    omit_if_default=True, forbid_extra_keys=True, prefer_attrib_converters=True
)


def _sort_key(value: Any) -> tuple[str, str]:
    return (type(value).__name__, json.dumps(value, sort_keys=True, default=str))


# --- scalars -----------------------------------------------------------------------------------


def _structure_date(value: Any, _: type) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value  # TOML has a native date type.
    if not isinstance(value, str):
        raise PredicateTypeError(
            f"expected a date as `YYYY-MM-DD`, got {type(value).__name__} `{value}`"
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidValueError(
            f"not a date `{value}`", hint="write dates as `YYYY-MM-DD`"
        ) from None


converter.register_unstructure_hook(dt.date, lambda d: d.isoformat())
converter.register_structure_hook(dt.date, _structure_date)
converter.register_unstructure_hook(decimal.Decimal, str)
converter.register_unstructure_hook(Category, lambda c: c.path)
converter.register_structure_hook(Category, lambda v, _: v)  # the field converter validates
converter.register_unstructure_hook_func(
    lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda e: e.value
)


def _is_frozenset(t: Any) -> bool:
    return t is frozenset or getattr(t, "__origin__", None) is frozenset


converter.register_unstructure_hook_func(
    _is_frozenset,
    lambda s: sorted((converter.unstructure(v) for v in s), key=_sort_key),
)
converter.register_unstructure_hook_func(
    lambda t: getattr(t, "__origin__", None) is Mapping or t is Mapping,
    lambda m: {k: converter.unstructure(v) for k, v in m.items()},
)


def _strict_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise PredicateTypeError(f"expected text, got {type(value).__name__} `{value}`")
    return value


def _strict_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise PredicateTypeError(f"expected true or false, got {type(value).__name__} `{value}`")
    return value


# cattrs' defaults call str() and bool(): "false" would become True. Files get no such leniency.
converter.register_structure_hook(str, _strict_str)
converter.register_structure_hook(bool, _strict_bool)


# --- predicates --------------------------------------------------------------------------------


def _unstructure_predicate(node: Predicate) -> dict[str, Any]:
    tag = TAGS[type(node)]
    if isinstance(node, _CONNECTIVES):
        return {tag: [_unstructure_predicate(op) for op in node.operands]}
    if isinstance(node, Not):
        return {tag: _unstructure_predicate(node.operand)}
    if isinstance(node, (AnyComponent, AllComponents)):
        return {tag: _unstructure_predicate(node.predicate)}
    if isinstance(node, (Always, Never)):
        return {tag: {}}
    if isinstance(node, Custom):
        return {tag: {"name": node.name}}
    return {tag: _PAYLOAD_UNSTRUCTURE[type(node)](node)}


def _structure_predicate(data: Any, _: type = Predicate) -> Predicate:
    node_tag = next(iter(data), None) if isinstance(data, Mapping) and len(data) == 1 else None
    if node_tag not in _BY_TAG:
        return _build_predicate(data)
    try:
        return _build_predicate(data)
    except Exception as exc:
        exc.__notes__ = [  # type: ignore[attr-defined]
            *getattr(exc, "__notes__", []),
            AttributeValidationNote(
                f"Structuring condition `{node_tag}`", str(node_tag), Predicate
            ),
        ]
        raise cattrs.ClassValidationError(f"in condition `{node_tag}`", [exc], Predicate) from None


def _build_predicate(data: Any) -> Predicate:
    if not isinstance(data, Mapping) or len(data) != 1:
        found = (
            f"keys {', '.join(f'`{k}`' for k in data)}"
            if isinstance(data, Mapping) and data
            else f"{type(data).__name__} `{data}`"
        )
        raise InvalidValueError(
            f"a condition must be an object with exactly one key naming its kind, found {found}",
            hint='e.g. `{"origin": {"countries": ["CN"]}}`; combine several with `all`/`any`',
        )
    ((tag, payload),) = data.items()
    cls = _BY_TAG.get(tag)
    if cls is None:
        close = difflib.get_close_matches(str(tag), list(_BY_TAG), n=1)
        raise InvalidValueError(
            f"unknown condition kind `{tag}`",
            hint=f"did you mean `{close[0]}`?" if close else f"one of {', '.join(sorted(_BY_TAG))}",
        )
    if cls in _CONNECTIVES:
        if not isinstance(payload, list):
            raise PredicateTypeError(f"`{tag}` takes a list of conditions, got `{payload}`")
        return cls(operands=tuple(_structure_list(payload)))
    if cls in _WRAPPERS:
        inner = _structure_predicate(payload)
        return Not(operand=inner) if cls is Not else cls(predicate=inner)  # type: ignore[call-arg]
    if cls in (Always, Never):
        if payload not in ({}, True):
            raise InvalidValueError(
                f"`{tag}` takes no arguments, got `{payload}`", hint="write `{}`"
            )
        return cls()
    if cls is Custom:
        if not isinstance(payload, Mapping) or set(payload) != {"name"}:
            raise InvalidValueError(f"`custom` takes only a `name`, got `{payload}`")
        name = payload["name"]
        known = _CUSTOMS.get() or {}
        if name not in known:
            raise InvalidValueError(
                f"unknown custom predicate `{name}`",
                hint="pass the function to the loader, e.g. `customs=[my_predicate]`"
                + (f"; known: {', '.join(sorted(known))}" if known else ""),
            )
        return known[name]
    if not isinstance(payload, Mapping):
        raise PredicateTypeError(f"`{tag}` takes an object of arguments, got `{payload}`")
    return _PAYLOAD_STRUCTURE[cls](payload, cls)


def _structure_list(items: list[Any]) -> list[Predicate]:
    out: list[Predicate] = []
    errors: list[Exception] = []
    for i, item in enumerate(items):
        try:
            out.append(_structure_predicate(item))
        except Exception as exc:
            exc.__notes__ = [  # type: ignore[attr-defined]
                *getattr(exc, "__notes__", []),
                IterableValidationNote(f"Structuring index {i}", i, Predicate),
            ]
            errors.append(exc)
    if errors:
        raise cattrs.IterableValidationError("while structuring conditions", errors, list)
    return out


_ATOMS = [c for c in TAGS if c not in (*_CONNECTIVES, *_WRAPPERS, Always, Never, Custom)]
_PAYLOAD_UNSTRUCTURE = {
    c: make_dict_unstructure_fn(c, converter, _cattrs_omit_if_default=True) for c in _ATOMS
}
_PAYLOAD_STRUCTURE = {
    c: make_dict_structure_fn(c, converter, _cattrs_forbid_extra_keys=True) for c in _ATOMS
}
converter.register_unstructure_hook(Predicate, _unstructure_predicate)
converter.register_structure_hook(Predicate, _structure_predicate)


def _list_of(cls: type[Any]) -> Any:
    """Structure a list of ``cls`` with per-index error paths, for fields whose attrs converter
    expects built values (a tuple of rules, say) rather than plain data."""

    def hook(value: Any, _: type) -> Any:
        if value is None:
            return None
        if not isinstance(value, list):
            raise PredicateTypeError(f"expected a list, got {type(value).__name__} `{value}`")
        return converter.get_structure_hook(list[cls])(value, list[cls])  # type: ignore[valid-type]

    return override(struct_hook=hook)


converter.register_structure_hook(
    Rule, make_dict_structure_fn(Rule, converter, cases=_list_of(Case))
)
converter.register_structure_hook(
    RuleSet,
    make_dict_structure_fn(RuleSet, converter, rules=_list_of(Rule), includes=_list_of(RuleSet)),
)
converter.register_structure_hook(
    Purchase, make_dict_structure_fn(Purchase, converter, components=_list_of(Component))
)
converter.register_unstructure_hook(
    RuleSet,
    make_dict_unstructure_fn(
        RuleSet, converter, _cattrs_omit_if_default=True, _digest=override(omit=True)
    ),
)


# --- traces and decisions (written out for audit logs, every field present) -------------------


def _unstructure_trace(trace: Trace) -> dict[str, Any]:
    out: dict[str, Any] = {"node": repr(trace.predicate), "value": trace.value}
    if trace.fact:
        out["fact"] = trace.fact
    if trace.observed:
        out["observed"] = trace.observed
    if trace.error:
        out["error"] = trace.error
    if trace.children:
        out["children"] = [_unstructure_trace(c) for c in trace.children]
    return out


converter.register_unstructure_hook(Trace, _unstructure_trace)

_audit = converter.copy(omit_if_default=False)
_audit.register_unstructure_hook(Trace, _unstructure_trace)


def unstructure_decision(decision: Decision) -> dict[str, Any]:
    data: dict[str, Any] = _audit.unstructure(decision)
    data["determining"] = data.pop("determining_keys")
    return data


# --- entry points -------------------------------------------------------------------------------


def unstructure(value: Any) -> Any:
    """Plain data for any vendorpolicy value."""
    if isinstance(value, Predicate):
        return _unstructure_predicate(value)
    if isinstance(value, Decision):
        return unstructure_decision(value)
    return converter.unstructure(value)


def structure(
    data: Any, cls: type[Any], *, customs: Iterable[Custom] | Mapping[str, Custom] = ()
) -> Any:
    """Build a value of ``cls`` from plain data.

    Every problem is collected; they are raised together as one
    :class:`~vendorpolicy.errors.InvalidDataError` whose paths point into ``data``.
    """
    table = dict(customs) if isinstance(customs, Mapping) else {c.name: c for c in customs}
    token = _CUSTOMS.set(table)
    try:
        return converter.structure(data, cls)
    except Exception as exc:
        problems = tuple(_problem(path, e, cls) for path, e in _walk(exc, "$"))
        count = len(problems)
        raise InvalidDataError(
            f"{count} problem{'s' if count != 1 else ''} in the {_NAMES.get(cls, cls.__name__)}",
            problems=problems,
        ) from None
    finally:
        _CUSTOMS.reset(token)


_NAMES = {RuleSet: "rule set", Purchase: "purchase", Rule: "rule"}


def _walk(exc: BaseException, path: str) -> Iterable[tuple[str, BaseException]]:
    """The leaf errors of a cattrs error tree, each with its path into the data."""
    if isinstance(exc, cattrs.ClassValidationError):
        by_attribute, rest = exc.group_exceptions()
        for inner, attribute in by_attribute:
            yield from _walk(inner, f"{path}.{attribute.name}")
        for inner in rest:
            yield from _walk(inner, path)
    elif isinstance(exc, cattrs.IterableValidationError):
        by_index, rest = exc.group_exceptions()
        for inner, index in by_index:
            yield from _walk(inner, f"{path}[{index.index!r}]")
        for inner in rest:
            yield from _walk(inner, path)
    elif isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            yield from _walk(inner, path)
    else:
        yield path, exc


def _problem(path: str, exc: BaseException, root: type[Any]) -> VendorPolicyError:
    if isinstance(exc, VendorPolicyError):
        # A value's own path (`VendorOrigin.countries[0]`) continues the path into the data.
        inner = (exc.path or "").split(".", 1)
        suffix = f".{inner[1]}" if len(inner) == 2 and inner[0][:1].isupper() else ""
        if suffix and path.endswith("." + suffix[1:].split("[", 1)[0]):
            suffix = suffix[len(suffix.split("[", 1)[0]) :]
        return type(exc)(exc.message, path=path + suffix, hint=exc.hint)
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        keys = sorted(exc.extra_fields)
        fields = [a.name for a in attrs.fields(exc.cl)] if attrs.has(exc.cl) else []
        close = difflib.get_close_matches(keys[0], fields, n=1) if fields else []
        return InvalidValueError(
            f"unknown key{'s' if len(keys) > 1 else ''} {', '.join(f'`{k}`' for k in keys)}",
            path=path,
            hint=f"did you mean `{close[0]}`?"
            if close
            else (f"allowed: {', '.join(f'`{f}`' for f in fields)}" if fields else None),
        )
    if isinstance(exc, KeyError):
        return InvalidValueError("required field missing", path=path, hint="add it")
    return InvalidValueError(f"{type(exc).__name__}: {exc}", path=path)


def rule_set_from_dict(
    data: Any, *, customs: Iterable[Custom] | Mapping[str, Custom] = ()
) -> RuleSet:
    """A rule set from plain data (as :func:`unstructure` writes it)."""
    result: RuleSet = structure(data, RuleSet, customs=customs)
    return result


def purchase_from_dict(data: Any) -> Purchase:
    """A purchase from plain data."""
    result: Purchase = structure(data, Purchase)
    return result


def canonical_json(value: Any) -> str:
    """The canonical JSON of a value: keys sorted, no spaces, UTF-8 text."""
    return json.dumps(unstructure(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(rule_set: RuleSet) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(rule_set).encode()).hexdigest()
