"""Brute-force oracles for the analysis tests: whether a point of an analysis space is
escalated, worked out by the interpreter on the point, independently of the analysis.

A decision is escalated when stating what is missing, within the vocabularies, could make it
less severe (docs/analysis.md, "Vocabularies are the domains"): each condition that a missing
value leaves unknown, but that every known class of the one dimension it reads makes true (or
every one false), is settled to that value first, and the least severe decision the remaining
unknowns allow is then the engine's own range (`outcome_range`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs

from vendorpolicy import Effect, Purchase, Rule, RuleSet
from vendorpolicy._decision import RuleStatus
from vendorpolicy._engine import interpret, outcome_range
from vendorpolicy._predicates import AllOf, Always, AnyOf, Never, Not, Predicate
from vendorpolicy._trace import trace_purchase
from vendorpolicy.analysis._space import Space, rule_predicates


def atoms(node: Predicate) -> Iterator[Predicate]:
    """The conditions below the connectives (a component condition whole)."""
    if isinstance(node, (AllOf, AnyOf)):
        for op in node.operands:
            yield from atoms(op)
    elif isinstance(node, Not):
        yield from atoms(node.operand)
    elif not isinstance(node, (Always, Never)):
        yield node


def _replace(node: Predicate, swap: dict[Predicate, Predicate]) -> Predicate:
    if node in swap:
        return swap[node]
    if isinstance(node, (AllOf, AnyOf)):
        return attrs.evolve(node, operands=tuple(_replace(op, swap) for op in node.operands))
    if isinstance(node, Not):
        return Not(operand=_replace(node.operand, swap))
    return node


def settled_set(
    rule_set: RuleSet, space: Space, point: dict[int, int], as_of: dt.date | None = None
) -> RuleSet:
    """``rule_set`` with each condition that is unknown at ``point`` (decided ``as_of``) only
    because the one dimension it reads is not known there, and that every known class of
    that dimension makes true (or every one false), replaced by that value: what stating the
    missing value within the vocabulary makes of it."""
    purchase = space.purchase(point)
    swap: dict[Predicate, Predicate] = {}
    for layer in rule_set.layers():
        for rule in layer.rules:
            for root in rule_predicates(rule):
                for atom in atoms(root):
                    if atom in swap:
                        continue
                    reads = space.reads(atom)
                    if len(reads) != 1 or trace_purchase(atom, purchase, as_of).value is not None:
                        continue
                    (d,) = reads
                    cells = space.dims[d].cells
                    if not cells[point[d]].unknown:
                        continue
                    values = {
                        trace_purchase(atom, space.purchase({**point, d: c}), as_of).value
                        for c, cell in enumerate(cells)
                        if not cell.unknown
                    }
                    if values == {True}:
                        swap[atom] = Always()
                    elif values == {False}:
                        swap[atom] = Never()
    if not swap:
        return rule_set

    def rule(r: Rule) -> Rule:
        return attrs.evolve(
            r,
            when=_replace(r.when, swap),
            unless=None if r.unless is None else _replace(r.unless, swap),
            cases=tuple(attrs.evolve(c, when=_replace(c.when, swap)) for c in r.cases),
        )

    def layer(rs: RuleSet) -> RuleSet:
        return attrs.evolve(
            rs,
            rules=tuple(rule(r) for r in rs.rules),
            includes=tuple(layer(i) for i in rs.includes),
        )

    return layer(rule_set)


def lo(rule_set: RuleSet, purchase: Purchase, as_of: dt.date | None = None) -> Effect:
    """The least severe decision the missing facts allow, as the engine works it out (the
    engine's own range, without settling anything by the vocabularies)."""
    decision = interpret(rule_set, purchase, as_of=as_of)
    los = []
    for layer in rule_set.layers():
        items = []
        for r in decision.results:
            if r.rule_set != layer.id:
                continue
            applies = {RuleStatus.APPLIES: True, RuleStatus.UNKNOWN: None}.get(r.status, False)
            items.append((applies, frozenset(r.possible_effects)))
        least, _ = outcome_range(layer.combining, layer.default, items)
        los.append(least)
    return max(los)


def escalated(
    rule_set: RuleSet, space: Space, point: dict[int, int], as_of: dt.date | None = None
) -> Effect | None:
    """The effect at ``point`` (decided ``as_of``) if stating what is missing there could make
    it less severe."""
    purchase = space.purchase(point)
    effect = interpret(rule_set, purchase, as_of=as_of).effect
    settled = settled_set(rule_set, space, point, as_of)
    return effect if effect > lo(settled, purchase, as_of) else None
