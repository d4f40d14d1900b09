"""``vendorpolicy check``: screen one or more ledgers against a rule file or a bundled pack.

Several ledgers in one run (``check RULES A.csv B.csv``) give one combined output, with a
``ledger`` column (CSV, table), field (JSON Lines) or ``ledger.file`` (records) naming each
row's ledger, or with ``--output-dir DIR`` one result file per ledger; either way one summary
and one exit code for the whole run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

import attrs

from vendorpolicy._checks import tick
from vendorpolicy._cli_base import (
    EXIT_DENIED,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_ROW_ERRORS,
    Command,
    Subparsers,
    UsageError,
    add_registry_option,
    date_arg,
    extra_facts,
    load_vocabulary,
    outside_vocabulary_options,
    pack_option,
    registry_from_args,
    vocabulary_option,
)
from vendorpolicy._cli_table import StreamTable, terminal_width
from vendorpolicy._components import ComponentsFile, load_components
from vendorpolicy._decision import Decision
from vendorpolicy._files import atomic_output, load_rule_set
from vendorpolicy._ledger import (
    EXTRA_FORMATS,
    RESULT_COLUMNS,
    ColumnMapping,
    LedgerRow,
    RowError,
    ScreenedRow,
    ScreeningSummary,
    SummaryTally,
    _csv_cell,
    _csv_line,
    _ledger_format,
    _summary_head,
    detect_format,
    read_ledger,
    result_record,
    screen,
    write_results,
)
from vendorpolicy._mapping import load_mapping
from vendorpolicy._model import Effect
from vendorpolicy._registry import Registry
from vendorpolicy._rules import RuleSet
from vendorpolicy._text import shown
from vendorpolicy._vocabcheck import fact_name_problems
from vendorpolicy._vocabulary import Vocabulary
from vendorpolicy.errors import FileError, InvalidDataError, VendorPolicyError

__all__ = ["CHECK", "combined_summary", "progress_line"]

#: The suffixes of rule files: under ``--pack``, a ledger argument with one is a mistake.
_RULE_SUFFIXES = (".toml", ".json")

#: The suffixes of ledgers: without ``--pack``, a first argument with one is a mistake.
_LEDGER_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".xlsx", ".parquet")

#: The suffix of each result format's files under ``--output-dir``.
_RESULT_SUFFIXES = {
    "csv": ".csv",
    "jsonl": ".jsonl",
    "records": ".records.jsonl",
    "table": ".txt",
}


def _check_parser(commands: Subparsers) -> argparse.ArgumentParser:
    check: argparse.ArgumentParser = commands.add_parser(
        "check",
        help="screen purchase ledgers (CSV, JSON Lines, ...) against a rule file or a pack",
        description="Screen every row of one or more ledgers and write one result per row: a "
        "decision, or an error record with the row's line. Several ledgers give one output with "
        "a `ledger` column (or one file each with --output-dir), one summary and one exit code. "
        "Exit 1 when a purchase is denied (see --fail-on), 3 when the rules, a ledger or any "
        "row could not be read.",
    )
    check.add_argument(
        "args",
        nargs="+",
        metavar="[RULES] LEDGER",
        help="the rule file (.toml or .json; omit it with --pack), then one or more ledgers "
        "(.csv, .jsonl for JSON Lines, .xlsx, .parquet; `-` for standard input)",
    )
    pack_option(check)
    check.add_argument(
        "--output",
        "-o",
        help="write results to this file (default: stdout); with several ledgers, one file for "
        "all, with a `ledger` column",
    )
    check.add_argument(
        "--output-dir",
        metavar="DIR",
        help="write each ledger's results to its own file in DIR: STEM.results.csv (or .jsonl, "
        ".records.jsonl, .txt by --format; default csv)",
    )
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
    check.add_argument(
        "--engine",
        choices=("python", "duckdb"),
        default="python",
        help="python (default), or duckdb: screen Parquet/CSV tables inside DuckDB with the "
        "columns of docs/scale.md (`pip install vendorpolicy[duckdb]`)",
    )
    return check


def _check(args: argparse.Namespace, out: TextIO) -> int:
    """``check``: every ledger screened under the rules, into one output or one file each."""
    if args.engine == "duckdb":
        from vendorpolicy._cli_sql import check_in_duckdb  # noqa: PLC0415 - an optional extra

        return check_in_duckdb(args, out)
    if args.pack is not None:
        rule_files = [a for a in args.args if Path(a).suffix.lower() in _RULE_SUFFIXES]
        if rule_files:
            raise UsageError(
                "vendorpolicy check: with --pack, give only the LEDGER files "
                f"({tick(rule_files[0])} is a rule file: drop --pack to screen under it)"
            )
        ledgers = list(args.args)
    else:
        if len(args.args) < 2:
            raise UsageError("vendorpolicy check: give RULES LEDGER..., or --pack NAME LEDGER...")
        ledgers = list(args.args[1:])
        if Path(args.args[0]).suffix.lower() in _LEDGER_SUFFIXES or args.args[0] == "-":
            raise UsageError(
                f"vendorpolicy check: {tick(args.args[0])} is a ledger, but the first argument "
                "is the rule file: give RULES LEDGER..., or --pack NAME LEDGER..."
            )
    if ledgers.count("-") > 1:
        raise UsageError("vendorpolicy check: standard input (`-`) can be read only once")
    if args.output == "-":
        args.output = None  # standard output
    if args.output is not None and args.output_dir is not None:
        raise UsageError("vendorpolicy check: give --output FILE or --output-dir DIR, not both")
    if args.all_components and not args.components:
        raise UsageError("vendorpolicy check: --all-components needs --components FILE")
    fmt = args.format or ("csv" if args.output_dir is not None else _format_for(args.output))
    targets = _result_files(args.output_dir, ledgers, fmt) if args.output_dir else None
    vocabulary = load_vocabulary(args.vocabulary)
    if args.pack is not None:
        from vendorpolicy import packs  # noqa: PLC0415 - only these commands need them

        rules = packs.load(args.pack)
    else:
        rules = load_rule_set(args.args[0], vocabulary=vocabulary)
    with contextlib.ExitStack() as stack:
        paths = {
            name: stack.enter_context(_spooled_stdin(args)) if name == "-" else name
            for name in ledgers
        }
        run = _Run(
            args=args,
            rules=rules,
            vocabulary=vocabulary,
            registry=registry_from_args(args, bundled=args.pack is not None),
            mapping=_load_mapping(args),
            parts=(
                load_components(args.components, complete=args.all_components)
                if args.components
                else None
            ),
            extra=extra_facts(args),
            fmt=fmt,
            paths=paths,
        )
        run.check_inputs()
        summaries: list[tuple[str, ScreeningSummary, str | None]]
        if targets is not None:
            summaries = [
                (name, run.write_file(name, targets[name]), targets[name]) for name in ledgers
            ]
        else:
            summaries = run.write_stream(ledgers, out)
    return _report(args, run, summaries)


def _result_files(folder: str, ledgers: Sequence[str], fmt: str) -> dict[str, str]:
    """The result file of each ledger under ``--output-dir``: ``STEM.results.SUFFIX``, checked
    so that no two ledgers write the same file and no result overwrites a ledger."""
    suffix = _RESULT_SUFFIXES[fmt]
    targets: dict[str, str] = {}
    seen: dict[str, str] = {}
    for name in ledgers:
        stem = "stdin" if name == "-" else Path(name).stem or "ledger"
        target = str(Path(folder) / f"{stem}.results{suffix}")
        if target in seen:
            raise UsageError(
                f"vendorpolicy check: --output-dir: {tick(seen[target])} and {tick(name)} would "
                f"both write {tick(target)} (rename one, or screen them in separate runs)"
            )
        if name != "-" and Path(target).resolve() == Path(name).resolve():
            raise UsageError(
                f"vendorpolicy check: --output-dir: the results of {tick(name)} would "
                "overwrite it (choose another folder)"
            )
        seen[target] = name
        targets[name] = target
    return targets


@attrs.define(kw_only=True)
class _Run:
    """What every ledger of one ``check`` shares: the rules, registry, mapping and parts."""

    args: argparse.Namespace
    rules: RuleSet
    vocabulary: Vocabulary | None
    registry: Registry | None
    mapping: ColumnMapping
    parts: ComponentsFile | None
    extra: list[str | Vocabulary]
    fmt: str
    #: Each ledger as named on the command line, and the file it is read from (standard
    #: input is spooled to a temporary file).
    paths: dict[str, str]
    #: The mapping each ledger is read with (its ``auto`` settings detected).
    mappings: dict[str, ColumnMapping] = attrs.field(factory=dict)

    def check_inputs(self) -> None:
        """Refuse, before any row is screened, a ledger that cannot be opened and a header
        whose fact columns the rules do not know, so that a run over several ledgers stops
        before it writes anything."""
        for name, path in self.paths.items():
            try:
                Path(path).open("rb").close()
            except OSError as exc:
                raise FileError(f"cannot read {tick(name)}: {exc.strerror or exc}") from None
            mapping = self.mapping
            if (
                not self._via_extra(path)
                and self._ledger_format(path) == "csv"
                and "auto"
                in (
                    mapping.delimiter,
                    mapping.encoding,
                    mapping.decimal,
                )
            ):
                detected = detect_format(path, mapping)
                mapping = detected.mapping
                if not self.args.quiet:
                    shown_name = "standard input" if name == "-" else name
                    print(shown(f"{shown_name}: " + "; ".join(detected.notes)), file=sys.stderr)
            self.mappings[name] = mapping
            if self.args.outside_vocabulary == "error" and not self._via_extra(path):
                _check_fact_columns(
                    self.args,
                    path,
                    name="standard input" if name == "-" else name,
                    rules=self.rules,
                    mapping=mapping,
                    vocabulary=self.vocabulary,
                    extra=self.extra,
                )

    def _via_extra(self, path: str) -> bool:
        return self.args.ledger_format is None and Path(path).suffix.lower() in EXTRA_FORMATS

    def _ledger_format(self, path: str) -> str:
        return str(self.args.ledger_format or _ledger_format(path))

    @contextlib.contextmanager
    def results(self, name: str, *, bulk: bool) -> Iterator[Iterable[ScreenedRow | RowError]]:
        """The results of one ledger, streaming; its file is closed afterwards, also when the
        run stops early (an error, Ctrl-C). With ``bulk``, a CSV ledger may be screened by the
        bulk path (see `_bulk`), whose results write themselves."""
        path = self.paths[name]
        mapping = self.mappings[name]
        show_progress = not self.args.quiet and sys.stderr.isatty()
        rows: Iterable[LedgerRow | RowError]
        if self._via_extra(path):
            suffix = Path(path).suffix.lower()
            rows = _extra_reader(suffix)(path, mapping=mapping, components=self.parts)
        elif (
            bulk
            and self.parts is None
            and self.fmt in ("csv", "jsonl")
            and not show_progress
            and self._ledger_format(path) == "csv"
        ):
            from vendorpolicy._bulk import BulkRows  # noqa: PLC0415

            rows = BulkRows(path, mapping=mapping)
        else:
            rows = read_ledger(
                path,
                mapping=mapping,
                format=self.args.ledger_format,
                components=self.parts,
            )
        results: Iterable[ScreenedRow | RowError] = screen(
            self.rules,
            rows,
            as_of=self.args.as_of,
            registry=self.registry,
            outside_vocabulary=self.args.outside_vocabulary,
            extra_facts=self.extra,
            vocabulary=self.vocabulary,
        )
        if show_progress:
            results = _progress(results, _count_lines(path))
        with contextlib.ExitStack() as reader:
            stop = getattr(rows, "close", None)
            if stop is not None:
                reader.callback(stop)
            yield results

    def write_file(self, name: str, target: str) -> ScreeningSummary:
        """One ledger's results written to their own file, whole or not at all."""
        try:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            with atomic_output(target) as handle:
                writer = _Writer(handle, self.rules, self.fmt, self.mapping.keep, ledgers=None)
                with self.results(name, bulk=True) as results:
                    summary = writer.write(results, name)
                writer.close()
                return summary
        except OSError as exc:
            raise FileError(f"cannot write {tick(target)}: {exc.strerror or exc}") from None

    def write_stream(
        self, ledgers: Sequence[str], out: TextIO
    ) -> list[tuple[str, ScreeningSummary, str | None]]:
        """Every ledger's results in one output (``--output``, written whole or not at all, or
        ``out``), with the ledger named on each row when there are several."""
        if not self.args.output:
            return self._stream(ledgers, out)
        try:
            with atomic_output(self.args.output) as target:
                return self._stream(ledgers, target)
        except OSError as exc:
            raise FileError(
                f"cannot write {tick(self.args.output)}: {exc.strerror or exc}"
            ) from None

    def _stream(
        self, ledgers: Sequence[str], target: TextIO
    ) -> list[tuple[str, ScreeningSummary, str | None]]:
        several = len(ledgers) > 1
        writer = _Writer(
            target, self.rules, self.fmt, self.mapping.keep, ledgers=ledgers if several else None
        )
        summaries = []
        for name in ledgers:
            with self.results(name, bulk=not several) as results:
                summaries.append((name, writer.write(results, name), self.args.output))
        writer.close()
        return summaries


class _Writer:
    """Results in one format into one output, ledger after ledger: the header once, and with
    ``ledgers`` (a run over several) the ledger named on every row."""

    def __init__(
        self,
        target: TextIO,
        rules: RuleSet,
        fmt: str,
        keep: Sequence[str],
        *,
        ledgers: Sequence[str] | None,
    ) -> None:
        self._target = target
        self._rules = rules
        self._fmt = fmt
        self._keep = tuple(keep)
        self._several = ledgers is not None
        self._header = False
        self._table: StreamTable | None = None
        if fmt == "table":
            header: tuple[str, ...] = ("line", "purchase", "decision", "why")
            caps = {1: 24}
            keep_end: tuple[int, ...] = ()
            if ledgers is not None:
                header = ("ledger", *header)
                caps = {0: 30, 2: 24}
                keep_end = (0,)
            self._table = StreamTable(
                header, target, width=terminal_width(target), caps=caps, keep_end=keep_end
            )

    def write(self, results: Iterable[ScreenedRow | RowError], ledger: str) -> ScreeningSummary:
        """Write one ledger's results; their summary."""
        if self._table is not None:
            tally = SummaryTally()
            for result in results:
                tally.add(result)
                cells = _table_row(result, self._rules)
                self._table.add((ledger, *cells) if self._several else cells)
            return tally.summary()
        if self._fmt == "records":
            return self._records(results, ledger)
        if not self._several:
            bulk = getattr(results, "write", None)
            if bulk is not None:
                summary: ScreeningSummary = bulk(self._target, format=self._fmt, keep=self._keep)
                return summary
            return write_results(
                results,
                self._target,
                rule_set=self._rules,
                format=self._fmt,  # type: ignore[arg-type]
                keep=self._keep,
            )
        return self._with_ledger(results, ledger)

    def _with_ledger(
        self, results: Iterable[ScreenedRow | RowError], ledger: str
    ) -> ScreeningSummary:
        """CSV or JSON Lines rows with a ``ledger`` column (first) or field."""
        csv_out = self._fmt == "csv"
        if csv_out and not self._header:
            self._header = True
            self._target.write(
                _csv_line(["ledger", *RESULT_COLUMNS, *(_csv_cell(c) for c in self._keep)])
            )
        tally = SummaryTally()
        for result in results:
            tally.add(result)
            record = result_record(result, self._rules)
            if csv_out:
                kept = record["kept"]
                cells = [
                    _csv_cell(ledger),
                    *(_csv_cell(record[c]) for c in RESULT_COLUMNS),
                    *(_csv_cell(kept.get(c, "")) for c in self._keep),
                ]
                self._target.write(_csv_line(cells))
            else:
                record["ledger"] = ledger
                self._target.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        return tally.summary()

    def _records(self, results: Iterable[ScreenedRow | RowError], ledger: str) -> ScreeningSummary:
        """``check --format records``: each decision's audit record with its purchase and its
        ``ledger`` place (line, kept columns, and the ledger ``file`` in a run over several),
        one per line; a row that could not be read is its error record (``status: error``),
        which ``replay`` counts apart."""
        tally = SummaryTally()
        for result in results:
            tally.add(result)
            data: dict[str, Any]
            if isinstance(result, RowError):
                data = {"record_version": 1, **result_record(result, self._rules)}
                if self._several:
                    data["ledger"] = ledger
            else:
                data = result.decision.to_dict(include_purchase=True)
                place: dict[str, Any] = {"line": result.line, "kept": dict(result.kept)}
                if self._several:
                    place["file"] = ledger
                data["ledger"] = place
            self._target.write(json.dumps(data, sort_keys=True, ensure_ascii=False) + "\n")
        return tally.summary()

    def close(self) -> None:
        """Finish the output (a table prints the rows it held back)."""
        if self._table is not None:
            self._table.close()


def combined_summary(summaries: Iterable[ScreeningSummary]) -> ScreeningSummary:
    """The summary of several ledgers screened in one run: the counts added up, each list
    most first (ties in the order first seen), as one ledger holding all their rows gives."""
    effects: Counter[str] = Counter()
    missing: Counter[str] = Counter()
    suppliers: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    rows = decisions = errors = warnings = credit_memos = 0
    for s in summaries:
        rows += s.rows
        decisions += s.decisions
        errors += s.errors
        warnings += s.warnings
        credit_memos += s.credit_memos
        effects.update(s.effects)
        missing.update(s.missing_facts)
        suppliers.update(s.unidentified_suppliers)
        rules.update(s.rule_hits)
    return ScreeningSummary(
        rows=rows,
        decisions=decisions,
        errors=errors,
        effects=dict(sorted(effects.items())),
        warnings=warnings,
        missing_facts=dict(missing.most_common()),
        unidentified_suppliers=dict(suppliers.most_common()),
        rule_hits=dict(rules.most_common()),
        credit_memos=credit_memos,
    )


def _report(
    args: argparse.Namespace,
    run: _Run,
    summaries: Sequence[tuple[str, ScreeningSummary, str | None]],
) -> int:
    """The summary on stderr (one for the whole run, with a line per ledger when there are
    several) and the exit code."""
    summary = combined_summary(s for _, s, _ in summaries)
    unmatched = run.parts.unmatched() if run.parts is not None else []
    code = _exit_code(args, summary, unmatched)
    if args.summary_format == "json":
        data = summary.to_dict()
        data["ledgers"] = [
            {"ledger": name, "output": target, **s.to_dict()} for name, s, target in summaries
        ]
        data["unmatched_components"] = [{"line": n, "purchase_id": i} for n, i in unmatched]
        data["exit_code"] = code
        print(json.dumps(data, indent=2, ensure_ascii=False), file=sys.stderr)
    elif not args.quiet:
        if len(summaries) > 1 or args.output_dir is not None:
            for name, s, target in summaries:
                into = f" -> {target}" if args.output_dir is not None else ""
                print(shown(f"{name}{into}: {_summary_head(s)}"), file=sys.stderr)
        report = summary.report(mapping=run.mapping)
        if len(summaries) > 1:
            report = f"all {len(summaries)} ledgers: {report}"
        print(report, file=sys.stderr)
    if unmatched:
        shown_ids = ", ".join(f"{tick(i)} (line {n})" for n, i in unmatched[:5])
        more = f" and {len(unmatched) - 5} more" if len(unmatched) > 5 else ""
        ledgers = "the ledger" if len(summaries) == 1 else "any of the ledgers"
        print(
            shown(
                f"error: {len(unmatched)} part{'s' if len(unmatched) != 1 else ''} in "
                f"{args.components} for purchases not in {ledgers}: {shown_ids}{more}"
            ),
            file=sys.stderr,
        )
    return code


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
    ledger: str,
    *,
    name: str,
    rules: RuleSet,
    mapping: ColumnMapping,
    vocabulary: Vocabulary | None,
    extra: list[str | Vocabulary],
) -> None:
    """Refuse, once rather than on every row, the facts the rules' vocabulary does not know:
    a CSV header's fact columns, and the facts the mapping's constants, fact columns and value
    maps state. ``ledger`` is the file read, ``name`` the ledger as messages name it (`-` is
    standard input, read from a temporary file)."""
    from vendorpolicy._ledger import _ledger_format, read_header  # noqa: PLC0415
    from vendorpolicy._mapping import FACT_TARGET  # noqa: PLC0415

    where: dict[str, tuple[str, str]] = {}  # fact -> (what, location)
    mapping_file = args.mapping or "the mapping"
    for target in [*mapping.constants, *(t for m in mapping.value_maps for t in m.targets())]:
        if target.startswith(FACT_TARGET):
            where[target[len(FACT_TARGET) :]] = (mapping.source(target), mapping_file)
    if (args.ledger_format or _ledger_format(ledger)) == "csv":
        header = read_header(ledger, mapping)
        prefix = mapping.fact_prefix
        by_column = {column: fact for fact, column in mapping.fact_columns.items()}
        for i, column in enumerate(header):
            location = f"{name}:1 column {i + 1}"
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
        f"{count} problem{'s' if count != 1 else ''} in the header of {name}",
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


def _table_row(result: ScreenedRow | RowError, rules: RuleSet | None = None) -> tuple[str, ...]:
    if isinstance(result, RowError):
        return (str(result.line), result.purchase_id or "-", "ERROR", "; ".join(result.errors))
    return (
        str(result.line),
        result.purchase.id or "-",
        result.decision.effect.name,
        _why(result.decision, rules),
    )


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


CHECK = Command(
    name="check",
    add_parser=_check_parser,
    run=_check,
    examples=(
        "vendorpolicy check rules.toml purchases.csv -o results.csv",
        "vendorpolicy check --pack us-ndaa-889 export.csv --mapping sap.toml --keep PO,Item",
        "vendorpolicy check --pack us-ndaa-889 jan.csv feb.csv mar.csv -o q1.csv",
        "vendorpolicy check rules.toml exports/*.csv --output-dir results/",
        "vendorpolicy check --pack us-ndaa-889 - --format jsonl < export.csv",
    ),
)
