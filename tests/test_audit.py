"""The audit record: Decision.to_json and from_json, its schema, and replay."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vendorpolicy
import vendorpolicy.predicates
from vendorpolicy import (
    Buyer,
    Case,
    Decision,
    Effect,
    Purchase,
    Rule,
    RuleSet,
    Vendor,
    dump_rule_set,
    fact,
    vendor,
)
from vendorpolicy._audit import (
    decision_record,
    decision_schema,
    purchase_digest,
    replay,
    result_schema,
)
from vendorpolicy._cli import EXIT_DENIED, EXIT_INPUT, EXIT_OK, main
from vendorpolicy._ledger import LedgerRow, screen, write_results
from vendorpolicy._samples import sample_purchases, sample_rule_set
from vendorpolicy._trace import Trace
from vendorpolicy.errors import AuditRecordError, InvalidDataError
from vendorpolicy.testing import purchases, purchases_for, registries, rule_sets

DECISION_SCHEMA = jsonschema.Draft202012Validator(
    decision_schema(), format_checker=jsonschema.FormatChecker()
)
RESULT_SCHEMA = jsonschema.Draft202012Validator(
    result_schema(), format_checker=jsonschema.FormatChecker()
)


@st.composite
def decisions(draw: st.DrawFn, *, registry: bool = True) -> tuple[RuleSet, Purchase, Decision]:
    """A generated rule set, a purchase aimed at it, and its decision (sometimes against a
    generated registry, never with ``registry=False``)."""
    rs = draw(rule_sets())
    drawn = draw(st.none() | registries(max_entities=4)) if registry else None
    p = draw(purchases_for(rs, registry=drawn))
    as_of = draw(st.none() | st.dates(dt.date(2018, 1, 1), dt.date(2026, 12, 31)))
    return rs, p, rs.evaluate(p, as_of=as_of, registry=drawn)


#: For properties of decisions made without a registry: two thirds of the profile's examples,
#: as many as reached them when they drew ``decisions()`` and passed over the third that had a
#: registry (134 of 200 in the ci profile); drawn without one, each is also cheaper.
WITHOUT_REGISTRY = settings(max_examples=max(10, settings.default.max_examples * 2 // 3))


def _atoms(trace: Trace) -> list[Trace]:
    return [t for t in trace.walk() if t.fact]


def _traces(decision: Decision) -> list[Trace]:
    out: list[Trace] = []
    for r in decision.results:
        for t in (r.condition, r.exception, *r.cases):
            if t is not None:
                out.extend(t.walk())
    return out


class TestRoundTrip:
    @given(decisions())
    def test_record_reads_back_to_the_same_decision(
        self, drawn: tuple[RuleSet, Purchase, Decision]
    ) -> None:
        """from_json(to_json(d)) is d, and writes the same record again, with or without the
        purchase in it."""
        _, p, d = drawn
        for include in (False, True):
            text = d.to_json(include_purchase=include)
            back = Decision.from_json(text)
            assert back == d
            assert back.to_json(include_purchase=include) == text
            assert back.evaluated is not None
            assert (back.evaluated.purchase == p) is include
        assert vendorpolicy.unstructure(d) == d.to_dict()

    @given(decisions())
    def test_record_carries_what_the_decision_was_made_on(
        self, drawn: tuple[RuleSet, Purchase, Decision]
    ) -> None:
        """The record names the purchase by the SHA-256 of its canonical JSON, the registry by
        id and version, and the library version."""
        _, p, d = drawn
        record = json.loads(d.to_json(include_purchase=True))
        canonical = json.dumps(
            record["purchase"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        assert (
            record["purchase_digest"] == "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
        )
        assert vendorpolicy.unstructure(p) == record["purchase"]
        assert record["library_version"] == vendorpolicy.__version__
        resolved = {r["registry"] for r in record["resolutions"]}
        if record["registry"] is None:
            assert not resolved
        else:
            assert resolved <= {f"{record['registry']['id']}@{record['registry']['version']}"}

    @given(purchases(), purchases())
    def test_digest_tells_purchases_apart(self, a: Purchase, b: Purchase) -> None:
        """Two purchases share a digest exactly when they are equal."""
        assert (purchase_digest(a) == purchase_digest(b)) is (a == b)

    def test_evaluated_is_not_part_of_the_value(self) -> None:
        """Two decisions on equal purchases are equal; what they were made on is left out of
        equality, hashing and repr."""
        rules = sample_rule_set()
        p = sample_purchases()[0]
        a, b = rules.evaluate(p), rules.evaluate(attrs.evolve(p, description="changed"))
        assert a == b
        assert hash(a) == hash(b)
        assert "evaluated" not in repr(a)
        assert (
            json.loads(a.to_json())["purchase_digest"] != json.loads(b.to_json())["purchase_digest"]
        )

    def test_custom_predicates_read_back_with_or_without_their_function(self) -> None:
        """A record naming a custom predicate reads back with the function given; without it,
        the predicate has no answer, and says so."""
        no_sbom = vendorpolicy.custom("no-sbom")(lambda p: p.facts.get("sbom") is None)
        rules = RuleSet(
            id="c", version="1", rules=[Rule(id="r", when=no_sbom, effect=Effect.REVIEW)]
        )
        p = Purchase(buyer=Buyer(id="b", public=True, sector="other"))
        d = rules.evaluate(p)
        assert Decision.from_json(d.to_json(), customs=[no_sbom]) == d
        placeholder = Decision.from_json(d.to_json())
        node = placeholder.results[0].condition
        assert node is not None
        assert isinstance(node.predicate, vendorpolicy.predicates.Custom)
        assert node.predicate.function(p) is None
        assert "not given" in node.predicate.description
        assert placeholder.to_json() == d.to_json()


class TestStructuredRecord:
    @WITHOUT_REGISTRY
    @given(decisions(registry=False))
    def test_observed_values_are_the_facts_read(
        self, drawn: tuple[RuleSet, Purchase, Decision]
    ) -> None:
        """Without a registry, each trace's structured value is the fact it names on the
        purchase: the country, category, buyer country, purpose, value and dates stated."""
        _, p, d = drawn
        assert d.evaluated is not None
        assert d.evaluated.registry_id is None
        expected: dict[str, Any] = {
            "vendor.country": None if p.vendor is None else p.vendor.country,
            "category": None if p.category is None else p.category.path,
            "buyer.country": p.buyer.country,
            "buyer.public": p.buyer.public,
            "purchase.purpose": p.purpose,
            "purchase.value": None if p.value is None else vendorpolicy.unstructure(p.value),
            "purchase.date": None if p.date is None else p.date.isoformat(),
            "purchase.acquired": None if p.acquired is None else p.acquired.isoformat(),
        }
        record = json.loads(d.to_json())

        def walk(node: dict[str, Any]) -> None:
            if node.get("fact") in expected:
                assert node["observed_value"] == expected[node["fact"]], node
            for child in node.get("children", []):
                walk(child)

        for result in record["results"]:
            for key in ("condition", "exception"):
                if result[key] is not None:
                    walk(result[key])
            for case in result["cases"]:
                walk(case)

    @given(decisions())
    def test_conditions_are_written_in_file_form(
        self, drawn: tuple[RuleSet, Purchase, Decision]
    ) -> None:
        """The root of each trace carries its condition as files write it: the rule's own."""
        rs, _, d = drawn
        rules = {f"{layer.id}/{r.id}": r for layer in rs.layers() for r in layer.rules}
        for result in json.loads(d.to_json())["results"]:
            rule = rules[f"{result['rule_set']}/{result['rule']}"]
            if result["condition"] is not None:
                assert result["condition"]["condition"] == vendorpolicy.unstructure(rule.when)
            for written, case in zip(result["cases"], rule.cases, strict=False):
                assert written["condition"] == vendorpolicy.unstructure(case.when)

    def test_case_reason_is_written_when_a_case_decided(self) -> None:
        """A rule decided by a case records the case's index and its own reason, apart from the
        rule's."""
        rules = RuleSet(
            id="cases",
            version="1",
            rules=[
                Rule(
                    id="cn",
                    when=vendor.origin.in_({"CN"}),
                    effect=Effect.DENY,
                    reason="the rule's reason",
                    cases=[
                        Case(
                            when=fact("action").in_({"maintain"}),
                            effect=Effect.WARN,
                            reason="maintenance is only noted",
                        )
                    ],
                )
            ],
        )
        buyer = Buyer(id="b", public=True, sector="other")
        cn = Vendor(id="v", country="CN")
        noted = json.loads(
            rules.evaluate(Purchase(buyer=buyer, vendor=cn, facts={"action": "maintain"})).to_json()
        )["results"][0]
        assert (noted["case"], noted["case_reason"], noted["rule_reason"]) == (
            0,
            "maintenance is only noted",
            "the rule's reason",
        )
        plain = json.loads(
            rules.evaluate(Purchase(buyer=buyer, vendor=cn, facts={"action": "buy"})).to_json()
        )["results"][0]
        assert (plain["case"], plain["case_reason"]) == (None, None)


class TestSchema:
    @settings(max_examples=25)  # validating against the full schema is slow
    @given(decisions())
    def test_records_validate(self, drawn: tuple[RuleSet, Purchase, Decision]) -> None:
        """Every record, with and without its purchase, is valid under the published schema."""
        _, _, d = drawn
        DECISION_SCHEMA.validate(json.loads(d.to_json()))
        DECISION_SCHEMA.validate(json.loads(d.to_json(include_purchase=True)))

    @pytest.mark.parametrize(
        ("change", "where"),
        [
            (lambda r: r.pop("purchase_digest"), "purchase_digest"),
            (lambda r: r.update(effect="block"), "block"),
            (lambda r: r.update(extra=1), "extra"),
            (lambda r: r["results"][0].update(status="maybe"), "maybe"),
        ],
    )
    def test_schema_refuses_broken_records(self, change: Any, where: str) -> None:
        """A record missing a key, with an unknown effect, an unknown key or a bad status is
        refused by the schema."""
        record = json.loads(sample_rule_set().evaluate(sample_purchases()[3]).to_json())
        DECISION_SCHEMA.validate(record)
        change(record)
        errors = list(DECISION_SCHEMA.iter_errors(record))
        assert errors
        assert any(where in e.message for e in errors)

    def test_schemas_are_valid_and_printed(self) -> None:
        """`vendorpolicy schema decision` and `schema result` print valid draft 2020-12
        schemas."""
        for kind, built in (("decision", decision_schema()), ("result", result_schema())):
            out = io.StringIO()
            assert main(["schema", kind], out=out) == EXIT_OK
            printed = json.loads(out.getvalue())
            jsonschema.Draft202012Validator.check_schema(printed)
            assert printed == json.loads(json.dumps(built))

    def test_result_rows_validate(self) -> None:
        """Ledger result rows, decided and error ones, are valid under the result schema."""
        rules = sample_rule_set()
        rows = [
            LedgerRow(line=i + 2, purchase=p, kept=(("PO", f"4500{i}"),))
            for i, p in enumerate(sample_purchases())
        ]
        out = io.StringIO()
        write_results(screen(rules, rows), out, rule_set=rules, format="jsonl", keep=["PO"])
        lines = [json.loads(line) for line in out.getvalue().splitlines()]
        assert len(lines) == len(rows)
        for line in lines:
            RESULT_SCHEMA.validate(line)
        broken = dict(lines[0], effect="block")
        assert list(RESULT_SCHEMA.iter_errors(broken))


class TestReadErrors:
    def _record(self) -> dict[str, Any]:
        d = sample_rule_set().evaluate(sample_purchases()[3])
        return json.loads(d.to_json(include_purchase=True))  # type: ignore[no-any-return]

    def test_not_json(self) -> None:
        """Text that is not JSON is an AuditRecordError that says so."""
        with pytest.raises(AuditRecordError, match="not JSON"):
            Decision.from_json("{effect: deny")

    @pytest.mark.parametrize(
        ("change", "message", "path"),
        [
            (lambda r: r.pop("effect"), "required key `effect` missing", "$"),
            (lambda r: r.update(basis="luck"), "not a basis `luck`", "$.basis"),
            (
                lambda r: r["results"][0].update(status="maybe"),
                "not a rule status `maybe`",
                "$.results[0].status",
            ),
            (lambda r: r.update(as_of="yesterday"), "not a date `yesterday`", "$.as_of"),
            (lambda r: r.update(record_version=7), "record_version `7`", "$.record_version"),
            (
                lambda r: r["purchase"].update(description="edited"),
                "does not match the record's `purchase_digest`",
                "$.purchase",
            ),
            (
                lambda r: r.update(determining=["x/y"]),
                "determining rule `x/y` is not among the results",
                "$.determining[0]",
            ),
        ],
    )
    def test_broken_records_name_the_problem_and_where(
        self, change: Any, message: str, path: str
    ) -> None:
        """Each broken record is refused with the problem and its path into the record."""
        record = self._record()
        change(record)
        with pytest.raises(AuditRecordError) as caught:
            Decision.from_dict(record)
        assert isinstance(caught.value, InvalidDataError)
        assert isinstance(caught.value, ValueError)
        (problem,) = caught.value.problems
        assert message in problem.message
        assert problem.path == path

    def test_including_a_purchase_the_decision_does_not_hold(self) -> None:
        """A decision read back without its purchase cannot write a record with it."""
        d = sample_rule_set().evaluate(sample_purchases()[0])
        back = Decision.from_json(d.to_json())
        with pytest.raises(vendorpolicy.errors.VendorPolicyError, match="does not hold"):
            back.to_json(include_purchase=True)


def _flip(rs: RuleSet) -> RuleSet:
    """``rs`` with the effect of each of its own rules made one step less severe (DENY stays
    DENY only for ALLOW)."""
    order = [Effect.ALLOW, Effect.WARN, Effect.REVIEW, Effect.DENY]
    return attrs.evolve(
        rs,
        rules=[
            attrs.evolve(r, effect=order[(order.index(r.effect) + 1) % 4], cases=[])
            for r in rs.rules
        ],
    )


class TestReplay:
    @WITHOUT_REGISTRY
    @given(decisions(registry=False))
    def test_replay_under_the_same_rules_agrees(
        self, drawn: tuple[RuleSet, Purchase, Decision]
    ) -> None:
        """Deciding the recorded purchase again, as of the recorded date, gives the record."""
        rs, _, d = drawn
        assert d.evaluated is not None
        # Without a registry: a drawn one would not be at hand by its id (covered below with
        # the bundled one).
        assert d.evaluated.registry_id is None
        (again,) = replay([Decision.from_json(d.to_json(include_purchase=True))], rs)
        assert again.agrees
        assert not again.rule_set_changed

    @WITHOUT_REGISTRY
    @given(decisions(registry=False))
    def test_replay_catches_a_changed_rule_set(
        self, drawn: tuple[RuleSet, Purchase, Decision]
    ) -> None:
        """Replayed under a changed rule set, a record differs exactly where the decisions
        made now differ from the recorded one."""
        rs, _, d = drawn
        assert d.evaluated is not None
        assert d.evaluated.registry_id is None
        if not rs.rules:
            return
        changed = _flip(rs)
        (again,) = replay([Decision.from_json(d.to_json(include_purchase=True))], changed)
        assert again.rule_set_changed
        now = changed.evaluate(d.evaluated.purchase, as_of=d.as_of)  # type: ignore[arg-type]
        before, after = decision_record(d), decision_record(now)
        assert ("effect" in again.differences) is (before["effect"] != after["effect"])
        assert ("results" in again.differences) is (before["results"] != after["results"])

    def test_replay_needs_the_purchase(self) -> None:
        """A record without its purchase cannot be replayed, and the error says how to write
        one that can."""
        d = sample_rule_set().evaluate(sample_purchases()[0])
        with pytest.raises(AuditRecordError, match="include_purchase=True"):
            list(replay([Decision.from_json(d.to_json())], sample_rule_set()))


class TestReplayCommand:
    def _records(self, tmp_path: Path) -> tuple[Path, Path]:
        rules = tmp_path / "rules.toml"
        rules.write_text(dump_rule_set(sample_rule_set()), encoding="utf-8")
        lines = []
        for p in sample_purchases():
            out = io.StringIO()
            ref = tmp_path / f"{p.id}.json"
            ref.write_text(json.dumps(vendorpolicy.unstructure(p)), encoding="utf-8")
            assert (
                main(["explain", "--json", "--include-purchase", str(rules), str(ref)], out=out)
                == 0
            )
            lines.append(json.dumps(json.loads(out.getvalue())))
        records = tmp_path / "records.jsonl"
        records.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return rules, records

    def test_agreeing_records_exit_0(self, tmp_path: Path) -> None:
        """Records replayed under the rules that made them all agree: exit 0."""
        rules, records = self._records(tmp_path)
        out = io.StringIO()
        assert main(["replay", str(rules), str(records)], out=out) == EXIT_OK
        count = len(sample_purchases())
        assert f"{count} records replayed: {count} agree, 0 differ" in out.getvalue()

    def test_a_changed_rule_set_is_reported_and_exits_1(self, tmp_path: Path) -> None:
        """After a DENY rule becomes REVIEW, each formerly denied record is reported with the
        old and new effect: exit 1."""
        rules, records = self._records(tmp_path)
        original = sample_rule_set()
        changed = attrs.evolve(
            original,
            rules=[
                attrs.evolve(r, effect=Effect.REVIEW) if r.effect is Effect.DENY else r
                for r in original.rules
            ],
        )
        rules.write_text(dump_rule_set(changed), encoding="utf-8")
        out = io.StringIO()
        assert main(["replay", str(rules), str(records)], out=out) == EXIT_DENIED
        denied = [p.id for p in sample_purchases() if original.evaluate(p).effect is Effect.DENY]
        now_denied = [p.id for p in sample_purchases() if changed.evaluate(p).effect is Effect.DENY]
        text = out.getvalue()
        for pid in set(denied) - set(now_denied):
            assert f"purchase {pid}: DENY -> REVIEW" in text
        out = io.StringIO()
        assert main(["replay", "--format", "json", str(rules), str(records)], out=out) == 1
        rows = json.loads(out.getvalue())
        assert {r["purchase_id"] for r in rows if not r["agrees"]} >= set(denied) - set(now_denied)
        assert all(r["rule_set_changed"] for r in rows)

    def test_unreadable_record_exits_3(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A broken line is an input error (exit 3) naming the file, the line and the path."""
        rules, records = self._records(tmp_path)
        lines = records.read_text(encoding="utf-8").splitlines()
        broken = json.loads(lines[1])
        del broken["results"]
        lines[1] = json.dumps(broken)
        records.write_text("\n".join(lines), encoding="utf-8")
        assert main(["replay", str(rules), str(records)], out=io.StringIO()) == EXIT_INPUT
        err = capsys.readouterr().err
        assert f"cannot read {records}:2" in err
        assert "required key `results` missing @ $" in err

    def test_pack_records_replay_against_the_bundled_registry(self, tmp_path: Path) -> None:
        """Under --pack, names resolve against the bundled registry, as explain resolved them."""
        ref = tmp_path / "p.json"
        p = Purchase(
            buyer=Buyer(id="b", public=True, sector="central-government"),
            supplier="Huawei Technologies",
            category="telecom",
            date=dt.date(2024, 1, 2),
        )
        ref.write_text(json.dumps(vendorpolicy.unstructure(p)), encoding="utf-8")
        out = io.StringIO()
        code = main(
            ["explain", "--pack", "us-ndaa-889", "--json", "--include-purchase", str(ref)], out=out
        )
        assert code == EXIT_OK
        record = json.loads(out.getvalue())
        assert record["registry"]["id"] == vendorpolicy.bundled_registry().id
        records = tmp_path / "r.json"
        records.write_text(out.getvalue(), encoding="utf-8")
        out = io.StringIO()
        assert main(["replay", "--pack", "us-ndaa-889", str(records)], out=out) == EXIT_OK
        assert "1 record replayed: 1 agree, 0 differ" in out.getvalue()


class TestLedgerRecords:
    LEDGER = (
        "id,buyer_id,buyer_public,buyer_sector,vendor_id,vendor_country,vendor_designations,"
        "category,date\n"
        "p-1,mic,true,central-government,huawei,CN,supply-chain-concern,telecom/network,"
        "2019-06-01\n"
        "p-2,mic,maybe,central-government,nec,JP,,office/furniture,2019-06-01\n"
        "p-3,mic,true,central-government,nec,JP,,office/furniture,2019-06-01\n"
    )

    def test_check_writes_records_that_replay(self, tmp_path: Path) -> None:
        """`check --format records` writes one valid record per row (an error record for the
        unreadable one) with its ledger line and kept columns; replay decides the others again,
        and counts the error record apart."""
        rules = tmp_path / "rules.toml"
        rules.write_text(dump_rule_set(sample_rule_set()), encoding="utf-8")
        ledger = tmp_path / "ledger.csv"
        ledger.write_text(self.LEDGER, encoding="utf-8")
        records = tmp_path / "records.jsonl"
        argv = ["check", str(rules), str(ledger), "--format", "records", "-o", str(records)]
        assert main([*argv, "-q", "--keep", "id"], out=io.StringIO()) == EXIT_INPUT
        lines = [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines()]
        assert [line.get("status") for line in lines] == [None, "error", None]
        for line in (lines[0], lines[2]):
            DECISION_SCHEMA.validate(line)
            back = Decision.from_dict(line)
            assert back.evaluated is not None
            assert back.evaluated.purchase is not None
            assert back == sample_rule_set().evaluate(back.evaluated.purchase)
        assert [line["ledger"] for line in (lines[0], lines[2])] == [
            {"line": 2, "kept": {"id": "p-1"}},
            {"line": 4, "kept": {"id": "p-3"}},
        ]
        out = io.StringIO()
        assert main(["replay", str(rules), str(records)], out=out) == EXIT_OK
        assert "2 records replayed: 2 agree, 0 differ; 1 error record" in out.getvalue()
        assert f"{records}:2" in out.getvalue()
