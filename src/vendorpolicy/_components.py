"""Components files: the parts of a ledger's purchases, one part a row, joined by purchase id.

A flat export cannot list the parts inside each purchase (the LTE modem in a laptop), yet rules
such as §889 read them. A components file gives them beside the ledger; every part is either
joined to a ledger row or reported, so that no part is silently dropped.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from vendorpolicy._checks import tick
from vendorpolicy._convert import structure
from vendorpolicy._model import Component
from vendorpolicy.errors import FileError, InvalidDataError, InvalidValueError, VendorPolicyError

__all__ = ["COMPONENT_COLUMNS", "ComponentsFile", "load_components"]

#: The columns of a components file besides ``facts.<name>``; ``purchase_id`` is required.
COMPONENT_COLUMNS = (
    "purchase_id",
    "maker",
    "vendor_id",
    "vendor_name",
    "vendor_country",
    "category",
    "description",
)
_FACT_PREFIX = "facts."
_DATA_COLUMN = {
    "$.maker": "maker",
    "$.vendor.id": "vendor_id",
    "$.vendor.name": "vendor_name",
    "$.vendor.country": "vendor_country",
    "$.vendor": "vendor_id",
    "$.category": "category",
    "$.description": "description",
}


class ComponentsFile:
    """The parts of a components file, by purchase id, for :func:`read_ledger`.

    ``complete=True`` declares that the file lists every part of every purchase in the ledger:
    a purchase it does not list then has no components (instead of undeclared ones, which rules
    over parts read as unknown). After the ledger is read, :meth:`unmatched` lists the parts
    whose purchase id no ledger row had.
    """

    def __init__(self, path: str | os.PathLike[str], *, complete: bool = False) -> None:
        self.path = os.fspath(path)
        self.complete = complete
        self._parts: dict[str, list[tuple[int, Component | str]]] = {}
        self._taken: set[str] = set()
        for line, purchase_id, part in _read(self.path):
            self._parts.setdefault(purchase_id, []).append((line, part))

    def __repr__(self) -> str:
        return f"ComponentsFile({self.path!r}, complete={self.complete!r})"

    @property
    def parts(self) -> int:
        """How many parts (rows) the file holds."""
        return sum(len(v) for v in self._parts.values())

    def take(self, purchase_id: str) -> list[tuple[int, Component | str]] | None:
        """The parts of one purchase (each a component, or the error that kept its row from
        being read, with its line); ``None`` when the file lists none."""
        found = self._parts.get(purchase_id)
        if found is not None:
            self._taken.add(purchase_id)
        return found

    def unmatched(self) -> list[tuple[int, str]]:
        """The parts (line, purchase id) that no ledger row has taken so far, in file order."""
        rest = [
            (line, purchase_id)
            for purchase_id, parts in self._parts.items()
            if purchase_id not in self._taken
            for line, _ in parts
        ]
        return sorted(rest)


def load_components(path: str | os.PathLike[str], *, complete: bool = False) -> ComponentsFile:
    """Read a components file (CSV: ``purchase_id``, then any of ``maker``, ``vendor_id``,
    ``vendor_name``, ``vendor_country``, ``category``, ``description`` and ``facts.<name>``
    columns). A header with an unknown column raises; a row that cannot be read becomes an
    error for the purchase it names."""
    return ComponentsFile(path, complete=complete)


def _read(name: str) -> Iterator[tuple[int, str, Component | str]]:
    from vendorpolicy._ledger import _closest, csv_records  # noqa: PLC0415 - ledgers use us

    try:
        text = Path(name).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FileError(f"no such file {tick(name)}") from None
    except UnicodeDecodeError as exc:
        raise FileError(f"cannot read {tick(name)}: not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise FileError(f"cannot read {tick(name)}: {exc.strerror or exc}") from None
    records = csv_records(text.splitlines(keepends=True))
    first = next(records, None)
    if first is None or not first[1]:
        raise _header_error(name, "the file is empty", "the first line must name the columns")
    header = [h.strip() for h in first[1]]
    problems = [
        InvalidValueError(
            f"unknown column {tick(column)}",
            path=f"{name}:1 column {i + 1}",
            hint=f"did you mean {tick(close)}?"
            if (close := _closest(column, list(COMPONENT_COLUMNS)))
            else "columns: " + ", ".join(f"`{c}`" for c in COMPONENT_COLUMNS) + ", `facts.<name>`",
        )
        for i, column in enumerate(header)
        if column not in COMPONENT_COLUMNS and not column.startswith(_FACT_PREFIX)
    ]
    if "purchase_id" not in header:
        problems.append(
            InvalidValueError(
                "no column `purchase_id`",
                path=f"{name}:1",
                hint="each part names the purchase it belongs to, as the ledger's id gives it",
            )
        )
    if problems:
        count = len(problems)
        raise InvalidDataError(
            f"{count} problem{'s' if count != 1 else ''} in the header of {name}",
            problems=tuple(problems),
        )
    for line, cells in records:
        if cells is None or not any(c.strip() for c in cells):
            if cells is None:
                yield line, "", f"row longer than the limit at line {line}"
            continue
        if len(cells) != len(header):
            yield line, "", f"expected {len(header)} cells as in the header, found {len(cells)}"
            continue
        row = {c: v.strip() for c, v in zip(header, cells, strict=True) if v.strip()}
        yield line, row.get("purchase_id", ""), _component(row, line, name)


def _component(row: dict[str, str], line: int, name: str) -> Component | str:
    data: dict[str, Any] = {}
    vendor = {k[len("vendor_") :]: v for k, v in row.items() if k.startswith("vendor_")}
    if vendor:
        data["vendor"] = vendor
    for key in ("maker", "category", "description"):
        if key in row:
            data[key] = row[key]
    facts = {
        k[len(_FACT_PREFIX) :]: (v.lower() == "true" if v.lower() in ("true", "false") else v)
        for k, v in row.items()
        if k.startswith(_FACT_PREFIX)
    }
    if facts:
        data["facts"] = facts
    try:
        part: Component = structure(data, Component)
    except InvalidDataError as exc:
        return "; ".join(_render(p, line, name) for p in exc.problems)
    return part


def _render(problem: VendorPolicyError, line: int, name: str) -> str:
    path = problem.path or "$"
    column = _DATA_COLUMN.get(path)
    if column is None and path.startswith("$.facts["):
        column = _FACT_PREFIX + path[len("$.facts[") :].split("]", 1)[0].strip("'\"")
    where = f"components file {name}:{line} column {tick(column or path)}"
    text = f"{where}: {problem.message}"
    return f"{text} ({problem.hint})" if problem.hint else text


def _header_error(name: str, message: str, hint: str) -> InvalidDataError:
    return InvalidDataError(
        f"cannot read {name}", problems=(InvalidValueError(message, path=name, hint=hint),)
    )


def attach(rows: Iterable[Any], components: ComponentsFile) -> Iterator[Any]:
    """The ledger's rows with their parts from ``components``: a row whose parts could not all
    be read, or that declares parts itself too, becomes an error naming the file and line."""
    from vendorpolicy._ledger import LedgerRow, RowError  # noqa: PLC0415 - ledgers use us

    for row in rows:
        if not isinstance(row, LedgerRow):
            yield row
            continue
        purchase = row.purchase
        parts = components.take(purchase.id) if purchase.id else None
        if parts is None:
            if components.complete and purchase.id and purchase.components is None:
                row = attrs.evolve(row, purchase=attrs.evolve(purchase, components=()))  # noqa: PLW2901
            yield row
            continue
        errors = [part for _, part in parts if isinstance(part, str)]
        if purchase.components is not None:
            declared = "no components" if not purchase.components else "its own components"
            errors.append(
                f"the row declares {declared}, and components file {components.path} lists "
                f"{len(parts)} part{'s' if len(parts) != 1 else ''} for purchase "
                f"{tick(purchase.id)} (give the parts in one place)"
            )
        if errors:
            yield RowError(
                line=row.line, errors=tuple(errors), purchase_id=purchase.id, kept=row.kept
            )
            continue
        found = tuple(part for _, part in parts if isinstance(part, Component))
        yield attrs.evolve(row, purchase=attrs.evolve(purchase, components=found))
