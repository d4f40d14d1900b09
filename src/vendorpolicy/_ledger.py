"""Purchase ledgers: read purchases from CSV and JSON Lines exports, screen them, write results.

Every input row comes out as either a purchase (then a decision) or a :class:`RowError` with its
line number: nothing is dropped, and one bad row does not stop the run. Everything streams, so a
ledger of any length is screened in bounded memory.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal, TextIO, TypeAlias, TypeVar

from attrs import field, frozen

from vendorpolicy._checks import check_country, data_problems, tick, type_name
from vendorpolicy._components import ComponentsFile, attach, load_components
from vendorpolicy._convert import purchase_from_dict
from vendorpolicy._decision import Decision
from vendorpolicy._files import DuplicateKeyError, no_constant, no_duplicates
from vendorpolicy._mapping import FACT_TARGET, FIELDS, ColumnMapping, ValueMap
from vendorpolicy._model import Purchase
from vendorpolicy._names import Resolver
from vendorpolicy._registry import Registry
from vendorpolicy._rules import RuleSet
from vendorpolicy._text import lone_surrogate, shown
from vendorpolicy._vocabcheck import ExtraFacts, OutsideVocabulary
from vendorpolicy._vocabulary import Vocabulary
from vendorpolicy.errors import (
    FileError,
    InvalidDataError,
    InvalidValueError,
    VendorPolicyError,
    VocabularyError,
)

__all__ = [
    "ColumnMapping",
    "DetectedFormat",
    "LedgerFormat",
    "LedgerRow",
    "ResultFormat",
    "RowError",
    "ScreenedRow",
    "ScreeningSummary",
    "detect_format",
    "ledger_rows",
    "read_ledger",
    "screen",
    "screen_ledger",
    "supply_hint",
    "write_results",
]

_Row = TypeVar("_Row")

#: The formats ledgers are read in.
LedgerFormat: TypeAlias = Literal["csv", "jsonl"]
#: The formats screening results are written in.
ResultFormat: TypeAlias = Literal["csv", "jsonl"]

#: Where in a purchase's plain data each field lands, for messages that name the column.
_DATA_PATH = {
    "id": "$.id",
    "buyer_id": "$.buyer.id",
    "buyer_name": "$.buyer.name",
    "buyer_public": "$.buyer.public",
    "buyer_sector": "$.buyer.sector",
    "buyer_country": "$.buyer.country",
    "vendor_id": "$.vendor.id",
    "vendor_name": "$.vendor.name",
    "vendor_country": "$.vendor.country",
    "vendor_designations": "$.vendor.designations",
    "supplier": "$.supplier",
    "category": "$.category",
    "date": "$.date",
    "value": "$.value.amount",
    "currency": "$.value.currency",
    "purpose": "$.purpose",
    "description": "$.description",
    "acquired": "$.acquired",
}

_MAX_LINE_BYTES = 1_000_000
#: The deepest nesting of objects and lists a JSON Lines row may hold (as `Limits.max_depth`).
_MAX_DEPTH = 64


@frozen(kw_only=True)
class LedgerRow:
    """A purchase read from the ledger, with the line it starts on (the header is line 1)."""

    line: int
    purchase: Purchase
    #: The mapping's ``keep`` columns, as the row gives them.
    kept: Mapping[str, str] = field(factory=dict)
    #: The supplier's country, from the ``supplier_country`` column (see :class:`ColumnMapping`).
    supplier_country: str | None = None
    #: The amount was negative (a credit memo); ``purchase.value`` holds its magnitude.
    credit_memo: bool = False


@frozen(kw_only=True)
class RowError:
    """A ledger row that could not be read as a purchase, or whose purchase breaks the rule
    set's vocabulary: where, and every reason why."""

    line: int
    errors: tuple[str, ...]
    #: The row's purchase id, when it could be read.
    purchase_id: str = ""
    #: The mapping's ``keep`` columns, when the row could be split into its cells.
    kept: Mapping[str, str] = field(factory=dict)


@frozen(kw_only=True)
class ScreenedRow:
    """A purchase from the ledger with the decision on it."""

    line: int
    purchase: Purchase
    decision: Decision
    #: The mapping's ``keep`` columns, as the row gives them.
    kept: Mapping[str, str] = field(factory=dict)
    #: The supplier's country, from the ``supplier_country`` column.
    supplier_country: str | None = None
    #: The amount was negative (a credit memo); ``purchase.value`` holds its magnitude.
    credit_memo: bool = False


@frozen(kw_only=True)
class ScreeningSummary:
    """Counts over a screening run: what a reviewer needs to see what was decided and what is
    missing."""

    rows: int
    decisions: int
    errors: int
    #: Decisions by effect value (``{"deny": 3, "allow": 95}``).
    effects: Mapping[str, int]
    #: Decisions with warnings (near misses of known values, see ``Decision.warnings``).
    warnings: int = 0
    #: How many undecided (escalated) decisions lacked each fact, most first.
    missing_facts: Mapping[str, int] = field(factory=dict)
    #: Supplier names (with the ``supplier_country`` when given) that no registry identified,
    #: with how many decisions they left unknown, most first.
    unidentified_suppliers: Mapping[str, int] = field(factory=dict)
    #: How many decisions each rule (``rule_set/rule``) determined, most first.
    rule_hits: Mapping[str, int] = field(factory=dict)
    #: Decisions on credit memos (negative amounts).
    credit_memos: int = 0

    @property
    def denied(self) -> int:
        return self.effects.get("deny", 0)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON types only): the counts, and how to supply each missing fact."""
        return {
            "rows": self.rows,
            "decisions": self.decisions,
            "errors": self.errors,
            "effects": dict(self.effects),
            "warnings": self.warnings,
            "credit_memos": self.credit_memos,
            "missing_facts": [
                {"fact": fact, "decisions": count, "supply": supply_hint(fact)}
                for fact, count in self.missing_facts.items()
            ],
            "unidentified_suppliers": [
                {"supplier": name, "decisions": count}
                for name, count in self.unidentified_suppliers.items()
            ],
            "rule_hits": dict(self.rule_hits),
        }

    def report(self, *, top: int = 10, mapping: ColumnMapping | None = None) -> str:
        """A readable account for a reviewer: counts per effect, the facts that kept decisions
        open with how to supply each (naming the mapping's column when it has one), the
        suppliers not identified and how often each rule decided."""
        lines = [_summary_head(self)]
        if self.missing_facts:
            lines.append("missing facts (decisions escalated for want of them):")
            for fact, count in list(self.missing_facts.items())[:top]:
                lines.append(f"  {count:>7,}  {fact}: {supply_hint(fact, mapping)}")
        if self.unidentified_suppliers:
            total = len(self.unidentified_suppliers)
            lines.append(
                f"suppliers not identified ({total}; add them to a registry file, "
                "`--registry vendors.csv` with columns id,name,country):"
            )
            for name, count in list(self.unidentified_suppliers.items())[:top]:
                lines.append(f"  {count:>7,}  {name}")
            if total > top:
                lines.append(f"  … and {total - top} more (`--summary-format json` lists all)")
        if self.rule_hits:
            lines.append("rules that decided:")
            lines.extend(f"  {count:>7,}  {rule}" for rule, count in self.rule_hits.items())
        return "\n".join(shown(line) for line in lines)


def _summary_head(summary: ScreeningSummary) -> str:
    effects = ", ".join(f"{n} {e}" for e, n in summary.effects.items())
    return (
        f"screened {summary.rows} rows: {summary.decisions} decisions"
        + (f" ({effects})" if effects else "")
        + f", {summary.errors} error{'s' if summary.errors != 1 else ''}"
        + (
            f", {summary.warnings} with warning{'s' if summary.warnings != 1 else ''}"
            if summary.warnings
            else ""
        )
        + (
            f", {summary.credit_memos} credit memo{'s' if summary.credit_memos != 1 else ''}"
            if summary.credit_memos
            else ""
        )
    )


#: How to supply a missing fact from a ledger, by the fact's name in ``missing_facts``.
_SUPPLY = {
    "vendor": "identify the suppliers: a vendor master as a registry file (`--registry "
    "vendors.csv`), or a `vendor_id` column",
    "components": "declare the parts: a components file (`--components FILE`, with "
    "`--all-components` when it lists every part), or a `components` column saying `none`",
    "purchase.purpose": "what the equipment is for: a `purpose` column, or a value map with "
    '`into = "purpose"`',
    "purchase.date": 'the purchase date: a `date` column (`date = "PO Date"`)',
    "purchase.acquired": "when the equipment was first bought: an `acquired` column",
    "category": 'what was bought: a `category` column, or a value map with `into = "category"` '
    "(material groups, UNSPSC or CPV codes)",
    "buyer.country": "the buyer's country: a `buyer_country` column, a value map with `into = "
    '"buyer_country"` (company codes), or a constant',
    "buyer.designations": "the buyer's designations: a registry that lists the buyer",
    "purchase.value": "the amount and currency: `value` and `currency` columns",
}


def supply_hint(fact: str, mapping: ColumnMapping | None = None) -> str:
    """How a ledger supplies ``fact`` (a name as ``Decision.missing_facts`` gives it), naming
    the mapping's column for it when there is one."""
    if fact.startswith("facts."):
        name = fact[len("facts.") :]
        where = ""
        if mapping is not None:
            source = mapping.source(FACT_TARGET + name)
            where = f" (now: {source}, empty or absent)"
        return (
            f'a `facts.{name}` column, `fact_columns = {{ {name} = "Column" }}`, a value map '
            f'with `into = "facts.{name}"`, or a constant `"facts.{name}"`{where}'
        )
    if fact.startswith("components["):
        return _SUPPLY["components"]
    hint = _SUPPLY.get(fact, "state it in the ledger")
    field_name = {"purchase.purpose": "purpose", "purchase.date": "date", "category": "category",
                  "buyer.country": "buyer_country"}.get(fact)  # fmt: skip
    if mapping is not None and field_name is not None:
        hint += f" (now: {mapping.source(field_name)}, empty or absent)"
    return hint


class SummaryTally:
    """Counts results as they stream by, for a :class:`ScreeningSummary`."""

    def __init__(self) -> None:
        self.rows = self.errors = self.warnings = self.credit_memos = 0
        self.effects: Counter[str] = Counter()
        self.missing: Counter[str] = Counter()
        self.suppliers: Counter[str] = Counter()
        self.rules: Counter[str] = Counter()

    def add(self, result: ScreenedRow | RowError) -> None:
        self.rows += 1
        if isinstance(result, RowError):
            self.errors += 1
            return
        decision = result.decision
        self.effects[decision.effect.value] += 1
        self.warnings += bool(decision.warnings)
        self.credit_memos += result.credit_memo
        self.rules.update(decision.determining_keys)
        if decision.basis.value == "unknown":
            self.missing.update(decision.missing_facts)
        purchase = result.purchase
        if purchase.vendor is None and purchase.supplier.strip():
            resolved = any(r.subject == "vendor" and r.entity for r in decision.resolutions)
            if not resolved:
                name = purchase.supplier.strip()
                if result.supplier_country:
                    name += f" ({result.supplier_country})"
                self.suppliers[name] += 1

    def summary(self) -> ScreeningSummary:
        return ScreeningSummary(
            rows=self.rows,
            decisions=self.rows - self.errors,
            errors=self.errors,
            effects=dict(sorted(self.effects.items())),
            warnings=self.warnings,
            missing_facts=dict(self.missing.most_common()),
            unidentified_suppliers=dict(self.suppliers.most_common()),
            rule_hits=dict(self.rules.most_common()),
            credit_memos=self.credit_memos,
        )


# --- reading -----------------------------------------------------------------------------------


def _open_ledger(name: str) -> IO[bytes]:
    """The ledger file opened for binary reading, or a :class:`FileError` saying why not."""
    try:
        return Path(name).open("rb")
    except FileNotFoundError:
        raise FileError(f"no such file {tick(name)}") from None
    except IsADirectoryError:
        raise FileError(f"{tick(name)} is a directory, not a file") from None
    except OSError as exc:
        raise FileError(f"cannot read {tick(name)}: {exc.strerror or exc}") from None


def _refuse_non_text(handle: IO[bytes], name: str) -> None:
    """Refuse a file that is binary or UTF-16 by its first bytes; leave it at its start."""
    head = handle.read(4096)
    handle.seek(0)
    if b"\x00" in head:
        raise _file_error(name, "binary data (a NUL byte) where text was expected")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _file_error(name, "the file is UTF-16 text", hint="save it as UTF-8")


def read_ledger(
    path: str | os.PathLike[str],
    *,
    mapping: ColumnMapping | None = None,
    format: LedgerFormat | None = None,  # noqa: A002
    components: ComponentsFile | str | os.PathLike[str] | None = None,
) -> Iterator[LedgerRow | RowError]:
    """Read a ledger, one :class:`LedgerRow` or :class:`RowError` per row, in file order.

    The format comes from the suffix (``.csv``, ``.jsonl``/``.ndjson``) unless given. Problems
    with the file as a whole (missing, not text, a header with unknown or missing columns) raise
    at once; problems with a row become that row's :class:`RowError`. Blank lines are not rows.

    ``components`` is a components file (a path, or a :class:`ComponentsFile` from
    :func:`load_components`): each row gets the parts listed for its purchase id. A part that
    cannot be read makes its purchase's row an error; parts no row takes are listed by
    :meth:`ComponentsFile.unmatched` once the ledger is read.
    """
    mapping = mapping or ColumnMapping()
    if "auto" in (mapping.delimiter, mapping.encoding, mapping.decimal):
        mapping = detect_format(path, mapping).mapping
    if components is not None and not isinstance(components, ComponentsFile):
        components = load_components(components)
    name = os.fspath(path)
    fmt = format or _ledger_format(name)
    handle = _open_ledger(name)
    try:
        _refuse_non_text(handle, name)
        rows = _read_csv(handle, name, mapping) if fmt == "csv" else _read_jsonl(handle, mapping)
    except BaseException:
        handle.close()
        raise
    return _Owning(rows if components is None else attach(rows, components), handle.close)


class _Owning(Iterator[_Row]):
    """Rows that close their file once read to the end, or when closed, whether or not reading
    has begun (a generator closed before its first row never runs its own ``finally``)."""

    __slots__ = ("_close", "_rows")

    def __init__(self, rows: Iterator[_Row], close: Callable[[], object]) -> None:
        self._rows = rows
        self._close = close

    def __next__(self) -> _Row:
        try:
            return next(self._rows)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop reading and close the file."""
        # The file first: dropping a generator not yet started drops the text wrapper it
        # was given, which would warn of an unclosed file.
        try:
            self._close()
        finally:
            stop = getattr(self._rows, "close", None)
            if stop is not None:
                stop()


@frozen(kw_only=True)
class DetectedFormat:
    """What :func:`detect_format` found: the mapping with its ``auto`` settings resolved, and a
    line for each setting it detected, saying what and why."""

    mapping: ColumnMapping
    notes: tuple[str, ...] = ()


_DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_BYTES = 65_536
_SAMPLE_ROWS = 200


def detect_format(path: str | os.PathLike[str], mapping: ColumnMapping) -> DetectedFormat:
    """Resolve the mapping's ``auto`` settings from the start of a CSV ledger: the encoding
    (UTF-8 when the first 64 kB are UTF-8, else cp1252), the delimiter (the most frequent of
    ``,`` ``;`` tab ``|`` in the header) and, for ``decimal="auto"``, the decimal mark and
    thousands separator that the first 200 amounts are written with."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(_SAMPLE_BYTES)
    except OSError:
        return DetectedFormat(mapping=_resolved(mapping, ",", "utf-8", ".", None))
    notes: list[str] = []
    encoding = mapping.encoding
    if encoding == "auto":
        try:
            head.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:
            # A character cut at the end of the sample is no reason to doubt the file.
            encoding = "cp1252" if exc.start < len(head) - 3 else "utf-8"
        notes.append(
            f"encoding {encoding}"
            + (" (the start of the file is not UTF-8)" if encoding == "cp1252" else "")
        )
    text = head.decode("utf-8-sig" if encoding == "utf-8" else encoding, errors="replace")
    delimiter = mapping.delimiter
    if delimiter == "auto":
        header = text.split("\n", 1)[0]
        counts = {d: _outside_quotes(header).count(d) for d in _DELIMITERS}
        delimiter = max(_DELIMITERS, key=lambda d: counts[d]) if any(counts.values()) else ","
        shown_delimiter = "tab" if delimiter == "\t" else f"`{delimiter}`"
        notes.append(f"cells separated by {shown_delimiter} ({counts[delimiter]} in the header)")
    decimal, thousands = mapping.decimal, mapping.thousands
    if decimal == "auto":
        decimal, thousands, why = _number_format(text, delimiter, mapping)
        notes.append(why)
    return DetectedFormat(
        mapping=_resolved(mapping, delimiter, encoding, decimal, thousands), notes=tuple(notes)
    )


def _resolved(
    mapping: ColumnMapping, delimiter: str, encoding: str, decimal: str, thousands: str | None
) -> ColumnMapping:
    import attrs  # noqa: PLC0415

    return attrs.evolve(
        mapping,
        delimiter=delimiter if mapping.delimiter == "auto" else mapping.delimiter,
        encoding=encoding if mapping.encoding == "auto" else mapping.encoding,
        decimal=decimal if mapping.decimal == "auto" else mapping.decimal,
        thousands=thousands if mapping.decimal == "auto" else mapping.thousands,
    )


def _outside_quotes(line: str) -> str:
    return "".join(part for i, part in enumerate(line.split('"')) if i % 2 == 0)


def _number_format(
    text: str, delimiter: str, mapping: ColumnMapping
) -> tuple[str, str | None, str]:
    """The decimal mark and thousands separator the sample's amounts are written with, and
    why. Amounts that say nothing (``1016``) leave the default, ``.`` and none."""
    records = csv_records(text.splitlines(keepends=True), delimiter=delimiter)
    first = next(records, None)
    column = mapping.value if "value" not in mapping.constants else None
    if first is None or first[1] is None or column is None or column not in first[1]:
        return ".", None, "amounts: no amount column to detect their format from; read as `1016.20`"
    index = [c.strip() for c in first[1]].index(column)
    votes: Counter[tuple[str, str | None]] = Counter()
    for _, (_, cells) in zip(range(_SAMPLE_ROWS), records, strict=False):
        if cells is None or len(cells) <= index:
            continue
        cell = cells[index].strip().strip("-+").strip()
        if "," in cell and "." in cell:
            votes[(",", ".") if cell.rfind(",") > cell.rfind(".") else (".", ",")] += 1
        elif "," in cell:
            # `1,016` groups thousands; `1016,2` and `1016,20` have a decimal comma.
            votes[(".", ",") if len(cell.rsplit(",", 1)[1]) == 3 else (",", None)] += 1
        elif cell.count(".") > 1:
            votes[(",", ".")] += 1
    if not votes:
        return ".", None, f"amounts in column `{column}`: plain numbers, read as `1016.20`"
    (decimal, thousands), count = votes.most_common(1)[0]
    example = f"1{thousands or ''}016{decimal}20"
    return (
        decimal,
        thousands,
        (
            f"amounts in column `{column}` written like `{example}` ({count} of the first "
            f"{_SAMPLE_ROWS} rows tell)"
        ),
    )


def read_header(path: str | os.PathLike[str], mapping: ColumnMapping) -> list[str]:
    """The column names of a CSV ledger's header, as reading it would find them; empty when the
    file cannot be read (reading the ledger then reports why)."""
    if "auto" in (mapping.delimiter, mapping.encoding, mapping.decimal):
        mapping = detect_format(path, mapping).mapping
    encoding = "utf-8-sig" if mapping.encoding == "utf-8" else mapping.encoding
    try:
        with Path(path).open("rb") as handle:
            text = io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="")
            first = next(csv_records(text, delimiter=mapping.delimiter), None)
    except OSError:
        return []
    if first is None or first[1] is None:
        return []
    return [cell.strip() for cell in first[1]]


#: Ledger formats read through an extra, by suffix: (extra, its module).
EXTRA_FORMATS = {
    ".xlsx": ("excel", "vendorpolicy.extra.excel"),
    ".parquet": ("parquet", "vendorpolicy.extra.parquet"),
}


def _ledger_format(name: str) -> LedgerFormat:
    suffix = Path(name).suffix.lower()
    if suffix in EXTRA_FORMATS:
        extra, module = EXTRA_FORMATS[suffix]
        raise FileError(
            f"{tick(name)} is a {suffix} file: read it with `{module}.read_ledger` (install "
            f"`vendorpolicy[{extra}]`), or save it as CSV"
        )
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    return "csv"


def _file_error(name: str, message: str, *, hint: str | None = None) -> InvalidDataError:
    return InvalidDataError(
        f"cannot read {name}", problems=(InvalidValueError(message, path=name, hint=hint),)
    )


def _read_csv(
    handle: IO[bytes], name: str, mapping: ColumnMapping
) -> Iterator[LedgerRow | RowError]:
    # Undecodable bytes are kept as surrogates so that the one row holding them is reported and
    # the rest of the file still read.
    encoding = "utf-8-sig" if mapping.encoding in ("utf-8", "auto") else mapping.encoding
    text = io.TextIOWrapper(handle, encoding=encoding, errors="surrogateescape", newline="")
    delimiter = "," if mapping.delimiter == "auto" else mapping.delimiter
    records = csv_records(text, delimiter=delimiter)
    first = next(records, None)
    if first is None:
        raise _file_error(name, "the file is empty", hint="the first line must name the columns")
    if first[1] is None:
        raise _file_error(name, f"the header is longer than {MAX_RECORD_CHARS} characters")
    roles = _check_header([h.strip() for h in first[1]], name, mapping)
    return _csv_rows(text, records, roles, mapping)


def ledger_rows(
    name: str,
    records: Iterable[tuple[int, list[str]]],
    mapping: ColumnMapping,
    components: ComponentsFile | str | os.PathLike[str] | None = None,
    *,
    close: Callable[[], object] | None = None,
) -> Iterator[LedgerRow | RowError]:
    """Ledger rows from records of text cells, each with its line, the first naming the
    columns: for readers of other formats (``vendorpolicy.extra``), with the checks and the
    mapping a CSV ledger gets. ``close`` is called once the records are read, or when the rows
    are closed (read or not)."""
    if "auto" in (mapping.delimiter, mapping.encoding, mapping.decimal):
        mapping = _resolved(mapping, ",", "utf-8", ".", None)
    source = iter(records)
    try:
        first = next(source, None)
        if first is None:
            raise _file_error(name, "the file is empty", hint="the first row must name the columns")
        roles = _check_header([h.strip() for h in first[1]], name, mapping)
        if components is not None and not isinstance(components, ComponentsFile):
            components = load_components(components)
    except BaseException:
        if close is not None:
            close()
        raise
    rows = _cell_rows(source, roles, mapping)
    if components is not None:
        rows = attach(rows, components)
    return rows if close is None else _Owning(rows, close)


def _csv_rows(
    handle: IO[str],
    records: Iterator[tuple[int, list[str] | None]],
    roles: list[tuple[str, ...]],
    mapping: ColumnMapping,
) -> Iterator[LedgerRow | RowError]:
    with handle:
        yield from _cell_rows(records, roles, mapping)


def _cell_rows(
    records: Iterator[tuple[int, list[str] | None]],
    roles: list[tuple[str, ...]],
    mapping: ColumnMapping,
) -> Iterator[LedgerRow | RowError]:
    for line, cells in records:
        if cells is None:
            yield RowError(
                line=line,
                errors=(
                    (
                        f"row longer than {MAX_RECORD_CHARS} characters (a quote that is "
                        "never closed makes the rest of the file one cell)"
                    ),
                ),
            )
            continue
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) != len(roles):
            yield RowError(
                line=line,
                errors=(f"expected {len(roles)} cells as in the header, found {len(cells)}",),
            )
            continue
        if _undecodable("".join(cells)):
            yield RowError(
                line=line,
                errors=(
                    (
                        f"not {_encoding_name(mapping)} text: the row holds bytes that "
                        "cannot be read"
                    ),
                ),
            )
            continue
        if any("\x00" in c for c in cells):
            yield RowError(line=line, errors=("binary data (a NUL byte) where text was expected",))
            continue
        row: dict[str, Any] = {}
        for keys, cell in zip(roles, cells, strict=True):
            for key in keys:
                row[key] = cell
        yield _to_purchase(line, row, mapping)


#: The longest CSV record (a row, with every line of its quoted cells) read; a longer one is an
#: error row, read through to its end so that the rows after it are read as they are written.
MAX_RECORD_CHARS = 1_000_000


def csv_records(
    lines: Iterable[str], limit: int = MAX_RECORD_CHARS, delimiter: str = ","
) -> Iterator[tuple[int, list[str] | None]]:
    """The records of CSV text, each with the line it starts on (from 1): its cells, or ``None``
    for a record longer than ``limit`` characters. ``lines`` are the text's lines with their
    endings (a file opened with ``newline=""``).

    The cells are those the :mod:`csv` module's default dialect reads (a quote opens a quoted
    cell only at the start of a cell; ``""`` in a quoted cell is a quote; a quoted cell may hold
    line breaks; text after a closing quote joins the cell), with no limit on a cell's size but
    ``limit``: the module's reader stops at 131,072 characters in one cell, and the lines of the
    rest of that cell would then be read as rows of their own.
    """
    source = _Lines(lines)
    it = source._lines
    number = 0
    for first in it:
        number += 1
        line = first
        if '"' not in line:  # the common case: a record of one line and no quotes
            if len(line) > limit:
                yield number, None
                continue
            body = line.rstrip("\r\n")
            yield number, body.split(delimiter) if body else []
            continue
        # A record with quotes may go on over the next lines, which `source` counts.
        source.number = number
        start, source.size = number, len(line)
        cells: list[str] = []
        pos = 0
        while True:  # at the start of a cell, at `pos` in `line`
            parts: list[str] = []  # the pieces of the cell
            if line.startswith('"', pos):
                found = _quoted_cell(line, pos + 1, source, parts, limit)
                if found is None:  # the text ended inside the quoted cell
                    cells.append("".join(parts))
                    break
                line, pos = found
            # Unquoted text, or text after a closing quote: up to the next comma or the line end.
            end = len(line.rstrip("\r\n"))
            comma = line.find(delimiter, pos, end)
            parts.append(line[pos : end if comma < 0 else comma])
            cells.append("".join(parts))
            if comma < 0:
                break
            pos = comma + len(delimiter)
        number = source.number
        yield start, None if source.size > limit else cells


class _Lines:
    """Lines with a count of those read, and of the characters in the record being read."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.number = 0
        self.size = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.number += 1
        return line


def _quoted_cell(
    line: str, pos: int, source: _Lines, parts: list[str], limit: int
) -> tuple[str, int] | None:
    """Read a quoted cell from ``pos`` (after its opening quote) into ``parts``, across lines
    as needed; return the line and position after the closing quote, or ``None`` when the text
    ends first. Past ``limit`` characters, the rest of the cell is read but not kept."""
    while True:
        close = line.find('"', pos)
        if close < 0:  # the cell goes on past this line
            parts.append(line[pos:])
            following = next(source, None)
            if following is None:
                return None
            source.size += len(following)
            if source.size > limit:
                parts.clear()
            line, pos = following, 0
            continue
        parts.append(line[pos:close])
        if not line.startswith('"', close + 1):
            return line, close + 1
        parts.append('"')  # `""` stands for one quote
        pos = close + 2


#: The characters ``surrogateescape`` decodes undecodable bytes to.
_UNDECODED = re.compile("[\udc80-\udcff]")


def _undecodable(text: str) -> bool:
    # Those characters are not ASCII: most text is, and is answered without a search.
    return not text.isascii() and _UNDECODED.search(text) is not None


def column_roles(mapping: ColumnMapping) -> dict[str, tuple[str, ...]]:
    """For each column the mapping reads, the keys its cell feeds in a row: ``field:<name>``,
    ``map:<index>`` (a value map) and ``keep:<column>``. Fact columns are found by prefix."""
    roles: dict[str, list[str]] = {}
    for column, name in mapping.columns().items():
        if name == "id" and isinstance(mapping.id, tuple):
            roles.setdefault(column, []).append(f"idpart:{mapping.id.index(column)}")
        else:
            roles.setdefault(column, []).append(f"field:{name}")
    for fact, column in mapping.fact_columns.items():
        roles.setdefault(column, []).append(f"fact:{fact}")
    for i, value_map in enumerate(mapping.value_maps):
        roles.setdefault(value_map.column, []).append(f"map:{i}")
    for column in mapping.keep:
        roles.setdefault(column, []).append(f"keep:{column}")
    return {column: tuple(keys) for column, keys in roles.items()}


def _roles_of(
    column: str, known: Mapping[str, tuple[str, ...]], mapping: ColumnMapping
) -> tuple[str, ...] | None:
    """The keys a column (or a JSON Lines key) feeds; ``None`` when the mapping does not know
    it. A column both known and starting with the fact prefix is read as what the mapping
    names it."""
    keys = known.get(column)
    if keys is not None:
        return keys
    if mapping.fact_prefix and column.startswith(mapping.fact_prefix):
        return (f"fact:{column[len(mapping.fact_prefix) :]}",)
    if column in mapping.ignore:
        return ()
    return None


def _unknown_column(column: str, mapping: ColumnMapping, known: Mapping[str, Any]) -> str:
    """Why a column is not known, and how to fix it: a hint."""
    taken = {
        getattr(mapping, name): name
        for name in (*mapping.constants, *(t for m in mapping.value_maps for t in m.targets()))
        if name in FIELDS and getattr(mapping, name) is not None
    }
    if column in taken:
        name = taken[column]
        return (
            f"it would feed `{name}`, which {mapping.source(name)} sets; list the column in "
            "`ignore`, or drop the other source"
        )
    close = _closest(column, [*known, *mapping.ignore])
    if close:
        return f"did you mean {tick(close)}?"
    return "map it in the ColumnMapping, keep it (`keep`), or list it in `ignore`"


def _check_header(header: list[str], name: str, mapping: ColumnMapping) -> list[tuple[str, ...]]:
    """For each column, the keys its cells feed (see :func:`column_roles`)."""
    known = column_roles(mapping)
    out: list[tuple[str, ...]] = []
    problems: list[VendorPolicyError] = []
    seen: set[str] = set()
    for i, column in enumerate(header):
        where = f"{name}:1 column {i + 1}"
        if column in seen:
            problems.append(InvalidValueError(f"column {tick(column)} appears twice", path=where))
        seen.add(column)
        if _undecodable(column):
            problems.append(InvalidValueError("not UTF-8 text", path=where))
            out.append(())
            continue
        keys = _roles_of(column, known, mapping)
        if keys is None:
            problems.append(
                InvalidValueError(
                    f"unknown column {tick(column)}",
                    path=where,
                    hint=_unknown_column(column, mapping, known),
                )
            )
            keys = ()
        out.append(keys)
    problems.extend(_missing_columns(seen, f"{name}:1", mapping))
    if problems:
        count = len(problems)
        raise InvalidDataError(
            f"{count} problem{'s' if count != 1 else ''} in the header of {name}",
            problems=tuple(problems),
        )
    return out


def _missing_columns(
    present: set[str], where: str, mapping: ColumnMapping
) -> list[VendorPolicyError]:
    """The columns a header must have and has not: the buyer's (unless a constant or a value map
    gives them), every value map's and every kept one."""
    problems: list[VendorPolicyError] = []
    given = (
        {mapping.columns().get(c) for c in present}
        | set(mapping.constants)
        | {t for m in mapping.value_maps for t in m.targets()}
    )
    for required in ("buyer_id", "buyer_public", "buyer_sector"):
        if required not in given:
            column = getattr(mapping, required)
            problems.append(
                InvalidValueError(
                    f"no column {tick(column)} for `{required}`",
                    path=where,
                    hint="every purchase needs its buyer's id, public flag and sector; "
                    "add the column, map another one, or give a constant or a value map",
                )
            )
    problems.extend(
        InvalidValueError(
            f"no column {tick(value_map.column)} for its value map",
            path=where,
            hint="name the column the codes are in as the header spells it",
        )
        for value_map in mapping.value_maps
        if value_map.column not in present
    )
    named = [
        *(mapping.id if isinstance(mapping.id, tuple) else ()),
        *mapping.fact_columns.values(),
    ]
    problems.extend(
        InvalidValueError(
            f"no column {tick(column)}",
            path=where,
            hint="the mapping names it for the purchase id or a fact; name a column of the header",
        )
        for column in dict.fromkeys(named)
        if column not in present
    )
    for column in mapping.keep:
        if column not in present:
            close = _closest(column, sorted(present))
            problems.append(
                InvalidValueError(
                    f"no column {tick(column)} to keep",
                    path=where,
                    hint=f"did you mean {tick(close)}?" if close else "name a column of the header",
                )
            )
    return problems


def _closest(value: str, choices: list[str]) -> str | None:
    import difflib  # noqa: PLC0415 - only on the error path

    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def _read_jsonl(handle: IO[bytes], mapping: ColumnMapping) -> Iterator[LedgerRow | RowError]:
    columns = column_roles(mapping)
    with handle:
        for number, raw in enumerate(handle, start=1):
            if len(raw) > _MAX_LINE_BYTES:
                yield RowError(line=number, errors=(f"line longer than {_MAX_LINE_BYTES} bytes",))
                continue
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8").strip()
            except UnicodeDecodeError:
                yield RowError(line=number, errors=("not UTF-8 text",))
                continue
            if not text:
                continue
            try:
                data = json.loads(
                    text,
                    parse_float=Decimal,
                    parse_constant=no_constant,
                    object_pairs_hook=no_duplicates,
                )
            except DuplicateKeyError as exc:
                # The last value would silently win: a defence buyer could become a retailer.
                yield RowError(
                    line=number,
                    errors=(
                        (
                            f"key {tick(exc.key)} given twice in one object (a repeated key "
                            "would silently replace the first; keep one)"
                        ),
                    ),
                )
                continue
            except (ValueError, RecursionError) as exc:
                reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
                yield RowError(line=number, errors=(f"not valid JSON: {reason}",))
                continue
            if not isinstance(data, dict):
                yield RowError(
                    line=number,
                    errors=(f"expected a JSON object, got {type_name(data)}",),
                )
                continue
            problems = data_problems(data, _MAX_DEPTH)
            if problems:
                yield RowError(
                    line=number,
                    errors=tuple(_render(p, p.path or "$") for p in problems),
                    purchase_id=_text_id(data),
                )
                continue
            if isinstance(data.get("buyer"), Mapping):
                yield _nested_purchase(number, data)
                continue
            row: dict[str, Any] = {}
            errors: list[str] = []
            for key, value in data.items():
                keys = _roles_of(key, columns, mapping)
                if keys is None:
                    errors.append(
                        f"unknown key {tick(key)} ({_unknown_column(key, mapping, columns)})"
                    )
                    continue
                for role in keys:
                    row[role] = value
            if errors:
                yield RowError(line=number, errors=tuple(errors), kept=_kept(row))
                continue
            yield _to_purchase(number, row, mapping)


def _nested_purchase(line: int, data: dict[str, Any]) -> LedgerRow | RowError:
    try:
        return LedgerRow(line=line, purchase=purchase_from_dict(data))
    except VendorPolicyError as exc:
        problems = getattr(exc, "problems", ()) or (exc,)
        purchase_id = _text_id(data)
        return RowError(line=line, errors=tuple(str(p) for p in problems), purchase_id=purchase_id)


def _to_purchase(line: int, row: Mapping[str, Any], mapping: ColumnMapping) -> LedgerRow | RowError:
    """One ledger row (``field:<name>``, ``fact:<name>``, ``map:<index>`` and ``keep:<column>``
    keys) to a purchase, through the converter; its errors are reported by column."""
    values, facts, errors = _cells(row, mapping)
    kept = _kept(row)
    supplier_country = values.pop("supplier_country", None)
    if supplier_country is not None:
        try:
            supplier_country = check_country(supplier_country, "supplier_country")
        except VendorPolicyError as exc:
            errors.append(_render(exc, _where("supplier_country", mapping)))
            supplier_country = None
    data: dict[str, Any] = {}
    buyer = {
        k: values[f"buyer_{k}"]
        for k in ("id", "name", "sector", "country")
        if f"buyer_{k}" in values
    }
    if "buyer_public" in values:
        buyer["public"] = _flag(values["buyer_public"], mapping)
    data["buyer"] = buyer
    if "vendor_id" in values:
        vendor: dict[str, Any] = {"id": values["vendor_id"]}
        for k in ("name", "country"):
            if f"vendor_{k}" in values:
                vendor[k] = values[f"vendor_{k}"]
        if "vendor_designations" in values:
            vendor["designations"] = _split(values["vendor_designations"], mapping)
        data["vendor"] = vendor
    else:
        errors.extend(
            f"{_where(orphan, mapping)}: a vendor needs an id; with no vendor id, put "
            "the name in the supplier column"
            for orphan in ("vendor_name", "vendor_country", "vendor_designations")
            if orphan in values
        )
    for k in ("id", "supplier", "category", "purpose", "description"):
        if k in values:
            data[k] = values[k]
    for k in ("date", "acquired"):
        if k in values:
            data[k] = _date(values[k], mapping, errors, k)
    credit_memo = _credit_memo(values, mapping, errors)
    if "value" in values or "currency" in values:
        amount = values.get("value")
        data["value"] = {
            **(
                {"amount": str(amount) if isinstance(amount, (int, Decimal)) else amount}
                if amount is not None
                else {}
            ),
            **({"currency": values["currency"]} if "currency" in values else {}),
        }
    if "components" in values:
        declared = values["components"]
        if isinstance(declared, str) and declared.strip().lower() == "none":
            data["components"] = []
        else:
            errors.append(
                f"{_where('components', mapping)}: expected `none`, got {tick(declared)} "
                "(`none` declares that the purchase has no components; parts come from a "
                "components file)"
            )
    if facts:
        data["facts"] = facts
    purchase_id = _text_id(data)
    try:
        purchase = purchase_from_dict(data)
    except InvalidDataError as exc:
        errors.extend(_by_column(p, mapping) for p in exc.problems)
    if errors:
        return RowError(line=line, errors=tuple(errors), purchase_id=purchase_id, kept=kept)
    return LedgerRow(
        line=line,
        purchase=purchase,
        kept=kept,
        supplier_country=supplier_country,
        credit_memo=credit_memo,
    )


def _credit_memo(values: dict[str, Any], mapping: ColumnMapping, errors: list[str]) -> bool:
    """Read the amount in ``values`` as a plain number (in place): whether it was negative (a
    credit memo, whose magnitude is kept)."""
    value = values.get("value")
    if isinstance(value, str):
        parsed = _amount(value, mapping)
        if parsed is None:
            plain = mapping.decimal == "." and not mapping.thousands
            errors.append(
                f"{_where('value', mapping)}: not a number {tick(value)}"
                + ("" if plain else f" (expected amounts written like {tick(_example(mapping))})")
            )
            del values["value"]
            values.pop("currency", None)  # the amount is reported; the value is left out whole
            return False
        values["value"] = parsed.lstrip("-")
        return parsed.startswith("-")
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and value < 0:
        values["value"] = -value
        return True
    return False


def _amount(text: str, mapping: ColumnMapping) -> str | None:
    """An amount cell as a plain decimal string (``-1016.20``), read with the mapping's decimal
    mark and thousands separator; a minus sign before or after the number (SAP writes credit
    memos as ``1.016,20-``) is a negative amount. ``None`` when the cell is not an amount in
    that form."""
    body = text.strip().removeprefix("+")
    sign = ""
    if body.endswith("-") or body.startswith("-"):
        sign = "-"
        body = body[:-1] if body.endswith("-") else body[1:]
        body = body.strip()
    decimal = mapping.decimal
    thousands = mapping.thousands
    whole, mark, fraction = body.partition(decimal)
    if mark and (not fraction.isdigit() or not fraction.isascii()):
        return None
    if thousands and thousands in whole:
        groups = whole.split(thousands)
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            return None
        whole = "".join(groups)
    if not whole.isdigit() or not whole.isascii():
        return None
    return sign + whole + ("." + fraction if mark else "")


def _example(mapping: ColumnMapping) -> str:
    thousands = mapping.thousands or ""
    return f"1{thousands}016{mapping.decimal}20"


def _cells(
    row: Mapping[str, Any], mapping: ColumnMapping
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The field values and facts a row's cells, the constants and the value maps give, with
    the errors of codes no rule maps."""
    values: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    errors: list[str] = []
    parts: dict[int, Any] = {}
    for name, constant in mapping.constants.items():
        if name.startswith(FACT_TARGET):
            facts[name[len(FACT_TARGET) :]] = constant
        else:
            values[name] = constant
    for key, raw in row.items():
        kind, _, name = key.partition(":")
        cell = raw.strip() if isinstance(raw, str) else raw
        if cell is None or cell == "" or kind == "keep":
            continue  # an empty cell is an unknown fact, never an empty text
        if kind == "fact":
            facts[name] = _fact_value(cell, mapping)
        elif kind == "map":
            _map_value(mapping.value_maps[int(name)], cell, values, facts, errors)
        elif kind == "idpart":
            parts[int(name)] = cell
        else:
            values[name] = cell
    if parts:
        columns = mapping.id
        assert isinstance(columns, tuple)
        missing = [columns[i] for i in range(len(columns)) if i not in parts]
        if missing:
            errors.append(
                f"column {tick(missing[0])}: empty, and the purchase id is made of columns "
                + ", ".join(tick(c) for c in columns)
            )
        else:
            values["id"] = "-".join(str(parts[i]) for i in range(len(columns)))
    return values, facts, errors


def _encoding_name(mapping: ColumnMapping) -> str:
    return "UTF-8" if mapping.encoding in ("utf-8", "auto") else mapping.encoding


def _kept(row: Mapping[str, Any]) -> dict[str, str]:
    """The ``keep`` columns of a row, as text (a JSON Lines value as JSON writes it)."""
    out: dict[str, str] = {}
    for key, value in row.items():
        if key.startswith("keep:"):
            if value is None:
                text = ""
            elif isinstance(value, str):
                text = value
            else:
                text = json.dumps(value, ensure_ascii=False, default=str)
            out[key[len("keep:") :]] = text
    return out


def _map_value(
    value_map: ValueMap,
    cell: Any,
    values: dict[str, Any],
    facts: dict[str, Any],
    errors: list[str],
) -> None:
    """Translate one code through its value map into ``values`` and ``facts``; a code no rule
    maps is an error naming it."""
    where = f"column {tick(value_map.column)}"
    if isinstance(cell, int) and not isinstance(cell, bool):
        cell = str(cell)  # a JSON Lines code written as a number
    if not isinstance(cell, str):
        errors.append(f"{where}: expected a code as text, got {type_name(cell)} {tick(cell)}")
        return
    found = value_map.lookup(cell)
    if found is None:
        errors.append(
            f"{where}: no rule of the value map maps the code {tick(cell)} (add it to the "
            "map's `exact` codes or a `prefix` rule, so that the row is not read with the "
            "field unknown)"
        )
        return
    for target, value in found[0].items():
        if target.startswith(FACT_TARGET):
            facts[target[len(FACT_TARGET) :]] = value
        else:
            values[target] = value


def _text_id(data: Mapping[str, Any]) -> str:
    """The row's purchase id for its error record, when it is text: escaped if it could not be
    written out as it is (a lone surrogate)."""
    value = data.get("id")
    if not isinstance(value, str):
        return ""
    return value if lone_surrogate(value) is None else shown(value)


def _flag(value: Any, mapping: ColumnMapping) -> Any:
    if isinstance(value, str):
        word = value.strip().lower()
        if word in mapping.true_values:
            return True
        if word in mapping.false_values:
            return False
    return value  # the converter reports it


def _fact_value(value: Any, mapping: ColumnMapping) -> Any:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _split(value: Any, mapping: ColumnMapping) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(mapping.list_separator) if part.strip()]
    return value


def _date(value: Any, mapping: ColumnMapping, errors: list[str], name: str = "date") -> Any:
    if mapping.date_format is None or not isinstance(value, str):
        return value
    try:
        return dt.datetime.strptime(value, mapping.date_format).date().isoformat()
    except ValueError:
        errors.append(
            f"{_where(name, mapping)}: not a date {tick(value)} "
            f"(expected the format {tick(mapping.date_format)})"
        )
        return None


def _where(name: str, mapping: ColumnMapping) -> str:
    return mapping.source(name)


def _by_column(problem: VendorPolicyError, mapping: ColumnMapping) -> str:
    """A converter problem, located by the column it came from rather than the data path."""
    path = problem.path or "$"
    for name, data_path in _DATA_PATH.items():
        if path == data_path or path.startswith(data_path + "["):
            return _render(problem, _where(name, mapping))
    if path.startswith("$.facts["):
        fact = path[len("$.facts[") :].split("]", 1)[0].strip("'\"")
        return _render(problem, mapping.source(FACT_TARGET + fact))
    if path == "$.value":
        return _render(problem, f"{_where('value', mapping)}/{_where('currency', mapping)}")
    if path == "$.buyer":
        return _render(problem, "buyer columns")
    return _render(problem, path)


def _render(problem: VendorPolicyError, where: str) -> str:
    text = f"{where}: {problem.message}"
    return f"{text} ({problem.hint})" if problem.hint else text


# --- screening ---------------------------------------------------------------------------------


def screen(
    rule_set: RuleSet,
    rows: Iterable[LedgerRow | RowError],
    *,
    as_of: dt.date | None = None,
    registry: Registry | None = None,
    resolver: Resolver | None = None,
    outside_vocabulary: OutsideVocabulary = "error",
    extra_facts: ExtraFacts = (),
    vocabulary: Vocabulary | None = None,
) -> Iterator[ScreenedRow | RowError]:
    """Decide on each row; errors pass through in place, so the output has one item per row.

    With a ``registry``, supplier and maker names are resolved against it first (see
    :meth:`RuleSet.evaluate`), and each decision records how. A row whose purchase breaks the
    rule set's vocabulary (a fact it does not know, a value outside a closed fact, a category
    outside the tree) is a :class:`RowError` naming the fact and the allowed values; with
    ``outside_vocabulary="escalate"`` it is decided with those facts unknown instead.
    ``extra_facts`` and ``vocabulary`` are passed to :meth:`RuleSet.evaluate`.
    """
    options: dict[str, Any] = {
        "as_of": as_of,
        "registry": registry,
        "resolver": resolver,
        "outside_vocabulary": outside_vocabulary,
        "extra_facts": extra_facts,
        "vocabulary": vocabulary,
    }
    screened = getattr(type(rows), "screened", None)
    if screened is not None:
        # A CSV ledger's records (`_bulk.BulkRows`, which imports this module, not the other
        # way round): the same results, and written in bulk.
        return screened(rows, rule_set, **options)  # type: ignore[no-any-return]
    return _screen(rule_set, rows, options)


def _screen(
    rule_set: RuleSet, rows: Iterable[LedgerRow | RowError], options: dict[str, Any]
) -> Iterator[ScreenedRow | RowError]:
    for row in rows:
        if isinstance(row, RowError):
            yield row
            continue
        try:
            decision = rule_set.evaluate(row.purchase, **options)
        except VocabularyError as exc:
            yield RowError(
                line=row.line,
                errors=tuple(str(p) for p in exc.problems),
                purchase_id=row.purchase.id,
                kept=row.kept,
            )
            continue
        yield ScreenedRow(
            line=row.line,
            purchase=row.purchase,
            decision=decision,
            kept=row.kept,
            supplier_country=row.supplier_country,
            credit_memo=row.credit_memo,
        )


def screen_ledger(
    rule_set: RuleSet,
    path: str | os.PathLike[str],
    *,
    mapping: ColumnMapping | None = None,
    format: LedgerFormat | None = None,  # noqa: A002
    components: ComponentsFile | str | os.PathLike[str] | None = None,
    as_of: dt.date | None = None,
    registry: Registry | None = None,
    resolver: Resolver | None = None,
    outside_vocabulary: OutsideVocabulary = "error",
    extra_facts: ExtraFacts = (),
    vocabulary: Vocabulary | None = None,
) -> Iterator[ScreenedRow | RowError]:
    """Read a ledger and decide on every row, streaming: one result per row, in file order
    (see :func:`screen`)."""
    return screen(
        rule_set,
        read_ledger(path, mapping=mapping, format=format, components=components),
        as_of=as_of,
        registry=registry,
        resolver=resolver,
        outside_vocabulary=outside_vocabulary,
        extra_facts=extra_facts,
        vocabulary=vocabulary,
    )


# --- writing -----------------------------------------------------------------------------------

#: The columns of a CSV result file, in order.
RESULT_COLUMNS: tuple[str, ...] = (
    "line",
    "purchase_id",
    "status",
    "effect",
    "basis",
    "determining",
    "reason",
    "obligations",
    "missing_facts",
    "errors",
    "warnings",
    "resolved",
    "rule_set",
    "version",
    "digest",
    "as_of",
    "credit_memo",
)


def result_record(result: ScreenedRow | RowError, rule_set: RuleSet) -> dict[str, Any]:
    """The audit record of one result: the same keys for decisions and errors, the rule set's
    digest on both."""
    if isinstance(result, RowError):
        return {
            "line": result.line,
            "purchase_id": result.purchase_id,
            "status": "error",
            "effect": None,
            "basis": None,
            "determining": [],
            "reason": "",
            "obligations": [],
            "missing_facts": [],
            "errors": list(result.errors),
            "warnings": [],
            "resolved": [],
            "rule_set": rule_set.id,
            "version": rule_set.version,
            "digest": rule_set.digest,
            "as_of": None,
            "credit_memo": False,
            "kept": dict(result.kept),
        }
    decision = result.decision
    reasons = [r.reason for r in decision.determining if r.reason]
    return {
        "line": result.line,
        "purchase_id": decision.purchase_id,
        "status": "decided",
        "effect": decision.effect.value,
        "basis": decision.basis.value,
        "determining": list(decision.determining_keys),
        "reason": "; ".join(reasons),
        "obligations": list(decision.obligations),
        "missing_facts": list(decision.missing_facts),
        "errors": list(decision.errors),
        "warnings": list(decision.warnings),
        "resolved": [line for r in decision.resolutions for line in r.summary()],
        "rule_set": decision.rule_set,
        "version": decision.version,
        "digest": decision.digest,
        "as_of": decision.as_of.isoformat() if decision.as_of else None,
        "credit_memo": result.credit_memo,
        "kept": dict(result.kept),
    }


def write_results(
    results: Iterable[ScreenedRow | RowError],
    out: TextIO,
    *,
    rule_set: RuleSet,
    format: ResultFormat = "jsonl",  # noqa: A002
    keep: Iterable[str] = (),
) -> ScreeningSummary:
    """Write one record per result to ``out`` (CSV with a header, or JSON Lines) and count them.

    CSV cells that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``) are
    prefixed with ``'``; JSON Lines records are written as they are. ``keep`` names the kept
    columns (:attr:`ColumnMapping.keep`): in CSV each is a column after the record's own, in
    JSON Lines they are the record's ``kept`` object.
    """
    if format not in ("csv", "jsonl"):
        raise InvalidValueError(
            f"unknown result format {tick(format)}", path="write_results", hint="csv or jsonl"
        )
    csv_out = format == "csv"
    kept_columns = tuple(keep)
    if csv_out:
        out.write(_csv_line([*RESULT_COLUMNS, *(_csv_cell(c) for c in kept_columns)]))
    tally = SummaryTally()
    for result in results:
        tally.add(result)
        record = result_record(result, rule_set)
        if csv_out:
            kept = record["kept"]
            out.write(
                _csv_line(
                    [
                        *(_csv_cell(record[c]) for c in RESULT_COLUMNS),
                        *(_csv_cell(kept.get(c, "")) for c in kept_columns),
                    ]
                )
            )
        else:
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    return tally.summary()


def _csv_line(cells: Iterable[str]) -> str:
    """One CSV record: a cell holding a comma, a quote or any line break (a lone CR too, which
    the :mod:`csv` writer leaves bare when lines end in LF) is quoted, quotes doubled."""
    return ",".join(_csv_quote(c) for c in cells) + "\n"


def _csv_quote(cell: str) -> str:
    # A comma, a quote or a line break (four tests written out: no generator per cell).
    if "," in cell or '"' in cell or "\n" in cell or "\r" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
