"""Screening Arrow tables (and anything that converts to one), through pyarrow:
``pip install vendorpolicy[arrow]``.

The table's column names are the header of a ledger, read through the same
:class:`~vendorpolicy.ColumnMapping`; each cell is read as the text a CSV ledger would hold (as
the Parquet reader does: ISO dates, ``true``/``false``, numbers written out in full), and the
rows are screened by :func:`vendorpolicy.screen_columns`. Text and dictionary-encoded columns
are converted one distinct value at a time.
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

from vendorpolicy._columns import ScreenedColumns, screen_columns
from vendorpolicy._mapping import ColumnMapping
from vendorpolicy._registry import Registry
from vendorpolicy._rules import RuleSet
from vendorpolicy.extra._cells import as_text

__all__ = ["screen_table"]


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
    arrays that ``pyarrow.table`` accepts): :func:`vendorpolicy.screen_columns` on its cells
    as text. ``options`` are those of :func:`~vendorpolicy.screen_columns`."""
    if not isinstance(table, pa.Table):
        table = pa.table(table)
    columns: dict[str, list[str | None]] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        columns[name] = _text_column(column)
    return screen_columns(
        rule_set, columns, mapping=mapping, as_of=as_of, registry=registry, **options
    )


def _text_column(column: Any) -> list[str | None]:
    """The column's cells as text (``None`` for a null), each distinct value converted once."""
    encoded = column.combine_chunks().dictionary_encode()
    words = [None if v is None else as_text(v) for v in encoded.dictionary.to_pylist()]
    texts = [None if w == "" else w for w in words]
    return [None if i is None else texts[i] for i in encoded.indices.to_pylist()]
