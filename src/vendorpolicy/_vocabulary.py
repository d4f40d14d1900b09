"""The vocabulary a rule file may use: the known category tree and vendor designations.

A rule that names a category or designation nobody uses is almost always a typo, and a typo in a
condition is a rule that silently never matches. A loader given a :class:`Vocabulary` reports such
references, with the closest known spelling.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from attrs import field, frozen

from vendorpolicy._checks import check_id, frozen_set_of
from vendorpolicy._model import Category, as_category

__all__ = ["Vocabulary"]


def _category_tree(value: object) -> Any:
    if value is None:
        return None
    leaves = frozen_set_of(value, "Vocabulary.categories", as_category)
    # Every ancestor of a known category is known too: `telecom` is known if `telecom/radio` is.
    tree: set[Category] = set()
    for leaf in leaves:
        node: Category | None = leaf
        while node is not None:
            tree.add(node)
            node = node.parent
    return frozenset(tree)


def _designation_set(value: object) -> Any:
    if value is None:
        return None
    return frozen_set_of(value, "Vocabulary.designations", check_id)


def _sorted_paths(value: frozenset[Category] | None) -> str:
    return "None" if value is None else repr(sorted(c.path for c in value))


def _sorted_ids(value: frozenset[str] | None) -> str:
    return "None" if value is None else repr(sorted(value))


@frozen(kw_only=True)
class Vocabulary:
    """The categories and vendor designations rules may refer to.

    ``categories`` lists category paths; their ancestors are known too (``telecom/radio`` makes
    ``telecom`` known). ``None`` for either field means that kind of reference is not checked.

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

    def knows_category(self, category: Category | str) -> bool:
        """Whether ``category`` is in the tree (always true when categories are not checked)."""
        if self.categories is None:
            return True
        return as_category(category, "Vocabulary.knows_category") in self.categories

    def knows_designation(self, designation: str) -> bool:
        """Whether ``designation`` is known (always true when designations are not checked)."""
        return self.designations is None or designation in self.designations

    def suggest_category(self, category: Category | str) -> str | None:
        """The closest known category path, or ``None``."""
        path = category.path if isinstance(category, Category) else category
        return _closest(path, (c.path for c in self.categories or ()))

    def suggest_designation(self, designation: str) -> str | None:
        """The closest known designation, or ``None``."""
        return _closest(designation, self.designations or ())


def _closest(value: str, choices: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(value, sorted(choices), n=1, cutoff=0.6)
    return close[0] if close else None
