"""Analysis over a registry: the answers of `reachable`, `equivalent`/`diff` and `lint` with a
registry (and with `as_of`) against brute force over purchases whose vendors and part makers
are the registry's entities (on every date its records tell apart) or vendors it does not
know, each decided by the interpreter with the registry (and `as_of`); and the bundled packs
over the bundled registry."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from vendorpolicy import (
    Buyer,
    Effect,
    Purchase,
    Registry,
    Rule,
    RuleSet,
    Vendor,
    bundled_registry,
    category,
    packs,
    vendor,
)
from vendorpolicy._engine import interpret
from vendorpolicy._predicates import (
    AllComponents,
    AnyComponent,
    DecidedOnOrAfter,
    FactOnOrAfter,
    FactOnOrAfterDecision,
    FactOnOrBeforeDecision,
    Predicate,
    UltimateOwnerOrigin,
    VendorDesignated,
    VendorId,
    VendorOrigin,
)
from vendorpolicy._registry import Entity, Relation, RelationKind
from vendorpolicy._trace import trace_purchase
from vendorpolicy.analysis import (
    assumptions,
    diff,
    equivalent,
    escalations,
    gaps,
    lint,
    reachable,
)
from vendorpolicy.analysis._space import Space
from vendorpolicy.errors import InvalidValueError
from vendorpolicy.testing import (
    COUNTRY_POOL,
    DESIGNATION_POOL,
    effects,
    predicates,
    registries,
    rule_sets,
)

#: Spaces of up to this many points are enumerated (the vendor, date and makers replaced).
_SMALL = 20_000
#: Examples whose brute force holds more purchases than this are not run.
_MOST = 6000
_DAY = dt.timedelta(days=1)


def _dates(registry: Registry, space: Space) -> list[dt.date | None]:
    """Every date the rules or the registry tell apart: the space's date classes, and each
    day a registry record starts or ends with the day before."""
    dim = space.dims[space.index["date"]]
    out: set[dt.date | None] = {c.value for c in dim.cells}
    for e in registry.entities:
        for d in registry._dates_that_matter(e.id):
            out |= {d, d - _DAY}
    return sorted(out, key=lambda d: (d is not None, d or dt.date.min))


def _vendors(
    rule_sets: tuple[RuleSet, ...], registry: Registry, space: Space
) -> list[Vendor | None]:
    """Every vendor of the analysis's reach: every registry entity stated by id alone, every
    id the rules name stated alone, and each vendor class of the space, its top id also
    replaced by each id the rules name, when the registry keeps it as stated."""
    named = sorted(
        {
            i
            for rs in rule_sets
            for layer in rs.layers()
            for r in layer.rules
            for root in (r.when, r.unless, *(c.when for c in r.cases))
            if root is not None
            for n in _nodes(root)
            if isinstance(n, VendorId)
            for i in n.ids
        }
    )
    vendors: list[Vendor | None] = [None, *(Vendor(id=e.id) for e in registry.entities)]
    vendors += [Vendor(id=k) for k in named]
    probe = Buyer(id="probe", public=True, sector="other")
    for cell in space.dims[space.index["vendor"]].cells:
        if cell.value is None:
            continue
        for top in dict.fromkeys([cell.value.id, *named]):
            try:
                v = attrs.evolve(cell.value, id=top)
            except InvalidValueError:
                continue  # the id is also an owner's: no such chain
            kept = registry.resolve(Purchase(buyer=probe, vendor=v, date=dt.date(2020, 1, 1)))
            if kept.purchase.vendor == v and v not in vendors:
                vendors.append(v)
    return vendors


def _brute(
    rule_sets: tuple[RuleSet, ...], registry: Registry, extra: tuple[Predicate, ...] = ()
) -> list[Purchase]:
    """Purchases over the registry: each point of the rules' space (with ``extra``), on every
    date of :func:`_dates`, with each vendor of :func:`_vendors` as the vendor and as the
    maker of each declared component (every combination). Examples with more than
    :data:`_MOST` purchases are not run."""
    space = Space(rule_sets, extra)
    assume(space.size <= _SMALL)
    dates = _dates(registry, space)
    vendors = _vendors(rule_sets, registry, space)
    # The points less what is replaced here: the vendor, the date and the parts' makers.
    bases: dict[Purchase, None] = {}
    for point in space.points():
        p = space.purchase(point)
        parts = p.components
        if parts:
            parts = tuple(attrs.evolve(c, vendor=None) for c in parts)
        bases[attrs.evolve(p, vendor=None, date=None, components=parts)] = None
    count = sum(len(vendors) ** (1 + len(p.components or ())) for p in bases) * len(dates)
    assume(count <= _MOST)
    out: dict[Purchase, None] = {}
    for p in bases:
        parts = p.components or ()
        for v, d, made in itertools.product(
            vendors, dates, list(itertools.product(vendors, repeat=len(parts)))
        ):
            acquired = p.acquired
            if acquired is not None and d is not None and acquired > d:
                acquired = d
            components = p.components
            if parts:
                components = tuple(
                    attrs.evolve(c, vendor=m) for c, m in zip(parts, made, strict=True)
                )
            q = attrs.evolve(p, vendor=v, date=d, acquired=acquired, components=components)
            out[q] = None
    return list(out)


def _nodes(node: Predicate) -> Iterator[Predicate]:
    yield node
    for child in node.children:
        yield from _nodes(child)


def _decision_facts(rule_sets: tuple[RuleSet, ...]) -> list[str]:
    """The facts the rules compare with the decision date."""
    return sorted(
        {
            n.name
            for rs in rule_sets
            for layer in rs.layers()
            for r in layer.rules
            for root in (r.when, r.unless, *(c.when for c in r.cases))
            if root is not None
            for n in _nodes(root)
            if isinstance(n, (FactOnOrAfterDecision, FactOnOrBeforeDecision))
        }
    )


def _around(rule_sets: tuple[RuleSet, ...], as_of: dt.date | None) -> tuple[Predicate, ...]:
    """With ``as_of``: comparisons of each fact the rules compare with the decision date with
    that date and the next, so that the space holds a value of the fact before, on and after
    it."""
    if as_of is None:
        return ()
    return tuple(
        FactOnOrAfter(name=name, date=day)
        for name in _decision_facts(rule_sets)
        for day in (as_of, as_of + _DAY)
    )


def _decision_dates(rule_sets: tuple[RuleSet, ...], registry: Registry | None) -> list[dt.date]:
    """Dates worth deciding on: each date the rules or the registry name, and the day
    before."""
    days: set[dt.date] = {dt.date(2020, 1, 1)}
    for rs in rule_sets:
        for layer in rs.layers():
            for r in layer.rules:
                days |= {d for d in (r.in_force_from, r.in_force_until) if d is not None}
                for root in (r.when, r.unless, *(c.when for c in r.cases)):
                    if root is not None:
                        days |= {n.date for n in _nodes(root) if isinstance(n, DecidedOnOrAfter)}
    if registry is not None:
        for e in registry.entities:
            days |= set(registry._dates_that_matter(e.id))
    return sorted(days | {d - _DAY for d in days if d > dt.date.min})


def _as_of(
    data: st.DataObject, rule_sets: tuple[RuleSet, ...], registry: Registry | None
) -> dt.date | None:
    return data.draw(st.none() | st.sampled_from(_decision_dates(rule_sets, registry)))


def _check_reachable(rule_set: RuleSet, registry: Registry, as_of: dt.date | None) -> None:
    """reachable(registry=, as_of=) finds exactly the effects some purchase over the registry
    gets, decided with the registry on ``as_of``."""
    points = _brute((rule_set,), registry, _around((rule_set,), as_of))
    seen = {interpret(rule_set, p, registry=registry, as_of=as_of).effect for p in points}
    assert {r.effect for r in reachable(rule_set, registry=registry, as_of=as_of)} == seen


def _check_equivalent(
    a: RuleSet, registry: Registry, as_of: dt.date | None, data: st.DataObject
) -> None:
    """equivalent(registry=, as_of=) is false exactly when some purchase over the registry
    separates two sets (the second with some of the first's rules and a default of its own),
    and diff() then finds a difference."""
    keep = data.draw(st.lists(st.sampled_from(a.rules), unique=True) if a.rules else st.just([]))
    b = attrs.evolve(a, rules=keep, default=data.draw(st.sampled_from(list(Effect))))
    separated = any(
        interpret(a, p, registry=registry, as_of=as_of).effect
        is not interpret(b, p, registry=registry, as_of=as_of).effect
        for p in _brute((a, b), registry, _around((a, b), as_of))
    )
    assert equivalent(a, b, registry=registry, as_of=as_of) is not separated
    assert bool(diff(a, b, registry=registry, as_of=as_of)) is separated


def _check_lint(rule_set: RuleSet, registry: Registry, as_of: dt.date | None) -> None:
    """A rule lint(registry=, as_of=) calls never-holding holds on no purchase over the
    registry; one whose condition holds on none is reported; a rule not in force on ``as_of``
    is reported so, and only then."""
    points = _brute((rule_set,), registry, _around((rule_set,), as_of))
    findings = lint(rule_set, registry=registry, as_of=as_of)
    reported = {f.rule for f in findings if f.code == "never-holds"}
    asleep = {f.rule for f in findings if f.code == "not-in-force"}
    for rule in rule_set.rules:
        if as_of is not None and rule.has_window and not rule.in_force(as_of):
            assert rule.id in asleep
            continue
        assert rule.id not in asleep
        holds = any(
            trace_purchase(
                rule.when, registry.resolve(p, as_of=as_of).purchase, as_of or p.date
            ).value
            is True
            for p in points
        )
        assert (rule.id in reported) is not holds


_SETS = rule_sets(max_rules=2, max_includes=0)
_REGISTRIES = registries(max_entities=3)


class TestAgainstBruteForce:
    @settings(max_examples=20, deadline=None)
    @given(_SETS, _REGISTRIES)
    def test_reachable(self, rule_set: RuleSet, registry: Registry) -> None:
        _check_reachable(rule_set, registry, None)

    @settings(max_examples=20, deadline=None)
    @given(_SETS, _REGISTRIES, st.data())
    def test_equivalent(self, a: RuleSet, registry: Registry, data: st.DataObject) -> None:
        _check_equivalent(a, registry, None, data)

    @settings(max_examples=15, deadline=None)
    @given(_SETS, _REGISTRIES)
    def test_lint_never_holds(self, rule_set: RuleSet, registry: Registry) -> None:
        _check_lint(rule_set, registry, None)


#: Vendor conditions for the makers of parts, over the registry's ids (``e0``, ...) too.
_MAKER_ATOMS = st.one_of(
    st.builds(
        VendorDesignated,
        designations=st.frozensets(st.sampled_from(DESIGNATION_POOL), min_size=1, max_size=2),
        through_ownership=st.booleans(),
    ),
    st.builds(
        VendorOrigin,
        countries=st.frozensets(st.sampled_from(COUNTRY_POOL), min_size=1, max_size=2),
        through_ownership=st.booleans(),
    ),
    st.builds(
        UltimateOwnerOrigin,
        countries=st.frozensets(st.sampled_from(COUNTRY_POOL), min_size=1, max_size=2),
    ),
    st.builds(
        VendorId,
        ids=st.frozensets(st.sampled_from(["e0", "e1", "e2", "acme"]), min_size=1, max_size=2),
        through_ownership=st.booleans(),
    ),
)


@st.composite
def _with_parts(draw: st.DrawFn) -> RuleSet:
    """A rule set of one or two small rules, each reading the makers of the parts: a
    component condition on a maker (with a category, sometimes), joined (and, or) to another
    small condition; some in force from a date."""
    out = []
    for i in range(draw(st.integers(min_value=1, max_value=2))):
        quantifier = draw(st.sampled_from([AnyComponent, AllComponents]))
        inner = draw(_MAKER_ATOMS)
        if draw(st.booleans()):
            inner = inner & category.within(draw(st.sampled_from(["telecom", "it"])))
        part = quantifier(predicate=inner, if_undeclared=draw(st.none() | st.booleans()))
        other = draw(predicates(max_leaves=1))
        when = part & other if draw(st.booleans()) else part | other
        start = draw(st.none() | st.dates(dt.date(2018, 1, 1), dt.date(2024, 12, 31)))
        out.append(Rule(id=f"rule-{i}", when=when, effect=draw(effects()), in_force_from=start))
    return RuleSet(
        id="parts",
        version="1",
        rules=out,
        combining=draw(st.sampled_from(["most-severe", "first-match"])),
        default=draw(effects()),
        on_unknown=draw(effects()),
    )


_PARTS = _with_parts()


class TestComponentsAgainstBruteForce:
    """The same, of rules on the makers of parts: each declared part's maker is each vendor
    of the analysis's reach (registry entities by id among them)."""

    @settings(max_examples=20, deadline=None)
    @given(_PARTS, _REGISTRIES)
    def test_reachable(self, rule_set: RuleSet, registry: Registry) -> None:
        _check_reachable(rule_set, registry, None)

    @settings(max_examples=20, deadline=None)
    @given(_PARTS, _REGISTRIES, st.data())
    def test_equivalent(self, a: RuleSet, registry: Registry, data: st.DataObject) -> None:
        _check_equivalent(a, registry, None, data)

    @settings(max_examples=15, deadline=None)
    @given(_PARTS, _REGISTRIES)
    def test_lint_never_holds(self, rule_set: RuleSet, registry: Registry) -> None:
        _check_lint(rule_set, registry, None)


class TestAsOfAgainstBruteForce:
    """With ``as_of``: every purchase decided on that date, with the registry read then (the
    decision date drawn among the dates the rules and the registry name, or none)."""

    @settings(max_examples=20, deadline=None)
    @given(_SETS | _PARTS, _REGISTRIES, st.data())
    def test_reachable(self, rule_set: RuleSet, registry: Registry, data: st.DataObject) -> None:
        _check_reachable(rule_set, registry, _as_of(data, (rule_set,), registry))

    @settings(max_examples=20, deadline=None)
    @given(_SETS | _PARTS, _REGISTRIES, st.data())
    def test_equivalent(self, a: RuleSet, registry: Registry, data: st.DataObject) -> None:
        _check_equivalent(a, registry, _as_of(data, (a,), registry), data)

    @settings(max_examples=15, deadline=None)
    @given(_SETS | _PARTS, _REGISTRIES, st.data())
    def test_lint(self, rule_set: RuleSet, registry: Registry, data: st.DataObject) -> None:
        _check_lint(rule_set, registry, _as_of(data, (rule_set,), registry))


def _registry() -> Registry:
    """A maker owned by a covered parent until 2021-06-30, and an unrelated company."""
    from vendorpolicy._entities import Propagation
    from vendorpolicy._registry import DesignationList, Listing

    return Registry(
        id="tiny",
        version="1",
        entities=[
            Entity(id="parent", name="Parent Holdings", country="CN"),
            Entity(id="maker", name="Maker Ltd", country="GB"),
            Entity(id="other", name="Other Ltd", country="SE"),
        ],
        relations=[
            Relation(
                owner="parent",
                owned="maker",
                kind=RelationKind.SUBSIDIARY,
                valid_until=dt.date(2021, 6, 30),
            )
        ],
        lists=[
            DesignationList(
                id="covered",
                propagates=Propagation.ENTITY,
                entries=[Listing(entity="parent", added=dt.date(2020, 1, 1))],
            )
        ],
    )


_BAN = RuleSet(
    id="ban",
    version="1",
    rules=[
        Rule(
            id="covered-telecom",
            when=vendor.designated({"covered"}, through_ownership=True)
            & category.within("telecom"),
            effect="deny",
        )
    ],
)


class TestExamples:
    def test_sale_ends_the_reach(self) -> None:
        """Over the registry, the maker is denied only while its covered parent owns it: of the
        regions the rule decides DENY (against a set with no rule), those of the maker lie in
        the parent's time, and every witness is decided so with the registry."""
        registry = _registry()
        empty = attrs.evolve(_BAN, rules=[])
        found = diff(_BAN, empty, registry=registry)
        for d in found:
            assert interpret(_BAN, d.witness.purchase, registry=registry).effect is d.old
            assert interpret(empty, d.witness.purchase, registry=registry).effect is d.new
        denied = [d.witness.purchase for d in found if d.old is Effect.DENY]
        maker = [p.date for p in denied if p.vendor is not None and p.vendor.id == "maker"]
        assert maker
        assert all(
            d is not None and dt.date(2020, 1, 1) <= d <= dt.date(2021, 6, 30) for d in maker
        )
        assert not any(p.vendor is not None and p.vendor.id == "other" for p in denied)

    def test_registry_unknown_vendor_stated_as_is(self) -> None:
        """A vendor the registry does not know is decided as stated: its own designation
        denies it."""
        registry = _registry()
        deny = [r for r in reachable(_BAN, registry=registry) if r.effect is Effect.DENY]
        assert deny
        own = Purchase(
            buyer=Buyer(id="b", public=True, sector="other"),
            vendor=Vendor(id="someone", designations={"covered"}),
            category="telecom/network/router",
            date=dt.date(2019, 1, 1),
        )
        assert interpret(_BAN, own, registry=registry).effect is Effect.DENY

    def test_lint_with_a_registry_the_rule_never_reaches(self) -> None:
        """A rule on an id the registry and the stated vendors share: over a registry that
        designates nobody `covered`, a rule reading registry vendors only by id still holds
        (for the vendor stated as-is)."""
        rs = RuleSet(
            id="ids",
            version="1",
            rules=[Rule(id="maker-only", when=vendor.id.in_({"maker"}), effect="warn")],
        )
        assert lint(rs, registry=_registry()) == ()
        assert [r.effect for r in reachable(rs, registry=_registry())] == [
            Effect.ALLOW,
            Effect.WARN,
        ]

    def test_an_entity_is_unknown_without_a_date(self) -> None:
        """The maker's owners change over time, so without a date the registry cannot say
        what it is, even for its origin, which never changes: an undated purchase from it is
        escalated for want of the date (the analysis once read the origin as known)."""
        registry = _registry()
        british = RuleSet(
            id="gb",
            version="1",
            rules=[Rule(id="gb", when=vendor.origin.in_({"GB"}), effect="deny")],
        )
        undated = Purchase(
            buyer=Buyer(id="b", public=True, sector="other"), vendor=Vendor(id="maker")
        )
        decision = interpret(british, undated, registry=registry)
        assert (decision.effect, decision.missing_facts) == (
            Effect.REVIEW,
            ("vendor", "purchase.date"),
        )
        found = escalations(british, registry=registry)
        assert "purchase.date" in {f for e in found for f in e.facts}
        for e in found:
            assert interpret(british, e.witness.purchase, registry=registry).effect is e.effect
        # Each region diff finds is decided as its witness is; the undated maker is reviewed.
        changed = diff(british, attrs.evolve(british, rules=[]), registry=registry)
        for d in changed:
            assert interpret(british, d.witness.purchase, registry=registry).effect is d.old
        maker = [d for d in changed if d.witness.purchase.vendor == Vendor(id="maker")]
        assert {(d.old, d.witness.purchase.date is None) for d in maker} == {
            (Effect.REVIEW, True),
            (Effect.DENY, False),
        }

    def test_assumptions_say_so(self) -> None:
        """assumptions(registry=) names the registry and how vendors are read."""
        said = assumptions(_BAN, registry=_registry())[-1]
        assert "registry `tiny`" in said
        assert "3 entities" in said
        assert "no registry" in assumptions(_BAN)[-1]

    def test_gaps_and_escalations_take_a_registry(self) -> None:
        """gaps and escalations accept a registry; their witnesses are decided with it."""
        registry = _registry()
        for g in gaps(_BAN, registry=registry):
            assert interpret(_BAN, g.witness.purchase, registry=registry).effect is g.effect
        for e in escalations(_BAN, registry=registry):
            assert interpret(_BAN, e.witness.purchase, registry=registry).effect is e.effect


@pytest.mark.parametrize("name", ["jp-2018", "au-5g-2018", "nz-ticsa", "eu-5g-toolbox"])
def test_packs_lint_clean_over_the_bundled_registry(name: str) -> None:
    """The small bundled packs lint clean over the bundled registry too."""
    assert lint(packs.load(name), registry=bundled_registry()) == ()
