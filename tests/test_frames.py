"""Screening pandas and polars frames (``vendorpolicy.extra.frames``): the interpreter's
decisions on every row, in the rows' order, with the frame's own columns kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vendorpolicy import ColumnMapping, Purchase, RuleSet, Vendor
from vendorpolicy._sql import purchase_columns
from vendorpolicy.errors import InvalidValueError, PredicateTypeError
from vendorpolicy.testing import purchases, rule_sets

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
frames = pytest.importorskip("vendorpolicy.extra.frames")

_CHEAP = settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
_DATES = st.none() | st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2027, 12, 31))


def _as_a_ledger_holds_it(p: Purchase) -> Purchase:
    """``p`` as a ledger's row states it: no components, a vendor known by id and country,
    a buyer with no designations of its own."""
    v = p.vendor
    if v is not None:
        v = Vendor(id=v.id, country=v.country, designations=v.designations)
    buyer = attrs.evolve(p.buyer, designations=frozenset())
    return attrs.evolve(p, components=None, vendor=v, buyer=buyer)


_ROWS = st.lists(purchases(max_chain=1).map(_as_a_ledger_holds_it), min_size=1, max_size=10)


def _cells(ps: list[Purchase]) -> dict[str, list[Any]]:
    """The purchases as a ledger's columns of text (lists joined by `;`)."""
    out: dict[str, list[Any]] = {}
    for name, cells in purchase_columns(ps).items():
        if name == "buyer_designations":
            continue
        texts = []
        for cell in cells:
            if cell is None:
                texts.append(None)
            elif isinstance(cell, list):
                texts.append(";".join(cell) or None)
            elif isinstance(cell, bool):
                texts.append("true" if cell else "false")
            elif isinstance(cell, dt.date):
                texts.append(cell.isoformat())
            else:
                texts.append(str(cell))
        out[name] = texts
    return out


def _agree(rule_set: RuleSet, ps: list[Purchase], got: Any, as_of: dt.date | None) -> None:
    rows = got.to_dict("records") if isinstance(got, pd.DataFrame) else got.to_dicts()
    assert len(rows) == len(ps)
    for p, row in zip(ps, rows, strict=True):
        want = rule_set.evaluate(p, as_of=as_of)
        assert row["status"] == "decided"
        assert (row["effect"], row["basis"]) == (want.effect.value, want.basis.value)
        assert tuple(row["determining"]) == want.determining_keys
        assert tuple(row["missing_facts"]) == want.missing_facts
        assert tuple(row["obligations"]) == want.obligations


class TestAgreement:
    @_CHEAP
    @given(rule_sets(), _ROWS, _DATES)
    def test_pandas_agrees_with_the_interpreter(self, rule_set, ps, as_of) -> None:
        """A pandas frame gets, row by row, the interpreter's effect, basis, determining
        rules, missing facts and obligations, and keeps its own columns and index."""
        frame = pd.DataFrame(_cells(ps), index=[f"r{i}" for i in range(len(ps))])
        got = frames.screen(frame, rule_set, as_of=as_of)
        assert list(got.index) == list(frame.index)
        assert got[list(frame.columns)].equals(frame)
        for column in ("determining", "obligations", "missing_facts", "errors", "warnings"):
            assert all(type(v) is list for v in got[column]), column  # lists, not arrays
        _agree(rule_set, ps, got, as_of)

    @_CHEAP
    @given(rule_sets(), _ROWS, _DATES)
    def test_polars_agrees_with_the_interpreter(self, rule_set, ps, as_of) -> None:
        """A polars frame gets the interpreter's decisions, its own columns kept."""
        frame = pl.DataFrame(_cells(ps), schema=dict.fromkeys(_cells(ps), pl.Utf8))
        got = frames.screen(frame, rule_set, as_of=as_of)
        assert got.select(frame.columns).equals(frame)
        _agree(rule_set, ps, got, as_of)


class TestErrors:
    def test_a_clashing_column_asks_for_a_prefix(self) -> None:
        """A frame that already has an `effect` column is refused, with `prefix=` as the fix;
        with a prefix the decision columns are named apart."""
        rules = RuleSet(id="t", version="1")
        frame = pd.DataFrame(
            {"buyer_id": ["mic"], "buyer_public": ["true"], "buyer_sector": ["enterprise"]}
        )
        with pytest.raises(InvalidValueError, match="already has a column `status`") as info:
            frames.screen(frame.assign(status=["x"]), rules)
        assert "prefix=" in (info.value.hint or "")
        mapping = ColumnMapping(ignore=["status"])
        got = frames.screen(frame.assign(status=["x"]), rules, prefix="vp_", mapping=mapping)
        assert list(got["vp_effect"]) == ["allow"]
        assert list(got["status"]) == ["x"]

    def test_not_a_frame(self) -> None:
        """Anything but a pandas or polars frame is a type error naming what it got."""
        with pytest.raises(PredicateTypeError, match="got dict"):
            frames.screen({"a": [1]}, RuleSet(id="t", version="1"))

    def test_bad_rows_are_error_rows(self) -> None:
        """A row the ledger reader refuses is an error row with why, in its place."""
        frame = pl.DataFrame(
            {
                "buyer_id": ["mic", "mic"],
                "buyer_public": ["true", "true"],
                "buyer_sector": ["enterprise", "ministry"],
            }
        )
        got = frames.screen(frame, RuleSet(id="t", version="1"))
        assert got["status"].to_list() == ["decided", "error"]
        assert got["effect"].to_list() == ["allow", None]
        assert "ministry" in got["errors"].to_list()[1][0]
