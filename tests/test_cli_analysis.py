"""Tests of the analysis commands' options beyond the basics of tests/test_analysis.py:
``vendorpolicy diff OLD NEW --ledger LEDGER`` and the published schema of ``lint`` and
``diff`` JSON output."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import attrs
import jsonschema
import pytest

from vendorpolicy import Rule, RuleSet, buyer, category, fact, vendor
from vendorpolicy._cli import main
from vendorpolicy._files import save_rule_set

_HEADER = (
    "id,buyer_id,buyer_public,buyer_sector,vendor_id,vendor_designations,category,date,"
    "facts.checked\n"
)


def _old() -> RuleSet:
    return RuleSet(
        id="pack",
        version="3",
        rules=[
            Rule(
                id="ban",
                when=vendor.designated({"covered"}) & category.within("telecom"),
                effect="deny",
                in_force_from=dt.date(2020, 8, 13),
            ),
            Rule(
                id="ask",
                when=category.within("telecom") & ~fact("checked").is_true,
                effect="review",
            ),
        ],
    )


def _moved() -> RuleSet:
    """The old set with the ban's start moved a day later."""
    old = _old()
    ban = attrs.evolve(old.rule("ban"), in_force_from=dt.date(2020, 8, 14))
    return attrs.evolve(old, version="4", rules=[ban, old.rule("ask")])


def _files(tmp_path: Path, rows: list[str]) -> list[str]:
    save_rule_set(_old(), tmp_path / "v3.toml")
    save_rule_set(_moved(), tmp_path / "v4.toml")
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(_HEADER + "".join(rows), encoding="utf-8")
    return [str(tmp_path / "v3.toml"), str(tmp_path / "v4.toml"), "--ledger", str(ledger)]


_ROWS = [
    # A covered router bought the day the old ban starts: DENY under v3, ALLOW under v4.
    "po-1,gsa,true,central-government,x,covered,telecom/network/router,2020-08-13,true\n",
    # The same a day later: DENY under both.
    "po-2,gsa,true,central-government,x,covered,telecom/network/router,2020-08-14,true\n",
    # A laptop: ALLOW under both.
    "po-3,gsa,true,central-government,y,,it/endpoint/laptop,2020-08-13,\n",
    # The covered router on the day, unchecked: DENY under v3, REVIEW under v4.
    "po-4,gsa,true,central-government,x,covered,telecom/network/router,2020-08-13,\n",
]


class TestDiffLedger:
    def test_text_lists_each_changed_purchase_with_its_rules(self, tmp_path: Path) -> None:
        """Each row whose effect changed is listed with its line, id and the rules that
        determined each decision; unchanged rows are counted; exit 1."""
        out = io.StringIO()
        assert main(["diff", *_files(tmp_path, _ROWS)], out=out) == 1
        lines = out.getvalue().splitlines()
        assert lines[:2] == [
            "line 2 (po-1): DENY -> ALLOW (old: pack/ban; new: the default)",
            (
                "line 5 (po-4): DENY -> REVIEW (old: pack/ban; new: pack/ask unknown, missing "
                "facts.checked)"
            ),
        ]
        assert lines[2].endswith("ledger.csv: 4 row(s), 2 decided differently")
        assert len(lines) == 3

    def test_json(self, tmp_path: Path) -> None:
        """`--format json` gives the versions, the row count, each change and no errors."""
        out = io.StringIO()
        assert main(["diff", *_files(tmp_path, _ROWS), "--format", "json"], out=out) == 1
        doc = json.loads(out.getvalue())
        assert doc["old"] == {"rule_set": "pack", "version": "3"}
        assert doc["new"] == {"rule_set": "pack", "version": "4"}
        assert doc["rows"] == 4
        assert doc["errors"] == []
        assert [(c["line"], c["purchase_id"], c["old"], c["new"]) for c in doc["changed"]] == [
            (2, "po-1", "deny", "allow"),
            (5, "po-4", "deny", "review"),
        ]
        first, escalated = doc["changed"]
        assert (first["old_basis"], first["old_rules"]) == ("rules", ["pack/ban"])
        assert (first["new_basis"], first["new_rules"]) == ("default", [])
        assert (escalated["new_basis"], escalated["new_rules"]) == ("unknown", ["pack/ask"])
        assert escalated["new_missing"] == ["facts.checked"]

    def test_no_change_exits_0(self, tmp_path: Path) -> None:
        """A ledger with no purchase on the moved day changes nothing: exit 0."""
        out = io.StringIO()
        assert main(["diff", *_files(tmp_path, _ROWS[1:3])], out=out) == 0
        assert out.getvalue().splitlines()[-1].endswith("2 row(s), 0 decided differently")

    def test_unreadable_row_is_listed_and_exits_3(self, tmp_path: Path) -> None:
        """A row that cannot be read is listed with its line, the other rows are still
        compared, and the exit is 3 (it may be a purchase whose decision changed)."""
        bad = "po-5,gsa,maybe,central-government,x,covered,telecom/network,2020-08-13,true\n"
        out = io.StringIO()
        assert main(["diff", *_files(tmp_path, [_ROWS[0], bad])], out=out) == 3
        text = out.getvalue()
        assert "line 2 (po-1): DENY -> ALLOW" in text
        assert "line 3: error: " in text
        assert "maybe" in text
        assert text.splitlines()[-1].endswith(
            "2 row(s), 1 decided differently; 1 could not be read or decided"
        )
        out = io.StringIO()
        args = [*_files(tmp_path, [_ROWS[0], bad]), "--format", "json"]
        assert main(["diff", *args], out=out) == 3
        [error] = json.loads(out.getvalue())["errors"]
        assert error["line"] == 3
        assert error["errors"]


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    out = io.StringIO()
    assert main(["schema", kind], out=out) == 0
    printed = json.loads(out.getvalue())
    jsonschema.Draft202012Validator.check_schema(printed)
    return jsonschema.Draft202012Validator(printed, format_checker=jsonschema.FormatChecker())


def _every_finding() -> RuleSet:
    """A first-match rule set with a mistake of every kind lint reports."""
    return RuleSet(
        id="mistakes",
        version="1",
        combining="first-match",
        rules=[
            Rule(
                id="both", when=vendor.origin.in_({"CN"}) & vendor.origin.in_({"JP"}), effect="deny"
            ),
            Rule(
                id="excepted",
                when=category.within("telecom/network"),
                unless=category.within("telecom"),
                effect="deny",
            ),
            Rule(id="allow-jp", when=vendor.origin.in_({"JP"}), effect="allow"),
            Rule(
                id="gear",
                when=category.within("video") | fact("network-equipment").is_true,
                effect="review",
            ),
            Rule(
                id="everything",
                when=buyer.is_public | ~buyer.is_public,
                unless=vendor.origin.in_({"CN"}) & vendor.origin.in_({"JP"}),
                effect="warn",
            ),
            Rule(id="late", when=category.within("video"), effect="deny"),
        ],
    )


class TestSchemas:
    def test_lint_output_validates(self, tmp_path: Path) -> None:
        """`lint --format json` output, with a finding of every code, is valid under
        `schema findings`, and the schema refuses a code lint does not have."""
        from vendorpolicy.analysis._lint import CODES

        save_rule_set(_every_finding(), tmp_path / "rules.toml")
        out = io.StringIO()
        main(["lint", str(tmp_path / "rules.toml"), "--format", "json"], out=out)
        doc = json.loads(out.getvalue())
        # A rule not in force on the decision date is reported only with --as-of.
        save_rule_set(_old(), tmp_path / "dated.toml")
        dated = io.StringIO()
        args = [str(tmp_path / "dated.toml"), "--as-of", "2020-08-12", "--format", "json"]
        assert main(["lint", *args], out=dated) == 0
        dated_doc = json.loads(dated.getvalue())
        assert [(f["code"], f["rule"]) for f in dated_doc["findings"]] == [("not-in-force", "ban")]
        codes = {f["code"] for f in doc["findings"]} | {"not-in-force"}
        assert codes == set(CODES)
        schema = _validator("findings")
        schema.validate(doc)
        schema.validate(dated_doc)
        out = io.StringIO()
        assert main(["lint", "--pack", "jp-2018", "--format", "json"], out=out) == 0
        schema.validate(json.loads(out.getvalue()))
        doc["findings"][0]["code"] = "never-ever"
        assert not schema.is_valid(doc)

    def test_diff_outputs_validate(self, tmp_path: Path) -> None:
        """Both forms of `diff --format json` (regions, and `--ledger`, with an error row) are
        valid under `schema diff`."""
        schema = _validator("diff")
        files = _files(tmp_path, [*_ROWS, "po-5,gsa,maybe,defence,x,,telecom,2020-08-13,\n"])
        out = io.StringIO()
        assert main(["diff", *files[:2], "--format", "json"], out=out) == 1
        regions = json.loads(out.getvalue())
        assert regions
        schema.validate(regions)
        out = io.StringIO()
        assert main(["diff", *files, "--format", "json"], out=out) == 3
        ledger = json.loads(out.getvalue())
        assert ledger["changed"]
        assert ledger["errors"]
        schema.validate(ledger)
        del ledger["changed"][0]["new_basis"]
        assert not schema.is_valid(ledger)


def _ndaa_moved(tmp_path: Path) -> str:
    """us-ndaa-889 with Part A's start moved a day later, saved as a rule file."""
    from vendorpolicy import packs

    pack = packs.load("us-ndaa-889")
    rules = [
        attrs.evolve(r, in_force_from=dt.date(2019, 8, 14)) if r.id == "part-a" else r
        for r in pack.rules
    ]
    path = tmp_path / "moved.toml"
    save_rule_set(attrs.evolve(pack, version="moved", rules=rules), path)
    return str(path)


_NAMED = (
    "id,date,buyer_id,buyer_public,buyer_sector,buyer_country,supplier,category\n"
    # Named only: a Huawei router bought by an agency on the day Part A takes effect.
    "n-1,2019-08-13,gsa,true,central-government,US,Huawei Technologies Co. Ltd.,"
    "telecom/network/router\n"
    # The same a day later: denied under both versions.
    "n-2,2019-08-14,gsa,true,central-government,US,Huawei Technologies Co. Ltd.,"
    "telecom/network/router\n"
)


def _pack_files(tmp_path: Path) -> tuple[str, str]:
    from vendorpolicy import packs

    old = tmp_path / "ndaa.toml"
    save_rule_set(packs.load("us-ndaa-889"), old)
    ledger = tmp_path / "named.csv"
    ledger.write_text(_NAMED, encoding="utf-8")
    return str(old), str(ledger)


class TestDiffRegistry:
    def test_pack_is_old_and_names_resolve_against_the_bundled_registry(
        self, tmp_path: Path
    ) -> None:
        """`diff --pack NAME NEW --ledger L` compares the pack with NEW, resolving the
        ledger's supplier names against the bundled registry, as `check --pack` does: only the
        purchase of the moved day changes."""
        _, ledger = _pack_files(tmp_path)
        out = io.StringIO()
        args = ["diff", "--pack", "us-ndaa-889", _ndaa_moved(tmp_path), "--ledger", ledger]
        assert main([*args, "--format", "json"], out=out) == 1
        doc = json.loads(out.getvalue())
        assert doc["old"]["rule_set"] == "us-ndaa-889"
        assert doc["new"]["version"] == "moved"
        [changed] = doc["changed"]
        assert (changed["purchase_id"], changed["old"]) == ("n-1", "deny")
        assert changed["new"] != "deny"
        assert changed["old_rules"] == ["us-ndaa-889/part-a"]

    def test_files_resolve_only_with_registry(self, tmp_path: Path) -> None:
        """With two rule files no name is resolved unless `--registry` is given (as `check`
        with a rule file): the named suppliers stay unknown under both versions, so nothing
        changes; with `--registry bundled` the moved day's purchase does."""
        old, ledger = _pack_files(tmp_path)
        new = _ndaa_moved(tmp_path)
        out = io.StringIO()
        assert main(["diff", old, new, "--ledger", ledger], out=out) == 0
        assert out.getvalue().splitlines()[-1].endswith("2 row(s), 0 decided differently")
        out = io.StringIO()
        code = main(["diff", old, new, "--ledger", ledger, "--registry", "bundled"], out=out)
        assert code == 1
        assert out.getvalue().startswith("line 2 (n-1): DENY -> ")

    def test_no_bundled_registry_needs_a_file(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`--no-bundled-registry` without a `--registry` file is a usage error, as for
        `check`."""
        _, ledger = _pack_files(tmp_path)
        args = ["diff", "--pack", "us-ndaa-889", _ndaa_moved(tmp_path), "--ledger", ledger]
        assert main([*args, "--no-bundled-registry"], out=io.StringIO()) == 2
        assert "--no-bundled-registry needs at least one --registry FILE" in capsys.readouterr().err

    def test_pack_takes_one_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """With `--pack`, only NEW is given; without it, both OLD and NEW."""
        old, _ = _pack_files(tmp_path)
        for args in (["--pack", "us-ndaa-889", old, old], ["--pack", "us-ndaa-889"], [old]):
            assert main(["diff", *args], out=io.StringIO()) == 2
            assert "vendorpolicy diff: " in capsys.readouterr().err


class TestAnalysisRegistry:
    def test_lint_pack_with_the_bundled_registry(self) -> None:
        """`lint --pack NAME --registry bundled` lints over the bundled registry's entities."""
        out = io.StringIO()
        assert main(["lint", "--pack", "jp-2018", "--registry", "bundled"], out=out) == 0
        assert out.getvalue() == "jp-2018: 0 finding(s)\n"

    def test_lint_registry_file_with_rules(self, tmp_path: Path) -> None:
        """With a rule file, `--registry FILE` alone is the registry: over a registry that
        designates nobody, the ban still holds (for vendors stated as-is, whose own
        designation it reads), so nothing is reported."""
        from vendorpolicy import Entity, Registry, registry_to_dict

        save_rule_set(_old(), tmp_path / "v3.toml")
        registry = Registry(id="mine", version="1", entities=[Entity(id="acme", name="Acme")])
        (tmp_path / "mine.json").write_text(json.dumps(registry_to_dict(registry)), "utf-8")
        out = io.StringIO()
        args = ["lint", str(tmp_path / "v3.toml"), "--registry", str(tmp_path / "mine.json")]
        assert main([*args, "--format", "json"], out=out) == 0
        assert json.loads(out.getvalue())["findings"] == []

    def test_diff_regions_with_a_registry(self, tmp_path: Path) -> None:
        """`diff OLD NEW --registry bundled` compares over the registry: every witness is
        decided as reported with the registry, and the moved day still separates them."""
        from vendorpolicy import bundled_registry, purchase_from_dict
        from vendorpolicy._engine import interpret

        files = _files(tmp_path, _ROWS)[:2]
        out = io.StringIO()
        assert main(["diff", *files, "--registry", "bundled", "--format", "json"], out=out) == 1
        regions = json.loads(out.getvalue())
        registry = bundled_registry()
        days = set()
        for r in regions:
            p = purchase_from_dict(r["witness"]["purchase"])
            assert interpret(_old(), p, registry=registry).effect.value == r["old"]
            assert interpret(_moved(), p, registry=registry).effect.value == r["new"]
            days.add(p.date)
        assert days == {dt.date(2020, 8, 13)}
