"""Plain-data conversion: round-trips, the digest, and errors that point into the data."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, ClassVar

import pytest
from hypothesis import given

from vendorpolicy import (
    Predicate,
    Purchase,
    Rule,
    RuleSet,
    canonical_json,
    custom,
    purchase_from_dict,
    rule_set_from_dict,
    unstructure,
)
from vendorpolicy.errors import InvalidDataError, VendorPolicyError
from vendorpolicy.testing import predicates, purchases, rule_sets


class TestRoundTrip:
    @given(rule_sets())
    def test_rule_set(self, rs: RuleSet) -> None:
        """A rule set survives plain data and JSON text unchanged, digest included."""
        back = rule_set_from_dict(json.loads(json.dumps(unstructure(rs))))
        assert back == rs
        assert back.digest == rs.digest

    @given(purchases())
    def test_purchase(self, p: Purchase) -> None:
        """A purchase survives plain data and JSON text unchanged."""
        assert purchase_from_dict(json.loads(json.dumps(unstructure(p)))) == p

    @given(predicates())
    def test_predicate_is_one_key_object(self, p: Predicate) -> None:
        """Every condition is written as an object with one key naming its kind."""
        data = unstructure(p)
        assert isinstance(data, dict)
        assert len(data) == 1

    def test_custom_needs_its_function(self) -> None:
        """A custom predicate is saved by name and loads only when its function is handed in."""

        @custom("has-sbom")
        def has_sbom(p: Purchase) -> bool | None:
            return None

        rs = RuleSet(id="s", version="1", rules=[Rule(id="r", when=has_sbom, effect="review")])
        data = unstructure(rs)
        assert data["rules"][0]["when"] == {"custom": {"name": "has-sbom"}}
        assert rule_set_from_dict(data, customs=[has_sbom]) == rs
        with pytest.raises(InvalidDataError) as info:
            rule_set_from_dict(data)
        assert "unknown custom predicate `has-sbom`" in str(info.value)


class TestDigest:
    @given(rule_sets())
    def test_digest_is_sha256_of_canonical_json(self, rs: RuleSet) -> None:
        """The digest is the sha256 of the canonical JSON form."""
        import hashlib

        expected = hashlib.sha256(canonical_json(rs).encode()).hexdigest()
        assert rs.digest == f"sha256:{expected}"

    @given(rule_sets(), rule_sets())
    def test_digest_tells_sets_apart(self, a: RuleSet, b: RuleSet) -> None:
        """Equal rule sets share a digest; different ones do not."""
        assert (a.digest == b.digest) == (a == b)


class TestErrors:
    BASE: ClassVar[dict[str, Any]] = {
        "id": "s",
        "version": "1",
        "rules": [
            {
                "id": "r",
                "effect": "deny",
                "when": {
                    "all": [
                        {"origin": {"countries": ["CN"]}},
                        {"category": {"categories": ["telecom"]}},
                    ]
                },
            }
        ],
    }

    def _problems(self, data: object) -> list[VendorPolicyError]:
        with pytest.raises(InvalidDataError) as info:
            rule_set_from_dict(data)
        return list(info.value.problems)

    def _with(self, path: list[object], value: object) -> dict[str, object]:
        data = json.loads(json.dumps(self.BASE))
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        return data  # type: ignore[no-any-return]

    def test_bad_country_path(self) -> None:
        """A bad code inside a condition is reported at its path with a suggestion."""
        data = self._with(["rules", 0, "when", "all", 0, "origin", "countries"], ["CNN"])
        (problem,) = self._problems(data)
        assert problem.path == "$.rules[0].when.all[0].origin.countries[0]"
        assert problem.message == "unknown country code `CNN`"
        assert problem.hint == "did you mean `CN`?"

    def test_unknown_key_suggests(self) -> None:
        """A misspelt key is an error with the right spelling, not silently dropped."""
        data = self._with(["rules", 0, "efect"], "deny")
        (problem,) = self._problems(data)
        assert (problem.path, problem.message, problem.hint) == (
            "$.rules[0]",
            "unknown key `efect`",
            "did you mean `effect`?",
        )

    def test_unknown_condition_kind(self) -> None:
        """A misspelt condition kind suggests the right one."""
        data = self._with(["rules", 0, "when", "all", 1], {"categroy": {"categories": ["x"]}})
        (problem,) = self._problems(data)
        assert problem.path == "$.rules[0].when.all[1]"
        assert problem.hint == "did you mean `category`?"

    def test_every_problem_reported(self) -> None:
        """Problems in different rules and conditions are all reported at once."""
        data = self._with(["rules", 0, "when", "all", 0, "origin", "countries"], ["XX"])
        data["rules"][0]["when"]["all"][1]["category"]["categories"] = ["Tele com"]  # type: ignore[index]
        data["rules"].append({"id": "r2", "effect": "block", "when": {"always": {}}})  # type: ignore[attr-defined]
        paths = sorted(p.path or "" for p in self._problems(data))
        assert paths == [
            "$.rules[0].when.all[0].origin.countries[0]",
            "$.rules[0].when.all[1].category.categories[0]",
            "$.rules[1].effect",
        ]

    def test_every_field_of_one_object(self) -> None:
        """Bad fields of the same rule are reported together, not only the first."""
        data = self._with(["rules", 0, "when", "all", 0, "origin", "countries"], ["XX"])
        data["rules"][0]["effect"] = "block"  # type: ignore[index]
        paths = sorted(p.path or "" for p in self._problems(data))
        assert paths == ["$.rules[0].effect", "$.rules[0].when.all[0].origin.countries[0]"]

    def test_strings_are_not_cast(self) -> None:
        """`"false"` is not a boolean: a file's types are checked, not coerced."""
        data = self._with(["rules", 0, "when"], {"buyer_public": {"public": "false"}})
        (problem,) = self._problems(data)
        assert problem.path == "$.rules[0].when.buyer_public.public"
        assert "expected true or false" in problem.message

    def test_missing_field(self) -> None:
        """A missing required field names where it is missing."""
        data = json.loads(json.dumps(self.BASE))
        del data["rules"][0]["effect"]
        (problem,) = self._problems(data)
        assert problem.path == "$.rules[0].effect"
        assert problem.message == "required field missing"

    def test_condition_needs_one_key(self) -> None:
        """A condition object with two keys is refused with an explanation."""
        data = self._with(["rules", 0, "when"], {"origin": {"countries": ["CN"]}, "any": []})
        (problem,) = self._problems(data)
        assert "exactly one key" in problem.message


class TestNewConditionKinds:
    """The condition kinds for ultimate owners, dated facts and acquisition dates in files."""

    def _problems(self, when: object) -> list[VendorPolicyError]:
        data = {"id": "s", "version": "1", "rules": [{"id": "r", "effect": "deny", "when": when}]}
        with pytest.raises(InvalidDataError) as info:
            rule_set_from_dict(data)
        return list(info.value.problems)

    def test_tags_are_stable(self) -> None:
        """The tags are part of the file format: these exact names, never the class names."""
        from vendorpolicy._convert import TAGS
        from vendorpolicy.predicates import (
            AcquiredOnOrAfter,
            FactOnOrAfter,
            FactOnOrAfterDecision,
            FactOnOrBeforeDecision,
            UltimateOwnerOrigin,
        )

        assert {
            TAGS[UltimateOwnerOrigin],
            TAGS[FactOnOrAfter],
            TAGS[FactOnOrAfterDecision],
            TAGS[FactOnOrBeforeDecision],
            TAGS[AcquiredOnOrAfter],
        } == {
            "ultimate_owner_origin",
            "fact_on_or_after",
            "fact_on_or_after_decision",
            "fact_on_or_before_decision",
            "acquired_on_or_after",
        }

    def test_written_form(self) -> None:
        """Each new condition is written as documented in docs/files.md."""
        from vendorpolicy import fact, purchase, vendor

        assert unstructure(vendor.ultimate_owner.origin.in_({"CN"})) == {
            "ultimate_owner_origin": {"countries": ["CN"]}
        }
        assert unstructure(fact("w").on_or_after("2021-08-13", if_missing=False)) == {
            "fact_on_or_after": {"name": "w", "date": "2021-08-13", "if_missing": False}
        }
        assert unstructure(fact("w").before_decision_date()) == {
            "not": {"fact_on_or_after_decision": {"name": "w"}}
        }
        assert unstructure(fact("w").on_or_before_decision_date(if_missing=True)) == {
            "fact_on_or_before_decision": {"name": "w", "if_missing": True}
        }
        assert unstructure(purchase.acquired.before("2019-08-13")) == {
            "not": {"acquired_on_or_after": {"date": "2019-08-13"}}
        }

    @pytest.mark.parametrize(
        ("when", "path", "message"),
        [
            (
                {"fact_on_or_after": {"name": "w", "date": "13/08/2019"}},
                "$.rules[0].when.fact_on_or_after.date",
                "not a date `13/08/2019`",
            ),
            (
                {"fact_on_or_after": {"name": "w"}},
                "$.rules[0].when.fact_on_or_after.date",
                "required field missing",
            ),
            (
                {"fact_on_or_after_decision": {"name": "w", "if_missing": "no"}},
                "$.rules[0].when.fact_on_or_after_decision.if_missing",
                "expected true or false, got str `no`",
            ),
            (
                {"fact_on_or_before_decision": {"name": "Waiver Granted"}},
                "$.rules[0].when.fact_on_or_before_decision.name",
                "invalid id `Waiver Granted`: use lowercase letters, digits and `-_.`",
            ),
            (
                {"acquired_on_or_after": {"date": 20190813}},
                "$.rules[0].when.acquired_on_or_after.date",
                "expected a date, got int `20190813`",
            ),
            (
                {"ultimate_owner_origin": {"countries": []}},
                "$.rules[0].when.ultimate_owner_origin.countries",
                "empty set: the condition could never be true",
            ),
            (
                {"fact": {"name": "w", "values": ["2021-02-30"]}},
                "$.rules[0].when.fact.values[0]",
                "not a date `2021-02-30`",
            ),
        ],
    )
    def test_bad_values_located(self, when: object, path: str, message: str) -> None:
        """A bad value in a new condition is reported at its path with its message."""
        (problem,) = self._problems(when)
        assert (problem.path, problem.message) == (path, message)

    def test_unknown_key_suggests(self) -> None:
        """A misspelt key in a new condition suggests the right one."""
        (problem,) = self._problems({"fact_on_or_after_decision": {"name": "w", "if_mising": True}})
        assert (problem.message, problem.hint) == (
            "unknown key `if_mising`",
            "did you mean `if_missing`?",
        )
        (problem,) = self._problems({"ultimate_owner": {"countries": ["CN"]}})
        assert problem.hint == "did you mean `ultimate_owner_origin`?"

    def test_toml_native_dates(self) -> None:
        """TOML dates work wherever a date is expected, fact values included."""
        from vendorpolicy import fact, parse_rule_set

        text = (
            'format_version = 1\nid = "s"\nversion = "1"\n\n[[rules]]\nid = "r"\n'
            'effect = "deny"\nwhen = { all = [\n'
            '    { fact_on_or_after = { name = "w", date = 2021-08-13 } },\n'
            '    { fact = { name = "g", values = [2020-01-01] } },\n] }\n'
        )
        (rule,) = parse_rule_set(text).rules
        assert rule.when == fact("w").on_or_after("2021-08-13") & fact("g").in_("2020-01-01")

    def test_purchase_data(self) -> None:
        """A purchase's acquisition date and date facts are read from text and checked."""
        base = {"buyer": {"id": "b", "public": True, "sector": "other"}}
        p = purchase_from_dict(
            {**base, "date": "2022-01-01", "acquired": "2018-03-01", "facts": {"w": "2023-01-31"}}
        )
        assert (p.acquired, p.facts["w"]) == (dt.date(2018, 3, 1), dt.date(2023, 1, 31))
        cases = [
            ({"acquired": "2018/03/01"}, "$.acquired", "not a date `2018/03/01`"),
            ({"facts": {"w": "2021-02-30"}}, "$.facts['w']", "not a date `2021-02-30`"),
            (
                {"date": "2020-01-01", "acquired": "2021-01-01"},
                "$.acquired",
                "the equipment was acquired (2021-01-01) after the purchase date (2020-01-01)",
            ),
        ]
        for extra, path, message in cases:
            with pytest.raises(InvalidDataError) as info:
                purchase_from_dict({**base, **extra})
            (problem,) = info.value.problems
            assert (problem.path, problem.message) == (path, message)


class TestQuantifierIfUndeclared:
    """`any_component`/`all_components` with `if_undeclared`: the long form in files."""

    def _problems(self, when: object) -> list[VendorPolicyError]:
        data = {"id": "s", "version": "1", "rules": [{"id": "r", "effect": "deny", "when": when}]}
        with pytest.raises(InvalidDataError) as info:
            rule_set_from_dict(data)
        return list(info.value.problems)

    def test_written_forms(self) -> None:
        """Without the option a quantifier is written as before (its condition alone), so older
        files and their digests are unchanged; with it, as `predicate` and `if_undeclared`."""
        from vendorpolicy import components, vendor

        inner = vendor.designated("covered")
        assert unstructure(components.any(inner)) == {
            "any_component": {"designated": {"designations": ["covered"]}}
        }
        assert unstructure(components.all(inner, if_undeclared=True)) == {
            "all_components": {
                "predicate": {"designated": {"designations": ["covered"]}},
                "if_undeclared": True,
            }
        }

    def test_buyer_country_if_missing_written(self) -> None:
        """`buyer_country` writes `if_missing` when set and reads it back."""
        from vendorpolicy import buyer

        node = buyer.country.in_({"JP"}, if_missing=True)
        data = {"buyer_country": {"countries": ["JP"], "if_missing": True}}
        assert unstructure(node) == data
        rules = [{"id": "r", "effect": "deny", "when": data}]
        (rule,) = rule_set_from_dict({"id": "s", "version": "1", "rules": rules}).rules
        assert rule.when == node

    def test_long_form_without_option_reads(self) -> None:
        """The long form without `if_undeclared` reads as the short form."""
        from vendorpolicy import components, vendor

        when = {"any_component": {"predicate": {"designated": {"designations": ["covered"]}}}}
        data = {"id": "s", "version": "1", "rules": [{"id": "r", "effect": "deny", "when": when}]}
        (rule,) = rule_set_from_dict(data).rules
        assert rule.when == components.any(vendor.designated("covered"))

    @pytest.mark.parametrize(
        ("when", "path", "message", "hint"),
        [
            (
                {"any_component": {"predicate": {"always": {}}, "if_undeclared": "no"}},
                "$.rules[0].when.any_component.if_undeclared",
                "expected true or false, got str `no`",
                None,
            ),
            (
                {"all_components": {"if_undeclared": False}},
                "$.rules[0].when.all_components.predicate",
                "required field missing",
                "add it",
            ),
            (
                {"any_component": {"predicat": {"always": {}}, "if_undeclared": False}},
                "$.rules[0].when.any_component",
                "unknown key `predicat`",
                "did you mean `predicate`?",
            ),
            (
                {
                    "any_component": {
                        "predicate": {"origin": {"countries": ["CNN"]}},
                        "if_undeclared": True,
                    }
                },
                "$.rules[0].when.any_component.predicate.origin.countries[0]",
                "unknown country code `CNN`",
                "did you mean `CN`?",
            ),
        ],
    )
    def test_bad_long_forms_located(
        self, when: object, path: str, message: str, hint: str | None
    ) -> None:
        """A bad long form is reported at its path, with its message and hint."""
        problems = self._problems(when)
        assert [(p.path, p.message, p.hint) for p in problems if p.path == path] == [
            (path, message, hint)
        ]
