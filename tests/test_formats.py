"""Ledger formats: delimiters, encodings, decimal commas, thousands separators, credit memos,
detection, standard input and output, Excel and Parquet through the extras."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendorpolicy import (
    ColumnMapping,
    LedgerRow,
    RowError,
    ScreenedRow,
    packs,
    read_ledger,
    screen,
    screen_ledger,
)
from vendorpolicy._cli import main
from vendorpolicy._ledger import _amount, csv_records, detect_format
from vendorpolicy.errors import FileError, InvalidValueError
from vendorpolicy.testing import erp_export

BUYER = "buyer_id,buyer_public,buyer_sector"
ROW = "mic,true,central-government"
STYLES = [(".", None), (".", ","), (",", None), (",", "."), (".", "'"), (",", " ")]


def written(amount: Decimal, decimal: str, thousands: str | None, *, trailing: bool) -> str:
    """An amount as an ERP writes it in a style: `1,016.20`, `1.016,20-`."""
    text = f"{abs(amount):,.2f}" if thousands else f"{abs(amount):.2f}"
    text = text.replace(",", "\0").replace(".", decimal).replace("\0", thousands or "")
    if amount < 0:
        text = text + "-" if trailing else "-" + text
    return text


class TestAmounts:
    @given(
        st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
        st.sampled_from(STYLES),
        st.booleans(),
    )
    def test_every_style_reads_back(
        self, amount: Decimal, style: tuple[str, str | None], trailing: bool
    ) -> None:
        """An amount written in a style reads back as the same number, with its sign."""
        decimal, thousands = style
        mapping = ColumnMapping(decimal=decimal, thousands=thousands)
        parsed = _amount(written(amount, decimal, thousands, trailing=trailing), mapping)
        assert parsed is not None
        assert Decimal(parsed) == amount

    @pytest.mark.parametrize(
        ("text", "decimal", "thousands"),
        [("10,16.20", ".", ","), ("1,0162", ".", ","), ("1.016,20", ".", ","),
         ("1,016.2.0", ".", ","), ("1e5", ".", None), ("\u0661\u0660", ".", None),
         ("--5", ".", None)],
    )  # fmt: skip
    def test_misgrouped_amounts_are_refused(
        self, text: str, decimal: str, thousands: str | None
    ) -> None:
        """An amount that does not fit the stated style is refused, never read another way."""
        assert _amount(text, ColumnMapping(decimal=decimal, thousands=thousands)) is None

    def test_credit_memo_row(self, tmp_path: Path) -> None:
        """A negative amount is a credit memo: its magnitude is the value, and the row says so."""
        mapping = ColumnMapping(delimiter=";", decimal=",", thousands=".")
        path = tmp_path / "l.csv"
        header = BUYER.replace(",", ";")
        row = ROW.replace(",", ";")
        path.write_text(f"{header};value;currency\n{row};1.016,20-;EUR\n{row};9,50;EUR\n")
        memo, plain = read_ledger(path, mapping=mapping)
        assert isinstance(memo, LedgerRow)
        assert isinstance(plain, LedgerRow)
        assert (str(memo.purchase.value), memo.credit_memo) == ("1016.20 EUR", True)
        assert (str(plain.purchase.value), plain.credit_memo) == ("9.50 EUR", False)

    def test_bad_amount_names_the_style(self, tmp_path: Path) -> None:
        """A misgrouped amount is a row error saying how amounts are expected."""
        path = tmp_path / "l.csv"
        path.write_text(f'{BUYER},value,currency\n{ROW},"10,16.20",USD\n', encoding="utf-8")
        (row,) = read_ledger(path, mapping=ColumnMapping(thousands=","))
        assert isinstance(row, RowError)
        assert row.errors == (
            "column `value`: not a number `10,16.20` (expected amounts written like `1,016.20`)",
        )

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"delimiter": ";;"}, "cannot separate cells with `;;`"),
            ({"delimiter": "a"}, "cannot separate cells with `a`"),
            ({"encoding": "cp9999"}, "unknown encoding `cp9999`"),
            ({"decimal": ";"}, "unknown decimal mark `;`"),
            ({"thousands": "x"}, "unknown thousands separator `x`"),
            ({"decimal": ",", "thousands": ","},
             "`,` is both the decimal mark and the thousands separator"),
        ],
    )  # fmt: skip
    def test_format_settings_checked(self, kwargs: dict[str, str], message: str) -> None:
        """Format settings that could not read a ledger are refused when the mapping is built."""
        with pytest.raises(InvalidValueError) as caught:
            ColumnMapping(**kwargs)  # type: ignore[arg-type]
        assert caught.value.message == message


class TestDelimitersAndEncodings:
    @given(st.text(alphabet=st.sampled_from('ab;,"\n\r x'), max_size=60))
    def test_semicolon_records_agree_with_the_csv_module(self, text: str) -> None:
        """With `;` between cells, the reader agrees with the csv module's `;` dialect."""
        ours = [cells for _, cells in csv_records(io.StringIO(text, newline=""), delimiter=";")]
        theirs = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        assert ours == theirs

    @given(
        st.sampled_from([",", ";", "\t", "|"]),
        st.sampled_from(["utf-8", "cp1252"]),
        st.sampled_from([s for s in STYLES if s[1] in (None, ",", ".")]),
    )
    def test_detection_finds_what_was_written(
        self,
        tmp_path_factory: pytest.TempPathFactory,
        delimiter: str,
        encoding: str,
        style: tuple[str, str | None],
    ) -> None:
        """Detection finds the delimiter, the encoding and the amount style a ledger was
        written with (once an amount shows its style), and the rows read as written."""
        decimal, thousands = style
        if delimiter in (decimal, thousands):
            delimiter = ";" if "," in (decimal, thousands) else ","
        folder = tmp_path_factory.mktemp("detect")
        path = folder / "l.csv"
        amounts = [Decimal("1016.20"), Decimal("-25.5"), Decimal("3000000.01")]
        lines = [delimiter.join(["id", *BUYER.split(","), "description", "value", "currency"])]
        for i, amount in enumerate(amounts):
            cell = written(amount, decimal, thousands, trailing=False)
            cells = [f"p{i}", *ROW.split(","), "Büro", cell, "EUR"]
            lines.append(delimiter.join(f'"{c}"' if delimiter in c else c for c in cells))
        path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
        auto = ColumnMapping(delimiter="auto", encoding="auto", decimal="auto")
        found = detect_format(path, auto).mapping
        assert (found.delimiter, found.encoding) == (delimiter, encoding)
        if thousands or decimal == ",":
            assert (found.decimal, found.thousands) == (decimal, thousands)
        rows = list(read_ledger(path, mapping=auto))
        assert [r.purchase.description for r in rows if isinstance(r, LedgerRow)] == ["Büro"] * 3
        assert [
            (r.purchase.value.amount, r.credit_memo)
            for r in rows
            if isinstance(r, LedgerRow) and r.purchase.value
        ] == [(abs(a), a < 0) for a in amounts]

    def test_cp1252_row_read_as_utf8_is_one_row_error(self, tmp_path: Path) -> None:
        """A cp1252 byte in a ledger read as UTF-8 makes that row an error, naming the
        encoding; the other rows are read."""
        path = tmp_path / "l.csv"
        path.write_bytes(f"{BUYER},description\n{ROW},ok\n{ROW},B\xfcro\n".encode("latin-1"))
        good, bad = read_ledger(path)
        assert isinstance(good, LedgerRow)
        assert isinstance(bad, RowError)
        assert bad.errors == ("not UTF-8 text: the row holds bytes that cannot be read",)
        (_, row) = read_ledger(path, mapping=ColumnMapping(encoding="cp1252"))
        assert isinstance(row, LedgerRow)
        assert row.purchase.description == "Büro"

    def test_cli_reports_detection(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`check --delimiter auto --encoding auto --decimal auto` says what it detected."""
        export = erp_export(tmp_path, rows=50, seed=4, dialect="sap")
        code = main(
            ["check", "--pack", "us-ndaa-889", str(export.export), "--mapping",
             str(export.mapping), "--delimiter", "auto", "--encoding", "auto", "--decimal",
             "auto", "-o", str(tmp_path / "out.csv"), "--fail-on", "never"]
        )  # fmt: skip
        assert code == 0
        err = capsys.readouterr().err
        assert (
            f"{export.export}: encoding cp1252 (the start of the file is not UTF-8); cells "
            "separated by `;` (11 in the header); amounts in column `Net Value` written like "
            "`1.016,20`"
        ) in err
        records = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text("utf-8"))))
        assert len(records) == 50
        assert {r["status"] for r in records} == {"decided"}


class TestStandardStreams:
    def test_dash_reads_stdin_and_writes_stdout(self, tmp_path: Path) -> None:
        """`check ... - -o -` reads the ledger from standard input and writes the results to
        standard output."""
        ledger = f"id,{BUYER},category\np1,shop,false,retail,office/furniture\n"
        done = subprocess.run(
            [sys.executable, "-m", "vendorpolicy", "check", "--pack", "us-ndaa-889", "-",
             "-o", "-", "--format", "jsonl", "-q"],
            input=ledger, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        (record,) = [json.loads(line) for line in done.stdout.splitlines()]
        assert (record["purchase_id"], record["effect"]) == ("p1", "allow")


class TestExtras:
    def _rows(self, tmp_path: Path) -> list[list[object]]:
        import datetime as dt

        return [
            ["id", "buyer_id", "buyer_public", "buyer_sector", "category", "date", "value",
             "currency", "supplier"],
            ["p1", "mod", True, "defence", "telecom/network/router", dt.date(2021, 3, 1),
             1016.2, "USD", "Huawei Technologies Co. Ltd."],
            ["p2", "mod", True, "defence", "office/furniture", dt.datetime(2021, 3, 2), -15,
             "USD", "Adatum"],
            ["p3", "mod", "maybe", "defence", None, None, None, None, None],
        ]  # fmt: skip

    def _check(self, results: list[ScreenedRow | RowError]) -> None:
        assert [type(r).__name__ for r in results] == ["ScreenedRow", "ScreenedRow", "RowError"]
        first, second, third = results
        assert isinstance(first, ScreenedRow)
        assert isinstance(second, ScreenedRow)
        assert isinstance(third, RowError)
        assert first.decision.effect.value == "deny"
        assert str(first.purchase.value) == "1016.2 USD"
        assert (second.credit_memo, str(second.purchase.date)) == (True, "2021-03-02")
        assert third.line == 4
        assert third.errors[0].startswith("column `buyer_public`")

    def test_excel(self, tmp_path: Path) -> None:
        """An .xlsx ledger reads as its CSV would, row numbers as lines, typed cells as text."""
        openpyxl = pytest.importorskip("openpyxl")
        from vendorpolicy.extra import excel

        book = openpyxl.Workbook()
        for row in self._rows(tmp_path):
            book.active.append(row)
        book.active.append([None] * 9)  # formatting past the data: not a row
        path = tmp_path / "ledger.xlsx"
        book.save(path)
        from vendorpolicy import bundled_registry

        ndaa = packs.load("us-ndaa-889")
        self._check(list(screen(ndaa, excel.read_ledger(path), registry=bundled_registry())))
        out = tmp_path / "out.jsonl"
        code = main(["check", "--pack", "us-ndaa-889", str(path), "-o", str(out), "-q"])
        assert code == 3  # the third row is an error
        assert len(out.read_text(encoding="utf-8").splitlines()) == 3

    def test_parquet(self, tmp_path: Path) -> None:
        """A Parquet ledger reads as its CSV would."""
        pa = pytest.importorskip("pyarrow")
        pq = pytest.importorskip("pyarrow.parquet")
        from vendorpolicy.extra import parquet

        header, *rows = self._rows(tmp_path)
        columns = {
            str(name): [str(r[i]) if isinstance(r[i], (bool, int, float)) and i != 6 else r[i]
                        for r in rows]
            for i, name in enumerate(header)
        }  # fmt: skip
        columns["value"] = [1016.2, -15.0, None]
        columns["date"] = [str(r[5])[:10] if r[5] else None for r in rows]
        path = tmp_path / "ledger.parquet"
        pq.write_table(pa.table(columns), path)
        from vendorpolicy import bundled_registry

        ndaa = packs.load("us-ndaa-889")
        results = list(screen(ndaa, parquet.read_ledger(path), registry=bundled_registry()))
        self._check(results)

    def test_core_refuses_extra_formats_with_the_way_to_read_them(self, tmp_path: Path) -> None:
        """The core reader does not read .xlsx as text: it names the extra to use."""
        path = tmp_path / "ledger.xlsx"
        path.write_bytes(b"PK\x03\x04")
        with pytest.raises(FileError) as caught:
            list(screen_ledger(packs.load("us-ndaa-889"), path))
        assert str(caught.value) == (
            f"`{path}` is a .xlsx file: read it with `vendorpolicy.extra.excel.read_ledger` "
            "(install `vendorpolicy[excel]`), or save it as CSV"
        )

    def test_core_never_imports_the_extras(self) -> None:
        """Importing vendorpolicy and running `check` on a CSV imports neither extra."""
        program = (
            "import sys, vendorpolicy, vendorpolicy._cli;"
            "print(any(m.startswith(('openpyxl', 'pyarrow', 'vendorpolicy.extra.')) "
            "for m in sys.modules))"
        )
        done = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", program], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip() == "False"
