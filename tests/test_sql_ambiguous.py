"""Vendor ids that several registry entities' names carry (issue 13): the SQL backends (DuckDB's
query, the PostgreSQL dialect run in DuckDB), Arrow tables, data frames and Spark give the
interpreter's decisions on those rows, where it reads the name as each entity it may mean."""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import shutil
import sys
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vendorpolicy import (
    Basis,
    Buyer,
    DesignationList,
    Effect,
    Entity,
    Listing,
    Purchase,
    Registry,
    Relation,
    Rule,
    RuleSet,
    Vendor,
    bundled_registry,
    buyer,
    fact,
    vendor,
)
from vendorpolicy._engine import MAX_READINGS
from vendorpolicy._sql import _registry, to_sql
from vendorpolicy.testing import company_names, purchases, registries, rule_sets

duckdb = pytest.importorskip("duckdb")
pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")
vd = pytest.importorskip("vendorpolicy.extra.duckdb")
arrow = pytest.importorskip("vendorpolicy.extra.arrow")
frames = pytest.importorskip("vendorpolicy.extra.frames")

_DATES = st.none() | st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2027, 12, 31))
_FEW = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))

#: Names from two words and two legal forms: entities share them often (`Acme`, `Acme Inc.`).
_SHARED = company_names(words=("Acme", "Vega"), legal_forms=("Inc.", "GmbH"), max_words=1)
_COUNTRIES = ("CN", "JP", "US")
_DESIGNATIONS = ("covered", "high-risk")


def _as_id(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _vendor_atoms() -> st.SearchStrategy[Any]:
    countries = st.sets(st.sampled_from(_COUNTRIES), min_size=1, max_size=2)
    return st.one_of(
        st.builds(lambda c, t: vendor.origin.in_(c, through_ownership=t), countries, st.booleans()),
        countries.map(vendor.ultimate_owner.origin.in_),
        st.builds(
            lambda d, t: vendor.designated(d, through_ownership=t),
            st.sets(st.sampled_from(_DESIGNATIONS), min_size=1),
            st.booleans(),
        ),
        st.sets(st.sampled_from(["e0", "e1", "e2"]), min_size=1).map(vendor.id.in_),
    )


def _other_atoms() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(
            lambda v, m: fact("scope").in_(v, if_missing=m),
            st.sets(st.sampled_from(["core", "edge"]), min_size=1),
            st.sampled_from([None, True, False]),
        ),
        st.sets(st.sampled_from(_DESIGNATIONS), min_size=1).map(buyer.designated),
        st.sampled_from([buyer.is_public, buyer.is_private]),
    )


def _conditions() -> st.SearchStrategy[Any]:
    atoms = st.one_of(_vendor_atoms(), _vendor_atoms(), _other_atoms())
    return st.recursive(
        atoms,
        lambda inner: st.one_of(
            st.builds(lambda a, b: a & b, inner, inner),
            st.builds(lambda a, b: a | b, inner, inner),
            inner.map(lambda a: ~a),
        ),
        max_leaves=3,
    )


_EFFECTS = st.sampled_from(list(Effect))


@st.composite
def _vendor_rule_sets(draw: st.DrawFn) -> RuleSet:
    """Rule sets over the vendor above all (its origin, its owner's, its designations, its id),
    with facts and the buyer beside it, any combining, default and ``on_unknown``: so that the
    readings of an ambiguous name give the same decision, certain or not, or different ones,
    and an escalation capped below them."""
    rules = [
        Rule(
            id=f"r{i}",
            when=draw(_conditions()),
            unless=draw(st.none() | _conditions()),
            effect=draw(_EFFECTS),
            obligations=draw(st.lists(st.sampled_from(["notify", "log"]), max_size=1)),
        )
        for i in range(draw(st.integers(1, 4)))
    ]
    return RuleSet(
        id="v",
        version="1",
        rules=rules,
        combining=draw(st.sampled_from(["most-severe", "first-match"])),
        default=draw(_EFFECTS),
        # (often capped low, so that the escalated decision may fall below every reading's)
        on_unknown=draw(st.sampled_from(["allow", "allow", "warn"]) | _EFFECTS),
    )


@st.composite
def _capped_rule_sets(draw: st.DrawFn) -> RuleSet:
    """Rules that give each reading something above allow (by the vendor's origin, or a fact
    no purchase states), with the default and ``on_unknown`` at allow: the escalated
    decision falls below the readings', which then floor it."""
    wide = st.sets(st.sampled_from(_COUNTRIES), min_size=2).map(vendor.origin.in_)
    rules = [
        Rule(id=f"o{i}", when=draw(wide | _vendor_atoms()), effect=draw(st.sampled_from(_ABOVE)))
        for i in range(draw(st.integers(1, 3)))
    ]
    if draw(st.booleans()):
        rules.append(Rule(id="f", when=fact("unstated").in_({"x"}), effect="deny"))
    return RuleSet(id="c", version="1", rules=rules, on_unknown="allow")


_ABOVE = ["warn", "review", "deny"]


@st.composite
def _shared_name_cases(
    draw: st.DrawFn, *, buyers: bool = False
) -> tuple[Registry, RuleSet, list[Purchase]]:
    """A registry whose entities share names often, a rule set, and purchases whose vendor
    ids (and, with ``buyers``, buyer ids) are mostly those names written as ids, some the
    registry's ids or ids it does not know; with the vendor's country and designations
    stated, or not."""
    registry = draw(
        registries(max_entities=5, names=_SHARED, countries=_COUNTRIES, designations=_DESIGNATIONS)
    )
    # (most entities with a country, so that more readings are certain)
    countries = st.sampled_from(_COUNTRIES) | st.none()
    registry = Registry(
        id=registry.id,
        version=registry.version,
        entities=[attrs.evolve(e, country=e.country or draw(countries)) for e in registry.entities],
        relations=registry.relations,
        lists=registry.lists,
    )
    names = sorted({_as_id(n) for e in registry.entities for n in e.names} - {""})
    keys = st.sampled_from(names) | st.sampled_from([*(e.id for e in registry.entities), "zeta"])
    rule_set = draw(st.one_of(_vendor_rule_sets(), _capped_rule_sets(), rule_sets()))

    def fitted(p: Purchase) -> Purchase:
        v = p.vendor
        country = draw(st.none() | st.sampled_from(_COUNTRIES))
        designations = draw(st.sets(st.sampled_from(_DESIGNATIONS), max_size=1))
        v = Vendor(id=draw(keys), country=country, designations=designations)
        if p.vendor is None and draw(st.booleans()):
            v = None
        b = p.buyer
        if buyers:
            b = attrs.evolve(b, id=draw(keys))
        return attrs.evolve(p, components=None, vendor=v, buyer=b)

    ps = [fitted(p) for p in draw(st.lists(purchases(max_chain=1), min_size=1, max_size=8))]
    return registry, rule_set, ps


def _want(rule_set: RuleSet, p: Purchase, **kw: Any) -> tuple[Any, ...]:
    d = rule_set.evaluate(p, **kw)
    return (
        "decided",
        d.effect.value,
        d.basis.value,
        list(d.determining_keys),
        list(d.obligations),
        sorted(set(d.missing_facts)),
    )


def _duckdb_rows(
    rule_set: RuleSet, ps: list[Purchase], registry: Registry, as_of: dt.date | None
) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    rel = vd.purchases_relation(ps, con)
    out = vd.screen(rel, rule_set, connection=con, as_of=as_of, registry=registry)
    picked = out.project("status, effect, basis, determining, obligations, missing_facts, error")
    rows = picked.fetchall()
    assert all(r[-1] is None for r in rows), [r[-1] for r in rows]
    return [r[:-1] for r in rows]


def _postgres_rows(
    rule_set: RuleSet, ps: list[Purchase], registry: Registry, as_of: dt.date | None
) -> list[tuple[Any, ...]]:
    """The PostgreSQL dialect's query for the rows' ids, run in DuckDB (which reads it alike
    but for `array_remove`)."""
    from vendorpolicy._sql import compile_query

    con = duckdb.connect()
    con.execute("CREATE MACRO array_remove(l, x) AS list_filter(l, lambda e: e IS NOT NULL)")
    rel = vd.purchases_relation(ps, con)
    con.register("purchases", rel)
    query = compile_query(
        rule_set,
        dialect="postgres",
        columns=rel.columns,
        as_of=as_of,
        registry=registry,
        vendor_ids=[p.vendor.id for p in ps if p.vendor is not None],
        buyer_ids=[p.buyer.id for p in ps],
    )
    cursor = con.execute(query.sql)
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    assert all(r["error"] is None for r in rows)
    return [
        tuple(r[k] for k in ("status", "effect", "basis", "determining", "obligations",
                             "missing_facts"))
        for r in rows
    ]  # fmt: skip


def _cells(ps: list[Purchase]) -> dict[str, list[Any]]:
    """The purchases as a ledger's columns of text (lists joined by `;`)."""
    from vendorpolicy._sql import purchase_columns

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


def _table_rows(table: Any) -> list[tuple[Any, ...]]:
    columns = ("status", "effect", "basis", "determining", "obligations", "missing_facts")
    rows = table.select(list(columns)).to_pylist()
    return [(*(r[c] for c in columns[:5]), sorted(set(r["missing_facts"]))) for r in rows]


class TestSharedVendorNames:
    @_FEW
    @given(_shared_name_cases(), _DATES)
    def test_duckdb_agrees_with_the_interpreter(self, case, as_of) -> None:
        """DuckDB's query gives every row the interpreter's decision: a vendor id several
        entities' names carry is read as each of them, never an error row."""
        registry, rule_set, ps = case
        want = [_want(rule_set, p, as_of=as_of, registry=registry) for p in ps]
        assert _duckdb_rows(rule_set, ps, registry, as_of) == want

    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_shared_name_cases(), _DATES)
    def test_postgres_dialect_agrees_with_the_interpreter(self, case, as_of) -> None:
        """The PostgreSQL dialect's query combines the readings alike."""
        registry, rule_set, ps = case
        want = [_want(rule_set, p, as_of=as_of, registry=registry) for p in ps]
        assert _postgres_rows(rule_set, ps, registry, as_of) == want

    @_FEW
    @given(_shared_name_cases(buyers=True), _DATES)
    def test_shared_buyer_names_agree(self, case, as_of) -> None:
        """Buyer ids that several entities' names carry too (their designations are then
        unknown where one of the entities is designated): DuckDB, the PostgreSQL dialect and
        the interpreter agree."""
        registry, rule_set, ps = case
        want = [_want(rule_set, p, as_of=as_of, registry=registry) for p in ps]
        assert _duckdb_rows(rule_set, ps, registry, as_of) == want
        assert _postgres_rows(rule_set, ps, registry, as_of) == want

    @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_shared_name_cases(buyers=True), _DATES)
    def test_arrow_and_frames_agree_on_the_same_rows(self, case, as_of) -> None:
        """An Arrow table and a pandas frame of the same rows (the compiled path in Python)
        give the interpreter's decisions too."""
        registry, rule_set, ps = case
        # (a ledger's row states no designations of the buyer's own)
        ps = [attrs.evolve(p, buyer=attrs.evolve(p.buyer, designations=frozenset())) for p in ps]
        want = [_want(rule_set, p, as_of=as_of, registry=registry) for p in ps]
        cells = _cells(ps)
        table = arrow.decision_table(rule_set, pa.table(cells), as_of=as_of, registry=registry)
        assert _table_rows(table) == want
        frame = frames.screen(pd.DataFrame(cells), rule_set, as_of=as_of, registry=registry)
        assert _table_rows(pa.Table.from_pandas(frame, preserve_index=False)) == want


# A registry where `Alpha Telecom` is two entities: `a1`, Chinese, and `a2`, Japanese, owned
# by the Chinese `h` from 2022 on; `Beta Networks` is two Chinese entities, one of them on the
# `covered` list.
_REGISTRY = Registry(
    id="r",
    version="1",
    entities=[
        Entity(id="a1", name="Alpha Telecom", country="CN"),
        Entity(id="a2", name="Alpha Telecom", country="JP"),
        Entity(id="h", name="Holdco", country="CN"),
        Entity(id="b1", name="Beta Networks", country="CN"),
        Entity(id="b2", name="Beta Networks", country="CN"),
    ],
    relations=[Relation(owner="h", owned="a2", kind="subsidiary", valid_from=dt.date(2022, 1, 1))],
    lists=[
        DesignationList(
            id="covered",
            propagates="entity",
            entries=[Listing(entity="b1", added=dt.date(2020, 1, 1))],
        )
    ],
)
_BUYER = Buyer(id="mic", public=True, sector="central-government")


def _row(vendor_id: str, **kw: Any) -> Purchase:
    return Purchase(id=vendor_id, buyer=_BUYER, vendor=Vendor(id=vendor_id), **kw)


class TestReadings:
    def test_every_reading_certain_and_alike_is_decided(self) -> None:
        """Both `Beta Networks` are Chinese: a Chinese-origin rule denies whichever is meant,
        by the rules; `Alpha Telecom` reads Chinese for `a1` and Japanese for `a2` (before
        2022), so it stays escalated to review, with the vendor's country missing."""
        rules = RuleSet(
            id="t",
            version="1",
            rules=[Rule(id="cn", when=vendor.origin.in_({"CN"}), effect="deny")],
            on_unknown="review",
        )
        day = dt.date(2021, 6, 1)
        ps = [_row("beta-networks", date=day), _row("alpha-telecom", date=day)]
        want = [
            ("decided", "deny", "rules", ["t/cn"], [], []),
            ("decided", "review", "unknown", [], [], ["vendor"]),
        ]
        assert _duckdb_rows(rules, ps, _REGISTRY, None) == want
        assert _postgres_rows(rules, ps, _REGISTRY, None) == want
        # `to_sql` alone reads the registry's names written as ids alike
        con = duckdb.connect()
        rel = vd.purchases_relation(ps, con)
        con.register("purchases", rel)
        sql = to_sql(rules, columns=rel.columns, registry=_REGISTRY)
        got = (
            con.sql(sql)
            .project("status, effect, basis, determining, obligations, missing_facts")
            .fetchall()
        )
        assert got == want

    def test_ids_like_a_designated_entity_are_unknown_alike(self) -> None:
        """Vendor ids the bundled registry does not hold but that may be a designated entity
        (its brand run together with a legal form, `ztecorp`; its distinctive words alone,
        `unicom` for China Unicom (Americas); its brand with other words, `hikvision-digital`)
        are unknown to the SQL form as to the interpreter, and an unrelated id is kept."""
        registry = bundled_registry()
        rules = RuleSet(
            id="t",
            version="1",
            rules=[Rule(id="fcc", when=vendor.designated({"us.fcc.covered-list"}), effect="deny")],
            on_unknown="review",
        )
        ids = ["ztecorp", "unicom", "hikvision-digital", "acme-routers"]
        ps = [_row(i, date=dt.date(2023, 1, 1)) for i in ids]
        want = [_want(rules, p, registry=registry) for p in ps]
        unknown = ("decided", "review", "unknown", [], [], ["vendor"])
        assert want == [unknown] * 3 + [("decided", "allow", "default", [], [], [])]
        assert _duckdb_rows(rules, ps, registry, None) == want

    def test_ownership_on_the_date_settles_the_name(self) -> None:
        """From 2022, `a2` is owned by a Chinese company: through ownership, both readings
        of `Alpha Telecom` are Chinese, and the row is denied by the rule."""
        rules = RuleSet(
            id="t",
            version="1",
            rules=[
                Rule(id="cn", when=vendor.origin.in_({"CN"}, through_ownership=True), effect="deny")
            ],
        )
        ps = [_row("alpha-telecom", date=d) for d in (dt.date(2021, 12, 31), dt.date(2022, 1, 1))]
        want = [
            ("decided", "review", "unknown", [], [], ["vendor"]),
            ("decided", "deny", "rules", ["t/cn"], [], []),
        ]
        assert _duckdb_rows(rules, ps, _REGISTRY, None) == want
        assert _postgres_rows(rules, ps, _REGISTRY, None) == want

    def test_a_capped_escalation_is_floored_at_the_least_severe_reading(self) -> None:
        """`on_unknown="allow"` caps the escalation of an unknown vendor at allow; but
        `Beta Networks` is one of two entities, one of them covered (deny) and the other
        Chinese (review): the least severe reading, review, is made, and stays escalated
        (basis unknown), with the missing facts of the vendor as resolved."""
        rules = RuleSet(
            id="t",
            version="1",
            rules=[
                Rule(id="cov", when=vendor.designated({"covered"}), effect="deny"),
                Rule(id="cn", when=vendor.origin.in_({"CN"}), effect="review"),
            ],
            on_unknown="allow",
        )
        ps = [_row("beta-networks", date=dt.date(2021, 1, 1))]
        want = [("decided", "review", "unknown", ["t/cn"], [], ["vendor"])]
        assert _duckdb_rows(rules, ps, _REGISTRY, None) == want
        assert _postgres_rows(rules, ps, _REGISTRY, None) == want
        decision = rules.evaluate(ps[0], registry=_REGISTRY)
        assert (decision.effect, decision.basis) == (Effect.REVIEW, Basis.UNKNOWN)

    def test_a_registry_without_shared_names_writes_the_same_query(self) -> None:
        """Readings are written into the query only where a name is shared: a registry
        without shared names (or a table without those ids) gets the query it got before,
        with no reading numbers and no window over the rows."""
        rules = RuleSet(
            id="t",
            version="1",
            rules=[Rule(id="cn", when=vendor.origin.in_({"CN"}), effect="deny")],
        )
        alone = Registry(
            id="r", version="1", entities=[e for e in _REGISTRY.entities if e.id in ("a1", "h")]
        )
        for sql in (
            to_sql(rules, registry=alone),
            vd_query(rules, _REGISTRY, ["a1", "zeta"]),
        ):
            assert "vp_rv_reading" not in sql
            assert "PARTITION BY" not in sql
        assert "PARTITION BY vp_row" in vd_query(rules, _REGISTRY, ["alpha-telecom"])

    def test_too_many_entities_stay_escalated(self) -> None:
        """A name more entities carry than the interpreter tries (``MAX_READINGS``) is not
        read as each: the row stays escalated (review, basis unknown), as the interpreter
        leaves it, never an allow."""
        assert _registry.MAX_READINGS == MAX_READINGS
        many = Registry(
            id="r",
            version="1",
            entities=[
                Entity(id=f"s{i}", name="Same Name", country="JP") for i in range(MAX_READINGS + 1)
            ],
        )
        rules = RuleSet(
            id="t",
            version="1",
            rules=[Rule(id="cn", when=vendor.origin.in_({"CN"}), effect="deny")],
        )
        ps = [_row("same-name")]
        want = [("decided", "review", "unknown", [], [], ["vendor"])]
        assert [_want(rules, p, registry=many) for p in ps] == want
        assert _duckdb_rows(rules, ps, many, None) == want
        few = Registry(id="r", version="1", entities=many.entities[:MAX_READINGS])
        settled = [("decided", "allow", "default", [], [], [])]
        assert _duckdb_rows(rules, ps, few, None) == settled


def vd_query(rules: RuleSet, registry: Registry, ids: list[str]) -> str:
    from vendorpolicy._sql import compile_query

    return compile_query(rules, registry=registry, vendor_ids=ids, buyer_ids=[]).sql


# pyspark checks the pandas version with distutils' LooseVersion, which warns; py4j's sockets
# are collected after the session stops.
@pytest.mark.filterwarnings("ignore:distutils Version classes are deprecated:DeprecationWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_spark_agrees_on_shared_names() -> None:
    """Spark (``extra.spark.screen``, the Python path on the executors) gives the rows worked
    by hand above the interpreter's decisions: settled, escalated and floored."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java, and `java` is not on PATH")
    from pyspark.sql import SparkSession

    from vendorpolicy.extra import spark as vs

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[1]")
        .appName("vendorpolicy-shared-names")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        rules = RuleSet(
            id="t",
            version="1",
            rules=[
                Rule(id="cov", when=vendor.designated({"covered"}), effect="deny"),
                Rule(id="cn", when=vendor.origin.in_({"CN"}), effect="review"),
            ],
            on_unknown="allow",
        )
        ps = [
            attrs.evolve(_row(v, date=d), id=f"{v}@{d}")
            for v in ("beta-networks", "alpha-telecom", "a1", "zeta")
            for d in (dt.date(2021, 1, 1), dt.date(2023, 1, 1))
        ]
        cells = _cells(ps)
        names = list(cells)
        frame = session.createDataFrame(
            [[cells[n][i] for n in names] for i in range(len(ps))],
            ", ".join(f"`{n}` string" for n in names),
        )
        columns = ("status", "effect", "basis", "determining", "obligations", "missing_facts")
        got = vs.screen(frame, rules, registry=_REGISTRY).select("id", *columns).collect()
        by_id = {r["id"]: r for r in got}
        assert len(got) == len(ps)
        for p in ps:
            r = by_id[p.id]
            want = _want(rules, p, registry=_REGISTRY)
            row = (*(r[c] for c in columns[:3]), *(list(r[c]) for c in columns[3:]))
            assert (*row[:5], sorted(set(row[5]))) == want
    finally:
        session.stop()
        gc.collect()
