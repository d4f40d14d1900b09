"""Country codes: the ISO 3166-1 list, and `EU` as the one exceptional code, for buyers only."""

from __future__ import annotations

import itertools
import json
import string
from pathlib import Path

import pytest

from vendorpolicy import (
    Buyer,
    Entity,
    Purchase,
    Rule,
    RuleSet,
    Vendor,
    buyer,
    dump_rule_set,
    parse_rule_set,
    purchase_from_dict,
    read_ledger,
    rule_set_from_dict,
    rule_set_schema,
    vendor,
)
from vendorpolicy._codes import COUNTRY_CODES
from vendorpolicy.errors import InvalidDataError, InvalidValueError, VendorPolicyError

#: Every two-letter uppercase string: the codes, the reserved ones and the unassigned.
ALL_PAIRS = ["".join(p) for p in itertools.product(string.ascii_uppercase, repeat=2)]


def _buyer(country: str | None) -> Buyer:
    return Buyer(id="b", public=True, sector="public-agency", country=country)


def _accepted(build: object) -> bool:
    try:
        build()  # type: ignore[operator]
    except VendorPolicyError:
        return False
    return True


class TestExceptionalCode:
    def test_eu_is_a_buyers_country(self) -> None:
        """A buyer may be the European Union itself, and a condition can name it."""
        commission = _buyer("EU")
        assert commission.country == "EU"
        assert buyer.country.in_({"EU"}).evaluate(Purchase(buyer=commission)) is True

    def test_eu_does_not_match_member_states(self) -> None:
        """`buyer.country.in_({"EU"})` is the Union's own institutions, not buyers in Germany."""
        assert buyer.country.in_({"EU"}).evaluate(Purchase(buyer=_buyer("DE"))) is False
        assert buyer.country.in_({"DE"}).evaluate(Purchase(buyer=_buyer("EU"))) is False

    def test_eu_is_not_a_vendors_origin(self) -> None:
        """A vendor is established in a member state: `EU` is refused with the fix."""
        with pytest.raises(InvalidValueError) as info:
            Vendor(id="x", country="EU")
        assert info.value.path == "Vendor.country"
        assert info.value.message == "`EU` is accepted only as a buyer's country"
        assert info.value.hint == (
            "a vendor is established in a country: give the member state, such as `DE`"
        )

    @pytest.mark.parametrize(
        ("build", "path"),
        [
            (lambda: vendor.origin.in_(["CN", "EU"]), "VendorOrigin.countries[1]"),
            (
                lambda: vendor.origin.in_(["EU"], through_ownership=True),
                "VendorOrigin.countries[0]",
            ),
            (lambda: vendor.ultimate_owner.origin.in_(["EU"]), "UltimateOwnerOrigin.countries[0]"),
            (lambda: Entity(id="e", name="E", country="EU"), "Entity.country"),
        ],
    )
    def test_eu_refused_in_origin_conditions(self, build: object, path: str) -> None:
        """An origin condition on `EU` could never match a vendor: refused, naming the item."""
        with pytest.raises(InvalidValueError, match="only as a buyer's country") as info:
            build()  # type: ignore[operator]
        assert info.value.path == path

    def test_every_pair_brute_force(self) -> None:
        """Of all 676 two-letter strings, a buyer takes exactly the ISO codes and `EU`; a
        vendor and every origin condition exactly the ISO codes."""
        buyers = {c for c in ALL_PAIRS if _accepted(lambda c=c: _buyer(c))}
        vendors = {c for c in ALL_PAIRS if _accepted(lambda c=c: Vendor(id="v", country=c))}
        conditions = {c for c in ALL_PAIRS if _accepted(lambda c=c: buyer.country.in_({c}))}
        origins = {c for c in ALL_PAIRS if _accepted(lambda c=c: vendor.origin.in_({c}))}
        assert len(COUNTRY_CODES) == 249
        assert buyers == conditions == COUNTRY_CODES | {"EU"}
        assert vendors == origins == COUNTRY_CODES


class TestOtherCodesStillRefused:
    @pytest.mark.parametrize(
        ("code", "hint"),
        [
            ("eu", "did you mean `EU`?"),
            ("UK", "ISO 3166-1 writes `GB`"),
            ("EL", "ISO 3166-1 writes `GR`"),
            ("XX", "use an ISO 3166-1 alpha-2 code such as `JP`"),
        ],
    )
    def test_buyer_country_hint(self, code: str, hint: str) -> None:
        """A code that is neither ISO nor `EU` is refused with what to write instead."""
        with pytest.raises(InvalidValueError) as info:
            _buyer(code)
        assert (info.value.message, info.value.path, info.value.hint) == (
            f"unknown country code `{code}`",
            "Buyer.country",
            hint,
        )

    def test_vendor_country_hint(self) -> None:
        """`UK` on a vendor names `GB`; a lowercase code names its capitals."""
        with pytest.raises(InvalidValueError, match="ISO 3166-1 writes `GB`"):
            Vendor(id="x", country="UK")
        with pytest.raises(InvalidValueError, match="did you mean `CN`"):
            Vendor(id="x", country="cn")

    def test_condition_hint(self) -> None:
        """In a buyer-country condition the position of the bad code is named."""
        with pytest.raises(InvalidValueError) as info:
            buyer.country.in_(["EU", "UK"])
        assert info.value.path == "BuyerCountry.countries[1]"
        assert info.value.hint == "ISO 3166-1 writes `GB`"


class TestInFiles:
    def test_rule_file_with_eu_buyer_loads_and_round_trips(self) -> None:
        """`buyer_country = ["EU"]` in a rule file loads, and writes back the same."""
        rs = RuleSet(
            id="eu",
            version="1",
            rules=[Rule(id="own", when=buyer.country.in_({"EU"}), effect="review")],
        )
        text = dump_rule_set(rs)
        assert '{ buyer_country = { countries = ["EU"] } }' in text
        assert parse_rule_set(text) == rs

    def test_origin_eu_in_a_file_is_located(self) -> None:
        """`EU` as an origin in a file is reported at its path and line."""
        text = (
            'format_version = 1\nid = "x"\nversion = "1"\n\n[[rules]]\nid = "r"\n'
            'when = { origin = { countries = ["CN", "EU"] } }\neffect = "deny"\n'
        )
        with pytest.raises(InvalidDataError) as info:
            parse_rule_set(text, name="rules.toml")
        (problem,) = info.value.problems
        assert problem.message == "`EU` is accepted only as a buyer's country"
        assert problem.path == "rules.toml:7 $.rules[0].when.origin.countries[1]"

    def test_purchase_data(self) -> None:
        """A purchase's buyer may be in `EU`, its vendor may not."""
        data = {
            "buyer": {"id": "ec", "public": True, "sector": "public-agency", "country": "EU"},
            "vendor": {"id": "v", "country": "EU"},
        }
        with pytest.raises(InvalidDataError) as info:
            purchase_from_dict(data)
        (problem,) = info.value.problems
        assert (problem.path, problem.message) == (
            "$.vendor.country",
            "`EU` is accepted only as a buyer's country",
        )
        del data["vendor"]
        assert purchase_from_dict(data).buyer.country == "EU"

    def test_schema_allows_eu_only_for_buyers(self) -> None:
        """The JSON Schema lists `EU` for buyer-country conditions and not for origins."""
        defs = rule_set_schema()["$defs"]
        buyer_items = defs["condition-buyer_country"]["properties"]["buyer_country"]
        origin_items = defs["condition-origin"]["properties"]["origin"]
        owner_items = defs["condition-ultimate_owner_origin"]["properties"]["ultimate_owner_origin"]
        assert "EU" in buyer_items["properties"]["countries"]["items"]["enum"]
        assert "EU" not in origin_items["properties"]["countries"]["items"]["enum"]
        assert "EU" not in owner_items["properties"]["countries"]["items"]["enum"]
        assert "CN" in owner_items["properties"]["countries"]["items"]["enum"]

    def test_rule_set_data_reports_each_bad_code(self) -> None:
        """Every misplaced or unknown code in a document is reported at once."""
        data = {
            "id": "x",
            "version": "1",
            "rules": [
                {
                    "id": "r",
                    "effect": "deny",
                    "when": {
                        "all": [
                            {"buyer_country": {"countries": ["EU", "UK"]}},
                            {"ultimate_owner_origin": {"countries": ["EU"]}},
                        ]
                    },
                }
            ],
        }
        with pytest.raises(InvalidDataError) as info:
            rule_set_from_dict(json.loads(json.dumps(data)))
        found = sorted((p.path or "", p.message) for p in info.value.problems)
        assert found == [
            (
                "$.rules[0].when.all[0].buyer_country.countries[1]",
                "unknown country code `UK`",
            ),
            (
                "$.rules[0].when.all[1].ultimate_owner_origin.countries[0]",
                "`EU` is accepted only as a buyer's country",
            ),
        ]

    def test_ledger_columns(self, tmp_path: Path) -> None:
        """In a ledger, `EU` is a buyer's country; as a vendor's it is an error naming the
        column."""
        path = tmp_path / "ledger.csv"
        path.write_text(
            "buyer_id,buyer_public,buyer_sector,buyer_country,vendor_id,vendor_country\n"
            "ec,true,public-agency,EU,acme,SE\n"
            "ec,true,public-agency,EU,acme,EU\n",
            encoding="utf-8",
        )
        good, bad = read_ledger(path)
        assert good.purchase.buyer.country == "EU"  # type: ignore[union-attr]
        assert bad.errors == (  # type: ignore[union-attr]
            (
                "column `vendor_country`: `EU` is accepted only as a buyer's country (a vendor "
                "is established in a country: give the member state, such as `DE`)"
            ),
        )
