"""Hypothesis strategies for vendorpolicy values, to property-test your own rule sets.

Requires ``hypothesis`` (install ``vendorpolicy[test]``). The strategies draw from small pools of
countries, categories, designations and fact names by default, so that generated predicates and
purchases often meet: conditions come out true, false *and* unknown. Pass your own pools to aim
them at your vocabulary::

    from hypothesis import given
    from vendorpolicy.testing import purchases

    @given(purchases())
    def test_never_allows_covered_telecom(purchase):
        decision = my_rules.evaluate(purchase)
        ...
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple, ParamSpec, TypeVar, cast

from hypothesis import strategies as st

from vendorpolicy._erp import erp_export
from vendorpolicy._mapping import ValueMap
from vendorpolicy._model import (
    Buyer,
    Category,
    Component,
    Effect,
    FactValue,
    Money,
    Purchase,
    Sector,
    Vendor,
)
from vendorpolicy._predicates import (
    ALWAYS,
    NEVER,
    AcquiredOnOrAfter,
    AllComponents,
    AllOf,
    AnyComponent,
    AnyOf,
    BuyerCountry,
    BuyerDesignated,
    BuyerPublic,
    BuyerSector,
    CategoryWithin,
    DateOnOrAfter,
    DecidedOnOrAfter,
    FactIn,
    FactOnOrAfter,
    FactOnOrAfterDecision,
    FactOnOrBeforeDecision,
    Not,
    Predicate,
    PurposeIn,
    UltimateOwnerOrigin,
    ValueAtLeast,
    VendorDesignated,
    VendorId,
    VendorOrigin,
)
from vendorpolicy._registry import (
    DesignationList,
    Entity,
    Listing,
    Propagation,
    Registry,
    Relation,
)
from vendorpolicy._resolution import RelationKind
from vendorpolicy._rules import Case, Combining, Rule, RuleSet
from vendorpolicy._vocabulary import FactLocation, FactSpec, Vocabulary

__all__ = [
    "BUYER_COUNTRY_POOL",
    "CATEGORY_POOL",
    "COUNTRY_POOL",
    "DATE_FACT_POOL",
    "DESIGNATION_POOL",
    "FACT_POOL",
    "LEGAL_FORM_POOL",
    "NAME_WORD_POOL",
    "PURPOSE_POOL",
    "VENDOR_ID_POOL",
    "buyers",
    "categories",
    "company_names",
    "components",
    "effects",
    "erp_export",
    "name_variants",
    "predicates",
    "purchases",
    "purchases_for",
    "registries",
    "rule_sets",
    "rules",
    "value_maps",
    "vendors",
    "vocabularies",
]

COUNTRY_POOL: tuple[str, ...] = ("CN", "JP", "US", "GB", "SE", "RU", "HK")
#: A buyer's country may also be ``EU``, the Union's own institutions.
BUYER_COUNTRY_POOL: tuple[str, ...] = (*COUNTRY_POOL, "EU")
CATEGORY_POOL: tuple[str, ...] = (
    "telecom",
    "telecom/network",
    "telecom/network/router",
    "telecom/radio",
    "it",
    "it/server",
    "it/endpoint/laptop",
    "video/surveillance/camera",
)
DESIGNATION_POOL: tuple[str, ...] = ("covered", "high-risk", "supply-chain-concern")
VENDOR_ID_POOL: tuple[str, ...] = ("huawei", "zte", "hikvision", "nec", "lenovo", "acme", "holdco")
PURPOSE_POOL: tuple[str, ...] = ("public-safety", "national-security", "office")
#: Facts that hold dates, with the values each may take; ``"soon"`` is a malformed date, so that
#: the date conditions' failure (unknown, with an error) is drawn too.
DATE_FACT_POOL: dict[str, tuple[FactValue, ...]] = {
    "waiver-granted": (dt.date(2019, 8, 13), dt.date(2020, 8, 13), dt.date(2021, 8, 14)),
    "waiver-expires": (dt.date(2020, 8, 12), dt.date(2021, 8, 13), dt.date(2022, 8, 13), "soon"),
}
#: Fact names with the values each may take (the date facts included).
FACT_POOL: dict[str, tuple[FactValue, ...]] = {
    "action": ("buy", "renew", "maintain"),
    "funding": ("federal-grant", "own-budget"),
    "exception-claimed": (True, False),
    **DATE_FACT_POOL,
}
_DATES = st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2027, 12, 31))
_MAYBE_DATES = st.none() | _DATES
_CURRENCIES = ("JPY", "USD")

# --- Built once per pool, drawn from many times -------------------------------------------------
# A strategy is validated the first time it is drawn from, and a composite strategy runs its body
# on every draw: building ``st.sampled_from(...)`` or ``st.none() | ...`` inside that body cost
# most of a drawn purchase. The strategies below are built once per pool (a bounded cache keyed
# on the pools' contents) and drawn in the same order as before, so that each draw, its
# distribution and its shrinking are unchanged.

_P = ParamSpec("_P")
_T = TypeVar("_T")


def _memo(builder: Callable[_P, _T]) -> Callable[_P, _T]:
    """``builder`` cached on its (hashable) arguments; with an argument that cannot be hashed,
    built afresh as before."""
    cached = cast("Callable[_P, _T]", functools.lru_cache(maxsize=1 << 10)(builder))

    @functools.wraps(builder)
    def get(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            hash((args, tuple(kwargs.items())))
        except TypeError:
            return builder(*args, **kwargs)
        return cached(*args, **kwargs)

    return get


def _pool(values: Sequence[Any]) -> tuple[Any, ...]:
    """A pool as a cache key (its contents, in order)."""
    return tuple(values)


#: Named pools as a cache key: each name with its values and their types (``True == 1``, but a
#: pool of ``1`` must fail as it did, not draw the ``True`` of another pool).
_Pools = tuple[tuple[str, tuple[FactValue, ...], tuple[type, ...]], ...]


def _pools(pools: Mapping[str, Sequence[FactValue]] | None) -> _Pools | None:
    """Named pools as a cache key (names and values, in order)."""
    if pools is None:
        return None
    return tuple((name, tuple(v), tuple(map(type, v))) for name, v in pools.items())


def _options(options: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Keyword options as a cache key (sequences as tuples)."""
    return tuple(
        (key, tuple(value) if isinstance(value, (list, tuple)) else value)
        for key, value in options.items()
    )


def _maybe(strategy: st.SearchStrategy[_T], *, complete: bool) -> st.SearchStrategy[_T | None]:
    return strategy if complete else st.none() | strategy


_EFFECTS = st.sampled_from(list(Effect))


def effects() -> st.SearchStrategy[Effect]:
    """Any effect."""
    return _EFFECTS


def categories(pool: Sequence[str] = CATEGORY_POOL) -> st.SearchStrategy[Category]:
    """Categories from ``pool``."""
    return _categories(_pool(pool))


@_memo
def _categories(pool: tuple[str, ...]) -> st.SearchStrategy[Category]:
    return st.sampled_from([Category(p) for p in pool])


def _subset(pool: Sequence[Any], *, max_size: int = 3) -> st.SearchStrategy[frozenset[Any]]:
    return st.frozensets(st.sampled_from(list(pool)), min_size=1, max_size=max_size)


@st.composite
def vendors(
    draw: st.DrawFn,
    *,
    ids: Sequence[str] = VENDOR_ID_POOL,
    countries: Sequence[str] = COUNTRY_POOL,
    designations: Sequence[str] = DESIGNATION_POOL,
    max_chain: int = 3,
    complete: bool = False,
) -> Vendor:
    """A vendor with an ownership chain of up to ``max_chain`` vendors (distinct ids, no cycle);
    a country may be unknown (never with ``complete=True``)."""
    chain, country, listed = _vendor_parts(
        _pool(ids), _pool(countries), _pool(designations), max_chain, complete
    )
    vendor: Vendor | None = None
    for vendor_id in reversed(draw(chain)):
        vendor = Vendor(
            id=vendor_id,
            name=vendor_id.title(),
            country=draw(country),
            parent=vendor,
            designations=draw(listed),
        )
    assert vendor is not None
    return vendor


@_memo
def _vendor_parts(
    ids: tuple[str, ...],
    countries: tuple[str, ...],
    designations: tuple[str, ...],
    max_chain: int,
    complete: bool,
) -> tuple[
    st.SearchStrategy[list[str]],
    st.SearchStrategy[str | None],
    st.SearchStrategy[frozenset[str]],
]:
    """What :func:`vendors` draws: the chain's ids, each one's country and designations."""
    return (
        st.lists(st.sampled_from(list(ids)), min_size=1, max_size=max_chain, unique=True),
        _maybe(st.sampled_from(list(countries)), complete=complete),
        st.frozensets(st.sampled_from(list(designations)), max_size=2),
    )


def buyers(
    countries: Sequence[str] = BUYER_COUNTRY_POOL,
    designations: Sequence[str] = DESIGNATION_POOL,
    *,
    complete: bool = False,
) -> st.SearchStrategy[Buyer]:
    """A public or private buyer in any sector; the country may be unknown, and so may its
    designations (usually none); with ``complete=True``, both are known."""
    return _buyers(_pool(countries), _pool(designations), complete)


@_memo
def _buyers(
    countries: tuple[str, ...],
    designations: tuple[str, ...],
    complete: bool,
) -> st.SearchStrategy[Buyer]:
    country = st.sampled_from(list(countries))
    listed = st.frozensets(st.sampled_from(list(designations)), max_size=2)
    return st.builds(
        Buyer,
        id=st.sampled_from(["mic", "mod", "carrier-a", "shop"]),
        public=st.booleans(),
        sector=st.sampled_from(list(Sector)),
        country=country if complete else st.none() | country,
        designations=listed if complete else listed | st.none(),
    )


def components(
    *,
    vocabulary: Vocabulary | None = None,
    complete: bool = False,
    categories: Sequence[str] | None = None,
    facts: Mapping[str, Sequence[FactValue]] | None = None,
    **vendor_options: Any,
) -> st.SearchStrategy[Component]:
    """A component whose maker and category may be unknown (never with ``complete=True``).
    With a ``vocabulary``, its category and facts come from it (see :func:`purchases`);
    ``categories`` and ``facts`` are pools to draw them from instead."""
    return _components(
        vocabulary,
        complete,
        None if categories is None else _pool(categories),
        _pools(facts),
        _options(vendor_options),
    )


@_memo
def _components(
    vocabulary: Vocabulary | None,
    complete: bool,
    categories: tuple[str, ...] | None,
    facts: _Pools | None,
    vendor_options: tuple[tuple[str, Any], ...],
) -> st.SearchStrategy[Component]:
    options: dict[str, Any] = dict(vendor_options)
    maker = vendors(complete=complete, **options)
    kinds = _category_pool(vocabulary, categories)
    return st.builds(
        Component,
        vendor=maker if complete else st.none() | maker,
        category=kinds if complete else st.none() | kinds,
        facts=_fact_pools(vocabulary, facts, complete),
    )


def _category_pool(
    vocabulary: Vocabulary | None, pool: Sequence[str] | None
) -> st.SearchStrategy[Category]:
    if pool is not None:
        return _categories(_pool(pool))
    return _categories_of(vocabulary)


def _fact_pool(
    vocabulary: Vocabulary | None,
    pool: Mapping[str, Sequence[FactValue]] | None,
    *,
    complete: bool,
) -> st.SearchStrategy[dict[str, FactValue]]:
    """Facts from ``pool`` (name -> values), else the vocabulary's, else ``FACT_POOL``; every
    one of them stated when ``complete``."""
    return _fact_pools(vocabulary, _pools(pool), complete)


@_memo
def _fact_pools(
    vocabulary: Vocabulary | None,
    pool: _Pools | None,
    complete: bool,
) -> st.SearchStrategy[dict[str, FactValue]]:
    if pool is None and vocabulary is None and not complete:
        return _facts()
    if pool is None and vocabulary is not None:
        specs = [s for s in vocabulary.facts or () if s.location is not FactLocation.PURPOSE]
        drawn = {s.name: _values_of(s) for s in specs}
    else:
        chosen = FACT_POOL if pool is None else {name: values for name, values, _ in pool}
        drawn = {name: st.sampled_from(list(values)) for name, values in chosen.items()}
    if complete:
        return st.fixed_dictionaries(drawn)
    return st.fixed_dictionaries({}, optional=drawn)


@functools.cache
def _facts() -> st.SearchStrategy[dict[str, FactValue]]:
    return st.dictionaries(
        st.sampled_from(list(FACT_POOL)), st.just(None), max_size=len(FACT_POOL)
    ).flatmap(lambda keys: _facts_named(tuple(keys)))


@_memo
def _facts_named(keys: tuple[str, ...]) -> st.SearchStrategy[dict[str, FactValue]]:
    """A value of ``FACT_POOL`` for each of ``keys``, in their order."""
    return st.fixed_dictionaries({k: st.sampled_from(FACT_POOL[k]) for k in keys})


def _values_of(spec: FactSpec) -> st.SearchStrategy[FactValue]:
    values: st.SearchStrategy[FactValue] = (
        st.sampled_from(list(spec.values)) if spec.values else st.nothing()
    )
    if spec.open:
        # Any other value of an open fact means "none of the known ones".
        values = values | st.sampled_from(["other-value", "unlisted"])
    if spec.dates:
        values = values | _DATES
    return values


def _facts_of(vocabulary: Vocabulary) -> st.SearchStrategy[dict[str, FactValue]]:
    specs = [s for s in vocabulary.facts or () if s.location is not FactLocation.PURPOSE]
    return st.fixed_dictionaries({}, optional={s.name: _values_of(s) for s in specs})


@_memo
def _categories_of(vocabulary: Vocabulary | None) -> st.SearchStrategy[Category]:
    if vocabulary is None or vocabulary.categories is None:
        return categories()
    return st.sampled_from(sorted(vocabulary.categories))


@_memo
def _purposes_of(vocabulary: Vocabulary | None) -> st.SearchStrategy[str]:
    if vocabulary is None or vocabulary.facts is None:
        return st.sampled_from(PURPOSE_POOL)
    spec = next((s for s in vocabulary.facts if s.location is FactLocation.PURPOSE), None)
    if spec is None:
        return st.sampled_from(PURPOSE_POOL)
    return _values_of(spec).map(str)


def _money(currencies: Sequence[str] = _CURRENCIES) -> st.SearchStrategy[Money]:
    return _moneys(_pool(currencies))


@_memo
def _moneys(currencies: tuple[str, ...]) -> st.SearchStrategy[Money]:
    return st.builds(
        Money,
        amount=st.integers(min_value=0, max_value=10**9).map(Decimal),
        currency=st.sampled_from(list(currencies)),
    )


@st.composite
def purchases(
    draw: st.DrawFn,
    /,
    *,
    vocabulary: Vocabulary | None = None,
    categories: Sequence[str] | None = None,
    currencies: Sequence[str] | None = None,
    purposes: Sequence[str] | None = None,
    facts: Mapping[str, Sequence[FactValue]] | None = None,
    complete: bool = False,
    **vendor_options: Any,
) -> Purchase:
    """A purchase in which every fact but the buyer may be missing; ``acquired``, when stated,
    is on or before the purchase date.

    With a ``vocabulary`` (a rule set's, say), the category is a node of its tree, the facts
    (of the purchase and its components) and the purpose are drawn from its declarations, so
    that the purchase passes the vocabulary check: ``purchases(vocabulary=rules.vocabulary)``.
    ``categories``, ``currencies``, ``purposes`` and ``facts`` (name -> values) are pools to draw
    from instead, to aim the purchases at the rules you wrote. With ``complete=True`` nothing is
    unknown: the vendor (and its country), the buyer's country and designations, the category,
    date, value, purpose, every fact of the pool and the components (each with its maker and
    category; possibly none) are all stated, so that a rule's outcome never rests on a
    missing fact (a value threshold in another currency than the purchase's stays unknown, as
    no exchange rate settles it: give ``currencies`` to match your rules').
    """

    made = _purchase_parts(
        vocabulary=vocabulary,
        categories=None if categories is None else _pool(categories),
        currencies=None if currencies is None else _pool(currencies),
        purposes=None if purposes is None else _pool(purposes),
        facts=_pools(facts),
        complete=complete,
        vendor_options=_options(vendor_options),
    )
    date = draw(made.date)
    latest = dt.date(2027, 12, 31) if date is None else date
    return Purchase(
        buyer=draw(made.buyer),
        vendor=draw(made.vendor),
        category=draw(made.category),
        date=date,
        value=draw(made.value),
        purpose=draw(made.purpose),
        components=draw(made.components),
        facts=draw(made.facts),
        id=draw(made.id),
        acquired=draw(_acquired(latest, complete)),
    )


class _PurchaseParts(NamedTuple):
    """What :func:`purchases` draws, field by field (``None`` allowed unless complete)."""

    date: st.SearchStrategy[dt.date | None]
    buyer: st.SearchStrategy[Buyer]
    vendor: st.SearchStrategy[Vendor | None]
    category: st.SearchStrategy[Category | None]
    value: st.SearchStrategy[Money | None]
    purpose: st.SearchStrategy[str | None]
    components: st.SearchStrategy[tuple[Component, ...] | None]
    facts: st.SearchStrategy[dict[str, FactValue]]
    id: st.SearchStrategy[str]


@_memo
def _purchase_parts(
    *,
    vocabulary: Vocabulary | None,
    categories: tuple[str, ...] | None,
    currencies: tuple[str, ...] | None,
    purposes: tuple[str, ...] | None,
    facts: _Pools | None,
    complete: bool,
    vendor_options: tuple[tuple[str, Any], ...],
) -> _PurchaseParts:
    options: dict[str, Any] = dict(vendor_options)
    parts = _components(vocabulary, complete, categories, facts, vendor_options)
    money = _money() if currencies is None else _money(currencies)
    purpose = _purposes_of(vocabulary) if purposes is None else st.sampled_from(list(purposes))
    return _PurchaseParts(
        date=_maybe(_DATES, complete=complete),
        buyer=buyers(complete=complete),
        vendor=_maybe(vendors(complete=complete, **options), complete=complete),
        category=_maybe(_category_pool(vocabulary, categories), complete=complete),
        value=_maybe(money, complete=complete),
        purpose=_maybe(purpose, complete=complete),
        components=_maybe(st.lists(parts, max_size=3).map(tuple), complete=complete),
        facts=_fact_pools(vocabulary, facts, complete),
        id=st.sampled_from(["", "p-1", "p-2"]),
    )


@functools.lru_cache(maxsize=1 << 13)
def _acquired(latest: dt.date, complete: bool) -> st.SearchStrategy[dt.date | None]:
    """When the equipment was acquired: on or before ``latest``, the purchase's date."""
    return _maybe(st.dates(min_value=dt.date(2015, 1, 1), max_value=latest), complete=complete)


@st.composite
def vocabularies(draw: st.DrawFn) -> Vocabulary:
    """A vocabulary that covers the default pools, so that the rules of :func:`rules` and the
    purchases of :func:`purchases` fit it: each pool fact declared closed (text facts sometimes
    open, date facts with ``dates``), with sometimes an extra value, the purpose open or closed,
    the categories of the pool with sometimes extra ones, the designations of the pool; any part
    may be left undeclared (``None``)."""

    def spec(name: str, values: tuple[FactValue, ...]) -> FactSpec:
        dates = any(isinstance(v, dt.date) for v in values)
        listed = tuple(v for v in values if not isinstance(v, dt.date))
        text = all(isinstance(v, str) for v in listed)
        extra = draw(_EXTRA_VALUE) if text else ()
        return FactSpec(
            name=name,
            values=(*listed, *extra),
            meaning=draw(_MEANINGS),
            location=draw(_LOCATIONS),
            open=text and draw(_BOOLEANS),
            dates=dates,
        )

    facts: list[FactSpec] | None = None
    if draw(_BOOLEANS):
        facts = [spec(name, values) for name, values in FACT_POOL.items()]
        facts.append(
            FactSpec(
                name="purpose",
                values=PURPOSE_POOL,
                location=FactLocation.PURPOSE,
                open=draw(_BOOLEANS),
            )
        )
    extra_categories = draw(_EXTRA_CATEGORIES)
    return Vocabulary(
        categories=draw(_vocabulary_categories(tuple(extra_categories))),
        designations=draw(_VOCABULARY_DESIGNATIONS),
        facts=facts,
    )


_BOOLEANS = st.booleans()
_EXTRA_VALUE: st.SearchStrategy[tuple[str, ...]] = st.sampled_from([(), ("extra-value",)])
_MEANINGS = st.sampled_from(["", "what the fact says"])
_LOCATIONS = st.sampled_from([FactLocation.FACTS, FactLocation.COMPONENT])
_EXTRA_CATEGORIES = st.lists(
    st.sampled_from(["office", "it/endpoint/tablet", "telecom/radio/antenna"])
)
_VOCABULARY_DESIGNATIONS = st.none() | st.just([*DESIGNATION_POOL, "extra"])


@_memo
def _vocabulary_categories(extra: tuple[str, ...]) -> st.SearchStrategy[list[str] | None]:
    return st.none() | st.just([*CATEGORY_POOL, *extra])


@functools.cache
def _atoms() -> st.SearchStrategy[Predicate]:
    fact_atoms = st.sampled_from(list(FACT_POOL)).flatmap(
        lambda name: st.builds(
            FactIn,
            name=st.just(name),
            values=_subset(FACT_POOL[name], max_size=2),
            if_missing=st.none() | st.booleans(),
        )
    )
    date_names = st.sampled_from(list(DATE_FACT_POOL))
    missing = st.none() | st.booleans()
    return st.one_of(
        st.sampled_from([ALWAYS, NEVER, BuyerPublic(public=True), BuyerPublic(public=False)]),
        st.builds(VendorOrigin, countries=_subset(COUNTRY_POOL), through_ownership=st.booleans()),
        st.builds(UltimateOwnerOrigin, countries=_subset(COUNTRY_POOL)),
        st.builds(VendorId, ids=_subset(VENDOR_ID_POOL), through_ownership=st.booleans()),
        st.builds(
            VendorDesignated,
            designations=_subset(DESIGNATION_POOL),
            through_ownership=st.booleans(),
        ),
        st.builds(CategoryWithin, categories=_subset(CATEGORY_POOL, max_size=2)),
        st.builds(BuyerSector, sectors=_subset(list(Sector))),
        st.builds(
            BuyerCountry,
            countries=_subset(BUYER_COUNTRY_POOL),
            if_missing=st.none() | st.booleans(),
        ),
        st.builds(BuyerDesignated, designations=_subset(DESIGNATION_POOL)),
        st.builds(ValueAtLeast, amount=_money()),
        st.builds(PurposeIn, purposes=_subset(PURPOSE_POOL, max_size=2)),
        st.builds(DateOnOrAfter, date=_DATES),
        st.builds(DecidedOnOrAfter, date=_DATES),
        st.builds(AcquiredOnOrAfter, date=_DATES),
        fact_atoms,
        st.builds(FactOnOrAfter, name=date_names, date=_DATES, if_missing=missing),
        st.builds(FactOnOrAfterDecision, name=date_names, if_missing=missing),
        st.builds(FactOnOrBeforeDecision, name=date_names, if_missing=missing),
    )


#: What a quantifier makes of undeclared components: unknown (the default), or either answer.
_UNDECLARED = st.none() | st.booleans()


@functools.cache
def predicates(*, max_leaves: int = 8) -> st.SearchStrategy[Predicate]:
    """Predicate trees over the default pools, with every node kind but ``custom``."""

    def extend(children: st.SearchStrategy[Predicate]) -> st.SearchStrategy[Predicate]:
        many = st.lists(children, min_size=2, max_size=3)
        return st.one_of(
            many.map(lambda ops: AllOf(operands=ops)),
            many.map(lambda ops: AnyOf(operands=ops)),
            children.map(lambda op: Not(operand=op)),
            st.builds(AnyComponent, predicate=children, if_undeclared=_UNDECLARED),
            st.builds(AllComponents, predicate=children, if_undeclared=_UNDECLARED),
        )

    return st.recursive(_atoms(), extend, max_leaves=max_leaves)


_CASES = st.lists(st.builds(Case, when=predicates(max_leaves=2), effect=effects()), max_size=2)
_RULE_IDS = st.sampled_from(["r1", "r2", "r3"])
_EXCEPTIONS = st.none() | predicates(max_leaves=3)
_OBLIGATIONS = st.lists(st.sampled_from(["consult NISC", "notify GCSB"]), max_size=2)
_REASONS = st.sampled_from(["", "a reason"])
_SOURCES = st.sampled_from(["", "a source"])


@st.composite
def rules(draw: st.DrawFn, *, rule_id: str | None = None, max_leaves: int = 6) -> Rule:
    """A rule, sometimes with an exception, cases, obligations and a window."""
    start = draw(_MAYBE_DATES)
    end = draw(_MAYBE_DATES)
    if start is not None and end is not None and end < start:
        start, end = end, start
    return Rule(
        id=rule_id or draw(_RULE_IDS),
        when=draw(predicates(max_leaves=max_leaves)),
        effect=draw(_EFFECTS),
        unless=draw(_EXCEPTIONS),
        cases=draw(_CASES),
        obligations=draw(_OBLIGATIONS),
        reason=draw(_REASONS),
        source=draw(_SOURCES),
        in_force_from=start,
        in_force_until=end,
    )


@_memo
def _numbered_rules(number: int) -> st.SearchStrategy[Rule]:
    return rules(rule_id=f"rule-{number}")


@_memo
def _included_sets(
    combining: Combining | None, default: Effect | None
) -> st.SearchStrategy[RuleSet]:
    return rule_sets(max_rules=2, max_includes=0, combining=combining, default=default)


_VERSIONS = st.sampled_from(["1", "2024-01-01"])
_COMBININGS = st.sampled_from(list(Combining))


@st.composite
def rule_sets(
    draw: st.DrawFn,
    *,
    max_rules: int = 4,
    combining: Combining | None = None,
    default: Effect | None = None,
    max_includes: int = 1,
    with_vocabularies: bool = False,
) -> RuleSet:
    """A rule set of up to ``max_rules`` rules with distinct ids, possibly including others.
    With ``with_vocabularies``, the set and each included set may declare a vocabulary from
    :func:`vocabularies` (which the purchases of :func:`purchases` fit)."""
    count = draw(st.integers(min_value=0, max_value=max_rules))
    the_rules = [draw(_numbered_rules(i)) for i in range(count)]
    includes: list[RuleSet] = []
    if max_includes:
        for i in range(draw(st.integers(min_value=0, max_value=max_includes))):
            inner = draw(_included_sets(combining, default))
            includes.append(
                RuleSet(
                    id=f"included-{i}",
                    version=inner.version,
                    rules=inner.rules,
                    combining=inner.combining,
                    default=inner.default,
                    on_unknown=inner.on_unknown,
                    vocabulary=draw(_MAYBE_VOCABULARIES) if with_vocabularies else None,
                )
            )
    return RuleSet(
        id="generated",
        version=draw(_VERSIONS),
        rules=the_rules,
        combining=draw(_COMBININGS) if combining is None else combining,
        default=draw(_EFFECTS) if default is None else default,
        on_unknown=draw(_EFFECTS),
        includes=includes,
        vocabulary=draw(_MAYBE_VOCABULARIES) if with_vocabularies else None,
    )


_MAYBE_VOCABULARIES = st.none() | vocabularies()


# --- registries and supplier names ---------------------------------------------------------------

#: Words company names are made of (none is a legal form, so legal forms can be added and removed).
NAME_WORD_POOL: tuple[str, ...] = (
    "Acme", "Nordic", "Zeta", "Orbit", "Pioneer", "Lumen", "Vega", "Kite", "Telecom", "Systems",
    "Holding", "Technologies", "海康", "华为", "東芝", "ファーウェイ",
)  # fmt: skip
#: Legal forms as they appear on paperwork, in several countries and scripts.
LEGAL_FORM_POOL: tuple[str, ...] = (
    "Co., Ltd.", "Inc.", "Corporation", "K.K.", "GmbH", "AB", "Pty Ltd", "LLC", "plc",
    "S.A.", "Limited", "株式会社", "有限公司", "股份有限公司",
)  # fmt: skip


@st.composite
def company_names(
    draw: st.DrawFn,
    *,
    words: Sequence[str] = NAME_WORD_POOL,
    legal_forms: Sequence[str] = LEGAL_FORM_POOL,
    max_words: int = 3,
) -> str:
    """A company name: one to ``max_words`` words from ``words``, sometimes with a legal form."""
    chosen, forms = _name_parts(_pool(words), _pool(legal_forms), max_words)
    name = " ".join(draw(chosen))
    if draw(_BOOLEANS):
        form = draw(forms)
        # Latin-script forms follow a space or comma; CJK ones run on (有限公司) or not.
        glue = draw(_LATIN_GLUE if form.isascii() else _CJK_GLUE)
        name = f"{name}{glue}{form}"
    return name


@_memo
def _name_parts(
    words: tuple[str, ...], legal_forms: tuple[str, ...], max_words: int
) -> tuple[st.SearchStrategy[list[str]], st.SearchStrategy[str]]:
    """What :func:`company_names` draws: the words, and the legal form."""
    return (
        st.lists(st.sampled_from(list(words)), min_size=1, max_size=max_words),
        st.sampled_from(legal_forms),
    )


_LATIN_GLUE = st.sampled_from([" ", ", "])
_CJK_GLUE = st.sampled_from(["", " "])


@st.composite
def name_variants(draw: st.DrawFn, name: str) -> str:
    """``name`` as another clerk might have typed it: other case, spacing and legal form."""
    words = name.split()
    case = draw(_CASINGS)
    glue = draw(_SPACINGS)
    text = glue.join(case(w) for w in words)
    if draw(_BOOLEANS):
        text = f"{text} {draw(_LEGAL_FORMS)}"
    return draw(_PADDING) + text + draw(_PADDING)


def _as_typed(text: str) -> str:
    return text


_CASINGS: st.SearchStrategy[Callable[[str], str]] = st.sampled_from(
    [str.upper, str.lower, str.title, _as_typed]
)
_SPACINGS = st.sampled_from([" ", "  ", " \t"])
_LEGAL_FORMS = st.sampled_from(LEGAL_FORM_POOL)
_PADDING = st.sampled_from(["", " "])


@st.composite
def registries(
    draw: st.DrawFn,
    *,
    max_entities: int = 8,
    designations: Sequence[str] = DESIGNATION_POOL,
    countries: Sequence[str] = COUNTRY_POOL,
    names: st.SearchStrategy[str] | None = None,
    id_prefix: str = "e",
    registry_id: str = "generated",
) -> Registry:
    """A valid registry: entities ``e0``, ``e1``, … (``id_prefix`` followed by a number) with
    names and aliases drawn from ``names`` (default :func:`company_names`; names may be shared,
    to exercise ambiguity), dated relations in which an entity is only ever held by entities of a
    lower number (so there is never a cycle), and designation lists with dated listings and every
    kind of propagation. To draw a vendor master that collides with another registry, pass
    ``names`` that sometimes return that registry's names."""
    names = names if names is not None else _COMPANY_NAMES
    count = draw(st.integers(min_value=1, max_value=max_entities))
    ids = [f"{id_prefix}{i}" for i in range(count)]
    aliases, country = _aliases(names), _maybe_countries(_pool(countries))
    entities = [
        Entity(
            id=entity_id,
            name=draw(names),
            aliases=draw(aliases),
            country=draw(country),
        )
        for entity_id in ids
    ]
    relations: list[Relation] = []
    if count > 1:
        for owner, owned in draw(_ownerships(count)):
            start, end = draw(_windows())
            relations.append(
                Relation(
                    owner=ids[owner],
                    owned=ids[owned],
                    kind=draw(_RELATION_KINDS),
                    share=draw(_SHARES),
                    valid_from=start,
                    valid_until=end,
                )
            )
    lists = []
    for list_id in draw(_list_ids(_pool(designations))):
        entries = []
        for entity_id in draw(_listed(tuple(ids))):
            added = draw(_DATES)
            removed = draw(_removal(added))
            entries.append(
                Listing(
                    entity=entity_id,
                    added=added,
                    removed=removed if removed is None or removed <= dt.date(2030, 1, 1) else None,
                    propagates=draw(_MAYBE_PROPAGATIONS),
                )
            )
        lists.append(DesignationList(id=list_id, propagates=draw(_PROPAGATIONS), entries=entries))
    return Registry(
        id=registry_id, version="1", entities=entities, relations=relations, lists=lists
    )


_COMPANY_NAMES = company_names()
_RELATION_KINDS = st.sampled_from(list(RelationKind))
_SHARES = st.none() | st.integers(min_value=1, max_value=100)
_PROPAGATIONS = st.sampled_from(list(Propagation))
_MAYBE_PROPAGATIONS = st.none() | _PROPAGATIONS


@_memo
def _aliases(names: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(names, max_size=2)


@_memo
def _maybe_countries(countries: tuple[str, ...]) -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from(list(countries))


@_memo
def _ownerships(count: int) -> st.SearchStrategy[list[tuple[int, int]]]:
    """Pairs (owner, owned) of entity numbers, the owner's the lower."""
    pairs = st.tuples(
        st.integers(min_value=0, max_value=count - 2), st.integers(min_value=1, max_value=99)
    ).map(lambda p: (p[0], p[0] + 1 + p[1] % (count - 1 - p[0])))
    return st.lists(pairs, max_size=2 * count)


@_memo
def _list_ids(designations: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(list(designations)), unique=True, max_size=3)


@_memo
def _listed(ids: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(list(ids)), unique=True, max_size=3)


@functools.lru_cache(maxsize=1 << 13)
def _removal(added: dt.date) -> st.SearchStrategy[dt.date | None]:
    return st.none() | st.dates(min_value=added + dt.timedelta(days=1))


@functools.cache
def _windows() -> st.SearchStrategy[tuple[dt.date | None, dt.date | None]]:
    return st.tuples(_MAYBE_DATES, _MAYBE_DATES).map(
        lambda w: (w[0], w[1]) if w[0] is None or w[1] is None or w[0] <= w[1] else (w[1], w[0])
    )


# --- purchases aimed at a rule set --------------------------------------------------------------


class _Vocabulary:
    """What a rule set's conditions name, gathered by node kind, to draw purchases that meet it."""

    def __init__(self, rule_set: RuleSet, registry: Registry | None) -> None:
        self.countries: set[str] = set(COUNTRY_POOL[:2])
        self.ids: set[str] = set(VENDOR_ID_POOL[:2])
        self.designations: set[str] = set(DESIGNATION_POOL[:1])
        self.categories: set[str] = {"telecom/network/router", "it/endpoint/laptop"}
        self.purposes: set[str] = {"office"}
        self.facts: dict[str, set[FactValue]] = {}
        self.buyer_designations: set[str] = set(DESIGNATION_POOL[:1])
        #: Countries buyers may have beyond vendors' (``EU`` is a buyer's only).
        self.buyer_countries: set[str] = set()
        self.amounts: set[tuple[str, Decimal]] = {("USD", Decimal(1000))}
        self.dates: set[dt.date] = {dt.date(2019, 1, 1)}
        for layer in rule_set.layers():
            for rule in layer.rules:
                for day in (rule.in_force_from, rule.in_force_until):
                    if day is not None:
                        self.dates.add(day)
                nodes = [rule.when, rule.unless, *(c.when for c in rule.cases)]
                for node in nodes:
                    if node is not None:
                        for item in node.walk():
                            self._gather(item)
        self.names: list[str] = []
        if registry is not None:
            self.ids.update(e.id for e in registry.entities)
            self.names = sorted({n for e in registry.entities for n in e.names})
            self.countries.update(e.country for e in registry.entities if e.country)

    def _gather(self, node: Predicate) -> None:
        if isinstance(node, (VendorOrigin, UltimateOwnerOrigin)):
            self.countries.update(node.countries)
        elif isinstance(node, BuyerCountry):
            self.buyer_countries.update(node.countries)
        elif isinstance(node, BuyerDesignated):
            self.buyer_designations.update(node.designations)
        elif isinstance(node, VendorId):
            self.ids.update(node.ids)
        elif isinstance(node, VendorDesignated):
            self.designations.update(node.designations)
        elif isinstance(node, CategoryWithin):
            for c in node.categories:
                self.categories.update({c.path, f"{c.path}/other", *_parents(c.path)})
        elif isinstance(node, PurposeIn):
            self.purposes.update(node.purposes)
        elif isinstance(node, FactIn):
            self.facts.setdefault(node.name, set()).update(node.values)
            self.facts[node.name].add(f"other-{node.name}")
        elif isinstance(node, ValueAtLeast):
            amount = node.amount
            for delta in (-1, 0, 1):
                self.amounts.add((amount.currency, max(Decimal(0), amount.amount + delta)))
        elif isinstance(node, (DateOnOrAfter, DecidedOnOrAfter, AcquiredOnOrAfter)):
            self.dates.add(node.date)
        elif isinstance(node, FactOnOrAfter):
            self.dates.add(node.date)
            day = node.date
            near = {
                day + dt.timedelta(days=k) for k in (-1, 0, 1) if dt.date.min < day < dt.date.max
            }
            self.facts.setdefault(node.name, set()).update({*near, "not-a-date"})
        elif isinstance(node, (FactOnOrAfterDecision, FactOnOrBeforeDecision)):
            # Compared with the decision date: dates around the rules' own.
            self.facts.setdefault(node.name, set()).update({*sorted(self.dates)[:4], "not-a-date"})

    def days(self) -> st.SearchStrategy[dt.date]:
        near = sorted(
            {d + dt.timedelta(days=k) for d in self.dates for k in (-1, 0, 1) if d.year > 1}
        )
        return st.sampled_from(near) | _DATES


def _parents(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def purchases_for(
    rule_set: RuleSet, *, registry: Registry | None = None, fit_vocabulary: bool = True
) -> st.SearchStrategy[Purchase]:
    """Purchases aimed at ``rule_set``: vendors, categories (and nodes above and below those the
    rules name), purposes, facts (dates among them), values and dates come from what its
    conditions name, around their thresholds, so that its rules come out true, false and
    unknown. Every fact but the buyer may be missing.

    With a ``registry``, vendors are often only named: a bare ``Vendor(id=...)`` of an entity,
    or a ``supplier`` name from its names (sometimes not in the registry at all), for
    :meth:`RuleSet.evaluate` to resolve with ``registry=``; buyers are sometimes its entities.

    When the rule set declares a vocabulary, ``fit_vocabulary`` (the default) leaves out the
    facts, categories and purposes it would refuse, so that evaluation does not raise
    :class:`~vendorpolicy.errors.VocabularyError`; ``fit_vocabulary=False`` keeps them."""
    vocabulary = _Vocabulary(rule_set, registry)
    options = {
        "ids": sorted(vocabulary.ids),
        "countries": sorted(vocabulary.countries),
        "designations": sorted(vocabulary.designations),
    }
    pools = {
        "categories": sorted(vocabulary.categories),
        "purposes": sorted(vocabulary.purposes),
    }
    fact_values = {name: sorted(v, key=repr) for name, v in vocabulary.facts.items()}
    fact_names = sorted(fact_values)
    money = st.sampled_from(sorted(vocabulary.amounts)).map(
        lambda pair: Money(amount=pair[1], currency=pair[0])
    )

    def facts() -> st.SearchStrategy[dict[str, FactValue]]:
        return st.fixed_dictionaries(
            {}, optional={n: st.sampled_from(fact_values[n]) for n in fact_names}
        )

    def a_vendor() -> st.SearchStrategy[Vendor | None]:
        made = vendors(
            ids=options["ids"],
            countries=options["countries"],
            designations=options["designations"],
        )
        if registry is None:
            return st.none() | made
        bare = st.sampled_from(sorted(e.id for e in registry.entities)).map(lambda i: Vendor(id=i))
        return st.none() | made | bare

    a_category = st.none() | st.sampled_from(pools["categories"]).map(Category)
    part = st.builds(Component, vendor=a_vendor(), category=a_category, facts=facts())
    if registry is not None and vocabulary.names:
        part = part | st.builds(
            Component, maker=st.sampled_from([*vocabulary.names, "Unknown Maker Ltd"])
        )
    suppliers = st.just("")
    if registry is not None and vocabulary.names:
        suppliers = st.sampled_from(["", *vocabulary.names, "No Such Supplier"])
    a_buyer = buyers(
        countries=sorted({*options["countries"], *vocabulary.buyer_countries}),
        designations=sorted(vocabulary.buyer_designations),
    )
    if registry is not None and registry.entities:
        a_buyer = a_buyer | st.builds(
            Buyer,
            id=st.sampled_from(sorted(e.id for e in registry.entities)),
            public=st.booleans(),
            sector=st.sampled_from(list(Sector)),
        )
    fields = st.fixed_dictionaries(
        {
            "buyer": a_buyer,
            "vendor": a_vendor(),
            "category": a_category,
            "date": st.none() | vocabulary.days(),
            "value": st.none() | money | _money(),
            "purpose": st.none() | st.sampled_from(pools["purposes"]),
            "components": st.none() | st.lists(part, max_size=3).map(tuple),
            "facts": facts(),
            "id": st.sampled_from(["", "p-1"]),
            "supplier": suppliers,
            "acquired": st.none() | vocabulary.days(),
        }
    )
    drawn = fields.map(_acquired_by_the_date).map(lambda f: Purchase(**f))
    if fit_vocabulary and any(layer.vocabulary is not None for layer in rule_set.layers()):
        return drawn.map(lambda p: _fitted(rule_set, p))
    return drawn


def _acquired_by_the_date(fields: dict[str, Any]) -> dict[str, Any]:
    """Equipment is acquired on or before the purchase date: a later one is the date itself."""
    date, acquired = fields["date"], fields["acquired"]
    if date is not None and acquired is not None and acquired > date:
        return {**fields, "acquired": date}
    return fields


def _fitted(rule_set: RuleSet, purchase: Purchase) -> Purchase:
    """``purchase`` without what the rule set's vocabulary refuses (as escalation drops it)."""
    from vendorpolicy._vocabcheck import check  # noqa: PLC0415 - only for vocabularies

    checked = check(rule_set, purchase, outside_vocabulary="escalate")
    return purchase if checked is None or checked.unknown is None else checked.purchase


#: The characters of generated codes: digits and a letter, so that codes share prefixes often.
_CODE_CHARS = "1234A"


@st.composite
def value_maps(
    draw: st.DrawFn,
    *,
    column: str = "Material Group",
    categories: Sequence[str] = CATEGORY_POOL,
    max_rules: int = 6,
) -> ValueMap:
    """Value maps from codes in ``column`` to ``categories`` (``into="category"``): short
    codes over few characters, so that exact codes and prefixes overlap and the longest-prefix
    rule is exercised. An empty prefix (every code) is drawn too."""
    exact_maps, prefix_maps = _code_maps(_pool(categories), max_rules)
    exact = draw(exact_maps)
    prefix = draw(prefix_maps[bool(exact)])
    return ValueMap(column=column, into="category", exact=exact, prefix=prefix)


@_memo
def _code_maps(
    categories: tuple[str, ...], max_rules: int
) -> tuple[st.SearchStrategy[dict[str, str]], tuple[st.SearchStrategy[dict[str, str]], ...]]:
    """What :func:`value_maps` draws: the exact codes, then the prefixes (at least one when
    there is no exact code, at index 0; any number else, at index 1)."""
    codes = st.text(_CODE_CHARS, min_size=1, max_size=4)
    paths = st.sampled_from(list(categories))
    prefixes = st.text(_CODE_CHARS, max_size=3)
    return (
        st.dictionaries(codes, paths, max_size=max_rules),
        tuple(
            st.dictionaries(prefixes, paths, min_size=min_size, max_size=max_rules)
            for min_size in (1, 0)
        ),
    )
