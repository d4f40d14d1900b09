"""The readable account of a decision."""

from __future__ import annotations

import attrs

from vendorpolicy._decision import Basis, Decision, RuleResult, RuleStatus
from vendorpolicy._text import shown
from vendorpolicy._trace import Trace

__all__ = ["explain", "mark"]

_BASIS = {
    Basis.RULES: "decided by the rules below",
    Basis.DEFAULT: "no rule applied; the rule set's default",
    Basis.UNKNOWN: "escalated: facts needed to decide are missing",
}
_STATUS = {
    RuleStatus.APPLIES: "applies",
    RuleStatus.NOT_APPLICABLE: "does not apply",
    RuleStatus.EXCEPTED: "does not apply: its exception holds",
    RuleStatus.NOT_IN_FORCE: "not in force on the decision date",
    RuleStatus.UNKNOWN: "cannot tell: facts missing",
}


def mark(value: bool | None) -> str:
    """``[yes]``, ``[no]`` or ``[?]`` for a three-valued result."""
    return "[?]" if value is None else ("[yes]" if value else "[no]")


def explain(decision: Decision) -> str:
    lines = [
        f"Decision: {decision.effect.name} ({_BASIS[decision.basis]})",
        f"Rule set: {decision.rule_set} version {decision.version} ({decision.digest[:19]}…)",
        f"As of: {decision.as_of.isoformat() if decision.as_of else 'no date given'}",
    ]
    if decision.purchase_id:
        lines.append(f"Purchase: {decision.purchase_id}")
    if decision.resolutions:
        lines.append("")
        lines.append(f"Names resolved (registry {decision.resolutions[0].registry}):")
        for resolution in decision.resolutions:
            lines.extend(f"  {line}" for line in resolution.render())
    if len(decision.layers) > 1:
        lines.append("Layers:")
        lines.extend(
            f"  {layer.rule_set} {layer.version}: {layer.effect.name} ({layer.basis.value})"
            for layer in decision.layers
        )
    deciding = decision.determining
    if deciding:
        lines.append("")
        lines.append("Determining rules:")
        for result in deciding:
            lines.extend(_rule(result, "  ", decision))
    others = [
        r
        for r in decision.results
        if r.key not in decision.determining_keys and r.status is not RuleStatus.NOT_IN_FORCE
    ]
    if others:
        lines.append("")
        lines.append("Other rules:")
        for result in others:
            lines.extend(
                _rule(result, "  ", decision, brief=result.status is RuleStatus.NOT_APPLICABLE)
            )
    resting = [r for r in decision.results if r.status is RuleStatus.NOT_IN_FORCE]
    if resting:
        lines.append("")
        lines.append("Not in force: " + ", ".join(r.key for r in resting))
    if decision.missing_facts:
        lines.append("")
        lines.append("Missing facts: " + ", ".join(decision.missing_facts))
    if decision.errors:
        lines.append("")
        lines.append("Errors (treated as unknown, failing closed):")
        lines.extend(f"  - {e}" for e in decision.errors)
    if decision.warnings:
        lines.append("")
        lines.append("Warnings:")
        lines.extend(f"  - {w}" for w in decision.warnings)
    if decision.obligations:
        lines.append("")
        lines.append("Obligations:")
        lines.extend(f"  - {o}" for o in decision.obligations)
    # User text (ids, names, fact values, reasons) is shown escaped: each line stays one line,
    # and nothing in it is a terminal control sequence.
    return "\n".join(shown(line) for line in lines)


def _rule(result: RuleResult, indent: str, decision: Decision, *, brief: bool = False) -> list[str]:
    effect = (
        result.effect.name
        if result.effect is not None
        else "/".join(e.name for e in result.possible_effects) or "-"
    )
    lines = [f"{indent}{result.key} -> {effect}: {_STATUS[result.status]}"]
    inner = indent + "    "
    if result.reason:
        lines.append(f"{inner}reason: {result.reason}")
    if result.rule_reason and result.rule_reason != result.reason:
        lines.append(f"{inner}rule's reason: {result.rule_reason}")
    if result.source:
        lines.append(f"{inner}source: {result.source}")
    if brief:
        return lines
    if result.condition is not None:
        lines.append(f"{inner}when:")
        lines.extend(_trace(result.condition, inner + "  ", decision))
    if result.exception is not None:
        lines.append(f"{inner}unless:")
        lines.extend(_trace(result.exception, inner + "  ", decision))
    for index, case in enumerate(result.cases):
        lines.append(f"{inner}case{' (decides)' if index == result.case else ''}:")
        lines.extend(_trace(case, inner + "  ", decision))
    if result.missing_facts:
        lines.append(f"{inner}missing: {', '.join(result.missing_facts)}")
    lines.extend(f"{inner}error: {e}" for e in result.errors)
    return lines


def _trace(trace: Trace, indent: str, decision: Decision) -> list[str]:
    from vendorpolicy._predicates import (  # noqa: PLC0415 - cycle
        _NEGATED_BY_NAME,
        AllOf,
        AnyOf,
        BuyerDesignated,
        Not,
        VendorDesignated,
    )

    node = trace.predicate
    if isinstance(node, Not) and isinstance(node.operand, _NEGATED_BY_NAME):
        # `fact(n).before(d)` is one condition to its reader: one line, with what it read.
        (inner,) = trace.children
        trace = attrs.evolve(inner, predicate=node, value=trace.value)
    if isinstance(node, AllOf):
        label = "all of:"
    elif isinstance(node, AnyOf):
        label = "any of:"
    elif isinstance(node, Not):
        label = "not:"
    else:
        label = repr(node) if not trace.children else repr(node).split("(", 1)[0] + ":"
    line = f"{indent}{mark(trace.value)} {label}"
    if trace.fact:
        line += f"  <- {trace.fact} = {trace.observed or '?'}"
    if trace.error:
        line += f"  !! {trace.error}"
    lines = [line]
    if isinstance(node, (VendorDesignated, BuyerDesignated)) and trace.value is True:
        subject = trace.fact.split(".designations", 1)[0]
        lines.extend(
            f"{indent}    via: {path.render()}"
            for resolution in decision.resolutions
            if resolution.subject == subject
            for path in resolution.designations
            if path.designation in node.designations
        )
    for child in trace.children:
        lines.extend(_trace(child, indent + "  ", decision))
    return lines
