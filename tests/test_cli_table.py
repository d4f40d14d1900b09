"""Tables that fit: columns sized to content, the last one wrapped to the width (nothing lost),
capped columns cut with an ellipsis; every table the CLI prints fits COLUMNS; no colour."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vendorpolicy import dump_rule_set, packs
from vendorpolicy._cli import COMMANDS, main
from vendorpolicy._cli_table import (
    ELLIPSIS,
    LAST_COLUMN_MIN,
    StreamTable,
    aligned_table,
    cut,
    terminal_width,
    wrap_line,
)
from vendorpolicy._samples import sample_rule_set


def width_of(text: str) -> int:
    """The columns a terminal gives ``text`` (the test's own measure): two for a wide East Asian
    character, none for a combining mark."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


WORD = st.text(alphabet="abcdefghij-./:", min_size=1, max_size=12)
CELL = st.lists(WORD, min_size=1, max_size=3).map(" ".join)
LAST = st.lists(WORD, max_size=20).map(" ".join)


def rows_of(columns: int) -> st.SearchStrategy[list[tuple[str, ...]]]:
    row = st.tuples(*([CELL] * (columns - 1)), LAST)
    return st.lists(row, min_size=1, max_size=6)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


class TestAlignedTable:
    @settings(max_examples=60)
    @given(
        columns=st.integers(2, 4),
        data=st.data(),
        width=st.integers(20, 140),
    )
    def test_fits_and_loses_no_word(self, columns: int, data: st.DataObject, width: int) -> None:
        """Each row's first columns are padded to the widest cell; the last column wraps so
        that no line is wider than the width (when the first columns fit in it), and the words
        of every cell are all there, in order."""
        rows = data.draw(rows_of(columns))
        header = tuple(f"h{i}" for i in range(columns))
        text = aligned_table([header, *rows], width=width, rule=False)
        lines = text.splitlines()
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(columns - 1)]
        head_width = sum(widths) + 2 * (columns - 1)
        below = width - head_width < LAST_COLUMN_MIN
        if head_width + (0 if below else LAST_COLUMN_MIN) <= width:
            assert max(len(line) for line in lines) <= width
        assert " ".join(lines).split() == [
            w for row in [header, *rows] for c in row for w in c.split()
        ]
        for line in lines:
            if not line.startswith(" "):
                # A row's first line: each first column starts where the header's does.
                starts = [sum(widths[:i]) + 2 * i for i in range(columns - 1)]
                for start in starts[1:]:
                    assert line[start - 2 : start] == "  "

    @settings(max_examples=60)
    @given(
        rows=st.lists(
            st.tuples(
                st.text(alphabet="abc日本語電気ｱ", min_size=1, max_size=8),
                st.lists(
                    st.text(alphabet="ab総務省関係経済施策-", min_size=1, max_size=40),
                    max_size=6,
                ).map(" ".join),
            ),
            min_size=1,
            max_size=5,
        ),
        width=st.integers(50, 100),
    )
    def test_wide_characters_take_two_columns(
        self, rows: list[tuple[str, str]], width: int
    ) -> None:
        """Japanese text is measured in terminal columns (two a wide character): the columns
        line up on screen, no line is wider than the width, and a long run of wide text (no
        spaces) is split rather than sticking out; the text is all there."""
        table = aligned_table([("name", "why"), *rows], width=width, rule=False)
        lines = table.splitlines()
        assert all(width_of(line) <= width for line in lines)
        column = max(width_of(r[0]) for r in [("name", "why"), *rows]) + 2
        for line in lines:
            if not line.startswith(" "):
                first = line.split("  ", 1)[0]
                assert width_of(first) <= column - 2
                rest = line[len(first) :]
                assert not rest or rest.startswith(" " * (column - width_of(first)))
                assert not rest or not rest[column - width_of(first)].isspace()
        whole = "".join(c for row in [("name", "why"), *rows] for c in row)
        assert "".join(table.split()) == "".join(whole.split())

    def test_a_run_of_wide_text_fills_each_line(self) -> None:
        """A long run of Japanese (no spaces) is broken between characters to fill each line,
        and nothing is inserted: the pieces put together are the text."""
        law = "総務省関係経済施策を一体的に講ずることによる安全保障の確保の推進に関する法律"
        parts = wrap_line(f"  - {law} (MIC)", 40)
        assert all(width_of(p) <= 40 for p in parts)
        assert all(width_of(p) >= 38 for p in parts[:-2])
        assert "".join(p.strip() for p in parts) == f"- {law} (MIC)"

    def test_without_a_width_nothing_wraps(self) -> None:
        """With no width (a pipe or a file), every row is one line."""
        rows = [("a", "word " * 50), ("bb", "x")]
        assert aligned_table([("k", "v"), *rows], rule=False).count("\n") == 2

    def test_right_aligned_and_capped_columns(self) -> None:
        """A right-aligned column pads on the left; a capped column is cut with an ellipsis."""
        text = aligned_table(
            [("name", "n", "why"), ("a" * 40, "5", "x"), ("b", "17", "y")],
            rule=False,
            right={1},
            caps={0: 10},
        )
        assert text.splitlines() == [
            "name         n  why",
            "aaaaaaaaa…   5  x",
            "b           17  y",
        ]


class TestCut:
    @given(text=st.text(min_size=0, max_size=40), width=st.integers(1, 40), end=st.booleans())
    def test_cut_keeps_what_fits(self, text: str, width: int, end: bool) -> None:
        """A cut text fits (in terminal columns), is unchanged when it already fitted, and
        otherwise keeps a prefix (or with keep_end a suffix) of the text and shows the
        ellipsis."""
        done = cut(text, width, keep_end=end)
        assert width_of(done) <= width
        if width_of(text) <= width:
            assert done == text
        else:
            assert ELLIPSIS in done
            kept = done.replace(ELLIPSIS, "", 1)
            assert text.endswith(kept) if end else text.startswith(kept)


class TestWrapLine:
    @given(
        indent=st.integers(0, 8),
        words=st.lists(WORD, min_size=1, max_size=30),
        width=st.integers(30, 120),
    )
    def test_keeps_indentation_and_words(self, indent: int, words: list[str], width: int) -> None:
        """A wrapped line keeps its indentation, continuation lines hang under it, no line is
        wider than the width, and the words are unchanged."""
        line = " " * indent + " ".join(words)
        parts = wrap_line(line, width)
        assert all(len(p) <= width for p in parts)
        assert parts[0].startswith(" " * indent)
        assert all(p.startswith(" " * (indent + 2)) for p in parts[1:])
        assert " ".join(parts).split() == words


class TestStreamTable:
    @settings(max_examples=40)
    @given(columns=st.integers(2, 4), data=st.data(), width=st.none() | st.integers(40, 120))
    def test_agrees_with_the_whole_table(
        self, columns: int, data: st.DataObject, width: int | None
    ) -> None:
        """When every row arrives within the sample (the last one too), the streamed table is
        the table sized to all of them."""
        rows = data.draw(rows_of(columns))
        header = tuple(f"h{i}" for i in range(columns))
        out = io.StringIO()
        sample = len(rows) + data.draw(st.integers(0, 2))
        table = StreamTable(header, out, width=width, sample=sample)
        for row in rows:
            table.add(row)
        table.close()
        assert out.getvalue() == aligned_table([header, *rows], width=width, rule=False) + "\n"

    def test_later_rows_keep_the_columns(self) -> None:
        """A row after the sample keeps the sampled widths: a capped column cuts a longer cell,
        any other pushes the row along."""
        out = io.StringIO()
        table = StreamTable(("line", "id", "why"), out, width=None, sample=1, caps={1: 10})
        table.add(("2", "abc", "x"))
        table.add(("123456", "abcdefg", "y"))
        table.close()
        assert out.getvalue().splitlines() == [
            "line  id   why",
            "2     abc  x",
            "123456  ab…  y",
        ]


class TestTerminalWidth:
    def test_columns_then_terminal_then_none(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """COLUMNS wins; without it a stream that is not a terminal gets no width, and a limit
        is then the width."""
        monkeypatch.setenv("COLUMNS", "73")
        assert terminal_width(io.StringIO()) == 73
        assert terminal_width(io.StringIO(), 60) == 60
        monkeypatch.delenv("COLUMNS")
        assert terminal_width(io.StringIO()) is None
        assert terminal_width(io.StringIO(), 100) == 100


def _pack_name() -> str:
    return max(packs.names(), key=lambda n: len(packs.info(n).title))


class TestCommandsFit:
    """Every table the command line prints fits COLUMNS, and says the same as unwrapped."""

    @pytest.fixture
    def rules(self, tmp_path: Path) -> Path:
        path = tmp_path / "rules.toml"
        path.write_text(dump_rule_set(sample_rule_set()), encoding="utf-8")
        return path

    def argvs(self, rules: Path, tmp_path: Path) -> list[Sequence[str]]:
        ledger = tmp_path / "ledger.csv"
        ledger.write_text(
            "id,buyer_id,buyer_public,buyer_sector,vendor_id,vendor_country,category,date\n"
            "po-1,mic,true,central-government,nec,JP,,2019-06-01\n"
            "po-2,mic,true,central-government,huawei,CN,telecom/network,2019-06-01\n",
            encoding="utf-8",
        )
        return [
            ("demo",),
            ("packs",),
            ("packs", _pack_name()),
            ("resolve", "Huawei Technologies", "Hik Vision", "--as-of", "2024-01-02"),
            ("check", str(rules), str(ledger), "-q"),
        ]

    @pytest.mark.parametrize("columns", [60, 100])
    def test_every_table_fits(
        self, columns: int, rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With COLUMNS set, no line of demo, packs, packs NAME, resolve or check's table is
        wider, and the words are those of the unwrapped output, in order."""
        for argv in self.argvs(rules, tmp_path):
            monkeypatch.delenv("COLUMNS", raising=False)
            _, whole = run(*argv)
            monkeypatch.setenv("COLUMNS", str(columns))
            _, fitted = run(*argv)
            for line in fitted.splitlines():
                # Only a word longer than a line (a URL, a digest) may stick out: it is kept
                # whole, as cut it would not work. Wide (Japanese) text counts two a character.
                assert width_of(line) <= columns or max(map(len, line.split())) > columns - 20
            if argv[0] != "demo":  # the demo fits 100 columns even without COLUMNS
                # The same text: words in order (wide text, which has no spaces, may be split).
                assert "".join(fitted.split()) == "".join(whole.split()), argv
                if columns == 60:  # the test shows something: unwrapped, it would not fit
                    assert max(len(line) for line in whole.splitlines()) > columns, argv

    def test_no_colour_anywhere(
        self, rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """No command prints a terminal escape (no colour, so NO_COLOR has nothing to turn
        off), even when asked to force colour."""
        monkeypatch.delenv("NO_COLOR", raising=False)
        monkeypatch.setenv("FORCE_COLOR", "1")
        for argv in self.argvs(rules, tmp_path):
            _, text = run(*argv)
            assert "\x1b" not in text, argv
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text), argv
        assert {c.name for c in COMMANDS} >= {"demo", "packs", "resolve", "check"}
