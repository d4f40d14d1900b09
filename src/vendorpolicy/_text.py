"""User text shown to people: in messages, tables and explanations.

Two promises, kept here once for every place that shows a user's value: what is shown stays on
one line and holds nothing a terminal would act on (each character that is not printable is
written as its Python escape, ``\\n``, ``\\x1b``, ``\\u202e``, as ``repr`` writes it), and a
value of any size or shape can be shown without failing (long text is cut short; deeply nested
data, huge numbers and objects whose ``repr`` fails are summarised).

This module imports nothing from vendorpolicy, so that ``vendorpolicy.errors`` can use it.
"""

from __future__ import annotations

import reprlib

__all__ = ["LIMIT", "brief", "lone_surrogate", "shown"]

#: How many characters of a user value a message shows before cutting it short.
LIMIT = 200

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: Containers are shown to a few levels and items, never by unbounded recursion.
_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxlist = _REPR.maxtuple = _REPR.maxset = _REPR.maxfrozenset = _REPR.maxdict = 6
_REPR.maxstring = 60
_REPR.maxother = 60
#: Integers longer than this many bits are shown by their size (``str()`` refuses very long ones).
_MAX_INT_BITS = 4000


def shown(text: str) -> str:
    """``text`` with every character that is not printable written as its escape, so that it
    stays on one line and a terminal shows it rather than acting on it. Printable text,
    including any script, is unchanged; applying it twice changes nothing more."""
    if text.isprintable():
        return text
    out: list[str] = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        elif ch in _NAMED:
            out.append(_NAMED[ch])
        else:
            code = ord(ch)
            if code < 0x100:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
    return "".join(out)


def brief(value: object, limit: int = LIMIT) -> str:
    """A user value as one line of at most ``limit`` characters, escaped by :func:`shown`.

    Text is shown as it is; anything else by its ``str()``, containers to a few levels only.
    Never raises: a value that cannot be shown is named by its type.
    """
    text = value if isinstance(value, str) else _render(value)
    if len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return shown(text)


def _render(value: object) -> str:
    try:
        if isinstance(value, int) and not isinstance(value, bool):
            bits = abs(value).bit_length()
            if bits > _MAX_INT_BITS:
                return f"<an integer of about {int(bits * 0.30103)} digits>"
            return str(value)
        if isinstance(value, (list, tuple, dict, set, frozenset)):
            return _REPR.repr(value)
        return str(value)
    except Exception:  # RecursionError, a failing __str__, a number too long to print
        return f"<{type(value).__name__}>"


def lone_surrogate(text: str) -> int | None:
    """The index of the first lone surrogate in ``text`` (a code point between ``U+D800`` and
    ``U+DFFF`` that is not a character: no UTF-8 file can hold it), or ``None``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None
