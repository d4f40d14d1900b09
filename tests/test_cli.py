"""The command line: the demo, explain, and clean errors with documented exit codes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from vendorpolicy import unstructure
from vendorpolicy._cli import EXIT_INPUT, EXIT_OK, EXIT_USAGE, main
from vendorpolicy._samples import sample_purchases, sample_rule_set


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
            assert f" {rules.evaluate(purchase).effect.name} " in row
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
