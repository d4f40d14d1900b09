"""Excel (``.xlsx``) ledgers, through openpyxl: ``pip install vendorpolicy[excel]``.

The first row of the sheet names the columns, as in a CSV ledger; every later row is a row of
the ledger, read with the same mapping and checks, so that it comes out as a purchase or an
error record with its row number (the header is row 1).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

try:
    import openpyxl
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "reading Excel ledgers needs openpyxl: pip install vendorpolicy[excel]"
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
    sheet: str | None = None,
    components: ComponentsFile | str | os.PathLike[str] | None = None,
) -> Iterator[LedgerRow | RowError]:
    """Read an ``.xlsx`` ledger (the first sheet, or ``sheet``), one :class:`LedgerRow` or
    :class:`RowError` per row, as :func:`vendorpolicy.read_ledger` reads a CSV ledger. Dates
    are ISO dates, numbers written out in full (negative amounts are credit memos)."""
    name = os.fspath(path)
    try:
        book = openpyxl.load_workbook(name, read_only=True, data_only=True)
    except FileNotFoundError:
        raise FileError(f"no such file {tick(name)}") from None
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileError(f"cannot read {tick(name)} as an Excel workbook: {exc}") from None
    if sheet is not None and sheet not in book.sheetnames:
        book.close()
        raise FileError(
            f"no sheet {tick(sheet)} in {tick(name)} (sheets: "
            + ", ".join(tick(s) for s in book.sheetnames)
            + ")"
        )
    worksheet = book[sheet] if sheet is not None else book.worksheets[0]
    records = (
        (number, [as_text(v) for v in values])
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
        # A sheet's formatting often reaches past its data: rows with no value are not rows.
        if any(v is not None and v != "" for v in values)
    )
    return ledger_rows(name, records, mapping or ColumnMapping(), components, close=book.close)
