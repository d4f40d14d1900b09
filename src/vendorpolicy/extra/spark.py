"""Screening Spark DataFrames, through pyspark: ``pip install vendorpolicy[spark]``.

:func:`screen` returns the DataFrame with decision columns added. The DataFrame's column names
are the header of a ledger, read through the same :class:`~vendorpolicy.ColumnMapping`, and its
cells are read as the text a CSV ledger would hold (as :mod:`vendorpolicy.extra.arrow` reads
them). The rule set, the registry and the mapping are broadcast to the executors once; each
executor's Python worker unpickles them once and compiles the rule set on first use, then
decides every Arrow batch of its partitions as :func:`vendorpolicy.extra.arrow.screen_table`
does, vectorised where it can, else with :func:`vendorpolicy.screen_columns`
(``DataFrame.mapInArrow``). Every input row comes out once, with its decision or, for a row
that cannot be read, an ``error`` status and the ledger's own messages: no row is lost.

Why ``mapInArrow`` rather than compiling the rule set to Spark SQL expressions: see
``docs/spark.md``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from typing import Any

try:
    import pyarrow as pa
    from pyspark.sql import DataFrame
    from pyspark.sql import types as T  # noqa: N812 - pyspark's own convention
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "screening Spark DataFrames needs pyspark (and pyarrow): pip install vendorpolicy[spark]"
    ) from exc

from vendorpolicy._checks import tick
from vendorpolicy._columns import DECISION_COLUMNS, ColumnScreener, screen_columns
from vendorpolicy._mapping import ColumnMapping
from vendorpolicy._registry import Registry
from vendorpolicy._rules import RuleSet
from vendorpolicy.errors import InvalidDataError, InvalidValueError, PredicateTypeError
from vendorpolicy.extra._vector import decide
from vendorpolicy.extra.arrow import _text_column

__all__ = ["DECISION_COLUMNS", "screen"]

# :func:`screen` adds DECISION_COLUMNS, in order (each name after ``prefix``), the fields of
# :class:`~vendorpolicy.ScreenedColumns`. These first three are strings (``effect`` and
# ``basis`` are null for an error row), the others arrays of strings.
_TEXT_COLUMNS = DECISION_COLUMNS[:3]
#: Rows a partition's screener decides before it starts afresh (its caches grow with the
#: distinct contents it sees).
_RENEW = 1_000_000

#: Spark types whose values read as one ledger cell.
_ATOMIC = (
    T.StringType,
    T.BooleanType,
    T.DateType,
    T.TimestampType,
    T.TimestampNTZType,
    T.ByteType,
    T.ShortType,
    T.IntegerType,
    T.LongType,
    T.FloatType,
    T.DoubleType,
    T.DecimalType,
    T.NullType,
)


def screen(
    df: DataFrame,
    rules: RuleSet,
    *,
    mapping: ColumnMapping | None = None,
    registry: Registry | None = None,
    as_of: dt.date | None = None,
    prefix: str = "",
    **options: Any,
) -> DataFrame:
    """``df`` with the decision columns :data:`DECISION_COLUMNS` (each name after
    ``prefix``) added after its own: for each row, the entries of its record in a result file,
    exactly as :func:`vendorpolicy.screen_columns` gives them. ``options`` are those of
    :func:`~vendorpolicy.screen_columns` (``outside_vocabulary``, ``extra_facts``,
    ``vocabulary``).

    The header is checked here, on the driver, before any job runs: a column the mapping does
    not know, a required column missing, a column whose type is not one cell (an array, a
    struct, binary) or a decision column the DataFrame already has is an
    :class:`~vendorpolicy.errors.InvalidDataError` listing every problem. The result is lazy,
    as any DataFrame: rows are decided when an action runs."""
    if not isinstance(df, DataFrame):
        raise PredicateTypeError(
            f"expected a pyspark DataFrame, got {type(df).__name__} {tick(df)}",
            path="screen.df",
            hint="pass `spark.createDataFrame(...)` or a DataFrame read with `spark.read`",
        )
    if not isinstance(rules, RuleSet):
        raise PredicateTypeError(
            f"expected a RuleSet, got {type(rules).__name__} {tick(rules)}",
            path="screen.rules",
        )
    mapping = mapping or ColumnMapping()
    names = list(df.columns)
    _check_frame(df.schema, prefix)
    # The header (and the options) checked once here rather than in every task: a bad one
    # raises the error the ledger reader gives, with every problem.
    screen_columns(
        rules, {n: [] for n in names}, mapping=mapping, as_of=as_of, registry=registry, **options
    )
    added = [
        T.StructField(prefix + name, T.StringType(), True)
        if name in _TEXT_COLUMNS
        else T.StructField(prefix + name, T.ArrayType(T.StringType(), False), False)
        for name in DECISION_COLUMNS
    ]
    schema = T.StructType([*df.schema.fields, *added])
    payload = _Payload(rules, registry, mapping, as_of, options)
    shipped = _ship(df, payload)
    decide = functools.partial(_screen_batches, shipped, tuple(names), prefix)
    # Columns are handed to the function by position under plain names: ``mapInArrow`` would
    # read a name with a dot in it (``facts.system-scope``) as a field of a struct.
    plain = df.toDF(*(f"_{i}" for i in range(len(names))))
    return plain.mapInArrow(decide, schema)


class _Payload:
    """What every task needs, pickled once into the broadcast."""

    __slots__ = ("as_of", "mapping", "options", "registry", "rules")

    def __init__(
        self,
        rules: RuleSet,
        registry: Registry | None,
        mapping: ColumnMapping,
        as_of: dt.date | None,
        options: dict[str, Any],
    ) -> None:
        self.rules = rules
        self.registry = registry
        self.mapping = mapping
        self.as_of = as_of
        self.options = options

    def __getstate__(self) -> tuple[Any, ...]:
        return (self.rules, self.registry, self.mapping, self.as_of, self.options)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.rules, self.registry, self.mapping, self.as_of, self.options = state


class _Inline:
    """The payload shipped with the function itself, where there is no SparkContext to
    broadcast it (Spark Connect)."""

    __slots__ = ("value",)

    def __init__(self, value: _Payload) -> None:
        self.value = value

    def __getstate__(self) -> _Payload:
        return self.value

    def __setstate__(self, state: _Payload) -> None:
        self.value = state


def _ship(df: DataFrame, payload: _Payload) -> Any:
    """A broadcast of ``payload`` (anything with ``.value`` on the executors)."""
    try:
        context = df.sparkSession.sparkContext
    except Exception:  # Spark Connect has no SparkContext
        return _Inline(payload)
    return context.broadcast(payload)


def _check_frame(schema: Any, prefix: str) -> None:
    present = set(schema.names)
    problems = [
        InvalidValueError(
            f"the DataFrame already has a column {tick(prefix + name)}",
            path=f"dataframe[{prefix + name!r}]",
            hint="pass a `prefix` for the decision columns (`prefix='vp_'`), or rename the column",
        )
        for name in DECISION_COLUMNS
        if prefix + name in present
    ]
    problems.extend(
        InvalidValueError(
            f"column {tick(field.name)} holds {field.dataType.simpleString()}, "
            "not one cell per row",
            path=f"dataframe[{field.name!r}]",
            hint="select it as text (`F.to_json(...)`, `F.array_join(..., ';')`) or "
            "drop it before screening",
        )
        for field in schema.fields
        if not isinstance(field.dataType, _ATOMIC)
    )
    if problems:
        raise InvalidDataError(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the DataFrame",
            problems=tuple(problems),
        )


def _screen_batches(
    shipped: Any, names: tuple[str, ...], prefix: str, batches: Iterator[Any]
) -> Iterator[Any]:
    """The function ``mapInArrow`` runs on the executors: each batch with its decisions."""
    payload: _Payload = shipped.value
    ignored = payload.mapping.ignore
    out_names = [*names, *(prefix + n for n in DECISION_COLUMNS)]
    screener: ColumnScreener | None = None
    for batch in batches:
        if screener is None or screener.rows >= _RENEW:
            # One screener per partition, so that what one batch learns serves the next;
            # renewed now and then, so that memory stays bounded however long the partition.
            screener = ColumnScreener(
                payload.rules,
                names,
                mapping=payload.mapping,
                as_of=payload.as_of,
                registry=payload.registry,
                **payload.options,
            )
        rows = batch.num_rows
        # The vectorised path first (ignored columns read as empty), else row by row.
        table = pa.Table.from_arrays(
            [
                pa.nulls(rows, pa.string()) if name in ignored else batch.column(i)
                for i, name in enumerate(names)
            ],
            names=list(names),
        )
        found = decide(screener, table)
        if found is not None:
            yield pa.RecordBatch.from_arrays([*batch.columns, *found.arrays()], names=out_names)
            continue
        none: list[str | None] = [None] * rows
        columns = {
            name: none if name in ignored else _text_column(pa.chunked_array([batch.column(i)]))
            for i, name in enumerate(names)
        }
        result = screener.screen(columns)
        added = [
            pa.array(getattr(result, n), pa.string())
            if n in _TEXT_COLUMNS
            else pa.array(getattr(result, n), pa.list_(pa.field("element", pa.string(), False)))
            for n in DECISION_COLUMNS
        ]
        yield pa.RecordBatch.from_arrays([*batch.columns, *added], names=out_names)
