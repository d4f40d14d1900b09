"""``vendorpolicy sql``: print the SQL that screens a purchases table under a rule file or a
pack; and ``check --engine duckdb``, which screens Parquet and CSV tables inside DuckDB."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

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
    pack_option,
    registry_from_args,
    rules_or_pack,
)
from vendorpolicy._files import load_rule_set
from vendorpolicy._model import Effect
from vendorpolicy._sql import to_sql
from vendorpolicy._sql._dialect import DIALECTS, quote

if TYPE_CHECKING:
    from vendorpolicy._registry import Registry
    from vendorpolicy._rules import RuleSet

__all__ = ["SQL", "check_in_duckdb"]


def _sql_parser(commands: Subparsers) -> argparse.ArgumentParser:
    sql: argparse.ArgumentParser = commands.add_parser(
        "sql",
        help="print the SQL query that screens a purchases table inside a database",
        description="Print one SQL query that decides on every row of a purchases table (see "
        "docs/scale.md for its columns): the table's columns, then status, effect, basis, "
        "determining, obligations, missing_facts, warnings and error. With a registry (under "
        "--pack, the bundled one), its vendors and designations are written into the query "
        "as tables.",
    )
    sql.add_argument("rules", nargs="?", metavar="RULES", help="the rule file (or --pack)")
    pack_option(sql)
    sql.add_argument("--dialect", choices=tuple(DIALECTS), default="duckdb", help="default: duckdb")
    sql.add_argument(
        "--table",
        help="the purchases table (default: purchases); with --where, the catalog table "
        "that qualifies the columns (default: none)",
    )
    sql.add_argument(
        "--columns",
        metavar="NAME[,NAME…]",
        help="the table's columns (default: those the rules read)",
    )
    sql.add_argument(
        "--as-of", type=date_arg, help="the decision date (default: each row's `date`)"
    )
    add_registry_option(sql, default=None)
    sql.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: the query with a comment header (default); json: one object with the rule "
        "set, registry, dialect and query, for tools",
    )
    catalog = sql.add_argument_group(
        "the catalog question",
        "With --where, print instead the WHERE condition that selects the rows of a catalog "
        "table (vendor_id, vendor_country, vendor_designations, category; --columns those it "
        "has) this buyer may buy, folded (see docs/scale.md); with a registry, each row's "
        "vendor and the buyer are looked up in it by id.",
    )
    catalog.add_argument("--where", action="store_true", help="print the catalog condition")
    catalog.add_argument(
        "--buyer-public",
        choices=("true", "false"),
        help="whether the buyer is a public body (required with --where)",
    )
    catalog.add_argument("--buyer-sector", metavar="SECTOR", help="its sector (required)")
    catalog.add_argument(
        "--buyer-id", metavar="ID", default="buyer", help="its id (default: buyer)"
    )
    catalog.add_argument("--buyer-country", metavar="CC", help="its country (default: unknown)")
    catalog.add_argument(
        "--buyer-designations", metavar="NAME[,NAME…]", help="its designations (default: none)"
    )
    catalog.add_argument("--date", type=date_arg, help="the purchase date (default: not fixed)")
    catalog.add_argument(
        "--effects",
        metavar="EFFECT[,EFFECT…]",
        default="allow",
        help="the effects a row may have to be selected (default: allow)",
    )
    return sql


#: The options of the catalog question, which only --where takes.
_CATALOG_OPTIONS = (
    ("buyer_public", "--buyer-public"),
    ("buyer_sector", "--buyer-sector"),
    ("buyer_country", "--buyer-country"),
    ("buyer_designations", "--buyer-designations"),
    ("date", "--date"),
)


def _listed(text: str | None) -> list[str]:
    return [] if not text else [x.strip() for x in text.split(",") if x.strip()]


def _run_where(
    args: argparse.Namespace, rule_set: RuleSet, registry: Registry | None, out: TextIO
) -> int:
    """``sql --where``: the catalog condition for the buyer the options describe."""
    from vendorpolicy._model import Buyer  # noqa: PLC0415
    from vendorpolicy._sql import to_sql_where  # noqa: PLC0415
    from vendorpolicy.analysis import Partial  # noqa: PLC0415 - only this option

    if args.buyer_public is None or args.buyer_sector is None:
        raise UsageError(
            "vendorpolicy sql --where: give the buyer: --buyer-public true|false and "
            "--buyer-sector SECTOR"
        )
    designations = _listed(args.buyer_designations)
    buyer = Buyer(
        id=args.buyer_id,
        public=args.buyer_public == "true",
        sector=args.buyer_sector,
        country=args.buyer_country,
        designations=designations,
    )
    fixed = Partial(buyer=buyer, date=args.date, as_of=args.as_of)
    text = to_sql_where(
        rule_set,
        fixed,
        effects=_listed(args.effects),
        dialect=args.dialect,
        table=args.table,
        columns=None if not args.columns else _listed(args.columns),
        registry=registry,
    )
    if args.format == "json":
        record = {
            **_provenance(rule_set, registry, args.dialect),
            "buyer": {
                "id": buyer.id,
                "public": buyer.public,
                "sector": buyer.sector.value,
                "country": buyer.country,
                "designations": sorted(designations),
            },
            "date": None if args.date is None else args.date.isoformat(),
            "as_of": None if args.as_of is None else args.as_of.isoformat(),
            "effects": _listed(args.effects),
            "where": text,
        }
        print(json.dumps(record, indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    source = "" if registry is None else f", registry {registry.id}@{registry.version}"
    print(f"-- vendorpolicy: rule set {rule_set.id}@{rule_set.version}{source}", file=out)
    print(
        f"-- the catalog rows buyer {buyer.id} may buy; dialect {args.dialect}; see docs/scale.md",
        file=out,
    )
    print(text, file=out)
    return EXIT_OK


def _provenance(rule_set: RuleSet, registry: Registry | None, dialect: str) -> dict[str, Any]:
    """What a JSON answer of `vendorpolicy sql` was made from: the rule set, the registry and
    the dialect."""
    return {
        "rule_set": {"id": rule_set.id, "version": rule_set.version, "digest": rule_set.digest},
        "registry": None if registry is None else {"id": registry.id, "version": registry.version},
        "dialect": dialect,
    }


def _run_sql(args: argparse.Namespace, out: TextIO) -> int:
    rule_set = rules_or_pack(args.rules, args.pack, "sql")
    registry = registry_from_args(args, bundled=args.pack is not None)
    if args.where:
        return _run_where(args, rule_set, registry, out)
    for name, option in _CATALOG_OPTIONS:
        if getattr(args, name) is not None:
            raise UsageError(f"vendorpolicy sql: {option} is for the catalog question: add --where")
    table = args.table or "purchases"
    columns = None if not args.columns else _listed(args.columns)
    text = to_sql(
        rule_set,
        dialect=args.dialect,
        table=table,
        as_of=args.as_of,
        columns=columns,
        registry=registry,
    )
    if args.format == "json":
        record = {
            **_provenance(rule_set, registry, args.dialect),
            "table": table,
            "sql": text + ";",
        }
        print(json.dumps(record, indent=2, ensure_ascii=False), file=out)
        return EXIT_OK
    source = "" if registry is None else f", registry {registry.id}@{registry.version}"
    print(f"-- vendorpolicy: rule set {rule_set.id}@{rule_set.version}{source}", file=out)
    print(f"-- {rule_set.digest}; dialect {args.dialect}; see docs/scale.md", file=out)
    print(text + ";", file=out)
    return EXIT_OK


SQL = Command(
    name="sql",
    add_parser=_sql_parser,
    run=_run_sql,
    examples=(
        "vendorpolicy sql --pack us-ndaa-889 --dialect postgres",
        "vendorpolicy sql rules.toml --table ledger --as-of 2024-01-02 > screen.sql",
        "vendorpolicy sql --pack jp-2018 --where --buyer-public true --buyer-sector defence",
    ),
)

#: The options of `check` that the DuckDB engine does not take, with what they would do.
_PYTHON_ONLY = (
    ("mapping", "--mapping"),
    ("components", "--components"),
    ("keep", "--keep"),
    ("ledger_format", "--ledger-format"),
    ("delimiter", "--delimiter"),
    ("encoding", "--encoding"),
    ("decimal", "--decimal"),
    ("thousands", "--thousands"),
    ("output_dir", "--output-dir"),
    ("vocabulary", "--vocabulary"),
)


def check_in_duckdb(args: argparse.Namespace, out: TextIO) -> int:
    """``check --engine duckdb``: each ledger (Parquet, CSV or JSON with the columns of
    ``docs/scale.md``) screened inside DuckDB, the results written as CSV, JSON Lines or
    Parquet (by ``--output``'s suffix, or ``--format``), a summary on stderr."""
    try:
        import vendorpolicy.extra.duckdb as vd  # noqa: PLC0415 - an optional extra
    except ImportError as exc:
        raise UsageError(f"vendorpolicy check --engine duckdb: {exc}") from None
    for name, option in _PYTHON_ONLY:
        if getattr(args, name, None):
            raise UsageError(
                f"vendorpolicy check --engine duckdb: {option} is not supported (the table's "
                "columns are read as docs/scale.md says); drop it, or use --engine python"
            )
    if args.pack is not None:
        ledgers = list(args.args)
        rule_set = rules_or_pack(None, args.pack, "check")
    else:
        if len(args.args) < 2:
            raise UsageError("vendorpolicy check: give RULES LEDGER..., or --pack NAME LEDGER...")
        rule_set, ledgers = load_rule_set(args.args[0]), list(args.args[1:])
    if "-" in ledgers:
        raise UsageError("vendorpolicy check --engine duckdb: give files, not standard input")
    registry = registry_from_args(args, bundled=args.pack is not None)
    import duckdb  # noqa: PLC0415 - present: the extra imported it

    con = duckdb.connect()
    results = [
        vd.screen(Path(ledger), rule_set, as_of=args.as_of, connection=con, registry=registry)
        for ledger in ledgers
    ]
    combined: Any = results[0]
    for more in results[1:]:
        combined = combined.union(more)
    fmt = args.format or _format_for(args.output)
    if fmt in ("table", "records"):
        raise UsageError(
            f"vendorpolicy check --engine duckdb: --format {fmt} is not supported "
            "(use csv, jsonl, or an --output ending in .parquet)"
        )
    con.register("vp_results", combined)
    counts = dict(
        con.execute(
            "SELECT coalesce(effect, 'error'), count(*) FROM vp_results GROUP BY ALL"
        ).fetchall()
    )
    _write(con, combined, fmt, args.output, out)
    if not args.quiet:
        shown = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        print(f"{sum(counts.values())} rows: {shown}", file=sys.stderr)
    errors = counts.get("error", 0)
    failed = args.fail_on != "never" and any(
        Effect(e) >= Effect(args.fail_on) for e in counts if e != "error"
    )
    if args.exit_bits:
        return (EXIT_DENIED if failed else 0) | (EXIT_ROW_ERRORS if errors else 0)
    if errors:
        return EXIT_INPUT
    return EXIT_DENIED if failed else EXIT_OK


def _format_for(output: str | None) -> str:
    if output is None:
        return "csv"
    suffix = Path(output).suffix.lower()
    return {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}.get(suffix, "csv")


def _write(con: Any, relation: Any, fmt: str, output: str | None, out: TextIO) -> None:
    """The results to ``output`` (or ``out``): lists as ``;``-separated text in CSV."""
    if fmt == "csv":
        relation = relation.project(
            ", ".join(
                f"array_to_string({quote(c)}, ';') AS {quote(c)}"
                if str(t).endswith("[]")
                else quote(c)
                for c, t in zip(relation.columns, relation.types, strict=True)
            )
        )
    if fmt == "parquet":
        if output is None:
            raise UsageError(
                "vendorpolicy check --engine duckdb: Parquet results need --output FILE"
            )
        relation.write_parquet(output)
        return
    if fmt == "csv" and output is not None:
        relation.write_csv(output)
        return
    import contextlib  # noqa: PLC0415

    names = relation.columns
    with contextlib.ExitStack() as stack:
        target = out
        if output is not None:
            target = stack.enter_context(Path(output).open("w", encoding="utf-8", newline=""))
        writer = csv.writer(target, lineterminator="\n")
        if fmt == "csv":
            writer.writerow(names)
        con.register("vp_written", relation)
        cursor = con.execute("SELECT * FROM vp_written")
        while batch := cursor.fetchmany(10_000):
            for row in batch:
                if fmt == "csv":
                    writer.writerow([_cell(v) for v in row])
                else:
                    record = dict(zip(names, row, strict=True))
                    print(json.dumps(record, default=str, ensure_ascii=False), file=target)


def _cell(value: Any) -> Any:
    """A CSV cell as a ledger writes it: empty for none, ``true``/``false``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
