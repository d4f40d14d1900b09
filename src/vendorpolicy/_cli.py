"""The ``vendorpolicy`` command line.

Exit codes (documented in docs/cli.md):
  0  success (for ``demo``, ``explain``, ``validate`` and ``schema``, whatever the decisions)
  1  a screened purchase was denied (``check``; ``--fail-on`` changes the threshold)
  2  the command line itself is wrong (unknown command or option)
  3  an input could not be read or is invalid; for ``check``, also when some ledger rows could
     not be read (all other rows are still screened and written; 3 wins over 1, because an
     unreadable row may be a purchase that would have been denied), and when the output pipe
     closed before the run finished
  4, 5 with ``check --exit-bits``: bit 1 when a decision reached ``--fail-on``, bit 4 when rows
     could not be read (input that cannot be read at all stays 3)
  130 interrupted (Ctrl-C); an output file is left as it was before the run
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import attrs

from vendorpolicy._checks import tick
from vendorpolicy._components import load_components
from vendorpolicy._convert import unstructure
from vendorpolicy._decision import Decision
from vendorpolicy._files import atomic_output, load_purchase, load_rule_set, read_document
from vendorpolicy._ledger import (
    EXTRA_FORMATS,
    ColumnMapping,
    LedgerRow,
    RowError,
    ScreenedRow,
    ScreeningSummary,
    SummaryTally,
    _ledger_format,
    _summary_head,
    detect_format,
    read_ledger,
    screen,
    write_results,
)
from vendorpolicy._mapping import load_mapping, mapping_schema
from vendorpolicy._model import Buyer, Effect, Purchase
from vendorpolicy._registry import Registry
from vendorpolicy._resolution import Resolution
from vendorpolicy._rules import RuleSet
from vendorpolicy._samples import sample_purchases, sample_rule_set
from vendorpolicy._schema import rule_set_schema
from vendorpolicy._text import shown
from vendorpolicy._vocabcheck import fact_name_problems
from vendorpolicy._vocabulary import Vocabulary, bundled_vocabulary, show_value
from vendorpolicy.errors import FileError, InvalidDataError, VendorPolicyError

__all__ = [
    "EXIT_DENIED",
    "EXIT_INPUT",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_ROW_ERRORS",
    "EXIT_USAGE",
    "add_registry_option",
    "main",
    "registry_from_args",
    "registry_option",
]

EXIT_OK = 0
EXIT_DENIED = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_INTERRUPTED = 130
#: With ``check --exit-bits``: some rows could not be read (added to ``EXIT_DENIED``).
EXIT_ROW_ERRORS = 4


#: The schemas `vendorpolicy schema KIND` prints.
SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "rules": rule_set_schema,
    "mapping": mapping_schema,
}


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    from vendorpolicy import __version__  # noqa: PLC0415 - cycle

    parser = _Parser(
        prog="vendorpolicy",
        description="Decide whether purchases may go ahead under vendor restrictions.",
    )
    parser.add_argument("--version", action="version", version=f"vendorpolicy {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.add_parser(
        "demo",
        help="screen the bundled sample purchases with the bundled example rule set",
        description="Screen the bundled sample purchases with the bundled example rule set, "
        "modelled on Japan's December 2018 government procurement rule.",
    )
    explain = commands.add_parser(
        "explain",
        help="explain the decision on one purchase in full",
        description="Explain one purchase: `explain RULES PURCHASE.json` decides a purchase "
        "file under a rule file; `explain PURCHASE` uses the bundled example rules, with a "
        "bundled sample id (e.g. p-004) or a purchase JSON file.",
    )
    explain.add_argument(
        "args", nargs="+", metavar="[RULES] PURCHASE", help="a rule file, then a purchase"
    )
    explain.add_argument("--json", action="store_true", help="print the decision as JSON")
    explain.add_argument("--as-of", type=_date_arg, help="judge rules in force on this date")
    _pack_option(explain)
    _outside_vocabulary_options(explain)
    validate = commands.add_parser(
        "validate",
        help="check a rule file and report every problem in it",
        description="Check a rule file (JSON or TOML) and report every problem with its line "
        "and path. Exit 0 when valid, 3 when not.",
    )
    validate.add_argument("rules", help="the rule file (.toml or .json)")
    _vocabulary_option(validate)
    check = commands.add_parser(
        "check",
        help="screen a purchase ledger (CSV or JSON Lines) against a rule file",
        description="Screen every row of a ledger and write one result per row: a decision, "
        "or an error record with the row's line. Exit 1 when a purchase is denied (see "
        "--fail-on), 3 when the rules, the ledger or any row could not be read.",
    )
    check.add_argument(
        "args",
        nargs="+",
        metavar="[RULES] LEDGER",
        help="the rule file (.toml or .json; omit it with --pack), then the ledger (.csv, or "
        ".jsonl for JSON Lines)",
    )
    _pack_option(check)
    check.add_argument("--output", "-o", help="write results to this file (default: stdout)")
    check.add_argument(
        "--format",
        choices=("table", "csv", "jsonl"),
        help="result format (default: by the --output suffix, else table)",
    )
    check.add_argument(
        "--ledger-format", choices=("csv", "jsonl"), help="ledger format (default: by suffix)"
    )
    check.add_argument(
        "--mapping",
        metavar="FILE",
        help="a mapping file (.toml, or JSON): column names, value maps for codes, constants "
        "(see `vendorpolicy schema mapping`)",
    )
    check.add_argument(
        "--delimiter",
        metavar="CHAR|auto",
        help="the character between cells (default: the mapping's, else `,`); `auto` detects "
        "it from the header; `tab` for a tab",
    )
    check.add_argument(
        "--encoding",
        metavar="NAME|auto",
        help="the ledger's text encoding, such as cp1252 (default: the mapping's, else "
        "utf-8); `auto`: UTF-8 unless the file is not, then cp1252",
    )
    check.add_argument(
        "--decimal",
        choices=(".", ",", "auto"),
        help="the decimal mark of amounts; `auto` detects it and the thousands separator",
    )
    check.add_argument(
        "--thousands",
        metavar="CHAR|none",
        help="the thousands separator of amounts (`,` in 1,016.20; `none`: no separator)",
    )
    check.add_argument(
        "--components",
        metavar="FILE",
        help="a components file (CSV: purchase_id, maker, category, description, facts.NAME…): "
        "the parts of the ledger's purchases, joined by purchase id",
    )
    check.add_argument(
        "--all-components",
        action="store_true",
        help="the --components file lists every part of every purchase: a purchase it does not "
        "list has none (instead of undeclared parts, which rules over parts read as unknown)",
    )
    check.add_argument(
        "--keep",
        action="append",
        default=[],
        metavar="COLUMN[,COLUMN…]",
        help="copy these ledger columns to every result row (e.g. `--keep PO,Item`), so that "
        "results join back to the export; repeat or separate with commas",
    )
    check.add_argument(
        "--fail-on",
        choices=("deny", "review", "warn", "never"),
        default="deny",
        help="exit 1 when a decision is this severe or more (default: deny; never: always 0)",
    )
    check.add_argument("--as-of", type=_date_arg, help="judge rules in force on this date")
    add_registry_option(check, default=None)
    check.add_argument("--quiet", "-q", action="store_true", help="no progress or summary")
    check.add_argument(
        "--summary-format",
        choices=("text", "json"),
        default="text",
        help="the summary on stderr: text (default: counts, missing facts and how to supply "
        "them, suppliers not identified, rule hits), or json (printed even with --quiet)",
    )
    check.add_argument(
        "--exit-bits",
        action="store_true",
        help="exit with bits: 1 when a decision reached --fail-on, 4 when rows could not be "
        "read (5: both), so that denials still show when some rows errored; 3 stays for "
        "unreadable input files",
    )
    _vocabulary_option(check)
    _outside_vocabulary_options(check)
    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of a file format (rule files by default)",
        description="Print the JSON Schema (draft 2020-12) of rule-set files, or of another "
        "format vendorpolicy reads or writes, for editors and other tools.",
    )
    schema.add_argument(
        "kind",
        nargs="?",
        default="rules",
        choices=SCHEMAS,
        help="rules (default): rule files; mapping: ledger mapping files",
    )
    packs = commands.add_parser(
        "packs",
        help="list the bundled rule packs, or show one",
        description="List the bundled rule packs (real regimes) with their titles and rule "
        "counts; with a NAME, show who it binds, its rules, the facts a purchase must state and "
        "its sources.",
    )
    packs.add_argument("name", nargs="?", metavar="NAME", help="a pack to show in full")
    resolve = commands.add_parser(
        "resolve",
        help="show how supplier names resolve against a vendor registry",
        description="Resolve free-text supplier names against a vendor registry: the entity, "
        "how it matched, the candidates when it did not, and the designations that reach it.",
    )
    resolve.add_argument("names", nargs="+", metavar="NAME", help="a supplier name as written")
    add_registry_option(resolve)
    resolve.add_argument(
        "--as-of", type=_date_arg, default=None, help="the date (YYYY-MM-DD) to resolve as of"
    )
    resolve.add_argument("--json", action="store_true", help="print the resolutions as JSON")
    return parser


def _pack_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pack",
        metavar="NAME",
        help="use a bundled rule pack (see `vendorpolicy packs`) instead of a rule file; "
        "names resolve against the bundled registry, with any --registry files merged onto it",
    )


def _vocabulary_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--vocabulary",
        metavar="FILE|bundled",
        help='a JSON file {"categories": [...], "designations": [...], "facts": [...]}, or '
        "`bundled` for the bundled category tree: rules that refer to anything else are "
        "errors (and for `check`, purchases that state anything else)",
    )


def _outside_vocabulary_options(parser: argparse.ArgumentParser) -> None:
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


def _extra_facts(args: argparse.Namespace) -> list[str | Vocabulary]:
    extra: list[str | Vocabulary] = list(args.extra_fact)
    if args.extra_facts_of:
        from vendorpolicy import packs  # noqa: PLC0415 - only these options need them

        names = [] if "all" in args.extra_facts_of else args.extra_facts_of
        extra.append(packs.vocabulary(*names))
    return extra


def _date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date `{text}` (write YYYY-MM-DD)") from None


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
        where = "merged in order; without one, supplier names are not resolved (under --pack, "
        "they are merged onto the bundled registry)"
    parser.add_argument(
        "--registry",
        action="append",
        default=None,
        metavar="FILE",
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


def registry_from_args(args: argparse.Namespace, *, bundled: bool) -> Registry | None:
    """The registry the registry options give: the bundled registry (when ``bundled`` and not
    ``--no-bundled-registry``) with every ``--registry`` file merged onto it in order, each merge
    refusing collisions with designated entities unless ``--registry-collisions ambiguous``.
    ``None`` when there is nothing to resolve against."""
    refs: list[str] = list(args.registry or [])
    if bundled and not args.no_bundled_registry and "bundled" not in refs:
        refs.insert(0, "bundled")
    if args.no_bundled_registry and not args.registry:
        raise _UsageError("--no-bundled-registry needs at least one --registry FILE")
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


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit code."""
    out = out or sys.stdout
    err = sys.stderr
    try:
        return _main(argv, out, err)
    except KeyboardInterrupt:
        # Ctrl-C: stop at once, without a traceback. An output file being written is left as
        # it was (outputs are written whole or not at all); the run proved nothing, so it
        # cannot exit 0. 130 is what shells report for a command stopped by SIGINT.
        print("\ninterrupted", file=err)
        return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    try:
        args = _parser().parse_args(argv)
    except _UsageError as exc:
        print(shown(str(exc)), file=err)
        print("try `vendorpolicy --help`", file=err)
        return EXIT_USAGE
    try:
        if args.command == "demo":
            return _demo(out)
        if args.command == "explain":
            return _explain(args, out=out)
        if args.command == "validate":
            return _validate(args.rules, args.vocabulary, out)
        if args.command == "check":
            return _check(args, out)
        if args.command == "schema":
            print(json.dumps(SCHEMAS[args.kind](), indent=2, ensure_ascii=False), file=out)
            return EXIT_OK
        if args.command == "packs":
            return _packs(args.name, out)
        if args.command == "resolve":
            registry = registry_from_args(args, bundled=True)
            assert registry is not None
            return _resolve(args.names, registry, args.as_of, as_json=args.json, out=out)
    except _UsageError as exc:
        print(shown(str(exc)), file=err)
        return EXIT_USAGE
    except VendorPolicyError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_INPUT
    except BrokenPipeError:
        # The reader of our output went away (`| head`): stop quietly. The run is incomplete,
        # so it cannot vouch that nothing was denied: exit 3, as for unreadable input.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_INPUT
    _parser().print_help(out)
    return EXIT_USAGE


def decision_table(rows: Sequence[tuple[Purchase, Decision]]) -> str:
    """A plain-text table: one line per purchase with its effect and the deciding reason."""
    header = ("purchase", "buyer", "vendor", "category", "decision", "why")
    lines: list[tuple[str, ...]] = [header]
    for p, d in rows:
        lines.append(
            (
                p.id or "-",
                p.buyer.id,
                p.vendor.id if p.vendor else "(unknown)",
                p.category.path if p.category else "(unknown)",
                d.effect.name,
                _why(d),
            )
        )
    lines = [tuple(shown(cell) for cell in row) for row in lines]  # user text, escaped
    widths = [max(len(row[i]) for row in lines) for i in range(len(header) - 1)]
    rendered = []
    for row in lines:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        rendered.append("  ".join([*cells, row[-1]]).rstrip())
    rendered.insert(1, "  ".join("-" * w for w in widths) + "  ---")
    return "\n".join(rendered)


def _why(decision: Decision) -> str:
    names = "; ".join(line for r in decision.resolutions for line in r.summary())
    names = f" [{names}]" if names else ""
    names += "".join(f" [warning: {w}]" for w in decision.warnings)
    if decision.determining:
        first = decision.determining[0]
        return (f"{first.rule}: {first.reason}" if first.reason else first.rule) + names
    if decision.missing_facts:
        return "missing: " + ", ".join(decision.missing_facts) + names
    if decision.errors:
        return decision.errors[0]
    return "no rule applied"


def _demo(out: TextIO) -> int:
    rules = sample_rule_set()
    rows = [(p, rules.evaluate(p)) for p in sample_purchases()]
    print(f"Rule set: {rules.title}", file=out)
    print(f"          {rules.id} version {rules.version}, digest {rules.digest}", file=out)
    print("", file=out)
    print(decision_table(rows), file=out)
    print("", file=out)
    print("Run `vendorpolicy explain p-004` for a full account of one decision.", file=out)
    return EXIT_OK


def _explain(args: argparse.Namespace, *, out: TextIO) -> int:
    options = {"outside_vocabulary": args.outside_vocabulary, "extra_facts": _extra_facts(args)}
    if args.pack is not None:
        if len(args.args) != 1:
            raise _UsageError("vendorpolicy explain: with --pack, give only the PURCHASE")
        from vendorpolicy import packs  # noqa: PLC0415 - only these commands need them

        purchase = _find_purchase(args.args[0])
        decision = packs.load(args.pack).evaluate(
            purchase, as_of=args.as_of, registry=registry_option("bundled"), **options
        )
        print(decision.to_json(indent=2) if args.json else decision.explain(), file=out)
        return EXIT_OK
    if len(args.args) > 2:
        raise _UsageError("vendorpolicy explain: give [RULES] PURCHASE, at most two arguments")
    rules = load_rule_set(args.args[0]) if len(args.args) == 2 else sample_rule_set()
    purchase = _find_purchase(args.args[-1])
    decision = rules.evaluate(purchase, as_of=args.as_of, **options)
    print(decision.to_json(indent=2) if args.json else decision.explain(), file=out)
    return EXIT_OK


def _load_vocabulary(path: str | None) -> Vocabulary | None:
    if path is None:
        return None
    if path == "bundled":
        return bundled_vocabulary()
    from vendorpolicy._convert import structure  # noqa: PLC0415

    vocabulary: Vocabulary = structure(read_document(path), Vocabulary, what=path)
    return vocabulary


def _validate(path: str, vocabulary: str | None, out: TextIO) -> int:
    rules = load_rule_set(path, vocabulary=_load_vocabulary(vocabulary))
    layers = rules.layers()
    count = sum(len(layer.rules) for layer in layers)
    print(
        shown(
            f"ok: {path}: rule set `{rules.id}` version {rules.version}, {count} rule"
            f"{'s' if count != 1 else ''}"
            + (f" in {len(layers)} layers" if len(layers) > 1 else "")
            + f", digest {rules.digest}"
        ),
        file=out,
    )
    return EXIT_OK


def _check(args: argparse.Namespace, out: TextIO) -> int:
    if args.pack is not None:
        if len(args.args) != 1:
            raise _UsageError("vendorpolicy check: with --pack, give only the LEDGER")
        from vendorpolicy import packs  # noqa: PLC0415 - only these commands need them

        rules = packs.load(args.pack)
        vocabulary = _load_vocabulary(args.vocabulary)
    else:
        if len(args.args) != 2:
            raise _UsageError("vendorpolicy check: give RULES LEDGER, or --pack NAME LEDGER")
        vocabulary = _load_vocabulary(args.vocabulary)
        rules = load_rule_set(args.args[0], vocabulary=vocabulary)
    args.ledger = args.args[-1]
    if args.output == "-":
        args.output = None  # standard output
    if args.ledger == "-":
        with _spooled_stdin(args) as spooled:
            args.ledger = spooled
            return _check_ledger(args, out, rules, vocabulary)
    return _check_ledger(args, out, rules, vocabulary)


@contextlib.contextmanager
def _spooled_stdin(args: argparse.Namespace) -> Iterator[str]:
    """Standard input copied to a temporary file (removed afterwards), so that a ledger piped
    in is read like a file: its header checked first, its rows streamed."""
    import shutil  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    suffix = ".jsonl" if args.ledger_format == "jsonl" else ".csv"
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - removed in the finally
        prefix="vendorpolicy-stdin-", suffix=suffix, delete=False
    )
    try:
        with handle:
            shutil.copyfileobj(sys.stdin.buffer, handle)
        yield handle.name
    finally:
        with contextlib.suppress(OSError):
            Path(handle.name).unlink()


def _check_ledger(
    args: argparse.Namespace, out: TextIO, rules: RuleSet, vocabulary: Vocabulary | None
) -> int:
    registry = registry_from_args(args, bundled=args.pack is not None)
    mapping = _load_mapping(args)
    fmt = args.format or _format_for(args.output)
    extra = _extra_facts(args)
    suffix = Path(args.ledger).suffix.lower()
    via_extra = args.ledger_format is None and suffix in EXTRA_FORMATS
    if args.outside_vocabulary == "error" and not via_extra:
        _check_fact_columns(args, rules, mapping, vocabulary, extra)
    if args.all_components and not args.components:
        raise _UsageError("vendorpolicy check: --all-components needs --components FILE")
    parts = (
        load_components(args.components, complete=args.all_components) if args.components else None
    )
    if (
        not via_extra
        and (args.ledger_format or _ledger_format(args.ledger)) == "csv"
        and "auto"
        in (
            mapping.delimiter,
            mapping.encoding,
            mapping.decimal,
        )
    ):
        detected = detect_format(args.ledger, mapping)
        mapping = detected.mapping
        if not args.quiet:
            name = "standard input" if args.args[-1] == "-" else args.ledger
            print(shown(f"{name}: " + "; ".join(detected.notes)), file=sys.stderr)
    rows: Iterable[LedgerRow | RowError]
    show_progress = not args.quiet and sys.stderr.isatty()
    if via_extra:
        rows = _extra_reader(suffix)(args.ledger, mapping=mapping, components=parts)
    elif (
        parts is None
        and fmt in ("csv", "jsonl")
        and not show_progress
        and (args.ledger_format or _ledger_format(args.ledger)) == "csv"
    ):
        # The same records, which `screen` decides and `_write` writes in bulk (see `_bulk`).
        from vendorpolicy._bulk import BulkRows  # noqa: PLC0415

        rows = BulkRows(args.ledger, mapping=mapping)
    else:
        rows = read_ledger(
            args.ledger, mapping=mapping, format=args.ledger_format, components=parts
        )
    results: Iterable[ScreenedRow | RowError] = screen(
        rules,
        rows,
        as_of=args.as_of,
        registry=registry,
        outside_vocabulary=args.outside_vocabulary,
        extra_facts=extra,
        vocabulary=vocabulary,
    )
    if show_progress:
        results = _progress(results, _count_lines(args.ledger))
    with contextlib.ExitStack() as reader:
        # The ledger is closed when the run stops early too (an error, Ctrl-C): its rows close
        # their file whether or not reading has begun.
        stop = getattr(rows, "close", None)
        if stop is not None:
            reader.callback(stop)
        summary = _write_output(args, results, out, rules, fmt, mapping.keep)
    unmatched = parts.unmatched() if parts is not None else []
    if args.summary_format == "json":
        data = summary.to_dict()
        data["unmatched_components"] = [{"line": n, "purchase_id": i} for n, i in unmatched]
        data["exit_code"] = _exit_code(args, summary, unmatched)
        print(json.dumps(data, indent=2, ensure_ascii=False), file=sys.stderr)
    elif not args.quiet:
        print(summary.report(mapping=mapping), file=sys.stderr)
    if unmatched:
        shown_ids = ", ".join(f"{tick(i)} (line {n})" for n, i in unmatched[:5])
        more = f" and {len(unmatched) - 5} more" if len(unmatched) > 5 else ""
        print(
            shown(
                f"error: {len(unmatched)} part{'s' if len(unmatched) != 1 else ''} in "
                f"{args.components} for purchases not in the ledger: {shown_ids}{more}"
            ),
            file=sys.stderr,
        )
    return _exit_code(args, summary, unmatched)


def _write_output(  # noqa: PLR0917 - the parts of one check
    args: argparse.Namespace,
    results: Iterable[ScreenedRow | RowError],
    out: TextIO,
    rules: RuleSet,
    fmt: str,
    keep: Sequence[str],
) -> ScreeningSummary:
    """The results written to ``--output`` (whole or not at all: an error or Ctrl-C halfway
    leaves the previous file in place) or to ``out``."""
    if not args.output:
        return _write(results, out, rules, fmt, keep)
    try:
        with atomic_output(args.output) as target:
            return _write(results, target, rules, fmt, keep)
    except OSError as exc:
        raise FileError(f"cannot write {tick(args.output)}: {exc.strerror or exc}") from None


def _exit_code(
    args: argparse.Namespace, summary: ScreeningSummary, unmatched: Sequence[object]
) -> int:
    """The exit code of a check: see the module docstring. With ``--exit-bits``, 1 (a decision
    reached ``--fail-on``) and 4 (rows could not be read or parts not joined) are bits of one
    code, so that denials still show when some rows errored."""
    failed = args.fail_on != "never" and any(
        Effect(e) >= Effect(args.fail_on) for e, n in summary.effects.items() if n
    )
    broken = bool(summary.errors or unmatched)
    if args.exit_bits:
        return (EXIT_DENIED if failed else 0) | (EXIT_ROW_ERRORS if broken else 0)
    if broken:
        return EXIT_INPUT
    return EXIT_DENIED if failed else EXIT_OK


def _extra_reader(suffix: str) -> Callable[..., Iterable[LedgerRow | RowError]]:
    """The ``read_ledger`` of the extra that reads ledgers with this suffix."""
    import importlib  # noqa: PLC0415

    extra, module = EXTRA_FORMATS[suffix]
    try:
        reader: Callable[..., Iterable[LedgerRow | RowError]] = importlib.import_module(
            module
        ).read_ledger
    except ImportError:
        raise VendorPolicyError(
            f"reading {suffix} ledgers needs an optional dependency",
            hint=f"pip install vendorpolicy[{extra}]",
        ) from None
    return reader


def _check_fact_columns(
    args: argparse.Namespace,
    rules: RuleSet,
    mapping: ColumnMapping,
    vocabulary: Vocabulary | None,
    extra: list[str | Vocabulary],
) -> None:
    """Refuse, once rather than on every row, the facts the rules' vocabulary does not know:
    a CSV header's fact columns, and the facts the mapping's constants, fact columns and value
    maps state."""
    from vendorpolicy._ledger import _ledger_format, read_header  # noqa: PLC0415
    from vendorpolicy._mapping import FACT_TARGET  # noqa: PLC0415

    where: dict[str, tuple[str, str]] = {}  # fact -> (what, location)
    mapping_file = args.mapping or "the mapping"
    for target in [*mapping.constants, *(t for m in mapping.value_maps for t in m.targets())]:
        if target.startswith(FACT_TARGET):
            where[target[len(FACT_TARGET) :]] = (mapping.source(target), mapping_file)
    if (args.ledger_format or _ledger_format(args.ledger)) == "csv":
        header = read_header(args.ledger, mapping)
        prefix = mapping.fact_prefix
        by_column = {column: fact for fact, column in mapping.fact_columns.items()}
        for i, column in enumerate(header):
            location = f"{args.ledger}:1 column {i + 1}"
            if column in by_column:
                where[by_column[column]] = (f"fact column {tick(column)}", location)
            elif prefix and column.startswith(prefix) and column not in mapping.columns():
                where[column[len(prefix) :]] = (f"fact column {tick(column)}", location)
    found = fact_name_problems(rules, where, vocabulary=vocabulary, extra_facts=extra)
    if not found:
        return
    problems = tuple(
        type(error)(
            f"{where[name][0]}: {error.message}",
            path=where[name][1],
            hint=(error.hint or "").replace("`extra_facts`", "`--extra-fact`")
            if error.hint and "did you mean" in error.hint
            else (
                "map or rename the column"
                if where[name][0].startswith("fact column")
                else "remove it from the mapping"
            )
            + f", or pass `--extra-fact {name}` if it is meant for other rules",
        )
        for name, error in found
    )
    count = len(problems)
    raise InvalidDataError(
        f"{count} problem{'s' if count != 1 else ''} in the header of {args.ledger}",
        problems=problems,
    )


def _format_for(output: str | None) -> str:
    if output and output.lower().endswith(".csv"):
        return "csv"
    if output and output.lower().endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    return "table"


def _load_mapping(args: argparse.Namespace) -> ColumnMapping:
    mapping = ColumnMapping() if args.mapping is None else load_mapping(args.mapping)
    columns = [c.strip() for item in args.keep for c in item.split(",") if c.strip()]
    changes: dict[str, Any] = {}
    if columns:
        changes["keep"] = [*mapping.keep, *columns]
    if args.delimiter is not None:
        changes["delimiter"] = "\t" if args.delimiter == "tab" else args.delimiter
    if args.encoding is not None:
        changes["encoding"] = args.encoding
    if args.decimal is not None:
        changes["decimal"] = args.decimal
    if args.thousands is not None:
        changes["thousands"] = None if args.thousands == "none" else args.thousands
    if not changes:
        return mapping
    try:
        return attrs.evolve(mapping, **changes)
    except VendorPolicyError as exc:
        option = (exc.path or "").rsplit(".", 1)[-1]
        raise _UsageError(f"vendorpolicy check: --{option}: {exc.message} ({exc.hint})") from None


def _write(
    results: Iterable[ScreenedRow | RowError],
    target: TextIO,
    rules: RuleSet,
    fmt: str,
    keep: Sequence[str] = (),
) -> ScreeningSummary:
    bulk = getattr(results, "write", None)
    if bulk is not None and fmt in ("csv", "jsonl"):
        summary: ScreeningSummary = bulk(target, format=fmt, keep=keep)
        return summary
    if fmt != "table":
        return write_results(results, target, rule_set=rules, format=fmt, keep=keep)  # type: ignore[arg-type]
    print("  ".join(("line", "purchase", "decision", "why")), file=target)
    tally = SummaryTally()
    for result in results:
        tally.add(result)
        print("  ".join(shown(cell) for cell in _table_row(result)), file=target)
    return tally.summary()


def _table_row(result: ScreenedRow | RowError) -> tuple[str, ...]:
    if isinstance(result, RowError):
        return (str(result.line), result.purchase_id or "-", "ERROR", "; ".join(result.errors))
    return (
        str(result.line),
        result.purchase.id or "-",
        result.decision.effect.name,
        _why(result.decision),
    )


def _summary_line(summary: ScreeningSummary) -> str:
    return _summary_head(summary)


def _count_lines(path: str) -> int:
    count = 0
    try:
        with Path(path).open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                count += chunk.count(b"\n")
    except OSError:
        return 0
    return max(count - 1, 0)


def _progress(
    results: Iterable[ScreenedRow | RowError], total: int
) -> Iterator[ScreenedRow | RowError]:
    """Pass results through, drawing a progress bar on the terminal's stderr."""
    start = last = time.monotonic()
    done = 0
    for result in results:
        done += 1
        now = time.monotonic()
        if now - last >= 0.2:
            last = now
            _draw(done, total, now - start)
        yield result
    _draw(done, max(total, done), time.monotonic() - start)
    print(file=sys.stderr)


def _draw(done: int, total: int, elapsed: float) -> None:
    width = 30
    fraction = min(done / total, 1.0) if total else 0.0
    bar = "#" * int(fraction * width)
    rate = done / elapsed if elapsed > 0 else 0.0
    print(
        f"\r[{bar:<{width}}] {done:,}/{total:,} rows  {rate:,.0f} rows/s",
        end="",
        file=sys.stderr,
        flush=True,
    )


def _resolve(
    names: Sequence[str], registry: Registry, as_of: dt.date | None, *, as_json: bool, out: TextIO
) -> int:
    probe = Buyer(id="probe", public=True, sector="other")
    resolutions: list[Resolution] = []
    for name in names:
        purchase = Purchase(buyer=probe, supplier=name, date=as_of)
        resolutions.extend(registry.resolve(purchase).resolutions)
    if as_json:
        data = [unstructure(r) for r in resolutions]
        print(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False), file=out)
        return EXIT_OK
    when = as_of.isoformat() if as_of else "no date (vendors that changed over time stay unknown)"
    print(f"Registry: {registry.id} version {registry.version}; as of {when}", file=out)
    for resolution in resolutions:
        lines = resolution.render()
        lines[0] = lines[0].replace("vendor: ", "", 1)
        print("\n".join(shown(line) for line in lines), file=out)
    return EXIT_OK


def _packs(name: str | None, out: TextIO) -> int:
    from vendorpolicy import packs  # noqa: PLC0415 - only this command needs them

    if name is None:
        rows = [(n, packs.info(n)) for n in packs.names()]
        width = max(len(n) for n, _ in rows)
        print(f"{'NAME':<{width}}  RULES  TITLE", file=out)
        for n, info in rows:
            print(f"{n:<{width}}  {info.rule_count:>5}  {info.title}", file=out)
        print("", file=out)
        print("Run `vendorpolicy packs NAME` for one pack's rules, facts and sources.", file=out)
        return EXIT_OK
    info = packs.info(name)
    rule_set = packs.load(name)
    print(f"{info.name}: {info.title}", file=out)
    print(
        f"version {info.version}, {info.rule_count} rules, jurisdiction {info.jurisdiction}",
        file=out,
    )
    print(f"Binds: {info.binds}", file=out)
    print(f"Force: {info.force}", file=out)
    print("", file=out)
    print("Rules:", file=out)
    for rule in rule_set.rules:
        start = rule.in_force_from.isoformat() if rule.in_force_from else "always"
        effects = "/".join(e.name for e in sorted(rule.effects, reverse=True))
        print(f"  {rule.id} -> {effects} (from {start})", file=out)
        print(f"      {rule.reason}", file=out)
    print("", file=out)
    print("Facts a purchase states:", file=out)
    for spec in info.facts:
        where = {"facts": "facts", "purpose": "purpose", "component": "component facts"}
        values = ", ".join(show_value(v) for v in spec.values)
        extra = " (or any other)" if spec.open else ""
        if spec.dates:
            extra = (", or any date" if values else "any date") + extra
        print(f"  {spec.name} [{where[spec.location.value]}]: {values}{extra}", file=out)
        print(f"      {spec.meaning}", file=out)
    print("", file=out)
    print("Sources:", file=out)
    for source in info.sources:
        print(f"  - {source.render()}", file=out)
    return EXIT_OK


def _find_purchase(ref: str) -> Purchase:
    samples = {p.id: p for p in sample_purchases()}
    if ref in samples:
        return samples[ref]
    if not Path(ref).is_file():
        raise VendorPolicyError(
            f"no sample purchase or file `{ref}`",
            hint=f"sample ids: {', '.join(sorted(samples))}",
        )
    return load_purchase(ref)
