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
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal, TextIO, TypeAlias

from attrs import field, frozen

from vendorpolicy._checks import as_items, check_text, data_problems, tick, type_name
from vendorpolicy._convert import purchase_from_dict
from vendorpolicy._decision import Decision
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
    PredicateTypeError,
    VendorPolicyError,
    VocabularyError,
)

__all__ = [
    "ColumnMapping",
    "LedgerFormat",
    "LedgerRow",
    "ResultFormat",
    "RowError",
    "ScreenedRow",
    "ScreeningSummary",
    "read_ledger",
    "screen",
    "screen_ledger",
    "write_results",
]

#: The formats ledgers are read in.
LedgerFormat: TypeAlias = Literal["csv", "jsonl"]
#: The formats screening results are written in.
ResultFormat: TypeAlias = Literal["csv", "jsonl"]

#: The purchase fields a column can feed, in the order of the documented default mapping.
FIELDS: tuple[str, ...] = (
    "id",
    "buyer_id",
    "buyer_name",
    "buyer_public",
    "buyer_sector",
    "buyer_country",
    "vendor_id",
    "vendor_name",
    "vendor_country",
    "vendor_designations",
    "supplier",
    "category",
    "date",
    "value",
    "currency",
    "purpose",
    "description",
    "acquired",
)

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


def _column(value: object) -> Any:
    if value is not None and (not isinstance(value, str) or not value):
        raise PredicateTypeError(
            f"a column name must be non-empty text or None, got {type_name(value)} {tick(value)}",
            path="ColumnMapping",
        )
    return value if value is None else check_text(value, "ColumnMapping")


def _column_field(name: str) -> Any:
    return field(default=name, converter=_column)


def _constants(value: object) -> Any:
    if not isinstance(value, Mapping):
        raise PredicateTypeError(
            f"expected a mapping of field names to values, got {type_name(value)} {tick(value)}",
            path="ColumnMapping.constants",
        )
    for key, item in value.items():
        if key not in FIELDS:
            raise InvalidValueError(
                f"unknown field {tick(key)}",
                path="ColumnMapping.constants",
                hint=f"one of {', '.join(FIELDS)}",
            )
        if not isinstance(item, bool):
            check_text(item, f"ColumnMapping.constants[{key!r}]")
    return dict(sorted(value.items()))


def _texts(value: object, path: str) -> list[str]:
    return [check_text(item, f"{path}[{i}]") for i, item in enumerate(as_items(value, path))]


def _true_words(value: object) -> Any:
    return frozenset(v.strip().lower() for v in _texts(value, "ColumnMapping.true_values"))


def _false_words(value: object) -> Any:
    return frozenset(v.strip().lower() for v in _texts(value, "ColumnMapping.false_values"))


def _ignored(value: object) -> Any:
    return frozenset(_texts(value, "ColumnMapping.ignore"))


def _separator(instance: object, attribute: Any, value: object) -> None:
    check_text(value, "ColumnMapping.list_separator")
    if not value:
        raise InvalidValueError(
            "empty list separator: a cell could not be split",
            path="ColumnMapping.list_separator",
            hint="use a character no designation holds, such as `;` (the default) or `|`",
        )


def _date_format(instance: object, attribute: Any, value: object) -> None:
    if value is not None:
        check_text(value, "ColumnMapping.date_format")


@frozen(kw_only=True)
class ColumnMapping:
    """Which ledger column holds which purchase field.

    Each field names its column; ``None`` says the export has no such column. The defaults are
    the documented standard layout (see ``docs/ledgers.md``). ``constants`` gives a value for
    every row instead of a column (``{"buyer_id": "mic", "currency": "JPY"}`` for an export of
    one buyer in one currency). Columns starting with ``fact_prefix`` become facts. A column
    that is neither mapped nor in ``ignore`` is an error: a misspelt header must not quietly turn
    a fact into an unknown.
    """

    id: str | None = _column_field("id")
    buyer_id: str | None = _column_field("buyer_id")
    buyer_name: str | None = _column_field("buyer_name")
    buyer_public: str | None = _column_field("buyer_public")
    buyer_sector: str | None = _column_field("buyer_sector")
    buyer_country: str | None = _column_field("buyer_country")
    vendor_id: str | None = _column_field("vendor_id")
    vendor_name: str | None = _column_field("vendor_name")
    vendor_country: str | None = _column_field("vendor_country")
    vendor_designations: str | None = _column_field("vendor_designations")
    supplier: str | None = _column_field("supplier")
    category: str | None = _column_field("category")
    date: str | None = _column_field("date")
    value: str | None = _column_field("value")
    currency: str | None = _column_field("currency")
    purpose: str | None = _column_field("purpose")
    description: str | None = _column_field("description")
    #: When the equipment a renewal, upgrade or installation concerns was first bought.
    acquired: str | None = _column_field("acquired")
    #: Columns named ``facts.<name>`` state fact ``<name>``; ``None`` reads no facts.
    fact_prefix: str | None = _column_field("facts.")
    #: Values for every row, by field name, for fields the export has no column for.
    constants: Mapping[str, str | bool] = field(factory=dict, converter=_constants)
    #: Columns present in the export that screening does not use.
    ignore: frozenset[str] = field(factory=frozenset, converter=_ignored)
    #: Separates several designations in one cell.
    list_separator: str = field(default=";", validator=_separator)
    #: A ``strptime`` format for dates; ``None`` reads ISO dates (``2019-04-01``).
    date_format: str | None = field(default=None, validator=_date_format)
    #: Cell values read as true and as false (any case) for ``buyer_public`` and facts.
    true_values: frozenset[str] = field(
        default=frozenset({"true", "yes", "y", "1"}), converter=_true_words
    )
    false_values: frozenset[str] = field(
        default=frozenset({"false", "no", "n", "0"}), converter=_false_words
    )

    def __attrs_post_init__(self) -> None:
        both = self.true_values & self.false_values
        if both:
            raise InvalidValueError(
                f"{', '.join(tick(w) for w in sorted(both))} read as both true and false",
                path="ColumnMapping.false_values",
                hint="a cell value can mean only one of them; remove it from one list",
            )

    def columns(self) -> dict[str, str]:
        """Column name -> field name, for the mapped columns."""
        out: dict[str, str] = {}
        for name in FIELDS:
            column = getattr(self, name)
            if column is not None and name not in self.constants:
                out[column] = name
        return out


@frozen(kw_only=True)
class LedgerRow:
    """A purchase read from the ledger, with the line it starts on (the header is line 1)."""

    line: int
    purchase: Purchase


@frozen(kw_only=True)
class RowError:
    """A ledger row that could not be read as a purchase, or whose purchase breaks the rule
    set's vocabulary: where, and every reason why."""

    line: int
    errors: tuple[str, ...]
    #: The row's purchase id, when it could be read.
    purchase_id: str = ""


@frozen(kw_only=True)
class ScreenedRow:
    """A purchase from the ledger with the decision on it."""

    line: int
    purchase: Purchase
    decision: Decision


@frozen(kw_only=True)
class ScreeningSummary:
    """Counts over a screening run."""

    rows: int
    decisions: int
    errors: int
    #: Decisions by effect value (``{"deny": 3, "allow": 95}``).
    effects: Mapping[str, int]
    #: Decisions with warnings (near misses of known values, see ``Decision.warnings``).
    warnings: int = 0

    @property
    def denied(self) -> int:
        return self.effects.get("deny", 0)


# --- reading -----------------------------------------------------------------------------------


def read_ledger(
    path: str | os.PathLike[str],
    *,
    mapping: ColumnMapping | None = None,
    format: LedgerFormat | None = None,  # noqa: A002
) -> Iterator[LedgerRow | RowError]:
    """Read a ledger, one :class:`LedgerRow` or :class:`RowError` per row, in file order.

    The format comes from the suffix (``.csv``, ``.jsonl``/``.ndjson``) unless given. Problems
    with the file as a whole (missing, not text, a header with unknown or missing columns) raise
    at once; problems with a row become that row's :class:`RowError`. Blank lines are not rows.
    """
    mapping = mapping or ColumnMapping()
    name = os.fspath(path)
    fmt = format or _ledger_format(name)
    try:
        handle = Path(name).open("rb")  # noqa: SIM115 - closed by the generator
    except FileNotFoundError:
        raise FileError(f"no such file {tick(name)}") from None
    except IsADirectoryError:
        raise FileError(f"{tick(name)} is a directory, not a file") from None
    except OSError as exc:
        raise FileError(f"cannot read {tick(name)}: {exc.strerror or exc}") from None
    try:
        head = handle.read(4096)
        handle.seek(0)
        if b"\x00" in head:
            raise _file_error(name, "binary data (a NUL byte) where text was expected")
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise _file_error(name, "the file is UTF-16 text", hint="save it as UTF-8")
        rows = _read_csv(handle, name, mapping) if fmt == "csv" else _read_jsonl(handle, mapping)
    except BaseException:
        handle.close()
        raise
    return rows


def _ledger_format(name: str) -> LedgerFormat:
    suffix = Path(name).suffix.lower()
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
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="surrogateescape", newline="")
    records = csv_records(text)
    first = next(records, None)
    if first is None:
        raise _file_error(name, "the file is empty", hint="the first line must name the columns")
    if first[1] is None:
        raise _file_error(name, f"the header is longer than {MAX_RECORD_CHARS} characters")
    fields = _check_header([h.strip() for h in first[1]], name, mapping)
    return _csv_rows(text, records, fields, mapping)


def _csv_rows(
    handle: IO[str],
    records: Iterator[tuple[int, list[str] | None]],
    fields: list[tuple[str, str | None]],
    mapping: ColumnMapping,
) -> Iterator[LedgerRow | RowError]:
    with handle:
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
            if len(cells) != len(fields):
                yield RowError(
                    line=line,
                    errors=(f"expected {len(fields)} cells as in the header, found {len(cells)}",),
                )
                continue
            if any(_undecodable(c) for c in cells):
                yield RowError(
                    line=line, errors=("not UTF-8 text: the row holds bytes that cannot be read",)
                )
                continue
            if any("\x00" in c for c in cells):
                yield RowError(
                    line=line, errors=("binary data (a NUL byte) where text was expected",)
                )
                continue
            row: dict[str, Any] = {}
            for (kind, key), cell in zip(fields, cells, strict=True):
                if kind != "ignore":
                    row[f"{kind}:{key}"] = cell
            yield _to_purchase(line, row, mapping)


#: The longest CSV record (a row, with every line of its quoted cells) read; a longer one is an
#: error row, read through to its end so that the rows after it are read as they are written.
MAX_RECORD_CHARS = 1_000_000


def csv_records(
    lines: Iterable[str], limit: int = MAX_RECORD_CHARS
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
    for first in source:
        line = first
        if '"' not in line:  # the common case: a record of one line and no quotes
            if len(line) > limit:
                yield source.number, None
                continue
            body = line.rstrip("\r\n")
            yield source.number, body.split(",") if body else []
            continue
        start, source.size = source.number, len(line)
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
            comma = line.find(",", pos, end)
            parts.append(line[pos : end if comma < 0 else comma])
            cells.append("".join(parts))
            if comma < 0:
                break
            pos = comma + 1
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


def _undecodable(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _check_header(
    header: list[str], name: str, mapping: ColumnMapping
) -> list[tuple[str, str | None]]:
    """For each column: ``("field", name)``, ``("fact", name)`` or ``("ignore", None)``."""
    columns = mapping.columns()
    out: list[tuple[str, str | None]] = []
    problems: list[VendorPolicyError] = []
    seen: set[str] = set()
    for i, column in enumerate(header):
        where = f"{name}:1 column {i + 1}"
        if column in seen:
            problems.append(InvalidValueError(f"column {tick(column)} appears twice", path=where))
        seen.add(column)
        if _undecodable(column):
            problems.append(InvalidValueError("not UTF-8 text", path=where))
        elif column in columns:
            out.append(("field", columns[column]))
        elif mapping.fact_prefix and column.startswith(mapping.fact_prefix):
            out.append(("fact", column[len(mapping.fact_prefix) :]))
        elif column in mapping.ignore:
            out.append(("ignore", None))
        else:
            close = _closest(column, [*columns, *mapping.ignore])
            problems.append(
                InvalidValueError(
                    f"unknown column {tick(column)}",
                    path=where,
                    hint=f"did you mean {tick(close)}?"
                    if close
                    else "map it in the ColumnMapping, or list it in `ignore`",
                )
            )
    mapped = {key for kind, key in out if kind == "field"} | set(mapping.constants)
    for required in ("buyer_id", "buyer_public", "buyer_sector"):
        if required not in mapped:
            column = getattr(mapping, required)
            problems.append(
                InvalidValueError(
                    f"no column {tick(column)} for `{required}`",
                    path=f"{name}:1",
                    hint="every purchase needs its buyer's id, public flag and sector; "
                    "add the column, map another one, or give a constant",
                )
            )
    if problems:
        count = len(problems)
        raise InvalidDataError(
            f"{count} problem{'s' if count != 1 else ''} in the header of {name}",
            problems=tuple(problems),
        )
    return out


def _closest(value: str, choices: list[str]) -> str | None:
    import difflib  # noqa: PLC0415 - only on the error path

    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def _read_jsonl(handle: IO[bytes], mapping: ColumnMapping) -> Iterator[LedgerRow | RowError]:
    columns = mapping.columns()
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
                    parse_constant=_no_constant,
                    object_pairs_hook=_no_duplicates,
                )
            except _DuplicateKeyError as exc:
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
                if key in columns:
                    row[f"field:{columns[key]}"] = value
                elif mapping.fact_prefix and key.startswith(mapping.fact_prefix):
                    row[f"fact:{key[len(mapping.fact_prefix) :]}"] = value
                elif key not in mapping.ignore:
                    close = _closest(key, [*columns, *mapping.ignore])
                    errors.append(
                        f"unknown key {tick(key)}"
                        + (f" (did you mean {tick(close)}?)" if close else "")
                    )
            if errors:
                yield RowError(line=number, errors=tuple(errors))
                continue
            yield _to_purchase(number, row, mapping)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


def _nested_purchase(line: int, data: dict[str, Any]) -> LedgerRow | RowError:
    try:
        return LedgerRow(line=line, purchase=purchase_from_dict(data))
    except VendorPolicyError as exc:
        problems = getattr(exc, "problems", ()) or (exc,)
        purchase_id = _text_id(data)
        return RowError(line=line, errors=tuple(str(p) for p in problems), purchase_id=purchase_id)


def _to_purchase(line: int, row: Mapping[str, Any], mapping: ColumnMapping) -> LedgerRow | RowError:
    """One ledger row (``field:<name>``/``fact:<name>`` keys) to a purchase, through the
    converter; its errors are reported by column."""
    values: dict[str, Any] = dict(mapping.constants)
    facts: dict[str, Any] = {}
    errors: list[str] = []
    for key, raw in row.items():
        kind, _, name = key.partition(":")
        cell = raw.strip() if isinstance(raw, str) else raw
        if cell is None or cell == "":
            continue  # an empty cell is an unknown fact, never an empty text
        if kind == "fact":
            facts[name] = _fact_value(cell, mapping)
        else:
            values[name] = cell
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
    if facts:
        data["facts"] = facts
    purchase_id = _text_id(data)
    try:
        purchase = purchase_from_dict(data)
    except InvalidDataError as exc:
        errors.extend(_by_column(p, mapping) for p in exc.problems)
    if errors:
        return RowError(line=line, errors=tuple(errors), purchase_id=purchase_id)
    return LedgerRow(line=line, purchase=purchase)


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
    if name in mapping.constants:
        return f"constant `{name}`"
    return f"column {tick(getattr(mapping, name))}"


def _by_column(problem: VendorPolicyError, mapping: ColumnMapping) -> str:
    """A converter problem, located by the column it came from rather than the data path."""
    path = problem.path or "$"
    for name, data_path in _DATA_PATH.items():
        if path == data_path or path.startswith(data_path + "["):
            return _render(problem, _where(name, mapping))
    if path.startswith("$.facts[") and mapping.fact_prefix:
        fact = path[len("$.facts[") :].strip("[]'")
        return _render(problem, f"column {tick(mapping.fact_prefix + fact)}")
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
    for row in rows:
        if isinstance(row, RowError):
            yield row
            continue
        try:
            decision = rule_set.evaluate(
                row.purchase,
                as_of=as_of,
                registry=registry,
                resolver=resolver,
                outside_vocabulary=outside_vocabulary,
                extra_facts=extra_facts,
                vocabulary=vocabulary,
            )
        except VocabularyError as exc:
            yield RowError(
                line=row.line,
                errors=tuple(str(p) for p in exc.problems),
                purchase_id=row.purchase.id,
            )
            continue
        yield ScreenedRow(line=row.line, purchase=row.purchase, decision=decision)


def screen_ledger(
    rule_set: RuleSet,
    path: str | os.PathLike[str],
    *,
    mapping: ColumnMapping | None = None,
    format: LedgerFormat | None = None,  # noqa: A002
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
        read_ledger(path, mapping=mapping, format=format),
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
    }


def write_results(
    results: Iterable[ScreenedRow | RowError],
    out: TextIO,
    *,
    rule_set: RuleSet,
    format: ResultFormat = "jsonl",  # noqa: A002
) -> ScreeningSummary:
    """Write one record per result to ``out`` (CSV with a header, or JSON Lines) and count them.

    CSV cells that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``) are
    prefixed with ``'``; JSON Lines records are written as they are.
    """
    if format not in ("csv", "jsonl"):
        raise InvalidValueError(
            f"unknown result format {tick(format)}", path="write_results", hint="csv or jsonl"
        )
    csv_out = format == "csv"
    if csv_out:
        out.write(_csv_line(RESULT_COLUMNS))
    effects: Counter[str] = Counter()
    rows = errors = warned = 0
    for result in results:
        rows += 1
        record = result_record(result, rule_set)
        if isinstance(result, RowError):
            errors += 1
        else:
            effects[record["effect"]] += 1
            warned += bool(record["warnings"])
        if csv_out:
            out.write(_csv_line([_csv_cell(record[c]) for c in RESULT_COLUMNS]))
        else:
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    return ScreeningSummary(
        rows=rows,
        decisions=rows - errors,
        errors=errors,
        effects=dict(sorted(effects.items())),
        warnings=warned,
    )


def _csv_line(cells: Iterable[str]) -> str:
    """One CSV record: a cell holding a comma, a quote or any line break (a lone CR too, which
    the :mod:`csv` writer leaves bare when lines end in LF) is quoted, quotes doubled."""
    return ",".join(_csv_quote(c) for c in cells) + "\n"


def _csv_quote(cell: str) -> str:
    if any(ch in cell for ch in _NEEDS_QUOTES):
        return '"' + cell.replace('"', '""') + '"'
    return cell


_NEEDS_QUOTES = (",", '"', "\n", "\r")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
