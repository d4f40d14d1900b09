"""Typed spreadsheet and columnar cells as the text a CSV ledger would hold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

__all__ = ["as_text"]


def as_text(value: Any) -> str:
    """A cell as ledger text: empty for none, ISO dates, ``true``/``false``, numbers written
    out in full (a float as the shortest text that reads back as it, never in exponent form)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
