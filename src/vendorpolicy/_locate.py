"""Find the line of a data path (``$.rules[2].when.all[1]``) in the JSON or TOML text it came
from, so that an error can say where to look.

This is a navigator, not a parser: the text has already been parsed, so it only needs to find
its way by keys and indexes, skipping over values. When it loses its way (a dotted key, an
unusual layout) it answers with the deepest line it did find, or ``None``.
"""

from __future__ import annotations

import re

__all__ = ["line_of", "parse_path"]

_SEGMENT = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]")
_BARE = re.compile(r"[A-Za-z0-9_-]+")


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
    segments = parse_path(path)
    if segments is None:
        return None
    try:
        nav = _Navigator(text)
        pos = nav.toml_root(segments) if toml else nav.inline(nav.skip_space(0), segments)
    except (IndexError, ValueError):
        return None
    if pos is None:
        return None
    return text.count("\n", 0, pos) + 1


class _Navigator:
    def __init__(self, text: str) -> None:
        self.text = text
        #: The deepest position reached so far: the answer when the way is lost.
        self.best: int | None = None

    # --- low level -------------------------------------------------------------------------------

    def skip_space(self, pos: int) -> int:
        """Skip whitespace, newlines and comments."""
        text = self.text
        while pos < len(text):
            ch = text[pos]
            if ch in " \t\r\n":
                pos += 1
            elif ch == "#":
                end = text.find("\n", pos)
                pos = len(text) if end < 0 else end
            else:
                break
        return pos

    def skip_string(self, pos: int) -> int:
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
        end = pos + 1
        while end < len(text):
            ch = text[end]
            if ch == "\\" and quote == '"':
                end += 2
                continue
            if ch == quote:
                return end + 1
            end += 1
        raise ValueError("unterminated string")

    def read_key(self, pos: int) -> tuple[str, int]:
        """A bare or quoted key at ``pos``, and the position after it."""
        text = self.text
        if text[pos] in "\"'":
            end = self.skip_string(pos)
            raw = text[pos + 1 : end - 1]
            return (raw.replace('\\"', '"') if text[pos] == '"' else raw), end
        match = _BARE.match(text, pos)
        if match is None:
            raise ValueError("no key")
        return match.group(), match.end()

    def skip_value(self, pos: int) -> int:
        """Skip one value (scalar, array or inline table/object); return the position after."""
        text = self.text
        pos = self.skip_space(pos)
        ch = text[pos]
        if ch in "\"'":
            return self.skip_string(pos)
        if ch in "[{":
            close = "]" if ch == "[" else "}"
            pos += 1
            while True:
                pos = self.skip_space(pos)
                if text[pos] == close:
                    return pos + 1
                if text[pos] == ",":
                    pos += 1
                    continue
                if ch == "{":
                    pos = self.after_separator(self.read_dotted_key(pos)[1])
                pos = self.skip_value(pos)
        end = pos
        while end < len(text) and text[end] not in ",]}\n#":
            end += 1
        return end

    def read_dotted_key(self, pos: int) -> tuple[list[str], int]:
        keys = []
        while True:
            key, pos = self.read_key(self.skip_space(pos))
            keys.append(key)
            after = self.skip_space(pos)
            if after < len(self.text) and self.text[after] == ".":
                pos = after + 1
                continue
            return keys, pos

    def after_separator(self, pos: int) -> int:
        pos = self.skip_space(pos)
        if self.text[pos] not in "=:":
            raise ValueError("no separator")
        return self.skip_space(pos + 1)

    # --- navigation ----------------------------------------------------------------------------

    def inline(self, pos: int, segments: list[str | int]) -> int | None:
        """Follow ``segments`` into the value at ``pos`` (JSON, or a TOML inline value)."""
        text = self.text
        self.best = pos
        for segment in segments:
            pos = self.skip_space(pos)
            if isinstance(segment, int):
                if text[pos] != "[":
                    return self.best
                pos += 1
                for _ in range(segment):
                    pos = self.skip_value(pos)
                    pos = self.skip_space(pos)
                    if text[pos] != ",":
                        return self.best
                    pos += 1
                pos = self.skip_space(pos)
            else:
                if text[pos] != "{":
                    return self.best
                pos = self.skip_space(pos + 1)
                while True:
                    if text[pos] == "}":
                        return self.best
                    keys, after = self.read_dotted_key(pos)
                    value = self.after_separator(after)
                    if keys == [segment]:
                        break
                    pos = self.skip_space(self.skip_value(value))
                    if text[pos] == ",":
                        pos = self.skip_space(pos + 1)
                self.best = pos
                pos = value
                continue
            self.best = pos
        return self.best

    def toml_root(self, segments: list[str | int]) -> int | None:
        """Follow ``segments`` through a TOML document's tables, then into an inline value."""
        text = self.text
        table: list[str | int] = []
        arrays: dict[tuple[str | int, ...], int] = {}
        best_len, best_pos = -1, None
        pos = self.skip_space(0)
        while pos < len(text):
            if text[pos] == "[":
                is_array = text.startswith("[[", pos)
                keys, after = self.read_dotted_key(pos + (2 if is_array else 1))
                table = []
                for i, key in enumerate(keys):
                    table.append(key)
                    if is_array and i == len(keys) - 1:
                        count = arrays.get(tuple(table), -1) + 1
                        arrays[tuple(table)] = count
                        table.append(count)
                    elif tuple(table) in arrays:
                        table.append(arrays[tuple(table)])
                matched = _common(table, segments)
                if matched == len(table) and matched > best_len:
                    best_len, best_pos = matched, pos
                end = text.find("\n", after)
                pos = self.skip_space(len(text) if end < 0 else end)
                continue
            keys, after = self.read_dotted_key(pos)
            value = self.after_separator(after)
            full = [*table, *keys]
            matched = _common(full, segments)
            if matched in (len(full), len(segments)) and matched > best_len:
                best_len, best_pos = matched, pos
                if matched < len(segments):
                    found = self.inline(value, segments[matched:])
                    if found is not None and found != value:
                        best_pos = found
            pos = self.skip_space(self.skip_value(value))
        return best_pos


def _common(a: list[str | int], b: list[str | int]) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return n


def _escaped(text: str, pos: int) -> bool:
    backslashes = 0
    while pos - 1 - backslashes >= 0 and text[pos - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 1
