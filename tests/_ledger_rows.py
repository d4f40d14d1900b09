"""Purchases written as the cells of a CSV ledger row, for the tests that screen the same rows
two ways (tests/test_bulk.py, tests/test_spark.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from vendorpolicy import Purchase
from vendorpolicy.testing import FACT_POOL

FACTS = sorted(FACT_POOL)
HEADER = [
    "id", "date", "buyer_id", "buyer_public", "buyer_sector", "buyer_country", "vendor_id",
    "vendor_name", "vendor_country", "vendor_designations", "supplier", "category", "value",
    "currency", "purpose", "acquired", *(f"facts.{f}" for f in FACTS),
]  # fmt: skip


def cell_text(value: Any) -> str:
    """A value as a ledger cell states it: empty for none, ``true``/``false``, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def cells_of(p: Purchase) -> list[str]:
    """A purchase as the cells of a ledger row (with the HEADER columns)."""
    v = p.vendor
    return [
        p.id,
        cell_text(p.date),
        p.buyer.id,
        cell_text(p.buyer.public),
        p.buyer.sector.value,
        cell_text(p.buyer.country),
        v.id if v else "",
        v.name if v else "",
        cell_text(v.country) if v else "",
        ";".join(sorted(v.designations)) if v else "",
        p.supplier,
        p.category.path if p.category else "",
        cell_text(p.value.amount) if p.value else "",
        p.value.currency if p.value else "",
        cell_text(p.purpose),
        cell_text(p.acquired),
        *(cell_text(p.facts.get(f)) for f in FACTS),
    ]


def csv_line(cells: list[str]) -> str:
    """One CSV record, quoting the cells that hold a comma, a quote or a line break."""
    return ",".join('"' + c.replace('"', '""') + '"' if any(x in c for x in ',"\n\r') else c
                    for c in cells)  # fmt: skip
