"""Rule sets compiled to SQL (``vendorpolicy._sql``) and screened in DuckDB
(``vendorpolicy.extra.duckdb``): the interpreter's decisions, row by row."""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vendorpolicy import (
    Buyer,
    DesignationList,
    Effect,
    Entity,
    Listing,
    Money,
    Purchase,
    Registry,
    Rule,
    RuleSet,
    Vendor,
    bundled_registry,
    buyer,
    category,
    custom,
    fact,
    packs,
    purchase,
    vendor,
)
from vendorpolicy._sql import _masks, compile_query, to_sql
from vendorpolicy._sql._vocab import near_columns
from vendorpolicy._vocabcheck import checker_for
from vendorpolicy.errors import InvalidValueError, VocabularyError
from vendorpolicy.testing import purchases, purchases_for, registries, rule_sets

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")
vd = pytest.importorskip("vendorpolicy.extra.duckdb")

_CHEAP = settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
_DATES = st.none() | st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2027, 12, 31))


def _table_ready(p: Purchase) -> Purchase:
    """``p`` as a purchases table can hold it: no components, no stated owners."""
    v = p.vendor
    if v is not None and v.parent is not None:
        v = attrs.evolve(v, parent=None)
    return attrs.evolve(p, components=None, vendor=v)


def _unnamed(p: Purchase) -> Purchase:
    """``p`` with its vendor known by id alone, as a table row names it."""
    v = p.vendor
    if v is None:
        return p
    return attrs.evolve(p, vendor=Vendor(id=v.id, country=v.country, designations=v.designations))


_BUNDLED = bundled_registry()

_ROWS = st.lists(purchases(max_chain=1).map(_table_ready), min_size=1, max_size=10)


def _screen(rule_set: RuleSet, ps: list[Purchase], *, dialect: str = "duckdb", **kw: Any):
    con = duckdb.connect()
    rel = vd.purchases_relation(ps, con)
    if dialect == "duckdb":
        out = vd.screen(rel, rule_set, connection=con, **kw)
        names, rows = out.columns, out.fetchall()
    else:
        # The PostgreSQL dialect run in DuckDB, which reads it alike but for `array_remove`.
        con.execute("CREATE MACRO array_remove(l, x) AS list_filter(l, lambda e: e IS NOT NULL)")
        con.register("purchases", rel)
        near = {
            c: [v for (v,) in rel.project(f'"{c}"').distinct().fetchall() if v]
            for c in near_columns(checker_for(rule_set), rel.columns)
        }
        query = compile_query(rule_set, dialect="postgres", columns=rel.columns, near=near, **kw)
        cursor = con.execute(query.sql)
        names, rows = [d[0] for d in cursor.description], cursor.fetchall()
    return [dict(zip(names, r, strict=True)) for r in rows]


def _agree(rule_set: RuleSet, ps: list[Purchase], rows: list[dict[str, Any]], **kw: Any) -> None:
    """Row by row: the interpreter's decision (effect, basis, determining rules, obligations,
    missing facts, warnings), or an error row naming every problem the interpreter raises."""
    assert len(rows) == len(ps)
    for p, row in zip(ps, rows, strict=True):
        try:
            want = rule_set.evaluate(p, **kw)
        except VocabularyError as exc:
            assert (row["status"], row["effect"], row["basis"]) == ("error", None, None)
            for problem in exc.problems:
                assert problem.message in row["error"]
            continue
        assert row["status"] == "decided"
        assert row["error"] is None
        assert (row["effect"], row["basis"]) == (want.effect.value, want.basis.value)
        assert tuple(row["determining"]) == want.determining_keys
        assert tuple(row["obligations"]) == want.obligations
        assert row["missing_facts"] == sorted(set(want.missing_facts))
        assert sorted(row["warnings"]) == sorted(want.warnings)


_NESTED = ["telecom", "telecom/network", "telecom/network/router", "it", "it/server"]
_AMOUNTS = [10**4, 10**5, 10**6]
_DAYS = [dt.date(2020, 1, 1), dt.date(2021, 6, 15), dt.date(2022, 12, 31)]


def _field_atoms() -> st.SearchStrategy[Any]:
    """Atoms over the fields the masks code per class, on few shared values and thresholds."""
    return st.one_of(
        st.sets(st.sampled_from(["CN", "HK", "JP"]), min_size=1).map(vendor.origin.in_),
        st.sets(st.sampled_from(_NESTED), min_size=1, max_size=2).map(
            lambda cs: category.within(*sorted(cs))
        ),
        st.builds(
            purchase.value.at_least, st.sampled_from(_AMOUNTS), st.sampled_from(["JPY", "USD"])
        ),
        st.sampled_from(_DAYS).map(purchase.date.on_or_after),
        st.sets(st.sampled_from(["defence", "retail", "carrier"]), min_size=1).map(
            buyer.sector.in_
        ),
        st.builds(
            lambda v, m: fact("scope").in_(v, if_missing=m),
            st.sets(st.sampled_from(["general", "core"]), min_size=1),
            st.sampled_from([None, True, False]),
        ),
    )


def _field_predicates() -> st.SearchStrategy[Any]:
    return st.recursive(
        _field_atoms(),
        lambda inner: st.one_of(
            st.builds(lambda a, b: a & b, inner, inner),
            st.builds(lambda a, b: a | b, inner, inner),
            inner.map(lambda a: ~a),
        ),
        max_leaves=4,
    )


@st.composite
def _field_rule_sets(draw: st.DrawFn) -> RuleSet:
    rules = []
    for i in range(draw(st.integers(1, 8))):
        start, until = draw(st.sampled_from([None, *_DAYS])), draw(st.sampled_from([None, *_DAYS]))
        if start is not None and until is not None and until < start:
            start, until = until, start
        rules.append(
            Rule(
                id=f"r{i}",
                when=draw(_field_predicates()),
                unless=draw(st.none() | _field_predicates()),
                effect=draw(st.sampled_from(["deny", "review", "warn", "allow"])),
                in_force_from=start,
                in_force_until=until,
            )
        )
    return RuleSet(id="f", version="1", rules=rules)


def _near(values: list[Any], step: Any) -> st.SearchStrategy[Any]:
    """One of ``values``, or just below or above one."""
    return st.sampled_from(values).flatmap(lambda v: st.sampled_from([v - step, v, v + step]))


_AT_THE_EDGES = st.builds(
    lambda c, cat, amount, cur, day, sector, scope: Purchase(
        id="p",
        buyer=Buyer(id="b", public=True, sector=sector, country="JP"),
        vendor=Vendor(id="v", country=c),
        category=cat,
        value=None if amount is None else Money(amount=amount, currency=cur),
        date=day,
        facts={} if scope is None else {"scope": scope},
    ),
    st.none() | st.sampled_from(["CN", "HK", "JP", "US"]),
    st.none()
    | st.sampled_from([*_NESTED, "telecom/radio", "telecom/network/router/edge", "office"]),
    st.none() | _near(_AMOUNTS, 1),
    st.sampled_from(["JPY", "USD", "EUR"]),
    st.none() | _near(_DAYS, dt.timedelta(days=1)),
    st.sampled_from(["defence", "retail", "carrier", "education"]),
    st.none() | st.sampled_from(["general", "core", "other"]),
)


class TestAgreement:
    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_field_rule_sets(), st.lists(_AT_THE_EDGES, min_size=1, max_size=15), _DATES)
    def test_class_codes_agree_at_every_edge(self, rule_set, ps, as_of) -> None:
        """Rules over nested categories, several amounts and dates, windows and facts, on rows
        at, just below and just above each threshold: DuckDB's class codes and masks give the
        interpreter's decisions."""
        _agree(rule_set, ps, _screen(rule_set, ps, as_of=as_of), as_of=as_of)

    @_CHEAP
    @given(rule_sets(), _ROWS, _DATES)
    def test_duckdb_agrees_with_the_interpreter(self, rule_set, ps, as_of) -> None:
        """DuckDB gives each row the interpreter's effect, basis, determining rules and missing
        facts (as a sorted set), with or without a decision date."""
        _agree(rule_set, ps, _screen(rule_set, ps, as_of=as_of), as_of=as_of)

    def test_every_class_edge_agrees(self) -> None:
        """Rows at, just below and just above every amount, date and window end, in every
        named category, one below it and none, agree with the interpreter (the classes'
        edges, where a per-class mask could be off by one)."""
        d1, d2 = dt.date(2020, 1, 1), dt.date(2021, 6, 15)
        rule_set = RuleSet(
            id="e",
            version="1",
            rules=[
                Rule(id="v", when=purchase.value.at_least(10**5, "JPY"), effect="deny"),
                Rule(
                    id="w",
                    when=purchase.value.at_least(10**4, "JPY") & buyer.sector.in_({"retail"}),
                    effect="review",
                ),
                Rule(id="u", when=purchase.value.at_least(10**4, "USD"), effect="warn"),
                Rule(
                    id="c",
                    when=category.within("telecom/network")
                    & ~category.within("telecom/network/router"),
                    effect="review",
                ),
                Rule(id="t", when=category.within("telecom"), effect="warn"),
                Rule(id="d", when=purchase.date.on_or_after(d2), effect="warn"),
                Rule(
                    id="in",
                    when=vendor.origin.in_({"CN"}),
                    unless=fact("scope").in_({"general"}),
                    effect="deny",
                    in_force_from=d1,
                    in_force_until=d2,
                ),
                Rule(id="f", when=fact("scope").in_({"core"}, if_missing=True), effect="warn"),
            ],
        )
        one = dt.timedelta(days=1)
        cells = [
            (country, cat, amount, cur, day, scope)
            for country in ("CN", "JP", None)
            for cat in ("telecom", "telecom/network", "telecom/network/router", "telecom/x", None)
            for amount, cur in ((9_999, "JPY"), (10**4, "JPY"), (10**5, "JPY"), (10**5 + 1, "JPY"),
                                (10**4, "USD"), (None, "JPY"))
            for day in (d1 - one, d1, d2, d2 + one, None)
            for scope in ("general", "core", None)
        ]  # fmt: skip
        ps = [
            Purchase(
                id=f"p{i}",
                buyer=Buyer(id="b", public=True, sector=("retail", "defence")[i % 2]),
                vendor=None if country is None else Vendor(id="v", country=country),
                category=cat,
                value=None if amount is None else Money(amount=amount, currency=cur),
                date=day,
                facts={} if scope is None else {"scope": scope},
            )
            for i, (country, cat, amount, cur, day, scope) in enumerate(cells)
        ]
        _agree(rule_set, ps, _screen(rule_set, ps))
        _agree(rule_set, ps, _screen(rule_set, ps, as_of=d2), as_of=d2)
        # A fact that is not stated, read as `if_missing` says, alone in its layer's effect.
        missing = RuleSet(
            id="m",
            version="1",
            rules=[
                Rule(id="f", when=fact("scope").in_({"core"}, if_missing=True), effect="warn"),
                Rule(id="g", when=fact("scope").in_({"general"}, if_missing=False), effect="deny"),
            ],
        )
        _agree(missing, ps, _screen(missing, ps))

    def test_duckdb_decides_by_class_masks(self) -> None:
        """The DuckDB query reads each field once as a class code and combines the rules as
        bit masks; the PostgreSQL one computes every rule on the row."""
        rule_set = RuleSet(
            id="t",
            version="1",
            rules=[Rule(id="cn", when=vendor.origin.in_({"CN"}), effect="deny")],
        )
        duck = to_sql(rule_set)
        assert "vp_masks AS (" in duck
        assert re.search(r"AS vp_s\b", duck)  # (the determining keys looked up per set)
        assert "CASE vp_vendor_country WHEN 'CN' THEN 2 ELSE" in duck
        assert "vp_masks" not in to_sql(rule_set, dialect="postgres")

    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.lists(_field_rule_sets(), min_size=1, max_size=3),
        st.lists(_AT_THE_EDGES, min_size=5, max_size=25),
        _DATES,
        st.booleans(),
    )
    def test_determining_lists_by_set_agree(self, layers, ps, as_of, small) -> None:
        """The determining keys looked up per set of surely applying rules (``vp_s``) are the
        interpreter's, over one to three layers of rules on shared fields (a first-match one
        among them, whose keys are built on the row); and so are those built on the row when
        the sets would take too large tables (here: any table at all). One effect in the first
        layer, two in the others, so that several rules share each one's list."""
        layers = [
            attrs.evolve(
                layer,
                rules=[
                    attrs.evolve(r, effect=("deny", "warn")[i * j % 2])
                    for j, r in enumerate(layer.rules)
                ],
            )
            for i, layer in enumerate(layers)
        ]
        below = tuple(
            attrs.evolve(layer, id=f"l{i}", combining=("first-match" if i == 2 else "most-severe"))
            for i, layer in enumerate(layers[1:], start=1)
        )
        rule_set = attrs.evolve(layers[0], includes=below)
        limit = 0 if small else _masks.MAX_STATES
        with mock.patch.object(_masks, "MAX_STATES", limit):
            sql = to_sql(rule_set, as_of=as_of)
            rows = _screen(rule_set, ps, as_of=as_of)
        if small:
            assert not re.search(r"AS vp_s\b", sql)
        _agree(rule_set, ps, rows, as_of=as_of)

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(rule_sets(), _ROWS, _DATES)
    def test_postgres_dialect_agrees_with_the_interpreter(self, rule_set, ps, as_of) -> None:
        """The PostgreSQL dialect's query, run in DuckDB, gives the interpreter's decisions."""
        rows = _screen(rule_set, ps, dialect="postgres", as_of=as_of)
        _agree(rule_set, ps, rows, as_of=as_of)

    @pytest.mark.parametrize("name", packs.names())
    def test_every_pack_agrees_with_the_interpreter(self, name: str) -> None:
        """Every bundled pack gives the interpreter's decisions on purchases aimed at it."""
        rule_set = packs.load(name)

        # A pack's query is long to plan: few queries, many rows each.
        @settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.lists(purchases_for(rule_set).map(_table_ready), min_size=20, max_size=40))
        def check(ps: list[Purchase]) -> None:
            _agree(rule_set, ps, _screen(rule_set, ps))
            # and against the bundled registry, as `check --pack` resolves
            ps = [_unnamed(p) for p in ps]
            con = duckdb.connect()
            rel = vd.purchases_relation(ps, con)
            out = vd.screen(rel, rule_set, connection=con, registry=_BUNDLED)
            rows = [dict(zip(out.columns, r, strict=True)) for r in out.fetchall()]
            _agree(rule_set, ps, rows, registry=_BUNDLED)

        check()


@st.composite
def _registry_cases(draw: st.DrawFn) -> tuple[Registry, RuleSet, list[Purchase]]:
    """A registry, a rule set, and purchases whose vendor and buyer ids are the registry's
    ids, its entities' names written as ids (matched as names), or ids it does not know."""
    registry = draw(registries())
    ids = [e.id for e in registry.entities]
    named = [re.sub(r"[^a-z0-9]+", "-", e.name.lower()).strip("-") for e in registry.entities]
    keys = st.sampled_from([*ids, *(n for n in named if n), "huawei", "mic"])

    def fitted(p: Purchase) -> Purchase:
        v = p.vendor
        if v is not None:  # a table names no vendor: its id says who it is
            v = Vendor(id=draw(keys), country=v.country, designations=v.designations)
        return attrs.evolve(
            p, components=None, vendor=v, buyer=attrs.evolve(p.buyer, id=draw(keys))
        )

    ps = [fitted(p) for p in draw(st.lists(purchases(max_chain=1), min_size=1, max_size=6))]
    return registry, draw(rule_sets()), ps


@st.composite
def _bad_cells(draw: st.DrawFn, p: Purchase, rule_set: RuleSet) -> Purchase:
    """``p`` with cells a vocabulary may refuse or warn about mixed in: a fact misspelt (its
    name or its value), a fact no rule reads, a boolean or a date where text is declared, a
    category outside the tree (below a node, or beside the tree), a purpose close to a known
    one; or ``p`` as it is."""
    facts = dict(p.facts)
    names = sorted({*facts, *(f.name for f in (rule_set.vocabulary or _NO).facts or ())})
    kind = draw(st.sampled_from(["none", "value", "name", "unread", "typed", "category",
                                 "purpose"]))  # fmt: skip
    category, purpose = p.category, p.purpose
    if kind == "value" and facts:
        name = draw(st.sampled_from(sorted(facts)))
        value = facts[name]
        facts[name] = (value + "x") if isinstance(value, str) else "other-value"
    elif kind == "name" and names:
        name = draw(st.sampled_from(names))
        facts[name[:-1] + "z"] = draw(st.sampled_from(["buy", "federal-grant", "x"]))
    elif kind == "unread":
        facts["noted-by"] = draw(st.sampled_from(["audit", "Federal Grant", "federal-grnat"]))
    elif kind == "typed" and names:
        facts[draw(st.sampled_from(names))] = draw(
            st.sampled_from([True, False, dt.date(2020, 1, 2)])
        )
    elif kind == "category":
        category = draw(st.sampled_from(_ODD_CATEGORIES))
    elif kind == "purpose":
        purpose = draw(st.sampled_from(["publicsafety", "public_safety", "national-securty"]))
    return attrs.evolve(p, facts=facts, category=category, purpose=purpose)


_ODD_CATEGORIES = [
    "telecom/network/router/edge",
    "telecom/satellite",
    "furniture",
    "it/endpoint",
    "video/surveillance/camera/ptz",
]
_NO = attrs.make_class("_NoVocabulary", {"facts": attrs.field(default=None)})()


_FEW = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))


class TestVocabulary:
    @_FEW
    @given(st.data(), rule_sets(with_vocabularies=True), _DATES)
    def test_bad_cells_agree_with_the_interpreter(self, data, rule_set, as_of) -> None:
        """On generated rule sets with vocabularies and rows with bad cells mixed in, DuckDB
        refuses a row where the interpreter raises (naming each of its problems), and
        otherwise gives its decision, obligations and warnings: never a decision the
        interpreter would not make."""
        ps = data.draw(
            st.lists(
                purchases(max_chain=1).map(_table_ready).flatmap(lambda p: _bad_cells(p, rule_set)),
                min_size=1,
                max_size=10,
            )
        )
        _agree(rule_set, ps, _screen(rule_set, ps, as_of=as_of), as_of=as_of)

    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data(), rule_sets(with_vocabularies=True))
    def test_postgres_dialect_agrees_on_bad_cells(self, data, rule_set) -> None:
        """The PostgreSQL dialect (run in DuckDB) refuses and warns as the interpreter does."""
        ps = data.draw(
            st.lists(
                purchases(max_chain=1).map(_table_ready).flatmap(lambda p: _bad_cells(p, rule_set)),
                min_size=1,
                max_size=8,
            )
        )
        _agree(rule_set, ps, _screen(rule_set, ps, dialect="postgres"))

    @pytest.mark.parametrize("name", packs.names())
    def test_every_pack_agrees_on_bad_cells(self, name: str) -> None:
        """On every bundled pack, rows with bad cells mixed in: the interpreter's error rows,
        decisions, obligations and warnings."""
        rule_set = packs.load(name)

        @settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
        @given(
            st.lists(
                purchases_for(rule_set)
                .map(_table_ready)
                .flatmap(lambda p: _bad_cells(p, rule_set)),
                min_size=12,
                max_size=24,
            )
        )
        def check(ps: list[Purchase]) -> None:
            rows = _screen(rule_set, ps)
            _agree(rule_set, ps, rows)
            assert any(r["status"] == "error" for r in rows) or all(_fine(rule_set, p) for p in ps)

        check()


def _fine(rule_set: RuleSet, p: Purchase) -> bool:
    try:
        rule_set.evaluate(p)
    except VocabularyError:
        return False
    return True


def _screen_resolved(
    rule_set: RuleSet,
    ps: list[Purchase],
    registry: Registry,
    as_of: dt.date | None,
    *,
    dialect: str = "duckdb",
) -> list[dict[str, Any]]:
    """The rows ``extra.duckdb.screen`` gives with ``registry`` (``dialect="postgres"``: the
    PostgreSQL query for the rows' ids, run in DuckDB)."""
    if dialect == "duckdb":
        con = duckdb.connect()
        rel = vd.purchases_relation(ps, con)
        out = vd.screen(rel, rule_set, connection=con, as_of=as_of, registry=registry)
        return [dict(zip(out.columns, r, strict=True)) for r in out.fetchall()]
    vendor_ids = [p.vendor.id for p in ps if p.vendor is not None]
    return _screen(
        rule_set,
        ps,
        dialect="postgres",
        as_of=as_of,
        registry=registry,
        vendor_ids=vendor_ids,
        buyer_ids=[p.buyer.id for p in ps],
    )


class TestRegistry:
    @_CHEAP
    @given(_registry_cases(), _DATES)
    def test_resolved_rows_agree_with_the_interpreter(self, case, as_of) -> None:
        """With a registry, each row's vendor and buyer are resolved by id (or by name, for an
        id the registry does not have) as of the decision date, with the interpreter's
        decisions, on every row: a vendor id several entities' names match among them."""
        registry, rule_set, ps = case
        _agree(rule_set, ps, _screen_resolved(rule_set, ps, registry, as_of), as_of=as_of,
               registry=registry)  # fmt: skip

    def test_buyer_similar_to_an_entity_listed_later(self) -> None:
        """A buyer id only similar to a buyer entity listed on 2023-03-01 is known before that
        date and unknown from it, in SQL as in the interpreter."""
        registry = Registry(
            id="r",
            version="1",
            entities=[Entity(id="carrier-a", name="Alpha Telecom plc")],
            lists=[
                DesignationList(
                    id="directed",
                    propagates="entity",
                    entries=[Listing(entity="carrier-a", added=dt.date(2023, 3, 1))],
                )
            ],
        )
        rules = RuleSet(
            id="d",
            version="1",
            rules=[Rule(id="d", when=buyer.designated({"directed"}), effect=Effect.DENY)],
        )
        ps = [
            Purchase(
                buyer=Buyer(id="alpha-telcom", public=False, sector="carrier"), id=f"p{i}", date=on
            )
            for i, on in enumerate([dt.date(2023, 2, 28), dt.date(2023, 3, 1)])
        ]
        con = duckdb.connect()
        out = vd.screen(vd.purchases_relation(ps, con), rules, connection=con, registry=registry)
        rows = [dict(zip(out.columns, r, strict=True)) for r in out.fetchall()]
        assert [r["effect"] for r in rows] == ["allow", "review"]
        _agree(rules, ps, rows, registry=registry)

    def test_vendor_id_holding_a_brand_listed_later(self) -> None:
        """A vendor id that holds a designated entity's brand as a word is kept before the
        listing and unknown from it, in SQL as in the interpreter."""
        registry = Registry(
            id="r",
            version="1",
            entities=[Entity(id="acme", name="Acmetel", aliases=["Acmetel"])],
            lists=[
                DesignationList(
                    id="l",
                    propagates="entity",
                    entries=[Listing(entity="acme", added=dt.date(2023, 3, 1))],
                )
            ],
        )
        rules = RuleSet(
            id="d",
            version="1",
            rules=[Rule(id="d", when=vendor.designated({"l"}), effect=Effect.DENY)],
        )
        ps = [
            Purchase(buyer=_BUYER, vendor=Vendor(id="acmetel-canada"), id=f"p{i}", date=on)
            for i, on in enumerate([dt.date(2023, 2, 28), dt.date(2023, 3, 1)])
        ]
        con = duckdb.connect()
        out = vd.screen(vd.purchases_relation(ps, con), rules, connection=con, registry=registry)
        rows = [dict(zip(out.columns, r, strict=True)) for r in out.fetchall()]
        assert [r["effect"] for r in rows] == ["allow", "review"]
        _agree(rules, ps, rows, registry=registry)

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_registry_cases(), _DATES)
    def test_printed_query_looks_registry_ids_up(self, case, as_of) -> None:
        """`to_sql(registry=...)` alone (no data to read ids from) looks up the registry's
        own ids: rows whose ids are registry ids get the interpreter's decisions."""
        registry, rule_set, ps = case
        ids = {e.id for e in registry.entities}
        ps = [p for p in ps if p.buyer.id in ids and (p.vendor is None or p.vendor.id in ids)]
        con = duckdb.connect()
        rel = vd.purchases_relation(ps or [Purchase(buyer=_BUYER)], con)
        con.register("purchases", rel)
        sql = to_sql(rule_set, columns=rel.columns, as_of=as_of, registry=registry)
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
        if ps:
            _agree(rule_set, ps, rows, as_of=as_of, registry=registry)


_BUYER = Buyer(id="mic", public=True, sector="central-government")
_RULES = RuleSet(
    id="t",
    version="1",
    rules=[Rule(id="cn", when=vendor.origin.in_({"CN"}), effect="deny")],
)


class TestRefusals:
    def test_custom_predicate_is_refused_by_name_and_path(self) -> None:
        """A custom predicate cannot run in a database: the error names it and where it is."""

        @custom("no-sbom")
        def no_sbom(p: Purchase) -> bool:
            return True

        rules = RuleSet(id="t", version="1", rules=[Rule(id="r", when=no_sbom, effect="deny")])
        with pytest.raises(InvalidValueError, match="custom predicate `no-sbom`") as info:
            to_sql(rules)
        assert info.value.path == "t/r.when"

    def test_unknown_dialect(self) -> None:
        """An unknown dialect is an error naming the ones there are."""
        with pytest.raises(InvalidValueError, match="unknown SQL dialect `oracle`"):
            to_sql(_RULES, dialect="oracle")

    def test_a_table_without_a_buyer(self) -> None:
        """A table without the buyer's columns is refused, saying which to add."""
        with pytest.raises(InvalidValueError, match="no column `buyer_public`"):
            to_sql(_RULES, columns=["id", "vendor_id", "vendor_country"])

    def test_bad_rows_are_errors_not_allows(self) -> None:
        """A row with an unknown sector or an invalid category is an error row, kept in its
        place with why; never decided (and never allowed)."""
        con = duckdb.connect()
        con.execute(
            "CREATE TABLE purchases AS SELECT * FROM (VALUES "
            "(TRUE, 'central-government', 'huawei', 'CN', 'telecom'), "
            "(TRUE, 'ministry', 'huawei', 'CN', 'telecom'), "
            "(NULL, 'central-government', 'nec', 'JP', 'telecom'), "
            "(TRUE, 'central-government', 'nec', 'JP', 'Telecom')) "
            "AS t(buyer_public, buyer_sector, vendor_id, vendor_country, category)"
        )
        rules = RuleSet(
            id="t",
            version="1",
            rules=[Rule(id="cn", when=vendor.origin.in_({"CN"}), effect="deny")],
        )
        rows = vd.screen("purchases", rules, connection=con).fetchall()
        assert [(r[-8], r[-7], r[-1]) for r in rows] == [
            ("decided", "deny", None),
            ("error", None, "unknown buyer_sector `ministry`"),
            ("error", None, "buyer_public is empty"),
            ("error", None, "invalid category `Telecom`"),
        ]


class TestSources:
    def test_every_kind_of_source_gives_the_same_decisions(self, tmp_path) -> None:
        """A relation, a table name, a query and a Parquet file screen alike."""
        ps = [
            Purchase(buyer=_BUYER, vendor=Vendor(id="huawei", country="CN"), id="p1"),
            Purchase(buyer=_BUYER, vendor=Vendor(id="nec", country="JP"), id="p2"),
            Purchase(buyer=_BUYER, id="p3"),
        ]
        con = duckdb.connect()
        rel = vd.purchases_relation(ps, con)
        path = tmp_path / "ledger.parquet"
        rel.write_parquet(str(path))
        con.execute("CREATE TABLE purchases AS SELECT * FROM read_parquet(?)", [str(path)])
        sources = [rel, "purchases", "SELECT * FROM purchases", path, str(path)]
        results = [
            vd.screen(s, _RULES, connection=con).project("id, effect, basis").fetchall()
            for s in sources
        ]
        assert results[0] == [("p1", "deny", "rules"), ("p2", "allow", "default"),
                              ("p3", "review", "unknown")]  # fmt: skip
        assert all(r == results[0] for r in results)

    def test_missing_file(self, tmp_path) -> None:
        """A Parquet path that does not exist is a file error naming it."""
        from vendorpolicy.errors import FileError

        with pytest.raises(FileError, match="no such file"):
            vd.screen(tmp_path / "nope.parquet", _RULES)


class TestCommandLine:
    def test_sql_prints_a_query_that_runs(self) -> None:
        """`vendorpolicy sql --pack us-ndaa-889 --dialect postgres` prints one query, which
        (run in DuckDB) gives the interpreter's decisions with the bundled registry."""
        import io

        from vendorpolicy._cli import main

        ps = [
            Purchase(buyer=_BUYER, vendor=Vendor(id="huawei"), category="telecom/network"),
            Purchase(buyer=_BUYER, vendor=Vendor(id="nec", country="JP"), category="it"),
        ]
        con = duckdb.connect()
        con.execute("CREATE MACRO array_remove(l, x) AS list_filter(l, lambda e: e IS NOT NULL)")
        rel = vd.purchases_relation(ps, con)
        con.register("purchases", rel)
        out = io.StringIO()
        argv = ["sql", "--pack", "us-ndaa-889", "--dialect", "postgres"]
        assert main([*argv, "--columns", ",".join(rel.columns)], out=out) == 0
        text = out.getvalue()
        assert text.startswith("-- vendorpolicy: rule set us-ndaa-889@")
        assert "WITH vp_in AS (" in text
        assert "/* us-ndaa-889/part-a */" in text
        cursor = con.execute(text)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
        _agree(packs.load("us-ndaa-889"), ps, rows, registry=_BUNDLED)

    def test_sql_format_json_carries_the_same_query(self) -> None:
        """`sql --format json` gives the rule set, registry and dialect as data, and the very
        query the text form prints below its comment header."""
        import io
        import json

        from vendorpolicy._cli import main

        argv = ["sql", "--pack", "jp-2018", "--dialect", "postgres"]
        text_out, json_out = io.StringIO(), io.StringIO()
        assert main(argv, out=text_out) == 0
        assert main([*argv, "--format", "json"], out=json_out) == 0
        record = json.loads(json_out.getvalue())
        body = "".join(
            line for line in text_out.getvalue().splitlines(keepends=True)
            if not line.startswith("-- ")
        )  # fmt: skip
        assert record["sql"] == body.rstrip("\n")
        rule_set = packs.load("jp-2018")
        assert record["rule_set"] == {
            "id": rule_set.id, "version": rule_set.version, "digest": rule_set.digest,
        }  # fmt: skip
        assert record["registry"]["id"] == _BUNDLED.id
        assert record["dialect"] == "postgres"

    def test_check_with_the_duckdb_engine(self, tmp_path) -> None:
        """`check --engine duckdb` screens a Parquet table: one CSV row per purchase, exit 1
        for a denial; an option it does not take is a usage error (exit 2)."""
        import io

        from vendorpolicy._cli import main

        ps = [
            Purchase(buyer=_BUYER, vendor=Vendor(id="huawei", country="CN"), id="p1"),
            Purchase(buyer=_BUYER, vendor=Vendor(id="nec", country="JP"), id="p2"),
        ]
        path = tmp_path / "ledger.parquet"
        con = duckdb.connect()
        vd.purchases_relation(ps, con).write_parquet(str(path))
        rules = tmp_path / "rules.json"
        from vendorpolicy import save_rule_set

        save_rule_set(_RULES, rules)
        out = io.StringIO()
        code = main(["check", "--engine", "duckdb", "-q", str(rules), str(path)], out=out)
        assert code == 1
        lines = out.getvalue().splitlines()
        header = lines[0].split(",")
        got = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
        assert [(r["id"], r["effect"], r["determining"]) for r in got] == [
            ("p1", "deny", "t/cn"),
            ("p2", "allow", ""),
        ]
        code = main(["check", "--engine", "duckdb", str(rules), str(path), "--keep", "x"], out=out)
        assert code == 2


@pytest.mark.skipif(
    not os.environ.get("VENDORPOLICY_TEST_PSQL"),
    reason="a real PostgreSQL: set VENDORPOLICY_TEST_PSQL to psql's connection options",
)
class TestRealPostgres:
    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
    @given(rule_sets(), _ROWS, _DATES)
    def test_postgres_agrees_with_the_interpreter(self, rule_set, ps, as_of) -> None:
        """The PostgreSQL dialect's query, run by a real PostgreSQL through `psql`, gives the
        interpreter's decisions."""
        import shlex
        import subprocess

        from vendorpolicy._sql import COLUMNS, purchase_columns

        command = ["psql", *shlex.split(os.environ["VENDORPOLICY_TEST_PSQL"])]
        command += ["-v", "ON_ERROR_STOP=1", "-q", "-A", "-t", "-F", "\t"]
        cells = purchase_columns(ps)
        types = {"list": "text[]", "decimal": "numeric"}
        ddl = ", ".join(
            f'"{c}" {types.get(COLUMNS.get(c, "text"), COLUMNS.get(c, "text"))}' for c in cells
        )

        def lit(value: Any) -> str:
            if value is None:
                return "NULL"
            if isinstance(value, list):
                return "ARRAY[" + ",".join(lit(v) for v in value) + "]::text[]"
            if isinstance(value, bool):
                return "TRUE" if value else "FALSE"
            if isinstance(value, dt.date):
                return f"DATE '{value.isoformat()}'"
            if not isinstance(value, str):
                return str(value)
            return "'" + value.replace("'", "''") + "'"

        rows = ", ".join(
            "(" + ", ".join(lit(cells[c][i]) for c in cells) + ")" for i in range(len(ps))
        )
        query = to_sql(rule_set, dialect="postgres", table="vp_test", columns=cells, as_of=as_of)
        # (the test's own table and values, for the psql the environment names)
        script = f"CREATE TEMP TABLE vp_test ({ddl}); INSERT INTO vp_test VALUES {rows};\n{query};"  # noqa: S608
        done = subprocess.run(command, input=script, capture_output=True, text=True, check=True)  # noqa: S603
        lines = [line.split("\t") for line in done.stdout.splitlines() if line]

        def array(text: str) -> list[str]:
            return [x.strip('"') for x in text.strip("{}").split(",")] if text != "{}" else []

        got = [
            {
                "status": c[-8],
                "effect": c[-7],
                "basis": c[-6],
                "determining": array(c[-5]),
                "obligations": array(c[-4]),
                "missing_facts": array(c[-3]),
                "warnings": array(c[-2]),
                "error": c[-1] or None,
            }
            for c in lines
        ]
        _agree(rule_set, ps, got, as_of=as_of)


class TestMisspelt:
    @pytest.mark.parametrize("name", packs.names())
    def test_a_misspelt_fact_value_is_an_error_row(self, name: str) -> None:
        """A closed fact's value the pack's vocabulary does not list (one character added) is
        refused by the interpreter, and is an `error` row in SQL — never a decision, so a
        misspelling cannot read as a fact that is not there."""
        from vendorpolicy.errors import VocabularyError

        rule_set = packs.load(name)
        assert rule_set.vocabulary is not None
        closed = [
            f.name
            for f in rule_set.vocabulary.facts
            if f.location.value == "facts"
            and not f.open
            and any(isinstance(v, str) for v in f.values)
        ]
        if not closed:
            pytest.skip(f"{name} declares no closed text fact")

        @settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
        @given(
            st.lists(purchases_for(rule_set).map(_table_ready), min_size=4, max_size=8),
            st.sampled_from(closed),
        )
        def check(ps: list[Purchase], fact: str) -> None:
            spec = next(f for f in rule_set.vocabulary.facts if f.name == fact)
            value = next(v for v in spec.values if isinstance(v, str)) + "x"
            bad = [attrs.evolve(p, facts={**p.facts, fact: value}) for p in ps]
            for p in bad:
                with pytest.raises(VocabularyError):
                    rule_set.evaluate(p)
            for row in _screen(rule_set, bad):
                assert row["status"] == "error"
                assert row["effect"] is None
                assert f"fact `{fact}`" in row["error"]

        check()


@st.composite
def _catalog_cases(draw: st.DrawFn) -> tuple[RuleSet, Any, list[tuple[Vendor | None, Any]]]:
    """A rule set (with a vocabulary, sometimes), a partial purchase that fixes the buyer and
    some of the rest, and catalog rows (vendor, category), some outside the vocabulary."""
    from vendorpolicy.analysis import Partial
    from vendorpolicy.testing import FACT_POOL, buyers, categories, vendors

    rule_set = draw(rule_sets(with_vocabularies=True))
    facts = draw(
        st.dictionaries(st.sampled_from(sorted(FACT_POOL)), st.none(), max_size=2).flatmap(
            lambda keys: st.fixed_dictionaries({k: st.sampled_from(FACT_POOL[k]) for k in keys})
        )
    )
    partial = Partial(
        buyer=draw(buyers()),
        date=draw(_DATES),
        as_of=draw(_DATES),
        value=draw(st.none() | st.builds(Money, amount=st.sampled_from([0, 10**5, 10**8]),
                                         currency=st.sampled_from(["JPY", "USD"]))),
        facts=facts,
    )  # fmt: skip
    vendor_rows = st.none() | vendors(max_chain=1).map(
        lambda v: Vendor(id=v.id, country=v.country, designations=v.designations)
    )
    category_rows = st.none() | categories() | st.sampled_from(_ODD_CATEGORIES)
    rows = draw(st.lists(st.tuples(vendor_rows, category_rows), min_size=1, max_size=12))
    return rule_set, partial, rows


def _catalog_table(con: Any, rows: list[tuple[Vendor | None, Any]]) -> None:
    import pyarrow as pa

    def cat(c: Any) -> str | None:
        return None if c is None else (c if isinstance(c, str) else c.path)

    table = pa.table(
        {
            "row": pa.array(list(range(len(rows))), type=pa.int64()),
            "vendor_id": pa.array([None if v is None else v.id for v, _ in rows], pa.string()),
            "vendor_country": pa.array([None if v is None else v.country for v, _ in rows]),
            "vendor_designations": pa.array(
                [None if v is None else sorted(v.designations) for v, _ in rows],
                type=pa.list_(pa.string()),
            ),
            "category": pa.array([cat(c) for _, c in rows], pa.string()),
        }
    )
    con.register("catalog", con.from_arrow(table))


def _selected(con: Any, where: str, alias: str = "") -> list[int]:
    """The `row` numbers of the catalog rows `where` selects, in order."""
    query = f"SELECT row FROM catalog {alias} WHERE {where} ORDER BY row"  # noqa: S608
    return [r for (r,) in con.execute(query).fetchall()]


def _may_buy_rows(rule_set: RuleSet, partial: Any, rows: list[Any], effects: Any) -> list[int]:
    """The rows `analysis.screen_catalog` decides with one of `effects` (a row it refuses,
    by the vocabulary, is left out)."""
    from vendorpolicy.analysis import screen_catalog

    out = []
    for i, row in enumerate(rows):
        try:
            (entry,) = screen_catalog(rule_set, partial, [row])
        except VocabularyError:
            continue
        if entry.effect in effects:
            out.append(i)
    return out


class TestCatalog:
    @_FEW
    @given(_catalog_cases(), st.sampled_from([("allow",), ("allow", "warn"), ("deny",)]))
    def test_where_selects_the_rows_may_buy_gives(self, case, effects) -> None:
        """`to_sql_where` run in DuckDB selects exactly the catalog rows that
        `analysis.screen_catalog` decides with one of the effects (and not refused)."""
        from vendorpolicy import Effect, to_sql_where

        rule_set, partial, rows = case
        con = duckdb.connect()
        _catalog_table(con, rows)
        where = to_sql_where(rule_set, partial, effects=effects)
        got = _selected(con, where)
        want = _may_buy_rows(rule_set, partial, rows, {Effect(e) for e in effects})
        assert got == want

    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_catalog_cases())
    def test_postgres_where_selects_alike(self, case) -> None:
        """The PostgreSQL dialect's condition (run in DuckDB) selects the same rows."""
        from vendorpolicy import Effect, to_sql_where

        rule_set, partial, rows = case
        con = duckdb.connect()
        _catalog_table(con, rows)
        where = to_sql_where(rule_set, partial, dialect="postgres", table="c")
        got = _selected(con, where, "AS c")
        assert got == _may_buy_rows(rule_set, partial, rows, {Effect.ALLOW})

    @pytest.mark.parametrize("name", ["us-ndaa-889", "jp-2018", "uk-telecoms"])
    def test_a_pack_catalog(self, name: str) -> None:
        """On a pack, for a public buyer, the condition selects the rows `may_buy` gives."""
        from vendorpolicy import Effect, to_sql_where
        from vendorpolicy.analysis import Partial

        rule_set = packs.load(name)
        partial = Partial(buyer=_BUYER, date=dt.date(2024, 4, 1))
        vendors_ = [None, Vendor(id="huawei", country="CN"), Vendor(id="nec", country="JP"),
                    Vendor(id="x", country="CN", designations={"covered"})]  # fmt: skip
        cats = [None, "telecom/network", "it/server", "video/surveillance/camera", "telecomx"]
        rows = [(v, c) for v in vendors_ for c in cats]
        con = duckdb.connect()
        _catalog_table(con, rows)
        where = to_sql_where(rule_set, partial)
        got = _selected(con, where)
        assert got == _may_buy_rows(rule_set, partial, rows, {Effect.ALLOW})
