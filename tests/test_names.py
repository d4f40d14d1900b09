"""Name normalisation and the name index."""

from __future__ import annotations

import time

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from vendorpolicy import (
    Candidate,
    Match,
    MatchMethod,
    NameIndex,
    Resolver,
    bundled_registry,
    normalise_name,
)
from vendorpolicy._names import LEGAL_FORMS, may_be_slip
from vendorpolicy.errors import InvalidValueError
from vendorpolicy.testing import (
    LEGAL_FORM_POOL,
    NAME_WORD_POOL,
    company_names,
    name_variants,
    registries,
)

_bare_names = st.lists(st.sampled_from(NAME_WORD_POOL), min_size=1, max_size=3).map(" ".join)


class TestNormalise:
    @given(st.text())
    def test_idempotent_on_any_text(self, text: str) -> None:
        """Normalising a normalised name changes nothing, whatever the text."""
        once = normalise_name(text)
        assert normalise_name(once) == once

    @given(company_names())
    def test_idempotent_on_company_names(self, name: str) -> None:
        """Normalising a company name twice gives the same as once."""
        assert normalise_name(normalise_name(name)) == normalise_name(name)

    @given(_bare_names, st.data())
    def test_invariant_under_case_spacing_and_legal_form(
        self, name: str, data: st.DataObject
    ) -> None:
        """Case, spacing and an added legal form do not change the normalised name."""
        variant = data.draw(name_variants(name))
        assert normalise_name(variant) == normalise_name(name)

    @given(_bare_names, st.sampled_from(LEGAL_FORM_POOL), st.sampled_from(["", " ", ", "]))
    def test_legal_form_removed(self, name: str, form: str, glue: str) -> None:
        """A legal form after the name is removed (CJK forms need no separator)."""
        assume(glue or not form.isascii())
        assert normalise_name(f"{name}{glue}{form}") == normalise_name(name)

    @given(_bare_names)
    def test_no_legal_form_word_left_at_the_end(self, name: str) -> None:
        """The normalised name never ends in a legal-form word unless that is all there is."""
        words = normalise_name(name + " Co., Ltd.").split()
        assert len(words) == 1 or words[-1] not in LEGAL_FORMS

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Huawei Technologies Co., Ltd.", "huawei technologies"),
            ("HUAWEI TECHNOLOGIES CO LTD", "huawei technologies"),
            ("Huawei Technologies Japan K.K.", "huawei technologies japan"),
            (
                "\uff28\uff35\uff21\uff37\uff25\uff29\u3000\uff34\uff25\uff23\uff28",
                "huawei tech",
            ),  # fullwidth
            ("华为技术有限公司", "华为技术"),
            ("華為技術日本株式会社", "華為技術日本"),
            ("株式会社東芝", "東芝"),
            ("㈱東芝", "東芝"),
            ("AO Kaspersky Lab", "kaspersky lab"),
            ("Sepura plc", "sepura"),
            ("Acme Pty Ltd", "acme"),
            ("Acme GmbH", "acme"),
            ("Nordic Telecom AB (publ)", "nordic telecom"),
            ("China Telecom (Americas) Corp.", "china telecom americas"),
            ("Huawei Investment & Holding Co., Ltd.", "huawei investment and holding"),
            ("O\u2019Brien Systems LLC", "obrien systems"),  # typographic apostrophe
        ],
    )
    def test_examples(self, text: str, expected: str) -> None:
        """Worked examples from real paperwork normalise as a person would read them."""
        assert normalise_name(text) == expected

    def test_keeps_distinguishing_words(self) -> None:
        """Words such as Technologies and Holding are kept: they tell group companies apart."""
        assert normalise_name("Huawei Technologies Co., Ltd.") != normalise_name(
            "Huawei Investment & Holding Co., Ltd."
        )

    def test_no_transliteration(self) -> None:
        """Names in different scripts stay different; only aliases link them."""
        assert normalise_name("华为技术有限公司") != normalise_name("Huawei Technologies Co., Ltd.")

    def test_never_empties_a_name(self) -> None:
        """A name made only of legal-form words keeps its last word."""
        assert normalise_name("Co., Ltd.") == "co"


def _index(*entries: tuple[str, str | None, tuple[str, ...]]) -> NameIndex:
    return NameIndex(entries)


class TestCost:
    @pytest.mark.parametrize(
        "unit", ["公司" * 20_000, "株式会社" * 10_000], ids=["cjk-legal-forms", "cjk-prefixes"]
    )
    def test_normalising_is_linear(self, unit: str) -> None:
        """Normalising eight times as long a run of legal forms costs about eight times as
        much, not sixty-four: the forms are cut from the ends in linear time. (They were cut one
        at a time with a copy each, which made a million-character name take 7 to 20 seconds.)
        The bound compares growth within one process, best of three runs each, so that a loaded
        machine slows both sides alike; quadratic growth would exceed it several times over."""

        def seconds(value: str) -> float:
            best = float("inf")
            for _ in range(3):
                start = time.perf_counter()
                normalise_name(value)
                best = min(best, time.perf_counter() - start)
            return best

        assert seconds(unit * 8) < 24 * seconds(unit)

    def test_long_names_resolve(self) -> None:
        """A very long supplier name resolves (to nothing) without trouble."""
        index = _index(("zte", "CN", ("ZTE Corporation",)))
        assert index.resolve("公司" * 100_000).entity is None


class TestNameIndex:
    def test_exact_id(self) -> None:
        """A registry id identifies its entity."""
        match = _index(("zte", "CN", ("ZTE Corporation",))).resolve("zte")
        assert (match.method, match.entity, match.score) == (MatchMethod.EXACT_ID, "zte", 1.0)

    def test_exact_alias(self) -> None:
        """A name written exactly as an alias identifies by exact alias."""
        match = _index(("zte", "CN", ("ZTE Corporation", "中兴通讯股份有限公司"))).resolve(
            "中兴通讯股份有限公司"
        )
        assert (match.method, match.entity) == (MatchMethod.EXACT_ALIAS, "zte")

    def test_normalised_alias(self) -> None:
        """A name equal to an alias once normalised identifies by normalised alias."""
        match = _index(("zte", "CN", ("ZTE Corporation",))).resolve("Zte Corp.")
        assert (match.method, match.entity) == (MatchMethod.NORMALISED_ALIAS, "zte")

    def test_zt_systems_is_not_zte(self) -> None:
        """ZT Systems never resolves to ZTE, with or without ZT Systems in the registry."""
        zte_only = _index(("zte", "CN", ("ZTE Corporation", "ZTE", "中兴通讯股份有限公司")))
        for name in ("ZT Systems", "ZT Systems, Inc.", "ZT", "ZT Group"):
            assert zte_only.resolve(name).entity is None
        both = _index(
            ("zte", "CN", ("ZTE Corporation", "ZTE")), ("zt-systems", "US", ("ZT Systems",))
        )
        assert both.resolve("ZT SYSTEMS INC").entity == "zt-systems"
        assert both.resolve("ZTE Corp").entity == "zte"

    def test_shared_name_is_ambiguous(self) -> None:
        """Two entities with the same name are candidates, not an identification."""
        index = _index(("a", "US", ("Lorex",)), ("b", "CA", ("Lorex",)))
        match = index.resolve("Lorex")
        assert match.entity is None
        assert match.ambiguous
        assert {c.entity for c in match.candidates} == {"a", "b"}

    def test_country_breaks_a_tie(self) -> None:
        """The supplier's country picks one of several same-named entities."""
        index = _index(("a", "US", ("Lorex",)), ("b", "CA", ("Lorex",)))
        assert index.resolve("Lorex", country="CA").entity == "b"

    def test_fuzzy_never_identifies(self) -> None:
        """A similar name yields candidates with scores below 1 and no entity."""
        index = _index(("hik", "CN", ("Hangzhou Hikvision Digital Technology Co., Ltd.",)))
        match = index.resolve("Hangzhou Hikvison Digital Technology")
        assert match.method is MatchMethod.FUZZY
        assert match.entity is None
        assert match.candidates[0].entity == "hik"
        assert 0 < match.candidates[0].score < 1

    def test_nothing_close(self) -> None:
        """A name like nothing in the index gives method none and no candidates."""
        match = _index(("zte", "CN", ("ZTE Corporation",))).resolve("Quixotic Widgets")
        assert (match.method, match.candidates) == (MatchMethod.NONE, ())

    def test_index_is_a_resolver(self) -> None:
        """The built-in index satisfies the Resolver protocol."""
        assert isinstance(_index(("a", None, ("A",))), Resolver)

    @given(registries(), st.data())
    def test_links_only_through_an_alias(self, registry: object, data: st.DataObject) -> None:
        """A name resolves to an entity only if it is the id, a name of it, or normalises to one."""
        from vendorpolicy import Registry

        assert isinstance(registry, Registry)
        pool = [n for e in registry.entities for n in e.names]
        query = data.draw(
            st.one_of(
                st.sampled_from(pool).flatmap(name_variants),
                st.sampled_from(pool),
                company_names(),
                st.sampled_from([e.id for e in registry.entities]),
            )
        )
        match = registry.match(query)
        if match.entity is not None:
            entity = registry.entity(match.entity)
            names = entity.names
            assert (
                query.strip() == entity.id
                or query.strip() in names
                or normalise_name(query) in {normalise_name(n) for n in names}
            )

    @given(registries(), st.data())
    def test_every_entity_sharing_the_name_is_offered(
        self, registry: object, data: st.DataObject
    ) -> None:
        """Every entity whose names normalise like the query is identified or offered."""
        from vendorpolicy import Registry

        assert isinstance(registry, Registry)
        name = data.draw(st.sampled_from([n for e in registry.entities for n in e.names]))
        variant = data.draw(name_variants(name))
        assume(variant.strip() not in {n for e in registry.entities for n in e.names})
        assume(variant.strip() not in {e.id for e in registry.entities})
        key = normalise_name(variant)
        sharing = {e.id for e in registry.entities if key in {normalise_name(n) for n in e.names}}
        match = registry.match(variant)
        found = {match.entity} if match.entity else {c.entity for c in match.candidates}
        assert found == sharing

    def test_exact_alias_does_not_beat_a_shared_normalised_name(self) -> None:
        """A vendor master's `HUAWEI TECHNOLOGIES CO LTD` next to the registry's Huawei: the
        exact alias is ambiguous, not the master's entry (it used to win)."""
        index = _index(
            ("huawei", "CN", ("Huawei Technologies Co., Ltd.",)),
            ("v-1023", "CN", ("HUAWEI TECHNOLOGIES CO LTD",)),
        )
        for query in ("HUAWEI TECHNOLOGIES CO LTD", "Huawei Technologies Co., Ltd."):
            match = index.resolve(query)
            assert match.entity is None
            assert match.ambiguous
            assert {c.entity for c in match.candidates} == {"huawei", "v-1023"}

    def test_exact_id_does_not_beat_a_shared_normalised_name(self) -> None:
        """An id that normalises like another entity's name is ambiguous too."""
        index = _index(("huawei-technologies", "CN", ("Huawei",)), ("huawei", "US", ("Hua W.",)))
        match = index.resolve("huawei")
        assert match.entity is None
        methods = {c.entity: c.method for c in match.candidates}
        assert methods == {
            "huawei": MatchMethod.EXACT_ID,
            "huawei-technologies": MatchMethod.NORMALISED_ALIAS,
        }

    @given(registries(), st.data())
    def test_shared_normalised_name_never_identifies(
        self, registry: object, data: st.DataObject
    ) -> None:
        """Whatever matched (an id, an exact name, a variant), every entity whose names
        normalise like the query is identified or offered: never one of several."""
        from vendorpolicy import Registry

        assert isinstance(registry, Registry)
        pool = [n for e in registry.entities for n in e.names]
        query = data.draw(
            st.one_of(
                st.sampled_from(pool),
                st.sampled_from(pool).flatmap(name_variants),
                st.sampled_from([e.id for e in registry.entities]),
            )
        )
        key = normalise_name(query)
        sharing = {e.id for e in registry.entities if key in {normalise_name(n) for n in e.names}}
        if query.strip() in {e.id for e in registry.entities}:
            sharing.add(query.strip())
        sharing |= {e.id for e in registry.entities if query.strip() in e.names}
        match = registry.match(query)
        found = {match.entity} if match.entity else {c.entity for c in match.candidates}
        assert found == sharing


class TestMatch:
    def test_fuzzy_match_cannot_identify(self) -> None:
        """A resolver cannot hand back a fuzzy match with an entity filled in."""
        with pytest.raises(InvalidValueError) as info:
            Match(query="x", method=MatchMethod.FUZZY, entity="a", score=0.9)
        assert info.value.path == "Match.entity"
        assert "a fuzzy match cannot identify an entity" in info.value.message

    def test_score_bounds(self) -> None:
        """Scores lie between 0 and 1."""
        with pytest.raises(InvalidValueError) as info:
            Candidate(entity="a", name="A", method=MatchMethod.FUZZY, score=1.5)
        assert info.value.path == "Candidate.score"


def _slipped(draw: st.DrawFn, text: str) -> str:
    """``text`` with one slip: a character dropped, added, changed or two neighbours swapped."""
    i = draw(st.integers(min_value=0, max_value=max(len(text) - 1, 0)))
    letter = draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz "))
    op = draw(st.sampled_from(["drop", "add", "change", "swap"]))
    if op == "drop":
        return text[:i] + text[i + 1 :]
    if op == "add":
        return text[:i] + letter + text[i:]
    if op == "change":
        return text[:i] + letter + text[i + 1 :]
    return text[:i] + text[i + 1 : i + 2] + text[i : i + 1] + text[i + 2 :]


_REGISTRY_NAMES = sorted({n for e in bundled_registry().entities for n in e.names})


class TestSlips:
    @pytest.mark.parametrize(
        ("query", "name"),
        [
            ("Huawei Technolgies Co", "Huawei Technologies Co., Ltd."),  # a letter dropped
            ("Hauwei Technologies", "Huawei Technologies Co., Ltd."),  # two swapped
            ("Hangzhou Hikvison Digital Technology", "Hangzhou Hikvision Digital Technology"),
            ("Hikvison", "Hangzhou Hikvision Digital Technology"),  # the place left out too
            ("Kaspresky Lab", "AO Kaspersky Lab"),
            ("Hik Vision", "Hikvision"),  # a space added
            ("HuaweiTechnologies", "Huawei Technologies"),  # a space dropped
            ("ZTE Deutschlnad GmbH", "ZTE Deutschland GmbH"),  # the slip in a generic word
            ("ZTF Deutschland GmbH", "ZTE Deutschland GmbH"),  # the slip in the company's
        ],
    )
    def test_slips_of_a_name(self, query: str, name: str) -> None:
        """A name mistyped once, in a word that tells the company apart or in another, may be
        the company's."""
        assert may_be_slip(query, name)

    @pytest.mark.parametrize(
        ("query", "name"),
        [
            ("SAP Deutschland GmbH", "ZTE Deutschland GmbH"),
            ("Dell Technologies Deutschland GmbH", "ZTE Deutschland GmbH"),
            ("Telesat International Limited", "Norsat International Inc."),
            ("Intelsat International Systems, LLC", "Norsat International Inc."),
            ("Digital Technology Ltd", "Hangzhou Hikvision Digital Technology"),
        ],
    )
    def test_names_sharing_only_generic_words(self, query: str, name: str) -> None:
        """Another company whose name shares only the words many companies' names have (a
        country, `International`, `Technology`) is no slip, however many letters are shared."""
        assert not may_be_slip(query, name)

    @given(st.sampled_from(_REGISTRY_NAMES), st.data())
    def test_every_slip_of_a_registry_name_may_be_it(self, name: str, data: st.DataObject) -> None:
        """One slip anywhere in a bundled registry name (its legal form included) is always
        read as possibly that name, so a vendor master's mistyped record of a designated
        company is never taken for another company by its distinctive words."""
        slipped = data.draw(st.composite(lambda draw: _slipped(draw, name))())
        assume(normalise_name(slipped))
        assert may_be_slip(slipped, name), (slipped, name)

    @given(company_names(), st.data())
    def test_every_slip_of_a_company_name_may_be_it(self, name: str, data: st.DataObject) -> None:
        """The same for generated company names (whose words are often generic)."""
        slipped = data.draw(st.composite(lambda draw: _slipped(draw, name))())
        assume(normalise_name(slipped))
        assert may_be_slip(slipped, name), (slipped, name)

    def test_drops_and_swaps_of_every_registry_name(self) -> None:
        """Exhaustively, every character of every bundled registry name dropped, or swapped with
        the next: each is possibly the name."""
        for name in _REGISTRY_NAMES:
            for i in range(len(name)):
                for slipped in (
                    name[:i] + name[i + 1 :],
                    name[:i] + name[i + 1 : i + 2] + name[i] + name[i + 2 :],
                ):
                    if normalise_name(slipped):
                        assert may_be_slip(slipped, name), (slipped, name)
