"""Whether each rule applies, as two bit masks per row (DuckDB): the rules that surely apply
(``vp_T0``, …) and those that may (``vp_P0``, …), from a few small class codes per row.

Most rules are a conjunction whose parts each read one field of the purchase: the vendor's
country, the category, the value, the sector, a date, one fact. A row's field falls in one of
a few classes that every atom over that field tells apart no further (the values the rules
name, "another value", ``NULL``; for a category, the deepest category the rules name that
holds it; for a value or a date, the interval between the thresholds the rules name). The
query computes one small code per field (``vp_d0``, … in ``vp_codes``), and for each class a
constant mask of the rules whose part over that field is true (may be true) there, worked out
here, at compile time, from the atoms' own SQL semantics (``_compiler._Compiler._given_atom``:
``col IN (…)``, ``col >= …``, the category's prefix test). A rule applies surely where every
part surely holds: the ``AND`` of its fields' masks (``vp_masks``), one lookup per field in a
list indexed by the code, instead of every atom and every rule per row.

A part that reads several fields (an ``OR`` across them), or an atom of another kind (a
designation, a fact's date, a registry lookup), is a field of its own whose code is its truth
(``FALSE``, ``TRUE``, ``NULL``) computed on the row as before. Kleene's ``AND`` of the parts is
exact with two masks: ``TRUE`` where every part is ``TRUE`` (a bit of ``T``), ``FALSE`` where
some part is ``FALSE`` (no bit of ``P``), else unknown. The tests check every decision against
the interpreter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping, Sequence
from decimal import Decimal

from vendorpolicy._model import Effect
from vendorpolicy._predicates import (
    AcquiredOnOrAfter,
    AllOf,
    Always,
    AnyOf,
    BuyerCountry,
    BuyerSector,
    CategoryWithin,
    DateOnOrAfter,
    DecidedOnOrAfter,
    FactIn,
    Never,
    Not,
    Predicate,
    PurposeIn,
    UltimateOwnerOrigin,
    ValueAtLeast,
    VendorId,
    VendorOrigin,
)
from vendorpolicy._rules import Rule
from vendorpolicy._sql._dialect import literal
from vendorpolicy._sql._vocab import cell_values

__all__ = ["MaskPlan", "SetPlan"]

#: Rules per mask word (a ``HUGEINT``, whose top bits stay clear).
WORD = 120
#: The most states a set plan may reach after a field, and entries in all its tables: past
#: either, the query builds the lists on the row instead (see ``MaskPlan.sets``).
MAX_STATES = 4096
MAX_ENTRIES = 65536
#: The effects' severities are 0, 1, …: a layer's effect indexes a table per set.
_SEVERITIES = len(Effect)

Truth = bool | None
#: A class of a field: what the atoms over that field are evaluated on.
_NULL = ("null",)
_OTHER = ("other",)
#: The vendor's country of a row with no vendor; a value of a row with neither value nor a
#: named currency (each as ``_NULL``/``_OTHER`` for the truth, but the missing fact differs).
_NO_VENDOR = ("no vendor",)
_NO_VALUE = ("no value",)


def _and(values: Sequence[Truth]) -> Truth:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _or(values: Sequence[Truth]) -> Truth:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def kleene(node: Predicate, atom: Callable[[Predicate], Truth]) -> Truth:
    """The node's truth from its atoms' (Kleene's connectives, as SQL's)."""
    if isinstance(node, Always):
        return True
    if isinstance(node, Never):
        return False
    if isinstance(node, AllOf):
        return _and([kleene(c, atom) for c in node.operands])
    if isinstance(node, AnyOf):
        return _or([kleene(c, atom) for c in node.operands])
    if isinstance(node, Not):
        value = kleene(node.operand, atom)
        return None if value is None else not value
    return atom(node)


def _atoms_below(node: Predicate) -> list[Predicate]:
    if isinstance(node, (Always, Never)):
        return []
    if isinstance(node, (AllOf, AnyOf, Not)):
        return [a for c in node.children for a in _atoms_below(c)]
    return [node]


def _conjuncts(node: Predicate) -> list[Predicate]:
    if isinstance(node, AllOf):
        return [p for c in node.operands for p in _conjuncts(c)]
    return [node]


class _Window:
    """A rule's window in force, a part over the decision date."""

    def __init__(self, start: dt.date | None, until: dt.date | None) -> None:
        self.start, self.until = start, until


class _Field:
    """A field of the row: its code (1, 2, … as SQL) and its classes, in the code's order."""

    def __init__(self, column: str) -> None:
        self.column = column
        self.classes: list[Hashable] = []
        self.code = ""

    def truth(self, atom: Predicate | _Window, cls: Hashable) -> Truth:
        raise NotImplementedError  # pragma: no cover

    def finish(self, atoms: Sequence[Predicate | _Window]) -> None:
        raise NotImplementedError  # pragma: no cover


class _InField(_Field):
    """A text column the atoms test with ``IN`` (and ``NULL`` as each atom says); with
    ``absent``, a column whose ``NULL`` is a class of its own (``_NO_VENDOR``)."""

    def __init__(self, column: str, absent: str | None = None) -> None:
        super().__init__(column)
        self.absent = absent

    @staticmethod
    def named(atom: Predicate) -> tuple[set[str], Truth]:
        """The texts the atom's SQL lists, and its truth on ``NULL``."""
        if isinstance(atom, (VendorOrigin, UltimateOwnerOrigin)):
            return set(atom.countries), None
        if isinstance(atom, VendorId):
            return set(atom.ids), None
        if isinstance(atom, BuyerSector):
            return {s.value for s in atom.sectors}, None
        if isinstance(atom, BuyerCountry):
            return set(atom.countries), atom.if_missing
        if isinstance(atom, PurposeIn):
            return set(atom.purposes), None
        if isinstance(atom, FactIn):
            return set(cell_values(atom.values)[0]), atom.if_missing
        raise AssertionError(atom)  # pragma: no cover

    def finish(self, atoms: Sequence[Predicate | _Window]) -> None:
        values = sorted({v for a in atoms for v in self.named(a)[0]})  # type: ignore[arg-type]
        self.classes = [_NULL, *values, _OTHER]
        c = self.column
        whens = " ".join(f"WHEN {literal(v)} THEN {i}" for i, v in enumerate(values, start=2))
        other = len(values) + 2
        absent = ""
        if self.absent is not None:
            self.classes.append(_NO_VENDOR)
            absent = f"WHEN {self.absent} IS NULL THEN {other + 1} "
        inner = f"CASE {absent}WHEN {c} IS NULL THEN 1 ELSE {other} END"
        self.code = f"CASE {c} {whens} ELSE {inner} END" if values else inner

    def truth(self, atom: Predicate | _Window, cls: Hashable) -> Truth:
        assert isinstance(atom, Predicate)
        values, if_null = self.named(atom)
        if cls in (_NULL, _NO_VENDOR):
            return if_null
        return cls in values


class _CategoryField(_Field):
    """The category: the deepest category the rules name that holds the row's."""

    def finish(self, atoms: Sequence[Predicate | _Window]) -> None:
        paths = {c.path for a in atoms for c in a.categories}  # type: ignore[union-attr]
        # (the named categories that hold a row's are a chain: the longest is the deepest)
        ordered = sorted(paths, key=lambda p: (-len(p), p))
        self.classes = [_NULL, *ordered, _OTHER]
        c = self.column
        whens = " ".join(
            f"WHEN {c} = {literal(p)} OR substr({c}, 1, {len(p) + 1}) = {literal(p + '/')} THEN {i}"
            for i, p in enumerate(ordered, start=2)
        )
        self.code = f"CASE WHEN {c} IS NULL THEN 1 {whens} ELSE {len(ordered) + 2} END"

    def truth(self, atom: Predicate | _Window, cls: Hashable) -> Truth:
        assert isinstance(atom, CategoryWithin)
        if cls == _NULL:
            return None
        if cls == _OTHER:
            return False
        assert isinstance(cls, str)
        return any(cls == c.path or cls.startswith(c.path + "/") for c in atom.categories)


class _ValueField(_Field):
    """The value and its currency: per currency the rules name, the interval between the
    amounts they name."""

    def __init__(self, column: str, decimal: Callable[[Decimal], str]) -> None:
        super().__init__(column)
        self.decimal = decimal
        self.amounts: dict[str, list[Decimal]] = {}

    def finish(self, atoms: Sequence[Predicate | _Window]) -> None:
        by_currency: dict[str, set[Decimal]] = {}
        for atom in atoms:
            assert isinstance(atom, ValueAtLeast)
            by_currency.setdefault(atom.amount.currency, set()).add(atom.amount.amount)
        self.classes = [_OTHER]
        cases = []
        for currency in sorted(by_currency):
            amounts = sorted(by_currency[currency])
            base = len(self.classes) + 1
            self.classes.append((currency, None))  # no value
            self.classes.append((currency, -1))  # below every amount
            self.classes += [(currency, j) for j in range(len(amounts))]
            steps = " ".join(
                f"WHEN vp_value >= {self.decimal(amounts[j])} THEN {base + 2 + j}"
                for j in reversed(range(len(amounts)))
            )
            cases.append(
                f"WHEN {literal(currency)} THEN CASE WHEN vp_value IS NULL THEN {base} "
                f"{steps} ELSE {base + 1} END"
            )
            self.amounts[currency] = amounts
        self.classes.append(_NO_VALUE)
        empty = f"CASE WHEN vp_value IS NULL THEN {len(self.classes)} ELSE 1 END"
        self.code = f"CASE vp_currency {' '.join(cases)} ELSE {empty} END"

    def truth(self, atom: Predicate | _Window, cls: Hashable) -> Truth:
        assert isinstance(atom, ValueAtLeast)
        if cls in (_OTHER, _NO_VALUE):
            return None
        assert isinstance(cls, tuple)
        currency, j = cls
        if currency != atom.amount.currency or j is None:
            return None
        return bool(j >= 0 and atom.amount.amount <= self.amounts[currency][j])


class _DateField(_Field):
    """A date column: the interval between the dates the rules name."""

    def finish(self, atoms: Sequence[Predicate | _Window]) -> None:
        points: set[dt.date] = set()
        for atom in atoms:
            if isinstance(atom, _Window):
                if atom.start is not None:
                    points.add(atom.start)
                if atom.until is not None and atom.until < dt.date.max:
                    points.add(atom.until + dt.timedelta(days=1))
            else:
                assert isinstance(atom, (DateOnOrAfter, AcquiredOnOrAfter, DecidedOnOrAfter))
                points.add(atom.date)
        ordered = sorted(points)
        self.classes = [_NULL, _OTHER, *ordered]  # (`_OTHER`: before every date)
        c = self.column
        steps = " ".join(
            f"WHEN {c} >= DATE {literal(d.isoformat())} THEN {j + 3}"
            for j, d in reversed(list(enumerate(ordered)))
        )
        self.code = f"CASE WHEN {c} IS NULL THEN 1 {steps} ELSE 2 END"

    def truth(self, atom: Predicate | _Window, cls: Hashable) -> Truth:
        if cls == _NULL:
            return None
        if isinstance(atom, _Window):
            start, until = atom.start, atom.until
        else:
            assert isinstance(atom, (DateOnOrAfter, AcquiredOnOrAfter, DecidedOnOrAfter))
            start, until = atom.date, None
        if cls == _OTHER:  # before every date the rules name
            return start is None
        assert isinstance(cls, dt.date)
        return (start is None or cls >= start) and (until is None or cls <= until)


class _TruthField(_Field):
    """A part computed on the row as before (``column`` is its SQL): its code is its truth."""

    def __init__(self, column: str) -> None:
        super().__init__(column)
        self.classes = [False, True, None]

    def finish(self, atoms: Sequence[Predicate | _Window]) -> None:
        self.code = f"COALESCE(CAST({self.column} AS INTEGER), 2) + 1"

    def truth(self, atom: Predicate | _Window, cls: Hashable) -> Truth:
        assert cls is None or isinstance(cls, bool)
        return cls


#: A field's key: its kind and what it reads (a column, a fact's name, or the part itself).
_Key = tuple[str, object]
#: A part of a rule: its field, the part, and whether it is negated (the rule's ``unless``).
_Part = tuple[_Key, "Predicate | _Window", bool]


def _field_of(atom: Predicate, registry: bool) -> _Key | None:
    """The field the atom reads, if it is one of those coded per class (else ``None``)."""
    vendor = not registry  # (a registry lookup decides on the vendor: computed on the row)
    if isinstance(atom, (VendorOrigin, UltimateOwnerOrigin)) and vendor:
        return ("in", "vp_vendor_country")
    if isinstance(atom, VendorId) and vendor:
        return ("in", "vp_vendor")
    if isinstance(atom, BuyerSector):
        return ("in", "vp_sector")
    if isinstance(atom, BuyerCountry):
        return ("in", "vp_buyer_country")
    if isinstance(atom, PurposeIn):
        return ("in", "vp_purpose")
    if isinstance(atom, FactIn) and not cell_values(atom.values)[1]:
        return ("fact", atom.name)
    if isinstance(atom, CategoryWithin):
        return ("category", "vp_category")
    if isinstance(atom, ValueAtLeast):
        return ("value", "vp_value")
    if isinstance(atom, DateOnOrAfter):
        return ("date", "vp_date")
    if isinstance(atom, AcquiredOnOrAfter):
        return ("date", "vp_acquired")
    if isinstance(atom, DecidedOnOrAfter):
        return ("date", "vp_decided")
    return None


class MaskPlan:
    """The codes and masks of one rule set's query (see the module)."""

    def __init__(
        self,
        rules: Sequence[tuple[Rule, int]],
        *,
        registry: bool,
        inline: Callable[[Predicate], str],
        decimal: Callable[[Decimal], str],
        fact_column: Callable[[str], str],
    ) -> None:
        self.count = len(rules)
        self.words = max(1, -(-self.count // WORD))
        self._members: dict[_Key, list[Predicate | _Window]] = {}
        #: Per rule: its parts; and the truth of its parts that read nothing.
        self._parts: dict[int, list[_Part]] = {}
        self._constant: dict[int, Truth] = {}
        for rule, k in rules:
            self._split(rule, k, registry)
        self._fields: dict[_Key, tuple[str, _Field]] = {}
        for index, (key, atoms) in enumerate(self._members.items()):
            field = self._field(key, inline, decimal, fact_column)
            field.finish(atoms)
            self._fields[key] = (f"vp_d{index}", field)

    def _split(self, rule: Rule, k: int, registry: bool) -> None:
        """The rule's parts: its window, the conjuncts of ``when``, and ``unless`` negated."""
        mine: list[_Part] = []
        fixed: list[Truth] = []
        if rule.has_window:
            key: _Key = ("date", "vp_decided")
            window = _Window(rule.in_force_from, rule.in_force_until)
            self._members.setdefault(key, []).append(window)
            mine.append((key, window, False))
        conjuncts = [(p, False) for p in _conjuncts(rule.when)]
        if rule.unless is not None:
            conjuncts.append((rule.unless, True))
        for node, negated in conjuncts:
            atoms = _atoms_below(node)
            if not atoms:
                value = kleene(node, lambda a: None)
                fixed.append(None if value is None else value != negated)
                continue
            keys = {_field_of(a, registry) for a in atoms}
            found = keys.pop() if len(keys) == 1 else None
            if found is None:
                key = ("truth", node)
                self._members.setdefault(key, [])
            else:
                key = found
                self._members.setdefault(key, []).extend(atoms)
            mine.append((key, node, negated))
        self._parts[k] = mine
        self._constant[k] = _and(fixed)

    @staticmethod
    def _field(
        key: _Key,
        inline: Callable[[Predicate], str],
        decimal: Callable[[Decimal], str],
        fact_column: Callable[[str], str],
    ) -> _Field:
        kind, what = key
        if kind == "in":
            # (a vendor's country of a row with no vendor is missing as `vendor`)
            return _InField(str(what), "vp_vendor" if what == "vp_vendor_country" else None)
        if kind == "fact":
            return _InField(fact_column(str(what)))
        if kind == "category":
            return _CategoryField(str(what))
        if kind == "value":
            return _ValueField(str(what), decimal)
        if kind == "date":
            return _DateField(str(what))
        assert isinstance(what, Predicate)
        return _TruthField(inline(what))

    def codes(self) -> list[str]:
        """``vp_codes``: each field's code."""
        return [f"{field.code} AS {name}" for name, field in self._fields.values()]

    def _truth(self, k: int, key: _Key, cls: Hashable) -> Truth:
        """Kleene's ``AND`` of rule ``k``'s parts over field ``key``, on the class ``cls``."""
        field = self._fields[key][1]
        values: list[Truth] = []
        for part_key, part, negated in self._parts[k]:
            if part_key != key:
                continue
            if isinstance(field, _TruthField) or isinstance(part, _Window):
                value = field.truth(part, cls)
            else:
                value = kleene(part, lambda a: field.truth(a, cls))
            values.append(None if value is None else value != negated)
        return _and(values)

    def masks(self) -> list[str]:
        """``vp_masks``: per word, the rules that surely apply (``vp_T``) and those that may
        (``vp_P``): the ``AND`` of each field's masks for the row's class."""
        items = []
        for w in range(self.words):
            ks = range(w * WORD, min(self.count, (w + 1) * WORD))
            sure = [str(sum(1 << (k % WORD) for k in ks if self._constant[k] is True))]
            may = [str(sum(1 << (k % WORD) for k in ks if self._constant[k] is not False))]
            for key, (name, field) in self._fields.items():
                if not any(p[0] == key for k in ks for p in self._parts[k]):
                    continue
                sure_list, may_list = [], []
                for cls in field.classes:
                    truths = [(k, self._truth(k, key, cls)) for k in ks]
                    sure_list.append(str(sum(1 << (k % WORD) for k, v in truths if v is True)))
                    may_list.append(str(sum(1 << (k % WORD) for k, v in truths if v is not False)))
                sure.append(f"([{', '.join(sure_list)}]::HUGEINT[])[{name}]")
                may.append(f"([{', '.join(may_list)}]::HUGEINT[])[{name}]")
            items.append(f"({' & '.join(sure)}) AS vp_T{w}")
            items.append(f"({' & '.join(may)}) AS vp_P{w}")
        return items

    def any_of(self, ks: Sequence[int]) -> str:
        """Kleene's ``OR`` of the rules ``ks``: ``TRUE`` if one surely applies, else ``NULL``
        if one may, else ``FALSE``."""
        by_word: dict[int, int] = {}
        for k in ks:
            by_word[k // WORD] = by_word.get(k // WORD, 0) | 1 << (k % WORD)
        sure = " OR ".join(f"(vp_T{w} & {m}) <> 0" for w, m in sorted(by_word.items()))
        may = " OR ".join(f"(vp_P{w} & {m}) <> 0" for w, m in sorted(by_word.items()))
        return f"CASE WHEN {sure} THEN TRUE WHEN {may} THEN CAST(NULL AS BOOLEAN) ELSE FALSE END"

    def sets(self, relevant: Sequence[int]) -> SetPlan | None:
        """The row's set of surely applying rules among ``relevant`` as one small number
        (``vp_s``), or ``None`` when it would take too large tables.

        The set is the ``AND`` of each field's sure mask for the row's class, so it is found
        one field at a time: a state is the set so far (at first the rules whose parts that
        read nothing surely hold), and each field's table gives, for a state and the field's
        code, the next state. Only the states that some classes reach are numbered, worked
        out here; the fields are taken in the order that keeps the fewest states. A list
        column that depends only on the set (the determining keys) is then a lookup of the
        list worked out once per state, instead of a list built on every row."""
        wanted = sum(1 << k for k in relevant)
        start = wanted & sum(1 << k for k in range(self.count) if self._constant[k] is True)
        fields: list[tuple[str, list[int]]] = []
        for key, (name, field) in self._fields.items():
            sure = []
            for cls in field.classes:
                truths = [k for k in relevant if self._truth(k, key, cls) is True]
                sure.append(sum(1 << k for k in truths))
            if len(set(sure)) > 1:
                fields.append((name, sure))
            else:  # (a field all of whose classes agree needs no table)
                start &= sure[0]
        states = [start]
        steps: list[tuple[str, int, list[int]]] = []
        entries = 0
        while fields:
            best: tuple[int, int] | None = None
            for i, (_, sure) in enumerate(fields):
                reached = len({s & m for s in states for m in sure})
                if best is None or reached < best[0]:
                    best = (reached, i)
            assert best is not None
            name, sure = fields.pop(best[1])
            numbered: dict[int, int] = {}
            table = [numbered.setdefault(s & m, len(numbered)) for s in states for m in sure]
            entries += len(table)
            if len(numbered) > MAX_STATES or entries > MAX_ENTRIES:
                return None
            steps.append((name, len(sure), table))
            states = list(numbered)
        return SetPlan(steps, states) if len(states) <= MAX_STATES else None

    def sure(self, k: int) -> str:
        """Whether rule ``k`` surely applies."""
        w, bit = k // WORD, 1 << (k % WORD)
        return f"(vp_T{w} & {bit}) <> 0"

    def unknown(self, k: int) -> str:
        """Whether rule ``k`` is unknown: it may apply, not surely (``T`` is within ``P``, so
        ``P - T`` has the bits of one and not the other)."""
        w, bit = k // WORD, 1 << (k % WORD)
        return f"((vp_P{w} - vp_T{w}) & {bit}) <> 0"

    def truth_parts(self, k: int) -> list[Predicate]:
        """Rule ``k``'s parts computed on the row (its missing facts are found on the row)."""
        return [p for key, p, _ in self._parts[k] if key[0] == "truth" and isinstance(p, Predicate)]

    def missing(self, name: Callable[[Predicate, bool], str]) -> list[tuple[str, str]]:
        """The missing facts the coded fields give: per fact, when it is missing (an SQL test)
        and its name (a text literal). A rule's part over a field is unknown on some classes;
        there, the atoms of the part that are unknown, with every node above them up to the
        part, name the facts missing (as ``_compiler._Compiler.missing`` finds them on the
        row). So per field, fact and class, the mask of the rules whose part there names the
        fact, and the fact is missing where one of these rules is unknown (its ``when`` is
        then unknown, and so is every part that is not true). ``name`` gives an atom's fact,
        as the compiler names it, on a class where its field is empty (``True``) or not."""
        found: dict[str, dict[tuple[int, str], list[int]]] = {}
        for key, (column, field) in self._fields.items():
            if isinstance(field, _TruthField):
                continue
            for index, cls in enumerate(field.classes):
                # (no vendor; no value: of a named currency, or of none)
                empty = cls in (_NO_VENDOR, _NO_VALUE) or (
                    isinstance(cls, tuple) and len(cls) == 2 and cls[1] is None
                )
                for k in range(self.count):
                    for part_key, part, _ in self._parts[k]:
                        if part_key != key:
                            continue
                        for fact in self._unknown_facts(field, part, cls, name, empty):
                            masks = found.setdefault(fact, {})
                            per_class = masks.setdefault(
                                (k // WORD, column), [0] * len(field.classes)
                            )
                            per_class[index] |= 1 << (k % WORD)
        out = []
        for fact in sorted(found):
            tests = []
            for (w, column), per in sorted(found[fact].items()):
                table = f"([{', '.join(map(str, per))}]::HUGEINT[])[{column}]"
                tests.append(f"((vp_P{w} - vp_T{w}) & {table}) <> 0")
            out.append((" OR ".join(tests), literal(fact)))
        return out

    @staticmethod
    def _unknown_facts(
        field: _Field,
        part: Predicate | _Window,
        cls: Hashable,
        name: Callable[[Predicate, bool], str],
        empty: bool,
    ) -> list[str]:
        """The facts the unknown atoms of ``part`` name on the class ``cls``, each reached
        through unknown nodes only (none if the part is not unknown)."""
        if isinstance(part, _Window):
            return ["purchase.date"] if field.truth(part, cls) is None else []

        def walk(node: Predicate) -> list[str]:
            if kleene(node, lambda a: field.truth(a, cls)) is not None:
                return []
            if isinstance(node, (AllOf, AnyOf, Not)):
                return [f for c in node.children for f in walk(c)]
            if isinstance(node, (BuyerSector,)):
                return []  # (never unknown on a row that is decided)
            return [name(node, empty)]

        return walk(part)

    def unsure(self) -> str:
        """Whether some rule is unknown (may apply, not surely: ``T`` is within ``P``)."""
        return " OR ".join(f"vp_P{w} <> vp_T{w}" for w in range(self.words))


class SetPlan:
    """A rule set's sets of surely applying rules, numbered (see ``MaskPlan.sets``)."""

    def __init__(self, steps: Sequence[tuple[str, int, list[int]]], states: list[int]) -> None:
        #: Per field in order: its code's column, its count of classes, and its table.
        self.steps = steps
        #: Per final state (``vp_s``, from 0): the set, a bit per rule.
        self.states = states

    def code(self) -> str:
        """``vp_s``: the state after every field, each field's table indexed by the state
        before it and the field's code (from 1)."""
        state = "0"
        for name, classes, table in self.steps:
            index = name if state == "0" else f"{state} * {classes} + {name}"
            state = f"([{', '.join(map(str, table))}]::INTEGER[])[{index}]"
        return f"{state} AS vp_s"

    def lists(self, groups: Mapping[int, Sequence[tuple[int, str]]], effect: str) -> str:
        """The list of the keys (rule, SQL text) of the group of the layer's effect (the
        column ``effect``, a severity) whose rule is in the row's set, in their
        order: one lookup in a table per state and effect (of the distinct lists, empty where
        none of the group's rules is in the set)."""
        lists: dict[str, int] = {}
        which = []
        for state in self.states:
            for severity in range(_SEVERITIES):
                keys = groups.get(severity, ())
                items = ", ".join(text for k, text in keys if state >> k & 1)
                which.append(lists.setdefault(f"[{items}]", len(lists) + 1))
        return (
            f"([{', '.join(lists)}]::VARCHAR[][])"
            f"[([{', '.join(map(str, which))}]::INTEGER[])[vp_s * {_SEVERITIES} + {effect} + 1]]"
        )
