"""Questions about whole rule sets, answered exactly over the space, each with witnesses.

:func:`reachable` (which effects can occur), :func:`gaps` (purchases in a region no rule
reaches), :func:`escalations` (purchases escalated only because a fact is missing),
:func:`diff` and :func:`equivalent` (what separates two rule sets), :func:`replay` (two
versions over real purchases). Every witness is decided again by the interpreter before it is
returned; a disagreement is a bug in the analysis and raises :class:`AssertionError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
from attrs import field, frozen

from vendorpolicy._decision import Basis, Decision, RuleStatus
from vendorpolicy._engine import interpret
from vendorpolicy._model import Effect, Purchase
from vendorpolicy._predicates import ALWAYS, Predicate
from vendorpolicy._rules import Rule, RuleSet
from vendorpolicy._vocabcheck import checker_for
from vendorpolicy.analysis._registry import Scope, scope_for
from vendorpolicy.analysis._search import (
    Carried,
    CarriedVerdict,
    Compiled,
    Decider,
    F,
    MaskOf,
    Search,
    T,
    _bits,
    joint_keyed_from,
    settled_option,
)
from vendorpolicy.analysis._space import Space, assume_custom

if TYPE_CHECKING:
    from vendorpolicy._registry import Registry

__all__ = [
    "Difference",
    "Escalation",
    "Gap",
    "Reach",
    "Region",
    "Replayed",
    "Witness",
    "assumptions",
    "diff",
    "equivalent",
    "escalations",
    "gaps",
    "reachable",
    "replay",
]

Truth = bool | None
_EFFECTS = {e.severity: e for e in Effect}
#: Leaves are merged into larger regions for reporting up to this many per outcome.
_MERGE_LIMIT = 600
#: How many analyses (spaces with their worked-out classes) are kept for the next question.
_KEPT = 4


@frozen
class Region:
    """A set of purchases: for each dimension it restricts, the classes it allows (any other
    dimension is free). ``str()`` reads ``category: telecom/network × date: from 2020-08-13``."""  # noqa: RUF002

    parts: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __str__(self) -> str:
        if not self.parts:
            return "every purchase"
        return " × ".join(  # noqa: RUF001 - the product of the parts
            f"{name}: {' or '.join(labels)}" for name, labels in self.parts
        )


@frozen
class Witness:
    """A purchase that shows a finding, with what each ``custom`` predicate was assumed to
    answer on it (custom predicates are opaque to analysis)."""

    purchase: Purchase
    assumed: tuple[tuple[str, Truth], ...] = ()


@frozen
class Reach:
    """An effect some purchase gets, with a witness."""

    effect: Effect
    witness: Witness


@frozen
class Gap:
    """Purchases on which no rule applies or might apply (the default decides)."""

    region: Region
    effect: Effect
    witness: Witness


@frozen
class Escalation:
    """Purchases decided ``effect`` only because facts are missing: once known, the decision
    would lie between ``settled[0]`` and ``settled[1]``. ``facts`` are the missing facts of the
    witness that would settle it; ``rules`` the rules that might apply."""

    region: Region
    effect: Effect
    settled: tuple[Effect, Effect]
    facts: tuple[str, ...]
    rules: tuple[str, ...]
    witness: Witness


@frozen
class Difference:
    """Purchases the two rule sets decide differently: ``old`` under the first, ``new`` under
    the second."""

    region: Region
    old: Effect
    new: Effect
    witness: Witness


@frozen
class Replayed:
    """A purchase of a ledger whose decision changed between two versions, with the rules that
    determined each decision."""

    index: int
    purchase_id: str
    old: Effect
    new: Effect
    old_rules: tuple[str, ...] = field(default=())
    new_rules: tuple[str, ...] = field(default=())


class _Analysis:
    """A space over some rule sets, its compiled atoms and a search."""

    def __init__(
        self,
        rule_sets: Sequence[RuleSet],
        extra: Sequence[Predicate] = (),
        scope: Scope | None = None,
    ) -> None:
        self.rule_sets = list(rule_sets)
        self.space = Space(rule_sets, extra)
        self.compiled = Compiled(self.space)
        self.deciders = [Decider(self.compiled, rs) for rs in rule_sets]
        self.compiled.count_uses(self.deciders)
        self.search = Search(self.compiled)
        #: Masks a question works out once per dimension (lint's known classes, keyed by
        #: name, dimension and the dimension's full mask).
        self.masks: dict[tuple[str, int, int], int] = {}
        #: With a registry: the rule sets are rewritten over it (see `_registry`).
        self.scope = scope
        if scope is not None:
            scope.narrow(self)

    def region(self, masks: Sequence[int]) -> Region:
        parts = []
        for d, mask in enumerate(masks):
            dim = self.space.dims[d]
            if mask != self.search.full[d]:
                parts.append((dim.name, tuple(dim.cells[c].label for c in _bits(mask))))
        return Region(parts=tuple(parts))

    def witness(self, region: Sequence[int]) -> tuple[Witness, dict[str, Truth]]:
        point = self.search.witness_point(region)
        purchase = self.space.purchase(point)
        if self.scope is not None:
            purchase = self.scope.canonical(purchase)
        customs = self.space.customs(point)
        return Witness(purchase=purchase, assumed=tuple(sorted(customs.items()))), customs

    def decide(self, rule_set: RuleSet, witness: Witness) -> Decision:
        assumed = dict(witness.assumed)
        if self.scope is not None:
            return self.scope.decide(rule_set, witness.purchase, assumed)
        return interpret(assume_custom(rule_set, assumed), witness.purchase)

    def merge(self, leaves: list[list[int]]) -> list[list[int]]:
        """Leaves of one outcome merged where they differ in one dimension only."""
        if len(leaves) > _MERGE_LIMIT:
            return _merge_many(leaves)
        items = [list(x) for x in leaves]
        changed = True
        while changed:
            changed = False
            i = 0
            while i < len(items):
                j = i + 1
                while j < len(items):
                    a, b = items[i], items[j]
                    differ = [d for d in range(len(a)) if a[d] != b[d]]
                    if len(differ) <= 1:
                        if differ:
                            a[differ[0]] |= b[differ[0]]
                        del items[j]
                        changed = True
                    else:
                        j += 1
                i += 1
        return items


_kept: dict[tuple[Any, ...], _Analysis] = {}


def _analysis(
    rule_sets: Sequence[RuleSet], extra: Sequence[Predicate] = (), scope: Scope | None = None
) -> _Analysis:
    """The analysis of ``rule_sets``, shared by the questions asked of the same rule sets: the
    space is built, and the value of each atom on each class worked out, once (lint asks a
    few hundred questions of one rule set; a pack's page asks lint, reachable and
    escalations). The analysis holds no answer, only the space and the atoms' values, which
    depend on nothing but the rule sets."""
    key = (tuple(rule_sets), tuple(extra), scope)
    try:
        found = _kept.get(key)
    except TypeError:  # pragma: no cover - a rule set holding an unhashable value
        return _Analysis(rule_sets, extra, scope)
    if found is None:
        found = _Analysis(rule_sets, extra, scope)
        if len(_kept) >= _KEPT:
            del _kept[next(iter(_kept))]
        _kept[key] = found
    return found


def _check_key(rule_set: RuleSet) -> Any:
    """What the vocabulary check of ``rule_set`` accepts, as a comparable value."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return tuple(sorted((k, plain(v)) for k, v in value.items()))
        if hasattr(value, "__slots__") and not isinstance(value, (str, frozenset, tuple)):
            return (type(value).__name__, *(plain(getattr(value, s)) for s in value.__slots__))
        return value

    return plain(checker_for(rule_set))


def _pair(
    old: RuleSet, new: RuleSet, scope: Scope | None = None
) -> tuple[_Analysis, Decider, Decider]:
    """An analysis of ``old`` and ``new`` with a decider for each. When ``new`` is ``old``
    less some of its own rules (lint's shadowed check) and accepts the same purchases, its
    space is ``old``'s: the analysis of ``old`` serves for both."""
    if (
        attrs.evolve(new, rules=old.rules) == old
        and set(new.rules) <= set(old.rules)
        and _check_key(new) == _check_key(old)
    ):
        a = _analysis([old], scope=scope)
        return a, a.deciders[0], Decider(a.compiled, new)
    a = _analysis([old, new], scope=scope)
    return a, a.deciders[0], a.deciders[1]


def _unshared(da: Decider, db: Decider) -> frozenset[int]:
    """The atoms of the rules only one of two deciders holds."""
    rules_a = [r for layer in da.layers for r in layer.rules]
    rules_b = [r for layer in db.layers for r in layer.rules]
    held_a = {r.rule for r in rules_a}
    held_b = {r.rule for r in rules_b}
    out: set[int] = set()
    for r in rules_a:
        if r.rule not in held_b:
            out |= r.atoms
    for r in rules_b:
        if r.rule not in held_a:
            out |= r.atoms
    return frozenset(out)


def _linked(da: Decider, db: Decider, unshared: frozenset[int]) -> list[frozenset[int]]:
    """The atoms of the rules that share atoms with the rules only one of two deciders holds
    (``unshared``: their atoms), those sharing the most first. Where a rule held by one set
    is settled, what it changes turns most often on the rules most like it (a copy of it
    with other dates, the rule it narrows): a search for one difference settles theirs
    before the others'. The order of the splits changes nothing but the search's length."""
    by_shared: dict[int, set[int]] = {}
    for decider in (da, db):
        for layer in decider.layers:
            for r in layer.rules:
                shared = len(r.atoms & unshared)
                if shared and not r.atoms <= unshared:
                    by_shared.setdefault(shared, set()).update(r.atoms - unshared)
    return [frozenset(by_shared[k]) for k in sorted(by_shared, reverse=True)]


def _merge_many(leaves: list[list[int]]) -> list[list[int]]:
    """Many leaves of one outcome merged, a dimension at a time: the leaves that agree on
    every other dimension become one region (their union, since leaves are disjoint), and
    the passes go on while any merge is made. Hashing the other dimensions keeps each pass
    linear, where comparing pairs would be quadratic."""
    items = [tuple(x) for x in leaves]
    changed = True
    while changed:
        changed = False
        for d in range(len(items[0]) if items else 0):
            groups: dict[tuple[int, ...], int] = {}
            for it in items:
                rest = it[:d] + it[d + 1 :]
                groups[rest] = groups.get(rest, 0) | it[d]
            if len(groups) < len(items):
                changed = True
                items = [(*rest[:d], mask, *rest[d:]) for rest, mask in groups.items()]
    return [list(x) for x in items]


def _check(decision: Decision, effect: Effect, what: str) -> None:
    if decision.effect is not effect:
        raise AssertionError(
            f"analysis bug: {what}: the witness is decided {decision.effect.name}, "
            f"not {effect.name}"
        )


def assumptions(
    rule_set: RuleSet, *, registry: Registry | None = None, as_of: dt.date | None = None
) -> tuple[str, ...]:
    """What the analysis of ``rule_set`` assumes beyond the rules themselves: how it treats
    ``custom`` predicates, components, the decision date and vendors (with ``registry`` and
    ``as_of``, as the questions asked with them)."""
    scope, (rs,) = _scoped(registry, rule_set, as_of=as_of)
    space = _analysis([rs], scope=scope).space
    if scope is None or scope.registry is None:
        vendors = "vendors are taken as stated (no registry)"
    else:
        on = (
            "on the purchase date (an entity whose owners or listings change is unknown "
            "without a date)"
            if as_of is None
            else f"on {as_of.isoformat()}"
        )
        vendors = (
            f"each vendor and part maker is one of the {len(scope.ids)} entities of registry "
            f"`{scope.registry.id}`, as it resolves them {on}, or a vendor the registry "
            "does not know, stated as it is (with no registry entity in its ownership chain)"
        )
    when = (
        "the decision date is the purchase date (no `as_of`)"
        if as_of is None
        else f"the decision date is {as_of.isoformat()} (`as_of`), whatever the purchase date: "
        "the rules in force then, and the decision-date conditions, are judged on it"
    )
    return (*space.notes, f"{when}; {vendors}")


def _scoped(
    registry: Registry | None, *rule_sets: RuleSet, as_of: dt.date | None = None
) -> tuple[Scope | None, tuple[RuleSet, ...]]:
    """The scope of the registry and decision date and the rule sets to ask (rewritten over
    them), or ``None`` and the rule sets as they are."""
    scope = scope_for(registry, as_of)
    if scope is None:
        return None, rule_sets
    scope.prepare(rule_sets)
    return scope, tuple(scope.rule_set(rs) for rs in rule_sets)


def reachable(
    rule_set: RuleSet, *, registry: Registry | None = None, as_of: dt.date | None = None
) -> tuple[Reach, ...]:
    """Every effect some purchase gets under ``rule_set``, least severe first, each with a
    witness the interpreter decides so (with ``registry``, over its entities; with ``as_of``,
    decided on that date: see :func:`assumptions`)."""
    scope, (rule_set,) = _scoped(registry, rule_set, as_of=as_of)
    a = _analysis([rule_set], scope=scope)
    decider = a.deciders[0]
    found: dict[Effect, list[int]] = {}

    def judge(region: list[int], m: MaskOf) -> set[int] | bool:
        finals, pending = decider.possible(m)
        effects = {_EFFECTS[e] for e, _, _ in finals}
        if effects <= found.keys():
            return True
        if len(effects) == 1:
            found[effects.pop()] = region
            return len(found) < len(Effect)
        return pending

    a.search.run(judge)
    reaches = []
    for effect in sorted(found):
        witness, _ = a.witness(found[effect])
        _check(a.decide(rule_set, witness), effect, f"reachable {effect.name}")
        reaches.append(Reach(effect=effect, witness=witness))
    return tuple(reaches)


def gaps(
    rule_set: RuleSet,
    region: Predicate = ALWAYS,
    *,
    registry: Registry | None = None,
    as_of: dt.date | None = None,
) -> tuple[Gap, ...]:
    """The purchases within ``region`` (a condition; every purchase by default) on which no
    rule of ``rule_set`` or its layers applies or might apply, so the default decides: "every
    public-buyer telecom purchase is decided by some rule" holds when this is empty.
    ``registry`` and ``as_of`` as for :func:`reachable`."""
    probe = RuleSet(id="region", version="1", rules=[Rule(id="region", when=region, effect="deny")])
    scope, (rule_set, probe) = _scoped(registry, rule_set, probe, as_of=as_of)
    region = probe.rules[0].when
    a = _analysis([rule_set], [region], scope=scope)
    within, within_atoms = a.compiled.compile(region)
    rules = [r for layer in a.deciders[0].layers for r in layer.rules]
    leaves: list[list[int]] = []

    def judge(current: list[int], m: MaskOf) -> set[int] | bool:
        w = within(m)
        if not w & T:
            return True
        pending: set[int] = set()
        for r in rules:
            applies = r.applies(m)
            if not applies & F:
                return True  # the rule applies, or might, on all of the region
            if applies != F:
                pending |= {x for x in r.applies_atoms if m(x) & (m(x) - 1)}
        if w != T:
            pending |= {x for x in within_atoms if m(x) & (m(x) - 1)}
        if pending:
            return pending
        leaves.append(current)
        return True

    a.search.run(judge)
    out = []
    for leaf in a.merge(leaves):
        witness, _ = a.witness(leaf)
        decision = a.decide(rule_set, witness)
        if decision.basis is not Basis.DEFAULT or any(
            r.status in (RuleStatus.APPLIES, RuleStatus.UNKNOWN) for r in decision.results
        ):
            raise AssertionError(f"analysis bug: gap witness {witness} is decided by rules")
        out.append(Gap(region=a.region(leaf), effect=decision.effect, witness=witness))
    return tuple(out)


def escalations(
    rule_set: RuleSet, *, registry: Registry | None = None, as_of: dt.date | None = None
) -> tuple[Escalation, ...]:
    """The regions of purchases whose decision is escalated only because a fact is missing:
    more severe than what the known facts make certain (``max(lo, min(hi, on_unknown))`` with
    ``lo < hi``), with the facts that would settle each (those of the region's witness). Once
    known, the facts would give an effect within ``settled`` (over the whole region).

    What the known facts make certain is judged within the rule set's vocabulary: a condition
    that a missing fact leaves unknown, but that every value the vocabulary allows for it
    would make true (or every one false), counts as settled, so that a fact whose every value
    leads to the same decision is not reported as escalating it, nor listed as settling it,
    and a rule left unknown only so is not listed either."""
    scope, (rule_set,) = _scoped(registry, rule_set, as_of=as_of)
    a = _analysis([rule_set], scope=scope)
    decider = a.deciders[0]
    groups: dict[tuple[Any, ...], list[list[int]]] = {}
    coupled = a.search.coupled
    nothing: set[int] = set()

    def classify(current: list[int], m: MaskOf, start: Carried | None) -> CarriedVerdict:
        finals, pending, key, left = decider.keyed_from(m, current, coupled, start)
        # An effect below what stating the missing makes certain (the vocabulary settles more
        # than the interpreter reads) is no escalation either.
        if all(e <= lo for e, lo, _ in finals):
            return None, nothing, None, None  # nothing escalated here
        effects = {e for e, _, _ in finals}
        if len(effects) > 1 or any(e <= lo for e, lo, _ in finals):
            return None, pending, key, left
        # Escalated to one effect all over the region, if not always from the same range.
        found = (effects.pop(), min(lo for _, lo, _ in finals), max(hi for _, _, hi in finals))
        return found, nothing, None, None

    for leaf, found in a.search.carried_leaves(classify):
        groups.setdefault(found, []).append(leaf)
    found = []
    for (e, lo, hi), leaves in groups.items():
        effect = _EFFECTS[e]
        for leaf in a.merge(leaves):
            witness, _ = a.witness(leaf)
            decision = a.decide(rule_set, witness)
            _check(decision, effect, "escalation")
            if decision.basis is not Basis.UNKNOWN:
                raise AssertionError("analysis bug: an escalation witness is not escalated")
            facts, rules = _settling(a, decider, leaf, decision)
            found.append(
                Escalation(
                    region=a.region(leaf),
                    effect=effect,
                    settled=(_EFFECTS[lo], _EFFECTS[hi]),
                    facts=facts,
                    rules=rules,
                    witness=witness,
                )
            )
    found.sort(key=lambda e: (-e.effect.severity, e.rules, str(e.region)))
    return tuple(found)


#: The dimension of each thing a decision may name as missing (`Decision.missing_facts`).
_MISSING_DIMS = {
    "category": "category",
    "vendor": "vendor",
    "components": "components",
    "purchase.date": "date",
    "purchase.purpose": "purpose",
    "purchase.value": "value",
    "buyer.country": "buyer.country",
    "buyer.designations": "buyer.designations",
}


def _settling(
    a: _Analysis, decider: Decider, leaf: Sequence[int], decision: Decision
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The missing facts of an escalation's witness that stating would settle something, and
    the rules left unknown there that some missing fact really leaves open: a fact every value
    of which (within the vocabulary) makes each condition reading it come out alike settles
    nothing, and a rule whose conditions all come out alike, whatever the missing facts are
    stated as, is not open (see `Compiled.settled`)."""
    compiled = a.compiled
    facts = decision.missing_facts
    rules = tuple(r.key for r in decision.results if r.status is RuleStatus.UNKNOWN)
    if not compiled.paired:
        return facts, rules
    index = a.space.index
    kept = []
    for name in facts:
        dim = f"fact:{name[6:]}" if name.startswith("facts.") else _MISSING_DIMS.get(name)
        d = index.get(dim) if dim is not None else None
        if d is None or compiled.settles(d):
            kept.append(name)
    point = a.search.witness_point(leaf)
    m = a.search.masks([1 << point[d] for d in range(len(leaf))])
    closed = {
        f"{layer.layer.id}/{r.rule.id}"
        for layer in decider.layers
        for r in layer.rules
        if settled_option(r, m)
    }
    return tuple(kept), tuple(k for k in rules if k not in closed)


def _differences(
    old: RuleSet,
    new: RuleSet,
    *,
    first: bool,
    escalation: bool = False,
    scope: Scope | None = None,
) -> list[Difference]:
    a, da, db = _pair(old, new, scope)
    groups: dict[tuple[Effect, Effect], list[list[int]]] = {}
    coupled = a.search.coupled
    nothing: set[int] = set()

    def classify(current: list[int], m: MaskOf, start: Carried | None) -> CarriedVerdict:
        pairs, pending, key, left = joint_keyed_from(
            da, db, m, current, coupled, start=start, escalation=escalation
        )
        if all(x == y for x, y in pairs):
            return None, nothing, None, None
        if len(pairs) == 1:
            x, y = next(iter(pairs))
            if escalation:
                x, y = x // 2, y // 2
            return (_EFFECTS[x], _EFFECTS[y]), nothing, None, None
        return None, pending, key, left

    unshared = _unshared(da, db)
    found = a.search.carried_leaves(
        classify,
        prefer=unshared,
        then=_linked(da, db, unshared) if first else (),
        limit=1 if first else None,
    )
    for leaf, effects in found:
        groups.setdefault(effects, []).append(leaf)
    out = []
    for (e1, e2), leaves in sorted(groups.items()):
        for leaf in a.merge(leaves):
            witness, _ = a.witness(leaf)
            _check(a.decide(old, witness), e1, "diff (old)")
            _check(a.decide(new, witness), e2, "diff (new)")
            out.append(Difference(region=a.region(leaf), old=e1, new=e2, witness=witness))
    return out


def diff(
    old: RuleSet, new: RuleSet, *, registry: Registry | None = None, as_of: dt.date | None = None
) -> tuple[Difference, ...]:
    """Every region of purchases that ``old`` and ``new`` decide with different effects, each
    with a witness both interpreters agree on; empty exactly when they are equivalent. With
    ``registry``, over its entities (see :func:`assumptions`), both decided with it; with
    ``as_of``, both decided on that date."""
    scope, (old, new) = _scoped(registry, old, new, as_of=as_of)
    return tuple(_differences(old, new, first=False, scope=scope))


def equivalent(
    a: RuleSet, b: RuleSet, *, registry: Registry | None = None, as_of: dt.date | None = None
) -> bool:
    """Whether no purchase is decided with different effects by ``a`` and ``b`` (with
    ``registry``, no purchase over its entities; with ``as_of``, decided on that date)."""
    scope, (a, b) = _scoped(registry, a, b, as_of=as_of)
    return not _differences(a, b, first=True, scope=scope)


def replay(
    old: RuleSet,
    new: RuleSet,
    purchases: Iterable[Purchase | Mapping[str, Any]],
    *,
    registry: Registry | None = None,
    as_of: dt.date | None = None,
) -> tuple[Replayed, ...]:
    """Decide each purchase (a ledger's rows) under both versions; the purchases whose effect
    changed, with the rules that determined each decision. ``registry`` and ``as_of`` are
    passed to both decisions, as :meth:`RuleSet.evaluate` takes them (names the purchases
    only state are resolved against the registry)."""
    from vendorpolicy._convert import purchase_from_dict  # noqa: PLC0415 - files layer

    out = []
    for index, row in enumerate(purchases):
        purchase = row if isinstance(row, Purchase) else purchase_from_dict(row)
        x = old.evaluate(purchase, registry=registry, as_of=as_of)
        y = new.evaluate(purchase, registry=registry, as_of=as_of)
        if x.effect is not y.effect:
            out.append(
                Replayed(
                    index=index,
                    purchase_id=purchase.id,
                    old=x.effect,
                    new=y.effect,
                    old_rules=x.determining_keys,
                    new_rules=y.determining_keys,
                )
            )
    return tuple(out)
