"""``vendorpolicy completion bash|zsh|fish``: a shell completion script generated from the
argparse parser itself (its subcommands, options, choices and the bundled pack names), so that
a new command or option is completed without anyone remembering to add it here.

No dependency: each script is plain shell that only lists words.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from typing import TextIO

import attrs

from vendorpolicy._cli_base import EXIT_OK, Command, Subparsers

__all__ = ["COMPLETION", "Completable", "Option", "completable", "script"]

SHELLS = ("bash", "zsh", "fish")


@attrs.frozen(kw_only=True)
class Option:
    """One option of a command: its spellings, whether it takes a value, and what the value
    may be: ``words`` (choices, pack names, literal words of the metavar such as ``bundled``)
    and whether files (``files``) or folders (``dirs``) complete it."""

    strings: tuple[str, ...]
    help: str
    takes_value: bool
    words: tuple[str, ...] = ()
    files: bool = False
    dirs: bool = False


@attrs.frozen(kw_only=True)
class Completable:
    """One subcommand as the scripts complete it: its options, and what its positional
    arguments may be (words such as ``schema``'s kinds or pack names, else files)."""

    name: str
    help: str
    options: tuple[Option, ...]
    positional_words: tuple[str, ...] = ()
    positional_files: bool = True


#: Options whose value is a bundled pack name, by destination (with any extra words).
_PACK_VALUED = {"pack": (), "extra_facts_of": ("all",)}


def _pack_names() -> tuple[str, ...]:
    from vendorpolicy import packs  # noqa: PLC0415 - only completion needs them

    return tuple(packs.names())


def _sample_ids() -> tuple[str, ...]:
    from vendorpolicy._samples import sample_purchases  # noqa: PLC0415

    return tuple(p.id for p in sample_purchases() if p.id)


def _option(action: argparse.Action, packs: tuple[str, ...]) -> Option:
    takes_value = action.nargs != 0
    words: tuple[str, ...] = ()
    files = dirs = False
    if takes_value:
        metavar = str(action.metavar or "")
        if action.choices is not None:
            words = tuple(str(c) for c in action.choices)
        elif action.dest in _PACK_VALUED:
            words = (*packs, *_PACK_VALUED[action.dest])
        else:
            # `FILE|bundled`, `CHAR|auto`, `NAME|auto`: the lowercase parts are literal words.
            parts = metavar.split("|")
            words = tuple(p for p in parts if re.fullmatch(r"[a-z][a-z0-9-]*", p))
            files = "FILE" in parts or action.dest in ("output", "components", "mapping")
            dirs = "DIR" in parts
    return Option(
        strings=tuple(action.option_strings),
        help=_brief(action.help or ""),
        takes_value=takes_value,
        words=words,
        files=files,
        dirs=dirs,
    )


def _brief(text: str) -> str:
    """The help's first clause, on one line, short enough for a menu."""
    text = " ".join(text.split())
    for stop in ("; ", " (", ": "):
        if stop in text:
            text = text.split(stop, 1)[0]
    return text if len(text) <= 70 else text[:69] + "…"


def completable(parser: argparse.ArgumentParser) -> list[Completable]:
    """Every subcommand of ``parser`` with its options and positional arguments."""
    packs = _pack_names()
    found: list[Completable] = []
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {a.dest: a.help or "" for a in action._choices_actions}
        for name, sub in action.choices.items():
            options = []
            words: list[str] = []
            files = False
            for item in sub._actions:
                if item.option_strings:
                    options.append(_option(item, packs))
                elif item.choices is not None:
                    words.extend(str(c) for c in item.choices)
                elif item.dest == "name" and name == "packs":
                    words.extend(packs)
                elif name == "explain":  # a purchase file, or a bundled sample's id
                    words.extend(_sample_ids())
                    files = True
                elif item.dest not in ("name", "names"):  # names are free text, not files
                    files = True
            found.append(
                Completable(
                    name=name,
                    help=_brief(helps.get(name, "")),
                    options=tuple(options),
                    positional_words=tuple(words),
                    positional_files=files,
                )
            )
    return found


def _top_options(parser: argparse.ArgumentParser) -> list[str]:
    return [s for a in parser._actions for s in a.option_strings]


def _words(items: Sequence[str]) -> str:
    return " ".join(items)


# --- bash ---------------------------------------------------------------------------------------


def _bash_reply(words: Sequence[str], *, files: bool, dirs: bool) -> str:
    parts = []
    if words:
        parts.append(f'COMPREPLY+=($(compgen -W "{_words(words)}" -- "$cur"))')
    if dirs:
        parts.append('COMPREPLY+=($(compgen -d -- "$cur"))')
    elif files:
        parts.append('COMPREPLY+=($(compgen -f -- "$cur"))')
    return "; ".join(parts) if parts else ":"


def bash(parser: argparse.ArgumentParser) -> str:
    """A bash completion script (``source <(vendorpolicy completion bash)``)."""
    commands = completable(parser)
    lines = [
        "# bash completion for vendorpolicy, generated by `vendorpolicy completion bash`.",
        "# Load it with:  source <(vendorpolicy completion bash)",
        "_vendorpolicy() {",
        "    local cur prev cmd i",
        '    cur="${COMP_WORDS[COMP_CWORD]}"',
        '    prev="${COMP_WORDS[COMP_CWORD-1]}"',
        '    cmd=""',
        "    COMPREPLY=()",
        "    for ((i = 1; i < COMP_CWORD; i++)); do",
        '        case "${COMP_WORDS[i]}" in',
        "            -*) ;;",
        '            *) cmd="${COMP_WORDS[i]}"; break ;;',
        "        esac",
        "    done",
        '    case "$cmd" in',
        '        "")',
        (
            "            COMPREPLY=($(compgen -W "
            f'"{_words([c.name for c in commands] + _top_options(parser))}" -- "$cur"))'
        ),
        "            ;;",
    ]
    for command in commands:
        lines.append(f"        {command.name})")
        valued = [o for o in command.options if o.takes_value]
        if valued:
            lines.append('            case "$prev" in')
            for option in valued:
                reply = _bash_reply(option.words, files=option.files, dirs=option.dirs)
                lines.append(f"                {'|'.join(option.strings)}) {reply}; return ;;")
            lines.append("            esac")
        every = [s for o in command.options for s in o.strings]
        lines.append('            if [[ "$cur" == -* ]]; then')
        lines.append(f'                COMPREPLY=($(compgen -W "{_words(every)}" -- "$cur"))')
        lines.append("            else")
        reply = _bash_reply(command.positional_words, files=command.positional_files, dirs=False)
        lines.append(f"                {reply}")
        lines.append("            fi")
        lines.append("            ;;")
    lines += [
        "    esac",
        "}",
        "complete -o filenames -o bashdefault -F _vendorpolicy vendorpolicy",
        "",
    ]
    return "\n".join(lines)


# --- zsh ----------------------------------------------------------------------------------------


def _zsh_text(text: str) -> str:
    """Text for an ``_arguments`` spec or a ``_describe`` item: no brackets or colons."""
    return text.replace("[", "(").replace("]", ")").replace(":", " -").replace("`", "")


def _zsh_quote(text: str) -> str:
    """``text`` single-quoted for zsh."""
    return "'" + text.replace("'", "'\\''") + "'"


def _zsh_action(words: Sequence[str], *, files: bool, dirs: bool) -> str:
    if dirs:
        return "_files -/"
    if files and words:
        return f"_alternative {_zsh_quote(f'words:word:({_words(words)})')} 'files:file:_files'"
    if files:
        return "_files"
    if words:
        return f"({_words(words)})"
    return " "


def zsh(parser: argparse.ArgumentParser) -> str:
    """A zsh completion script (``source <(vendorpolicy completion zsh)``, or saved as
    ``_vendorpolicy`` in a folder of ``$fpath``)."""
    commands = completable(parser)
    lines = [
        "#compdef vendorpolicy",
        "# zsh completion for vendorpolicy, generated by `vendorpolicy completion zsh`.",
        "_vendorpolicy() {",
        "    local curcontext=$curcontext state line",
        "    local -a commands",
        "    commands=(",
        *(f"        {_zsh_quote(f'{c.name}:{_zsh_text(c.help)}')}" for c in commands),
        "    )",
        "    _arguments -C \\",
        "        '(- *)--version[show the version]' \\",
        "        '(- *)'{-h,--help}'[show help]' \\",
        "        '1: :->command' \\",
        "        '*:: :->args'",
        "    case $state in",
        "        command) _describe -t commands 'vendorpolicy command' commands ;;",
        "        args)",
        "            case $words[1] in",
    ]
    for command in commands:
        specs: list[str] = []
        for option in command.options:
            text = _zsh_text(option.help)
            value = ""
            if option.takes_value:
                action = _zsh_action(option.words, files=option.files, dirs=option.dirs)
                value = f":value:{action}"
            specs.extend(_zsh_quote(f"*{string}[{text}]{value}") for string in option.strings)
        positional = _zsh_action(
            command.positional_words, files=command.positional_files, dirs=False
        )
        specs.append(_zsh_quote(f"*:argument:{positional}"))
        lines.append(f"                {command.name})")
        lines.append("                    _arguments \\")
        lines.extend(f"                        {spec} \\" for spec in specs[:-1])
        lines.append(f"                        {specs[-1]}")
        lines.append("                    ;;")
    lines += [
        "            esac",
        "            ;;",
        "    esac",
        "}",
        'if [[ "${funcstack[1]}" == "_vendorpolicy" ]]; then',
        '    _vendorpolicy "$@"',
        "else",
        "    compdef _vendorpolicy vendorpolicy",
        "fi",
        "",
    ]
    return "\n".join(lines)


# --- fish ---------------------------------------------------------------------------------------


def _fish_text(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def fish(parser: argparse.ArgumentParser) -> str:
    """A fish completion script (``vendorpolicy completion fish | source``, or saved as
    ``vendorpolicy.fish`` in ``~/.config/fish/completions``)."""
    commands = completable(parser)
    lines = [
        "# fish completion for vendorpolicy, generated by `vendorpolicy completion fish`.",
        "complete -c vendorpolicy -f",
        "complete -c vendorpolicy -n __fish_use_subcommand -l version -d 'show the version'",
        "complete -c vendorpolicy -n __fish_use_subcommand -s h -l help -d 'show help'",
    ]
    lines.extend(
        f"complete -c vendorpolicy -n __fish_use_subcommand -a {command.name} "
        f"-d {_fish_text(command.help)}"
        for command in commands
    )
    for command in commands:
        when = f"-n '__fish_seen_subcommand_from {command.name}'"
        for option in command.options:
            flags = [
                f"-l {string[2:]}" if string.startswith("--") else f"-s {string[1:]}"
                for string in option.strings
            ]
            value = ""
            if option.takes_value:
                value = " -r" + (" -F" if option.files or option.dirs else " -f")
                if option.words:
                    value += f" -a {_fish_text(_words(option.words))}"
            lines.append(
                f"complete -c vendorpolicy {when} {' '.join(flags)}{value} "
                f"-d {_fish_text(option.help)}"
            )
        if command.positional_words:
            lines.append(
                f"complete -c vendorpolicy {when} -a {_fish_text(_words(command.positional_words))}"
            )
        if command.positional_files:
            lines.append(f"complete -c vendorpolicy {when} -F")
    lines.append("")
    return "\n".join(lines)


_WRITERS: dict[str, Callable[[argparse.ArgumentParser], str]] = {
    "bash": bash,
    "zsh": zsh,
    "fish": fish,
}


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    """The completion script for ``shell`` (bash, zsh or fish)."""
    return _WRITERS[shell](parser)


def _completion_parser(commands: Subparsers) -> argparse.ArgumentParser:
    completion: argparse.ArgumentParser = commands.add_parser(
        "completion",
        help="print a shell completion script (bash, zsh or fish)",
        description="Print a script that completes vendorpolicy's commands, options, choices "
        "and pack names in your shell. It is generated from the command line itself, so it "
        "stays in step with the installed version.",
    )
    completion.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    return completion


def _run(args: argparse.Namespace, out: TextIO) -> int:
    from vendorpolicy._cli import _parser  # noqa: PLC0415 - _cli lists this command

    out.write(script(args.shell, _parser()))
    return EXIT_OK


COMPLETION = Command(
    name="completion",
    add_parser=_completion_parser,
    run=_run,
    examples=(
        "vendorpolicy completion bash > ~/.local/share/bash-completion/completions/vendorpolicy",
        "vendorpolicy completion zsh > ~/.zfunc/_vendorpolicy",
        "vendorpolicy completion fish > ~/.config/fish/completions/vendorpolicy.fish",
    ),
)
