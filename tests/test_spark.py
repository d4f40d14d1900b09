"""vendorpolicy.extra.spark: screening a Spark DataFrame (local mode) gives every row the
decision columns of its record when the same rows are screened row by row as a CSV ledger."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import importlib
import os
import shutil
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from _ledger_rows import HEADER, cells_of, csv_line
from vendorpolicy import (
    ColumnMapping,
    Purchase,
    RuleSet,
    bundled_registry,
    packs,
    screen_columns,
    screen_ledger,
)
from vendorpolicy._ledger import result_record
from vendorpolicy.errors import InvalidDataError
from vendorpolicy.testing import purchases, purchases_for, registries, rule_sets

pytestmark = [
    # pyspark checks the pandas version with distutils' LooseVersion, which warns.
    pytest.mark.filterwarnings(
        "ignore:distutils Version classes are deprecated:DeprecationWarning"
    ),
    # py4j leaves the sockets of closed connections to the garbage collector.
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

_DAMAGE = {"buyer_public": "ture", "vendor_country": "CNN", "date": "2019-02-30", "value": "12x"}
_DECISION = (
    "status", "effect", "basis", "determining", "obligations", "missing_facts", "errors",
    "warnings",
)  # fmt: skip
_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def _settings(examples: int) -> settings:
    """Few examples: each is a Spark job of a second or two."""
    # Not shrunk: each step would be another job; a failure shows the example as drawn.
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=_HEALTH,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
    )


@st.composite
def ledgers(draw: st.DrawFn, pool: st.SearchStrategy[Purchase]) -> list[list[str]]:
    """Rows drawn from a few purchases (so that contents repeat), each with its own id, now
    and then its own amount and date, a few damaged."""
    base = draw(st.lists(pool, min_size=1, max_size=4))
    rows = []
    for i in range(draw(st.integers(1, 30))):
        cells = cells_of(draw(st.sampled_from(base)))
        cells[0] = f"po-{i:03d}"
        if draw(st.booleans()):
            cells[12] = str(draw(st.integers(0, 10**7))) if cells[13] else ""
        if draw(st.booleans()):
            cells[1] = draw(st.dates(dt.date(2017, 1, 1), dt.date(2027, 12, 31))).isoformat()
        if draw(st.integers(0, 9)) == 0:
            column = draw(st.sampled_from(sorted(_DAMAGE)))
            cells[HEADER.index(column)] = _DAMAGE[column]
        rows.append(cells)
    return rows


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One local Spark session (two cores) for this module, its Python workers running this
    interpreter (so that they import this vendorpolicy). It is stopped, and py4j's sockets
    collected, before the module ends, so that no warning of theirs lands in another test."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java, and `java` is not on PATH")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("vendorpolicy-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "16")
        # A short-lived JVM over tiny frames: the quick compiler only and no generated code
        # start it and run its first jobs in about two thirds of the time; rows are moved
        # the same way.
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .config("spark.sql.codegen.wholeStage", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    gc.collect()


Case = tuple[RuleSet, list[list[str]], dict[str, Any]]


def _screened(spark: Any, cases: list[Case]) -> list[list[tuple[Any, ...]]]:
    """The decision columns of each case's rows screened through Spark, in the order of the
    rows: every case its own ``screen``, all of them run as one job (a union)."""
    from vendorpolicy.extra.spark import screen

    frames = []
    for k, (rule_set, rows, options) in enumerate(cases):
        # Two partitions (local[2]'s default) of batches of up to 16 rows: several batches
        # per task. The case is told by the row id.
        df = spark.createDataFrame(
            [[f"c{k}-{r[0]}", *(c or None for c in r[1:])] for r in rows],
            ", ".join(f"`{h}` string" for h in HEADER),
        )
        frames.append(screen(df, rule_set, **options).select("id", *_DECISION))
    out = functools.reduce(lambda a, b: a.union(b), frames).collect()
    assert len(out) == sum(len(rows) for _, rows, _ in cases)
    got: list[list[tuple[Any, ...]]] = [[] for _ in cases]
    for row in sorted(out, key=lambda r: r["id"]):
        got[int(row["id"].split("-", 1)[0][1:])].append(tuple(row)[1:])
    return got


def _expected(case: Case, tmp: Path) -> list[tuple[Any, ...]]:
    """The same columns from the rows screened one by one as a CSV ledger, by the
    interpreter."""
    rule_set, rows, options = case
    path = tmp / "ledger.csv"
    path.write_text("\n".join(csv_line(r) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
    records = [result_record(r, rule_set) for r in screen_ledger(rule_set, path, **options)]
    assert len(records) == len(rows)
    return [
        (
            *(record[k] for k in _DECISION[:3]),
            *(list(record[k]) for k in _DECISION[3:]),
        )
        for record in records
    ]


def _agree(spark: Any, cases: list[Case], tmp: Path) -> None:
    got = _screened(spark, cases)
    for k, case in enumerate(cases):
        assert got[k] == _expected(case, tmp), f"case {k}"


_AS_OF = st.none() | st.dates(dt.date(2017, 1, 1), dt.date(2027, 12, 31))


@st.composite
def generated_cases(draw: st.DrawFn) -> Case:
    rule_set = draw(rule_sets(max_rules=5, max_includes=1))
    return rule_set, draw(ledgers(purchases())), {"as_of": draw(_AS_OF)}


@st.composite
def registry_cases(draw: st.DrawFn) -> Case:
    rule_set = draw(rule_sets(max_rules=4))
    registry = draw(registries())
    rows = draw(ledgers(purchases_for(rule_set, registry=registry)))
    return rule_set, rows, {"registry": registry}


class TestAgreement:
    @_settings(1)
    @given(cases=st.lists(generated_cases(), min_size=8, max_size=8))
    def test_generated_rule_sets(self, spark: Any, cases: list[Case], tmp_path: Path) -> None:
        """Generated rule sets and ledgers: every row, error rows included, gets the decision
        columns of its record row by row."""
        _agree(spark, cases, tmp_path)

    @_settings(1)
    @given(cases=st.lists(registry_cases(), min_size=4, max_size=4))
    def test_with_a_registry(self, spark: Any, cases: list[Case], tmp_path: Path) -> None:
        """With generated registries broadcast to the workers: the same resolutions and
        missing facts."""
        _agree(spark, cases, tmp_path)

    @_settings(1)
    @given(data=st.data())
    def test_every_bundled_pack(self, spark: Any, data: st.DataObject, tmp_path: Path) -> None:
        """Every bundled pack with the bundled registry, over rows aimed at the pack."""
        registry = bundled_registry()
        cases: list[Case] = []
        for name in packs.names():
            rule_set = packs.load(name)
            rows = data.draw(ledgers(purchases_for(rule_set, registry=registry)), label=name)
            escalate = data.draw(st.sampled_from(["error", "escalate"]))
            cases.append((rule_set, rows, {"registry": registry, "outside_vocabulary": escalate}))
        _agree(spark, cases, tmp_path)

    def test_typed_columns(self, spark: Any) -> None:
        """Typed columns (dates, booleans, decimals, integers) are read as the text a ledger
        holds, as `screen_columns` on that text decides them."""
        from pyspark.sql import types as T  # noqa: N812

        from vendorpolicy.extra.spark import screen

        rule_set = packs.load("us-ndaa-889")
        schema = T.StructType(
            [
                T.StructField("id", T.StringType()),
                T.StructField("date", T.DateType()),
                T.StructField("buyer_id", T.StringType()),
                T.StructField("buyer_public", T.BooleanType()),
                T.StructField("buyer_sector", T.StringType()),
                T.StructField("vendor_id", T.StringType()),
                T.StructField("category", T.StringType()),
                T.StructField("value", T.DecimalType(12, 2)),
                T.StructField("currency", T.StringType()),
                T.StructField("notes", T.LongType()),
            ]
        )
        typed = [
            ("a", dt.date(2021, 3, 1), "gsa", True, "central-government", "huawei",
             "telecom/network", Decimal("1200.50"), "USD", 7),
            ("b", None, "gsa", False, "retail", "zte", "telecom", None, None, None),
            ("c", dt.date(2018, 1, 1), "gsa", None, "central-government", "acme", "it", None,
             None, 3),
        ]  # fmt: skip
        mapping = ColumnMapping(ignore=["notes"])
        out = screen(
            spark.createDataFrame(typed, schema), rule_set, mapping=mapping, prefix="vp_"
        ).collect()
        columns = {
            "id": ["a", "b", "c"],
            "date": ["2021-03-01", None, "2018-01-01"],
            "buyer_id": ["gsa"] * 3,
            "buyer_public": ["true", "false", None],
            "buyer_sector": ["central-government", "retail", "central-government"],
            "vendor_id": ["huawei", "zte", "acme"],
            "category": ["telecom/network", "telecom", "it"],
            "value": ["1200.50", None, None],
            "currency": ["USD", None, None],
            "notes": ["7", None, "3"],
        }
        expected = screen_columns(rule_set, columns, mapping=mapping)
        by_id = {r["id"]: r for r in out}
        for i, key in enumerate(["a", "b", "c"]):
            row = by_id[key]
            assert row["notes"] == [7, None, 3][i]  # the input columns are kept as they are
            for name in _DECISION:
                want = getattr(expected, name)[i]
                assert row[f"vp_{name}"] == (want if name in _DECISION[:3] else list(want))
        assert by_id["c"]["vp_status"] == "error"  # no public flag: an error row, not lost


class TestChecksOnTheDriver:
    def test_unknown_column(self, spark: Any) -> None:
        """A column the mapping does not know is refused before any job runs, with the
        ledger reader's message and hint."""
        from vendorpolicy.extra.spark import screen

        df = spark.createDataFrame(
            [("mic", "true", "central-government", "x")],
            "buyer_id string, buyer_public string, buyer_sector string, vendr string",
        )
        with pytest.raises(InvalidDataError) as caught:
            screen(df, packs.load("jp-2018"))
        (problem,) = caught.value.problems
        assert problem.message == "unknown column `vendr`"
        assert problem.path == "columns:1 column 4"

    def test_clashing_and_nested_columns(self, spark: Any) -> None:
        """A decision column the DataFrame already has, and a column that is not one cell per
        row, are each reported with the column."""
        from vendorpolicy.extra.spark import screen

        df = spark.createDataFrame(
            [("mic", "true", "central-government", "deny", ["a"])],
            "buyer_id string, buyer_public string, buyer_sector string, effect string, "
            "tags array<string>",
        )
        with pytest.raises(InvalidDataError) as caught:
            screen(df, packs.load("jp-2018"), mapping=ColumnMapping(ignore=["effect", "tags"]))
        problems = caught.value.problems
        assert [p.message for p in problems] == [
            "the DataFrame already has a column `effect`",
            "column `tags` holds array<string>, not one cell per row",
        ]
        assert [p.path for p in problems] == ["dataframe['effect']", "dataframe['tags']"]
        assert "prefix" in (problems[0].hint or "")

    def test_not_a_dataframe(self, spark: Any) -> None:
        """Something else than a DataFrame is a type error naming what was passed."""
        from vendorpolicy.errors import PredicateTypeError
        from vendorpolicy.extra.spark import screen

        with pytest.raises(PredicateTypeError, match="expected a pyspark DataFrame, got dict"):
            screen({"buyer_id": ["mic"]}, packs.load("jp-2018"))  # type: ignore[arg-type]


def test_missing_pyspark_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pyspark, importing the extra says which `pip install` to run."""
    for name in [m for m in sys.modules if m == "pyspark" or m.startswith("pyspark.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.delitem(sys.modules, "vendorpolicy.extra.spark", raising=False)
    with pytest.raises(ImportError, match=r"pip install vendorpolicy\[spark\]"):
        importlib.import_module("vendorpolicy.extra.spark")


class TestColumnScreener:
    """What each Spark partition runs: `screen_columns` over the batches one after another."""

    @settings(max_examples=25, deadline=None)
    @given(
        rule_set=rule_sets(max_rules=5, max_includes=1),
        data=st.data(),
        size=st.integers(1, 7),
    )
    def test_batches_agree_with_one_call(
        self, rule_set: RuleSet, data: st.DataObject, size: int
    ) -> None:
        """Batches screened by one screener give the columns of one call over all the rows."""
        from vendorpolicy._columns import ColumnScreener

        rows = data.draw(ledgers(purchases()))
        whole = screen_columns(
            rule_set, {h: [r[i] or None for r in rows] for i, h in enumerate(HEADER)}
        )
        screener = ColumnScreener(rule_set, HEADER)
        parts = [
            screener.screen(
                {h: [r[i] or None for r in rows[k : k + size]] for i, h in enumerate(HEADER)}
            )
            for k in range(0, len(rows), size)
        ]
        for name in _DECISION:
            assert sum((getattr(p, name) for p in parts), ()) == getattr(whole, name)
        assert screener.rows == len(rows)

    def test_other_columns_are_refused(self) -> None:
        """A batch with other columns than the header is refused, naming both."""
        from vendorpolicy._columns import ColumnScreener
        from vendorpolicy.errors import InvalidValueError

        header = ["buyer_id", "buyer_public", "buyer_sector"]
        screener = ColumnScreener(packs.load("jp-2018"), header)
        with pytest.raises(InvalidValueError) as caught:
            screener.screen({"buyer_id": ["a"], "buyer_sector": ["retail"]})
        assert caught.value.message == (
            "the columns are `buyer_id`, `buyer_sector`, "
            "not `buyer_id`, `buyer_public`, `buyer_sector`"
        )
        assert caught.value.path == "columns"
