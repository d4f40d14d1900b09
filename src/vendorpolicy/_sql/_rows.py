"""Purchases as the columns of a purchases table (see ``COLUMNS``), to load into a database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from vendorpolicy._model import Purchase
from vendorpolicy._sql._compiler import COLUMNS, FACT_PREFIX
from vendorpolicy.errors import InvalidValueError

__all__ = ["purchase_columns"]


def _fact_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    assert isinstance(value, str)
    return value


def purchase_columns(purchases: Iterable[Purchase]) -> dict[str, list[Any]]:
    """The purchases as a table: column name -> one cell per purchase (``None`` for ``NULL``),
    with the canonical columns and one ``facts.<name>`` column per fact any purchase states.

    A purchase the table cannot hold is refused: one that declares its components, whose
    vendor states a parent, or that states as text a fact that reads as a boolean."""
    rows = list(purchases)
    out: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    names = sorted({name for p in rows for name in p.facts})
    facts: dict[str, list[str | None]] = {FACT_PREFIX + n: [] for n in names}
    for i, p in enumerate(rows):
        where = f"purchases[{i}]"
        if p.components is not None:
            raise InvalidValueError(
                "a purchases table declares no components",
                path=f"{where}.components",
                hint="screen purchases with components with `vendorpolicy.screen` instead",
            )
        vendor = p.vendor
        if vendor is not None and vendor.parent is not None:
            raise InvalidValueError(
                "a purchases table states no owners: they come from the registry",
                path=f"{where}.vendor.parent",
                hint="give the ownership in a registry (`registry=`)",
            )
        buyer = p.buyer
        cells = {
            "id": p.id or None,
            "buyer_id": buyer.id,
            "buyer_public": buyer.public,
            "buyer_sector": buyer.sector.value,
            "buyer_country": buyer.country,
            "buyer_designations": None
            if buyer.designations is None
            else sorted(buyer.designations),
            "vendor_id": None if vendor is None else vendor.id,
            "vendor_country": None if vendor is None else vendor.country,
            "vendor_designations": None if vendor is None else sorted(vendor.designations),
            "category": None if p.category is None else p.category.path,
            "date": p.date,
            "value": None if p.value is None else p.value.amount,
            "currency": None if p.value is None else p.value.currency,
            "purpose": p.purpose,
            "acquired": p.acquired,
        }
        for name, cell in cells.items():
            out[name].append(cell)
        for name in names:
            value = p.facts.get(name)
            if isinstance(value, str) and value.lower() in ("true", "false"):
                raise InvalidValueError(
                    f"fact `{name}` is the text `{value}`, which a table reads as a boolean",
                    path=f"{where}.facts[{name!r}]",
                )
            facts[FACT_PREFIX + name].append(None if value is None else _fact_text(value))
    return {**out, **facts}
