"""Tables for the command line: columns sized to their content, fitted to the terminal.

Every table the CLI prints goes through here. The last column (a reason, a title) wraps onto
continuation lines, so nothing in it is lost; a column given a cap is cut at it with an
ellipsis (``…``). Cells are shown escaped (:func:`vendorpolicy._text.shown`) before they are
measured, so a cell is one line and never a terminal control sequence. No table uses colour,
so ``NO_COLOR`` has nothing to turn off.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Collection, Mapping, Sequence
from typing import TextIO

from vendorpolicy._text import shown

__all__ = [
    "ELLIPSIS",
    "LAST_COLUMN_MIN",
    "StreamTable",
    "aligned_table",
    "cut",
    "terminal_width",
    "wrap_line",
]

ELLIPSIS = "…"

#: The least room the last column of a table gets beside the others before it goes below.
LAST_COLUMN_MIN = 30

#: The gap between two columns.
_GAP = "  "


def terminal_width(limit: int | None = None) -> int:
    """The terminal's width (``COLUMNS`` when set, else the terminal's, else 80), at most
    ``limit``."""
    columns = shutil.get_terminal_size((80, 24)).columns
    columns = max(columns, 20)
    return min(columns, limit) if limit else columns


def cut(text: str, width: int, *, keep_end: bool = False) -> str:
    """``text`` if it fits in ``width`` characters, else cut to ``width`` with an ellipsis
    (at the end, or with ``keep_end`` at the start, to keep a file name's end)."""
    if len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    return ELLIPSIS + text[len(text) - width + 1 :] if keep_end else text[: width - 1] + ELLIPSIS


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, max(width, 1), break_on_hyphens=False) or [""]


def wrap_line(line: str, width: int | None, *, hang: int = 2) -> list[str]:
    """``line`` wrapped to ``width``: continuation lines keep its indentation plus ``hang``
    spaces. Words are split only when one is longer than a whole line."""
    if width is None or len(line) <= width:
        return [line]
    indent = len(line) - len(line.lstrip(" "))
    room = max(width - indent - hang, 10)
    first, *rest = _wrap(line[indent:], max(width - indent, 10))
    lines = [" " * indent + first]
    if rest:
        lines.extend(" " * (indent + hang) + part for part in _wrap(" ".join(rest), room))
    return lines


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
        head_cells.append(text.rjust(widths[i]) if i in right else text.ljust(widths[i]))
    head = _GAP.join(head_cells)
    last = cells[-1] if cells else ""
    if not head_cells:
        return wrap_line(last, width, hang=0)
    indent = len(head) + len(_GAP)
    if width is not None and width - indent < LAST_COLUMN_MIN:
        # Too narrow for the last column beside the others: it goes under its row, indented.
        return [head.rstrip(), *("    " + part for part in _wrap(last, max(width - 4, 10)))]
    if width is None or len(last) <= width - indent:
        return [f"{head}{_GAP}{last}".rstrip()]
    first, *rest = _wrap(last, width - indent)
    return [f"{head}{_GAP}{first}".rstrip(), *(" " * indent + part for part in rest)]


def _widths(rows: Sequence[Sequence[str]], caps: Mapping[int, int], count: int) -> list[int]:
    widths = [max((len(row[i]) for row in rows if i < len(row)), default=0) for i in range(count)]
    return [min(w, caps[i]) if i in caps else w for i, w in enumerate(widths)]


def aligned_table(
    lines: Sequence[Sequence[str]],
    *,
    width: int | None = None,
    rule: bool = True,
    right: Collection[int] = (),
    caps: Mapping[int, int] | None = None,
    keep_end: Collection[int] = (),
) -> str:
    """Rows aligned in columns under a header (the first row), each column as wide as its
    longest cell (or its cap in ``caps``, past which a cell is cut with an ellipsis), with a
    rule of dashes under the header when ``rule``. Columns in ``right`` are right-aligned.
    With ``width``, the last column wraps onto continuation lines so that no line is wider;
    when fewer than :data:`LAST_COLUMN_MIN` characters are left for it, it goes under its row.
    Cells are shown escaped."""
    cells = [tuple(shown(cell) for cell in row) for row in lines]  # user text, escaped
    count = len(cells[0])
    widths = _widths(cells, caps or {}, count - 1)
    options = {"width": width, "right": right, "keep_end": keep_end, "cuts": set(caps or {})}
    rendered = _fitted(cells[0], widths, **options)  # type: ignore[arg-type]
    if rule:
        below = width is not None and width - sum(w + len(_GAP) for w in widths) < LAST_COLUMN_MIN
        dashes = [*("-" * w for w in widths), *([] if below else ["-" * min(len(cells[0][-1]), 3)])]
        rendered.append(_GAP.join(dashes))
    for row in cells[1:]:
        rendered.extend(_fitted(row, widths, **options))  # type: ignore[arg-type]
    return "\n".join(rendered)


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
