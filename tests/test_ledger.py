"""Purchase ledgers: reading CSV and JSON Lines, screening, writing results."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vendorpolicy import (
    ColumnMapping,
    LedgerRow,
    Purchase,
    RowError,
    ScreenedRow,
    read_ledger,
    screen,
    screen_ledger,
    unstructure,
    write_results,
)
from vendorpolicy._ledger import csv_records
from vendorpolicy._samples import sample_rule_set
from vendorpolicy.errors import FileError, InvalidDataError, VendorPolicyError
from vendorpolicy.testing import purchases

HEADER = (
    "id,buyer_id,buyer_public,buyer_sector,vendor_id,vendor_country,category,date,value,currency"
)
GOOD = "p-1,mic,true,central-government,huawei,CN,telecom/network,2019-06-01,100,JPY"


def write(tmp_path: Path, text: str, name: str = "ledger.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestCsv:
    def test_reads_default_columns(self, tmp_path: Path) -> None:
        """A row in the default layout becomes the purchase it describes, with its line."""
        (row,) = read_ledger(write(tmp_path, f"{HEADER}\n{GOOD}\n"))
        assert isinstance(row, LedgerRow)
        assert row.line == 2
        p = row.purchase
        assert (p.id, p.buyer.id, p.buyer.public, p.buyer.sector.value) == (
            "p-1",
            "mic",
            True,
            "central-government",
        )
        assert p.vendor is not None
        assert (p.vendor.id, p.vendor.country) == ("huawei", "CN")
        assert str(p.value) == "100 JPY"
        assert p.components is None

    def test_empty_cells_are_unknown(self, tmp_path: Path) -> None:
        """An empty cell leaves the fact unknown rather than empty text."""
        row = "p-2,mic,false,enterprise,,,,,,"
        (result,) = read_ledger(write(tmp_path, f"{HEADER}\n{row}\n"))
        assert isinstance(result, LedgerRow)
        p = result.purchase
        assert (p.vendor, p.category, p.date, p.value) == (None, None, None, None)

    def test_bad_rows_reported_with_line_and_column(self, tmp_path: Path) -> None:
        """Each bad row becomes an error naming its line, the column and the value; the rows
        around it are still read."""
        rows = [
            GOOD,
            "p-2,mic,maybe,central-government,zte,CNN,telecom,2019-06-01,100,JPY",
            '"p-3\nwith a newline",mic,true,central-government,zte,CN,telecom,2019-13-01,1,JPY',
            GOOD.replace("p-1", "p-4"),
        ]
        results = list(read_ledger(write(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n")))
        assert [type(r).__name__ for r in results] == [
            "LedgerRow",
            "RowError",
            "RowError",
            "LedgerRow",
        ]
        assert [r.line for r in results] == [2, 3, 4, 6]
        bad = results[1]
        assert isinstance(bad, RowError)
        assert bad.purchase_id == "p-2"
        assert "column `buyer_public`: expected true or false, got str `maybe`" in bad.errors
        assert (
            "column `vendor_country`: unknown country code `CNN` (did you mean `CN`?)" in bad.errors
        )
        date_error = results[2]
        assert isinstance(date_error, RowError)
        assert date_error.errors == (
            "column `date`: not a date `2019-13-01` (write dates as `YYYY-MM-DD`)",
        )

    def test_wrong_cell_count(self, tmp_path: Path) -> None:
        """A row with more or fewer cells than the header is an error, not a guess."""
        (result,) = read_ledger(write(tmp_path, f"{HEADER}\n{GOOD},extra\n"))
        assert isinstance(result, RowError)
        assert result.errors == ("expected 10 cells as in the header, found 11",)

    def test_undecodable_row_does_not_stop_the_run(self, tmp_path: Path) -> None:
        """Bytes that are not UTF-8 spoil their row only."""
        path = tmp_path / "ledger.csv"
        path.write_bytes(
            f"{HEADER}\n{GOOD}\n".encode()
            + b"p-\xff,mic,true,central-government,,,,,,\n"
            + f"{GOOD}\n".encode()
        )
        kinds = [(type(r).__name__, r.line) for r in read_ledger(path)]
        assert kinds == [("LedgerRow", 2), ("RowError", 3), ("LedgerRow", 4)]

    def test_unknown_column_is_a_file_error(self, tmp_path: Path) -> None:
        """A misspelt header is refused with the closest known column."""
        with pytest.raises(InvalidDataError) as exc:
            read_ledger(write(tmp_path, HEADER.replace("vendor_country", "vendor_contry") + "\n"))
        (problem,) = exc.value.problems
        assert problem.message == "unknown column `vendor_contry`"
        assert problem.path is not None
        assert problem.path.endswith("ledger.csv:1 column 6")
        assert problem.hint == "did you mean `vendor_country`?"

    def test_missing_buyer_columns(self, tmp_path: Path) -> None:
        """A ledger without the buyer's sector is refused before any row is read."""
        with pytest.raises(InvalidDataError) as exc:
            read_ledger(write(tmp_path, "buyer_id,buyer_public\nmic,true\n"))
        assert [p.message for p in exc.value.problems] == [
            "no column `buyer_sector` for `buyer_sector`"
        ]

    def test_custom_mapping_constants_and_facts(self, tmp_path: Path) -> None:
        """An ERP layout maps onto purchases through the column mapping."""
        mapping = ColumnMapping(
            id="PO Number",
            vendor_id="Supplier Code",
            category="Commodity",
            value="Net Amount",
            date="Posting Date",
            date_format="%d/%m/%Y",
            constants={"buyer_id": "mic", "buyer_public": True, "buyer_sector": "defence"},
            currency=None,
            ignore={"Cost Centre"},
        )
        text = (
            "PO Number,Supplier Code,Commodity,Net Amount,Posting Date,Cost Centre,facts.action\n"
            "4500001,acme,it/server,,01/04/2019,CC-1,buy\n"
        )
        (row,) = read_ledger(write(tmp_path, text), mapping=mapping)
        assert isinstance(row, LedgerRow)
        p = row.purchase
        assert (p.id, p.buyer.sector.value, p.date.isoformat() if p.date else None) == (
            "4500001",
            "defence",
            "2019-04-01",
        )
        assert dict(p.facts) == {"action": "buy"}

    def test_binary_file_refused(self, tmp_path: Path) -> None:
        """A binary file is refused as a whole."""
        path = tmp_path / "ledger.csv"
        path.write_bytes(b"\x00\x01\x02binary")
        with pytest.raises(InvalidDataError, match="binary data"):
            read_ledger(path)

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing ledger is a FileError naming it."""
        with pytest.raises(FileError, match="no such file"):
            read_ledger(tmp_path / "none.csv")


class TestJsonLines:
    def test_flat_and_nested_rows(self, tmp_path: Path) -> None:
        """JSON Lines rows may be flat (column names) or purchases in the file form."""
        flat = {"id": "a", "buyer_id": "mic", "buyer_public": True, "buyer_sector": "defence"}
        nested = {"id": "b", "buyer": {"id": "mod", "public": True, "sector": "defence"}}
        text = json.dumps(flat) + "\n\n" + json.dumps(nested) + "\n"
        results = list(read_ledger(write(tmp_path, text, "l.jsonl")))
        assert [(r.line, r.purchase.id) for r in results if isinstance(r, LedgerRow)] == [
            (1, "a"),
            (3, "b"),
        ]

    def test_bad_lines(self, tmp_path: Path) -> None:
        """Broken JSON, a non-object and an unknown key each spoil only their line."""
        good = json.dumps({"buyer_id": "mic", "buyer_public": True, "buyer_sector": "defence"})
        text = "\n".join([good, "{not json", "[1]", '{"buyer_idd": "x"}', good]) + "\n"
        results = list(read_ledger(write(tmp_path, text, "l.jsonl")))
        assert [(type(r).__name__, r.line) for r in results] == [
            ("LedgerRow", 1),
            ("RowError", 2),
            ("RowError", 3),
            ("RowError", 4),
            ("LedgerRow", 5),
        ]
        assert isinstance(results[3], RowError)
        assert results[3].errors == ("unknown key `buyer_idd` (did you mean `buyer_id`?)",)

    @settings(max_examples=30)
    @given(st.lists(purchases(), max_size=5))
    def test_purchases_round_trip(self, items: list[Purchase]) -> None:
        """Purchases written as JSON Lines in their file form read back equal, in order."""
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            text = "".join(json.dumps(unstructure(p)) + "\n" for p in items)
            path = write(Path(tmp), text, "p.jsonl")
            read = [r.purchase for r in read_ledger(path) if isinstance(r, LedgerRow)]
        assert read == items


class TestScreeningAndWriting:
    def test_one_result_per_row_in_order(self, tmp_path: Path) -> None:
        """Screening yields a decision or an error for every row, in file order."""
        rules = sample_rule_set()
        rows = [GOOD, GOOD.replace("true", "ture"), GOOD.replace("p-1", "p-3")]
        path = write(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n")
        results = list(screen_ledger(rules, path))
        assert [(type(r).__name__, r.line) for r in results] == [
            ("ScreenedRow", 2),
            ("RowError", 3),
            ("ScreenedRow", 4),
        ]
        first = results[0]
        assert isinstance(first, ScreenedRow)
        assert first.decision == rules.evaluate(first.purchase)

    @pytest.mark.parametrize("fmt", ["csv", "jsonl"])
    def test_every_record_carries_the_digest(self, tmp_path: Path, fmt: str) -> None:
        """Decisions and error records alike carry the rule set's digest; counts add up."""
        rules = sample_rule_set()
        rows = [GOOD, GOOD.replace("true", "ture"), GOOD.replace("huawei", "nec")]
        path = write(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n")
        out = io.StringIO()
        summary = write_results(screen_ledger(rules, path), out, rule_set=rules, format=fmt)  # type: ignore[arg-type]
        if fmt == "csv":
            records = list(csv.DictReader(io.StringIO(out.getvalue())))
        else:
            records = [json.loads(line) for line in out.getvalue().splitlines()]
        assert [r["status"] for r in records] == ["decided", "error", "decided"]
        assert {r["digest"] for r in records} == {rules.digest}
        assert [int(r["line"]) for r in records] == [2, 3, 4]
        assert (summary.rows, summary.decisions, summary.errors) == (3, 2, 1)

    def test_csv_cells_cannot_become_formulas(self) -> None:
        """A purchase id that a spreadsheet would run as a formula is written inert."""
        rules = sample_rule_set()
        error = RowError(line=2, errors=("bad",), purchase_id="=HYPERLINK(1)")
        out = io.StringIO()
        write_results([error], out, rule_set=rules, format="csv")
        (record,) = csv.DictReader(io.StringIO(out.getvalue()))
        assert record["purchase_id"] == "'=HYPERLINK(1)"

    def test_screen_passes_errors_through(self) -> None:
        """screen() keeps error records in place."""
        error = RowError(line=5, errors=("x",))
        assert list(screen(sample_rule_set(), [error])) == [error]


class TestAcquiredAndDateFacts:
    HEAD = "buyer_id,buyer_public,buyer_sector,date,acquired,facts.waiver-expires"

    def test_read(self, tmp_path: Path) -> None:
        """The `acquired` column and an ISO date in a fact column are read as dates."""
        (row,) = read_ledger(
            write(tmp_path, f"{self.HEAD}\nmic,true,central-government,2022-05-01,2018-03-01,"
                  "2023-01-31\n")
        )  # fmt: skip
        assert isinstance(row, LedgerRow)
        assert row.purchase.acquired == dt.date(2018, 3, 1)
        assert row.purchase.facts["waiver-expires"] == dt.date(2023, 1, 31)

    def test_errors_name_the_column(self, tmp_path: Path) -> None:
        """A bad acquisition date, one after the purchase, or an impossible date fact is a row
        error naming its column."""
        rows = [
            "mic,true,central-government,2022-05-01,2018/03/01,",
            "mic,true,central-government,2022-05-01,2023-01-01,",
            "mic,true,central-government,2022-05-01,,2021-02-30",
        ]
        errors = [r.errors for r in read_ledger(write(tmp_path, "\n".join([self.HEAD, *rows])))]  # type: ignore[union-attr]
        assert errors == [
            ("column `acquired`: not a date `2018/03/01` (write dates as `YYYY-MM-DD`)",),
            (
                (
                    "column `acquired`: the equipment was acquired (2023-01-01) after the "
                    "purchase date (2022-05-01) (`acquired` is when the equipment was first "
                    "bought; a renewal or upgrade comes on or after it)"
                ),
            ),
            (
                (
                    "column `facts.waiver-expires`: not a date `2021-02-30` (a fact written "
                    "`YYYY-MM-DD` is a date; give a real day)"
                ),
            ),
        ]

    def test_date_format_applies(self, tmp_path: Path) -> None:
        """`date_format` reads the acquisition date as it reads the purchase date."""
        mapping = ColumnMapping(date_format="%d/%m/%Y")
        text = "buyer_id,buyer_public,buyer_sector,date,acquired\nmic,true,defence,01/05/2022,x\n"
        (row,) = read_ledger(write(tmp_path, text), mapping=mapping)
        assert row.errors == (  # type: ignore[union-attr]
            "column `acquired`: not a date `x` (expected the format `%d/%m/%Y`)",
        )
        text = text.replace(",x", ",01/03/2018")
        (row,) = read_ledger(write(tmp_path, text), mapping=mapping)
        assert row.purchase.acquired == dt.date(2018, 3, 1)  # type: ignore[union-attr]


class TestCsvRecords:
    """The CSV reader reads what the csv module reads, without its limit on a cell's size."""

    @given(
        st.lists(
            st.sampled_from(["a", "b", ",", '"', '""', "\n", "\r", "\r\n", " ", "é", "\x00"]),
            max_size=20,
        ).map("".join)
    )
    def test_agrees_with_the_csv_module(self, text: str) -> None:
        """For any text: the same records, cell for cell, each starting on the line after the
        previous record ended."""
        reader = csv.reader(io.StringIO(text, newline=""))
        expected = []
        previous = 0
        for cells in reader:
            expected.append((previous + 1, cells))
            previous = reader.line_num
        assert list(csv_records(io.StringIO(text, newline=""))) == expected

    def test_long_record_is_one_error_and_the_next_row_is_read(self, tmp_path: Path) -> None:
        """A row past the record limit (here a quoted cell over 20 lines) is one error record,
        read through to its end: the row after it is read as written, on its own line."""
        body = "\n".join(["x" * 100] * 20)
        text = f'{HEADER}\n"p-2{body}",mic\n{GOOD}\n'
        records = list(csv_records(io.StringIO(text, newline=""), limit=500))
        assert [(line, cells if cells is None else len(cells)) for line, cells in records] == [
            (1, 10),
            (2, None),
            (22, 10),
        ]

    def test_bare_cr_in_a_result_cell_is_quoted(self) -> None:
        """A results cell holding a bare CR (or any line break) is quoted, so that any CSV
        reader sees one record per result."""
        error = RowError(line=2, errors=("one\rtwo", "three\nfour"), purchase_id="a\rb")
        out = io.StringIO()
        write_results([error], out, rule_set=sample_rule_set(), format="csv")
        text = out.getvalue()
        assert '"a\rb"' in text
        (record,) = csv.DictReader(io.StringIO(text, newline=""))
        assert record["purchase_id"] == "a\rb"
        assert record["errors"] == "one\rtwo; three\nfour"


class TestJsonLinesTrust:
    def test_repeated_key_is_a_row_error(self, tmp_path: Path) -> None:
        """A key given twice is refused, not read with its last value: a defence buyer must not
        silently become a retailer."""
        row = (
            '{"id": "p-1", "buyer_id": "mod", "buyer_public": true, "buyer_sector": "defence", '
            '"vendor_id": "huawei", "vendor_country": "CN", "buyer_sector": "retail"}'
        )
        (result,) = read_ledger(write(tmp_path, row + "\n", "l.jsonl"))
        assert isinstance(result, RowError)
        assert result.line == 1
        assert result.errors == (
            (
                "key `buyer_sector` given twice in one object (a repeated key would silently "
                "replace the first; keep one)"
            ),
        )

    def test_lone_surrogate_is_a_located_row_error(self, tmp_path: Path) -> None:
        """A lone surrogate (`\\ud800` in JSON) is refused at the row, with its path, and the
        row's results can still be written."""
        row = '{"id": "p-\\ud800", "buyer": {"id": "a", "public": true, "sector": "other"}}'
        (result,) = read_ledger(write(tmp_path, row + "\n", "l.jsonl"))
        assert isinstance(result, RowError)
        assert result.errors[0].startswith(
            "$.id: not valid Unicode: a lone surrogate `\\ud800` at character 3 of the text"
        )
        assert result.purchase_id == "p-\\ud800"
        out = io.StringIO()
        write_results([result], out, rule_set=sample_rule_set(), format="jsonl")
        out.getvalue().encode("utf-8")


class TestColumnMappingChecks:
    @pytest.mark.parametrize(
        ("options", "message", "path"),
        [
            (
                {"list_separator": ""},
                "empty list separator: a cell could not be split",
                "ColumnMapping.list_separator",
            ),
            (
                {"true_values": ["yes", "oui"], "false_values": ["no", "OUI"]},
                "`oui` read as both true and false",
                "ColumnMapping.false_values",
            ),
            (
                {"ignore": ["ok", 3]},
                "expected text, got int `3`",
                "ColumnMapping.ignore[1]",
            ),
            (
                {"date_format": "%d\ud800"},
                (
                    "not valid Unicode: a lone surrogate `\\ud800` at character 3 of the text "
                    "`%d\\ud800`"
                ),
                "ColumnMapping.date_format",
            ),
        ],
    )
    def test_refused_at_construction(
        self, options: dict[str, object], message: str, path: str
    ) -> None:
        """A mapping that could not read a row is refused when built, not on the first row."""
        with pytest.raises(VendorPolicyError) as exc:
            ColumnMapping(**options)  # type: ignore[arg-type]
        assert (exc.value.message, exc.value.path) == (message, path)

    def test_one_word_is_one_value(self) -> None:
        """`true_values="oui"` is the word, not its letters."""
        assert ColumnMapping(true_values="oui").true_values == frozenset({"oui"})
