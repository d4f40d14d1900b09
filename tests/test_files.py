"""Rule-set files: round trips, the canonical digest, located errors, hostile input, the schema."""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vendorpolicy import (
    Effect,
    Limits,
    Rule,
    RuleSet,
    Vocabulary,
    category,
    custom,
    dump_rule_set,
    load_rule_set,
    parse_rule_set,
    rule_set_from_dict,
    rule_set_schema,
    save_rule_set,
    unstructure,
    vendor,
)
from vendorpolicy._convert import MIGRATIONS
from vendorpolicy._samples import sample_rule_set
from vendorpolicy.errors import FileError, InvalidDataError, InvalidValueError, PredicateTypeError
from vendorpolicy.testing import rule_sets

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DATA = Path(__file__).parent.parent / "src" / "vendorpolicy" / "data"
SMALL = RuleSet(
    id="small",
    version="1",
    rules=[
        Rule(
            id="no-cn-telecom",
            when=vendor.origin.in_({"CN"}) & category.within("telecom/network"),
            effect=Effect.DENY,
        )
    ],
)


def problems_of(exc: pytest.ExceptionInfo[InvalidDataError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def shuffled(data: Any, rnd: random.Random) -> Any:
    """The same document with every object's keys in a random order."""
    if isinstance(data, dict):
        items = list(data.items())
        rnd.shuffle(items)
        return {k: shuffled(v, rnd) for k, v in items}
    if isinstance(data, list):
        return [shuffled(v, rnd) for v in data]
    return data


class TestRoundTrip:
    @given(rule_sets())
    def test_json_round_trip(self, rs: RuleSet) -> None:
        """Loading the JSON a rule set dumps to gives an equal rule set."""
        assert parse_rule_set(dump_rule_set(rs, "json"), format="json") == rs

    @given(rule_sets())
    def test_toml_round_trip(self, rs: RuleSet) -> None:
        """Loading the TOML a rule set dumps to gives an equal rule set."""
        assert parse_rule_set(dump_rule_set(rs, "toml"), format="toml") == rs

    @given(rule_sets())
    def test_toml_and_json_hold_the_same_document(self, rs: RuleSet) -> None:
        """The TOML writer writes exactly the document, as tomllib reads it."""
        assert tomllib.loads(dump_rule_set(rs, "toml")) == json.loads(dump_rule_set(rs, "json"))

    @given(st.text(max_size=30))
    def test_any_text_survives_toml(self, text: str) -> None:
        """Quotes, backslashes, control characters and non-ASCII text are escaped for TOML."""
        text = "".join(ch for ch in text if not 0xD800 <= ord(ch) <= 0xDFFF)
        rs = RuleSet(id="t", version="1", title=text, description=text + "\n")
        assert parse_rule_set(dump_rule_set(rs, "toml"), format="toml") == rs

    def test_save_and_load_by_suffix(self, tmp_path: Path) -> None:
        """save_rule_set picks the format from the suffix, and load_rule_set reads it back."""
        for name in ("rules.toml", "rules.json"):
            save_rule_set(SMALL, tmp_path / name)
            assert load_rule_set(tmp_path / name) == SMALL
        assert (tmp_path / "rules.json").read_text().lstrip().startswith("{")

    def test_custom_predicates_are_named_and_handed_back(self) -> None:
        """A custom predicate is saved by name and must be passed to the loader."""

        @custom("has-sbom")
        def has_sbom(p: object) -> bool | None:
            return True

        rs = RuleSet(id="c", version="1", rules=[Rule(id="r", when=has_sbom, effect="review")])
        text = dump_rule_set(rs)
        assert parse_rule_set(text, customs=[has_sbom]) == rs
        with pytest.raises(InvalidDataError) as exc:
            parse_rule_set(text, name="c.toml")
        assert "unknown custom predicate `has-sbom`" in problems_of(exc)[0]
        assert "$.rules[0].when.custom" in problems_of(exc)[0]


class TestDigest:
    @given(rule_sets(), st.randoms(use_true_random=False), st.sampled_from([None, 1, 4]))
    def test_digest_ignores_key_order_and_whitespace(
        self, rs: RuleSet, rnd: random.Random, indent: int | None
    ) -> None:
        """A document with its keys reordered and its layout changed loads to the same digest."""
        text = json.dumps(shuffled(unstructure(rs), rnd), indent=indent)
        assert parse_rule_set(text).digest == rs.digest

    @given(rule_sets())
    def test_digest_same_from_toml_and_json(self, rs: RuleSet) -> None:
        """The digest does not depend on the file format."""
        from_toml = parse_rule_set(dump_rule_set(rs, "toml"), format="toml")
        from_json = parse_rule_set(dump_rule_set(rs, "json"), format="json")
        assert from_toml.digest == from_json.digest == rs.digest

    def test_digest_is_sha256_of_canonical_document(self) -> None:
        """The digest hashes the canonical JSON of the file's document, format_version and all."""
        import hashlib

        document = json.loads(dump_rule_set(SMALL, "json"))
        canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert SMALL.digest == "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
        assert document["format_version"] == 1


class TestDoneWhen:
    def test_typo_is_named_with_its_line_then_fixed_loads_equal(self, tmp_path: Path) -> None:
        """Saved as TOML, a hand-made typo is reported with its line, path and the typo; fixed,
        the file loads equal to the original."""
        path = tmp_path / "rules.toml"
        save_rule_set(SMALL, path)
        original = path.read_text()
        lines = original.splitlines()
        number = next(i for i, line in enumerate(lines, 1) if "countries" in line)
        path.write_text(original.replace("countries", "contries"))
        with pytest.raises(InvalidDataError) as exc:
            load_rule_set(path)
        missing, typo = sorted(exc.value.problems, key=lambda p: p.message)
        assert typo.message == "unknown key `contries`"
        assert typo.path == f"{path}:{number} $.rules[0].when.all[0].origin"
        assert typo.hint == "did you mean `countries`?"
        # With the key misspelt, the real one is missing: reported too, in the same object.
        assert missing.message == "required field missing"
        assert missing.path is not None
        assert missing.path.endswith(" $.rules[0].when.all[0].origin.countries")
        path.write_text(original)
        assert load_rule_set(path) == SMALL

    def test_all_problems_reported_at_once(self) -> None:
        """Every problem in a file is reported, not only the first."""
        text = dump_rule_set(SMALL).replace('"deny"', '"dny"').replace('"CN"', '"CNN"')
        text = text.replace('id = "small"', 'id = "Small"')
        with pytest.raises(InvalidDataError) as exc:
            parse_rule_set(text, name="r.toml")
        found = problems_of(exc)
        assert len(found) == 3
        assert any("invalid id `Small`" in p and "$.id" in p for p in found)
        assert any("unknown effect `dny`" in p and "$.rules[0].effect" in p for p in found)
        assert any(
            "unknown country code `CNN`" in p and "$.rules[0].when.all[0].origin.countries[0]" in p
            for p in found
        )


def load_json(document: Any, **options: Any) -> RuleSet:
    return parse_rule_set(json.dumps(document, indent=2), name="r.json", **options)


def document(**changes: Any) -> dict[str, Any]:
    base = json.loads(dump_rule_set(SMALL, "json"))
    base.update(changes)
    return base


def rule(**changes: Any) -> dict[str, Any]:
    base = json.loads(dump_rule_set(SMALL, "json"))["rules"][0]
    base.update(changes)
    return base


class TestErrorPaths:
    """Each kind of problem, with the message and the path it reports."""

    @pytest.mark.parametrize(
        ("doc", "message", "path", "hint"),
        [
            (document(titel="x"), "unknown key `titel`", "$", "did you mean `title`?"),
            (
                document(rules=[rule(id=None)]),
                "expected text, got NoneType `None`",
                "$.rules[0].id",
                None,
            ),
            (
                document(rules=[{k: v for k, v in rule().items() if k != "effect"}]),
                "required field missing",
                "$.rules[0].effect",
                "add it",
            ),
            (
                document(rules=[rule(when={"origin": {"countries": ["CN"]}, "x": 1})]),
                (
                    "a condition must be an object with exactly one key naming its kind, "
                    "found keys `origin`, `x`"
                ),
                "$.rules[0].when",
                'e.g. `{"origin": {"countries": ["CN"]}}`; combine several with `all`/`any`',
            ),
            (
                document(rules=[rule(when={"orgin": {"countries": ["CN"]}})]),
                "unknown condition kind `orgin`",
                "$.rules[0].when",
                "did you mean `origin`?",
            ),
            (
                document(
                    rules=[rule(when={"all": [{"always": {}}, {"origin": {"countries": []}}]})]
                ),
                "empty set: the condition could never be true",
                "$.rules[0].when.all[1].origin.countries",
                "name at least one value, or drop the condition",
            ),
            (
                document(rules=[rule(in_force_from="2020-13-01")]),
                "not a date `2020-13-01`",
                "$.rules[0].in_force_from",
                "write dates as `YYYY-MM-DD`",
            ),
            (
                document(rules=[rule(), rule()]),
                "duplicate rule id `no-cn-telecom` (also rules[0])",
                "$.rules[1].id",
                "give every rule in a set its own id",
            ),
            (
                document(rules=[rule(obligations=[3])]),
                "expected text, got int `3`",
                "$.rules[0].obligations[0]",
                None,
            ),
            (
                document(rules={"r": 1}),
                "expected a list, got dict `{'r': 1}`",
                "$.rules",
                None,
            ),
        ],
    )
    def test_problem_named_with_path(
        self, doc: dict[str, Any], message: str, path: str, hint: str | None
    ) -> None:
        """The problem names the bad value, the file, the line and the path, with a hint."""
        with pytest.raises(InvalidDataError) as exc:
            load_json(doc)
        problems = exc.value.problems
        assert [p.message for p in problems] == [message]
        assert problems[0].path is not None
        assert problems[0].path.split(" ")[-1] == path
        assert problems[0].path.startswith("r.json")
        assert problems[0].hint == hint

    def test_unknown_category_suggests_known(self) -> None:
        """With a vocabulary, an unknown category is reported at its index with the closest."""
        vocabulary = Vocabulary(categories=["telecom/network/router", "it/server"])
        text = dump_rule_set(SMALL, "json").replace("telecom/network", "telecom/netwrk")
        with pytest.raises(InvalidDataError) as exc:
            parse_rule_set(text, vocabulary=vocabulary, name="r.json")
        (problem,) = exc.value.problems
        assert problem.message == "unknown category `telecom/netwrk`"
        assert problem.path is not None
        assert problem.path.endswith("$.rules[0].when.all[1].category.categories[0]")
        assert problem.hint == "did you mean `telecom/network`?"

    def test_unknown_designation_reported(self) -> None:
        """With a vocabulary, an unknown designation is reported at its index."""
        rs = RuleSet(
            id="d",
            version="1",
            rules=[Rule(id="r", when=vendor.designated({"covered", "coverd"}), effect="deny")],
        )
        with pytest.raises(InvalidDataError) as exc:
            parse_rule_set(dump_rule_set(rs), vocabulary=Vocabulary(designations=["covered"]))
        (problem,) = exc.value.problems
        assert problem.message == "unknown designation `coverd`"
        assert problem.path is not None
        # Sets are written sorted: `coverd` comes first in the file.
        assert problem.path.endswith("$.rules[0].when.designated.designations[0]")
        assert problem.hint == "did you mean `covered`?"

    def test_vocabulary_accepts_known_and_ancestors(self) -> None:
        """Known categories and their ancestors pass the vocabulary check."""
        vocabulary = Vocabulary(categories=["telecom/network/router"], designations=[])
        assert parse_rule_set(dump_rule_set(SMALL), vocabulary=vocabulary) == SMALL


class TestFormatVersion:
    def test_missing(self) -> None:
        """A document without format_version says how to add it."""
        doc = document()
        del doc["format_version"]
        with pytest.raises(InvalidDataError) as exc:
            load_json(doc)
        (problem,) = exc.value.problems
        assert problem.message == "required key `format_version` missing"
        assert problem.hint == "add `format_version = 1` at the top of the file"

    def test_newer(self) -> None:
        """A document from a newer library is refused with the advice to upgrade."""
        with pytest.raises(InvalidDataError) as exc:
            load_json(document(format_version=2))
        (problem,) = exc.value.problems
        assert (
            problem.message == "format_version `2` is newer than this vendorpolicy reads (up to 1)"
        )
        assert problem.path == "r.json:2 $.format_version"
        assert problem.hint == "upgrade vendorpolicy to read this file"

    def test_older_without_migration(self) -> None:
        """A version no migration reaches says where migration is documented."""
        with pytest.raises(InvalidDataError) as exc:
            load_json(document(format_version=0))
        (problem,) = exc.value.problems
        assert "format_version `0` cannot be read" in problem.message
        assert problem.hint == "see 'Format versions and migration' in docs/files.md"

    def test_older_with_migration_loads(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An older document is brought up to date by the registered migrations."""

        def rename_name_to_title(doc: dict[str, Any]) -> dict[str, Any]:
            doc = dict(doc)
            doc["title"] = doc.pop("name")
            return doc

        monkeypatch.setitem(MIGRATIONS, 0, rename_name_to_title)
        doc = document(format_version=0, name="Old title")
        assert load_json(doc) == RuleSet(
            id="small", version="1", rules=SMALL.rules, title="Old title"
        )

    def test_not_a_number(self) -> None:
        """A format_version that is not a whole number is refused at its path."""
        with pytest.raises(InvalidDataError) as exc:
            load_json(document(format_version="1"))
        assert (
            exc.value.problems[0].message == "`format_version` must be a whole number, got str `1`"
        )


class TestHostileInput:
    def test_binary(self) -> None:
        """Binary data is refused as such."""
        with pytest.raises(InvalidDataError) as exc:
            parse_rule_set(b"\x89PNG\r\n\x1a\n\x00\x00", name="x.toml")
        assert exc.value.problems[0].message == "binary data (a NUL byte) where text was expected"

    def test_utf16(self) -> None:
        """A UTF-16 file is refused with the advice to save it as UTF-8."""
        with pytest.raises(InvalidDataError) as exc:
            parse_rule_set(dump_rule_set(SMALL).encode("utf-16"), name="x.toml")
        assert exc.value.problems[0].message == "the file is UTF-16 text"
        assert exc.value.problems[0].hint == "save it as UTF-8"

    def test_latin1(self) -> None:
        """Bytes that are not UTF-8 are refused with their line."""
        text = b'format_version = 1\nid = "a"\ntitle = "caf\xe9"\n'
        with pytest.raises(InvalidDataError) as exc:
            parse_rule_set(text, name="x.toml")
        problem = exc.value.problems[0]
        assert problem.message == "not UTF-8 text: byte `0xe9` cannot be decoded"
        assert problem.path == "x.toml:3"

    def test_truncated_json_and_toml(self) -> None:
        """A truncated file is a syntax error with its line, not a crash."""
        for fmt in ("json", "toml"):
            text = dump_rule_set(SMALL, fmt)  # type: ignore[arg-type]
            with pytest.raises(InvalidDataError) as exc:
                parse_rule_set(text[: len(text) // 2], format=fmt, name="x")  # type: ignore[arg-type]
            assert exc.value.problems[0].message.startswith(f"not valid {fmt.upper()}")

    def test_duplicate_json_key(self) -> None:
        """A JSON key given twice is refused: the second would silently replace the first."""
        with pytest.raises(InvalidDataError) as exc:
            parse_rule_set('{"format_version": 1, "id": "a", "id": "b", "version": "1"}')
        assert exc.value.problems[0].message == "key `id` given twice in one object"

    def test_too_deep(self) -> None:
        """Deep nesting is refused before any value is built."""
        when: dict[str, Any] = {"always": {}}
        for _ in range(40):
            when = {"not": when}
        text = json.dumps(document(rules=[rule(when=when)]))
        with pytest.raises(InvalidDataError) as exc:
            parse_rule_set(text, limits=Limits(max_depth=20))
        assert exc.value.problems[0].message == "nested too deeply: more than 20 levels"
        assert parse_rule_set(text).rules[0].id == "no-cn-telecom"

    def test_extremely_deep_json(self) -> None:
        """Nesting past the parser's own recursion limit is a library error too."""
        with pytest.raises(InvalidDataError) as exc:
            parse_rule_set("[" * 100_000 + "]" * 100_000, format="json")
        assert "nested too deeply" in exc.value.problems[0].message

    def test_too_many_rules(self) -> None:
        """More rules than the limit are refused with the limit named."""
        rules = [rule(id=f"r{i}") for i in range(5)]
        with pytest.raises(InvalidDataError) as exc:
            load_json(document(rules=rules), limits=Limits(max_rules=4))
        assert exc.value.problems[0].message == "too many rules: 5, more than the limit of 4"

    def test_too_big(self, tmp_path: Path) -> None:
        """A file over the size limit is refused without being parsed."""
        path = tmp_path / "big.toml"
        path.write_text(dump_rule_set(SMALL))
        with pytest.raises(InvalidDataError) as exc:
            load_rule_set(path, limits=Limits(max_bytes=100))
        assert exc.value.problems[0].message == "file too large: the limit is 100 bytes"

    def test_missing_file_and_directory(self, tmp_path: Path) -> None:
        """A missing file or a directory is a FileError naming it."""
        with pytest.raises(FileError, match="no such file"):
            load_rule_set(tmp_path / "nope.toml")
        with pytest.raises(FileError, match="is a directory"):
            load_rule_set(tmp_path)

    def test_no_code_runs(self) -> None:
        """Names in a file are data: a custom predicate cannot name a Python object to import."""
        doc = document(rules=[rule(when={"custom": {"name": "os.system"}})])
        with pytest.raises(InvalidDataError) as exc:
            load_json(doc)
        assert exc.value.problems[0].message == "unknown custom predicate `os.system`"


def _mutations(text: str) -> st.SearchStrategy[str]:
    """Text derived from a valid document: truncated, with bytes changed, dropped or added."""

    @st.composite
    def mutate(draw: st.DrawFn) -> str:
        chars = list(text)
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.integers(0, max(len(chars) - 1, 0)))
            kind = draw(st.sampled_from(["drop", "swap", "insert", "cut"]))
            if kind == "cut":
                chars = chars[:i]
            elif kind == "drop" and chars:
                del chars[i]
            elif kind in ("swap", "insert"):
                new = draw(st.sampled_from([*'{}[]",=:.\n #\\x0tf"\'', "\x00", "é"]))
                if kind == "swap" and chars:
                    chars[i] = new
                else:
                    chars.insert(i, new)
        return "".join(chars)

    return mutate()


def _json_values() -> st.SearchStrategy[Any]:
    keys = st.sampled_from(
        [
            "format_version",
            "id",
            "version",
            "rules",
            "when",
            "effect",
            "all",
            "origin",
            "countries",
            "not",
            "cases",
            "x",
        ]
    )
    scalars = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.text(max_size=5)
        | st.sampled_from(["deny", "CN", "1", "telecom"])
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=4),
        max_leaves=12,
    )


def check_outcome(text: str | bytes, fmt: str) -> None:
    """Loading ``text`` gives a rule set, or the library's error with every problem located."""
    result: RuleSet | InvalidDataError
    try:
        result = parse_rule_set(text, format=fmt, name="f")  # type: ignore[arg-type]
    except InvalidDataError as exc:
        result = exc
    if isinstance(result, InvalidDataError):
        assert result.problems
        assert all(p.path and p.path.startswith("f") for p in result.problems), result
        assert all("\n" not in p.message for p in result.problems), result
    else:
        assert isinstance(result, RuleSet)


class TestFuzz:
    """Damaged and arbitrary input only ever loads or raises InvalidDataError: anything else
    escaping (KeyError, RecursionError, UnicodeDecodeError) fails these tests."""

    sample_toml = dump_rule_set(sample_rule_set(), "toml")
    sample_json = dump_rule_set(sample_rule_set(), "json")

    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(_mutations(sample_toml))
    def test_mutated_toml(self, text: str) -> None:
        """A damaged TOML file loads or raises the library's error with located problems."""
        check_outcome(text, "toml")

    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(_mutations(sample_json))
    def test_mutated_json(self, text: str) -> None:
        """A damaged JSON file loads or raises the library's error with located problems."""
        check_outcome(text, "json")

    @given(_json_values())
    def test_arbitrary_documents(self, data: Any) -> None:
        """Any JSON value as a document loads or raises the library's error."""
        check_outcome(json.dumps(data), "json")

    @given(st.binary(max_size=200), st.sampled_from(["json", "toml"]))
    def test_arbitrary_bytes(self, data: bytes, fmt: str) -> None:
        """Any bytes load or raise the library's error."""
        check_outcome(data, fmt)


class TestSchema:
    validator = jsonschema.Draft202012Validator(rule_set_schema())

    def test_schema_is_valid(self) -> None:
        """The schema is a valid draft 2020-12 schema."""
        jsonschema.Draft202012Validator.check_schema(rule_set_schema())

    @given(rule_sets())
    def test_generated_files_validate(self, rs: RuleSet) -> None:
        """Every document the library writes, as JSON or as TOML, validates against the schema."""
        self.validator.validate(json.loads(dump_rule_set(rs, "json")))
        self.validator.validate(tomllib.loads(dump_rule_set(rs, "toml")))

    def test_schema_rejects_unknown_keys(self) -> None:
        """Like the loader, the schema refuses a misspelt key inside a condition."""
        doc = document(rules=[rule(when={"origin": {"countries": ["CN"], "throgh": True}})])
        assert not self.validator.is_valid(doc)

    def test_bundled_example_validates(self) -> None:
        """The bundled example rule file validates."""
        self.validator.validate(tomllib.loads((DATA / "jp-gov-2018-example.toml").read_text()))


class TestBundled:
    def test_example_file_equals_code(self) -> None:
        """The bundled TOML example loads equal to the rule set the demo builds in code."""
        loaded = load_rule_set(DATA / "jp-gov-2018-example.toml")
        assert loaded == sample_rule_set()
        assert loaded.digest == sample_rule_set().digest


class TestTrust:
    """Issue 8: escaped messages, lone surrogates, bad arguments, linear costs."""

    def test_key_with_a_newline_is_shown_escaped(self) -> None:
        """The CI failure of `test_mutated_json`: a mutation turned `"version"` into
        `"versi\\n"`, a key holding a newline, and the message broke over two lines."""
        text = dump_rule_set(SMALL, "json").replace('"version"', '"versi\\n"')
        with pytest.raises(InvalidDataError) as exc:
            parse_rule_set(text, name="r.json")
        messages = sorted(p.message for p in exc.value.problems)
        assert messages == ["required field missing", "unknown key `versi\\n`"]
        assert all("\n" not in str(p) for p in exc.value.problems)

    @given(
        st.text(
            st.characters(categories=["Cc", "Cf", "Zl", "Zp"]) | st.sampled_from("ab\\`"),
            min_size=1,
        )
    )
    def test_any_key_gives_a_one_line_message(self, key: str) -> None:
        """Whatever characters a misspelt key holds, each problem is one printable line."""
        document = json.loads(dump_rule_set(SMALL, "json"))
        document[key] = 1
        with pytest.raises(InvalidDataError) as exc:
            parse_rule_set(json.dumps(document), name="r.json")
        assert all(str(p).isprintable() for p in exc.value.problems)

    @pytest.mark.parametrize("fmt", ["json", "toml"])
    def test_lone_surrogate_is_located(self, fmt: str) -> None:
        """A lone surrogate (a JSON `\\ud800` escape, or in text handed over as a str) is
        refused with its line and path, before any value is built."""
        rs = attrs.evolve(SMALL, title="TITLE")
        text = dump_rule_set(rs, fmt).replace(
            "TITLE", "caf\\udce9" if fmt == "json" else "caf\udce9"
        )  # type: ignore[arg-type]
        with pytest.raises(InvalidDataError) as exc:
            parse_rule_set(text, format=fmt, name="r")  # type: ignore[arg-type]
        (problem,) = exc.value.problems
        assert problem.message == (
            "not valid Unicode: a lone surrogate `\\udce9` at character 4 of the text `caf\\udce9`"
        )
        line = next(i for i, row in enumerate(text.splitlines(), 1) if "caf" in row)
        assert problem.path == f"r:{line} $.title"

    def test_not_text_is_a_type_error(self) -> None:
        """`parse_rule_set(None)` is a clear type error, not an AttributeError."""
        with pytest.raises(PredicateTypeError) as exc:
            parse_rule_set(None)  # type: ignore[arg-type]
        assert exc.value.message == "expected the file's text or bytes, got NoneType `None`"
        assert exc.value.path == "parse_rule_set(text)"

    def test_keys_that_are_not_text(self) -> None:
        """Data built in code may have keys that are not text; they are reported as unknown
        keys, with their type, rather than crashing the report."""
        data: dict[Any, Any] = {"id": "a", "version": "1", 1: "x", (2, 3): "y", "z": 0}
        with pytest.raises(InvalidDataError) as exc:
            rule_set_from_dict(data)
        (problem,) = exc.value.problems
        assert problem.message == "unknown keys `z`, `(2, 3)` (tuple), `1` (int)"
        assert problem.path == "$"

    def test_many_problems_are_located_in_linear_time(self) -> None:
        """2,000 problems in a 160 kB TOML file are located in one pass over the text, not one
        per problem (it took over a minute)."""
        rules = (
            f'\n[[rules]]\nid = "r{i}"\neffect = "deny"\n'
            'when = { origin = { countries = ["XX"] } }\n'
            for i in range(2000)
        )
        parts = ['format_version = 1\nid = "a"\nversion = "1"\n', *rules]
        text = "".join(parts)
        start = time.perf_counter()
        with pytest.raises(InvalidDataError) as exc:
            parse_rule_set(text, format="toml", name="big.toml")
        elapsed = time.perf_counter() - start
        problems = exc.value.problems
        assert len(problems) == 2000
        assert problems[-1].path == "big.toml:10003 $.rules[1999].when.origin.countries[0]"
        assert elapsed < 30, elapsed

    def test_includes_are_not_compared_pairwise(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Building and deciding with 2,000 included sets compares no two of them (each was
        compared with every layer found so far, on every construction)."""
        layers = [
            RuleSet(
                id=f"s{i}",
                version="1",
                rules=[Rule(id="r", when=vendor.origin.in_("CN"), effect="deny")],
            )
            for i in range(2000)
        ]
        comparisons = 0
        real = RuleSet.__eq__

        def counting(self: RuleSet, other: object) -> bool:
            nonlocal comparisons
            comparisons += 1
            return real(self, other)

        monkeypatch.setattr(RuleSet, "__eq__", counting)
        rs = RuleSet(id="top", version="1", includes=layers)
        assert rs.layers() == (rs, *layers)
        assert comparisons == 0

    def test_same_layer_twice_is_kept_once(self) -> None:
        """A set included twice (by two layers) is one layer; two different sets with one id
        are refused."""
        shared = RuleSet(id="law", version="1")
        a = RuleSet(id="a", version="1", includes=[shared])
        b = RuleSet(id="b", version="1", includes=[RuleSet(id="law", version="1")])
        top = RuleSet(id="top", version="1", includes=[a, b])
        assert [layer.id for layer in top.layers()] == ["top", "a", "b", "law"]
        with pytest.raises(InvalidValueError, match="two different rule sets share the id `law`"):
            RuleSet(id="top", version="1", includes=[a, RuleSet(id="law", version="2")])
