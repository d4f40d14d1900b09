"""The vocabulary check (``_vocabcheck.check``) as SQL over a purchases table's cells.

Each check is an SQL expression that is the problem's message when the row's cell breaks the
rule set's vocabulary, else ``NULL``; the warnings alike. The messages are the interpreter's
own, built here by ``_vocabcheck`` with a marker where the cell's text goes, except the hints
that the interpreter finds by closeness of spelling (``did you mean …``), which depend on the
cell and are left out. Which cells are errors, which warnings and which neither is exactly the
interpreter's, with this exception: a near miss of a known value of an open fact (or of the
purpose) is found by equality but for case, spacing and punctuation, and by closeness of
spelling only for the texts the caller lists in ``near`` (``extra.duckdb.screen`` lists the
table's own).

A cell is read as a ledger reads it: ``true``/``false`` (any case) is a boolean, ``YYYY-MM-DD``
a date, anything else text (see ``docs/scale.md``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence

from vendorpolicy._sql._dialect import Dialect, literal
from vendorpolicy._vocabcheck import (
    _ANY,
    _CLOSED,
    _OPEN,
    Checker,
    _error,
    _Fact,
    _fact_path,
    _harmless_category,
    _near,
    _normal,
    _value_error,
)
from vendorpolicy.errors import InvalidValueError

__all__ = ["ISO_DATE", "VocabularySql", "cell_terms", "cell_values", "near_columns"]

ISO_DATE = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
#: Where the cell's text goes in a message built by ``_vocabcheck``.
_MARK = "⟦cell⟧"
_DAY = dt.date(1111, 11, 11)
_DATED = re.compile(ISO_DATE)


def near_columns(checker: Checker | None, columns: Collection[str]) -> list[str]:
    """The columns among ``columns`` whose texts can be near misses of a known value (open
    or any-value facts that rules compare with text, and such a purpose)."""
    if checker is None:
        return []
    out = []
    for column in columns:
        if column.startswith("facts.") and checker.facts is not None:
            fact = checker.facts.get(column[len("facts.") :])
        elif column == "purpose":
            fact = checker.purpose
        else:
            continue
        if fact is not None and fact.kind != _CLOSED and fact.known:
            out.append(column)
    return out


def cell_values(values: Collection[object]) -> tuple[list[str], list[str]]:
    """Fact values as a table cell states them: the texts (dates in ISO form) and the boolean
    words (``true``/``false``, matched in any case), each sorted. Text that reads as a boolean
    is left out: a cell cannot state it as text (it is read as the boolean)."""
    texts: list[str] = []
    words: list[str] = []
    for value in values:
        if isinstance(value, bool):
            words.append("true" if value else "false")
        elif isinstance(value, dt.date):
            texts.append(value.isoformat())
        elif isinstance(value, str) and value.lower() not in ("true", "false"):
            texts.append(value)
    return sorted(texts), sorted(words)


def cell_terms(column: str, texts: Sequence[str], words: Sequence[str]) -> list[str]:
    """The SQL tests that ``column`` states one of ``texts`` or ``words``; none for no value."""
    terms = []
    if texts:
        terms.append(f"{column} IN ({', '.join(literal(t) for t in sorted(texts))})")
    if words:
        terms.append(f"lower({column}) IN ({', '.join(literal(w) for w in sorted(words))})")
    return terms


class VocabularySql:
    """The checks of ``checker`` on the cells of one row (columns of the query's ``vp_in``)."""

    def __init__(self, checker: Checker, dialect: Dialect) -> None:
        self.checker = checker
        self.d = dialect

    def _with_cell(self, text: str, column: str, shown: str | None = None) -> str:
        """``text`` (with the marker) as SQL, the cell's text (or ``shown``) at the marker."""
        parts = text.split(_MARK)
        value = column if shown is None else shown
        return f" || {value} || ".join(literal(p) for p in parts)

    def _is_date(self, column: str) -> str:
        return self.d.full_match(column, ISO_DATE)

    def _is_word(self, column: str) -> str:
        return f"lower({column}) IN ('true', 'false')"

    # --- facts ---------------------------------------------------------------------------------

    def fact_error(self, name: str, column: str) -> str | None:
        """The message when the cell of fact ``name`` breaks the vocabulary, else ``NULL``;
        ``None`` when no cell can (the vocabulary declares no facts, or any value is taken)."""
        facts = self.checker.facts
        if facts is None:
            return None
        fact = facts.get(name)
        if fact is None:
            message = str(_error(self.checker, ("fact", -1, name, None)))
            return f"CASE WHEN {column} IS NOT NULL THEN {literal(message)} END"
        if fact.kind == _ANY:
            return None
        path = _fact_path(-1, name)
        what = f"fact `{name}`"
        whens: list[str] = []
        date_ok = fact.dates
        if fact.kind == _CLOSED:
            texts, words = cell_values(fact.allowed)
            terms = cell_terms(column, texts, words)
            if date_ok:
                terms.append(self._is_date(column))
            fine = " OR ".join(terms) if terms else "FALSE"
            whens.append(f"WHEN {fine} THEN NULL")
        else:  # open: any text, and a date when it takes dates
            assert fact.kind == _OPEN
            accepted = f"NOT {self._is_word(column)}"
            if not date_ok:
                accepted += f" AND NOT {self._is_date(column)}"
            whens.append(f"WHEN {accepted} THEN NULL")
        # What is left is a problem; its message depends on how the cell reads.
        truth = _value_error(fact, True, path, what=what)
        falsity = _value_error(fact, False, path, what=what)
        whens.append(
            f"WHEN lower({column}) = 'true' THEN {literal(str(truth))} "
            f"WHEN lower({column}) = 'false' THEN {literal(str(falsity))}"
        )
        day = str(_value_error(fact, _DAY, path, what=what)).replace(_DAY.isoformat(), _MARK)
        whens.append(f"WHEN {self._is_date(column)} THEN {self._with_cell(day, column)}")
        text = str(_value_error(fact, _MARK, path, what=what))
        tail = self._with_cell(text, column)
        return f"CASE WHEN {column} IS NULL THEN NULL {' '.join(whens)} ELSE {tail} END"

    def _near_terms(
        self, fact: _Fact, column: str, what: str, path: str, near: Collection[str] | None
    ) -> str | None:
        """The near-miss warning of an open (or any-value) fact's cell, else ``NULL``."""
        known = fact.known
        if not known or fact.kind == _CLOSED:
            return None

        def warning(value: str, close: str) -> str:
            return str(
                _near_warning_text(what, value, close, path)
            )  # the interpreter's own wording

        whens = []
        if near is not None:
            for value in sorted(set(near)):
                if value in known or value.lower() in ("true", "false") or _DATED.fullmatch(value):
                    continue
                close = _near(value, known)
                if close is not None:
                    whens.append(f"WHEN {literal(value)} THEN {literal(warning(value, close))}")
            if not whens:
                return None
            return f"CASE {column} {' '.join(whens)} END"
        listed = ", ".join(literal(k) for k in sorted(known))
        normal = self.d.normalized(column)
        for value in known:  # in the interpreter's order: the first that is equal but for case
            marked = warning(_MARK, value)
            whens.append(
                f"WHEN {normal} = {literal(_normal(value))} THEN {self._with_cell(marked, column)}"
            )
        known_or_none = f"{column} IS NULL OR {column} IN ({listed})"
        return f"CASE WHEN {known_or_none} THEN NULL {' '.join(whens)} END"

    def fact_warning(self, name: str, column: str, near: Collection[str] | None) -> str | None:
        facts = self.checker.facts
        fact = None if facts is None else facts.get(name)
        if fact is None:
            return None
        expr = self._near_terms(fact, column, f"fact `{name}` value", _fact_path(-1, name), near)
        if expr is None:
            return None
        # (a cell read as a boolean or a date is no near miss of a text)
        excluded = f"{self._is_word(column)} OR {self._is_date(column)}"
        return f"CASE WHEN {excluded} THEN NULL ELSE {expr} END"

    # --- the purpose ---------------------------------------------------------------------------

    def purpose_error(self, column: str) -> str | None:
        purpose = self.checker.purpose
        if purpose is None or purpose.kind != _CLOSED:
            return None  # the purpose is text: an open one takes any
        texts = sorted(v for v in purpose.allowed if isinstance(v, str))
        listed = ", ".join(literal(t) for t in texts) or "NULL"
        text = str(_value_error(purpose, _MARK, "Purchase.purpose", what="purpose"))
        return (
            f"CASE WHEN {column} IS NULL OR {column} IN ({listed}) THEN NULL "
            f"ELSE {self._with_cell(text, column)} END"
        )

    def purpose_warning(self, column: str, near: Collection[str] | None) -> str | None:
        purpose = self.checker.purpose
        if purpose is None:
            return None
        return self._near_terms(purpose, column, "purpose", "Purchase.purpose", near)

    # --- the category --------------------------------------------------------------------------

    def category(self, column: str) -> tuple[str, str] | None:
        """The category's error and warning, or ``None`` when categories are not declared: a
        category outside the tree is an error, unless its nearest known ancestor is a leaf
        (it refines it: no problem) or no rule reads a category below that ancestor (a
        warning: the decision is the same whatever was meant)."""
        checker = self.checker
        nodes = checker.nodes
        if nodes is None:
            return None
        below = checker.read_below

        def verdict(known: str) -> tuple[str | None, str | None]:
            if known in checker.leaves:
                return None, None
            if below is not None and known not in below:
                return None, _harmless_category(checker, -1, _MARK, known)
            return _category_error(checker, known), None

        def chain(pick: int) -> str:
            whens = [f"WHEN {column} IS NULL OR {column} IN ({_texts(nodes)}) THEN NULL"]
            for node in sorted(nodes, key=lambda n: (-n.count("/"), n)):
                found = verdict(node)[pick]
                prefix = node + "/"
                test = f"substr({column}, 1, {len(prefix)}) = {literal(prefix)}"
                value = "NULL" if found is None else self._with_cell(found, column)
                whens.append(f"WHEN {test} THEN {value}")
            root = verdict("")[pick]
            tail = "NULL" if root is None else self._with_cell(root, column)
            return f"CASE {' '.join(whens)} ELSE {tail} END"

        return chain(0), chain(1)


def _category_error(checker: Checker, known: str) -> str:
    """The interpreter's error for a category (the marker) whose nearest known ancestor is
    ``known`` (``""``: none), with the nodes known there as the hint (``_vocabcheck`` hints
    at a close spelling first, which depends on the cell)."""
    nodes = checker.nodes or frozenset()
    if known:
        children = sorted(
            n.rpartition("/")[2] for n in nodes if "/" in n and n.rpartition("/")[0] == known
        )
        hint = f"known under `{known}`: " + ", ".join(f"`{c}`" for c in children)
    else:
        hint = "known at the top: " + ", ".join(f"`{n}`" for n in sorted(nodes) if "/" not in n)
    return str(
        InvalidValueError(
            f"category `{_MARK}` is not in the vocabulary of {checker.label}",
            path="Purchase.category",
            hint=hint,
        )
    )


def _texts(values: Collection[str]) -> str:
    return ", ".join(literal(v) for v in sorted(values))


def _near_warning_text(what: str, value: str, close: str, path: str) -> str:
    return str(
        InvalidValueError(
            f"{what} `{value}` is not a known value but close to `{close}`",
            path=path,
            hint=f"the rules read it as none of the known values; write `{close}` if that is meant",
        )
    )
