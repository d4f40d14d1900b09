"""The few places where DuckDB's SQL and PostgreSQL's differ, for the SQL the compiler writes.

Everything else the compiler writes is standard SQL: ``CASE``, ``IN``, ``AND``/``OR``/``NOT``
on booleans (which are Kleene's three-valued connectives, with ``NULL`` as unknown),
``GREATEST``/``LEAST`` (which both engines define to skip ``NULL``), ``COALESCE`` and
``substr``. What differs is how lists are built, filtered and searched, and regular expressions.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from attrs import frozen

from vendorpolicy.errors import InvalidValueError

__all__ = ["DIALECTS", "Dialect", "dialect_named", "literal", "quote"]


def quote(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


@frozen
class Dialect:
    """How one engine spells the list operations the compiled SQL needs."""

    name: str

    @property
    def text_list_type(self) -> str:
        return "VARCHAR[]" if self.name == "duckdb" else "text[]"

    def text_list(self, items: Sequence[str]) -> str:
        """A list of text from SQL expressions (which may be ``NULL``)."""
        if self.name == "duckdb":
            return "[" + ", ".join(items) + "]::VARCHAR[]"
        return "ARRAY[" + ", ".join(items) + "]::text[]"

    def empty_list(self) -> str:
        return self.text_list([])

    def has_any(self, column: str, values: Collection[str]) -> str:
        """Whether the list ``column`` holds one of ``values`` (text literals); ``NULL`` when
        the list is ``NULL``."""
        wanted = ", ".join(literal(v) for v in sorted(values))
        if self.name == "duckdb":
            return f"list_has_any({column}, [{wanted}])"
        return f"({column} && ARRAY[{wanted}]::text[])"

    def without_nulls(self, items: Sequence[str]) -> str:
        """The non-``NULL`` items, in their order."""
        if not items:
            return self.empty_list()
        if self.name == "duckdb":
            return f"list_filter({self.text_list(items)}, lambda x: x IS NOT NULL)"
        return f"array_remove({self.text_list(items)}, NULL)"

    def joined_keys(self, items: Sequence[str]) -> str:
        """The non-``NULL`` items (rule keys, which hold no comma), at least one, in order."""
        if self.name == "duckdb":
            return f"string_split(concat_ws(',', {', '.join(items)}), ',')"
        return f"string_to_array(concat_ws(',', {', '.join(items)}), ',')"

    def concat(self, lists: Sequence[str]) -> str:
        """The lists one after the other, a ``NULL`` one as empty."""
        if not lists:
            return self.empty_list()
        if len(lists) == 1:
            return f"COALESCE({lists[0]}, {self.empty_list()})"
        if self.name == "duckdb":
            return "flatten(list_filter([" + ", ".join(lists) + "], lambda x: x IS NOT NULL))"
        return "(" + " || ".join(f"COALESCE({x}, {self.empty_list()})" for x in lists) + ")"

    def distinct_sorted(self, items: Sequence[str]) -> str:
        """The distinct non-``NULL`` items, sorted."""
        if not items:
            return self.empty_list()
        if self.name == "duckdb":
            return f"list_sort(list_distinct({self.text_list(items)}))"
        return (
            f"ARRAY(SELECT DISTINCT x FROM unnest({self.text_list(items)}) AS u(x) "
            "WHERE x IS NOT NULL ORDER BY x)"
        )

    def merged_sorted(self, first: str, second: str) -> str:
        """The distinct items of two lists (of no ``NULL``), sorted."""
        if self.name == "duckdb":
            return f"list_sort(list_distinct(list_concat({first}, {second})))"
        return f"ARRAY(SELECT DISTINCT x FROM unnest({first} || {second}) AS u(x) ORDER BY x)"

    def full_match(self, column: str, pattern: str) -> str:
        """Whether the whole of ``column`` matches the regular expression ``pattern``."""
        if self.name == "duckdb":
            if pattern == "[A-Z]{2}":
                # (two bytes, each a capital: no regular expression per row)
                return (
                    f"(strlen({column}) = 2 AND ascii({column}) BETWEEN 65 AND 90 "
                    f"AND ascii(substr({column}, 2)) BETWEEN 65 AND 90)"
                )
            matches = f"regexp_full_match({column}, {literal(pattern)})"
            size = _FIXED_LENGTH.get(pattern)
            if size is not None:
                # (a text of another length in bytes cannot match: no regular expression)
                return (
                    f"CASE WHEN strlen({column}) = {size} THEN {matches} "
                    f"WHEN {column} IS NOT NULL THEN FALSE END"
                )
            return matches
        return f"({column} ~ {literal('^(' + pattern + ')$')})"

    def normalized(self, column: str) -> str:
        """``column`` lowercased, without anything but letters and digits (as ``_near``)."""
        return f"regexp_replace(lower({column}), '[^0-9a-z]+', '', 'g')"

    def any_value(self, column: str, boolean: bool) -> str:
        """Any value of ``column`` in a group whose rows all hold the same one (PostgreSQL
        before 16 has no ``any_value``: ``min``, or ``bool_and`` for a boolean)."""
        if self.name == "duckdb":
            return f"any_value({column})"
        return f"{'bool_and' if boolean else 'min'}({column})"

    def split(self, column: str, separator: str) -> str:
        """Text split at ``separator`` into a list of its trimmed, non-empty parts."""
        if self.name == "duckdb":
            return (
                f"list_filter(list_transform(string_split({column}, {literal(separator)}), "
                "lambda x: trim(x)), lambda x: x <> '')"
            )
        return (
            f"array_remove(ARRAY(SELECT trim(x) FROM unnest(string_to_array({column}, "
            f"{literal(separator)})) AS u(x)), '')"
        )


#: Patterns that only match texts of one length in bytes (ASCII characters only).
_FIXED_LENGTH = {"[0-9]{4}-[0-9]{2}-[0-9]{2}": 10}

DIALECTS: dict[str, Dialect] = {"duckdb": Dialect("duckdb"), "postgres": Dialect("postgres")}


def dialect_named(name: str, path: str) -> Dialect:
    """The dialect called ``name``; an error at ``path`` naming the known ones otherwise."""
    found = DIALECTS.get(name)
    if found is None:
        raise InvalidValueError(
            f"unknown SQL dialect `{name}`",
            path=path,
            hint="use one of " + ", ".join(f"`{d}`" for d in DIALECTS),
        )
    return found
