"""Resolving purchases against a registry: vendors given or named, with or without a date,
conflicts between what a purchase says about its vendor, and stated parents."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from vendorpolicy import (
    ALWAYS,
    Basis,
    Buyer,
    Case,
    Component,
    Decision,
    DesignationList,
    Effect,
    Entity,
    Listing,
    MatchMethod,
    Purchase,
    Registry,
    Rule,
    RuleSet,
    Sector,
    Vendor,
    bundled_registry,
    buyer,
    components,
    vendor,
)
from vendorpolicy._names import (
    CJK_GENERIC_WORDS,
    GENERIC_WORDS,
    LEGAL_FORMS,
    cjk_stem,
    is_cjk,
    is_generic,
    normalise_name,
)
from vendorpolicy._resolve import brand_entities
from vendorpolicy.testing import DESIGNATION_POOL, name_variants, purchases, registries, rule_sets

D = dt.date
_BUYER = Buyer(id="agency", public=True, sector="central-government", country="US")
_DATES = st.dates(min_value=D(2016, 1, 1), max_value=D(2029, 12, 31))


def _deny(designations: set[str], *, through: bool = False) -> RuleSet:
    """Deny a vendor (or any component's maker) that one of ``designations`` reaches."""
    when = vendor.designated(designations, through_ownership=through)
    return RuleSet(
        id="r",
        version="1",
        rules=[
            Rule(id="vendor", when=when, effect="deny"),
            Rule(id="part", when=components.any(when), effect="deny"),
        ],
    )


_889 = _deny({"us.889.covered", "us.889.purpose-limited"})


@st.composite
def _naming(draw: st.DrawFn, registry: Registry, entity: Entity, on: dt.date | None) -> Purchase:
    """A purchase naming ``entity``: by id, by legal name or alias, or by a variant of one,
    as the supplier, as a given vendor or as a component's maker."""
    name = draw(st.sampled_from(entity.names))
    text = draw(st.sampled_from([name, draw(name_variants(name))]))
    how = draw(st.sampled_from(["id", "vendor-name", "supplier", "maker", "maker-id"]))
    if how == "id":
        return Purchase(buyer=_BUYER, vendor=Vendor(id=entity.id), date=on, components=())
    if how == "vendor-name":
        return Purchase(
            buyer=_BUYER, vendor=Vendor(id="ledger-0042", name=text), date=on, components=()
        )
    if how == "supplier":
        return Purchase(buyer=_BUYER, supplier=text, date=on, components=())
    if how == "maker":
        return Purchase(
            buyer=_BUYER, supplier="Nobody Ltd", date=on, components=(Component(maker=text),)
        )
    return Purchase(
        buyer=_BUYER,
        supplier="Nobody Ltd",
        date=on,
        components=(Component(vendor=Vendor(id=entity.id)),),
    )


def _split(brand: str) -> st.SearchStrategy[str]:
    """``brand`` cut into pieces at random points, written with spaces, dots or dashes."""
    cuts = st.sets(st.integers(1, len(brand) - 1), max_size=len(brand) - 1).map(sorted)
    return st.tuples(cuts, st.sampled_from([" ", ".", "-", " & "])).map(
        lambda t: t[1].join(
            brand[i:j] for i, j in zip([0, *t[0]], [*t[0], len(brand)], strict=True)
        )
    )


#: Brands of the bundled registry (and a non-brand), cut into pieces: `Hik Vision`, `Z T E`.
_split_brands = st.sampled_from(["Huawei", "ZTE", "Hikvision", "Dahua", "Hytera", "Acme"]).flatmap(
    _split
)


class TestNoDate:
    @pytest.mark.parametrize(
        "purchase",
        [
            Purchase(buyer=_BUYER, vendor=Vendor(id="zte"), components=()),
            Purchase(buyer=_BUYER, vendor=Vendor(id="v-1", name="ZTE Corporation"), components=()),
            Purchase(buyer=_BUYER, supplier="ZTE Corporation", components=()),
            Purchase(
                buyer=_BUYER,
                vendor=Vendor(id="nec", name="NEC"),
                components=(Component(vendor=Vendor(id="zte")),),
            ),
            Purchase(
                buyer=_BUYER,
                vendor=Vendor(id="nec", name="NEC"),
                components=(Component(maker="ZTE Corporation"),),
            ),
        ],
        ids=["id", "given-name", "supplier", "component-id", "component-maker"],
    )
    def test_listed_vendor_without_date_is_unknown(self, purchase: Purchase) -> None:
        """A listed vendor with no date is unknown, never its undesignated self: the decision
        escalates and says the purchase date is missing (it was ALLOW for a vendor id)."""
        decision = _889.evaluate(purchase, registry=bundled_registry())
        assert decision.effect is Effect.REVIEW
        assert "purchase.date" in decision.missing_facts
        resolution = decision.resolutions[-1]
        assert resolution.missing_facts == ("purchase.date",)
        assert "change over time" in resolution.note
        dated = attrs_evolve_date(purchase, D(2021, 1, 1))
        assert _889.evaluate(dated, registry=bundled_registry()).effect is Effect.DENY

    def test_as_of_stands_for_the_date(self) -> None:
        """With `as_of`, the registry answers as of that date although the purchase has none."""
        purchase = Purchase(buyer=_BUYER, vendor=Vendor(id="zte"), components=())
        decision = _889.evaluate(purchase, registry=bundled_registry(), as_of=D(2021, 1, 1))
        assert decision.effect is Effect.DENY

    def test_vendor_the_same_on_every_date_is_identified(self) -> None:
        """A registry entity whose owners and listings never change is known without a date."""
        purchase = Purchase(buyer=_BUYER, vendor=Vendor(id="v-7", name="ZT Systems"))
        registry = Registry(
            id="r", version="1", entities=[Entity(id="zts", name="ZT Systems", country="US")]
        )
        resolved = registry.resolve(purchase)
        assert resolved.purchase.vendor == Vendor(id="zts", name="ZT Systems", country="US")

    @given(registries(designations=DESIGNATION_POOL), _DATES, st.data())
    def test_no_date_never_allows_what_the_date_denies(
        self, registry: Registry, on: dt.date, data: st.DataObject
    ) -> None:
        """For every entity and every purchase naming it (id, name, alias, a variant; vendor,
        supplier or maker), leaving the date out never turns a DENY into an ALLOW."""
        rules = _deny(set(DESIGNATION_POOL), through=data.draw(st.booleans()))
        entity = data.draw(st.sampled_from(registry.entities))
        dated = data.draw(_naming(registry, entity, on))
        undated = attrs_evolve_date(dated, None)
        if rules.evaluate(dated, registry=registry).effect is Effect.DENY:
            decision = rules.evaluate(undated, registry=registry)
            assert decision.effect is not Effect.ALLOW
            if decision.effect is Effect.REVIEW and any(
                r.missing_facts for r in decision.resolutions
            ):
                assert "purchase.date" in decision.missing_facts

    @given(_DATES, st.data())
    def test_bundled_no_date_never_allows_what_the_date_denies(
        self, on: dt.date, data: st.DataObject
    ) -> None:
        """The same over the bundled registry's entities and the §889 lists."""
        registry = bundled_registry()
        entity = data.draw(st.sampled_from(registry.entities))
        dated = data.draw(_naming(registry, entity, on))
        if _889.evaluate(dated, registry=registry).effect is Effect.DENY:
            undated = attrs_evolve_date(dated, None)
            assert _889.evaluate(undated, registry=registry).effect is not Effect.ALLOW


def attrs_evolve_date(purchase: Purchase, on: dt.date | None) -> Purchase:
    return attrs.evolve(purchase, date=on)


class TestConflicts:
    def test_id_and_supplier_name_disagree(self) -> None:
        """A vendor id and a supplier name that identify different entities are a conflict:
        the vendor is unknown, with both entities as candidates (the id used to win)."""
        purchase = Purchase(
            buyer=_BUYER,
            vendor=Vendor(id="zt-systems"),
            supplier="Huawei Technologies Co., Ltd.",
            date=D(2026, 1, 1),
            components=(),
        )
        decision = _889.evaluate(purchase, registry=bundled_registry())
        assert decision.effect is Effect.REVIEW
        assert decision.missing_facts == ("vendor",)
        (resolution,) = decision.resolutions
        assert resolution.conflict
        assert resolution.entity is None
        assert {c.entity for c in resolution.match.candidates} == {
            "zt-systems",
            "huawei-technologies",
        }
        text = "\n".join(resolution.render())
        assert "conflict" in text
        assert "`Huawei Technologies Co., Ltd.` is `huawei-technologies`" in text

    def test_id_and_name_disagree(self) -> None:
        """The id and the name of one given vendor that name different entities conflict too."""
        given = Vendor(id="zt-systems", name="ZTE Corporation")
        resolved = bundled_registry().resolve(
            Purchase(buyer=_BUYER, vendor=given, date=D(2021, 1, 1))
        )
        assert resolved.purchase.vendor is None
        assert resolved.resolutions[0].conflict

    def test_supplier_identifies_a_vendor_the_registry_does_not_know_by_id(self) -> None:
        """A ledger's own vendor code with the supplier's name: the name identifies it."""
        purchase = Purchase(
            buyer=_BUYER,
            vendor=Vendor(id="ledger-0042"),
            supplier="ZTE Corporation",
            date=D(2021, 1, 1),
            components=(),
        )
        decision = _889.evaluate(purchase, registry=bundled_registry())
        assert decision.effect is Effect.DENY
        assert decision.resolutions[0].entity == "zte"

    def test_registry_id_identifies_despite_a_shared_name(self) -> None:
        """A vendor given by a registry id is that entity, although another entity's name
        normalises alike (`kaspersky-lab-inc` and `AO Kaspersky Lab`); the same text as a
        supplier name stays ambiguous, as names do."""
        registry = bundled_registry()
        for entity in ("kaspersky-lab-inc", "kaspersky-lab"):
            resolved = registry.resolve(
                Purchase(buyer=_BUYER, vendor=Vendor(id=entity), date=D(2025, 1, 1))
            )
            assert resolved.purchase.vendor == registry.vendor(entity, D(2025, 1, 1))
            assert resolved.resolutions[0].match.method is MatchMethod.EXACT_ID
        named = registry.resolve(
            Purchase(buyer=_BUYER, supplier="kaspersky-lab-inc", date=D(2025, 1, 1))
        )
        assert named.purchase.vendor is None
        assert named.resolutions[0].match.ambiguous

    @given(registries(designations=DESIGNATION_POOL), st.data())
    def test_a_registry_id_is_always_its_entity(
        self, registry: Registry, data: st.DataObject
    ) -> None:
        """Whatever names the registry's entities share, a vendor given by an entity's id (and
        nothing else) resolves to that entity as of the date."""
        entity = data.draw(st.sampled_from(registry.entities))
        on = data.draw(_DATES)
        resolved = registry.resolve(Purchase(buyer=_BUYER, vendor=Vendor(id=entity.id), date=on))
        assert resolved.purchase.vendor == registry.vendor(entity.id, on)

    def test_ambiguous_given_name_is_unknown(self) -> None:
        """A given vendor whose name several registry entities share is unknown, not kept."""
        registry = Registry(
            id="r",
            version="1",
            entities=[
                Entity(id="a", name="Orbit Systems Inc."),
                Entity(id="b", name="Orbit Systems GmbH"),
            ],
        )
        given = Vendor(id="ledger-1", name="Orbit Systems")
        resolved = registry.resolve(Purchase(buyer=_BUYER, vendor=given))
        assert resolved.purchase.vendor is None
        assert {c.entity for c in resolved.resolutions[0].match.candidates} == {"a", "b"}

    @given(registries(designations=DESIGNATION_POOL), st.data())
    def test_two_entities_named_is_never_a_vendor(
        self, registry: Registry, data: st.DataObject
    ) -> None:
        """Whenever the id and the supplier name identify two different entities, the vendor is
        unknown and both are candidates; when they identify the same one, it is that one."""
        first = data.draw(st.sampled_from(registry.entities))
        second = data.draw(st.sampled_from(registry.entities))
        supplier = data.draw(st.sampled_from(second.names))
        on = data.draw(_DATES)
        purchase = Purchase(buyer=_BUYER, vendor=Vendor(id=first.id), supplier=supplier, date=on)
        resolved = registry.resolve(purchase)
        named = registry.match(supplier).entity
        if named is not None and named != first.id:
            assert resolved.purchase.vendor is None
            (resolution,) = resolved.resolutions
            assert resolution.conflict
            assert {c.entity for c in resolution.match.candidates} == {first.id, named}
        else:
            assert resolved.purchase.vendor == registry.vendor(first.id, on)


class TestStatedParent:
    def test_parent_kept_where_the_registry_knows_no_owner(self) -> None:
        """ZTE USA is only an affiliate of ZTE in the registry; a purchase stating ZTE as its
        parent keeps that parent (identified, with the registry's owners above it: ZTE's
        controlling shareholder), so ownership rules see it (it was dropped)."""
        purchase = Purchase(
            buyer=_BUYER,
            vendor=Vendor(id="zte-usa", parent=Vendor(id="zte")),
            date=D(2021, 1, 1),
            components=(),
        )
        resolved = bundled_registry().resolve(purchase)
        assert resolved.purchase.vendor is not None
        assert [v.id for v in resolved.purchase.vendor.lineage] == [
            "zte-usa",
            "zte",
            "zhongxingxin",
        ]
        assert "us.889.covered" in resolved.purchase.vendor.lineage[1].designations
        assert [r.subject for r in resolved.resolutions] == ["vendor", "vendor.parent"]
        assert "stated parent `zte` is kept" in resolved.resolutions[0].note

    def test_parent_agreeing_with_the_registry(self) -> None:
        """A stated parent among the registry's owners leaves the registry's chain."""
        purchase = Purchase(
            buyer=_BUYER,
            vendor=Vendor(id="huawei-device", parent=Vendor(id="huawei-investment-holding")),
            date=D(2021, 1, 1),
        )
        registry = bundled_registry()
        resolved = registry.resolve(purchase)
        assert resolved.purchase.vendor == registry.vendor("huawei-device", D(2021, 1, 1))

    def test_parent_in_conflict(self) -> None:
        """A stated parent the registry's owners do not include is a conflict: unknown."""
        purchase = Purchase(
            buyer=_BUYER,
            vendor=Vendor(id="huawei-device", parent=Vendor(id="zte")),
            date=D(2021, 1, 1),
            components=(),
        )
        decision = _889.evaluate(purchase, registry=bundled_registry())
        assert decision.effect is Effect.REVIEW
        resolution = decision.resolutions[0]
        assert resolution.conflict
        assert "not among the registry's owners" in resolution.note

    def test_parent_of_an_unknown_vendor_is_identified(self) -> None:
        """A vendor the registry does not know keeps its stated parent, identified in turn:
        a ledger code cannot hide a listed parent."""
        purchase = Purchase(
            buyer=_BUYER,
            vendor=Vendor(id="ledger-7", name="Acme", parent=Vendor(id="p-1", name="Huawei")),
            date=D(2021, 1, 1),
            components=(),
        )
        decision = _deny({"us.889.covered"}, through=True).evaluate(
            purchase, registry=bundled_registry()
        )
        assert decision.effect is Effect.DENY

    @given(registries(designations=DESIGNATION_POOL), _DATES, st.data())
    def test_stated_parent_never_dropped(
        self, registry: Registry, on: dt.date, data: st.DataObject
    ) -> None:
        """A stated parent ends up in the resolved vendor's ownership chain (as itself or as
        the registry's entity), or the vendor is unknown: it is never silently dropped."""
        assume(len(registry.entities) > 1)
        child, parent = data.draw(st.permutations(registry.entities))[:2]
        stated = Vendor(id=parent.id)
        purchase = Purchase(
            buyer=_BUYER, vendor=Vendor(id=child.id, parent=stated), date=on, components=()
        )
        resolved = registry.resolve(purchase).purchase.vendor
        if resolved is not None:
            assert parent.id in [v.id for v in resolved.owners]


def _carriers() -> Registry:
    """A registry that knows two carriers; one received a direction on 2023-03-01."""
    return Registry(
        id="buyers",
        version="1",
        entities=[
            Entity(id="carrier-a", name="Alpha Telecom plc", country="GB"),
            Entity(id="carrier-b", name="Beta Networks Ltd", country="GB"),
            Entity(id="zte", name="ZTE Corporation", country="CN"),
        ],
        lists=[
            DesignationList(
                id="uk.dvd.recipient",
                propagates="entity",
                entries=[Listing(entity="carrier-a", added=D(2023, 3, 1))],
            ),
            DesignationList(
                id="covered",
                propagates="entity",
                entries=[Listing(entity="zte", added=D(2018, 8, 13))],
            ),
        ],
    )


_DIRECTED = RuleSet(
    id="directed",
    version="1",
    rules=[
        Rule(
            id="directed-carrier",
            when=buyer.designated({"uk.dvd.recipient"}) & vendor.designated({"covered"}),
            effect="deny",
        )
    ],
)


def _carrier(buyer_id: str, name: str = "") -> Buyer:
    return Buyer(id=buyer_id, name=name, public=False, sector="carrier", country="GB")


def _one_listed(entity: Entity) -> tuple[Registry, RuleSet]:
    """A registry of ``entity`` alone, listed on `l` from 2020-01-01, and a rule set denying
    what `l` designates."""
    registry = Registry(
        id="m",
        version="1",
        entities=[entity],
        lists=[
            DesignationList(
                id="l",
                propagates="entity",
                entries=[Listing(entity=entity.id, added=D(2020, 1, 1))],
            )
        ],
    )
    rules = RuleSet(
        id="l", version="1", rules=[Rule(id="l", when=vendor.designated({"l"}), effect="deny")]
    )
    return registry, rules


class TestGivenVendorSimilar:
    def _decide(self, given: Vendor, supplier: str = "") -> Effect:
        rules = RuleSet(
            id="covered",
            version="1",
            rules=[Rule(id="c", when=vendor.designated({"us.889.covered"}), effect=Effect.DENY)],
        )
        p = Purchase(buyer=_BUYER, vendor=given, supplier=supplier, date=D(2024, 1, 1))
        return rules.evaluate(p, registry=bundled_registry()).effect

    @pytest.mark.parametrize("key", ["huawei-technolo-ies", "huawei-tehcnologies", "2te", "te"])
    def test_id_one_slip_from_a_designated_id_is_unknown(self, key: str) -> None:
        """A vendor given by an id one slip from a designated entity's registry id (or only
        similar to its names) is unknown, so review, not kept as an unlisted company."""
        assert self._decide(Vendor(id=key)) is Effect.REVIEW

    def test_name_says_who_the_vendor_is(self) -> None:
        """With a name that is plainly another company, the id's likeness does not count; a
        name only similar to a designated company's makes the vendor unknown."""
        assert self._decide(Vendor(id="huawei-technolo-ies", name="Acme Widgets")) is Effect.ALLOW
        assert self._decide(Vendor(id="v-1", name="Huawei Technolgies Co")) is Effect.REVIEW

    def test_names_sharing_only_generic_words_are_other_companies(self) -> None:
        """A vendor master's `SAP Deutschland GmbH` beside a designated `ZTE Deutschland GmbH`
        is another company (allowed), while `ZTE Deutschlnad GmbH` may be it (review)."""
        registry, rules = _one_listed(Entity(id="zte-de", name="ZTE Deutschland GmbH"))
        for name, effect in (
            ("SAP Deutschland GmbH", Effect.ALLOW),
            ("Dell Technologies Deutschland GmbH", Effect.ALLOW),
            ("ZTE Deutschlnad GmbH", Effect.REVIEW),
            ("ZTF Deutschland GmbH", Effect.REVIEW),
        ):
            p = Purchase(buyer=_BUYER, vendor=Vendor(id="v-1", name=name), date=D(2024, 1, 1))
            assert rules.evaluate(p, registry=registry).effect is effect, name

    def test_name_holding_a_designated_brand_is_unknown(self) -> None:
        """A vendor master's record that holds a designated group's brand as a word (`Huawei
        Technologies Canada Co., Ltd.`, no slip of any registry name) may be a group company
        the registry does not record: review, not kept as an unlisted company. Records without
        such a word, or whose brand no list reaches, are kept (allowed)."""
        for name, effect in (
            ("Huawei Technologies Canada Co., Ltd.", Effect.REVIEW),
            ("Huawei Tech Co Ltd", Effect.REVIEW),
            ("ZTE do Brasil", Effect.REVIEW),
            ("Unicom", Effect.REVIEW),
            ("Zhongxingxin Branch Office", Effect.REVIEW),
            ("ZTECorp", Effect.REVIEW),
            ("HuaweiTechnologies Co Ltd", Effect.REVIEW),
            ("Hik Vision Digital Technology", Effect.REVIEW),
            ("FutureWei", Effect.REVIEW),
            ("ZT Systems", Effect.ALLOW),
            ("Pacific Gas and Electric", Effect.ALLOW),
            ("Z Tech Enterprises", Effect.ALLOW),
            ("Hua Nan Commercial Bank", Effect.ALLOW),
            ("Cisco Systems GmbH", Effect.ALLOW),
            ("AMD Japan GK", Effect.ALLOW),
            ("Technologies Canada Co., Ltd.", Effect.ALLOW),
        ):
            assert self._decide(Vendor(id="v-1", name=name)) is effect, name
        assert self._decide(Vendor(id="huawei-canada")) is Effect.REVIEW
        # Letters written apart are joined, as dots are: the registry's own name.
        assert self._decide(Vendor(id="v-1", name="Z T E Corporation")) is Effect.DENY

    def test_name_holding_a_designated_brand_in_cjk_is_unknown(self) -> None:
        """CJK names run their words on: a record that holds a designated group's brand
        inside a word (Huawei's `华为` in `华为终端有限公司`, ZTE's `中兴` after a city) is
        reviewed; the registry's own names still identify; a record without a brand is kept."""
        for name, effect in (
            ("华为终端有限公司", Effect.REVIEW),
            ("华为技术有限公司深圳分公司", Effect.REVIEW),
            ("華為技術有限公司", Effect.REVIEW),
            ("深圳市中兴通讯股份有限公司", Effect.REVIEW),
            ("华为技术有限公司", Effect.DENY),
            ("联想集团有限公司", Effect.ALLOW),
            ("技术有限公司", Effect.ALLOW),
        ):
            assert self._decide(Vendor(id="v-1", name=name)) is effect, name

    @given(
        st.lists(
            st.sampled_from(
                [
                    "Huawei", "ZTE", "Z.T.E.", "Hik'vision", "\uff24\uff2a\uff29", "Acme",
                    "Co.", "-", "华为", "華為", "中兴", "海康威视", "技术", "有限公司", "深圳市",
                    "ファーウェイ", "株式会社", "Corp", "&", "Technologies", "ZTECorp",
                    "Deutschland", "ZTE株",
                ]
            )
            | _split_brands
            | st.text(max_size=6),
            max_size=5,
        ).map(lambda words: [*words[0:1], "".join(words[1:3]), *words[3:]]).map(" ".join)
    )  # fmt: skip
    @example("Z T E Corporation")
    @example("Hik Vision")
    @example("ZTECorp")
    @example("ZTE株")
    @example("H i k v i s i o n")
    def test_brand_lookup_reads_every_normalised_word(self, text: str) -> None:
        """The quick look before the brand lookup never drops a brand: the lookup equals the
        plain reading: every run of up to four neighbouring words of the normalised name,
        written together, alone or before one generic word or legal form, against every
        one-word registry name of three letters or more that is not generic; and every CJK
        brand (a one-word CJK name without its generic words at the ends, two characters or
        more) inside any word."""
        registry = bundled_registry()
        brands: dict[str, set[str]] = {}
        stems: dict[str, set[str]] = {}
        for entity in registry.entities:
            for name in entity.names:
                words = normalise_name(name).split()
                if len(words) == 1 and len(words[0]) >= 3 and not is_generic(words[0]):
                    brands.setdefault(words[0], set()).add(entity.id)
                if len(words) == 1 and is_cjk(words[0]):
                    stem = cjk_stem(words[0])
                    if len(stem) >= 2 and stem not in CJK_GENERIC_WORDS:
                        stems.setdefault(stem, set()).add(entity.id)
        words = normalise_name(text).split()
        runs = {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, i + 5)}
        plain = {e for r in runs for e in brands.get(r, set())}
        plain |= {
            e
            for r in runs
            for k in range(len(r))
            if r[k:] in GENERIC_WORDS | LEGAL_FORMS
            for e in brands.get(r[:k], set())
        }
        plain |= {
            e
            for w in normalise_name(text).split()
            for stem, ids in stems.items()
            if stem in w
            for e in ids
        }
        assert brand_entities(registry, text) == plain, text

    @given(st.lists(st.sampled_from(sorted(CJK_GENERIC_WORDS)), max_size=3), st.text(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40), min_size=2, max_size=4
    ), st.lists(st.sampled_from(sorted(CJK_GENERIC_WORDS)), max_size=3))  # fmt: skip
    def test_cjk_stem_strips_only_generic_ends(
        self, before: list[str], core: str, after: list[str]
    ) -> None:
        """`cjk_stem` is a run of the word of at least two characters that neither starts nor
        ends with a generic word it could still give up (leaving two characters or more),
        holds the core the generic words were put around unless it cut into it, and stemming
        it again changes nothing."""
        word = "".join(before) + core + "".join(after)
        stem = cjk_stem(word)
        assert stem in word
        assert len(stem) >= 2
        for n in range(1, len(stem) - 1):
            assert stem[:n] not in CJK_GENERIC_WORDS
            assert stem[-n:] not in CJK_GENERIC_WORDS
        if not any(g in core for g in CJK_GENERIC_WORDS):
            assert core in stem
        assert cjk_stem(stem) == stem

    def test_brand_counts_only_while_designated(self) -> None:
        """A brand reads only while its entity is designated on the date."""
        registry, rules = _one_listed(Entity(id="acme", name="Acmetel", aliases=["Acmetel"]))
        for on, effect in ((D(2019, 12, 31), Effect.ALLOW), (D(2020, 1, 1), Effect.REVIEW)):
            p = Purchase(buyer=_BUYER, vendor=Vendor(id="v-1", name="Acmetel Canada Inc."), date=on)
            assert rules.evaluate(p, registry=registry).effect is effect, on

    def test_codes_with_digits_are_not_slips(self) -> None:
        """Ids with digits are codes: `v-1024` is not a slip of a designated `v-1023`."""
        registry, rules = _one_listed(Entity(id="v-1023", name="Listed Co"))
        p = Purchase(buyer=_BUYER, vendor=Vendor(id="v-1024"), date=D(2024, 1, 1))
        assert rules.evaluate(p, registry=registry).effect is Effect.ALLOW
        p = attrs.evolve(p, vendor=Vendor(id="v-1023"))
        assert rules.evaluate(p, registry=registry).effect is Effect.DENY


class TestBuyerFromRegistry:
    def test_buyer_designations_as_of_the_date(self) -> None:
        """A buyer the registry knows carries the registry's designations as of the date."""
        registry = _carriers()
        for on, effect in ((D(2023, 2, 28), Effect.ALLOW), (D(2023, 3, 1), Effect.DENY)):
            purchase = Purchase(buyer=_carrier("carrier-a"), supplier="ZTE Corporation", date=on)
            decision = _DIRECTED.evaluate(purchase, registry=registry)
            assert decision.effect is effect
        resolved = registry.resolve(
            Purchase(buyer=_carrier("po-77", name="Alpha Telecom plc"), date=D(2024, 1, 1))
        )
        assert resolved.purchase.buyer.designations == {"uk.dvd.recipient"}
        assert resolved.resolutions[0].subject == "buyer"
        assert resolved.resolutions[0].entity == "carrier-a"

    def test_stated_designations_kept(self) -> None:
        """The buyer's own designations stay, the registry's are added."""
        given = Buyer(id="carrier-a", public=False, sector="carrier", designations={"own-list"})
        resolved = _carriers().resolve(Purchase(buyer=given, date=D(2024, 1, 1)))
        assert resolved.purchase.buyer.designations == {"own-list", "uk.dvd.recipient"}

    def test_no_date_makes_changing_designations_unknown(self) -> None:
        """Without a date, a buyer whose designations change is unknown: review, with the
        purchase date among the missing facts."""
        purchase = Purchase(buyer=_carrier("carrier-a"), supplier="ZTE Corporation")
        decision = _DIRECTED.evaluate(purchase, registry=_carriers(), as_of=None)
        assert decision.effect is Effect.REVIEW
        assert "purchase.date" in decision.missing_facts
        assert "buyer.designations" in decision.missing_facts

    def test_unknown_buyer_kept_unrecorded(self) -> None:
        """A buyer the registry does not know is kept as it is, with nothing recorded."""
        buyer_ = _carrier("carrier-z", name="Zed Mobile")
        resolved = _carriers().resolve(Purchase(buyer=buyer_, date=D(2024, 1, 1)))
        assert resolved.purchase.buyer == buyer_
        assert resolved.resolutions == ()

    def test_buyer_that_may_be_designated_is_unknown(self) -> None:
        """A buyer only similar to a designated buyer entity has unknown designations."""
        buyer_ = _carrier("po-1", name="Alpha Telcom")
        registry = Registry(
            id="r",
            version="1",
            entities=[*_carriers().entities, Entity(id="alpha-2", name="Alpha Telecom Group")],
            lists=_carriers().lists,
        )
        resolved = registry.resolve(Purchase(buyer=buyer_, date=D(2024, 1, 1)))
        assert resolved.purchase.buyer.designations is None
        assert "`carrier-a`" in resolved.resolutions[0].note

    def test_buyer_id_resembling_a_designated_entity_is_a_key(self) -> None:
        """A buyer whose name is plainly another company is not made unknown because its id, a
        key, resembles a designated entity's name: the directed-carrier rule does not apply."""
        purchase = Purchase(
            buyer=_carrier("alpha-telcom-office", name="Omega Mobile Ltd"),
            supplier="ZTE Corporation",
            date=D(2024, 1, 1),
        )
        resolved = _carriers().resolve(purchase)
        assert resolved.purchase.buyer.designations == frozenset()
        assert _DIRECTED.evaluate(purchase, registry=_carriers()).effect is Effect.ALLOW
        # Without a name the id is all there is, and it may be the designated carrier.
        nameless = attrs.evolve(purchase, buyer=_carrier("alpha-telcom"))
        assert _carriers().resolve(nameless).purchase.buyer.designations is None
        assert _DIRECTED.evaluate(nameless, registry=_carriers()).effect is Effect.REVIEW

    def test_buyer_sharing_a_word_with_a_designated_entity_is_known(self) -> None:
        """A buyer whose name only shares a word with a designated company's (`Nordic Networks
        AB` beside `Pacific Network Corp.`) keeps known designations; a slip of the name
        (`Pacific Netwroks Corp`) leaves them unknown."""
        registry = bundled_registry()
        for name, known in (("Nordic Networks AB", True), ("Pacific Netwroks Corp", False)):
            p = Purchase(buyer=_carrier("po-1", name=name), date=D(2024, 1, 1))
            designations = registry.resolve(p).purchase.buyer.designations
            assert (designations is not None) is known, name

    def test_buyer_similar_to_an_entity_listed_later_is_known(self) -> None:
        """A name only similar to an entity that no list reaches on the decision date leaves the
        buyer's designations known; from the listing date on they are unknown."""
        buyer_ = _carrier("po-1", name="Alpha Telcom")
        before = Purchase(buyer=buyer_, supplier="ZTE Corporation", date=D(2023, 2, 28))
        assert _carriers().resolve(before).purchase.buyer.designations == frozenset()
        assert _DIRECTED.evaluate(before, registry=_carriers()).effect is Effect.ALLOW
        after = attrs.evolve(before, date=D(2023, 3, 1))
        assert _carriers().resolve(after).purchase.buyer.designations is None
        assert _DIRECTED.evaluate(after, registry=_carriers()).effect is Effect.REVIEW

    @given(registries(designations=DESIGNATION_POOL), _DATES, st.data())
    def test_known_buyer_designations_cover_every_reading(
        self, registry: Registry, on: dt.date, data: st.DataObject
    ) -> None:
        """Whatever the buyer's name and id, when the registry leaves its designations known
        they include those of every entity the name (or the id, given alone) might mean on the
        date: an uncertain name is never an allow by accident."""
        entity = data.draw(st.sampled_from(registry.entities))
        name = data.draw(name_variants(entity.name))
        key = data.draw(st.sampled_from(["po-1", entity.id]))
        given_name = data.draw(st.sampled_from(["", name]))
        buyer_ = Buyer(id=key, name=given_name, public=True, sector="other")
        resolved = registry.resolve(Purchase(buyer=buyer_, date=on)).purchase.buyer
        if resolved.designations is None:
            return
        if key in registry:
            readings = {key}  # a registry id identifies the buyer (see the guide)
        else:
            match = registry.match(given_name or key)
            readings = {c.entity for c in match.candidates}
            readings |= {match.entity} if match.entity is not None else set()
        for reading in readings:
            assert registry.designated(reading, on) <= resolved.designations, reading

    @given(registries(designations=DESIGNATION_POOL), _DATES, st.data())
    def test_buyer_designations_are_the_registrys(
        self, registry: Registry, on: dt.date, data: st.DataObject
    ) -> None:
        """For any registry, a buyer given by an entity's id carries exactly that entity's
        designations on the date; without the date it is never allowed where the dated
        decision denies."""
        entity = data.draw(st.sampled_from(registry.entities))
        purchase = Purchase(
            buyer=Buyer(id=entity.id, public=True, sector="other"),
            vendor=Vendor(id="outsider-vendor"),
            date=on,
        )
        resolved = registry.resolve(purchase).purchase.buyer
        named = registry.match(entity.id).entity
        if named == entity.id:
            assert resolved.designations == registry.designated(entity.id, on)
        rules = RuleSet(
            id="b",
            version="1",
            rules=[Rule(id="d", when=buyer.designated(set(DESIGNATION_POOL)), effect="deny")],
        )
        if rules.evaluate(purchase, registry=registry).effect is Effect.DENY:
            undated = attrs_evolve_date(purchase, None)
            assert rules.evaluate(undated, registry=registry).effect is not Effect.ALLOW


class TestAmbiguousNamesSettled:
    """A name several registry entities carry is decided when every one gives the same
    certain decision, and goes to review otherwise."""

    _REGISTRY = Registry(
        id="r",
        version="1",
        entities=[
            Entity(id="orbit-inc", name="Orbit Systems Inc.", country="US"),
            Entity(id="orbit-gmbh", name="Orbit Systems GmbH", country="DE"),
            Entity(id="other", name="Other Co"),
        ],
        lists=[
            DesignationList(
                id="covered",
                propagates="entity",
                entries=[
                    Listing(entity="orbit-inc", added=D(2020, 1, 1)),
                    Listing(entity="orbit-gmbh", added=D(2021, 1, 1)),
                ],
            )
        ],
    )

    def _decide(self, on: dt.date, **kw: object) -> Decision:
        purchase = Purchase(buyer=_BUYER, supplier="Orbit Systems", date=on, **kw)  # type: ignore[arg-type]
        return _deny({"covered"}).evaluate(purchase, registry=self._REGISTRY)

    def test_both_listed_is_denied(self) -> None:
        """When both entities are listed, the name is denied whichever it means, and the
        resolution says it was ambiguous and why that did not matter."""
        decision = self._decide(D(2021, 6, 1), components=())
        assert (decision.effect, decision.basis) == (Effect.DENY, Basis.RULES)
        (resolution,) = decision.resolutions
        assert resolution.settled
        assert not resolution.identified
        assert resolution.match.ambiguous
        assert "each gives DENY" in resolution.note
        assert "ambiguous, several registry entities carry this name" in decision.explain()

    def test_one_listed_is_review(self) -> None:
        """When only one of them is listed on the date, the name goes to review as before."""
        decision = self._decide(D(2020, 6, 1), components=())
        assert (decision.effect, decision.basis) == (Effect.REVIEW, Basis.UNKNOWN)
        assert not decision.resolutions[0].settled

    def test_neither_listed_is_allowed(self) -> None:
        """Before either listing, the name is allowed whichever it means."""
        decision = self._decide(D(2019, 6, 1), components=())
        assert (decision.effect, decision.basis) == (Effect.ALLOW, Basis.DEFAULT)
        assert decision.resolutions[0].settled

    def test_other_unknowns_still_escalate(self) -> None:
        """A reading that is itself unknown (undeclared parts) leaves the decision escalated."""
        decision = self._decide(D(2019, 6, 1))
        assert decision.basis is Basis.UNKNOWN
        assert not decision.resolutions[0].settled

    def test_capped_escalation_never_below_every_reading(self) -> None:
        """Where `on_unknown` caps the escalation, the unknown vendor's lower bound may be
        softer than every candidate's decision (the vendor could be anyone, a candidate could
        not): the decision is then the least severe reading's, still escalated. The case the
        property below found: each candidate is certainly not Huawei, so the WARN rule holds for
        each and each reading is WARN; the vendor left unknown gave ALLOW."""
        from vendorpolicy import fact

        rules = RuleSet(
            id="capped",
            version="1",
            on_unknown=Effect.ALLOW,
            rules=[
                Rule(
                    id="waiver",
                    when=fact("waiver-granted").on_or_after("2017-01-01"),
                    effect=Effect.REVIEW,
                ),
                Rule(
                    id="not-huawei",
                    when=~(
                        fact("waiver-granted").on_or_after_decision_date(if_missing=False)
                        | vendor.id.in_({"huawei"})
                    ),
                    effect=Effect.WARN,
                ),
            ],
        )
        purchase = Purchase(
            buyer=_BUYER, supplier="Orbit Systems", date=D(2019, 6, 1), components=()
        )
        decision = rules.evaluate(purchase, registry=self._REGISTRY)
        readings = [
            rules.evaluate(
                attrs.evolve(purchase, vendor=self._REGISTRY.vendor(e, D(2019, 6, 1)), supplier=""),
                registry=self._REGISTRY,
            )
            for e in ("orbit-gmbh", "orbit-inc")
        ]
        assert {r.effect for r in readings} == {Effect.WARN}
        assert (decision.effect, decision.basis) == (Effect.WARN, Basis.UNKNOWN)
        (resolution,) = decision.resolutions
        assert not resolution.settled
        assert "the least severe, WARN, is made" in resolution.note

    def test_ambiguous_component_maker(self) -> None:
        """A component's ambiguous maker is settled the same way."""
        part = Component(maker="Orbit Systems", category="telecom/modem")
        purchase = Purchase(
            buyer=_BUYER, vendor=Vendor(id="acme"), date=D(2021, 6, 1), components=(part,)
        )
        decision = _deny({"covered"}).evaluate(purchase, registry=self._REGISTRY)
        assert decision.effect is Effect.DENY
        (part_resolution,) = [r for r in decision.resolutions if r.settled]
        assert part_resolution.subject == "components[0].vendor"

    @given(
        registries(
            designations=DESIGNATION_POOL,
            names=st.sampled_from(["Orbit Systems", "Orbit Systems Inc.", "ORBIT SYSTEMS GmbH"]),
        ),
        rule_sets(),
        st.data(),
    )
    def test_settled_only_when_every_candidate_agrees(
        self, registry: Registry, rs: RuleSet, data: st.DataObject
    ) -> None:
        """A decision on an ambiguous name is certain only when substituting each candidate
        entity for the vendor gives that effect with certainty; otherwise it is escalated.
        So an ambiguity never allows what one of its candidates would not."""
        entity = data.draw(st.sampled_from(registry.entities))
        name = data.draw(st.sampled_from(entity.names))
        match = registry.match(name)
        assume(match.ambiguous)
        on = data.draw(_DATES)
        base = data.draw(purchases())
        parts = data.draw(st.sampled_from([None, ()]))
        purchase = attrs.evolve(
            base, vendor=None, supplier=name, date=on, acquired=None, components=parts
        )
        decision = rs.evaluate(purchase, registry=registry)
        readings = []
        for candidate in dict.fromkeys(c.entity for c in match.candidates):
            vendor_then = registry.vendor(candidate, on)
            assert vendor_then is not None
            reading = attrs.evolve(purchase, vendor=vendor_then, supplier="")
            readings.append(rs.evaluate(reading, registry=registry))
        agree = all(r.basis is not Basis.UNKNOWN for r in readings) and (
            len({r.effect for r in readings}) == 1
        )
        resolution = next(r for r in decision.resolutions if r.subject == "vendor")
        assert not resolution.identified
        if agree:
            # Settled, unless the decision was certain with the vendor unknown already.
            assert decision.effect is readings[0].effect
            assert decision.basis is not Basis.UNKNOWN
        else:
            assert not resolution.settled
            # escalated, or standing on the lower bound where `on_unknown` caps the escalation
            assert decision.basis is Basis.UNKNOWN or decision.missing_facts
            if decision.basis is Basis.UNKNOWN:
                assert decision.effect >= min(r.effect for r in readings)

    def test_settled_where_on_unknown_caps_the_escalation(self) -> None:
        """With ``on_unknown=ALLOW`` an unknown vendor does not escalate; an ambiguous name is
        still settled when every entity it may mean gives the same certain decision — here each
        is not Huawei, so REVIEW, where the capped decision was the default's WARN (found by the
        property above)."""
        registry = Registry(
            id="r",
            version="1",
            entities=tuple(Entity(id=f"e{i}", name="Orbit Systems") for i in range(3)),
        )
        layer = RuleSet(
            id="layer", version="1", rules=(), default=Effect.WARN, on_unknown=Effect.ALLOW
        )
        rs = RuleSet(
            id="top",
            version="1",
            rules=(
                Rule(
                    id="r",
                    when=ALWAYS,
                    effect=Effect.ALLOW,
                    cases=(Case(when=~vendor.id.in_({"huawei"}), effect=Effect.REVIEW),),
                ),
            ),
            default=Effect.ALLOW,
            on_unknown=Effect.ALLOW,
            includes=(layer,),
        )
        buyer = Buyer(id="mic", public=True, sector=Sector.CENTRAL_GOVERNMENT)
        purchase = Purchase(buyer=buyer, supplier="Orbit Systems", date=dt.date(2024, 1, 2))
        for _ in range(2):  # the interpreter's pass, then the compiled form's
            decision = rs.evaluate(purchase, registry=registry)
            assert (decision.effect, decision.basis) == (Effect.REVIEW, Basis.RULES)
            (resolution,) = [r for r in decision.resolutions if r.subject == "vendor"]
            assert resolution.settled
