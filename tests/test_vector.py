"""The vectorised path of vendorpolicy.extra.arrow agrees with the row path, cell by cell."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

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
    packs,
    purchase,
    screen_columns,
    vendor,
)
from vendorpolicy._columns import DECISION_COLUMNS, ColumnScreener  # noqa: E402
from vendorpolicy._predicates import ValueAtLeast  # noqa: E402
from vendorpolicy.extra import _vector  # noqa: E402
from vendorpolicy.extra.arrow import decision_table, screen_table  # noqa: E402
from vendorpolicy.testing import purchases, purchases_for, registries, rule_sets  # noqa: E402

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
    draw: st.DrawFn, pool: st.SearchStrategy[Purchase], rule_set: RuleSet
) -> dict[str, list[str | None]]:
    """Columns drawn from a few purchases (so that contents repeat), each row with its own id
    and often its own amount (at the rules' thresholds too) and date, some cells odd."""
    base = draw(st.lists(pool, min_size=1, max_size=3))
    program = _program(rule_set)
    amounts = sorted(
        (n.amount.amount, n.amount.currency)
        for n in _vector._nodes(rule_set)
        if isinstance(n, ValueAtLeast)
    )
    days = sorted({d for f in program.facets if f.name in ("date", "when") for d in f.points or ()})
    rows = []
    for i in range(draw(st.integers(1, 40))):
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
    if draw(st.booleans()):
        # Without the acquisition date, purchase dates are coded by interval.
        drop = HEADER.index("acquired")
        header.pop(drop)
        rows = [r[:drop] + r[drop + 1 :] for r in rows]
    return {h: [r[i] or None for r in rows] for i, h in enumerate(header)}


def _program(rule_set: RuleSet) -> Any:
    from vendorpolicy._engine import _program as program

    return program(rule_set)


def _typed(columns: dict[str, list[str | None]], dictionary: bool) -> Any:
    table = pa.table(columns)
    if dictionary:
        table = pa.table(
            {
                n: c.dictionary_encode()
                for n, c in zip(table.column_names, table.columns, strict=True)
            }
        )
    return table


def _agree(rule_set: RuleSet, columns: dict[str, list[str | None]], **options: Any) -> None:
    expected = screen_columns(rule_set, columns, **options)
    for dictionary in (False, True):
        table = _typed(columns, dictionary)
        got = screen_table(rule_set, table, **options)
        for name in DECISION_COLUMNS:
            assert getattr(got, name) == getattr(expected, name), name
    arrow = decision_table(rule_set, pa.table(columns), **options)
    assert arrow.column_names == list(DECISION_COLUMNS)
    for name in DECISION_COLUMNS:
        column = getattr(expected, name)
        want = list(column) if name in DECISION_COLUMNS[:3] else [list(v) for v in column]
        assert arrow.column(name).to_pylist() == want, name


class TestAgreement:
    @_EIGHTH
    @given(rule_set=rule_sets(max_rules=5, max_includes=1), data=st.data())
    def test_generated_rule_sets(self, rule_set: RuleSet, data: st.DataObject) -> None:
        """Every row's decision columns are those screen_columns gives, error rows included."""
        columns = data.draw(tables(purchases(), rule_set))
        as_of = data.draw(st.none() | st.dates(dt.date(2017, 1, 1), dt.date(2027, 12, 31)))
        _agree(rule_set, columns, as_of=as_of)

    @_SIXTEENTH
    @given(rule_set=rule_sets(max_rules=4), registry=registries(), data=st.data())
    def test_with_a_registry(self, rule_set: RuleSet, registry: Any, data: st.DataObject) -> None:
        """With a registry: the same resolutions, missing facts and warnings."""
        _agree(rule_set, data.draw(tables(purchases(), rule_set)), registry=registry)

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
