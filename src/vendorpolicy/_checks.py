"""Validators and converters shared by the value classes: every one raises a library error that
names the field, the bad value and, where it can, the fix."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from vendorpolicy._codes import COUNTRY_CODES, CURRENCY_CODES, suggest
from vendorpolicy.errors import InvalidValueError, PredicateTypeError

T = TypeVar("T")

#: Identifiers: lowercase letters, digits and ``-_.``, starting with a letter or digit.
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")


def where(instance: object, attribute: attrs.Attribute[Any]) -> str:
    """The path of a field, for an error message: ``Vendor.country``."""
    return f"{type(instance).__name__}.{attribute.name}"


def tick(value: object) -> str:
    """A user value quoted for a message."""
    return f"`{value}`"


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
    return _check_code(
        value, path, COUNTRY_CODES, "country code", "an ISO 3166-1 alpha-2 code such as `JP`"
    )


def country_validator(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (type(value) is not str or value not in COUNTRY_CODES):
        check_country(value, where(instance, attribute))


def check_currency(value: object, path: str) -> str:
    return _check_code(
        value, path, CURRENCY_CODES, "currency code", "an ISO 4217 code such as `JPY`"
    )


def check_text(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise PredicateTypeError(f"expected text, got {type_name(value)} {tick(value)}", path=path)
    return value


def text_validator(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
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
