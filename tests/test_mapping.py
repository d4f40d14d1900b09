"""Mapping files: column renames, value maps for codes, constants, kept columns, the schema."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendorpolicy import (
    ColumnMapping,
    LedgerRow,
    RowError,
    ScreenedRow,
    ValueMap,
    load_mapping,
    mapping_schema,
    packs,
    read_ledger,
    screen_ledger,
    write_results,
)
from vendorpolicy._cli import main
from vendorpolicy._samples import sample_rule_set
from vendorpolicy.errors import InvalidDataError, InvalidValueError, PredicateTypeError
from vendorpolicy.testing import CATEGORY_POOL, erp_export, value_maps

BUYER = "buyer_id,buyer_public,buyer_sector"
ROW = "mic,true,central-government"


def write(tmp_path: Path, text: str, name: str = "ledger.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def brute_force(value_map: ValueMap, code: str) -> str | None:
    """The category a code maps to, by the documented rule: exact codes first, then the longest
    matching prefix."""
    if code in value_map.exact:
        return str(value_map.exact[code])
    matching = [p for p in value_map.prefix if code.startswith(p)]
    if not matching:
        return None
    return str(value_map.prefix[max(matching, key=len)])


CODES = st.text("1234A", min_size=1, max_size=5)


class TestValueMap:
    @given(value_maps(), CODES)
    def test_lookup_agrees_with_the_rule(self, value_map: ValueMap, code: str) -> None:
        """A code maps by its exact rule, else by its longest matching prefix, else not at all."""
        found = value_map.lookup(code)
        expected = brute_force(value_map, code)
        if expected is None:
            assert found is None
        else:
            assert found is not None
            assert found[0] == {"category": expected}

    @given(value_maps(), st.lists(CODES, min_size=1, max_size=8))
    def test_unmapped_code_is_a_row_error_naming_it(
        self, tmp_path_factory: pytest.TempPathFactory, value_map: ValueMap, codes: list[str]
    ) -> None:
        """Every row comes out: a purchase with the mapped category, or an error naming the code
        no rule maps; never a purchase with the category unknown or wrong."""
        mapping = ColumnMapping(value_maps=[value_map])
        lines = [f"id,{BUYER},Material Group"] + [f"p{i},{ROW},{c}" for i, c in enumerate(codes)]
        path = write(tmp_path_factory.mktemp("map"), "\n".join(lines) + "\n")
        rows = list(read_ledger(path, mapping=mapping))
        assert len(rows) == len(codes)
        for row, code in zip(rows, codes, strict=True):
            expected = brute_force(value_map, code)
            if expected is None:
                assert isinstance(row, RowError)
                assert row.errors == (
                    (
                        f"column `Material Group`: no rule of the value map maps the code "
                        f"`{code}` (add it to the map's `exact` codes or a `prefix` rule, so "
                        "that the row is not read with the field unknown)"
                    ),
                )
            else:
                assert isinstance(row, LedgerRow)
                assert row.purchase.category is not None
                assert row.purchase.category.path == expected

    def test_empty_cell_maps_to_nothing(self, tmp_path: Path) -> None:
        """An empty code cell leaves the field unknown, as any empty cell does."""
        mapping = ColumnMapping(
            value_maps=[ValueMap(column="MG", into="category", prefix={"": "other"})]
        )
        (row,) = read_ledger(write(tmp_path, f"{BUYER},MG\n{ROW},\n"), mapping=mapping)
        assert isinstance(row, LedgerRow)
        assert row.purchase.category is None

    def test_tables_set_several_fields_and_facts(self, tmp_path: Path) -> None:
        """A code mapped to a table sets each field, facts included."""
        orgs = ValueMap(
            column="Purchasing Org",
            exact={
                "1100": {
                    "buyer_id": "army",
                    "buyer_public": True,
                    "buyer_sector": "defence",
                    "facts.funding": "own-budget",
                }
            },
        )
        mapping = ColumnMapping(value_maps=[orgs])
        (row,) = read_ledger(write(tmp_path, "id,Purchasing Org\np,1100\n"), mapping=mapping)
        assert isinstance(row, LedgerRow)
        buyer = row.purchase.buyer
        assert (buyer.id, buyer.public, buyer.sector.value) == ("army", True, "defence")
        assert row.purchase.facts == {"funding": "own-budget"}

    @pytest.mark.parametrize(
        ("kwargs", "error", "message", "path"),
        [
            ({"column": "MG"}, InvalidValueError, "the value map of column `MG` has no rules",
             "ValueMap"),
            ({"column": "MG", "exact": {"1": "it"}}, PredicateTypeError,
             "expected a table of fields, got str `it`", "ValueMap.exact['1']"),
            ({"column": "MG", "into": "category", "exact": {"1": {"category": "it"}}},
             PredicateTypeError, "expected a value for `category`, got a table",
             "ValueMap.exact['1']"),
            ({"column": "MG", "into": "categroy", "exact": {"1": "it"}}, InvalidValueError,
             "unknown field `categroy`", "ValueMap.into"),
            ({"column": "MG", "into": "category", "exact": {"1": "IT/Server"}},
             InvalidValueError, "invalid category `IT/Server`: use lowercase words joined by `/`",
             "ValueMap.exact['1']"),
            ({"column": "CC", "into": "buyer_country", "exact": {"1000": "USA"}},
             InvalidValueError, "unknown country code `USA`", "ValueMap.exact['1000']"),
            ({"column": "PO", "exact": {"1": {"buyer_public": "yes"}}}, PredicateTypeError,
             "expected a boolean for `buyer_public`, got text `yes`",
             "ValueMap.exact['1']['buyer_public']"),
            ({"column": "PO", "exact": {"1": {}}}, InvalidValueError,
             "empty table: the code would set nothing", "ValueMap.exact['1']"),
        ],
    )  # fmt: skip
    def test_refused_at_construction(
        self, kwargs: dict[str, object], error: type[Exception], message: str, path: str
    ) -> None:
        """A value map that could not map a row as meant is refused when built, with its path."""
        with pytest.raises(error) as caught:
            ValueMap(**kwargs)  # type: ignore[arg-type]
        assert caught.value.message == message  # type: ignore[attr-defined]
        assert caught.value.path == path  # type: ignore[attr-defined]


class TestColumnMappingExtensions:
    def test_a_field_from_two_places_is_refused(self) -> None:
        """A field set both by a constant and a value map is refused: rows would say two things."""
        with pytest.raises(InvalidValueError) as caught:
            ColumnMapping(
                constants={"category": "it"},
                value_maps=[ValueMap(column="MG", into="category", prefix={"": "other"})],
            )
        assert caught.value.message == (
            "field `category` is set both by a constant and by the value map of column `MG`"
        )
        assert caught.value.path == "ColumnMapping.value_maps[0]"

    def test_fact_constants(self, tmp_path: Path) -> None:
        """``facts.<name>`` constants state a fact for every row; a row's own column wins
        nothing: both may not be given, so a constant is the row's value."""
        mapping = ColumnMapping(constants={"facts.funding": "own-budget"})
        (row,) = read_ledger(write(tmp_path, f"{BUYER}\n{ROW}\n"), mapping=mapping)
        assert isinstance(row, LedgerRow)
        assert row.purchase.facts == {"funding": "own-budget"}

    def test_unknown_constant_field(self) -> None:
        """A constant for a field that does not exist is refused with the closest name."""
        with pytest.raises(InvalidValueError) as caught:
            ColumnMapping(constants={"buyer_sectr": "defence"})
        assert caught.value.message == "unknown field `buyer_sectr`"
        assert caught.value.hint == "did you mean `buyer_sector`?"

    def test_header_needs_value_map_and_kept_columns(self, tmp_path: Path) -> None:
        """A value map's column and a kept column missing from the header are refused before
        any row is read."""
        mapping = ColumnMapping(
            value_maps=[ValueMap(column="Material Group", into="category", prefix={"": "it"})],
            keep=["PO Item"],
        )
        path = write(tmp_path, f"{BUYER},PO Itme\n{ROW},1\n")
        with pytest.raises(InvalidDataError) as caught:
            list(read_ledger(path, mapping=mapping))
        messages = [(p.message, p.path, p.hint) for p in caught.value.problems]
        assert messages == [
            ("unknown column `PO Itme`", f"{path}:1 column 4", "did you mean `PO Item`?"),
            (
                "no column `Material Group` for its value map",
                f"{path}:1",
                "name the column the codes are in as the header spells it",
            ),
            ("no column `PO Item` to keep", f"{path}:1", "did you mean `PO Itme`?"),
        ]

    def test_column_of_a_mapped_field_is_refused(self, tmp_path: Path) -> None:
        """A `category` column beside a value map that sets the category is refused, naming
        the map: one of the two would be silently dropped."""
        mapping = ColumnMapping(
            value_maps=[ValueMap(column="MG", into="category", prefix={"": "it"})]
        )
        path = write(tmp_path, f"{BUYER},MG,category\n{ROW},1,it\n")
        with pytest.raises(InvalidDataError) as caught:
            list(read_ledger(path, mapping=mapping))
        (problem,) = caught.value.problems
        assert problem.message == "unknown column `category`"
        assert problem.hint == (
            "it would feed `category`, which the value map of column `MG` sets; list the column "
            "in `ignore`, or drop the other source"
        )

    def test_supplier_country(self, tmp_path: Path) -> None:
        """The supplier's country is checked and carried to the screened row, and does not make
        an unidentified supplier a known vendor."""
        path = write(
            tmp_path,
            f"id,{BUYER},supplier,supplier_country\na,{ROW},Acme,US\nb,{ROW},Acme,USA\n",
        )
        good, bad = screen_ledger(sample_rule_set(), path)
        assert isinstance(good, ScreenedRow)
        assert good.supplier_country == "US"
        assert good.purchase.vendor is None
        assert isinstance(bad, RowError)
        assert bad.errors[0].startswith("column `supplier_country`: unknown country code `USA`")


class TestKeep:
    @pytest.mark.parametrize("fmt", ["csv", "jsonl"])
    def test_kept_columns_reach_every_record(self, tmp_path: Path, fmt: str) -> None:
        """Kept columns are copied to decisions and error records alike, in both formats."""
        mapping = ColumnMapping(id="PO", keep=["PO", "Item"], ignore=["Item"])
        path = write(
            tmp_path, f"PO,Item,{BUYER},value,currency\n45,10,{ROW},1,JPY\n45,20,{ROW},x,JPY\n"
        )
        rules = sample_rule_set()
        out = io.StringIO()
        write_results(
            screen_ledger(rules, path, mapping=mapping), out, rule_set=rules, format=fmt,
            keep=mapping.keep,
        )  # fmt: skip
        if fmt == "csv":
            records = list(csv.DictReader(io.StringIO(out.getvalue())))
            assert [(r["status"], r["PO"], r["Item"]) for r in records] == [
                ("decided", "45", "10"),
                ("error", "45", "20"),
            ]
        else:
            records = [json.loads(line) for line in out.getvalue().splitlines()]
            assert [(r["status"], r["kept"]) for r in records] == [
                ("decided", {"PO": "45", "Item": "10"}),
                ("error", {"PO": "45", "Item": "20"}),
            ]

    def test_cli_keep_option(self, tmp_path: Path) -> None:
        """`--keep PO,Item` adds columns to the results, joined with the mapping's own."""
        ledger = write(tmp_path, f"PO,Item,{BUYER}\n45,10,{ROW}\n")
        rules = tmp_path / "rules.toml"
        from vendorpolicy import dump_rule_set

        rules.write_text(dump_rule_set(sample_rule_set()))
        out = tmp_path / "out.csv"
        code = main(["check", str(rules), str(ledger), "--keep", "PO,Item", "-o", str(out), "-q"])
        assert code == 0
        (record,) = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
        assert (record["PO"], record["Item"]) == ("45", "10")


class TestMappingFiles:
    def test_toml_errors_are_located(self, tmp_path: Path) -> None:
        """Every problem in a mapping file is reported at once, with its line and path."""
        path = write(
            tmp_path,
            "format_version = 1\n"
            'id = "PO Number"\n'
            'vendor_contry = "Country"\n'
            "[[value_maps]]\n"
            'column = "Material Group"\n'
            'into = "category"\n'
            'exact."4322" = "Telecom"\n',
            "mapping.toml",
        )
        with pytest.raises(InvalidDataError) as caught:
            load_mapping(path)
        problems = [(p.message, p.path) for p in caught.value.problems]
        assert problems == [
            (
                "invalid category `Telecom`: use lowercase words joined by `/`",
                f"{path}:7 $.value_maps[0].exact['4322']",
            ),
            ("unknown key `vendor_contry`", f"{path}:3 $"),
        ]

    def test_unknown_format_version(self, tmp_path: Path) -> None:
        """A mapping file of another format version is refused."""
        path = write(tmp_path, "format_version = 2\n", "mapping.toml")
        with pytest.raises(InvalidDataError) as caught:
            load_mapping(path)
        (problem,) = caught.value.problems
        assert problem.message == "unknown format_version `2`"
        assert problem.path == f"{path}:1 $.format_version"

    def test_json_mappings_still_read(self, tmp_path: Path) -> None:
        """A JSON mapping (the earlier `--mapping` form) reads as before."""
        path = write(tmp_path, '{"id": "PO Number", "constants": {"currency": "JPY"}}', "m.json")
        assert load_mapping(path) == ColumnMapping(id="PO Number", constants={"currency": "JPY"})

    @given(value_maps(), st.sampled_from(CATEGORY_POOL))
    def test_valid_mappings_validate_against_the_schema(
        self, value_map: ValueMap, category: str
    ) -> None:
        """A mapping built in code, written as data, validates against the published schema and
        reads back equal."""
        data = {
            "format_version": 1,
            "id": "PO Number",
            "keep": ["PO Number"],
            "constants": {"facts.funding": "own-budget"},
            "value_maps": [
                {"column": value_map.column, "into": value_map.into,
                 "exact": dict(value_map.exact), "prefix": dict(value_map.prefix)},
                {"column": "Org", "exact": {"1": {"buyer_id": "a", "buyer_public": True,
                                                  "buyer_sector": "defence",
                                                  "facts.kind": category}}},
            ],
        }  # fmt: skip
        jsonschema.validate(data, mapping_schema())
        from vendorpolicy._mapping import parse_mapping

        mapping = parse_mapping(data)
        assert mapping.value_maps[0] == value_map

    @pytest.mark.parametrize(
        "data",
        [
            {"vendor_contry": "x"},
            {"value_maps": [{"column": "MG", "exact": {"1": {"categroy": "it"}}}]},
            {"constants": {"buyer_sectr": "defence"}},
            {"value_maps": [{"exact": {"1": "it"}}]},
        ],
    )
    def test_schema_and_reader_refuse_the_same_mistakes(self, data: dict[str, object]) -> None:
        """A misspelt key or field is refused by the schema and by the reader."""
        from vendorpolicy._mapping import parse_mapping

        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(data, mapping_schema())
        with pytest.raises(InvalidDataError):
            parse_mapping(data)

    def test_cli_prints_the_schema(self) -> None:
        """`vendorpolicy schema mapping` prints the mapping schema."""
        out = io.StringIO()
        assert main(["schema", "mapping"], out=out) == 0
        assert json.loads(out.getvalue()) == mapping_schema()


class TestErpExport:
    def test_screens_with_one_mapping_file(self, tmp_path: Path) -> None:
        """The generated ERP export screens under us-ndaa-889 with its mapping file and no
        preparation: every row decided, kept columns on every record."""
        export = erp_export(tmp_path, rows=300, seed=3)
        out = tmp_path / "results.jsonl"
        code = main(
            [
                "check", "--pack", "us-ndaa-889", str(export.export), "--mapping",
                str(export.mapping), "-o", str(out), "-q", "--fail-on", "never",
            ]
        )  # fmt: skip
        assert code == 0
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert len(records) == 300
        assert {r["status"] for r in records} == {"decided"}
        with export.export.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert [r["kept"] for r in records] == [
            {"PO Number": row["PO Number"], "Item": row["Item"]} for row in rows
        ]

    def test_every_material_group_maps_into_the_pack_vocabulary(self, tmp_path: Path) -> None:
        """The mapping's categories are in the pack's vocabulary: no row is an error."""
        export = erp_export(tmp_path, rows=400, seed=5)
        mapping = load_mapping(export.mapping)
        results = list(screen_ledger(packs.load("us-ndaa-889"), export.export, mapping=mapping))
        assert [r for r in results if isinstance(r, RowError)] == []
