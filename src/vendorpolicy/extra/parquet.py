"""Parquet ledgers, through pyarrow: ``pip install vendorpolicy[parquet]``.

The file's column names are the header; each row is a row of the ledger (numbered as in a CSV
export, the first row being line 2), read with the same mapping and checks. Rows are read a
batch at a time, so memory stays flat.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

try:
    import pyarrow.parquet as pq
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "reading Parquet ledgers needs pyarrow: pip install vendorpolicy[parquet]"
    ) from exc

from vendorpolicy._checks import tick
from vendorpolicy._components import ComponentsFile
from vendorpolicy._ledger import ColumnMapping, LedgerRow, RowError, ledger_rows
from vendorpolicy.errors import FileError
from vendorpolicy.extra._cells import as_text

__all__ = ["read_ledger"]


def read_ledger(
    path: str | os.PathLike[str],
    *,
    mapping: ColumnMapping | None = None,
    components: ComponentsFile | str | os.PathLike[str] | None = None,
) -> Iterator[LedgerRow | RowError]:
    """Read a Parquet ledger, one :class:`LedgerRow` or :class:`RowError` per row, as
    :func:`vendorpolicy.read_ledger` reads a CSV ledger."""
    name = os.fspath(path)
    try:
        table = pq.ParquetFile(name)
    except FileNotFoundError:
        raise FileError(f"no such file {tick(name)}") from None
    except Exception as exc:  # pyarrow raises ArrowInvalid and others for a bad file
        raise FileError(f"cannot read {tick(name)} as Parquet: {exc}") from None
    header = list(table.schema_arrow.names)

    def records() -> Iterator[tuple[int, list[str]]]:
        yield 1, header
        number = 1
        for batch in table.iter_batches(batch_size=4096):
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for values in zip(*columns, strict=True):
                number += 1
                yield number, [as_text(v) for v in values]

    return ledger_rows(name, records(), mapping or ColumnMapping(), components, close=table.close)
