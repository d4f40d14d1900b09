"""Find the line of a data path (``$.rules[2].when.all[1]``) in the JSON or TOML text it came
from, so that an error can say where to look.

This is an indexer, not a parser: the text has already been parsed, so it only needs to find its
way by keys and indexes, skipping over values. One pass over the text records where every key
and list item starts (:class:`Locator`); each path is then looked up, so locating any number of
problems costs one pass, not one per problem. A path that is not written in the text (a
required key that is missing) gets the line of the deepest part that is. Nothing here recurses:
nesting of any depth is walked with an explicit stack.
"""

from __future__ import annotations

import bisect
import json
import re

__all__ = ["Locator", "line_of", "parse_path"]

_SEGMENT = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]")
_BARE = re.compile(r"[A-Za-z0-9_-]+")
_SPACE = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_BASIC_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_LITERAL_STRING = re.compile(r"'[^']*'")
_SCALAR = re.compile(r"[^,\]}\n#]+")

Path = tuple[str | int, ...]


def parse_path(path: str) -> list[str | int] | None:
    """The segments of a ``$``-path: ``$.rules[2].when`` -> ``['rules', 2, 'when']``."""
    if not path.startswith("$"):
        return None
    out: list[str | int] = []
    pos = 1
    while pos < len(path):
        match = _SEGMENT.match(path, pos)
        if match is None:
            return None
        name, index, quoted = match.groups()
        out.append(int(index) if index is not None else (name if name is not None else quoted))
        pos = match.end()
    return out


def line_of(text: str, path: str, *, toml: bool) -> int | None:
    """The line (from 1) where ``path`` is written in ``text``, as near as can be found."""
    return Locator(text, toml=toml).line(path)


class Locator:
    """Where each key and list item of a JSON or TOML text starts, found in one pass.

    ``line(path)`` then answers in time proportional to the path's length. A text the indexer
    cannot follow (it has not been parsed, or uses a layout it does not know) answers ``None``
    for the paths it did not reach.
    """

    def __init__(self, text: str, *, toml: bool) -> None:
        self.text = text
        self._index: dict[Path, int] = {}
        self._newlines: list[int] | None = None
        try:
            if toml:
                self._index_toml()
            else:
                start = self._skip_space(0)
                self._index[()] = start
                self._index_value(start, ())
        except (IndexError, ValueError):
            pass  # keep what was found before the indexer lost its way

    def line(self, path: str) -> int | None:
        """The line (from 1) of ``path``, or of the deepest part of it that is written."""
        segments = parse_path(path)
        if segments is None:
            return None
        for n in range(len(segments), -1, -1):
            pos = self._index.get(tuple(segments[:n]))
            if pos is not None:
                if self._newlines is None:
                    self._newlines = [m.start() for m in re.finditer("\n", self.text)]
                return bisect.bisect_left(self._newlines, pos) + 1
        return None

    # --- low level -------------------------------------------------------------------------------

    def _skip_space(self, pos: int) -> int:
        """Skip whitespace, newlines and comments."""
        match = _SPACE.match(self.text, pos)
        return match.end() if match else pos

    def _skip_string(self, pos: int) -> int:
        """``pos`` is at a quote; return the position after the string."""
        text = self.text
        quote = text[pos]
        if text.startswith(quote * 3, pos):
            end = text.find(quote * 3, pos + 3)
            while quote == '"' and end > 0 and _escaped(text, end):
                end = text.find(quote * 3, end + 1)
            if end < 0:
                raise ValueError("unterminated string")
            end += 3
            while end < len(text) and text[end] == quote:
                end += 1
            return end
        match = (_BASIC_STRING if quote == '"' else _LITERAL_STRING).match(text, pos)
        if match is None:
            raise ValueError("unterminated string")
        return match.end()

    def _read_key(self, pos: int) -> tuple[str, int]:
        """A bare or quoted key at ``pos``, and the position after it."""
        text = self.text
        if text[pos] in "\"'":
            end = self._skip_string(pos)
            raw = text[pos + 1 : end - 1]
            if text[pos] == '"' and "\\" in raw:
                try:
                    raw = json.loads(text[pos:end])
                except ValueError:
                    raw = raw.replace('\\"', '"')
            return raw, end
        match = _BARE.match(text, pos)
        if match is None:
            raise ValueError("no key")
        return match.group(), match.end()

    def _read_dotted_key(self, pos: int) -> tuple[list[str], int]:
        keys = []
        while True:
            key, pos = self._read_key(self._skip_space(pos))
            keys.append(key)
            after = self._skip_space(pos)
            if after < len(self.text) and self.text[after] == ".":
                pos = after + 1
                continue
            return keys, pos

    def _after_separator(self, pos: int) -> int:
        pos = self._skip_space(pos)
        if self.text[pos] not in "=:":
            raise ValueError("no separator")
        return self._skip_space(pos + 1)

    def _skip_scalar(self, pos: int) -> int:
        if self.text[pos] in "\"'":
            return self._skip_string(pos)
        match = _SCALAR.match(self.text, pos)
        if match is None:
            raise ValueError("no value")
        return match.end()

    # --- indexing ------------------------------------------------------------------------------

    def _index_value(self, pos: int, path: Path) -> int:
        """Record every key and item inside the value at ``pos`` (JSON, or a TOML inline value)
        whose path is ``path``; return the position after the value."""
        text = self.text
        index = self._index
        # Each open list or object: its closing character, its path, the next item's index.
        stack: list[tuple[str, Path, list[int]]] = []
        pos = self._skip_space(pos)
        while True:
            ch = text[pos]
            if ch in "[{":
                stack.append(("]" if ch == "[" else "}", path, [0]))
                pos += 1
            else:
                pos = self._skip_scalar(pos)
            while stack:
                pos = self._skip_space(pos)
                close, where, count = stack[-1]
                ch = text[pos]
                if ch == close:
                    stack.pop()
                    pos += 1
                    continue
                if ch == ",":
                    pos += 1
                    continue
                if close == "]":
                    path = (*where, count[0])
                    count[0] += 1
                    index.setdefault(path, pos)
                else:
                    keys, after = self._read_dotted_key(pos)
                    for n in range(1, len(keys) + 1):
                        index.setdefault((*where, *keys[:n]), pos)
                    path = (*where, *keys)
                    pos = self._after_separator(after)
                break
            else:
                return pos

    def _index_toml(self) -> None:
        """Record the tables, keys and inline values of a TOML document."""
        text = self.text
        index = self._index
        table: Path = ()
        arrays: dict[Path, int] = {}
        pos = self._skip_space(0)
        index[()] = pos
        while pos < len(text):
            if text[pos] == "[":
                is_array = text.startswith("[[", pos)
                keys, after = self._read_dotted_key(pos + (2 if is_array else 1))
                parts: list[str | int] = []
                for i, key in enumerate(keys):
                    parts.append(key)
                    if is_array and i == len(keys) - 1:
                        count = arrays.get(tuple(parts), -1) + 1
                        arrays[tuple(parts)] = count
                        index.setdefault(tuple(parts), pos)
                        parts.append(count)
                    elif tuple(parts) in arrays:
                        parts.append(arrays[tuple(parts)])
                    index.setdefault(tuple(parts), pos)
                table = tuple(parts)
                end = text.find("\n", after)
                pos = self._skip_space(len(text) if end < 0 else end)
                continue
            keys, after = self._read_dotted_key(pos)
            for n in range(1, len(keys) + 1):
                index.setdefault((*table, *keys[:n]), pos)
            value = self._after_separator(after)
            pos = self._skip_space(self._index_value(value, (*table, *keys)))


def _escaped(text: str, pos: int) -> bool:
    backslashes = 0
    while pos - 1 - backslashes >= 0 and text[pos - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 1
