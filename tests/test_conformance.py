"""Conformance tables: worked purchases written from each regime's sources, run against the packs.

Each ``tests/conformance/<pack>.toml`` holds ``[[case]]`` tables. A case gives the purchase (in
the plain-data form of :func:`vendorpolicy.purchase_from_dict`), the effect the regime gives it,
and the clause of the source that decides it, so that a reviewer who knows the regime can check
the table without reading code::

    pack = "us-ndaa-889"

    [[case]]
    id = "part-a-huawei-router-day-of"
    title = "A federal agency buys a Huawei router on the day Part A takes effect"
    clause = "NDAA FY2019 §889(a)(1)(A); FAR 52.204-25(b)(1); in force 2019-08-13"
    expect = "deny"
    # optional: registry = false (default true: the bundled registry), as_of = "YYYY-MM-DD",
    # determining = ["rule-id", ...] (the rules that must decide), note = "...",
    # status = "defect" or "needs-engine" with reason = "..." for a case the pack does not
    # meet yet: it then runs as a strict expected failure, so fixing the pack forces the
    # marker off.
    [case.purchase]
    buyer = { id = "gsa", public = true, sector = "central-government", country = "US" }
    supplier = "Huawei Technologies Co., Ltd."
    category = "telecom/network/router"
    date = "2019-08-13"

Each pack's docs page shows its table between ``<!-- conformance:begin -->`` and
``<!-- conformance:end -->``; ``python tests/test_conformance.py --write`` regenerates those
sections, and a test checks that they are current.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
import tomllib

from vendorpolicy import Effect, bundled_registry, packs, purchase_from_dict

HERE = Path(__file__).parent / "conformance"
DOCS = Path(__file__).parent.parent / "docs" / "packs"
BEGIN, END = "<!-- conformance:begin -->", "<!-- conformance:end -->"
KEYS = {
    "id",
    "title",
    "clause",
    "expect",
    "purchase",
    "registry",
    "as_of",
    "determining",
    "note",
    "status",
    "reason",
}
PENDING = {"defect", "needs-engine"}


def tables() -> dict[str, dict[str, Any]]:
    """Every conformance file, by pack name."""
    out = {}
    for path in sorted(HERE.glob("*.toml")):
        with path.open("rb") as handle:
            out[path.stem] = tomllib.load(handle)
    return out


def cases() -> list[Any]:
    params = []
    for name, table in tables().items():
        for case in table.get("case", []):
            marks = []
            if case.get("status") in PENDING:
                marks.append(pytest.mark.xfail(reason=case.get("reason", ""), strict=True))
            params.append(pytest.param(name, case, id=f"{name}:{case.get('id')}", marks=marks))
    return params


def decide(name: str, case: dict[str, Any]) -> Any:
    purchase = purchase_from_dict(case["purchase"])
    as_of = dt.date.fromisoformat(case["as_of"]) if "as_of" in case else None
    registry = bundled_registry() if case.get("registry", True) else None
    return packs.load(name).evaluate(purchase, as_of=as_of, registry=registry)


class TestTables:
    def test_every_file_names_its_pack(self) -> None:
        """Each file is named after a bundled pack and says so."""
        for name, table in tables().items():
            assert name in packs.names(), name
            assert table.get("pack") == name

    def test_cases_are_well_formed(self) -> None:
        """Every case has an id (unique in its file), a title, a clause and an effect, and no
        key the runner would ignore."""
        for name, table in tables().items():
            seen: set[str] = set()
            for case in table.get("case", []):
                where = f"{name}:{case.get('id')}"
                assert set(case) <= KEYS, (where, set(case) - KEYS)
                assert case.get("id"), where
                assert case["id"] not in seen, where
                seen.add(case["id"])
                assert case.get("title"), where
                assert case.get("clause"), where
                Effect(case["expect"])
                assert case.get("status", "ok") in {"ok", *PENDING}, where
                if case.get("status", "ok") in PENDING:
                    assert case.get("reason"), where

    @pytest.mark.parametrize(("name", "case"), cases())
    def test_case(self, name: str, case: dict[str, Any]) -> None:
        """The pack gives the effect the source gives (and, when listed, by those rules)."""
        decision = decide(name, case)
        assert decision.effect is Effect(case["expect"]), decision.explain()
        if "determining" in case:
            got = sorted(r.rule for r in decision.determining)
            assert got == sorted(case["determining"]), decision.explain()


def render(name: str, table: dict[str, Any]) -> str:
    """The docs page's table for one pack."""
    lines = [
        "| case | purchase | expected | decided by |",
        "| --- | --- | --- | --- |",
    ]
    for case in table.get("case", []):
        effect = case["expect"].upper()
        if case.get("status", "ok") in PENDING:
            effect += " (not yet met: " + case["reason"].replace("|", "\\|") + ")"
        title = case["title"].replace("|", "\\|")
        clause = case["clause"].replace("|", "\\|")
        lines.append(f"| `{case['id']}` | {title} | {effect} | {clause} |")
    return "\n".join(lines)


def _section(text: str) -> tuple[int, int] | None:
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        return None
    return start + len(BEGIN), end


class TestDocs:
    def test_pages_show_current_tables(self) -> None:
        """Each pack page that has a conformance section shows its table as generated."""
        for name, table in tables().items():
            page = DOCS / f"{name}.md"
            text = page.read_text("utf-8")
            span = _section(text)
            if span is None:
                continue
            shown = text[span[0] : span[1]].strip()
            assert shown == render(name, table), (
                f"{page} is out of date: run `python tests/test_conformance.py --write`"
            )


def write() -> None:
    """Regenerate the conformance section of every pack page that has one."""
    for name, table in tables().items():
        page = DOCS / f"{name}.md"
        text = page.read_text("utf-8")
        span = _section(text)
        if span is None:
            print(f"{page}: no {BEGIN} … {END} section, skipped")
            continue
        text = text[: span[0]] + "\n" + render(name, table) + "\n" + text[span[1] :]
        page.write_text(text, "utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write()
    else:
        sys.exit("usage: python tests/test_conformance.py --write")
