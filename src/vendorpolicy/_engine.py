"""Evaluation of rule sets: from per-rule outcomes to one decision.

Unknown facts are handled exactly: the engine works out the least and the most severe effect the
decision could have once the missing facts were known, ``lo`` and ``hi``. When they agree the
decision is certain. When they differ the decision is ``max(lo, min(hi, on_unknown))``: never less
severe than what is already certain, and escalated towards the worst case but no further than
``on_unknown``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from attrs import frozen

from vendorpolicy._checks import tick, type_name
from vendorpolicy._compile import Hooks, Program, compile_rule_set
from vendorpolicy._decision import (
    Basis,
    Decision,
    Evaluated,
    LayerOutcome,
    RuleResult,
    RuleStatus,
)
from vendorpolicy._model import Effect, Purchase, Vendor
from vendorpolicy._names import Resolver
from vendorpolicy._registry import Registry
from vendorpolicy._resolution import Resolution
from vendorpolicy._resolve import candidate_vendors
from vendorpolicy._rules import Combining, Rule, RuleSet
from vendorpolicy._text import brief
from vendorpolicy._trace import Trace, UnknownFacts, kleene_and, kleene_not, trace_purchase
from vendorpolicy._vocabcheck import ExtraFacts, OutsideVocabulary, check
from vendorpolicy._vocabulary import Vocabulary
from vendorpolicy.errors import PredicateTypeError

__all__ = [
    "behind_unknown_vendors",
    "evaluate",
    "interpret",
    "interpret_checked",
    "outcome_range",
    "summarise",
]

Truth = bool | None

#: ``VENDORPOLICY_INTERPRET=1`` in the environment decides every purchase by the interpreter
#: alone, skipping the compiled form (to compare the two, or to rule the compiled form out).
_INTERPRET_ONLY = os.environ.get("VENDORPOLICY_INTERPRET", "") not in ("", "0")


@frozen
class _Outcome:
    """A rule's result with what the combination needs: whether it applies and its effects."""

    result: RuleResult
    applies: Truth
    effects: frozenset[Effect]


def evaluate(
    rule_set: RuleSet,
    purchase: Purchase,
    *,
    as_of: dt.date | None = None,
    registry: Registry | None = None,
    resolver: Resolver | None = None,
    outside_vocabulary: OutsideVocabulary = "error",
    extra_facts: ExtraFacts = (),
    vocabulary: Vocabulary | None = None,
) -> Decision:
    """Decide on ``purchase``: by the compiled form of the rule set when there is one (see
    ``vendorpolicy._compile``), else by the interpreter. Both give the same decision, and both
    check the purchase against the rule set's vocabulary first, by the same ``check``."""
    if (
        not _INTERPRET_ONLY
        and type(purchase) is Purchase
        and (as_of is None or type(as_of) is dt.date)
        and (registry is None or type(registry) is Registry)
        and (resolver is None or registry is not None)
    ):
        program = _program(rule_set)
        if program is not None:
            checked = check(
                rule_set,
                purchase,
                vocabulary=vocabulary,
                extra_facts=extra_facts,
                outside_vocabulary=outside_vocabulary,
            )
            if checked is None:
                return program.decide(purchase, as_of, registry, resolver, ())
            if checked.unknown is None:  # warnings only: the purchase is evaluated as it is
                return program.decide(purchase, as_of, registry, resolver, checked.warnings)
            # Facts read as unknown (escalated): the interpreter decides, as it reads them.
    return interpret(
        rule_set,
        purchase,
        as_of=as_of,
        registry=registry,
        resolver=resolver,
        outside_vocabulary=outside_vocabulary,
        extra_facts=extra_facts,
        vocabulary=vocabulary,
    )


def interpret(
    rule_set: RuleSet,
    purchase: Purchase,
    *,
    as_of: dt.date | None = None,
    registry: Registry | None = None,
    resolver: Resolver | None = None,
    outside_vocabulary: OutsideVocabulary = "error",
    extra_facts: ExtraFacts = (),
    vocabulary: Vocabulary | None = None,
) -> Decision:
    """The plain interpreter, the specification of a decision: the vocabulary check, then every
    rule traced in full."""
    if not isinstance(purchase, Purchase):
        raise PredicateTypeError(
            f"expected a Purchase, got {type_name(purchase)} {tick(purchase)}",
            path="RuleSet.evaluate(purchase)",
        )
    # The vocabulary check comes first and stands apart from evaluation: a purchase that breaks
    # the vocabulary raises here, or (escalate) comes back with its offending facts to read as
    # unknown.
    unknown: UnknownFacts | None = None
    vocabulary_errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    checked = check(
        rule_set,
        purchase,
        vocabulary=vocabulary,
        extra_facts=extra_facts,
        outside_vocabulary=outside_vocabulary,
    )
    given = purchase
    if checked is not None:
        purchase, unknown = checked.purchase, checked.unknown
        vocabulary_errors, warnings = checked.errors, checked.warnings
    return interpret_checked(
        rule_set,
        purchase,
        as_of=as_of,
        registry=registry,
        resolver=resolver,
        unknown=unknown,
        vocabulary_errors=vocabulary_errors,
        warnings=warnings,
        given=given,
    )


def interpret_checked(
    rule_set: RuleSet,
    purchase: Purchase,
    *,
    as_of: dt.date | None = None,
    registry: Registry | None = None,
    resolver: Resolver | None = None,
    unknown: UnknownFacts | None = None,
    vocabulary_errors: tuple[str, ...] = (),
    warnings: tuple[str, ...] = (),
    given: Purchase | None = None,
) -> Decision:
    """The interpreter after the vocabulary check, given what the check found; ``given`` is
    the purchase as the caller stated it (before the check), for the audit record."""
    if as_of is not None and (not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime)):
        raise PredicateTypeError(
            f"expected a date, got {type_name(as_of)} {tick(as_of)}",
            path="RuleSet.evaluate(as_of)",
        )
    when = as_of if as_of is not None else purchase.date
    resolutions: tuple[Resolution, ...] = ()
    evaluated = Evaluated(
        purchase=purchase if given is None else given,
        registry_id=None if registry is None else getattr(registry, "id", None),
        registry_version=None if registry is None else getattr(registry, "version", None),
    )
    given = purchase
    if registry is not None:
        if not isinstance(registry, Registry):
            raise PredicateTypeError(
                f"expected a Registry, got {type_name(registry)} {tick(registry)}",
                path="RuleSet.evaluate(registry)",
            )
        resolved = registry.resolve(purchase, as_of=when, resolver=resolver)
        purchase, resolutions = resolved.purchase, resolved.resolutions
    elif resolver is not None:
        raise PredicateTypeError(
            "a resolver needs a registry to resolve against",
            path="RuleSet.evaluate(resolver)",
            hint="pass `registry=` as well",
        )
    decision = _decide(
        rule_set,
        purchase,
        when,
        resolutions=resolutions,
        unknown=unknown,
        vocabulary_errors=vocabulary_errors,
        warnings=warnings,
        evaluated=evaluated,
    )
    # An ambiguous name leaves its vendor unknown: the decision escalates, or, where
    # `on_unknown` caps the escalation, stands on the lower bound. Either way each entity the name
    # may mean is tried, and the decision they all give with certainty is made.
    if registry is not None and (decision.basis is Basis.UNKNOWN or decision.missing_facts):
        settled = _settle_ambiguous_names(
            rule_set,
            given=given,
            decision=decision,
            purchase=purchase,
            registry=registry,
            when=when,
            unknown=unknown,
            vocabulary_errors=vocabulary_errors,
            warnings=warnings,
        )
        if settled is not None:
            return settled
    return decision


def _decide(
    rule_set: RuleSet,
    purchase: Purchase,
    when: dt.date | None,
    *,
    resolutions: tuple[Resolution, ...],
    unknown: UnknownFacts | None,
    vocabulary_errors: tuple[str, ...],
    warnings: tuple[str, ...],
    evaluated: Evaluated | None = None,
) -> Decision:
    """The decision on a purchase whose names are resolved already."""
    behind = behind_unknown_vendors(resolutions)
    per_layer = [
        (
            layer,
            [
                _rule_outcome(layer.id, rule, purchase, when, behind=behind, unknown=unknown)
                for rule in layer.rules
            ],
        )
        for layer in rule_set.layers()
    ]
    effect, basis, determining, obligations, layers = summarise(per_layer)
    results = tuple(o.result for _, outcomes in per_layer for o in outcomes)
    missing: dict[str, None] = {}
    errors: dict[str, None] = dict.fromkeys(vocabulary_errors)
    for r in results:
        missing.update(dict.fromkeys(r.missing_facts))
        errors.update(dict.fromkeys(r.errors))
    return Decision(
        effect=effect,
        basis=basis,
        rule_set=rule_set.id,
        version=rule_set.version,
        digest=rule_set.digest,
        as_of=when,
        purchase_id=purchase.id,
        determining_keys=determining,
        obligations=obligations,
        missing_facts=tuple(missing),
        errors=tuple(errors),
        results=results,
        layers=layers,
        resolutions=resolutions,
        warnings=warnings,
        evaluated=evaluated,
    )


def summarise(
    per_layer: Iterable[tuple[RuleSet, list[_Outcome]]],
) -> tuple[Effect, Basis, tuple[str, ...], tuple[str, ...], tuple[LayerOutcome, ...]]:
    """The decision's effect, basis, determining rule keys, obligations and layer outcomes from
    each layer's rule outcomes (in the order of ``RuleSet.layers()``)."""
    layers = []
    obligations: dict[str, None] = {}
    for layer, outcomes in per_layer:
        effect, basis, keys, fired = _combine(layer, outcomes)
        layers.append((layer, effect, basis, keys))
        for o in fired:
            obligations.update(dict.fromkeys(o.result.obligations))
    effect = max(e for _, e, _, _ in layers)
    top = [(b, keys) for _, e, b, keys in layers if e is effect]
    bases = {b for b, _ in top}
    basis = (
        Basis.RULES
        if Basis.RULES in bases
        else (Basis.UNKNOWN if Basis.UNKNOWN in bases else Basis.DEFAULT)
    )
    determining: list[str] = []
    for _, keys in top:
        determining.extend(keys)
    return (
        effect,
        basis,
        tuple(determining),
        tuple(obligations),
        tuple(
            LayerOutcome(rule_set=layer.id, version=layer.version, effect=e, basis=b)
            for layer, e, b, _ in layers
        ),
    )


#: At most this many ways of reading the ambiguous names of one purchase are tried; past it,
#: the purchase goes to review as any other ambiguity does.
MAX_READINGS = 16

_VENDOR_SLOT = re.compile(r"(vendor|components\[(\d+)\]\.vendor)\Z")


def _settle_ambiguous_names(
    rule_set: RuleSet,
    *,
    given: Purchase,
    decision: Decision,
    purchase: Purchase,
    registry: Registry,
    when: dt.date | None,
    unknown: UnknownFacts | None,
    vocabulary_errors: tuple[str, ...],
    warnings: tuple[str, ...],
) -> Decision | None:
    """The decision, when every entity the purchase's ambiguous names may mean gives the same
    certain one; ``None`` otherwise (the decision stays escalated).

    A name is ambiguous when several registry entities carry it (``Match.candidates``): the
    vendor is then unknown, and the decision escalates. Each candidate is substituted for the
    vendor in turn, in the order of their ids (every combination, for several ambiguous
    names); when each reading is
    decided by the rules or the default (not escalated) with one and the same effect, which of
    them the name means cannot change the decision, and it is made. The decision shown is the
    first reading's, and each ambiguous name's resolution says so (``Resolution.settled``).
    """
    slots: list[tuple[int, Resolution, list[Vendor]]] = []
    for index, resolution in enumerate(decision.resolutions):
        found = _VENDOR_SLOT.match(resolution.subject)
        if (
            found is None
            or resolution.entity is not None
            or resolution.conflict
            or not resolution.match.ambiguous
        ):
            continue
        part = found.group(2)
        if part is None:
            stated, current = given.vendor, purchase.vendor
        else:
            i = int(part)
            if given.components is None or purchase.components is None:
                return None  # pragma: no cover - a component's name implies components
            stated, current = given.components[i].vendor, purchase.components[i].vendor
        if current is not None:
            continue  # pragma: no cover - an ambiguous name leaves its vendor unknown
        readings = _readings(resolution, stated, registry, when)
        if readings is None:
            return None
        slots.append((index, resolution, readings))
    if not slots:
        return None
    combinations = 1
    for _, _, readings in slots:
        combinations *= len(readings)
    if combinations > MAX_READINGS:
        return None
    decisions: list[Decision] = []
    choices = list(itertools.product(*(readings for _, _, readings in slots)))
    for choice in choices:
        reading = purchase
        for (_, resolution, _), vendor in zip(slots, choice, strict=True):
            reading = _substitute(reading, resolution.subject, vendor)
        decisions.append(
            _decide(
                rule_set,
                reading,
                when,
                resolutions=decision.resolutions,
                unknown=unknown,
                vocabulary_errors=vocabulary_errors,
                warnings=warnings,
                evaluated=decision.evaluated,
            )
        )
    first = decisions[0]
    if any(d.basis is Basis.UNKNOWN or d.effect is not first.effect for d in decisions):
        return _floored(decision, decisions, choices, slots)
    resolutions = list(first.resolutions)
    for index, resolution, readings in slots:
        names = ", ".join(f"`{v.id}`" for v in readings)
        resolutions[index] = attrs.evolve(
            resolution,
            settled=True,
            note=f"several registry entities carry this name ({names}); each gives "
            f"{first.effect.name}, so which one it means does not change the decision "
            f"(shown as `{readings[0].id}`)",
        )
    return attrs.evolve(first, resolutions=tuple(resolutions))


def _floored(
    decision: Decision,
    decisions: list[Decision],
    choices: list[tuple[Vendor, ...]],
    slots: list[tuple[int, Resolution, list[Vendor]]],
) -> Decision | None:
    """The decision on ambiguous names whose readings do not all give one certain effect:
    the escalated decision, unless it is less severe than every reading's. The name means one
    of its candidates, so whichever it is the decision is at least the least severe reading's;
    the vendor left unknown may stand lower only where `on_unknown` caps the escalation (the
    unknown vendor could be anyone, not only a candidate). Then the least severe reading is
    made, escalated (``Basis.UNKNOWN``: which entity the name means is not known), with the
    escalated decision's missing facts, and each name's resolution says so; ``None`` when the
    escalated decision stands."""
    floor = min(d.effect for d in decisions)
    if decision.effect >= floor:
        return None
    at = next(i for i, d in enumerate(decisions) if d.effect is floor)
    chosen = decisions[at]
    effects = sorted({d.effect for d in decisions})
    spread = effects[0].name if len(effects) == 1 else f"{effects[0].name} to {effects[-1].name}"
    resolutions = list(chosen.resolutions)
    for (index, resolution, readings), shown in zip(slots, choices[at], strict=True):
        names = ", ".join(f"`{v.id}`" for v in readings)
        resolutions[index] = attrs.evolve(
            resolution,
            note=f"several registry entities carry this name ({names}); their decisions are "
            f"{spread}, not all certain, so the least severe, {floor.name}, is made "
            f"(shown as `{shown.id}`) and stays escalated",
        )
    missing = dict.fromkeys((*chosen.missing_facts, *decision.missing_facts))
    return attrs.evolve(
        chosen, basis=Basis.UNKNOWN, missing_facts=tuple(missing), resolutions=tuple(resolutions)
    )


def _readings(
    resolution: Resolution, stated: Vendor | None, registry: Registry, when: dt.date | None
) -> list[Vendor] | None:
    """The vendors an ambiguous name may mean, as the registry has them on the date (with the
    designations the purchase gave the vendor); ``None`` when one of them is not known without
    a date, or the purchase states a parent (which each candidate would have to agree with)."""
    if stated is not None and stated.parent is not None:
        return None
    out = candidate_vendors(registry, resolution.match, when)
    if out is None or len(out) < 2:
        return None
    if stated is None:
        return out
    return [
        v
        if stated.designations <= v.designations
        else attrs.evolve(v, designations=v.designations | stated.designations)
        for v in out
    ]


def _substitute(purchase: Purchase, subject: str, vendor: Vendor) -> Purchase:
    """``purchase`` with ``vendor`` at ``subject`` (``vendor`` or ``components[i].vendor``)."""
    found = _VENDOR_SLOT.match(subject)
    assert found is not None
    if found.group(2) is None:
        return attrs.evolve(purchase, vendor=vendor)
    i = int(found.group(2))
    assert purchase.components is not None
    parts = list(purchase.components)
    parts[i] = attrs.evolve(parts[i], vendor=vendor)
    return attrs.evolve(purchase, components=tuple(parts))


def behind_unknown_vendors(resolutions: Iterable[Resolution]) -> dict[str, tuple[str, ...]]:
    """For each vendor the registry identified but left unknown (``vendor``,
    ``components[0].vendor``), the facts whose absence did it (``purchase.date``), including
    those behind its stated parent (``vendor.parent``)."""
    out: dict[str, dict[str, None]] = {}
    for resolution in resolutions:
        if resolution.missing_facts:
            subject = resolution.subject
            while subject.endswith(".parent"):
                subject = subject[: -len(".parent")]
            if subject == "buyer":
                subject = "buyer.designations"  # the fact a buyer condition reads
            out.setdefault(subject, {}).update(dict.fromkeys(resolution.missing_facts))
    return {subject: tuple(facts) for subject, facts in out.items()}


def _rule_outcome(
    rule_set: str,
    rule: Rule,
    purchase: Purchase,
    when: dt.date | None,
    *,
    behind: Mapping[str, tuple[str, ...]],
    unknown: UnknownFacts | None = None,
) -> _Outcome:
    base: dict[str, Any] = {
        "rule_set": rule_set,
        "rule": rule.id,
        "reason": rule.reason,
        "rule_reason": rule.reason,
        "source": rule.source,
        "obligations": rule.obligations,
    }
    try:
        missing: list[str] = []
        in_force: Truth = True
        if rule.has_window:
            in_force = None if when is None else rule.in_force(when)
        if in_force is False:
            return _Outcome(
                RuleResult(
                    status=RuleStatus.NOT_IN_FORCE, effect=None, possible_effects=(), **base
                ),
                False,
                frozenset(),
            )
        condition = trace_purchase(rule.when, purchase, when, unknown=unknown)
        exception = (
            trace_purchase(rule.unless, purchase, when, unknown=unknown)
            if rule.unless is not None
            else None
        )
        applies = kleene_and(
            [in_force, condition.value, True if exception is None else kleene_not(exception.value)]
        )
        effects: set[Effect] = set()
        cases: list[Trace] = []
        deciding: int | None = None  # the case that surely gives the rule's effect
        if applies is not False:
            for index, case in enumerate(rule.cases):
                trace = trace_purchase(case.when, purchase, when, unknown=unknown)
                cases.append(trace)
                if trace.value is not False:
                    effects.add(case.effect)
                if trace.value is True:
                    if all(t.value is False for t in cases[:-1]):
                        deciding = index
                    break
            else:
                effects.add(rule.effect)
        if deciding is not None:
            # The case says why its effect applies ("private carriers are only asked to take
            # note"); the rule's own reason stays in `rule_reason`.
            base["case"] = deciding
            base["reason"] = rule.cases[deciding].reason or rule.reason
        traces = [t for t in (condition, exception, *cases) if t is not None]
        if applies is None:
            if in_force is None:
                missing.append("purchase.date")
            missing.extend(condition.missing_facts)
            if exception is not None:
                missing.extend(exception.missing_facts)
        if applies is not False and len(effects) > 1:
            # An unknown case matters only when the effects it chooses between differ.
            for trace in cases:
                missing.extend(trace.missing_facts)
        if applies is True:
            status = RuleStatus.APPLIES
        elif applies is None:
            status = RuleStatus.UNKNOWN
        elif condition.value is True and exception is not None and exception.value is True:
            status = RuleStatus.EXCEPTED
        else:
            status = RuleStatus.NOT_APPLICABLE
        certain = next(iter(effects)) if applies is True and len(effects) == 1 else None
        if behind:
            # A vendor left unknown for want of a fact (the date) makes that fact missing too.
            missing = [fact for name in missing for fact in (name, *behind.get(name, ()))]
        result = RuleResult(
            status=status,
            effect=certain,
            possible_effects=tuple(sorted(effects)),
            condition=condition,
            exception=exception,
            cases=tuple(cases),
            missing_facts=tuple(dict.fromkeys(missing)),
            errors=tuple(e for t in traces for e in t.errors),
            **base,
        )
        return _Outcome(result, applies, frozenset(effects))
    except Exception as exc:
        message = f"rule `{rule.id}` could not be evaluated: {type(exc).__name__}: {brief(exc)}"
        return _Outcome(
            RuleResult(
                status=RuleStatus.UNKNOWN,
                effect=None,
                possible_effects=tuple(sorted(rule.effects)),
                errors=(message,),
                **base,
            ),
            None,
            rule.effects,
        )


def outcome_range(
    combining: Combining, default: Effect, outcomes: Iterable[tuple[Truth, frozenset[Effect]]]
) -> tuple[Effect, Effect]:
    """The least and most severe decision possible, given each rule's (applies, effects)."""
    items = [(a, e) for a, e in outcomes if a is not False]
    if combining is Combining.FIRST_MATCH:
        possible: set[Effect] = set()
        for applies, effects in items:
            possible |= effects
            if applies is True:
                break
        else:
            possible.add(default)
        return min(possible), max(possible)
    forced = [min(e) for a, e in items if a is True]
    every = [max(e) for _, e in items]
    if forced:
        return max(forced), max(every)
    return (
        min([default, *(min(e) for _, e in items)]),
        max([default, *every]),
    )


def _combine(
    layer: RuleSet, outcomes: list[_Outcome]
) -> tuple[Effect, Basis, list[str], list[_Outcome]]:
    """The layer's effect, basis, determining rule keys, and the rules whose obligations hold."""
    lo, hi = outcome_range(
        layer.combining, layer.default, ((o.applies, o.effects) for o in outcomes)
    )
    effect = max(lo, min(hi, layer.on_unknown))
    applying = [o for o in outcomes if o.applies is True]
    if layer.combining is Combining.FIRST_MATCH:
        first = next((o for o in outcomes if o.applies is True), None)
        # Only a rule reached before any rule that surely applies can matter.
        fired = [first] if first is not None else []
        deciders = [o for o in fired if o.result.effect is effect]
    else:
        fired = applying
        deciders = [o for o in applying if o.result.effect is effect]
    if lo is not hi:
        basis = Basis.UNKNOWN
    elif deciders:
        basis = Basis.RULES
    else:
        basis = Basis.DEFAULT
    return effect, basis, [o.result.key for o in deciders], fired


def _program(rule_set: RuleSet) -> Program | None:
    """The rule set's compiled form, built on first use and kept on the rule set; ``None`` if it
    could not be built, in which case the interpreter decides."""
    program = rule_set._compiled
    if program is None:
        try:
            program = compile_rule_set(rule_set, _HOOKS)
        except Exception:
            program = False
        object.__setattr__(rule_set, "_compiled", program)
    return program or None


_HOOKS = Hooks(
    rule_outcome=_rule_outcome,
    summarise=summarise,
    interpret=interpret_checked,
    evaluate=evaluate,
    outcome=_Outcome,
    behind=behind_unknown_vendors,
)
