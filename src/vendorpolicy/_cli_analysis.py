"""``vendorpolicy lint`` and ``vendorpolicy diff``: the analysis of whole rule sets (see
``vendorpolicy.analysis``), formatted for people or, with ``--format json``, for CI."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from vendorpolicy._cli_base import (
    EXIT_DENIED,
    EXIT_OK,
    Command,
    Subparsers,
    format_option,
    pack_option,
    rules_or_pack,
)
from vendorpolicy._files import load_rule_set

__all__ = ["DIFF", "LINT"]


def _lint_parser(commands: Subparsers) -> argparse.ArgumentParser:
    lint: argparse.ArgumentParser = commands.add_parser(
        "lint",
        help="find rules that never apply, are shadowed or conflict",
        description="Check a rule set exactly, over every purchase its rules tell apart: "
        "rules that never hold or apply, conditions that always hold, exceptions that never "
        "hold, shadowed rules and (under first-match) conflicting rules. Exits 1 when there "
        "are errors; warnings are listed.",
    )
    lint.add_argument("rules", nargs="?", metavar="RULES", help="the rule file (or --pack)")
    pack_option(lint)
    lint.add_argument(
        "--overlaps",
        action="store_true",
        help="also list overlapping rules with different effects under most-severe",
    )
    format_option(lint)
    return lint


def _purchase_json(witness: Any) -> Any:
    if witness is None:
        return None
    from vendorpolicy._convert import unstructure  # noqa: PLC0415 - files layer

    return {"purchase": unstructure(witness.purchase), "assumed": dict(witness.assumed)}


def _run_lint(args: argparse.Namespace, out: TextIO) -> int:
    from vendorpolicy.analysis import Severity, lint  # noqa: PLC0415 - only this command

    rule_set = rules_or_pack(args.rules, args.pack, "lint")
    findings = lint(rule_set, overlaps=args.overlaps)
    errors = any(f.severity is Severity.ERROR for f in findings)
    if args.format == "json":
        doc = {
            "rule_set": rule_set.id,
            "version": rule_set.version,
            "findings": [
                {
                    "code": f.code,
                    "severity": f.severity.value,
                    "rule": f.rule,
                    "other": f.other,
                    "message": f.message,
                    "witness": _purchase_json(f.witness),
                }
                for f in findings
            ],
        }
        out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        for f in findings:
            out.write(f"{f}\n")
        out.write(f"{rule_set.id}: {len(findings)} finding(s)\n")
    return EXIT_DENIED if errors else EXIT_OK


def _diff_parser(commands: Subparsers) -> argparse.ArgumentParser:
    diff: argparse.ArgumentParser = commands.add_parser(
        "diff",
        help="show the purchases two rule sets decide differently",
        description="Every region of purchases that OLD and NEW decide with different "
        "effects, each with a witness purchase. Exits 1 when they differ.",
    )
    diff.add_argument("old", metavar="OLD", help="the old rule file")
    diff.add_argument("new", metavar="NEW", help="the new rule file")
    format_option(diff)
    return diff


def _run_diff(args: argparse.Namespace, out: TextIO) -> int:
    from vendorpolicy.analysis import diff  # noqa: PLC0415 - only this command

    old, new = load_rule_set(args.old), load_rule_set(args.new)
    found = diff(old, new)
    if args.format == "json":
        doc = [
            {
                "region": [[name, list(labels)] for name, labels in d.region.parts],
                "old": d.old.value,
                "new": d.new.value,
                "witness": _purchase_json(d.witness),
            }
            for d in found
        ]
        out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        for d in found:
            out.write(f"{d.old.name} -> {d.new.name}: {d.region}\n")
        out.write(f"{len(found)} region(s) decided differently\n")
    return EXIT_DENIED if found else EXIT_OK


LINT = Command(
    name="lint",
    add_parser=_lint_parser,
    run=_run_lint,
    examples=("vendorpolicy lint rules.toml", "vendorpolicy lint --pack jp-2018 --format json"),
)
DIFF = Command(
    name="diff",
    add_parser=_diff_parser,
    run=_run_diff,
    examples=("vendorpolicy diff rules-v3.toml rules-v4.toml",),
)
