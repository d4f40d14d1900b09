"""The audit record of a decision: written out, read back, published as a JSON Schema, replayed.

A record (``Decision.to_json()``) holds every field of the decision, the traces with the facts
they read in prose (``observed``) and as values (``observed_value``) and each condition in its
file form (``condition``), and what the decision was made on: the digest of the purchase as it
was handed to the engine (and, with ``include_purchase``, the purchase itself), the registry
names were resolved against, and the library version. :func:`decision_from_record` reads a
record back into a :class:`Decision`; :func:`replay` decides the recorded purchases again and
reports every record whose decision would now differ.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from attrs import frozen
from cattrs.gen import make_dict_unstructure_fn

from vendorpolicy._convert import TAGS, converter, purchase_from_dict, structure
from vendorpolicy._decision import (
    Basis,
    Decision,
    Evaluated,
    LayerOutcome,
    RuleResult,
    RuleStatus,
)
from vendorpolicy._model import Effect, Purchase
from vendorpolicy._predicates import (
    AllComponents,
    AllOf,
    AnyComponent,
    AnyOf,
    Custom,
    Not,
    Predicate,
)
from vendorpolicy._resolution import Candidate, Resolution
from vendorpolicy._text import brief
from vendorpolicy._trace import Trace
from vendorpolicy.errors import AuditRecordError, VendorPolicyError

__all__ = [
    "RECORD_VERSION",
    "Replayed",
    "decision_from_json",
    "decision_from_record",
    "decision_record",
    "decision_schema",
    "purchase_digest",
    "replay",
    "result_schema",
]

#: The version of the decision record format this library writes (``record_version``).
RECORD_VERSION = 1

#: Keys a replay does not compare: who wrote the record, and the purchase it carries.
_NOT_COMPARED = frozenset({"library_version", "purchase"})
#: Keys that say which rule set decided: a change there alone is a changed rule set whose
#: decision agrees.
_RULE_SET_KEYS = frozenset({"digest", "version"})


def _library_version() -> str:
    from vendorpolicy import __version__  # noqa: PLC0415 - cycle

    return __version__


def purchase_digest(purchase: Purchase) -> str:
    """``sha256:`` and the hex SHA-256 of the purchase's canonical JSON (its plain data, keys
    sorted, no spaces, UTF-8): what a decision record names the purchase by."""
    text = json.dumps(
        converter.unstructure(purchase), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


# --- writing ------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """An observed value as JSON data (dates as text, sets as sorted lists, money as an
    object)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return converter.unstructure(value)


def _condition(node: Predicate) -> Any:
    from vendorpolicy._convert import unstructure  # noqa: PLC0415 - the same converter

    return unstructure(node)


def _trace_record(trace: Trace, *, root: bool = True) -> dict[str, Any]:
    node = trace.predicate
    tag = TAGS.get(type(node))
    out: dict[str, Any] = {"node": repr(node), "kind": tag or type(node).__name__}
    out["value"] = trace.value
    composite = isinstance(node, (AllOf, AnyOf, Not))
    if (root or not composite) and tag is not None:
        # The whole condition at the root; below it, each atom's own (a connective's operands
        # are its children's). A node kind outside the file format has only its prose.
        with contextlib.suppress(KeyError):  # a node kind outside the file format below it
            out["condition"] = _condition(node)
    if trace.fact:
        out["fact"] = trace.fact
        out["observed"] = trace.observed
        out["observed_value"] = _plain(trace.observed_value)
    if trace.error:
        out["error"] = trace.error
    if trace.children:
        out["children"] = [_trace_record(c, root=False) for c in trace.children]
    return out


def _optional_trace(trace: Trace | None) -> dict[str, Any] | None:
    return None if trace is None else _trace_record(trace)


def _result_record(result: RuleResult) -> dict[str, Any]:
    return {
        "rule_set": result.rule_set,
        "rule": result.rule,
        "status": result.status.value,
        "effect": None if result.effect is None else result.effect.value,
        "possible_effects": [e.value for e in result.possible_effects],
        "reason": result.reason,
        "rule_reason": result.rule_reason,
        "case": result.case,
        # The deciding case's own reason, apart from the rule's (None when no case decided).
        "case_reason": result.reason if result.case is not None else None,
        "source": result.source,
        "obligations": list(result.obligations),
        "condition": _optional_trace(result.condition),
        "exception": _optional_trace(result.exception),
        "cases": [_trace_record(t) for t in result.cases],
        "missing_facts": list(result.missing_facts),
        "errors": list(result.errors),
    }


_resolution_plain = make_dict_unstructure_fn(Resolution, converter)
_layer_plain = make_dict_unstructure_fn(
    LayerOutcome, converter.copy(omit_if_default=False), _cattrs_omit_if_default=False
)


def decision_record(decision: Decision, *, include_purchase: bool = False) -> dict[str, Any]:
    """The audit record of ``decision`` as plain data; see the module docstring."""
    evaluated = decision.evaluated or Evaluated()
    purchase = evaluated.purchase
    digest = evaluated.purchase_digest
    if digest is None and purchase is not None:
        digest = purchase_digest(purchase)
    registry = (
        None
        if evaluated.registry_id is None
        else {"id": evaluated.registry_id, "version": evaluated.registry_version}
    )
    data: dict[str, Any] = {
        "record_version": RECORD_VERSION,
        "library_version": evaluated.library_version or _library_version(),
        "effect": decision.effect.value,
        "basis": decision.basis.value,
        "rule_set": decision.rule_set,
        "version": decision.version,
        "digest": decision.digest,
        "as_of": None if decision.as_of is None else decision.as_of.isoformat(),
        "purchase_id": decision.purchase_id,
        "purchase_digest": digest,
        "registry": registry,
        "determining": list(decision.determining_keys),
        "obligations": list(decision.obligations),
        "missing_facts": list(decision.missing_facts),
        "errors": list(decision.errors),
        "warnings": list(decision.warnings),
        "results": [_result_record(r) for r in decision.results],
        "layers": [_layer_plain(layer) for layer in decision.layers],
        "resolutions": [_resolution_plain(r) for r in decision.resolutions],
    }
    if include_purchase:
        if purchase is None:
            raise VendorPolicyError(
                "this decision does not hold the purchase it was made on",
                path="Decision.to_json(include_purchase)",
                hint="decisions the engine makes hold it; one read from a record without "
                "the purchase does not",
            )
        data["purchase"] = converter.unstructure(purchase)
    return data


# --- reading ------------------------------------------------------------------------------------


class _Read:
    """Reads one record, raising :class:`AuditRecordError` with the path of the first problem."""

    def __init__(self, what: str) -> None:
        self.what = what

    def fail(self, message: str, path: str, hint: str | None = None) -> AuditRecordError:
        problem = AuditRecordError(message, path=path, hint=hint)
        return AuditRecordError(f"cannot read {self.what}", problems=(problem,))

    def obj(self, data: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(data, Mapping):
            raise self.fail(f"expected an object, got {type(data).__name__}", path)
        return data

    def key(self, data: Mapping[str, Any], key: str, path: str) -> Any:
        if key not in data:
            raise self.fail(f"required key `{key}` missing", path)
        return data[key]

    def text(self, data: Mapping[str, Any], key: str, path: str, *, optional: bool = False) -> Any:
        value = self.key(data, key, path)
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise self.fail(f"expected text, got {type(value).__name__}", f"{path}.{key}")
        return value

    def texts(self, data: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
        value = self.key(data, key, path)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail("expected a list of text", f"{path}.{key}")
        return tuple(value)

    def items(self, data: Mapping[str, Any], key: str, path: str) -> list[Any]:
        value = self.key(data, key, path)
        if not isinstance(value, list):
            raise self.fail(f"expected a list, got {type(value).__name__}", f"{path}.{key}")
        return value

    def choice(self, data: Mapping[str, Any], key: str, path: str, enum: Any) -> Any:
        value = self.key(data, key, path)
        try:
            return enum(value)
        except (ValueError, TypeError):
            allowed = ", ".join(f"`{m.value}`" for m in enum)
            name = {"RuleStatus": "rule status"}.get(enum.__name__, enum.__name__.lower())
            article = "an" if name[0] in "aeiou" else "a"
            raise self.fail(
                f"not {article} {name} `{brief(str(value), 40)}`",
                f"{path}.{key}",
                hint=f"one of {allowed}",
            ) from None

    def date(self, data: Mapping[str, Any], key: str, path: str) -> dt.date | None:
        value = self.text(data, key, path, optional=True)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self.fail(
                f"not a date `{brief(value, 40)}`", f"{path}.{key}", hint="YYYY-MM-DD"
            ) from None


def _custom_names(data: Any, found: set[str]) -> None:
    if isinstance(data, Mapping):
        custom = data.get("custom")
        if len(data) == 1 and isinstance(custom, Mapping) and isinstance(custom.get("name"), str):
            found.add(custom["name"])
        for value in data.values():
            _custom_names(value, found)
    elif isinstance(data, list):
        for value in data:
            _custom_names(value, found)


def _unavailable(_: Purchase) -> bool | None:
    """A custom predicate a record names but the reader was not given: it has no answer."""
    return None


def _customs(data: Any, given: Any) -> dict[str, Custom]:
    table: dict[str, Custom] = dict(given) if isinstance(given, Mapping) else {}
    if not isinstance(given, Mapping):
        table.update({c.name: c for c in given})
    names: set[str] = set()
    _custom_names(data, names)
    for name in names - table.keys():
        table[name] = Custom(
            name=name,
            function=_unavailable,
            description="named by a decision record; its function was not given",
        )
    return table


def _trace_from(
    read: _Read, data: Any, path: str, node: Predicate | None, customs: Mapping[str, Custom]
) -> Trace:
    data = read.obj(data, path)
    if node is None:
        condition = read.key(data, "condition", path)
        try:
            node = structure(condition, Predicate, customs=customs)
        except VendorPolicyError as exc:
            raise read.fail(
                f"not a condition: {brief(str(exc), 200)}", f"{path}.condition"
            ) from None
    value = read.key(data, "value", path)
    if value is not None and not isinstance(value, bool):
        raise read.fail("expected true, false or null", f"{path}.value")
    children_data = data.get("children", [])
    if not isinstance(children_data, list):
        raise read.fail("expected a list", f"{path}.children")
    children: list[Trace] = []
    for i, child in enumerate(children_data):
        if isinstance(node, (AllOf, AnyOf)):
            if i >= len(node.operands):
                raise read.fail("more children than the condition has operands", path)
            inner: Predicate = node.operands[i]
        elif isinstance(node, Not):
            inner = node.operand
        elif isinstance(node, (AnyComponent, AllComponents)):
            inner = node.predicate
        else:
            raise read.fail("a condition without operands has children", f"{path}.children")
        children.append(_trace_from(read, child, f"{path}.children[{i}]", inner, customs))
    fact = data.get("fact", "")
    if not isinstance(fact, str):
        raise read.fail("expected text", f"{path}.fact")
    observed = data.get("observed", "")
    error = data.get("error", "")
    if not isinstance(observed, str) or not isinstance(error, str):
        raise read.fail("expected text", f"{path}.observed")
    return Trace(
        predicate=node,
        value=value,
        fact=fact,
        observed=observed,
        error=error,
        children=tuple(children),
        observed_value=data.get("observed_value"),
    )


def _result_from(read: _Read, data: Any, path: str, customs: Mapping[str, Custom]) -> RuleResult:
    data = read.obj(data, path)
    effect = data.get("effect")
    case = read.key(data, "case", path)
    if case is not None and (isinstance(case, bool) or not isinstance(case, int)):
        raise read.fail("expected a whole number or null", f"{path}.case")

    def trace(key: str) -> Trace | None:
        value = read.key(data, key, path)
        return None if value is None else _trace_from(read, value, f"{path}.{key}", None, customs)

    effects = read.items(data, "possible_effects", path)
    return RuleResult(
        rule_set=read.text(data, "rule_set", path),
        rule=read.text(data, "rule", path),
        status=read.choice(data, "status", path, RuleStatus),
        effect=None if effect is None else read.choice(data, "effect", path, Effect),
        possible_effects=tuple(
            read.choice({"effect": e}, "effect", f"{path}.possible_effects[{i}]", Effect)
            for i, e in enumerate(effects)
        ),
        reason=read.text(data, "reason", path),
        rule_reason=read.text(data, "rule_reason", path),
        case=case,
        source=read.text(data, "source", path),
        obligations=read.texts(data, "obligations", path),
        condition=trace("condition"),
        exception=trace("exception"),
        cases=tuple(
            _trace_from(read, t, f"{path}.cases[{i}]", None, customs)
            for i, t in enumerate(read.items(data, "cases", path))
        ),
        missing_facts=read.texts(data, "missing_facts", path),
        errors=read.texts(data, "errors", path),
    )


def _with_candidates(data: Any) -> Any:
    """A resolution's plain data with its match's candidates built (the field's converter
    takes candidates, not their plain data)."""
    match = data.get("match") if isinstance(data, Mapping) else None
    if not isinstance(match, Mapping) or not isinstance(match.get("candidates"), list):
        return data
    candidates = [structure(c, Candidate) for c in match["candidates"]]
    return {**data, "match": {**match, "candidates": candidates}}


def decision_from_record(
    data: Any, *, customs: Iterable[Custom] | Mapping[str, Custom] = (), what: str = "the record"
) -> Decision:
    """A decision from its audit record's plain data. Custom predicates the record names and
    ``customs`` does not hold are read as ones without an answer (they cannot be rebuilt)."""
    read = _Read(what)
    data = read.obj(data, "$")
    version = read.key(data, "record_version", "$")
    if version != RECORD_VERSION:
        raise read.fail(
            f"record_version `{brief(str(version), 20)}` is not one this vendorpolicy reads "
            f"({RECORD_VERSION})",
            "$.record_version",
            hint="read it with the vendorpolicy version that wrote it",
        )
    head = {
        "effect": read.choice(data, "effect", "$", Effect),
        "basis": read.choice(data, "basis", "$", Basis),
        "rule_set": read.text(data, "rule_set", "$"),
        "version": read.text(data, "version", "$"),
        "digest": read.text(data, "digest", "$"),
        "as_of": read.date(data, "as_of", "$"),
        "purchase_id": read.text(data, "purchase_id", "$"),
    }
    table = _customs(data, customs)
    purchase: Purchase | None = None
    if data.get("purchase") is not None:
        try:
            purchase = purchase_from_dict(data["purchase"])
        except VendorPolicyError as exc:
            raise read.fail(f"not a purchase: {brief(str(exc), 200)}", "$.purchase") from None
    registry = data.get("registry")
    if registry is not None:
        registry = read.obj(registry, "$.registry")
        registry_id = read.text(registry, "id", "$.registry")
        registry_version = read.text(registry, "version", "$.registry", optional=True)
    else:
        registry_id = registry_version = None
    layers = []
    for i, item in enumerate(read.items(data, "layers", "$")):
        where = f"$.layers[{i}]"
        layer = read.obj(item, where)
        layers.append(
            LayerOutcome(
                rule_set=read.text(layer, "rule_set", where),
                version=read.text(layer, "version", where),
                effect=read.choice(layer, "effect", where, Effect),
                basis=read.choice(layer, "basis", where, Basis),
            )
        )
    resolutions = []
    for i, item in enumerate(read.items(data, "resolutions", "$")):
        try:
            resolutions.append(structure(_with_candidates(item), Resolution))
        except VendorPolicyError as exc:
            raise read.fail(
                f"not a resolution: {brief(str(exc), 200)}", f"$.resolutions[{i}]"
            ) from None
    results = tuple(
        _result_from(read, r, f"$.results[{i}]", table)
        for i, r in enumerate(read.items(data, "results", "$"))
    )
    determining = read.texts(data, "determining", "$")
    keys = {r.key for r in results}
    for i, key in enumerate(determining):
        if key not in keys:
            raise read.fail(
                f"determining rule `{brief(key, 60)}` is not among the results",
                f"$.determining[{i}]",
            )
    digest = read.text(data, "purchase_digest", "$", optional=True)
    if purchase is not None and digest is not None and purchase_digest(purchase) != digest:
        raise read.fail(
            "the purchase does not match the record's `purchase_digest`",
            "$.purchase",
            hint="the record was altered after it was written",
        )
    return Decision(
        **head,
        determining_keys=determining,
        obligations=read.texts(data, "obligations", "$"),
        missing_facts=read.texts(data, "missing_facts", "$"),
        errors=read.texts(data, "errors", "$"),
        results=results,
        layers=tuple(layers),
        resolutions=tuple(resolutions),
        warnings=read.texts(data, "warnings", "$"),
        evaluated=Evaluated(
            purchase=purchase,
            registry_id=registry_id,
            registry_version=registry_version,
            purchase_digest=digest,
            library_version=read.text(data, "library_version", "$"),
        ),
    )


def decision_from_json(
    text: str | bytes,
    *,
    customs: Iterable[Custom] | Mapping[str, Custom] = (),
    what: str = "the record",
) -> Decision:
    """A decision from its audit record as JSON (see :func:`decision_from_record`)."""
    try:
        data = json.loads(text)
    except (ValueError, TypeError) as exc:
        raise AuditRecordError(
            f"cannot read {what}: not JSON ({brief(str(exc), 120)})",
            hint="a record is one JSON object, as `Decision.to_json()` writes it",
        ) from None
    return decision_from_record(data, customs=customs, what=what)


# --- replay -------------------------------------------------------------------------------------


@frozen(kw_only=True)
class Replayed:
    """One record decided again: ``differences`` names the record's keys whose value the
    decision made now does not share (empty when it agrees), other than the rule set's
    ``digest`` and ``version``, which ``rule_set_changed`` tells about; ``recorded`` and ``now``
    are the two decisions."""

    recorded: Decision
    now: Decision
    differences: tuple[str, ...]
    rule_set_changed: bool

    @property
    def agrees(self) -> bool:
        return not self.differences


def replay(
    records: Iterable[Decision],
    rule_set: Any,
    *,
    registry: Any = None,
    **options: Any,
) -> Iterator[Replayed]:
    """Decide each recorded purchase again under ``rule_set`` (as of the recorded date, against
    ``registry``) and compare the records key by key. A record must carry its purchase."""
    for recorded in records:
        evaluated = recorded.evaluated
        if evaluated is None or evaluated.purchase is None:
            raise AuditRecordError(
                f"the record of purchase `{brief(recorded.purchase_id, 60)}` does not carry "
                "the purchase, so it cannot be decided again",
                hint="write records with `to_json(include_purchase=True)` "
                "(`explain --json --include-purchase`)",
            )
        now = rule_set.evaluate(
            evaluated.purchase, as_of=recorded.as_of, registry=registry, **options
        )
        before = decision_record(recorded)
        after = decision_record(now)
        changed = [
            k
            for k in sorted(before.keys() | after.keys())
            if k not in _NOT_COMPARED and before.get(k) != after.get(k)
        ]
        yield Replayed(
            recorded=recorded,
            now=now,
            differences=tuple(k for k in changed if k not in _RULE_SET_KEYS),
            rule_set_changed=any(k in _RULE_SET_KEYS for k in changed),
        )


# --- schemas ------------------------------------------------------------------------------------

_TEXT = {"type": "string"}
_TEXTS = {"type": "array", "items": _TEXT}
_EFFECT = {"type": "string", "enum": [e.value for e in Effect]}
_BASIS = {"type": "string", "enum": [b.value for b in Basis]}
_DIGEST = {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"}
_DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}


def _closed(properties: dict[str, Any], *, optional: Iterable[str] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": [k for k in properties if k not in set(optional)],
        "additionalProperties": False,
    }


def _trace_schema() -> dict[str, Any]:
    return _closed(
        {
            "node": {"type": "string", "description": "The condition as the builder writes it."},
            "kind": {"type": "string", "description": "The condition's tag, as in files."},
            "value": {"type": ["boolean", "null"], "description": "null: unknown."},
            "condition": {
                "$ref": "#/$defs/Condition",
                "description": "The condition in its file form: at the root of a trace, and on "
                "each condition that is not `all`, `any` or `not`.",
            },
            "fact": _TEXT,
            "observed": {"type": "string", "description": "What was read there, in prose."},
            "observed_value": {
                "description": "What was read, as a value: text, true/false, a number, a list "
                "(a set), an object (money; or, through ownership, each vendor's value by id); "
                "null when not known."
            },
            "error": _TEXT,
            "children": {"type": "array", "items": {"$ref": "#/$defs/Trace"}},
        },
        optional=("condition", "fact", "observed", "observed_value", "error", "children"),
    )


def _result_item_schema() -> dict[str, Any]:
    trace_or_null = {"oneOf": [{"$ref": "#/$defs/Trace"}, {"type": "null"}]}
    return _closed(
        {
            "rule_set": _TEXT,
            "rule": _TEXT,
            "status": {"type": "string", "enum": [s.value for s in RuleStatus]},
            "effect": {"oneOf": [_EFFECT, {"type": "null"}]},
            "possible_effects": {"type": "array", "items": _EFFECT},
            "reason": _TEXT,
            "rule_reason": _TEXT,
            "case": {"type": ["integer", "null"], "minimum": 0},
            "case_reason": {"type": ["string", "null"]},
            "source": _TEXT,
            "obligations": _TEXTS,
            "condition": trace_or_null,
            "exception": trace_or_null,
            "cases": {"type": "array", "items": {"$ref": "#/$defs/Trace"}},
            "missing_facts": _TEXTS,
            "errors": _TEXTS,
        }
    )


def decision_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a decision record, as ``Decision.to_json()`` writes
    it."""
    from vendorpolicy._schema import rule_set_schema  # noqa: PLC0415 - the conditions' schema

    defs = dict(rule_set_schema()["$defs"])
    defs["Trace"] = _trace_schema()
    defs["RuleResult"] = _result_item_schema()
    defs["LayerOutcome"] = _closed(
        {"rule_set": _TEXT, "version": _TEXT, "effect": _EFFECT, "basis": _BASIS}
    )
    defs["Resolution"] = {
        "type": "object",
        "description": "How a supplier or maker name resolved against the registry.",
        "properties": {"subject": _TEXT, "query": _TEXT},
        "required": ["subject"],
    }
    top = _closed(
        {
            "record_version": {"const": RECORD_VERSION},
            "library_version": _TEXT,
            "effect": _EFFECT,
            "basis": _BASIS,
            "rule_set": _TEXT,
            "version": _TEXT,
            "digest": _DIGEST,
            "as_of": _DATE_OR_NULL,
            "purchase_id": _TEXT,
            "purchase_digest": {"oneOf": [_DIGEST, {"type": "null"}]},
            "registry": {
                "oneOf": [
                    _closed({"id": _TEXT, "version": {"type": ["string", "null"]}}),
                    {"type": "null"},
                ]
            },
            "determining": _TEXTS,
            "obligations": _TEXTS,
            "missing_facts": _TEXTS,
            "errors": _TEXTS,
            "warnings": _TEXTS,
            "results": {"type": "array", "items": {"$ref": "#/$defs/RuleResult"}},
            "layers": {"type": "array", "items": {"$ref": "#/$defs/LayerOutcome"}},
            "resolutions": {"type": "array", "items": {"$ref": "#/$defs/Resolution"}},
            "purchase": {
                "type": "object",
                "description": "The purchase as handed to the engine (with include_purchase).",
            },
            "ledger": {
                "type": "object",
                "description": "Where the purchase came from, in `check --format records`: "
                "its line in the ledger and the kept columns (and the ledger's file, in a run "
                "over several ledgers).",
                "properties": {
                    "line": {"type": "integer", "minimum": 1},
                    "kept": {"type": "object"},
                    "file": _TEXT,
                },
                "required": ["line", "kept"],
                "additionalProperties": False,
            },
        },
        optional=("purchase", "ledger"),
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "vendorpolicy decision record",
        "description": "The audit record of one decision (Decision.to_json()). See "
        "docs/evaluation.md.",
        **top,
        "$defs": defs,
    }


def result_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one result row of ``vendorpolicy check`` in JSON
    Lines (``write_results``): a decision or an error record, with the same keys."""
    nullable_effect = {"oneOf": [_EFFECT, {"type": "null"}]}
    nullable_basis = {"oneOf": [_BASIS, {"type": "null"}]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "vendorpolicy ledger result row",
        "description": "One line of `vendorpolicy check --format jsonl`. See docs/ledgers.md.",
        **_closed(
            {
                "line": {"type": "integer", "minimum": 1},
                "purchase_id": {"type": ["string", "null"]},
                "status": {"type": "string", "enum": ["decided", "error"]},
                "effect": nullable_effect,
                "basis": nullable_basis,
                "determining": _TEXTS,
                "reason": _TEXT,
                "obligations": _TEXTS,
                "missing_facts": _TEXTS,
                "errors": _TEXTS,
                "warnings": _TEXTS,
                "resolved": _TEXTS,
                "rule_set": _TEXT,
                "version": _TEXT,
                "digest": _DIGEST,
                "as_of": _DATE_OR_NULL,
                "credit_memo": {"type": "boolean"},
                "kept": {"type": "object", "additionalProperties": {"type": ["string", "null"]}},
                "ledger": {
                    "type": "string",
                    "description": "The ledger the row came from, as named on the command "
                    "line, in a `check` run over several ledgers.",
                },
            },
            optional=("ledger",),
        ),
        "allOf": [
            {
                "if": {"properties": {"status": {"const": "decided"}}},
                "then": {"properties": {"effect": _EFFECT, "basis": _BASIS}},
            }
        ],
    }
