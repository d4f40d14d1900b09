"""What every ``vendorpolicy`` subcommand shares: exit codes, the usage error, the
:class:`Command` a subcommand registers, and the options several commands take.

To add a subcommand, write a module ``_cli_NAME.py`` that imports from this one (never from
``_cli``, which imports the command modules) and defines a :class:`Command`::

    LINT = Command(
        name="lint",
        add_parser=_lint_parser,  # (subparsers) -> the new ArgumentParser
        run=_lint,  # (args, out) -> exit code
        examples=("vendorpolicy lint rules.toml",),
    )

then list it in ``COMMANDS`` in ``_cli.py``. The parser, the dispatch, the examples at the end of
``--help`` and the shell completion scripts all come from that list. The conventions tests
walk it too (``tests/test_cli_conventions.py``, ``tests/test_cli_completion.py``): every
command needs examples that start ``vendorpolicy NAME``, and a command that prints text for
people takes ``--format json`` (:func:`format_option`). Tables go through ``_cli_table``
(:func:`vendorpolicy._cli_table.aligned_table`, fitted to
:func:`vendorpolicy._cli_table.terminal_width`).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

import attrs

from vendorpolicy._files import load_rule_set
from vendorpolicy._registry import Registry
from vendorpolicy._vocabulary import Vocabulary, bundled_vocabulary

if TYPE_CHECKING:
    from vendorpolicy._rules import RuleSet

__all__ = [
    "EXIT_DENIED",
    "EXIT_INPUT",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_ROW_ERRORS",
    "EXIT_USAGE",
    "Command",
    "Parser",
    "Subparsers",
    "UsageError",
    "add_registry_option",
    "as_json",
    "date_arg",
    "extra_facts",
    "format_option",
    "load_vocabulary",
    "outside_vocabulary_options",
    "pack_option",
    "registry_from_args",
    "registry_option",
    "rules_or_pack",
    "vocabulary_option",
]

EXIT_OK = 0
EXIT_DENIED = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_INTERRUPTED = 130
#: With ``check --exit-bits``: some rows could not be read (added to ``EXIT_DENIED``).
EXIT_ROW_ERRORS = 4


class UsageError(Exception):
    """The command line itself is wrong (exit 2); the message starts with the program."""


class Parser(argparse.ArgumentParser):
    """An argument parser that raises :class:`UsageError` instead of exiting."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


#: What `ArgumentParser.add_subparsers` returns (argparse keeps its type private).
Subparsers = Any


@attrs.frozen(kw_only=True)
class Command:
    """One subcommand: its name, how it adds its parser to the subparsers (returning it), how
    it runs (the parsed arguments and stdout in, the exit code out), and the examples shown at
    the end of its ``--help``."""

    name: str
    add_parser: Callable[[Subparsers], argparse.ArgumentParser]
    run: Callable[[argparse.Namespace, TextIO], int]
    examples: tuple[str, ...] = ()


def format_option(parser: argparse.ArgumentParser) -> None:
    """``--format text|json``."""
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default), or json for tools",
    )


def as_json(args: argparse.Namespace) -> bool:
    """Whether ``--json`` or ``--format json`` was given."""
    return bool(getattr(args, "json", False)) or getattr(args, "format", "text") == "json"


def pack_option(parser: argparse.ArgumentParser) -> None:
    """``--pack NAME``: a bundled rule pack instead of a rule file."""
    parser.add_argument(
        "--pack",
        metavar="NAME",
        help="use a bundled rule pack (see `vendorpolicy packs`) instead of a rule file; "
        "names resolve against the bundled registry, with any --registry files merged onto it",
    )


def vocabulary_option(parser: argparse.ArgumentParser) -> None:
    """``--vocabulary FILE|bundled``."""
    parser.add_argument(
        "--vocabulary",
        metavar="FILE|bundled",
        help='a JSON file {"categories": [...], "designations": [...], "facts": [...]}, or '
        "`bundled` for the bundled category tree: rules that refer to anything else are "
        "errors (and for `check`, purchases that state anything else)",
    )


def outside_vocabulary_options(parser: argparse.ArgumentParser) -> None:
    """``--outside-vocabulary``, ``--extra-fact`` and ``--extra-facts-of``."""
    parser.add_argument(
        "--outside-vocabulary",
        choices=("error", "escalate"),
        default="error",
        help="a purchase whose facts or category are outside the rules' vocabulary: an error "
        "(default; for `check`, an error record for the row), or `escalate` to read those "
        "facts as unknown and decide",
    )
    parser.add_argument(
        "--extra-fact",
        action="append",
        default=[],
        metavar="NAME",
        help="a fact the purchases may state for other rules (any value); repeat for several",
    )
    parser.add_argument(
        "--extra-facts-of",
        action="append",
        default=[],
        metavar="PACK",
        help="accept (and check) the facts of another bundled pack, for a ledger screened "
        "under several packs; `all` for every pack; repeat for several",
    )


def extra_facts(args: argparse.Namespace) -> list[str | Vocabulary]:
    """The facts ``--extra-fact`` and ``--extra-facts-of`` allow."""
    extra: list[str | Vocabulary] = list(args.extra_fact)
    if args.extra_facts_of:
        from vendorpolicy import packs  # noqa: PLC0415 - only these options need them

        names = [] if "all" in args.extra_facts_of else args.extra_facts_of
        extra.append(packs.vocabulary(*names))
    return extra


def date_arg(text: str) -> dt.date:
    """An argparse ``type`` for ``YYYY-MM-DD`` dates."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date `{text}` (write YYYY-MM-DD)") from None


def load_vocabulary(path: str | None) -> Vocabulary | None:
    """The vocabulary ``--vocabulary`` names: none, the bundled one, or a JSON file."""
    if path is None:
        return None
    if path == "bundled":
        return bundled_vocabulary()
    from vendorpolicy._convert import structure  # noqa: PLC0415
    from vendorpolicy._files import read_document  # noqa: PLC0415

    vocabulary: Vocabulary = structure(read_document(path), Vocabulary, what=path)
    return vocabulary


def add_registry_option(
    parser: argparse.ArgumentParser, *, default: str | None = "bundled"
) -> None:
    """``--registry FILE`` (repeatable), ``--no-bundled-registry`` and
    ``--registry-collisions``: the vendor registry to resolve names against.

    With ``default="bundled"`` (``resolve``, and ``check`` under ``--pack``) the files are merged
    onto the bundled registry; ``--no-bundled-registry`` leaves it out, so that only the files
    count. With ``default=None`` (``check`` with a rule file) only the files count, and
    without any, names are not resolved."""
    if default == "bundled":
        where = "merged onto the bundled registry (see --no-bundled-registry)"
    else:
        where = (
            "merged in order; without one, supplier names are not resolved (under --pack, "
            "they are merged onto the bundled registry)"
        )
    parser.add_argument(
        "--registry",
        action="append",
        default=None,
        metavar="FILE|bundled",
        help="a registry file (.json, .toml, or .csv of entities), or `bundled`; repeat it to "
        f"add several, {where}",
    )
    parser.add_argument(
        "--no-bundled-registry",
        action="store_true",
        help="use only the --registry files, not the bundled registry under them",
    )
    parser.add_argument(
        "--registry-collisions",
        choices=("error", "ambiguous"),
        default="error",
        help="when a registry file's entity shares a name with a designated entity of another: "
        "stop with an error (default), or go on with the shared names ambiguous (review)",
    )


def registry_option(value: str) -> Registry:
    """The registry one ``--registry`` value names: the bundled one, or one loaded from a file."""
    from vendorpolicy._io import bundled_registry, load_registry  # noqa: PLC0415 - cycle

    return bundled_registry() if value == "bundled" else load_registry(value)


def rules_or_pack(path: str | None, pack: str | None, command: str) -> RuleSet:
    """The rule set a command taking ``RULES`` or ``--pack NAME`` (exactly one) names."""
    if pack is not None:
        if path is not None:
            raise UsageError(f"vendorpolicy {command}: give RULES or --pack NAME, not both")
        from vendorpolicy import packs  # noqa: PLC0415 - only these commands need them

        return packs.load(pack)
    if path is None:
        raise UsageError(f"vendorpolicy {command}: give RULES, or --pack NAME")
    return load_rule_set(path)


def registry_from_args(args: argparse.Namespace, *, bundled: bool) -> Registry | None:
    """The registry the registry options give: the bundled registry (when ``bundled`` and not
    ``--no-bundled-registry``) with every ``--registry`` file merged onto it in order, each merge
    refusing collisions with designated entities unless ``--registry-collisions ambiguous``.
    ``None`` when there is nothing to resolve against."""
    refs: list[str] = list(args.registry or [])
    if bundled and not args.no_bundled_registry and "bundled" not in refs:
        refs.insert(0, "bundled")
    if args.no_bundled_registry and not args.registry:
        raise UsageError("--no-bundled-registry needs at least one --registry FILE")
    registry: Registry | None = None
    for ref in dict.fromkeys(refs):
        more = registry_option(ref)
        registry = (
            more
            if registry is None
            else registry.merge(
                more,
                id=f"{registry.id}.{more.id}",
                version=f"{registry.version}+{more.version}",
                on_collision=args.registry_collisions,
            )
        )
    return registry
