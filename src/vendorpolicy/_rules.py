"""Rules and rule sets: conditions with effects, and how a set combines them."""

from __future__ import annotations

import datetime as dt
import enum
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import attrs
from attrs import field, frozen

from vendorpolicy._checks import (
    check_text,
    id_validator,
    instances_of,
    optional_date_validator,
    text_validator,
    tuple_of,
)
from vendorpolicy._model import Effect, EffectName, Purchase, to_enum
from vendorpolicy._predicates import Predicate, _predicate_validator
from vendorpolicy._vocabulary import Vocabulary
from vendorpolicy.errors import InvalidValueError

if TYPE_CHECKING:
    from vendorpolicy._decision import Decision
    from vendorpolicy._names import Resolver
    from vendorpolicy._registry import Registry
    from vendorpolicy._vocabcheck import ExtraFacts, OutsideVocabulary

__all__ = ["Case", "Combining", "Rule", "RuleSet"]


class Combining(enum.Enum):
    """How a rule set turns the effects of its matching rules into one decision."""

    #: The most severe effect among the matching rules wins; rule order does not matter.
    MOST_SEVERE = "most-severe"
    #: The first matching rule, in order, decides.
    FIRST_MATCH = "first-match"

    def __repr__(self) -> str:
        return f"Combining.{self.name}"


#: The values of the combining algorithms (see `EffectName`).
CombiningName: TypeAlias = Literal["most-severe", "first-match"]


def _optional_predicate(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _predicate_validator(instance, attribute, value)


def _case_effect(value: Effect | EffectName) -> Any:
    return to_enum(Effect, value, "Case.effect")


@frozen(kw_only=True)
class Case:
    """A variation of a rule's effect: when ``when`` holds, the rule gives ``effect`` instead.

    Cases let one criterion bind some buyers and only advise others without being written twice.
    """

    when: Predicate = field(validator=_predicate_validator)
    effect: Effect = field(converter=_case_effect)
    reason: str = field(default="", validator=text_validator)


def _cases(value: object, path: str) -> tuple[Case, ...]:
    return instances_of(Case, value, path)


def _obligations(value: object, path: str) -> tuple[str, ...]:
    items = tuple_of(value, path, check_text)
    for i, item in enumerate(items):
        if not item.strip():
            raise InvalidValueError("empty obligation", path=f"{path}[{i}]", hint="remove it")
    return items


def _rule_effect(value: Effect | EffectName) -> Any:
    return to_enum(Effect, value, "Rule.effect")


def _rule_cases(value: Iterable[Case]) -> Any:
    return _cases(value, "Rule.cases")


def _rule_obligations(value: Iterable[str]) -> Any:
    return _obligations(value, "Rule.obligations")


@frozen(kw_only=True)
class Rule:
    """A condition and what follows when it holds.

    The rule *applies* when it is in force on the decision date, ``when`` is true and ``unless``
    (an exception) is not. Its effect is that of the first of ``cases`` whose condition holds,
    else ``effect``. ``in_force_from`` and ``in_force_until`` are both inclusive.
    """

    id: str = field(validator=id_validator)
    when: Predicate = field(validator=_predicate_validator)
    effect: Effect = field(converter=_rule_effect)
    unless: Predicate | None = field(default=None, validator=_optional_predicate)
    cases: tuple[Case, ...] = field(default=(), converter=_rule_cases)
    obligations: tuple[str, ...] = field(default=(), converter=_rule_obligations)
    reason: str = field(default="", validator=text_validator)
    source: str = field(default="", validator=text_validator)
    in_force_from: dt.date | None = field(default=None, validator=optional_date_validator)
    in_force_until: dt.date | None = field(default=None, validator=optional_date_validator)

    def __attrs_post_init__(self) -> None:
        start, end = self.in_force_from, self.in_force_until
        if start is not None and end is not None and end < start:
            raise InvalidValueError(
                f"rule `{self.id}` ends ({end.isoformat()}) before it starts ({start.isoformat()})",
                path="Rule.in_force_until",
                hint="swap the dates, or drop one",
            )

    @property
    def has_window(self) -> bool:
        """Whether the rule is limited in time."""
        return self.in_force_from is not None or self.in_force_until is not None

    def in_force(self, on: dt.date) -> bool:
        """Whether the rule is in force on ``on``."""
        if self.in_force_from is not None and on < self.in_force_from:
            return False
        return not (self.in_force_until is not None and on > self.in_force_until)

    @property
    def effects(self) -> frozenset[Effect]:
        """Every effect the rule can give."""
        return frozenset({self.effect, *(c.effect for c in self.cases)})


def _rules(value: object, path: str) -> tuple[Rule, ...]:
    rules = instances_of(Rule, value, path)
    seen: dict[str, int] = {}
    for i, rule in enumerate(rules):
        if rule.id in seen:
            raise InvalidValueError(
                f"duplicate rule id `{rule.id}` (also rules[{seen[rule.id]}])",
                path=f"{path}[{i}].id",
                hint="give every rule in a set its own id",
            )
        seen[rule.id] = i
    return rules


def _includes(value: object, path: str) -> tuple[RuleSet, ...]:
    return instances_of(RuleSet, value, path)


def _rule_set_rules(value: Iterable[Rule]) -> Any:
    return _rules(value, "RuleSet.rules")


def _rule_set_combining(value: Combining | CombiningName) -> Any:
    return to_enum(Combining, value, "RuleSet.combining")


def _rule_set_default(value: Effect | EffectName) -> Any:
    return to_enum(Effect, value, "RuleSet.default")


def _rule_set_on_unknown(value: Effect | EffectName) -> Any:
    return to_enum(Effect, value, "RuleSet.on_unknown")


def _rule_set_includes(value: Iterable[RuleSet]) -> Any:
    return _includes(value, "RuleSet.includes")


def _rule_set_vocabulary(value: Vocabulary | None) -> Any:
    if value is not None and not isinstance(value, Vocabulary):
        from vendorpolicy._checks import tick, type_name  # noqa: PLC0415 - error path only
        from vendorpolicy.errors import PredicateTypeError  # noqa: PLC0415

        raise PredicateTypeError(
            f"expected a Vocabulary or None, got {type_name(value)} {tick(value)}",
            path="RuleSet.vocabulary",
        )
    return value


@frozen(kw_only=True)
class RuleSet:
    """A versioned set of rules and how to combine them.

    ``default`` is the effect when no rule applies. ``on_unknown`` caps how far an unknown fact
    can escalate a decision: a rule that might apply, but whose facts are missing, contributes at
    most ``on_unknown`` (see the concepts guide for the exact rule). ``includes`` layers other rule
    sets under this one: each is evaluated by its own settings, and the most severe layer wins, so
    a ministry's rules on top of national law can add restrictions but never lift them.

    ``vocabulary`` declares the facts and categories purchases may state; every purchase is
    then checked against it (and those of the included sets) before it is evaluated, so that a
    misspelt fact or a value outside a closed fact is an error, never a silent false. The rules'
    own references must be declared in it.
    """

    id: str = field(validator=id_validator)
    version: str = field(validator=text_validator)
    rules: tuple[Rule, ...] = field(default=(), converter=_rule_set_rules)
    combining: Combining = field(default=Combining.MOST_SEVERE, converter=_rule_set_combining)
    default: Effect = field(default=Effect.ALLOW, converter=_rule_set_default)
    on_unknown: Effect = field(default=Effect.REVIEW, converter=_rule_set_on_unknown)
    includes: tuple[RuleSet, ...] = field(default=(), converter=_rule_set_includes)
    title: str = field(default="", validator=text_validator)
    description: str = field(default="", validator=text_validator)
    vocabulary: Vocabulary | None = field(default=None, converter=_rule_set_vocabulary)
    _digest: str | None = field(default=None, init=False, eq=False, repr=False, hash=False)
    #: The compiled form (``vendorpolicy._compile.Program``), built by the first ``evaluate``;
    #: ``False`` when it could not be built.
    _compiled: Any = field(default=None, init=False, eq=False, repr=False, hash=False)
    #: Precomputed vocabulary checks (see `_vocabcheck.checker_for`), by what widened them.
    _checkers: dict[Any, Any] | None = field(
        default=None, init=False, eq=False, repr=False, hash=False
    )
    #: The included layers, each once, outermost first; worked out once, at construction.
    _below: tuple[RuleSet, ...] = field(default=(), init=False, eq=False, repr=False, hash=False)

    def __attrs_post_init__(self) -> None:
        if not self.version:
            raise InvalidValueError(
                f"rule set `{self.id}` has an empty version",
                path="RuleSet.version",
                hint="give a version such as `2018-12-10` or `1`",
            )
        # Breadth first over the includes, each layer once. Layers are told apart by id, so
        # that each include costs one step rather than a comparison with every layer found so
        # far; a second set with an id already seen must be equal to the first.
        seen: dict[str, RuleSet] = {self.id: self}
        below: list[RuleSet] = []
        pending = deque(self.includes)
        while pending:
            layer = pending.popleft()
            first = seen.get(layer.id)
            if first is None:
                seen[layer.id] = layer
                below.append(layer)
                pending.extend(layer.includes)
            elif first is not layer and first != layer:
                raise InvalidValueError(
                    f"two different rule sets share the id `{layer.id}`",
                    path="RuleSet.includes",
                    hint="rename one of them; rule references use the rule set id",
                )
        object.__setattr__(self, "_below", tuple(below))
        if self.vocabulary is not None:
            from vendorpolicy._vocabcheck import declared_problems  # noqa: PLC0415 - cycle

            problems = declared_problems(self)
            if problems:
                problem = problems[0]
                more = len(problems) - 1
                raise InvalidValueError(
                    problem.message + (f" (and {more} more such problems)" if more else ""),
                    path=problem.path,
                    hint=problem.hint,
                )

    def __getstate__(self) -> dict[str, Any]:
        # Pickled (and deep-copied) without its caches, the compiled form and the vocabulary
        # checks: the copy builds its own on first use, and a compiled form pickled on its own
        # can be rebuilt from the rule set without a cycle (see ``Program.__reduce__``).
        fields = attrs.fields(RuleSet)
        return {a.name: getattr(self, a.name) for a in fields if a.name not in _CACHES}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for a in attrs.fields(RuleSet):
            object.__setattr__(self, a.name, state.get(a.name, a.default))

    def layers(self) -> tuple[RuleSet, ...]:
        """This set and every set it includes, each once, outermost first."""
        return (self, *self._below)

    @property
    def digest(self) -> str:
        """``sha256:`` and the hex digest of the set's canonical JSON form."""
        if self._digest is None:
            from vendorpolicy._convert import digest  # noqa: PLC0415 - cycle

            object.__setattr__(self, "_digest", digest(self))
        assert self._digest is not None
        return self._digest

    def rule(self, rule_id: str) -> Rule:
        """The rule with ``rule_id``; raises :class:`KeyError` if there is none."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def evaluate(
        self,
        purchase: Purchase,
        *,
        as_of: dt.date | None = None,
        registry: Registry | None = None,
        resolver: Resolver | None = None,
        outside_vocabulary: OutsideVocabulary = "error",
        extra_facts: ExtraFacts = (),
        vocabulary: Vocabulary | None = None,
    ) -> Decision:
        """Decide on ``purchase``. A rule that cannot be evaluated is reported in the decision and
        treated as unknown (fail closed).

        When the rule set or a layer declares a ``vocabulary``, the purchase is first checked
        against it: a fact it does not know, a value outside a closed fact or a category
        outside the tree raises :class:`~vendorpolicy.errors.VocabularyError`, which lists
        every problem with its path. With ``outside_vocabulary="escalate"`` such facts are read
        as unknown instead (whatever ``if_missing`` says), so the decision escalates, and the
        problems are listed in ``Decision.errors``. ``extra_facts`` names facts (or gives
        vocabularies whose facts) the purchase may state for other rule sets; ``vocabulary``
        adds to the rule set's own (the bundled categories, say). A near miss of a known value
        of an open fact (``public-safety.``) is listed in ``Decision.warnings``.

        Rules in force are judged on ``as_of`` if given, else on the purchase date; the wall
        clock is never read.

        With a ``registry``, the vendor and every component's maker that the purchase only
        names (``supplier``, ``maker``) are first resolved against it as of that date (see
        :meth:`Registry.resolve`); ``resolver`` replaces the registry's own name matcher. A name
        that cannot be identified leaves the vendor unknown, so ``on_unknown`` applies; the
        decision's ``resolutions`` record every name and its candidates.
        """
        compiled = self._compiled
        if (
            compiled and vocabulary is None and not extra_facts and outside_vocabulary == "error"
        ):  # the compiled form, once the engine has built it (see _engine)
            if as_of is None and resolver is None and type(purchase) is Purchase:
                if registry is None:
                    simple = compiled.simple
                    if simple is not None:
                        return simple(purchase)  # type: ignore[no-any-return]
                else:
                    registered = compiled.registered
                    if registered is not None:
                        return registered(purchase, registry)  # type: ignore[no-any-return]
            return compiled.evaluate(purchase, as_of, registry, resolver)  # type: ignore[no-any-return]
        decision: Decision = _evaluate()(
            self,
            purchase,
            as_of=as_of,
            registry=registry,
            resolver=resolver,
            outside_vocabulary=outside_vocabulary,
            extra_facts=extra_facts,
            vocabulary=vocabulary,
        )
        return decision


#: The fields of a rule set that are caches, left out when it is pickled.
_CACHES = frozenset({"_compiled", "_checkers"})


def _evaluate() -> Any:
    """The engine's ``evaluate``, imported on first use (the engine imports this module)."""
    global _ENGINE_EVALUATE  # noqa: PLW0603 - a one-time late import, kept
    if _ENGINE_EVALUATE is None:
        from vendorpolicy._engine import evaluate  # noqa: PLC0415 - cycle

        _ENGINE_EVALUATE = evaluate
    return _ENGINE_EVALUATE


_ENGINE_EVALUATE: Any = None
