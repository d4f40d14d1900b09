"""Column mappings: which ledger column feeds which purchase field, and the value maps that
translate an ERP's own codes (material groups, purchasing orgs, company codes) into purchase
fields. A mapping file is TOML or JSON (``load_mapping``), with a JSON Schema
(``mapping_schema``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from attrs import field, frozen

from vendorpolicy._checks import (
    as_items,
    check_buyer_country,
    check_country,
    check_currency,
    check_id,
    check_text,
    tick,
    type_name,
)
from vendorpolicy._convert import _eager, _list_of, converter, structure
from vendorpolicy._files import Limits, locate_problems, parse_document
from vendorpolicy._files import _decode as decode_text
from vendorpolicy._files import _read_bytes as read_bytes
from vendorpolicy._model import Category, Sector, to_enum
from vendorpolicy.errors import (
    InvalidDataError,
    InvalidValueError,
    PredicateTypeError,
    VendorPolicyError,
)

__all__ = [
    "FACT_TARGET",
    "FIELDS",
    "ColumnMapping",
    "ValueMap",
    "load_mapping",
    "mapping_schema",
    "parse_mapping",
]

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
    "supplier_country",
    "category",
    "date",
    "value",
    "currency",
    "purpose",
    "description",
    "acquired",
    "components",
)

#: Constants and value maps name a fact as ``facts.<name>``, whatever the ledger's fact prefix.
FACT_TARGET = "facts."

#: The version of the mapping file format.
MAPPING_FORMAT_VERSION = 1


def _column(value: object) -> Any:
    if value is not None and (not isinstance(value, str) or not value):
        raise PredicateTypeError(
            f"a column name must be non-empty text or None, got {type_name(value)} {tick(value)}",
            path="ColumnMapping",
        )
    return value if value is None else check_text(value, "ColumnMapping")


def _column_field(name: str) -> Any:
    return field(default=name, converter=_column)


def _id_columns(value: object) -> Any:
    """One column, or several whose cells together make the purchase id (``PO``, ``Item``)."""
    if isinstance(value, (list, tuple)):
        if not value:
            raise InvalidValueError(
                "no columns for the purchase id",
                path="ColumnMapping.id",
                hint="name one column, or several whose cells together identify a purchase",
            )
        columns = tuple(_column(c) for c in value)
        if None in columns or len(set(columns)) != len(columns):
            raise InvalidValueError(
                "the purchase id's columns must be distinct column names",
                path="ColumnMapping.id",
            )
        return columns[0] if len(columns) == 1 else columns
    return _column(value)


def _fact_columns(value: object) -> Any:
    if not isinstance(value, Mapping):
        raise PredicateTypeError(
            f"expected a mapping of fact names to columns, got {type_name(value)} {tick(value)}",
            path="ColumnMapping.fact_columns",
        )
    out: dict[str, str] = {}
    for name, column in value.items():
        path = f"ColumnMapping.fact_columns[{name!r}]"
        check_id(name, path)
        if not isinstance(column, str) or not column:
            raise PredicateTypeError(
                f"expected a column name, got {type_name(column)} {tick(column)}", path=path
            )
        out[name] = check_text(column, path)
    return dict(sorted(out.items()))


def _check_target(name: object, path: str) -> str:
    """A field a constant or a value map may set: a purchase field, or ``facts.<name>``."""
    check_text(name, path)
    assert isinstance(name, str)
    if name.startswith(FACT_TARGET):
        check_id(name[len(FACT_TARGET) :], path)
        return name
    if name not in FIELDS:
        import difflib  # noqa: PLC0415 - only on the error path

        close = difflib.get_close_matches(name, FIELDS, n=1)
        raise InvalidValueError(
            f"unknown field {tick(name)}",
            path=path,
            hint=f"did you mean {tick(close[0])}?"
            if close
            else f"one of {', '.join(FIELDS)}, or `facts.<name>` for a fact",
        )
    return name


def _check_target_value(target: str, value: object, path: str) -> str | bool:
    """A value for ``target``, checked as the purchase will check it, so that a bad entry in a
    mapping file is reported with its path when the file is read, not on every row."""
    if isinstance(value, bool):
        if target == "buyer_public" or target.startswith(FACT_TARGET):
            return value
        raise PredicateTypeError(
            f"expected text for `{target}`, got a boolean {tick(value)}", path=path
        )
    text = check_text(value, path)
    if target.startswith(FACT_TARGET):
        return text
    if target == "category":
        try:
            Category(text)
        except InvalidValueError as exc:
            raise InvalidValueError(exc.message, path=path, hint=exc.hint) from None
    elif target == "buyer_sector":
        to_enum(Sector, text, path)
    elif target in ("vendor_country", "supplier_country"):
        check_country(text, path)
    elif target == "buyer_country":
        check_buyer_country(text, path)
    elif target == "currency":
        check_currency(text, path)
    elif target == "components" and text.strip().lower() != "none":
        raise InvalidValueError(
            f"expected `none` for `components`, got {tick(text)}",
            path=path,
            hint="`none` declares that the purchases have no components; parts come from a "
            "components file",
        )
    elif target == "buyer_public":
        raise PredicateTypeError(
            f"expected a boolean for `buyer_public`, got text {tick(text)}",
            path=path,
            hint="write `true` or `false` without quotes",
        )
    return text


def _constants(value: object) -> Any:
    if not isinstance(value, Mapping):
        raise PredicateTypeError(
            f"expected a mapping of field names to values, got {type_name(value)} {tick(value)}",
            path="ColumnMapping.constants",
        )
    out: dict[str, str | bool] = {}
    for key, item in value.items():
        path = f"ColumnMapping.constants[{key!r}]"
        target = _check_target(key, "ColumnMapping.constants")
        out[target] = _check_target_value(target, item, path)
    return dict(sorted(out.items()))


def _texts(value: object, path: str) -> list[str]:
    return [check_text(item, f"{path}[{i}]") for i, item in enumerate(as_items(value, path))]


def _true_words(value: object) -> Any:
    return frozenset(v.strip().lower() for v in _texts(value, "ColumnMapping.true_values"))


def _false_words(value: object) -> Any:
    return frozenset(v.strip().lower() for v in _texts(value, "ColumnMapping.false_values"))


def _ignored(value: object) -> Any:
    return frozenset(_texts(value, "ColumnMapping.ignore"))


def _kept(value: object) -> Any:
    names = _texts(value, "ColumnMapping.keep")
    for i, name in enumerate(names):
        if not name:
            raise InvalidValueError("empty column name", path=f"ColumnMapping.keep[{i}]")
    return tuple(dict.fromkeys(names))


def _separator(instance: object, attribute: Any, value: object) -> None:
    check_text(value, "ColumnMapping.list_separator")
    if not value:
        raise InvalidValueError(
            "empty list separator: a cell could not be split",
            path="ColumnMapping.list_separator",
            hint="use a character no designation holds, such as `;` (the default) or `|`",
        )


def _delimiter(instance: object, attribute: Any, value: object) -> None:
    text = check_text(value, "ColumnMapping.delimiter")
    if text != "auto" and (len(text) != 1 or text in '"\r\n' or text.isalnum()):
        raise InvalidValueError(
            f"cannot separate cells with {tick(value)}",
            path="ColumnMapping.delimiter",
            hint="one character such as `,` (the default), `;`, `|` or a tab, or `auto` to "
            "detect it from the header",
        )


def _encoding(instance: object, attribute: Any, value: object) -> None:
    check_text(value, "ColumnMapping.encoding")
    if value == "auto":
        return
    import codecs  # noqa: PLC0415

    try:
        codecs.lookup(value)  # type: ignore[arg-type]
    except LookupError:
        raise InvalidValueError(
            f"unknown encoding {tick(value)}",
            path="ColumnMapping.encoding",
            hint="such as `utf-8` (the default), `cp1252` or `latin-1`, or `auto`",
        ) from None


def _decimal(instance: object, attribute: Any, value: object) -> None:
    if value not in (".", ",", "auto"):
        raise InvalidValueError(
            f"unknown decimal mark {tick(value)}",
            path="ColumnMapping.decimal",
            hint="`.` (the default) or `,`, or `auto` to detect it and the thousands separator",
        )


def _thousands(instance: object, attribute: Any, value: object) -> None:
    if value is not None and value not in (",", ".", " ", "'", "\u00a0"):
        raise InvalidValueError(
            f"unknown thousands separator {tick(value)}",
            path="ColumnMapping.thousands",
            hint="`,`, `.`, a space, `'`, or none (the default)",
        )


def _date_format(instance: object, attribute: Any, value: object) -> None:
    if value is not None:
        check_text(value, "ColumnMapping.date_format")


# --- value maps --------------------------------------------------------------------------------

#: What one code maps to: a value for the map's ``into`` field, or a table of fields.
MapValue = str | bool | Mapping[str, str | bool]


def _map_column(value: object) -> Any:
    text = check_text(value, "ValueMap.column")
    if not text.strip():
        raise InvalidValueError(
            "empty column name", path="ValueMap.column", hint="name the column the codes are in"
        )
    return text


def _map_into(value: object) -> Any:
    return None if value is None else _check_target(value, "ValueMap.into")


def _map_rules(name: str) -> Any:
    def convert(value: object) -> Any:
        if not isinstance(value, Mapping):
            raise PredicateTypeError(
                f"expected a table of codes, got {type_name(value)} {tick(value)}",
                path=f"ValueMap.{name}",
            )
        out: dict[str, Any] = {}
        for code, target in value.items():
            path = f"ValueMap.{name}[{code!r}]"
            check_text(code, path)
            if isinstance(target, Mapping):
                table: dict[str, str | bool] = {}
                for key, item in target.items():
                    checked = _check_target(key, path)
                    table[checked] = _check_target_value(checked, item, f"{path}[{key!r}]")
                if not table:
                    raise InvalidValueError(
                        "empty table: the code would set nothing",
                        path=path,
                        hint="give the fields the code stands for, such as "
                        '`{ category = "it/server" }`',
                    )
                out[code] = dict(sorted(table.items()))
            else:
                out[code] = check_text(target, path) if not isinstance(target, bool) else target
        return out

    return field(factory=dict, converter=convert)


@frozen(kw_only=True)
class ValueMap:
    """Translate the codes in one ledger column into purchase fields.

    ``exact`` maps whole codes, ``prefix`` code prefixes (the longest matching prefix wins;
    ``exact`` before any prefix). Each code maps either to a value for the field ``into``
    (``{"43222609": "telecom/network/router"}`` with ``into="category"``), or to a table of
    fields (``{"1000": {"buyer_id": "army", "buyer_public": True, "buyer_sector": "defence"}}``).
    A field is a purchase field (as in :class:`ColumnMapping`) or ``facts.<name>``.

    A code that no rule maps is an error for its row, naming the code: never a value that
    silently matches no rule. An empty cell maps to nothing (the fields stay unknown).
    """

    #: The ledger column holding the codes.
    column: str = field(converter=_map_column)
    #: The field the codes' values are for, when they are plain values rather than tables.
    into: str | None = field(default=None, converter=_map_into)
    #: Whole codes and what each maps to.
    exact: Mapping[str, MapValue] = _map_rules("exact")
    #: Code prefixes and what each maps to; the longest matching prefix wins.
    prefix: Mapping[str, MapValue] = _map_rules("prefix")
    _longest: int = field(init=False, default=0, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not self.exact and not self.prefix:
            raise InvalidValueError(
                f"the value map of column {tick(self.column)} has no rules",
                path="ValueMap",
                hint="give `exact` codes or `prefix` rules (or map the column by name instead)",
            )
        for kind in ("exact", "prefix"):
            for code, target in getattr(self, kind).items():
                path = f"ValueMap.{kind}[{code!r}]"
                if isinstance(target, Mapping):
                    if self.into is not None:
                        raise PredicateTypeError(
                            f"expected a value for `{self.into}`, got a table",
                            path=path,
                            hint="with `into`, each code maps to one value; leave `into` out "
                            "to map codes to tables of fields",
                        )
                elif self.into is None:
                    raise PredicateTypeError(
                        f"expected a table of fields, got {type_name(target)} {tick(target)}",
                        path=path,
                        hint="set `into` to the field these values are for (such as "
                        '`into = "category"`), or map each code to a table',
                    )
                else:
                    _check_target_value(self.into, target, path)
        longest = max((len(p) for p in self.prefix), default=0)
        object.__setattr__(self, "_longest", longest)

    def targets(self) -> frozenset[str]:
        """Every field some code of this map sets."""
        if self.into is not None:
            return frozenset({self.into})
        found: set[str] = set()
        for rules in (self.exact, self.prefix):
            for target in rules.values():
                assert isinstance(target, Mapping)
                found.update(target)
        return frozenset(found)

    def lookup(self, code: str) -> tuple[Mapping[str, str | bool], str] | None:
        """The fields ``code`` maps to, with the rule that mapped it (``exact `X```, ``prefix
        `4322```); ``None`` when no rule maps it."""
        target = self.exact.get(code)
        rule = f"exact {tick(code)}"
        if target is None:
            for size in range(min(len(code), self._longest), -1, -1):
                target = self.prefix.get(code[:size])
                if target is not None:
                    rule = f"prefix {tick(code[:size])}"
                    break
        if target is None:
            return None
        if isinstance(target, Mapping):
            return target, rule
        assert self.into is not None
        return {self.into: target}, rule


def _value_maps(value: object) -> Any:
    items = as_items(value, "ColumnMapping.value_maps")
    out: list[ValueMap] = []
    for i, item in enumerate(items):
        if isinstance(item, ValueMap):
            out.append(item)
        elif isinstance(item, Mapping):
            try:
                out.append(ValueMap(**{str(k): v for k, v in item.items()}))
            except VendorPolicyError as exc:
                # The problem keeps its place: `ValueMap.exact['1']` -> `value_maps[0].exact['1']`.
                rest = (exc.path or "").removeprefix("ValueMap")
                raise type(exc)(
                    exc.message, path=f"ColumnMapping.value_maps[{i}]{rest}", hint=exc.hint
                ) from None
            except TypeError as exc:  # an unknown or missing argument
                raise PredicateTypeError(
                    str(exc).replace("__init__()", "ValueMap"),
                    path=f"ColumnMapping.value_maps[{i}]",
                ) from None
        else:
            raise PredicateTypeError(
                f"expected a ValueMap, got {type_name(item)} {tick(item)}",
                path=f"ColumnMapping.value_maps[{i}]",
            )
    return tuple(out)


@frozen(kw_only=True)
class ColumnMapping:
    """Which ledger column holds which purchase field.

    Each field names its column; ``None`` says the export has no such column. The defaults are
    the documented standard layout (see ``docs/ledgers.md``). ``constants`` gives a value for
    every row instead of a column (``{"buyer_id": "mic", "currency": "JPY"}`` for an export of
    one buyer in one currency; ``{"facts.funding": "own-budget"}`` for a fact). ``value_maps``
    translate codes into fields (:class:`ValueMap`). Columns starting with ``fact_prefix``
    become facts; ``keep`` columns are copied to every result. A column that is neither mapped,
    kept nor in ``ignore`` is an error: a misspelt header must not quietly turn a fact into an
    unknown.
    """

    #: The purchase id's column, or several columns whose cells joined by ``-`` make it.
    id: str | tuple[str, ...] | None = field(default="id", converter=_id_columns)
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
    #: The country of the supplier named in ``supplier``: checked and reported with the
    #: suppliers a registry did not identify, never a reason to take an unknown vendor as known.
    supplier_country: str | None = _column_field("supplier_country")
    category: str | None = _column_field("category")
    date: str | None = _column_field("date")
    value: str | None = _column_field("value")
    currency: str | None = _column_field("currency")
    purpose: str | None = _column_field("purpose")
    description: str | None = _column_field("description")
    #: When the equipment a renewal, upgrade or installation concerns was first bought.
    acquired: str | None = _column_field("acquired")
    #: A column that declares the parts: ``none`` for a purchase without components (empty:
    #: not declared). Parts themselves come from a components file (see ``read_ledger``).
    components: str | None = _column_field("components")
    #: Columns named ``facts.<name>`` state fact ``<name>``; ``None`` reads no facts.
    fact_prefix: str | None = _column_field("facts.")
    #: Columns that state facts under other names: fact name -> column (``{"funding": "Fund"}``).
    fact_columns: Mapping[str, str] = field(factory=dict, converter=_fact_columns)
    #: Values for every row, by field name (or ``facts.<name>``), for fields the export has no
    #: column for.
    constants: Mapping[str, str | bool] = field(factory=dict, converter=_constants)
    #: Codes in a column translated into fields (material groups into categories, purchasing
    #: orgs into buyers).
    value_maps: tuple[ValueMap, ...] = field(factory=tuple, converter=_value_maps)
    #: Columns copied as they are to every result row, so that results join back to the export.
    keep: tuple[str, ...] = field(factory=tuple, converter=_kept)
    #: Columns present in the export that screening does not use.
    ignore: frozenset[str] = field(factory=frozenset, converter=_ignored)
    #: Separates several designations in one cell.
    list_separator: str = field(default=";", validator=_separator)
    #: A ``strptime`` format for dates; ``None`` reads ISO dates (``2019-04-01``).
    date_format: str | None = field(default=None, validator=_date_format)
    #: The character between cells of a CSV ledger; ``auto`` detects it from the header.
    delimiter: str = field(default=",", validator=_delimiter)
    #: The text encoding of a CSV ledger (``cp1252``); ``auto``: UTF-8 unless the file is not.
    encoding: str = field(default="utf-8", validator=_encoding)
    #: The decimal mark of amounts: ``.`` or ``,``.
    decimal: str = field(default=".", validator=_decimal)
    #: The thousands separator of amounts (``,`` in ``1,016.20``); ``None``: amounts have none.
    thousands: str | None = field(default=None, validator=_thousands)
    #: Cell values read as true and as false (any case) for ``buyer_public``. Fact cells are
    #: booleans only as ``true``/``false``; map other words with a value map.
    true_values: frozenset[str] = field(
        default=frozenset({"true", "yes", "y", "1"}), converter=_true_words
    )
    false_values: frozenset[str] = field(
        default=frozenset({"false", "no", "n", "0"}), converter=_false_words
    )

    def __attrs_post_init__(self) -> None:
        if self.thousands == self.decimal:
            raise InvalidValueError(
                f"{tick(self.decimal)} is both the decimal mark and the thousands separator",
                path="ColumnMapping.thousands",
                hint="`1,016.20` has thousands `,` and decimal `.`; `1.016,20` the reverse",
            )
        both = self.true_values & self.false_values
        if both:
            raise InvalidValueError(
                f"{', '.join(tick(w) for w in sorted(both))} read as both true and false",
                path="ColumnMapping.false_values",
                hint="a cell value can mean only one of them; remove it from one list",
            )
        seen: dict[str, str] = dict.fromkeys(self.constants, "a constant")
        for fact, column in self.fact_columns.items():
            if FACT_TARGET + fact in seen:
                raise InvalidValueError(
                    f"fact `{fact}` is set both by a constant and by column {tick(column)}",
                    path="ColumnMapping.fact_columns",
                    hint="a fact must come from one place, or the rows would say two things",
                )
            seen[FACT_TARGET + fact] = f"column {tick(column)}"
        for i, value_map in enumerate(self.value_maps):
            for target in sorted(value_map.targets()):
                if target in seen:
                    raise InvalidValueError(
                        f"field `{target}` is set both by {seen[target]} and by the value map "
                        f"of column {tick(value_map.column)}",
                        path=f"ColumnMapping.value_maps[{i}]",
                        hint="a field must come from one place, or the rows would say two things",
                    )
                seen[target] = f"the value map of column {tick(value_map.column)}"

    def columns(self) -> dict[str, str]:
        """Column name -> field name, for the mapped columns (each of a composite id's columns
        -> ``id``)."""
        mapped = {t for m in self.value_maps for t in m.targets()}
        out: dict[str, str] = {}
        for name in FIELDS:
            column = getattr(self, name)
            if column is None or name in self.constants or name in mapped:
                continue
            for one in column if isinstance(column, tuple) else (column,):
                out[one] = name
        return out

    def source(self, name: str) -> str:
        """Where field ``name`` (or ``facts.<name>``) comes from, for messages: ``column
        `Net Value```, ``constant `currency```, ``the value map of column `Material Group```."""
        if name in self.constants:
            return f"constant `{name}`"
        for value_map in self.value_maps:
            if name in value_map.targets():
                return f"the value map of column {tick(value_map.column)}"
        if name.startswith(FACT_TARGET):
            fact = name[len(FACT_TARGET) :]
            if fact in self.fact_columns:
                return f"column {tick(self.fact_columns[fact])}"
            return f"column {tick((self.fact_prefix or FACT_TARGET) + fact)}"
        column = getattr(self, name)
        if isinstance(column, tuple):
            return "columns " + ", ".join(tick(c) for c in column)
        return f"column {tick(column)}"


# Mapping files are read field by field, each value map too, so that every problem is reported.
converter.register_structure_hook(
    ColumnMapping, _eager(ColumnMapping, value_maps=_list_of(ValueMap))
)


# --- mapping files -----------------------------------------------------------------------------


def parse_mapping(data: Any, *, name: str = "the mapping") -> ColumnMapping:
    """A :class:`ColumnMapping` from the plain data of a mapping file: every problem at once,
    each with its path (``$.value_maps[0].exact['4322']``). ``format_version`` is optional."""
    problems: list[InvalidValueError] = []
    if isinstance(data, Mapping) and "format_version" in data:
        data = dict(data)
        version = data.pop("format_version")
        if version != MAPPING_FORMAT_VERSION or isinstance(version, bool):
            problems.append(
                InvalidValueError(
                    f"unknown format_version {tick(version)}",
                    path="$.format_version",
                    hint=f"this version of vendorpolicy reads mapping files of version "
                    f"{MAPPING_FORMAT_VERSION}",
                )
            )
    mapping: ColumnMapping = structure(data, ColumnMapping, what=name, problems=problems)
    return mapping


def load_mapping(path: str | os.PathLike[str]) -> ColumnMapping:
    """Read a mapping file (``.toml``, or JSON for any other suffix), as carefully as a rule
    file: every problem is raised at once, each with the file's line and the path
    (``mapping.toml:12 $.value_maps[0].prefix['43']``)."""
    name = os.fspath(path)
    toml = name.lower().endswith(".toml")
    limits = Limits()
    text = decode_text(read_bytes(Path(name), limits), name, limits)
    data = parse_document(text, format="toml" if toml else "json", name=name, limits=limits)
    try:
        return parse_mapping(data, name=name)
    except InvalidDataError as exc:
        raise locate_problems(exc, text, name, toml=toml) from None


def mapping_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of mapping files."""
    column = {"type": ["string", "null"], "minLength": 1}
    value = {"type": ["string", "boolean"]}
    target = {
        "anyOf": [
            {"enum": list(FIELDS)},
            {"type": "string", "pattern": "^facts\\.[a-z0-9][a-z0-9._-]*$"},
        ]
    }
    table = {"type": "object", "propertyNames": target, "additionalProperties": value}
    rules = {
        "type": "object",
        "additionalProperties": {"anyOf": [value, {**table, "minProperties": 1}]},
    }
    texts = {"type": "array", "items": {"type": "string"}}
    properties: dict[str, Any] = {
        "format_version": {"const": MAPPING_FORMAT_VERSION},
        **{name: {**column, "description": f"the column of `{name}`"} for name in FIELDS},
        "id": {
            "anyOf": [
                column,
                {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
            ],
            "description": "the purchase id's column, or the columns that together make it",
        },
        "fact_columns": {
            "type": "object",
            "propertyNames": {"pattern": "^[a-z0-9][a-z0-9._-]*$"},
            "additionalProperties": {"type": "string", "minLength": 1},
            "description": "fact name -> the column stating it",
        },
        "fact_prefix": {**column, "description": "columns starting with it are facts"},
        "constants": {
            "type": "object",
            "propertyNames": target,
            "additionalProperties": value,
            "description": "values for every row, by field or `facts.<name>`",
        },
        "value_maps": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["column"],
                "properties": {
                    "column": {"type": "string", "minLength": 1},
                    "into": target,
                    "exact": rules,
                    "prefix": rules,
                },
            },
        },
        "keep": texts,
        "ignore": texts,
        "list_separator": {"type": "string", "minLength": 1},
        "date_format": {"type": ["string", "null"]},
        "delimiter": {"type": "string", "minLength": 1, "maxLength": 4},
        "encoding": {"type": "string", "minLength": 1},
        "decimal": {"enum": [".", ",", "auto"]},
        "thousands": {"enum": [",", ".", " ", "'", "\u00a0", None]},
        "true_values": texts,
        "false_values": texts,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "vendorpolicy ledger column mapping",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
