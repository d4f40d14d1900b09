"""Screening inside DuckDB: a table, a relation, a query or a Parquet file, in one call:
``pip install vendorpolicy[duckdb]``.

The rule set is compiled to one SQL query (``vendorpolicy.to_sql``) that DuckDB runs over the
purchases where they are; nothing is read into Python row by row. The purchases' columns are
those of ``docs/scale.md`` ("Screening at scale"); the result is a DuckDB relation with the
input's columns followed by ``status``, ``effect``, ``basis``, ``determining``,
``obligations``, ``missing_facts``, ``warnings`` and ``error``, one row per input row.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

try:
    import duckdb
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("screening in DuckDB needs duckdb: pip install vendorpolicy[duckdb]") from exc

from vendorpolicy._checks import tick
from vendorpolicy._model import Purchase
from vendorpolicy._registry import Registry
from vendorpolicy._rules import RuleSet
from vendorpolicy._sql import COLUMNS, FACT_PREFIX, compile_query, purchase_columns
from vendorpolicy._sql._dialect import quote
from vendorpolicy._sql._vocab import near_columns
from vendorpolicy._vocabcheck import checker_for
from vendorpolicy.errors import FileError, PredicateTypeError

__all__ = ["purchases_relation", "relation", "screen"]

_FILES = (".parquet", ".csv", ".json", ".ndjson")
_names = itertools.count()


def relation(source: Any, connection: duckdb.DuckDBPyConnection | None = None) -> Any:
    """``source`` as a DuckDB relation: a relation as it is; a path to a Parquet (or CSV,
    JSON) file; text starting with ``SELECT``, ``WITH``, ``FROM`` or ``(`` as a query; other
    text as the name of a table or view in ``connection``; else anything DuckDB can scan (a
    pandas or polars frame, an Arrow table)."""
    con = connection if connection is not None else duckdb.default_connection()
    if isinstance(source, duckdb.DuckDBPyRelation):
        return source
    if isinstance(source, os.PathLike) or (
        isinstance(source, str) and source.lower().endswith(_FILES)
    ):
        path = Path(os.fspath(source))
        if not path.exists():
            raise FileError(f"no such file {tick(str(path))}")
        suffix = path.suffix.lower()
        if suffix == ".csv":
            return con.read_csv(str(path))
        if suffix in (".json", ".ndjson"):
            return con.read_json(str(path))
        return con.read_parquet(str(path))
    if isinstance(source, str):
        head = source.lstrip()[:6].lower()
        if head.startswith(("select", "with", "from", "(")):
            return con.sql(source)
        return con.table(source)
    try:
        return (
            con.from_arrow(source) if hasattr(source, "__arrow_c_stream__") else con.from_df(source)
        )
    except Exception as exc:
        raise PredicateTypeError(
            f"cannot screen {type(source).__name__} in DuckDB: {exc}",
            path="screen(source)",
            hint="pass a DuckDB relation, a table name, a query or a Parquet file's path",
        ) from None


def screen(
    source: Any,
    rule_set: RuleSet,
    *,
    as_of: dt.date | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
    registry: Registry | None = None,
) -> Any:
    """Decide on every row of ``source`` (see :func:`relation`) inside DuckDB: a relation with
    the source's columns and the decision columns. ``as_of`` is the decision date (default:
    each row's ``date``). The columns are read as ``docs/scale.md`` says; a column of another
    type than the canonical one is cast (a list stored as text is split at ``;``).

    With a ``registry``, each distinct ``vendor_id`` and ``buyer_id`` of the source is resolved
    against it once, as ``Registry.resolve`` resolves a vendor given by id (a registry id is its
    entity, other text is matched as a name), and the query looks each row's up by date; a
    vendor id that several entities' names match is read as each of them, and decided as the
    interpreter decides it (see ``docs/scale.md``)."""
    if not isinstance(rule_set, RuleSet):
        raise PredicateTypeError(
            f"expected a RuleSet, got {type(rule_set).__name__}", path="screen(rule_set)"
        )
    rel = relation(source, connection)
    columns = list(rel.columns)
    types: dict[str, str] = {}
    for name, kind in zip(columns, rel.types, strict=True):
        text = str(kind).upper()
        canonical = COLUMNS.get(name, "text" if name.startswith(FACT_PREFIX) else None)
        if canonical is None:
            continue
        if text.endswith("[]"):
            types[name] = "list"
        elif text == "VARCHAR":
            types[name] = "text"
        elif text.startswith("DECIMAL") and canonical == "decimal":
            types[name] = "decimal"
        else:
            types[name] = text.lower()
    name = f"vp_source_{next(_names)}"
    ids: dict[str, list[str]] = {"vendor_id": [], "buyer_id": []}
    if registry is not None:
        for column, found in ids.items():
            if column in columns:
                distinct = rel.project(quote(column)).distinct().fetchall()
                found.extend(str(v) for (v,) in distinct if v is not None and str(v))
    # The texts of the columns where a near miss of a known value is a warning, to find them
    # as the interpreter does (by closeness of spelling too).
    near = {
        column: [str(v) for (v,) in rel.project(quote(column)).distinct().fetchall() if v]
        for column in near_columns(checker_for(rule_set), columns)
    }
    query = compile_query(
        rule_set,
        source=name,
        near=near,
        as_of=as_of,
        columns=columns,
        types=types,
        registry=registry,
        vendor_ids=ids["vendor_id"],
        buyer_ids=ids["buyer_id"],
    )
    return rel.query(name, query.sql)


def purchases_relation(
    purchases: Iterable[Purchase], connection: duckdb.DuckDBPyConnection | None = None
) -> Any:
    """Purchases as a DuckDB relation with the columns :func:`screen` reads (through Arrow):
    to screen purchases built in Python, or to write a table to screen later. A purchase that
    declares components, or whose vendor states a parent, is refused (see ``docs/scale.md``)."""
    import pyarrow as pa  # noqa: PLC0415 - installed with the extra

    con = connection if connection is not None else duckdb.default_connection()
    arrays = {}
    for name, cells in purchase_columns(purchases).items():
        kind = COLUMNS.get(name, "text")
        if kind == "list":
            arrays[name] = pa.array(cells, type=pa.list_(pa.string()))
        elif kind == "decimal":
            arrays[name] = pa.array(cells, type=pa.decimal128(38, 10))
        elif kind == "date":
            arrays[name] = pa.array(cells, type=pa.date32())
        elif kind == "boolean":
            arrays[name] = pa.array(cells, type=pa.bool_())
        else:
            arrays[name] = pa.array(cells, type=pa.string())
    return con.from_arrow(pa.table(arrays))
