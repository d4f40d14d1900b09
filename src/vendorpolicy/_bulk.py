"""Screening many rows without a validated ``Purchase`` per row.

A row is split into what names it (the purchase id, the kept columns), what varies from row to
row (the amount and the purchase date) and the rest, its *content* (buyer, vendor, supplier,
category, facts...). Each distinct content is read once the ordinary way (``_to_purchase``) into
a template purchase; each distinct amount and date cell is validated once, by the functions the
ordinary way uses. A row is then the template's fields with its own amount and date, on a
:class:`~vendorpolicy._compile._bulk.Shim`, mapped to the compiled form's class ids, and every
row with the same class ids (and the same warnings, resolution and supplier) gets the same
decision: its result record is computed once, from the first such row decided the ordinary way,
and written for the others with their own line, id, date and kept columns.

Whatever the fast path cannot vouch for is decided the ordinary way, row by row, and gives what
it gives today: a row that does not split cleanly into cells, a cell that does not validate, a
content whose purchase breaks the vocabulary or is decided by the interpreter (custom
predicates, escalated facts, ambiguous names that may be settled), a decision with errors, any
key the compiled form has not seen yet. Every row yields a decision or an error record.

A CSV result file is written by one loop generated for the ledger's layout (`_CsvLoop`): the
quick path's steps and the writing of a line, with the compiled form's per-row facets inlined.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import json
import operator
import os
import re
import threading
from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterator, Sequence
from decimal import Decimal
from typing import IO, Any, TextIO

import attrs

from vendorpolicy._compile._bulk import Amount, Classifier, Shim, missing_facts
from vendorpolicy._compile._lazy import LazyDecision
from vendorpolicy._compile._program import _slot_value
from vendorpolicy._ledger import (
    MAX_RECORD_CHARS,
    RESULT_COLUMNS,
    LedgerRow,
    RowError,
    ScreenedRow,
    ScreeningSummary,
    SummaryTally,
    _amount,
    _cell_rows,
    _check_header,
    _csv_cell,
    _csv_line,
    _csv_quote,
    _date,
    _file_error,
    _open_ledger,
    _refuse_non_text,
    csv_records,
    detect_format,
    result_record,
    screen,
)
from vendorpolicy._mapping import ColumnMapping
from vendorpolicy._model import Money
from vendorpolicy._registry import Registry
from vendorpolicy._rules import RuleSet
from vendorpolicy._vocabcheck import ExtraFacts, OutsideVocabulary
from vendorpolicy._vocabulary import Vocabulary

__all__ = ["BulkRows", "BulkRun", "RowScreener"]

#: A content read the ordinary way this often without giving a template is left to it.
_TRIES = 3
#: How many shapes built from the compiled form are checked against a row decided the
#: ordinary way, in each run: a disagreement turns the fast path off for the rest of it.
_VERIFY = 32
_SURROGATE = re.compile("[\udc80-\udcff]")
#: The fields of a result record that name the row, not the decision.
_PER_ROW = ("line", "purchase_id", "as_of", "credit_memo", "kept")
_BAD = object()


#: What :meth:`RowScreener.quick` keeps per content and registry interval: the number of the
#: static classes and tail, the resolved vendor, components and buyer, the base of the masks
#: and the number of the tail.
_Lane = tuple[int, Any, Any, Any, int, int]


class _Entry:
    """One distinct content: its template purchase (with a shim to put a row's fields on), and
    per registry interval the resolution and the class ids of the facets it fixes."""

    __slots__ = (
        "acquired",
        "by_resolution",
        "currency",
        "day",
        "extras",
        "lanes",
        "party",
        "shim",
        "slow",
        "supplier_country",
        "template",
        "tries",
        "warnings",
    )

    def __init__(self) -> None:
        self.template: Any = None
        self.warnings: tuple[str, ...] = ()
        self.supplier_country: str | None = None
        self.shim: Shim | None = None
        self.tries = 0
        self.slow = False
        #: interval -> (extra, static class ids, tail) once learnt.
        self.extras: dict[int | None, tuple[Any, int]] = {}
        #: interval -> (the number of the static classes and tail, the resolved vendor,
        #: components and buyer), for :meth:`RowScreener.quick`.
        self.lanes: dict[int | None, _Lane] = {}
        #: The template's currency (``None``: it has no value), acquisition date, and its own
        #: date's (date, decision date, registry interval).
        self.currency: str | None = None
        self.acquired: dt.date | None = None
        self.day: tuple[Any, Any, Any] = (None, None, None)
        #: The number of the template's (vendor, supplier, components, buyer).
        self.party = -1
        #: What ``extras`` holds, by the number of the resolution (see `RowScreener._lookup`).
        self.by_resolution: dict[int, tuple[Any, int]] = {}

    def adopt(self, template: Any, as_of: dt.date | None, points: Sequence[dt.date] | None) -> None:
        """Take ``template`` as the purchase this content reads as."""
        self.template = template
        self.shim = Shim(template)
        self.currency = None if template.value is None else template.value.currency
        self.acquired = template.acquired
        self.day = _day(template.date, as_of, points)


class Shape:
    """What every row with the same class ids gets: the result record but for its own fields,
    ready to write, and its share of the summary."""

    __slots__ = (
        "_csv",
        "_json",
        "count",
        "effect",
        "missing",
        "record",
        "rules",
        "settled",
        "supplier",
        "warned",
    )

    def __init__(self, record: dict[str, Any], supplier: str) -> None:
        self.record = {k: v for k, v in record.items() if k not in _PER_ROW}
        self._csv: str | None = None
        self._json: list[str] | None = None
        self.count = 0
        self.effect = record["effect"]
        self.warned = bool(record["warnings"])
        self.rules = tuple(record["determining"])
        self.missing = tuple(record["missing_facts"]) if record["basis"] == "unknown" else ()
        self.supplier = supplier
        #: Whether every row with the same mask and tail has this record (its missing facts
        #: are the mask's own).
        self.settled = False

    @property
    def csv(self) -> str:
        """The record's cells from ``status`` to ``digest``, as a CSV result file has them."""
        if self._csv is None:
            record = self.record
            self._csv = ",".join([_cell_text(record[c]) for c in RESULT_COLUMNS[2:15]])
        return self._csv

    @property
    def json(self) -> list[str]:
        """The record as JSON Lines writes it, in the pieces between the per-row fields."""
        if self._json is None:
            self._json = self._pieces()
        return self._json

    def _pieces(self) -> list[str]:
        probe: dict[str, Any] = dict(self.record)
        marks = {k: f"\x00{k}\x00" for k in _PER_ROW}
        probe.update(marks)
        text = json.dumps(probe, ensure_ascii=False, sort_keys=True)
        # The pieces between the per-row fields, in the order sort_keys writes them.
        order = sorted(_PER_ROW)
        pieces = []
        rest = text
        for k in order:
            before, _, rest = rest.partition(json.dumps(marks[k]))
            pieces.append(before)
        pieces.append(rest)
        return pieces


#: The CSV text of record values seen (by type and value: ``True == 1``), for the shapes: most
#: cells of one shape are those of others (the rule set's id, the rules' reasons...).
_CELL_TEXTS: dict[tuple[type, Hashable], str] = {}


def _cell_text(value: Any) -> str:
    """``_csv_quote(_csv_cell(value))``, remembered."""
    key = (type(value), tuple(value) if type(value) is list else value)
    try:
        found = _CELL_TEXTS.get(key)
    except TypeError:  # pragma: no cover - record values are text, lists of text and flags
        return _csv_quote(_csv_cell(value))
    if found is None:
        if len(_CELL_TEXTS) >= 1 << 12:
            _CELL_TEXTS.clear()
        found = _CELL_TEXTS[key] = _csv_quote(_csv_cell(value))
    return found


def _joined(cells: Callable[[Sequence[str]], tuple[str, ...]]) -> Callable[[Sequence[str]], str]:
    """The row's ``cells`` joined by NUL (see `RowScreener.content_of`)."""
    join = "\x00".join
    return lambda row: join(cells(row))


class RowScreener:
    """Decides rows of text cells laid out as ``roles`` says (``_check_header``), the fast way
    where it can; see the module docstring."""

    def __init__(
        self,
        rule_set: RuleSet,
        roles: Sequence[tuple[str, ...]],
        mapping: ColumnMapping,
        *,
        as_of: dt.date | None = None,
        registry: Registry | None = None,
        resolver: Any = None,
        outside_vocabulary: OutsideVocabulary = "error",
        extra_facts: ExtraFacts = (),
        vocabulary: Vocabulary | None = None,
    ) -> None:
        from vendorpolicy._engine import _program  # noqa: PLC0415 - the engine's own

        self.rule_set = rule_set
        self.roles = list(roles)
        self.mapping = mapping
        self.as_of = as_of
        self.registry = registry
        self.options: dict[str, Any] = {
            "as_of": as_of,
            "registry": registry,
            "resolver": resolver,
            "outside_vocabulary": outside_vocabulary,
            "extra_facts": extra_facts,
            "vocabulary": vocabulary,
        }
        program = _program(rule_set)
        self.program = program
        self.enabled = (
            program is not None
            and not program.fallback
            and resolver is None
            and type(rule_set) is RuleSet
            and (registry is None or type(registry) is Registry)
            and os.environ.get("VENDORPOLICY_INTERPRET", "") in ("", "0")
        )
        self.classifier = Classifier(program) if self.enabled and program else None
        self.dynamic_ids: Callable[..., tuple[int, ...] | None] = (
            self.classifier.dynamic_ids if self.classifier is not None else lambda *_: None
        )
        #: Whether :meth:`quick` looks a row's shape up by its mask (see ``by_row_mask``)
        #: rather than by its classes.
        self.masked = self.classifier is not None and self.classifier.separable
        self.cache = (
            program._resolution_cache(registry)
            if self.enabled and program is not None and registry is not None
            else None
        )
        self.points = self.cache.points if self.cache is not None else ()
        #: The registry's points, ``None`` without a registry (no intervals).
        self.cut: Sequence[dt.date] | None = self.cache.points if self.cache is not None else None
        self.contents: dict[str, _Entry] = {}
        self.amounts: dict[str, Any] = {}
        self.dates: dict[str, Any] = {}
        #: Per date cell that validated: (date, decision date, registry interval).
        self.days: dict[str, tuple[Any, Any, Any]] = {}
        #: A number per distinct (vendor, supplier, components, buyer) of the templates, and
        #: the resolution cache's answer per (that number, registry interval).
        self.parties: dict[Hashable, int] = {}
        self.lookups: dict[tuple[int, int | None], Any] = {}
        #: Per resolution seen (by value, see `_lookup`): the first answer that gave it, and
        #: its number.
        self.resolved: dict[Hashable, tuple[Any, int]] = {}
        self.shapes: dict[Hashable, Shape] = {}
        #: Shapes built from the compiled form that are checked against the ordinary way.
        self.verify = _VERIFY
        #: The number of each (static classes, tail) pair, and each number's tail.
        self.sids: dict[Hashable, int] = {}
        self.tails: list[tuple[Any, ...]] = []
        self.statics: list[tuple[int, ...]] = []
        #: Per such number: the program's base mask ORed with the static classes' masks (see
        #: ``Classifier.separable``), and the number of its tail among ``tail_ids``.
        self.bases: list[int] = []
        self.tail_of: list[int] = []
        self.tail_ids: dict[Hashable, int] = {}
        #: For :meth:`quick` when ``masked``: the shape by (tail number, mask), for the masks
        #: whose missing facts are settled (every row with that tail and mask has its record),
        #: ``None`` for those that are not (the shape is then looked up by the classes).
        self.by_row_mask: dict[tuple[int, int], Shape | None] = {}
        #: Missing facts by (static classes, dynamic classes, behind), for unsettled masks.
        self.missing: dict[Hashable, tuple[str, ...]] = {}
        #: Shapes by (mask, tail), for the masks whose missing facts are settled.
        self.by_mask: dict[Hashable, Shape] = {}
        self._layout()

    def _layout(self) -> None:
        """Which cells name the row, which vary, which make its content."""
        mapping = self.mapping
        fixed = set(mapping.constants) | {t for m in mapping.value_maps for t in m.targets()}
        self.id_at = self.value_at = self.date_at = -1
        self.kept_at: list[tuple[int, str]] = []
        content: list[int] = []
        for j, keys in enumerate(self.roles):
            kept = [k for k in keys if k.startswith("keep:")]
            self.kept_at.extend((j, k[len("keep:") :]) for k in kept)
            rest = tuple(k for k in keys if not k.startswith("keep:"))
            if rest == ("field:id",) and isinstance(mapping.id, str) and "id" not in fixed:
                self.id_at = j
            elif rest == ("field:value",) and "value" not in fixed:
                self.value_at = j
            elif rest == ("field:date",) and "date" not in fixed:
                self.date_at = j
            elif rest:
                content.append(j)
        self.content_at = content
        self.width = len(self.roles)
        #: The content cells of a row (a tuple when there are several), and the row's content
        #: as one text: those cells joined by NUL, which no cell of a row the fast path takes
        #: holds (one with a NUL is decided the ordinary way before its content is asked
        #: for), so that two rows have the same text exactly when they have the same cells.
        #: One text is hashed and compared in one step where a tuple of cells takes one per
        #: cell, and a row's cells are new texts each time, hashed anew.
        self.content_cells: Callable[[Sequence[str]], Any] = (
            operator.itemgetter(*content) if content else (lambda cells: ())
        )
        self.content_of: Callable[[Sequence[str]], str]
        if len(content) > 1:
            self.content_of = _joined(self.content_cells)
        elif content:
            self.content_of = operator.itemgetter(content[0])  # the one cell itself
        else:
            self.content_of = lambda cells: ""
        if any(k.startswith("idpart:") for keys in self.roles for k in keys):
            self.enabled = False

    # --- one row -----------------------------------------------------------------------------

    def ordinary(self, line: int, cells: list[str] | None) -> list[ScreenedRow | RowError]:
        """The row read and decided as ``read_ledger`` and ``screen`` do (none for a blank
        line)."""
        rows = _cell_rows(iter([(line, cells)]), self.roles, self.mapping)
        return list(screen(self.rule_set, rows, **self.options))

    def row(self, line: int, cells: list[str] | None) -> Any:
        """A :class:`Shape` with the row's own fields, as ``(shape, line, id, when, credit
        memo, kept)``, or the ordinary results (a list)."""
        if (
            not self.enabled
            or cells is None
            or len(cells) != len(self.roles)
            or (len(cells) == 1 and not cells[0].strip())
        ):
            return self.ordinary(line, cells)
        joined = "".join(cells)
        if "\x00" in joined or (not joined.isascii() and _SURROGATE.search(joined)):
            return self.ordinary(line, cells)
        key = self.content_of(cells)
        entry = self.contents.get(key)
        if entry is None:
            entry = self.contents[key] = _Entry()
        if entry.slow:
            return self.ordinary(line, cells)
        found = self._fields(entry, cells)
        results: list[ScreenedRow | RowError] | None = None
        if found is None:
            # Decided the ordinary way, which gives the content its template; the row goes on
            # the fast way from there when it can (its shape is the one the rows like it get).
            results, found = self._learn(entry, line, cells)
            if found is None:
                return results
        shape_key, pid, when, credit = found
        shape = self.shapes.get(shape_key)
        if shape is None:
            shape = self._shape(entry, shape_key, when)
            if shape is None:
                return results if results is not None else self._learn(entry, line, cells)[0]
            if self.verify > 0:
                # The first shapes are also decided the ordinary way, and must agree.
                self.verify -= 1
                if results is None:
                    results = self.ordinary(line, cells)
                same = len(results) == 1 and isinstance(results[0], ScreenedRow)
                if same:
                    record = result_record(results[0], self.rule_set)
                    same = {k: v for k, v in record.items() if k not in _PER_ROW} == shape.record
                if not same:  # pragma: no cover - a bug in the fast path; never its answer
                    self.enabled = False
                    return results
            self.shapes[shape_key] = shape
        return (shape, line, pid, when, credit, self._kept(cells))

    def quick(self) -> Callable[[Sequence[str]], tuple[Shape, str, Any, bool] | None]:  # noqa: PLR0915 - the hot path, in one frame
        """``quick(cells)``: the row's shape, id, decision date and credit memo flag, from what
        earlier rows taught; ``None`` at anything new or irregular, when the caller asks
        :meth:`row` (which learns, or decides the row the ordinary way). What it learns itself
        needs no purchase: a registry interval its content has not met (:meth:`_lane`), and
        classes not met with its content's (:meth:`_new_shape`, from the compiled form's
        tables). What it returns is what :meth:`row` would: the same checks on the same cells,
        read through the same tables. (A closure over the screener's tables: the hot path reads
        no attributes.) ``check``'s CSV output runs the same steps inlined in one loop
        (`_CsvLoop`)."""
        width, id_at, value_at, date_at = self.width, self.id_at, self.value_at, self.date_at
        contents_get, content_of = self.contents.get, self.content_of
        amounts, dates, days = self.amounts, self.dates, self.days
        parse_amount, parse_date, as_of, cut = self._amount, self._date, self.as_of, self.cut
        surrogate, bad, join = _SURROGATE.search, _BAD, "".join
        decimal, new_lane, new_shape = Decimal, self._lane, self._new_shape
        masked = self.masked
        dynamic: Callable[..., Any] = self.dynamic_ids
        shapes_get: Callable[[Any], Shape | None] = self.shapes.get
        if masked:
            assert self.classifier is not None
            dynamic = self.classifier.dynamic_mask
            shapes_get = self.by_row_mask.get

        def quick(cells: Any) -> tuple[Shape, str, Any, bool] | None:  # noqa: PLR0915
            if len(cells) != width or (width == 1 and not cells[0].strip()):
                return None
            joined = join(cells)
            if "\x00" in joined or (not joined.isascii() and surrogate(joined)):
                return None
            entry = contents_get(content_of(cells))
            if entry is None:
                return None
            shim = entry.shim
            if shim is None:  # no template yet (an entry with one is never `slow`)
                return None
            pid = ""
            if id_at >= 0:
                pid = cells[id_at].strip()
                if not pid.isascii():
                    return None
            credit = False
            if value_at >= 0:
                cell = cells[value_at]
                if cell.isdigit() and cell.isascii():  # what `_amount` makes of plain digits
                    amount = decimal(cell)
                else:
                    found = amounts.get(cell)
                    if found is None:
                        found = amounts[cell] = parse_amount(cell)
                    if found is bad:
                        return None
                    amount, credit = found
                currency = entry.currency
                if amount is None:
                    if currency is not None:
                        return None
                    shim.value = None
                elif currency is None:
                    return None
                else:
                    shim.value = Amount(amount, currency)
            if date_at >= 0:
                cell = cells[date_at]
                day = days.get(cell)
                if day is None:
                    found = dates.get(cell, bad)
                    if found is bad:
                        found = dates[cell] = parse_date(cell)
                    if found is bad:
                        return None
                    day = days[cell] = _day(found, as_of, cut)
                date, when, interval = day
                acquired = entry.acquired
                if acquired is not None and date is not None and acquired > date:
                    return None
                shim.date = date
            else:
                date, when, interval = entry.day
            lane = entry.lanes.get(interval)
            if lane is None:
                lane = new_lane(entry, when, interval)
                if lane is None:
                    return None
            shim.id = pid
            sid, vendor, components, buyer, base, tid = lane
            found = dynamic(shim, when, vendor, components, buyer)
            if found is None:
                return None
            shape = shapes_get((tid, base | found) if masked else (sid, found))
            if shape is None:
                shape = new_shape(entry, lane, when, found)
                if shape is None:
                    return None
            return shape, pid, when, credit

        return quick

    def _lane(self, entry: _Entry, when: dt.date | None, interval: int | None) -> _Lane | None:
        """For :meth:`quick`, a registry interval the content has not met yet: the number of
        its static classes and tail, the resolved vendor, components and buyer, as
        :meth:`_fields` finds them (``None`` when it would not), the base of its masks and the
        number of its tail."""
        learnt = entry.extras.get(interval)
        if learnt is None and self.cache is not None:
            # The common case, as `_interval` has it: the party's resolution in this interval
            # is known, and the content has met it in another interval.
            found = self.lookups.get((entry.party, interval))
            if found is not None and not found[0].may_settle:
                learnt = entry.by_resolution.get(found[1])
                if learnt is not None:
                    entry.extras[interval] = learnt
        if learnt is None:
            learnt = self._interval(entry, when, interval)
            if learnt is None:
                return None
        extra, sid = learnt
        source = entry.template if extra is None else extra
        lane = entry.lanes[interval] = (
            sid,
            source.vendor,
            source.components,
            source.buyer,
            self.bases[sid],
            self.tail_of[sid],
        )
        return lane

    def _new_shape(
        self, entry: _Entry, lane: _Lane, when: dt.date | None, found: Any
    ) -> Shape | None:
        """For :meth:`quick`, a row whose shape it has not met (the row's fields on the
        entry's shim, ``found`` what it looked its shape up by): the shape :meth:`row` gives
        it, once the first shapes have been checked against the ordinary way (``None``
        before, and whenever :meth:`row` would not give one: a class with errors, a decision
        with errors). When ``masked``, a shape of a settled mask is kept by its tail and mask,
        the mask of an unsettled one marked."""
        assert self.classifier is not None
        sid, vendor, components, buyer, base, tid = lane
        classes = self.classifier.dynamic(entry.shim, when, vendor, components, buyer)
        if classes is None:
            return None
        key = (sid, classes)
        shape = self.shapes.get(key)
        if shape is None:
            if self.verify > 0 or not self.enabled:
                return None
            shape = self._shape(entry, key, when)
            if shape is None:
                return None
            self.shapes[key] = shape
        if self.masked:
            self.by_row_mask.setdefault((tid, base | found), shape if shape.settled else None)
        return shape

    def _shape(self, entry: _Entry, key: Any, when: dt.date | None) -> Shape | None:
        """The shape of the row on the entry's shim, from the compiled form's own tables and
        decoding, as a compiled decision reads it; ``None`` if its decision has errors."""
        program = self.program
        assert program is not None
        template, shim = entry.template, entry.shim
        interval = None if when is None or self.cache is None else bisect_right(self.points, when)
        extra = entry.extras[interval][0]
        if extra is None:
            vendor, components, buyer = template.vendor, template.components, template.buyer
            behind: dict[str, tuple[str, ...]] = {}
        else:
            vendor, components, buyer = extra.vendor, extra.components, extra.buyer
            behind = extra.behind or {}
        mask = program.slots(shim, when, vendor, components, buyer)
        core = program.outcomes.get(mask)
        if core is None:
            core = program._decode(mask, mask, ())
        if core.errors is None or core.errors:
            return None
        tail = self.tails[key[0]]
        settled = core.missing_facts is not None
        if settled:
            # Every row with this mask and tail has the same record.
            shared = self.by_mask.get((mask, tail))
            if shared is not None:
                return shared
        missing = core.missing_facts
        if missing is None:
            # A function of every facet's class (their atoms' values and missing facts) and
            # of what is behind an unknown vendor: shared by the contents with the same classes.
            known = (self.statics[key[0]], key[1], tail[2])
            missing = self.missing.get(known)
            if missing is None:
                missing = missing_facts(program, shim, when, extra, behind, mask)
                self.missing[known] = missing
        n = program.slot_count
        reasons = []
        for i in core.determining:
            rule = program.rules[i].rule
            reason = rule.reason
            earlier_false = True
            for k, (slot, _) in enumerate(program.rules[i].case_slots):
                value = _slot_value(slot, mask, n)
                if value is True:
                    if earlier_false:
                        reason = rule.cases[k].reason or rule.reason
                    break
                if value is not False:
                    earlier_false = False
            if reason:
                reasons.append(reason)
        record = {
            "line": 0,
            "purchase_id": "",
            "status": "decided",
            "effect": core.effect.value,
            "basis": core.basis.value,
            "determining": list(core.determining_keys),
            "reason": "; ".join(reasons),
            "obligations": list(core.obligations),
            "missing_facts": list(missing),
            "errors": [],
            "warnings": list(tail[0]),
            "resolved": list(tail[3]),
            "rule_set": core.rule_set,
            "version": core.version,
            "digest": core.digest,
            "as_of": None,
            "credit_memo": False,
            "kept": {},
        }
        shape = Shape(record, tail[1])
        if settled:
            shape.settled = True
            self.by_mask[mask, tail] = shape
        return shape

    def static_masks(
        self, cells: Sequence[str], days: Sequence[dt.date | None]
    ) -> list[tuple[int, int] | None]:
        """For the row's content, on each decision date in ``days``: the number of its static
        classes and tail there (those of its registry interval, as :meth:`quick` has them)
        and the bits of the compiled form's mask those classes fix (the program's base ORed
        with the masks of the classes of the facets that read neither the row's value nor its
        dates nor its id). ``None`` for a date where :meth:`quick` would have none, or where
        one of those classes has an error; for every date when the content has no template
        yet. A slot whose bit for "false" is set there is false on every row with that
        content whose decision date is in that interval, whatever its value and dates."""
        none: list[tuple[int, int] | None] = [None] * len(days)
        if not self.enabled or self.classifier is None or self.program is None:
            return none
        if len(cells) != self.width:
            return none
        entry = self.contents.get(self.content_of(list(cells)))
        if entry is None or entry.slow or entry.template is None or entry.shim is None:
            return none
        out: list[tuple[int, int] | None] = []
        for when in days:
            interval = (
                None if when is None or self.cache is None else bisect_right(self.points, when)
            )
            lane = entry.lanes.get(interval) or self._lane(entry, when, interval)
            found = None
            if lane is not None:
                sid, vendor, components, buyer, _, _ = lane
                found = self.classifier.static_mask(entry.shim, when, vendor, components, buyer)
            if lane is None or found is None or found & self.classifier.error_bit:
                out.append(None)
            else:
                out.append((sid, self.program.base | found))
        return out

    def _kept(self, cells: list[str]) -> dict[str, str]:
        return {name: cells[j] for j, name in self.kept_at} if self.kept_at else {}

    def _fields(
        self, entry: _Entry, cells: list[str]
    ) -> tuple[tuple[int, Any], str, Any, bool] | None:
        """The row's shape key, id, decision date and credit memo flag; ``None`` when the fast
        path cannot vouch for it yet."""
        template = entry.template
        shim = entry.shim
        if template is None or shim is None:
            return None
        pid = ""
        if self.id_at >= 0:
            pid = cells[self.id_at].strip()
            if not pid.isascii():
                return None
        credit = False
        if self.value_at >= 0:
            found = self.amounts.get(cells[self.value_at])
            if found is None:
                found = self.amounts[cells[self.value_at]] = self._amount(cells[self.value_at])
            if found is _BAD:
                return None
            amount, credit = found
            if (amount is None) != (template.value is None):
                return None
            shim.value = None if amount is None else Amount(amount, template.value.currency)
        date = template.date
        if self.date_at >= 0:
            date = self.dates.get(cells[self.date_at], _BAD)
            if date is _BAD:
                date = self.dates[cells[self.date_at]] = self._date(cells[self.date_at])
            if date is _BAD:
                return None
            if template.acquired is not None and date is not None and template.acquired > date:
                return None
            shim.date = date
        shim.id = pid
        when = self.as_of if self.as_of is not None else date
        interval = None if when is None or self.cache is None else bisect_right(self.points, when)
        learnt = entry.extras.get(interval)
        if learnt is None:
            learnt = self._interval(entry, when, interval)
            if learnt is None:
                return None
        extra, sid = learnt
        if extra is None:
            vendor, components, buyer = template.vendor, template.components, template.buyer
        else:
            vendor, components, buyer = extra.vendor, extra.components, extra.buyer
        assert self.classifier is not None
        dynamic = self.classifier.dynamic(shim, when, vendor, components, buyer)
        if dynamic is None:
            dynamic = self._fill(entry, when, vendor, components, buyer)
            if dynamic is None:
                return None
        return (sid, dynamic), pid, when, credit

    def _fill(
        self, entry: _Entry, when: dt.date | None, vendor: Any, components: Any, buyer: Any
    ) -> tuple[int, ...] | None:
        """A key the compiled form has not seen: a purchase is built for it (once: the next
        rows with it find it in the tables) and its atoms evaluated the compiled form's way."""
        shim = entry.shim
        program = self.program
        assert shim is not None
        assert program is not None
        assert self.classifier is not None
        try:
            value = shim.value
            money = None if value is None else Money(amount=value.amount, currency=value.currency)
            subject = attrs.evolve(
                entry.template,
                value=money,
                date=shim.date,
                id=shim.id,
                vendor=vendor,
                components=components,
                buyer=buyer,
            )
            program.slots(subject, when, vendor, components, buyer)
        except Exception:
            return None
        self.classifier.learn(shim, when, vendor, components, buyer)
        return self.classifier.dynamic(shim, when, vendor, components, buyer)

    def _amount(self, raw: str) -> Any:
        text = raw.strip()
        if not text:
            return (None, False)
        if text.isdigit() and text.isascii():  # what `_amount` makes of plain digits
            return (Decimal(text), False)
        parsed = _amount(text, self.mapping)
        if parsed is None:
            return _BAD
        return (Decimal(parsed.lstrip("-")), parsed.startswith("-"))

    def _date(self, raw: str) -> Any:
        text = raw.strip()
        if not text:
            return None
        errors: list[str] = []
        value = _date(text, self.mapping, errors)
        if errors or not isinstance(value, str):
            return _BAD
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return _BAD

    def _learn(
        self, entry: _Entry, line: int, cells: list[str]
    ) -> tuple[list[ScreenedRow | RowError], tuple[tuple[int, Any], str, Any, bool] | None]:
        """The row decided the ordinary way, and its fields as :meth:`_fields` reads them when
        the fast way may take it (the content has its template, and the ordinary decision
        names the same id and date)."""
        results = self.ordinary(line, cells)
        if entry.slow or len(results) != 1 or not isinstance(results[0], ScreenedRow):
            self._failed(entry)
            return results, None
        result = results[0]
        decision = result.decision
        if not isinstance(decision, LazyDecision) or decision.errors:
            self._failed(entry)
            return results, None
        purchase = result.purchase
        if entry.template is None:
            entry.adopt(purchase, self.as_of, self.cut)
            party = (purchase.vendor, purchase.supplier, purchase.components, purchase.buyer)
            entry.party = self.parties.setdefault(party, len(self.parties))
            entry.warnings = tuple(decision.warnings)
            entry.supplier_country = result.supplier_country
        found = self._fields(entry, cells)
        if found is None:
            self._failed(entry)
            return results, None
        _, pid, when, _ = found
        if decision.purchase_id != pid or decision.as_of != when:
            return results, None
        return results, found

    def _interval(
        self, entry: _Entry, when: dt.date | None, interval: int | None
    ) -> tuple[Any, int] | None:
        """The resolution and the class ids of the facets the content fixes, for one registry
        interval, and what else the record reads of the resolution; ``None`` until they are in
        the program's tables."""
        template = entry.template
        extra = None
        behind: Hashable = ()
        resolved: tuple[str, ...] = ()
        identified = False
        rc = -1
        if self.cache is not None:
            found = self.lookups.get((entry.party, interval))
            if found is None:
                found = self._lookup(entry, when, interval)
                if found is None:
                    return None
            extra, rc, behind, resolved, identified = found
            if extra.may_settle:
                return None
            # The same resolution as in another interval: the same classes and tail.
            learnt = entry.by_resolution.get(rc)
            if learnt is not None:
                entry.extras[interval] = learnt
                return learnt
            vendor, components, buyer = extra.vendor, extra.components, extra.buyer
        else:
            vendor, components, buyer = template.vendor, template.components, template.buyer
        assert self.classifier is not None
        static = self.classifier.static(entry.shim, when, vendor, components, buyer)
        if static is None:
            # Keys not seen yet (a vendor as the registry resolves it in this interval, say):
            # evaluated once, on the template with what the registry resolved.
            try:
                program = self.program
                assert program is not None
                subject = attrs.evolve(template, vendor=vendor, components=components, buyer=buyer)
                program.slots(subject, when, vendor, components, buyer)
            except Exception:
                return None
            static = self.classifier.static(entry.shim, when, vendor, components, buyer)
            if static is None:
                return None
        supplier = ""
        if template.vendor is None and template.supplier.strip() and not identified:
            supplier = template.supplier.strip()
            if entry.supplier_country:
                supplier += f" ({entry.supplier_country})"
        tail = (entry.warnings, supplier, behind, resolved)
        # The static classes and the tail, as one small number (hashed once, not per row).
        sid = self.sids.get((static, tail))
        if sid is None:
            sid = self._number(static, tail, entry, when, (vendor, components, buyer))
            if sid is None:  # pragma: no cover - the same keys as `static` just found
                return None
        learnt = (extra, sid)
        entry.extras[interval] = learnt
        if rc >= 0:
            entry.by_resolution[rc] = learnt
        return learnt

    def _number(
        self,
        static: tuple[int, ...],
        tail: tuple[Any, ...],
        entry: _Entry,
        when: dt.date | None,
        resolved: tuple[Any, Any, Any],
    ) -> int | None:
        """A number for new static classes and tail, with the base of their masks (when
        ``masked``) and the number of the tail."""
        base = 0
        if self.masked:
            assert self.classifier is not None
            assert self.program is not None
            found = self.classifier.static_mask(entry.shim, when, *resolved)
            if found is None:
                return None
            base = self.program.base | found
        sid = self.sids[static, tail] = len(self.tails)
        self.tails.append(tail)
        self.statics.append(static)
        self.bases.append(base)
        self.tail_of.append(self.tail_ids.setdefault(tail, len(self.tail_ids)))
        return sid

    def _lookup(
        self, entry: _Entry, when: dt.date | None, interval: int | None
    ) -> tuple[Any, int, Hashable, tuple[str, ...], bool] | None:
        """The resolution cache's answer for the entry's party in one registry interval, with
        the number of its resolution among those seen (equal by value: what the registry
        resolved, what is behind an unknown vendor, the record's lines), what is behind an
        unknown vendor, the record's lines and whether the vendor was identified. The answer
        depends on the party and the interval only, so it is asked once per party and interval,
        not per content (whose key the cache would hash anew each time)."""
        assert self.cache is not None
        assert self.registry is not None
        template = entry.template
        extra = self.cache.lookup(template, when)
        if extra is None:
            return None
        behind = tuple(sorted((extra.behind or {}).items()))
        kept = self.cache.resolutions.get(id(extra))
        resolutions = (
            kept[1]
            if kept is not None and kept[0] is extra
            else self.registry.resolve(template, as_of=when).resolutions
        )
        resolved = tuple(line for r in resolutions for line in r.summary())
        identified = any(r.subject == "vendor" and r.entity for r in resolutions)
        value = (
            extra.vendor,
            extra.components,
            extra.buyer,
            behind,
            resolved,
            identified,
            extra.may_settle,
        )
        first = self.resolved.get(value)
        if first is None:
            first = self.resolved[value] = (extra, len(self.resolved))
        found = (first[0], first[1], behind, resolved, identified)
        self.lookups[entry.party, interval] = found
        return found

    def _failed(self, entry: _Entry) -> None:
        entry.tries += 1
        if entry.tries >= _TRIES and entry.template is None:
            entry.slow = True


class BulkRows:
    """The records of a CSV ledger, its header checked, for :func:`screen` to decide in bulk
    (``screen(rule_set, BulkRows(path, mapping=...))`` gives a :class:`BulkRun`)."""

    def __init__(self, path: str | os.PathLike[str], *, mapping: ColumnMapping) -> None:
        name = os.fspath(path)
        if "auto" in (mapping.delimiter, mapping.encoding, mapping.decimal):
            mapping = detect_format(path, mapping).mapping
        self.mapping = mapping
        handle = _open_ledger(name)  # closed by close()
        self._handle: IO[Any] | None = handle
        try:
            _refuse_non_text(handle, name)
            encoding = "utf-8-sig" if mapping.encoding in ("utf-8", "auto") else mapping.encoding
            text = io.TextIOWrapper(handle, encoding=encoding, errors="surrogateescape", newline="")
            self._handle = text  # closing the text closes the file
            delimiter = "," if mapping.delimiter == "auto" else mapping.delimiter
            self.records = csv_records(text, delimiter=delimiter)
            first = next(self.records, None)
            if first is None:
                raise _file_error(
                    name, "the file is empty", hint="the first line must name the columns"
                )
            if first[1] is None:
                raise _file_error(name, f"the header is longer than {MAX_RECORD_CHARS} characters")
            self.roles = _check_header([h.strip() for h in first[1]], name, mapping)
        except BaseException:
            self.close()
            raise

    def __iter__(self) -> Iterator[LedgerRow | RowError]:
        """The rows, as ``read_ledger`` reads them."""
        return _cell_rows(self.records, self.roles, self.mapping)

    def close(self) -> None:
        """Close the ledger."""
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()

    def screened(self, rule_set: RuleSet, **options: Any) -> BulkRun:
        """The rows decided (``options`` as for :func:`screen`)."""
        return BulkRun(rule_set, self, **options)


class BulkRun(Iterator[ScreenedRow | RowError]):
    """A CSV ledger's rows decided: iterated, the ordinary results one by one; written
    (:meth:`write`, which ``check`` calls), the same records in bulk."""

    def __init__(self, rule_set: RuleSet, rows: BulkRows, **options: Any) -> None:
        self.rule_set = rule_set
        self.rows = rows
        self.screener = RowScreener(rule_set, rows.roles, rows.mapping, **options)
        self._pending: list[ScreenedRow | RowError] = []

    def __next__(self) -> ScreenedRow | RowError:
        while not self._pending:
            try:
                line, cells = next(self.rows.records)
            except BaseException:
                self.close()
                raise
            self._pending = self.screener.ordinary(line, cells)[::-1]
        return self._pending.pop()

    def close(self) -> None:
        """Close the ledger."""
        self.rows.close()

    def write(self, out: TextIO, *, format: str, keep: Sequence[str]) -> ScreeningSummary:  # noqa: A002
        """Write one record per row as ``write_results`` does, and count them."""
        try:
            return _write(self.screener, self.rows.records, out, format, tuple(keep))
        finally:
            self.close()


#: The garbage collector's first threshold while a bulk run writes (see `fewer_collections`).
_YOUNG = 100_000
#: Its third threshold while any bulk run is under way: full collections wait for the run.
_OLD = 1_000_000
#: The bulk runs under way (see `fewer_collections`): how many in all, how many of them write,
#: and the thresholds the first found; the lock keeps them together across threads.
_RUNS = {"all": 0, "young": 0}
_FOUND: list[tuple[int, int, int]] = []
_RUNS_LOCK = threading.Lock()


def _set_thresholds() -> None:
    """The collector's thresholds for the runs under way (the lock held)."""
    first, second, third = _FOUND[0]
    if not _RUNS["all"]:
        gc.set_threshold(first, second, third)
    elif first > 0:  # 0: automatic collection is off, and stays so
        young = max(first, _YOUNG) if _RUNS["young"] else first
        gc.set_threshold(young, second, max(third, _OLD))


@contextlib.contextmanager
def fewer_collections(*, young: bool = True) -> Iterator[None]:
    """The cyclic garbage collector run less often while rows are decided or written.

    What the bulk path learns (contents, lanes, shapes, texts) stays for the rest of the run;
    at the default thresholds those objects set off a young collection every 700 of them and,
    as they pile up, full collections over everything the process holds: the registry, the
    compiled form, the modules, and whatever the caller keeps (a million-row list of cells
    makes one full collection cost a third of a columnar run). Full collections therefore
    wait until the run ends. With ``young`` (a ``check`` run, which writes a record per row)
    young collections come every ``_YOUNG`` objects instead of 700: a row decided creates no
    cyclic garbage (the quick path allocates none that outlives it, the ordinary path none
    that refers to itself). The columnar path keeps young collections as they are: it
    allocates per distinct row, and measured faster with them. The thresholds the first run
    found are restored when the last one ends, so that runs in several threads, or one inside
    another, leave them as they were."""
    with _RUNS_LOCK:
        if not _RUNS["all"]:
            first, second, third = gc.get_threshold()
            _FOUND[:] = [(first, second, third)]
        _RUNS["all"] += 1
        _RUNS["young"] += young
        _set_thresholds()
    try:
        yield
    finally:
        with _RUNS_LOCK:
            _RUNS["all"] -= 1
            _RUNS["young"] -= young
            _set_thresholds()


def _write(
    screener: RowScreener,
    records: Iterator[tuple[int, list[str] | None]],
    out: TextIO,
    fmt: str,
    keep: tuple[str, ...],
) -> ScreeningSummary:
    with fewer_collections():
        return _write_rows(screener, records, out, fmt, keep)


def _write_rows(
    screener: RowScreener,
    records: Iterator[tuple[int, list[str] | None]],
    out: TextIO,
    fmt: str,
    keep: tuple[str, ...],
) -> ScreeningSummary:
    writer = _BulkWriter(screener, out, fmt, keep)
    if writer.csv_out and screener.enabled:
        # The CSV loop takes the rows while the fast path is on (see `_CsvLoop`).
        csv_loop = _CsvLoop(screener, keep)
        try:
            rows, credit_memos = csv_loop.loop(
                records, writer.write, writer.slow, writer.first, writer.dates
            )
        finally:
            csv_loop.close()
        writer.rows += rows
        writer.credit_memos += credit_memos
    quick = screener.quick()
    kept_at = screener.kept_at
    for line, cells in records:  # all of them, or those after the fast path was turned off
        fast = quick(cells) if cells is not None and screener.enabled else None
        if fast is None:
            writer.slow(line, cells)
            continue
        shape, pid, when, credit = fast
        kept = {name: cells[j] for j, name in kept_at} if kept_at else {}  # type: ignore[index]
        writer.shaped(shape, line, pid, when, credit, kept)
    return writer.summary()


class _BulkWriter:
    """Result records written one by one, from a shape or the ordinary way, and counted."""

    def __init__(self, screener: RowScreener, out: TextIO, fmt: str, keep: tuple[str, ...]):
        self.screener = screener
        self.csv_out = fmt == "csv"
        self.keep = keep
        self.write = out.write
        if self.csv_out:
            self.write(_csv_line([*RESULT_COLUMNS, *(_csv_cell(c) for c in keep)]))
        self.tally = SummaryTally()
        self.seen: list[Shape] = []
        #: The text of each decision date written.
        self.dates: dict[Any, str] = {None: ""}
        #: The rows written from a shape, and their credit memos (for the tally, at the end).
        self.rows = self.credit_memos = 0

    def first(self, shape: Shape) -> None:
        """A shape's first row, counted."""
        _first(self.tally, shape)
        self.seen.append(shape)

    def shaped(  # noqa: PLR0917 - a row's fields, as `RowScreener.row` gives them
        self, shape: Shape, number: int, pid: str, when: Any, credit: bool, kept: dict[str, str]
    ) -> None:
        """A row written from its shape."""
        if shape.count == 0:
            self.first(shape)
        shape.count += 1
        self.rows += 1
        if credit:
            self.credit_memos += 1
        if self.csv_out:
            day = self.dates.get(when)
            if day is None:
                day = self.dates[when] = when.isoformat()
            tail = ",true" if credit else ",false"
            if self.keep:
                tail += "," + ",".join(_csv_quote(_csv_cell(kept.get(c, ""))) for c in self.keep)
            cell = _csv_quote(_csv_cell(pid)) if _SPECIAL.search(pid) else pid
            self.write(f"{number},{cell},{shape.csv},{day}{tail}\n")
            return
        p = shape.json
        self.write(
            p[0]
            + json.dumps(when.isoformat() if when is not None else None)
            + p[1]
            + ("true" if credit else "false")
            + p[2]
            + json.dumps(kept, ensure_ascii=False, sort_keys=True)
            + p[3]
            + str(number)
            + p[4]
            + json.dumps(pid, ensure_ascii=False)
            + p[5]
            + "\n"
        )

    def slow(self, line: int, cells: list[str] | None) -> bool:
        """A row the quick path does not take, learnt or decided the ordinary way, and
        written; whether the fast path is still on."""
        got = self.screener.row(line, cells)
        if type(got) is list:
            rule_set = self.screener.rule_set
            for result in got:
                self.tally.add(result)
                self.write(_ordinary_line(result, rule_set, self.csv_out, self.keep))
        else:
            self.shaped(*got)
        return self.screener.enabled

    def summary(self) -> ScreeningSummary:
        tally = self.tally
        tally.rows += self.rows
        tally.credit_memos += self.credit_memos
        for shape in self.seen:
            _more(tally, shape, shape.count - 1)
        return tally.summary()


class _CsvLoop:
    """``loop(records, write, slow, first, dates)``: :meth:`RowScreener.quick` and
    the writing of a CSV result line from its shape, in one loop specialised to the
    screener's layout, with the program's dynamic facets inlined. A row it does not take goes
    to ``slow`` (`_BulkWriter.slow`); when ``slow`` says the fast path is off, the loop stops
    and leaves the other records to the caller. It gives the rows written from a shape and
    their credit memos. Each step is the quick path's, on the same tables, in the same order;
    what it keeps of its own (per date cell, per key of classes) is what those tables gave.
    """

    def __init__(self, screener: RowScreener, keep: tuple[str, ...]) -> None:
        assert screener.classifier is not None
        self.screener = screener
        self.keep = keep
        classifier = screener.classifier
        # The dynamic facets keyed by the date or the decision date alone: their classes are
        # looked up once per date cell (with the cell's date, decision date, registry
        # interval and the decision date's text), the others per row.
        by_day = (
            [f for f in classifier.dynamic_facets if f.expr in ("p.date", "when")]
            if screener.date_at >= 0
            else []
        )
        self.day_ids = classifier.ids("day_ids", by_day) if by_day else None
        facets = [f for f in classifier.dynamic_facets if f not in by_day]
        body, env, ids = classifier.body(
            facets, errors=False, miss="if slow(line, cells):\n    continue\nbreak"
        )
        # A row's text is looked up by its lane's static classes and tail and its classes on
        # the dynamic facets (small integers), as `quick` looks its shape up by classes.
        key = "(sid, " + "".join(f"{x}, " for x in ids) + ("daily, " if by_day else "") + ")"
        self.by_cell: dict[str, tuple[Any, ...]] = {}
        self.texts: dict[tuple[Any, ...], tuple[Shape, str]] = {}
        env.update(
            WIDTH=screener.width,
            join="".join,
            surrogate=_SURROGATE.search,
            contents_get=screener.contents.get,
            content_of=screener.content_of,
            content_cells=screener.content_cells,
            nul_join="\x00".join,
            decimal=Decimal,
            amounts=screener.amounts,
            parse_amount=screener._amount,
            bad=_BAD,
            Amount=Amount,
            by_cell=self.by_cell,
            day_of=self.day_of,
            new_lane=screener._lane,
            texts_get=self.texts.get,
            text_of=self.text_of,
            LEAD=_LEAD,
            QUOTE=_csv_quote,
            CELL=_csv_cell,
            KEPT=self.kept_cells,
        )
        source = self._source(body, key)
        exec(compile(source, "<vendorpolicy bulk csv loop>", "exec"), env)  # noqa: S102
        self.loop: Callable[..., tuple[int, int]] = env["loop"]

    def _source(self, body: list[str], key: str) -> str:
        screener = self.screener
        skip = ["if slow(line, cells):", "    continue", "break"]
        lines: list[str] = []

        def test(condition: str) -> None:
            lines.extend([f"if {condition}:", *(f"    {x}" for x in skip)])

        blank = " or not cells[0].strip()" if screener.width == 1 else ""
        test(f"cells is None or len(cells) != WIDTH{blank}")
        lines += ["joined = join(cells)"]
        test('"\\x00" in joined or (not joined.isascii() and surrogate(joined))')
        if len(screener.content_at) > 1:  # `content_of`, inlined
            lines += ["entry = contents_get(nul_join(content_cells(cells)))"]
        else:
            lines += ["entry = contents_get(content_of(cells))"]
        test("entry is None")
        lines += ["p = entry.shim"]
        test("p is None")
        if screener.id_at >= 0:
            lines += [f"pid = cells[{screener.id_at}].strip()"]
            test("not pid.isascii()")
        else:
            lines += ['pid = ""']
        lines += ["credit = False"]
        if screener.value_at >= 0:
            lines += [
                f"cell = cells[{screener.value_at}]",
                "if cell.isdigit() and cell.isascii():",
                "    amount = decimal(cell)",
                "else:",
                "    found = amounts.get(cell)",
                "    if found is None:",
                "        found = amounts[cell] = parse_amount(cell)",
                "    if found is bad:",
                *(f"        {x}" for x in skip),
                "    amount, credit = found",
                "currency = entry.currency",
                "if amount is None:",
                "    if currency is not None:",
                *(f"        {x}" for x in skip),
                "    p.value = None",
                "elif currency is None:",
                *(f"    {x}" for x in skip),
                "else:",
                "    p.value = Amount(amount, currency)",
            ]
        if screener.date_at >= 0:
            lines += [
                f"cell = cells[{screener.date_at}]",
                "day = by_cell.get(cell)",
                "if day is None:",
                "    day = day_of(cell, p)",
                "    if day is None:",
                *(f"        {x}" for x in skip),
                "date, when, interval, iso, daily = day",
                "acquired = entry.acquired",
            ]
            test("acquired is not None and date is not None and acquired > date")
            lines += ["p.date = date"]
        else:
            lines += [
                "date, when, interval = entry.day",
                "iso = isos.get(when)",
                "if iso is None:",
                "    iso = isos[when] = when.isoformat()",
            ]
        lines += [
            "lane = entry.lanes.get(interval)",
            "if lane is None:",
            "    lane = new_lane(entry, when, interval)",
            "    if lane is None:",
            *(f"        {x}" for x in skip),
            "p.id = pid",
            "sid, vendor, components, buyer, base, tid = lane",
            *body,
            f"key = {key}",
            "got = texts_get(key)",
            "if got is None:",
            "    got = text_of(entry, lane, when, key)",
            "    if got is None:",
            *(f"        {x}" for x in skip),
            "shape, text = got",
            "if shape.count == 0:",
            "    first(shape)",
            "shape.count += 1",
            "rows += 1",
            "if credit:",
            "    credit_memos += 1",
            # `_SPECIAL.search(pid)` as `_special` has it, inlined (a regular expression with
            # two branches tries both at every character: a third of a line's time).
            "if (pid[:1] in LEAD or ',' in pid or '\"' in pid or '\\n' in pid or '\\r' in pid):",
            "    cell = QUOTE(CELL(pid))",
            "else:",
            "    cell = pid",
        ]
        if self.keep:
            lines += ['write(f"{line},{cell}{text}{iso}{KEPT(cells, credit)}\\n")']
        else:
            lines += ["write(f\"{line},{cell}{text}{iso}{',true' if credit else ',false'}\\n\")"]
        return (
            "def loop(records, write, slow, first, isos):\n"
            "    rows = credit_memos = 0\n"
            "    for line, cells in records:\n"
            + "".join(f"        {x}\n" for x in "\n".join(lines).split("\n"))
            + "    return rows, credit_memos\n"
        )

    def close(self) -> None:
        """Let go of what the loop learnt. Its function's globals refer to this object (and
        through it to the screener and everything it learnt): cleared, the run's tables are
        freed as soon as the run is, by reference counting, not left to a full collection
        (at the latest the one at the process's exit)."""
        self.loop.__globals__.clear()
        self.by_cell.clear()
        self.texts.clear()

    def kept_cells(self, cells: list[str], credit: bool) -> str:
        """The last cells of a row's line: the credit memo flag and the kept columns."""
        kept = {name: cells[j] for j, name in self.screener.kept_at}
        tail = ",true" if credit else ",false"
        return tail + "," + ",".join(_csv_quote(_csv_cell(kept.get(c, ""))) for c in self.keep)

    def day_of(self, cell: str, p: Shim) -> tuple[Any, ...] | None:
        """A date cell the loop has not met: what ``quick`` makes of it (date, decision date,
        registry interval), the decision date's text and the classes on the facets keyed by
        the dates alone; ``None`` where ``quick`` gives up."""
        screener = self.screener
        day = screener.days.get(cell)
        if day is None:
            found = screener.dates.get(cell, _BAD)
            if found is _BAD:
                found = screener.dates[cell] = screener._date(cell)
            if found is _BAD:
                return None
            day = screener.days[cell] = _day(found, screener.as_of, screener.cut)
        date, when, interval = day
        daily: tuple[int, ...] | None = ()
        if self.day_ids is not None:
            p.date = date
            daily = self.day_ids(p, when, None, None, None)
            if daily is None:
                return None
        iso = "" if when is None else when.isoformat()
        got = self.by_cell[cell] = (date, when, interval, iso, daily)
        return got

    def text_of(
        self, entry: _Entry, lane: _Lane, when: Any, key: tuple[Any, ...]
    ) -> tuple[Shape, str] | None:
        """The shape of classes the loop has not met with the lane's static classes and tail
        (the row's fields on the entry's shim), as ``quick`` finds it, and its cells from
        ``status`` to ``digest`` between commas; ``None`` when ``quick`` finds none."""
        screener = self.screener
        assert screener.classifier is not None
        shape = None
        m = None
        if screener.masked:
            m = screener.classifier.dynamic_mask(entry.shim, when, *lane[1:4])
            if m is None:
                return None
            shape = screener.by_row_mask.get((lane[5], lane[4] | m))
        if shape is None:
            shape = screener._new_shape(entry, lane, when, m)
            if shape is None:
                return None
        got = self.texts[key] = (shape, f",{shape.csv},")
        return got


_SPECIAL = re.compile(r'[,"\n\r]|^[=+\-@\t\r]')
#: The characters `_SPECIAL` looks for at the start of a text.
_LEAD = frozenset("=+-@\t\r")


def _special(text: str) -> bool:
    """Whether ``_SPECIAL`` finds something in ``text``, by the string's own searches (the
    test `_CsvLoop` inlines)."""
    return text[:1] in _LEAD or "," in text or '"' in text or "\n" in text or "\r" in text


def _day(
    date: dt.date | None, as_of: dt.date | None, points: Sequence[dt.date] | None
) -> tuple[dt.date | None, dt.date | None, int | None]:
    """A purchase date's (date, decision date, registry interval), as ``row`` works them out."""
    when = as_of if as_of is not None else date
    return date, when, None if when is None or points is None else bisect_right(points, when)


def _ordinary_line(
    result: ScreenedRow | RowError, rule_set: RuleSet, csv_out: bool, keep: tuple[str, ...]
) -> str:
    record = result_record(result, rule_set)
    if csv_out:
        kept = record["kept"]
        return _csv_line(
            [
                *(_csv_cell(record[c]) for c in RESULT_COLUMNS),
                *(_csv_cell(kept.get(c, "")) for c in keep),
            ]
        )
    return json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"


def _first(tally: SummaryTally, shape: Shape) -> None:
    """A shape's first row, counted as ``SummaryTally.add`` counts it (the counters keep the
    order in which they first see each key)."""
    tally.effects[shape.effect] += 1
    tally.warnings += shape.warned
    tally.rules.update(shape.rules)
    if shape.missing:
        tally.missing.update(shape.missing)
    if shape.supplier:
        tally.suppliers[shape.supplier] += 1


def _more(tally: SummaryTally, shape: Shape, n: int) -> None:
    if n <= 0:
        return
    tally.effects[shape.effect] += n
    tally.warnings += n * shape.warned
    for k in shape.rules:
        tally.rules[k] += n
    for f in shape.missing:
        tally.missing[f] += n
    if shape.supplier:
        tally.suppliers[shape.supplier] += n
