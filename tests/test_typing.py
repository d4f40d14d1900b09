"""The public constructors' types: mypy catches the mistakes a user makes (issue 12 item 7)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import typing
from enum import Enum
from pathlib import Path

import pytest

import vendorpolicy
from vendorpolicy import Combining, Effect, Sector, _model, _rules

# Each line of the script that a type checker must refuse ends with `# wrong: <what>`; every
# other line is correct code that it must accept.
USER_SCRIPT = textwrap.dedent(
    """
    from vendorpolicy import (
        Buyer, Category, Component, Effect, Money, Purchase, Rule, RuleSet, Vendor, category,
        vendor,
    )

    deny = Rule(id="deny", when=vendor.designated("covered"), effect=Effect.DENY)
    review = Rule(id="review", when=category.within("telecom"), effect="review")
    rules = RuleSet(id="s", version="1", rules=[deny, review], default="allow")
    layered = RuleSet(id="t", version="1", rules=(deny,), includes=[rules], combining="first-match")
    buyer = Buyer(id="b", public=True, sector="defence", designations=None)
    maker = Vendor(id="acme", designations={"covered"}, attributes={"employees": 12})
    part = Component(vendor=maker, category="telecom/radio", facts={"essential": True})
    Purchase(buyer=buyer, category="telecom/network", components=[part], facts={"a": "b"})
    Purchase(buyer=buyer, category=Category("it"), value=Money(amount="19.99", currency="EUR"))

    Rule(id="bad", when=vendor.designated("covered"), effect="block")  # wrong: effect
    Rule(id="bad", when=vendor.designated("covered"), effect=True)  # wrong: effect
    RuleSet(id="s", version="1", rules=[deny, "review"])  # wrong: rule list
    RuleSet(id="s", version="1", rules=deny)  # wrong: rule list
    RuleSet(id="s", version="1", includes=[deny])  # wrong: included sets
    RuleSet(id="s", version="1", combining="first")  # wrong: combining
    Purchase(buyer=buyer, category=["telecom", "network"])  # wrong: category type
    Component(category=Effect.DENY)  # wrong: category type
    Buyer(id="b", public=True, sector="army")  # wrong: sector
    Purchase(buyer=buyer, components=part)  # wrong: components
    Purchase(buyer=buyer, facts={"count": 3})  # wrong: fact value
    Money(amount=19.99, currency="EUR")  # wrong: float amount
    """
)


def _wrong_lines(script: str) -> dict[int, str]:
    return {
        number: line.split("# wrong: ")[1]
        for number, line in enumerate(script.splitlines(), start=1)
        if "# wrong: " in line
    }


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> dict[int, list[str]]:
    """The errors mypy --strict reports on the user script, by line."""
    folder = tmp_path_factory.mktemp("typing")
    script = folder / "user_script.py"
    script.write_text(USER_SCRIPT, encoding="utf-8")
    package_root = Path(vendorpolicy.__file__).resolve().parent.parent
    env = {**os.environ, "MYPYPATH": str(package_root)}
    run = subprocess.run(  # noqa: S603 - our own interpreter, our own arguments
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(folder / "cache"),
            "--config-file",
            os.devnull,
            script.name,
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr
    errors: dict[int, list[str]] = {}
    for line in run.stdout.splitlines():
        found = re.match(r"user_script\.py:(\d+): error: (.*)", line)
        assert found is not None or not line.strip(), line
        if found:
            errors.setdefault(int(found[1]), []).append(found[2])
    return errors


class TestUserScript:
    def test_mypy_catches_each_mistake(self, reported: dict[int, list[str]]) -> None:
        """A wrong effect, a wrong rule list, a wrong category type (and the like) are each an
        error on their own line, naming the argument."""
        wrong = _wrong_lines(USER_SCRIPT)
        assert len(wrong) == 12
        missed = {n: what for n, what in wrong.items() if n not in reported}
        assert missed == {}
        for number, what in wrong.items():
            if what in {"effect", "category type", "sector", "combining"}:
                argument = {"category type": "category"}.get(what, what)
                assert any(f'"{argument}"' in e for e in reported[number]), reported[number]

    def test_mypy_accepts_correct_code(self, reported: dict[int, list[str]]) -> None:
        """Correct code (enum members or their values, any iterable of rules, a category path
        or a `Category`) type-checks: the types are precise, not merely narrow."""
        wrong = _wrong_lines(USER_SCRIPT)
        assert {n: e for n, e in reported.items() if n not in wrong} == {}


class TestNames:
    @pytest.mark.parametrize(
        ("alias", "enum"),
        [
            (_model.EffectName, Effect),
            (_model.SectorName, Sector),
            (_rules.CombiningName, Combining),
        ],
    )
    def test_literal_values_follow_the_enum(self, alias: object, enum: type[Enum]) -> None:
        """The literal names the constructors accept are exactly the enum's values, so that the
        types can neither refuse a valid value nor accept a retired one."""
        values = typing.get_args(alias)
        assert sorted(values) == sorted(m.value for m in enum)
