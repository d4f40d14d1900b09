"""Tables for the command line: columns sized to their content, fitted to the terminal.

Every table the CLI prints goes through here. The last column (a reason, a title) wraps onto
continuation lines, so nothing in it is lost; a column given a cap is cut at it with an
ellipsis (``…``). Cells are shown escaped (:func:`vendorpolicy._text.shown`) before they are
measured, so a cell is one line and never a terminal control sequence. No table uses colour,
so ``NO_COLOR`` has nothing to turn off.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from typing import TextIO

from vendorpolicy._text import shown

__all__ = [
    "ELLIPSIS",
    "LAST_COLUMN_MIN",
    "SHRINK_MIN",
    "StreamTable",
    "aligned_table",
    "cut",
    "terminal_width",
    "width_of",
    "wrap_line",
]

ELLIPSIS = "…"

#: The least room the last column of a table gets beside the others before it goes below.
LAST_COLUMN_MIN = 30

#: The gap between two columns.
_GAP = "  "


def terminal_width(out: TextIO | None = None, limit: int | None = None) -> int | None:
    """The width to fit a table printed to ``out`` to: ``COLUMNS`` when it is set, else the
    terminal's width when ``out`` is a terminal, else none (``None``: lines are not wrapped, so
    that a file or a pipe gets whole lines); at most ``limit``, which is also the width when
    there is none."""
    columns: int | None = None
    with contextlib.suppress(ValueError):
        columns = int(os.environ.get("COLUMNS", ""))
    if columns is None or columns <= 0:
        columns = None
        isatty = getattr(out, "isatty", None)
        if isatty is not None and isatty():
            columns = shutil.get_terminal_size((80, 24)).columns
    if columns is not None:
        columns = max(columns, 20)
    if limit is None:
        return columns
    return limit if columns is None else min(columns, limit)


def width_of(text: str) -> int:
    """The columns ``text`` takes on a terminal: two for each wide (East Asian) character,
    none for a combining mark, one for any other."""
    if text.isascii():
        return len(text)
    return sum(_char_width(ch) for ch in text)


def _char_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _pad(text: str, width: int, *, right: bool = False) -> str:
    room = " " * max(width - width_of(text), 0)
    return room + text if right else text + room


def cut(text: str, width: int, *, keep_end: bool = False) -> str:
    """``text`` if it takes at most ``width`` columns, else cut to ``width`` with an ellipsis
    (at the end, or with ``keep_end`` at the start, to keep a file name's end)."""
    if width_of(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    kept: list[str] = []
    used = 1  # the ellipsis
    for ch in reversed(text) if keep_end else text:
        used += _char_width(ch)
        if used > width:
            break
        kept.append(ch)
    if keep_end:
        return ELLIPSIS + "".join(reversed(kept))
    return "".join(kept) + ELLIPSIS


def _is_wide(word: str) -> bool:
    return any(_char_width(ch) == 2 for ch in word)


def _take(word: str, room: int) -> tuple[str, str]:
    """The start of ``word`` that fits in ``room`` columns, and the rest."""
    used = 0
    for i, ch in enumerate(word):
        used += _char_width(ch)
        if used > room:
            return word[:i], word[i:]
    return word, ""


def _wrap(text: str, width: int, later: int | None = None) -> list[str]:
    """``text``'s words in lines of at most ``width`` columns (``later`` for the lines after
    the first), greedily. A word longer than a line (a URL, a digest) is kept whole, as cut
    it would not work; wide text (Japanese, Chinese: no spaces between words) breaks between
    any two characters, filling each line."""
    limit = max(width, 1)
    later = max(later or width, 1)
    lines: list[str] = []
    line, used = "", 0

    def flush() -> None:
        nonlocal line, used, limit
        lines.append(line)
        line, used, limit = "", 0, later

    for word in text.split():
        w = width_of(word)
        gap = 1 if line else 0
        if used + gap + w <= limit:
            line, used = line + " " * gap + word, used + gap + w
            continue
        if not _is_wide(word):
            if line:
                flush()
            line, used = word, w
            continue
        rest = word
        while rest:
            gap = 1 if line else 0
            piece, rest = _take(rest, limit - used - gap)
            if not piece and not line:  # not even one character fits: take it anyway
                piece, rest = rest[0], rest[1:]
            if piece:
                line, used = line + " " * gap + piece, used + gap + width_of(piece)
            if rest:
                flush()
    if line or not lines:
        lines.append(line)
    return lines


def wrap_line(line: str, width: int | None, *, hang: int = 2) -> list[str]:
    """``line`` wrapped to ``width``: continuation lines keep its indentation plus ``hang``
    spaces. Words are split only when one is longer than a whole line."""
    if width is None or width_of(line) <= width:
        return [line]
    indent = len(line) - len(line.lstrip(" "))
    room = max(width - indent - hang, 10)
    first, *rest = _wrap(line[indent:], max(width - indent, 10), later=room)
    return [" " * indent + first, *(" " * (indent + hang) + part for part in rest)]


def _fitted(
    cells: Sequence[str],
    widths: Sequence[int],
    *,
    width: int | None,
    right: Collection[int],
    keep_end: Collection[int],
    cuts: Collection[int],
) -> list[str]:
    """One row: every column but the last padded to its width (a column in ``cuts`` is cut to
    it; any other pushes the rest of the row along), the last wrapped in the room left, or
    under the row when that room is less than :data:`LAST_COLUMN_MIN`."""
    head_cells = []
    for i, cell in enumerate(cells[:-1]):
        text = cut(cell, widths[i], keep_end=i in keep_end) if i in cuts else cell
        head_cells.append(_pad(text, widths[i], right=i in right))
    head = _GAP.join(head_cells)
    last = cells[-1] if cells else ""
    if not head_cells:
        return wrap_line(last, width, hang=0)
    indent = width_of(head) + len(_GAP)
    if width is not None and width - indent < LAST_COLUMN_MIN:
        # Too narrow for the last column beside the others: it goes under its row, indented.
        return [head.rstrip(), *("    " + part for part in _wrap(last, max(width - 4, 10)))]
    if width is None or width_of(last) <= width - indent:
        return [f"{head}{_GAP}{last}".rstrip()]
    first, *rest = _wrap(last, width - indent)
    return [f"{head}{_GAP}{first}".rstrip(), *(" " * indent + part for part in rest)]


def _widths(rows: Sequence[Sequence[str]], caps: Mapping[int, int], count: int) -> list[int]:
    widths = [
        max((width_of(row[i]) for row in rows if i < len(row)), default=0) for i in range(count)
    ]
    return [min(w, caps[i]) if i in caps else w for i, w in enumerate(widths)]


def aligned_table(
    lines: Sequence[Sequence[str]],
    *,
    width: int | None = None,
    rule: bool = True,
    right: Collection[int] = (),
    caps: Mapping[int, int] | None = None,
    keep_end: Collection[int] = (),
    shrink: Collection[int] = (),
) -> str:
    """Rows aligned in columns under a header (the first row), each column as wide as its
    longest cell (or its cap in ``caps``, past which a cell is cut with an ellipsis), with a
    rule of dashes under the header when ``rule``. Columns in ``right`` are right-aligned.
    With ``width``, the last column wraps onto continuation lines so that no line is wider;
    when fewer than :data:`LAST_COLUMN_MIN` characters are left for it, it goes under its row;
    when even the other columns are wider than ``width``, the columns in ``shrink`` are
    narrowed (widest first, not below their header or :data:`SHRINK_MIN`) and their cells cut
    with an ellipsis. Cells are shown escaped."""
    cells = [tuple(shown(cell) for cell in row) for row in lines]  # user text, escaped
    count = len(cells[0])
    widths = _widths(cells, caps or {}, count - 1)
    cuts = set(caps or {})
    if width is not None and shrink:
        cuts |= _shrink(widths, [width_of(cell) for cell in cells[0]], width, shrink)
    options = {"width": width, "right": right, "keep_end": keep_end, "cuts": cuts}
    rendered = _fitted(cells[0], widths, **options)  # type: ignore[arg-type]
    if rule:
        below = width is not None and width - sum(w + len(_GAP) for w in widths) < LAST_COLUMN_MIN
        dashes = [*("-" * w for w in widths), *([] if below else ["-" * min(len(cells[0][-1]), 3)])]
        rendered.append(_GAP.join(dashes))
    for row in cells[1:]:
        rendered.extend(_fitted(row, widths, **options))  # type: ignore[arg-type]
    return "\n".join(rendered)


#: The least width :func:`aligned_table` narrows a column to.
SHRINK_MIN = 6


def _shrink(
    widths: list[int], header: Sequence[int], width: int, shrink: Collection[int]
) -> set[int]:
    """Narrow the columns in ``shrink`` (widest first) until the columns before the last fit
    in ``width``; the columns narrowed."""
    narrowed: set[int] = set()
    excess = sum(w + len(_GAP) for w in widths) - len(_GAP) - width
    least = {i: max(header[i], SHRINK_MIN) for i in shrink if i < len(widths)}
    while excess > 0:
        room = [i for i in least if widths[i] > least[i]]
        if not room:
            break
        widest = max(room, key=lambda i: widths[i])
        widths[widest] -= 1
        narrowed.add(widest)
        excess -= 1
    return narrowed


class StreamTable:
    """A table printed while its rows arrive (``check``'s rows stream): the columns are sized to
    the header and the first ``sample`` rows, which are held back until then. A later cell
    longer than its column is cut with an ellipsis in a column with a cap (``caps``), and pushes
    the rest of its row along in any other (so that a line number is never cut); ``least``
    gives columns a least width. The last column wraps to ``width`` as in
    :func:`aligned_table`."""

    def __init__(
        self,
        header: Sequence[str],
        out: TextIO,
        *,
        width: int | None,
        sample: int = 100,
        caps: Mapping[int, int] | None = None,
        keep_end: Collection[int] = (),
        least: Mapping[int, int] | None = None,
    ) -> None:
        self._header = tuple(header)
        self._out = out
        self._width = width
        self._sample = sample
        self._caps = dict(caps or {})
        self._keep_end = keep_end
        self._least = dict(least or {})
        self._held: list[tuple[str, ...]] = []
        self._widths: list[int] | None = None

    def add(self, cells: Sequence[str]) -> None:
        """Add one row (its cells are shown escaped)."""
        row = tuple(shown(cell) for cell in cells)
        if self._widths is None:
            self._held.append(row)
            if len(self._held) >= self._sample:
                self._start()
            return
        self._print(row)

    def close(self) -> None:
        """Print the rows still held back (and the header, even for no rows)."""
        if self._widths is None:
            self._start()

    def _start(self) -> None:
        rows = [self._header, *self._held]
        count = len(self._header) - 1
        widths = _widths(rows, self._caps, count)
        self._widths = [max(w, self._least.get(i, 0)) for i, w in enumerate(widths)]
        self._print(self._header)
        for row in self._held:
            self._print(row)
        self._held = []

    def _print(self, row: tuple[str, ...]) -> None:
        assert self._widths is not None
        lines = _fitted(
            row,
            self._widths,
            width=self._width,
            right=(),
            keep_end=self._keep_end,
            cuts=self._caps,
        )
        self._out.write("\n".join(lines) + "\n")
