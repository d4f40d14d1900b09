"""Components and facts from flat ledgers: components files, `none`, composite ids, facts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendorpolicy import (
    ColumnMapping,
    Component,
    LedgerRow,
    RowError,
    ScreenedRow,
    ValueMap,
    bundled_registry,
    load_components,
    packs,
    read_ledger,
    screen_ledger,
)
from vendorpolicy._cli import main
from vendorpolicy.errors import InvalidDataError
from vendorpolicy.testing import components, erp_export

BUYER = "buyer_id,buyer_public,buyer_sector"
ROW = "mod,true,defence"
NDAA = packs.load("us-ndaa-889")


def write(tmp_path: Path, text: str, name: str = "ledger.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def parts_file(tmp_path: Path, parts: list[tuple[str, Component]]) -> Path:
    """A components file holding ``parts`` (purchase id, component without a vendor)."""
    facts = sorted({name for _, c in parts for name in c.facts})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["purchase_id", "maker", "category", "description"] + [f"facts.{f}" for f in facts]
    )
    for purchase_id, part in parts:
        writer.writerow(
            [purchase_id, part.maker, part.category.path if part.category else "", part.description]
            + [_cell(part.facts.get(f)) for f in facts]
        )
    return write(tmp_path, out.getvalue(), "components.csv")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


PLAIN_TEXT = st.text("abcdefgh -", min_size=1, max_size=8).map(str.strip).filter(bool)
PARTS = components().map(
    lambda c: attrs.evolve(c, vendor=None)
).flatmap(
    lambda c: st.builds(
        lambda maker, description: attrs.evolve(c, maker=maker, description=description),
        st.just("") | PLAIN_TEXT,
        st.just("") | PLAIN_TEXT,
    )
)  # fmt: skip


class TestComponentsFile:
    @given(st.lists(st.tuples(st.sampled_from(["p1", "p2", "p3"]), PARTS), max_size=8))
    def test_parts_join_their_purchases(
        self, tmp_path_factory: pytest.TempPathFactory, parts: list[tuple[str, Component]]
    ) -> None:
        """Each purchase gets exactly the parts listed for its id, in file order; a purchase
        with none listed keeps its parts undeclared."""
        folder = tmp_path_factory.mktemp("parts")
        ledger = write(folder, f"id,{BUYER}\np1,{ROW}\np2,{ROW}\np3,{ROW}\n")
        found = {
            row.purchase.id: row.purchase.components
            for row in read_ledger(ledger, components=parts_file(folder, parts))
            if isinstance(row, LedgerRow)
        }
        for purchase_id in ("p1", "p2", "p3"):
            listed = tuple(c for i, c in parts if i == purchase_id)
            assert found[purchase_id] == (listed or None)

    def test_all_components_declares_the_rest_have_none(self, tmp_path: Path) -> None:
        """With ``complete=True``, a purchase the file does not list has no components."""
        ledger = write(tmp_path, f"id,{BUYER}\np1,{ROW}\np2,{ROW}\n")
        parts = write(tmp_path, "purchase_id,maker\np1,Acme\n", "parts.csv")
        rows = list(read_ledger(ledger, components=load_components(parts, complete=True)))
        assert [r.purchase.components for r in rows if isinstance(r, LedgerRow)] == [
            (Component(maker="Acme"),),
            (),
        ]

    def test_unreadable_part_makes_its_purchase_an_error(self, tmp_path: Path) -> None:
        """A part that cannot be read is an error for the purchase it names, with the file,
        line and column: the purchase is not decided without it."""
        ledger = write(tmp_path, f"id,{BUYER}\np1,{ROW}\n")
        parts = write(tmp_path, "purchase_id,category\np1,Telecom/Modem\n", "parts.csv")
        (row,) = read_ledger(ledger, components=parts)
        assert isinstance(row, RowError)
        assert row.errors == (
            (
                f"components file {parts}:2 column `category`: invalid category "
                "`Telecom/Modem`: use lowercase words joined by `/` (did you mean "
                "`telecom/modem`?)"
            ),
        )

    def test_unmatched_parts_are_listed(self, tmp_path: Path) -> None:
        """Parts whose purchase id no ledger row has are listed once the ledger is read."""
        ledger = write(tmp_path, f"id,{BUYER}\np1,{ROW}\n")
        parts = load_components(write(tmp_path, "purchase_id,maker\np1,A\np9,B\n,C\n", "parts.csv"))
        list(read_ledger(ledger, components=parts))
        assert parts.unmatched() == [(3, "p9"), (4, "")]

    def test_unknown_column_is_refused(self, tmp_path: Path) -> None:
        """A components file with an unknown column is refused with the closest name."""
        parts = write(tmp_path, "purchase_id,makr\n", "parts.csv")
        with pytest.raises(InvalidDataError) as caught:
            load_components(parts)
        (problem,) = caught.value.problems
        assert (problem.message, problem.path, problem.hint) == (
            "unknown column `makr`",
            f"{parts}:1 column 2",
            "did you mean `maker`?",
        )

    def test_none_column_and_listed_parts_conflict(self, tmp_path: Path) -> None:
        """A row that declares no components while the file lists parts for it is an error."""
        ledger = write(tmp_path, f"id,{BUYER},components\np1,{ROW},none\np2,{ROW},none\n")
        parts = write(tmp_path, "purchase_id,maker\np1,A\n", "parts.csv")
        first, second = read_ledger(ledger, components=parts)
        assert isinstance(first, RowError)
        assert first.errors == (
            (
                f"the row declares no components, and components file {parts} lists 1 part "
                "for purchase `p1` (give the parts in one place)"
            ),
        )
        assert isinstance(second, LedgerRow)
        assert second.purchase.components == ()

    def test_components_column_takes_only_none(self, tmp_path: Path) -> None:
        """The `components` column says `none` or nothing; anything else is an error."""
        ledger = write(tmp_path, f"id,{BUYER},components\np1,{ROW},NONE\np2,{ROW},modem\n")
        first, second = read_ledger(ledger)
        assert isinstance(first, LedgerRow)
        assert first.purchase.components == ()
        assert isinstance(second, RowError)
        assert second.errors[0].startswith("column `components`: expected `none`, got `modem`")

    def test_cli_unmatched_parts_exit_3(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`check --components` reports parts for purchases not in the ledger and exits 3."""
        ledger = write(tmp_path, f"id,{BUYER}\np1,{ROW}\n")
        parts = write(tmp_path, "purchase_id,maker\np1,A\np9,B\n", "parts.csv")
        code = main(
            ["check", "--pack", "us-ndaa-889", str(ledger), "--components", str(parts),
             "-o", str(tmp_path / "out.jsonl"), "--fail-on", "never"]
        )  # fmt: skip
        assert code == 3
        err = capsys.readouterr().err
        assert f"error: 1 part in {parts} for purchases not in the ledger: `p9` (line 3)" in err

    def test_covered_part_denies_and_its_removal_is_not_silent(self, tmp_path: Path) -> None:
        """An army laptop whose LTE modem is a Huawei part is denied; without the components
        file the parts are undeclared and the laptop goes to review, never to allow."""
        ledger = write(
            tmp_path,
            f"id,{BUYER},supplier,category,date,facts.uses-covered-equipment\n"
            f"p1,{ROW},Fabrikam,it/endpoint/laptop,2021-03-01,false\n",
        )
        parts = write(
            tmp_path,
            "purchase_id,maker,category,facts.essential\n"
            "p1,Huawei Technologies Co. Ltd.,telecom/component/lte-module,true\n",
            "parts.csv",
        )
        registry = bundled_registry()
        (with_parts,) = screen_ledger(NDAA, ledger, components=parts, registry=registry)
        (without,) = screen_ledger(NDAA, ledger, registry=registry)
        assert isinstance(with_parts, ScreenedRow)
        assert isinstance(without, ScreenedRow)
        assert with_parts.decision.effect.value == "deny"
        assert without.decision.effect.value == "review"
        assert "components" in without.decision.missing_facts


class TestIdsAndFacts:
    def test_composite_id(self, tmp_path: Path) -> None:
        """An id of several columns joins their cells with `-`; an empty part is an error."""
        mapping = ColumnMapping(id=["PO", "Item"])
        ledger = write(tmp_path, f"PO,Item,{BUYER}\n45,10,{ROW}\n45,,{ROW}\n")
        first, second = read_ledger(ledger, mapping=mapping)
        assert isinstance(first, LedgerRow)
        assert first.purchase.id == "45-10"
        assert isinstance(second, RowError)
        assert second.errors == (
            "column `Item`: empty, and the purchase id is made of columns `PO`, `Item`",
        )

    def test_fact_columns_rename_facts(self, tmp_path: Path) -> None:
        """`fact_columns` reads a fact from a column named the ERP's way."""
        mapping = ColumnMapping(fact_columns={"funding": "Fund Type"})
        ledger = write(tmp_path, f"{BUYER},Fund Type\n{ROW},federal-grant\n")
        (row,) = read_ledger(ledger, mapping=mapping)
        assert isinstance(row, LedgerRow)
        assert row.purchase.facts == {"funding": "federal-grant"}

    def test_value_map_to_boolean_fact(self, tmp_path: Path) -> None:
        """Y/N codes map to a boolean fact through a value map."""
        rep = ValueMap(
            column="889 Rep", into="facts.uses-covered-equipment", exact={"Y": True, "N": False}
        )
        ledger = write(tmp_path, f"{BUYER},889 Rep\n{ROW},Y\n{ROW},N\n")
        rows = list(read_ledger(ledger, mapping=ColumnMapping(value_maps=[rep])))
        assert [r.purchase.facts for r in rows if isinstance(r, LedgerRow)] == [
            {"uses-covered-equipment": True},
            {"uses-covered-equipment": False},
        ]

    def test_mapping_facts_checked_against_the_vocabulary_first(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A fact the pack does not know, from a constant or a fact column, is refused before
        any row is read, naming where it comes from."""
        mapping = write(
            tmp_path,
            'fact_columns = { fundng = "Fund" }\n[constants]\n"facts.cost-centre" = "cc1"\n',
            "mapping.toml",
        )
        ledger = write(tmp_path, f"{BUYER},Fund\n{ROW},own-budget\n")
        code = main(["check", "--pack", "us-ndaa-889", str(ledger), "--mapping", str(mapping)])
        assert code == 3
        err = capsys.readouterr().err
        assert (
            "constant `facts.cost-centre`: fact `cost-centre` is not in the vocabulary of rule "
            f"set `us-ndaa-889` @ {mapping} (remove it from the mapping, or pass "
            "`--extra-fact cost-centre` if it is meant for other rules)"
        ) in err
        assert (
            "fact column `Fund`: fact `fundng` is not in the vocabulary of rule set "
            f"`us-ndaa-889` @ {ledger}:1 column 4 (did you mean `funding`?)"
        ) in err


class TestErpWithFacts:
    def test_review_share_falls_with_components_and_facts(self, tmp_path: Path) -> None:
        """The generated export with its facts, components and vendor master: every row is
        decided, and fewer go to review than without them."""
        plain = erp_export(tmp_path / "plain", rows=400, seed=2)
        full = erp_export(tmp_path / "full", rows=400, seed=2, facts=True)
        shares = []
        for export, extra in (
            (plain, []),
            (full, ["--components", str(full.components), "--all-components",
                    "--registry", str(full.vendors)]),
        ):  # fmt: skip
            out = export.export.parent / "out.jsonl"
            code = main(
                ["check", "--pack", "us-ndaa-889", str(export.export), "--mapping",
                 str(export.mapping), "-o", str(out), "-q", "--fail-on", "never", *extra]
            )  # fmt: skip
            assert code == 0
            records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
            assert len(records) == 400
            assert all(r["status"] == "decided" for r in records)
            shares.append(sum(r["effect"] == "review" for r in records) / len(records))
        assert shares[1] < shares[0] / 4
