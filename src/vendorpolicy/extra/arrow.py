"""Screening Arrow tables (and anything that converts to one), through pyarrow:
``pip install vendorpolicy[arrow]``.

The table's column names are the header of a ledger, read through the same
:class:`~vendorpolicy.ColumnMapping`; each cell is read as the text a CSV ledger would hold (as
the Parquet reader does: ISO dates, ``true``/``false``, numbers written out in full), and the
rows get the decisions :func:`vendorpolicy.screen_columns` gives on that text.

The rows are not read one by one: each column is coded in Arrow and NumPy (a column the rules
read by its distinct cells; a purchase date and an amount by the points and thresholds of the
rules its row's other cells do not make false, and of the registry where its resolution
changes), each distinct combination of codes is decided once, by the row path on the first
row that has it, and the decision columns are broadcast back to every row with it. A rule
set or a mapping the codes cannot vouch for (a ``custom`` predicate, a resolver, an id built
from parts) is screened row by row, as :func:`~vendorpolicy.screen_columns` does; either way
the entries are the same.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

try:
    import pyarrow as pa
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "screening Arrow tables needs pyarrow: pip install vendorpolicy[arrow]"
    ) from exc

from vendorpolicy._bulk import fewer_collections
from vendorpolicy._columns import DECISION_COLUMNS, ColumnScreener, ScreenedColumns
from vendorpolicy._mapping import ColumnMapping
from vendorpolicy._registry import Registry
from vendorpolicy._rules import RuleSet
from vendorpolicy.extra._vector import Broadcast, arrow_type, decide, text_column

__all__ = ["decision_table", "screen_table"]


def screen_table(
    rule_set: RuleSet,
    table: Any,
    *,
    mapping: ColumnMapping | None = None,
    as_of: dt.date | None = None,
    registry: Registry | None = None,
    **options: Any,
) -> ScreenedColumns:
    """Decide on every row of ``table`` (a ``pyarrow.Table``, or a mapping of column names to
    arrays that ``pyarrow.table`` accepts): what :func:`vendorpolicy.screen_columns` gives on
    its cells as text. ``options`` are those of :func:`~vendorpolicy.screen_columns`."""
    with fewer_collections(young=False):
        screened = _screen(rule_set, table, mapping, as_of, registry, options)
        return screened.columns() if isinstance(screened, Broadcast) else screened


def decision_table(
    rule_set: RuleSet,
    table: Any,
    *,
    mapping: ColumnMapping | None = None,
    as_of: dt.date | None = None,
    registry: Registry | None = None,
    **options: Any,
) -> Any:
    """:func:`screen_table` as a ``pyarrow.Table`` of the decision columns, one row per input
    row, in order: ``status``, ``effect`` and ``basis`` as text (``effect`` and ``basis`` null
    for an error row), ``determining``, ``obligations``, ``missing_facts``, ``errors`` and
    ``warnings`` as lists of text. Built in Arrow, without a Python object per row."""
    with fewer_collections(young=False):
        screened = _screen(rule_set, table, mapping, as_of, registry, options)
        if isinstance(screened, Broadcast):
            arrays = screened.arrays()
        else:
            arrays = [
                pa.array(getattr(screened, name), arrow_type(name)) for name in DECISION_COLUMNS
            ]
        return pa.Table.from_arrays(arrays, names=list(DECISION_COLUMNS))


def _screen(  # noqa: PLR0917 - the public functions' arguments, passed on
    rule_set: RuleSet,
    table: Any,
    mapping: ColumnMapping | None,
    as_of: dt.date | None,
    registry: Registry | None,
    options: dict[str, Any],
) -> Broadcast | ScreenedColumns:
    """The rows decided: broadcast from the distinct keys, or (where that does not apply) by
    :func:`~vendorpolicy.screen_columns`'s row path."""
    if not isinstance(table, pa.Table):
        table = pa.table(table)
    names = list(table.column_names)
    columns = None
    if len(set(names)) == len(names):
        screener = ColumnScreener(
            rule_set, names, mapping=mapping, as_of=as_of, registry=registry, **options
        )
        found = decide(screener, table)
        if found is not None:
            return found
    else:
        # A name given twice reads as its last column, as a mapping of columns would have it.
        columns = {}
        for name, column in zip(names, table.columns, strict=True):
            columns[name] = column
        names = list(columns)
        screener = ColumnScreener(
            rule_set, names, mapping=mapping, as_of=as_of, registry=registry, **options
        )
    if columns is None:
        columns = dict(zip(names, table.columns, strict=True))
    return screener.screen({name: text_column(c) for name, c in columns.items()})


#: The text of a column's cells, one distinct value at a time (kept for the Spark extra).
_text_column = text_column
