"""Validators and converters shared by the value classes: every one raises a library error that
names the field, the bad value and, where it can, the fix."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Generic, NoReturn, TypeVar

import attrs

from vendorpolicy._codes import (
    BUYER_COUNTRY_CODES,
    COUNTRY_ALIASES,
    COUNTRY_CODES,
    CURRENCY_CODES,
    EXCEPTIONAL_COUNTRY_CODES,
    suggest,
)
from vendorpolicy._text import LIMIT, brief, lone_surrogate
from vendorpolicy.errors import InvalidValueError, PredicateTypeError, VendorPolicyError

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

#: Identifiers: lowercase letters, digits and ``-_.``, starting with a letter or digit.
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")


def where(instance: object, attribute: attrs.Attribute[Any]) -> str:
    """The path of a field, for an error message: ``Vendor.country``."""
    return f"{type(instance).__name__}.{attribute.name}"


def tick(value: object, limit: int = LIMIT) -> str:
    """A user value quoted for a message: in backticks, on one line, escaped and cut short (see
    :func:`vendorpolicy._text.brief`). Every message shows user values through this."""
    return f"`{brief(value, limit)}`"


def type_name(value: object) -> str:
    return type(value).__name__


def check_id(value: object, path: str) -> str:
    """Check an identifier and return it."""
    if not isinstance(value, str):
        raise PredicateTypeError(
            f"an id must be a string, got {type_name(value)} {tick(value)}", path=path
        )
    if not value:
        raise InvalidValueError("empty id", path=path, hint="give a non-empty id such as `jp-gov`")
    if not ID_PATTERN.match(value):
        fixed = re.sub(r"[^a-z0-9._-]+", "-", value.lower()).strip("-._")
        raise InvalidValueError(
            f"invalid id {tick(value)}: use lowercase letters, digits and `-_.`",
            path=path,
            hint=f"did you mean `{fixed}`?" if fixed and ID_PATTERN.match(fixed) else None,
        )
    return value


#: Identifiers already checked (a bounded memo: checking is a regular-expression match).
_VALID_IDS: set[str] = set()
_VALID_IDS_LIMIT = 1 << 16


def is_valid_id(value: object) -> bool:
    """Whether ``value`` is a valid identifier (memoised: the same ids recur)."""
    if type(value) is not str:
        return False  # a subclass of str is checked in full by `check_id`
    if value in _VALID_IDS:
        return True
    if not ID_PATTERN.match(value):
        return False
    if len(_VALID_IDS) >= _VALID_IDS_LIMIT:
        _VALID_IDS.clear()
    _VALID_IDS.add(value)
    return True


def id_validator(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not is_valid_id(value):
        check_id(value, where(instance, attribute))


def _check_code(value: object, path: str, codes: frozenset[str], what: str, example: str) -> str:
    if not isinstance(value, str):
        raise PredicateTypeError(
            f"a {what} must be a string, got {type_name(value)} {tick(value)}", path=path
        )
    if value not in codes:
        hint = suggest(value, codes)
        raise InvalidValueError(
            f"unknown {what} {tick(value)}",
            path=path,
            hint=f"did you mean `{hint}`?" if hint else f"use {example}",
        )
    return value


def check_country(value: object, path: str) -> str:
    """A vendor's or an entity's country: an assigned ISO 3166-1 alpha-2 code."""
    if isinstance(value, str) and value in EXCEPTIONAL_COUNTRY_CODES:
        raise InvalidValueError(
            f"{tick(value)} is accepted only as a buyer's country",
            path=path,
            hint="a vendor is established in a country: give the member state, such as `DE`",
        )
    return _check_country_code(value, path, COUNTRY_CODES)


def check_buyer_country(value: object, path: str) -> str:
    """A buyer's country: an assigned ISO 3166-1 alpha-2 code, or ``EU`` for the European
    Union's own institutions (an exceptionally reserved code)."""
    return _check_country_code(value, path, BUYER_COUNTRY_CODES)


def _check_country_code(value: object, path: str, codes: frozenset[str]) -> str:
    if isinstance(value, str) and value in COUNTRY_ALIASES and value not in codes:
        raise InvalidValueError(
            f"unknown country code {tick(value)}",
            path=path,
            hint=f"ISO 3166-1 writes `{COUNTRY_ALIASES[value]}`",
        )
    return _check_code(
        value, path, codes, "country code", "an ISO 3166-1 alpha-2 code such as `JP`"
    )


def country_validator(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (type(value) is not str or value not in COUNTRY_CODES):
        check_country(value, where(instance, attribute))


def buyer_country_validator(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if value is not None:
        check_buyer_country(value, where(instance, attribute))


def check_currency(value: object, path: str) -> str:
    return _check_code(
        value, path, CURRENCY_CODES, "currency code", "an ISO 4217 code such as `JPY`"
    )


def check_text(value: object, path: str) -> str:
    """Check that ``value`` is text that can be written out: a lone surrogate (which no UTF-8
    file can hold) is refused here rather than failing later in a digest or a results file."""
    if not isinstance(value, str):
        raise PredicateTypeError(f"expected text, got {type_name(value)} {tick(value)}", path=path)
    if lone_surrogate(value) is not None:
        raise surrogate_error(value, path)
    return value


def surrogate_error(text: str, path: str, *, what: str = "text") -> InvalidValueError:
    """The error for text holding a lone surrogate, naming where in the text it is."""
    at = lone_surrogate(text) or 0
    return InvalidValueError(
        f"not valid Unicode: a lone surrogate {tick(text[at])} at character {at + 1} of the "
        f"{what} {tick(text, 60)}",
        path=path,
        hint="such text usually comes from a wrong decoding; fix it where it was produced",
    )


def data_problems(data: Any, max_depth: int, root: str = "$") -> list[VendorPolicyError]:
    """Problems with plain data (parsed JSON or TOML) before any value is built, found without
    recursion: nesting deeper than ``max_depth`` (the first place only) and every key or text
    holding a lone surrogate, each with its path from ``root``."""
    problems: list[VendorPolicyError] = []
    stack: list[tuple[Any, int, str]] = [(data, 1, root)]
    too_deep = False
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, str):
            if lone_surrogate(value) is not None:
                problems.append(surrogate_error(value, path))
            continue
        if isinstance(value, Mapping):
            items: list[tuple[str, Any]] = []
            for key, item in value.items():
                if isinstance(key, str) and lone_surrogate(key) is not None:
                    problems.append(surrogate_error(key, path, what="key"))
                items.append((f"{path}.{key}", item))
        elif isinstance(value, list):
            items = [(f"{path}[{i}]", item) for i, item in enumerate(value)]
        else:
            continue
        for child_path, child in reversed(items):
            if isinstance(child, (Mapping, list)) and depth + 1 > max_depth:
                if not too_deep:
                    too_deep = True
                    problems.append(
                        InvalidValueError(
                            f"nested too deeply: more than {max_depth} levels",
                            path=child_path,
                            hint="flatten the data, or raise `Limits.max_depth` if it is trusted",
                        )
                    )
                continue
            stack.append((child, depth + 1, child_path))
    return problems


def text_validator(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    # ASCII text (nearly all of it) can hold no lone surrogate: only other text is searched.
    if type(value) is not str or not value.isascii():
        check_text(value, where(instance, attribute))


def check_date(value: object, path: str) -> dt.date:
    # datetime is a subclass of date; a timestamp would compare oddly, so it is refused.
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise PredicateTypeError(
            f"expected a date, got {type_name(value)} {tick(value)}",
            path=path,
            hint="pass a `datetime.date`, e.g. `date(2019, 4, 1)`",
        )
    return value


def optional_date_validator(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    if value is not None and type(value) is not dt.date:
        check_date(value, where(instance, attribute))


def check_bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise PredicateTypeError(
            f"expected true or false, got {type_name(value)} {tick(value)}", path=path
        )
    return value


def bool_validator(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not True and value is not False:
        check_bool(value, where(instance, attribute))


def expect_type(value: object, cls: type[T], path: str, *, hint: str | None = None) -> T:
    """``value``, when it is a ``cls``; else the library's type error at ``path`` (``expected
    a RuleSet, got str `x```), with ``hint``: the argument check of a public function."""
    if not isinstance(value, cls):
        name = cls.__name__
        article = "an" if name[:1].lower() in "aeiou" else "a"
        raise PredicateTypeError(
            f"expected {article} {name}, got {type_name(value)} {tick(value)}",
            path=path,
            hint=hint,
        )
    return value


def instance_of(cls: type[Any], *, optional: bool = False) -> Callable[[Any, Any, Any], None]:
    """Like ``attrs.validators.instance_of`` but raising the library's error with the path."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if optional and value is None:
            return
        if not isinstance(value, cls):
            raise PredicateTypeError(
                f"expected {cls.__name__}{' or None' if optional else ''}, "
                f"got {type_name(value)} {tick(value)}",
                path=where(instance, attribute),
            )

    return check


def as_items(value: object, path: str) -> list[object]:
    """Accept one string or an iterable of items; a lone string is one item, not its letters."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (bytes, bytearray)) or not isinstance(value, Iterable):
        raise PredicateTypeError(
            f"expected a collection, got {type_name(value)} {tick(value)}",
            path=path,
            hint="pass a set such as `{'CN'}`",
        )
    return list(value)


def frozen_set_of(
    value: object, path: str, check: Callable[[Any, str], T], *, nonempty: bool = False
) -> frozenset[T]:
    items = as_items(value, path)
    if nonempty and not items:
        raise InvalidValueError(
            "empty set: the condition could never be true",
            path=path,
            hint="name at least one value, or drop the condition",
        )
    return frozenset(check(item, f"{path}[{i}]") for i, item in enumerate(items))


def instances_of(cls: type[T], value: object, path: str) -> tuple[T, ...]:
    """A tuple of ``cls`` instances from a collection, naming the index of any other value."""

    def check(item: object, item_path: str) -> T:
        if not isinstance(item, cls):
            raise PredicateTypeError(
                f"expected a {cls.__name__}, got {type_name(item)} {tick(item)}", path=item_path
            )
        return item

    return tuple_of(value, path, check)


def tuple_of(value: object, path: str, check: Callable[[Any, str], T]) -> tuple[T, ...]:
    return tuple(check(item, f"{path}[{i}]") for i, item in enumerate(as_items(value, path)))


class FrozenMapping(Mapping[K, V], Generic[K, V]):
    """A read-only mapping that pickles and copies, unlike :class:`types.MappingProxyType`: the
    mapping fields of the value classes (``Vendor.attributes``, ``Purchase.facts``,
    ``Entity.identifiers``…) hold one, so that values travel to other processes."""

    __slots__ = ("_data",)
    _data: dict[K, V]

    def __init__(self, data: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        object.__setattr__(self, "_data", dict(data))

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    # The dict's own, rather than ``Mapping``'s in Python: evaluation reads facts by these.
    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: K, default: Any = None) -> Any:
        return self._data.get(key, default)

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    # ``Mapping.__eq__`` copies both sides into dicts; values are compared (as dictionary keys,
    # a vendor by its attributes) on every evaluation, so compare the dicts held instead. The
    # same answers: equal to any mapping with the same items, NotImplemented for the rest.
    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if type(other) is FrozenMapping:
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # as Mapping has it: a mapping is not hashable

    def __repr__(self) -> str:
        return repr(self._data)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._data,))
