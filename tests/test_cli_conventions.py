"""Command-line conventions: examples in help, --format json, several files, fmt, tables that
fit, the demo's date and window columns, progress with ETA, explain --registry."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

import pytest

from vendorpolicy import bundled_registry, dump_rule_set, load_rule_set, packs, unstructure
from vendorpolicy._cli import (
    _EXAMPLES,
    EXIT_DENIED,
    EXIT_INPUT,
    EXIT_OK,
    _parser,
    main,
)
from vendorpolicy._cli import (
    COMMANDS as CLI_COMMANDS,
)
from vendorpolicy._cli_check import _why, progress_line
from vendorpolicy._samples import sample_purchases, sample_rule_set


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(dump_rule_set(sample_rule_set()), encoding="utf-8")
    return path


COMMANDS = tuple(c.name for c in CLI_COMMANDS)


class TestHelp:
    @pytest.mark.parametrize("command", COMMANDS)
    def test_every_command_shows_examples(
        self, command: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`COMMAND --help` ends with examples of that command, kept on their own lines."""
        with pytest.raises(SystemExit) as stopped:
            main([command, "--help"])
        assert stopped.value.code == 0
        text = capsys.readouterr().out
        assert "examples:\n" in text
        for example in _EXAMPLES[command]:
            assert f"  {example}\n" in text
            assert example.startswith(f"vendorpolicy {command}")


class TestFormatJson:
    def test_validate(self, rules: Path) -> None:
        """validate --format json gives each file's id, version, rule count and digest."""
        code, out = run("validate", str(rules), "--format", "json")
        assert code == EXIT_OK
        (report,) = json.loads(out)
        loaded = load_rule_set(rules)
        assert report == {
            "file": str(rules),
            "valid": True,
            "id": loaded.id,
            "version": loaded.version,
            "rules": len(loaded.rules),
            "layers": len(loaded.layers()),
            "digest": loaded.digest,
        }

    def test_packs(self) -> None:
        """packs --format json lists every pack; with a NAME, its rules in order."""
        code, out = run("packs", "--format", "json")
        assert code == EXIT_OK
        assert [p["name"] for p in json.loads(out)] == list(packs.names())
        name = packs.names()[0]
        code, out = run("packs", name, "--format", "json")
        assert code == EXIT_OK
        shown = json.loads(out)
        assert [r["id"] for r in shown["rule_list"]] == [r.id for r in packs.load(name).rules]
        assert shown["rules"] == len(packs.load(name).rules)

    def test_resolve_and_explain_agree_with_json(self) -> None:
        """resolve and explain print the same with --format json as with --json."""
        for argv in (("resolve", "Huawei Technologies"), ("explain", "p-004")):
            assert run(*argv, "--format", "json") == run(*argv, "--json")
        code, out = run("explain", "p-004", "--format", "json")
        assert code == EXIT_OK
        assert json.loads(out)["purchase_id"] == "p-004"


#: The commands that print no text for people: `schema` prints JSON always, `completion` a
#: shell script.
_NOT_TEXT = {"schema", "completion"}


class TestFormatJsonEverywhere:
    def test_every_command_that_prints_has_format_json(self) -> None:
        """Every subcommand of the parser (a new one too) that prints text for people takes
        `--format json` (or, for `check`, `jsonl`), found by walking the parser."""
        (action,) = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
        for name, sub in action.choices.items():
            if name in _NOT_TEXT:
                continue
            formats = [a for a in sub._actions if "--format" in a.option_strings]
            assert formats, f"`{name}` has no --format"
            choices = set(formats[0].choices or ())
            assert choices & {"json", "jsonl"}, f"`{name} --format` has no json"

    def test_demo(self) -> None:
        """demo --format json gives the rule set and each sample's decision record, with the
        effect the table shows."""
        code, out = run("demo", "--format", "json")
        assert code == EXIT_OK
        data = json.loads(out)
        rules = sample_rule_set()
        assert data["rule_set"]["digest"] == rules.digest
        assert [(d["purchase_id"], d["effect"]) for d in data["decisions"]] == [
            (p.id, rules.evaluate(p).effect.value) for p in sample_purchases()
        ]

    def test_fmt(self, rules: Path, tmp_path: Path) -> None:
        """fmt --format json gives each file's status; nothing else is printed, and the exit
        code is the text mode's."""
        messy = tmp_path / "messy.json"
        messy.write_text(json.dumps(json.loads(dump_rule_set(sample_rule_set(), "json"))))
        missing = tmp_path / "missing.toml"
        code, out = run("fmt", "--check", str(rules), str(messy), str(missing), "--format", "json")
        assert code == EXIT_INPUT
        statuses = [(r["file"], r["status"]) for r in json.loads(out)]
        assert statuses == [
            (str(rules), "canonical"),
            (str(messy), "would-reformat"),
            (str(missing), "error"),
        ]
        code, out = run("fmt", "--check", str(rules), str(messy), "--format", "json")
        assert code == EXIT_DENIED


class TestSeveralFiles:
    def test_validate_reports_each_file(
        self, rules: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """validate A B checks both: the valid one is reported ok, the broken one with its
        problem, and the run exits 3."""
        broken = tmp_path / "broken.toml"
        broken.write_text(rules.read_text().replace('"deny"', '"dney"'), encoding="utf-8")
        code, out = run("validate", str(broken), str(rules))
        assert code == EXIT_INPUT
        assert f"ok: {rules}:" in out
        assert "unknown effect `dney`" in capsys.readouterr().err
        code, out = run("validate", str(broken), str(rules), "--format", "json")
        assert code == EXIT_INPUT
        first, second = json.loads(out)
        assert (first["valid"], second["valid"]) == (False, True)
        assert any("$.rules[0].effect" in (p["path"] or "") for p in first["problems"])

    def test_fmt_does_every_file_it_can(self, rules: Path, tmp_path: Path) -> None:
        """fmt A B C rewrites the files it can, reports the one it cannot, and exits 3."""
        messy = tmp_path / "messy.json"
        canonical = dump_rule_set(sample_rule_set(), "json")
        messy.write_text(json.dumps(json.loads(canonical), indent=5), encoding="utf-8")
        code, out = run("fmt", str(tmp_path / "missing.toml"), str(messy), str(rules))
        assert code == EXIT_INPUT
        assert "1 file reformatted, 1 already canonical, 1 not done" in out
        assert messy.read_text(encoding="utf-8") == canonical

    def test_replay_reads_every_file(self, rules: Path, tmp_path: Path) -> None:
        """replay RULES A B decides the records of both files."""
        files = []
        for p in sample_purchases()[:2]:
            path = tmp_path / f"{p.id}.json"
            path.write_text(
                sample_rule_set().evaluate(p).to_json(include_purchase=True), encoding="utf-8"
            )
            files.append(str(path))
        code, out = run("replay", str(rules), *files, "--format", "json")
        assert code == EXIT_OK
        assert [r["file"] for r in json.loads(out)] == files


class TestFmt:
    def test_canonical_file_passes_check(self, rules: Path) -> None:
        """A file in canonical form passes --check and is left alone."""
        before = rules.read_text(encoding="utf-8")
        code, out = run("fmt", "--check", str(rules))
        assert code == EXIT_OK
        assert "1 already canonical" in out
        assert rules.read_text(encoding="utf-8") == before

    @pytest.mark.parametrize("suffix", [".json", ".toml"])
    def test_rewrites_without_changing_the_rule_set(self, tmp_path: Path, suffix: str) -> None:
        """A file out of canonical form fails --check (unchanged), then fmt rewrites it in
        canonical form with the same digest, and --check passes."""
        path = tmp_path / f"rules{suffix}"
        canonical = dump_rule_set(sample_rule_set(), suffix[1:])  # type: ignore[arg-type]
        if suffix == ".json":
            messy = json.dumps(json.loads(canonical), indent=7, sort_keys=True)
        else:
            messy = "\n\n" + canonical.replace(" = ", "   =   ")
        path.write_text(messy, encoding="utf-8")
        digest = load_rule_set(path).digest
        code, out = run("fmt", "--check", "--diff", str(path))
        assert code == EXIT_DENIED
        assert f"would reformat {path}" in out
        assert "+++" in out
        assert path.read_text(encoding="utf-8") == messy
        assert run("fmt", str(path))[0] == EXIT_OK
        assert path.read_text(encoding="utf-8") == canonical
        assert load_rule_set(path).digest == digest
        assert run("fmt", "--check", str(path))[0] == EXIT_OK

    def test_comments_are_never_dropped_silently(
        self, rules: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A TOML file with comments is left as it is, with an error naming the lines, unless
        --drop-comments is given."""
        commented = "# why these rules\n" + rules.read_text(encoding="utf-8") + "\n"
        rules.write_text(commented, encoding="utf-8")
        assert run("fmt", str(rules))[0] == EXIT_INPUT
        assert "holds comments (line 1)" in capsys.readouterr().err
        assert rules.read_text(encoding="utf-8") == commented
        assert run("fmt", "--drop-comments", str(rules))[0] == EXIT_OK
        assert "#" not in rules.read_text(encoding="utf-8").split("\n", 1)[0]


class TestDemoTable:
    @pytest.mark.parametrize("columns", ["60", "100", "250"])
    def test_fits_100_columns_and_loses_nothing(
        self, columns: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Whatever the terminal, the table's lines fit 100 columns, and each row's reason is
        there in full, wrapped under the row."""
        monkeypatch.setenv("COLUMNS", columns)
        code, text = run("demo")
        assert code == EXIT_OK
        lines = text.splitlines()
        assert max(len(line) for line in lines) <= 100
        rules = sample_rule_set()
        for p in sample_purchases():
            at = next(i for i, line in enumerate(lines) if line.startswith(p.id + " "))
            below = []
            for line in lines[at + 1 :]:
                if not line.startswith("    "):
                    break
                below.append(line.strip())
            assert " ".join(below) == _why(rules.evaluate(p), rules)

    def test_date_column_and_rules_not_in_force(self) -> None:
        """Each row shows its date; a purchase no rule applied to because of rule windows says
        which rules were not in force on its date."""
        _, text = run("demo")
        lines = text.splitlines()
        rules = sample_rule_set()
        for p in sample_purchases():
            at = next(i for i, line in enumerate(lines) if line.startswith(p.id + " "))
            assert p.date is not None
            assert p.date.isoformat() in lines[at].split()
            out_of_window = [r.id for r in rules.rules if r.has_window and not r.in_force(p.date)]
            decision = rules.evaluate(p)
            if out_of_window and not decision.determining and not decision.missing_facts:
                assert (
                    lines[at + 1]
                    .strip()
                    .startswith(f"not in force on {p.date.isoformat()}: {out_of_window[0]}")
                )

    def test_warn_rows_give_the_case_reason(self) -> None:
        """A WARN decided by a case shows the case's own reason, not the rule's."""
        _, text = run("demo")
        rules = sample_rule_set()
        case_reasons = {c.reason for r in rules.rules for c in r.cases if c.effect.name == "WARN"}
        warned = [p for p in sample_purchases() if rules.evaluate(p).effect.name == "WARN"]
        assert warned
        for reason in case_reasons:
            assert reason in text.replace("\n    ", " ")
        for r in rules.rules:
            if any(c.effect.name == "WARN" for c in r.cases):
                assert text.replace("\n    ", " ").count(r.reason) == sum(
                    1 for p in sample_purchases() if rules.evaluate(p).effect.name == "DENY"
                )


class TestProgress:
    def test_elapsed_and_eta(self) -> None:
        """The progress line shows rows done, the time elapsed and the time left at the rate
        so far; before any rate, the ETA is unknown."""
        line = progress_line(250, 1000, 5.0)
        assert "250/1,000 rows" in line
        assert "elapsed 0:05" in line
        assert "ETA 0:15" in line
        assert "ETA --:--" in progress_line(0, 1000, 0.0)
        assert "elapsed 1:01:01" in progress_line(1, 2, 3661.0)

    def test_check_draws_progress_on_a_terminal(
        self, rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """check draws the progress line (rows, elapsed, ETA) on stderr when it is a terminal,
        and not under --quiet or when stderr is not a terminal."""

        class Terminal(io.StringIO):
            def isatty(self) -> bool:
                return True

        ledger = tmp_path / "ledger.csv"
        ledger.write_text(
            "id,buyer_id,buyer_public,buyer_sector\n"
            + "".join(f"po-{i},mic,true,central-government\n" for i in range(3)),
            encoding="utf-8",
        )
        for argv, drawn in (((), True), (("-q",), False)):
            terminal = Terminal()
            monkeypatch.setattr(sys, "stderr", terminal)
            run("check", str(rules), str(ledger), "--format", "csv", *argv)
            text = terminal.getvalue()
            assert ("3/3 rows" in text and "elapsed 0:00" in text and "ETA" in text) == drawn
        plain = io.StringIO()
        monkeypatch.setattr(sys, "stderr", plain)
        run("check", str(rules), str(ledger), "--format", "csv")
        assert "ETA" not in plain.getvalue()


class TestExplainRegistry:
    def test_registry_resolves_names(self, rules: Path, tmp_path: Path) -> None:
        """explain RULES PURCHASE --registry bundled resolves the supplier name, and the
        record names the registry."""
        p = next(p for p in sample_purchases() if p.id == "p-001")
        named = unstructure(p)
        named.pop("vendor")
        named["supplier"] = "Huawei Technologies"
        path = tmp_path / "p.json"
        path.write_text(json.dumps(named), encoding="utf-8")
        code, out = run("explain", str(rules), str(path), "--json", "--registry", "bundled")
        assert code == EXIT_OK
        record = json.loads(out)
        registry = bundled_registry()
        assert record["registry"] == {"id": registry.id, "version": registry.version}
        assert record["resolutions"][0]["query"] == "Huawei Technologies"
        code, out = run("explain", str(rules), str(path), "--json")
        assert json.loads(out)["registry"] is None
