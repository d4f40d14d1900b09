"""Counterfactuals: the smallest changes of a purchase's stated facts that change its decision.

The changes considered (:func:`candidates`) come from the rule set itself: the dates its
conditions and windows turn on (the day before each and the day itself), the amounts of its
value thresholds, the values its fact conditions name and its vocabulary declares (for a fact
not stated, too: "REVIEW → ALLOW if ``funding`` were ``own-budget``"), a stated fact left
unstated, a component left out, undeclared components declared as none, and the facts of each
component. The vendor, the category and the buyer are what is being decided on, and are never
changed.

:func:`what_if` decides the purchase changed by each candidate and reports every change after
which the effect differs, each checked again with the plain interpreter; only when no single
change does, pairs of changes on different facts. Of the changes of one ordered value (a date,
an amount) that give the same effect in the same direction, the nearest is reported.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs
from attrs import field, frozen

from vendorpolicy._checks import expect_type, tick
from vendorpolicy._decision import Decision
from vendorpolicy._engine import interpret
from vendorpolicy._model import Component, Effect, FactValue, Money, Purchase
from vendorpolicy._predicates import (
    AcquiredOnOrAfter,
    AllComponents,
    AnyComponent,
    DateOnOrAfter,
    DecidedOnOrAfter,
    FactIn,
    FactOnOrAfter,
    FactOnOrAfterDecision,
    FactOnOrBeforeDecision,
    Predicate,
    PurposeIn,
    ValueAtLeast,
)
from vendorpolicy._registry import Registry
from vendorpolicy._rules import RuleSet
from vendorpolicy._vocabcheck import ExtraFacts, OutsideVocabulary
from vendorpolicy._vocabulary import FactLocation, Vocabulary, show_value
from vendorpolicy.errors import (
    EvaluationError,
    InvalidValueError,
    VendorPolicyError,
)

__all__ = ["Change", "Counterfactual", "WhatIf", "apply_changes", "candidates", "what_if"]

_DAY = dt.timedelta(days=1)
_CENT = Decimal("0.01")


def _show(value: object) -> str:
    if value is None:
        return "not stated"
    if isinstance(value, (bool, str, dt.date)):
        return f"`{show_value(value)}`"
    return f"`{value}`"


@frozen(kw_only=True)
class Change:
    """One change of a stated fact: ``fact`` (a path such as ``purchase.date``,
    ``facts.funding``, ``components[1].facts.essential``, ``components[1]`` for a component
    left out, ``components`` for undeclared parts declared as none) from ``before`` to
    ``after`` (``None``: not stated, or left out). ``note`` says why the value was chosen
    (``before 2019-08-13``)."""

    fact: str
    before: object
    after: object
    note: str = ""

    @property
    def ordered(self) -> bool:
        """Whether the fact is an ordered value (a date or an amount)."""
        return isinstance(self.after, (dt.date, Money))

    @property
    def distance(self) -> Decimal:
        """How far the value moves: days for a date, the amount for money, else 0."""
        a, b = self.after, self.before
        if isinstance(a, dt.date) and isinstance(b, dt.date):
            return Decimal(abs((a - b).days))
        if isinstance(a, Money) and isinstance(b, Money) and a.currency == b.currency:
            return abs(a.amount - b.amount)
        return Decimal(0)

    @property
    def side(self) -> int:
        """-1 for an ordered value moved down, 1 up, 0 otherwise (or from not stated)."""
        a, b = self.after, self.before
        if isinstance(a, dt.date) and isinstance(b, dt.date):
            return -1 if a < b else 1
        if isinstance(a, Money) and isinstance(b, Money) and a.currency == b.currency:
            return -1 if a.amount < b.amount else 1
        return 0

    def __str__(self) -> str:
        if self.fact == "components":
            return "the purchase declared that it has no components (now not declared)"
        if self.fact.startswith("components[") and self.fact.endswith("]"):
            return f"{self.fact} ({self.note}) were left out"
        note = f", {self.note}" if self.note else ""
        return f"`{self.fact}` were {_show(self.after)}{note} (now {_show(self.before)})"


@frozen(kw_only=True)
class Counterfactual:
    """A set of changes after which the decision has another ``effect``, checked by evaluating
    the changed ``purchase`` with the plain interpreter (``decision``)."""

    changes: tuple[Change, ...]
    effect: Effect
    purchase: Purchase = field(repr=False)
    decision: Decision = field(repr=False, eq=False)

    def __str__(self) -> str:
        return f"{self.effect.name} if " + " and ".join(str(c) for c in self.changes)


@frozen(kw_only=True)
class WhatIf:
    """The counterfactuals for one decision: ``effect`` now, and each smallest set of changes
    (of one fact, else of two) that gives another effect. ``considered`` counts the candidate
    changes, ``size`` the number of changes per counterfactual searched last (1 or 2)."""

    purchase: Purchase = field(repr=False)
    decision: Decision = field(repr=False, eq=False)
    counterfactuals: tuple[Counterfactual, ...]
    considered: int
    size: int

    @property
    def effect(self) -> Effect:
        return self.decision.effect

    def __str__(self) -> str:
        head = f"{self.effect.name} now"
        if not self.counterfactuals:
            plural = "s" if self.size > 1 else ""
            return (
                f"{head}; no change of up to {self.size} stated fact{plural} among the "
                f"{self.considered} considered changes the effect"
            )
        return "\n".join([head, *(f"  {c}" for c in self.counterfactuals)])


# --- the candidates ------------------------------------------------------------------------------


class _Gathered:
    """The constants a rule set's conditions and windows turn on."""

    def __init__(self, rule_set: RuleSet) -> None:
        self.dates: set[dt.date] = set()  # purchase date thresholds (x >= d)
        self.decided: set[dt.date] = set()  # decision date thresholds (x >= d)
        self.acquired: set[dt.date] = set()
        self.amounts: set[tuple[str, Decimal]] = set()
        self.purposes: set[str] = set()
        self.facts: dict[str, dict[tuple[type, FactValue], FactValue]] = {}
        self.fact_dates: dict[str, set[dt.date]] = {}  # fact >= d
        self.relative: set[str] = set()  # facts compared with the decision date
        self.component_facts: set[str] = set()
        for layer in rule_set.layers():
            for rule in layer.rules:
                if rule.in_force_from is not None:
                    self.decided.add(rule.in_force_from)
                if rule.in_force_until is not None and rule.in_force_until < dt.date.max:
                    self.decided.add(rule.in_force_until + _DAY)
                for node in (rule.when, rule.unless, *(c.when for c in rule.cases)):
                    if node is not None:
                        self._gather(node, inside=False)
        # The values the vocabularies declare, for the facts (and the purpose) a rule reads.
        for layer in rule_set.layers():
            vocabulary = layer.vocabulary
            if vocabulary is not None and vocabulary.facts is not None:
                for spec in vocabulary.facts:
                    if spec.location is FactLocation.PURPOSE:
                        if self.purposes:
                            self.purposes.update(str(v) for v in spec.values)
                    elif spec.name in self.facts:
                        self._values(spec.name, spec.values)

    def _values(self, name: str, values: Iterable[FactValue]) -> None:
        found = self.facts.setdefault(name, {})
        for v in values:
            found.setdefault((type(v), v), v)

    def _gather(self, node: Predicate, *, inside: bool) -> None:
        if isinstance(node, (AnyComponent, AllComponents)):
            self._gather(node.predicate, inside=True)
            return
        for child in node.children:
            self._gather(child, inside=inside)
        if isinstance(node, DateOnOrAfter):
            self.dates.add(node.date)
        elif isinstance(node, DecidedOnOrAfter):
            self.decided.add(node.date)
        elif isinstance(node, AcquiredOnOrAfter):
            self.acquired.add(node.date)
        elif isinstance(node, ValueAtLeast):
            self.amounts.add((node.amount.currency, node.amount.amount))
        elif isinstance(node, PurposeIn):
            self.purposes.update(node.purposes)
        elif isinstance(
            node, (FactIn, FactOnOrAfter, FactOnOrAfterDecision, FactOnOrBeforeDecision)
        ):
            self._values(node.name, node.values if isinstance(node, FactIn) else ())
            if inside:
                self.component_facts.add(node.name)
            if isinstance(node, FactOnOrAfter):
                self.fact_dates.setdefault(node.name, set()).add(node.date)
            elif not isinstance(node, FactIn):
                self.relative.add(node.name)


def _around(thresholds: Iterable[dt.date]) -> list[tuple[dt.date, str]]:
    """For each threshold ``x >= d``: the day before (``before d``) and ``d`` (``from d``)."""
    out: dict[dt.date, str] = {}
    for d in sorted(thresholds):
        if d > dt.date.min:
            out.setdefault(d - _DAY, f"before {d.isoformat()}")
        out.setdefault(d, f"from {d.isoformat()}")
    return sorted(out.items())


def _fact_values(
    gathered: _Gathered, name: str, when: dt.date | None
) -> list[tuple[FactValue, str]]:
    values: list[tuple[FactValue, str]] = [
        (v, "") for v in sorted(gathered.facts.get(name, {}).values(), key=_order)
    ]
    values += list(_around(gathered.fact_dates.get(name, ())))
    if name in gathered.relative and when is not None:
        values += [
            (when - _DAY, "the day before the decision date"),
            (when, "the decision date"),
            (when + _DAY, "the day after the decision date"),
        ]
    seen: set[tuple[type, FactValue]] = set()
    out = []
    for v, note in values:
        if (type(v), v) not in seen:
            seen.add((type(v), v))
            out.append((v, note))
    return out


def _order(value: FactValue) -> tuple[str, str]:
    return (type(value).__name__, show_value(value))


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


def candidates(
    rule_set: RuleSet, purchase: Purchase, *, as_of: dt.date | None = None
) -> tuple[Change, ...]:
    """Every single change :func:`what_if` considers for ``purchase`` under ``rule_set``
    (see the module's description), each to a value other than the stated one."""
    expect_type(rule_set, RuleSet, "candidates(rule_set)")
    expect_type(purchase, Purchase, "candidates(purchase)")
    return tuple(_candidates(_Gathered(rule_set), purchase, as_of))


def _candidates(g: _Gathered, p: Purchase, as_of: dt.date | None) -> Iterator[Change]:
    when = as_of if as_of is not None else p.date
    dates = set(g.dates)
    if as_of is None:
        # The purchase date is the decision date: its thresholds, and the stated dates that
        # facts compare with it, move the decision too.
        dates |= g.decided
        for name in g.relative:
            stated = p.facts.get(name)
            if isinstance(stated, dt.date):
                dates |= {stated, stated + _DAY}
    for day, note in _around(dates):
        if p.date != day:
            yield Change(fact="purchase.date", before=p.date, after=day, note=note)
    for day, note in _around(g.acquired):
        if p.acquired != day:
            yield Change(fact="purchase.acquired", before=p.acquired, after=day, note=note)
    for currency, amount in sorted(g.amounts):
        if p.value is not None and p.value.currency != currency:
            continue
        options = [(amount - _CENT, f"below {amount} {currency}")] if amount >= _CENT else []
        options.append((amount, f"at least {amount} {currency}"))
        for level, note in options:
            money = Money(amount=level, currency=currency)
            if p.value != money:
                yield Change(fact="purchase.value", before=p.value, after=money, note=note)
    for purpose in sorted(g.purposes):
        if p.purpose != purpose:
            yield Change(fact="purchase.purpose", before=p.purpose, after=purpose)
    for name in sorted(g.facts):
        stated = p.facts.get(name)
        for value, note in _fact_values(g, name, when):
            if not _same(stated, value):
                yield Change(fact=f"facts.{name}", before=stated, after=value, note=note)
        if name in p.facts:
            yield Change(fact=f"facts.{name}", before=stated, after=None)
    if p.components is None:
        yield Change(fact="components", before=None, after=())
        return
    for i, part in enumerate(p.components):
        for name in sorted(g.component_facts):
            stated = part.facts.get(name)
            for value, note in _fact_values(g, name, when):
                if not _same(stated, value):
                    yield Change(
                        fact=f"components[{i}].facts.{name}", before=stated, after=value, note=note
                    )
            if name in part.facts:
                yield Change(fact=f"components[{i}].facts.{name}", before=stated, after=None)
        yield Change(fact=f"components[{i}]", before=i, after=None, note=_label(part))


def _label(part: Component) -> str:
    who = part.vendor.label if part.vendor is not None else part.maker or "unknown maker"
    what = part.description or (part.category.path if part.category is not None else "")
    return f"{who}, {what}" if what else who


# --- applying changes ----------------------------------------------------------------------------


def _facts_with(facts: Any, name: str, value: object) -> dict[str, Any]:
    out = dict(facts)
    if value is None:
        out.pop(name, None)
    else:
        out[name] = value
    return out


def apply_changes(purchase: Purchase, changes: Iterable[Change]) -> Purchase:
    """``purchase`` with ``changes`` made (components named by their index in ``purchase``).
    Raises :class:`~vendorpolicy.errors.InvalidValueError` when the changed purchase is not
    valid (acquired after its date)."""
    fields: dict[str, Any] = {}
    facts: dict[str, Any] | None = None
    parts: list[Component | None] | None = (
        None if purchase.components is None else list(purchase.components)
    )
    removed: set[int] = set()
    declared = False
    for change in changes:
        path = change.fact
        if path.startswith("purchase."):
            fields[path.removeprefix("purchase.")] = change.after
        elif path.startswith("facts."):
            base = purchase.facts if facts is None else facts
            facts = _facts_with(base, path.removeprefix("facts."), change.after)
        elif path == "components":
            declared = True
        elif path.startswith("components["):
            index_text, _, rest = path.removeprefix("components[").partition("]")
            index = int(index_text)
            if parts is None or not 0 <= index < len(parts):
                raise InvalidValueError(
                    f"no component {index} to change", path=f"Change.fact `{path}`"
                )
            if not rest:
                removed.add(index)
            else:
                part = parts[index]
                assert part is not None
                name = rest.removeprefix(".facts.")
                parts[index] = attrs.evolve(part, facts=_facts_with(part.facts, name, change.after))
        else:
            raise InvalidValueError(f"unknown fact to change `{path}`", path="Change.fact")
    if facts is not None:
        fields["facts"] = facts
    if declared:
        fields["components"] = ()
    elif parts is not None and (removed or parts != list(purchase.components or ())):
        fields["components"] = tuple(
            part for i, part in enumerate(parts) if i not in removed and part is not None
        )
    return attrs.evolve(purchase, **fields)


# --- the search ----------------------------------------------------------------------------------


def _key(changes: tuple[Change, ...], effect: Effect) -> tuple[Any, ...]:
    """Counterfactuals with one key differ only in how far ordered values move."""
    return (
        effect,
        tuple(
            (c.fact, c.side) if c.ordered else (c.fact, type(c.after).__name__, repr(c.after))
            for c in changes
        ),
    )


def what_if(
    rule_set: RuleSet,
    purchase: Purchase,
    *,
    as_of: dt.date | None = None,
    registry: Registry | None = None,
    max_changes: int = 2,
    outside_vocabulary: OutsideVocabulary = "error",
    extra_facts: ExtraFacts = (),
    vocabulary: Vocabulary | None = None,
) -> WhatIf:
    """The smallest changes of ``purchase``'s stated facts that change the effect of its
    decision under ``rule_set`` (judged on ``as_of``, resolved against ``registry``, checked
    against the vocabulary with ``outside_vocabulary``, ``extra_facts`` and ``vocabulary``, as
    :meth:`RuleSet.evaluate` does): every single change among :func:`candidates` that gives
    another effect; when none does and ``max_changes`` is 2, every pair of changes of two
    different facts that does. The search decides the changed purchases as
    :meth:`RuleSet.evaluate` does (by the compiled form when it can); each one reported is
    checked by deciding it again with the plain interpreter, whose decision it carries. Of the
    changes of one ordered value (a date, an amount) that give the same effect in the same
    direction, only the nearest is kept."""
    if max_changes not in {1, 2}:
        raise InvalidValueError(
            f"`max_changes` must be 1 or 2, got {tick(max_changes)}",
            path="what_if(max_changes)",
        )
    options: dict[str, Any] = {
        "as_of": as_of,
        "registry": registry,
        "outside_vocabulary": outside_vocabulary,
        "extra_facts": extra_facts,
        "vocabulary": vocabulary,
    }
    decision = interpret(rule_set, purchase, **options)
    fast = rule_set.evaluate(purchase, **options).effect
    if fast is not decision.effect:  # pragma: no cover - the fast path agrees by test
        raise EvaluationError(
            f"the compiled form gives {fast.name} and the interpreter {decision.effect.name}",
            hint="run with VENDORPOLICY_INTERPRET=1 and report the rule set",
        )
    singles = candidates(rule_set, purchase, as_of=as_of)
    searches: list[Iterable[tuple[Change, ...]]] = [[(c,) for c in singles]]
    if max_changes == 2:
        searches.append(
            pair
            for pair in itertools.combinations(singles, 2)
            if _independent(pair[0].fact, pair[1].fact)
        )
    found: dict[tuple[Any, ...], tuple[Decimal, tuple[Change, ...], Purchase, Effect]] = {}
    size = 0
    for size, search in enumerate(searches, start=1):  # noqa: B007 - reported as `size`
        for changes in search:
            try:
                changed = apply_changes(purchase, changes)
                # The search runs on the engine's fast path; what is reported is checked below.
                effect = rule_set.evaluate(changed, **options).effect
            except VendorPolicyError:
                continue  # not a valid purchase, or one outside the vocabulary
            if effect is decision.effect:
                continue
            key = _key(changes, effect)
            distance = sum((c.distance for c in changes), Decimal(0))
            best = found.get(key)
            if best is None or distance < best[0]:
                found[key] = (distance, changes, changed, effect)
        if found:
            break
    reported = []
    for _, changes, changed, effect in found.values():
        checked = interpret(rule_set, changed, **options)
        if checked.effect is not effect:  # pragma: no cover - the fast path agrees by test
            raise EvaluationError(
                f"the compiled form gives {effect.name} and the interpreter "
                f"{checked.effect.name} for the purchase changed by "
                + " and ".join(str(c) for c in changes),
                hint="run with VENDORPOLICY_INTERPRET=1 and report the rule set",
            )
        reported.append(
            Counterfactual(changes=changes, effect=effect, purchase=changed, decision=checked)
        )
    ordered = sorted(
        reported, key=lambda c: (c.effect.severity, [(ch.fact, str(ch)) for ch in c.changes])
    )
    return WhatIf(
        purchase=purchase,
        decision=decision,
        counterfactuals=tuple(ordered),
        considered=len(singles),
        size=size,
    )


def _independent(a: str, b: str) -> bool:
    """Whether two changes touch different facts (a component left out is not also changed)."""
    if a == b:
        return False
    if (a == "components" and b.startswith("components[")) or (
        b == "components" and a.startswith("components[")
    ):
        return False
    for x, y in ((a, b), (b, a)):
        if x.startswith("components[") and x.endswith("]") and y.startswith(x):
            return False
    return True
