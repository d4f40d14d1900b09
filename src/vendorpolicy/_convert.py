"""The private cattrs converter: values to plain data and back, the canonical form and digest.

Predicates are written as single-key objects whose key is the node's stable tag and whose value
is the node's payload: ``{"origin": {"countries": ["CN"]}}``, ``{"all": [...]}``. The tags are
listed here explicitly, not derived from class names, so renaming a class never breaks a file.

A rule set's *document* is its plain data with ``format_version`` first; it is what files hold,
and its canonical JSON is what :attr:`RuleSet.digest` hashes. Structuring runs every field's
converter and validator as the field is read, so that all problems in a document are reported
together rather than the first one per object.
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
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
import cattrs
from cattrs.errors import AttributeValidationNote, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from vendorpolicy._checks import tick
from vendorpolicy._decision import Decision
from vendorpolicy._model import Category, Component, Purchase
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
    Predicate,
    PurposeIn,
    UltimateOwnerOrigin,
    ValueAtLeast,
    VendorDesignated,
    VendorId,
    VendorOrigin,
)
from vendorpolicy._rules import Case, Rule, RuleSet
from vendorpolicy._text import brief
from vendorpolicy._trace import Trace
from vendorpolicy._vocabulary import FactSpec, Vocabulary
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
    "FORMAT_VERSION",
    "MIGRATIONS",
    "TAGS",
    "canonical_json",
    "converter",
    "digest",
    "purchase_from_dict",
    "read_format_version",
    "rule_set_from_dict",
    "rule_set_to_document",
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
    BuyerDesignated: "buyer_designated",
    ValueAtLeast: "value_at_least",
    PurposeIn: "purpose",
    DateOnOrAfter: "date_on_or_after",
    DecidedOnOrAfter: "decided_on_or_after",
    FactIn: "fact",
    AnyComponent: "any_component",
    AllComponents: "all_components",
    Custom: "custom",
    UltimateOwnerOrigin: "ultimate_owner_origin",
    FactOnOrAfter: "fact_on_or_after",
    FactOnOrAfterDecision: "fact_on_or_after_decision",
    FactOnOrBeforeDecision: "fact_on_or_before_decision",
    AcquiredOnOrAfter: "acquired_on_or_after",
}
_BY_TAG = {tag: cls for cls, tag in TAGS.items()}
_CONNECTIVES = (AllOf, AnyOf)
_WRAPPERS = (Not, AnyComponent, AllComponents)
_QUANTIFIERS = (AnyComponent, AllComponents)
#: The keys of a quantifier's long form (the short form is its condition alone).
_QUANTIFIER_KEYS = frozenset({"predicate", "if_undeclared"})

#: The version of the rule-set file format this library writes. Part of every document.
FORMAT_VERSION = 1

#: Upgrades of older documents, by the version they upgrade from: each takes a document of
#: version ``n`` (without its ``format_version``) and returns one of version ``n + 1``.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

#: Custom predicates a load may refer to, by name; set only while structuring.
_CUSTOMS: contextvars.ContextVar[Mapping[str, Custom] | None] = contextvars.ContextVar(
    "vendorpolicy_customs", default=None
)
#: The vocabulary references are checked against; set only while structuring.
_VOCABULARY: contextvars.ContextVar[Vocabulary | None] = contextvars.ContextVar(
    "vendorpolicy_vocabulary", default=None
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
            f"expected a date as `YYYY-MM-DD`, got {type(value).__name__} {tick(value, 60)}"
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidValueError(
            f"not a date {tick(value, 60)}", hint="write dates as `YYYY-MM-DD`"
        ) from None


converter.register_unstructure_hook(dt.date, lambda d: d.isoformat())
converter.register_structure_hook(dt.date, _structure_date)
converter.register_unstructure_hook(decimal.Decimal, str)


def _structure_decimal(value: Any, _: type) -> decimal.Decimal:
    """A decimal as written out (text, or a whole number); never a float, which rounds."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise PredicateTypeError(
            f"expected a decimal number as text, got {type(value).__name__} {tick(value, 60)}"
        )
    try:
        return decimal.Decimal(value)
    except decimal.InvalidOperation:
        raise InvalidValueError(f"not a decimal number {tick(value, 60)}") from None


converter.register_structure_hook(decimal.Decimal, _structure_decimal)
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
        raise PredicateTypeError(f"expected text, got {type(value).__name__} {tick(value, 60)}")
    return value


def _strict_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise PredicateTypeError(
            f"expected true or false, got {type(value).__name__} {tick(value, 60)}"
        )
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
        inner = _unstructure_predicate(node.predicate)
        if node.if_undeclared is None:  # the short form, as files wrote it before the option
            return {tag: inner}
        return {tag: {"predicate": inner, "if_undeclared": node.if_undeclared}}
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
            f"keys {', '.join(_key(k) for k in data)}"
            if isinstance(data, Mapping) and data
            else f"{type(data).__name__} {tick(data, 60)}"
        )
        raise InvalidValueError(
            f"a condition must be an object with exactly one key naming its kind, found {found}",
            hint='e.g. `{"origin": {"countries": ["CN"]}}`; combine several with `all`/`any`',
        )
    ((tag, payload),) = data.items()
    cls = _BY_TAG.get(tag)
    if cls is None:
        close = difflib.get_close_matches(brief(tag, 100), list(_BY_TAG), n=1)
        raise InvalidValueError(
            f"unknown condition kind {_key(tag)}",
            hint=f"did you mean `{close[0]}`?" if close else f"one of {', '.join(sorted(_BY_TAG))}",
        )
    if cls in _CONNECTIVES:
        if not isinstance(payload, list):
            raise PredicateTypeError(f"`{tag}` takes a list of conditions, got {tick(payload, 60)}")
        return cls(operands=tuple(_structure_list(payload)))
    if cls in _QUANTIFIERS and isinstance(payload, Mapping) and _QUANTIFIER_KEYS & set(payload):
        # The long form, `{predicate = <condition>, if_undeclared = false}`; no condition kind
        # is named `predicate` or `if_undeclared`, so it cannot be mistaken for the short one.
        built: Predicate = _QUANTIFIER_STRUCTURE[cls](payload, cls)
        return built
    if cls in _WRAPPERS:
        inner = _structure_predicate(payload)
        return Not(operand=inner) if cls is Not else cls(predicate=inner)  # type: ignore[call-arg]
    if cls in (Always, Never):
        if payload not in ({}, True):
            raise InvalidValueError(
                f"`{tag}` takes no arguments, got {tick(payload, 60)}", hint="write `{}`"
            )
        return cls()
    if cls is Custom:
        if not isinstance(payload, Mapping) or set(payload) != {"name"}:
            raise InvalidValueError(f"`custom` takes only a `name`, got {tick(payload, 60)}")
        name = payload["name"]
        known = _CUSTOMS.get() or {}
        if name not in known:
            raise InvalidValueError(
                f"unknown custom predicate {tick(name)}",
                hint="pass the function to the loader, e.g. `customs=[my_predicate]`"
                + (f"; known: {', '.join(sorted(known))}" if known else ""),
            )
        return known[name]
    if not isinstance(payload, Mapping):
        raise PredicateTypeError(f"`{tag}` takes an object of arguments, got {tick(payload, 60)}")
    node: Predicate = _PAYLOAD_STRUCTURE[cls](payload, cls)
    vocabulary = _VOCABULARY.get()
    if vocabulary is not None:
        _check_references(node, payload, vocabulary)
    return node


def _check_references(node: Predicate, payload: Mapping[str, Any], vocabulary: Vocabulary) -> None:
    """Report the categories and designations ``vocabulary`` does not know, each at its index."""
    known: Callable[[str], bool]
    suggest: Callable[[str], str | None]
    if isinstance(node, CategoryWithin):
        key, what = "categories", "category"
        known, suggest = vocabulary.knows_category, vocabulary.suggest_category
    elif isinstance(node, (VendorDesignated, BuyerDesignated)):
        key, what = "designations", "designation"
        known, suggest = vocabulary.knows_designation, vocabulary.suggest_designation
    else:
        return
    raw = payload[key]
    items = [raw] if isinstance(raw, str) else list(raw)
    errors: list[Exception] = []
    for i, item in enumerate(items):
        if known(item):
            continue
        close = suggest(item)
        exc = InvalidValueError(
            f"unknown {what} {tick(item)}",
            hint=f"did you mean `{close}`?"
            if close
            else f"it is not in the configured vocabulary; add it there or fix the {what}",
        )
        if not isinstance(raw, str):
            exc.__notes__ = [IterableValidationNote(f"Checking index {i}", i, str)]  # type: ignore[attr-defined]
        errors.append(exc)
    if not errors:
        return
    group: Exception = (
        errors[0]
        if isinstance(raw, str)
        else cattrs.IterableValidationError(f"unknown {what}", errors, list)
    )
    group.__notes__ = [AttributeValidationNote(f"Checking {key}", key, list)]  # type: ignore[attr-defined]
    raise cattrs.ClassValidationError(f"unknown {what}", [group], type(node))


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


def _short(value: Any, limit: int = 60) -> str:
    """A user value for a message, cut short: a hostile file must not flood the terminal (the
    text of :func:`~vendorpolicy._checks.tick` without its backticks)."""
    return brief(value, limit)


def _list_of(cls: type[Any]) -> Any:
    """Structure a list of ``cls`` with per-index error paths, for fields whose attrs converter
    expects built values (a tuple of rules, say) rather than plain data."""

    def hook(value: Any, _: type) -> Any:
        if value is None:
            return None
        if not isinstance(value, list):
            raise PredicateTypeError(
                f"expected a list, got {type(value).__name__} {tick(value, 60)}"
            )
        return converter.get_structure_hook(list[cls])(value, list[cls])  # type: ignore[valid-type]

    return override(struct_hook=hook)


def _eager(cls: type[Any], **pre: Any) -> Callable[[Any, Any], Any]:
    """A structure function for the attrs class ``cls`` that runs each field's converter and
    validator as the field is read.

    The class's ``__init__`` stops at the first bad field; running them per field lets cattrs
    collect every bad field of an object, with its path. ``pre`` structures a field's plain data
    before its converter sees it (a list of rules for a converter that expects ``Rule`` values);
    each is an ``override`` with a ``struct_hook``, as :func:`_list_of` makes.
    The constructor runs the (idempotent) converters again and then the cross-field checks.
    """
    attrs.resolve_types(cls)
    probe = object.__new__(cls)  # validators read only the class name from the instance
    overrides: dict[str, Any] = {}
    for a in attrs.fields(cls):
        if a.init:
            given = pre.get(a.name)
            hook = given.struct_hook if given is not None else None
            overrides[a.name] = override(struct_hook=_field_hook(a, probe, hook))
    generated = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=True, **overrides)
    keys = ", ".join(f"`{a.alias}`" for a in attrs.fields(cls) if a.init)

    def structure_object(data: Any, _: type) -> Any:
        if not isinstance(data, Mapping):
            raise PredicateTypeError(
                f"expected an object with keys {keys}, got {type(data).__name__} {tick(data, 60)}"
            )
        return generated(data, cls)

    return structure_object


def _field_hook(
    a: attrs.Attribute[Any], probe: object, pre: Callable[[Any, Any], Any] | None
) -> Callable[[Any, Any], Any]:
    attribute_converter: Callable[[Any], Any] | None = a.converter  # type: ignore[assignment]
    field_type: Any = a.type
    build_first = attribute_converter is None or attrs.has(field_type)

    def hook(value: Any, t: Any) -> Any:
        if pre is not None:
            value = pre(value, t)
        elif build_first:
            value = converter.structure(value, field_type)
        if attribute_converter is not None:
            value = attribute_converter(value)
        if a.validator is not None:
            a.validator(probe, a, value)
        return value

    return hook


_ATOMS = [c for c in TAGS if c not in (*_CONNECTIVES, *_WRAPPERS, Always, Never, Custom)]
_PAYLOAD_UNSTRUCTURE = {
    c: make_dict_unstructure_fn(c, converter, _cattrs_omit_if_default=True) for c in _ATOMS
}
_PAYLOAD_STRUCTURE = {c: _eager(c) for c in _ATOMS}
_QUANTIFIER_STRUCTURE = {c: _eager(c) for c in _QUANTIFIERS}
converter.register_unstructure_hook(Predicate, _unstructure_predicate)
converter.register_structure_hook(Predicate, _structure_predicate)


def _eager_factory(cls: type[Any]) -> Callable[[Any, Any], Any]:
    return _eager(cls)


converter.register_structure_hook_factory(attrs.has, _eager_factory)
converter.register_structure_hook(Case, _eager(Case))
converter.register_structure_hook(Rule, _eager(Rule, cases=_list_of(Case)))
converter.register_structure_hook(Vocabulary, _eager(Vocabulary, facts=_list_of(FactSpec)))


def _optional_vocabulary(value: Any, _: Any) -> Any:
    return None if value is None else converter.structure(value, Vocabulary)


converter.register_structure_hook(
    RuleSet,
    _eager(
        RuleSet,
        rules=_list_of(Rule),
        includes=_list_of(RuleSet),
        vocabulary=override(struct_hook=_optional_vocabulary),
    ),
)
converter.register_structure_hook(Purchase, _eager(Purchase, components=_list_of(Component)))
_unstructure_spec = make_dict_unstructure_fn(FactSpec, converter, _cattrs_omit_if_default=True)
converter.register_unstructure_hook(FactSpec, _unstructure_spec)


def _unstructure_vocabulary(vocabulary: Vocabulary) -> dict[str, Any]:
    """A vocabulary's file form: the tree's leaves only (their ancestors are implied), sorted;
    fields that are not declared left out."""
    out: dict[str, Any] = {}
    if vocabulary.categories is not None:
        out["categories"] = sorted(c.path for c in vocabulary.leaves)
    if vocabulary.designations is not None:
        out["designations"] = sorted(vocabulary.designations)
    if vocabulary.facts is not None:
        out["facts"] = [_unstructure_spec(s) for s in vocabulary.facts]
    return out


# Registered before the rule set's function is generated, which looks the hook up once.
converter.register_unstructure_hook(Vocabulary, _unstructure_vocabulary)
converter.register_unstructure_hook(
    RuleSet,
    make_dict_unstructure_fn(
        RuleSet,
        converter,
        _cattrs_omit_if_default=True,
        _digest=override(omit=True),
        _compiled=override(omit=True),
        _checkers=override(omit=True),
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
    """Plain data for any vendorpolicy value; for a rule set, its document (with
    ``format_version``)."""
    if isinstance(value, Predicate):
        return _unstructure_predicate(value)
    if isinstance(value, Decision):
        return unstructure_decision(value)
    if isinstance(value, RuleSet):
        return rule_set_to_document(value)
    return converter.unstructure(value)


def rule_set_to_document(rule_set: RuleSet) -> dict[str, Any]:
    """The file form of a rule set: ``format_version`` first, then the set's fields, defaults
    omitted."""
    body: dict[str, Any] = converter.unstructure(rule_set)
    return {"format_version": FORMAT_VERSION, **body}


def structure(
    data: Any,
    cls: type[Any],
    *,
    customs: Iterable[Custom] | Mapping[str, Custom] = (),
    vocabulary: Vocabulary | None = None,
    problems: Iterable[VendorPolicyError] = (),
    what: str | None = None,
) -> Any:
    """Build a value of ``cls`` from plain data.

    Every problem is collected; they are raised together as one
    :class:`~vendorpolicy.errors.InvalidDataError` whose paths point into ``data``. ``problems``
    are found earlier by the caller and reported with the rest; ``what`` names the data in the
    message (``rules.toml``).
    """
    table = dict(customs) if isinstance(customs, Mapping) else {c.name: c for c in customs}
    found = list(problems)
    token = _CUSTOMS.set(table)
    vocabulary_token = _VOCABULARY.set(vocabulary)
    try:
        result = converter.structure(data, cls)
    except Exception as exc:
        found.extend(_problem(path, e, cls) for path, e in _walk(exc, "$"))
    finally:
        _CUSTOMS.reset(token)
        _VOCABULARY.reset(vocabulary_token)
    if found:
        count = len(found)
        raise InvalidDataError(
            f"{count} problem{'s' if count != 1 else ''} in "
            f"{what or 'the ' + _NAMES.get(cls, cls.__name__)}",
            problems=tuple(found),
        )
    return result


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
        # Keys of data built in code need not be text: sort and show them all the same.
        keys = sorted(exc.extra_fields, key=lambda k: (not isinstance(k, str), repr(k)))
        fields = [a.alias for a in attrs.fields(exc.cl) if a.init] if attrs.has(exc.cl) else []
        first = keys[0] if isinstance(keys[0], str) else repr(keys[0])
        close = difflib.get_close_matches(first[:100], fields, n=1) if fields else []
        return InvalidValueError(
            f"unknown key{'s' if len(keys) > 1 else ''} {', '.join(_key(k) for k in keys)}",
            path=path,
            hint=f"did you mean `{close[0]}`?"
            if close
            else (f"allowed: {', '.join(f'`{f}`' for f in fields)}" if fields else None),
        )
    if isinstance(exc, KeyError):
        return InvalidValueError("required field missing", path=path, hint="add it")
    if isinstance(exc, RecursionError):
        return InvalidValueError("data nested too deeply", path=path)
    return InvalidValueError(f"{type(exc).__name__}: {_short(exc)}", path=path)


def _key(key: object) -> str:
    """A key for a message; one that is not text (from data built in code) says its type."""
    return tick(key) if isinstance(key, str) else f"{tick(key)} ({type(key).__name__})"


def read_format_version(data: Any, *, required: bool) -> tuple[Any, list[VendorPolicyError]]:
    """Check a document's ``format_version`` and bring an older document up to date.

    Returns the document without its ``format_version`` and any problem found. A document newer
    than this library, or older than any migration reaches, is refused at once: reading it as the
    current version would misread it. Files must state their version (``required``); plain data
    built in the same process may leave it out and is read as the current version.
    """
    if not isinstance(data, Mapping):
        return data, []  # structuring reports the wrong type
    body = {k: v for k, v in data.items() if k != "format_version"}
    if "format_version" not in data and not required:
        return body, []
    if "format_version" not in data:
        return body, [
            InvalidValueError(
                "required key `format_version` missing",
                path="$",
                hint=f"add `format_version = {FORMAT_VERSION}` at the top of the file",
            )
        ]
    version = data["format_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        return body, [
            PredicateTypeError(
                f"`format_version` must be a whole number, got {type(version).__name__} "
                f"{tick(version, 60)}",
                path="$.format_version",
                hint=f"write `format_version = {FORMAT_VERSION}`",
            )
        ]
    if version > FORMAT_VERSION:
        raise InvalidDataError(
            "1 problem in rule set document",
            problems=(
                InvalidValueError(
                    f"format_version {tick(version)} is newer than this vendorpolicy reads "
                    f"(up to {FORMAT_VERSION})",
                    path="$.format_version",
                    hint="upgrade vendorpolicy to read this file",
                ),
            ),
        )
    while version < FORMAT_VERSION:
        migrate = MIGRATIONS.get(version)
        if migrate is None:
            raise InvalidDataError(
                "1 problem in rule set document",
                problems=(
                    InvalidValueError(
                        f"format_version {tick(version)} cannot be read: the oldest version this "
                        f"vendorpolicy reads is {min([*MIGRATIONS, FORMAT_VERSION])}",
                        path="$.format_version",
                        hint="see 'Format versions and migration' in docs/files.md",
                    ),
                ),
            )
        body = migrate(body)
        version += 1
    return body, []


def rule_set_from_dict(
    data: Any,
    *,
    customs: Iterable[Custom] | Mapping[str, Custom] = (),
    vocabulary: Vocabulary | None = None,
    require_version: bool = False,
) -> RuleSet:
    """A rule set from its document (as :func:`unstructure` writes it).

    ``format_version`` is checked when present (older documents are migrated, newer ones
    refused); with ``require_version``, as for files, it must be present. With ``vocabulary``,
    categories and designations it does not know are reported too.
    """
    body, problems = read_format_version(data, required=require_version)
    result: RuleSet = structure(
        body, RuleSet, customs=customs, vocabulary=vocabulary, problems=problems
    )
    return result


def purchase_from_dict(data: Any) -> Purchase:
    """A purchase from plain data."""
    result: Purchase = structure(data, Purchase)
    return result


def canonical_json(value: Any) -> str:
    """The canonical JSON of a value: keys sorted, no spaces, UTF-8 text. For a rule set, that of
    its document."""
    return json.dumps(unstructure(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(rule_set: RuleSet) -> str:
    """``sha256:`` and the hex SHA-256 of the rule set's canonical JSON (UTF-8)."""
    return "sha256:" + hashlib.sha256(canonical_json(rule_set).encode()).hexdigest()
