"""Registry files: JSON and TOML (the whole registry) and CSV (a list of entities, e.g. your
vendor master), read through the private cattrs converter; and the bundled registry.

A registry file is an object with ``format_version`` (currently 1), ``id``, ``version``, an
optional ``title``, and lists ``entities``, ``relations`` and ``lists``, each item written as the
value classes' fields (see ``docs/registry.md``).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import importlib.resources
import io
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from vendorpolicy._convert import _list_of, _problem, _walk, converter
from vendorpolicy._files import Limits, _decode, _read_bytes, parse_document
from vendorpolicy._registry import DesignationList, Entity, Listing, Registry, Relation
from vendorpolicy.errors import (
    InvalidDataError,
    InvalidRegistryError,
    InvalidValueError,
    VendorPolicyError,
)

__all__ = [
    "FORMAT_VERSION",
    "REGISTRY_LIMITS",
    "bundled_registry",
    "load_registry",
    "registry_from_dict",
    "registry_to_dict",
]

#: The registry file format this version reads and writes.
FORMAT_VERSION = 1

converter.register_structure_hook(
    DesignationList,
    make_dict_structure_fn(DesignationList, converter, entries=_list_of(Listing)),
)
converter.register_structure_hook(
    Registry,
    make_dict_structure_fn(
        Registry,
        converter,
        entities=_list_of(Entity),
        relations=_list_of(Relation),
        lists=_list_of(DesignationList),
    ),
)
converter.register_unstructure_hook(
    Registry,
    make_dict_unstructure_fn(
        Registry,
        converter,
        _cattrs_omit_if_default=True,
        _by_id=override(omit=True),
        _up=override(omit=True),
        _listed=override(omit=True),
        _index=override(omit=True),
        _ever=override(omit=True),
        _down=override(omit=True),
        _group_listed=override(omit=True),
    ),
)


def registry_to_dict(registry: Registry) -> dict[str, Any]:
    """The registry as plain data (JSON types only), with its ``format_version``."""
    data: dict[str, Any] = converter.unstructure(registry)
    return {"format_version": FORMAT_VERSION, **data}


def _rebase(problem: VendorPolicyError) -> VendorPolicyError:
    path = problem.path or ""
    if path.startswith("Registry."):
        path = "$." + path[len("Registry.") :]
    return type(problem)(problem.message, path=path or None, hint=problem.hint)


def registry_from_dict(data: Any) -> Registry:
    """A registry from plain data (as :func:`registry_to_dict` writes it).

    Every problem is reported at once: malformed items in an :class:`InvalidDataError`, and
    parts that do not fit together (unknown ids, cycles) in an :class:`InvalidRegistryError`,
    each with its path into ``data``.
    """
    if not isinstance(data, Mapping):
        raise InvalidDataError(
            "1 problem in registry data",
            problems=(
                InvalidValueError(f"expected an object, got {type(data).__name__}", path="$"),
            ),
        )
    body = dict(data)
    version = body.pop("format_version", None)
    if version != FORMAT_VERSION:
        raise InvalidDataError(
            "1 problem in registry data",
            problems=(
                InvalidValueError(
                    f"unsupported format_version `{version}`"
                    if version is not None
                    else "missing `format_version`",
                    path="$.format_version",
                    hint=f"this version of vendorpolicy reads `{FORMAT_VERSION}`",
                ),
            ),
        )
    try:
        result: Registry = converter.structure(body, Registry)
    except InvalidRegistryError as exc:
        raise InvalidRegistryError(
            exc.message, problems=tuple(_rebase(p) for p in exc.problems)
        ) from None
    except Exception as exc:
        leaves = list(_walk(exc, "$"))
        for _, leaf in leaves:
            if isinstance(leaf, InvalidRegistryError):
                # The parts were well formed but do not fit together.
                raise InvalidRegistryError(
                    leaf.message, problems=tuple(_rebase(p) for p in leaf.problems)
                ) from None
        problems = tuple(_problem(path, e, Registry) for path, e in leaves)
        count = len(problems)
        raise InvalidDataError(
            f"{count} problem{'s' if count != 1 else ''} in registry data", problems=problems
        ) from None
    return result


_CSV_FIELDS = ("id", "name", "aliases", "country", "source", "notes")
_ALIAS_SEPARATOR = "|"


def _registry_from_csv(text: str, name: str, where: str = "<csv>") -> Registry:
    """Entities from CSV: columns ``id``, ``name``, optional ``aliases`` (separated by ``|``),
    ``country``, ``source``, ``notes``, and ``identifier:<scheme>`` columns. ``where`` names
    the file in messages."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        columns = reader.fieldnames or []
        rows = list(reader)
    except csv.Error as exc:  # a field over the csv module's limit, a stray quote
        raise InvalidDataError(
            f"cannot read {where}",
            problems=(
                InvalidValueError(
                    f"not valid CSV: {exc}",
                    path=f"{where}:{reader.reader.line_num}",
                    hint="a field that long is not a name: check the quoting on that line",
                ),
            ),
        ) from None
    unknown = [c for c in columns if c not in _CSV_FIELDS and not c.startswith("identifier:")]
    if unknown or "id" not in columns or "name" not in columns:
        raise InvalidDataError(
            "1 problem in registry CSV",
            problems=(
                InvalidValueError(
                    f"unknown column{'s' if len(unknown) > 1 else ''} "
                    + ", ".join(f"`{c}`" for c in unknown)
                    if unknown
                    else "the columns `id` and `name` are required",
                    path="$[header]",
                    hint="columns: "
                    + ", ".join(f"`{c}`" for c in _CSV_FIELDS)
                    + ", `identifier:<scheme>`",
                ),
            ),
        )
    entities: list[dict[str, Any]] = []
    for row in rows:
        item: dict[str, Any] = {"id": row["id"], "name": row["name"]}
        aliases = [a.strip() for a in (row.get("aliases") or "").split(_ALIAS_SEPARATOR)]
        if any(aliases):
            item["aliases"] = [a for a in aliases if a]
        for key in ("country", "source", "notes"):
            if row.get(key):
                item[key] = row[key]
        identifiers = {
            c.split(":", 1)[1]: row[c] for c in columns if c.startswith("identifier:") and row[c]
        }
        if identifiers:
            item["identifiers"] = identifiers
        entities.append(item)
    ident = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._") or "registry"
    version = "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]
    return registry_from_dict(
        {"format_version": FORMAT_VERSION, "id": ident, "version": version, "entities": entities}
    )


#: What :func:`load_registry` accepts by default: vendor masters can be large (a quarter of a
#: gigabyte), but never deeply nested.
REGISTRY_LIMITS = Limits(max_bytes=256 * 1024 * 1024)


def load_registry(path: str | Path, *, limits: Limits = REGISTRY_LIMITS) -> Registry:
    """Read a registry from a ``.json``, ``.toml`` or ``.csv`` file (CSV: entities only).

    The file must be UTF-8 text within ``limits`` (size, and nesting for JSON and TOML); a file
    that is not, or cannot be parsed, raises :class:`~vendorpolicy.errors.InvalidDataError`
    with the file and line; one that cannot be opened raises
    :class:`~vendorpolicy.errors.FileError`.
    """
    file = Path(path)
    name = str(file)
    suffix = file.suffix.lower()
    if suffix not in {".json", ".toml", ".csv"}:
        raise VendorPolicyError(
            f"cannot tell the format of `{file}`", hint="use a .json, .toml or .csv file"
        )
    text = _decode(_read_bytes(file, limits), name, limits)
    try:
        if suffix == ".csv":
            return _registry_from_csv(text, file.stem, name)
        data = parse_document(
            text, format="json" if suffix == ".json" else "toml", name=name, limits=limits
        )
        return registry_from_dict(data)
    except InvalidDataError as exc:
        if exc.message.startswith("cannot read "):
            raise  # already names the file
        raise type(exc)(f"{exc.message} in `{file}`", problems=exc.problems) from None


@functools.cache
def bundled_registry() -> Registry:
    """The registry bundled with vendorpolicy: the companies that US, UK, Swedish and EU
    measures name, with documented subsidiaries and affiliates and the designation lists, each
    fact with its public source (see ``docs/registry.md``)."""
    text = (
        importlib.resources.files("vendorpolicy")
        .joinpath("data/registry.json")
        .read_text(encoding="utf-8")
    )
    return registry_from_dict(json.loads(text))
