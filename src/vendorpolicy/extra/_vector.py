"""The vectorised path of :mod:`vendorpolicy.extra.arrow`: an Arrow table's rows mapped to one
key each by Arrow and NumPy, each distinct key decided once by the row path, and the decision
columns broadcast back with ``take``.

Each column is read into a code per row, in C:

- a column the rules read (vendor, buyer, category, facts, the purchase date...): the index of
  its cell among the column's distinct cells (``dictionary_encode``);
- the amount: where the cell is a plain decimal number (digits, a decimal point and digits),
  how many of the thresholds of the rule set's ``purchase.value.at_least`` nodes it reaches
  (``numpy.searchsorted``): amounts that reach the same thresholds make every atom on the value
  come out the same; any other cell (empty, negative, written with separators, in error...) is
  coded by its text, as a column the rules read;
- the purchase id, and the columns that are kept or ignored: one code for every cell of printable
  ASCII text (for the id) or without a NUL byte (for the others), which the row path reads the
  same whatever the text; any other cell is coded by its text.

Two rows with the same codes are the same row to the rule set but for what names the row (its
number, its id, its amount within one interval between thresholds), and that is never in the
decision columns. The first row with each key (in the rows' order) is decided by the row path,
``ColumnScreener`` (which reads and validates its cells, and gives its errors, as for any other
row), and its entries are given to every row with that key.

The dates and amounts are then coded per *content* (the cells of the other columns): the first
row of each content is decided by the row path first, which gives the compiled form the classes
of the content's own facets, and so the rules those make false (``RowScreener.static_masks``).
A purchase date is renumbered by the points of the other rules only, and, with a registry, by
the registry's points only where the content's classes and resolution change; an amount by the
thresholds of the other rules (see ``_narrowed``). The rules a content makes false decide none
of its rows, whatever their dates and amounts, so the rows of one content so coded alike are
decided alike; most contents leave few rules open, and their rows make far fewer keys.

The path is taken only where that holds: the rule set compiles whole (no ``custom`` predicate,
no resolver, no node kind this module does not know to leave the value alone), and the rows
are not numbered by an id built from parts. Otherwise :func:`decide` returns ``None`` and the
caller screens the rows one by one, as before.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from decimal import ROUND_CEILING, Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vendorpolicy._columns import DECISION_COLUMNS, ColumnScreener, ScreenedColumns
from vendorpolicy._compile._facets import CONNECTIVES, CONSTANTS, QUANTIFIERS, READS, needs_of
from vendorpolicy._compile._program import _Window
from vendorpolicy._predicates import DateOnOrAfter, DecidedOnOrAfter, Predicate, ValueAtLeast
from vendorpolicy._rules import RuleSet
from vendorpolicy.extra._cells import as_text

__all__ = ["Broadcast", "decide", "text_column"]

#: Node kinds that read no amount (every compiled kind but ``value_at_least``).
_NOT_VALUE = frozenset(READS) - {ValueAtLeast}
#: A key's radix product above which the codes so far are renumbered densely first.
_WIDE = 1 << 40
#: Contents at most a fraction (one in this many) of the rows for the dates and amounts to be
#: coded per content, and the most entries of the per-content tables that code them.
_SPARSE = 2
_TABLES = 1 << 21
#: The most digits of an amount compared as text.
_WHOLE_DIGITS = 18
#: An amount with a fraction, read as a float (exact but at a threshold: see ``_amounts``).
_FRACTION_AMOUNT = r"^[0-9]{1,15}\.[0-9]{1,6}$"
#: What in a facet's key reads the purchase's value, its dates, its id.
_READS_VALUE = re.compile(r"\bp\.value\b")
_READS_DATE = re.compile(r"\bp\.date\b|\bwhen\b")
_READS_ID = re.compile(r"\bp\.id\b")


class Broadcast:
    """The decision columns of the distinct keys (``distinct``, one entry per key, in order of
    first appearance) and each row's key (``inverse``, one index per input row)."""

    __slots__ = ("distinct", "inverse")

    def __init__(self, distinct: ScreenedColumns, inverse: Any) -> None:
        self.distinct = distinct
        self.inverse = inverse

    def __len__(self) -> int:
        return len(self.inverse)

    def columns(self) -> ScreenedColumns:
        """Every row's entries, as :func:`vendorpolicy.screen_columns` gives them."""
        n = len(self.inverse)
        values = {}
        for name in DECISION_COLUMNS:
            distinct = getattr(self.distinct, name)
            if _constant(distinct):
                # One entry for every row (no error, no warning...): no index to follow.
                values[name] = (distinct[0],) * n
            else:
                # `take` then `tolist`: one C loop each; iterating the taken array of objects
                # itself, as `tuple` would, costs a third more.
                values[name] = tuple(_objects(distinct).take(self.inverse).tolist())
        return ScreenedColumns(**values)

    def arrays(self) -> list[Any]:
        """Every row's entries as Arrow arrays, in the order of ``DECISION_COLUMNS``: text for
        ``status``, ``effect`` and ``basis``, lists of text for the others."""
        n = len(self.inverse)
        indices = pa.array(self.inverse, pa.int64())
        arrays = []
        for name in DECISION_COLUMNS:
            distinct = getattr(self.distinct, name)
            kind = arrow_type(name)
            if _constant(distinct) and distinct[0] in (None, ()):
                # Every row null, or an empty list (no error, no warning...): built without
                # copying an entry per row.
                if distinct[0] is None:
                    arrays.append(pa.nulls(n, kind))
                else:
                    empty = np.zeros(n + 1, dtype=np.int32)
                    arrays.append(
                        pa.ListArray.from_arrays(empty, pa.array([], pa.string()), type=kind)
                    )
            else:
                arrays.append(pa.array(distinct, kind).take(indices))
        return arrays


def _constant(values: Sequence[Any]) -> bool:
    """Whether every entry equals the first (and there is one)."""
    return bool(values) and values.count(values[0]) == len(values)


def arrow_type(name: str) -> Any:
    """The Arrow type of a decision column."""
    if name in DECISION_COLUMNS[:3]:
        return pa.string()
    return pa.list_(pa.field("element", pa.string(), False))


def _objects(values: Sequence[Any]) -> Any:
    """The entries as a NumPy array of objects (a tuple stays one object)."""
    return np.fromiter(values, dtype=object, count=len(values))


def decide(screener: ColumnScreener, table: Any) -> Broadcast | None:
    """The decisions on ``table``'s rows (its column names ``screener``'s header, in order),
    or ``None`` when the vectorised path does not apply (see the module docstring)."""
    rows = screener.screener
    program = rows.program
    if not rows.enabled or program is None or program.fallback:
        return None
    if table.num_rows == 0 or table.num_columns < 2:
        return None
    coder = _Coder(screener.rule_set, program, rows)
    rest: list[tuple[Any, int]] = []
    dates: tuple[Any, int] | None = None
    amounts: tuple[Any, int] | None = None
    for j, column in enumerate(table.columns):
        codes, count = coder.code(j, column)
        if count == 1:
            continue
        if j == rows.date_at and coder.coded_dates:
            dates = (codes, count)
        elif j == rows.value_at and coder.coded_amounts:
            amounts = (codes, count)
        else:
            rest.append((codes, count))
    n = table.num_rows
    if dates is not None or amounts is not None:
        narrowed = _narrowed(screener, table, coder, rest, dates, amounts)
        if narrowed is not None:
            rest, dates, amounts = narrowed, None, None
    key = _fold([*rest, *(c for c in (dates, amounts) if c is not None)], n)
    encoded = pa.array(key, pa.int64()).dictionary_encode()
    inverse = encoded.indices.to_numpy(zero_copy_only=False)
    firsts = _firsts(inverse, len(encoded.dictionary))
    return Broadcast(_screen_rows(screener, table, firsts), inverse)


def _screen_rows(screener: ColumnScreener, table: Any, at: Any) -> ScreenedColumns:
    """The row path's entries for the rows of ``table`` at ``at``, in that order."""
    sample = table.take(pa.array(at, pa.int64()))
    return screener.screen(
        {name: text_column(sample.column(i)) for i, name in enumerate(sample.column_names)}
    )


def _fold(parts: Sequence[tuple[Any, int]], n: int) -> Any:
    """One int64 key per row from the columns' codes (each with its count of codes): equal
    exactly where every column's code is."""
    key: Any = None
    span = 1
    for codes, count in parts:
        if key is None:
            # A copy of its own, which the columns after it are folded into in place.
            key, span = np.array(codes, dtype=np.int64), count
            continue
        if span * count > _WIDE:
            key, span = _dense(key)
            if span * count > _WIDE:
                key, span = _dense(key * count + codes)
                continue
        key *= count
        key += codes
        span *= count
    if key is None:
        key = np.zeros(n, dtype=np.int64)
    return key


def _narrowed(  # noqa: PLR0917 - the parts of the key, as `decide` has them
    screener: ColumnScreener,
    table: Any,
    coder: _Coder,
    rest: list[tuple[Any, int]],
    dates: tuple[Any, int] | None,
    amounts: tuple[Any, int] | None,
) -> list[tuple[Any, int]] | None:
    """The key's parts with the purchase dates and amounts coded per content: by the intervals
    between the points of the rules that may apply to it only.

    A rule whose condition the content's own facets make false (vendor, category, buyer,
    facts...: the static part of the compiled form's mask) is false on every row with that
    content; the dates and amounts its atoms name cannot change that row's decision, nor its
    missing facts (a rule that does not apply lists none). So two rows with the same content
    whose dates (and amounts) lie between the same points of the other rules are decided
    alike. With a registry, the static part is that of the row's registry interval, and two
    intervals in which the content has the same static classes and the same resolution (the
    row path's number for them) are one: the registry's points part a content's dates only
    where its resolution changes. Each content is decided once first, by the row path on its
    first row, which gives it its template and the compiled form its classes. ``None`` when
    that does not apply: the rules' points are not known to be all there is to their dates
    and amounts, or the contents are too many for it to pay."""
    rows = screener.screener
    n = table.num_rows
    fixed = rows.as_of is not None
    points = _rule_points(rows.program, fixed)
    if points is None or (dates is None and rows.cache is not None and not fixed):
        return None
    all_days = coder.points or ()
    thresholds = coder.thresholds or ()
    width = len(all_days) + 1
    content, count = _dense(_fold(rest, n)) if rest else (np.zeros(n, dtype=np.int64), 1)
    if count * _SPARSE > n or count * (width + len(thresholds) + 1) > _TABLES:
        return None
    stand_ins, place = _stand_ins(rows, dates is not None, all_days)
    firsts = _firsts(content, count)
    sample = table.take(pa.array(firsts, pa.int64()))
    texts = [text_column(sample.column(i)) for i in range(sample.num_columns)]
    screener.screen(dict(zip(sample.column_names, texts, strict=True)))
    lanes = [
        rows.static_masks([cell or "" for cell in (column[c] for column in texts)], stand_ins)
        for c in range(count)
    ]
    day_table, amount_table, groups = _tables(lanes, place, points, all_days, thresholds)
    parts = [(content, count)]
    if dates is not None:
        codes, total = dates
        inside = codes < width
        narrow = day_table[content, np.where(inside, codes, 0)]
        parts.append(
            (np.where(inside, narrow, codes + (groups - 1) * width), total + (groups - 1) * width)
        )
    if amounts is not None:
        codes, total = amounts
        inside = codes < len(thresholds) + 1
        narrow = amount_table[content, np.where(inside, codes, 0)]
        parts.append((np.where(inside, narrow, codes), total))
    return parts


def _tables(
    lanes: list[list[tuple[int, int] | None]],
    place: Any,
    points: list[tuple[int, frozenset[dt.date], frozenset[Decimal]]],
    all_days: tuple[dt.date, ...],
    thresholds: tuple[Decimal, ...],
) -> tuple[Any, Any, int]:
    """Per content (its ``lanes``: the row path's number and static mask in each registry
    interval, see ``RowScreener.static_masks``): the code of each interval of purchase dates
    and of each interval of amounts, and how many groups of date codes there are. A date's
    code is its group (0: the interval as it is; else one more than the number of the static
    classes and tail there) times the number of intervals, plus its number among the points
    of the rules left open; an amount's, its number among the amounts of those rules (in any
    registry interval of the content), or its own where an interval has no lane."""
    width = len(all_days) + 1
    count = len(lanes)
    known_days, known_amounts = set(all_days), set(thresholds)
    day_table = np.tile(np.arange(width, dtype=np.int64), (count, 1))
    amount_table = np.tile(np.arange(len(thresholds) + 1, dtype=np.int64), (count, 1))
    narrowing: dict[int, tuple[Any, frozenset[Decimal]]] = {}  # per mask
    groups = 1
    for c, found_lanes in enumerate(lanes):
        reached: set[Decimal] = set()
        known = True
        group = np.zeros(width, dtype=np.int64)
        for k, lane in enumerate(found_lanes):
            if lane is None:
                known = False
                continue
            sid, mask = lane
            found = narrowing.get(mask)
            if found is None:
                found = narrowing[mask] = _narrowing(points, mask, all_days, known_days)
            coarse, live = found
            reached |= live
            if coarse is None:
                continue
            at = place == k
            group[at] = sid + 1
            day_table[c, at] = coarse[at]
            groups = max(groups, sid + 2)
        day_table[c] += group * width
        if known and reached <= known_amounts:
            ths = sorted(reached)
            amount_table[c, 1:] = [bisect_right(ths, t) for t in thresholds]
    return day_table, amount_table, groups


def _stand_ins(rows: Any, dated: bool, all_days: tuple[dt.date, ...]) -> tuple[list[Any], Any]:
    """A decision date for each registry interval the intervals between ``all_days`` fall
    in (one for all when there is no registry, a decision date is given, or the purchase
    dates are not ``dated``), and the place of each interval's among them."""
    width = len(all_days) + 1
    if not dated or rows.cache is None or rows.as_of is not None:
        return [rows.as_of], np.zeros(width, dtype=np.int64)
    cut = rows.cut or ()
    start = all_days[0] if all_days else dt.date.min
    days_of = [start - dt.timedelta(days=1) if start > dt.date.min else start, *all_days]
    registry_of = [bisect_right(cut, d) for d in days_of]
    order = sorted(set(registry_of))
    stand_ins = [days_of[registry_of.index(r)] for r in order]
    return stand_ins, np.array([order.index(r) for r in registry_of], dtype=np.int64)


def _narrowing(
    points: list[tuple[int, frozenset[dt.date], frozenset[Decimal]]],
    mask: int,
    all_days: tuple[dt.date, ...],
    known_days: set[dt.date],
) -> tuple[Any, frozenset[Decimal]]:
    """For a static part of the mask: each interval of purchase dates (between ``all_days``)
    numbered by the points of the rules it leaves open (``None`` if one is not among
    ``all_days``), and those rules' amounts."""
    days: set[dt.date] = set()
    reached: set[Decimal] = set()
    for slot, rule_days, rule_amounts in points:
        if not mask >> slot & 1:
            days |= rule_days
            reached |= rule_amounts
    if not days <= known_days:
        return None, frozenset(reached)
    cuts = sorted(days)
    coarse = np.array([0, *(bisect_right(cuts, d) for d in all_days)], dtype=np.int64)
    return coarse, frozenset(reached)


def _rule_points(
    program: Any, fixed_day: bool
) -> list[tuple[int, frozenset[dt.date], frozenset[Decimal]]] | None:
    """Per compiled rule: its condition's slot, and the dates and the amounts its atoms (in
    its condition and in its cases) compare the purchase date, the decision date (unless it
    is ``fixed_day``, the same for every row) and the value with; ``None`` if an atom on those
    facets is of a kind not known to read nothing else of them."""
    out = []
    for info in program.rules:
        days: set[dt.date] = set()
        reached: set[Decimal] = set()
        terms = [*info.cond, *(t for terms, _ in info.cases for t in terms)]
        for term in terms:
            for a in term.atom_indices:
                atom = program.atoms[a]
                facet = program.facets[atom.facet]
                if facet.name not in ("date", "when", "value"):
                    continue
                node = atom.node
                if facet.name == "value":
                    if type(node) is not ValueAtLeast:
                        return None
                    reached.add(node.amount.amount)
                    continue
                if fixed_day and facet.name == "when" and facet.expr == "when":
                    continue
                if isinstance(node, _Window):
                    need = node.need()
                elif type(node) in (DateOnOrAfter, DecidedOnOrAfter):
                    (need,) = needs_of(node)
                else:
                    return None
                days.update(need.points or ())
        out.append((info.cond_slot, frozenset(days), frozenset(reached)))
    return out


class _Coder:
    """How each column of a table laid out as ``rows`` (a ``RowScreener``) is coded."""

    def __init__(self, rule_set: RuleSet, program: Any, rows: Any) -> None:
        self.rows = rows
        self.thresholds = _thresholds(rule_set, program)
        self.points = _date_points(program, rows)
        self.plain_ids = not any(_READS_ID.search(f.expr) for f in program.facets)
        mapping = rows.mapping
        self.plain_amounts = (
            self.thresholds is not None
            and mapping.decimal == "."
            and (not mapping.thousands or not any(c in "0123456789." for c in mapping.thousands))
        )
        self.content = set(rows.content_at)
        if rows.date_at >= 0:
            self.content.add(rows.date_at)
        #: Whether the purchase dates were coded by interval, the amounts by threshold.
        self.coded_dates = self.coded_amounts = False

    def code(self, j: int, column: Any) -> tuple[Any, int]:
        """Column ``j``'s code per row, and how many codes there are."""
        rows = self.rows
        kind = column.type
        if not pa.types.is_dictionary(kind):
            column = _whole(column)
        named = j in (rows.id_at, rows.value_at)
        if j == rows.date_at and self.points is not None:
            self.coded_dates = True
            return _dates(column, rows, self.points)
        if j in self.content:
            return _exact(column)
        if j == rows.value_at and self.plain_amounts and pa.types.is_integer(kind):
            # An integer's text is what ``as_text`` writes: its digits, after a minus sign.
            column, kind = pc.cast(column, pa.string()), pa.string()
        if j == rows.value_at and self.plain_amounts and _is_text(kind):
            assert self.thresholds is not None
            self.coded_amounts = True
            return _amounts(column, self.thresholds)
        if j == rows.id_at and self.plain_ids and _is_text(kind):
            # Printable ASCII (no NUL, nothing to check for surrogates), not empty.
            return _plain(column, pc.ascii_is_printable(column))
        if j == rows.id_at and self.plain_ids and pa.types.is_integer(kind):
            return _plain(column, pc.is_valid(column))
        if not named and _is_text(kind):
            return _plain(column, pc.invert(pc.match_substring(column, "\x00")))
        if not named and _never_nul(kind):
            return np.zeros(len(column), dtype=np.int64), 1
        return _exact(column)


def _whole(column: Any) -> Any:
    """A chunked column as one array: its only chunk as it is (combining would copy it), or
    its chunks combined (a dictionary column's over one dictionary of their values)."""
    if isinstance(column, pa.ChunkedArray):
        return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    return column


def _firsts(inverse: Any, count: int) -> Any:
    """The first row with each key: with keys numbered in order of first appearance, the rows
    where the key exceeds every key before it."""
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    running = np.maximum.accumulate(inverse)
    new = np.empty(len(inverse), dtype=bool)
    new[0] = True
    np.greater(running[1:], running[:-1], out=new[1:])
    firsts = np.flatnonzero(new)
    if len(firsts) != count or not np.array_equal(inverse[firsts], np.arange(count)):
        # Not numbered in order of appearance: the first row of each key, the long way.
        _, firsts = np.unique(inverse, return_index=True)
    return firsts


def _is_text(kind: Any) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _never_nul(kind: Any) -> bool:
    """Whether the text of every cell of this type (``as_text``) is free of NUL bytes."""
    return bool(
        pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_decimal(kind)
        or pa.types.is_date(kind)
        or pa.types.is_timestamp(kind)
        or pa.types.is_null(kind)
    )


def _exact(column: Any) -> tuple[Any, int]:
    """Each cell's index among the column's distinct cells (nulls one more)."""
    if isinstance(column, pa.ChunkedArray):
        # Chunks of a dictionary column are combined over one dictionary of their values
        # (``unify_dictionaries`` refuses a dictionary of nulls, which a column of empty cells
        # may have: combining does not).
        column = _whole(column)
    array = column if pa.types.is_dictionary(column.type) else column.dictionary_encode()
    size = len(array.dictionary)
    indices = array.indices
    if indices.null_count:
        indices = pc.fill_null(indices, size)
    return indices.to_numpy(zero_copy_only=False).astype(np.int64), size + 1


def _plain(column: Any, plain: Any) -> tuple[Any, int]:
    """Code 0 where ``plain`` holds, else the cell's index among the other cells' distinct
    texts, after it."""
    plain = pc.fill_null(plain, False)
    if pc.all(plain).as_py():
        return np.zeros(len(column), dtype=np.int64), 1
    others = pc.if_else(plain, pa.scalar(None, column.type), column)
    codes, count = _exact(others)
    mask = plain.to_numpy(zero_copy_only=False)
    if isinstance(mask, pa.ChunkedArray):  # pragma: no cover - depends on pyarrow
        mask = mask.combine_chunks().to_numpy(zero_copy_only=False)
    return np.where(mask, 0, codes + 1), count + 1


def _amounts(column: Any, thresholds: tuple[Decimal, ...]) -> tuple[Any, int]:
    """Plain amounts coded by how many thresholds they reach, other cells by their text."""
    n = len(column)
    lengths = pc.fill_null(pc.binary_length(column), 0).to_numpy(zero_copy_only=False)
    # Digits without a leading zero (or "0"): their order is that of (length, text).
    whole = _mask(
        pc.fill_null(
            pc.and_(pc.ascii_is_decimal(column), pc.invert(pc.starts_with(column, "0"))), False
        )
    ) | _mask(pc.fill_null(pc.equal(column, "0"), False))
    whole &= lengths <= _WHOLE_DIGITS
    codes = np.zeros(n, dtype=np.int64)
    if whole.any():
        # An integer reaches a threshold exactly when it reaches the threshold's ceiling; at
        # most 18 digits fit an int64.
        bound = 10**_WHOLE_DIGITS  # beyond every amount read here
        ceilings = np.array(
            [min(max(int(t.to_integral_value(ROUND_CEILING)), -bound), bound) for t in thresholds],
            dtype=np.int64,
        )
        if whole.all():
            codes = np.searchsorted(ceilings, _numbers(column, pa.int64()), side="right")
            codes = codes.astype(np.int64)
        else:
            at = np.flatnonzero(whole)
            values = _numbers(column.take(pa.array(at, pa.int64())), pa.int64())
            codes[at] = np.searchsorted(ceilings, values, side="right")
    plain = whole
    rest = np.flatnonzero(~whole)
    if len(rest):
        # A decimal with a fraction, read as the nearest float: the order of floats is the
        # order of the amounts except where an amount's float is at (or next to) a
        # threshold's, and those amounts are coded by their text.
        others = column.take(pa.array(rest, pa.int64()))
        part = _mask(pc.fill_null(pc.match_substring_regex(others, _FRACTION_AMOUNT), False))
        if part.any():
            at = rest[part]
            amounts = _numbers(others.filter(pa.array(part)), pa.float64())
            points = np.array([float(t) for t in thresholds], dtype=np.float64)
            reached = np.searchsorted(points, amounts, side="right")
            near = np.zeros(len(at), dtype=bool)
            if len(points):
                below = points[np.clip(reached - 1, 0, len(points) - 1)]
                above = points[np.clip(reached, 0, len(points) - 1)]
                room = 1e-9 * np.maximum(1.0, np.abs(amounts))
                near = (np.abs(amounts - below) <= room) | (np.abs(amounts - above) <= room)
            codes[at[~near]] = reached[~near]
            plain = plain.copy()
            plain[at[~near]] = True
    buckets = len(thresholds) + 1
    if plain.all():
        return codes, buckets
    unplain = pc.if_else(pa.array(plain), pa.scalar(None, column.type), column)
    text_codes, count = _exact(unplain)
    return np.where(plain, codes, buckets + text_codes), buckets + count


def _mask(values: Any) -> Any:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values.to_numpy(zero_copy_only=False)


def _numbers(text: Any, kind: Any) -> Any:
    values = pc.cast(text, kind)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values.to_numpy(zero_copy_only=False)


def _dense(key: Any) -> tuple[Any, int]:
    """The key renumbered 0, 1, ... by distinct value."""
    encoded = pa.array(key, pa.int64()).dictionary_encode()
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), len(encoded.dictionary)


def _thresholds(rule_set: RuleSet, program: Any) -> tuple[Decimal, ...] | None:
    """The amounts of every ``value_at_least`` node in the rule set (and the sets it includes),
    sorted; ``None`` if a node of a kind not known to leave the amount alone is in it, or the
    compiled form reads the value other than on its own facet."""
    if any(_READS_VALUE.search(f.expr) and f.name != "value" for f in program.facets):
        return None
    found: set[Decimal] = set()
    for node in _nodes(rule_set):
        kind = type(node)
        if kind is ValueAtLeast:
            assert isinstance(node, ValueAtLeast)
            found.add(node.amount.amount)
        elif kind not in _NOT_VALUE and kind not in CONNECTIVES + QUANTIFIERS + tuple(CONSTANTS):
            return None
    return tuple(sorted(found))


def _date_points(program: Any, rows: Any) -> tuple[dt.date, ...] | None:
    """Where a purchase date's class may change: the points of the compiled form's facets on
    the purchase date and the decision date, and the registry's; ``None`` if a facet reads
    either date otherwise (exactly, or with a fact), or the rows state when the equipment was
    acquired (which must not be after the purchase date, an error that names both). With a
    decision date given (``as_of``), every row is decided on that date: the facet on the
    decision date and the registry's interval are the same for every row, and their points
    do not part purchase dates."""
    mapping = rows.mapping
    fixed = set(mapping.constants) | {t for m in mapping.value_maps for t in m.targets()}
    if "acquired" in fixed or any("field:acquired" in keys for keys in rows.roles):
        return None
    fixed_day = rows.as_of is not None
    found: set[dt.date] = set() if fixed_day else set(rows.cut or ())
    for facet in program.facets:
        # A component quantifier's key is ``None`` or ``()`` for every row: a ledger row
        # declares no components (or none, with ``none``), whatever its dates.
        if facet.name.startswith("quantifier:"):
            continue
        if fixed_day and facet.name == "when" and facet.expr == "when":
            continue  # the decision date itself: ``as_of`` on every row
        if _READS_DATE.search(facet.expr):
            if facet.name not in ("date", "when") or facet.points is None:
                return None
            found.update(facet.points)
    return tuple(sorted(found))


def _dates(column: Any, rows: Any, points: tuple[dt.date, ...]) -> tuple[Any, int]:
    """Each purchase date coded by the interval between ``points`` it is in, read once per
    distinct cell by the row path's own reading; an empty cell, and any cell that is not a
    date written as ISO does, coded by its text."""
    if isinstance(column, pa.ChunkedArray):
        column = _whole(column)  # over one dictionary, as in ``_exact``
    encoded = column if pa.types.is_dictionary(column.type) else column.dictionary_encode()
    buckets = len(points) + 1
    table = []
    others: dict[str, int] = {}
    for value in encoded.dictionary.to_pylist():
        text = "" if value is None else as_text(value)
        day = rows._date(text) if text else None
        if isinstance(day, dt.date) and day.isoformat() == text:
            table.append(bisect_right(points, day))
        else:
            table.append(buckets + others.setdefault(text, len(others)))
    table.append(buckets + others.setdefault("", len(others)))  # a null is an empty cell
    indices = encoded.indices
    if indices.null_count:
        indices = pc.fill_null(indices, len(table) - 1)
    lookup = np.array(table, dtype=np.int64)
    return lookup[indices.to_numpy(zero_copy_only=False)], buckets + len(others)


def _nodes(rule_set: RuleSet) -> Iterator[Predicate]:
    pending: list[Predicate] = []
    for layer in rule_set.layers():
        for rule in layer.rules:
            pending.append(rule.when)
            if rule.unless is not None:
                pending.append(rule.unless)
            pending.extend(case.when for case in rule.cases)
    while pending:
        node = pending.pop()
        yield node
        pending.extend(node.children)


def text_column(column: Any) -> list[str | None]:
    """The column's cells as text (``None`` for a null or empty cell), each distinct value
    converted once."""
    if isinstance(column, pa.ChunkedArray):
        column = _whole(column)
    encoded = column if pa.types.is_dictionary(column.type) else column.dictionary_encode()
    words = [None if v is None else as_text(v) for v in encoded.dictionary.to_pylist()]
    texts = [None if w == "" else w for w in words]
    return [None if i is None else texts[i] for i in encoded.indices.to_pylist()]
