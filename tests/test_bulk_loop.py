"""The CSV loop of bulk screening (``vendorpolicy._bulk._CsvLoop``) against the ordinary way.

``check`` writes a CSV result file through one loop specialised to the ledger's layout. These
properties draw ledgers whose layouts vary (columns left out, moved, kept), screen them row by
row (``screen_ledger`` and ``write_results``) and in bulk, and ask for the same bytes and the
same summary.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import threading
import weakref
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _ledger_rows import csv_line
from test_bulk import ledgers
from vendorpolicy import (
    ColumnMapping,
    Effect,
    Rule,
    RuleSet,
    purchase,
    screen,
    screen_ledger,
    write_results,
)
from vendorpolicy._bulk import (
    _OLD,
    _SPECIAL,
    _YOUNG,
    BulkRows,
    BulkRun,
    RowScreener,
    _special,
    fewer_collections,
)
from vendorpolicy.testing import purchases, registries, rule_sets

_SETTINGS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
#: Half the profile's examples (each screens a ledger twice, some with a registry).
_HALF = settings(_SETTINGS, max_examples=max(1, settings().max_examples // 2))

#: Texts for a kept column: plain, and what a CSV cell must quote or defuse.
_NOTES = st.sampled_from(["", "ok", "a,b", 'say "x"', "=1+1", "-3", "@x", " pad ", "new\nline"])


@st.composite
def layouts(draw: st.DrawFn, text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` (a ledger) with some of its id, date, value and currency columns left out, its
    columns in another order, and perhaps a ``note`` column to keep; and the kept columns."""
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    dropped = draw(st.sets(st.sampled_from(["id", "date", "value", "currency"])))
    if "value" in dropped:
        dropped.add("currency")  # a currency without a value is a row error on every row
    order = [j for j, name in enumerate(header) if name not in dropped]
    order = draw(st.permutations(order))
    keep: tuple[str, ...] = ()
    out = [[header[j] for j in order]]
    notes = None
    if draw(st.booleans()):
        keep = ("note",)
        at = draw(st.integers(0, len(order)))
        out[0].insert(at, "note")
        notes = [draw(_NOTES) for _ in rows[1:]]
    value = header.index("value")
    for i, row in enumerate(rows[1:]):
        if value < len(row) and row[value].isdigit() and draw(st.booleans()):
            # A credit memo, a padded amount, an amount with decimals.
            row[value] = draw(st.sampled_from(["-{}", " {} ", "{}.50"])).format(row[value])
        cells = [row[j] if j < len(row) else "" for j in order]
        if len(row) < len(header):
            cells = cells[:-1]  # a short row stays short
        if notes is not None:
            cells.insert(min(at, len(cells)), notes[i])
        out.append(cells)
    return "\n".join(csv_line(c) for c in out) + "\n", keep


def _both(
    rule_set: RuleSet, text: str, keep: tuple[str, ...], tmp: Path, **options: Any
) -> tuple[tuple[str, Any], tuple[str, Any]]:
    path = tmp / "ledger.csv"
    path.write_text(text, encoding="utf-8")
    mapping = ColumnMapping(keep=keep)
    plain = io.StringIO()
    summary = write_results(
        screen_ledger(rule_set, path, mapping=mapping, **options),
        plain,
        rule_set=rule_set,
        format="csv",
        keep=keep,
    )
    bulk = io.StringIO()
    run = screen(rule_set, BulkRows(path, mapping=mapping), **options)
    assert isinstance(run, BulkRun)
    run.screener.verify = 0  # the comparison below is the check
    bulk_summary = run.write(bulk, format="csv", keep=keep)
    return (plain.getvalue(), summary), (bulk.getvalue(), bulk_summary)


class TestCsvLoop:
    @_SETTINGS
    @given(rule_set=rule_sets(max_rules=5, max_includes=1), data=st.data())
    def test_layouts(self, rule_set: RuleSet, data: st.DataObject, tmp_path: Path) -> None:
        """Bulk CSV results equal row-by-row results whatever columns the ledger has, in any
        order, with a column kept or not, decided on its dates or as of one date."""
        text, keep = data.draw(layouts(data.draw(ledgers(purchases()))))
        as_of = data.draw(st.none() | st.dates(dt.date(2017, 1, 1), dt.date(2027, 12, 31)))
        plain, bulk = _both(rule_set, text, keep, tmp_path, as_of=as_of)
        assert bulk == plain

    @_HALF
    @given(rule_set=rule_sets(max_rules=4), registry=registries(), data=st.data())
    def test_layouts_with_a_registry(
        self, rule_set: RuleSet, registry: Any, data: st.DataObject, tmp_path: Path
    ) -> None:
        """The same with a registry (resolutions, registry intervals, unknown suppliers)."""
        text, keep = data.draw(layouts(data.draw(ledgers(purchases()))))
        plain, bulk = _both(rule_set, text, keep, tmp_path, registry=registry)
        assert bulk == plain

    @pytest.mark.parametrize("keep", [(), ("note",)])
    def test_repeated_rows_stay_in_the_loop(
        self, keep: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Rows that repeat what earlier rows taught are written by the loop itself, credit
        memos and kept cells (quoted) included: only the rows that teach something new are
        handed to ``RowScreener.row``."""
        rule_set = RuleSet(
            id="loop",
            version="1",
            rules=[
                Rule(id="big", when=purchase.value.at_least(5000, "JPY"), effect=Effect.DENY),
                Rule(id="late", when=purchase.date.on_or_after("2019-06-15"), effect=Effect.WARN),
            ],
        )
        lines = ["id,note,buyer_id,buyer_public,buyer_sector,value,currency,date"]
        lines += [
            f'p{i},"n,{i}",mic,true,central-government,'
            f"{'-' * (i % 7 == 3)}{1000 * (1 + i % 9)},JPY,2019-06-{1 + i % 28:02d}"
            for i in range(300)
        ]
        path = tmp_path / "ledger.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        calls = []
        real = RowScreener.row

        def counted(self: RowScreener, line: int, cells: Any) -> Any:
            calls.append(line)
            return real(self, line, cells)

        monkeypatch.setattr(RowScreener, "row", counted)
        asked = []
        real_quick = RowScreener.quick

        def quick(self: RowScreener) -> Any:
            inner = real_quick(self)

            def counted_quick(cells: Any) -> Any:
                asked.append(cells)
                return inner(cells)

            return counted_quick

        monkeypatch.setattr(RowScreener, "quick", quick)
        mapping = ColumnMapping(keep=keep) if keep else ColumnMapping(ignore=("note",))
        run = screen(rule_set, BulkRows(path, mapping=mapping))
        assert isinstance(run, BulkRun)
        out = io.StringIO()
        run.write(out, format="csv", keep=keep)
        plain = io.StringIO()
        write_results(
            screen_ledger(rule_set, path, mapping=mapping),
            plain,
            rule_set=rule_set,
            format="csv",
            keep=keep,
        )
        assert out.getvalue() == plain.getvalue()
        # The first row teaches the content; the first shapes are each checked the ordinary
        # way (at most 2 value classes x 2 date classes here); every other row is the loop's,
        # none is left to the quick path outside it.
        assert 1 <= len(calls) <= 1 + 4
        assert asked == []


class TestCsvLoopWriting:
    @given(st.text(alphabet=st.sampled_from('ab1-=+@\t\r\n,"; x'), max_size=8))
    def test_special_is_the_expression(self, text: str) -> None:
        """The inlined test for an id that must be quoted or defused finds what the regular
        expression finds."""
        assert _special(text) == (_SPECIAL.search(text) is not None)

    def test_ids_quoted_and_defused_as_row_by_row(self, tmp_path: Path) -> None:
        """Ids that a CSV cell must quote or defuse are written by the loop as the ordinary
        way writes them."""
        rule_set = RuleSet(
            id="ids",
            version="1",
            rules=[Rule(id="big", when=purchase.value.at_least(5000, "JPY"), effect=Effect.DENY)],
        )
        ids = ["p1", "=1+1", "+x", "-3", "@x", "a,b", 'say "x"', "two\nlines", "plain-id"]
        lines = ["id,buyer_id,buyer_public,buyer_sector,value,currency,date"]
        lines += [
            f"{csv_line([pid])},mic,true,central-government,{1000 * (1 + i % 9)},JPY,2019-06-01"
            for i, pid in enumerate(ids * 3)
        ]
        plain, bulk = _both(rule_set, "\n".join(lines) + "\n", (), tmp_path)
        assert bulk == plain
        assert '"=1+1"' not in bulk[0]  # defused, not merely quoted: the ordinary cell
        assert "'=1+1" in bulk[0] or '"\'=1+1"' in bulk[0]


class TestCollector:
    def _run(self, tmp_path: Path) -> BulkRun:
        rule_set = RuleSet(
            id="gc",
            version="1",
            rules=[Rule(id="big", when=purchase.value.at_least(5000, "JPY"), effect=Effect.DENY)],
        )
        lines = ["id,buyer_id,buyer_public,buyer_sector,value,currency,date"]
        lines += [
            f"p{i},mic,true,central-government,{1000 * (1 + i % 9)},JPY,2019-06-{1 + i % 28:02d}"
            for i in range(200)
        ]
        path = tmp_path / "ledger.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        run = screen(rule_set, BulkRows(path, mapping=ColumnMapping()))
        assert isinstance(run, BulkRun)
        return run

    @pytest.mark.parametrize("threshold", [(700, 10, 10), (0, 10, 10), (250_000, 5, 5)])
    def test_thresholds_raised_while_writing_and_restored(
        self, threshold: tuple[int, int, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """While the rows are written the collector's first threshold is at least `_YOUNG`
        (left at 0, automatic collection off, when it was), and afterwards it is what it was,
        also when the write fails."""
        run = self._run(tmp_path)
        seen = []
        real = RowScreener.row

        def row(self: RowScreener, line: int, cells: Any) -> Any:
            seen.append(gc.get_threshold())
            return real(self, line, cells)

        monkeypatch.setattr(RowScreener, "row", row)
        before = gc.get_threshold()
        try:
            gc.set_threshold(*threshold)
            run.write(io.StringIO(), format="csv", keep=())
            assert gc.get_threshold() == threshold
            expected = threshold[0] if threshold[0] == 0 else max(threshold[0], _YOUNG)
            assert seen
            assert {s[0] for s in seen} == {expected}

            def broken(self: RowScreener, line: int, cells: Any) -> Any:
                raise RuntimeError("stop")

            monkeypatch.setattr(RowScreener, "row", broken)
            with pytest.raises(RuntimeError):
                self._run(tmp_path).write(io.StringIO(), format="csv", keep=())
            assert gc.get_threshold() == threshold
        finally:
            gc.set_threshold(*before)

    @pytest.mark.parametrize("threshold", [(700, 10, 10), (0, 10, 10), (250_000, 5, 5_000_000)])
    def test_runs_inside_each_other_and_in_threads_restore_the_thresholds(
        self, threshold: tuple[int, int, int]
    ) -> None:
        """Runs inside one another, and runs in several threads that end in any order, leave
        the thresholds as the first run found them. While any run is under way full
        collections wait (the third threshold is at least `_OLD`), and the first threshold is
        raised only while a writing run (``young``) is: a columnar run keeps young
        collections as they were."""
        before = gc.get_threshold()
        try:
            gc.set_threshold(*threshold)
            first, second, third = threshold
            raised = first if first == 0 else max(first, _YOUNG)
            during = threshold if first == 0 else (first, second, max(third, _OLD))
            with fewer_collections(young=False):
                assert gc.get_threshold() == during
                with fewer_collections():
                    assert gc.get_threshold() == (raised, *during[1:])
                assert gc.get_threshold() == during
            assert gc.get_threshold() == threshold
            # Two threads: the first to start ends first, while the other is still running.
            started, release = threading.Barrier(2), threading.Event()
            seen: list[tuple[int, int, int]] = []

            def run(young: bool, wait: bool) -> None:
                with fewer_collections(young=young):
                    started.wait()
                    if wait:
                        release.wait()
                    seen.append(gc.get_threshold())

            waiting = threading.Thread(target=run, args=(True, True))
            quick = threading.Thread(target=run, args=(False, False))
            waiting.start()
            quick.start()
            quick.join()
            assert gc.get_threshold() == (raised, *during[1:])  # the writing run goes on
            release.set()
            waiting.join()
            assert seen == [(raised, *during[1:])] * 2
            assert gc.get_threshold() == threshold
        finally:
            gc.set_threshold(*before)

    def test_the_run_is_freed_without_a_collection(self, tmp_path: Path) -> None:
        """Once written and dropped, what the run learnt is freed by reference counting: the
        loop's globals, which refer back to it, are cleared."""
        run = self._run(tmp_path)
        gc.collect()
        gc.disable()
        try:
            run.write(io.StringIO(), format="csv", keep=())
            screener = weakref.ref(run.screener)
            del run
            assert screener() is None
        finally:
            gc.enable()
