"""The errors vendorpolicy raises.

Every error derives from :class:`VendorPolicyError`. Subclasses also inherit the builtin exception
they stand for (:class:`ValueError`, :class:`TypeError`), so ``except ValueError`` keeps working.

Messages follow one format, written down in ``docs/errors.md``: a lowercase one-line message with
user values in backticks (escaped, so that the message stays on one line: a newline in a value
is shown as ``\\n``), then the location as a path after ``@``, then the fix as a hint in
parentheses::

    unknown country code `CNN` @ Vendor.country (did you mean `CN`?)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - annotations only; errors import nothing at run time
    from vendorpolicy._registry import NameCollision
from vendorpolicy._text import shown

__all__ = [
    "AuditRecordError",
    "EvaluationError",
    "FileError",
    "InvalidDataError",
    "InvalidRegistryError",
    "InvalidValueError",
    "PredicateTypeError",
    "RegistryCollisionError",
    "VendorPolicyError",
    "VocabularyError",
]


class VendorPolicyError(Exception):
    """Base class of every error the library raises on purpose."""

    message: str
    path: str | None
    hint: str | None

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None) -> None:
        # Whatever a caller put in, a message stays on one line with nothing a terminal would
        # act on: characters that are not printable are written as escapes (`\n`, `\x1b`).
        self.message = shown(str(message))
        self.path = None if path is None else shown(str(path))
        self.hint = None if hint is None else shown(str(hint))
        super().__init__(self._render())

    def _render(self) -> str:
        text = self.message
        if self.path:
            text = f"{text} @ {self.path}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return text

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only arguments would otherwise be lost when pickling between processes.
        return (_rebuild, (type(self), self.message, self.path, self.hint))


def _rebuild(
    cls: type[VendorPolicyError], message: str, path: str | None, hint: str | None
) -> VendorPolicyError:
    return cls(message, path=path, hint=hint)


class InvalidValueError(VendorPolicyError, ValueError):
    """A value of the right type that is not allowed: an unknown country code, an empty id."""


class VocabularyError(InvalidValueError):
    """A purchase states a fact, a value or a category outside the vocabulary of the rule set
    it is evaluated under: a misspelt fact name, ``"federal grant"`` for ``federal-grant``,
    ``"true"`` as text for a boolean, a category outside the known tree.

    Raised by ``RuleSet.evaluate`` (unless ``outside_vocabulary="escalate"`` asks to treat such
    facts as unknown), because reading them as they are would silently make rules false.
    ``problems`` holds one error per problem, each with its path (``Purchase.facts['funding']``);
    with one problem, the error's own message, path and hint are that problem's.
    """

    problems: tuple[InvalidValueError, ...]

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        hint: str | None = None,
        problems: tuple[InvalidValueError, ...] = (),
    ) -> None:
        self.problems = problems
        super().__init__(message, path=path, hint=hint)

    def _render(self) -> str:
        head = super()._render()
        if len(self.problems) <= 1:
            return head
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_vocabulary, (self.message, self.path, self.hint, self.problems))


def _rebuild_vocabulary(
    message: str, path: str | None, hint: str | None, problems: tuple[InvalidValueError, ...]
) -> VocabularyError:
    return VocabularyError(message, path=path, hint=hint, problems=problems)


class PredicateTypeError(VendorPolicyError, TypeError):
    """A value has the wrong type: a predicate built from a string, a date given as a number."""


class EvaluationError(VendorPolicyError, RuntimeError):
    """A rule could not be evaluated. The engine never raises it from ``evaluate``: it fails closed
    and records the error in the decision. It is raised only where a caller asks for a strict
    answer, e.g. :meth:`vendorpolicy.Predicate.evaluate` with ``strict=True``."""


class FileError(VendorPolicyError, OSError):
    """A file could not be opened, read or written: missing, a directory, no permission."""


class InvalidDataError(VendorPolicyError, ValueError):
    """Plain data (a parsed file, a JSON object) could not be turned into a value.

    ``problems`` holds every problem found, each a :class:`VendorPolicyError` whose ``path``
    points into the data (``$.rules[2].when.all[0].origin.countries[0]``). ``str()`` lists them
    one per line.
    """

    problems: tuple[VendorPolicyError, ...]

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        hint: str | None = None,
        problems: tuple[VendorPolicyError, ...] = (),
    ) -> None:
        self.problems = problems
        super().__init__(message, path=path, hint=hint)

    def _render(self) -> str:
        head = super()._render()
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_data, (self.message, self.path, self.hint, self.problems))


class AuditRecordError(InvalidDataError):
    """A decision record (``Decision.to_json()``) could not be read back: not JSON, a key
    missing or of the wrong type, a purchase that does not match its digest, or a record that
    cannot be replayed because it does not carry its purchase. ``problems`` holds the problem
    with its path into the record (``$.results[0].status``)."""

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_audit, (self.message, self.path, self.hint, self.problems))


class InvalidRegistryError(InvalidDataError):
    """A registry's parts do not fit together: unknown entity ids, duplicate ids, ownership
    cycles. ``problems`` lists every one, each with the path of the offending item."""

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_registry, (self.message, self.path, self.hint, self.problems))


class RegistryCollisionError(InvalidRegistryError):
    """Merging registries would let an entity share a name with a designated entity of the
    other registry (see :meth:`vendorpolicy.Registry.merge`). ``collisions`` lists each pair as
    a :class:`~vendorpolicy.NameCollision`, and ``problems`` says each in words, with the fix."""

    collisions: tuple[NameCollision, ...]

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        hint: str | None = None,
        problems: tuple[VendorPolicyError, ...] = (),
        collisions: tuple[NameCollision, ...] = (),
    ) -> None:
        self.collisions = collisions
        super().__init__(message, path=path, hint=hint, problems=problems)

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_collision,
            (self.message, self.path, self.hint, self.problems, self.collisions),
        )


def _rebuild_collision(
    message: str,
    path: str | None,
    hint: str | None,
    problems: tuple[VendorPolicyError, ...],
    collisions: tuple[NameCollision, ...],
) -> RegistryCollisionError:
    return RegistryCollisionError(
        message, path=path, hint=hint, problems=problems, collisions=collisions
    )


def _rebuild_registry(
    message: str, path: str | None, hint: str | None, problems: tuple[VendorPolicyError, ...]
) -> InvalidRegistryError:
    return InvalidRegistryError(message, path=path, hint=hint, problems=problems)


def _rebuild_data(
    message: str, path: str | None, hint: str | None, problems: tuple[VendorPolicyError, ...]
) -> InvalidDataError:
    return InvalidDataError(message, path=path, hint=hint, problems=problems)


def _rebuild_audit(
    message: str, path: str | None, hint: str | None, problems: tuple[VendorPolicyError, ...]
) -> AuditRecordError:
    return AuditRecordError(message, path=path, hint=hint, problems=problems)
