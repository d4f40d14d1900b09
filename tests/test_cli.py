"""The command line: the demo, explain, and clean errors with documented exit codes."""

from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vendorpolicy import dump_rule_set, unstructure
from vendorpolicy._cli import (
    EXIT_DENIED,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    main,
)
from vendorpolicy._samples import sample_purchases, sample_rule_set

COLUMNS = ["id", "buyer_id", "buyer_public", "buyer_sector", "vendor_id", "vendor_country"]
HEADER = ",".join([*COLUMNS, "vendor_designations", "category", "date"])
DENIED = (
    "p-{n},mic,true,central-government,huawei,CN,supply-chain-concern,telecom/network,2019-06-01"
)
ALLOWED = "p-{n},mic,true,central-government,nec,JP,,office/furniture,2019-06-01"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


class TestDemo:
    def test_table_has_a_row_per_sample(self) -> None:
        """The demo prints one row per bundled purchase with the decision the engine gives."""
        code, text = run("demo")
        assert code == EXIT_OK
        rules = sample_rule_set()
        for purchase in sample_purchases():
            row = next(line for line in text.splitlines() if line.startswith(purchase.id + " "))
            assert rules.evaluate(purchase).effect.name in row.split()
        assert rules.digest in text

    def test_samples_cover_every_outcome(self) -> None:
        """The bundled samples show allow, warn, review and deny, and an unknown escalation."""
        rules = sample_rule_set()
        decisions = [rules.evaluate(p) for p in sample_purchases()]
        assert {d.effect.name for d in decisions} == {"ALLOW", "WARN", "REVIEW", "DENY"}
        assert any(d.missing_facts for d in decisions)

    def test_module_entry_point(self) -> None:
        """`python -m vendorpolicy demo` runs the same command."""
        result = subprocess.run(
            [sys.executable, "-m", "vendorpolicy", "demo"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0
        assert "p-001" in result.stdout


class TestExplain:
    def test_sample_by_id(self) -> None:
        """explain shows the decision, the deciding rule's source and the facts read."""
        code, text = run("explain", "p-008")
        assert code == EXIT_OK
        assert text.startswith("Decision: DENY")
        assert "source: Inter-ministerial agreement" in text
        assert "huawei: supply-chain-concern" in text

    def test_json_output(self) -> None:
        """--json prints the decision as JSON."""
        code, text = run("explain", "p-001", "--json")
        assert code == EXIT_OK
        assert json.loads(text)["effect"] == "deny"

    def test_purchase_file(self, tmp_path: Path) -> None:
        """A purchase JSON file can be explained."""
        path = tmp_path / "p.json"
        path.write_text(json.dumps(unstructure(sample_purchases()[1])), encoding="utf-8")
        code, text = run("explain", str(path))
        assert (code, text.splitlines()[0]) == (
            EXIT_OK,
            "Decision: WARN (decided by the rules below)",
        )


class TestErrors:
    def test_unknown_command(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown command exits 2 with a message, no traceback."""
        code, _ = run("screen")
        err = capsys.readouterr().err
        assert code == EXIT_USAGE
        assert "invalid choice" in err
        assert "Traceback" not in err

    def test_missing_purchase(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown sample id exits 3 and lists the ids."""
        code, _ = run("explain", "p-999")
        err = capsys.readouterr().err
        assert code == EXIT_INPUT
        assert "p-001" in err

    def test_invalid_purchase_file(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A purchase file with a bad value exits 3 naming the file and the path inside it."""
        path = tmp_path / "bad.json"
        data = unstructure(sample_purchases()[0])
        data["vendor"]["country"] = "CNN"
        path.write_text(json.dumps(data), encoding="utf-8")
        code, _ = run("explain", str(path))
        err = capsys.readouterr().err
        assert code == EXIT_INPUT
        assert "$.vendor.country" in err
        assert str(path) in err

    def test_not_json(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A file that is not JSON exits 3 with the parser's reason."""
        path = tmp_path / "bad.json"
        path.write_bytes(b"\xff\xfe{")
        code, _ = run("explain", str(path))
        assert code == EXIT_INPUT
        assert "cannot read" in capsys.readouterr().err


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(dump_rule_set(sample_rule_set()), encoding="utf-8")
    return path


def ledger(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "ledger.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


class TestValidate:
    def test_valid(self, rules: Path) -> None:
        """A valid file exits 0 and prints its digest."""
        code, out = run("validate", str(rules))
        assert code == EXIT_OK
        assert sample_rule_set().digest in out

    def test_invalid(self, rules: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """An invalid file exits 3 and names each problem with its line."""
        rules.write_text(rules.read_text().replace('"deny"', '"dney"'), encoding="utf-8")
        code, _ = run("validate", str(rules))
        assert code == EXIT_INPUT
        err = capsys.readouterr().err
        assert "unknown effect `dney`" in err
        assert f"{rules}:" in err
        assert "$.rules[0].effect" in err

    def test_vocabulary(self, rules: Path, tmp_path: Path) -> None:
        """With --vocabulary, categories outside it are errors."""
        vocabulary = tmp_path / "vocabulary.json"
        vocabulary.write_text(json.dumps({"categories": ["telecom/network"]}))
        code, _ = run("validate", str(rules), "--vocabulary", str(vocabulary))
        assert code == EXIT_INPUT
        vocabulary.write_text(json.dumps({"categories": ["telecom/network", "it/server"]}))
        assert run("validate", str(rules), "--vocabulary", str(vocabulary))[0] == EXIT_OK


class TestCheck:
    def test_broken_rows_exit_3_with_counts(
        self, rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A ledger with broken rows writes a record for every row and exits 3."""
        rows = [ALLOWED.format(n=i) for i in range(7)]
        rows[2] = rows[2].replace("true", "ture")
        rows[5] = rows[5].replace("2019-06-01", "yesterday")
        rows.append(rows[0] + ",extra")
        output = tmp_path / "out.csv"
        code, _ = run("check", str(rules), str(ledger(tmp_path, rows)), "-o", str(output))
        assert code == EXIT_INPUT
        records = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8"))))
        assert len(records) == 8
        assert [r["line"] for r in records if r["status"] == "error"] == ["4", "7", "9"]
        assert sum(r["status"] == "decided" for r in records) == 5
        assert "screened 8 rows: 5 decisions (5 allow), 3 errors" in capsys.readouterr().err

    def test_denied_exits_1(self, rules: Path, tmp_path: Path) -> None:
        """A denied purchase exits 1; --fail-on never exits 0."""
        path = ledger(tmp_path, [ALLOWED.format(n=1), DENIED.format(n=2)])
        assert run("check", str(rules), str(path))[0] == EXIT_DENIED
        assert run("check", str(rules), str(path), "--fail-on", "never")[0] == EXIT_OK

    def test_all_allowed_exits_0(self, rules: Path, tmp_path: Path) -> None:
        """A ledger of allowed purchases exits 0 and prints a table."""
        code, out = run("check", str(rules), str(ledger(tmp_path, [ALLOWED.format(n=1)])))
        assert code == EXIT_OK
        assert out.splitlines()[1].split() == ["2", "p-1", "ALLOW", "no", "rule", "applied"]

    def test_jsonl_output(self, rules: Path, tmp_path: Path) -> None:
        """--format jsonl writes one JSON record per row to stdout."""
        path = ledger(tmp_path, [ALLOWED.format(n=1), DENIED.format(n=2)])
        code, out = run("check", str(rules), str(path), "--format", "jsonl")
        assert code == EXIT_DENIED
        records = [json.loads(line) for line in out.splitlines()]
        assert [r["effect"] for r in records] == ["allow", "deny"]

    def test_bad_rules_exit_3(self, tmp_path: Path) -> None:
        """A missing rule file exits 3."""
        path = ledger(tmp_path, [ALLOWED.format(n=1)])
        assert run("check", str(tmp_path / "none.toml"), str(path))[0] == EXIT_INPUT


class TestExplainAndSchema:
    def test_explain_rules_and_purchase_file(self, rules: Path, tmp_path: Path) -> None:
        """explain RULES PURCHASE.json decides the purchase under the given rules."""
        purchase = next(p for p in sample_purchases() if p.id == "p-001")
        path = tmp_path / "p.json"
        path.write_text(json.dumps(unstructure(purchase)))
        code, out = run("explain", str(rules), str(path), "--json")
        assert code == EXIT_OK
        assert json.loads(out)["effect"] == "deny"

    def test_explain_sample_still_works(self) -> None:
        """explain SAMPLE_ID keeps working with the bundled rules."""
        code, out = run("explain", "p-004")
        assert code == EXIT_OK
        assert out.startswith("Decision: DENY")

    def test_explain_too_many_arguments(self) -> None:
        """Three arguments to explain are a usage error."""
        assert run("explain", "a", "b", "c")[0] == EXIT_USAGE

    def test_schema_is_json(self) -> None:
        """schema prints the JSON Schema."""
        code, out = run("schema")
        assert code == EXIT_OK
        assert json.loads(out)["title"] == "vendorpolicy rule set"


class TestInterruptAndOutputs:
    """Ctrl-C exits 130 without a traceback; an output file is written whole or not at all."""

    def test_sigint_exits_130_and_keeps_the_previous_results(
        self, rules: Path, tmp_path: Path
    ) -> None:
        """SIGINT to a `check` halfway through a large ledger: exit 130, `interrupted` and no
        traceback on stderr, the previous results file untouched, no temporary file left."""
        path = ledger(tmp_path, [ALLOWED.format(n=i) for i in range(50_000)])
        output = tmp_path / "out.csv"
        output.write_text("the previous good results\n", encoding="utf-8")
        # The command as `vendorpolicy` runs it, with Ctrl-C enabled even when this test runs
        # where SIGINT is ignored (a background job), since a child inherits that.
        program = (
            "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "from vendorpolicy._cli import main; sys.exit(main(sys.argv[1:]))"
        )
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-c", program, "check", str(rules), str(path), "-o", str(output)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(".out.csv.*.tmp")):  # writing has begun
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=120)
        assert process.returncode == EXIT_INTERRUPTED, err
        assert "interrupted" in err
        assert "Traceback" not in err
        assert output.read_text(encoding="utf-8") == "the previous good results\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.csv", "out.csv", "rules.toml"]

    def test_failure_halfway_leaves_the_old_file(
        self, rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """An interruption after some rows were written leaves the old output as it was."""
        import vendorpolicy._cli_check

        real = vendorpolicy._cli_check.screen

        def interrupted(*args: object, **kwargs: object) -> Iterator[object]:
            results = real(*args, **kwargs)  # type: ignore[arg-type]
            yield next(results)
            yield next(results)
            raise KeyboardInterrupt

        monkeypatch.setattr(vendorpolicy._cli_check, "screen", interrupted)
        path = ledger(tmp_path, [ALLOWED.format(n=i) for i in range(5)])
        output = tmp_path / "out.jsonl"
        output.write_text("old\n", encoding="utf-8")
        assert run("check", str(rules), str(path), "-o", str(output))[0] == EXIT_INTERRUPTED
        assert output.read_text(encoding="utf-8") == "old\n"
        assert not list(tmp_path.glob(".out.jsonl.*"))

    def test_interrupt_just_after_the_temporary_file_is_created_removes_it(
        self, rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Ctrl-C arriving the moment the temporary file exists (the window the SIGINT test
        hits when its signal is quick) leaves no temporary file and the old output as it was."""
        import vendorpolicy._files

        real_open = vendorpolicy._files.os.open

        def open_then_interrupt(name: Any, *args: Any, **kwargs: Any) -> int:
            descriptor = real_open(name, *args, **kwargs)
            if not Path(name).name.startswith(".out.csv."):
                return descriptor
            vendorpolicy._files.os.close(descriptor)
            raise KeyboardInterrupt

        path = ledger(tmp_path, [ALLOWED.format(n=1)])
        output = tmp_path / "out.csv"
        output.write_text("old\n", encoding="utf-8")
        monkeypatch.setattr(vendorpolicy._files.os, "open", open_then_interrupt)
        assert run("check", str(rules), str(path), "-o", str(output))[0] == EXIT_INTERRUPTED
        monkeypatch.undo()
        assert output.read_text(encoding="utf-8") == "old\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.csv", "out.csv", "rules.toml"]

    def test_complete_run_replaces_the_file(self, rules: Path, tmp_path: Path) -> None:
        """A run that completes replaces the old output, keeping its permissions."""
        path = ledger(tmp_path, [ALLOWED.format(n=1)])
        output = tmp_path / "out.csv"
        output.write_text("old\n", encoding="utf-8")
        output.chmod(0o640)
        assert run("check", str(rules), str(path), "-o", str(output))[0] == EXIT_OK
        assert output.read_text(encoding="utf-8").startswith("line,purchase_id,")
        assert output.stat().st_mode & 0o777 == 0o640


class TestHostileCommandInput:
    @pytest.mark.parametrize("option", ["--mapping", "--vocabulary"])
    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b'{"x": "caf\xe9"}', "not UTF-8 text: byte `0xe9` cannot be decoded"),
            (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
            (b'{"ignore": ["\\ud800"]}', "not valid Unicode: a lone surrogate `\\ud800`"),
        ],
    )
    def test_bad_side_files_exit_3_with_a_located_message(  # noqa: PLR0917 - fixtures
        self,
        rules: Path,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        option: str,
        content: bytes,
        message: str,
    ) -> None:
        """A mapping or vocabulary file that is not UTF-8, too deep or holds a lone surrogate
        is refused with its name, never a traceback."""
        side = tmp_path / "side.json"
        side.write_bytes(content)
        path = ledger(tmp_path, [ALLOWED.format(n=1)])
        code, _ = run("check", str(rules), str(path), option, str(side))
        assert code == EXIT_INPUT
        err = capsys.readouterr().err
        assert message in err
        assert f"@ {side}" in err
        assert "Traceback" not in err

    def test_empty_list_separator_in_a_mapping(
        self, rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A mapping whose list separator is empty is refused before the first row."""
        mapping = tmp_path / "mapping.json"
        mapping.write_text('{"list_separator": ""}', encoding="utf-8")
        path = ledger(tmp_path, [DENIED.format(n=1)])
        assert run("check", str(rules), str(path), "--mapping", str(mapping))[0] == EXIT_INPUT
        assert "empty list separator" in capsys.readouterr().err

    def test_table_escapes_control_characters(self, rules: Path, tmp_path: Path) -> None:
        """Terminal control characters in a purchase id reach the table escaped: each row stays
        one line, and nothing in it is a control sequence."""
        row = ALLOWED.format(n=1).replace("p-1", '"p-\x1b[2J\r1\u202e"')
        code, out = run("check", str(rules), str(ledger(tmp_path, [row])))
        assert code == EXIT_OK
        lines = out.splitlines()
        assert len(lines) == 2
        assert lines[1].split()[:3] == ["2", "p-\\x1b[2J\\r1\\u202e", "ALLOW"]
        assert all(line.isprintable() for line in lines)
