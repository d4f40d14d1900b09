"""Screening a ledger of free-text supplier names against the bundled registry, end to end."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from vendorpolicy import Effect, Rule, RuleSet, dump_rule_set, purchase, vendor
from vendorpolicy._cli import EXIT_DENIED, main

RULES = RuleSet(
    id="us-889-excerpt",
    version="1",
    rules=[
        Rule(
            id="purpose-limited",
            when=vendor.designated("us.889.purpose-limited", through_ownership=True)
            & purchase.purpose.in_({"public-safety"}),
            effect=Effect.DENY,
            reason="video surveillance equipment of a listed maker, for public safety",
            source="NDAA FY2019 §889(f)(3)(B)",
        )
    ],
)

LEDGER = """id,date,buyer_id,buyer_public,buyer_sector,supplier,category,purpose
r-1,2020-05-01,gsa,true,central-government,Lorex Technology Inc.,video/camera,public-safety
r-2,2020-05-01,gsa,true,central-government,ZT Systems,it/server,public-safety
r-3,2020-05-01,gsa,true,central-government,Acme Widgets Ltd,video/camera,public-safety
r-4,2023-05-01,gsa,true,central-government,Lorex Technology Inc.,video/camera,public-safety
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    rules = tmp_path / "rules.toml"
    rules.write_text(dump_rule_set(RULES, format="toml"), encoding="utf-8")
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(LEDGER, encoding="utf-8")
    return str(rules), str(ledger)


def records(files: tuple[str, str], *extra: str) -> tuple[int, dict[str, dict[str, object]]]:
    out = io.StringIO()
    code = main(["check", *files, "--format", "jsonl", "--quiet", *extra], out=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    return code, {str(r["purchase_id"]): r for r in rows}


class TestCheckWithRegistry:
    def test_names_resolve_and_show_the_path(self, files: tuple[str, str]) -> None:
        """Each record says which entity the name resolved to, how, and the ownership path."""
        code, rows = records(files, "--registry", "bundled")
        assert code == EXIT_DENIED
        lorex = rows["r-1"]
        assert lorex["effect"] == "deny"
        assert any(
            "-> lorex-technology" in line and "exact-alias" in line for line in lorex["resolved"]
        )
        assert any("owned by Zhejiang Dahua" in line for line in lorex["resolved"])

    def test_look_alike_is_not_linked(self, files: tuple[str, str]) -> None:
        """ZT Systems resolves to itself, not to ZTE, and is allowed."""
        _, rows = records(files, "--registry", "bundled")
        assert rows["r-2"]["effect"] == "allow"
        assert all("zte" not in line.split("->")[-1] for line in rows["r-2"]["resolved"])

    def test_unknown_supplier_goes_to_review(self, files: tuple[str, str]) -> None:
        """A supplier the registry does not know is an unknown fact: REVIEW, never allow."""
        _, rows = records(files, "--registry", "bundled")
        assert rows["r-3"]["effect"] == "review"
        assert rows["r-3"]["missing_facts"] == ["vendor"]
        assert any("not identified" in line for line in rows["r-3"]["resolved"])

    def test_relation_ends_with_the_sale(self, files: tuple[str, str]) -> None:
        """After Dahua's sale of Lorex, the designation no longer reaches it."""
        _, rows = records(files, "--registry", "bundled")
        assert rows["r-4"]["effect"] == "allow"

    def test_without_registry_names_stay_unknown(self, files: tuple[str, str]) -> None:
        """Without --registry no name is resolved, so every named-only supplier is reviewed."""
        _, rows = records(files)
        assert {r["effect"] for r in rows.values()} == {"review"}
        assert all(r["resolved"] == [] for r in rows.values())
