"""The catalog question as one SQL condition (``to_sql_where``): its constant folding
(``_sql._fold``), held to SQL's own three-valued meaning in DuckDB, and the folded condition,
with and without a registry, held to the interpreter's decisions on generated catalogs."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vendorpolicy import (
    Buyer,
    Effect,
    Money,
    Registry,
    Rule,
    RuleSet,
    Vendor,
    bundled_registry,
    buyer,
    category,
    packs,
    to_sql_where,
    vendor,
)
from vendorpolicy._sql._fold import fold_sql, fold_where
from vendorpolicy.analysis import Partial, screen_catalog
from vendorpolicy.errors import InvalidValueError, PredicateTypeError, VendorPolicyError
from vendorpolicy.testing import (
    FACT_POOL,
    buyers,
    categories,
    registries,
    rule_sets,
    vendors,
)

duckdb = pytest.importorskip("duckdb")
pa = pytest.importorskip("pyarrow")

from test_sql import _catalog_table, _selected  # noqa: E402 - after the extras are known

_FEW = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
_DATES = st.none() | st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2027, 12, 31))
_ODD_CATEGORIES = ["Telecom", "telecom//x", "unlisted/thing"]


# --- the folding itself, against DuckDB's own evaluation ----------------------------------------

#: Every combination of three booleans and a small integer (each may be NULL), and a text.
_TRUTHS = [None, True, False]
_GRID = list(itertools.product(_TRUTHS, _TRUTHS, _TRUTHS, [None, 0, 2, 3], [None, "a", "b"]))


def _grid(con: Any) -> None:
    columns = list(zip(*_GRID, strict=True))
    table = pa.table(
        {
            "row": pa.array(range(len(_GRID)), pa.int64()),
            "p": pa.array(columns[0], pa.bool_()),
            "q": pa.array(columns[1], pa.bool_()),
            "r": pa.array(columns[2], pa.bool_()),
            "n": pa.array(columns[3], pa.int64()),
            "s": pa.array(columns[4], pa.string()),
        }
    )
    con.register("grid", con.from_arrow(table))


_CONSTANTS = st.sampled_from(["TRUE", "FALSE", "NULL", "CAST(NULL AS BOOLEAN)"])


def _expressions() -> st.SearchStrategy[tuple[str, str]]:
    """Boolean (``b``) and integer (``i``) SQL expressions over the grid's columns, built of
    what the compiler writes: the connectives, IS tests, CASE, IN, comparisons, COALESCE,
    GREATEST and LEAST, text concatenation tested for NULL, and functions of text."""
    leaves = st.one_of(
        st.sampled_from(["p", "q", "r"]).map(lambda c: ("b", c)),
        _CONSTANTS.map(lambda c: ("b", c)),
        st.sampled_from(["n", "0", "2", "3", "NULL", "CAST(NULL AS INTEGER)"]).map(
            lambda c: ("i", c)
        ),
    )

    def grow(inner: st.SearchStrategy[tuple[str, str]]) -> st.SearchStrategy[tuple[str, str]]:
        b = inner.filter(lambda e: e[0] == "b").map(lambda e: e[1])
        i = inner.filter(lambda e: e[0] == "i").map(lambda e: e[1])
        tests = st.sampled_from(["NULL", "NOT NULL", "TRUE", "NOT TRUE", "FALSE", "NOT FALSE"])
        ints = st.lists(st.sampled_from(["0", "2", "3", "NULL"]), min_size=1, max_size=3)
        texts = st.sampled_from(["s", "'x'", "NULL"])
        return st.one_of(
            st.tuples(st.sampled_from(["AND", "OR"]), st.lists(b, min_size=2, max_size=3)).map(
                lambda t: ("b", "(" + f" {t[0]} ".join(t[1]) + ")")
            ),
            b.map(lambda x: ("b", f"(NOT {x})")),
            st.tuples(b, tests).map(lambda t: ("b", f"(({t[0]}) IS {t[1]})")),
            st.tuples(i, tests.filter(lambda x: x.endswith("NULL"))).map(
                lambda t: ("b", f"(({t[0]}) IS {t[1]})")
            ),
            st.tuples(i, ints, st.booleans()).map(
                lambda t: ("b", f"({t[0]} {'NOT IN' if t[2] else 'IN'} ({', '.join(t[1])}))")
            ),
            st.tuples(i, st.sampled_from(["=", "<>", ">=", "<"]), i).map(
                lambda t: ("b", f"({t[0]} {t[1]} {t[2]})")
            ),
            st.tuples(st.lists(st.tuples(b, b), min_size=1, max_size=3), st.none() | b).map(
                lambda t: ("b", _case(*t))
            ),
            st.tuples(st.lists(st.tuples(b, i), min_size=1, max_size=3), st.none() | i).map(
                lambda t: ("i", _case(*t))
            ),
            st.tuples(
                st.sampled_from(["COALESCE", "GREATEST", "LEAST"]),
                st.lists(i, min_size=1, max_size=3),
            ).map(lambda t: ("i", f"{t[0]}({', '.join(t[1])})")),
            st.tuples(texts, texts).map(lambda t: ("b", f"(('m' || {t[0]} || {t[1]}) IS NULL)")),
            st.tuples(texts, texts).map(
                lambda t: ("b", f"(concat_ws(';', {t[0]}, {t[1]}, NULL) IS NULL)")
            ),
            texts.map(lambda t: ("i", f"strlen({t})")),
            st.lists(
                st.one_of(
                    texts,
                    st.just("''"),
                    texts.map(lambda t: f"'m' || {t}"),
                    st.tuples(b, texts).map(lambda t: f"CASE WHEN {t[0]} THEN 'm' || {t[1]} END"),
                ),
                min_size=1,
                max_size=3,
            ).map(lambda ms: ("b", f"(NULLIF(concat_ws('; ', {', '.join(ms)}), '') IS NULL)")),
        )

    return st.recursive(leaves, grow, max_leaves=12)


def _case(whens: list[tuple[str, str]], otherwise: str | None) -> str:
    body = " ".join(f"WHEN {c} THEN {v}" for c, v in whens)
    tail = "" if otherwise is None else f" ELSE {otherwise}"
    return f"CASE {body}{tail} END"


def _values(con: Any, expr: str) -> list[Any]:
    query = f"SELECT {expr} FROM grid ORDER BY row"  # noqa: S608 - the test's own SQL
    return [v for (v,) in con.execute(query).fetchall()]


def _rows(con: Any, where: str) -> list[int]:
    query = f"SELECT row FROM grid WHERE {where} ORDER BY row"  # noqa: S608
    return [r for (r,) in con.execute(query).fetchall()]


# Hypothesis writes the repr of a filtered strategy when it retries a draw from it; the
# expressions' recursion holds each level's strategy many times in the next, so a deep one's
# repr runs past 100 kB and hypothesis warns of its cost (an error under this suite's
# `filterwarnings`), on the seeds where a deep filter retries. The warning is about the cost of
# that text only, not about what is drawn.
_LARGE_REPR = "ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning"


@pytest.mark.filterwarnings(_LARGE_REPR)
class TestFolding:
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_expressions())
    def test_folding_keeps_every_value(self, expr: tuple[str, str]) -> None:
        """A folded expression has, on every row of the grid (every combination of NULL,
        TRUE and FALSE), the value DuckDB gives the expression as written; as a WHERE
        condition, it selects the same rows; and it is never longer."""
        _, text = expr
        con = duckdb.connect()
        _grid(con)
        folded = fold_sql(text)
        assert _values(con, folded) == _values(con, text), folded
        assert len(folded) <= len(text)
        if expr[0] == "b":
            where = fold_where(text, {})
            assert _rows(con, where) == _rows(con, text), where
            assert len(where) <= len(text)

    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(_expressions().filter(lambda e: e[0] == "b"), min_size=2, max_size=4))
    def test_a_conjunction_as_a_condition(self, exprs: list[tuple[str, str]]) -> None:
        """A WHERE made of several conditions joined by AND (each read where the others
        hold) selects the rows the conjunction as written selects, and is never longer."""
        text = " AND ".join(e for _, e in exprs)
        con = duckdb.connect()
        _grid(con)
        where = fold_where(text, {})
        assert _rows(con, where) == _rows(con, text), where
        assert len(where) <= len(text)

    @pytest.mark.parametrize(
        ("text", "folded"),
        [
            # Kleene's tables: FALSE absorbs NULL under AND, TRUE under OR.
            ("CAST(NULL AS BOOLEAN) AND FALSE", "FALSE"),
            ("NULL OR TRUE", "TRUE"),
            ("NULL AND TRUE", "NULL"),
            ("NOT NULL", "NULL"),
            ("TRUE AND p", "p"),
            ("p OR FALSE", "p"),
            ("NOT TRUE", "FALSE"),
            ("NOT NOT p", "p"),
            ("NULL IS NULL", "TRUE"),
            ("(p IS NULL) IS NULL", "FALSE"),
            ("n IN (2)", "n = 2"),
            ("n NOT IN (2, 2)", "n <> 2"),
            ("2 IN (0, NULL)", "NULL"),
            ("2 IN (0, NULL, 2)", "TRUE"),
            ("CASE WHEN FALSE THEN p WHEN TRUE THEN q ELSE r END", "q"),
            ("CASE WHEN p THEN TRUE ELSE FALSE END", "p IS TRUE"),
            ("CASE WHEN p THEN FALSE ELSE q END", "p IS NOT TRUE AND q"),
            ("CASE WHEN p THEN 3 ELSE 3 END", "3"),
            ("GREATEST(NULL, 2, n, 3)", "GREATEST(3, n)"),
            ("LEAST(CAST(NULL AS INTEGER))", "NULL"),
            ("COALESCE(NULL, 2, n)", "2"),
            ("'a' || NULL", "NULL"),
            ("('a' || s || 'b') IS NULL", "s IS NULL"),
            ("strlen(CAST(NULL AS VARCHAR)) = 10", "NULL"),
            ("concat_ws('; ', NULL, s, NULL)", "concat_ws('; ', s)"),
            (
                "NULLIF(concat_ws('; ', 'a' || s, CASE WHEN p THEN 'b' END), '') IS NULL",
                "s IS NULL AND p IS NOT TRUE",
            ),
        ],
    )
    def test_known_folds(self, text: str, folded: str) -> None:
        """Folds whose result follows from SQL's three-valued logic alone."""
        assert fold_sql(text) == folded

    @pytest.mark.parametrize(
        ("text", "folded"),
        [
            ("NULL OR p", "p"),
            ("p AND NULL", "FALSE"),
            ("(p OR q) IS TRUE", "p OR q"),
            ("CASE WHEN p THEN TRUE END", "p"),
            ("GREATEST(COALESCE(CASE WHEN p THEN 3 END, 0), 0) IN (0)", "p IS NOT TRUE"),
            # one operand of the AND read where the others hold, never two for each other
            ("(p OR q) IS NOT TRUE AND p IS FALSE AND q IS FALSE", "p IS FALSE AND q IS FALSE"),
            ("(n = 2) IS FALSE AND (n = 2 OR r)", "(n = 2) IS FALSE AND r"),
            (
                "n IS NOT NULL AND (CASE WHEN n IS NULL THEN NULL ELSE s END) = 'a'",
                "n IS NOT NULL AND s = 'a'",
            ),
            ("p AND p IS TRUE", "p"),
            (
                "NOT (p OR NULL) AND strlen(CASE WHEN q THEN NULL ELSE s END) = 1",
                "NOT (p OR NULL) AND strlen(CASE WHEN q THEN NULL ELSE s END) = 1",
            ),
        ],
    )
    def test_known_folds_as_a_condition(self, text: str, folded: str) -> None:
        """In a WHERE (only TRUE selects a row), NULL is as good as FALSE."""
        assert fold_where(text, {}) == folded

    def test_a_case_branch_knows_its_condition(self) -> None:
        """Where a CASE branch's condition holds, what it needs is not NULL: an error
        message built from the column it tested is not NULL there."""
        text = "CASE WHEN NOT regexp_full_match(s, 'a') THEN 'bad `' || s || '`' END IS NULL"
        assert fold_sql(text) == "(NOT regexp_full_match(s, 'a')) IS NOT TRUE"

    def test_sql_not_understood_is_kept(self) -> None:
        """A step this reader does not take is kept as written, its steps filled in."""
        steps = {"vp_a": "list_filter(l, lambda x: x IS NOT NULL)", "vp_b": "TRUE AND p"}
        assert fold_where("vp_b AND len(vp_a) = 1", steps) == (
            "p AND len((list_filter(l, lambda x: x IS NOT NULL))) = 1"
        )


# --- the catalog condition -----------------------------------------------------------------------


@st.composite
def _catalog_cases(
    draw: st.DrawFn, *, registry: Registry | None = None
) -> tuple[RuleSet, Partial, list[tuple[Vendor | None, Any]]]:
    """A rule set (with a vocabulary, sometimes), a partial purchase that fixes the buyer
    and some of the rest, and catalog rows (vendor, category), some outside the vocabulary;
    with a ``registry``, vendor ids (and the buyer's) drawn from its ids, its entities'
    names written as ids, and ids it does not know."""
    rule_set = draw(rule_sets(with_vocabularies=True))
    facts = draw(
        st.dictionaries(st.sampled_from(sorted(FACT_POOL)), st.none(), max_size=2).flatmap(
            lambda keys: st.fixed_dictionaries({k: st.sampled_from(FACT_POOL[k]) for k in keys})
        )
    )
    fixed_buyer = draw(buyers())
    ids: st.SearchStrategy[str] | None = None
    if registry is not None:
        own = [e.id for e in registry.entities]
        named = [re.sub(r"[^a-z0-9]+", "-", e.name.lower()).strip("-") for e in registry.entities]
        ids = st.sampled_from([*own, *(n for n in named if n), "huawei", "mic"])
        fixed_buyer = Buyer(
            id=draw(ids),
            public=fixed_buyer.public,
            sector=fixed_buyer.sector,
            country=fixed_buyer.country,
            designations=fixed_buyer.designations,
        )
    amounts = st.sampled_from([0, 10**5, 10**8])
    partial = Partial(
        buyer=fixed_buyer,
        date=draw(_DATES),
        as_of=draw(_DATES),
        value=draw(
            st.none() | st.builds(Money, amount=amounts, currency=st.sampled_from(["JPY", "USD"]))
        ),
        facts=facts,
    )

    def row_vendor(v: Vendor) -> Vendor:
        key = v.id if ids is None else draw(ids)
        return Vendor(id=key, country=v.country, designations=v.designations)

    vendor_rows = st.none() | vendors(max_chain=1).map(row_vendor)
    category_rows = st.none() | categories() | st.sampled_from(_ODD_CATEGORIES)
    rows = draw(st.lists(st.tuples(vendor_rows, category_rows), min_size=1, max_size=12))
    return rule_set, partial, rows


def _interpreted(
    rule_set: RuleSet,
    partial: Partial,
    rows: list[Any],
    effects: set[Effect],
    registry: Registry | None = None,
) -> list[int]:
    """The rows `analysis.screen_catalog` decides with one of `effects` (a row it refuses,
    by the vocabulary, say, is left out)."""
    out = []
    for i, row in enumerate(rows):
        try:
            (entry,) = screen_catalog(rule_set, partial, [row], registry=registry)
        except VendorPolicyError:
            continue
        if entry.effect in effects:
            out.append(i)
    return out


_EFFECTS = st.sampled_from([("allow",), ("allow", "warn"), ("deny",), ("review", "deny")])


class TestCatalogFolded:
    @_FEW
    @given(_catalog_cases(), _EFFECTS)
    def test_selects_the_rows_the_interpreter_gives(self, case: Any, effects: Any) -> None:
        """The folded condition, run in DuckDB, selects exactly the catalog rows that
        `screen_catalog` decides with one of the effects, as the condition before folding
        does; folding never lengthens it, and takes the buyer's checks out."""
        rule_set, partial, rows = case
        con = duckdb.connect()
        _catalog_table(con, rows)
        folded = to_sql_where(rule_set, partial, effects=effects)
        plain = to_sql_where(rule_set, partial, effects=effects, fold=False)
        want = _interpreted(rule_set, partial, rows, {Effect(e) for e in effects})
        assert _selected(con, folded) == want
        assert _selected(con, plain) == want
        assert len(folded) < len(plain)
        assert "buyer_public is empty" in plain
        assert "buyer_public is empty" not in folded

    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_catalog_cases())
    def test_postgres_dialect_alike(self, case: Any) -> None:
        """The PostgreSQL dialect's folded condition (run in DuckDB) selects the same rows."""
        rule_set, partial, rows = case
        con = duckdb.connect()
        _catalog_table(con, rows)
        where = to_sql_where(rule_set, partial, dialect="postgres", table="c")
        assert _selected(con, where, "AS c") == _interpreted(
            rule_set, partial, rows, {Effect.ALLOW}
        )

    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_catalog_cases())
    def test_a_catalog_of_fewer_columns(self, case: Any) -> None:
        """A catalog of vendor ids and categories alone (`columns=`): its rows are vendors
        of no stated country or designation, and are selected as the interpreter has it."""
        rule_set, partial, rows = case
        rows = [(None if v is None else Vendor(id=v.id), c) for v, c in rows]
        con = duckdb.connect()
        _catalog_table(con, rows)
        con.execute("CREATE TABLE narrow AS SELECT row, vendor_id, category FROM catalog")
        con.unregister("catalog")
        con.execute("ALTER TABLE narrow RENAME TO catalog")
        where = to_sql_where(rule_set, partial, columns=["vendor_id", "category"])
        assert _selected(con, where) == _interpreted(rule_set, partial, rows, {Effect.ALLOW})

    @pytest.mark.parametrize("name", ["us-ndaa-889", "jp-2018", "uk-telecoms"])
    def test_a_pack_catalog(self, name: str) -> None:
        """On a pack, for a public buyer, the folded condition is shorter than the compiled
        one and selects the rows `may_buy` gives."""
        rule_set = packs.load(name)
        partial = Partial(buyer=_MINISTRY, date=dt.date(2024, 4, 1))
        rows = [(v, c) for v in _VENDORS for c in _CATEGORIES]
        con = duckdb.connect()
        _catalog_table(con, rows)
        folded = to_sql_where(rule_set, partial)
        plain = to_sql_where(rule_set, partial, fold=False)
        assert len(folded) < len(plain)
        assert _selected(con, folded) == _interpreted(rule_set, partial, rows, {Effect.ALLOW})

    def test_what_the_buyer_settles_is_gone(self) -> None:
        """For a private buyer, a rule about public buyers leaves nothing behind: the
        condition reads the category alone (and the vendor's country, checked)."""
        rules = RuleSet(
            id="t",
            version="1",
            rules=[
                Rule(id="cn", when=vendor.origin.in_({"CN"}) & buyer.is_public, effect="deny"),
                Rule(id="kit", when=category.within("telecom"), effect="review"),
            ],
        )
        shop = Partial(buyer=Buyer(id="shop", public=False, sector="retail"))
        where = to_sql_where(rules, shop)
        assert "'CN'" not in where
        assert "retail" not in where
        assert "'telecom/'" in where


_MINISTRY = Buyer(id="mic", public=True, sector="central-government")
_VENDORS = [
    None,
    Vendor(id="huawei", country="CN"),
    Vendor(id="nec", country="JP"),
    Vendor(id="x", country="CN", designations={"covered"}),
    Vendor(id="hikvision"),
    Vendor(id="zte-corporation"),
]
_CATEGORIES = [None, "telecom/network", "it/server", "video/surveillance/camera", "telecomx"]


class TestCatalogRegistry:
    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data(), _EFFECTS)
    def test_selects_the_rows_the_interpreter_gives(self, data: Any, effects: Any) -> None:
        """With a registry and the catalog's vendor ids, the folded condition selects
        exactly the rows `screen_catalog(..., registry=...)` decides with one of the effects
        (a name several entities carry is an unknown vendor, as there), as the condition
        before folding does, which is longer."""
        registry = data.draw(registries())
        rule_set, partial, rows = data.draw(_catalog_cases(registry=registry))
        ids = sorted({v.id for v, _ in rows if v is not None})
        con = duckdb.connect()
        _catalog_table(con, rows)
        options: dict[str, Any] = {"effects": effects, "registry": registry, "vendor_ids": ids}
        folded = to_sql_where(rule_set, partial, **options)
        plain = to_sql_where(rule_set, partial, fold=False, **options)
        want = _interpreted(rule_set, partial, rows, {Effect(e) for e in effects}, registry)
        assert _selected(con, folded) == want
        assert _selected(con, plain) == want
        assert len(folded) < len(plain)

    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def test_without_ids_the_registry_ids_are_looked_up(self, data: Any) -> None:
        """Without `vendor_ids`, the rows whose vendor ids are the registry's own ids (or
        that name no vendor) get the interpreter's decisions."""
        registry = data.draw(registries())
        rule_set, partial, rows = data.draw(_catalog_cases(registry=registry))
        own = {e.id for e in registry.entities}
        rows = [(v, c) for v, c in rows if v is None or v.id in own]
        con = duckdb.connect()
        _catalog_table(con, rows)
        where = to_sql_where(rule_set, partial, registry=registry)
        assert _selected(con, where) == _interpreted(
            rule_set, partial, rows, {Effect.ALLOW}, registry
        )

    @pytest.mark.parametrize("on", [None, dt.date(2019, 1, 1), dt.date(2024, 4, 1)])
    def test_a_pack_with_the_bundled_registry(self, on: dt.date | None) -> None:
        """us-ndaa-889 with the bundled registry: vendors known by registry id or name (with
        no country stated) are screened by what the registry says of them on the date."""
        registry = bundled_registry()
        rule_set = packs.load("us-ndaa-889")
        partial = Partial(buyer=_MINISTRY, date=on)
        rows = [(v, c) for v in _VENDORS for c in _CATEGORIES]
        ids = sorted({v.id for v, _ in rows if v is not None})
        con = duckdb.connect()
        _catalog_table(con, rows)
        where = to_sql_where(rule_set, partial, registry=registry, vendor_ids=ids)
        got = _selected(con, where)
        assert got == _interpreted(rule_set, partial, rows, {Effect.ALLOW}, registry)
        if on == dt.date(2019, 1, 1):  # (before section 889 is in force: all may be bought)
            assert got == list(range(len(rows)))


class TestArguments:
    def test_wrong_types_name_the_argument(self) -> None:
        rules = RuleSet(id="t", version="1", rules=[])
        with pytest.raises(PredicateTypeError, match=r"expected a RuleSet, got str") as e:
            to_sql_where("rules", Partial(buyer=_MINISTRY))  # type: ignore[arg-type]
        assert e.value.path == "to_sql_where(rule_set)"
        with pytest.raises(PredicateTypeError, match=r"expected a Partial, got Buyer") as e:
            to_sql_where(rules, _MINISTRY)
        assert e.value.path == "to_sql_where(fixed)"
        assert e.value.hint is not None
        with pytest.raises(PredicateTypeError, match=r"expected a Registry, got dict") as e:
            to_sql_where(rules, Partial(buyer=_MINISTRY), registry={})  # type: ignore[arg-type]
        assert e.value.path == "to_sql_where(registry)"

    def test_an_unknown_column_is_named(self) -> None:
        rules = RuleSet(id="t", version="1", rules=[])
        with pytest.raises(InvalidValueError, match="a catalog has no column `price`") as e:
            to_sql_where(rules, Partial(buyer=_MINISTRY), columns=["category", "price"])
        assert e.value.path == "to_sql_where(columns)[1]"

    def test_vendor_ids_need_a_registry(self) -> None:
        rules = RuleSet(id="t", version="1", rules=[])
        with pytest.raises(InvalidValueError, match="without a registry") as e:
            to_sql_where(rules, Partial(buyer=_MINISTRY), vendor_ids=["huawei"])
        assert e.value.path == "to_sql_where(vendor_ids)"

    def test_the_shared_check_keeps_the_messages(self) -> None:
        """`residual` and `what_if.candidates` check their arguments with the same helper."""
        from vendorpolicy import Purchase
        from vendorpolicy.analysis import candidates, residual

        rules = RuleSet(id="t", version="1", rules=[])
        with pytest.raises(PredicateTypeError, match=r"expected a Partial, got int `1`") as e:
            residual(rules, 1)  # type: ignore[arg-type]
        assert e.value.path == "residual(partial)"
        with pytest.raises(PredicateTypeError, match=r"expected a RuleSet, got NoneType") as e:
            candidates(None, Purchase(buyer=_MINISTRY))  # type: ignore[arg-type]
        assert e.value.path == "candidates(rule_set)"


class TestCommandLine:
    def _run(self, *argv: str) -> tuple[int, str]:
        import io

        from vendorpolicy._cli import main

        out = io.StringIO()
        return main(list(argv), out=out), out.getvalue()

    @pytest.mark.parametrize("registry", [None, "bundled"])
    def test_sql_where_prints_the_condition(self, tmp_path: Any, registry: str | None) -> None:
        """`sql RULES --where` prints the folded condition for the buyer the options give
        (with `--registry`, looked up in it), the very text `to_sql_where` writes, and it
        selects the rows the interpreter gives."""
        from vendorpolicy import dump_rule_set

        rule_set = packs.load("jp-2018")
        path = tmp_path / "rules.toml"
        path.write_text(dump_rule_set(rule_set), encoding="utf-8")
        argv = ["sql", str(path), "--where", "--buyer-public", "true"]
        argv += ["--buyer-sector", "central-government", "--date", "2024-04-01"]
        used = None if registry is None else bundled_registry()
        if registry is not None:
            argv += ["--registry", registry]
        code, out = self._run(*argv)
        assert code == 0, out
        header, _, where = out.rstrip("\n").split("\n")
        assert header.startswith("-- vendorpolicy: rule set jp-2018@")
        assert ("registry" in header) == (registry is not None)
        partial = Partial(buyer=Buyer(id="buyer", public=True, sector="central-government"),
                          date=dt.date(2024, 4, 1))  # fmt: skip
        assert where == to_sql_where(rule_set, partial, registry=used)
        rows = [(v, c) for v in _VENDORS for c in _CATEGORIES]
        con = duckdb.connect()
        _catalog_table(con, rows)
        assert _selected(con, where) == _interpreted(rule_set, partial, rows, {Effect.ALLOW}, used)

    def test_sql_where_as_json(self) -> None:
        """`--format json` gives the buyer, the dates, the effects and the condition; under
        --pack, with the bundled registry."""
        import json

        code, out = self._run(
            "sql", "--pack", "au-5g-2018", "--where", "--buyer-public", "false",
            "--buyer-sector", "retail", "--buyer-designations", "x, y", "--effects",
            "allow,warn", "--columns", "vendor_id,category", "--table", "c", "--format", "json",
        )  # fmt: skip
        assert code == 0, out
        record = json.loads(out)
        assert record["buyer"] == {
            "id": "buyer", "public": False, "sector": "retail", "country": None,
            "designations": ["x", "y"],
        }  # fmt: skip
        assert record["registry"]["id"] == bundled_registry().id
        assert record["effects"] == ["allow", "warn"]
        assert record["date"] is None
        assert '"vendor_country"' not in record["where"]
        assert 'c."category"' in record["where"]

    def test_sql_where_needs_a_buyer(self, capsys: pytest.CaptureFixture[str]) -> None:
        code, _ = self._run("sql", "--pack", "jp-2018", "--where", "--buyer-sector", "retail")
        assert code == 2
        assert "--buyer-public true|false and --buyer-sector" in capsys.readouterr().err
        code, _ = self._run("sql", "--pack", "jp-2018", "--buyer-sector", "retail")
        assert code == 2
        assert "--buyer-sector is for the catalog question" in capsys.readouterr().err
