"""`vendorpolicy completion bash|zsh|fish`: scripts generated from the parser, valid in their
shell, naming every subcommand and option, and completing what the parser accepts."""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from vendorpolicy import packs
from vendorpolicy._cli import COMMANDS, _parser, main
from vendorpolicy._cli_completion import SHELLS


def script(shell: str) -> str:
    out = io.StringIO()
    assert main(["completion", shell], out=out) == 0
    return out.getvalue()


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The parser's subcommands, found by walking it (as a user's `--help` would list them)."""
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def option_strings(parser: argparse.ArgumentParser) -> list[str]:
    return [s for a in parser._actions for s in a.option_strings]


def value_choices(parser: argparse.ArgumentParser) -> dict[str, list[str]]:
    """Each option that takes a value from a closed set, with the set."""
    return {
        a.option_strings[-1]: [str(c) for c in a.choices]
        for a in parser._actions
        if a.option_strings and a.choices is not None
    }


def need(shell: str) -> str:
    found = shutil.which(shell)
    if found is None:
        pytest.skip(f"{shell} is not installed")
    return found


def bash_complete(tmp_path: Path, line: str) -> list[str]:
    """What the bash script offers for `line` (completing its last word, empty after a
    trailing space), run in a real bash."""
    path = tmp_path / "vendorpolicy.bash"
    path.write_text(script("bash"), encoding="utf-8")
    words = line.split(" ")
    program = (
        f"source {path}\n"
        f"COMP_WORDS=({' '.join(repr(w) for w in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "_vendorpolicy\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(  # noqa: S603 - our own script in a known shell
        [need("bash"), "--norc", "--noprofile", "-c", program],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    return [w for w in done.stdout.splitlines() if w]


class TestScripts:
    def test_every_shell_has_a_script(self) -> None:
        """`completion SHELL` prints a script for bash, zsh and fish; any other is a usage
        error."""
        for shell in SHELLS:
            assert "vendorpolicy" in script(shell)
        assert main(["completion", "tcsh"]) == 2

    @pytest.mark.parametrize("shell", SHELLS)
    def test_names_every_subcommand_and_option(self, shell: str) -> None:
        """The script names every subcommand of the parser and every option of each, and the
        closed choices of their values: derived from the parser, so nothing new is missed."""
        text = script(shell)
        parser = _parser()
        commands = subcommands(parser)
        assert sorted(commands) == sorted(c.name for c in COMMANDS)
        for name, sub in commands.items():
            assert name in text
            for option in option_strings(sub):
                spelled = (
                    option
                    if shell != "fish"
                    else (f"-l {option[2:]}" if option.startswith("--") else f"-s {option[1:]}")
                )
                assert spelled in text, (name, option)
            for choices in value_choices(sub).values():
                assert " ".join(choices) in text, (name, choices)
        assert " ".join(packs.names()) in text

    def test_bash_syntax(self, tmp_path: Path) -> None:
        """bash -n accepts the bash script."""
        path = tmp_path / "vendorpolicy.bash"
        path.write_text(script("bash"), encoding="utf-8")
        subprocess.run([need("bash"), "-n", str(path)], check=True)  # noqa: S603

    def test_zsh_syntax(self, tmp_path: Path) -> None:
        """zsh -n accepts the zsh script."""
        path = tmp_path / "_vendorpolicy"
        path.write_text(script("zsh"), encoding="utf-8")
        subprocess.run([need("zsh"), "-n", str(path)], check=True)  # noqa: S603

    def test_fish_completes(self, tmp_path: Path) -> None:
        """fish accepts the fish script, and completes subcommands, options and pack names."""
        path = tmp_path / "vendorpolicy.fish"
        path.write_text(script("fish"), encoding="utf-8")
        fish = need("fish")
        subprocess.run([fish, "--no-execute", str(path)], check=True)  # noqa: S603

        def complete(line: str) -> list[str]:
            done = subprocess.run(  # noqa: S603
                [fish, "--no-config", "-c", f"source {path}; complete -C '{line}'"],
                capture_output=True,
                text=True,
                check=True,
            )
            return [row.split("\t")[0] for row in done.stdout.splitlines()]

        assert "check" in complete("vendorpolicy ch")
        assert "--output-dir" in complete("vendorpolicy check --output")
        assert set(packs.names()) <= set(complete("vendorpolicy check --pack "))


class TestBashCompletes:
    def test_subcommands(self, tmp_path: Path) -> None:
        """The first word completes to the subcommands."""
        assert bash_complete(tmp_path, "vendorpolicy c") == ["check", "completion"]
        assert set(bash_complete(tmp_path, "vendorpolicy ")) >= {c.name for c in COMMANDS}

    def test_options_of_the_command(self, tmp_path: Path) -> None:
        """After a subcommand, a dash completes to that command's options only."""
        offered = bash_complete(tmp_path, "vendorpolicy check --output")
        assert sorted(offered) == ["--output", "--output-dir"]
        assert bash_complete(tmp_path, "vendorpolicy fmt --ch") == ["--check"]

    def test_values(self, tmp_path: Path) -> None:
        """An option's value completes to its choices, or to the pack names; a positional with
        choices to those."""
        assert bash_complete(tmp_path, "vendorpolicy check --format ") == [
            "table",
            "csv",
            "jsonl",
            "records",
        ]
        assert bash_complete(tmp_path, "vendorpolicy check --pack us-") == [
            n for n in packs.names() if n.startswith("us-")
        ]
        assert bash_complete(tmp_path, "vendorpolicy schema ") == [
            "rules",
            "mapping",
            "decision",
            "result",
            "findings",
            "diff",
        ]
        assert bash_complete(tmp_path, "vendorpolicy packs jp") == ["jp-2018"]
        assert bash_complete(tmp_path, "vendorpolicy explain p-00") == [
            f"p-00{i}" for i in range(1, 10)
        ]

    def test_files(self, tmp_path: Path) -> None:
        """A ledger or rule file argument, and a file-valued option, complete to files."""
        (tmp_path / "ledger.csv").write_text("id\n", encoding="utf-8")
        assert bash_complete(tmp_path, "vendorpolicy check rules.toml led") == ["ledger.csv"]
        assert bash_complete(tmp_path, "vendorpolicy check --mapping led") == ["ledger.csv"]
        assert "bundled" in bash_complete(tmp_path, "vendorpolicy check --registry b")
