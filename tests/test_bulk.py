"""Bulk screening (``check`` on CSV ledgers, ``screen_columns``) against the ordinary way.

Every property writes the same ledger twice — row by row (``screen_ledger`` and
``write_results``) and in bulk — and asks for the same bytes and the same summary: decisions,
row errors (messages and lines), missing facts, resolutions, warnings.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from _ledger_rows import HEADER, cells_of, csv_line
from vendorpolicy import (
    ColumnMapping,
    Effect,
    Purchase,
    Rule,
    RuleSet,
    bundled_registry,
    packs,
    purchase,
    screen,
    screen_columns,
    screen_ledger,
    write_results,
)
from vendorpolicy._bulk import BulkRows, BulkRun, RowScreener
from vendorpolicy._compile._bulk import missing_facts
from vendorpolicy._engine import _program
from vendorpolicy._ledger import result_record
from vendorpolicy.errors import InvalidDataError
from vendorpolicy.testing import purchases, purchases_for, registries, rule_sets

_DAMAGE = {
    "buyer_public": "ture",
    "vendor_country": "CNN",
    "date": "2019-02-30",
    "value": "12x",
    "currency": "YEN",
    "category": "Telecom//x",
    "acquired": "2999-01-01",
    "id": "p\u00e9",
}


@st.composite
def ledgers(draw: st.DrawFn, pool: st.SearchStrategy[Purchase]) -> str:
    """A ledger: rows drawn from a few purchases (so that contents repeat), each with its own
    id, amount and date now and then, some damaged."""
    base = draw(st.lists(pool, min_size=1, max_size=4))
    lines = [",".join(HEADER)]
    for i in range(draw(st.integers(1, 24))):
        cells = cells_of(draw(st.sampled_from(base)))
        cells[0] = f"po-{i}"
        if draw(st.booleans()):
            cells[12] = str(draw(st.integers(0, 10**7))) if cells[13] else ""
        if draw(st.booleans()):
            cells[1] = draw(st.dates(dt.date(2017, 1, 1), dt.date(2027, 12, 31))).isoformat()
        if draw(st.integers(0, 9)) == 0:
            column = draw(st.sampled_from(sorted(_DAMAGE)))
            cells[HEADER.index(column)] = _DAMAGE[column]
        if draw(st.integers(0, 19)) == 0:
            cells = cells[:-1]  # a short row
        lines.append(csv_line(cells))
    return "\n".join(lines) + "\n"


def _both(
    rule_set: RuleSet, text: str, tmp: Path, fmt: str, **options: Any
) -> tuple[tuple[str, Any], tuple[str, Any]]:
    path = tmp / "ledger.csv"
    path.write_text(text, encoding="utf-8")
    plain = io.StringIO()
    summary = write_results(
        screen_ledger(rule_set, path, **options), plain, rule_set=rule_set, format=fmt
    )  # type: ignore[arg-type]
    bulk = io.StringIO()
    run = screen(rule_set, BulkRows(path, mapping=ColumnMapping()), **options)
    assert isinstance(run, BulkRun)
    # The shapes the fast path builds are not checked against the ordinary way here: the
    # comparison below is the check.
    run.screener.verify = 0
    bulk_summary = run.write(bulk, format=fmt, keep=())
    return (plain.getvalue(), summary), (bulk.getvalue(), bulk_summary)


_SETTINGS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
#: Per bundled pack (eight of them, each a ledger of about a dozen rows an example): half the
#: profile's examples; the generated rule sets above keep the whole profile.
_PER_PACK = settings(_SETTINGS, max_examples=max(10, settings.default.max_examples // 2))


#: A quarter of the profile's examples: for the property that screens each ledger three times,
#: and for one whose examples each compile a rule set (the CI budget).
_THRICE = settings(_SETTINGS, max_examples=max(1, settings().max_examples // 4))


class TestBulkCheck:
    @_SETTINGS
    @given(
        rule_set=rule_sets(max_rules=5, max_includes=1),
        data=st.data(),
        fmt=st.sampled_from(["csv", "jsonl"]),
    )
    def test_generated_rule_sets(
        self, rule_set: RuleSet, data: st.DataObject, fmt: str, tmp_path: Path
    ) -> None:
        """Bulk results equal row-by-row results for generated rule sets and ledgers."""
        text = data.draw(ledgers(purchases()))
        as_of = data.draw(st.none() | st.dates(dt.date(2017, 1, 1), dt.date(2027, 12, 31)))
        plain, bulk = _both(rule_set, text, tmp_path, fmt, as_of=as_of)
        assert bulk == plain

    @_SETTINGS
    @given(rule_set=rule_sets(max_rules=4), registry=registries(), data=st.data())
    def test_with_a_registry(
        self, rule_set: RuleSet, registry: Any, data: st.DataObject, tmp_path: Path
    ) -> None:
        """With a registry: the same resolutions, missing facts and unidentified suppliers."""
        text = data.draw(ledgers(purchases()))
        plain, bulk = _both(rule_set, text, tmp_path, "csv", registry=registry)
        assert bulk == plain

    @pytest.mark.parametrize("name", packs.names())
    @_PER_PACK
    @given(data=st.data())
    def test_every_bundled_pack(self, name: str, data: st.DataObject, tmp_path: Path) -> None:
        """Every bundled pack, with the bundled registry, over purchases aimed at it."""
        rule_set = packs.load(name)
        registry = bundled_registry()
        text = data.draw(ledgers(purchases_for(rule_set, registry=registry)))
        escalate = data.draw(st.sampled_from(["error", "escalate"]))
        plain, bulk = _both(
            rule_set, text, tmp_path, "jsonl", registry=registry, outside_vocabulary=escalate
        )
        assert bulk == plain

    @_THRICE
    @given(
        rule_set=rule_sets(max_rules=5, max_includes=1),
        data=st.data(),
        fmt=st.sampled_from(["csv", "jsonl"]),
    )
    def test_rows_read_again_take_the_quick_path(
        self, rule_set: RuleSet, data: st.DataObject, fmt: str, tmp_path: Path
    ) -> None:
        """A ledger read twice over (every row again, with a new id): the second half is
        read from what the first taught (`RowScreener.quick`), damaged rows included, and
        the result file is still the row-by-row one."""
        text = data.draw(ledgers(purchases()))
        head, *rows = text.splitlines()
        again = [row.replace("po-", "again-", 1) for row in rows]
        doubled = "\n".join([head, *rows, *again]) + "\n"
        plain, bulk = _both(rule_set, doubled, tmp_path, fmt)
        assert bulk == plain
        # The quick path answers for every row of the second half the first half decided
        # in bulk, and for none it could not vouch for.
        path = tmp_path / "ledger.csv"
        run = screen(rule_set, BulkRows(path, mapping=ColumnMapping()))
        assert isinstance(run, BulkRun)
        records = list(run.rows.records)
        screener = run.screener
        quick = screener.quick()
        half = len(records) // 2
        first, second = records[:half], records[half:]
        taught = [type(screener.row(line, cells)) is tuple for line, cells in first]
        for (_, cells), (_, before), fast in zip(second, first, taught, strict=False):
            same = cells is not None and before is not None and cells[1:] == before[1:]
            if fast and same and screener.enabled:
                assert quick(cells) is not None
        run.close()

    def test_repeated_rows_take_the_fast_path(self, tmp_path: Path) -> None:
        """Rows that repeat a content are written from a shape, not decided one by one."""
        rule_set = packs.load("jp-2018")
        row = "mic,true,central-government,JP,huawei,Huawei,CN,,,telecom/network/router"
        header = (
            "id,buyer_id,buyer_public,buyer_sector,buyer_country,vendor_id,vendor_name,"
            "vendor_country,vendor_designations,supplier,category,value,currency,date"
        )
        lines = [header]
        lines += [f"p{i},{row},{1000 + i},JPY,2019-0{1 + i % 9}-1{i % 10}" for i in range(200)]
        path = tmp_path / "ledger.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        run = screen(rule_set, BulkRows(path, mapping=ColumnMapping()))
        assert isinstance(run, BulkRun)
        out = io.StringIO()
        run.write(out, format="csv", keep=())
        assert len(run.screener.contents) == 1
        assert sum(s.count for s in {id(s): s for s in run.screener.shapes.values()}.values()) > 150
        plain = io.StringIO()
        write_results(screen_ledger(rule_set, path), plain, rule_set=rule_set, format="csv")
        assert out.getvalue() == plain.getvalue()
        # Iterated rather than written, the run gives the ordinary results.
        again = screen(rule_set, BulkRows(path, mapping=ColumnMapping()))
        assert list(again) == list(screen_ledger(rule_set, path))

    def test_a_wrong_shape_turns_the_fast_path_off(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A shape that disagrees with the row decided the ordinary way is never written: the
        rest of the run is decided row by row."""
        rule_set = RuleSet(
            id="value",
            version="1",
            rules=[
                Rule(id="big", when=purchase.value.at_least(1000, "JPY"), effect=Effect.DENY),
                Rule(id="june", when=purchase.date.on_or_after("2019-06-15"), effect=Effect.WARN),
            ],
        )
        lines = ["id,buyer_id,buyer_public,buyer_sector,value,currency,date"]
        lines += [
            f"p{i},mic,true,central-government,{10 ** (i % 5)},JPY,2019-06-{1 + i % 28:02d}"
            for i in range(60)
        ]
        path = tmp_path / "ledger.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        real = RowScreener._shape

        def wrong(self: RowScreener, *args: Any) -> Any:
            shape = real(self, *args)
            if shape is not None:
                shape.record["effect"] = "allow"
            return shape

        monkeypatch.setattr(RowScreener, "_shape", wrong)
        run = screen(rule_set, BulkRows(path, mapping=ColumnMapping()))
        assert isinstance(run, BulkRun)
        out = io.StringIO()
        run.write(out, format="csv", keep=())
        assert not run.screener.enabled
        plain = io.StringIO()
        write_results(screen_ledger(rule_set, path), plain, rule_set=rule_set, format="csv")
        assert out.getvalue() == plain.getvalue()


class TestMissingFacts:
    @_THRICE
    @given(rule_set=rule_sets(max_rules=6, max_includes=1), subject=purchases())
    def test_only_rules_not_false_are_asked(self, rule_set: RuleSet, subject: Purchase) -> None:
        """The missing facts from the rules whose condition is not false in the mask are the
        program's, from every rule."""
        program = _program(rule_set)
        assume(program is not None)
        assert program is not None
        when = subject.date
        try:
            mask = program.slots(subject, when, subject.vendor, subject.components, subject.buyer)
            expected = program.missing_facts(subject, when, None, {})
        except Exception as exc:  # the program's own failure: the same one, below
            with pytest.raises(type(exc)):
                missing_facts(program, subject, when, None, {}, 0)
            return
        assert missing_facts(program, subject, when, None, {}, mask) == expected


class TestScreenColumns:
    @_SETTINGS
    @given(rule_set=rule_sets(max_rules=5, max_includes=1), data=st.data())
    def test_agrees_with_the_ledger(
        self, rule_set: RuleSet, data: st.DataObject, tmp_path: Path
    ) -> None:
        """Each row's decision columns are its result record's, row errors included."""
        text = data.draw(ledgers(purchases()))
        rows = [line.split(",") for line in text.splitlines()]
        rows = [r for r in rows[1:] if len(r) == len(HEADER) and not any('"' in c for c in r)]
        columns = {h: [r[i] or None for r in rows] for i, h in enumerate(HEADER)}
        got = screen_columns(rule_set, columns)
        ledger = tmp_path / "rows.csv"
        ledger.write_text(
            "\n".join([",".join(HEADER), *(",".join(r) for r in rows)]) + "\n", encoding="utf-8"
        )
        expected = [result_record(r, rule_set) for r in screen_ledger(rule_set, ledger)]
        assert len(got) == len(expected) == len(rows)
        for i, record in enumerate(expected):
            assert got.status[i] == record["status"]
            assert got.effect[i] == record["effect"]
            assert got.basis[i] == record["basis"]
            assert list(got.determining[i]) == record["determining"]
            assert list(got.obligations[i]) == record["obligations"]
            assert list(got.missing_facts[i]) == record["missing_facts"]
            assert list(got.errors[i]) == record["errors"]
            assert list(got.warnings[i]) == record["warnings"]

    def test_columns_of_different_lengths(self) -> None:
        """Columns of different lengths are refused, naming each length."""
        rule_set = packs.load("jp-2018")
        with pytest.raises(InvalidDataError) as caught:
            screen_columns(
                rule_set,
                {"buyer_id": ["a", "b"], "buyer_public": ["true"], "buyer_sector": ["retail"]},
            )
        (problem,) = caught.value.problems
        assert problem.message.startswith("the columns differ in length (`buyer_id`: 2")
        assert problem.path == "columns"

    def test_cells_must_be_text(self) -> None:
        """A cell that is not text or None is refused with its column and row."""
        rule_set = packs.load("jp-2018")
        with pytest.raises(InvalidDataError) as caught:
            screen_columns(
                rule_set,
                {"buyer_id": ["a"], "buyer_public": [True], "buyer_sector": ["retail"]},
            )
        (problem,) = caught.value.problems
        assert problem.message == "expected text or None, got bool `True`"
        assert problem.path == "columns['buyer_public'][0]"


class TestArrowExtra:
    def test_screen_table_reads_typed_cells_as_text(self) -> None:
        """A table's typed cells are screened as the text a CSV ledger would hold."""
        pa = pytest.importorskip("pyarrow")
        from vendorpolicy.extra.arrow import screen_table

        rule_set = packs.load("jp-2018")
        table = pa.table(
            {
                "buyer_id": ["mic", "mic", None],
                "buyer_public": [True, True, False],
                "buyer_sector": ["central-government"] * 3,
                "vendor_id": ["huawei", "nec", "zte"],
                "vendor_country": ["CN", "JP", "CN"],
                "category": ["telecom/network/router"] * 3,
                "date": [dt.date(2019, 6, 3), None, dt.date(2020, 1, 6)],
            }
        )
        text = {
            "buyer_id": ["mic", "mic", None],
            "buyer_public": ["true", "true", "false"],
            "buyer_sector": ["central-government"] * 3,
            "vendor_id": ["huawei", "nec", "zte"],
            "vendor_country": ["CN", "JP", "CN"],
            "category": ["telecom/network/router"] * 3,
            "date": ["2019-06-03", None, "2020-01-06"],
        }
        assert screen_table(rule_set, table) == screen_columns(rule_set, text)
        assert screen_table(rule_set, table).status == ("decided", "decided", "error")
