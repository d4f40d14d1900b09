"""The ``vendorpolicy`` command line.

Exit codes (documented in docs/cli.md):
  0  success (for ``demo`` and ``explain``, whatever the decisions)
  1  a screened purchase was denied (commands that screen and gate)
  2  the command line itself is wrong (unknown command or option)
  3  an input could not be read or is invalid
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from vendorpolicy._convert import purchase_from_dict, unstructure
from vendorpolicy._decision import Decision
from vendorpolicy._model import Buyer, Purchase
from vendorpolicy._registry import Registry
from vendorpolicy._resolution import Resolution
from vendorpolicy._samples import sample_purchases, sample_rule_set
from vendorpolicy.errors import VendorPolicyError

__all__ = [
    "EXIT_DENIED",
    "EXIT_INPUT",
    "EXIT_OK",
    "EXIT_USAGE",
    "add_registry_option",
    "main",
    "registry_option",
]

EXIT_OK = 0
EXIT_DENIED = 1
EXIT_USAGE = 2
EXIT_INPUT = 3


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
        description="Explain one purchase: a bundled sample by id, or a purchase JSON file.",
    )
    explain.add_argument("purchase", help="a sample purchase id (e.g. p-001) or a JSON file")
    explain.add_argument("--json", action="store_true", help="print the decision as JSON")
    explain.add_argument(
        "--pack",
        metavar="NAME",
        help="judge the purchase under a bundled rule pack (see `vendorpolicy packs`), resolving "
        "names against the bundled registry",
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


def _date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date `{text}` (write YYYY-MM-DD)") from None


def add_registry_option(parser: argparse.ArgumentParser) -> None:
    """``--registry FILE``: the vendor registry to resolve names against (default: bundled).
    For commands that screen ledgers, such as ``check``."""
    parser.add_argument(
        "--registry",
        default="bundled",
        metavar="FILE",
        help="a registry file (.json, .toml, or .csv of entities), or `bundled` (the default)",
    )


def registry_option(value: str) -> Registry:
    """The registry ``--registry`` names: the bundled one, or one loaded from a file."""
    from vendorpolicy._io import bundled_registry, load_registry  # noqa: PLC0415 - cycle

    return bundled_registry() if value == "bundled" else load_registry(value)


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit code."""
    out = out or sys.stdout
    err = sys.stderr
    try:
        args = _parser().parse_args(argv)
    except _UsageError as exc:
        print(exc, file=err)
        print("try `vendorpolicy --help`", file=err)
        return EXIT_USAGE
    try:
        if args.command == "demo":
            return _demo(out)
        if args.command == "explain":
            return _explain(args.purchase, as_json=args.json, pack=args.pack, out=out)
        if args.command == "packs":
            return _packs(args.name, out)
        if args.command == "resolve":
            return _resolve(args.names, args.registry, args.as_of, as_json=args.json, out=out)
    except VendorPolicyError as exc:
        print(f"error: {exc}", file=err)
        return EXIT_INPUT
    _parser().print_help(out)
    return EXIT_USAGE


def decision_table(rows: Sequence[tuple[Purchase, Decision]]) -> str:
    """A plain-text table: one line per purchase with its effect and the deciding reason."""
    header = ("purchase", "buyer", "vendor", "category", "decision", "why")
    lines = [header]
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
    widths = [max(len(row[i]) for row in lines) for i in range(len(header) - 1)]
    rendered = []
    for row in lines:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        rendered.append("  ".join([*cells, row[-1]]).rstrip())
    rendered.insert(1, "  ".join("-" * w for w in widths) + "  ---")
    return "\n".join(rendered)


def _why(decision: Decision) -> str:
    if decision.determining:
        first = decision.determining[0]
        return f"{first.rule}: {first.reason}" if first.reason else first.rule
    if decision.missing_facts:
        return "missing: " + ", ".join(decision.missing_facts)
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


def _explain(ref: str, *, as_json: bool, pack: str | None, out: TextIO) -> int:
    purchase = _find_purchase(ref)
    if pack is None:
        decision = sample_rule_set().evaluate(purchase)
    else:
        from vendorpolicy import packs  # noqa: PLC0415 - only this command needs them

        decision = packs.load(pack).evaluate(purchase, registry=registry_option("bundled"))
    print(decision.to_json(indent=2) if as_json else decision.explain(), file=out)
    return EXIT_OK


def _resolve(
    names: Sequence[str], registry_ref: str, as_of: dt.date | None, *, as_json: bool, out: TextIO
) -> int:
    registry = registry_option(registry_ref)
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
        print("\n".join(lines), file=out)
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
        values = ", ".join(str(v).lower() if isinstance(v, bool) else v for v in spec.values)
        extra = " (or any other)" if spec.open else ""
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
    path = Path(ref)
    if not path.is_file():
        raise VendorPolicyError(
            f"no sample purchase or file `{ref}`",
            hint=f"sample ids: {', '.join(sorted(samples))}",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VendorPolicyError(f"cannot read `{ref}`: {exc}") from None
    try:
        return purchase_from_dict(data)
    except VendorPolicyError as exc:
        raise VendorPolicyError(str(exc).replace("\n", "\n  "), path=ref) from None
