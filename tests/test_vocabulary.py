"""Vocabularies checked on evaluation: facts and categories outside a rule set's vocabulary are
errors (or, by option, unknowns that escalate), never a silent false."""

from __future__ import annotations

import datetime as dt
import doctest
import functools
import io
import json
import pickle
from pathlib import Path
from typing import Any
from unittest import mock

import attrs
import jsonschema
import pytest
import tomllib
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from vendorpolicy import (
    ALWAYS,
    Buyer,
    Component,
    Decision,
    Effect,
    FactLocation,
    FactSpec,
    Purchase,
    RowError,
    Rule,
    RuleSet,
    ScreenedRow,
    Vendor,
    Vocabulary,
    bundled_registry,
    bundled_vocabulary,
    category,
    components,
    dump_rule_set,
    fact,
    packs,
    parse_rule_set,
    purchase_from_dict,
    read_ledger,
    rule_set_schema,
    screen,
    screen_ledger,
    write_results,
)
from vendorpolicy._cli import main
from vendorpolicy._names import is_generic, normalise_name
from vendorpolicy._predicates import (
    FactIn,
    FactOnOrAfter,
    FactOnOrAfterDecision,
    FactOnOrBeforeDecision,
)
from vendorpolicy._vocabulary import bundled_categories
from vendorpolicy.errors import InvalidDataError, InvalidValueError, VocabularyError
from vendorpolicy.testing import DESIGNATION_POOL, FACT_POOL, purchases, rule_sets, vocabularies

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = bundled_registry()
CITY = Buyer(id="city", public=True, sector="local-government", country="US")
AGENCY = Buyer(id="gsa", public=True, sector="central-government", country="US")
HUAWEI = "Huawei Technologies Co., Ltd."
FUNDING_HINT = (
    "one of `federal-grant`, `federal-loan`, `own-budget`, `other`; did you mean `federal-grant`?"
)
FUNDING_ERROR = (
    f"fact `funding` has value `federal grant` @ Purchase.facts['funding'] ({FUNDING_HINT})"
)
NDAA = packs.load("us-ndaa-889")


def grant_router(**changes: Any) -> Purchase:
    """A city's Huawei router bought with a federal grant: §889's grants rule denies it."""
    fields: dict[str, Any] = {
        "buyer": CITY,
        "supplier": HUAWEI,
        "category": "telecom/network/router",
        "date": dt.date(2021, 3, 1),
        "components": (),
        "facts": {"funding": "federal-grant"},
        "id": "po-1",
    }
    fields.update(changes)
    return Purchase(**fields)


def problem_of(exc: pytest.ExceptionInfo[VocabularyError]) -> tuple[str | None, str, str | None]:
    (only,) = exc.value.problems
    return only.path, only.message, only.hint


SPECS = (
    FactSpec(name="funding", values=("federal-grant", "own-budget")),
    FactSpec(name="essential", values=(True, False), location=FactLocation.COMPONENT),
    FactSpec(name="network", values=("5g",), open=True),
    FactSpec(name="purpose", values=("public-safety",), location=FactLocation.PURPOSE, open=True),
)
THE = "the vocabulary"
SMALL = Vocabulary(categories=["telecom/network/router", "it/server"], facts=SPECS)


# --- the values ----------------------------------------------------------------------------------


class TestFactSpec:
    def test_closed_needs_values(self) -> None:
        """A closed fact with no values could never be stated: an error at once."""
        with pytest.raises(InvalidValueError) as exc:
            FactSpec(name="funding")
        assert (
            exc.value.message == "closed fact `funding` lists no values: no purchase could state it"
        )
        assert exc.value.path == "FactSpec.values"

    def test_open_takes_text(self) -> None:
        """An open fact takes any text; a boolean fact must be closed."""
        spec = FactSpec(name="network", values=("5g",), open=True)
        assert spec.accepts("6g")
        assert not spec.accepts(True)
        with pytest.raises(InvalidValueError, match="open fact `flag` lists a boolean") as exc:
            FactSpec(name="flag", values=(True, False), open=True)
        assert exc.value.hint == "a boolean fact is closed: `values = [true, false]`"

    def test_closed_compares_types(self) -> None:
        """`True` and the text `true` are different values."""
        spec = FactSpec(name="flag", values=(True, False))
        assert spec.accepts(True)
        assert not spec.accepts("true")

    def test_purpose_location(self) -> None:
        """The purchase's purpose is the fact `purpose` at location `purpose`, and only it."""
        with pytest.raises(InvalidValueError) as exc:
            FactSpec(name="purpose", values=("x",))
        assert exc.value.path == "FactSpec.location"
        with pytest.raises(InvalidValueError) as exc:
            FactSpec(name="use", values=("x",), location=FactLocation.PURPOSE)
        assert exc.value.path == "FactSpec.name"

    def test_value_listed_twice(self) -> None:
        """A repeated value is refused with its index."""
        with pytest.raises(InvalidValueError) as exc:
            FactSpec(name="funding", values=("a", "b", "a"))
        assert (exc.value.message, exc.value.path) == (
            "value `a` listed twice",
            "FactSpec.values[2]",
        )

    def test_date_fact(self) -> None:
        """A date fact takes any date; `YYYY-MM-DD` text is a date, other text is not."""
        spec = FactSpec(name="waiver-expires", dates=True)
        assert spec.accepts(dt.date(2021, 8, 13))
        assert not spec.accepts("13/08/2021")
        assert FactSpec(name="w", values=["2021-08-13"]).values == (dt.date(2021, 8, 13),)
        with pytest.raises(InvalidValueError) as exc:
            FactSpec(name="purpose", location=FactLocation.PURPOSE, dates=True)
        assert exc.value.path == "FactSpec.dates"

    def test_packs_reexport_the_same_class(self) -> None:
        """`vendorpolicy.packs.FactSpec` is the class rule set vocabularies hold."""
        assert packs.FactSpec is FactSpec
        assert packs.FactLocation is FactLocation


class TestVocabulary:
    def test_fact_declared_twice(self) -> None:
        """A fact is declared once per vocabulary."""
        with pytest.raises(InvalidValueError) as exc:
            Vocabulary(facts=[SPECS[0], SPECS[0]])
        assert exc.value.path == "Vocabulary.facts[1].name"
        assert exc.value.message == "fact `funding` declared twice (also facts[0])"

    def test_leaves_and_refinement(self) -> None:
        """Purchases may state a node of the tree or refine a leaf, nothing else."""
        assert {c.path for c in SMALL.leaves} == {"telecom/network/router", "it/server"}
        assert SMALL.covers_category("telecom/network")
        assert SMALL.covers_category("telecom/network/router/edge")
        assert not SMALL.covers_category("telecom/network/switch")
        assert not SMALL.covers_category("teleco/network/router")
        assert Vocabulary().covers_category("anything/at-all")

    def test_merge(self) -> None:
        """A merge is the union: values of a fact declared twice are joined."""
        other = Vocabulary(
            categories=["video/surveillance"],
            facts=[
                FactSpec(name="funding", values=("federal-loan",)),
                FactSpec(name="waiver", values=("dni",)),
            ],
        )
        merged = SMALL.merge(other)
        assert merged.fact("funding").values == ("federal-grant", "own-budget", "federal-loan")
        assert merged.fact("waiver").values == ("dni",)
        assert merged.knows_category("video/surveillance")
        assert merged.knows_category("it/server")
        assert merged.designations is None
        assert Vocabulary().merge(Vocabulary()) == Vocabulary()

    def test_check(self) -> None:
        """`Vocabulary.check` reports every problem with its path, and nothing for a good
        purchase."""
        good = Purchase(buyer=CITY, category="it/server", facts={"funding": "own-budget"})
        assert SMALL.check(good) == ()
        bad = attrs.evolve(good, category="it/servr", facts={"fundng": "own-budget"})
        assert [(e.path, e.message) for e in SMALL.check(bad)] == [
            (
                "Purchase.facts['fundng']",
                "fact `fundng` is not in the vocabulary of the vocabulary",
            ),
            ("Purchase.category", "category `it/servr` is not in the vocabulary of the vocabulary"),
        ]


class TestBundled:
    def test_tree(self) -> None:
        """The bundled vocabulary is the documented category tree, and nothing else."""
        vocabulary = bundled_vocabulary()
        assert {c.path for c in vocabulary.categories or ()} == set(bundled_categories())
        assert vocabulary.facts is None
        assert vocabulary.designations is None

    def test_every_node_has_its_parent(self) -> None:
        """The data file lists each node's parent before it, so the tree reads top down."""
        seen: set[str] = set()
        for path in bundled_categories():
            parent = path.rpartition("/")[0]
            assert not parent or parent in seen, path
            seen.add(path)

    def test_covers_what_packs_and_samples_use(self) -> None:
        """Every category a pack's rules read, and every category in the bundled samples, is in
        the tree."""
        from vendorpolicy._samples import sample_purchases
        from vendorpolicy._vocabcheck import references

        vocabulary = bundled_vocabulary()
        for name in packs.names():
            for c in references(packs.load(name)).categories:
                assert vocabulary.covers_category(c), (name, c)
        for p in sample_purchases():
            for c in [p.category, *(part.category for part in p.components or ())]:
                assert c is None or vocabulary.covers_category(c), (p.id, c)

    def test_docs_table_shows_the_tree(self) -> None:
        """docs/packs/index.md lists every bundled category with what it covers."""
        text = (ROOT / "docs" / "packs" / "index.md").read_text("utf-8")
        rows = {
            line.split("|")[1].strip().strip("`"): line.split("|")[2].strip()
            for line in text.splitlines()
            if line.startswith("| `") and line.count("|") == 3
        }
        assert rows == bundled_categories()


# --- rule sets that declare a vocabulary ---------------------------------------------------------


class TestDeclared:
    def test_rules_must_use_declared_facts(self) -> None:
        """A rule reading a fact the vocabulary does not declare could never see it: refused."""
        with pytest.raises(InvalidValueError) as exc:
            RuleSet(
                id="s",
                version="1",
                vocabulary=SMALL,
                rules=[Rule(id="r", when=fact("fundng").in_({"x"}), effect=Effect.DENY)],
            )
        assert exc.value.message == (
            "rule `r` reads fact `fundng`, which the rule set's vocabulary does not declare"
        )
        assert exc.value.path == "RuleSet.rules[0].when"
        assert exc.value.hint == "did you mean `funding`?"

    def test_rules_must_use_declared_values_and_categories(self) -> None:
        """A value a closed fact does not list, or a category outside the tree, is refused."""
        with pytest.raises(InvalidValueError) as exc:
            RuleSet(
                id="s",
                version="1",
                vocabulary=SMALL,
                rules=[
                    Rule(
                        id="r",
                        when=category.within("it/server"),
                        unless=fact("funding").in_({"federal-grnt"}),
                        effect=Effect.DENY,
                    )
                ],
            )
        assert exc.value.path == "RuleSet.rules[0].unless"
        assert "compares fact `funding` with `federal-grnt`" in exc.value.message
        with pytest.raises(InvalidValueError) as exc:
            RuleSet(
                id="s",
                version="1",
                vocabulary=SMALL,
                rules=[Rule(id="r", when=category.within("it/servr"), effect=Effect.DENY)],
            )
        assert exc.value.hint == "did you mean `it/server`?"

    def test_loading_reports_the_path(self) -> None:
        """From a file, the problem is located in the document."""
        rules = RuleSet(
            id="s",
            version="1",
            vocabulary=SMALL,
            rules=[Rule(id="r", when=fact("funding").in_({"own-budget"}), effect=Effect.DENY)],
        )
        text = dump_rule_set(rules).replace('values = ["own-budget"]', 'values = ["own-budgt"]')
        with pytest.raises(InvalidDataError) as exc:
            parse_rule_set(text, name="rules.toml")
        (problem,) = exc.value.problems
        assert problem.path is not None
        assert problem.path.endswith("$.rules[0].when")
        assert "compares fact `funding` with `own-budgt`" in problem.message

    def test_dated_conditions_need_a_date_fact(self) -> None:
        """A condition reading a fact as a date needs it declared with `dates`."""
        expires = fact("waiver-expires").on_or_after_decision_date(if_missing=False)
        rule = Rule(id="waived", when=category.within("it"), unless=expires, effect=Effect.DENY)
        with pytest.raises(InvalidValueError) as exc:
            RuleSet(
                id="s",
                version="1",
                vocabulary=Vocabulary(facts=[FactSpec(name="waiver-expires", values=("never",))]),
                rules=[rule],
            )
        assert exc.value.message == (
            "rule `waived` reads fact `waiver-expires` as a date, which the rule set's vocabulary "
            "does not declare"
        )
        assert exc.value.hint == "declare it with `dates = true`"
        ok = RuleSet(
            id="s",
            version="1",
            rules=[rule],
            vocabulary=Vocabulary(facts=[FactSpec(name="waiver-expires", dates=True)]),
        )
        assert parse_rule_set(dump_rule_set(ok)) == ok

    def test_not_checked_without_a_vocabulary(self) -> None:
        """A rule set without a vocabulary checks nothing, as before."""
        rules = RuleSet(
            id="s",
            version="1",
            rules=[Rule(id="r", when=fact("funding").in_({"a"}), effect=Effect.DENY)],
        )
        decision = rules.evaluate(Purchase(buyer=CITY, facts={"funding": "b", "any": "thing"}))
        assert decision.effect is Effect.ALLOW
        assert decision.errors == ()


# --- evaluation ----------------------------------------------------------------------------------


class TestEvaluate:
    def test_in_vocabulary(self) -> None:
        """The reference purchase is denied, with no problem and no warning."""
        decision = NDAA.evaluate(grant_router(), registry=REGISTRY)
        assert decision.effect is Effect.DENY
        assert decision.errors == ()
        assert decision.warnings == ()

    def test_value_outside_closed_fact(self) -> None:
        """`federal grant` for `federal-grant` is an error saying what, where and how to fix."""
        with pytest.raises(VocabularyError) as exc:
            NDAA.evaluate(grant_router(facts={"funding": "federal grant"}), registry=REGISTRY)
        assert problem_of(exc) == (
            "Purchase.facts['funding']",
            "fact `funding` has value `federal grant`",
            FUNDING_HINT,
        )
        assert str(exc.value) == FUNDING_ERROR
        assert isinstance(exc.value, ValueError)

    def test_text_for_boolean(self) -> None:
        """`"true"` as text on a boolean fact of a component is an error at its path."""
        part = Component(
            vendor=Vendor(id="huawei"), category="telecom/modem", facts={"essential": "true"}
        )
        with pytest.raises(VocabularyError) as exc:
            NDAA.evaluate(grant_router(buyer=AGENCY, category="it/server", components=(part,)))
        assert problem_of(exc) == (
            "Purchase.components[0].facts['essential']",
            "fact `essential` has the text `true`, not a boolean",
            "one of `true`, `false`, as a boolean without quotes",
        )

    def test_boolean_for_text(self) -> None:
        """A boolean on a text fact is an error too."""
        with pytest.raises(VocabularyError) as exc:
            NDAA.evaluate(grant_router(facts={"funding": True}))
        assert problem_of(exc)[1] == "fact `funding` has the boolean `true`, not text"

    def test_malformed_date(self) -> None:
        """Text that is not a date, for a date fact, is refused before any condition reads it;
        escalated, it is unknown even for a claim read with `if_missing`."""
        expires = fact("waiver-expires").on_or_after_decision_date(if_missing=False)
        rules = RuleSet(
            id="s",
            version="1",
            vocabulary=Vocabulary(facts=[FactSpec(name="waiver-expires", dates=True)]),
            rules=[Rule(id="r", when=ALWAYS, unless=expires, effect=Effect.DENY)],
        )
        p = Purchase(buyer=CITY, date=dt.date(2021, 1, 1), facts={"waiver-expires": "13/08/2021"})
        with pytest.raises(VocabularyError) as exc:
            rules.evaluate(p)
        assert problem_of(exc) == (
            "Purchase.facts['waiver-expires']",
            "fact `waiver-expires` has the text `13/08/2021`, not a date",
            "a date, written `YYYY-MM-DD`",
        )
        assert rules.evaluate(p, outside_vocabulary="escalate").effect is Effect.REVIEW
        good = attrs.evolve(p, facts={"waiver-expires": "2021-08-13"})
        assert rules.evaluate(good).effect is Effect.ALLOW

    def test_misspelt_name(self) -> None:
        """An unknown fact name is an error with the closest known name."""
        with pytest.raises(VocabularyError) as exc:
            NDAA.evaluate(grant_router(facts={"fundng": "federal-grant"}))
        assert problem_of(exc) == (
            "Purchase.facts['fundng']",
            "fact `fundng` is not in the vocabulary of rule set `us-ndaa-889`",
            "did you mean `funding`?",
        )

    def test_unrelated_name(self) -> None:
        """A name close to nothing known lists the known facts and the way to allow it."""
        with pytest.raises(VocabularyError) as exc:
            NDAA.evaluate(grant_router(facts={"cost-centre": "cc-1"}))
        hint = problem_of(exc)[2]
        assert hint is not None
        assert hint.startswith(
            "known facts: `essential`, `exception-claimed`, `executive-agency`, `funding`"
        )
        assert hint.endswith("a fact meant for other rules can be allowed with `extra_facts`")

    def test_misspelt_category(self) -> None:
        """`teleco/radio` is not a category of the tree: an error with the closest."""
        with pytest.raises(VocabularyError) as exc:
            NDAA.evaluate(grant_router(category="teleco/radio"))
        assert problem_of(exc) == (
            "Purchase.category",
            "category `teleco/radio` is not in the vocabulary of rule set `us-ndaa-889`",
            "did you mean `telecom/radio`?",
        )

    def test_category_far_from_anything(self) -> None:
        """Far from any known path, the hint lists the known children of the deepest known
        ancestor."""
        with pytest.raises(VocabularyError) as exc:
            NDAA.evaluate(grant_router(category="office/zzzzzzzzzzzzzzzzzzzz"))
        assert problem_of(exc)[2] == "known under `office`: `furniture`, `supplies`"

    def test_category_that_cannot_matter_is_a_warning(self) -> None:
        """Outside the tree, but no rule reads a category below its nearest known ancestor
        (`us-ndaa-889` reads nothing below `uas`): every meaning decides alike, so it is decided
        as that ancestor and carries a warning."""
        meant = NDAA.evaluate(grant_router(category="uas/aircraft"), registry=REGISTRY)
        typo = NDAA.evaluate(grant_router(category="uas/aircarft"), registry=REGISTRY)
        assert typo.effect is meant.effect
        assert [w for w in typo.warnings if "uas/aircarft" in w and "decided as `uas`" in w]

    def test_category_that_can_matter_is_an_error(self) -> None:
        """Below a node whose children the rules tell apart, a category outside the tree is an
        error: `us-ndaa-889` reads `office/furniture`, so `office/furnture` could mean it."""
        with pytest.raises(VocabularyError) as exc:
            NDAA.evaluate(grant_router(category="office/furnture"), registry=REGISTRY)
        assert problem_of(exc)[2] == "did you mean `office/furniture`?"

    def test_refined_leaf_is_accepted(self) -> None:
        """A category below a leaf refines it, and rules reading the leaf see it."""
        decision = NDAA.evaluate(
            grant_router(category="telecom/network/router/edge"), registry=REGISTRY
        )
        assert decision.effect is Effect.DENY

    def test_every_problem_at_once(self) -> None:
        """Several problems are reported together, each with its path."""
        part = Component(category="office/furnture", facts={"essential": "yes"})
        with pytest.raises(VocabularyError) as exc:
            NDAA.evaluate(grant_router(facts={"funding": "grant", "x": True}, components=(part,)))
        assert exc.value.message == (
            "4 problems with the vocabulary of rule set `us-ndaa-889` in purchase `po-1`"
        )
        assert [p.path for p in exc.value.problems] == [
            "Purchase.facts['funding']",
            "Purchase.facts['x']",
            "Purchase.components[0].facts['essential']",
            "Purchase.components[0].category",
        ]
        assert str(exc.value).count("\n  - ") == 4

    def test_error_pickles(self) -> None:
        """The error survives pickling with its problems (multiprocessing)."""
        with pytest.raises(VocabularyError) as exc:
            NDAA.evaluate(grant_router(facts={"funding": "grant", "x": True}))
        again = pickle.loads(pickle.dumps(exc.value))  # noqa: S301 - our own bytes
        assert str(again) == str(exc.value)
        assert again.problems == exc.value.problems or [str(p) for p in again.problems] == [
            str(p) for p in exc.value.problems
        ]

    def test_escalate(self) -> None:
        """With `outside_vocabulary="escalate"`, the bad value is unknown: the decision is
        escalated, and the problem listed with the missing fact."""
        decision = NDAA.evaluate(
            grant_router(facts={"funding": "federal grant"}),
            registry=REGISTRY,
            outside_vocabulary="escalate",
        )
        assert decision.effect is Effect.REVIEW
        assert decision.errors == (FUNDING_ERROR,)
        assert "facts.funding" in decision.missing_facts
        assert "outside the vocabulary" in decision.explain()

    def test_escalate_ignores_if_missing(self) -> None:
        """Under escalate a bad value is unknown even where an unstated fact has a meaning."""
        rules = RuleSet(
            id="s",
            version="1",
            vocabulary=SMALL,
            rules=[
                Rule(
                    id="deny-unless-own",
                    when=category.within("it"),
                    unless=fact("funding").in_({"own-budget"}, if_missing=True),
                    effect=Effect.DENY,
                )
            ],
        )
        p = Purchase(buyer=CITY, category="it/server", facts={"funding": "own budget"})
        assert rules.evaluate(p, outside_vocabulary="escalate").effect is Effect.REVIEW
        # Unstated, the fact means what `if_missing` says.
        assert rules.evaluate(attrs.evolve(p, facts={})).effect is Effect.ALLOW

    def test_escalate_misspelt_name_makes_the_meant_fact_unknown(self) -> None:
        """Under escalate a misspelt name also makes the fact it is close to unknown."""
        rules = RuleSet(
            id="s",
            version="1",
            vocabulary=SMALL,
            rules=[
                Rule(
                    id="r",
                    when=category.within("it"),
                    unless=fact("funding").in_({"own-budget"}, if_missing=True),
                    effect=Effect.DENY,
                )
            ],
        )
        p = Purchase(buyer=CITY, category="it/server", facts={"fundng": "own-budget"})
        decision = rules.evaluate(p, outside_vocabulary="escalate")
        assert decision.effect is Effect.REVIEW
        assert decision.errors[0].startswith("fact `fundng` is not in the vocabulary")

    def test_escalate_component_fact(self) -> None:
        """A component's bad fact is unknown for that component, even where the purchase
        states a good value of the same fact (which the component would otherwise inherit)."""
        rules = RuleSet(
            id="s",
            version="1",
            vocabulary=SMALL,
            rules=[
                Rule(id="r", when=components.any(fact("essential").is_true), effect=Effect.DENY)
            ],
        )
        p = Purchase(
            buyer=CITY,
            facts={"essential": False},
            components=(Component(facts={"essential": "yes"}),),
        )
        decision = rules.evaluate(p, outside_vocabulary="escalate")
        assert decision.effect is Effect.REVIEW
        assert "facts.essential" in decision.missing_facts
        ok = attrs.evolve(p, components=(Component(),))
        assert rules.evaluate(ok).effect is Effect.ALLOW

    def test_escalated_category_is_unknown(self) -> None:
        """Under escalate a misspelt category is unknown: conditions on it escalate."""
        decision = NDAA.evaluate(
            grant_router(category="teleco/radio"),
            registry=REGISTRY,
            outside_vocabulary="escalate",
        )
        assert decision.effect is Effect.REVIEW
        assert "category" in decision.missing_facts

    def test_bad_option(self) -> None:
        """An unknown choice for `outside_vocabulary` is an error naming the choices."""
        with pytest.raises(InvalidValueError) as exc:
            NDAA.evaluate(grant_router(), outside_vocabulary="ignore")  # type: ignore[arg-type]
        assert exc.value.hint == "one of `error`, `escalate`"
        assert exc.value.path == "RuleSet.evaluate(outside_vocabulary)"

    def test_near_miss_of_open_value_warns(self) -> None:
        """`public-safety.` is a valid purpose, but close to a known one: a warning, shown by
        `explain()`."""
        decision = NDAA.evaluate(
            grant_router(buyer=AGENCY, purpose="public-safety."), registry=REGISTRY
        )
        assert decision.warnings == (
            (
                "purpose `public-safety.` is not a known value but close to `public-safety` @ "
                "Purchase.purpose (the rules read it as none of the known values; write "
                "`public-safety` if that is meant)"
            ),
        )
        assert "Warnings:\n  - purpose `public-safety.`" in decision.explain()
        assert decision.to_dict()["warnings"] == list(decision.warnings)

    def test_other_open_value_does_not_warn(self) -> None:
        """An open value far from the known ones is simply another value."""
        decision = NDAA.evaluate(grant_router(buyer=AGENCY, purpose="office-lobby"))
        assert decision.warnings == ()

    def test_extra_fact_names(self) -> None:
        """Facts meant for other rules are allowed by name, with any value."""
        p = grant_router(facts={"funding": "federal-grant", "cost-centre": "cc-1"})
        with pytest.raises(VocabularyError):
            NDAA.evaluate(p)
        decision = NDAA.evaluate(p, registry=REGISTRY, extra_facts=["cost-centre"])
        assert decision.effect is Effect.DENY
        assert NDAA.evaluate(p, registry=REGISTRY, extra_facts="cost-centre") == decision

    def test_extra_vocabulary_checks_its_facts(self) -> None:
        """Facts of another pack's vocabulary are allowed, and checked against it; a fact both
        declare takes the other's values too, but stays closed."""
        jp = packs.vocabulary("jp-2018")
        p = grant_router(facts={"funding": "federal-grant", "system-scope": "confidential"})
        assert NDAA.evaluate(p, registry=REGISTRY, extra_facts=jp).effect is Effect.DENY
        with pytest.raises(VocabularyError) as exc:
            NDAA.evaluate(attrs.evolve(p, facts={"system-scope": "secret"}), extra_facts=jp)
        assert problem_of(exc)[0] == "Purchase.facts['system-scope']"
        fcc = packs.load("us-fcc-covered-list")
        assert fcc.evaluate(p, extra_facts=packs.vocabulary("us-ndaa-889", "jp-2018"))
        with pytest.raises(VocabularyError) as exc:
            fcc.evaluate(attrs.evolve(p, facts={"funding": "federal grant"}), extra_facts=jp)
        assert problem_of(exc)[1] == "fact `funding` has value `federal grant`"

    def test_bad_extra_facts(self) -> None:
        """`extra_facts` takes names or vocabularies."""
        with pytest.raises(TypeError) as exc:
            NDAA.evaluate(grant_router(), extra_facts=[3])  # type: ignore[list-item]
        assert exc.value.args[0].endswith("@ RuleSet.evaluate(extra_facts[0])")

    def test_added_vocabulary(self) -> None:
        """`vocabulary=` turns the check on for a rule set that declares none."""
        plain = RuleSet(
            id="plain",
            version="1",
            rules=[Rule(id="r", when=category.within("telecom"), effect=Effect.DENY)],
        )
        bad = Purchase(buyer=CITY, category="teleco/radio")
        assert plain.evaluate(bad).effect is Effect.ALLOW
        with pytest.raises(VocabularyError) as exc:
            plain.evaluate(bad, vocabulary=bundled_vocabulary())
        assert problem_of(exc)[2] == "did you mean `telecom/radio`?"

    def test_layers_union(self) -> None:
        """A layered set checks against the union of its layers' vocabularies; a layer without
        one adds what its rules read."""
        ministry = RuleSet(
            id="ministry",
            version="1",
            includes=[NDAA],
            rules=[
                Rule(
                    id="own-funds", when=fact("funding").in_({"ministry-fund"}), effect=Effect.WARN
                ),
                Rule(id="secret", when=fact("scope").in_({"secret"}), effect=Effect.REVIEW),
                Rule(id="radios", when=category.within("telecom/radio/tetra"), effect=Effect.WARN),
            ],
        )
        ok = grant_router(facts={"funding": "ministry-fund", "scope": "anything"})
        assert ministry.evaluate(ok, registry=REGISTRY).effect is Effect.WARN
        with pytest.raises(VocabularyError) as exc:
            ministry.evaluate(grant_router(facts={"funding": "federal grant"}))
        assert "`ministry-fund`" in (problem_of(exc)[2] or "")
        with pytest.raises(VocabularyError) as exc:
            ministry.evaluate(grant_router(category="telecom/radio/tetr"))
        assert problem_of(exc)[2] == "did you mean `telecom/radio/tetra`?"
        with pytest.raises(VocabularyError):
            ministry.evaluate(grant_router(facts={"cost-centre": "cc-1"}))

    def test_checker_is_cached(self) -> None:
        """The precomputed check is built once per rule set and option."""
        from vendorpolicy._vocabcheck import checker_for

        assert checker_for(NDAA) is checker_for(NDAA)
        assert checker_for(NDAA, extra_facts=["a"]) is checker_for(NDAA, extra_facts=["a"])
        assert checker_for(RuleSet(id="x", version="1")) is None

    def test_rule_set_still_pickles_and_compares(self) -> None:
        """The cache is not part of the value: equal sets stay equal, and pickle."""
        NDAA.evaluate(grant_router(), extra_facts=["x"])
        again = pickle.loads(pickle.dumps(NDAA))  # noqa: S301 - our own bytes
        assert again == NDAA
        assert again.digest == NDAA.digest


# --- files ---------------------------------------------------------------------------------------


class TestFiles:
    @given(rule_sets(with_vocabularies=True))
    def test_round_trips(self, rs: RuleSet) -> None:
        """Rule sets with vocabularies come back equal from JSON and from TOML."""
        assert parse_rule_set(dump_rule_set(rs, "json"), format="json") == rs
        assert parse_rule_set(dump_rule_set(rs, "toml"), format="toml") == rs
        assert tomllib.loads(dump_rule_set(rs, "toml")) == json.loads(dump_rule_set(rs, "json"))

    @settings(max_examples=min(settings.default.max_examples, 50))
    @given(rule_sets(with_vocabularies=True))
    def test_schema_validates_generated_files(self, rs: RuleSet) -> None:
        """Every document written with a vocabulary validates against the schema."""
        validator = jsonschema.Draft202012Validator(rule_set_schema())
        validator.validate(json.loads(dump_rule_set(rs, "json")))
        validator.validate(tomllib.loads(dump_rule_set(rs, "toml")))

    def test_schema_refuses_a_misspelt_key(self) -> None:
        """The schema knows the vocabulary's keys."""
        validator = jsonschema.Draft202012Validator(rule_set_schema())
        doc = {
            "format_version": 1,
            "id": "s",
            "version": "1",
            "vocabulary": {"facts": [{"name": "funding", "valeus": ["a"]}]},
        }
        assert not validator.is_valid(doc)

    def test_pack_files_write_leaves_as_sections(self) -> None:
        """The TOML form writes `[vocabulary]` and `[[vocabulary.facts]]` sections, the tree
        as its leaves."""
        text = dump_rule_set(NDAA)
        assert "\n[vocabulary]\ncategories = [\n" in text
        assert '\n[[vocabulary.facts]]\nname = "funding"\n' in text
        section = text.split("\n[vocabulary]\n", 1)[1].split("\n[[vocabulary.facts]]\n", 1)[0]
        assert '    "telecom",\n' not in section  # an inner node is implied by its leaves

    def test_misspelt_spec_key_located(self) -> None:
        """A misspelt key in a fact declaration is located like any other."""
        text = dump_rule_set(NDAA).replace('name = "waiver"', 'nme = "waiver"')
        assert NDAA.vocabulary is not None
        at = [f.name for f in NDAA.vocabulary.facts or ()].index("waiver")
        with pytest.raises(InvalidDataError) as exc:
            parse_rule_set(text, name="p.toml")
        assert any(
            "unknown key `nme`" in str(p) and f"$.vocabulary.facts[{at}]" in str(p)
            for p in exc.value.problems
        )


# --- ledgers and the command line ----------------------------------------------------------------

LEDGER_HEADER = "id,buyer_id,buyer_public,buyer_sector,supplier,category,date,facts.funding\n"


def ledger(tmp_path: Path, *rows: str, header: str = LEDGER_HEADER) -> Path:
    path = tmp_path / "ledger.csv"
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


ROWS = (
    f'l-1,city,true,local-government,"{HUAWEI}",telecom/network/router,2021-03-01,federal-grant',
    f'l-2,city,true,local-government,"{HUAWEI}",telecom/network/router,2021-03-01,federal grant',
    f'l-3,city,true,local-government,"{HUAWEI}",teleco/radio,2021-03-01,federal-grant',
)


class TestLedger:
    def test_row_errors(self, tmp_path: Path) -> None:
        """A row outside the vocabulary is a row error naming the fact and the allowed values;
        every row still yields one result."""
        results = list(screen_ledger(NDAA, ledger(tmp_path, *ROWS), registry=REGISTRY))
        assert [type(r) for r in results] == [ScreenedRow, RowError, RowError]
        assert isinstance(results[0], ScreenedRow)
        assert results[0].decision.effect is Effect.DENY
        assert isinstance(results[1], RowError)
        assert results[1].line == 3
        assert results[1].purchase_id == "l-2"
        assert results[1].errors == (FUNDING_ERROR,)
        assert isinstance(results[2], RowError)
        assert results[2].errors[0].startswith("category `teleco/radio` is not in the vocabulary")

    def test_escalate(self, tmp_path: Path) -> None:
        """With escalation every row is decided, the problems listed in its record."""
        path = ledger(tmp_path, *ROWS)
        results = list(screen_ledger(NDAA, path, registry=REGISTRY, outside_vocabulary="escalate"))
        assert [r.decision.effect for r in results if isinstance(r, ScreenedRow)] == [
            Effect.DENY,
            Effect.REVIEW,
            Effect.REVIEW,
        ]
        out = io.StringIO()
        summary = write_results(results, out, rule_set=NDAA, format="jsonl")
        records = [json.loads(line) for line in out.getvalue().splitlines()]
        assert summary.errors == 0
        assert records[1]["errors"][0].startswith("fact `funding` has value `federal grant`")

    def test_warnings_in_records_and_summary(self, tmp_path: Path) -> None:
        """Near misses are written in each record's `warnings` and counted in the summary."""
        path = ledger(
            tmp_path,
            f'l-1,gsa,true,central-government,"{HUAWEI}",telecom/network/router,2021-03-01,,'
            "public-safety.",
            header=LEDGER_HEADER.replace("facts.funding", "facts.funding,purpose"),
        )
        out = io.StringIO()
        summary = write_results(screen_ledger(NDAA, path), out, rule_set=NDAA, format="csv")
        assert summary.warnings == 1
        header, row = out.getvalue().splitlines()[:2]
        assert "warnings" in header.split(",")
        assert "close to `public-safety`" in row

    def test_screen_passes_the_options(self) -> None:
        """`screen` takes the same options as `evaluate`."""
        p = grant_router(facts={"funding": "federal-grant", "cost-centre": "cc"})
        from vendorpolicy import LedgerRow

        (result,) = screen(NDAA, [LedgerRow(line=2, purchase=p)], extra_facts=["cost-centre"])
        assert isinstance(result, ScreenedRow)

    def run(self, *argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with mock.patch("sys.stderr", err):
            code = main(list(argv), out=out)
        return code, out.getvalue(), err.getvalue()

    def test_cli_row_errors(self, tmp_path: Path) -> None:
        """`check --pack` writes an error record for each row outside the vocabulary (exit 3)."""
        code, out, _ = self.run(
            "check",
            "--pack",
            "us-ndaa-889",
            str(ledger(tmp_path, *ROWS)),
            "--format",
            "jsonl",
            "-q",
        )
        records = [json.loads(line) for line in out.splitlines()]
        assert code == 3
        assert [r["status"] for r in records] == ["decided", "error", "error"]

    def test_cli_escalate(self, tmp_path: Path) -> None:
        """`--outside-vocabulary escalate` decides every row (exit 1: one is denied)."""
        code, out, _ = self.run(
            "check",
            "--pack",
            "us-ndaa-889",
            str(ledger(tmp_path, *ROWS)),
            "--format",
            "jsonl",
            "-q",
            "--outside-vocabulary",
            "escalate",
        )
        records = [json.loads(line) for line in out.splitlines()]
        assert code == 1
        assert [r["effect"] for r in records] == ["deny", "review", "review"]

    def test_cli_header_checked_once(self, tmp_path: Path) -> None:
        """A fact column the vocabulary does not know is refused before any row is read."""
        path = ledger(
            tmp_path, ROWS[0], header=LEDGER_HEADER.replace("facts.funding", "facts.fundng")
        )
        code, out, err = self.run("check", "--pack", "us-ndaa-889", str(path), "-q")
        assert code == 3
        assert out == ""
        assert (
            f"fact column `facts.fundng`: fact `fundng` is not in the vocabulary of rule set "
            f"`us-ndaa-889` @ {path}:1 column 8 (did you mean `funding`?)"
        ) in err

    def test_cli_extra_fact(self, tmp_path: Path) -> None:
        """`--extra-fact NAME` allows a column meant for other rules."""
        path = ledger(
            tmp_path, ROWS[0] + ",cc-1", header=LEDGER_HEADER.replace("\n", ",facts.cost-centre\n")
        )
        code, _, err = self.run("check", "--pack", "us-ndaa-889", str(path), "-q")
        assert code == 3
        assert "pass `--extra-fact cost-centre` if it is meant for other rules" in err
        code, out, _ = self.run(
            "check", "--pack", "us-ndaa-889", str(path), "-q", "--extra-fact", "cost-centre"
        )
        assert code == 1
        assert "DENY" in out

    def test_cli_vocabulary_bundled(self, tmp_path: Path) -> None:
        """`--vocabulary bundled` checks a plain rule file's categories, and the ledger's."""
        rules = RuleSet(
            id="plain",
            version="1",
            rules=[Rule(id="r", when=category.within("telecom"), effect=Effect.DENY)],
        )
        good = tmp_path / "rules.toml"
        good.write_text(dump_rule_set(rules), encoding="utf-8")
        bad = tmp_path / "bad.toml"
        bad.write_text(dump_rule_set(rules).replace('"telecom"', '"telecomm"'), encoding="utf-8")
        assert self.run("validate", str(good), "--vocabulary", "bundled")[0] == 0
        code, _, err = self.run("validate", str(bad), "--vocabulary", "bundled")
        assert code == 3
        assert "unknown category `telecomm`" in err
        path = ledger(
            tmp_path, ROWS[2].rsplit(",", 1)[0], header=LEDGER_HEADER.replace(",facts.funding", "")
        )
        code, out, _ = self.run("check", str(good), str(path), "--vocabulary", "bundled", "-q")
        assert code == 3
        assert "category `teleco/radio` is not in the vocabulary" in out

    def test_cli_explain(self, tmp_path: Path) -> None:
        """`explain --pack` reports a purchase outside the vocabulary as an input error, and
        escalates it on request."""
        from vendorpolicy import unstructure

        path = tmp_path / "p.json"
        path.write_text(json.dumps(unstructure(grant_router(facts={"funding": "federal grant"}))))
        code, _, err = self.run("explain", str(path), "--pack", "us-ndaa-889")
        assert code == 3
        assert "fact `funding` has value `federal grant`" in err
        code, out, _ = self.run(
            "explain", str(path), "--pack", "us-ndaa-889", "--outside-vocabulary", "escalate"
        )
        assert code == 0
        assert out.startswith("Decision: REVIEW")

    def test_read_ledger_is_unchanged(self, tmp_path: Path) -> None:
        """Reading a ledger does not check vocabularies: screening does."""
        rows = list(read_ledger(ledger(tmp_path, *ROWS)))
        assert all(not isinstance(r, RowError) for r in rows)


# --- packs ---------------------------------------------------------------------------------------


class TestPacks:
    @pytest.mark.parametrize("name", packs.names())
    def test_each_pack_declares_its_vocabulary(self, name: str) -> None:
        """A pack's rule set declares its facts and the bundled category tree."""
        vocabulary = packs.load(name).vocabulary
        assert vocabulary == packs.info(name).vocabulary
        assert vocabulary is not None
        assert vocabulary.facts == packs.info(name).facts
        assert vocabulary.categories == bundled_vocabulary().categories

    def test_union_of_packs(self) -> None:
        """`packs.vocabulary()` is the union of every pack's vocabulary."""
        every = packs.vocabulary()
        for name in packs.names():
            for spec in packs.info(name).facts:
                assert set(spec.values) <= set(every.fact(spec.name).values), (name, spec.name)
        with pytest.raises(InvalidValueError, match="unknown rule pack"):
            packs.vocabulary("us-ndaa-898")

    def test_multinational(self) -> None:
        """One purchase screened under every pack, each accepting the others' facts."""
        every = packs.vocabulary()
        p = grant_router(facts={"funding": "federal-grant", "network": "5g", "action": "buy"})
        decisions = {
            n: packs.load(n).evaluate(p, registry=REGISTRY, extra_facts=every)
            for n in packs.names()
        }
        assert decisions["us-ndaa-889"].effect is Effect.DENY


# --- the property: no one-fact corruption of a denied purchase yields ALLOW ----------------------


#: The conditions that read a named fact, and may say what its absence means (`if_missing`).
_READS_FACT = (FactIn, FactOnOrAfter, FactOnOrAfterDecision, FactOnOrBeforeDecision)


def claims(rules: RuleSet) -> frozenset[str]:
    """Facts some condition reads with `if_missing`: leaving them out has a declared meaning."""
    out = set()
    for layer in rules.layers():
        for rule in layer.rules:
            roots = [rule.when, *(c.when for c in rule.cases)]
            if rule.unless is not None:
                roots.append(rule.unless)
            for root in roots:
                out.update(
                    n.name
                    for n in root.walk()
                    if isinstance(n, _READS_FACT) and n.if_missing is not None
                )
    return frozenset(out)


@functools.cache
def worked_examples() -> tuple[tuple[str, Purchase, dt.date | None], ...]:
    """Every purchase the pack pages in docs/packs/ evaluate under a pack, and every purchase of
    the conformance tables, with its decision date."""
    seen: list[tuple[str, Purchase, dt.date | None]] = []
    original = RuleSet.evaluate

    def record(self: RuleSet, p: Purchase, **kw: Any) -> Decision:
        decision = original(self, p, **kw)  # the pages also show purchases that are refused
        if self.id in packs.names() and not kw.get("extra_facts"):
            seen.append((self.id, p, kw.get("as_of")))
        return decision

    with mock.patch.object(RuleSet, "evaluate", record):
        for path in sorted((ROOT / "docs" / "packs").glob("*.md")):
            test = doctest.DocTestParser().get_doctest(
                path.read_text("utf-8"), {}, path.name, str(path), 0
            )
            doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(test, out=lambda _: None)
    for path in sorted((ROOT / "tests" / "conformance").glob("*.toml")):
        table = tomllib.loads(path.read_text("utf-8"))
        for case in table.get("case", []):
            if case.get("status", "ok") != "ok":
                continue  # a case the pack does not meet yet may state facts it does not know
            as_of = dt.date.fromisoformat(case["as_of"]) if "as_of" in case else None
            seen.append((table["pack"], purchase_from_dict(case["purchase"]), as_of))
    return tuple(seen)


@functools.cache
def denied_examples() -> tuple[tuple[str, Purchase, dt.date | None], ...]:
    return tuple(
        (n, p, on)
        for n, p, on in worked_examples()
        if packs.load(n).evaluate(p, as_of=on, registry=REGISTRY).effect is Effect.DENY
    )


def _misspell(draw: st.DrawFn, text: str) -> str:
    """`text` with one spelling slip: a letter dropped, doubled, swapped or changed."""
    i = draw(st.integers(min_value=0, max_value=max(len(text) - 1, 0)))
    how = draw(st.sampled_from(["drop", "double", "swap", "change"]))
    if how == "drop" and len(text) > 1:
        return text[:i] + text[i + 1 :]
    if how == "swap" and i + 1 < len(text) and text[i] != text[i + 1]:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if how == "change":
        letter = draw(st.sampled_from("aeiouxz"))
        if letter != text[i : i + 1]:
            return text[:i] + letter + text[i + 1 :]
    return text[: i + 1] + text[i:]


def _corrupt_value(draw: st.DrawFn, value: str | bool | dt.date) -> str | bool:
    if isinstance(value, dt.date):
        # A date typed as text a careless export would write: never a date, so never valid.
        text = value.isoformat()
        return draw(st.sampled_from([text + ".", f" {text}", text.replace("-", "/"), text[:7]]))
    if isinstance(value, bool):
        return draw(st.sampled_from([str(value).lower(), str(value), "yes" if value else "no"]))
    how = draw(st.sampled_from(["upper", "title", "space", "underscore", "dot", "trail", "spell"]))
    if how == "upper":
        return value.upper()
    if how == "title":
        return value.title()
    if how == "space":
        return value.replace("-", " ") if "-" in value else f" {value}"
    if how == "underscore":
        return value.replace("-", "_") if "-" in value else value + "_"
    if how == "dot":
        return value + "."
    if how == "trail":
        return value + " "
    return _misspell(draw, value)


@st.composite
def corruptions(  # noqa: PLR0915 - one case per kind of corruption, read as a table
    draw: st.DrawFn, p: Purchase, rules: RuleSet
) -> tuple[str, Purchase | None]:
    """One fact of ``p`` changed as a careless clerk or a broken export would, and what kind
    of change it is: ``vocabulary`` (now outside a closed vocabulary: a value, a name, a
    category, a closed purpose), ``open`` (an open fact's value changed), ``dropped`` (a fact
    left out that no condition gives a meaning to when missing) or ``identity`` (a vendor's
    id, or a supplier's or maker's name, slipped). ``None`` when the corrupted
    purchase cannot even be built (refused at the input: never silent either)."""
    vocabulary = rules.vocabulary
    assert vocabulary is not None
    specs = {s.name: s for s in vocabulary.facts or ()}
    claimed = claims(rules)
    levels = [(-1, p.facts, p.category)] + [
        (i, c.facts, c.category) for i, c in enumerate(p.components or ())
    ]
    options: list[tuple[Any, ...]] = []
    for index, facts, cat in levels:
        for name in facts:
            options += [("value", index, name), ("name", index, name)]
            if name not in claimed:
                options.append(("drop", index, name))
        if cat is not None:
            options += [("category", index, None), ("drop-category", index, None)]
    if p.purpose is not None:
        options += [("purpose", -1, None), ("drop-purpose", -1, None)]
    # Who the supplier is: a vendor's id misspelt (an id variant), a supplier's or maker's
    # name misspelt, in another case or padded.
    makers = [(-1, p.vendor, p.supplier)] + [
        (i, c.vendor, c.maker) for i, c in enumerate(p.components or ())
    ]
    for index, given_vendor, text in makers:
        if given_vendor is not None:
            options.append(("vendor-id", index, None))
        if text.strip():
            options.append(("supplier", index, None))
    if not options:
        return "none", p
    what, index, name = draw(st.sampled_from(options))
    if what in ("vendor-id", "supplier"):
        return _corrupt_identity(draw, p, what, index)
    facts = dict(p.facts if index < 0 else (p.components or ())[index].facts)
    cat = p.category if index < 0 else (p.components or ())[index].category
    kind = "vocabulary"
    changes: dict[str, Any] = {}
    if what == "value":
        facts[name] = _corrupt_value(draw, facts[name])
        spec = specs[name]
        if spec.accepts(facts[name]):
            kind = "open" if spec.open else "same"
        changes["facts"] = facts
    elif what == "name":
        new = _misspell(draw, name)
        if new in specs or new == name:
            return "same", p
        facts[new] = facts.pop(name)
        changes["facts"] = facts
    elif what == "drop":
        del facts[name]
        changes["facts"] = facts
        kind = "dropped"
    elif what == "category":
        assert cat is not None
        parts = list(cat.parts)
        j = draw(st.integers(min_value=0, max_value=len(parts) - 1))
        parts[j] = _misspell(draw, parts[j])
        new_path = "/".join(parts)
        if vocabulary.covers_category(new_path):
            return "same", p
        changes["category"] = new_path
        kind = "category"
    elif what == "drop-category":
        changes["category"] = None
        kind = "dropped"
    elif what == "purpose":
        assert p.purpose is not None
        new_purpose = _corrupt_value(draw, p.purpose)
        spec = specs.get("purpose")
        if spec is None:
            return "same", p  # no rule reads the purpose
        if spec.accepts(new_purpose):
            kind = "open" if spec.open else "same"
        try:
            return kind, attrs.evolve(p, purpose=new_purpose)
        except InvalidValueError:
            return kind, None
    else:  # drop-purpose
        return "dropped", attrs.evolve(p, purpose=None)
    try:
        if index < 0:
            return kind, attrs.evolve(p, **changes)
        parts_list = list(p.components or ())
        parts_list[index] = attrs.evolve(parts_list[index], **changes)
        return kind, attrs.evolve(p, components=tuple(parts_list))
    except InvalidValueError:
        return kind, None


def _corrupt_identity(
    draw: st.DrawFn, p: Purchase, what: str, index: int
) -> tuple[str, Purchase | None]:
    """``p`` with its vendor's id (``vendor-id``) or its supplier's name (``supplier``), or a
    component's, slipped: kind ``identity``, or ``same`` when the slip names another company
    the registry knows (a different purchase, which no check could tell)."""
    part = None if index < 0 else (p.components or ())[index]
    given_vendor = p.vendor if part is None else part.vendor
    text = p.supplier if part is None else part.maker
    if what == "vendor-id":
        assert given_vendor is not None
        new_id = _misspell(draw, given_vendor.id)
        if new_id == given_vendor.id or new_id in REGISTRY:
            return "same", p
        try:
            changes: dict[str, Any] = {"vendor": attrs.evolve(given_vendor, id=new_id)}
        except InvalidValueError:
            return "vocabulary", None
    else:
        how = draw(st.sampled_from(["upper", "lower", "pad", "spell"]))
        new_text = {
            "upper": text.upper(),
            "lower": text.lower(),
            "pad": f"  {text} ",
        }.get(how) or _misspell(draw, text)
        before, after = REGISTRY.match(text), REGISTRY.match(new_text)
        if how == "spell" and after.entity is not None and after.entity != before.entity:
            return "same", p
        changes = {"supplier" if part is None else "maker": new_text}
    try:
        if part is None:
            return "identity", attrs.evolve(p, **changes)
        parts = list(p.components or ())
        parts[index] = attrs.evolve(part, **changes)
        return "identity", attrs.evolve(p, components=tuple(parts))
    except InvalidValueError:
        return "vocabulary", None


def assert_never_silent(name: str, p: Purchase, as_of: dt.date | None, data: Any) -> Effect:
    """The law: after one corruption, the decision is refused, or at least as severe as the
    original decision capped by `on_unknown` (an unknown escalates at most that far), or, for
    an open fact, it carries a warning."""
    rules = packs.load(name)
    before = rules.evaluate(p, as_of=as_of, registry=REGISTRY).effect
    floor = min(before, rules.on_unknown)
    kind, corrupted = data.draw(corruptions(p, rules), label="corruption")
    if corrupted is None or kind in ("none", "same"):
        return before
    if kind == "category":
        # A category outside the tree is refused, unless no rule reads a category below its
        # nearest known ancestor: then every node there decides alike, the original included,
        # and the decision says so in a warning.
        try:
            decision = rules.evaluate(corrupted, as_of=as_of, registry=REGISTRY)
        except VocabularyError:
            kind = "vocabulary"
        else:
            assert any("is not in the vocabulary" in w for w in decision.warnings)
            assert decision.effect is before, decision.explain()
            return before
    if kind == "vocabulary":
        with pytest.raises(VocabularyError) as exc:
            rules.evaluate(corrupted, as_of=as_of, registry=REGISTRY)
        assert all(pr.path and pr.path.startswith("Purchase.") for pr in exc.value.problems)
        escalated = rules.evaluate(
            corrupted, as_of=as_of, registry=REGISTRY, outside_vocabulary="escalate"
        )
        assert escalated.errors, escalated.explain()
        assert escalated.effect >= floor, escalated.explain()
        return before
    decision = rules.evaluate(corrupted, as_of=as_of, registry=REGISTRY)
    if kind == "open" and decision.warnings:
        return before
    assert decision.effect >= floor, (kind, decision.explain())
    return before


#: Enough to meet every kind of corruption on every pack, and fast on two cores.
GENERATED = settings(max_examples=min(settings.default.max_examples, 40))
GENERATED_SETS = settings(max_examples=min(settings.default.max_examples, 60))
WORKED = settings(max_examples=min(3 * settings.default.max_examples, 300))


class TestNeverSilent:
    @pytest.mark.parametrize("name", packs.names())
    @GENERATED
    @given(data=st.data())
    def test_generated_purchases(self, name: str, data: Any) -> None:
        """Over purchases drawn from the pack's vocabulary (with the pack's designations on
        the vendors), no one-fact corruption gives a decision below the original capped by
        `on_unknown`: a denied purchase is never allowed."""
        info = packs.info(name)
        strategy = purchases(
            vocabulary=packs.load(name).vocabulary,
            designations=(*DESIGNATION_POOL, *info.designations),
        )
        p = data.draw(strategy, label="purchase")
        assert_never_silent(name, p, None, data)

    @WORKED
    @given(data=st.data())
    def test_denied_worked_examples(self, data: Any) -> None:
        """No one-fact corruption of a purchase the docs or the conformance tables show denied
        is allowed (or warned)."""
        examples = denied_examples()
        assert len({n for n, _, _ in examples}) >= 5  # most packs have a denied example
        name, p, as_of = data.draw(st.sampled_from(examples), label="example")
        before = assert_never_silent(name, p, as_of, data)
        assert before is Effect.DENY
        assert packs.load(name).on_unknown >= Effect.REVIEW

    def test_id_variants_of_denied_worked_examples(self) -> None:
        """No id variant (a character dropped, swapped or changed) of a registry vendor id in
        a purchase the docs or the conformance tables show denied is allowed: the vendor one
        slip from a designated company is unknown, not an unlisted one."""
        tried = set()
        for name, p, as_of in denied_examples():
            rules = packs.load(name)
            makers = [(-1, p.vendor)] + [(i, c.vendor) for i, c in enumerate(p.components or ())]
            for index, given_vendor in makers:
                if given_vendor is None or given_vendor.id not in REGISTRY:
                    continue
                key = given_vendor.id
                middle = len(key) // 2
                slips = {
                    key[1:],
                    key[:-1],
                    key[:middle] + key[middle + 1 :],
                    key[: middle - 1] + key[middle] + key[middle - 1] + key[middle + 1 :],
                    key[:middle] + "x" + key[middle + 1 :],
                } - {key}
                for slip in sorted(s for s in slips if s not in REGISTRY):
                    changed = attrs.evolve(given_vendor, id=slip)
                    if index < 0:
                        corrupted = attrs.evolve(p, vendor=changed)
                    else:
                        parts = list(p.components or ())
                        parts[index] = attrs.evolve(parts[index], vendor=changed)
                        corrupted = attrs.evolve(p, components=tuple(parts))
                    decision = rules.evaluate(corrupted, as_of=as_of, registry=REGISTRY)
                    assert decision.effect >= Effect.REVIEW, (name, slip, decision.explain())
                    tried.add(name)
        assert len(tried) >= 3, tried  # several packs have a denied example given by id

    def test_name_variants_of_denied_worked_examples(self) -> None:
        """A denied purchase's supplier written as a vendor master or a clerk might write it
        (the first word's letters spaced out, the first two words run together, only the
        distinctive words, a branch office named after it), as free text or as a vendor
        record's name, is never allowed: the record is the company, or it is unknown."""
        tried = 0
        for name, p, as_of in denied_examples():
            text = p.supplier.strip()
            if not text or REGISTRY.match(text).entity is None:
                continue
            rules = packs.load(name)
            floor = min(Effect.DENY, rules.on_unknown)
            words = text.split()
            variants = {
                " ".join(w for w in normalise_name(text).split() if not is_generic(w)),
                text + ("分公司" if words[-1][-1] > "\u3000" else " Branch Office"),
            }
            if len(words) > 1:
                variants.add(words[0] + " ".join(words[1:]))
            if text.isascii():  # Latin letters written apart (a CJK name has no such habit)
                variants.add(" ".join(words[0]) + " " + " ".join(words[1:]))
            for variant in sorted(v for v in variants if v.strip()):
                if REGISTRY.match(variant).entity not in (None, REGISTRY.match(text).entity):
                    continue  # another company the registry knows: a different purchase
                for changed in (
                    attrs.evolve(p, supplier=variant),
                    attrs.evolve(p, supplier="", vendor=Vendor(id="v-900001", name=variant)),
                ):
                    decision = rules.evaluate(changed, as_of=as_of, registry=REGISTRY)
                    assert decision.effect >= floor, (name, variant, decision.explain())
                    tried += 1
        assert tried >= 40, tried

    @GENERATED_SETS
    @given(
        rule_sets(max_includes=0),
        vocabularies().filter(lambda v: v.facts is not None),
        purchases(),
        st.data(),
    )
    def test_generated_rule_sets(
        self, rs: RuleSet, vocabulary: Vocabulary, p: Purchase, data: Any
    ) -> None:
        """For any rule set with a vocabulary (either combining, any default and `on_unknown`,
        claims read with `if_missing` either way, dated facts), a stated fact given a value
        outside its declaration is refused; escalated, it is unknown: the decision is never
        below the decision under any of the fact's values (the original among them), capped by
        `on_unknown`."""
        from vendorpolicy._vocabcheck import references

        rs = attrs.evolve(rs, vocabulary=vocabulary)
        read = sorted(references(rs).facts)
        assume(read)  # a fact no rule reads cannot change the decision
        name = data.draw(st.sampled_from(read))
        index = data.draw(st.sampled_from([-1, *range(len(p.components or ()))]))
        value = data.draw(st.sampled_from(FACT_POOL[name]))
        if index < 0:
            p = attrs.evolve(p, facts={**p.facts, name: value})
        else:
            parts = list(p.components or ())
            parts[index] = attrs.evolve(parts[index], facts={**parts[index].facts, name: value})
            p = attrs.evolve(p, components=tuple(parts))
        spec = vocabulary.fact(name)
        bad = next(v for v in ("zz-outside", True, "13/08/2021") if not spec.accepts(v))
        if index < 0:
            corrupted = attrs.evolve(p, facts={**p.facts, name: bad})
        else:
            parts = list(p.components or ())
            parts[index] = attrs.evolve(parts[index], facts={**parts[index].facts, name: bad})
            corrupted = attrs.evolve(p, components=tuple(parts))
        with pytest.raises(VocabularyError):
            rs.evaluate(corrupted)
        escalated = rs.evaluate(corrupted, outside_vocabulary="escalate")
        assert escalated.errors
        # Unknown means "any of its values": the decision is at least as severe as under each
        # declared value of the fact (the original among them), capped by `on_unknown`.
        completions = [*spec.values, *([dt.date(2021, 8, 13)] if spec.dates else [])]
        for value in completions:
            if index < 0:
                known = attrs.evolve(p, facts={**p.facts, name: value})
            else:
                parts = list(p.components or ())
                parts[index] = attrs.evolve(parts[index], facts={**parts[index].facts, name: value})
                known = attrs.evolve(p, components=tuple(parts))
            effect = rs.evaluate(known).effect
            assert escalated.effect >= min(effect, rs.on_unknown), (value, escalated.explain())

    def test_issue_examples(self) -> None:
        """The corruptions of the issue, each on a denied purchase: refused, never allowed."""
        p = grant_router()
        assert NDAA.evaluate(p, registry=REGISTRY).effect is Effect.DENY
        for bad in (
            grant_router(facts={"funding": "federal grant"}),
            grant_router(facts={"fundng": "federal-grant"}),
            grant_router(category="teleco/network/router"),
        ):
            with pytest.raises(VocabularyError):
                NDAA.evaluate(bad, registry=REGISTRY)
        jp = packs.load("jp-2018")
        ministry = Buyer(id="mic", public=True, sector="central-government", country="JP")
        scoped = Purchase(
            buyer=ministry,
            supplier=HUAWEI,
            category="telecom/network/router",
            date=dt.date(2020, 1, 6),
            facts={"system-scope": "core-infrastructre"},
        )
        with pytest.raises(VocabularyError) as exc:
            jp.evaluate(scoped, registry=REGISTRY)
        assert problem_of(exc)[2] is not None
        assert "did you mean `core-infrastructure`?" in (problem_of(exc)[2] or "")


def test_vocabulary_values_reexported() -> None:
    """The vocabulary classes are importable from the package root."""
    import vendorpolicy

    assert vendorpolicy.FactSpec is FactSpec
    assert vendorpolicy.Vocabulary is Vocabulary
    assert issubclass(VocabularyError, InvalidValueError)
