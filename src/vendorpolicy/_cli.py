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
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from vendorpolicy._audit import decision_schema, result_schema
from vendorpolicy._checks import tick
from vendorpolicy._cli_analysis import DIFF, LINT, diff_schema, findings_schema
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
from vendorpolicy._cli_check import CHECK, _why
from vendorpolicy._cli_completion import COMPLETION
from vendorpolicy._cli_sql import SQL
from vendorpolicy._cli_table import aligned_table, terminal_width, wrap_line
from vendorpolicy._convert import unstructure
from vendorpolicy._decision import Decision
from vendorpolicy._files import atomic_output, load_purchase, load_rule_set
from vendorpolicy._mapping import mapping_schema
from vendorpolicy._model import Buyer, Purchase
from vendorpolicy._registry import Registry
from vendorpolicy._resolution import Resolution
from vendorpolicy._rules import RuleSet
from vendorpolicy._samples import sample_purchases, sample_rule_set
from vendorpolicy._schema import rule_set_schema
from vendorpolicy._text import shown
from vendorpolicy._vocabulary import show_value
from vendorpolicy.errors import FileError, VendorPolicyError

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
    "findings": findings_schema,
    "diff": diff_schema,
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
    format_option(demo)
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
        "--format jsonl`; findings: `lint --format json`; diff: `diff --format json`",
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
    format_option(fmt)
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
    return aligned_table(lines, width=width, shrink=(1, 2, 3))


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    rules = sample_rule_set()
    rows = [(p, rules.evaluate(p)) for p in sample_purchases()]
    if args.format == "json":
        data = {
            "rule_set": {"id": rules.id, "version": rules.version, "digest": rules.digest},
            "decisions": [d.to_dict(include_purchase=True) for _, d in rows],
        }
        print(json.dumps(data, indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    width = terminal_width(out, 100)
    print("\n".join(wrap_line(f"Rule set: {rules.title}", width, hang=10)), file=out)
    print(f"          {rules.id} version {rules.version}", file=out)
    print(f"          digest {rules.digest}", file=out)  # one word, never cut
    print("", file=out)
    print(decision_table(rows, rules=rules, width=width), file=out)
    print("", file=out)
    more = "Run `vendorpolicy explain p-004` for a full account of one decision."
    print("\n".join(wrap_line(more, width)), file=out)
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
    width = terminal_width(out)
    head = f"Registry: {registry.id} version {registry.version}; as of {when}"
    print("\n".join(wrap_line(shown(head), width)), file=out)
    for resolution in resolutions:
        lines = resolution.render()
        lines[0] = lines[0].replace("vendor: ", "", 1)
        for line in lines:
            print("\n".join(wrap_line(shown(line), width, hang=4)), file=out)
    return EXIT_OK


def _packs(name: str | None, out: TextIO) -> int:
    from vendorpolicy import packs  # noqa: PLC0415 - only this command needs them

    width = terminal_width(out)
    if name is None:
        rows = [("NAME", "RULES", "TITLE")]
        for n in packs.names():
            info = packs.info(n)
            rows.append((n, str(info.rule_count), info.title))
        print(aligned_table(rows, width=width, rule=False, right={1}), file=out)
        print("", file=out)
        more = "Run `vendorpolicy packs NAME` for one pack's rules, facts and sources."
        print("\n".join(wrap_line(more, width)), file=out)
        return EXIT_OK
    info = packs.info(name)
    rule_set = packs.load(name)
    lines = [
        f"{info.name}: {info.title}",
        f"version {info.version}, {info.rule_count} rules, jurisdiction {info.jurisdiction}",
        f"Binds: {info.binds}",
        f"Force: {info.force}",
        "",
        "Rules:",
    ]
    for rule in rule_set.rules:
        start = rule.in_force_from.isoformat() if rule.in_force_from else "always"
        effects = "/".join(e.name for e in sorted(rule.effects, reverse=True))
        lines.append(f"  {rule.id} -> {effects} (from {start})")
        lines.append(f"      {rule.reason}")
    lines.extend(["", "Facts a purchase states:"])
    for spec in info.facts:
        where = {"facts": "facts", "purpose": "purpose", "component": "component facts"}
        values = ", ".join(show_value(v) for v in spec.values)
        extra = " (or any other)" if spec.open else ""
        if spec.dates:
            extra = (", or any date" if values else "any date") + extra
        lines.append(f"  {spec.name} [{where[spec.location.value]}]: {values}{extra}")
        lines.append(f"      {spec.meaning}")
    lines.extend(["", "Sources:"])
    lines.extend(f"  - {source.render()}" for source in info.sources)
    for line in lines:
        # A rule's or a fact's own paragraph (indented 6) wraps flush; a heading line hangs.
        for part in wrap_line(line, width, hang=0 if line.startswith(" " * 6) else 2):
            print(part, file=out)
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
    not. A file that cannot be read is reported and the others are still done (exit 3). With
    ``--format json``, one object per file (``file``, ``status``, ``message``, ``diff``)."""
    as_data = args.format == "json"
    reports: list[dict[str, Any]] = []

    def report(path: str, status: str, message: str | None = None, diff: str = "") -> None:
        reports.append({"file": path, "status": status, "message": message, "diff": diff})
        if as_data:
            return
        if status == "error":
            print(shown(f"error: {message}"), file=sys.stderr)
        elif status != "canonical":
            verb = "would reformat" if status == "would-reformat" else "reformatted"
            print(shown(f"{verb} {path}"), file=out)
            out.write(diff)

    for path in args.rules:
        _fmt_one(path, args, report)
    broken = sum(1 for r in reports if r["status"] == "error")
    unformatted = sum(1 for r in reports if r["status"] in ("reformatted", "would-reformat"))
    if as_data:
        print(json.dumps(reports, indent=2, ensure_ascii=False), file=out)
    else:
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


def _fmt_one(path: str, args: argparse.Namespace, report: Callable[..., None]) -> None:
    """``fmt`` on one file: ``report`` is told its status (and any message or diff)."""
    import difflib  # noqa: PLC0415

    from vendorpolicy._files import dump_rule_set  # noqa: PLC0415

    try:
        before = Path(path).read_text(encoding="utf-8")
        rules = load_rule_set(path)
    except OSError as exc:
        report(path, "error", f"cannot read {tick(path)}: {exc.strerror or exc}")
        return
    except VendorPolicyError as exc:
        report(path, "error", str(exc))
        return
    kind = "json" if path.lower().endswith(".json") else "toml"
    after = dump_rule_set(rules, kind)  # type: ignore[arg-type]
    if after == before:
        report(path, "canonical")
        return
    comments = _toml_comment_lines(before) if kind == "toml" else []
    if comments and not args.drop_comments and not args.check:
        report(
            path,
            "error",
            f"{path} not reformatted: it holds comments (line "
            f"{', '.join(map(str, comments[:5]))}{', …' if len(comments) > 5 else ''}) "
            "that the canonical form cannot keep (pass --drop-comments to drop them)",
        )
        return
    if args.check:
        diff = ""
        if args.diff:
            diff = "".join(
                difflib.unified_diff(
                    before.splitlines(keepends=True),
                    after.splitlines(keepends=True),
                    fromfile=path,
                    tofile=f"{path} (canonical)",
                )
            )
        report(path, "would-reformat", diff=diff)
        return
    try:
        with atomic_output(path) as target:
            target.write(after)
    except OSError as exc:
        raise FileError(f"cannot write {tick(path)}: {exc.strerror or exc}") from None
    report(path, "reformatted")


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
        run=_demo,
        examples=("vendorpolicy demo", "vendorpolicy demo --format json"),
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
    CHECK,
    SQL,
    LINT,
    DIFF,
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
        examples=(
            "vendorpolicy fmt rules.toml",
            "vendorpolicy fmt --check --diff rules/*.toml",
            "vendorpolicy fmt --check rules/*.toml --format json",
        ),
    ),
    COMPLETION,
]

#: Each command's help examples, by name.
_EXAMPLES: dict[str, tuple[str, ...]] = {c.name: c.examples for c in COMMANDS}
