"""Tests of the ``broad-escalation`` lint finding: seeded mistakes are caught with a witness the
interpreter confirms, well-scoped rules give none (the bundled packs too: ``lint`` of each small
pack is empty, in test_analysis), and on small generated rule sets the finding agrees with brute
force over the space."""

from __future__ import annotations

import datetime as dt
import itertools

import attrs
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from vendorpolicy import (
    Category,
    Effect,
    Purchase,
    Rule,
    RuleSet,
    category,
    components,
    fact,
    vendor,
)
from vendorpolicy._decision import Basis, Decision, RuleStatus
from vendorpolicy._engine import interpret, outcome_range
from vendorpolicy._predicates import (
    AllComponents,
    AllOf,
    AnyComponent,
    AnyOf,
    FactIn,
    Not,
    Predicate,
)
from vendorpolicy._trace import trace_purchase
from vendorpolicy.analysis import Finding, lint
from vendorpolicy.analysis._space import Space
from vendorpolicy.testing import CATEGORY_POOL, FACT_POOL, predicates, rule_sets

_OUT = (RuleStatus.NOT_APPLICABLE, RuleStatus.EXCEPTED, RuleStatus.NOT_IN_FORCE)


def _broad(rule_set: RuleSet) -> list[Finding]:
    return [f for f in lint(rule_set) if f.code == "broad-escalation"]


def _ban() -> Rule:
    return Rule(
        id="ban",
        when=vendor.designated({"covered"}) & category.within("telecom"),
        effect="deny",
        in_force_from=dt.date(2020, 8, 13),
    )


class TestSeeded:
    def test_fact_or_category_sends_laptops_to_review(self) -> None:
        """A rule meant for network equipment, written `telecom | network-equipment`, escalates
        an office laptop until the fact is stated; lint says so, with that laptop."""
        sloppy = Rule(
            id="network-gear",
            when=category.within("telecom") | fact("network-equipment").is_true,
            effect="review",
        )
        rs = RuleSet(id="s", version="1", rules=[_ban(), sloppy])
        [finding] = _broad(rs)
        assert (finding.rule, finding.dimension) == ("network-gear", "category")
        assert finding.facts == ("facts.network-equipment",)
        assert finding.witness is not None
        laptop = finding.witness.purchase
        assert laptop.category is not None
        assert not laptop.category.within(Category("telecom"))
        decision = interpret(rs, laptop)
        assert (decision.effect, decision.basis) == (Effect.REVIEW, Basis.UNKNOWN)
        # Stated, the fact settles it: the laptop is not network equipment.
        settled = attrs.evolve(laptop, facts={**laptop.facts, "network-equipment": False})
        assert interpret(rs, settled).effect is Effect.ALLOW

    def test_misplaced_parenthesis(self) -> None:
        """`telecom & covered | material-change` (meant `telecom & (covered | ...)`) escalates
        every category; parenthesised, the category keeps the escalation to telecom (where the
        fact stands in for the vendor condition, as meant)."""
        rule = Rule(
            id="change",
            when=(category.within("telecom") & vendor.designated({"covered"}))
            | fact("material-change").is_true,
            effect="review",
        )
        rs = RuleSet(id="p", version="1", rules=[rule])
        assert [(f.rule, f.dimension) for f in _broad(rs)] == [("change", "category")]
        fixed = attrs.evolve(
            rule,
            when=category.within("telecom")
            & (vendor.designated({"covered"}) | fact("material-change").is_true),
        )
        assert _broad(attrs.evolve(rs, rules=[fixed])) == []

    def test_well_scoped_rule_is_not_broad(self) -> None:
        """A rule that asks for a fact only of telecom purchases is not broad, nor is one that
        reads no dimension but the fact (it speaks of every purchase)."""
        ask = Rule(
            id="ask", when=category.within("telecom") & ~fact("checked").is_true, effect="review"
        )
        everyone = Rule(id="all", when=~fact("checked").is_true, effect="review")
        assert _broad(RuleSet(id="w", version="1", rules=[_ban(), ask])) == []
        assert _broad(RuleSet(id="e", version="1", rules=[everyone])) == []

    def test_unknown_component_fact_is_scoped_by_the_component(self) -> None:
        """A rule over the vendor or an essential covered component (as NDAA section 889 Part A
        has it) escalates whatever the vendor while the component's `essential` is not
        stated, but the component's own conditions scope it: not broad. The same rule with a
        purchase-level stand-in for the category is."""
        covered = vendor.designated({"covered"}) & category.within("telecom")
        part = components.any(covered & fact("essential").is_true)
        scoped = Rule(id="part-a", when=covered | part, effect="review")
        assert _broad(RuleSet(id="a", version="1", rules=[scoped])) == []
        loose = Rule(
            id="loose", when=covered | part | fact("network-equipment").is_true, effect="review"
        )
        found = [(f.rule, f.dimension) for f in _broad(RuleSet(id="b", version="1", rules=[loose]))]
        assert found == [("loose", "category")]

    def test_seeded_into_a_bundled_pack(self) -> None:
        """A broad rule added to the jp-2018 pack is the one broad escalation lint reports."""
        from vendorpolicy.packs import load

        rs = load("jp-2018")
        sloppy = Rule(
            id="sloppy",
            when=category.within("telecom") | fact("system-scope").in_({"national-security"}),
            effect="review",
        )
        found = _broad(attrs.evolve(rs, rules=[*rs.rules, sloppy]))
        assert [(f.rule, f.dimension) for f in found] == [("sloppy", "category")]
        assert found[0].witness is not None
        assert interpret(rs, found[0].witness.purchase).basis is not Basis.UNKNOWN


# --- against brute force ------------------------------------------------------------------

_SMALL = 400


def _status(rule_set: RuleSet, rule: str, p: Purchase) -> RuleStatus:
    d = interpret(rule_set, p)
    return next(r.status for r in d.results if r.rule_set == rule_set.id and r.rule == rule)


def _escalated(rule_set: RuleSet, decision: Decision) -> bool:
    """Whether the decision is more severe than the least severe one the missing facts allow,
    worked out from the rules' results as the engine combines them."""
    los = []
    for layer in rule_set.layers():
        items = []
        for r in decision.results:
            if r.rule_set == layer.id:
                applies = {RuleStatus.APPLIES: True, RuleStatus.UNKNOWN: None}.get(r.status, False)
                items.append((applies, frozenset(r.possible_effects)))
        lo, _ = outcome_range(layer.combining, layer.default, items)
        los.append(lo)
    return decision.effect > max(los)


def _kleene(node: Predicate, p: Purchase) -> bool | None:
    """The node's value on ``p`` with every unknown condition on components taken as false."""
    if isinstance(node, (AllOf, AnyOf)):
        values = [_kleene(op, p) for op in node.operands]
        stop = isinstance(node, AnyOf)
        if stop in values:
            return stop
        return None if None in values else not stop
    if isinstance(node, Not):
        inner = _kleene(node.operand, p)
        return None if inner is None else not inner
    value = trace_purchase(node, p).value
    if isinstance(node, (AnyComponent, AllComponents)) and value is None:
        return False
    return value


def _own(rule: Rule, p: Purchase) -> bool | None:
    """Whether the rule applies to ``p``, unknown conditions on components taken as false."""
    window: bool | None = True
    if rule.has_window:
        window = None if p.date is None else rule.in_force(p.date)
    parts = [window, _kleene(rule.when, p)]
    if rule.unless is not None:
        unless = _kleene(rule.unless, p)
        parts.append(None if unless is None else not unless)
    if False in parts:
        return False
    return None if None in parts else True


def _is_fact(name: str) -> bool:
    return name.startswith("facts.") or (name.startswith("components[") and ".facts." in name)


def _known(space: Space, d: int) -> list[int]:
    dim = space.dims[d]
    out = []
    for c, cell in enumerate(dim.cells):
        parts = cell.value if dim.name == "components" and cell.value else ()
        if dim.name.startswith("fact:") or (
            not cell.unknown and all(p.vendor is not None for p in parts)
        ):
            out.append(c)
    return out


def _brute_broad(rule_set: RuleSet, space: Space) -> set[tuple[str, str]]:
    """(rule, dimension) pairs for which some point meets the definition, by the interpreter."""
    dims = space.dims
    scope = [
        d for d, dim in enumerate(dims) if dim.name == "category" and len(_known(space, d)) > 1
    ]
    facts = [d for d, dim in enumerate(dims) if dim.name.startswith("fact:")]
    found: set[tuple[str, str]] = set()
    for point in space.points():
        if not all(point[d] in _known(space, d) for d in range(len(dims))):
            continue
        p = space.purchase(point)
        decision = interpret(rule_set, p)
        if not _escalated(rule_set, decision) or not all(
            _is_fact(f) for f in decision.missing_facts
        ):
            continue
        unknown = [
            r.rule
            for r in decision.results
            if r.rule_set == rule_set.id
            and r.status is RuleStatus.UNKNOWN
            and _own(rule_set.rule(r.rule), p) is None
        ]
        missing = [d for d in facts if dims[d].cells[point[d]].unknown]
        for rule, d in itertools.product(unknown, scope):
            if (rule, dims[d].name) in found:
                continue
            others = [{**point, d: c} for c in _known(space, d) if space.feasible({**point, d: c})]
            if any(_own(rule_set.rule(rule), space.purchase(q)) is False for q in others):
                continue
            for values in itertools.product(
                *([c for c, cell in enumerate(dims[e].cells) if not cell.unknown] for e in missing)
            ):
                stated = {**point, **dict(zip(missing, values, strict=True))}
                seen = {
                    _status(rule_set, rule, space.purchase({**stated, d: c}))
                    for c in _known(space, d)
                    if space.feasible({**stated, d: c})
                }
                if RuleStatus.APPLIES in seen and seen & set(_OUT):
                    found.add((rule, dims[d].name))
                    break
    return found


@st.composite
def _with_alternative(draw: st.DrawFn) -> RuleSet:
    """A generated rule set plus a rule in which a missing fact may stand in for a condition
    on the purchase (``q & (p | fact)``), the shape a broad escalation has."""
    base = draw(rule_sets(max_rules=1, max_includes=0))
    name = draw(st.sampled_from(sorted(FACT_POOL)))
    stand_in = FactIn(
        name=name, values=draw(st.sets(st.sampled_from(FACT_POOL[name]), min_size=1, max_size=2))
    )
    scoped = predicates(max_leaves=2) | st.sampled_from(CATEGORY_POOL).map(category.within)
    alternative = AnyOf(operands=[draw(scoped), stand_in])
    when = draw(
        st.one_of(
            st.just(alternative),
            predicates(max_leaves=2).map(lambda q: AllOf(operands=[q, alternative])),
        )
    )
    rule = Rule(id="stand-in", when=when, effect=draw(st.sampled_from(["warn", "review", "deny"])))
    return attrs.evolve(base, rules=[*base.rules, rule])


@settings(max_examples=15)
@given(rule_sets(max_rules=3, max_includes=0) | _with_alternative())
def test_broad_escalation_against_brute_force(rule_set: RuleSet) -> None:
    """lint reports a broad escalation of a rule in a dimension exactly when some purchase of
    the space meets the definition, checked with the interpreter point by point."""
    space = Space([rule_set])
    assume(space.size <= _SMALL and not any(d.name.startswith("custom:") for d in space.dims))
    reported = {(f.rule, f.dimension) for f in _broad(rule_set)}
    assert reported == _brute_broad(rule_set, space)
