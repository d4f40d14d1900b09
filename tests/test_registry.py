"""The vendor registry: building and checking, queries as of a date, designations, files, the
bundled registry, and evaluation of purchases whose vendors are only named."""

from __future__ import annotations

import datetime as dt
import gc
import json
import pickle
import weakref
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendorpolicy import (
    Basis,
    Buyer,
    Component,
    DesignationList,
    Effect,
    Entity,
    Listing,
    Match,
    MatchMethod,
    Propagation,
    Purchase,
    Registry,
    Relation,
    RelationKind,
    Rule,
    RuleSet,
    Vendor,
    bundled_registry,
    components,
    load_registry,
    registry_from_dict,
    vendor,
)
from vendorpolicy._io import registry_to_dict
from vendorpolicy.errors import (
    FileError,
    InvalidDataError,
    InvalidRegistryError,
    InvalidValueError,
    RegistryCollisionError,
    VendorPolicyError,
)
from vendorpolicy.testing import DESIGNATION_POOL, company_names, name_variants, registries

D = dt.date


def _registry(
    relations: list[Relation], *, n: int = 4, lists: tuple[DesignationList, ...] = ()
) -> Registry:
    return Registry(
        id="t",
        version="1",
        entities=[Entity(id=f"e{i}", name=f"Entity {i}") for i in range(n)],
        relations=relations,
        lists=lists,
    )


# --- brute force: the specification of reach, by enumerating every path ---------------------------


def _brute_designations(registry: Registry, entity_id: str, on: dt.date) -> set[str]:
    edges = [r for r in registry.relations if r.valid_on(on)]

    def reaches(start: str, goal: str, allowed: set[RelationKind]) -> bool:
        seen = {start}
        stack = [start]
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            for r in edges:
                if r.owner == node and r.kind in allowed and r.owned not in seen:
                    seen.add(r.owned)
                    stack.append(r.owned)
        return False

    out: set[str] = set()
    for designation in registry.lists:
        for listing in designation.entries:
            if not (listing.added <= on and (listing.removed is None or on < listing.removed)):
                continue
            reach = listing.propagates or designation.propagates
            if reach is Propagation.GROUP:
                # Control in either direction, or common control: some entity that controls
                # the listed one (or is it) has the entity below it, by relations of any kind.
                tops = [
                    e.id
                    for e in registry.entities
                    if reaches(e.id, listing.entity, {RelationKind.SUBSIDIARY})
                ]
                if any(reaches(top, entity_id, set(RelationKind)) for top in tops):
                    out.add(designation.id)
                continue
            allowed = {
                Propagation.ENTITY: set(),
                Propagation.SUBSIDIARIES: {RelationKind.SUBSIDIARY},
                Propagation.SUBSIDIARIES_AND_AFFILIATES: set(RelationKind),
            }[reach]
            if listing.entity == entity_id or reaches(listing.entity, entity_id, allowed):
                out.add(designation.id)
    return out


_dates = st.dates(min_value=D(2016, 1, 1), max_value=D(2029, 12, 31))


class TestBuilding:
    def test_dangling_references_reported_with_ids_and_paths(self) -> None:
        """Relations and listings naming missing entities are all reported, with their paths."""
        with pytest.raises(InvalidRegistryError) as info:
            _registry(
                [Relation(owner="e0", owned="e9"), Relation(owner="x1", owned="e1")],
                lists=(
                    DesignationList(
                        id="l",
                        propagates="entity",
                        entries=[Listing(entity="e7", added=D(2020, 1, 1))],
                    ),
                ),
            )
        found = {(p.path, p.message) for p in info.value.problems}
        assert found == {
            ("Registry.relations[0].owned", "unknown entity `e9`"),
            ("Registry.relations[1].owner", "unknown entity `x1`"),
            ("Registry.lists[0].entries[0].entity", "unknown entity `e7`"),
        }
        assert info.value.message == "3 problems in registry `t`"

    def test_duplicate_ids(self) -> None:
        """Two entities with one id are reported at the second."""
        with pytest.raises(InvalidRegistryError) as info:
            Registry(
                id="t",
                version="1",
                entities=[Entity(id="a", name="A"), Entity(id="a", name="B")],
            )
        (problem,) = info.value.problems
        assert problem.path == "Registry.entities[1].id"
        assert problem.message == "duplicate entity id `a` (also entities[0])"

    def test_cycle_reported_with_ids_and_date(self) -> None:
        """An ownership cycle names its entities, its relations and a date it holds."""
        with pytest.raises(InvalidRegistryError) as info:
            _registry(
                [
                    Relation(owner="e0", owned="e1"),
                    Relation(owner="e1", owned="e2", valid_from=D(2019, 1, 1)),
                    Relation(owner="e2", owned="e0", valid_from=D(2020, 6, 1)),
                ]
            )
        (problem,) = info.value.problems
        assert problem.path == "Registry.relations"
        assert problem.message == (
            "ownership cycle `e0 -> e1 -> e2 -> e0` "
            "(relations[0], relations[1], relations[2]) on 2020-06-01"
        )

    def test_relations_that_never_hold_together_are_no_cycle(self) -> None:
        """A buys B after B sold A: relations in disjoint periods form no cycle."""
        registry = _registry(
            [
                Relation(owner="e0", owned="e1", valid_until=D(2015, 12, 31)),
                Relation(owner="e1", owned="e0", valid_from=D(2016, 1, 1)),
            ]
        )
        assert registry.ancestors("e0", D(2017, 1, 1))[0].id == "e1"
        assert registry.ancestors("e1", D(2014, 1, 1))[0].id == "e0"

    def test_self_ownership(self) -> None:
        """An entity owning itself is reported."""
        with pytest.raises(InvalidRegistryError) as info:
            _registry([Relation(owner="e0", owned="e0")])
        assert [p.message for p in info.value.problems] == ["entity `e0` cannot own itself"]

    def test_relation_dates_checked(self) -> None:
        """A relation ending before it starts is refused where it is built."""
        with pytest.raises(InvalidValueError) as info:
            Relation(owner="a", owned="b", valid_from=D(2020, 1, 1), valid_until=D(2019, 1, 1))
        assert info.value.path == "Relation.valid_until"

    def test_share_is_a_percentage(self) -> None:
        """A share above 100 is refused."""
        with pytest.raises(InvalidValueError) as info:
            Relation(owner="a", owned="b", share=150)
        assert info.value.path == "Relation.share"


class TestQueries:
    def test_ancestors_and_path_as_of_date(self) -> None:
        """Owners and paths follow only the relations valid on the date."""
        registry = _registry(
            [
                Relation(owner="e0", owned="e1"),
                Relation(
                    owner="e1", owned="e2", valid_from=D(2018, 2, 6), valid_until=D(2022, 11, 23)
                ),
                Relation(owner="e3", owned="e2", kind="affiliate"),
            ]
        )
        assert [e.id for e in registry.ancestors("e2", D(2020, 1, 1))] == ["e1", "e0"]
        assert registry.ancestors("e2", D(2023, 1, 1)) == ()
        path = registry.ownership_path("e2", "e0", D(2020, 1, 1))
        assert path is not None
        assert [(r.owner, r.owned) for r in path] == [("e1", "e2"), ("e0", "e1")]
        assert registry.ownership_path("e0", "e2", D(2020, 1, 1)) == path
        assert registry.ownership_path("e2", "e0", D(2023, 1, 1)) is None
        assert [e.id for e in registry.affiliates("e2", D(2020, 1, 1))] == ["e3"]

    def test_valid_until_is_inclusive(self) -> None:
        """A relation holds on its last day and not the day after."""
        registry = _registry([Relation(owner="e0", owned="e1", valid_until=D(2022, 11, 23))])
        assert registry.ancestors("e1", D(2022, 11, 23))
        assert not registry.ancestors("e1", D(2022, 11, 24))

    def test_unknown_entity(self) -> None:
        """Asking about an id not in the registry says so and suggests one."""
        with pytest.raises(InvalidValueError) as info:
            _registry([]).ancestors("e10", D(2020, 1, 1))
        assert info.value.message == "unknown entity `e10` in registry `t`"
        assert info.value.hint == "did you mean `e1`?"

    @given(registries(), _dates)
    def test_designations_match_brute_force(self, registry: Registry, on: dt.date) -> None:
        """Designations reach exactly the entities a walk over the date's relations reaches."""
        for entity in registry.entities:
            assert registry.designated(entity.id, on) == _brute_designations(
                registry, entity.id, on
            )

    @given(registries(), _dates)
    def test_paths_are_real(self, registry: Registry, on: dt.date) -> None:
        """Every designation path climbs relations valid on the date to an entity listed then."""
        for entity in registry.entities:
            for path in registry.designations(entity.id, on):
                node = entity.id
                for step in path.steps:
                    owner, owned = (node, step.entity) if step.down else (step.entity, node)
                    assert any(
                        r.owner == owner
                        and r.owned == owned
                        and r.kind is step.kind
                        and r.valid_on(on)
                        for r in registry.relations
                    )
                    node = step.entity
                listings = registry.designation_list(path.designation).entries
                assert any(x.entity == node and x.active_on(on) for x in listings)

    @given(registries(), _dates)
    def test_vendor_chain_follows_control(self, registry: Registry, on: dt.date) -> None:
        """A materialised vendor's parents are controlling owners on the date."""
        for entity in registry.entities:
            built = registry.vendor(entity.id, on)
            assert built.designations == registry.designated(entity.id, on)
            for child, parent in zip(built.lineage, built.owners, strict=False):
                assert any(
                    r.owner == parent.id
                    and r.owned == child.id
                    and r.kind is RelationKind.SUBSIDIARY
                    and r.valid_on(on)
                    for r in registry.relations
                )

    @given(registries())
    def test_vendor_without_date(self, registry: Registry) -> None:
        """Without a date a vendor is given only when it is the same on every date."""
        dates = {D(1, 1, 1)}
        for r in registry.relations:
            dates |= {d for d in (r.valid_from, r.valid_until) if d is not None}
            if r.valid_until is not None:
                dates.add(r.valid_until + dt.timedelta(days=1))
        for designation in registry.lists:
            for listing in designation.entries:
                dates |= {d for d in (listing.added, listing.removed) if d is not None}
        for entity in registry.entities:
            values = {registry.vendor(entity.id, d) for d in dates}
            expected = next(iter(values)) if len(values) == 1 else None
            assert registry.vendor_any_date(entity.id) == expected


class TestGroupReach:
    def _group(self, reach: str = "group") -> Registry:
        """holdco controls listed (and sister); listed controls sub; affiliate holds 30% of
        listed; outsider holds a 20% affiliate stake in sister."""
        return Registry(
            id="g",
            version="1",
            entities=[
                Entity(id=i, name=i.title())
                for i in ("holdco", "listed", "sister", "sub", "affiliate", "outsider")
            ],
            relations=[
                Relation(owner="holdco", owned="listed"),
                Relation(owner="holdco", owned="sister", valid_from=D(2020, 1, 1)),
                Relation(owner="listed", owned="sub"),
                Relation(owner="affiliate", owned="listed", kind="affiliate", share=30),
                Relation(owner="outsider", owned="sister", kind="affiliate", share=20),
            ],
            lists=[
                DesignationList(
                    id="covered",
                    propagates=reach,
                    entries=[Listing(entity="listed", added=D(2019, 1, 1))],
                )
            ],
        )

    def test_group_reaches_controllers_and_their_companies(self) -> None:
        """A group-wide listing reaches the listed entity's controlling owner and its other
        companies (from the date the owner holds them), not minority holders: control in
        either direction, or common control."""
        registry = self._group()
        on = D(2021, 1, 1)
        reached = {e.id for e in registry.entities if registry.designated(e.id, on)}
        assert reached == {"holdco", "listed", "sister", "sub"}
        assert registry.designated("sister", D(2019, 6, 1)) == frozenset()

    def test_other_reaches_stay_down(self) -> None:
        """With `subsidiaries-and-affiliates`, nothing above the listed entity is reached."""
        registry = self._group("subsidiaries-and-affiliates")
        on = D(2021, 1, 1)
        reached = {e.id for e in registry.entities if registry.designated(e.id, on)}
        assert reached == {"listed", "sub"}

    def test_path_goes_up_then_down(self) -> None:
        """The path to a sister company climbs to the common owner, then comes down."""
        registry = self._group()
        (path,) = registry.designations("sister", D(2021, 1, 1))
        assert [(s.entity, s.down) for s in path.steps] == [("holdco", False), ("listed", True)]
        assert path.listed == "listed"
        assert path.render() == (
            "Sister → owned by Holdco (since 2020-01-01) → owner of Listed → designated covered "
            "(listed 2019-01-01)"
        )

    def test_group_in_files(self) -> None:
        """`group` is a reach in registry files, checked and written back."""
        data = registry_to_dict(self._group())
        assert data["lists"][0]["propagates"] == "group"
        assert registry_from_dict(json.loads(json.dumps(data))) == self._group()
        data["lists"][0]["propagates"] = "groupe"
        with pytest.raises(InvalidDataError) as info:
            registry_from_dict(data)
        (problem,) = info.value.problems
        assert problem.path == "$.lists[0].propagates"
        assert "`group`" in (problem.hint or "")

    def test_bundled_889_reaches_the_parent(self) -> None:
        """Huawei's parent, Huawei Investment & Holding, is covered by §889 (FAR 52.204-25: "or
        any subsidiary or affiliate", FAR 2.101: control either way or common control); the
        lists that reach only the named entity do not reach it."""
        registry = bundled_registry()
        on = D(2021, 1, 1)
        designated = registry.designated("huawei-investment-holding", on)
        assert "us.889.covered" in designated
        assert "uk.tsa.designated-vendor" not in designated
        purchase = Purchase(
            buyer=_BUYER,
            supplier="Huawei Investment & Holding Co., Ltd.",
            date=on,
            components=(),
        )
        decision = _rules().evaluate(purchase, registry=registry)
        assert decision.effect is Effect.DENY
        assert "owner of Huawei Technologies Co., Ltd. → designated us.889.covered" in (
            decision.explain()
        )


class TestFiles:
    @given(registries())
    def test_round_trip(self, registry: Registry) -> None:
        """A registry written to plain data and read back is equal, through JSON too."""
        data = json.loads(json.dumps(registry_to_dict(registry), ensure_ascii=False))
        assert registry_from_dict(data) == registry

    @given(registries(), st.data())
    def test_pickles(self, registry: Registry, data: st.DataObject) -> None:
        """A registry pickles and unpickles equal (for multiprocessing and Spark), and the
        copy resolves names and answers dated questions as the original does."""
        again = pickle.loads(pickle.dumps(registry))  # noqa: S301 - our own value
        assert again == registry
        name = data.draw(st.sampled_from([n for e in registry.entities for n in e.names]))
        assert again.match(name) == registry.match(name)
        entity = data.draw(st.sampled_from(registry.entities)).id
        on = data.draw(_dates)
        assert again.designations(entity, on) == registry.designations(entity, on)
        assert again.vendor(entity, on) == registry.vendor(entity, on)

    def test_bundled_pickles(self) -> None:
        """The bundled registry, its index built, pickles equal (identifiers included)."""
        registry = bundled_registry()
        registry.match("Huawei")
        again = pickle.loads(pickle.dumps(registry))  # noqa: S301 - our own value
        assert again == registry
        assert [dict(e.identifiers) for e in again.entities] == [
            dict(e.identifiers) for e in registry.entities
        ]

    def test_problems_in_data_have_paths(self) -> None:
        """Malformed items are all reported with paths into the data."""
        data = {
            "format_version": 1,
            "id": "t",
            "version": "1",
            "entities": [{"id": "a", "name": "A", "country": "XX"}, {"id": "b"}],
            "relations": [
                {"owner": "a", "owned": "b", "kind": "sibling"},
                {"owner": "a", "owned": "b", "share": 150},
            ],
        }
        with pytest.raises(InvalidDataError) as info:
            registry_from_dict(data)
        paths = sorted(p.path or "" for p in info.value.problems)
        assert paths == [
            "$.entities[0].country",
            "$.entities[1].name",
            "$.relations[0].kind",
            "$.relations[1].share",
        ]
        messages = {p.path: p.message for p in info.value.problems}
        assert messages["$.relations[0].kind"] == "unknown relationkind `sibling`"
        assert messages["$.relations[1].share"] == (
            "a share is a percentage above 0 and at most 100, got `150`"
        )

    def test_cross_problems_have_paths(self) -> None:
        """Unknown ids in a file are reported with paths into the data."""
        data = {
            "format_version": 1,
            "id": "t",
            "version": "1",
            "entities": [{"id": "a", "name": "A"}],
            "relations": [{"owner": "a", "owned": "zz"}],
        }
        with pytest.raises(InvalidRegistryError) as info:
            registry_from_dict(data)
        assert [(p.path, p.message) for p in info.value.problems] == [
            ("$.relations[0].owned", "unknown entity `zz`")
        ]

    def test_format_version_required(self) -> None:
        """A file without the format version is refused, saying which version is read."""
        with pytest.raises(InvalidDataError) as info:
            registry_from_dict({"id": "t", "version": "1"})
        (problem,) = info.value.problems
        assert (problem.path, problem.message) == ("$.format_version", "missing `format_version`")

    def test_toml_and_csv(self, tmp_path: Path) -> None:
        """TOML registries and CSV entity lists load."""
        toml = tmp_path / "reg.toml"
        toml.write_text(
            'format_version = 1\nid = "mine"\nversion = "1"\n'
            '[[entities]]\nid = "a"\nname = "Acme K.K."\naliases = ["アクメ"]\n'
            '[[entities]]\nid = "b"\nname = "Acme Holding"\n'
            '[[relations]]\nowner = "b"\nowned = "a"\nvalid_from = 2020-01-01\n',
            encoding="utf-8",
        )
        registry = load_registry(toml)
        assert registry.match("ACME KK").entity == "a"
        assert registry.relations[0].valid_from == D(2020, 1, 1)
        csv = tmp_path / "vendors.csv"
        csv.write_text(
            "id,name,aliases,country,identifier:lei\n"
            "nec,NEC Corporation,日本電気株式会社|NEC,JP,\n"
            "acme,Acme Inc.,,US,5493001KJTIIGC8Y1R12\n",
            encoding="utf-8",
        )
        mine = load_registry(csv)
        assert mine.id == "vendors"
        assert mine.match("日本電気").entity == "nec"
        assert mine.entity("acme").identifiers == {"lei": "5493001KJTIIGC8Y1R12"}

    @pytest.mark.parametrize(
        ("suffix", "content", "message", "where"),
        [
            (".csv", b"id,name\nv-1,Acme\xff Ltd\n", "not UTF-8 text: byte `0xff`", ":2"),
            (".json", b'{"id": "\xe9"}', "not UTF-8 text: byte `0xe9`", ":1"),
            (".json", b'{"a":' + b"[" * 5000 + b"]" * 5000 + b"}", "nested too deeply", ""),
            (".toml", b"a = " + b"[" * 5000 + b"]" * 5000, "nested too deeply", ""),
            (
                ".csv",
                b'id,name,aliases\nv-1,Acme,"' + b"x" * 200_000 + b'"\n',
                "not valid CSV: field larger than field limit",
                ":2",
            ),
            (".json", b'{"id": "a", "id": "b"}', "key `id` given twice", ""),
            (".json", b"\xff\xfe{}", "the file is UTF-16 text", ""),
        ],
        ids=[
            "csv-not-utf8",
            "json-not-utf8",
            "deep-json",
            "deep-toml",
            "csv-huge-field",
            "dup",
            "utf16",
        ],
    )
    def test_unreadable_files_are_located_errors(
        self, tmp_path: Path, suffix: str, content: bytes, message: str, where: str
    ) -> None:
        """Bytes that are not a registry give an InvalidDataError naming the file and line,
        never a traceback (these raised UnicodeDecodeError, RecursionError and csv.Error)."""
        path = tmp_path / f"registry{suffix}"
        path.write_bytes(content)
        with pytest.raises(InvalidDataError) as info:
            load_registry(path)
        (problem,) = info.value.problems
        assert problem.message.startswith(message)
        assert problem.path == f"{path}{where}"

    def test_missing_file(self, tmp_path: Path) -> None:
        """A file that is not there is a FileError naming it."""
        with pytest.raises(FileError, match="no such file"):
            load_registry(tmp_path / "nowhere.json")

    @given(st.binary(max_size=300), st.sampled_from([".json", ".toml", ".csv"]))
    def test_any_bytes_load_or_fail_cleanly(self, content: bytes, suffix: str) -> None:
        """Whatever the bytes, loading gives a registry or a library error, nothing else."""
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"r{suffix}"
            path.write_bytes(content)
            outcome = _load_or_error(path)
        assert isinstance(outcome, (Registry, VendorPolicyError))
        assert str(outcome)

    def test_deep_chain_refused_when_built(self) -> None:
        """A chain of control deeper than 64 is refused when the registry is built, with the
        chain shown (a 1,000-level chain raised RecursionError when a vendor was made)."""
        with pytest.raises(InvalidRegistryError) as info:
            _chain(1000)
        (problem,) = info.value.problems
        assert problem.message == (
            "a chain of control 1000 entities long (`c0 -> c1 -> c2 -> … -> c998 -> c999`) is "
            "deeper than 64"
        )
        assert problem.path == "Registry.relations"

    def test_deepest_allowed_chain_works_end_to_end(self) -> None:
        """A 64-level chain: the vendor compares, hashes, prints, pickles, and a decision
        with it explains and serialises."""
        registry = _chain(64)
        on = D(2020, 1, 1)
        built = registry.vendor("c63", on)
        assert len(built.lineage) == 64
        assert built == registry.vendor("c63", on)
        assert hash(built) == hash(registry.vendor("c63", on))
        assert repr(built).startswith("Vendor(id='c63'")
        assert pickle.loads(pickle.dumps(built)) == built  # noqa: S301 - our own value
        rules = RuleSet(
            id="r",
            version="1",
            rules=[
                Rule(id="d", when=vendor.designated({"top"}, through_ownership=True), effect="deny")
            ],
        )
        purchase = Purchase(buyer=_BUYER, supplier="Company 63", date=on)
        decision = rules.evaluate(purchase, registry=registry)
        assert decision.effect is Effect.DENY
        assert decision.explain()
        assert json.loads(decision.to_json())["effect"] == "deny"

    @given(st.integers(min_value=2, max_value=80), st.data())
    def test_chain_bound_is_exact_on_chains(self, length: int, data: st.DataObject) -> None:
        """A straight chain is accepted up to 64 entities and refused above."""
        if length <= 64:
            assert len(_chain(length).vendor(f"c{length - 1}", D(2020, 1, 1)).lineage) == length
        else:
            with pytest.raises(InvalidRegistryError, match="deeper than 64"):
                _chain(length)

    def test_csv_unknown_column(self, tmp_path: Path) -> None:
        """A CSV column the loader does not know is an error naming it."""
        csv = tmp_path / "v.csv"
        csv.write_text("id,name,colour\na,A,red\n", encoding="utf-8")
        with pytest.raises(InvalidDataError) as info:
            load_registry(csv)
        (problem,) = info.value.problems
        assert problem.message == "unknown column `colour`"
        assert problem.path == "$[header]"


def _load_or_error(path: Path) -> Registry | VendorPolicyError:
    try:
        return load_registry(path)
    except VendorPolicyError as exc:
        return exc


def _chain(length: int) -> Registry:
    """c0 controls c1, which controls c2, …; c0 is listed."""
    return Registry(
        id="deep",
        version="1",
        entities=[Entity(id=f"c{i}", name=f"Company {i}") for i in range(length)],
        relations=[Relation(owner=f"c{i}", owned=f"c{i + 1}") for i in range(length - 1)],
        lists=[
            DesignationList(
                id="top", propagates="entity", entries=[Listing(entity="c0", added=D(2000, 1, 1))]
            )
        ],
    )


def _rules() -> RuleSet:
    covered = vendor.designated({"us.889.covered", "us.889.purpose-limited"})
    return RuleSet(
        id="t889",
        version="1",
        rules=[
            Rule(
                id="covered",
                when=covered | components.any(covered),
                effect=Effect.DENY,
                in_force_from=D(2019, 8, 13),
            )
        ],
    )


_BUYER = Buyer(id="agency", public=True, sector="central-government")


class TestBundled:
    def test_every_fact_has_a_source(self) -> None:
        """Every entity, relation and list in the bundled registry says where it comes from."""
        registry = bundled_registry()
        assert all(e.source for e in registry.entities)
        assert all(r.source for r in registry.relations)
        assert all(d.source and d.scope_notes for d in registry.lists)

    @pytest.mark.parametrize(
        ("name", "entity"),
        [
            ("华为技术有限公司", "huawei-technologies"),
            ("ファーウェイ", "huawei-technologies"),
            ("HUAWEI TECHNOLOGIES CO LTD", "huawei-technologies"),
            ("Huawei Technologies Japan K.K.", "huawei-japan"),
            ("華為技術日本株式会社", "huawei-japan"),
            ("Hangzhou Hikvision Digital Technology Co., Ltd.", "hikvision"),
            ("ZT Systems", "zt-systems"),
            ("ZTE Corp.", "zte"),
            ("China Mobile International USA Inc.", "china-mobile-international-usa"),
            ("Pacific Networks Corp.", "pacific-network"),
            ("Shenzhen Da-Jiang Innovations Sciences and Technologies Company Limited", "dji"),
            ("Autel Intelligent Technology Corp., Ltd.", "autel-intelligent-technology"),
        ],
    )
    def test_names_resolve(self, name: str, entity: str) -> None:
        """Names as paperwork writes them resolve to the entity the aliases say."""
        assert bundled_registry().match(name).entity == entity

    def test_lookalikes_not_linked(self) -> None:
        """ZT Systems is not ZTE, and Autel Intelligent Technology is not Autel Robotics."""
        registry = bundled_registry()
        on = D(2026, 1, 1)
        assert "us.889.covered" not in registry.designated("zt-systems", on)
        assert registry.designated("autel-intelligent-technology", on) == frozenset()
        assert registry.match("ZT").entity is None

    @pytest.mark.parametrize("on", [D(2020, 1, 1), D(2023, 1, 1), D(2026, 6, 1)])
    def test_group_listings_reach_every_linked_company(self, on: dt.date) -> None:
        """A listing that reaches the listed company's group reaches every company linked to it
        by relations holding on the date (the bundled groups have no minority holders)."""
        registry = bundled_registry()
        linked: dict[str, set[str]] = {e.id: set() for e in registry.entities}
        for relation in registry.relations:
            if relation.valid_on(on):
                linked[relation.owner].add(relation.owned)
                linked[relation.owned].add(relation.owner)
        for designation in registry.lists:
            for listing in designation.entries:
                if designation.reach(listing) is not Propagation.GROUP or not listing.active_on(on):
                    continue
                group, todo = {listing.entity}, [listing.entity]
                while todo:
                    for other in linked[todo.pop()] - group:
                        group.add(other)
                        todo.append(other)
                missed = [e for e in group if designation.id not in registry.designated(e, on)]
                assert sorted(missed) == [], (designation.id, listing.entity, on)

    @pytest.mark.parametrize(
        ("entity", "lists"),
        [
            # The Covered List names AO Kaspersky Lab "or any of its predecessors, successors,
            # parents, subsidiaries, or affiliates" (2022-03-25); the ICTS determination defines
            # Kaspersky "together with all affiliates, subsidiaries, and parent companies".
            ("kaspersky-labs-uk", {"us.fcc.covered-list", "us.icts.kaspersky"}),
            ("kaspersky-group", {"us.fcc.covered-list", "us.icts.kaspersky"}),
            ("kaspersky-lab", {"us.icts.kaspersky"}),
            # The 2021 entries are §889(f)(3)'s equipment "(or any subsidiary or affiliate)".
            ("huawei-investment-holding", {"us.fcc.covered-list"}),
        ],
    )
    def test_kaspersky_and_huawei_groups_reached(self, entity: str, lists: set[str]) -> None:
        """The Kaspersky holding company and group company, and Huawei's parent, carry the
        lists whose sources reach parents and affiliates."""
        assert lists <= bundled_registry().designated(entity, D(2025, 1, 1))

    def test_kaspersky_holding_company_is_the_parent(self) -> None:
        """Kaspersky Labs Limited (UK) controls AO Kaspersky Lab, which controls the US company."""
        chain = bundled_registry().ancestors("kaspersky-lab-inc", D(2025, 1, 1))
        assert [e.id for e in chain] == ["kaspersky-lab", "kaspersky-labs-uk"]

    def test_lorex_window(self) -> None:
        """Lorex carries Dahua's designation only while Dahua owned it (2018-02-06 … 2022-11-23)."""
        registry = bundled_registry()
        assert registry.designated("lorex-technology", D(2018, 2, 5)) == frozenset()
        assert "us.889.purpose-limited" in registry.designated("lorex-technology", D(2020, 1, 1))
        assert registry.designated("lorex-technology", D(2022, 11, 24)) == frozenset()

    def test_sepura_from_acquisition(self) -> None:
        """Sepura is reached through Hytera only from the scheme's effective date, 2017-05-24."""
        registry = bundled_registry()
        assert "us.889.purpose-limited" in registry.designated("sepura", D(2019, 5, 23))
        assert registry.ancestors("sepura", D(2017, 5, 23)) == ()
        assert [e.id for e in registry.ancestors("sepura", D(2017, 5, 24))] == [
            "project-shortway",
            "hytera",
        ]


_MASTER = Registry(
    id="my-vendors",
    version="1",
    entities=[
        Entity(id="v-1023", name="HUAWEI TECHNOLOGIES CO LTD", country="CN"),
        Entity(id="v-2001", name="Acme Widgets Ltd", country="US"),
    ],
)


def _bundled_names() -> st.SearchStrategy[str]:
    names = [n for e in bundled_registry().entities for n in e.names]
    return st.one_of(
        company_names(), st.sampled_from(names), st.sampled_from(names).flatmap(name_variants)
    )


class TestMerge:
    def test_collision_with_a_designated_entity_is_an_error(self) -> None:
        """A vendor master naming Huawei as an ordinary vendor cannot be merged silently: the
        error names both entities, the lists, the path and the fix (it used to shadow Huawei)."""
        with pytest.raises(RegistryCollisionError) as info:
            bundled_registry().merge(_MASTER)
        error = info.value
        (collision,) = error.collisions
        assert (collision.entity, collision.other, collision.key) == (
            "huawei-technologies",
            "v-1023",
            "huawei technologies",
        )
        assert "us.889.covered" in collision.designations
        (problem,) = error.problems
        assert problem.path == "my-vendors.entities[0].name"
        assert problem.message.startswith(
            "`HUAWEI TECHNOLOGIES CO LTD` (entity `v-1023`) has the name of "
            "`Huawei Technologies Co., Ltd.` (entity `huawei-technologies`) once normalised"
        )
        assert 'on_collision="ambiguous"' in (problem.hint or "")
        assert isinstance(error, InvalidRegistryError)
        again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own value
        assert (str(again), again.collisions) == (str(error), error.collisions)

    def test_ambiguous_merge_sends_shared_names_to_review(self) -> None:
        """Merged with on_collision="ambiguous", Huawei's names and the master's resolve to
        neither: a Huawei purchase goes to review, never to allow, with both candidates."""
        merged = bundled_registry().merge(_MASTER, on_collision="ambiguous")
        for supplier in ("HUAWEI TECHNOLOGIES CO LTD", "Huawei Technologies Co Ltd"):
            purchase = Purchase(buyer=_BUYER, supplier=supplier, date=D(2021, 1, 1), components=())
            decision = _rules().evaluate(purchase, registry=merged)
            assert decision.effect is Effect.REVIEW
            candidates = {c.entity for c in decision.resolutions[0].match.candidates}
            assert candidates == {"huawei-technologies", "v-1023"}
        assert merged.match("Acme Widgets Ltd").entity == "v-2001"

    def test_collisions_report(self) -> None:
        """`collisions()` reports every shared name, designated or not, without merging."""
        plain = Registry(id="a", version="1", entities=[Entity(id="x", name="Orbit Systems Inc.")])
        other = Registry(id="b", version="1", entities=[Entity(id="y", name="ORBIT SYSTEMS GMBH")])
        (collision,) = plain.collisions(other)
        assert (collision.entity, collision.other, collision.designations) == ("x", "y", ())
        assert plain.merge(other).match("Orbit Systems").candidates  # merged: ambiguous

    def test_unknown_collision_policy(self) -> None:
        """A misspelt policy is an error, not a silent default."""
        with pytest.raises(InvalidValueError, match="unknown collision policy `ambigous`"):
            bundled_registry().merge(_MASTER, on_collision="ambigous")  # type: ignore[arg-type]

    @given(
        registries(names=_bundled_names(), id_prefix="mine-", registry_id="mine"),
        _dates,
        st.data(),
    )
    def test_merging_never_turns_deny_into_allow(
        self, mine: Registry, on: dt.date, data: st.DataObject
    ) -> None:
        """Merging any user registry onto the bundled one never turns a DENY into an ALLOW,
        for purchases naming a bundled entity by any of its names or a variant, or naming an
        entity of the user's registry (whose names are often the bundled ones, re-typed)."""
        bundled = bundled_registry()
        policy = data.draw(st.sampled_from(["error", "ambiguous"]))
        if policy == "error" and any(c.designations for c in bundled.collisions(mine)):
            with pytest.raises(RegistryCollisionError):
                bundled.merge(mine)
            return
        merged = bundled.merge(mine, on_collision=policy)
        entity = data.draw(st.sampled_from(bundled.entities))
        name = data.draw(st.sampled_from(entity.names))
        theirs = [n for e in mine.entities for n in e.names]
        supplier = data.draw(st.sampled_from([name, data.draw(name_variants(name)), *theirs]))
        purchase = Purchase(buyer=_BUYER, supplier=supplier, date=on, components=())
        rules = _rules()
        if rules.evaluate(purchase, registry=bundled).effect is Effect.DENY:
            assert rules.evaluate(purchase, registry=merged).effect is not Effect.ALLOW


class TestMergeLists:
    """A list both registries hold becomes one list with the entries of both."""

    def test_entries_added_to_a_bundled_list(self) -> None:
        """A registry holding only entries of the bundled `uk.tsa.dvd-recipient` list (and the
        entity they name) merges onto it: the list is one, with its bundled texts, and the
        entity is designated from the date given."""
        bundled = bundled_registry()
        declared = bundled.designation_list("uk.tsa.dvd-recipient")
        mine = Registry(
            id="recipients",
            version="1",
            entities=[Entity(id="alpha", name="Alpha Telecom plc", country="GB")],
            lists=[
                DesignationList(
                    id="uk.tsa.dvd-recipient",
                    propagates=declared.propagates,
                    entries=[Listing(entity="alpha", added=D(2022, 10, 13))],
                )
            ],
        )
        merged = bundled.merge(mine)
        assert [d.id for d in merged.lists].count("uk.tsa.dvd-recipient") == 1
        listed = merged.designation_list("uk.tsa.dvd-recipient")
        assert (listed.title, listed.source) == (declared.title, declared.source)
        assert "uk.tsa.dvd-recipient" in merged.designated("alpha", D(2022, 10, 13))
        assert "uk.tsa.dvd-recipient" not in merged.designated("alpha", D(2022, 10, 12))
        assert len(merged.lists) == len(bundled.lists)

    @given(registries(), registries(id_prefix="m", registry_id="mine"), st.data())
    def test_lists_of_one_id_merge_into_one(
        self, ours: Registry, theirs: Registry, data: st.DataObject
    ) -> None:
        """A second registry whose lists take ids of the first's (with the same reach and no
        texts of their own) merges list by list: each entity of either is designated on every
        date as in its own registry, under the first's list ids."""
        renamed: dict[str, str] = {}
        lists = []
        for d in theirs.lists:
            target = f"mine-{d.id}"
            same = [o.id for o in ours.lists if o.propagates is d.propagates]
            if same and data.draw(st.booleans()):
                chosen = data.draw(st.sampled_from(same))
                if chosen not in renamed.values():
                    target = chosen
            renamed[d.id] = target
            lists.append(attrs.evolve(d, id=target, title="", source="", scope_notes=""))
        mine = Registry(
            id=theirs.id,
            version="1",
            entities=theirs.entities,
            relations=theirs.relations,
            lists=lists,
        )
        merged = ours.merge(mine, on_collision="ambiguous")
        shared = {d.id for d in ours.lists} & set(renamed.values())
        assert len(merged.lists) == len(ours.lists) + len(mine.lists) - len(shared)
        on = data.draw(_dates)
        for entity in ours.entities:
            assert merged.designated(entity.id, on) == ours.designated(entity.id, on)
        for entity in theirs.entities:
            expected = {renamed[d] for d in theirs.designated(entity.id, on)}
            assert merged.designated(entity.id, on) == expected

    def test_a_list_reaching_differently_is_refused(self) -> None:
        """The same list id with another `propagates` is an error naming both registries and
        the path, never a silent choice of one reach."""
        bundled = bundled_registry()
        declared = bundled.designation_list("uk.tsa.dvd-recipient")
        other = next(p for p in Propagation if p is not declared.propagates)
        mine = Registry(
            id="recipients",
            version="1",
            lists=[DesignationList(id="uk.tsa.dvd-recipient", propagates=other)],
        )
        with pytest.raises(InvalidValueError) as info:
            bundled.merge(mine)
        assert info.value.path == "recipients.lists[0].propagates"
        assert "`recipients`" in str(info.value)
        assert "same `propagates`" in (info.value.hint or "")

    def test_a_list_titled_differently_is_refused(self) -> None:
        """Another title for the same list id is an error: the lists may not mean the same."""
        bundled = bundled_registry()
        declared = bundled.designation_list("uk.tsa.dvd-recipient")
        mine = Registry(
            id="recipients",
            version="1",
            lists=[
                DesignationList(
                    id="uk.tsa.dvd-recipient",
                    propagates=declared.propagates,
                    title="Something else",
                )
            ],
        )
        with pytest.raises(InvalidValueError, match="another title") as info:
            bundled.merge(mine)
        assert info.value.path == "recipients.lists[0].title"


class TestEvaluation:
    def test_explanation_shows_the_path(self) -> None:
        """A decision explains which entity a name resolved to and the path to the designation."""
        purchase = Purchase(
            buyer=_BUYER, supplier="Lorex Technology Inc.", date=D(2020, 5, 1), id="p1"
        )
        decision = _rules().evaluate(purchase, registry=bundled_registry())
        assert decision.effect is Effect.DENY
        (resolution,) = decision.resolutions
        assert resolution.entity == "lorex-technology"
        assert resolution.match.method is MatchMethod.EXACT_ALIAS
        text = decision.explain()
        assert (
            "Lorex Technology Inc. → owned by Zhejiang Dahua Technology Co., Ltd. "
            "(2018-02-06 … 2022-11-23) → designated us.889.purpose-limited (listed 2018-08-13)"
        ) in text
        assert "via: Lorex Technology Inc. → owned by" in text

    def test_a_rule_set_keeps_no_registry_alive(self) -> None:
        """A rule set that decided purchases against a registry (and keeps what it learnt for
        the next) lets the registry go once nothing else holds it; decisions are unchanged."""
        rules = _rules()
        purchase = Purchase(
            buyer=_BUYER, supplier="Lorex Technology Inc.", date=D(2020, 5, 1), components=()
        )
        first = attrs.evolve(bundled_registry(), id="first")
        effects = {rules.evaluate(purchase, registry=first).effect for _ in range(2)}
        gone = weakref.ref(first)
        del first
        gc.collect()
        assert gone() is None
        assert effects == {Effect.DENY}
        second = attrs.evolve(bundled_registry(), id="second")
        assert rules.evaluate(purchase, registry=second).effect is Effect.DENY

    def test_after_the_sale_allowed(self) -> None:
        """After Dahua sold Lorex, a Lorex purchase is not caught."""
        purchase = Purchase(
            buyer=_BUYER, supplier="Lorex Technology Inc.", date=D(2023, 5, 1), components=()
        )
        assert _rules().evaluate(purchase, registry=bundled_registry()).effect is Effect.ALLOW

    def test_unknown_supplier_goes_to_review_with_candidates(self) -> None:
        """A name only like registry names leaves the vendor unknown: REVIEW, with candidates."""
        purchase = Purchase(
            buyer=_BUYER,
            supplier="HUAWEI TECH. INVESTMENT CO LTD",
            date=D(2021, 1, 1),
            components=(),
        )
        decision = _rules().evaluate(purchase, registry=bundled_registry())
        assert decision.effect is Effect.REVIEW
        assert decision.missing_facts == ("vendor",)
        (resolution,) = decision.resolutions
        assert resolution.entity is None
        assert resolution.match.candidates
        assert decision.to_dict()["resolutions"][0]["match"]["candidates"]

    def test_component_maker_resolved(self) -> None:
        """Makers of components are resolved too, and their designations count."""
        purchase = Purchase(
            buyer=_BUYER,
            supplier="ZT Systems",
            date=D(2025, 6, 1),
            components=(Component(maker="Futurewei Technologies Inc"),),
        )
        decision = _rules().evaluate(purchase, registry=bundled_registry())
        assert decision.effect is Effect.DENY
        assert [r.subject for r in decision.resolutions] == ["vendor", "components[0].vendor"]

    def test_no_date_leaves_changing_vendor_unknown(self) -> None:
        """Without a date, a vendor whose owners changed over time stays unknown, with a note."""
        purchase = Purchase(buyer=_BUYER, supplier="Lorex Technology Inc.")
        resolved = bundled_registry().resolve(purchase)
        assert resolved.purchase.vendor is None
        assert "change over time" in resolved.resolutions[0].note

    def test_given_vendor_kept(self) -> None:
        """A vendor the caller already identified is not replaced."""
        purchase = Purchase(buyer=_BUYER, supplier="Huawei", date=D(2021, 1, 1))
        resolved = bundled_registry().resolve(purchase)
        again = bundled_registry().resolve(resolved.purchase)
        assert again.purchase == resolved.purchase
        assert again.resolutions == ()

    def test_given_vendor_identified_gets_registry_designations(self) -> None:
        """A vendor given under the caller's own id but a registry name takes the registry's
        identity and designations, keeping its own: a ledger code cannot hide a listing."""
        given = Vendor(
            id="supplier-0042",
            name="Huawei Technologies Co., Ltd.",
            designations={"in-house-watchlist"},
        )
        purchase = Purchase(buyer=_BUYER, vendor=given, date=D(2021, 1, 1))
        resolved = bundled_registry().resolve(purchase)
        vendor = resolved.purchase.vendor
        assert vendor is not None
        assert vendor.id == "huawei-technologies"
        assert {"us.889.covered", "in-house-watchlist"} <= vendor.designations
        (resolution,) = resolved.resolutions
        assert "given as `supplier-0042`" in resolution.note

    def test_given_vendor_unknown_to_registry_kept(self) -> None:
        """A given vendor the registry does not know is kept, and the resolution says so."""
        given = Vendor(id="acme-widgets", name="Acme Widgets", country="US")
        purchase = Purchase(buyer=_BUYER, vendor=given, date=D(2021, 1, 1))
        resolved = bundled_registry().resolve(purchase)
        assert resolved.purchase.vendor == given
        assert "the vendor as given is kept" in resolved.resolutions[0].note

    def test_plugged_resolver(self) -> None:
        """A user's resolver is used in place of the registry's index."""

        class Master:
            def resolve(self, name: str, *, country: str | None = None) -> Match:
                return Match(query=name, method=MatchMethod.EXACT_ID, entity="zte", score=1.0)

        purchase = Purchase(buyer=_BUYER, supplier="vendor #4711", date=D(2021, 1, 1))
        decision = _rules().evaluate(purchase, registry=bundled_registry(), resolver=Master())
        assert decision.effect is Effect.DENY
        assert decision.resolutions[0].entity == "zte"

    @given(registries(designations=DESIGNATION_POOL), st.data())
    def test_agrees_with_resolving_first(self, registry: Registry, data: st.DataObject) -> None:
        """Evaluating with a registry equals evaluating the resolved purchase without one."""
        names = [n for e in registry.entities for n in e.names] + ["Nobody Ltd"]
        purchase = Purchase(
            buyer=_BUYER,
            supplier=data.draw(st.sampled_from(names)),
            date=data.draw(st.none() | _dates),
        )
        rules = RuleSet(
            id="r",
            version="1",
            rules=[Rule(id="d", when=vendor.designated(set(DESIGNATION_POOL)), effect="deny")],
        )
        with_registry = rules.evaluate(purchase, registry=registry)
        resolved = registry.resolve(purchase)
        plain = rules.evaluate(resolved.purchase)
        settled = [r for r in with_registry.resolutions if r.settled]
        if settled:
            # An ambiguous name every candidate decides alike is decided (see test_resolve):
            # the decision is each candidate's, resolved first.
            (resolution,) = settled
            for entity in {c.entity for c in resolution.match.candidates}:
                on = purchase.date
                found = registry.vendor(entity, on) if on else registry.vendor_any_date(entity)
                assert found is not None
                reading = rules.evaluate(attrs.evolve(resolved.purchase, vendor=found))
                assert reading.effect is with_registry.effect
                assert reading.basis is not Basis.UNKNOWN
            return
        if any(r.missing_facts for r in resolved.resolutions) and plain.missing_facts:
            # A vendor left unknown for want of the date makes the date a missing fact too.
            assert "purchase.date" in with_registry.missing_facts
            with_registry = attrs.evolve(
                with_registry, missing_facts=plain.missing_facts, results=plain.results
            )
        assert with_registry == attrs.evolve(plain, resolutions=resolved.resolutions)
        if resolved.purchase.vendor is None:
            assert with_registry.effect is Effect.REVIEW
        elif purchase.date is not None:
            entity = resolved.resolutions[0].entity
            assert entity is not None
            brute = _brute_designations(registry, entity, purchase.date)
            assert (with_registry.effect is Effect.DENY) == bool(brute)


class TestCli:
    def test_resolve_command(self) -> None:
        """`vendorpolicy resolve` prints the entity, the method and the designation path."""
        import io

        from vendorpolicy._cli import main

        out = io.StringIO()
        code = main(
            ["resolve", "Lorex Technology Inc.", "ZT Group", "--as-of", "2020-05-01"], out=out
        )
        text = out.getvalue()
        assert code == 0
        assert "'Lorex Technology Inc.' -> lorex-technology" in text
        assert "→ designated us.889.purpose-limited" in text
        assert "'ZT Group' -> not identified" in text

    def test_resolve_bad_registry_file(self, tmp_path: Path) -> None:
        """A registry file with problems exits with the input-error code."""
        from vendorpolicy._cli import EXIT_INPUT, main

        bad = tmp_path / "r.json"
        data = {"format_version": 1, "id": "r", "version": "1"}
        data["relations"] = [{"owner": "a", "owned": "b"}]
        bad.write_text(json.dumps(data), encoding="utf-8")
        assert main(["resolve", "x", "--registry", str(bad)]) == EXIT_INPUT

    def test_check_blank_date_cell(self, tmp_path: Path) -> None:
        """A ledger row naming a listed vendor with a blank date is not allowed: it goes to
        review with the date among its missing facts (it was ALLOW)."""
        from vendorpolicy import dump_rule_set
        from vendorpolicy._cli import main

        covered = RuleSet(
            id="covered",
            version="1",
            rules=[Rule(id="d", when=vendor.designated({"us.889.covered"}), effect="deny")],
        )
        rules = tmp_path / "rules.toml"
        rules.write_text(dump_rule_set(covered), encoding="utf-8")
        ledger = tmp_path / "ledger.csv"
        ledger.write_text(
            "id,date,buyer_id,buyer_public,buyer_sector,vendor_id,supplier\n"
            "r1,,agency,true,central-government,zte,\n"
            "r2,2021-01-01,agency,true,central-government,zte,\n"
            "r3,,agency,true,central-government,,ZTE Corporation\n",
            encoding="utf-8",
        )
        out = tmp_path / "out.jsonl"
        main(["check", str(rules), str(ledger), "--registry", "bundled", "-o", str(out), "-q"])
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        effects = {r["purchase_id"]: r["effect"] for r in records}
        assert effects == {"r1": "review", "r2": "deny", "r3": "review"}
        undated = [r for r in records if r["purchase_id"] != "r2"]
        assert all("purchase.date" in r["missing_facts"] for r in undated)

    def _ledger(self, tmp_path: Path) -> Path:
        ledger = tmp_path / "ledger.csv"
        ledger.write_text(
            "id,date,buyer_id,buyer_public,buyer_sector,buyer_country,supplier,category\n"
            "r1,2021-01-01,agency,true,central-government,US,"
            "HUAWEI TECHNOLOGIES CO LTD,telecom/network/router\n",
            encoding="utf-8",
        )
        return ledger

    def _effects(self, args: list[str], tmp_path: Path) -> tuple[int, list[str]]:
        from vendorpolicy._cli import main

        out = tmp_path / "out.jsonl"
        code = main([*args, "-o", str(out), "-q"])
        lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
        return code, [json.loads(line)["effect"] for line in lines]

    def test_pack_merges_registry_files_onto_the_bundled_one(self, tmp_path: Path) -> None:
        """Under --pack, --registry FILE adds to the bundled registry (it used to replace it,
        and a Huawei purchase was no longer denied); --no-bundled-registry replaces it."""
        mine = tmp_path / "mine.csv"
        mine.write_text("id,name,country\nv-1,Acme Widgets Ltd,US\n", encoding="utf-8")
        ledger = self._ledger(tmp_path)
        base = ["check", "--pack", "us-ndaa-889", str(ledger), "--fail-on", "never"]
        assert self._effects(base, tmp_path) == (0, ["deny"])
        assert self._effects([*base, "--registry", str(mine)], tmp_path) == (0, ["deny"])
        replaced = [*base, "--registry", str(mine), "--no-bundled-registry"]
        assert self._effects(replaced, tmp_path)[1] != ["deny"]

    def test_repeated_registry_accumulates(self, tmp_path: Path) -> None:
        """Every --registry file counts, not only the last."""
        import io

        from vendorpolicy._cli import main

        a = tmp_path / "a.csv"
        a.write_text("id,name\nv-1,Acme Widgets Ltd\n", encoding="utf-8")
        b = tmp_path / "b.csv"
        b.write_text("id,name\nv-2,Orbit Pioneer GmbH\n", encoding="utf-8")
        out = io.StringIO()
        args = ["resolve", "Acme Widgets Ltd", "Orbit Pioneer GmbH", "ZTE Corporation"]
        args += ["--as-of", "2021-01-01"]
        assert main([*args, "--registry", str(a), "--registry", str(b)], out=out) == 0
        text = out.getvalue()
        assert "-> v-1 (Acme Widgets Ltd)" in text
        assert "-> v-2 (Orbit Pioneer GmbH)" in text
        assert "-> zte (ZTE Corporation)" in text
        assert "vendorpolicy-bundled.a.b" in text

    def test_collision_stops_unless_accepted(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A registry file shadowing a designated entity stops the run with exit 3 and the
        collision; --registry-collisions ambiguous goes on, and the purchase goes to review."""
        from vendorpolicy._cli import EXIT_INPUT

        master = tmp_path / "master.csv"
        master.write_text(
            "id,name,country\nv-1023,HUAWEI TECHNOLOGIES CO LTD,CN\n", encoding="utf-8"
        )
        ledger = self._ledger(tmp_path)
        base = ["check", "--pack", "us-ndaa-889", str(ledger), "--registry", str(master)]
        assert self._effects(base, tmp_path) == (EXIT_INPUT, [])
        err = capsys.readouterr().err
        assert "1 name collision with designated entities" in err
        assert "master.entities[0].name" in err
        accepted = [*base, "--registry-collisions", "ambiguous", "--fail-on", "never"]
        assert self._effects(accepted, tmp_path) == (0, ["review"])

    def test_no_bundled_registry_needs_a_file(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--no-bundled-registry without any --registry is a usage error."""
        from vendorpolicy._cli import EXIT_USAGE, main

        assert main(["resolve", "x", "--no-bundled-registry"]) == EXIT_USAGE
        assert "needs at least one --registry" in capsys.readouterr().err
