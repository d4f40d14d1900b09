"""The vocabulary check: a purchase's facts and categories against a rule set's vocabulary.

It runs before evaluation and independently of it, so that every evaluator (the plain
interpreter, a compiled form) calls the same :func:`check`. The vocabulary a purchase is checked
against is precomputed once per rule set (and per ``vocabulary``/``extra_facts`` given by the
caller) and cached on the rule set, so the check costs a few dict and set lookups per stated
fact; messages are only built when something is wrong.

What is checked, when the rule set (or one of its layers, or the caller) declares a vocabulary:

- every fact the purchase and its components state must be declared (or be named in
  ``extra_facts``), and its value must be one of a closed fact's values, or text for an open
  fact; a value of an open fact that is close to a known one is a warning;
- ``Purchase.purpose``, when a ``purpose`` fact is declared;
- the purchase's and the components' categories, when categories are declared: a node of the
  tree, or below one of its leaves.

Layers are checked against the union of their vocabularies. A layer that declares none
contributes what its rules read: the values its conditions compare a declared fact with, any
value for the facts only it reads, and the categories it names.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

import attrs
from attrs import frozen

from vendorpolicy._checks import check_id, tick, type_name
from vendorpolicy._model import Category, FactValue, Purchase
from vendorpolicy._predicates import (
    CategoryWithin,
    Custom,
    FactIn,
    FactOnOrAfter,
    FactOnOrAfterDecision,
    FactOnOrBeforeDecision,
    Predicate,
    PurposeIn,
    VendorDesignated,
)
from vendorpolicy._trace import UnknownFacts
from vendorpolicy._vocabulary import (
    FactLocation,
    FactSpec,
    Vocabulary,
    merge_specs,
    same_value,
    show_value,
)
from vendorpolicy.errors import InvalidValueError, PredicateTypeError, VocabularyError

if TYPE_CHECKING:
    from vendorpolicy._rules import RuleSet

__all__ = [
    "OUTSIDE_VOCABULARY",
    "Checked",
    "Checker",
    "ExtraFacts",
    "OutsideVocabulary",
    "check",
    "checker_for",
    "declared_problems",
    "fact_name_problems",
    "references",
    "vocabulary_problems",
]

#: What evaluation does with a purchase that breaks the vocabulary: raise a
#: :class:`~vendorpolicy.errors.VocabularyError`, or read the offending facts as unknown.
OutsideVocabulary: TypeAlias = Literal["error", "escalate"]
OUTSIDE_VOCABULARY: Final = ("error", "escalate")
#: Fact names (any value), or vocabularies (their facts, checked), that a purchase may state
#: beyond the rule set's own vocabulary.
ExtraFacts: TypeAlias = "Iterable[str | Vocabulary] | Vocabulary | str"

_CLOSED, _OPEN, _ANY = 0, 1, 2
#: The conditions that read a fact as a date.
_DATED = (FactOnOrAfter, FactOnOrAfterDecision, FactOnOrBeforeDecision)


class _Fact:
    """A fact as the check reads it: closed (``allowed``), open (any text) or any value; and
    whether it takes any date besides."""

    __slots__ = ("allowed", "dates", "kind", "known", "name", "spec")

    def __init__(
        self,
        name: str,
        kind: int,
        allowed: frozenset[FactValue],
        known: tuple[str, ...],
        spec: FactSpec | None,
        *,
        dates: bool = False,
    ) -> None:
        self.name = name
        self.kind = kind
        self.dates = dates
        #: A closed fact's values.
        self.allowed = allowed
        #: The text values rules act on, for near-miss warnings (open and any-value facts).
        self.known = known
        self.spec = spec

    @property
    def choices(self) -> tuple[FactValue, ...]:
        if self.kind == _CLOSED:
            ordered = list(self.spec.values if self.spec is not None else ())
            ordered += sorted((v for v in self.allowed if v not in ordered), key=str)
            return tuple(ordered)
        return self.known


@frozen
class _Refs:
    """What a layer's rules read."""

    facts: Mapping[str, frozenset[FactValue]]
    #: The facts conditions read as dates.
    dated: frozenset[str]
    purposes: frozenset[str] | None
    categories: frozenset[Category]
    designations: frozenset[str]


class Checker:
    """The precomputed vocabulary of a rule set: what a purchase may state."""

    __slots__ = ("facts", "label", "leaves", "nodes", "purpose", "read_below")

    def __init__(
        self,
        *,
        label: str,
        facts: dict[str, _Fact] | None,
        purpose: _Fact | None,
        nodes: frozenset[str] | None,
        read_below: frozenset[str] | None = None,
    ) -> None:
        self.label = label
        self.facts = facts
        self.purpose = purpose
        self.nodes = nodes
        parents = {n.rpartition("/")[0] for n in nodes or () if "/" in n}
        self.leaves = frozenset(n for n in nodes or () if n not in parents)
        #: The nodes below which some rule reads a category (``""`` for the root when any rule
        #: reads one); ``None`` when that is not known (custom conditions, a vocabulary alone),
        #: so that every category outside the tree is a problem.
        self.read_below = read_below


@frozen
class Checked:
    """What the check found on one purchase: the purchase to evaluate (the offending facts
    removed, under ``escalate``), the facts to read as unknown, the problems as messages (under
    ``escalate``) and the warnings."""

    purchase: Purchase
    unknown: UnknownFacts | None
    errors: tuple[str, ...]
    warnings: tuple[str, ...]


# --- what rules read ------------------------------------------------------------------------------


def _roots(rule_set: RuleSet) -> Iterator[tuple[str, str, Predicate]]:
    """(rule id, path, root condition) for every condition of the layer's own rules."""
    for i, rule in enumerate(rule_set.rules):
        yield rule.id, f"RuleSet.rules[{i}].when", rule.when
        if rule.unless is not None:
            yield rule.id, f"RuleSet.rules[{i}].unless", rule.unless
        for j, case in enumerate(rule.cases):
            yield rule.id, f"RuleSet.rules[{i}].cases[{j}].when", case.when


def references(rule_set: RuleSet) -> _Refs:
    """What the layer's own rules read (not those of included sets)."""
    facts: dict[str, set[FactValue]] = {}
    dated: set[str] = set()
    purposes: set[str] | None = None
    categories: set[Category] = set()
    designations: set[str] = set()
    for _, _, root in _roots(rule_set):
        for node in root.walk():
            if isinstance(node, FactIn):
                facts.setdefault(node.name, set()).update(node.values)
            elif isinstance(node, _DATED):
                facts.setdefault(node.name, set())
                dated.add(node.name)
            elif isinstance(node, PurposeIn):
                purposes = (purposes or set()) | set(node.purposes)
            elif isinstance(node, CategoryWithin):
                categories.update(node.categories)
            elif isinstance(node, VendorDesignated):
                designations.update(node.designations)
    return _Refs(
        facts={k: frozenset(v) for k, v in facts.items()},
        dated=frozenset(dated),
        purposes=None if purposes is None else frozenset(purposes),
        categories=frozenset(categories),
        designations=frozenset(designations),
    )


def declared_problems(rule_set: RuleSet) -> list[InvalidValueError]:
    """The references of the layer's own rules that its declared vocabulary does not cover: a
    rule reading an undeclared fact could never see it, since purchases stating it are refused."""
    vocabulary = rule_set.vocabulary
    if vocabulary is None:
        return []
    out: list[InvalidValueError] = []
    specs = {s.name: s for s in vocabulary.facts or ()}
    for rule_id, path, root in _roots(rule_set):
        for node in root.walk():
            if isinstance(node, (FactIn, PurposeIn)) and vocabulary.facts is not None:
                name = node.name if isinstance(node, FactIn) else "purpose"
                values: frozenset[FactValue] = (
                    node.values if isinstance(node, FactIn) else frozenset(node.purposes)
                )
                what = f"fact {tick(name)}" if isinstance(node, FactIn) else "the purpose"
                spec = specs.get(name)
                if spec is None or (isinstance(node, FactIn) and spec.name == "purpose"):
                    names = difflib.get_close_matches(name, list(specs), n=1)
                    out.append(
                        InvalidValueError(
                            f"rule `{rule_id}` reads {what}, which the rule set's vocabulary "
                            "does not declare",
                            path=path,
                            hint=f"did you mean `{names[0]}`?"
                            if names
                            else "declare it in `vocabulary.facts`",
                        )
                    )
                    continue
                out.extend(
                    InvalidValueError(
                        f"rule `{rule_id}` compares {what} with {tick(show_value(value))}, "
                        "which its declaration does not list",
                        path=path,
                        hint="list it in the fact's `values`, or fix the value",
                    )
                    for value in sorted(values, key=str)
                    if not same_value(spec.values, value)
                    and not (spec.dates and isinstance(value, dt.date))
                )
            elif isinstance(node, _DATED) and vocabulary.facts is not None:
                spec = specs.get(node.name)
                if spec is None or not spec.dates:
                    out.append(
                        InvalidValueError(
                            f"rule `{rule_id}` reads fact {tick(node.name)} as a date, which the "
                            "rule set's vocabulary does not declare",
                            path=path,
                            hint="declare it with `dates = true`",
                        )
                    )
            elif isinstance(node, CategoryWithin) and vocabulary.categories is not None:
                for category in sorted(node.categories):
                    if not vocabulary.covers_category(category):
                        close = vocabulary.suggest_category(category)
                        out.append(
                            InvalidValueError(
                                f"rule `{rule_id}` reads category {tick(category.path)}, which "
                                "is not in the rule set's vocabulary",
                                path=path,
                                hint=f"did you mean `{close}`?"
                                if close
                                else "add it to `vocabulary.categories`",
                            )
                        )
            elif isinstance(node, VendorDesignated) and vocabulary.designations is not None:
                for designation in sorted(node.designations):
                    if designation not in vocabulary.designations:
                        close = vocabulary.suggest_designation(designation)
                        out.append(
                            InvalidValueError(
                                f"rule `{rule_id}` reads designation {tick(designation)}, which "
                                "is not in the rule set's vocabulary",
                                path=path,
                                hint=f"did you mean `{close}`?"
                                if close
                                else "add it to `vocabulary.designations`",
                            )
                        )
    return out


# --- building the checker -------------------------------------------------------------------------


def _compiled(spec: FactSpec, read: Iterable[FactValue] = ()) -> _Fact:
    """The check's form of a declaration, widened by the values rules compare it with."""
    values = list(spec.values)
    values += [v for v in sorted(read, key=str) if not same_value(values, v)]
    if spec.open:
        known = tuple(v for v in values if isinstance(v, str))
        return _Fact(spec.name, _OPEN, frozenset(values), known, spec, dates=spec.dates)
    return _Fact(spec.name, _CLOSED, frozenset(values), (), spec, dates=spec.dates)


def _build(
    rule_set: RuleSet, vocabulary: Vocabulary | None, extra: tuple[str | Vocabulary, ...]
) -> Checker | None:
    layers = rule_set.layers()
    declared = [layer.vocabulary for layer in layers if layer.vocabulary is not None]
    if vocabulary is not None:
        declared.append(vocabulary)
    facts_on = any(v.facts is not None for v in declared)
    categories_on = any(v.categories is not None for v in declared)
    if not facts_on and not categories_on:
        return None
    facts: dict[str, _Fact] | None = None
    purpose: _Fact | None = None
    if facts_on:
        facts, purpose = _facts(layers, declared, extra)
    nodes: frozenset[str] | None = None
    if categories_on:
        tree: set[Category] = set()
        for v in declared:
            tree.update(v.categories or ())
        for layer in layers:
            if layer.vocabulary is None or layer.vocabulary.categories is None:
                named = references(layer).categories
                tree.update(Vocabulary(categories=named).categories or ())
        nodes = frozenset(c.path for c in tree)
    return Checker(
        label=f"rule set `{rule_set.id}`",
        facts=facts,
        purpose=purpose,
        nodes=nodes,
        read_below=_read_below(layers),
    )


def _read_below(layers: tuple[RuleSet, ...]) -> frozenset[str] | None:
    """Every strict ancestor of a category some rule reads (``""`` standing for the root), or
    ``None`` when a custom condition, which may read anything, is present."""
    out: set[str] = set()
    for layer in layers:
        for _, _, root in _roots(layer):
            if any(isinstance(node, Custom) for node in root.walk()):
                return None
        for category in references(layer).categories:
            out.add("")
            head = category.path
            while "/" in head:
                head = head.rpartition("/")[0]
                out.add(head)
    return frozenset(out)


def _facts(
    layers: tuple[RuleSet, ...],
    declared: list[Vocabulary],
    extra: tuple[str | Vocabulary, ...],
) -> tuple[dict[str, _Fact], _Fact | None]:
    specs = merge_specs(s for v in declared for s in v.facts or ())
    # What the layers that declare no facts read: it widens the declarations, and facts only
    # they read take any value (they never said which).
    read: dict[str, set[FactValue]] = {}
    purposes: set[str] | None = None
    for layer in layers:
        if layer.vocabulary is None or layer.vocabulary.facts is None:
            refs = references(layer)
            for name, values in refs.facts.items():
                read.setdefault(name, set()).update(values)
            if refs.purposes is not None:
                purposes = (purposes or set()) | refs.purposes
    facts: dict[str, _Fact] = {}
    purpose: _Fact | None = None
    for spec in specs:
        if spec.location is FactLocation.PURPOSE:
            purpose = _compiled(spec, purposes or ())
        else:
            facts[spec.name] = _compiled(spec, read.get(spec.name, ()))
    for name, compared in read.items():
        if name not in facts:
            known = tuple(sorted(v for v in compared if isinstance(v, str)))
            facts[name] = _Fact(name, _ANY, frozenset(), known, None)
    if purpose is None and purposes is not None:
        purpose = _Fact("purpose", _ANY, frozenset(), tuple(sorted(purposes)), None)
    for item in extra:
        if isinstance(item, str):
            facts.setdefault(item, _Fact(item, _ANY, frozenset(), (), None))
            continue
        for spec in item.facts or ():
            if spec.location is FactLocation.PURPOSE:
                continue
            own = facts.get(spec.name)
            if own is None:
                facts[spec.name] = _compiled(spec)
            elif own.kind == _CLOSED:
                # A value another regime declares is no typo: this rule set reads it as none
                # of its own. The fact stays as closed (or open) as this rule set says.
                own.allowed = own.allowed | frozenset(spec.values)
            elif own.kind == _OPEN:
                own.known = own.known + tuple(
                    v for v in spec.values if isinstance(v, str) and v not in own.known
                )
    return facts, purpose


def _extra_key(extra_facts: object) -> tuple[str | Vocabulary, ...]:
    if isinstance(extra_facts, (str, Vocabulary)):
        items: tuple[Any, ...] = (extra_facts,)
    elif isinstance(extra_facts, Iterable):
        items = tuple(extra_facts)
    else:
        raise PredicateTypeError(
            f"expected fact names or vocabularies, got {type_name(extra_facts)} "
            f"{tick(extra_facts)}",
            path="RuleSet.evaluate(extra_facts)",
        )
    for i, item in enumerate(items):
        if isinstance(item, str):
            check_id(item, f"RuleSet.evaluate(extra_facts[{i}])")
        elif not isinstance(item, Vocabulary):
            raise PredicateTypeError(
                f"expected a fact name or a Vocabulary, got {type_name(item)} {tick(item)}",
                path=f"RuleSet.evaluate(extra_facts[{i}])",
            )
    return items


_CACHE_LIMIT = 64


def checker_for(
    rule_set: RuleSet, vocabulary: Vocabulary | None = None, extra_facts: object = ()
) -> Checker | None:
    """The checker of ``rule_set`` widened by ``vocabulary`` and ``extra_facts``, cached on the
    rule set; ``None`` when nothing is to be checked."""
    if vocabulary is not None and not isinstance(vocabulary, Vocabulary):
        raise PredicateTypeError(
            f"expected a Vocabulary, got {type_name(vocabulary)} {tick(vocabulary)}",
            path="RuleSet.evaluate(vocabulary)",
        )
    cache: dict[tuple[Any, ...], Checker | None] | None = rule_set._checkers
    if cache is not None and vocabulary is None and not extra_facts and () in cache:
        return cache[()]  # the common case: the rule set's own vocabulary
    key: tuple[Any, ...] = (
        (vocabulary, _extra_key(extra_facts)) if vocabulary is not None or extra_facts else ()
    )
    if cache is None:
        cache = {}
        object.__setattr__(rule_set, "_checkers", cache)
    try:
        return cache[key]
    except KeyError:
        pass
    checker = _build(rule_set, key[0], key[1]) if key else _build(rule_set, None, ())
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = checker
    return checker


# --- checking a purchase --------------------------------------------------------------------------

#: A problem: (kind, component index or -1, name, value).
_Problem: TypeAlias = "tuple[str, int, str, Any]"


def check(
    rule_set: RuleSet,
    purchase: Purchase,
    *,
    vocabulary: Vocabulary | None = None,
    extra_facts: ExtraFacts = (),
    outside_vocabulary: OutsideVocabulary = "error",
) -> Checked | None:
    """Check ``purchase`` against the vocabulary of ``rule_set``: ``None`` when there is nothing
    to report. Problems raise :class:`VocabularyError`, or under ``escalate`` come back as
    messages with the purchase to evaluate and the facts to read as unknown."""
    if outside_vocabulary not in OUTSIDE_VOCABULARY:
        raise InvalidValueError(
            f"unknown choice {tick(outside_vocabulary)}",
            path="RuleSet.evaluate(outside_vocabulary)",
            hint="one of `error`, `escalate`",
        )
    checker = checker_for(rule_set, vocabulary, extra_facts)
    if checker is None:
        return None
    problems, warnings = _inspect(checker, purchase)
    if problems is None and warnings is None:
        return None
    shown = tuple(warnings or ())
    if problems is None:
        return Checked(purchase=purchase, unknown=None, errors=(), warnings=shown)
    errors = [_error(checker, p) for p in problems]
    if outside_vocabulary == "error":
        raise _vocabulary_error(checker, purchase, errors)
    cleaned, unknown = _escalated(checker, purchase, problems)
    return Checked(
        purchase=cleaned, unknown=unknown, errors=tuple(str(e) for e in errors), warnings=shown
    )


def vocabulary_problems(
    vocabulary: Vocabulary, purchase: Purchase, *, label: str = "the vocabulary"
) -> tuple[InvalidValueError, ...]:
    """The problems of ``purchase`` against ``vocabulary`` alone, as errors."""
    if not isinstance(purchase, Purchase):
        raise PredicateTypeError(
            f"expected a Purchase, got {type_name(purchase)} {tick(purchase)}",
            path="Vocabulary.check(purchase)",
        )
    checker = _standalone(vocabulary, label)
    if checker is None:
        return ()
    problems, _ = _inspect(checker, purchase)
    return tuple(_error(checker, p) for p in problems or ())


@functools.lru_cache(maxsize=32)
def _standalone(vocabulary: Vocabulary, label: str) -> Checker | None:
    if vocabulary.facts is None and vocabulary.categories is None:
        return None
    facts: dict[str, _Fact] | None = None
    purpose: _Fact | None = None
    if vocabulary.facts is not None:
        facts = {}
        for spec in vocabulary.facts:
            if spec.location is FactLocation.PURPOSE:
                purpose = _compiled(spec)
            else:
                facts[spec.name] = _compiled(spec)
    categories = vocabulary.categories
    nodes = None if categories is None else frozenset(c.path for c in categories)
    return Checker(label=label, facts=facts, purpose=purpose, nodes=nodes)


def _inspect(
    checker: Checker, purchase: Purchase
) -> tuple[list[_Problem] | None, list[str] | None]:
    """The problems and warnings of ``purchase``; ``(None, None)`` when it is all in the
    vocabulary, which costs a dict and a set lookup per stated fact of a closed kind."""
    problems: list[_Problem] | None = None
    warnings: list[str] | None = None
    facts = checker.facts
    nodes = checker.nodes
    purpose = checker.purpose
    parts = purchase.components
    subjects: Any = ((-1, purchase.facts, purchase.category),)
    if parts:
        subjects = (*subjects, *((i, c.facts, c.category) for i, c in enumerate(parts)))
    for index, stated, category in subjects:
        if facts is not None:
            for name, value in stated.items():
                fact = facts.get(name)
                if fact is not None and fact.kind == _CLOSED and value in fact.allowed:
                    continue
                found = _fact_problem(fact, value)
                if found is True:
                    problems = problems or []
                    problems.append(("fact", index, name, value))
                elif found is False:
                    assert fact is not None
                    assert isinstance(value, str)
                    warnings = warnings or []
                    warnings.append(
                        _near_warning(fact, value, f"fact `{name}` value", _fact_path(index, name))
                    )
        if nodes is not None and category is not None:
            path = category.path
            # Not a node: outside the tree unless its nearest known ancestor is a leaf, which
            # it refines (the root `""` is never a leaf).
            known = None if path in nodes else _known_ancestor(path, nodes)
            if known is None or known in checker.leaves:
                pass
            elif checker.read_below is not None and known not in checker.read_below:
                warnings = warnings or []
                warnings.append(_harmless_category(checker, index, path, known))
            else:
                problems = problems or []
                problems.append(("category", index, "", path))
    if purpose is not None and purchase.purpose is not None:
        found = _fact_problem(purpose, purchase.purpose)
        if found is True:
            problems = problems or []
            problems.insert(
                sum(1 for p in problems if p[1] < 0), ("purpose", -1, "purpose", purchase.purpose)
            )
        elif found is False:
            warnings = warnings or []
            warnings.append(_near_warning(purpose, purchase.purpose, "purpose", "Purchase.purpose"))
    return problems, warnings


def _fact_problem(fact: _Fact | None, value: FactValue) -> bool | None:
    """``True`` for an error, ``False`` for a near-miss warning, ``None`` when all is well."""
    if fact is None:
        return True
    kind = fact.kind
    if kind == _ANY or value in fact.allowed or (fact.dates and isinstance(value, dt.date)):
        pass
    elif kind == _CLOSED or value.__class__ is not str:
        return True
    if (
        value.__class__ is str
        and fact.known
        and value not in fact.known
        and _near(value, fact.known) is not None
    ):
        return False
    return None


def _known_ancestor(path: str, nodes: frozenset[str]) -> str:
    """The nearest ancestor of ``path`` in the tree, ``""`` when there is none."""
    head = path
    while "/" in head:
        head = head.rpartition("/")[0]
        if head in nodes:
            return head
    return ""


def _harmless_category(checker: Checker, index: int, path: str, known: str) -> str:
    """The warning for a category outside the tree that cannot change the decision: no rule
    reads a category below its nearest known ancestor, so every node there decides alike."""
    where = f"`{known}`" if known else "any other category"
    return str(
        InvalidValueError(
            f"category {tick(path)} is not in the vocabulary of {checker.label}",
            path=_category_path(index),
            hint=f"decided as {where}: no rule reads a category below it, so the decision is "
            "the same whatever was meant",
        )
    )


_NOT_WORD = re.compile(r"[^0-9a-z]+")


def _normal(text: str) -> str:
    return _NOT_WORD.sub("", text.lower())


@functools.lru_cache(maxsize=4096)
def _near(value: str, known: tuple[str, ...]) -> str | None:
    """The known value ``value`` is a near miss of: equal but for case, spacing and punctuation,
    or very close in spelling."""
    normal = _normal(value)
    for candidate in known:
        if _normal(candidate) == normal:
            return candidate
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.85)
    return close[0] if close else None


def _suggest(value: str, choices: Iterable[str]) -> str | None:
    options = list(choices)
    normal = _normal(value)
    for option in options:
        if _normal(option) == normal:
            return option
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    return close[0] if close else None


# --- messages ------------------------------------------------------------------------------------


def _fact_path(index: int, name: str) -> str:
    where = "Purchase" if index < 0 else f"Purchase.components[{index}]"
    return f"{where}.facts[{name!r}]"


def _category_path(index: int) -> str:
    return "Purchase.category" if index < 0 else f"Purchase.components[{index}].category"


def _listing(values: Iterable[FactValue]) -> str:
    return ", ".join(f"`{show_value(v)}`" for v in values)


def _near_warning(fact: _Fact, value: str, what: str, path: str) -> str:
    near = _near(value, fact.known)
    return str(
        InvalidValueError(
            f"{what} {tick(value)} is not a known value but close to `{near}`",
            path=path,
            hint=f"the rules read it as none of the known values; write `{near}` if that is meant",
        )
    )


def _error(checker: Checker, problem: _Problem) -> InvalidValueError:
    kind, index, name, value = problem
    if kind == "category":
        return _category_error(checker, index, value)
    if kind == "purpose":
        assert checker.purpose is not None
        return _value_error(checker.purpose, value, "Purchase.purpose", what="purpose")
    facts = checker.facts or {}
    fact = facts.get(name)
    path = _fact_path(index, name)
    if fact is None:
        close = _suggest(name, facts)
        known = ", ".join(f"`{n}`" for n in sorted(facts))
        return InvalidValueError(
            f"fact {tick(name)} is not in the vocabulary of {checker.label}",
            path=path,
            hint=f"did you mean `{close}`?"
            if close
            else f"known facts: {known}; a fact meant for other rules can be allowed with "
            "`extra_facts`"
            if known
            else "a fact meant for other rules can be allowed with `extra_facts`",
        )
    return _value_error(fact, value, path, what=f"fact `{name}`")


def _value_error(fact: _Fact, value: FactValue, path: str, *, what: str) -> InvalidValueError:
    choices = fact.choices
    if fact.dates:
        also = f", or one of {_listing(choices)}" if choices and fact.kind == _CLOSED else ""
        also = ", or text" if fact.kind == _OPEN else also
        kind = "text" if isinstance(value, str) else "value"
        return InvalidValueError(
            f"{what} has the {kind} {tick(show_value(value))}, not a date",
            path=path,
            hint=f"a date, written `YYYY-MM-DD`{also}",
        )
    if fact.kind == _OPEN:
        # Only a non-text value can fail an open fact.
        kind = "boolean" if isinstance(value, bool) else "date"
        return InvalidValueError(
            f"{what} has the {kind} {tick(show_value(value))}, not text",
            path=path,
            hint=f"it takes text, such as {_listing(choices[:3])}" if choices else "it takes text",
        )
    texts = [c for c in choices if isinstance(c, str)]
    booleans = [c for c in choices if isinstance(c, bool)]
    if isinstance(value, str) and not texts and booleans:
        return InvalidValueError(
            f"{what} has the text {tick(value)}, not a boolean",
            path=path,
            hint=f"one of {_listing(booleans)}, as a boolean without quotes",
        )
    if isinstance(value, (bool, dt.date)) and not booleans:
        kind = "boolean" if isinstance(value, bool) else "date"
        return InvalidValueError(
            f"{what} has the {kind} {tick(show_value(value))}, not text",
            path=path,
            hint=f"one of {_listing(choices)}",
        )
    close = _suggest(value, texts) if isinstance(value, str) else None
    return InvalidValueError(
        f"{what} has value {tick(show_value(value))}",
        path=path,
        hint=f"one of {_listing(choices)}" + (f"; did you mean `{close}`?" if close else ""),
    )


def _category_error(checker: Checker, index: int, path: str) -> InvalidValueError:
    nodes = checker.nodes or frozenset()
    close = _suggest(path, nodes)
    if close is None:
        head = path
        parent = ""
        while "/" in head:
            head = head.rpartition("/")[0]
            if head in nodes:
                parent = head
                break
        children = (
            sorted(
                n.rpartition("/")[2] for n in nodes if n.rpartition("/")[0] == parent and "/" in n
            )
            if parent
            else sorted(n for n in nodes if "/" not in n)
        )
        listed = ", ".join(f"`{c}`" for c in children)
        hint = f"known under `{parent}`: {listed}" if parent else f"known at the top: {listed}"
    else:
        hint = f"did you mean `{close}`?"
    return InvalidValueError(
        f"category {tick(path)} is not in the vocabulary of {checker.label}",
        path=_category_path(index),
        hint=hint,
    )


def _vocabulary_error(
    checker: Checker, purchase: Purchase, errors: list[InvalidValueError]
) -> VocabularyError:
    if len(errors) == 1:
        (only,) = errors
        return VocabularyError(only.message, path=only.path, hint=only.hint, problems=(only,))
    which = f"purchase {tick(purchase.id)}" if purchase.id else "the purchase"
    return VocabularyError(
        f"{len(errors)} problems with the vocabulary of {checker.label} in {which}",
        problems=tuple(errors),
    )


# --- escalation -----------------------------------------------------------------------------------


def _escalated(
    checker: Checker, purchase: Purchase, problems: list[_Problem]
) -> tuple[Purchase, UnknownFacts]:
    """The purchase without the offending facts, and the facts to read as unknown: those with a
    bad value, and for a misspelt name the declared fact it is closest to, when not stated."""
    count = len(purchase.components or ())
    drop: list[set[str]] = [set() for _ in range(count + 1)]
    unknown: list[set[str]] = [set() for _ in range(count + 1)]
    bad_category = [False] * (count + 1)
    bad_purpose = False
    known = checker.facts or {}
    for kind, index, name, _ in problems:
        if kind == "category":
            bad_category[index] = True
        elif kind == "purpose":
            bad_purpose = True
        else:
            drop[index].add(name)
            if name in known:
                unknown[index].add(name)
            else:
                meant = _suggest(name, known)
                stated = purchase.facts if index < 0 else (purchase.components or ())[index].facts
                if meant is not None and meant not in stated:
                    unknown[index].add(meant)
    parts = purchase.components
    if parts is not None:
        parts = tuple(
            attrs.evolve(
                part,
                facts={k: v for k, v in part.facts.items() if k not in drop[i]},
                category=None if bad_category[i] else part.category,
            )
            if drop[i] or bad_category[i]
            else part
            for i, part in enumerate(parts)
        )
    cleaned = attrs.evolve(
        purchase,
        facts={k: v for k, v in purchase.facts.items() if k not in drop[-1]},
        category=None if bad_category[-1] else purchase.category,
        purpose=None if bad_purpose else purchase.purpose,
        components=parts,
    )
    return cleaned, UnknownFacts(
        facts=frozenset(unknown[-1]),
        components=tuple(frozenset(u) for u in unknown[:count]),
    )


# --- ledger headers -------------------------------------------------------------------------------


def fact_name_problems(
    rule_set: RuleSet,
    names: Iterable[str],
    *,
    vocabulary: Vocabulary | None = None,
    extra_facts: ExtraFacts = (),
) -> list[tuple[str, InvalidValueError]]:
    """The fact names (a ledger's fact columns, say) the vocabulary of ``rule_set`` does not
    know, each with its error (whose path is left for the caller to set)."""
    checker = checker_for(rule_set, vocabulary, extra_facts)
    if checker is None or checker.facts is None:
        return []
    return [(n, _error(checker, ("fact", -1, n, None))) for n in names if n not in checker.facts]
