"""Vocabularies: the categories, designations and facts that rules and purchases may use.

A rule that names a category or designation nobody uses is almost always a typo, and a typo in a
condition is a rule that silently never matches. The same holds the other way round: a purchase
that states ``"funding": "federal grant"`` where the rules compare with ``federal-grant`` would
silently fail every rule that reads it. A :class:`Vocabulary` says what is known, so that a
loader can report unknown references in rules and evaluation can report facts outside it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import functools
import sys
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from vendorpolicy._checks import (
    bool_validator,
    check_id,
    frozen_set_of,
    id_validator,
    instances_of,
    text_validator,
    tick,
    tuple_of,
    type_name,
)
from vendorpolicy._model import Category, FactValue, as_category, check_fact_value, to_enum
from vendorpolicy.errors import InvalidValueError, PredicateTypeError

if TYPE_CHECKING:
    from vendorpolicy._model import Purchase

__all__ = [
    "FactLocation",
    "FactSpec",
    "Vocabulary",
    "bundled_vocabulary",
    "same_value",
    "show_value",
]


class FactLocation(enum.Enum):
    """Where a purchase states a fact."""

    #: ``Purchase.facts[name]``.
    FACTS = "facts"
    #: ``Purchase.purpose``.
    PURPOSE = "purpose"
    #: ``Component.facts[name]`` of each declared component.
    COMPONENT = "component"

    def __repr__(self) -> str:
        return f"FactLocation.{self.name}"


def show_value(value: FactValue) -> str:
    """A fact value as files write it: booleans as ``true``/``false``, dates ``YYYY-MM-DD``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, dt.date) else value


def same_value(values: Iterable[FactValue], value: FactValue) -> bool:
    """Whether ``value`` is among ``values``, by type as well as value (``True == 1``)."""
    return any(type(v) is type(value) and v == value for v in values)


def _location(value: object) -> Any:
    return to_enum(FactLocation, value, "FactSpec.location")


def _fact_values(value: object) -> Any:
    # Text written `YYYY-MM-DD` is a date, as in purchases, so that dates survive files.
    items = tuple_of(value, "FactSpec.values", check_fact_value)
    seen: set[tuple[type, FactValue]] = set()
    for i, item in enumerate(items):
        key = (type(item), item)
        if key in seen:
            raise InvalidValueError(
                f"value {tick(show_value(item))} listed twice",
                path=f"FactSpec.values[{i}]",
                hint="list each value once",
            )
        seen.add(key)
    return items


@frozen(kw_only=True)
class FactSpec:
    """A fact rules read: its name, the values it may take and what they mean.

    A *closed* fact (the default) takes only the listed ``values``; anything else a purchase
    states is an error. An ``open`` fact takes any text; its listed values are those the rules
    act on (a purpose, say: any other purpose means "none of these"), and a value close to one
    of them is reported as a warning. A boolean fact is closed: ``values=(True, False)``. A
    date fact (a waiver's expiry) has ``dates=True`` and takes any date, besides any listed
    values. The fact on ``Purchase.purpose`` is named ``purpose`` and has the location
    ``PURPOSE``.
    """

    name: str = field(validator=id_validator)
    values: tuple[FactValue, ...] = field(default=(), converter=_fact_values)
    meaning: str = field(default="", validator=text_validator)
    location: FactLocation = field(default=FactLocation.FACTS, converter=_location)
    open: bool = field(default=False, validator=bool_validator)
    #: The fact takes any date (``YYYY-MM-DD`` in files).
    dates: bool = field(default=False, validator=bool_validator)

    def __attrs_post_init__(self) -> None:
        if (self.location is FactLocation.PURPOSE) != (self.name == "purpose"):
            raise InvalidValueError(
                f"fact {tick(self.name)} at location `{self.location.value}`: the purchase's "
                "purpose is the fact `purpose` at location `purpose`, and only it",
                path="FactSpec.location" if self.name == "purpose" else "FactSpec.name",
                hint='name it `purpose` with `location = "purpose"`, or rename it',
            )
        if not self.open and not self.dates and not self.values:
            raise InvalidValueError(
                f"closed fact {tick(self.name)} lists no values: no purchase could state it",
                path="FactSpec.values",
                hint="list the values, or make it `open` to take any text, or `dates` for dates",
            )
        if self.open and any(isinstance(v, bool) for v in self.values):
            raise InvalidValueError(
                f"open fact {tick(self.name)} lists a boolean: open facts take text",
                path="FactSpec.values",
                hint="a boolean fact is closed: `values = [true, false]`",
            )
        if self.location is FactLocation.PURPOSE:
            if self.dates:
                raise InvalidValueError("a purpose is text, not a date", path="FactSpec.dates")
            for i, value in enumerate(self.values):
                if not isinstance(value, str):
                    raise InvalidValueError(
                        f"a purpose is text, not {tick(show_value(value))}",
                        path=f"FactSpec.values[{i}]",
                    )
                check_id(value, f"FactSpec.values[{i}]")

    def accepts(self, value: FactValue) -> bool:
        """Whether ``value`` belongs to the vocabulary."""
        if self.open and isinstance(value, str):
            return True
        if self.dates and isinstance(value, dt.date):
            return True
        return same_value(self.values, value)


def _category_tree(value: object) -> Any:
    if value is None:
        return None
    leaves = frozen_set_of(value, "Vocabulary.categories", as_category)
    # Every ancestor of a known category is known too: `telecom` is known if `telecom/radio` is.
    tree: set[Category] = set()
    for leaf in leaves:
        node: Category | None = leaf
        while node is not None and node not in tree:
            tree.add(node)
            node = node.parent
    return frozenset(tree)


def _designation_set(value: object) -> Any:
    if value is None:
        return None
    return frozen_set_of(value, "Vocabulary.designations", check_id)


def _fact_specs(value: object) -> Any:
    if value is None:
        return None
    specs = instances_of(FactSpec, value, "Vocabulary.facts")
    seen: dict[str, int] = {}
    for i, spec in enumerate(specs):
        if spec.name in seen:
            raise InvalidValueError(
                f"fact {tick(spec.name)} declared twice (also facts[{seen[spec.name]}])",
                path=f"Vocabulary.facts[{i}].name",
                hint="declare each fact once, with all its values",
            )
        seen[spec.name] = i
    return specs


def _sorted_paths(value: frozenset[Category] | None) -> str:
    return "None" if value is None else repr(sorted(c.path for c in value))


def _sorted_ids(value: frozenset[str] | None) -> str:
    return "None" if value is None else repr(sorted(value))


@frozen(kw_only=True, cache_hash=True)
class Vocabulary:
    """The categories, vendor designations and facts that rules and purchases may use.

    ``categories`` lists category paths; their ancestors are known too (``telecom/radio`` makes
    ``telecom`` known). ``facts`` declares the facts purchases state, each a :class:`FactSpec`.
    ``None`` for a field means that kind of reference is not checked.

    A loader given a vocabulary reports rules that refer to unknown categories or designations.
    A rule set that declares one (``RuleSet.vocabulary``) has every purchase checked against it
    when it is evaluated: a fact it does not know, a value outside a closed fact, or a category
    outside the tree is an error, never a silent false.

    >>> vocabulary = Vocabulary(categories=["telecom/network/router"], designations=["covered"])
    >>> vocabulary.knows_category("telecom/network")
    True
    >>> vocabulary.suggest_category("telecom/netwrk")
    'telecom/network'
    """

    categories: frozenset[Category] | None = field(
        default=None, converter=_category_tree, repr=_sorted_paths
    )
    designations: frozenset[str] | None = field(
        default=None, converter=_designation_set, repr=_sorted_ids
    )
    facts: tuple[FactSpec, ...] | None = field(default=None, converter=_fact_specs)

    @property
    def leaves(self) -> frozenset[Category]:
        """The categories of the tree that have no known category below them."""
        if self.categories is None:
            return frozenset()
        parents = {c.parent for c in self.categories}
        return frozenset(c for c in self.categories if c not in parents)

    def knows_category(self, category: Category | str) -> bool:
        """Whether ``category`` is in the tree (always true when categories are not checked)."""
        if self.categories is None:
            return True
        return as_category(category, "Vocabulary.knows_category") in self.categories

    def covers_category(self, category: Category | str) -> bool:
        """Whether a purchase may state ``category``: it is in the tree or refines a leaf of it
        (``it/endpoint/laptop/rugged`` under the leaf ``it/endpoint/laptop``). Always true when
        categories are not checked."""
        if self.categories is None:
            return True
        node: Category | None = as_category(category, "Vocabulary.covers_category")
        if node in self.categories:
            return True
        assert node is not None
        node = node.parent
        while node is not None:
            if node in self.categories:
                return node in self.leaves
            node = node.parent
        return False

    def knows_designation(self, designation: str) -> bool:
        """Whether ``designation`` is known (always true when designations are not checked)."""
        return self.designations is None or designation in self.designations

    def suggest_category(self, category: Category | str) -> str | None:
        """The closest known category path, or ``None``."""
        path = category.path if isinstance(category, Category) else category
        return closest(path, (c.path for c in self.categories or ()))

    def suggest_designation(self, designation: str) -> str | None:
        """The closest known designation, or ``None``."""
        return closest(designation, self.designations or ())

    def fact(self, name: str) -> FactSpec:
        """The declaration of fact ``name``; raises :class:`KeyError` if there is none."""
        for spec in self.facts or ():
            if spec.name == name:
                return spec
        raise KeyError(name)

    def merge(self, *others: Vocabulary) -> Vocabulary:
        """The union of this vocabulary and ``others``: every category, designation and fact
        any of them declares. A fact declared by several takes all their values, and is open
        if any of them is open. A field left ``None`` (not declared) adds nothing."""
        parts = (self, *others)
        for i, other in enumerate(others):
            if not isinstance(other, Vocabulary):
                raise PredicateTypeError(
                    f"expected a Vocabulary, got {type_name(other)} {tick(other)}",
                    path=f"Vocabulary.merge(others[{i}])",
                )
        categories = [v.categories for v in parts if v.categories is not None]
        designations = [v.designations for v in parts if v.designations is not None]
        facts = [v.facts for v in parts if v.facts is not None]
        return Vocabulary(
            categories=frozenset().union(*categories) if categories else None,
            designations=frozenset().union(*designations) if designations else None,
            facts=merge_specs(s for specs in facts for s in specs) if facts else None,
        )

    def check(self, purchase: Purchase) -> tuple[InvalidValueError, ...]:
        """The facts and categories ``purchase`` states that this vocabulary does not know, or
        with values outside it, each as an error with its path. Facts it declares but the
        purchase does not state are not problems: they make a decision unknown."""
        from vendorpolicy._vocabcheck import vocabulary_problems  # noqa: PLC0415 - cycle

        return vocabulary_problems(self, purchase)


def merge_specs(specs: Iterable[FactSpec]) -> tuple[FactSpec, ...]:
    """Fact declarations merged by name, in first-seen order: the values of all, open if any
    is open (or takes dates), the first meaning and location."""
    merged: dict[str, FactSpec] = {}
    for spec in specs:
        first = merged.get(spec.name)
        if first is None:
            merged[spec.name] = spec
            continue
        values = list(first.values)
        values += [v for v in spec.values if not same_value(values, v)]
        is_open = first.open or spec.open
        merged[spec.name] = FactSpec(
            name=first.name,
            values=tuple(v for v in values if not (is_open and isinstance(v, bool))),
            meaning=first.meaning or spec.meaning,
            location=first.location,
            open=is_open,
            dates=first.dates or spec.dates,
        )
    return tuple(merged.values())


def closest(value: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to ``value``, or ``None`` when none is close."""
    close = difflib.get_close_matches(value, sorted(choices), n=1, cutoff=0.6)
    return close[0] if close else None


@functools.cache
def _bundled_document() -> Mapping[str, str]:
    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415
    else:  # pragma: no cover - Python 3.10 reads TOML with the tomli backport
        import tomli as tomllib  # noqa: PLC0415

    text = resources.files("vendorpolicy").joinpath("data/categories.toml").read_text("utf-8")
    data = tomllib.loads(text)
    categories: dict[str, str] = data["categories"]
    return categories


def bundled_categories() -> dict[str, str]:
    """The bundled category tree: each path with what it covers, root first in file order."""
    return dict(_bundled_document())


@functools.cache
def bundled_vocabulary() -> Vocabulary:
    """The category vocabulary shipped with vendorpolicy: the equipment categories the rule
    packs and the docs use (``telecom/...``, ``video/surveillance/...``, ``it/...``,
    ``uas/...``). Every bundled rule pack declares it. Facts and designations are not part of
    it (``None``)."""
    return Vocabulary(categories=list(_bundled_document()))
