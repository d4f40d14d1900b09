"""The screening summary a reviewer reads, and exit codes when some rows errored."""

from __future__ import annotations

import ast
import io
import json
from collections import Counter
from pathlib import Path

import pytest

from vendorpolicy import load_mapping, packs, screen_ledger, write_results
from vendorpolicy._cli import main
from vendorpolicy._ledger import supply_hint
from vendorpolicy.testing import erp_export

NDAA = packs.load("us-ndaa-889")


class TestSummary:
    def test_counts_agree_with_the_records(self, tmp_path: Path) -> None:
        """Every count of the summary is the count over the records it summarises."""
        export = erp_export(tmp_path, rows=300, seed=7)
        from vendorpolicy import bundled_registry

        out = io.StringIO()
        summary = write_results(
            screen_ledger(NDAA, export.export, mapping=load_mapping(export.mapping),
                          registry=bundled_registry()),
            out, rule_set=NDAA,
        )  # fmt: skip
        records = [json.loads(line) for line in out.getvalue().splitlines()]
        decided = [r for r in records if r["status"] == "decided"]
        assert summary.rows == len(records) == 300
        assert dict(summary.effects) == dict(Counter(r["effect"] for r in decided))
        assert dict(summary.rule_hits) == dict(
            Counter(k for r in decided for k in r["determining"])
        )
        assert dict(summary.missing_facts) == dict(
            Counter(f for r in decided if r["basis"] == "unknown" for f in r["missing_facts"])
        )
        unidentified = Counter(
            ast.literal_eval(r["resolved"][0].split(" -> ")[0].removeprefix("vendor: "))
            for r in decided
            if r["resolved"] and "not identified" in r["resolved"][0]
        )
        assert {n.rsplit(" (", 1)[0]: c for n, c in summary.unidentified_suppliers.items()} == (
            dict(unidentified)
        )
        assert list(summary.missing_facts.values()) == sorted(
            summary.missing_facts.values(), reverse=True
        )

    def test_cli_json_summary_says_how_to_supply(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`--summary-format json` gives the counts, each missing fact with how to supply it,
        the suppliers not identified and the exit code."""
        export = erp_export(tmp_path, rows=120, seed=8)
        code = main(
            ["check", "--pack", "us-ndaa-889", str(export.export), "--mapping",
             str(export.mapping), "-o", str(tmp_path / "out.csv"), "--summary-format", "json"]
        )  # fmt: skip
        data = json.loads(capsys.readouterr().err)
        assert data["exit_code"] == code
        assert data["rows"] == 120
        facts = {item["fact"]: item for item in data["missing_facts"]}
        stated = [name for name in facts if name.startswith("facts.")]
        assert stated, facts  # the export states no facts: some rule must miss one
        for name in stated:
            assert facts[name]["supply"] == supply_hint(name)
        assert "--components FILE" in facts["components"]["supply"]
        assert all(item["decisions"] > 0 for item in data["unidentified_suppliers"])

    def test_text_report_names_the_mapping_column(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The text summary lists the missing facts with how to supply them, naming where the
        mapping reads them from now."""
        export = erp_export(tmp_path, rows=120, seed=8)
        main(
            ["check", "--pack", "us-ndaa-889", str(export.export), "--mapping",
             str(export.mapping), "-o", str(tmp_path / "out.csv"), "--fail-on", "never"]
        )  # fmt: skip
        err = capsys.readouterr().err
        assert "missing facts (decisions escalated for want of them):" in err
        assert (
            "purchase.purpose: what the equipment is for: a `purpose` column, or a value map "
            'with `into = "purpose"` (now: column `purpose`, empty or absent)'
        ) in err
        assert "suppliers not identified" in err


class TestExitCodes:
    LEDGER = (
        "id,buyer_id,buyer_public,buyer_sector,supplier,category,date\n"
        "d,mod,true,defence,Huawei Technologies Co. Ltd.,telecom/network/router,2021-01-04\n"
        "e,mod,maybe,defence,,,\n"
        "a,shop,false,retail,,office/furniture,2021-01-04\n"
    )

    @pytest.mark.parametrize(
        ("rows", "bits", "expected"),
        [
            ((1, 2, 3), False, 3),  # row errors win by default, as before
            ((1, 2, 3), True, 5),  # denied and row errors
            ((2, 3), True, 4),  # row errors only
            ((1, 3), True, 1),  # denied only
            ((3,), True, 0),
            ((1, 3), False, 1),
        ],
    )
    def test_bits(self, tmp_path: Path, rows: tuple[int, ...], bits: bool, expected: int) -> None:
        """With `--exit-bits`, a denial shows (bit 1) even when rows errored (bit 4)."""
        lines = self.LEDGER.splitlines()
        ledger = tmp_path / "l.csv"
        ledger.write_text("\n".join([lines[0], *(lines[i] for i in rows)]) + "\n")
        argv = ["check", "--pack", "us-ndaa-889", str(ledger), "-q", "-o", str(tmp_path / "o.csv")]
        assert main(argv + (["--exit-bits"] if bits else [])) == expected
