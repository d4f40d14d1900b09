"""Searching the space by regions, with three-valued sets of values carried as bitmasks.

A *region* is a set of classes per dimension (an int bitmask each). Over a region, an atom's
value is a set of truth values (``T``, ``F``, ``N`` as bits); connectives combine such sets as
Kleene logic does their members. A rule's outcome, and a layer's decision, are *fixed* on a
region when every set they depend on is a single value: then every point of the region is
decided alike, by the same rules, and the search stops there. Otherwise it splits the region on
one dimension that an unsettled atom reads, and goes on in each part. Dimensions no unsettled
atom reads are never split: that is what keeps a region large and the search short.

The decisions found are the interpreter's own: every atom is evaluated by ``trace_purchase`` on
a representative purchase, rules are combined as the engine's ``outcome_range`` combines them,
and every witness reported is decided again by the interpreter (see ``_questions``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from vendorpolicy._model import Component, Purchase
from vendorpolicy._predicates import (
    AllComponents,
    AllOf,
    Always,
    AnyComponent,
    AnyOf,
    CategoryWithin,
    Custom,
    Never,
    Not,
    Predicate,
)
from vendorpolicy._rules import Combining, Rule, RuleSet
from vendorpolicy._trace import kleene_and, kleene_not, kleene_or, trace_purchase
from vendorpolicy.analysis._space import VENDOR_KINDS, Space, window

__all__ = ["Compiled", "F", "N", "Search", "T"]

T, F, N = 1, 2, 4
_VALUE = {True: T, False: F, None: N}
_TRUTH = {T: True, F: False, N: None}
Mask = int
MaskOf = Callable[[int], Mask]
Node = Callable[[MaskOf], Mask]


def _table(op: Callable[[Any, Any], Any]) -> list[list[int]]:
    out = [[0] * 8 for _ in range(8)]
    for a in range(8):
        for b in range(8):
            m = 0
            for x in (T, F, N):
                for y in (T, F, N):
                    if a & x and b & y:
                        m |= _VALUE[op(_TRUTH[x], _TRUTH[y])]
            out[a][b] = m
    return out


def _and(x: Any, y: Any) -> Any:
    if x is False or y is False:
        return False
    if x is None or y is None:
        return None
    return True


def _or(x: Any, y: Any) -> Any:
    if x is True or y is True:
        return True
    if x is None or y is None:
        return None
    return False


AND = _table(_and)
OR = _table(_or)
NOT = [((m & T) and F) | ((m & F) and T) | (m & N) for m in range(8)]
SINGLE = {T, F, N}


class Compiled:
    """The atoms of a space, and each rule set's rules as functions over atom masks."""

    def __init__(self, space: Space) -> None:
        self.space = space
        self.atoms: list[Predicate] = []
        self.atom_index: dict[Predicate, int] = {}
        self.atom_reads: list[tuple[int, ...]] = []
        #: Per atom: its mask by the region's masks on the dimensions it reads (an int for one).
        self._cache: list[dict[Any, Mask]] = []
        #: Per atom: its value by the class of each dimension it reads.
        self._points: list[dict[tuple[int, ...], Mask]] = []
        #: Per atom reading one dimension: the classes it is true, false, unknown on.
        self._by_value: dict[int, tuple[int, int, int]] = {}
        #: A vendor or category condition's value on a part's vendor or category (kept with
        #: the value, so that its id stays its own), by the condition and that id.
        self._on_part: dict[tuple[int, int], tuple[bool | None, object]] = {}
        self._part_index: dict[Predicate, int] = {}
        #: How many rules of the analysed rule sets read each atom (the search settles the
        #: most read first); counted once, so that the order does not depend on the questions
        #: asked before (see `count_uses`).
        self.uses: dict[int, int] = {}
        #: Per atom: how a component condition is worked out from its parts (see `_Parts`).
        self._parts: list[_Parts | None] = []
        #: The representative purchases of the points atoms were evaluated on (`_purchase`).
        self._purchases: dict[
            tuple[tuple[int, ...], tuple[int, ...]], tuple[Purchase, dict[str, bool | None]]
        ] = {}
        #: Per atom: its *settled* twin (see `settled`), or ``None`` when it has none.
        self._settled: dict[int, int | None] = {}
        #: Whether some atom has a settled twin: the deciders then carry two states (see
        #: `Decider`), what the interpreter decides and what stating the missing makes certain.
        self.paired = False

    def settled(self, i: int) -> int | None:
        """The twin of atom ``i`` that reads what stating the missing value settles it to:
        where ``i`` reads one dimension, is unknown on its "not known" class and takes one
        value (true, or false) on every other class of it, the twin takes that value on the
        "not known" class too (and ``i``'s elsewhere). The classes of a dimension are the
        values the rule sets' vocabularies allow (a value outside a closed vocabulary is no
        purchase), so a condition a missing fact leaves unknown, which every value allowed
        would make true, is settled true: stating the fact settles nothing. ``None`` where
        ``i`` has no such twin (it is its own)."""
        if i in self._settled:
            return self._settled[i]
        found: int | None = None
        reads = self.atom_reads[i]
        if len(reads) == 1:
            d = reads[0]
            dim = self.space.dims[d]
            unknown = dim.unknown
            known = ((1 << len(dim.cells)) - 1) & ~unknown
            # Analysis with a registry keeps this fact unstated: its value is not for stating.
            if unknown and known and dim.name != "fact:registry-value-unknown":
                by = self._by_value.get(i)
                if by is None:
                    by = self._classes_by_value(i, d)
                union = (T if known & by[0] else 0) | (F if known & by[1] else 0)
                union |= N if known & by[2] else 0
                moved = unknown & by[2]
                if moved and union in (T, F):
                    found = len(self.atoms)
                    self.atoms.append(self.atoms[i])
                    self.atom_reads.append(reads)
                    self._cache.append({})
                    self._points.append({(c,): union for c in _bits(moved)})
                    self._parts.append(self._parts[i])
                    self.paired = True
        self._settled[i] = found
        return found

    def settles(self, d: int) -> bool:
        """Whether stating dimension ``d`` (a fact, say) can settle anything: whether some
        atom reading it has no settled twin (see :meth:`settled`)."""
        twins = {t for t in self._settled.values() if t is not None}
        for i in range(len(self.atoms)):
            if i not in twins and d in self.atom_reads[i] and self.settled(i) is None:
                return True
        return False

    def atom(self, node: Predicate) -> int:
        found = self.atom_index.get(node)
        if found is None:
            found = len(self.atoms)
            self.atoms.append(node)
            self.atom_index[node] = found
            self.atom_reads.append(self.space.reads(node))
            self._cache.append({})
            self._points.append({})
            self._parts.append(None)
            if isinstance(node, (AnyComponent, AllComponents)):
                self._parts[found] = _Parts.of(self, node)
        return found

    def count_uses(self, deciders: Sequence[Decider]) -> None:
        """Count how many rules of ``deciders`` read each atom."""
        for decider in deciders:
            for layer in decider.layers:
                for r in layer.rules:
                    for a in r.atoms:
                        self.uses[a] = self.uses.get(a, 0) + 1

    def part_atom(self, node: Predicate) -> int:
        """A number for a vendor or category condition inside a component condition (the
        conditions are compared whole: numbering them once keeps the lookups cheap)."""
        found = self._part_index.get(node)
        if found is None:
            found = len(self._part_index)
            self._part_index[node] = found
        return found

    def on_part(self, at: int, node: Predicate, part: Component) -> bool | None:
        """A vendor or category condition's value (``at``: its number) on a declared part: it
        reads only the part's vendor (or category), so it is evaluated once per vendor (or
        category)."""
        reads = part.category if isinstance(node, CategoryWithin) else part.vendor
        key = (at, id(reads))
        kept = self._on_part.get(key)
        if kept is None:
            kept = (trace_purchase(node, self.space.part_purchase(part)).value, reads)
            self._on_part[key] = kept
        return kept[0]

    def compile(self, node: Predicate) -> tuple[Node, frozenset[int]]:
        """A function from atom masks to the node's mask, and the atoms it uses."""
        return self._compile(node, settled=False)

    def compile_settled(self, node: Predicate) -> tuple[Node, frozenset[int]]:
        """:meth:`compile` with each atom read through its settled twin, where it has one
        (see :meth:`settled`)."""
        return self._compile(node, settled=True)

    def _compile(self, node: Predicate, *, settled: bool) -> tuple[Node, frozenset[int]]:
        if isinstance(node, Always):
            return (lambda _m: T), frozenset()
        if isinstance(node, Never):
            return (lambda _m: F), frozenset()
        if isinstance(node, Not):
            inner, atoms = self._compile(node.operand, settled=settled)
            return (lambda m: NOT[inner(m)]), atoms
        if isinstance(node, (AllOf, AnyOf)):
            parts = [self._compile(op, settled=settled) for op in node.operands]
            fns = [p[0] for p in parts]
            used = frozenset().union(*(p[1] for p in parts))
            table = AND if isinstance(node, AllOf) else OR
            stop = F if isinstance(node, AllOf) else T

            def combine(m: MaskOf) -> Mask:
                acc = fns[0](m)
                for fn in fns[1:]:
                    if acc == stop:
                        return acc
                    acc = table[acc][fn(m)]
                return acc

            return combine, used
        i = self.atom(node)
        if settled:
            twin = self.settled(i)
            if twin is not None:
                i = twin
        return (lambda m: m(i)), frozenset({i})

    def kinds(self, i: int, d: int, mask: int) -> list[tuple[int, int]]:
        """The classes of ``mask`` (of dimension ``d``) that atom ``i`` may tell apart, each
        with the classes it stands for: every class alone, except for a component condition
        on the components dimension, where the lists of parts alike for it are one kind."""
        parts = self._parts[i]
        if parts is None or d != self.space.index["components"]:
            return [(c, 1 << c) for c in _bits(mask)]
        return parts.kinds(mask)

    def value(self, i: int, region: Sequence[int]) -> Mask:
        """Atom ``i``'s mask over ``region``."""
        reads = self.atom_reads[i]
        if len(reads) == 1:
            d0 = reads[0]
            mask = region[d0]
            cache = self._cache[i]
            found = cache.get(mask)
            if found is None:
                # The classes on which the atom is true, false, unknown, worked out once: a
                # region's value is then three intersections, however many classes it holds.
                by = self._by_value.get(i)
                if by is None:
                    by = self._classes_by_value(i, d0)
                found = (
                    (T if mask & by[0] else 0)
                    | (F if mask & by[1] else 0)
                    | (N if mask & by[2] else 0)
                )
                cache[mask] = found
            return found
        loose = [d for d in reads if region[d] & (region[d] - 1)]
        if len(loose) > 1 and _product(region, loose) > _PRODUCT_LIMIT:
            return T | F | N
        key = tuple(region[d] for d in reads)
        cache = self._cache[i]
        found = cache.get(key)
        if found is None and len(loose) > 1:
            # Every combination of the loose dimensions' classes (a few hundred at most).
            found = 0
            for key_ in itertools.product(
                *(list(_bits(region[d])) if d in loose else [_low(region[d])] for d in reads)
            ):
                found |= self._exact(i, reads, key_)
                if found == T | F | N:
                    break
            cache[key] = found
        if found is None:
            if not loose:
                found = self._exact(i, reads, tuple(_low(region[d]) for d in reads))
            else:
                found = 0
                d0 = loose[0]
                for c, _ in self.kinds(i, d0, region[d0]):
                    point = tuple(c if d == d0 else _low(region[d]) for d in reads)
                    found |= self._exact(i, reads, point)
                    if found == T | F | N:
                        break
            cache[key] = found
        return found

    def _classes_by_value(self, i: int, d: int) -> tuple[int, int, int]:
        """The masks of the classes of dimension ``d`` (the one atom ``i`` reads) on which
        it is true, false and unknown."""
        by = [0, 0, 0]
        for c, members in self.kinds(i, d, (1 << len(self.space.dims[d].cells)) - 1):
            v = self._exact(i, (d,), (c,))
            for at, bit in enumerate((T, F, N)):
                if v & bit:
                    by[at] |= members
        found = (by[0], by[1], by[2])
        self._by_value[i] = found
        return found

    def _exact(self, i: int, reads: tuple[int, ...], key: tuple[int, ...]) -> Mask:
        cache = self._points[i]
        found = cache.get(key)
        if found is None:
            parts = self._parts[i]
            if parts is not None:
                composed = parts.value(key)
                if composed is not None:
                    cache[key] = composed
                    return composed
            purchase, customs = self._purchase(reads, key)
            node = self.atoms[i]
            if isinstance(node, Custom):
                found = _VALUE[customs[node.name]]
                cache[key] = found
                return found
            if customs:
                from vendorpolicy.analysis._space import assume_custom  # noqa: PLC0415

                node = _assumed(node, customs, assume_custom)
            found = _VALUE[trace_purchase(node, purchase).value]
            cache[key] = found
        return found

    def _purchase(
        self, reads: tuple[int, ...], key: tuple[int, ...]
    ) -> tuple[Purchase, dict[str, bool | None]]:
        """The representative purchase of a point (class by dimension read) and what the
        custom predicates answer there, built once for every atom reading those dimensions
        (a purchase and its facts are dear to build; thousands of vendor conditions, say,
        are evaluated on each vendor class)."""
        found = self._purchases.get((reads, key))
        if found is None:
            point = dict(zip(reads, key, strict=True))
            found = (self.space.purchase(point), self.space.customs(point))
            self._purchases[(reads, key)] = found
        return found


class _Parts:
    """A component condition (``components.any(p)`` or ``.all(p)``) worked out from its
    parts, as the interpreter works it out: the Kleene "or" (any) or "and" (all) of ``p`` on
    each declared part, where ``p`` is the Kleene combination of its atoms, each evaluated by
    the interpreter. The atoms that read the part (vendor and category conditions) are
    evaluated once per part, on a purchase of that vendor and category; the others (dates,
    facts, purpose, ...) once per class of what they read, as atoms of the space. A point's
    value is then the combination of a few cached truth values instead of a whole purchase
    traced again, which is what makes a components dimension of thousands of classes cheap.
    Only the declared lists are composed; "not declared" and "none declared" are traced."""

    def __init__(self, compiled: Compiled, node: AnyComponent | AllComponents) -> None:
        self.compiled = compiled
        self.node = node
        self.combine = kleene_or if isinstance(node, AnyComponent) else kleene_and
        reads = compiled.atom_reads[compiled.atom_index[node]]
        self.at = reads.index(compiled.space.index["components"])
        self.cells = compiled.space.dims[reads[self.at]].cells
        self.part_atoms: list[Predicate] = []
        self.context: list[tuple[int, tuple[int, ...]]] = []
        self.slot: dict[Predicate, tuple[bool, int]] = {}
        for leaf in _leaves(node.predicate):
            if leaf in self.slot:
                continue
            if isinstance(leaf, (*VENDOR_KINDS, CategoryWithin)):
                self.slot[leaf] = (True, len(self.part_atoms))
                self.part_atoms.append(leaf)
            else:
                j = compiled.atom(leaf)
                where = tuple(reads.index(d) for d in compiled.atom_reads[j])
                self.slot[leaf] = (False, len(self.context))
                self.context.append((j, where))
        # The vendor conditions first, then the category conditions: a part's values are
        # those of its vendor followed by those of its category, each worked out once.
        self.part_atoms.sort(key=lambda a: isinstance(a, CategoryWithin))
        for k, a in enumerate(self.part_atoms):
            self.slot[a] = (True, k)
        self.part_ids = [compiled.part_atom(a) for a in self.part_atoms]
        split = sum(1 for a in self.part_atoms if not isinstance(a, CategoryWithin))
        self._on_vendor = list(zip(self.part_ids[:split], self.part_atoms[:split], strict=True))
        self._on_category = list(zip(self.part_ids[split:], self.part_atoms[split:], strict=True))
        #: The values of the vendor (category) conditions by the id of a part's vendor
        #: (category), kept with it so that the id stays its own.
        self._of_vendor: dict[int, tuple[tuple[bool | None, ...], object]] = {}
        self._of_category: dict[int, tuple[tuple[bool | None, ...], object]] = {}
        self._part_values: dict[int, tuple[bool | None, ...]] = {}
        self._done: dict[tuple[Any, ...], Mask] = {}
        self._kinds: dict[int, list[tuple[int, int]]] = {}
        #: The classes of the components dimension by kind (see `kinds`), once worked out.
        self._by_shape: list[int] | None = None

    @staticmethod
    def of(compiled: Compiled, node: AnyComponent | AllComponents) -> _Parts | None:
        """The composition for ``node``, or ``None`` where it does not apply (a nested
        component condition, a custom predicate or the acquisition date inside: those are
        traced whole)."""
        for leaf in _leaves(node.predicate):
            if isinstance(leaf, (AnyComponent, AllComponents, Custom)):
                return None
        space = compiled.space
        if space.index["acquired"] in compiled.atom_reads[compiled.atom_index[node]]:
            return None  # the acquisition date is read against the purchase date: traced
        return _Parts(compiled, node)

    def _of_part(self, part: Component) -> tuple[bool | None, ...]:
        found = self._part_values.get(id(part))
        if found is None:
            found = self._own(part)
            self._part_values[id(part)] = found
        return found

    def _own(self, part: Component) -> tuple[bool | None, ...]:
        """The values of the condition's part atoms on ``part`` (as `Compiled.on_part`)."""
        on_part = self.compiled.on_part
        v = self._of_vendor.get(id(part.vendor))
        if v is None:
            v = (tuple(on_part(at, a, part) for at, a in self._on_vendor), part.vendor)
            self._of_vendor[id(part.vendor)] = v
        c = self._of_category.get(id(part.category))
        if c is None:
            c = (tuple(on_part(at, a, part) for at, a in self._on_category), part.category)
            self._of_category[id(part.category)] = c
        return v[0] + c[0]

    def kinds(self, mask: int) -> list[tuple[int, int]]:
        """The classes of ``mask`` by the values of the condition's part atoms on their parts
        (classes alike in these take the same value in every context): one class of each
        kind, with the classes of that kind; undeclared and no components each alone."""
        found = self._kinds.get(mask)
        if found is None:
            if self._by_shape is None:
                by_shape: dict[Any, int] = {}
                for c, cell in enumerate(self.cells):
                    parts = cell.value
                    shape: Any = (c,) if not parts else tuple(self._own(p) for p in parts)
                    by_shape[shape] = by_shape.get(shape, 0) | (1 << c)
                self._by_shape = list(by_shape.values())
            found = []
            for members in self._by_shape:
                inside = members & mask
                if inside:
                    found.append((_low(inside), inside))
            self._kinds[mask] = found
        return found

    def value(self, key: tuple[int, ...]) -> Mask | None:
        """The condition's value at a point (class by dimension it reads), or ``None`` for a
        class of undeclared or no components (traced instead)."""
        parts = self.cells[key[self.at]].value
        if not parts:
            return None
        compiled = self.compiled
        context = tuple(
            compiled._exact(j, compiled.atom_reads[j], tuple(key[w] for w in where))
            for j, where in self.context
        )
        shape = (tuple(self._of_part(p) for p in parts), context)
        found = self._done.get(shape)
        if found is None:
            truths = [_TRUTH[c] for c in context]
            found = _VALUE[
                self.combine([self._eval(self.node.predicate, own, truths) for own in shape[0]])
            ]
            self._done[shape] = found
        return found

    def _eval(self, node: Predicate, own: tuple[bool | None, ...], context: list[Any]) -> Any:
        if isinstance(node, Always):
            return True
        if isinstance(node, Never):
            return False
        if isinstance(node, Not):
            return kleene_not(self._eval(node.operand, own, context))
        if isinstance(node, (AllOf, AnyOf)):
            values = [self._eval(op, own, context) for op in node.operands]
            return kleene_and(values) if isinstance(node, AllOf) else kleene_or(values)
        is_part, at = self.slot[node]
        return own[at] if is_part else context[at]


def _leaves(node: Predicate) -> Iterator[Predicate]:
    """The atoms of a condition (below its connectives)."""
    if isinstance(node, (AllOf, AnyOf)):
        for op in node.operands:
            yield from _leaves(op)
    elif isinstance(node, Not):
        yield from _leaves(node.operand)
    elif not isinstance(node, (Always, Never)):
        yield node


def _assumed(node: Predicate, customs: dict[str, Any], assume: Any) -> Predicate:
    from vendorpolicy._rules import Rule  # noqa: PLC0415

    rs = RuleSet(id="a", version="1", rules=[Rule(id="r", when=node, effect="deny")])
    return assume(rs, customs).rules[0].when  # type: ignore[no-any-return]


#: A condition reading several dimensions is evaluated on every combination of their classes
#: in a region up to this many (beyond, its value there is taken to be anything).
_PRODUCT_LIMIT = 1024


def _product(region: Sequence[int], dims: Sequence[int]) -> int:
    out = 1
    for d in dims:
        out *= region[d].bit_count()
    return out


def _low(mask: int) -> int:
    return (mask & -mask).bit_length() - 1


def _bits(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _negated(fn: Node) -> Node:
    def negated(m: MaskOf) -> Mask:
        return NOT[fn(m)]

    return negated


class _Rule:
    def __init__(self, compiled: Compiled, rule: Rule) -> None:
        self.rule = rule
        self.compiled = compiled
        self.applies, self.applies_atoms, self.cases = _rule_parts(compiled, rule, settled=False)
        own = self.applies_atoms.union(*(c[1] for c in self.cases))
        #: The rule read through the settled twins of its atoms (see `Compiled.settled`), or
        #: ``None`` where none of its atoms has one.
        self.settled: tuple[Node, list[tuple[Node, frozenset[int]]]] | None = None
        twins = {t for t in (compiled.settled(a) for a in own) if t is not None}
        if twins:
            applies, _, cases = _rule_parts(compiled, rule, settled=True)
            self.settled = (applies, cases)
        self.atoms = own | twins
        #: The rule's atoms in a fixed order (their values key a memoised sub-search).
        self.atom_order = tuple(sorted(self.atoms))


def _rule_parts(
    compiled: Compiled, rule: Rule, *, settled: bool
) -> tuple[Node, frozenset[int], list[tuple[Node, frozenset[int]]]]:
    """Whether the rule applies (its condition, window and exception), the atoms that reads,
    and its cases, as functions over atom masks (read through the settled twins with
    ``settled``)."""
    comp = compiled.compile_settled if settled else compiled.compile
    parts = [comp(rule.when)]
    w = window(rule)
    if w is not None:
        parts.append(comp(w))
    if rule.unless is not None:
        fn, used = comp(rule.unless)
        parts.append((_negated(fn), used))
    fns = [p[0] for p in parts]

    def applies(m: MaskOf) -> Mask:
        acc = fns[0](m)
        for fn in fns[1:]:
            if acc == F:
                return F
            acc = AND[acc][fn(m)]
        return acc

    atoms: frozenset[int] = frozenset().union(*(p[1] for p in parts))
    return applies, atoms, [comp(c.when) for c in rule.cases]


class _Layer:
    def __init__(self, compiled: Compiled, layer: RuleSet) -> None:
        self.layer = layer
        self.compiled = compiled
        self.rules = [_Rule(compiled, r) for r in layer.rules]
        #: `_aligned` with other layers, by their id (the layer kept with the answer).
        self.aligned: dict[int, tuple[_Layer, list[tuple[_Rule | None, _Rule | None]] | None]] = {}


def settled_option(r: _Rule, m: MaskOf) -> bool:
    """Whether the rule's settled reading is settled on the region (one option, the rule
    surely applying or not), so that no missing fact leaves it open."""
    if r.settled is None:
        return False
    options = _options_of(r, r.settled[0], r.settled[1], m, set())
    return len(options) == 1 and next(iter(options))[0] != 2


class Decider:
    """One rule set over a compiled space: the decisions it can make on a region.

    :meth:`possible` folds each layer's rules into the few states the engine's combination
    depends on (for most-severe: the most severe certain minimum, the most severe possible
    effect, the least severe possible effect; for first-match: whether a rule surely applied,
    and the range of effects met), every option of every unsettled rule in turn. The result,
    the set of ``(effect, lo, hi)`` a point of the region may get, contains every decision
    made on the region (it may contain more while rules share atoms), and is exact when the
    region's rules are settled.
    """

    def __init__(self, compiled: Compiled, rule_set: RuleSet, *, skip: str | None = None) -> None:
        self.rule_set = rule_set
        self.compiled = compiled
        self.layers = [_Layer(compiled, layer) for layer in rule_set.layers()]
        if skip is not None:
            top = self.layers[0]
            top.rules = [r for r in top.rules if r.rule.id != skip]

    def keyed(
        self, m: MaskOf, region: Sequence[int], coupled: frozenset[int]
    ) -> tuple[set[tuple[int, int, int]], set[int], Key | None]:
        """What :meth:`possible` gives, with a key for the search below the region (see
        :meth:`Search.leaves`): the rules still open there, the state the settled rules fold
        to, and the region on the dimensions the open rules read. Two regions with the same
        key have the same sub-search, split for split, on those dimensions only. ``None``
        where the order of the rules matters (first-match, or layers)."""
        return self.keyed_from(m, region, coupled, None)[:3]

    def keyed_from(
        self, m: MaskOf, region: Sequence[int], coupled: frozenset[int], start: Carried | None
    ) -> tuple[set[tuple[int, int, int]], set[int], Key | None, Carried | None]:
        """:meth:`keyed`, with what the region's parent left (``start``, from the parent's
        answer; ``None`` for the whole space) and what to leave to the region's parts: the
        state the rules settled on the region fold to and the rules still open. A rule
        settled on a region is settled alike on every part of it (an atom's value on a part
        is among its values on the whole), so the parts look only at the rules open here,
        the same answer for a fraction of the work."""
        if len(self.layers) != 1 or self.layers[0].layer.combining is Combining.FIRST_MATCH:
            return (*self.possible(m), None, None)
        layer = self.layers[0]
        rs = layer.layer
        rules = layer.rules
        if start is None:
            settled = {_start(rs, self.compiled.paired)}
            indices: Sequence[int] = range(len(rules))
        else:
            settled, indices = start
        opened: list[tuple[Any, set[_Option]]] = []
        still: list[int] = []
        pending: set[int] = set()
        for i in indices:
            r = rules[i]
            mine: set[int] = set()
            options = _options(r, m, mine)
            if mine:
                # The open rule with the values of its atoms: those settled here stay so.
                opened.append(((i, *(m(x) for x in r.atom_order)), options))
                still.append(i)
                pending |= mine
            elif not _inert(options):
                settled = {_step(rs, st, o) for st in settled for o in options}
        states = settled
        for _, options in opened:
            states = {_step(rs, st, o) for st in states for o in options}
        finals = {_finish(rs, st) for st in states}
        if not opened:
            return finals, pending, None, None
        opened_keys = tuple(k for k, _ in opened)
        return (
            finals,
            pending,
            _memo_key(self.compiled, opened_keys, settled, pending, region, coupled=coupled),
            (settled, still),
        )

    def possible(self, m: MaskOf) -> tuple[set[tuple[int, int, int]], set[int]]:
        """The possible ``(effect, lo, hi)`` (effects as severities) and the atoms of the
        rules not settled on the region."""
        pending: set[int] = set()
        finals: set[tuple[int, int, int]] = {(-1, -1, -1)}
        for layer in self.layers:
            states = _layer_states(layer, m, pending)
            finals = {
                (max(e, x), max(lo, y), max(hi, z)) for e, lo, hi in finals for x, y, z in states
            }
        return finals, pending


def _options(
    r: _Rule, m: MaskOf, pending: set[int], *, applies: Mask | None = None
) -> set[tuple[int, ...]]:
    """A rule's possible ``(applies, least, most severe effect)`` on the region: applies as
    0 (no), 1 (yes), 2 (unknown); -1 effects when it does not apply. Where some atom has a
    settled twin (`Compiled.paired`), each option is the interpreter's followed by the
    settled reading's (the rule read through the twins): six numbers. ``applies``, if given,
    is taken as the mask of the rule's applying instead of its own, for a rule none of whose
    atoms has a settled twin (lint's pair cut, which is not tried on the others)."""
    if applies is not None:
        if r.settled is not None:  # pragma: no cover - the pair cut skips such rules
            raise AssertionError("an applying mask given for a rule with settled twins")
        given = applies
        out = _options_of(r, lambda _m: given, r.cases, m, pending)
        return {o + o for o in out} if r.compiled.paired else out
    out = _options_of(r, r.applies, r.cases, m, pending)
    if not r.compiled.paired:
        return out
    if r.settled is None:
        return {o + o for o in out}
    settled = _options_of(r, r.settled[0], r.settled[1], m, pending)
    return {o + w for o in out for w in settled}


def _options_of(
    r: _Rule,
    applies: Node,
    cases: list[tuple[Node, frozenset[int]]],
    m: MaskOf,
    pending: set[int],
) -> set[tuple[int, ...]]:
    a = applies(m)
    out: set[tuple[int, ...]] = set()
    loose = a not in SINGLE
    if a & F:
        out.add((0, -1, -1))
    if a & (T | N):
        # Every way the cases may come out: each yields the set of effects the rule may give.
        sets: set[frozenset[int]] = set()
        partial: list[frozenset[int]] = [frozenset()]
        for (fn, _), case in zip(cases, r.rule.cases, strict=True):
            v = fn(m)
            if v not in SINGLE:
                loose = True
            grown: list[frozenset[int]] = []
            sev = case.effect.severity
            for acc in partial:
                if v & T:
                    sets.add(acc | {sev})
                if v & N:
                    grown.append(acc | {sev})
                if v & F:
                    grown.append(acc)
            partial = list(dict.fromkeys(grown))
            if not partial:
                break
        for acc in partial:
            sets.add(acc | {r.rule.effect.severity})
        for kind, bit in ((1, T), (2, N)):
            if a & bit:
                for effects in sets:
                    out.add((kind, min(effects), max(effects)))
    if loose:
        pending |= {x for x in r.atoms if m(x) not in SINGLE}
    return out


_Option = tuple[int, ...]
_State = tuple[Any, ...]
_NOT_APPLYING = {(0, -1, -1)}
_NOT_APPLYING_PAIRED = {(0, -1, -1, 0, -1, -1)}


def _inert(options: set[_Option]) -> bool:
    """Whether the rule does not apply on the region (in either reading)."""
    return options in (_NOT_APPLYING, _NOT_APPLYING_PAIRED)


#: A memo key of a sub-search, with the dimensions it covers (see `Search.leaves`).
Key = tuple[Any, tuple[int, ...]]
#: What a region is, for `Search.leaves`: its outcome (``None``: nothing to report, unless
#: split), the atoms to settle (empty: do not split) and the memo key of the search below.
Verdict = tuple[Any, set[int], Key | None]
#: What a region leaves to its parts (see `Decider.keyed_from`): the states its settled rules
#: fold to, and the rules (or pairs of rules) still open.
Carried = tuple[set[Any], Sequence[int]]
#: A `Verdict` with what the region leaves to its parts (see `Search.leaves`).
CarriedVerdict = tuple[Any, set[int], Key | None, Carried | None]


def _start(rs: RuleSet, paired: bool = False) -> _State:
    """The state before any rule; with ``paired``, one for the interpreter's reading and one
    for the settled reading (see `_options`)."""
    if rs.combining is Combining.FIRST_MATCH:
        state: _State = (False, 9, -1)  # whether a rule surely applied, and the effects met
    else:
        # most-severe: the most severe certain minimum, the most and least severe possible
        state = (-1, -1, 9)
    return (state, state) if paired else state


def _step(rs: RuleSet, state: _State, option: _Option) -> _State:
    if len(option) == 6:
        return (_step(rs, state[0], option[:3]), _step(rs, state[1], option[3:]))
    kind, e_lo, e_hi = option
    if rs.combining is Combining.FIRST_MATCH:
        done, lo, hi = state
        if done or kind == 0:
            return state
        return (kind == 1, min(lo, e_lo), max(hi, e_hi))
    if kind == 0:
        return state
    forced, every, least = state
    return (
        max(forced, e_lo) if kind == 1 else forced,
        max(every, e_hi),
        min(least, e_lo),
    )


def _finish(rs: RuleSet, state: _State) -> tuple[int, int, int]:
    """The decision's effect and the range of effects the known facts leave possible; from a
    paired state, the effect the interpreter decides and the range the settled reading leaves
    (what stating the missing facts, within the vocabulary, can still make of it)."""
    if len(state) == 2:
        effect = _finish(rs, state[0])[0]
        _, lo, hi = _finish(rs, state[1])
        return effect, lo, hi
    default = rs.default.severity
    if rs.combining is Combining.FIRST_MATCH:
        done, lo, hi = state
        if not done:
            lo, hi = min(lo, default), max(hi, default)
    else:
        forced, every, least = state
        if forced >= 0:
            lo, hi = forced, every
        else:
            lo, hi = min(default, least), max(default, every)
    return max(lo, min(hi, rs.on_unknown.severity)), lo, hi


def _done(state: _State) -> bool:
    """Whether a first-match state has a rule surely applying (in the interpreter's reading,
    which the settled one only narrows)."""
    return bool(state[0][0] if len(state) == 2 else state[0])


def _layer_states(layer: _Layer, m: MaskOf, pending: set[int]) -> set[tuple[int, int, int]]:
    rs = layer.layer
    states = {_start(rs, layer.compiled.paired)}
    first = rs.combining is Combining.FIRST_MATCH
    for r in layer.rules:
        if first and all(_done(st) for st in states):
            break
        options = _options(r, m, pending)
        if _inert(options):
            continue
        states = {_step(rs, st, o) for st in states for o in options}
    return {_finish(rs, st) for st in states}


def _aligned(a: _Layer, b: _Layer) -> list[tuple[_Rule | None, _Rule | None]] | None:
    """The two layers' rules as one sequence, a rule both hold as one item (it takes the same
    option in both), each side's order kept; ``None`` when they cannot be aligned. Worked out
    once per pair of layers (comparing rules is dear: they are compared whole)."""
    found = a.aligned.get(id(b))
    if found is None or found[0] is not b:
        found = (b, _align(a, b))
        a.aligned[id(b)] = found
    return found[1]


def _align(a: _Layer, b: _Layer) -> list[tuple[_Rule | None, _Rule | None]] | None:
    in_b = {r.rule: r for r in b.rules}
    in_a = {r.rule for r in a.rules}
    shared_a = [r.rule for r in a.rules if r.rule in in_b]
    shared_b = [r.rule for r in b.rules if r.rule in in_a]
    either_first = Combining.FIRST_MATCH in (a.layer.combining, b.layer.combining)
    if either_first and shared_a != shared_b:
        return None
    if not either_first:
        return [
            *((r, in_b[r.rule]) for r in a.rules if r.rule in in_b),
            *((r, None) for r in a.rules if r.rule not in in_b),
            *((None, r) for r in b.rules if r.rule not in in_a),
        ]
    out: list[tuple[_Rule | None, _Rule | None]] = []
    i = j = 0
    while i < len(a.rules) or j < len(b.rules):
        ra = a.rules[i] if i < len(a.rules) else None
        rb = b.rules[j] if j < len(b.rules) else None
        if ra is not None and ra.rule not in in_b:
            out.append((ra, None))
            i += 1
        elif rb is not None and rb.rule not in in_a:
            out.append((None, rb))
            j += 1
        else:
            out.append((ra, rb))
            i += 1
            j += 1
    return out


def _seen(finish: tuple[int, int, int], escalation: bool) -> int:
    """What a comparison sees of a decision: its effect, and with ``escalation`` also whether
    it is escalated (more severe than the known facts make certain), as one number."""
    effect, lo, _ = finish
    return effect * 2 + (effect > lo) if escalation else effect


def joint(
    da: Decider, db: Decider, m: MaskOf, *, escalation: bool = False
) -> tuple[set[tuple[int, int]], set[int]]:
    """The possible pairs of effects (as severities; see `_seen` for ``escalation``) of two
    rule sets on a region, a rule both hold taking the same option in both, and the atoms of
    the rules not settled."""
    pending: set[int] = set()
    if [x.layer.id for x in da.layers] != [x.layer.id for x in db.layers] or (
        escalation and len(da.layers) > 1
    ):
        xs, xp = da.possible(m)
        ys, yp = db.possible(m)
        return {(_seen(x, escalation), _seen(y, escalation)) for x in xs for y in ys}, xp | yp
    finals: set[tuple[int, int]] = {(-1, -1)}
    for la, lb in zip(da.layers, db.layers, strict=True):
        items = _aligned(la, lb)
        if items is None:
            xs = _layer_states(la, m, pending)
            ys = _layer_states(lb, m, pending)
            pairs = {(_seen(x, escalation), _seen(y, escalation)) for x in xs for y in ys}
        else:
            ra_, rb_ = la.layer, lb.layer
            paired = da.compiled.paired
            states = {(_start(ra_, paired), _start(rb_, paired))}
            for x, y in items:
                rule = x if x is not None else y
                assert rule is not None
                options = _options(rule, m, pending)
                if _inert(options):
                    continue
                states = {
                    (
                        _step(ra_, sa, o) if x is not None else sa,
                        _step(rb_, sb, o) if y is not None else sb,
                    )
                    for sa, sb in states
                    for o in options
                }
            pairs = {
                (_seen(_finish(ra_, sa), escalation), _seen(_finish(rb_, sb), escalation))
                for sa, sb in states
            }
        finals = {(max(e, x), max(f, y)) for e, f in finals for x, y in pairs}
    return finals, pending


def joint_keyed(
    da: Decider,
    db: Decider,
    m: MaskOf,
    region: Sequence[int],
    coupled: frozenset[int],
    *,
    escalation: bool = False,
) -> tuple[set[tuple[int, int]], set[int], Key | None]:
    """What :func:`joint` gives, with a memo key for the search below the region (as
    :meth:`Decider.keyed`): for two rule sets of one most-severe layer each, with the same
    id, whose rules align; otherwise no key."""
    return joint_keyed_from(da, db, m, region, coupled, start=None, escalation=escalation)[:3]


def joint_keyed_from(
    da: Decider,
    db: Decider,
    m: MaskOf,
    region: Sequence[int],
    coupled: frozenset[int],
    *,
    start: Carried | None,
    escalation: bool = False,
) -> tuple[set[tuple[int, int]], set[int], Key | None, Carried | None]:
    """:func:`joint_keyed`, with what the region's parent left and what to leave to its
    parts (as :meth:`Decider.keyed_from`: the pairs of states the settled rules fold to, and
    the items still open)."""
    la, lb = da.layers[0], db.layers[0]
    items = (
        _aligned(la, lb)
        if len(da.layers) == 1
        and len(db.layers) == 1
        and la.layer.id == lb.layer.id
        and Combining.FIRST_MATCH not in (la.layer.combining, lb.layer.combining)
        else None
    )
    if items is None:
        return (*joint(da, db, m, escalation=escalation), None, None)
    ra_, rb_ = la.layer, lb.layer
    if start is None:
        paired = da.compiled.paired
        settled = {(_start(ra_, paired), _start(rb_, paired))}
        indices: Sequence[int] = range(len(items))
    else:
        settled, indices = start
    opened: list[tuple[Any, tuple[bool, bool], set[_Option]]] = []
    still: list[int] = []
    pending: set[int] = set()
    for j in indices:
        x, y = items[j]
        rule = x if x is not None else y
        assert rule is not None
        mine: set[int] = set()
        options = _options(rule, m, mine)
        if mine:
            sides = (x is not None, y is not None)
            opened.append(((j, *(m(a) for a in rule.atom_order)), sides, options))
            still.append(j)
            pending |= mine
        elif not _inert(options):
            settled = _fold_pair(ra_, rb_, settled, (x is not None, y is not None), options)
    states = settled
    for _, sides, options in opened:
        states = _fold_pair(ra_, rb_, states, sides, options)
    pairs = {
        (_seen(_finish(ra_, sa), escalation), _seen(_finish(rb_, sb), escalation))
        for sa, sb in states
    }
    if not opened:
        return pairs, pending, None, None
    opened_keys = tuple(k for k, _, _ in opened)
    return (
        pairs,
        pending,
        _memo_key(da.compiled, opened_keys, settled, pending, region, coupled=coupled),
        (settled, still),
    )


def _memo_key(
    compiled: Compiled,
    opened: tuple[Any, ...],
    settled: set[Any],
    pending: set[int],
    region: Sequence[int],
    *,
    coupled: frozenset[int],
) -> tuple[Any, tuple[int, ...]]:
    """The key under which a sub-search is remembered, and the dimensions it reads: the open
    rules (with their settled atoms), the settled rules' states, and the region on the
    dimensions the pending atoms read (all the coupled ones, where any is read)."""
    reads = compiled.atom_reads
    dims = {d for x in pending for d in reads[x]}
    if dims & coupled:
        dims |= coupled
    order = tuple(sorted(dims))
    return (opened, frozenset(settled), tuple(region[d] for d in order)), order


def _fold_pair(
    ra_: RuleSet,
    rb_: RuleSet,
    states: set[tuple[_State, _State]],
    sides: tuple[bool, bool],
    options: set[_Option],
) -> set[tuple[_State, _State]]:
    """The pairs of states after a rule held by one or both sets (``sides``), taking the
    same option in both."""
    in_a, in_b = sides
    return {
        (_step(ra_, sa, o) if in_a else sa, _step(rb_, sb, o) if in_b else sb)
        for sa, sb in states
        for o in options
    }


class Search:
    """Depth-first search of a space by regions (see the module's docstring)."""

    def __init__(self, compiled: Compiled) -> None:
        self.compiled = compiled
        self.space = compiled.space
        self.full = [(1 << len(d.cells)) - 1 for d in self.space.dims]
        self._split_memo: dict[tuple[int, tuple[int, ...]], dict[int, int]] = {}

    def masks(self, region: Sequence[int]) -> MaskOf:
        memo: dict[int, Mask] = {}
        value = self.compiled.value

        def m(i: int) -> Mask:
            found = memo.get(i)
            if found is None:
                found = value(i, region)
                memo[i] = found
            return found

        return m

    def feasible(self, region: Sequence[int]) -> bool:
        space = self.space
        ia, idate = space.index["acquired"], space.index["date"]
        for a in _bits(region[ia]):
            for d in _bits(region[idate]):
                if space.feasible({ia: a, idate: d}):
                    return True
        return False

    def run(
        self,
        judge: Callable[[list[int], MaskOf], set[int] | bool],
        region: list[int] | None = None,
        *,
        prefer: frozenset[int] = frozenset(),
    ) -> None:
        """Visit regions: ``judge`` returns the atoms to settle (split further), ``True`` to
        go on with the next region, or ``False`` to stop the whole search. Atoms in
        ``prefer`` are settled first (a diff settles the rules the two sets do not share
        first: where none of them applies, the two decide alike and the search stops)."""
        stack = [list(self.full if region is None else region)]
        while stack:
            current = stack.pop()
            if not self.feasible(current):
                continue
            verdict = judge(current, self.masks(current))
            if verdict is True:
                continue
            if verdict is False:
                return
            first = verdict & prefer
            stack.extend(self._split(current, first or verdict))

    def leaves(
        self,
        classify: Callable[[list[int], MaskOf], Verdict],
        region: list[int] | None = None,
        *,
        prefer: frozenset[int] = frozenset(),
        limit: int | None = None,
    ) -> list[tuple[list[int], Any]]:
        """Every leaf of the search with its outcome, in the order :meth:`run` visits them:
        ``classify`` gives a region's outcome, the atoms to settle (a non-empty set: split)
        and a memo key. The search below a region depends only on its key (the rules open
        there, what the settled ones fold to, and the region on the dimensions the open rules
        read: no other dimension is split below it), so a key met again replays the leaves
        found the first time, on those dimensions, into the region met now. This is what
        keeps the search short where rules reading separate dimensions multiply the leaves:
        the sub-search under each part of a split is done once per kind of part, not once
        per part. Stops after ``limit`` leaves."""

        def plain(current: list[int], m: MaskOf, _start: Carried | None) -> CarriedVerdict:
            return (*classify(current, m), None)

        return self.carried_leaves(plain, region, prefer=prefer, limit=limit)

    def carried_leaves(
        self,
        classify: Callable[[list[int], MaskOf, Carried | None], CarriedVerdict],
        region: list[int] | None = None,
        *,
        prefer: frozenset[int] = frozenset(),
        then: Sequence[frozenset[int]] = (),
        limit: int | None = None,
    ) -> list[tuple[list[int], Any]]:
        """:meth:`leaves`, where ``classify`` is also given what the region's parent left
        (``None`` for the region the search starts from) and gives what to leave to the
        region's parts (see :meth:`Decider.keyed_from`)."""
        out: list[tuple[list[int], Any]] = []
        memo: dict[Any, list[tuple[tuple[int, ...], Any]]] = {}
        #: Entries: a region to visit with what its parent left, or (key, dims, start) to
        #: close a memo entry.
        stack: list[Any] = [(list(self.full if region is None else region), None)]
        while stack:
            item = stack.pop()
            if len(item) == 3:
                key, dims, start = item
                memo[key] = [(tuple(leaf[d] for d in dims), o) for leaf, o in out[start:]]
                continue
            current, carried = item
            if not self.feasible(current):
                continue
            outcome, pending, keyed, left = classify(current, self.masks(current), carried)
            if not pending:
                if outcome is not None:
                    out.append((current, outcome))
                    if limit is not None and len(out) >= limit:
                        return out
                continue
            if keyed is not None:
                key, dims = keyed
                found = memo.get(key)
                if found is not None:
                    for masks, o in found:
                        leaf = list(current)
                        for d, mask in zip(dims, masks, strict=True):
                            leaf[d] = mask
                        out.append((leaf, o))
                        if limit is not None and len(out) >= limit:
                            return out
                    continue
                stack.append((key, dims, len(out)))
            first = pending & prefer
            for tier in then:
                if first:
                    break
                first = pending & tier
            stack.extend((part, left) for part in self._split(current, first or pending))
        return out

    @property
    def coupled(self) -> frozenset[int]:
        """The dimensions a region's feasibility reads (the purchase and acquisition dates,
        when the acquisition date has classes of its own)."""
        index = self.space.index
        if len(self.space.dims[index["acquired"]].cells) == 1:
            return frozenset()
        return frozenset({index["acquired"], index["date"]})

    def _split(self, current: list[int], pending: set[int]) -> list[list[int]]:
        """Parts of ``current``: by the value of an unsettled atom all of whose dimensions but
        one are settled (at most three parts, however many classes that one has), else by the
        classes of the dimension with the fewest that an unsettled atom reads."""
        reads = self.compiled.atom_reads
        best: int | None = None
        size = 0
        uses = self.compiled.uses
        order = sorted(pending, key=lambda a: (-uses.get(a, 0), a))
        for a in order:
            r = reads[a]
            loose = [d for d in r if current[d] & (current[d] - 1)]
            if len(loose) == 1:
                d = loose[0]
                groups = self._groups(a, r, d, current)
                if len(groups) > 1:
                    out = []
                    for mask in groups.values():
                        part = list(current)
                        part[d] = mask
                        out.append(part)
                    return out
            for d in r:
                n = current[d].bit_count()
                if n > 1 and (best is None or n < size):
                    best, size = d, n
        for a in order:
            # An atom reading several loose dimensions: the classes of one of them grouped
            # by the atom's values across the others (classes that act alike stay together).
            r = reads[a]
            loose = sorted(
                (d for d in r if current[d] & (current[d] - 1)),
                key=lambda d: current[d].bit_count(),
            )
            if len(loose) < 2 or _product(current, loose) > _PRODUCT_LIMIT:
                continue
            for d in loose:
                columns = self._columns(a, r, d, loose, current)
                if len(columns) > 1:
                    out = []
                    for mask in columns.values():
                        part = list(current)
                        part[d] = mask
                        out.append(part)
                    return out
        if best is None:  # pragma: no cover - a settled atom reported as unsettled
            raise AssertionError("no dimension to split")
        out = []
        for c in reversed(list(_bits(current[best]))):
            part = list(current)
            part[best] = 1 << c
            out.append(part)
        return out

    def _groups(self, a: int, r: tuple[int, ...], d: int, current: list[int]) -> dict[int, int]:
        """The classes of ``current[d]`` by atom ``a``'s value on them (its other dimensions
        settled), remembered: the search meets the same split many times."""
        memo = (a, tuple(current[x] for x in r))
        found = self._split_memo.get(memo)
        if found is None:
            at = r.index(d)
            key = [_low(current[x]) for x in r]
            found = {}
            for c, members in self.compiled.kinds(a, d, current[d]):
                key[at] = c
                v = self.compiled._exact(a, r, tuple(key))
                found[v] = found.get(v, 0) | members
            self._split_memo[memo] = found
        return found

    def _columns(
        self, a: int, r: tuple[int, ...], d: int, loose: list[int], current: list[int]
    ) -> dict[tuple[Mask, ...], int]:
        """The classes of ``current[d]`` by atom ``a``'s values on every combination of the
        other loose dimensions' classes."""
        others = [
            list(_bits(current[x])) if x in loose and x != d else [_low(current[x])] for x in r
        ]
        at = r.index(d)
        found: dict[tuple[Mask, ...], int] = {}
        for c in _bits(current[d]):
            others[at] = [c]
            column = tuple(self.compiled._exact(a, r, key) for key in itertools.product(*others))
            found[column] = found.get(column, 0) | (1 << c)
        return found

    def witness_point(self, region: Sequence[int]) -> dict[int, int]:
        """A feasible point of ``region``."""
        space = self.space
        ia, idate = space.index["acquired"], space.index["date"]
        point = {d: _low(mask) for d, mask in enumerate(region)}
        for a in _bits(region[ia]):
            for d in _bits(region[idate]):
                if space.feasible({ia: a, idate: d}):
                    point[ia], point[idate] = a, d
                    return point
        raise AssertionError("no feasible point")  # pragma: no cover - regions are feasible
