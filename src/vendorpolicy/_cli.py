"""The ``vendorpolicy`` command line.

Exit codes (documented in docs/cli.md):
  0  success (for ``demo``, ``explain``, ``validate`` and ``schema``, whatever the decisions)
  1  a screened purchase was denied (``check``; ``--fail-on`` changes the threshold); a
     recorded decision differs from the one made now (``replay``); a file is not in canonical
     form (``fmt --check``)
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

from vendorpolicy._audit import decision_schema, result_schema
from vendorpolicy._checks import tick
from vendorpolicy._cli_base import (
    EXIT_DENIED,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_ROW_ERRORS,
    EXIT_USAGE,
    Command,
    Parser,
    Subparsers,
    UsageError,
    add_registry_option,
    as_json,
    date_arg,
    extra_facts,
    format_option,
    load_vocabulary,
    outside_vocabulary_options,
    pack_option,
    registry_from_args,
    registry_option,
    vocabulary_option,
)
from vendorpolicy._components import load_components
from vendorpolicy._convert import unstructure
from vendorpolicy._decision import Decision
from vendorpolicy._files import atomic_output, load_purchase, load_rule_set
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
from vendorpolicy._vocabulary import Vocabulary, show_value
from vendorpolicy.errors import FileError, InvalidDataError, VendorPolicyError

__all__ = [
    "COMMANDS",
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


#: The schemas `vendorpolicy schema KIND` prints.
SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "rules": rule_set_schema,
    "mapping": mapping_schema,
    "decision": decision_schema,
    "result": result_schema,
}


def _parser() -> argparse.ArgumentParser:
    """The whole command line, built from :data:`COMMANDS`."""
    from vendorpolicy import __version__  # noqa: PLC0415 - cycle

    parser = Parser(
        prog="vendorpolicy",
        description="Decide whether purchases may go ahead under vendor restrictions.",
    )
    parser.add_argument("--version", action="version", version=f"vendorpolicy {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS:
        sub = command.add_parser(commands)
        if command.examples:
            # Each command's help ends with its examples (kept as written, not re-wrapped).
            sub.formatter_class = argparse.RawDescriptionHelpFormatter
            sub.epilog = "examples:\n" + "\n".join(f"  {line}" for line in command.examples)
    return parser


def _demo_parser(commands: Subparsers) -> argparse.ArgumentParser:
    demo: argparse.ArgumentParser = commands.add_parser(
        "demo",
        help="screen the bundled sample purchases with the bundled example rule set",
        description="Screen the bundled sample purchases with the bundled example rule set, "
        "modelled on Japan's December 2018 government procurement rule.",
    )
    return demo


def _explain_parser(commands: Subparsers) -> argparse.ArgumentParser:
    explain: argparse.ArgumentParser = commands.add_parser(
        "explain",
        help="explain the decision on one purchase in full",
        description="Explain one purchase: `explain RULES PURCHASE.json` decides a purchase "
        "file under a rule file; `explain PURCHASE` uses the bundled example rules, with a "
        "bundled sample id (e.g. p-004) or a purchase JSON file.",
    )
    explain.add_argument(
        "args", nargs="+", metavar="[RULES] PURCHASE", help="a rule file, then a purchase"
    )
    explain.add_argument(
        "--json", action="store_true", help="print the decision's audit record as JSON"
    )
    explain.add_argument("--as-of", type=date_arg, help="judge rules in force on this date")
    explain.add_argument(
        "--what-if",
        action="store_true",
        help="also list the smallest changes of the stated facts that change the effect",
    )
    pack_option(explain)
    outside_vocabulary_options(explain)
    explain.add_argument(
        "--include-purchase",
        action="store_true",
        help="with --json: put the purchase in the record, so that `vendorpolicy replay` can "
        "decide it again",
    )
    add_registry_option(explain, default=None)
    format_option(explain)
    return explain


def _validate_parser(commands: Subparsers) -> argparse.ArgumentParser:
    validate: argparse.ArgumentParser = commands.add_parser(
        "validate",
        help="check rule files and report every problem in them",
        description="Check one or more rule files (JSON or TOML) and report every problem "
        "with its line and path. Exit 0 when all are valid, 3 when any is not.",
    )
    validate.add_argument(
        "rules", nargs="+", metavar="RULES", help="one or more rule files (.toml or .json)"
    )
    vocabulary_option(validate)
    format_option(validate)
    return validate


def _check_parser(commands: Subparsers) -> argparse.ArgumentParser:
    check: argparse.ArgumentParser = commands.add_parser(
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
    pack_option(check)
    check.add_argument("--output", "-o", help="write results to this file (default: stdout)")
    check.add_argument(
        "--format",
        choices=("table", "csv", "jsonl", "records"),
        help="result format (default: by the --output suffix, else table); records: one full "
        "decision record per line, with its purchase (JSON Lines, for `vendorpolicy replay`)",
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
    check.add_argument("--as-of", type=date_arg, help="judge rules in force on this date")
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
    vocabulary_option(check)
    outside_vocabulary_options(check)
    return check


def _schema_parser(commands: Subparsers) -> argparse.ArgumentParser:
    schema: argparse.ArgumentParser = commands.add_parser(
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
        help="rules (default): rule files; mapping: ledger mapping files; decision: decision "
        "records (`explain --json`, `Decision.to_json()`); result: the rows of `check "
        "--format jsonl`",
    )
    return schema


def _packs_parser(commands: Subparsers) -> argparse.ArgumentParser:
    packs: argparse.ArgumentParser = commands.add_parser(
        "packs",
        help="list the bundled rule packs, or show one",
        description="List the bundled rule packs (real regimes) with their titles and rule "
        "counts; with a NAME, show who it binds, its rules, the facts a purchase must state and "
        "its sources.",
    )
    packs.add_argument("name", nargs="?", metavar="NAME", help="a pack to show in full")
    format_option(packs)
    return packs


def _resolve_parser(commands: Subparsers) -> argparse.ArgumentParser:
    resolve: argparse.ArgumentParser = commands.add_parser(
        "resolve",
        help="show how supplier names resolve against a vendor registry",
        description="Resolve free-text supplier names against a vendor registry: the entity, "
        "how it matched, the candidates when it did not, and the designations that reach it.",
    )
    resolve.add_argument("names", nargs="+", metavar="NAME", help="a supplier name as written")
    add_registry_option(resolve)
    resolve.add_argument(
        "--as-of", type=date_arg, default=None, help="the date (YYYY-MM-DD) to resolve as of"
    )
    resolve.add_argument("--json", action="store_true", help="print the resolutions as JSON")
    format_option(resolve)
    return resolve


def _replay_parser(commands: Subparsers) -> argparse.ArgumentParser:
    replay: argparse.ArgumentParser = commands.add_parser(
        "replay",
        help="decide recorded decisions again and report any that differ",
        description="Read decision records (JSON, one record; or JSON Lines, one per line, as "
        "`explain --json --include-purchase` or `Decision.to_json(include_purchase=True)` "
        "write them), decide each recorded purchase again under the rules, as of the recorded "
        "date, and report every record whose decision now differs, with the keys that differ. "
        "Exit 0 when all agree, 1 when any differs, 3 when a record cannot be read.",
    )
    replay.add_argument(
        "args",
        nargs="+",
        metavar="[RULES] RECORDS",
        help="the rule file (omit it with --pack), then one or more record files",
    )
    pack_option(replay)
    add_registry_option(replay, default=None)
    outside_vocabulary_options(replay)
    replay.add_argument("--format", choices=("text", "json"), default="text")
    return replay


def _fmt_parser(commands: Subparsers) -> argparse.ArgumentParser:
    fmt: argparse.ArgumentParser = commands.add_parser(
        "fmt",
        help="rewrite rule files in canonical form (or --check that they are)",
        description="Rewrite each rule file in the canonical form `dump_rule_set` writes "
        "(keys in order, defaults left out, the same format as the file: TOML or JSON). The "
        "rule set is unchanged: its digest stays the same. With --check, change nothing and "
        "exit 1 if a file is not in canonical form.",
    )
    fmt.add_argument("rules", nargs="+", metavar="RULES", help="one or more rule files")
    fmt.add_argument(
        "--check",
        action="store_true",
        help="only report the files that are not in canonical form (exit 1 if any)",
    )
    fmt.add_argument(
        "--diff", action="store_true", help="with --check: show what would change, as a diff"
    )
    fmt.add_argument(
        "--drop-comments",
        action="store_true",
        help="rewrite TOML files that hold comments too (the canonical form has none; without "
        "this option such files are left as they are and reported)",
    )
    return fmt


def _run_schema(args: argparse.Namespace, out: TextIO) -> int:
    print(json.dumps(SCHEMAS[args.kind](), indent=2, ensure_ascii=False), file=out)
    return EXIT_OK


def _run_packs(args: argparse.Namespace, out: TextIO) -> int:
    if args.format == "json":
        return _packs_json(args.name, out)
    return _packs(args.name, out)


def _run_resolve(args: argparse.Namespace, out: TextIO) -> int:
    registry = registry_from_args(args, bundled=True)
    assert registry is not None
    return _resolve(args.names, registry, args.as_of, as_json=as_json(args), out=out)


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
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(shown(str(exc)), file=err)
        print("try `vendorpolicy --help`", file=err)
        return EXIT_USAGE
    run = {command.name: command.run for command in COMMANDS}.get(args.command)
    if run is None:
        parser.print_help(out)
        return EXIT_USAGE
    try:
        return run(args, out)
    except UsageError as exc:
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


def decision_table(
    rows: Sequence[tuple[Purchase, Decision]],
    *,
    rules: RuleSet | None = None,
    width: int | None = None,
) -> str:
    """A plain-text table: one line per purchase with its date, effect and the deciding reason.

    With ``width``, the last column wraps onto continuation lines so that no line is wider
    (nothing is cut); ``rules`` lets a row say which rules were not in force on its date."""
    header = ("purchase", "buyer", "vendor", "category", "date", "decision", "why")
    lines: list[tuple[str, ...]] = [header]
    for p, d in rows:
        lines.append(
            (
                p.id or "-",
                p.buyer.id,
                p.vendor.id if p.vendor else "(unknown)",
                p.category.path if p.category else "(unknown)",
                d.as_of.isoformat() if d.as_of else "-",
                d.effect.name,
                _why(d, rules),
            )
        )
    return aligned_table(lines, width=width)


def aligned_table(lines: Sequence[Sequence[str]], *, width: int | None = None) -> str:
    """Rows aligned in columns under a header (the first row) and a rule of dashes; cells are
    shown escaped. With ``width``, the last column wraps onto continuation lines so that no
    line is wider than ``width`` (a column is never cut)."""
    import textwrap  # noqa: PLC0415

    cells = [tuple(shown(cell) for cell in row) for row in lines]  # user text, escaped
    count = len(cells[0])
    widths = [max(len(row[i]) for row in cells) for i in range(count - 1)]
    indent = sum(widths) + 2 * (count - 1)
    below = width is not None and width - indent < _LAST_COLUMN_MIN
    if below:
        # Too narrow for the last column beside the others: it goes under its row, indented.
        indent = 4
    room = None if width is None else max(width - indent, 20)
    rendered = []
    for row in cells:
        head = "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:-1]))
        last = row[-1]
        if below:
            rendered.append(head.rstrip())
            wrapped = textwrap.wrap(last, room or 20, break_on_hyphens=False) or ["-"]
            rendered.extend(" " * indent + part for part in wrapped)
            continue
        if room is None or len(last) <= room:
            rendered.append(f"{head}  {last}".rstrip())
            continue
        parts = textwrap.wrap(last, room, break_on_hyphens=False)
        rendered.append(f"{head}  {parts[0]}".rstrip())
        rendered.extend(" " * indent + part for part in parts[1:])
    rule = "  ".join("-" * w for w in widths)
    rendered.insert(2 if below else 1, rule if below else rule + "  ---")
    return "\n".join(rendered)


#: The least room the last column of a table gets beside the others before it goes below.
_LAST_COLUMN_MIN = 30


def _terminal_width(limit: int | None = None) -> int:
    """The terminal's width (``COLUMNS``, else 80 when not a terminal), at most ``limit``."""
    import shutil  # noqa: PLC0415

    columns = shutil.get_terminal_size((80, 24)).columns
    return min(columns, limit) if limit else columns


def _not_in_force(decision: Decision, rules: RuleSet | None) -> str | None:
    """``not in force on DATE: rule, …`` when no rule applied and some rule's window left it
    out on the decision date; ``None`` otherwise."""
    if rules is None or decision.as_of is None:
        return None
    out = [
        rule.id
        for layer in rules.layers()
        for rule in layer.rules
        if rule.has_window and not rule.in_force(decision.as_of)
    ]
    if not out:
        return None
    return f"not in force on {decision.as_of.isoformat()}: {', '.join(out)}"


def _why(decision: Decision, rules: RuleSet | None = None) -> str:
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
    return _not_in_force(decision, rules) or "no rule applied"


def _demo(out: TextIO) -> int:
    rules = sample_rule_set()
    rows = [(p, rules.evaluate(p)) for p in sample_purchases()]
    print(f"Rule set: {rules.title}", file=out)
    print(f"          {rules.id} version {rules.version}", file=out)
    print(f"          digest {rules.digest}", file=out)
    print("", file=out)
    print(decision_table(rows, rules=rules, width=_terminal_width(100)), file=out)
    print("", file=out)
    print("Run `vendorpolicy explain p-004` for a full account of one decision.", file=out)
    return EXIT_OK


def _explain(args: argparse.Namespace, *, out: TextIO) -> int:
    options = {"outside_vocabulary": args.outside_vocabulary, "extra_facts": extra_facts(args)}
    if args.pack is not None:
        if len(args.args) != 1:
            raise UsageError("vendorpolicy explain: with --pack, give only the PURCHASE")
        from vendorpolicy import packs  # noqa: PLC0415 - only these commands need them

        purchase = _find_purchase(args.args[0])
        rules = packs.load(args.pack)
        registry = registry_from_args(args, bundled=True)
        decision = rules.evaluate(purchase, as_of=args.as_of, registry=registry, **options)
        _print_explained(args, rules, purchase, decision, registry, out=out)
        return EXIT_OK
    if len(args.args) > 2:
        raise UsageError("vendorpolicy explain: give [RULES] PURCHASE, at most two arguments")
    rules = load_rule_set(args.args[0]) if len(args.args) == 2 else sample_rule_set()
    purchase = _find_purchase(args.args[-1])
    registry = registry_from_args(args, bundled=False)
    decision = rules.evaluate(purchase, as_of=args.as_of, registry=registry, **options)
    _print_explained(args, rules, purchase, decision, registry, out=out)
    return EXIT_OK


def _print_explained(
    args: argparse.Namespace,
    rules: RuleSet,
    purchase: Purchase,
    decision: Decision,
    registry: Registry | None,
    *,
    out: TextIO,
) -> None:
    """The decision (text or JSON) and, with ``--what-if``, its counterfactuals."""
    if not args.what_if:
        print(_explained(args, decision), file=out)
        return
    from vendorpolicy.analysis import what_if  # noqa: PLC0415 - only --what-if needs it

    found = what_if(
        rules,
        purchase,
        as_of=args.as_of,
        registry=registry,
        outside_vocabulary=args.outside_vocabulary,
        extra_facts=extra_facts(args),
    )
    if as_json(args):
        # The decision's record stays as `explain --json` writes it; the counterfactuals go
        # beside it.
        record = json.loads(_explained(args, decision))
        counterfactuals = [
            {
                "effect": c.effect.value,
                "changes": [
                    {
                        "fact": ch.fact,
                        "before": _json_value(ch.before),
                        "after": _json_value(ch.after),
                        "note": ch.note,
                    }
                    for ch in c.changes
                ],
            }
            for c in found.counterfactuals
        ]
        document = {"decision": record, "what_if": counterfactuals}
        print(json.dumps(document, indent=2, ensure_ascii=False), file=out)
        return
    print(decision.explain(), file=out)
    print("", file=out)
    print("What would change the effect:", file=out)
    for line in str(found).splitlines():
        print(shown(line), file=out)


def _json_value(value: object) -> object:
    """A counterfactual's value as JSON: dates as text, money as `amount currency`, no
    components as `[]`."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, tuple):
        return list(value)
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _explained(args: argparse.Namespace, decision: Decision) -> str:
    if as_json(args):
        return decision.to_json(indent=2, include_purchase=args.include_purchase)
    return decision.explain()


def _validate_all(args: argparse.Namespace, out: TextIO) -> int:
    """``validate`` over every file given: each is checked and reported (an invalid one does
    not stop the others); exit 3 when any is invalid."""
    vocabulary = load_vocabulary(args.vocabulary)
    reports: list[dict[str, Any]] = []
    for path in args.rules:
        try:
            rules = load_rule_set(path, vocabulary=vocabulary)
        except VendorPolicyError as exc:
            problems = getattr(exc, "problems", ()) or (exc,)
            reports.append(
                {
                    "file": path,
                    "valid": False,
                    "error": exc.message,
                    "problems": [
                        {"message": p.message, "path": p.path, "hint": p.hint} for p in problems
                    ],
                }
            )
            if args.format != "json":
                print(f"error: {exc}", file=sys.stderr)
            continue
        layers = rules.layers()
        reports.append(
            {
                "file": path,
                "valid": True,
                "id": rules.id,
                "version": rules.version,
                "rules": sum(len(layer.rules) for layer in layers),
                "layers": len(layers),
                "digest": rules.digest,
            }
        )
        if args.format != "json":
            _validate(path, None, out, rules=rules)
    if args.format == "json":
        print(json.dumps(reports, indent=2, ensure_ascii=False), file=out)
    return EXIT_OK if all(r["valid"] for r in reports) else EXIT_INPUT


def _validate(
    path: str, vocabulary: str | None, out: TextIO, *, rules: RuleSet | None = None
) -> int:
    if rules is None:
        rules = load_rule_set(path, vocabulary=load_vocabulary(vocabulary))
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
            raise UsageError("vendorpolicy check: with --pack, give only the LEDGER")
        from vendorpolicy import packs  # noqa: PLC0415 - only these commands need them

        rules = packs.load(args.pack)
        vocabulary = load_vocabulary(args.vocabulary)
    else:
        if len(args.args) != 2:
            raise UsageError("vendorpolicy check: give RULES LEDGER, or --pack NAME LEDGER")
        vocabulary = load_vocabulary(args.vocabulary)
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
    extra = extra_facts(args)
    suffix = Path(args.ledger).suffix.lower()
    via_extra = args.ledger_format is None and suffix in EXTRA_FORMATS
    if args.outside_vocabulary == "error" and not via_extra:
        _check_fact_columns(args, rules, mapping, vocabulary, extra)
    if args.all_components and not args.components:
        raise UsageError("vendorpolicy check: --all-components needs --components FILE")
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
        raise UsageError(f"vendorpolicy check: --{option}: {exc.message} ({exc.hint})") from None


def _write(
    results: Iterable[ScreenedRow | RowError],
    target: TextIO,
    rules: RuleSet,
    fmt: str,
    keep: Sequence[str] = (),
) -> ScreeningSummary:
    if fmt == "records":
        return _write_records(results, target, rules)
    bulk = getattr(results, "write", None)
    if bulk is not None and fmt in ("csv", "jsonl"):
        summary: ScreeningSummary = bulk(target, format=fmt, keep=keep)
        return summary
    if fmt != "table":
        return write_results(results, target, rule_set=rules, format=fmt, keep=keep)  # type: ignore[arg-type]
    print(_check_line(("line", "purchase", "decision", "why")), file=target)
    tally = SummaryTally()
    for result in results:
        tally.add(result)
        print(_check_line([shown(cell) for cell in _table_row(result, rules)]), file=target)
    return tally.summary()


def _write_records(
    results: Iterable[ScreenedRow | RowError], target: TextIO, rules: RuleSet
) -> ScreeningSummary:
    """``check --format records``: each decision's audit record with its purchase and its
    ``ledger`` place (line, kept columns), one per line; a row that could not be read is its
    error record (``status: error``), which ``replay`` counts apart."""
    from vendorpolicy._ledger import result_record  # noqa: PLC0415

    tally = SummaryTally()
    for result in results:
        tally.add(result)
        if isinstance(result, RowError):
            data = {"record_version": 1, **result_record(result, rules)}
        else:
            data = result.decision.to_dict(include_purchase=True)
            data["ledger"] = {"line": result.line, "kept": dict(result.kept)}
        target.write(json.dumps(data, sort_keys=True, ensure_ascii=False) + "\n")
    return tally.summary()


#: The widths the columns of the `check` table are padded to (rows stream, so the widths are
#: fixed; a longer cell pushes the rest of its row along, and is never cut).
_CHECK_WIDTHS = (5, 12, 8)


def _check_line(cells: Sequence[str]) -> str:
    padded = [cell.ljust(w) for cell, w in zip(cells, _CHECK_WIDTHS, strict=False)]
    return "  ".join([*padded, *cells[len(_CHECK_WIDTHS) :]]).rstrip()


def _table_row(result: ScreenedRow | RowError, rules: RuleSet | None = None) -> tuple[str, ...]:
    if isinstance(result, RowError):
        return (str(result.line), result.purchase_id or "-", "ERROR", "; ".join(result.errors))
    return (
        str(result.line),
        result.purchase.id or "-",
        result.decision.effect.name,
        _why(result.decision, rules),
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
    print("\r" + progress_line(done, total, elapsed), end="", file=sys.stderr, flush=True)


def _clock(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def progress_line(done: int, total: int, elapsed: float) -> str:
    """One line of progress: a bar, rows done of the total, the rate, the time elapsed and the
    estimated time left (``ETA --:--`` until there is a rate to estimate from)."""
    width = 30
    fraction = min(done / total, 1.0) if total else 0.0
    bar = "#" * int(fraction * width)
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (max(total - done, 0) / rate) if rate > 0 and total else None
    eta = "--:--" if left is None else _clock(left)
    return (
        f"[{bar:<{width}}] {done:,}/{total:,} rows  {rate:,.0f} rows/s  "
        f"elapsed {_clock(elapsed)}  ETA {eta}"
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


def _read_records(path: str, skipped: list[str] | None = None) -> Iterator[Decision]:
    """The decision records in ``path``: one JSON object, or JSON Lines. The error records of
    ``check --format records`` (rows that could not be read) are not decisions: each is added
    to ``skipped`` as ``path:line``."""
    from vendorpolicy._audit import decision_from_json  # noqa: PLC0415

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise FileError(f"cannot read {tick(path)}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise FileError(f"cannot read {tick(path)}: not UTF-8 text") from None
    stripped = text.strip()
    if stripped.startswith("{") and "\n{" not in stripped:
        yield decision_from_json(stripped, what=path)
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if skipped is not None and '"status"' in line:
            with contextlib.suppress(ValueError, AttributeError):
                if json.loads(line).get("status") == "error":
                    skipped.append(f"{path}:{number}")
                    continue
        yield decision_from_json(line, what=f"{path}:{number}")


def _replay(args: argparse.Namespace, out: TextIO) -> int:
    from vendorpolicy._audit import replay  # noqa: PLC0415

    if args.pack is not None:
        from vendorpolicy import packs  # noqa: PLC0415 - only these commands need them

        rules = packs.load(args.pack)
        files = args.args
    else:
        if len(args.args) < 2:
            raise UsageError(
                "vendorpolicy replay: give RULES RECORDS..., or --pack NAME RECORDS..."
            )
        rules = load_rule_set(args.args[0])
        files = args.args[1:]
    registry = registry_from_args(args, bundled=args.pack is not None)
    options = {"outside_vocabulary": args.outside_vocabulary, "extra_facts": extra_facts(args)}
    rows: list[dict[str, Any]] = []
    skipped: list[str] = []
    for path in files:
        records = _read_records(path, skipped)
        for replayed in replay(records, rules, registry=registry, **options):
            before, now = replayed.recorded, replayed.now
            rows.append(
                {
                    "file": path,
                    "purchase_id": before.purchase_id,
                    "agrees": replayed.agrees,
                    "differences": list(replayed.differences),
                    "rule_set_changed": replayed.rule_set_changed,
                    "recorded": before.effect.value,
                    "now": now.effect.value,
                }
            )
    differing = [r for r in rows if not r["agrees"]]
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False), file=out)
    else:
        for row in differing:
            change = (
                f"{row['recorded'].upper()} -> {row['now'].upper()}"
                if row["recorded"] != row["now"]
                else f"still {row['now'].upper()}"
            )
            print(
                shown(
                    f"differs: {row['file']}: purchase {row['purchase_id'] or '-'}: {change}; "
                    f"changed: {', '.join(row['differences'])}"
                ),
                file=out,
            )
        moved = sum(1 for r in rows if r["rule_set_changed"])
        print(
            f"{len(rows)} record{'s' if len(rows) != 1 else ''} replayed: "
            f"{len(rows) - len(differing)} agree, {len(differing)} differ"
            + (
                f" ({moved} recorded under another version or digest of the rule set)"
                if moved
                else ""
            )
            + (
                f"; {len(skipped)} error record{'s' if len(skipped) != 1 else ''} of rows that "
                f"could not be read, not replayed ({', '.join(skipped[:3])}"
                + (", …)" if len(skipped) > 3 else ")")
                if skipped
                else ""
            ),
            file=out,
        )
    return EXIT_DENIED if differing else EXIT_OK


def _packs_json(name: str | None, out: TextIO) -> int:
    """``packs --format json``: the list of packs, or one pack in full, as plain data."""
    from vendorpolicy import packs  # noqa: PLC0415 - only this command needs them

    def summary(n: str) -> dict[str, Any]:
        info = packs.info(n)
        return {
            "name": info.name,
            "title": info.title,
            "version": info.version,
            "rules": info.rule_count,
            "jurisdiction": info.jurisdiction,
        }

    if name is None:
        data: Any = [summary(n) for n in packs.names()]
    else:
        info = packs.info(name)
        rule_set = packs.load(name)
        data = {
            **summary(name),
            "binds": info.binds,
            "force": info.force,
            "rule_list": [
                {
                    "id": rule.id,
                    "effects": [e.value for e in sorted(rule.effects, reverse=True)],
                    "in_force_from": rule.in_force_from.isoformat() if rule.in_force_from else None,
                    "reason": rule.reason,
                    "source": rule.source,
                }
                for rule in rule_set.rules
            ],
            "facts": [unstructure(spec) for spec in info.facts],
            "sources": [source.render() for source in info.sources],
        }
    print(json.dumps(data, indent=2, ensure_ascii=False), file=out)
    return EXIT_OK


def _fmt(args: argparse.Namespace, out: TextIO) -> int:
    """``fmt``: each rule file rewritten in canonical form, or (``--check``) reported when it is
    not. A file that cannot be read is reported and the others are still done (exit 3)."""
    import difflib  # noqa: PLC0415

    from vendorpolicy._files import dump_rule_set  # noqa: PLC0415

    unformatted = 0
    broken = 0
    for path in args.rules:
        try:
            before = Path(path).read_text(encoding="utf-8")
            rules = load_rule_set(path)
        except OSError as exc:
            print(f"error: cannot read {tick(path)}: {exc.strerror or exc}", file=sys.stderr)
            broken += 1
            continue
        except VendorPolicyError as exc:
            print(f"error: {exc}", file=sys.stderr)
            broken += 1
            continue
        kind = "json" if path.lower().endswith(".json") else "toml"
        after = dump_rule_set(rules, kind)  # type: ignore[arg-type]
        if after == before:
            continue
        comments = _toml_comment_lines(before) if kind == "toml" else []
        if comments and not args.drop_comments and not args.check:
            print(
                shown(
                    f"error: {path} not reformatted: it holds comments (line "
                    f"{', '.join(map(str, comments[:5]))}{', …' if len(comments) > 5 else ''}) "
                    "that the canonical form cannot keep (pass --drop-comments to drop them)"
                ),
                file=sys.stderr,
            )
            broken += 1
            continue
        unformatted += 1
        if args.check:
            print(shown(f"would reformat {path}"), file=out)
            if args.diff:
                out.writelines(
                    difflib.unified_diff(
                        before.splitlines(keepends=True),
                        after.splitlines(keepends=True),
                        fromfile=path,
                        tofile=f"{path} (canonical)",
                    )
                )
            continue
        try:
            with atomic_output(path) as target:
                target.write(after)
        except OSError as exc:
            raise FileError(f"cannot write {tick(path)}: {exc.strerror or exc}") from None
        print(shown(f"reformatted {path}"), file=out)
    done = len(args.rules) - broken
    verb = "would be reformatted" if args.check else "reformatted"
    print(
        f"{unformatted} file{'s' if unformatted != 1 else ''} {verb}, "
        f"{done - unformatted} already canonical"
        + (f", {broken} not done (see the errors above)" if broken else ""),
        file=out,
    )
    if broken:
        return EXIT_INPUT
    return EXIT_DENIED if args.check and unformatted else EXIT_OK


def _toml_comment_lines(text: str) -> list[int]:
    """The numbers of the lines of a TOML text that hold a comment (a ``#`` outside quotes;
    inside a multi-line string every ``#`` counts, to be safe)."""
    import re  # noqa: PLC0415

    strings = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if "#" in strings.sub("", line)
    ]


#: Every subcommand, in the order `vendorpolicy --help` lists them. A new command is a
#: `Command` (see `_cli_base`) added here; its parser, dispatch, help examples and shell
#: completion follow from this list.
COMMANDS: list[Command] = [
    Command(
        name="demo",
        add_parser=_demo_parser,
        run=lambda args, out: _demo(out),
        examples=("vendorpolicy demo",),
    ),
    Command(
        name="explain",
        add_parser=_explain_parser,
        run=lambda args, out: _explain(args, out=out),
        examples=(
            "vendorpolicy explain p-004",
            "vendorpolicy explain rules.toml purchase.json --as-of 2024-01-02",
            "vendorpolicy explain --pack us-ndaa-889 purchase.json --json --include-purchase",
        ),
    ),
    Command(
        name="validate",
        add_parser=_validate_parser,
        run=_validate_all,
        examples=(
            "vendorpolicy validate rules.toml",
            "vendorpolicy validate rules/*.toml --format json",
        ),
    ),
    Command(
        name="check",
        add_parser=_check_parser,
        run=_check,
        examples=(
            "vendorpolicy check rules.toml purchases.csv -o results.csv",
            "vendorpolicy check --pack us-ndaa-889 export.csv --mapping sap.toml --keep PO,Item",
            "vendorpolicy check --pack us-ndaa-889 - --format jsonl < export.csv",
        ),
    ),
    Command(
        name="schema",
        add_parser=_schema_parser,
        run=_run_schema,
        examples=(
            "vendorpolicy schema rules > rules.schema.json",
            "vendorpolicy schema decision",
        ),
    ),
    Command(
        name="packs",
        add_parser=_packs_parser,
        run=_run_packs,
        examples=("vendorpolicy packs", "vendorpolicy packs us-ndaa-889 --format json"),
    ),
    Command(
        name="resolve",
        add_parser=_resolve_parser,
        run=_run_resolve,
        examples=(
            'vendorpolicy resolve "Huawei Technologies" "Hik Vision" --as-of 2024-01-02',
            "vendorpolicy resolve ACME --registry suppliers.csv --format json",
        ),
    ),
    Command(
        name="replay",
        add_parser=_replay_parser,
        run=_replay,
        examples=(
            "vendorpolicy replay rules.toml decisions.jsonl",
            "vendorpolicy replay --pack us-ndaa-889 record.json --format json",
        ),
    ),
    Command(
        name="fmt",
        add_parser=_fmt_parser,
        run=_fmt,
        examples=("vendorpolicy fmt rules.toml", "vendorpolicy fmt --check --diff rules/*.toml"),
    ),
]

#: Each command's help examples, by name.
_EXAMPLES: dict[str, tuple[str, ...]] = {c.name: c.examples for c in COMMANDS}
