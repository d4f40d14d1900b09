"""The compiled form of a rule set, and deciding with it.

Every rule's condition is a *slot*: the three-valued conjunction of its window, the operands of
its ``when`` and the negation of its ``unless``; each case is a slot of its own. Each operand (a
*term*) reads some facets (see ``_facets``). A term on one facet is folded into that facet's
*classes*: the keys of a facet are grouped by how its atoms come out, and each class carries a
mask over the slots, with bit ``s`` set when it makes slot ``s`` false and bit ``s + n`` (of
``n`` slots) when it makes it unknown. A term on several facets is folded the same way into a
*group*, keyed by the facets' classes projected onto the atoms the group reads. A purchase is
then one dictionary lookup per facet and per group and an integer OR each; the mask is decoded
once into the decision's effect, basis, determining rules and obligations, by the engine's own
combining code, and cached.

Atoms are evaluated on the first purchase with a new key: by a quick test where ``_facets`` has
one, else (and always for missing facts) by the interpreter's ``trace_purchase``. Rules whose
conditions the compiler does not know how to read are left to the interpreter, per purchase.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, NamedTuple

import attrs

from vendorpolicy._compile._facets import (
    CONNECTIVES,
    CONSTANTS,
    QUANTIFIERS,
    QUICK,
    Facet,
    Need,
    NotCompilable,
    build_facet,
    composite_facet,
    inner_needs,
    needs_of,
    quantifier_facet,
)
from vendorpolicy._compile._lazy import (
    SET_CORE,
    SET_STATE,
    Core,
    Extra,
    LazyDecision,
    RuleName,
)
from vendorpolicy._compile._resolve import (
    KEY_ENV,
    KEY_SOURCE,
    NO_ATTRIBUTES,
    ResolutionCache,
    may_settle,
    vendor_key,
)
from vendorpolicy._decision import Basis, Decision, LayerOutcome, RuleResult
from vendorpolicy._model import Buyer, Component, Effect, Purchase, Vendor
from vendorpolicy._predicates import AllOf, AnyOf, Not, Predicate
from vendorpolicy._registry import Registry
from vendorpolicy._rules import Rule, RuleSet
from vendorpolicy._trace import trace_purchase
from vendorpolicy._vocabcheck import Checker, checker_for
from vendorpolicy._vocabcheck import _inspect as inspect_purchase

__all__ = ["Hooks", "Program", "compile_rule_set"]

Truth = bool | None

#: Entries a cache keeps before it starts afresh (per facet, per group, and for outcomes).
CACHE_LIMIT = 1 << 16
#: Objects the identity memo of a facet keeps alive at most (it keeps only objects that may
#: come again as themselves, see ``Program._flat_miss``).
IDENTITY_LIMIT = 1 << 12


class Hooks(NamedTuple):
    """What the compiled form borrows from the engine, which passes it in: the engine imports
    this package, never the other way round."""

    #: ``(rule_set_id, rule, purchase, when, *, behind) -> outcome``: one rule by the
    #: interpreter, as the engine's ``_Outcome`` (``result``, ``applies``, ``effects``).
    rule_outcome: Callable[..., Any]
    #: Each layer's rule outcomes -> effect, basis, determining keys, obligations, layers.
    summarise: Callable[
        [Any], tuple[Effect, Basis, tuple[str, ...], tuple[str, ...], tuple[LayerOutcome, ...]]
    ]
    #: The interpreter after the vocabulary check: ``interpret(rule_set, purchase, as_of=,
    #: registry=, resolver=, warnings=)`` for a purchase the check let through as it is.
    interpret: Callable[..., Decision]
    #: The engine's ``evaluate`` (same arguments), which checks them and reports bad ones.
    evaluate: Callable[..., Decision]
    #: The engine's outcome type, built as ``outcome(result, applies, effects)``.
    outcome: Callable[..., Any]
    #: ``behind(resolutions) -> {fact: facts}``: the facts missing behind a vendor (or buyer)
    #: the registry left unknown, which the engine adds to a rule's missing facts.
    behind: Callable[..., dict[str, tuple[str, ...]]]


class _Window:
    """A rule's window, as an atom on the decision date."""

    __slots__ = ("rule",)

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    def key(self) -> Hashable:
        return ("window", self.rule.in_force_from, self.rule.in_force_until)

    def need(self) -> Need:
        start, end = self.rule.in_force_from, self.rule.in_force_until
        points = [d for d in (start,) if d is not None]
        if end is not None and end < dt.date.max:
            points.append(end + dt.timedelta(days=1))
        return Need("when", points=tuple(points))


class _Atom:
    """A node evaluated as a whole, on a facet."""

    __slots__ = ("facet", "index", "node", "position", "quick")

    def __init__(self, index: int, node: Predicate | _Window) -> None:
        self.index = index
        self.node = node
        self.facet = -1
        self.position = -1
        make = QUICK.get(type(node)) if isinstance(node, Predicate) else None
        self.quick = make(node) if make is not None else None

    def evaluate(
        self, subject: Purchase, when: dt.date | None
    ) -> tuple[Truth, tuple[str, ...], bool]:
        """The atom's value, its missing facts when unknown, as the interpreter has them, and
        whether its trace holds an error (a date fact stated as something else, say)."""
        node = self.node
        if isinstance(node, _Window):
            # As the engine does: an unknown decision date leaves a window unknown, and the
            # fact it misses is the purchase date.
            if when is None:
                return None, ("purchase.date",), False
            return node.rule.in_force(when), (), False
        if self.quick is not None:
            value = self.quick(subject, when)
            if value is not None:
                return value, (), False
        trace = trace_purchase(node, subject, when)
        missing = trace.missing_facts if trace.value is None else ()
        return trace.value, missing, bool(trace.errors)


Values = dict[int, Truth]
Misses = dict[int, tuple[str, ...]]


class _Tree(NamedTuple):
    value: Callable[[Values], Truth]
    missing: Callable[[Values, Misses], list[str]]


def _kleene_and(values: Iterable[Truth]) -> Truth:
    out: Truth = True
    for v in values:
        if v is False:
            return False
        if v is None:
            out = None
    return out


def _tree(node: Predicate | _Window, index: dict[Hashable, int]) -> _Tree:
    """Three-valued evaluation of ``node`` over atom values, and its missing facts when it is
    unknown, in the order ``Trace.missing_facts`` gives them."""
    kind = type(node)
    if kind in CONSTANTS:
        constant = CONSTANTS[kind]
        return _Tree(lambda _: constant, lambda _, __: [])
    if kind is Not:
        assert isinstance(node, Not)
        inner = _tree(node.operand, index)

        def negate(v: Values) -> Truth:
            x = inner.value(v)
            return None if x is None else not x

        return _Tree(negate, inner.missing)
    if kind is AllOf or kind is AnyOf:
        assert isinstance(node, (AllOf, AnyOf))
        parts = [_tree(op, index) for op in node.operands]
        # Kleene's and/or do not depend on the order of the operands: atoms are read straight
        # from the values, the other operands evaluated after them.
        leaves = [index[_atom_key(op)] for op in node.operands if _is_atom(op)]
        branches = [p.value for op, p in zip(node.operands, parts, strict=True) if not _is_atom(op)]
        value = _all_of(leaves, branches) if kind is AllOf else _any_of(leaves, branches)

        def missing(v: Values, m: Misses) -> list[str]:
            out: list[str] = []
            for p in parts:
                if p.value(v) is None:
                    out.extend(p.missing(v, m))
            return out

        return _Tree(value, missing)
    i = index[_atom_key(node)]
    return _Tree(lambda v: v[i], lambda _, m: list(m[i]))


def _is_atom(node: Predicate) -> bool:
    kind = type(node)
    return kind not in CONNECTIVES and kind not in CONSTANTS


def _all_of(leaves: list[int], inner: list[Callable[[Values], Truth]]) -> Callable[[Values], Truth]:
    def value(v: Values) -> Truth:
        out: Truth = True
        for i in leaves:
            x = v[i]
            if x is False:
                return False
            if x is None:
                out = None
        for f in inner:
            x = f(v)
            if x is False:
                return False
            if x is None:
                out = None
        return out

    return value


def _any_of(leaves: list[int], inner: list[Callable[[Values], Truth]]) -> Callable[[Values], Truth]:
    def value(v: Values) -> Truth:
        out: Truth = False
        for i in leaves:
            x = v[i]
            if x is True:
                return True
            if x is None:
                out = None
        for f in inner:
            x = f(v)
            if x is True:
                return True
            if x is None:
                out = None
        return out

    return value


def _atom_key(node: Predicate | _Window) -> Hashable:
    return node.key() if isinstance(node, _Window) else node


class _Term:
    """One operand of a slot's conjunction. In a mask, bit ``slot`` says the slot is false and
    bit ``slot + slot_count`` that it is unknown (set once the program knows its slot count)."""

    __slots__ = (
        "atom",
        "atom_indices",
        "facets",
        "false_bit",
        "negated",
        "slot",
        "tree",
        "unknown_bit",
    )

    def __init__(
        self, slot: int, tree: _Tree, facets: frozenset[int], atom: int, negated: bool
    ) -> None:
        self.slot = slot
        self.false_bit = 1 << slot
        self.unknown_bit = 0
        self.tree = tree
        self.facets = facets
        #: For a term that is one atom (or its negation), the atom, else -1.
        self.atom = atom
        self.negated = negated
        self.atom_indices: list[int] = []

    def bits(self, values: Values) -> int:
        """The mask bits this term sets given atom values: false, unknown, or none."""
        value = self.tree.value(values)
        if value is False:
            return self.false_bit
        return self.unknown_bit if value is None else 0


class _Class:
    """Keys of a facet on which its atoms come out the same; ``record`` is (mask, id)."""

    __slots__ = ("id", "misses", "record", "values")

    def __init__(self, cid: int, values: Values, misses: Misses, mask: int) -> None:
        self.id = cid
        self.values = values
        self.misses = misses
        self.record: tuple[int, ...] = (mask, cid)


class _Group:
    """Terms that read several facets. Each facet's classes are projected onto the atoms these
    terms read (a vendor class tells a hundred atoms apart; a group may read one of them), and
    the group is keyed by the projections' ids."""

    __slots__ = ("atoms", "facets", "table", "terms")

    def __init__(self, facets: tuple[int, ...]) -> None:
        self.facets = facets
        self.terms: list[_Term] = []
        self.table: dict[tuple[int, ...], int] = {}
        #: Per facet (in ``facets`` order), the atoms of that facet the terms read.
        self.atoms: list[list[int]] = []


class _Projection:
    """A facet's classes as one group sees them: ids for the values of the atoms it reads."""

    __slots__ = ("atoms", "ids", "values")

    def __init__(self, atoms: list[int]) -> None:
        self.atoms = atoms
        self.ids: dict[tuple[Truth, ...], int] = {}
        self.values: list[Values] = []

    def id_of(self, values: Values) -> int:
        seen = tuple(values[a] for a in self.atoms)
        found = self.ids.get(seen)
        if found is None:
            found = self.ids[seen] = len(self.values)
            self.values.append({a: values[a] for a in self.atoms})
        return found


class _Stub:
    """What the engine's combining reads of a rule result, for a rule the compiled form settled."""

    __slots__ = ("effect", "key", "obligations")

    def __init__(self, key: str, effect: Effect | None, obligations: tuple[str, ...]) -> None:
        self.key = key
        self.effect = effect
        self.obligations = obligations


class RuleInfo:
    """A rule in the order of a decision's results, compiled or left to the interpreter."""

    __slots__ = (
        "case_slots",
        "cases",
        "cond",
        "cond_slot",
        "fallback",
        "index",
        "key",
        "layer",
        "layer_index",
        "rule",
    )

    def __init__(self, index: int, layer: RuleSet, layer_index: int, rule: Rule) -> None:
        self.index = index
        self.layer = layer
        self.layer_index = layer_index
        self.rule = rule
        self.key = f"{layer.id}/{rule.id}"
        #: The condition's slot and terms, and each case's terms with its effect, and slots
        #: (compiled rules).
        self.cond_slot = -1
        self.cond: list[_Term] = []
        self.cases: list[tuple[list[_Term], Effect]] = []
        self.case_slots: list[tuple[int, Effect]] = []
        #: Position among the rules left to the interpreter, or -1.
        self.fallback = -1


def _flatten(node: Predicate) -> tuple[Predicate, ...]:
    return node.operands if isinstance(node, AllOf) else (node,)


def _atoms_in(nodes: Iterable[Predicate | _Window], out: list[Predicate | _Window]) -> None:
    """Collect the atoms under ``nodes``; raises NotCompilable at a kind the compiler does not
    know."""
    pending = list(nodes)
    while pending:
        node = pending.pop()
        kind = type(node)
        if isinstance(node, _Window):
            out.append(node)
        elif kind in CONNECTIVES:
            assert isinstance(node, Predicate)
            pending.extend(node.children)
        elif kind in CONSTANTS:
            continue
        elif kind in QUANTIFIERS:
            assert isinstance(node, Predicate)
            inner_needs(node.children[0])  # raises for a kind not compiled inside
            out.append(node)
        else:
            assert isinstance(node, Predicate)
            needs_of(node)
            out.append(node)


def _group_of(need: Need) -> tuple[str, str]:
    return (need.kind, need.arg if need.kind == "fact" else "")


class Program:
    """A rule set compiled, with its caches. Built once per rule set and kept on it."""

    def __init__(self, rule_set: RuleSet, hooks: Hooks) -> None:
        self.rule_set = rule_set
        self.hooks = hooks
        self.digest = rule_set.digest
        self.rules: list[RuleInfo] = []
        self.fallback: list[RuleInfo] = []
        self.layers: list[tuple[RuleSet, list[RuleInfo]]] = []
        self.atoms: list[_Atom] = []
        self.facets: list[Facet] = []
        self.classes: list[list[_Class]] = []
        self.class_ids: list[dict[Hashable, _Class]] = []
        self.tables: list[dict[Hashable, tuple[int, ...]]] = []
        self.groups: list[_Group] = []
        self.terms: list[_Term] = []
        self.base = 0
        self.slot_count = 0
        self.outcomes: dict[Hashable, Core] = {}
        self.identities: dict[int, dict[int, tuple[Any, tuple[int, ...]]]] = {}
        #: Per facet keyed by a vendor value, its class records by flat key (see ``_flat_miss``).
        self.flat: dict[int, dict[Any, tuple[tuple[int, ...], Any]]] = {}
        self._registries: dict[int, tuple[Any, ResolutionCache]] = {}
        #: The cache ``_resolution_cache`` gave last (``decide`` tries it first).
        self._last_cache: ResolutionCache | None = None
        #: The rule set's own vocabulary check (``None``: nothing to check), as ``check`` has it.
        self.checker: Checker | None = checker_for(rule_set)
        self._build()
        #: Per result position, the names of a compiled rule, None for the others.
        self.names: list[RuleName | None] = [
            None if info.fallback >= 0 else RuleName(info.index, info.layer.id, info.rule.id)
            for info in self.rules
        ]
        self.slots, self.simple, self.registered = self._generate()

    def __reduce__(self) -> tuple[Any, ...]:
        # A compiled form pickles as its rule set (which pickles without its compiled form, so
        # there is no cycle) and the engine's hooks: unpickling compiles the copy anew, with
        # empty caches, and keeps it on the copy of the rule set.
        return (_recompiled, (self.rule_set, self.hooks))

    # --- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        index: dict[Hashable, int] = {}
        plans: list[tuple[RuleInfo, list[Predicate | _Window], list[list[Predicate]]]] = []
        for number, layer in enumerate(self.rule_set.layers()):
            infos: list[RuleInfo] = []
            for rule in layer.rules:
                info = RuleInfo(len(self.rules), layer, number, rule)
                self.rules.append(info)
                infos.append(info)
                cond: list[Predicate | _Window] = [_Window(rule)] if rule.has_window else []
                cond.extend(_flatten(rule.when))
                if rule.unless is not None:
                    cond.append(Not(operand=rule.unless))
                cases = [list(_flatten(case.when)) for case in rule.cases]
                found: list[Predicate | _Window] = []
                try:
                    _atoms_in([*cond, *(n for c in cases for n in c)], found)
                except NotCompilable:
                    info.fallback = len(self.fallback)
                    self.fallback.append(info)
                    continue
                for node in found:
                    key = _atom_key(node)
                    if key not in index:
                        index[key] = len(self.atoms)
                        self.atoms.append(_Atom(len(self.atoms), node))
                plans.append((info, cond, cases))
            self.layers.append((layer, infos))
        self._build_facets()
        self._build_slots(plans, index)
        self._build_masks()

    def _build_slots(
        self,
        plans: list[tuple[RuleInfo, list[Predicate | _Window], list[list[Predicate]]]],
        index: dict[Hashable, int],
    ) -> None:
        self.cond_bits = 0
        self.rule_of_slot: dict[int, int] = {}
        for info, cond, cases in plans:
            slot = info.cond_slot = self._new_slot()
            self.cond_bits |= 1 << slot
            self.rule_of_slot[slot] = info.index
            info.cond = [self._term(slot, node, index) for node in cond]
            for nodes, case in zip(cases, info.rule.cases, strict=True):
                slot = self._new_slot()
                info.cases.append(([self._term(slot, n, index) for n in nodes], case.effect))
                info.case_slots.append((slot, case.effect))
        self.position = {info.key: info.index for info in self.rules}

    def _build_masks(self) -> None:
        count = self.slot_count
        self.false_mask = (1 << count) - 1
        #: Set in a mask by a class one of whose atoms' traces holds an error: the decision's
        #: errors are then the interpreter's, computed when read.
        self.error_bit = 1 << (2 * count)
        for term in self.terms:
            term.unknown_bit = 1 << (term.slot + count)
            if not term.facets:
                self.base |= term.bits({})
        # Each group sees a facet's classes through a projection on the atoms it reads; a class
        # record is (mask, class id, projection id for each group on the facet, in order).
        self.projections: list[list[_Projection]] = [[] for _ in self.facets]
        self.group_keys: list[list[int]] = []
        for group in self.groups:
            places = []
            for f in group.facets:
                atoms = sorted(
                    {a for term in group.terms for a in self._atoms_of(term) if self._on(a, f)}
                )
                group.atoms.append(atoms)
                places.append(len(self.projections[f]))
                self.projections[f].append(_Projection(atoms))
            self.group_keys.append(places)
        # A class's mask from its atoms: a term that is one atom (or its negation) adds, per
        # atom value, a precomputed mask; other terms are evaluated in full.
        self.by_atom: list[dict[int, list[int]]] = [{} for _ in self.facets]
        self.complex: list[list[_Term]] = [[] for _ in self.facets]
        for facet in self.facets:
            for term in facet.terms:
                if term.atom < 0:
                    self.complex[facet.index].append(term)
                    continue
                masks = self.by_atom[facet.index].setdefault(term.atom, [0, 0, 0])
                masks[0 if term.negated else 1] |= term.false_bit  # [atom true, atom false, ?]
                masks[2] |= term.unknown_bit

    def _new_slot(self) -> int:
        self.slot_count += 1
        return self.slot_count - 1

    def _build_facets(self) -> None:
        needs: dict[tuple[str, str], list[Need]] = {}
        atom_groups: list[tuple[tuple[str, str], ...]] = []
        for atom in self.atoms:
            node = atom.node
            own: tuple[Need, ...]
            if isinstance(node, _Window):
                own = (node.need(),)
            elif type(node) in QUANTIFIERS:
                atom_groups.append(())
                continue
            else:
                own = needs_of(node)
            seen: dict[tuple[str, str], None] = {}
            for need in own:
                needs.setdefault(_group_of(need), []).append(need)
                seen[_group_of(need)] = None
            atom_groups.append(tuple(seen))
        by_group = {
            group: build_facet(group[0], group[1], items, f"f{i}")
            for i, (group, items) in enumerate(needs.items())
        }
        composites: dict[tuple[tuple[str, str], ...], Facet] = {}
        for atom, groups in zip(self.atoms, atom_groups, strict=True):
            node = atom.node
            if not groups and type(node) in QUANTIFIERS:
                assert isinstance(node, Predicate)
                facet = self._quantifier_facet(node, atom.index)
            elif len(groups) == 1:
                facet = by_group[groups[0]]
            else:
                facet = composites.get(groups) or composite_facet([by_group[g] for g in groups])
                composites[groups] = facet
            if facet.index < 0:
                facet.index = len(self.facets)
                self.facets.append(facet)
                self.classes.append([])
                self.class_ids.append({})
                self.tables.append({})
            atom.facet = facet.index
            atom.position = len(facet.atoms)
            facet.atoms.append(atom)

    def _quantifier_facet(self, node: Predicate, number: int) -> Facet:
        needs: dict[tuple[str, str], list[Need]] = {}
        for need in inner_needs(node.children[0]):
            needs.setdefault(_group_of(need), []).append(need)
        parts = [
            build_facet(group[0], group[1], items, f"q{number}_{i}")
            for i, (group, items) in enumerate(needs.items())
        ]
        return quantifier_facet(node, parts, f"q{number}")

    def _atoms_of(self, term: _Term) -> list[int]:
        return term.atom_indices

    def _on(self, atom: int, facet: int) -> bool:
        return self.atoms[atom].facet == facet

    def _term(self, slot: int, node: Predicate | _Window, index: dict[Hashable, int]) -> _Term:
        found: list[Predicate | _Window] = []
        _atoms_in([node], found)
        facets = frozenset(self.atoms[index[_atom_key(n)]].facet for n in found)
        negated = isinstance(node, Not)
        single = node.operand if isinstance(node, Not) else node
        kind = type(single)
        atom = index[_atom_key(single)] if kind not in CONNECTIVES and kind not in CONSTANTS else -1
        term = _Term(slot, _tree(node, index), facets, atom, negated)
        term.atom_indices = sorted({index[_atom_key(n)] for n in found})
        self.terms.append(term)
        if not facets:
            pass  # a constant: its bits are the program's base mask
        elif len(facets) == 1:
            self.facets[next(iter(facets))].terms.append(term)
        else:
            wanted = tuple(sorted(facets))
            group = next((g for g in self.groups if g.facets == wanted), None)
            if group is None:
                group = _Group(wanted)
                self.groups.append(group)
            group.terms.append(term)
        return term

    # --- the evaluator ---------------------------------------------------------------------------

    def _generate(
        self,
    ) -> tuple[Callable[..., int], Callable[..., Decision] | None, Callable[..., Decision] | None]:
        """The per-purchase evaluator, as Python source specialised to this rule set: for each
        facet its key, a lookup (a miss computes the class) and its mask ORed in; then each
        group's. A slot some term makes false may be marked unknown by another as well: false
        wins when the mask is read (see ``_slot_value``). Also, for rule sets the interpreter
        has no share in, ``simple(purchase)``: the whole decision for a purchase evaluated as it
        is (no ``as_of``, no registry), and ``registered(purchase, registry)``: the same with a
        registry, resolved by the cache of the registry last given."""
        env: dict[str, Any] = {"BASE": self.base, "FM": self.false_mask, "N": self.slot_count}
        lines = ["M = BASE"]
        for facet in self.facets:
            i = facet.index
            env.update(facet.env)
            env[f"T{i}"] = self.tables[i]
            env[f"M{i}"] = self._facet_miss(i)
            if facet.by_identity:
                # The key's own hash is computed in Python; the same object recurs (prebuilt
                # vendors, a registry's): look it up by identity first. The memo holds the
                # object, so its id cannot be reused while the entry lives.
                # A new object (a vendor built per purchase) is looked up by its flat key (see
                # ``_flat_miss``), not by its value's hash and equality, which run in Python.
                env[f"I{i}"] = self.identities[i] = {}
                env[f"F{i}"] = self._flat_miss(i)
                env[f"FL{i}"] = self.flat[i]
                env.update(VENDOR=Vendor, NO_ATTRIBUTES=NO_ATTRIBUTES)
                # ``F{i}`` decides which objects the memo keeps (see ``_flat_miss``); a vendor
                # without owners or attributes that it did not keep, found by its flat key here
                # (the key ``vendor_key`` gives it).
                lines += [
                    f"o = {facet.expr}",
                    f"e = I{i}.get(id(o))",
                    "if e is not None and e[0] is o:",
                    f"    r{i} = e[1]",
                    "elif (",
                    "    type(o) is VENDOR",
                    "    and o.parent is None",
                    "    and o.attributes is NO_ATTRIBUTES",
                    f"    and (e := FL{i}.get((o.id, o.name, o.country, o.designations)))",
                    "    is not None",
                    "    and e[1] is not o",
                    "):",
                    f"    r{i} = e[0]",
                    "else:",
                    f"    r{i} = F{i}(o, p, when, vendor, components, buyer)",
                ]
            else:
                lines += [
                    f"r{i} = T{i}.get({facet.expr})",
                    f"if r{i} is None:",
                    f"    r{i} = M{i}(p, when, vendor, components, buyer)",
                ]
            # Also for a facet whose atoms only groups read: its mask may hold the error bit.
            lines.append(f"M |= r{i}[0]")

        for j, group in enumerate(self.groups):
            env[f"G{j}"] = group.table
            env[f"H{j}"] = self._group_miss(group)
            key = (
                "("
                + ", ".join(
                    f"r{i}[{2 + place}]"
                    for i, place in zip(group.facets, self.group_keys[j], strict=True)
                )
                + ")"
            )
            lines += [
                f"k = {key}",
                f"g = G{j}.get(k)",
                "if g is None:",
                f"    g = H{j}(k)",
                "M |= g",
            ]

        def block(indent: int) -> str:
            return "".join(" " * indent + line + "\n" for line in lines)

        source = f"def slots(p, when, vendor, components, buyer):\n{block(4)}    return M\n"
        if not self.fallback:
            env.update(
                OUT=self.outcomes,
                DECODE=self._decode,
                FALLBACK=self._interpret,
                NEW=object.__new__,
                LAZY=LazyDecision,
                SET_CORE=SET_CORE,
                SET_STATE=SET_STATE,
                CHECKER=self.checker,
                INSPECT=inspect_purchase,
                CHECKED=self._checked,
            )
            # The vocabulary check first, as ``check`` makes it: a purchase with anything to
            # report (a problem, a warning) takes the engine's way, which reports it.
            check = (
                "    if INSPECT(CHECKER, p) != (None, None):\n        return CHECKED(p)\n"
                if self.checker is not None
                else ""
            )
            source += (
                "\n\ndef simple(p):\n"
                f"{check}"
                "    try:\n"
                "        when = p.date\n"
                "        vendor = p.vendor\n"
                "        components = p.components\n"
                "        buyer = p.buyer\n"
                f"{block(8)}"
                "        core = OUT.get(M)\n"
                "        if core is None:\n"
                "            core = DECODE(M, M, ())\n"
                "    except Exception:\n"
                "        return FALLBACK(p)\n"
                "    d = NEW(LAZY)\n"
                "    SET_CORE(d, core)\n"
                "    SET_STATE(d, p)\n"
                "    return d\n"
            )
            # With a registry (no ``as_of``, no resolver): the vendor, components and buyer as
            # the last registry's cache holds them for the purchase's key, as ``decide`` takes
            # them; anything else (another registry, a key not cached yet, a name that may be
            # settled, a purchase the vocabulary check has something to say about, an error)
            # takes ``evaluate``'s way.
            env.update(PROGRAM=self, SLOW=self._registered_slowly, BR=bisect_right)
            env.update(KEY_ENV)
            check = (
                "    if INSPECT(CHECKER, p) != (None, None):\n        return SLOW(p, registry)\n"
                if self.checker is not None
                else ""
            )
            source += (
                "\n\ndef registered(p, registry):\n"
                "    cache = PROGRAM._last_cache\n"
                "    if cache is None or cache.registry is not registry or not cache.usable:\n"
                "        return SLOW(p, registry)\n"
                f"{check}"
                "    when = p.date\n"
                "    interval = None if when is None else BR(cache.points, when)\n"
                f"    extra = cache.table.get({KEY_SOURCE})\n"
                "    if extra is None or extra.may_settle:\n"
                "        return SLOW(p, registry)\n"
                "    try:\n"
                "        vendor = extra.vendor\n"
                "        components = extra.components\n"
                "        buyer = extra.buyer\n"
                f"{block(8)}"
                "        core = OUT.get(M)\n"
                "        if core is None:\n"
                "            core = DECODE(M, M, ())\n"
                "    except Exception:\n"
                "        return SLOW(p, registry)\n"
                "    d = NEW(LAZY)\n"
                "    SET_CORE(d, core)\n"
                "    SET_STATE(d, (PROGRAM, p, when, registry, extra, ()))\n"
                "    return d\n"
            )
        exec(compile(source, f"<vendorpolicy compiled {self.rule_set.id}>", "exec"), env)  # noqa: S102
        self.source = source
        return env["slots"], env.get("simple"), env.get("registered")

    def _registered_slowly(self, purchase: Purchase, registry: Registry) -> Decision:
        """``registered``'s way out: the decision as ``evaluate`` makes it."""
        return self.evaluate(purchase, None, registry, None)

    def _interpret(self, purchase: Purchase) -> Decision:
        """The interpreter's decision on a purchase the vocabulary check let through."""
        return self.hooks.interpret(self.rule_set, purchase)

    def _checked(self, purchase: Purchase) -> Decision:
        """The engine's decision on a purchase the vocabulary check has something to say about
        (it raises, or decides with the warnings)."""
        return self.hooks.evaluate(self.rule_set, purchase)

    def _flat_miss(self, i: int) -> Callable[..., tuple[int, ...]]:
        """For a facet keyed by a vendor value: the class record of a vendor object the identity
        memo does not hold, by its flat key (see ``vendor_key``) when it has one, else by its
        value; and whether the memo is to hold it.

        The memo keeps an object that may come again as the same object: the first one seen
        with its flat key (a vendor built once and reused, or a registry's), and one without a
        flat key. Another object with a flat key already seen (a vendor built anew for each
        purchase) is found by that key and not kept: kept by the thousand, such objects would
        outlive their purchases for nothing, and make the garbage collector's work grow."""
        table = self.tables[i]
        memo = self.identities[i]
        miss = self._facet_miss(i)
        #: flat key -> (class record, the first object seen with the key)
        flat: dict[Any, tuple[tuple[int, ...], Any]] = {}
        self.flat[i] = flat
        no_attributes = NO_ATTRIBUTES

        def lookup(  # noqa: PLR0917 - called by the generated evaluator, positionally
            o: Any,
            p: Purchase,
            when: dt.date | None,
            vendor: Vendor | None,
            components: Any,
            buyer: Buyer,
        ) -> tuple[int, ...]:
            # ``vendor_key``, inline for a vendor without owners or attributes.
            key = (
                (o.id, o.name, o.country, o.designations)
                if type(o) is Vendor and o.parent is None and o.attributes is no_attributes
                else vendor_key(o)
            )
            if key is not o:
                found = flat.get(key)
                if found is not None:
                    record = found[0]
                    if found[1] is not o:
                        return record  # an equal object: not kept
                    if len(memo) >= IDENTITY_LIMIT:
                        memo.clear()
                    memo[id(o)] = (o, record)
                    return record
            stored = table.get(o)
            record = miss(p, when, vendor, components, buyer) if stored is None else stored
            if key is not o:
                if len(flat) >= CACHE_LIMIT:
                    flat.clear()
                flat[key] = (record, o)
            if len(memo) >= IDENTITY_LIMIT:
                memo.clear()
            memo[id(o)] = (o, record)
            return record

        return lookup

    def _facet_miss(self, i: int) -> Callable[..., tuple[int, ...]]:
        facet = self.facets[i]
        table = self.tables[i]
        key_of = facet.key
        points = facet.points
        #: Per interval between the facet's points, the class record of its keys (see
        #: ``Facet.points``).
        intervals: dict[int | None, tuple[int, ...]] = {}

        def miss(
            p: Purchase,
            when: dt.date | None,
            vendor: Vendor | None,
            components: Any,
            buyer: Buyer,
        ) -> tuple[int, ...]:
            key = key_of(p, when, vendor, components, buyer)
            interval: int | None = None
            if points is not None:
                interval = None if key is None else bisect_right(points, key)
                found = intervals.get(interval)
                if found is not None:
                    if len(table) >= CACHE_LIMIT:
                        table.clear()
                    table[key] = found
                    return found
            subject = _subject(p, vendor, components, buyer)
            values: Values = {}
            misses: Misses = {}
            errors = False
            for atom in facet.atoms:
                quick = atom.quick
                if quick is not None:  # the direct test, when it knows (as `evaluate` has it)
                    value = quick(subject, when)
                    if value is not None:
                        values[atom.index] = value
                        continue
                value, missing, error = atom.evaluate(subject, when)
                values[atom.index] = value
                errors = errors or error
                if value is None:
                    misses[atom.index] = missing
            record = self._class(i, values, misses, errors).record
            if len(table) >= CACHE_LIMIT:
                table.clear()
            table[key] = record
            if points is not None:
                intervals[interval] = record
            return record

        return miss

    def _class(self, i: int, values: Values, misses: Misses, errors: bool = False) -> _Class:
        signature = (tuple(values.items()), tuple(misses.items()), errors)
        found = self.class_ids[i].get(signature)
        if found is not None:
            return found
        mask = self.error_bit if errors else 0
        for atom, masks in self.by_atom[i].items():
            value = values[atom]
            mask |= masks[2] if value is None else masks[0 if value else 1]
        for term in self.complex[i]:
            mask |= term.bits(values)
        cid = len(self.classes[i])
        cls = _Class(cid, values, misses, mask)
        cls.record = (mask, cid, *(p.id_of(values) for p in self.projections[i]))
        self.classes[i].append(cls)
        self.class_ids[i][signature] = cls
        return cls

    def _group_miss(self, group: _Group) -> Callable[[tuple[int, ...]], int]:
        places = self.group_keys[self.groups.index(group)]

        def miss(key: tuple[int, ...]) -> int:
            values: Values = {}
            for facet, place, pid in zip(group.facets, places, key, strict=True):
                values.update(self.projections[facet][place].values[pid])
            mask = 0
            for term in group.terms:
                mask |= term.bits(values)
            if len(group.table) >= CACHE_LIMIT:
                group.table.clear()
            group.table[key] = mask
            return mask

        return miss

    # --- deciding --------------------------------------------------------------------------------

    def evaluate(
        self,
        purchase: Purchase,
        as_of: dt.date | None,
        registry: Registry | None,
        resolver: Any,
    ) -> Decision:
        """``RuleSet.evaluate`` with the vocabulary arguments left as they are, for arguments of
        the plain types; anything else goes through the engine, which checks it."""
        if (
            type(purchase) is Purchase
            and (as_of is None or type(as_of) is dt.date)
            and (registry is None or type(registry) is Registry)
            and (resolver is None or registry is not None)
        ):
            checker = self.checker
            if checker is None:
                return self.decide(purchase, as_of, registry, resolver, ())
            problems, warnings = inspect_purchase(checker, purchase)
            if problems is None:
                return self.decide(purchase, as_of, registry, resolver, tuple(warnings or ()))
        return self.hooks.evaluate(
            self.rule_set, purchase, as_of=as_of, registry=registry, resolver=resolver
        )

    def decide(
        self,
        purchase: Purchase,
        as_of: dt.date | None,
        registry: Registry | None,
        resolver: Any,
        warnings: tuple[str, ...],
    ) -> Decision:
        """The decision on a purchase the vocabulary check let through as it is, with the
        check's ``warnings``."""
        when = as_of if as_of is not None else purchase.date
        extra: Extra | None = None
        if registry is None:
            vendor, components, buyer = purchase.vendor, purchase.components, purchase.buyer
        else:
            # The registry of the last call's cache, at once (else by ``_resolve``).
            cache = self._last_cache
            if (
                resolver is not None
                or cache is None
                or cache.registry is not registry
                or (extra := cache.lookup(purchase, when)) is None
            ):
                extra = self._resolve(purchase, when, registry, resolver)
            vendor, components, buyer = extra.vendor, extra.components, extra.buyer
        try:
            mask = self.slots(purchase, when, vendor, components, buyer)
            if self.fallback:
                if extra is None:
                    extra = Extra(None, None, None, vendor, components, buyer, _NOTHING_BEHIND)
                subject = (
                    extra.resolved.purchase
                    if extra.resolved is not None
                    else _subject(purchase, vendor, components, buyer)
                )
                behind = extra.behind if extra.behind is not None else _NOTHING_BEHIND
                outcomes = tuple(
                    self.hooks.rule_outcome(info.layer.id, info.rule, subject, when, behind=behind)
                    for info in self.fallback
                )
                extra.fallback = outcomes
                key: Hashable = (mask, tuple(_signature(o) for o in outcomes))
            else:
                outcomes = ()
                key = mask
            core = self.outcomes.get(key)
            if core is None:
                core = self._decode(key, mask, outcomes)
        except Exception:
            return self.hooks.interpret(
                self.rule_set,
                purchase,
                as_of=as_of,
                registry=registry,
                resolver=resolver,
                warnings=warnings,
            )
        if extra is not None and extra.may_settle:
            # An ambiguous name may be settled by trying each entity it may mean, which the
            # interpreter does (rare: each reading is a decision of its own), whether the
            # decision escalated or `on_unknown` capped it. Its decision stands when it settled
            # the name, or raised the decision to the least severe reading's (where the
            # unknown vendor's lower bound was softer than every candidate's); else it is this
            # one.
            plain = self.hooks.interpret(
                self.rule_set,
                purchase,
                as_of=as_of,
                registry=registry,
                resolver=resolver,
                warnings=warnings,
            )
            if any(r.settled for r in plain.resolutions) or plain.effect is not core.effect:
                return plain
        decision = _NEW(LazyDecision)
        SET_CORE(decision, core)
        SET_STATE(decision, (self, purchase, when, registry, extra, warnings))
        return decision

    def _resolve(
        self, purchase: Purchase, when: dt.date | None, registry: Registry, resolver: Any
    ) -> Extra:
        if resolver is None and not self.fallback:
            found = self._resolution_cache(registry).lookup(purchase, when)
            if found is not None:
                return found
        resolved = registry.resolve(purchase, as_of=when, resolver=resolver)
        p = resolved.purchase
        return Extra(
            resolver,
            None,
            resolved,
            p.vendor,
            p.components,
            p.buyer,
            self.hooks.behind(resolved.resolutions),
            may_settle=may_settle(resolved.resolutions),
        )

    def _resolution_cache(self, registry: Registry) -> ResolutionCache:
        entry = self._registries.get(id(registry))
        if entry is not None and entry[0]() is registry:
            self._last_cache = entry[1]
            return entry[1]
        import weakref  # noqa: PLC0415 - only for registries

        if len(self._registries) >= 8:
            self._registries.clear()
        cache = ResolutionCache(registry, self.hooks.behind)
        key, registries = id(registry), self._registries

        def forget(ref: weakref.ref[Registry]) -> None:
            # The registry is gone: so is what was learnt of it (unless the id is in use again).
            if registries.get(key, (None,))[0] is ref:
                del registries[key]

        self._registries[key] = (weakref.ref(registry, forget), cache)
        self._last_cache = cache
        return cache

    def _decode(self, key: Hashable, mask: int, fallback: Sequence[Any]) -> Core:
        """The decision the mask stands for, by the engine's own combining.

        Only rules that may apply are handed to it, in order: neither way of combining gives a
        rule whose condition is false any say, and skipping them keeps decoding as cheap for a
        thousand rules as for ten."""
        outcome = self.hooks.outcome
        n = self.slot_count
        live = [info.index for info in self.fallback]
        bits = self.cond_bits & ~mask
        while bits:
            low = bits & -bits
            live.append(self.rule_of_slot[low.bit_length() - 1])
            bits ^= low
        live.sort()
        per_layer: list[tuple[RuleSet, list[Any]]] = [(layer, []) for layer, _ in self.layers]
        matched: list[int] = []
        unknown: list[int] = []
        settled = True
        for i in live:
            info = self.rules[i]
            if info.fallback >= 0:
                o = fallback[info.fallback]
                settled = settled and not o.result.missing_facts
                applies = o.applies
            else:
                applies = _slot_value(info.cond_slot, mask, n)
                effects: set[Effect] = set()
                for slot, effect in info.case_slots:
                    value = _slot_value(slot, mask, n)
                    if value is not False:
                        effects.add(effect)
                    if value is True:
                        break
                else:
                    effects.add(info.rule.effect)
                if applies is None or len(effects) > 1:
                    settled = False
                certain = next(iter(effects)) if applies is True and len(effects) == 1 else None
                stub = _Stub(info.key, certain, info.rule.obligations)
                o = outcome(stub, applies, frozenset(effects))
            if applies is True:
                matched.append(i)
            elif applies is None:
                unknown.append(i)
            per_layer[info.layer_index][1].append(o)
        effect, basis, determining, obligations, layers = self.hooks.summarise(per_layer)
        position = self.position
        errors = (
            () if not mask & self.error_bit and all(not o.result.errors for o in fallback) else None
        )
        core = Core(
            effect=effect,
            basis=basis,
            rule_set=self.rule_set.id,
            version=self.rule_set.version,
            digest=self.digest,
            determining_keys=determining,
            obligations=obligations,
            layers=layers,
            matched=tuple(matched),
            unknown=tuple(unknown),
            determining=tuple(position[k] for k in determining),
            missing_facts=() if settled else None,
            errors=errors,
            program=self,
            matched_views=_views_of(self.names, matched),
        )
        if len(self.outcomes) >= CACHE_LIMIT:
            self.outcomes.clear()
        self.outcomes[key] = core
        return core

    # --- what a decision computes on demand --------------------------------------------------

    def rule_result(
        self,
        i: int,
        subject: Purchase,
        when: dt.date | None,
        extra: Any,
        behind: dict[str, tuple[str, ...]],
    ) -> RuleResult:
        """Rule ``i``'s result with its traces, by the interpreter."""
        info = self.rules[i]
        outcome = (
            extra.fallback[info.fallback]
            if info.fallback >= 0
            else self.hooks.rule_outcome(info.layer.id, info.rule, subject, when, behind=behind)
        )
        result: RuleResult = outcome.result
        return result

    def missing_facts(
        self,
        purchase: Purchase,
        when: dt.date | None,
        extra: Extra | None,
        behind: dict[str, tuple[str, ...]],
        mask: int | None = None,
    ) -> tuple[str, ...]:
        """The decision's missing facts, in the interpreter's order: each rule's, in the order
        of the results, with what is ``behind`` an unknown vendor.

        Given the purchase's ``mask`` (bulk screening has it), a rule whose condition's slot is
        false there has a false term in its condition and lists no missing facts
        (``_rule_missing``), so only the other rules are asked; the mask is not used by a
        program with rules left to the interpreter."""
        if mask is not None and self.fallback:
            mask = None
        if extra is None:
            vendor, components, buyer = purchase.vendor, purchase.components, purchase.buyer
        else:
            vendor, components, buyer = extra.vendor, extra.components, extra.buyer
        values, misses = self._atom_values(purchase, when, vendor, components, buyer)
        out: dict[str, None] = {}
        for info in self.rules:
            if info.fallback >= 0:
                assert extra is not None
                assert extra.fallback is not None
                out.update(dict.fromkeys(extra.fallback[info.fallback].result.missing_facts))
                continue
            if mask is not None and mask >> info.cond_slot & 1:
                continue
            missing = _rule_missing(info, values, misses)
            if behind:
                missing = [fact for name in missing for fact in (name, *behind.get(name, ()))]
            out.update(dict.fromkeys(missing))
        return tuple(out)

    def _atom_values(
        self,
        p: Purchase,
        when: dt.date | None,
        vendor: Vendor | None,
        components: Any,
        buyer: Buyer,
    ) -> tuple[Values, Misses]:
        values: Values = {}
        misses: Misses = {}
        for facet in self.facets:
            record = self.tables[facet.index].get(facet.key(p, when, vendor, components, buyer))
            if record is None:
                record = self._facet_miss(facet.index)(p, when, vendor, components, buyer)
            cls = self.classes[facet.index][record[1]]
            values.update(cls.values)
            misses.update(cls.misses)
        return values, misses


def _rule_missing(info: RuleInfo, values: Values, misses: Misses) -> list[str]:
    """One compiled rule's missing facts, as the engine lists them: the condition's (window,
    ``when``, ``unless``) when it is unknown, then the cases' when they leave the effect open."""
    found: list[Truth] = []
    for term in info.cond:
        value = term.tree.value(values)
        if value is False:
            return []  # the rule does not apply: nothing it reads is missing for it
        found.append(value)
    applies: Truth = None if None in found else True
    missing: list[str] = []
    if applies is None:
        for term, value in zip(info.cond, found, strict=True):
            if value is None:
                missing.extend(term.tree.missing(values, misses))
    if applies is not False:
        effects: set[Effect] = set()
        reached: list[tuple[list[_Term], list[Truth]]] = []
        for terms, effect in info.cases:
            case = [term.tree.value(values) for term in terms]
            reached.append((terms, case))
            value = _kleene_and(case)
            if value is not False:
                effects.add(effect)
            if value is True:
                break
        else:
            effects.add(info.rule.effect)
        if len(effects) > 1:
            for terms, case in reached:
                if _kleene_and(case) is None:
                    for term, value in zip(terms, case, strict=True):
                        if value is None:
                            missing.extend(term.tree.missing(values, misses))
    return missing


def _slot_value(slot: int, mask: int, count: int) -> Truth:
    """A slot's value in a mask over ``count`` slots: false if any of its terms is, else unknown
    if any is."""
    if mask >> slot & 1:
        return False
    if mask >> (slot + count) & 1:
        return None
    return True


def _views_of(names: list[RuleName | None], positions: list[int]) -> tuple[Any, ...] | None:
    """The view classes of the rules at ``positions``, or ``None`` if one is the interpreter's."""
    found = [names[i] for i in positions]
    if any(name is None for name in found):
        return None
    return tuple(name.view_class() for name in found if name is not None)


def _signature(o: Any) -> Hashable:
    r = o.result
    return (o.applies, o.effects, r.effect, bool(r.missing_facts), bool(r.errors))


def _subject(
    p: Purchase,
    vendor: Vendor | None,
    components: tuple[Component, ...] | None,
    buyer: Buyer,
) -> Purchase:
    """The purchase as the rules read it: with the vendor, components and buyer a registry
    resolved."""
    if vendor is p.vendor and components is p.components and buyer is p.buyer:
        return p
    return attrs.evolve(p, vendor=vendor, components=components, buyer=buyer)


_NEW = object.__new__
_NOTHING_BEHIND: dict[str, tuple[str, ...]] = {}


def _recompiled(rule_set: RuleSet, hooks: Hooks) -> Program:
    """What a pickled or copied compiled form becomes: the rule set compiled anew (see
    ``Program.__reduce__``), kept on it unless it has one already."""
    compiled = rule_set._compiled
    if isinstance(compiled, Program):
        return compiled
    program = Program(rule_set, hooks)
    if compiled is None:
        object.__setattr__(rule_set, "_compiled", program)
    return program


def compile_rule_set(rule_set: RuleSet, hooks: Hooks) -> Program:
    """The compiled form of ``rule_set``."""
    return Program(rule_set, hooks)
