"""Screening columns: a ledger given as one list of cells per column, decided row by row
without a validated ``Purchase`` per row, with decision columns aligned with the input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from attrs import fields, frozen

from vendorpolicy._checks import tick
from vendorpolicy._ledger import RowError, ScreenedRow, _check_header, result_record
from vendorpolicy._mapping import ColumnMapping
from vendorpolicy._registry import Registry
from vendorpolicy._rules import RuleSet
from vendorpolicy._vocabcheck import ExtraFacts, OutsideVocabulary
from vendorpolicy._vocabulary import Vocabulary
from vendorpolicy.errors import InvalidDataError, InvalidValueError, VendorPolicyError

__all__ = ["DECISION_COLUMNS", "ColumnScreener", "ScreenedColumns", "screen_columns"]

_WHERE = "columns"
_TEXT = {str, type(None)}


@frozen(kw_only=True)
class ScreenedColumns:
    """The result of :func:`screen_columns`: one entry per input row in each column, in the
    order of the rows. Each row's entries are those of its record in a result file
    (:func:`write_results`): ``status`` is ``"decided"`` or ``"error"``; for an error row
    ``effect`` and ``basis`` are ``None`` and ``errors`` says why the row could not be decided;
    for a decided row ``errors`` holds the decision's own (a rule that failed closed)."""

    status: tuple[str, ...]
    effect: tuple[str | None, ...]
    basis: tuple[str | None, ...]
    determining: tuple[tuple[str, ...], ...]
    obligations: tuple[tuple[str, ...], ...]
    missing_facts: tuple[tuple[str, ...], ...]
    errors: tuple[tuple[str, ...], ...]
    warnings: tuple[tuple[str, ...], ...]

    def __len__(self) -> int:
        return len(self.status)


#: The decision columns, in order: the fields of :class:`ScreenedColumns` (the frames and Spark
#: screeners add them under these names).
DECISION_COLUMNS: tuple[str, ...] = tuple(a.name for a in fields(ScreenedColumns))


def screen_columns(
    rule_set: RuleSet,
    columns: Mapping[str, Sequence[str | None]],
    *,
    mapping: ColumnMapping | None = None,
    as_of: dt.date | None = None,
    registry: Registry | None = None,
    outside_vocabulary: OutsideVocabulary = "error",
    extra_facts: ExtraFacts = (),
    vocabulary: Vocabulary | None = None,
) -> ScreenedColumns:
    """Decide on every row of ``columns`` (column name -> the column's cells, as text, ``None``
    for an empty cell), read through ``mapping`` as a CSV ledger's header and cells are: the
    same decisions and the same row errors as :func:`screen_ledger` on that ledger.

    Rows are not turned into validated purchases one by one: each distinct value is read once
    and each distinct combination of what the rules can tell apart is decided once, and its
    outcome given to every row that has it (see ``docs/evaluation.md``). The columns must all
    have the same length, and their cells must be text or ``None``; anything else is an
    :class:`InvalidDataError` naming the column and the row.
    """
    header = list(columns)
    cells_by_column = [columns[name] for name in header]
    _check_columns(header, cells_by_column)
    screener = ColumnScreener(
        rule_set,
        header,
        mapping=mapping,
        as_of=as_of,
        registry=registry,
        outside_vocabulary=outside_vocabulary,
        extra_facts=extra_facts,
        vocabulary=vocabulary,
    )
    return screener._screen(cells_by_column)


class ColumnScreener:
    """:func:`screen_columns` for columns that come in batches with the same ``header`` (the
    batches of a Spark partition, say): the header is checked once, and what the fast path
    learns from one batch (distinct values, shapes) serves the next."""

    def __init__(
        self,
        rule_set: RuleSet,
        header: Sequence[str],
        *,
        mapping: ColumnMapping | None = None,
        as_of: dt.date | None = None,
        registry: Registry | None = None,
        outside_vocabulary: OutsideVocabulary = "error",
        extra_facts: ExtraFacts = (),
        vocabulary: Vocabulary | None = None,
    ) -> None:
        from vendorpolicy._bulk import RowScreener  # noqa: PLC0415 - it imports the engine

        mapping = mapping or ColumnMapping()
        if "auto" in (mapping.delimiter, mapping.encoding, mapping.decimal):
            from vendorpolicy._ledger import _resolved  # noqa: PLC0415

            mapping = _resolved(mapping, ",", "utf-8", ".", None)
        self.rule_set = rule_set
        self.header = list(header)
        _check_columns(self.header, [[] for _ in self.header])
        roles = _check_header([h.strip() for h in self.header], _WHERE, mapping)
        self.screener = RowScreener(
            rule_set,
            roles,
            mapping,
            as_of=as_of,
            registry=registry,
            outside_vocabulary=outside_vocabulary,
            extra_facts=extra_facts,
            vocabulary=vocabulary,
        )
        #: Rows screened so far (the next row's number).
        self.rows = 0
        self._entries: dict[int, tuple[Any, ...]] = {}  # per shape (by identity, kept by it)

    def screen(self, columns: Mapping[str, Sequence[str | None]]) -> ScreenedColumns:
        """Decide on every row of ``columns``, whose names must be the header's, in order."""
        header = list(columns)
        if header != self.header:
            raise InvalidValueError(
                f"the columns are {', '.join(map(tick, header))}, "
                f"not {', '.join(map(tick, self.header))}",
                path=_WHERE,
                hint="give every batch the columns of the first, in the same order",
            )
        cells_by_column = [columns[name] for name in header]
        _check_columns(header, cells_by_column)
        return self._screen(cells_by_column)

    def _screen(self, cells_by_column: list[Sequence[str | None]]) -> ScreenedColumns:
        rule_set, screener, entries = self.rule_set, self.screener, self._entries
        # An empty cell is the empty text a CSV ledger has there.
        columns = [
            column if None not in column else ["" if c is None else c for c in column]
            for column in cells_by_column
        ]
        per_row: list[tuple[Any, ...]] = []
        add = per_row.append
        quick = screener.quick()
        rows = zip(*columns, strict=True) if columns else iter(())
        for number, cells in enumerate(rows, start=self.rows):
            # The quick path first (what earlier rows taught), else the row learnt or decided
            # the ordinary way, as in a CSV ledger.
            fast = quick(cells) if screener.enabled else None
            if fast is not None:
                shape = fast[0]
            else:
                got = screener.row(number, list(cells))
                if type(got) is list:
                    results: list[ScreenedRow | RowError] = got or [
                        RowError(line=number, errors=("an empty row: every cell is empty",))
                    ]
                    add(_entry(result_record(results[0], rule_set)))
                    continue
                shape = got[0]
            found = entries.get(id(shape))
            if found is None or found[0] is not shape:
                found = entries[id(shape)] = (shape, _entry(shape.record))
            add(found[1])
        self.rows += len(per_row)
        if not per_row:
            return ScreenedColumns(**dict.fromkeys(DECISION_COLUMNS, ()))
        return ScreenedColumns(
            **dict(zip(DECISION_COLUMNS, zip(*per_row, strict=True), strict=True))
        )


def _entry(record: dict[str, Any]) -> tuple[Any, ...]:
    """A result record's entries in the decision columns, in the order of ``ScreenedColumns``."""
    return (
        record["status"],
        record["effect"],
        record["basis"],
        tuple(record["determining"]),
        tuple(record["obligations"]),
        tuple(record["missing_facts"]),
        tuple(record["errors"]),
        tuple(record["warnings"]),
    )


def _check_columns(header: list[str], cells: list[Sequence[Any]]) -> None:
    problems: list[VendorPolicyError] = []
    lengths = {len(c) for c in cells}
    if len(lengths) > 1:
        shown = ", ".join(f"{tick(h)}: {len(c)}" for h, c in zip(header, cells, strict=True))
        problems.append(
            InvalidValueError(
                f"the columns differ in length ({shown})",
                path=_WHERE,
                hint="give every column one cell per row, `None` for an empty cell",
            )
        )
    for name, column in zip(header, cells, strict=True):
        if not isinstance(name, str):
            problems.append(InvalidValueError(f"a column name must be text, got {tick(name)}"))
            continue
        if set(map(type, column)) <= _TEXT:
            continue
        for i, cell in enumerate(column):
            if cell is not None and type(cell) is not str:
                problems.append(
                    InvalidValueError(
                        f"expected text or None, got {type(cell).__name__} {tick(cell)}",
                        path=f"{_WHERE}[{name!r}][{i}]",
                        hint="pass cells as text as a CSV file has them "
                        "(`vendorpolicy.extra.arrow.screen_table` converts typed columns)",
                    )
                )
                break
    if problems:
        raise InvalidDataError(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the columns",
            problems=tuple(problems),
        )
