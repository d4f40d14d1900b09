"""`vendorpolicy check` over several ledgers: one combined output or one file per ledger, one
summary and one exit code, in agreement with screening each ledger alone."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vendorpolicy import dump_rule_set
from vendorpolicy._audit import decision_schema, result_schema
from vendorpolicy._cli import EXIT_DENIED, EXIT_INPUT, EXIT_OK, EXIT_USAGE, main
from vendorpolicy._ledger import SummaryTally, screen_ledger
from vendorpolicy._samples import sample_rule_set

HEADER = (
    "id,buyer_id,buyer_public,buyer_sector,vendor_id,vendor_country,vendor_designations,"
    "category,date"
)
#: Rows of each outcome the sample rules give: denied, allowed, reviewed (no category), and
#: one that cannot be read (an impossible date).
ROWS = {
    "deny": "p-{n},mic,true,central-government,huawei,CN,supply-chain-concern,telecom/network,"
    "2019-06-01",
    "allow": "p-{n},mic,true,central-government,nec,JP,,office/furniture,2019-06-01",
    "review": "p-{n},mic,true,central-government,nec,JP,,,2019-06-01",
    "error": "p-{n},mic,true,central-government,nec,JP,,office/furniture,2019-02-30",
}

RESULT_SCHEMA = jsonschema.Draft202012Validator(result_schema())
DECISION_SCHEMA = jsonschema.Draft202012Validator(decision_schema())


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def write_ledger(path: Path, kinds: list[str], start: int = 0) -> Path:
    rows = [ROWS[kind].format(n=start + i) for i, kind in enumerate(kinds)]
    path.write_text(HEADER + "\n" + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(dump_rule_set(sample_rule_set()), encoding="utf-8")
    return path


def summary_of(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    data: dict[str, object] = json.loads(capsys.readouterr().err)
    return data


class TestSeveralLedgers:
    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        ledgers=st.lists(
            st.lists(st.sampled_from(sorted(ROWS)), max_size=4), min_size=2, max_size=4
        )
    )
    @example(ledgers=[["error", "deny"], [], ["allow", "review", "error"]])
    def test_agrees_with_each_ledger_alone(
        self, ledgers: list[list[str]], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Screening several ledgers in one run gives, per ledger, the rows a run over that
        ledger alone gives (with its `ledger` named), a summary equal to that of one ledger
        holding all their rows, and the same exit code."""
        with tempfile.TemporaryDirectory() as folder:
            base = Path(folder)
            rules = base / "rules.toml"
            rules.write_text(dump_rule_set(sample_rule_set()), encoding="utf-8")
            paths, start = [], 0
            for i, kinds in enumerate(ledgers):
                paths.append(str(write_ledger(base / f"l{i}.csv", kinds, start)))
                start += len(kinds)
            everything = write_ledger(base / "all.csv", [k for kinds in ledgers for k in kinds])
            capsys.readouterr()
            code, out = run(
                "check", str(rules), *paths, "--format", "jsonl", "--summary-format", "json"
            )
            combined = summary_of(capsys)
            rows = [json.loads(line) for line in out.splitlines()]
            for row in rows:
                RESULT_SCHEMA.validate(row)
            expected = []
            for path in paths:
                _, alone = run("check", str(rules), path, "--format", "jsonl", "-q")
                expected.extend({**json.loads(line), "ledger": path} for line in alone.splitlines())
            assert rows == expected
            # The reference: the library screening one ledger of all the rows, tallied as it
            # streams (not the command line's adding up of summaries).
            tally = SummaryTally()
            for result in screen_ledger(sample_rule_set(), everything):
                tally.add(result)
            whole = tally.summary()
            expected_code = (
                EXIT_INPUT
                if whole.errors
                else EXIT_DENIED
                if whole.effects.get("deny")
                else EXIT_OK
            )
            assert code == expected_code == combined["exit_code"]
            per_ledger = combined.pop("ledgers")
            assert combined == {**whole.to_dict(), "unmatched_components": [], "exit_code": code}
            assert [entry["ledger"] for entry in per_ledger] == paths  # type: ignore[attr-defined]
            assert [entry["rows"] for entry in per_ledger] == [len(k) for k in ledgers]  # type: ignore[attr-defined]

    def test_csv_has_a_ledger_column(self, rules: Path, tmp_path: Path) -> None:
        """Combined CSV results start with a `ledger` column naming each row's ledger, in the
        order the ledgers were given, rows in file order."""
        a = write_ledger(tmp_path / "a.csv", ["allow", "deny"])
        b = write_ledger(tmp_path / "b.csv", ["review"], start=2)
        code, out = run("check", str(rules), str(a), str(b), "--format", "csv", "-q")
        assert code == EXIT_DENIED
        table = list(csv.DictReader(io.StringIO(out)))
        assert next(iter(table[0])) == "ledger"
        assert [(r["ledger"], r["line"], r["effect"]) for r in table] == [
            (str(a), "2", "allow"),
            (str(a), "3", "deny"),
            (str(b), "2", "review"),
        ]

    def test_one_ledger_output_is_unchanged(self, rules: Path, tmp_path: Path) -> None:
        """With one ledger there is no `ledger` column: the output is what it always was."""
        a = write_ledger(tmp_path / "a.csv", ["allow"])
        _, out = run("check", str(rules), str(a), "--format", "csv", "-q")
        assert out.startswith("line,")
        _, out = run("check", str(rules), str(a), "--format", "jsonl", "-q")
        assert "ledger" not in json.loads(out)

    def test_records_name_their_ledger_file(self, rules: Path, tmp_path: Path) -> None:
        """Records of several ledgers carry `ledger.file`, follow the decision schema, and
        replay as they are."""
        a = write_ledger(tmp_path / "a.csv", ["deny"])
        b = write_ledger(tmp_path / "b.csv", ["allow"], start=1)
        records = tmp_path / "records.jsonl"
        code, _ = run(
            "check", str(rules), str(a), str(b), "--format", "records", "-o", str(records), "-q"
        )
        assert code == EXIT_DENIED
        lines = [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines()]
        for record in lines:
            DECISION_SCHEMA.validate(record)
        assert [r["ledger"]["file"] for r in lines] == [str(a), str(b)]
        assert run("replay", str(rules), str(records))[0] == EXIT_OK

    def test_table_names_the_ledger(
        self, rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The table of several ledgers has a `ledger` column first; a long ledger path is cut
        at 30 characters from the left, keeping its file name."""
        monkeypatch.setenv("COLUMNS", "200")
        monkeypatch.chdir(tmp_path)
        write_ledger(tmp_path / "a.csv", ["allow"])
        (tmp_path / ("deep" * 10)).mkdir()
        b = write_ledger(tmp_path / ("deep" * 10) / "b.csv", ["deny"], start=1)
        _, out = run("check", str(rules), "a.csv", str(b), "-q")
        header, first, second = out.splitlines()
        assert header.split() == ["ledger", "line", "purchase", "decision", "why"]
        assert first.split()[:4] == ["a.csv", "2", "p-0", "ALLOW"]
        assert second.split()[:4] == ["…" + str(b)[-29:], "2", "p-1", "DENY"]

    def test_text_summary_has_a_line_per_ledger(
        self, rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The text summary gives each ledger's counts, then the whole run's."""
        a = write_ledger(tmp_path / "a.csv", ["allow", "error"])
        b = write_ledger(tmp_path / "b.csv", ["deny"], start=2)
        code, _ = run("check", str(rules), str(a), str(b), "--format", "csv")
        assert code == EXIT_INPUT  # a row could not be read: 3 wins over 1
        err = capsys.readouterr().err
        assert f"{a}: screened 2 rows: 1 decisions (1 allow), 1 error" in err
        assert f"{b}: screened 1 rows: 1 decisions (1 deny), 0 errors" in err
        assert "all 2 ledgers: screened 3 rows: 2 decisions (1 allow, 1 deny), 1 error" in err
        code, _ = run("check", str(rules), str(a), str(b), "--format", "csv", "--exit-bits", "-q")
        assert code == 5  # denied, and a row errored

    def test_components_join_across_ledgers(
        self, rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """One components file serves every ledger of the run: each purchase gets its parts
        whichever ledger it is in, and only parts for purchases in none of them are reported
        as not joined (exit 3)."""
        a = write_ledger(tmp_path / "a.csv", ["allow"])
        b = write_ledger(tmp_path / "b.csv", ["allow"], start=1)
        parts = tmp_path / "parts.csv"
        parts.write_text(
            "purchase_id,maker,category,description\n"
            "p-0,nec,telecom/network,router\n"
            "p-1,huawei,telecom/network,switch\n"
            "p-9,nec,telecom/network,orphan\n",
            encoding="utf-8",
        )
        records = tmp_path / "records.jsonl"
        argv = ["check", str(rules), str(a), str(b), "--components", str(parts)]
        code, _ = run(*argv, "--format", "records", "-o", str(records), "--summary-format", "json")
        assert code == EXIT_INPUT
        err = capsys.readouterr().err
        summary, end = json.JSONDecoder().raw_decode(err)
        assert summary["unmatched_components"] == [{"line": 4, "purchase_id": "p-9"}]
        assert "for purchases not in any of the ledgers: `p-9` (line 4)" in err[end:]
        lines = [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines()]
        makers = [[c["maker"] for c in r["purchase"]["components"]] for r in lines]
        assert makers == [["nec"], ["huawei"]]


class TestOutputDir:
    def test_one_file_per_ledger(self, rules: Path, tmp_path: Path) -> None:
        """--output-dir writes each ledger's results to STEM.results.csv, the same bytes a run
        over that ledger alone writes; nothing goes to stdout."""
        a = write_ledger(tmp_path / "jan.csv", ["allow", "deny"])
        b = write_ledger(tmp_path / "feb.csv", ["review"], start=2)
        folder = tmp_path / "results"
        code, out = run("check", str(rules), str(a), str(b), "--output-dir", str(folder), "-q")
        assert (code, out) == (EXIT_DENIED, "")
        assert sorted(p.name for p in folder.iterdir()) == ["feb.results.csv", "jan.results.csv"]
        for ledger in (a, b):
            alone = tmp_path / "alone.csv"
            run("check", str(rules), str(ledger), "-o", str(alone), "-q")
            written = (folder / f"{ledger.stem}.results.csv").read_bytes()
            assert written == alone.read_bytes()

    @pytest.mark.parametrize(
        ("fmt", "suffix"),
        [("jsonl", ".jsonl"), ("records", ".records.jsonl"), ("table", ".txt")],
    )
    def test_suffix_follows_the_format(
        self, rules: Path, tmp_path: Path, fmt: str, suffix: str
    ) -> None:
        """The result file's suffix follows --format."""
        a = write_ledger(tmp_path / "a.csv", ["allow"])
        folder = tmp_path / "out"
        assert (
            run("check", str(rules), str(a), "--output-dir", str(folder), "--format", fmt, "-q")[0]
            == EXIT_OK
        )
        assert [p.name for p in folder.iterdir()] == [f"a.results{suffix}"]

    def test_names_keep_all_but_the_last_suffix(self, rules: Path, tmp_path: Path) -> None:
        """`export.jan.csv` and `export.feb.csv` write `export.jan.results.csv` and
        `export.feb.results.csv`: ledgers told apart by an inner dot do not collide."""
        a = write_ledger(tmp_path / "export.jan.csv", ["allow"])
        b = write_ledger(tmp_path / "export.feb.csv", ["allow"], start=1)
        folder = tmp_path / "out"
        assert run("check", str(rules), str(a), str(b), "--output-dir", str(folder), "-q")[0] == 0
        assert sorted(p.name for p in folder.iterdir()) == [
            "export.feb.results.csv",
            "export.jan.results.csv",
        ]

    def test_summary_names_each_result_file(
        self, rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The JSON summary lists each ledger with the file its results went to."""
        a = write_ledger(tmp_path / "a.csv", ["allow"])
        folder = tmp_path / "out"
        run("check", str(rules), str(a), "--output-dir", str(folder), "--summary-format", "json")
        (entry,) = summary_of(capsys)["ledgers"]  # type: ignore[misc]
        assert entry["output"] == str(folder / "a.results.csv")

    def test_two_ledgers_one_file_is_a_usage_error(
        self, rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Two ledgers whose result files would be the same are refused before anything is
        written (exit 2)."""
        (tmp_path / "x").mkdir()
        a = write_ledger(tmp_path / "a.csv", ["allow"])
        b = write_ledger(tmp_path / "x" / "a.csv", ["allow"])
        folder = tmp_path / "out"
        code, _ = run("check", str(rules), str(a), str(b), "--output-dir", str(folder))
        assert code == EXIT_USAGE
        assert "would both write" in capsys.readouterr().err
        assert not folder.exists()

    def test_output_and_output_dir_together(
        self, rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--output and --output-dir are exclusive (exit 2)."""
        a = write_ledger(tmp_path / "a.csv", ["allow"])
        code, _ = run("check", str(rules), str(a), "-o", "x.csv", "--output-dir", str(tmp_path))
        assert code == EXIT_USAGE
        assert "not both" in capsys.readouterr().err


class TestArguments:
    def test_pack_with_several_ledgers(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`check --pack NAME A B` screens both ledgers under the pack."""
        a = write_ledger(tmp_path / "a.csv", ["allow"])
        b = write_ledger(tmp_path / "b.csv", ["allow"], start=1)
        run(
            "check",
            "--pack",
            "jp-2018",
            str(a),
            str(b),
            "--format",
            "csv",
            "--summary-format",
            "json",
        )
        summary = summary_of(capsys)
        assert summary["rows"] == 2
        assert [e["ledger"] for e in summary["ledgers"]] == [str(a), str(b)]  # type: ignore[attr-defined]

    @pytest.mark.parametrize("rule_file", ["rules.toml", "rules.json"])
    def test_pack_and_a_rule_file_among_ledgers(
        self, tmp_path: Path, rule_file: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--pack with a rule file anywhere among the ledgers is a usage error naming it."""
        a = write_ledger(tmp_path / "a.csv", ["allow"])
        code = main(["check", "--pack", "jp-2018", str(a), rule_file])
        assert code == EXIT_USAGE
        err = capsys.readouterr().err
        assert "with --pack, give only the LEDGER" in err
        assert f"`{rule_file}` is a rule file" in err

    def test_rules_without_a_ledger(self, rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """`check RULES` alone is a usage error (exit 2)."""
        assert main(["check", str(rules)]) == EXIT_USAGE
        assert "give RULES LEDGER..." in capsys.readouterr().err

    @pytest.mark.parametrize("first", ["a.csv", "-"])
    def test_a_ledger_where_the_rules_go(
        self, tmp_path: Path, first: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A ledger given first, without --pack (forgotten), is a usage error that says which
        argument is the rule file, not a TOML parse error."""
        a = write_ledger(tmp_path / "a.csv", ["allow"])
        assert main(["check", first, str(a)]) == EXIT_USAGE
        assert "the first argument is the rule file" in capsys.readouterr().err

    def test_standard_input_once(self, rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """`-` may be given once."""
        assert main(["check", str(rules), "-", "-"]) == EXIT_USAGE
        assert "only once" in capsys.readouterr().err

    def test_header_problems_name_standard_input(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A ledger piped in whose header states a fact the pack does not know is refused with
        the place named as standard input, not the temporary file it was read from."""

        class Stdin:
            buffer = io.BytesIO(b"id,buyer_id,facts.fundng\np-1,dod,own-budget\n")

        monkeypatch.setattr("sys.stdin", Stdin())
        assert main(["check", "--pack", "us-ndaa-889", "-", "-q"]) == EXIT_INPUT
        err = capsys.readouterr().err
        assert "the header of standard input" in err
        assert "standard input:1 column 3" in err
        assert "vendorpolicy-stdin-" not in err

    def test_a_missing_ledger_stops_before_any_output(
        self, rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A ledger that cannot be read stops the run before any row is written (exit 3), and an
        --output file keeps its old content."""
        a = write_ledger(tmp_path / "a.csv", ["deny"])
        output = tmp_path / "out.csv"
        output.write_text("old\n", encoding="utf-8")
        code, out = run("check", str(rules), str(a), str(tmp_path / "nope.csv"))
        assert (code, out) == (EXIT_INPUT, "")
        assert "cannot read" in capsys.readouterr().err
        code, _ = run("check", str(rules), str(a), str(tmp_path / "nope.csv"), "-o", str(output))
        assert code == EXIT_INPUT
        assert output.read_text(encoding="utf-8") == "old\n"
