"""Each pack page's table of facts a screening must supply says truly what an absent fact does.

The table on every pack page (``docs/packs/NAME.md``) has a last column, "if absent" or "when it
is not stated", saying what happens when a purchase does not state the fact (issue 9, scope 4).
Two kinds of answer are checked here against the pack, over the worked purchases of its
conformance table (``tests/conformance/NAME.toml``), with each fact taken out in turn:

- *not claimed* (or "not exempt", "not yet notified", "not yet assessed"): an absent fact counts
  as a stated value, so the decision never lists it among the facts it missed;
- *escalates* (or "unknown"): an absent fact can be missed, and the conformance table holds a
  purchase that shows it.

Facts that the page words conditionally ("not claimed, unless ...") are checked by neither.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import tomllib

from vendorpolicy import Decision, FactLocation, bundled_registry, packs, purchase_from_dict

ROOT = Path(__file__).parent.parent
PAGES = ROOT / "docs" / "packs"
TABLES = Path(__file__).parent / "conformance"
ABSENT_HEADERS = {"if absent", "when it is not stated"}
NAME = re.compile(r"`([a-z0-9-]+)`")
NOT_CLAIMED = ("not claimed", "not exempt", "not yet notified", "not yet assessed")
ESCALATES = ("escalates", "unknown")


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


@cache
def absent_column(name: str) -> dict[str, str]:
    """What the pack page says an absent fact does, by the name of each fact stated in
    ``Purchase.facts`` that the page's table names."""
    facts = {s.name for s in packs.info(name).facts if s.location is FactLocation.FACTS}
    lines = (PAGES / f"{name}.md").read_text("utf-8").splitlines()
    out: dict[str, str] = {}
    for i, line in enumerate(lines):
        if not (line.startswith("| fact |") and cells(line)[-1] in ABSENT_HEADERS):
            continue
        for row in lines[i + 2 :]:
            if not row.startswith("|"):
                break
            first, *_, last = cells(row)
            for fact in NAME.findall(first):
                if fact in facts:
                    out[fact] = last.lower()
    return out


def kind(text: str) -> str | None:
    """``not-claimed``, ``escalates``, or ``None`` for an answer worded conditionally."""
    if " unless " in text or "elsewhere" in text:
        return None
    if text.startswith(NOT_CLAIMED) and "escalat" not in text and "unknown" not in text:
        return "not-claimed"
    if text.startswith(ESCALATES):
        return "escalates"
    return None


@cache
def cases(name: str) -> tuple[dict[str, Any], ...]:
    with (TABLES / f"{name}.toml").open("rb") as handle:
        table = tomllib.load(handle)
    return tuple(c for c in table.get("case", []) if c.get("status", "ok") == "ok")


def without(name: str, case: dict[str, Any], fact: str) -> Decision:
    """The case's decision with ``fact`` taken out of the purchase."""
    purchase = copy.deepcopy(case["purchase"])
    (purchase.get("facts") or {}).pop(fact, None)
    as_of = dt.date.fromisoformat(case["as_of"]) if "as_of" in case else None
    registry = bundled_registry() if case.get("registry", True) else None
    return packs.load(name).evaluate(purchase_from_dict(purchase), as_of=as_of, registry=registry)


def checked(wanted: str) -> list[Any]:
    return [
        pytest.param(name, fact, id=f"{name}:{fact}")
        for name in packs.names()
        for fact, text in absent_column(name).items()
        if kind(text) == wanted
    ]


class TestTables:
    @pytest.mark.parametrize("name", packs.names())
    def test_every_page_has_the_table(self, name: str) -> None:
        """Each pack page has a facts table with an "if absent" column naming some fact."""
        assert absent_column(name), f"docs/packs/{name}.md: no facts table with {ABSENT_HEADERS}"

    @pytest.mark.parametrize("name", packs.names())
    def test_every_fact_has_a_row(self, name: str) -> None:
        """Every fact the pack reads from ``Purchase.facts`` has a row saying what its absence
        does."""
        info = packs.info(name)
        facts = {s.name for s in info.facts if s.location is FactLocation.FACTS}
        assert facts <= set(absent_column(name)), sorted(facts - set(absent_column(name)))

    @pytest.mark.parametrize(("name", "fact"), checked("not-claimed"))
    def test_not_claimed_is_never_missed(self, name: str, fact: str) -> None:
        """A fact the page calls "not claimed" is never among a decision's missing facts."""
        for case in cases(name):
            decision = without(name, case, fact)
            assert f"facts.{fact}" not in decision.missing_facts, (case["id"], decision.explain())

    @pytest.mark.parametrize(("name", "fact"), checked("escalates"))
    def test_escalating_fact_is_shown_escalating(self, name: str, fact: str) -> None:
        """A fact the page says escalates is missed by some worked purchase without it."""
        missed = [
            case["id"]
            for case in cases(name)
            if f"facts.{fact}" in without(name, case, fact).missing_facts
        ]
        assert missed, f"no conformance case of {name} shows `{fact}` escalating when absent"

    def test_both_kinds_are_checked(self) -> None:
        """The parser finds facts of both kinds (a change of wording cannot empty the checks)."""
        assert len(checked("not-claimed")) >= 10
        assert len(checked("escalates")) >= 15
