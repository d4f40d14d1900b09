"""``vendorpolicy lint`` and ``vendorpolicy diff``: the analysis of whole rule sets (see
``vendorpolicy.analysis``), formatted for people or, with ``--format json``, for CI."""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

from vendorpolicy._cli_base import (
    EXIT_DENIED,
    EXIT_INPUT,
    EXIT_OK,
    Command,
    Subparsers,
    UsageError,
    add_registry_option,
    date_arg,
    format_option,
    pack_option,
    registry_from_args,
    rules_or_pack,
)
from vendorpolicy._files import load_rule_set
from vendorpolicy._text import shown

__all__ = ["DIFF", "LINT", "diff_schema", "findings_schema", "lint_document"]


def _lint_parser(commands: Subparsers) -> argparse.ArgumentParser:
    lint: argparse.ArgumentParser = commands.add_parser(
        "lint",
        help="find rules that never apply, are shadowed or conflict",
        description="Check a rule set exactly, over every purchase its rules tell apart: "
        "rules that never hold or apply, conditions that always hold, exceptions that never "
        "hold, shadowed rules and (under first-match) conflicting rules. With --registry, "
        "over the purchases whose vendors are the registry's entities (as it resolves them "
        "on the decision date) or vendors it does not know. With --as-of, every purchase is "
        "decided on that date, as `check --as-of` decides it: rules not in force then are "
        "listed as such. Exits 1 when there are errors; warnings are listed.",
    )
    lint.add_argument("rules", nargs="?", metavar="RULES", help="the rule file (or --pack)")
    pack_option(lint)
    add_registry_option(lint, default=None)
    _as_of_option(lint)
    lint.add_argument(
        "--overlaps",
        action="store_true",
        help="also list overlapping rules with different effects under most-severe",
    )
    format_option(lint)
    return lint


def _as_of_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        type=date_arg,
        metavar="YYYY-MM-DD",
        help="the decision date: judge the rules in force, decision-date conditions and the "
        "registry on this date, whatever each purchase's date (default: each purchase's date)",
    )


def _purchase_json(witness: Any) -> Any:
    if witness is None:
        return None
    from vendorpolicy._convert import unstructure  # noqa: PLC0415 - files layer

    return {"purchase": unstructure(witness.purchase), "assumed": dict(witness.assumed)}


def lint_document(rule_set: Any, findings: Any) -> dict[str, Any]:
    """What ``lint --format json`` prints (see :func:`findings_schema`)."""
    return {
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
                "dimension": f.dimension,
                "facts": list(f.facts),
            }
            for f in findings
        ],
    }


def _analysis_registry(args: argparse.Namespace) -> Any:
    """The registry the analysis of every purchase runs over: only when ``--registry`` is
    given (the analysis over a registry's entities is slower, so it is asked for), then as
    ``check`` puts it together (under ``--pack``, the files merged onto the bundled
    registry)."""
    if not args.registry and not args.no_bundled_registry:
        return None
    return registry_from_args(args, bundled=args.pack is not None)


def _run_lint(args: argparse.Namespace, out: TextIO) -> int:
    from vendorpolicy.analysis import Severity, lint  # noqa: PLC0415 - only this command

    rule_set = rules_or_pack(args.rules, args.pack, "lint")
    findings = lint(
        rule_set, overlaps=args.overlaps, registry=_analysis_registry(args), as_of=args.as_of
    )
    errors = any(f.severity is Severity.ERROR for f in findings)
    if args.format == "json":
        doc = lint_document(rule_set, findings)
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
        "effects, each with a witness purchase; with --ledger, each purchase of the ledger "
        "whose effect changed, with the rules that determined each decision (names resolved "
        "against the registry, as `check` resolves them). Without --ledger, --registry "
        "restricts the purchases to those over the registry, as for `lint`. With --as-of, "
        "both decide every purchase on that date (with --ledger, each row). With --pack NAME, "
        "the bundled pack is OLD. Exits 1 when they differ, 3 when a file or any ledger row "
        "could not be read.",
    )
    diff.add_argument(
        "old", nargs="?", metavar="OLD", help="the old rule file (with --pack, omit it)"
    )
    diff.add_argument("new", nargs="?", metavar="NEW", help="the new rule file")
    pack_option(diff)
    diff.add_argument(
        "--ledger",
        metavar="LEDGER",
        help="decide this ledger's purchases (CSV or JSON Lines) under both versions instead",
    )
    diff.add_argument(
        "--ledger-format", choices=("csv", "jsonl"), help="ledger format (default: by suffix)"
    )
    diff.add_argument(
        "--mapping",
        metavar="FILE",
        help="a mapping file for the ledger's columns (see `vendorpolicy schema mapping`)",
    )
    add_registry_option(diff, default=None)
    _as_of_option(diff)
    format_option(diff)
    return diff


def _responsible(side: str, rules: tuple[str, ...], decision: Any) -> dict[str, Any]:
    """The rules responsible for one side's decision: those that determined it, or, for a
    decision escalated because facts are missing, the rules whose applying is unknown, with
    the missing facts."""
    from vendorpolicy._decision import Basis, RuleStatus  # noqa: PLC0415 - only this option

    unknown = decision.basis is Basis.UNKNOWN
    if unknown:
        rules = tuple(r.key for r in decision.results if r.status is RuleStatus.UNKNOWN)
    return {
        f"{side}_basis": decision.basis.value,
        f"{side}_rules": list(rules),
        f"{side}_missing": list(decision.missing_facts) if unknown else [],
    }


def _said(c: dict[str, Any], side: str) -> str:
    rules = ", ".join(c[f"{side}_rules"]) or "the default"
    if c[f"{side}_missing"]:
        rules += " unknown, missing " + ", ".join(c[f"{side}_missing"])
    return rules


def _replay_ledger(args: argparse.Namespace, old: Any, new: Any, out: TextIO) -> int:
    """``diff --ledger``: every row decided under both versions; a row that cannot be read or
    decided is listed with its line (never dropped), and makes the exit 3."""
    from vendorpolicy._ledger import LedgerRow, read_ledger  # noqa: PLC0415 - only this option
    from vendorpolicy._mapping import load_mapping  # noqa: PLC0415
    from vendorpolicy.analysis import replay  # noqa: PLC0415
    from vendorpolicy.errors import VendorPolicyError  # noqa: PLC0415

    mapping = None if args.mapping is None else load_mapping(args.mapping)
    registry = registry_from_args(args, bundled=args.pack is not None)
    changed: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    rows = 0
    for row in read_ledger(args.ledger, mapping=mapping, format=args.ledger_format):
        rows += 1
        if not isinstance(row, LedgerRow):
            errors.append(
                {"line": row.line, "purchase_id": row.purchase_id, "errors": list(row.errors)}
            )
            continue
        try:
            found = replay(old, new, [row.purchase], registry=registry, as_of=args.as_of)
        except VendorPolicyError as exc:
            errors.append({"line": row.line, "purchase_id": row.purchase.id, "errors": [str(exc)]})
            continue
        for r in found:
            item: dict[str, Any] = {
                "line": row.line,
                "purchase_id": r.purchase_id,
                "old": r.old.value,
                "new": r.new.value,
            }
            for side, rules, rule_set in (("old", r.old_rules, old), ("new", r.new_rules, new)):
                decision = rule_set.evaluate(row.purchase, registry=registry, as_of=args.as_of)
                item.update(_responsible(side, rules, decision))
            changed.append(item)
    if args.format == "json":
        doc = {
            "ledger": args.ledger,
            "old": {"rule_set": old.id, "version": old.version},
            "new": {"rule_set": new.id, "version": new.version},
            "rows": rows,
            "changed": changed,
            "errors": errors,
        }
        out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        for c in changed:
            who = f" ({shown(c['purchase_id'])})" if c["purchase_id"] else ""
            out.write(
                f"line {c['line']}{who}: {c['old'].upper()} -> {c['new'].upper()} "
                f"(old: {_said(c, 'old')}; new: {_said(c, 'new')})\n"
            )
        for e in errors:
            for message in e["errors"]:
                out.write(f"line {e['line']}: error: {shown(message)}\n")
        tail = f"; {len(errors)} could not be read or decided" if errors else ""
        out.write(
            f"{shown(args.ledger)}: {rows} row(s), {len(changed)} decided differently{tail}\n"
        )
    if errors:
        return EXIT_INPUT
    return EXIT_DENIED if changed else EXIT_OK


def _versions(args: argparse.Namespace) -> tuple[Any, Any]:
    """OLD and NEW: two rule files, or with ``--pack`` the bundled pack and one rule file."""
    if args.pack is not None:
        if args.old is None or args.new is not None:
            raise UsageError("vendorpolicy diff: with --pack NAME, give only NEW (the pack is OLD)")
        return rules_or_pack(None, args.pack, "diff"), load_rule_set(args.old)
    if args.old is None or args.new is None:
        raise UsageError("vendorpolicy diff: give OLD NEW, or --pack NAME NEW")
    return load_rule_set(args.old), load_rule_set(args.new)


def _run_diff(args: argparse.Namespace, out: TextIO) -> int:
    from vendorpolicy.analysis import diff  # noqa: PLC0415 - only this command

    old, new = _versions(args)
    if args.ledger is not None:
        return _replay_ledger(args, old, new, out)
    found = diff(old, new, registry=_analysis_registry(args), as_of=args.as_of)
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


# --- the published schemas of the JSON outputs ----------------------------------------------

_TEXT = {"type": "string"}
_TEXTS = {"type": "array", "items": _TEXT}
_EFFECT_VALUES = ["allow", "warn", "review", "deny"]
_LINE = {"type": "integer", "minimum": 1}


def _closed(properties: dict[str, Any], *, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": [k for k in properties if k not in optional],
        "additionalProperties": False,
    }


def _witness_schema() -> dict[str, Any]:
    return {
        "oneOf": [
            {"type": "null"},
            _closed(
                {
                    "purchase": {
                        "type": "object",
                        "description": "A purchase that shows the finding, as purchase files "
                        "write it (`vendorpolicy explain RULES PURCHASE.json` decides it).",
                    },
                    "assumed": {
                        "type": "object",
                        "description": "What each `custom` predicate was assumed to answer.",
                        "additionalProperties": {"type": ["boolean", "null"]},
                    },
                }
            ),
        ]
    }


def findings_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``vendorpolicy lint --format json``."""
    from vendorpolicy.analysis._lint import CODES  # noqa: PLC0415 - only this schema

    finding = _closed(
        {
            "code": {"type": "string", "enum": list(CODES)},
            "severity": {"type": "string", "enum": ["error", "warning", "info"]},
            "rule": _TEXT,
            "other": {
                "type": ["string", "null"],
                "description": "The other rule of a pair (`conflict`).",
            },
            "message": _TEXT,
            "witness": {"$ref": "#/$defs/Witness"},
            "dimension": {
                "type": ["string", "null"],
                "description": "For `broad-escalation`: the dimension that does not restrict "
                "the escalation (`category`, `vendor`, `buyer.sector`, ...).",
            },
            "facts": {
                **_TEXTS,
                "description": "For `broad-escalation`: the witness's missing facts.",
            },
        }
    )
    top = _closed(
        {
            "rule_set": _TEXT,
            "version": _TEXT,
            "findings": {"type": "array", "items": {"$ref": "#/$defs/Finding"}},
        }
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "vendorpolicy lint findings",
        "description": "What `vendorpolicy lint --format json` prints; the codes are those of "
        "`vendorpolicy.analysis.lint`.",
        **top,
        "$defs": {"Finding": finding, "Witness": _witness_schema()},
    }


def diff_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``vendorpolicy diff --format json``: an array of
    regions, or with ``--ledger`` an object of the changed purchases."""
    effect = {"type": "string", "enum": _EFFECT_VALUES}
    basis = {"type": "string", "enum": ["rules", "default", "unknown"]}
    region = _closed(
        {
            "region": {
                "type": "array",
                "description": "Per dimension the region restricts: its name and the classes "
                "it allows (any other dimension is free).",
                "items": {
                    "type": "array",
                    "prefixItems": [_TEXT, _TEXTS],
                    "minItems": 2,
                    "maxItems": 2,
                },
            },
            "old": effect,
            "new": effect,
            "witness": {"$ref": "#/$defs/Witness"},
        }
    )
    side = {
        f"{name}_{key}": value
        for name in ("old", "new")
        for key, value in (("basis", basis), ("rules", _TEXTS), ("missing", _TEXTS))
    }
    changed = _closed({"line": _LINE, "purchase_id": _TEXT, "old": effect, "new": effect, **side})
    error = _closed({"line": _LINE, "purchase_id": _TEXT, "errors": _TEXTS})
    version = _closed({"rule_set": _TEXT, "version": _TEXT})
    ledger = _closed(
        {
            "ledger": _TEXT,
            "old": version,
            "new": version,
            "rows": {"type": "integer", "minimum": 0},
            "changed": {"type": "array", "items": changed},
            "errors": {"type": "array", "items": error},
        }
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "vendorpolicy diff",
        "description": "What `vendorpolicy diff --format json` prints: the regions of purchases "
        "decided differently, or with `--ledger` the ledger's purchases whose effect changed.",
        "oneOf": [
            {"type": "array", "items": {"$ref": "#/$defs/Region"}},
            {"$ref": "#/$defs/Ledger"},
        ],
        "$defs": {"Region": region, "Ledger": ledger, "Witness": _witness_schema()},
    }


LINT = Command(
    name="lint",
    add_parser=_lint_parser,
    run=_run_lint,
    examples=(
        "vendorpolicy lint rules.toml",
        "vendorpolicy lint --pack jp-2018 --format json",
        "vendorpolicy lint --pack us-ndaa-889 --registry bundled --as-of 2020-01-01",
    ),
)
DIFF = Command(
    name="diff",
    add_parser=_diff_parser,
    run=_run_diff,
    examples=(
        "vendorpolicy diff rules-v3.toml rules-v4.toml",
        "vendorpolicy diff rules-v3.toml rules-v4.toml --ledger purchases.csv --format json",
        "vendorpolicy diff --pack us-ndaa-889 edited.toml --ledger purchases.csv",
    ),
)
