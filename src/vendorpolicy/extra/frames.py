"""Screening pandas and polars data frames, through Arrow: ``pip install vendorpolicy[frames]``.

The frame is converted to an Arrow table (no copy of the cells for most column types) and
screened by :func:`vendorpolicy.extra.arrow.screen_table`: its column names are a ledger's
header, read through the same :class:`~vendorpolicy.ColumnMapping`, and each distinct
combination of what the rules can tell apart is decided once. The frame comes back with the
decision columns added, one entry per row, in the rows' order (and, for pandas, with the
frame's index).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

try:
    import pyarrow as pa
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "screening data frames needs pyarrow: pip install vendorpolicy[frames]"
    ) from exc

from vendorpolicy._checks import tick
from vendorpolicy._columns import DECISION_COLUMNS
from vendorpolicy._mapping import ColumnMapping
from vendorpolicy._registry import Registry
from vendorpolicy._rules import RuleSet
from vendorpolicy.errors import InvalidValueError, PredicateTypeError
from vendorpolicy.extra.arrow import decision_table

# :func:`screen` adds DECISION_COLUMNS, in order: the fields of ``ScreenedColumns``.
__all__ = ["DECISION_COLUMNS", "screen"]


def screen(
    frame: Any,
    rules: RuleSet,
    *,
    mapping: ColumnMapping | None = None,
    registry: Registry | None = None,
    as_of: dt.date | None = None,
    prefix: str = "",
    **options: Any,
) -> Any:
    """``frame`` (a pandas or polars ``DataFrame``) with the decision columns added:
    ``status``, ``effect``, ``basis`` (text, ``None`` for an error row), ``determining``,
    ``obligations``, ``missing_facts``, ``errors`` and ``warnings`` (lists of text), each
    name after ``prefix``. The decisions are those :func:`vendorpolicy.screen_columns` gives
    on the frame's cells; ``options`` are its options (``outside_vocabulary``, ...)."""
    kind = _kind(frame)
    names = [prefix + c for c in DECISION_COLUMNS]
    clash = [n for n in names if n in list(frame.columns)]
    if clash:
        raise InvalidValueError(
            f"the frame already has a column {tick(clash[0])}",
            path="screen(frame)",
            hint='pass `prefix=` (such as `prefix="vp_"`) to name the decision columns apart',
        )
    table = _arrow(frame, kind)
    # The decision columns straight from Arrow, without a Python object per row until the
    # frame's own library takes them.
    decided = decision_table(
        rules, table, mapping=mapping, as_of=as_of, registry=registry, **options
    )
    if kind == "polars":
        import polars as pl  # noqa: PLC0415 - the frame's own library

        return frame.with_columns(
            [
                pl.Series(name, decided.column(i)).cast(pl.Utf8 if i < 3 else pl.List(pl.Utf8))
                for i, name in enumerate(names)
            ]
        )
    import pandas as pd  # noqa: PLC0415 - the frame's own library

    # Text (None for an error row's basis) and lists of text, as Python values: a list column
    # converted by pandas itself would hold NumPy arrays.
    added = pd.DataFrame(
        {name: decided.column(i).to_pylist() for i, name in enumerate(names)},
        index=frame.index,
    )
    return pd.concat([frame, added], axis=1)


def _kind(frame: Any) -> str:
    module = type(frame).__module__.split(".", 1)[0]
    if module in ("pandas", "polars") and type(frame).__name__ == "DataFrame":
        return module
    raise PredicateTypeError(
        f"expected a pandas or polars DataFrame, got {type(frame).__name__}",
        path="screen(frame)",
        hint="for an Arrow table use `vendorpolicy.extra.arrow.screen_table`",
    )


def _arrow(frame: Any, kind: str) -> Any:
    if kind == "pandas":
        return pa.Table.from_pandas(frame, preserve_index=False)
    return frame.to_arrow()
