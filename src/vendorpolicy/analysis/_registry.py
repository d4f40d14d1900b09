"""Analysis over a registry, on a decision date, or both: purchases whose vendor (and every
part's maker) is one of the registry's entities, as the registry resolves it on the decision
date, or a vendor the registry does not know, stated as it is; and purchases judged on a
fixed decision date (``as_of``) rather than on their own date.

The space of the analysis stays the space of stated purchases; what changes is the rule set
it is asked of. Every vendor condition ``A`` of the rules is rewritten into a condition on
the vendor's id and the purchase date that gives, for a vendor stated by a registry id ``e``,
the value ``A`` has on ``registry.vendor(e, date)``, and for any other vendor the value ``A``
has on it as stated::

    A'  =  any of  [id is e  and  the dates on which A holds of e as resolved]   (each e)
        or  A  and  no company of the vendor's chain is a registry entity

Without a date, an entity whose vendor value changes over time is unknown (every condition
on it is unknown), as resolution makes it; a condition that is unknown on the entity itself
(no country stated where an origin condition reads it) reads a fact no purchase of the
analysis states (the analysis keeps that fact "not stated").

With ``as_of``, the decision date is that date whatever the purchase's: every entity is
read on it (so none is unknown for want of a date), and the rules are rewritten so that they
read the decision date nowhere, as :func:`~vendorpolicy.analysis.residual` does it. A rule in
force on ``as_of`` loses its window; one that is not becomes a rule whose condition never
holds (the interpreter reports it *not in force* rather than *not applicable*, the one
difference between the two decisions, which :meth:`Scope.decide` allows); a decision-date
condition becomes true or false; a fact compared with the decision date becomes the same
comparison with ``as_of``. The purchase's own date is still read where the rules read it.

Each point of the space is then decided by the rewritten rules as one *canonical* purchase
is, by the original rules with the registry (and ``as_of``): a vendor stated by a registry
id, whatever else it states, is decided as the bare id (the rewritten conditions read nothing
else of it); a vendor not in the registry whose chain holds one is decided as a plain vendor
of no named origin, id or designation (every rewritten condition is false on both).
Witnesses are made canonical and decided again by the interpreter with the registry (and
``as_of``).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from vendorpolicy._decision import Decision, RuleStatus
from vendorpolicy._engine import interpret
from vendorpolicy._model import Buyer, Purchase, Vendor
from vendorpolicy._predicates import (
    ALWAYS,
    NEVER,
    DecidedOnOrAfter,
    FactIn,
    FactOnOrAfter,
    FactOnOrAfterDecision,
    FactOnOrBeforeDecision,
    Not,
    Predicate,
    UltimateOwnerOrigin,
    VendorId,
    VendorOrigin,
    any_of,
    fact,
    purchase,
    vendor,
)
from vendorpolicy._rules import Case, Rule, RuleSet
from vendorpolicy._trace import trace_purchase
from vendorpolicy._vocabulary import FactSpec
from vendorpolicy.analysis._space import VENDOR_KINDS, _map, assume_custom

if TYPE_CHECKING:
    from vendorpolicy._registry import Registry

__all__ = ["Scope", "scope_for"]

Truth = bool | None

#: The fact an entity's unknown value reads (kept "not stated" in the analysis).
UNSTATED = "registry-value-unknown"
_OTHER_COUNTRIES = ("BR", "IN", "ZA", "MX", "AR", "NG", "KE", "PE", "CL", "EG")
_PROBE_BUYER = Buyer(id="probe", public=True, sector="other")
_DAY = dt.timedelta(days=1)


def _truth(node: Predicate, value: Vendor) -> Truth:
    return trace_purchase(node, Purchase(buyer=_PROBE_BUYER, vendor=value)).value


class Scope:
    """A registry's part in an analysis, and the decision date's: the rewriting of rule sets,
    the canonical form of witnesses and their decision with the registry and ``as_of``."""

    def __init__(self, registry: Registry | None, as_of: dt.date | None = None) -> None:
        self.registry = registry
        self.as_of = as_of
        entities = () if registry is None else registry.entities
        self.ids = frozenset(e.id for e in entities)
        #: Ids the rules name that the registry identifies as an entity (matched as a name),
        #: and those it cannot tell (ambiguous: the vendor is then unknown).
        self._aliases: dict[str, str] = {}
        self._unclear: set[str] = set()
        self._kept: set[str] = set()
        #: Per entity: ``None`` when its vendor value is the same on every date, else its
        #: segments ``(start, end, vendor)`` (``start`` inclusive, ``end`` exclusive; ``None``
        #: open).
        self._segments: dict[str, list[tuple[dt.date | None, dt.date | None, Vendor]] | None] = {}
        self._constant: dict[str, Vendor] = {}
        self._atoms: dict[Predicate, Predicate] = {}
        self._rewritten: dict[RuleSet, RuleSet] = {}
        self._original: dict[RuleSet, RuleSet] = {}
        self.unstated_used = False
        self._named_ids: set[str] = set()
        self._named_countries: set[str] = set()
        #: The rewritten rules that are not in force on ``as_of``, each with its original.
        self._not_in_force: dict[Rule, Rule] = {}
        changes = set() if registry is None else self._read(registry, as_of)
        #: A date the registry names, to tell a known purchase date from an unknown one, and
        #: the date ids are looked up on (``as_of`` when given).
        self._known_on = as_of if as_of is not None else min(changes, default=dt.date(2000, 1, 1))

    def _read(self, registry: Registry, as_of: dt.date | None) -> set[dt.date]:
        """Each entity's vendor value: on ``as_of``, else on every date; the dates on which
        some entity's changes."""
        changes: set[dt.date] = set()
        for e in registry.entities:
            fixed: Vendor | None
            if as_of is not None:
                fixed = registry.vendor(e.id, as_of)
            else:
                fixed = registry.vendor_any_date(e.id)
            if fixed is not None:
                self._constant[e.id] = fixed
                self._segments[e.id] = None
                continue
            dates = registry._dates_that_matter(e.id)
            changes.update(dates)
            bounds: list[dt.date | None] = [None, *dates, None]
            segments = []
            for start, end in itertools.pairwise(bounds):
                on = start if start is not None else dates[0] - dt.timedelta(days=1)
                segments.append((start, end, registry.vendor(e.id, on)))
            self._segments[e.id] = segments
        return changes

    # --- rewriting ----------------------------------------------------------------------------

    def atom(self, node: Predicate) -> Predicate:
        """The vendor condition ``node`` over the registry (see the module's docstring)."""
        found = self._atoms.get(node)
        if found is not None:
            return found
        if isinstance(node, VendorId):
            self._named_ids.update(node.ids)
        if isinstance(node, (VendorOrigin, UltimateOwnerOrigin)):
            self._named_countries.update(node.countries)
        unknown = fact(UNSTATED).is_true
        # Entities whose vendor values give the condition the same values on the same dates
        # share one term.
        groups: dict[tuple[Any, ...], list[str]] = {}
        aliases: dict[str, list[str]] = {}
        for alias, e in sorted(self._aliases.items()):
            aliases.setdefault(e, []).append(alias)
        for e in sorted(self.ids):
            segments = self._segments[e]
            key: tuple[Any, ...]
            if segments is None:
                key = ("always", _truth(node, self._constant[e]))
            else:
                key = ("dated", *_merged(node, segments))
            groups.setdefault(key, []).extend([e, *aliases.get(e, ())])
        # True with a date, unknown without one; and its negation.
        dated = purchase.date.on_or_after(self._known_on) | purchase.date.before(self._known_on)
        dateless = ~dated
        terms: list[Predicate] = []
        for key, ids in groups.items():
            if key[0] == "always":
                if key[1] is True:
                    terms.append(vendor.id.in_(ids))
                elif key[1] is None:
                    terms.append(vendor.id.in_(ids) & unknown)
                    self.unstated_used = True
                continue
            parts: list[Predicate] = [dateless]
            for start, end, value_of in key[1:]:
                if value_of is False:
                    continue
                window = _window(start, end)
                if value_of is None:
                    window = window & unknown
                    self.unstated_used = True
                parts.append(window)
            # Without a date the entity is unknown, whatever the condition's value on each
            # segment (even the same on all: a window of every date holds without one).
            terms.append(vendor.id.in_(ids) & dated & any_of(*parts))
        if self._unclear:
            terms.append(vendor.id.in_(self._unclear) & unknown)
            self.unstated_used = True
        terms.append(node & ~vendor.id.in_(self.reached, through_ownership=True))
        found = any_of(*terms)
        self._atoms[node] = found
        return found

    @property
    def reached(self) -> frozenset[str]:
        """The ids the registry reads: its entities', and those it matches as names."""
        return self.ids | self._aliases.keys() | self._unclear

    def prepare(self, rule_sets: Iterable[RuleSet]) -> None:
        """Classify the vendor ids the rule sets name: kept as stated, identified by the
        registry as an entity, or ambiguous (the registry's name matching reads a vendor's id
        as a name when it is no registry id)."""
        changed = False
        for rs in rule_sets:
            for layer in rs.layers():
                for r in layer.rules:
                    for root in (r.when, r.unless, *(c.when for c in r.cases)):
                        if root is None:
                            continue
                        for n in _nodes(root):
                            if isinstance(n, VendorId):
                                for k in n.ids:
                                    changed |= self._classify(k)
        if changed:
            self._atoms.clear()
            self._rewritten.clear()

    def _classify(self, k: str) -> bool:
        """Classify id ``k``; whether the rewriting changes (it is not kept as stated)."""
        if k in self.ids or k in self._aliases or k in self._unclear or k in self._kept:
            return False
        if self.registry is None:
            return False
        probe = Purchase(buyer=_PROBE_BUYER, vendor=Vendor(id=k), date=self._known_on)
        got = self.registry.resolve(probe).purchase.vendor
        if got == Vendor(id=k):
            self._kept.add(k)
            return False
        if got is None:
            self._unclear.add(k)
        else:
            self._aliases[k] = got.id
        return True

    def predicate(self, node: Predicate) -> Predicate:
        """``node`` with every vendor condition rewritten over the registry."""
        if self.registry is not None and any(
            isinstance(n, FactIn) and n.name == UNSTATED for n in _nodes(node)
        ):
            from vendorpolicy.errors import InvalidValueError  # noqa: PLC0415 - error path

            raise InvalidValueError(
                f"the rules read the fact `{UNSTATED}`, which analysis with a registry keeps "
                "for itself",
                path="registry",
                hint="rename the fact, or analyse without a registry",
            )
        return _map(node, self._rewrite)

    def _rewrite(self, n: Predicate) -> Predicate | None:
        """One node rewritten (``None``: not rewritten itself, its children may be)."""
        if self.registry is not None and isinstance(n, VENDOR_KINDS):
            return self.atom(n)
        return None if self.as_of is None else _on_decision_date(n, self.as_of)

    def rule_set(self, rule_set: RuleSet) -> RuleSet:
        """``rule_set`` (and its includes) with every condition rewritten over the registry:
        the rule set the analysis asks its questions of."""
        found = self._rewritten.get(rule_set)
        if found is not None:
            return found

        def rule(r: Rule) -> Rule:
            out = attrs.evolve(
                r,
                when=self.predicate(r.when),
                unless=None if r.unless is None else self.predicate(r.unless),
                cases=tuple(
                    Case(when=self.predicate(c.when), effect=c.effect, reason=c.reason)
                    for c in r.cases
                ),
            )
            if self.as_of is None or not r.has_window:
                return out
            # The window is settled by the decision date: gone, or the rule never applies.
            out = attrs.evolve(out, in_force_from=None, in_force_until=None)
            if not r.in_force(self.as_of):
                out = attrs.evolve(out, when=NEVER, unless=None, cases=())
                self._not_in_force[out] = r
            return out

        rules = tuple(rule(r) for r in rule_set.rules)
        includes = tuple(self.rule_set(i) for i in rule_set.includes)
        vocabulary = rule_set.vocabulary
        if (
            self.unstated_used
            and vocabulary is not None
            and vocabulary.facts is not None
            and all(spec.name != UNSTATED for spec in vocabulary.facts)
        ):
            spec = FactSpec(name=UNSTATED, values=(True, False))
            vocabulary = attrs.evolve(vocabulary, facts=(*vocabulary.facts, spec))
        found = attrs.evolve(rule_set, rules=rules, includes=includes, vocabulary=vocabulary)
        self._rewritten[rule_set] = found
        self._original[found] = rule_set
        return found

    def not_in_force(self, rule: Rule) -> Rule | None:
        """The original of ``rule`` (of a rewritten rule set) when it is not in force on
        ``as_of``, else ``None``."""
        return self._not_in_force.get(rule)

    # --- the analysis -------------------------------------------------------------------------

    def narrow(self, a: Any) -> None:
        """Narrow analysis ``a``: keep the fact an entity's unknown value reads "not stated",
        and of the vendor (and component) classes that the rewritten rules decide alike,
        because they are decided as one canonical vendor, only the first."""
        if self.registry is None:
            return
        dims = a.space.dims
        for d, dim in enumerate(dims):
            if dim.name == f"fact:{UNSTATED}":
                [stated] = [c for c, cell in enumerate(dim.cells) if cell.unknown]
                a.search.full[d] = 1 << stated
            elif dim.name in ("vendor", "components"):
                seen: set[Any] = set()
                mask = 0
                for c, cell in enumerate(dim.cells):
                    key = self._key(cell.value, parts=dim.name == "components")
                    if key not in seen:
                        seen.add(key)
                        mask |= 1 << c
                a.search.full[d] &= mask

    def _key(self, value: Any, *, parts: bool) -> Any:
        """What the rewritten rules read of a vendor class (or a list of parts): the
        canonical vendor, or the vendor itself when the registry does not reach it."""
        if not parts:
            if value is None:
                return ("unknown",)
            if value.id in self.ids or value.id in self._aliases:
                return ("entity", self._aliases.get(value.id, value.id))
            if value.id in self._unclear:
                return ("unknown",)
            if any(x.id in self.reached for x in value.lineage):
                return ("plain",)
            return ("stated", id(value))
        if value is None or not value:
            return ("parts", repr(value))
        return tuple(
            (self._key(c.vendor, parts=False), c.category, id(c) if c.facts else None)
            for c in value
        )

    def canonical(self, p: Purchase) -> Purchase:
        """The purchase the rewritten rules decide ``p`` as, with its vendors as the registry
        reads them (see the module's docstring)."""
        components = p.components
        if components is not None:
            components = tuple(
                attrs.evolve(c, vendor=self._vendor(c.vendor)) if c.vendor is not None else c
                for c in components
            )
        buyer = p.buyer
        if buyer.id in self.ids:  # pragma: no cover - a registry naming the probe buyer
            buyer = attrs.evolve(buyer, id=_fresh("buyer", self.ids))
        return attrs.evolve(p, vendor=self._vendor(p.vendor), components=components, buyer=buyer)

    def _vendor(self, v: Vendor | None) -> Vendor | None:
        if v is None:
            return None
        if v.id in self.reached:
            return Vendor(id=v.id)
        if any(x.id in self.reached for x in v.lineage):
            taken = set(self.reached | self._named_ids)
            name = _fresh("unlisted-vendor", taken)
            while self._classify(name) or name not in self._kept:  # pragma: no cover
                taken.add(name)
                name = _fresh("unlisted-vendor", taken)
            country = next(c for c in _OTHER_COUNTRIES if c not in self._named_countries)
            return Vendor(id=name, country=country)
        return v

    def decide(self, rule_set: RuleSet, p: Purchase, assumed: dict[str, Truth]) -> Decision:
        """The interpreter's decision on a canonical purchase: of the original rule set with
        the registry, checked against the rewritten one's (a rule set that is not one this
        scope rewrote, such as lint's rule set less a rule, is decided as it is)."""
        here = interpret(assume_custom(rule_set, assumed), p)
        original = self._original.get(rule_set)
        if original is None:
            return here
        real = interpret(
            assume_custom(original, assumed), p, registry=self.registry, as_of=self.as_of
        )
        seen = [(r.key, _status(r.status)) for r in real.results]
        if (real.effect, real.basis, seen) != (
            here.effect,
            here.basis,
            [(r.key, _status(r.status)) for r in here.results],
        ):
            raise AssertionError(
                f"analysis bug: {self._said()}, {p} is decided {real.effect.name}, but "
                f"{here.effect.name} over the rewritten rules"
            )
        return real

    def _said(self) -> str:
        parts = []
        if self.registry is not None:
            parts.append(f"with registry `{self.registry.id}`")
        if self.as_of is not None:
            parts.append(f"as of {self.as_of.isoformat()}")
        return " and ".join(parts)


def _status(status: RuleStatus) -> RuleStatus:
    """A rule's status as the rewritten rules give it: one not in force never applies."""
    return RuleStatus.NOT_APPLICABLE if status is RuleStatus.NOT_IN_FORCE else status


def _on_decision_date(node: Predicate, on: dt.date) -> Predicate | None:
    """A condition on the decision date as one on nothing but the purchase, the decision date
    being ``on``; ``None`` for a node that does not read it."""
    if isinstance(node, DecidedOnOrAfter):
        return ALWAYS if on >= node.date else NEVER
    if isinstance(node, FactOnOrAfterDecision):
        return FactOnOrAfter(name=node.name, date=on, if_missing=node.if_missing)
    if isinstance(node, FactOnOrBeforeDecision):
        if on == dt.date.max:  # every date is on or before it
            return FactOnOrAfter(name=node.name, date=dt.date.min, if_missing=node.if_missing)
        # fact <= on is not (fact >= on + 1); unstated, the negation's flip gives back
        # `if_missing`, and a fact that is not a date stays unknown either way.
        flipped = None if node.if_missing is None else not node.if_missing
        return Not(operand=FactOnOrAfter(name=node.name, date=on + _DAY, if_missing=flipped))
    return None


def _nodes(node: Predicate) -> Iterable[Predicate]:
    yield node
    for child in node.children:
        yield from _nodes(child)


def _fresh(base: str, taken: frozenset[str] | set[str]) -> str:
    name, n = base, 0
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    return name


def _window(start: dt.date | None, end: dt.date | None) -> Predicate:
    parts: list[Predicate] = []
    if start is not None:
        parts.append(purchase.date.on_or_after(start))
    if end is not None:
        parts.append(~purchase.date.on_or_after(end))
    if not parts:
        return ALWAYS  # pragma: no cover - one segment is a constant vendor
    out = parts[0]
    for more in parts[1:]:
        out = out & more
    return out


def _merged(
    node: Predicate, segments: list[tuple[dt.date | None, dt.date | None, Vendor]]
) -> list[tuple[dt.date | None, dt.date | None, Truth]]:
    """The segments with ``node``'s value on each, neighbours of one value joined."""
    out: list[tuple[dt.date | None, dt.date | None, Truth]] = []
    for start, end, value in segments:
        truth = _truth(node, value)
        if out and out[-1][2] is truth:
            out[-1] = (out[-1][0], end, truth)
        else:
            out.append((start, end, truth))
    return out


_scopes: dict[tuple[int, dt.date | None], Scope] = {}
_KEPT = 4


def scope_for(registry: Registry | None, as_of: dt.date | None = None) -> Scope | None:
    """The scope of ``registry`` on ``as_of`` (kept for the next question asked with them), or
    ``None`` when neither is given."""
    if registry is None and as_of is None:
        return None
    if as_of is not None and (not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime)):
        from vendorpolicy._checks import tick, type_name  # noqa: PLC0415 - error path
        from vendorpolicy.errors import PredicateTypeError  # noqa: PLC0415

        raise PredicateTypeError(
            f"expected a date, got {type_name(as_of)} {tick(as_of)}",
            path="as_of",
            hint="pass a datetime.date, the decision date to analyse on",
        )
    key = (id(registry), as_of)
    found = _scopes.get(key)
    if found is None or found.registry is not registry:
        found = Scope(registry, as_of)
        if len(_scopes) >= _KEPT:
            del _scopes[next(iter(_scopes))]
        _scopes[key] = found
    return found
