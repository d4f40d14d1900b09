"""Analysis over a registry: the answers of `reachable`, `equivalent`/`diff` and `lint` with a
registry against brute force over purchases whose vendors are the registry's entities (on
every date its records tell apart) or vendors it does not know, each decided by the
interpreter with the registry; and the bundled packs over the bundled registry."""

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
from vendorpolicy._predicates import Predicate, VendorId
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
from vendorpolicy.testing import registries, rule_sets

_SMALL = 200
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


def _brute(rule_sets: tuple[RuleSet, ...], registry: Registry) -> Iterator[Purchase]:
    """Purchases over the registry: each point of the rules' space, on every date of
    :func:`_dates`, with each vendor of the analysis's reach: every registry entity stated by
    id alone, every id the rules name stated alone, and each vendor class of the space, its
    top id also replaced by each id the rules name, when the registry keeps it as stated."""
    space = Space(rule_sets)
    assume(space.size <= _SMALL)
    dates = _dates(registry, space)
    named = sorted(
        {
            i
            for rs in rule_sets
            for r in rs.rules
            for n in _nodes(r.when)
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
    seen: set[Purchase] = set()
    for point in space.points():
        p = space.purchase(point)
        if p.acquired is not None or p.components:
            continue  # the acquisition date and parts are left to the analysis's own tests
        for v, d in itertools.product(vendors, dates):
            q = attrs.evolve(p, vendor=v, date=d)
            if q not in seen:
                seen.add(q)
                yield q


def _nodes(node: Predicate) -> Iterator[Predicate]:
    yield node
    for child in node.children:
        yield from _nodes(child)


_SETS = rule_sets(max_rules=2, max_includes=0)
_REGISTRIES = registries(max_entities=3)


def _no_parts(rule_set: RuleSet) -> bool:
    """Whether no condition reads components or the acquisition date (brute force keeps
    neither)."""
    text = repr(rule_set.rules)
    return "components" not in text and "acquired" not in text


class TestAgainstBruteForce:
    @settings(max_examples=20, deadline=None)
    @given(_SETS, _REGISTRIES)
    def test_reachable(self, rule_set: RuleSet, registry: Registry) -> None:
        """reachable(registry=) finds exactly the effects some purchase over the registry
        gets, decided with the registry."""
        assume(_no_parts(rule_set))
        seen = {
            interpret(rule_set, p, registry=registry).effect for p in _brute((rule_set,), registry)
        }
        assert {r.effect for r in reachable(rule_set, registry=registry)} == seen

    @settings(max_examples=20, deadline=None)
    @given(_SETS, _REGISTRIES, st.data())
    def test_equivalent(self, a: RuleSet, registry: Registry, data: st.DataObject) -> None:
        """equivalent(registry=) is false exactly when some purchase over the registry
        separates two sets, and diff() then finds a difference."""
        assume(_no_parts(a))
        keep = data.draw(
            st.lists(st.sampled_from(a.rules), unique=True) if a.rules else st.just([])
        )
        b = attrs.evolve(a, rules=keep, default=data.draw(st.sampled_from(list(Effect))))
        separated = any(
            interpret(a, p, registry=registry).effect
            is not interpret(b, p, registry=registry).effect
            for p in _brute((a, b), registry)
        )
        assert equivalent(a, b, registry=registry) is not separated
        assert bool(diff(a, b, registry=registry)) is separated

    @settings(max_examples=15, deadline=None)
    @given(_SETS, _REGISTRIES)
    def test_lint_never_holds(self, rule_set: RuleSet, registry: Registry) -> None:
        """A rule lint(registry=) calls never-holding holds on no purchase over the registry;
        one whose condition holds on none is reported."""
        assume(_no_parts(rule_set))
        points = list(_brute((rule_set,), registry))
        reported = {f.rule for f in lint(rule_set, registry=registry) if f.code == "never-holds"}
        for rule in rule_set.rules:
            holds = any(
                trace_purchase(rule.when, registry.resolve(p).purchase).value is True
                for p in points
            )
            assert (rule.id in reported) is not holds


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
