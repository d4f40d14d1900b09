"""Decisions of the compiled form: what was decided now, the account of it on demand.

A :class:`LazyDecision` is a :class:`~vendorpolicy.Decision` (a subclass, with the same fields)
that holds the shared, cached :class:`Core` of its outcome and what it needs to recompute the
rest: the rule set's program, the purchase, the decision date and the registry. Rule results with
their traces, resolutions and missing facts are computed the first time they are read — the rule
results by the interpreter itself — and kept. ``matched``, ``determining`` and ``unknown`` hand out
:class:`LazyRuleResult` views that know their rule at once and compute the rest on first read.

Both compare, hash, print and pickle as the interpreter's values do: equality is field by field
with any ``Decision`` (or ``RuleResult``), and a copy or an unpickled one is a plain value.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import deque
from collections.abc import Callable, Iterable
from itertools import repeat
from typing import TYPE_CHECKING, Any

import attrs

from vendorpolicy._decision import Basis, Decision, Evaluated, LayerOutcome, RuleResult
from vendorpolicy._model import Buyer, Component, Effect, Vendor

if TYPE_CHECKING:
    from vendorpolicy._registry import ResolvedPurchase

__all__ = [
    "SET_CORE",
    "SET_STATE",
    "Core",
    "Extra",
    "LazyDecision",
    "LazyRuleResult",
    "RuleName",
]


class Core:
    """What a decision's compiled outcome settles, shared by every purchase with that outcome.

    ``matched``, ``unknown`` and ``determining`` are positions in the decision's results;
    ``missing_facts`` and ``errors`` are ``None`` when they depend on the purchase (computed on
    demand) rather than being empty."""

    __slots__ = (
        "basis",
        "determining",
        "determining_keys",
        "digest",
        "effect",
        "errors",
        "layers",
        "matched",
        "matched_views",
        "missing_facts",
        "obligations",
        "program",
        "rule_set",
        "unknown",
        "version",
    )

    def __init__(
        self,
        *,
        effect: Effect,
        basis: Basis,
        rule_set: str,
        version: str,
        digest: str,
        determining_keys: tuple[str, ...],
        obligations: tuple[str, ...],
        layers: tuple[LayerOutcome, ...],
        matched: tuple[int, ...],
        unknown: tuple[int, ...],
        determining: tuple[int, ...],
        missing_facts: tuple[str, ...] | None,
        errors: tuple[str, ...] | None,
        program: Any = None,
        matched_views: tuple[type[LazyRuleResult], ...] | None = None,
    ) -> None:
        #: The view class of each matched rule, when all are compiled (else ``None``).
        self.matched_views = matched_views
        #: The compiled form that decoded this outcome (its decisions' results come from it).
        self.program = program
        self.effect = effect
        self.basis = basis
        self.rule_set = rule_set
        self.version = version
        self.digest = digest
        self.determining_keys = determining_keys
        self.obligations = obligations
        self.layers = layers
        self.matched = matched
        self.unknown = unknown
        self.determining = determining
        self.missing_facts = missing_facts
        self.errors = errors


class Extra:
    """Per-decision facts beyond the purchase, when there are any: the resolver, the outcomes of
    rules the interpreter decided, the registry's resolution when it was made in full, the
    vendor, components and buyer as resolved, and the facts missing behind a vendor the
    registry left unknown (``None``: work them out from the resolutions when needed), and
    whether the registry found a name ambiguous (``may_settle``: the engine may then settle it by
    trying each candidate, which only the interpreter does)."""

    __slots__ = (
        "behind",
        "buyer",
        "components",
        "fallback",
        "may_settle",
        "resolved",
        "resolver",
        "vendor",
    )

    def __init__(  # noqa: PLR0917 - a record, built in three places
        self,
        resolver: Any,
        fallback: tuple[Any, ...] | None,
        resolved: ResolvedPurchase | None,
        vendor: Vendor | None,
        components: tuple[Component, ...] | None,
        buyer: Buyer,
        behind: dict[str, tuple[str, ...]] | None,
        *,
        may_settle: bool = False,
    ) -> None:
        self.may_settle = may_settle
        self.resolver = resolver
        self.fallback = fallback
        self.resolved = resolved
        self.vendor = vendor
        self.components = components
        self.buyer = buyer
        self.behind = behind


_FIELDS = tuple(a.name for a in attrs.fields(Decision))
#: The fields a decision's value is made of (``evaluated`` is not: it says what it was made on).
_EQ_FIELDS = tuple(a.name for a in attrs.fields(Decision) if a.eq)
_RESULT_FIELDS = tuple(a.name for a in attrs.fields(RuleResult))
_FROM_CORE = (
    "effect",
    "basis",
    "rule_set",
    "version",
    "digest",
    "determining_keys",
    "obligations",
    "layers",
)


class RuleName:
    """A rule's place in a decision's results and its names, shared by the views of it; and
    the class of those views (see ``view_class``), made when first needed."""

    __slots__ = ("index", "rule", "rule_set", "view")

    def __init__(self, index: int, rule_set: str, rule: str) -> None:
        self.index = index
        self.rule_set = rule_set
        self.rule = rule
        self.view: type[LazyRuleResult] | None = None

    def view_class(self) -> type[LazyRuleResult]:
        """A subclass of `LazyRuleResult` for this rule's views, holding the rule's names as
        class attributes: a view is then one reference (its decision), and its ``rule`` and
        ``rule_set`` are read at once."""
        if self.view is None:
            self.view = type(
                "LazyRuleResult",
                (LazyRuleResult,),
                {"__slots__": (), "_name": self, "rule_set": self.rule_set, "rule": self.rule},
            )
        return self.view


class LazyDecision(Decision):
    """A compiled decision: see the module docstring. Built without ``__init__``: a new object
    whose ``_core`` and ``_args`` are set through ``SET_CORE`` and ``SET_STATE``, where ``_args``
    is ``(program, purchase, when, registry, extra, warnings)``, or, for a purchase decided as
    it is (no ``as_of``, no registry, no warnings), the purchase alone: the rest is then known
    (the program is the core's, the decision date the purchase date), so the decision is two
    references (see ``_state``)."""

    # _core: the shared Core; _args: the state tuple, or the purchase alone; _memo: a dict
    # of what was computed on demand (set on first need).
    __slots__ = ("_args", "_core", "_memo")
    _core: Core
    _memo: dict[str, Any]
    _args: Any

    @property
    def _state(self) -> tuple[Any, ...]:
        """``(program, purchase, when, registry, extra, warnings)``."""
        args = self._args
        if type(args) is tuple:
            return args
        return (self._core.program, args, args.date, None, None, ())

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        # `attrs.evolve` and copies build through the class: they get a plain Decision.
        return Decision(*args, **kwargs)

    # --- computed on demand --------------------------------------------------------------------

    def _memory(self) -> dict[str, Any]:
        try:
            return self._memo
        except AttributeError:
            memo: dict[str, Any] = {}
            _SET_MEMO(self, memo)
            return memo

    def _evaluated(self) -> Any:
        """The purchase as the rules read it (resolved against the registry, if one was given)."""
        memo = self._memory()
        if "purchase" not in memo:
            _, purchase, _, registry, _, _ = self._state
            if registry is None:
                memo["purchase"] = purchase
            else:
                memo["purchase"] = self._resolved().purchase
        return memo["purchase"]

    def _resolved(self) -> ResolvedPurchase:
        memo = self._memory()
        if "resolved" not in memo:
            _, purchase, when, registry, extra, _ = self._state
            if extra is not None and extra.resolved is not None:
                memo["resolved"] = extra.resolved
            else:
                memo["resolved"] = registry.resolve(purchase, as_of=when)
        return memo["resolved"]  # type: ignore[no-any-return]

    def _result(self, i: int) -> RuleResult:
        memo = self._memory()
        results = memo.get("results")
        if results is not None:
            return results[i]  # type: ignore[no-any-return]
        each: dict[int, RuleResult] = memo.setdefault("each", {})
        if i not in each:
            program, _, when, _, extra, _ = self._state
            each[i] = program.rule_result(i, self._evaluated(), when, extra, self._behind())
        return each[i]

    def _behind(self) -> dict[str, tuple[str, ...]]:
        """The facts missing behind a vendor (or buyer) the registry left unknown."""
        program, _, _, registry, extra, _ = self._state
        if registry is None:
            return {}
        if extra is not None and extra.behind is not None:
            return extra.behind  # type: ignore[no-any-return]
        memo = self._memory()
        if "behind" not in memo:
            memo["behind"] = program.hooks.behind(self._resolved().resolutions)
        return memo["behind"]  # type: ignore[no-any-return]

    def _results(self) -> tuple[RuleResult, ...]:
        memo = self._memory()
        if "results" not in memo:
            program = self._state[0]
            memo["results"] = tuple(self._result(i) for i in range(len(program.rules)))
            memo.pop("each", None)
        return memo["results"]  # type: ignore[no-any-return]

    def _views(self, positions: tuple[int, ...]) -> tuple[RuleResult, ...]:
        """The results at ``positions``: views for compiled rules (their traces are computed
        when read, or taken from the results once those are), the interpreter's own for the
        rest."""
        program = self._core.program
        names = program.names
        out: list[RuleResult] = []
        for i in positions:
            name = names[i]
            if name is None:
                extra = self._state[4]
                out.append(extra.fallback[program.rules[i].fallback].result)
            else:
                view = _NEW(name.view or name.view_class())
                _SET_DECISION(view, self)
                out.append(view)
        return tuple(out)

    def _full(self) -> Decision:
        """The interpreter's decision, for a field the compiled form does not hold."""
        memo = self._memory()
        if "full" not in memo:
            program, purchase, when, registry, extra, warnings = self._state
            resolver = extra.resolver if extra is not None else None
            memo["full"] = program.hooks.interpret(
                program.rule_set,
                purchase,
                as_of=when,
                registry=registry,
                resolver=resolver,
                warnings=warnings,
            )
        return memo["full"]  # type: ignore[no-any-return]

    def _eager(self) -> Decision:
        return Decision(**{name: getattr(self, name) for name in _FIELDS})

    # --- the fields ---------------------------------------------------------------------------

    @property
    def as_of(self) -> dt.date | None:
        args = self._args
        when: dt.date | None = args[2] if type(args) is tuple else args.date
        return when

    @property
    def evaluated(self) -> Evaluated:
        _, purchase, _, registry, _, _ = self._state
        if registry is None:
            return Evaluated(purchase=purchase)
        return Evaluated(
            purchase=purchase, registry_id=registry.id, registry_version=registry.version
        )

    @property
    def purchase_id(self) -> str:
        args = self._args
        return (args[1] if type(args) is tuple else args).id  # type: ignore[no-any-return]

    @property
    def missing_facts(self) -> tuple[str, ...]:
        found = self._core.missing_facts
        if found is not None:
            return found
        memo = self._memory()
        if "missing_facts" not in memo:
            program, purchase, when, _, extra, _ = self._state
            memo["missing_facts"] = program.missing_facts(purchase, when, extra, self._behind())
        return memo["missing_facts"]  # type: ignore[no-any-return]

    @property
    def errors(self) -> tuple[str, ...]:
        found = self._core.errors
        if found is not None:
            return found
        # Vocabulary errors never reach the compiled form (escalation is the interpreter's):
        # the errors are the rules', in the order of the results.
        out: dict[str, None] = {}
        for result in self._results():
            out.update(dict.fromkeys(result.errors))
        return tuple(out)

    @property
    def warnings(self) -> tuple[str, ...]:
        args = self._args
        found: tuple[str, ...] = args[5] if type(args) is tuple else ()
        return found

    @property
    def results(self) -> tuple[RuleResult, ...]:
        return self._results()

    @property
    def resolutions(self) -> tuple[Any, ...]:
        args = self._args
        if type(args) is not tuple or args[3] is None:
            return ()
        return self._resolved().resolutions

    @property
    def determining(self) -> tuple[RuleResult, ...]:
        return self._views(self._core.determining)

    @property
    def matched(self) -> tuple[RuleResult, ...]:
        core = self._core
        classes = core.matched_views
        if classes:
            if len(classes) == 1:  # the commonest case after none
                view = _NEW(classes[0])
                _SET_DECISION(view, self)
                return (view,)
            views = tuple(map(_NEW, classes))
            _CONSUME(map(_SET_DECISION, views, repeat(self)))  # each view's decision, in C
            return views
        if classes is None and core.matched:
            return self._views(core.matched)
        return ()

    @property
    def unknown(self) -> tuple[RuleResult, ...]:
        return self._views(self._core.unknown)

    # --- a value like any decision --------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        if other is self:
            return True
        return all(getattr(self, n) == getattr(other, n) for n in _EQ_FIELDS)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = Decision.__hash__

    def __repr__(self) -> str:
        return repr(self._eager())

    def __reduce_ex__(self, protocol: Any) -> Any:
        return _decision, (tuple(getattr(self, name) for name in _FIELDS),)

    def __copy__(self) -> Decision:
        return self._eager()

    def __deepcopy__(self, memo: Any) -> Decision:
        import copy  # noqa: PLC0415 - rare

        return copy.deepcopy(self._eager(), memo)


def _decision(values: tuple[Any, ...]) -> Decision:
    """A plain decision from its fields (what a pickled compiled decision unpickles to)."""
    return Decision(**dict(zip(_FIELDS, values, strict=True)))


def _rule_result(values: tuple[Any, ...]) -> RuleResult:
    """A plain rule result from its fields."""
    return RuleResult(**dict(zip(_RESULT_FIELDS, values, strict=True)))


def _delegate(name: str) -> property:
    return property(lambda self: getattr(self._full(), name), doc=f"``{name}``, as interpreted.")


for _name in _FIELDS:
    if _name in _FROM_CORE:
        setattr(LazyDecision, _name, property(operator.attrgetter(f"_core.{_name}")))
    elif _name not in LazyDecision.__dict__:
        # A field the compiled form does not know of (added after it): the interpreter's.
        setattr(LazyDecision, _name, _delegate(_name))

_NEW = object.__new__
SET_CORE = LazyDecision.__dict__["_core"].__set__
SET_STATE = LazyDecision.__dict__["_args"].__set__
_SET_MEMO = LazyDecision.__dict__["_memo"].__set__


class LazyRuleResult(RuleResult):
    """A rule's result as a view: its rule set and rule at once, the rest (status, effects,
    traces, …) computed by the interpreter the first time one is read. Views are instances of
    a subclass per rule (``RuleName.view_class``), whose ``_name``, ``rule_set`` and ``rule``
    are class attributes."""

    # _decision: the decision; _name (a class attribute of the subclass): the rule's RuleName
    __slots__ = ("_decision",)
    _decision: LazyDecision
    _name: RuleName

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        return RuleResult(*args, **kwargs)

    rule_set = property(operator.attrgetter("_name.rule_set"))
    rule = property(operator.attrgetter("_name.rule"))

    def _real(self) -> RuleResult:
        return self._decision._result(self._name.index)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RuleResult):
            return NotImplemented
        if isinstance(other, LazyRuleResult):
            other = other._real()
        return self._real() == other

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self._real())

    def __repr__(self) -> str:
        return repr(self._real())

    def __reduce_ex__(self, protocol: Any) -> Any:
        real = self._real()
        return _rule_result, (tuple(getattr(real, name) for name in _RESULT_FIELDS),)

    def __copy__(self) -> RuleResult:
        return self._real()

    def __deepcopy__(self, memo: Any) -> RuleResult:
        import copy  # noqa: PLC0415 - rare

        return copy.deepcopy(self._real(), memo)


def _view_field(name: str) -> property:
    return property(lambda self: getattr(self._real(), name), doc=f"``{name}``, as interpreted.")


for _name in _RESULT_FIELDS:
    if _name not in LazyRuleResult.__dict__:
        setattr(LazyRuleResult, _name, _view_field(_name))

_SET_DECISION = LazyRuleResult.__dict__["_decision"].__set__
#: Runs an iterator to its end, keeping nothing.
_CONSUME: Callable[[Iterable[Any]], None] = deque(maxlen=0).extend
