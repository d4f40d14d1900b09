"""Lint: findings about single rules and pairs of rules, each checked exactly over the space.

* ``never-holds`` (error): the rule's condition is true of no purchase.
* ``never-applies`` (error): the condition can hold, but never with the rule in force and its
  exception not holding.
* ``always-holds`` (warning): the condition (other than a plain ``ALWAYS``) is true of every
  purchase, so it restricts nothing.
* ``unless-never`` (warning): the exception holds on no purchase on which the condition holds.
* ``shadowed`` (warning): removing the rule changes no decision, under the set's combining
  strategy: not its effect, nor whether it is escalated (a rule that makes certain what would
  otherwise be escalated for want of a fact is not shadowed), nor its obligations (a rule
  that adds an obligation no other rule applying there adds is not shadowed). The rules
  determining a decision do not count: a narrower deny under a broader one is shadowed,
  though it would be named among the determining rules.
* ``broad-escalation`` (warning): a purchase, every dimension of it known but some facts,
  that the rule escalates (the decision is more severe than the known facts make certain, the
  rule one whose applying is unknown), on which its category does nothing to keep the rule
  there: **no known category**, the rest as it is, **makes the rule not apply**; yet once the
  missing facts are stated, the category does decide whether it applies. The rule speaks of,
  say, telecom equipment, but while a fact is missing an office laptop goes to review too.
  Both are judged with the rule's unknown conditions on components taken as false (a missing
  fact of a component is scoped by the component's own conditions). The witness is such a
  purchase (the category least like what the rule names); ``dimension`` is the category and
  ``facts`` the missing facts. The search is written for any dimension; only the category is
  checked (see :data:`BROAD_DIMENSIONS`). Up to ``_LEAVES`` escalated regions are tried per
  category.
* ``conflict`` (warning under first-match, where rule order decides; under most-severe, where
  the most severe effect is meant to win, an ``info`` given only when asked for): two rules with
  different effects both apply to a purchase, the witness.
* ``not-in-force`` (info, only with ``as_of``): the rule's window does not hold on the decision
  date, so it decides nothing then; it is not checked further.

Every finding that claims a purchase exists carries it, decided again by the interpreter;
every finding that claims none exists is exact over the space (see :func:`assumptions`).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs
from attrs import frozen

from vendorpolicy._decision import Basis, RuleStatus
from vendorpolicy._engine import interpret
from vendorpolicy._predicates import AllComponents, AllOf, Always, AnyComponent, Not, Predicate
from vendorpolicy._rules import Combining, Rule, RuleSet
from vendorpolicy._trace import trace_purchase
from vendorpolicy.analysis._questions import (
    _EFFECTS,
    Witness,
    _Analysis,
    _analysis,
    _check,
    _check_key,
    _differences,
    _linked,
    _scoped,
    _unshared,
)
from vendorpolicy.analysis._search import (
    AND,
    SINGLE,
    Carried,
    CarriedVerdict,
    Decider,
    F,
    MaskOf,
    N,
    T,
    _inert,
    _low,
    _options,
    _Rule,
    joint_keyed_from,
)
from vendorpolicy.analysis._space import assume_custom, window

if TYPE_CHECKING:
    from vendorpolicy._registry import Registry
    from vendorpolicy.analysis._registry import Scope

__all__ = ["Finding", "Severity", "lint"]


#: Every finding code lint reports, in the order the checks run.
CODES = (
    "never-holds",
    "never-applies",
    "always-holds",
    "unless-never",
    "shadowed",
    "broad-escalation",
    "conflict",
    "not-in-force",
)


class Severity(enum.Enum):
    """How serious a finding is: ``error`` makes ``vendorpolicy lint`` fail."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __repr__(self) -> str:
        return f"Severity.{self.name}"


@frozen(kw_only=True)
class Finding:
    """One lint finding: ``code`` names the check, ``rule`` (and ``other``, for a pair) the
    rules, ``witness`` a purchase that shows it (``None`` for a claim that none exists). For a
    ``broad-escalation``, ``dimension`` names the dimension that does not restrict the
    escalation and ``facts`` the witness's missing facts that escalate it."""

    code: str
    severity: Severity
    rule: str
    message: str
    other: str | None = None
    witness: Witness | None = None
    dimension: str | None = None
    facts: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.severity.value}: {self.rule}: {self.message} [{self.code}]"


def _find(a: _Analysis, fn: object, atoms: frozenset[int], goal: int) -> list[int] | None:
    """A region on which the predicate function ``fn`` is exactly ``goal``, or ``None``."""
    found: list[list[int]] = []

    def judge(region: list[int], m: MaskOf) -> set[int] | bool:
        v = fn(m)  # type: ignore[operator]
        if not v & goal:
            return True
        if not v & ~goal:
            found.append(region)
            return False
        return {x for x in atoms if m(x) not in SINGLE}

    a.search.run(judge)
    return found[0] if found else None


def _both(a: _Analysis, r1: _Rule, r2: _Rule) -> list[int] | None:
    found: list[list[int]] = []
    atoms = r1.applies_atoms | r2.applies_atoms

    def judge(region: list[int], m: MaskOf) -> set[int] | bool:
        x, y = r1.applies(m), r2.applies(m)
        if not (x & T and y & T):
            return True
        if x == T and y == T:
            found.append(region)
            return False
        return {i for i in atoms if m(i) not in SINGLE}

    a.search.run(judge)
    return found[0] if found else None


def _witness_check(
    a: _Analysis, rule_set: RuleSet, witness: Witness, node: Predicate, want: bool
) -> None:
    assumed = dict(witness.assumed)
    probe = assume_custom(
        RuleSet(id="probe", version="1", rules=[Rule(id="p", when=node, effect="deny")]), assumed
    )
    value = trace_purchase(probe.rules[0].when, witness.purchase).value
    if value is not want:
        raise AssertionError(f"analysis bug: lint witness gives {value}, not {want}")
    _ = a, rule_set


#: Dimension name prefixes of what a broad escalation may leave unknown: a missing fact is
#: what escalates, and a custom answer is opaque; every other dimension is known.
_NOT_SCOPE = ("fact:", "custom:")


#: The dimensions a broad escalation is looked for in: what is bought. A fact that stands in
#: for the vendor (where the equipment was produced, a component's maker) or for the buyer is
#: usually meant to be asked of every vendor or buyer within the rule's reach; one that stands
#: in for the category asks it of every kind of purchase (office furniture, food, travel).
BROAD_DIMENSIONS = ("category",)


def _scope_dims(a: _Analysis, r: _Rule) -> list[int]:
    """The dimensions of :data:`BROAD_DIMENSIONS` that the rule's applying reads."""
    reads = a.compiled.atom_reads
    dims = a.space.dims
    found = {d for x in r.applies_atoms for d in reads[x]}
    return [
        d
        for d in sorted(found)
        if dims[d].name in BROAD_DIMENSIONS and sum(1 for c in dims[d].cells if not c.unknown) > 1
    ]


def _with(region: list[int], d: int, mask: int) -> list[int]:
    out = list(region)
    out[d] = mask
    return out


def _known(a: _Analysis, d: int) -> int:
    """The mask of the classes of dimension ``d`` whose value is known: not "not known", and
    for components, every part's maker stated (a fact dimension: every class). Worked out
    once per dimension: the components dimension of a large rule set has some 100,000
    classes, and the checks ask for it thousands of times."""
    dim = a.space.dims[d]
    full = a.search.full[d]
    if dim.name.startswith(_NOT_SCOPE):
        return full
    key = ("known", d, full)
    found = a.masks.get(key)
    if found is None:
        mask = 0
        for c, cell in enumerate(dim.cells):
            parts = cell.value if dim.name == "components" and cell.value else ()
            if not cell.unknown and all(p.vendor is not None for p in parts):
                mask |= 1 << c
        found = a.masks[key] = mask & full
    return found


def _escalated(a: _Analysis, decider: Decider, region: list[int]) -> list[list[int]]:
    """Regions within ``region`` decided escalated all over (at most ``_LEAVES``)."""
    found: list[list[int]] = []

    def judge(current: list[int], m: MaskOf) -> set[int] | bool:
        finals, pending = decider.possible(m)
        if all(e <= lo for e, lo, _ in finals):
            return True
        if all(e > lo for e, lo, _ in finals):
            found.append(current)
            return len(found) < _LEAVES
        return pending

    a.search.run(judge, region)
    return found


#: Escalated regions tried per candidate class before the search moves on.
_LEAVES = 200


def _per_class(
    a: _Analysis,
    r: _Rule,
    d: int,
    start: list[int],
    test: Callable[[list[int], dict[int, tuple[int, int]]], bool],
    *,
    prune: Callable[[list[int], MaskOf], bool] | None = None,
) -> bool:
    """Search ``start`` keeping dimension ``d`` whole: split the other dimensions the rule's
    unsettled atoms read until only ``d`` is loose, then call ``test`` with the region and, on
    each feasible class of ``d``, the rule's exact value (``T``, ``F`` or ``N``) and its value
    as :func:`_own` takes it (a region on which both are one value all over is not split
    further). ``prune`` drops a region at once. True as soon as a test is."""
    search, reads = a.search, a.compiled.atom_reads
    # The purchase and acquisition dates constrain each other (equipment is not acquired after
    # it is bought): with d one of them, the other is settled first, so that the classes of d
    # feasible in a region are feasible together.
    index = a.space.index
    coupled = {index["acquired"]: index["date"], index["date"]: index["acquired"]}.get(d)
    own = _own(a, r)
    stack = [list(start)]
    while stack:
        current = stack.pop()
        if not search.feasible(current):
            continue
        m = search.masks(current)
        if prune is not None and prune(current, m):
            continue
        pending = [x for x in r.applies_atoms if m(x) not in SINGLE]
        loose = {e for x in pending for e in reads[x] if e != d and current[e] & (current[e] - 1)}
        if coupled is not None and current[coupled] & (current[coupled] - 1):
            stack.extend(_with(current, coupled, 1 << c) for c in _class_bits(current[coupled]))
            continue
        if loose and (r.applies(m) not in SINGLE or own(m) not in SINGLE):
            stack.extend(_parts(a, current, pending, loose))
            continue
        values: dict[int, tuple[int, int]] = {}
        for c in _class_bits(current[d]):
            part = _with(current, d, 1 << c)
            if search.feasible(part):
                pm = search.masks(part)
                values[c] = (r.applies(pm), own(pm))
        if test(current, values):
            return True
    return False


def _own(a: _Analysis, r: _Rule) -> Callable[[MaskOf], int]:
    """The rule's applying with every condition on components that is unknown taken as not
    holding: unknown only through what it does not know of the purchase itself."""
    atoms = a.compiled.atoms
    parts = {i for i in r.applies_atoms if isinstance(atoms[i], (AnyComponent, AllComponents))}

    def own(m: MaskOf) -> int:
        def demoted(i: int) -> int:
            v = m(i)
            return (v & ~N) | F if i in parts and v & N else v

        return r.applies(demoted)

    return own


def _broad(a: _Analysis, rule_set: RuleSet, decider: Decider, r: _Rule, d: int) -> Finding | None:
    """A purchase the rule escalates, every dimension but the facts known, on which no known
    class of dimension ``d`` (the rest as it is) makes the rule not apply, though ``d`` decides
    whether it applies once the missing facts are stated; as a finding, or ``None``."""
    reads = a.compiled.atom_reads
    d_atoms = [x for x in r.applies_atoms if d in reads[x]]
    found: list[Finding] = []
    memo: dict[tuple[int, ...], tuple[list[int], int, int] | None] = {}

    def decides(region: list[int]) -> tuple[list[int], int, int] | None:
        key = tuple(region)
        if key not in memo:
            memo[key] = _decides(a, r, d, region)
        return memo[key]

    def test(current: list[int], values: dict[int, tuple[int, int]]) -> bool:
        # Both with unknown conditions on components taken as false: a class of d on which
        # only such a condition keeps the rule possible rules it out.
        if any(own == F for _, own in values.values()):
            return False  # some class of d rules the rule out
        candidates = [c for c, (_, own) in values.items() if own == N]
        if not candidates:
            return False  # unknown, if at all, only through conditions on components
        if decides(_stated(a, current, d)[0]) is None:
            return False  # d decides nowhere here, facts stated or not: no leaf can be broad
        # Try first the class least like what the rule names (fewest of its atoms on d true).
        order = sorted(
            candidates,
            key=lambda c: sum(
                1 for x in d_atoms if a.compiled.value(x, _with(current, d, 1 << c)) == T
            ),
        )
        for c in order:
            for leaf in _escalated(a, decider, _with(current, d, 1 << c)):
                finding = _broad_finding(a, rule_set, r, d, leaf, decides=decides)
                if finding is not None:
                    found.append(finding)
                    return True
        return False

    own = _own(a, r)
    search = a.search

    def prune(current: list[int], m: MaskOf) -> bool:
        """No point here can be broad: the rule is never unknown on its own, or some class
        of d rules it out all over the region (values over a region hold every point's)."""
        if not own(m) & N:
            return True
        for c in _class_bits(current[d]):
            part = _with(current, d, 1 << c)
            if search.feasible(part) and own(search.masks(part)) == F:
                return True
        return False

    _per_class(a, r, d, [_known(a, e) for e in range(len(a.space.dims))], test, prune=prune)
    return found[0] if found else None


def _parts(
    a: _Analysis, current: list[int], pending: list[int], loose: set[int]
) -> list[list[int]]:
    """``current`` split on one loose dimension: by an atom's value where one atom reads only
    it, else into its classes (the dimension with the fewest)."""
    compiled = a.compiled
    reads = compiled.atom_reads
    for x in pending:
        mine = [e for e in reads[x] if current[e] & (current[e] - 1)]
        if len(mine) == 1 and mine[0] in loose:
            e = mine[0]
            # By the atom's value on each class (its other dimensions are settled), as the
            # search groups them: remembered, and components alike for the atom taken once.
            groups = a.search._groups(x, reads[x], e, current)
            if len(groups) > 1:
                return [_with(current, e, mask) for mask in groups.values()]
    e = min(loose, key=lambda x: current[x].bit_count())
    return [_with(current, e, 1 << c) for c in _class_bits(current[e])]


def _class_bits(mask: int) -> list[int]:
    return [c for c in range(mask.bit_length()) if mask >> c & 1]


def _decides(
    a: _Analysis, r: _Rule, d: int, region: list[int]
) -> tuple[list[int], int, int] | None:
    """Within ``region``, keeping ``d`` whole: a part and two classes of ``d`` on which the
    rule applies and does not, the rest alike; ``None`` if ``d`` never decides."""
    found: list[tuple[list[int], int, int]] = []

    def test(current: list[int], values: dict[int, tuple[int, int]]) -> bool:
        yes = [c for c, (v, _) in values.items() if v == T]
        no = [c for c, (v, _) in values.items() if v == F]
        if yes and no:
            found.append((current, yes[0], no[0]))
            return True
        return False

    def prune(_current: list[int], m: MaskOf) -> bool:
        value = r.applies(m)
        return not (value & T and value & F)

    _per_class(a, r, d, region, test, prune=prune)
    return found[0] if found else None


def _stated(a: _Analysis, region: list[int], d: int) -> tuple[list[int], dict[int, int]]:
    """``region`` with ``d`` widened to its known classes and every fact it may leave
    unstated to all its classes; and, for those facts, the class "not stated"."""
    widened: dict[int, int] = {}
    stated = list(region)
    for e, dm in enumerate(a.space.dims):
        if not dm.name.startswith("fact:"):
            continue
        inside = dm.unknown & region[e]
        if inside:
            widened[e] = _low(inside)  # the first such class
            stated[e] = a.search.full[e]
    stated[d] = _known(a, d)
    return stated, widened


def _broad_finding(
    a: _Analysis,
    rule_set: RuleSet,
    r: _Rule,
    d: int,
    leaf: list[int],
    *,
    decides: Callable[[list[int]], tuple[list[int], int, int] | None],
) -> Finding | None:
    """The finding for an escalated region (``d`` one class there) on which no known class of
    ``d`` rules the rule out, if at some point of it ``d`` decides whether the rule applies
    once the missing facts are stated: searched over the region with every fact it may leave
    unstated widened to every value (stating facts only settles unknowns, so a partial
    statement on which ``d`` decides extends to a whole one). The witness is that point, its
    facts unstated as the region allows; ``None`` when there is none."""
    c = _class_bits(leaf[d])[0]
    stated, widened = _stated(a, leaf, d)
    found = decides(stated)
    if found is None:
        return None
    region, yes, no = found
    region = _with(region, d, 1 << c)
    for e, x in widened.items():
        region[e] = 1 << x
    if not a.search.feasible(region):
        return None
    point = a.search.witness_point(region)
    return _broad_at(a, rule_set, r, d, point, decides=(yes, no))


def _broad_at(
    a: _Analysis,
    rule_set: RuleSet,
    r: _Rule,
    d: int,
    point: dict[int, int],
    *,
    decides: tuple[int, int],
) -> Finding | None:
    """The finding at ``point``, checked by the interpreter (``None`` if something other than
    a fact is missing there)."""
    dim = a.space.dims[d]
    customs = a.space.customs(point)
    witness = Witness(purchase=a.space.purchase(point), assumed=tuple(sorted(customs.items())))
    decision = a.decide(rule_set, witness)
    facts = decision.missing_facts
    if not all(_is_fact(f) for f in facts):
        return None  # something other than a fact is missing too
    status = {res.rule: res.status for res in decision.results if res.rule_set == rule_set.id}
    if decision.basis is not Basis.UNKNOWN or status.get(r.rule.id) is not RuleStatus.UNKNOWN:
        raise AssertionError(f"analysis bug: broad-escalation witness {witness} is not escalated")
    alone = assume_custom(attrs.evolve(rule_set, rules=[r.rule], includes=()), customs)
    for c, cell in enumerate(dim.cells):
        other = {**point, d: c}
        if not _known(a, d) >> c & 1 or not a.space.feasible(other):
            continue
        res = interpret(alone, a.space.purchase(other)).results[0]
        if res.status is not RuleStatus.APPLIES and res.status is not RuleStatus.UNKNOWN:
            raise AssertionError(
                f"analysis bug: broad-escalation: {dim.name} `{cell.label}` rules the rule out"
            )
    shown = ", ".join(f"`{f}`" for f in facts)
    label = dim.cells[point[d]].label
    return Finding(
        code="broad-escalation",
        severity=Severity.WARNING,
        rule=r.rule.id,
        message=(
            f"it escalates purchases to {decision.effect.name} whatever their {dim.name} "
            f"while {shown} {'is' if len(facts) == 1 else 'are'} not stated, though once "
            f"stated the {dim.name} decides (`{dim.cells[decides[0]].label}` in, "
            f"`{dim.cells[decides[1]].label}` out); witness: {dim.name} `{label}`"
        ),
        witness=witness,
        dimension=dim.name,
        facts=facts,
    )


def _is_fact(name: str) -> bool:
    """Whether a missing fact's name is a stated fact (of the purchase or a component)."""
    return name.startswith("facts.") or (name.startswith("components[") and ".facts." in name)


def _shadowed(a: _Analysis, rule_set: RuleSet, live: list[_Rule]) -> list[Finding]:
    """The ``shadowed`` findings among the rules that can apply."""
    findings: list[Finding] = []
    for r in live:
        without = attrs.evolve(rule_set, rules=[x for x in rule_set.rules if x.id != r.rule.id])
        if not _decision_changes(a, rule_set, without, r) and not _obligations_differ(
            a, rule_set, without, r
        ):
            findings.append(
                Finding(
                    code="shadowed",
                    severity=Severity.WARNING,
                    rule=r.rule.id,
                    message="removing it changes no decision: other rules always decide the "
                    "same, as surely and with the same obligations",
                )
            )
    return findings


def lint(
    rule_set: RuleSet,
    *,
    overlaps: bool = False,
    registry: Registry | None = None,
    as_of: dt.date | None = None,
) -> tuple[Finding, ...]:
    """Findings about the rules of ``rule_set`` (its own, not those of the sets it includes),
    errors first. Overlapping rules with different effects are reported under first-match,
    where their order decides; under most-severe, where the most severe effect is meant to
    win, only with ``overlaps=True`` (as ``info``). With ``registry``, over the purchases
    whose vendors are its entities as it resolves them, or vendors it does not know (see
    :func:`~vendorpolicy.analysis.assumptions`); every witness is decided with it. With
    ``as_of``, over the purchases decided on that date: a rule not in force then is reported
    ``not-in-force`` (``info``) and not checked further."""
    scope, (rule_set,) = _scoped(registry, rule_set, as_of=as_of)
    a = _analysis([rule_set], scope=scope)
    compiled = a.compiled
    top = a.deciders[0].layers[0]
    findings: list[Finding] = []
    live: list[_Rule] = []
    for r in _in_force(scope, top.rules, findings):
        rule = r.rule
        when, when_atoms = compiled.compile(rule.when)
        holds = _find(a, when, when_atoms, T)
        if holds is None:
            findings.append(
                Finding(
                    code="never-holds",
                    severity=Severity.ERROR,
                    rule=rule.id,
                    message="its condition holds on no purchase: the rule never applies",
                )
            )
            continue
        witness, _ = a.witness(holds)
        _witness_check(a, rule_set, witness, rule.when, True)
        applies = _find(a, r.applies, r.applies_atoms, T)
        if applies is None:
            why = (
                "its exception holds wherever its condition does"
                if rule.unless is not None
                else "it is never in force when its condition holds"
            )
            findings.append(
                Finding(
                    code="never-applies",
                    severity=Severity.ERROR,
                    rule=rule.id,
                    message=f"{why}: the rule never applies",
                )
            )
            continue
        live.append(r)
        if not isinstance(rule.when, Always) and _find(a, when, when_atoms, F | N) is None:
            findings.append(
                Finding(
                    code="always-holds",
                    severity=Severity.WARNING,
                    rule=rule.id,
                    message="its condition holds on every purchase: write `ALWAYS` if meant",
                )
            )
        if rule.unless is not None:
            unless, unless_atoms = compiled.compile(rule.unless)

            def both(m: MaskOf, w: Any = when, u: Any = unless) -> int:
                return _and_t(w(m), u(m))

            if _find(a, both, when_atoms | unless_atoms, T) is None:
                findings.append(
                    Finding(
                        code="unless-never",
                        severity=Severity.WARNING,
                        rule=rule.id,
                        message="its exception holds on no purchase its condition holds on",
                    )
                )
    findings.extend(_shadowed(a, rule_set, live))
    decider = a.deciders[0]
    for r in live:
        for d in _scope_dims(a, r):
            found = _broad(a, rule_set, decider, r, d)
            if found is not None:
                findings.append(found)
    first = rule_set.combining is Combining.FIRST_MATCH
    pairs = live if first or overlaps else []
    for i, r1 in enumerate(pairs):
        for r2 in pairs[i + 1 :]:
            if r1.rule.effects == r2.rule.effects and len(r1.rule.effects) == 1:
                continue
            region = _both(a, r1, r2)
            if region is None:
                continue
            witness, _ = a.witness(region)
            decision = a.decide(rule_set, witness)
            effects = {
                res.rule: res.effect for res in decision.results if res.rule_set == rule_set.id
            }
            e1, e2 = effects.get(r1.rule.id), effects.get(r2.rule.id)
            if e1 is None or e2 is None or e1 is e2:
                continue  # the cases give both the same effect here
            findings.append(
                Finding(
                    code="conflict",
                    severity=Severity.WARNING if first else Severity.INFO,
                    rule=r1.rule.id,
                    other=r2.rule.id,
                    message=(
                        f"both apply to some purchases, one giving {e1.name} and the other "
                        f"{e2.name}"
                        + (": rule order decides" if first else ": the most severe wins")
                    ),
                    witness=witness,
                )
            )
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    findings.sort(key=lambda f: order[f.severity])
    return tuple(findings)


def _in_force(scope: Scope | None, rules: Sequence[_Rule], findings: list[Finding]) -> list[_Rule]:
    """The rules in force on the scope's ``as_of`` (all of them without one); a
    ``not-in-force`` finding added to ``findings`` for each of the others."""
    out = []
    for r in rules:
        original = None if scope is None else scope.not_in_force(r.rule)
        if original is None:
            out.append(r)
            continue
        window = []
        if original.in_force_from is not None:
            window.append(f"from {original.in_force_from.isoformat()}")
        if original.in_force_until is not None:
            window.append(f"until {original.in_force_until.isoformat()}")
        on = "the decision date" if scope is None or scope.as_of is None else scope.as_of
        findings.append(
            Finding(
                code="not-in-force",
                severity=Severity.INFO,
                rule=original.id,
                message=f"it is in force {' '.join(window)}, not on {on}: it decides nothing then",
            )
        )
    return out


def _obligations_differ(a: _Analysis, rule_set: RuleSet, without: RuleSet, r: _Rule) -> bool:
    """Whether removing ``r`` (a rule of the top layer) changes the obligations of some
    decision, exactly over the space; the purchase found is checked by the interpreter.

    A decision's obligations are those of the rules that apply (under first-match, of the
    first that applies) in every layer. Only whether each rule surely applies matters: a rule
    that might apply adds none. So the rules whose applying is settled are ``r``, every rule
    with obligations, and every rule of a first-match layer holding one of those."""
    layers = a.deciders[0].layers
    carrying = any(x.rule.obligations for layer in layers for x in layer.rules)
    if not carrying:
        return False  # no rule has obligations: every decision has none, with r or without
    top = layers[0]
    relevant: list[_Rule] = []
    for i, layer in enumerate(layers):
        own = [x for x in layer.rules if x.rule.obligations or (i == 0 and x is r)]
        if own and layer.layer.combining is Combining.FIRST_MATCH:
            own = list(layer.rules)
        relevant.extend(own)
    atoms = frozenset().union(*(x.applies_atoms for x in relevant))

    def fired(layer_rules: list[_Rule], first: bool, m: MaskOf, skip: _Rule | None) -> set[str]:
        out: set[str] = set()
        for x in layer_rules:
            if x is skip or m_applies.get(id(x)) != T:
                continue
            out.update(x.rule.obligations)
            if first:
                break
        return out

    m_applies: dict[int, int] = {}
    found: list[list[int]] = []
    if not any(layer.layer.combining is Combining.FIRST_MATCH for layer in layers):
        return _obligations_union(a, rule_set, without, r, [x for x in relevant if x is not r])

    def judge(region: list[int], m: MaskOf) -> set[int] | bool:
        if not r.applies(m) & T:
            return True  # r applies nowhere here: it fires nowhere, removed or not
        m_applies.clear()
        for x in relevant:
            m_applies[id(x)] = x.applies(m)
        if any(v not in SINGLE for v in m_applies.values()):
            return {x for x in atoms if m(x) not in SINGLE}
        rest: set[str] = set()
        for layer in layers[1:]:
            rest |= fired(layer.rules, layer.layer.combining is Combining.FIRST_MATCH, m, None)
        first = top.layer.combining is Combining.FIRST_MATCH
        if fired(top.rules, first, m, None) | rest != fired(top.rules, first, m, r) | rest:
            found.append(region)
            return False
        return True

    a.search.run(judge)
    return _obligations_witness(a, rule_set, without, r, found)


def _obligations_union(
    a: _Analysis, rule_set: RuleSet, without: RuleSet, r: _Rule, others: list[_Rule]
) -> bool:
    """`_obligations_differ` with no first-match layer: every rule that surely applies adds
    its obligations, so removing ``r`` takes away exactly those of its own that no other such
    rule (of ``others``, the rules with obligations) adds. The search settles ``r``, then
    only the rules that might add what the others do not surely add."""
    found: list[list[int]] = []
    if not r.rule.obligations:
        return False
    mine = set(r.rule.obligations)

    def judge_union(region: list[int], m: MaskOf) -> set[int] | bool:
        applies = r.applies(m)
        if not applies & T:
            return True  # r applies nowhere here
        if applies != T:
            return {x for x in r.applies_atoms if m(x) not in SINGLE}
        sure: set[str] = set()
        maybe: set[str] = set()
        for x in others:
            v = x.applies(m)
            if v == T:
                sure.update(x.rule.obligations)
            if v & T:
                maybe.update(x.rule.obligations)
        if mine <= sure:
            return True  # others surely add all of r's obligations all over the region
        if not mine <= maybe:
            found.append(region)  # one of r's obligations no other rule can add here
            return False
        lacking = mine - sure
        return {
            atom
            for x in others
            if lacking & set(x.rule.obligations) and x.applies(m) not in SINGLE
            for atom in x.applies_atoms
            if m(atom) not in SINGLE
        }

    a.search.run(judge_union)
    return _obligations_witness(a, rule_set, without, r, found)


def _obligations_witness(
    a: _Analysis, rule_set: RuleSet, without: RuleSet, r: _Rule, found: list[list[int]]
) -> bool:
    """Whether a region was found where removing ``r`` changes the obligations, checked on
    its witness by the interpreter."""
    if not found:
        return False
    witness, _ = a.witness(found[0])
    before = a.decide(rule_set, witness).obligations
    after = a.decide(without, witness).obligations
    if set(before) == set(after):
        raise AssertionError(
            f"analysis bug: removing `{r.rule.id}` changes no obligation on {witness}"
        )
    return True


def _and_t(x: int, y: int) -> int:
    from vendorpolicy.analysis._search import AND  # noqa: PLC0415

    return AND[x][y]


#: Regions the search for a difference visits before the cuts are tried: a rule that is not
#: shadowed most often shows it within a few regions.
_GREEDY = 40


class _BudgetSpentError(Exception):
    """Raised to end a search that has visited its share of regions."""


def _decision_changes(a: _Analysis, rule_set: RuleSet, without: RuleSet, r: _Rule) -> bool:
    """Whether removing ``r`` (a rule of the top layer) changes some decision's effect, or
    whether it is escalated, exactly over the space; the purchase found is decided again by
    the interpreter.

    A difference is looked for first, for :data:`_GREEDY` regions. Then two cuts (see
    :func:`_absorbs`): one other rule that absorbs ``r`` wherever the conditions they do
    not share allow (:func:`_pair_absorbs`), which settles a copy of a rule with other
    dates in a few regions; else a search of the regions where ``r`` might apply that drops
    each one on which the other rules of its layer surely absorb it. Only a region on which
    they do not, their applying settled as far as it matters, is searched for a difference
    by the joint search of the two sets (as ``equivalent`` does); the first difference found
    ends the search."""
    if _check_key(without) != _check_key(rule_set):
        # Without the rule the set accepts other purchases: both spaces are searched.
        return bool(_differences(rule_set, without, first=True, escalation=True, scope=a.scope))
    top = a.deciders[0].layers[0]
    first = top.layer.combining is Combining.FIRST_MATCH
    at = next(i for i, x in enumerate(top.rules) if x is r)
    # Under first-match only the rules before r can keep it from deciding.
    pool = top.rules[:at] if first else top.rules[:at] + top.rules[at + 1 :]
    others = sorted(pool, key=lambda x: -len(x.atoms & r.atoms))
    default = top.layer.default.severity
    da, db = a.deciders[0], Decider(a.compiled, rule_set, skip=r.rule.id)
    full = list(a.search.full)
    found: list[tuple[list[int], tuple[int, int]]] = []
    try:
        hit = _difference_in(a, da, db, full, budget=_GREEDY)
    except _BudgetSpentError:
        pass
    else:
        return hit is not None and _confirmed(a, rule_set, without, hit)
    if any(_pair_absorbs(a, r, s, default, first=first) for s in _pairable(r, others)):
        return False

    def judge(region: list[int], m: MaskOf) -> set[int] | bool:
        loose: set[int] = set()
        mine = _options(r, m, loose)
        if _inert(mine):
            return True  # r applies nowhere here
        settle = _absorbs_read(_each(others, m), mine, default, first=first)
        if settle is True:
            return True
        if loose:
            return loose  # settle r first: the fewer options it has, the less to absorb
        if settle:
            return settle  # the other rules that might yet absorb r, settled in turn
        hit = _difference_in(a, da, db, region)
        if hit is not None:
            found.append(hit)
            return False
        return True

    a.search.run(judge)
    return bool(found) and _confirmed(a, rule_set, without, found[0])


def _confirmed(
    a: _Analysis, rule_set: RuleSet, without: RuleSet, hit: tuple[list[int], tuple[int, int]]
) -> bool:
    """True, once the interpreter decides the region's witness as the search did."""
    leaf, (x, y) = hit
    witness, _ = a.witness(leaf)
    _check(a.decide(rule_set, witness), _EFFECTS[x // 2], "shadowed (with the rule)")
    _check(a.decide(without, witness), _EFFECTS[y // 2], "shadowed (without the rule)")
    return True


_Options = set[tuple[int, ...]]


def _each(rules: Sequence[_Rule], m: MaskOf) -> Iterator[tuple[_Options, set[int]]]:
    """Each rule's options on the region, with its atoms not settled there, one at a time."""
    for s in rules:
        pending: set[int] = set()
        options = _options(s, m, pending)
        yield options, pending


def _absorbs_read(
    others: Iterable[tuple[_Options, set[int]]],
    mine: _Options,
    default: int,
    *,
    first: bool,
) -> set[int] | bool:
    """`_absorbs`, in each reading the options carry: the interpreter's alone (three
    numbers), or with a settled reading beside it (six: see `_options`). Where a vocabulary
    settles a condition the decision is the interpreter's reading and whether it is
    escalated also reads the settled one, so the rule is absorbed when it is in both: each
    reading then folds to the same on every point of the region with the rule or without
    it. Each reading is judged over all of its own options (a superset of the pairs that
    occur), so a cut it shows holds. Not absorbed in some reading and no way it might be:
    empty; else the atoms the first reading not yet absorbed waits on."""
    if not mine or len(next(iter(mine))) == 3:
        return _absorbs(others, mine, default, first=first)
    rules = list(others)
    results = [
        _absorbs(
            [({o[i : i + 3] for o in options}, pending) for options, pending in rules],
            {o[i : i + 3] for o in mine},
            default,
            first=first,
        )
        for i in (0, 3)
    ]
    if all(x is True for x in results):
        return True
    waiting = [x for x in results if x is not True]
    if any(not x for x in waiting):
        return set()
    return next(x for x in waiting if isinstance(x, set))


def _absorbs(
    others: Iterable[tuple[_Options, set[int]]],
    mine: _Options,
    default: int,
    *,
    first: bool,
) -> set[int] | bool:
    """Whether the other rules, given by their options on the region (as `_options` gives
    them: applying as 0, 1 or 2 for no, yes, unknown, and the least and most severe effect
    it may give) and their atoms not settled there, surely absorb a rule whose options are
    ``mine``: ``True`` when they do; else the atoms of the first of them that is not
    settled and might yet (empty: none might).

    Under most-severe, a layer folds its rules to the most severe effect certain, the most
    severe possible and the least severe possible, each a maximum or minimum over the
    rules: more rules only raise the first two and lower the third. A rule that surely
    applies changes none of what decides when the others already make at least its least
    severe effect certain and its most severe possible; one that might apply, when they
    make its most severe possible and either some effect certain or one as mild as its
    least severe (or the default is) possible. Bounds from the other rules' options on the
    region (each rule's worst) hold on every point of it. Under first-match, a rule before
    ``r`` that surely applies keeps it from deciding."""
    applying = [o for o in mine if o[0]]
    if not applying:
        # The rule applies nowhere here (in this reading: `~components.all(ALWAYS)` may
        # apply in the interpreter's and never in the settled one), so it changes nothing.
        return True
    loose_rules: list[set[int]] = []
    if first:
        for options, pending in others:
            if all(k == 1 for k, _, _ in options):
                return True
            if pending and any(k == 1 for k, _, _ in options):
                loose_rules.append(pending)
        return loose_rules[0] if loose_rules else set()
    need_every = max(hi for _, _, hi in applying)
    need_forced = max((lo for k, lo, _ in applying if k == 1), default=-1)
    unknown_lo = min((lo for k, lo, _ in applying if k == 2), default=None)

    def enough(forced: int, every: int, least: int) -> bool:
        return (
            every >= need_every
            and forced >= need_forced
            and (unknown_lo is None or forced >= 0 or min(default, least) <= unknown_lo)
        )

    worst = [-1, -1, 99]
    best = [-1, -1, 99]
    for options, pending in others:
        # The rule's worst and best part in the three bounds, over its options here.
        forced = [lo if k == 1 else -1 for k, lo, _ in options]
        every = [hi if k else -1 for k, _, hi in options]
        least = [lo if k else 99 for k, lo, _ in options]
        low = (min(forced), min(every), max(least))
        high = (max(forced), max(every), min(least))
        worst = [max(worst[0], low[0]), max(worst[1], low[1]), min(worst[2], low[2])]
        if enough(*worst):
            return True
        best = [max(best[0], high[0]), max(best[1], high[1]), min(best[2], high[2])]
        if pending and high != low:
            loose_rules.append(pending)
    if not loose_rules or not enough(*best):
        return set()  # no way the others absorb the rule all over the region
    return loose_rules[0]


def _conjuncts(rule: Rule) -> list[Predicate]:
    """The conditions a rule's applying is the Kleene "and" of: its condition's operands (or
    the condition), its window's, and its exception negated."""
    out: list[Predicate] = []
    w = window(rule)
    for node in (rule.when, w):
        if isinstance(node, AllOf):
            out.extend(node.operands)
        elif node is not None:
            out.append(node)
    if rule.unless is not None:
        out.append(Not(operand=rule.unless))
    return out


def _pairable(r: _Rule, others: Sequence[_Rule]) -> list[_Rule]:
    """The rules sharing a conjunct with ``r`` (see :func:`_conjuncts`), most shared first."""
    mine = set(_conjuncts(r.rule))
    shared = [(len(mine.intersection(_conjuncts(s.rule))), i) for i, s in enumerate(others)]
    return [others[i] for n, i in sorted(shared, key=lambda x: (-x[0], x[1])) if n]


def _pair_absorbs(a: _Analysis, r: _Rule, s: _Rule, default: int, *, first: bool) -> bool:
    """Whether ``s`` alone absorbs ``r`` (see :func:`_absorbs`) on every point, shown with
    the conditions they share taken as one free value: both apply as the other conditions
    and that value (true or unknown; false, neither applies) make them, whatever the
    shared conditions read. Every point of the space is among these cases, so when ``s``
    absorbs ``r`` in each, it absorbs it everywhere; the search reads only the conditions
    they do not share and their cases, a few dimensions, however many the shared ones
    read (vendors, components)."""
    compiled = a.compiled
    if r.settled is not None or s.settled is not None:
        return False  # a condition a vocabulary settles: left to the region search
    mine, theirs = _conjuncts(r.rule), _conjuncts(s.rule)
    shared = set(mine) & set(theirs)
    rest_r = [compiled.compile(p) for p in mine if p not in shared]
    rest_s = [compiled.compile(p) for p in theirs if p not in shared]
    atoms = (
        frozenset()
        .union(*(x for _, x in rest_r), *(x for _, x in rest_s), *(x for _, x in r.cases))
        .union(*(x for _, x in s.cases))
    )
    for c in (T, N):
        stop: list[bool] = []

        def judge(region: list[int], m: MaskOf, c: int = c, stop: list[bool] = stop) -> Any:
            va, vb = c, c
            for fn, _ in rest_r:
                va = AND[va][fn(m)]
            for fn, _ in rest_s:
                vb = AND[vb][fn(m)]
            pr: set[int] = set()
            ps: set[int] = set()
            mine_o = _options(r, m, pr, applies=va)
            if _inert(mine_o):
                return True
            settle = _absorbs_read(
                [(_options(s, m, ps, applies=vb), ps & atoms)], mine_o, default, first=first
            )
            if settle is True:
                return True
            pending = (pr & atoms) or settle
            if pending:
                return set(pending)
            stop.append(True)
            return False

        a.search.run(judge)
        if stop:
            return False
    return True


def _difference_in(
    a: _Analysis, da: Decider, db: Decider, region: list[int], *, budget: int | None = None
) -> tuple[list[int], tuple[int, int]] | None:
    """A region within ``region`` that ``da`` and ``db`` decide differently all over (effect
    or escalation), with the two decisions as `_seen` gives them; ``None`` if none. With
    ``budget``, :class:`_BudgetSpentError` is raised once that many regions are visited."""
    coupled = a.search.coupled
    nothing: set[int] = set()
    visited = [0]

    def classify(current: list[int], m: MaskOf, start: Carried | None) -> CarriedVerdict:
        visited[0] += 1
        if budget is not None and visited[0] > budget:
            raise _BudgetSpentError
        pairs, pending, key, left = joint_keyed_from(
            da, db, m, current, coupled, start=start, escalation=True
        )
        if all(x == y for x, y in pairs):
            return None, nothing, None, None
        if len(pairs) == 1:
            return next(iter(pairs)), nothing, None, None
        return None, pending, key, left

    unshared = _unshared(da, db)
    found = a.search.carried_leaves(
        classify, region, prefer=unshared, then=_linked(da, db, unshared), limit=1
    )
    return (found[0][0], found[0][1]) if found else None
