"""The vectorised path of vendorpolicy.extra.arrow agrees with the row path, cell by cell."""

from __future__ import annotations

import datetime as dt
import gc
from decimal import Decimal
from itertools import pairwise
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")
pytest.importorskip("numpy")

from _ledger_rows import HEADER, cells_of  # noqa: E402
from vendorpolicy import (  # noqa: E402
    ColumnMapping,
    Effect,
    Purchase,
    Rule,
    RuleSet,
    bundled_registry,
    custom,
    decision_date,
    packs,
    purchase,
    screen_columns,
    vendor,
)
from vendorpolicy._bulk import _OLD  # noqa: E402
from vendorpolicy._columns import DECISION_COLUMNS, ColumnScreener  # noqa: E402
from vendorpolicy._predicates import (  # noqa: E402
    AllOf,
    DateOnOrAfter,
    DecidedOnOrAfter,
    ValueAtLeast,
    VendorOrigin,
)
from vendorpolicy.extra import _vector  # noqa: E402
from vendorpolicy.extra.arrow import decision_table, screen_table  # noqa: E402
from vendorpolicy.testing import (  # noqa: E402
    COUNTRY_POOL,
    purchases,
    purchases_for,
    registries,
    rule_sets,
    rules,
)

_SETTINGS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
#: The CI budget (each example screens its table three ways): an eighth of the profile's
#: examples for generated rule sets, a sixteenth with a registry, a few per bundled pack.
_EIGHTH = settings(_SETTINGS, max_examples=max(10, settings().max_examples // 8))
_SIXTEENTH = settings(_SETTINGS, max_examples=max(5, settings().max_examples // 16))
_PER_PACK = settings(_SETTINGS, max_examples=max(3, settings().max_examples // 20))

#: Cells the row path refuses or reads specially, by column.
_ODD = {
    "id": ["", " ", "p\u00e9", "a\x00b", "  po-1"],
    "date": ["2019-02-30", "", " 2019-04-01", "2019-4-1", "20190401", "x"],
    "value": ["12x", "", "-5", "+7", "1,000", "0", "007", "1e3", " 12", "12.", ".5", "1.0000001"],
    "buyer_public": ["ture", ""],
    "vendor_country": ["CNN"],
    "currency": ["YEN", ""],
    "category": ["Telecom//x"],
    "acquired": ["2999-01-01", ""],
    "supplier": ["a\x00b"],
}


def _near(amount: Decimal, draw: st.DrawFn) -> str:
    """An amount at, just below or just above ``amount``, as text."""
    step = draw(st.sampled_from([Decimal(0), Decimal(1), Decimal("0.01"), Decimal("0.5")]))
    value = amount + draw(st.sampled_from([-1, 1])) * step
    return str(max(value, Decimal(0)))


@st.composite
def tables(
    draw: st.DrawFn,
    pool: st.SearchStrategy[Purchase],
    rule_set: RuleSet,
    *,
    min_rows: int = 1,
    acquired: bool | None = None,
    registry: Any = None,
) -> dict[str, list[str | None]]:
    """Columns drawn from a few purchases (so that contents repeat), each row with its own id
    and often its own amount (at the rules' thresholds too) and date (at the rules' and the
    ``registry``'s points too), some cells odd; at least ``min_rows`` rows, with the
    acquisition date's column or not (``None``: either)."""
    base = draw(st.lists(pool, min_size=1, max_size=3))
    program = _program(rule_set)
    amounts = sorted(
        (n.amount.amount, n.amount.currency)
        for n in _vector._nodes(rule_set)
        if isinstance(n, ValueAtLeast)
    )
    days = sorted({d for f in program.facets if f.name in ("date", "when") for d in f.points or ()})
    if registry is not None:
        days = sorted({*days, *program._resolution_cache(registry).points})
    rows = []
    for i in range(draw(st.integers(min_rows, max(40, 2 * min_rows)))):
        cells = cells_of(draw(st.sampled_from(base)))
        cells[0] = f"po-{i}"
        if amounts and draw(st.booleans()):
            amount, currency = draw(st.sampled_from(amounts))
            cells[12], cells[13] = _near(amount, draw), currency
        elif draw(st.booleans()) and cells[13]:
            cells[12] = str(draw(st.decimals(0, 10**8, places=draw(st.integers(0, 3)))))
        if days and draw(st.booleans()):
            day = draw(st.sampled_from(days)) + dt.timedelta(days=draw(st.integers(-1, 1)))
            cells[1] = day.isoformat()
        elif draw(st.booleans()):
            cells[1] = draw(st.dates(dt.date(2017, 1, 1), dt.date(2027, 12, 31))).isoformat()
        if draw(st.integers(0, 5)) == 0:
            column = draw(st.sampled_from(sorted(_ODD)))
            cells[HEADER.index(column)] = draw(st.sampled_from(_ODD[column]))
        rows.append(cells)
    header = list(HEADER)
    if draw(st.booleans()) if acquired is None else not acquired:
        # Without the acquisition date, purchase dates are coded by interval.
        drop = HEADER.index("acquired")
        header.pop(drop)
        rows = [r[:drop] + r[drop + 1 :] for r in rows]
    return {h: [r[i] or None for r in rows] for i, h in enumerate(header)}


_DAYS = st.dates(dt.date(2017, 1, 1), dt.date(2027, 12, 31))
#: A condition on the purchase date, the decision date or the value.
_ON_A_POINT = st.one_of(
    st.builds(DateOnOrAfter, date=_DAYS),
    st.builds(DecidedOnOrAfter, date=_DAYS),
    st.sampled_from([10, 1000, 10**6]).flatmap(
        lambda n: st.sampled_from(["JPY", "USD"]).map(lambda c: purchase.value.at_least(n, c))
    ),
)


@st.composite
def parted_rule_sets(draw: st.DrawFn) -> RuleSet:
    """Rules whose conditions join a drawn condition (and often a vendor's origin) with one on
    a date or the value: rules that a content's own cells may make false, and whose points
    then need not part its rows."""
    drawn = []
    for i in range(draw(st.integers(1, 5))):
        rule = draw(rules(rule_id=f"r{i}", max_leaves=3))
        operands = [rule.when, draw(_ON_A_POINT)]
        if draw(st.booleans()):
            countries = draw(st.sets(st.sampled_from(COUNTRY_POOL), min_size=1, max_size=3))
            operands.append(VendorOrigin(countries=frozenset(countries)))
        drawn.append(attrs.evolve(rule, when=AllOf(operands=operands)))
    return RuleSet(id="parted", version="1", rules=drawn)


def _program(rule_set: RuleSet) -> Any:
    from vendorpolicy._engine import _program as program

    return program(rule_set)


def _typed(columns: dict[str, list[str | None]], dictionary: bool, chunks: int = 1) -> Any:
    """The columns as an Arrow table of text (or dictionary) columns, in ``chunks`` chunks:
    each chunk a table of its own, so that a dictionary column's chunks hold dictionaries of
    their own (in another order, without the values the chunk does not have)."""
    whole = pa.table(columns)
    n = whole.num_rows
    cuts = sorted({0, n, *(n * k // chunks for k in range(1, chunks))})
    parts = []
    for start, stop in pairwise(cuts):
        part = whole.slice(start, stop - start)
        if dictionary:
            part = pa.table(
                {
                    name: column.combine_chunks().dictionary_encode()
                    for name, column in zip(part.column_names, part.columns, strict=True)
                }
            )
        parts.append(part)
    return pa.concat_tables(parts) if len(parts) > 1 else parts[0]


def _agree(rule_set: RuleSet, columns: dict[str, list[str | None]], **options: Any) -> None:
    expected = screen_columns(rule_set, columns, **options)
    for dictionary, chunks in ((False, 1), (True, 1), (False, 3), (True, 3)):
        table = _typed(columns, dictionary, chunks)
        got = screen_table(rule_set, table, **options)
        for name in DECISION_COLUMNS:
            assert getattr(got, name) == getattr(expected, name), (name, dictionary, chunks)
    for table in (pa.table(columns), _typed(columns, True, 3)):
        arrow = decision_table(rule_set, table, **options)
        assert arrow.column_names == list(DECISION_COLUMNS)
        assert arrow.schema == _SCHEMA
        for name in DECISION_COLUMNS:
            column = getattr(expected, name)
            want = list(column) if name in DECISION_COLUMNS[:3] else [list(v) for v in column]
            assert arrow.column(name).to_pylist() == want, name


#: The types of decision_table's columns, as its docstring names them.
_SCHEMA = pa.schema(
    [(name, pa.string()) for name in DECISION_COLUMNS[:3]]
    + [
        (name, pa.list_(pa.field("element", pa.string(), nullable=False)))
        for name in DECISION_COLUMNS[3:]
    ]
)


class TestAgreement:
    @_EIGHTH
    @given(rule_set=rule_sets(max_rules=5, max_includes=1), data=st.data())
    def test_generated_rule_sets(self, rule_set: RuleSet, data: st.DataObject) -> None:
        """Every row's decision columns are those screen_columns gives, error rows included."""
        columns = data.draw(tables(purchases(), rule_set))
        as_of = data.draw(st.none() | st.dates(dt.date(2017, 1, 1), dt.date(2027, 12, 31)))
        _agree(rule_set, columns, as_of=as_of)

    @_EIGHTH
    @given(rule_set=parted_rule_sets(), data=st.data())
    def test_many_rows_per_content(self, rule_set: RuleSet, data: st.DataObject) -> None:
        """A few contents over many rows, their dates and amounts at the rules' points and on
        either side: each content's rows are coded by the points of the rules it leaves open,
        and every row still gets screen_columns' entries."""
        columns = data.draw(tables(purchases(), rule_set, min_rows=30, acquired=False))
        as_of = data.draw(st.none() | st.dates(dt.date(2017, 1, 1), dt.date(2027, 12, 31)))
        _agree(rule_set, columns, as_of=as_of)

    @_SIXTEENTH
    @given(rule_set=parted_rule_sets(), registry=registries(), data=st.data())
    def test_many_rows_per_content_with_a_registry(
        self, rule_set: RuleSet, registry: Any, data: st.DataObject
    ) -> None:
        """With a registry, a content's dates are parted where its resolution changes and at
        the points of the rules it leaves open there; every row gets screen_columns' entries."""
        columns = data.draw(
            tables(
                purchases_for(rule_set, registry=registry),
                rule_set,
                min_rows=30,
                acquired=False,
                registry=registry,
            )
        )
        as_of = data.draw(st.none() | st.dates(dt.date(2017, 1, 1), dt.date(2027, 12, 31)))
        _agree(rule_set, columns, registry=registry, as_of=as_of)

    @_SIXTEENTH
    @given(rule_set=rule_sets(max_rules=4), registry=registries(), data=st.data())
    def test_with_a_registry(self, rule_set: RuleSet, registry: Any, data: st.DataObject) -> None:
        """With a registry: the same resolutions, missing facts and warnings, on the purchase
        dates or on one decision date for every row."""
        columns = data.draw(tables(purchases(), rule_set))
        as_of = data.draw(st.none() | st.dates(dt.date(2017, 1, 1), dt.date(2027, 12, 31)))
        _agree(rule_set, columns, registry=registry, as_of=as_of)

    @pytest.mark.parametrize("name", packs.names())
    @_PER_PACK
    @given(data=st.data())
    def test_every_bundled_pack(self, name: str, data: st.DataObject) -> None:
        """Every bundled pack, with the bundled registry, over purchases aimed at it."""
        rule_set = packs.load(name)
        registry = bundled_registry()
        columns = data.draw(tables(purchases_for(rule_set, registry=registry), rule_set))
        escalate = data.draw(st.sampled_from(["error", "escalate"]))
        _agree(rule_set, columns, registry=registry, outside_vocabulary=escalate)


def _screener(rule_set: RuleSet, table: Any, **options: Any) -> ColumnScreener:
    return ColumnScreener(rule_set, list(table.column_names), **options)


class TestWhenItApplies:
    RULES = RuleSet(
        id="t",
        version="1",
        rules=[
            Rule(
                id="big",
                when=vendor.origin.in_({"CN"}) & purchase.value.at_least(1000, "JPY"),
                effect=Effect.DENY,
                reason="r",
            )
        ],
    )
    COLUMNS: dict[str, list[str | None]] = {  # noqa: RUF012 - read only
        "id": ["a", "b", "c", "d", "e"],
        "buyer_id": ["mic"] * 5,
        "buyer_public": ["true"] * 5,
        "buyer_sector": ["central-government"] * 5,
        "vendor_id": ["huawei"] * 5,
        "vendor_country": ["CN"] * 5,
        "value": ["999", "999.99", "1000", "1000.5", "5000"],
        "currency": ["JPY"] * 5,
    }

    def test_amounts_are_coded_by_the_thresholds_they_reach(self) -> None:
        """Amounts below the threshold share one decision, those at or above it another."""
        table = pa.table(self.COLUMNS)
        found = _vector.decide(_screener(self.RULES, table), table)
        assert found is not None
        assert found.inverse.tolist() == [0, 0, 1, 1, 1]
        assert found.columns().effect == ("allow", "allow", "deny", "deny", "deny")

    def test_full_collections_wait_for_the_table(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """While `screen_table` and `decision_table` decide, full collections wait (the
        collector's third threshold is at least `_OLD`; the first is left as it was), also on
        the row path they fall back to; afterwards the thresholds are as they were, also when
        deciding fails."""
        seen: list[tuple[int, int, int]] = []
        real = ColumnScreener.screen

        def screen(self: ColumnScreener, columns: Any) -> Any:
            seen.append(gc.get_threshold())
            return real(self, columns)

        monkeypatch.setattr(ColumnScreener, "screen", screen)
        before = gc.get_threshold()
        try:
            gc.set_threshold(700, 10, 10)
            table = pa.table(self.COLUMNS)
            assert screen_table(self.RULES, table).effect[-1] == "deny"
            assert decision_table(self.RULES, table).num_rows == 5
            # A name given twice: the row path, not the vectorised one.
            twice = pa.Table.from_arrays(
                [*table.columns, table.column(0)], [*table.column_names, "id"]
            )
            assert len(screen_table(self.RULES, twice).effect) == 5
            assert seen
            assert set(seen) == {(700, 10, max(10, _OLD))}
            assert gc.get_threshold() == (700, 10, 10)

            def broken(self: ColumnScreener, columns: Any) -> Any:
                raise RuntimeError("stop")

            monkeypatch.setattr(ColumnScreener, "screen", broken)
            with pytest.raises(RuntimeError):
                screen_table(self.RULES, table)
            assert gc.get_threshold() == (700, 10, 10)
        finally:
            gc.set_threshold(*before)

    def test_whole_amounts_against_thresholds_beyond_them(self) -> None:
        """Whole amounts up to 18 digits against a threshold of 21 digits and one with a
        fraction: the rows reach them as the row path reads them, in every column alike and
        among cells coded by their text."""
        rules = RuleSet(
            id="t",
            version="1",
            rules=[
                Rule(
                    id="huge",
                    when=purchase.value.at_least(10**20, "JPY"),
                    effect=Effect.DENY,
                    reason="r",
                ),
                Rule(
                    id="small",
                    when=purchase.value.at_least(Decimal("4.5"), "JPY"),
                    effect=Effect.REVIEW,
                    reason="r",
                ),
            ],
        )
        whole = ["4", "5", "999999999999999999", "0", "100000000000000000"]
        for values in (whole, [*whole[:4], "1" + "0" * 20]):
            columns = dict(self.COLUMNS, value=values)
            expected = screen_columns(rules, columns)
            assert expected.effect[:4] == ("allow", "review", "review", "allow")
            assert screen_table(rules, pa.table(columns)) == expected

    def test_dates_are_coded_by_the_intervals_between_the_rules_dates(self) -> None:
        """Purchase dates on one side of a rule's date share one decision."""
        rules = RuleSet(
            id="t",
            version="1",
            rules=[
                Rule(
                    id="late",
                    when=purchase.date.on_or_after(dt.date(2019, 4, 1)),
                    effect=Effect.DENY,
                    reason="r",
                )
            ],
        )
        dates = ["2019-03-30", "2019-03-31", "2019-04-01", "2020-01-01", "2019-4-1"]
        table = pa.table(dict(self.COLUMNS, date=dates))
        found = _vector.decide(_screener(rules, table), table)
        assert found is not None
        assert found.inverse.tolist() == [0, 0, 1, 1, 2]
        assert found.columns().effect == ("allow", "allow", "deny", "deny", None)
        assert found.columns() == screen_columns(rules, dict(self.COLUMNS, date=dates))

    def test_a_rule_a_content_makes_false_does_not_part_its_dates(self) -> None:
        """A rule on Chinese vendors' purchases from a date parts the dates of those rows
        only: another vendor's rows share one key whatever their dates."""
        rules = RuleSet(
            id="t",
            version="1",
            rules=[
                Rule(
                    id="late",
                    when=vendor.origin.in_({"CN"}) & purchase.date.on_or_after(dt.date(2019, 4, 1)),
                    effect=Effect.DENY,
                    reason="r",
                )
            ],
        )
        dates = ["2019-03-31", "2019-04-01", "2020-01-01", "2019-03-31", "2019-04-01", "2020-01-01"]
        columns = {name: (cells * 2)[:6] for name, cells in self.COLUMNS.items() if name != "id"}
        columns["id"] = [f"p{i}" for i in range(6)]
        columns["date"] = dates
        columns["vendor_id"] = ["huawei"] * 3 + ["nec"] * 3
        columns["vendor_country"] = ["CN"] * 3 + ["JP"] * 3
        columns["value"] = ["5"] * 6
        table = pa.table(columns)
        found = _vector.decide(_screener(rules, table), table)
        assert found is not None
        assert found.inverse.tolist() == [0, 1, 1, 2, 2, 2]
        assert found.columns().effect == ("allow", "deny", "deny", "allow", "allow", "allow")
        assert found.columns() == screen_columns(rules, columns)

    def test_a_registry_parts_dates_where_the_resolution_changes(self) -> None:
        """With the bundled registry, Huawei's purchases are parted at the day the FCC Covered
        List names it (2021-03-12), and two dates between which nothing the rules read of it
        changes share one key."""
        rules = RuleSet(
            id="t",
            version="1",
            rules=[
                Rule(
                    id="fcc",
                    when=vendor.designated("us.fcc.covered-list"),
                    effect=Effect.DENY,
                    reason="r",
                )
            ],
        )
        registry = bundled_registry()
        columns = {name: [cells[0]] * 4 for name, cells in self.COLUMNS.items()}
        columns["id"] = ["a", "b", "c", "d"]
        columns["date"] = ["2021-03-11", "2021-03-12", "2021-06-01", "2019-01-01"]
        table = pa.table(columns)
        found = _vector.decide(_screener(rules, table, registry=registry), table)
        assert found is not None
        inverse = found.inverse.tolist()
        assert inverse[1] == inverse[2]
        assert inverse[0] != inverse[1]
        expected = screen_columns(rules, columns, registry=registry)
        assert expected.effect == ("allow", "deny", "deny", "allow")
        assert found.columns() == expected

    def test_with_a_decision_date_only_the_purchase_dates_points_part_rows(self) -> None:
        """Given ``as_of``, every row is decided on it: a rule on the decision date does not
        part the rows' purchase dates, a rule on the purchase date still does."""
        rules = RuleSet(
            id="t",
            version="1",
            rules=[
                Rule(
                    id="decided",
                    when=decision_date.on_or_after(dt.date(2019, 1, 1)),
                    effect=Effect.WARN,
                    reason="r",
                ),
                Rule(
                    id="late",
                    when=purchase.date.on_or_after(dt.date(2020, 4, 1)),
                    effect=Effect.DENY,
                    reason="r",
                ),
            ],
        )
        dates = ["2018-06-01", "2019-06-01", "2020-01-01", "2020-04-01", "2021-01-01"]
        columns = dict(self.COLUMNS, date=dates)
        table = pa.table(columns)
        for as_of, inverse in (
            (dt.date(2018, 1, 1), [0, 0, 0, 1, 1]),
            (None, [0, 1, 1, 2, 2]),
        ):
            found = _vector.decide(_screener(rules, table, as_of=as_of), table)
            assert found is not None
            assert found.inverse.tolist() == inverse
            assert found.columns() == screen_columns(rules, columns, as_of=as_of)

    def test_a_custom_predicate_takes_the_row_path(self) -> None:
        """A rule the compiled form leaves to the interpreter turns the vectorised path off,
        and the rows get the row path's entries."""

        @custom("id-is-c")
        def id_is_c(p: Purchase) -> bool:
            return p.id == "c"

        rules = RuleSet(
            id="t",
            version="1",
            rules=[
                Rule(
                    id="odd",
                    when=id_is_c,
                    effect=Effect.DENY,
                    reason="r",
                )
            ],
        )
        table = pa.table(self.COLUMNS)
        assert _vector.decide(_screener(rules, table), table) is None
        got = screen_table(rules, table)
        assert got.effect == ("allow", "allow", "deny", "allow", "allow")
        assert got == screen_columns(rules, self.COLUMNS)

    def test_an_odd_id_is_decided_by_its_own_row(self) -> None:
        """An id cell with a NUL byte is an error row, and the rows around it are not."""
        columns = dict(self.COLUMNS, id=["a", "b\x00", "c", "d", "e"])
        got = screen_table(self.RULES, pa.table(columns))
        assert got.status == ("decided", "error", "decided", "decided", "decided")
        assert got == screen_columns(self.RULES, columns)

    def test_typed_columns(self) -> None:
        """Integer amounts and date columns read as their text does."""
        columns = dict(self.COLUMNS, date=["2019-04-01", None, "2020-02-29", "2019-04-01", None])
        table = pa.table(
            {
                **{k: v for k, v in columns.items() if k not in ("value", "date")},
                "value": pa.array([999, 1000, None, -1000, 10**12], pa.int64()),
                "date": pa.array(
                    [None if d is None else dt.date.fromisoformat(d) for d in columns["date"]],
                    pa.date32(),
                ),
            }
        )
        text = dict(columns, value=["999", "1000", None, "-1000", str(10**12)])
        assert screen_table(self.RULES, table) == screen_columns(self.RULES, text)

    def test_a_name_given_twice_reads_as_its_last_column(self) -> None:
        """A table with two columns of one name is read as a mapping of columns reads it."""
        table = pa.Table.from_arrays(
            [pa.array([c]) for c in ("a", "mic", "x", "true", "retail")],
            names=["id", "buyer_id", "id", "buyer_public", "buyer_sector"],
        )
        text = {
            "id": ["x"],
            "buyer_id": ["mic"],
            "buyer_public": ["true"],
            "buyer_sector": ["retail"],
        }
        assert screen_table(self.RULES, table) == screen_columns(self.RULES, text)

    def test_a_mapping_is_read_as_the_row_path_reads_it(self) -> None:
        """Another decimal mark: amounts are coded by their text, with the same decisions."""
        columns = dict(self.COLUMNS, value=["999,5", "1.000,00", "1000", "12x", "5000"])
        mapping = ColumnMapping(decimal=",", thousands=".")
        got = screen_table(self.RULES, pa.table(columns), mapping=mapping)
        assert got == screen_columns(self.RULES, columns, mapping=mapping)
        assert got.effect == ("allow", "deny", "deny", None, "deny")

    def test_an_empty_table(self) -> None:
        """No rows: no entries, and decision_table's columns with their types."""
        table = pa.table({name: pa.array([], pa.string()) for name in self.COLUMNS})
        got = screen_table(self.RULES, table)
        assert len(got) == 0
        assert got == screen_columns(self.RULES, {name: [] for name in self.COLUMNS})
        arrow = decision_table(self.RULES, table)
        assert arrow.num_rows == 0
        assert arrow.schema == _SCHEMA

    def test_chunks_of_empty_dictionary_columns(self) -> None:
        """A dictionary column of empty cells in several chunks (a dictionary of nulls in each)
        reads as empty cells, and the rows get the row path's entries."""
        columns = dict(self.COLUMNS, supplier=[None] * 5)
        parts = [
            pa.table(
                {
                    name: pa.array(cells[start:stop]).dictionary_encode()
                    for name, cells in columns.items()
                }
            )
            for start, stop in ((0, 2), (2, 5))
        ]
        table = pa.concat_tables(parts)
        assert table.column("supplier").num_chunks == 2
        expected = screen_columns(self.RULES, columns)
        assert screen_table(self.RULES, table) == expected
        assert decision_table(self.RULES, table).column("effect").to_pylist() == list(
            expected.effect
        )

    def test_every_row_alike(self) -> None:
        """Rows that all get the same entries: each decision column still has one per row,
        of its type (the columns built without following the keys)."""
        columns = {name: [cells[0]] * 4 for name, cells in self.COLUMNS.items()}
        columns["id"] = ["a", "b", "c", "d"]
        expected = screen_columns(self.RULES, columns)
        assert set(expected.effect) == {"allow"}
        assert screen_table(self.RULES, pa.table(columns)) == expected
        arrow = decision_table(self.RULES, pa.table(columns))
        assert arrow.schema == _SCHEMA
        assert arrow.column("errors").to_pylist() == [[]] * 4
        assert arrow.column("effect").to_pylist() == ["allow"] * 4
