"""Rule-set files: read, check and write rule sets as JSON and TOML.

Reading is careful with hostile input: the bytes are size-limited and must be UTF-8 text, the
parsers are data-only (``json`` and ``tomllib``: nothing is evaluated, imported or unpickled),
nesting and rule count are limited before any value is built, and every problem is reported with
the file, the line where it can be found, and the path inside the document.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TextIO, TypeAlias

from attrs import field, frozen

from vendorpolicy._checks import data_problems, tick, type_name
from vendorpolicy._convert import (
    purchase_from_dict,
    rule_set_from_dict,
    rule_set_to_document,
)
from vendorpolicy._locate import Locator
from vendorpolicy._model import Purchase
from vendorpolicy._predicates import Custom
from vendorpolicy._rules import RuleSet
from vendorpolicy._vocabulary import Vocabulary
from vendorpolicy.errors import (
    FileError,
    InvalidDataError,
    InvalidValueError,
    PredicateTypeError,
    VendorPolicyError,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 reads TOML with the tomli backport
    import tomli as tomllib

__all__ = [
    "FileFormat",
    "Limits",
    "atomic_output",
    "dump_rule_set",
    "load_purchase",
    "load_rule_set",
    "parse_document",
    "parse_rule_set",
    "read_document",
    "save_rule_set",
]

#: The formats rule sets are read and written in.
FileFormat: TypeAlias = Literal["json", "toml"]
_FORMATS = ("json", "toml")


def _positive(instance: object, attribute: Any, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidValueError(
            f"expected a whole number above zero, got {type_name(value)} {tick(value)}",
            path=f"Limits.{attribute.name}",
        )


@frozen(kw_only=True)
class Limits:
    """Bounds on what a loader accepts, so that a hostile or broken file fails fast and clearly.

    The defaults are far above any real rule set (the largest bundled example is a few kB).
    """

    #: Largest file accepted, in bytes.
    max_bytes: int = field(default=10_000_000, validator=_positive)
    #: Deepest nesting of lists and objects (a condition inside ``all`` inside a rule is 6 deep).
    max_depth: int = field(default=64, validator=_positive)
    #: Most rules in a set, counting the rules of included sets.
    max_rules: int = field(default=10_000, validator=_positive)


_DEFAULT_LIMITS = Limits()


# --- reading -----------------------------------------------------------------------------------


def load_rule_set(
    path: str | os.PathLike[str],
    *,
    format: FileFormat | None = None,  # noqa: A002 - the natural name, as in json/tomllib tools
    customs: Iterable[Custom] | Mapping[str, Custom] = (),
    vocabulary: Vocabulary | None = None,
    limits: Limits = _DEFAULT_LIMITS,
) -> RuleSet:
    """Read a rule set from a JSON or TOML file.

    The format comes from the suffix (``.json``, ``.toml``) unless given. ``customs`` are the
    custom predicates the file may name; with ``vocabulary``, unknown categories and designations
    are errors. Every problem in the file is raised at once as one
    :class:`~vendorpolicy.errors.InvalidDataError`; each names the file, the line and the path
    (``rules.toml:14 $.rules[0].when.origin``). A file that cannot be opened raises
    :class:`~vendorpolicy.errors.FileError`.
    """
    name = os.fspath(path)
    raw = _read_bytes(Path(name), limits)
    return parse_rule_set(
        raw,
        format=format or _format_from_suffix(name),
        name=name,
        customs=customs,
        vocabulary=vocabulary,
        limits=limits,
    )


def parse_rule_set(
    text: str | bytes,
    *,
    format: FileFormat | None = None,  # noqa: A002
    name: str = "<text>",
    customs: Iterable[Custom] | Mapping[str, Custom] = (),
    vocabulary: Vocabulary | None = None,
    limits: Limits = _DEFAULT_LIMITS,
) -> RuleSet:
    """Read a rule set from JSON or TOML text (guessed from the text when ``format`` is not
    given: JSON starts with ``{``). ``name`` stands for the file in messages."""
    if not isinstance(text, (str, bytes)):
        raise PredicateTypeError(
            f"expected the file's text or bytes, got {type_name(text)} {tick(text)}",
            path="parse_rule_set(text)",
            hint="pass the file's contents, or use `load_rule_set(path)` to read a file",
        )
    decoded = _decode(text, name, limits) if isinstance(text, bytes) else text
    fmt = format or _sniff(decoded)
    data = parse_document(decoded, format=fmt, name=name, limits=limits)
    _check_rule_count(data, name, limits)
    try:
        return rule_set_from_dict(
            data, customs=customs, vocabulary=vocabulary, require_version=True
        )
    except InvalidDataError as exc:
        raise _locate(exc, decoded, name, toml=fmt == "toml") from None


def load_purchase(path: str | os.PathLike[str], *, limits: Limits = _DEFAULT_LIMITS) -> Purchase:
    """Read one purchase from a JSON file (the form :func:`unstructure` writes)."""
    name = os.fspath(path)
    text = _decode(_read_bytes(Path(name), limits), name, limits)
    data = parse_document(text, format="json", name=name, limits=limits)
    try:
        return purchase_from_dict(data)
    except InvalidDataError as exc:
        raise _locate(exc, text, name, toml=False) from None


def parse_document(
    text: str,
    *,
    format: FileFormat,  # noqa: A002
    name: str = "<text>",
    limits: Limits = _DEFAULT_LIMITS,
) -> Any:
    """Parse JSON or TOML text into plain data, within ``limits``.

    JSON numbers with a fraction become :class:`~decimal.Decimal` (never a rounding float),
    ``NaN``/``Infinity`` and repeated keys are refused.
    """
    if format not in _FORMATS:
        raise _one(
            InvalidValueError(
                f"unknown format {tick(format)}", path=name, hint="use `json` or `toml`"
            ),
            name,
        )
    if len(text) > limits.max_bytes:
        raise _too_big(name, len(text.encode("utf-8", "surrogatepass")), limits)
    try:
        if format == "json":
            data = json.loads(
                text,
                parse_float=Decimal,
                parse_constant=no_constant,
                object_pairs_hook=no_duplicates,
            )
        else:
            data = tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise _one(
            InvalidValueError(f"not valid JSON: {exc.msg}", path=f"{name}:{exc.lineno}"), name
        ) from None
    except tomllib.TOMLDecodeError as exc:
        message, line = _toml_message(str(exc))
        raise _one(
            InvalidValueError(
                f"not valid TOML: {message}", path=f"{name}:{line}" if line else name
            ),
            name,
        ) from None
    except DuplicateKeyError as exc:
        raise _one(
            InvalidValueError(
                f"key {tick(exc.key)} given twice in one object",
                path=name,
                hint="a repeated key would silently replace the first; keep one",
            ),
            name,
        ) from None
    except (RecursionError, MemoryError):
        raise _too_deep(name, None, limits) from None
    except ValueError as exc:  # a constant such as NaN, a number too large to convert
        problem = InvalidValueError(f"not valid {format.upper()}: {exc}", path=name)
        raise _one(problem, name) from None
    problems = data_problems(data, limits.max_depth)
    if problems:
        count = len(problems)
        found = InvalidDataError(
            f"{count} problem{'s' if count != 1 else ''}", problems=tuple(problems)
        )
        raise _locate(found, text, name, toml=format == "toml") from None
    return data


def read_document(
    path: str | os.PathLike[str],
    *,
    format: FileFormat = "json",  # noqa: A002
    limits: Limits = _DEFAULT_LIMITS,
) -> Any:
    """The plain data in a JSON or TOML file, read as carefully as a rule file: size-limited,
    UTF-8 only, nesting limited, no lone surrogates. For the small files beside a rule file
    (a column mapping, a vocabulary)."""
    name = os.fspath(path)
    text = _decode(_read_bytes(Path(name), limits), name, limits)
    return parse_document(text, format=format, name=name, limits=limits)


class DuplicateKeyError(ValueError):
    """A key given twice in one JSON object (raised by :func:`no_duplicates`)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A ``json`` ``object_pairs_hook`` that refuses a repeated key: the last value would
    silently win."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKeyError(key)
        out[key] = value
    return out


def no_constant(name: str) -> Any:
    """A ``json`` ``parse_constant`` that refuses ``NaN`` and ``Infinity``."""
    raise ValueError(f"{name} is not a number JSON allows")


_TOML_LOCATION = re.compile(r"\s*\(at line (\d+), column \d+\)|\s*\(at end of document\)")


def _toml_message(text: str) -> tuple[str, int | None]:
    match = _TOML_LOCATION.search(text)
    line = int(match.group(1)) if match and match.group(1) else None
    message = _TOML_LOCATION.sub("", text)
    return (message[:1].lower() + message[1:]), line


def _read_bytes(path: Path, limits: Limits) -> bytes:
    name = str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise FileError(f"no such file {tick(name)}") from None
    except IsADirectoryError:
        raise FileError(f"{tick(name)} is a directory, not a file") from None
    except OSError as exc:
        raise FileError(f"cannot read {tick(name)}: {exc.strerror or exc}") from None
    if len(data) > limits.max_bytes:
        raise _too_big(name, None, limits)
    return data


_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


def _decode(data: bytes, name: str, limits: Limits) -> str:
    """UTF-8 text from ``data``; anything else is refused with what was found."""
    if len(data) > limits.max_bytes:
        raise _too_big(name, len(data), limits)
    for bom, encoding in _BOMS.items():
        if data.startswith(bom):
            raise _one(
                InvalidValueError(
                    f"the file is {encoding} text", path=name, hint="save it as UTF-8"
                ),
                name,
            )
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise _one(
            InvalidValueError(
                "binary data (a NUL byte) where text was expected",
                path=f"{name}:{line}",
                hint="is this the right file?",
            ),
            name,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex()
        raise _one(
            InvalidValueError(
                f"not UTF-8 text: byte `0x{bad}` cannot be decoded",
                path=f"{name}:{line}",
                hint="save the file as UTF-8",
            ),
            name,
        ) from None


def _format_from_suffix(name: str) -> FileFormat | None:
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix == ".toml":
        return "toml"
    return None


def _sniff(text: str) -> FileFormat:
    return "json" if text.lstrip().startswith("{") else "toml"


def _check_rule_count(data: Any, name: str, limits: Limits) -> None:
    count = 0
    pending = [data]
    while pending:
        node = pending.pop()
        if not isinstance(node, Mapping):
            continue
        rules = node.get("rules")
        if isinstance(rules, list):
            count += len(rules)
        includes = node.get("includes")
        if isinstance(includes, list):
            pending.extend(includes)
    if count > limits.max_rules:
        raise _one(
            InvalidValueError(
                f"too many rules: {count}, more than the limit of {limits.max_rules}",
                path=name,
                hint="split the set, or raise `Limits.max_rules` if the file is trusted",
            ),
            name,
        )


def _too_big(name: str, size: int | None, limits: Limits) -> InvalidDataError:
    got = f" ({size} bytes)" if size is not None else ""
    return _one(
        InvalidValueError(
            f"file too large{got}: the limit is {limits.max_bytes} bytes",
            path=name,
            hint="raise `Limits.max_bytes` if the file is trusted",
        ),
        name,
    )


def _too_deep(name: str, path: str | None, limits: Limits) -> InvalidDataError:
    return _one(
        InvalidValueError(
            f"nested too deeply: more than {limits.max_depth} levels",
            path=f"{name} {path}" if path else name,
            hint="flatten the conditions, or raise `Limits.max_depth` if the file is trusted",
        ),
        name,
    )


def _one(problem: VendorPolicyError, name: str) -> InvalidDataError:
    return InvalidDataError(f"cannot read {name}", problems=(problem,))


_UNKNOWN_KEY = re.compile(r"unknown keys? `([^`]+)`")


def _locate(exc: InvalidDataError, text: str, name: str, *, toml: bool) -> InvalidDataError:
    """The same problems, each located in the file: ``rules.toml:14 $.rules[0].when``. The text
    is indexed once for all of them (see :class:`~vendorpolicy._locate.Locator`)."""
    locator = Locator(text, toml=toml)
    located = []
    for problem in exc.problems:
        path = problem.path or "$"
        target = path
        unknown = _UNKNOWN_KEY.match(problem.message)
        if unknown:  # point at the misspelt key itself, not at the object holding it
            target = f"{path}.{unknown.group(1)}"
        line = locator.line(target) or locator.line(path)
        where = f"{name}:{line}" if line else name
        located.append(type(problem)(problem.message, path=f"{where} {path}", hint=problem.hint))
    count = len(located)
    return InvalidDataError(
        f"{count} problem{'s' if count != 1 else ''} in {name}", problems=tuple(located)
    )


#: The name other modules use for :func:`_locate`.
locate_problems = _locate


# --- writing -----------------------------------------------------------------------------------


def dump_rule_set(rule_set: RuleSet, format: FileFormat = "toml") -> str:  # noqa: A002
    """The rule set's document as TOML (for people) or JSON (for tools). Loading the text gives
    back an equal rule set."""
    if not isinstance(rule_set, RuleSet):
        raise PredicateTypeError(
            f"expected a RuleSet, got {type_name(rule_set)} {tick(rule_set)}",
            path="dump_rule_set",
        )
    document = rule_set_to_document(rule_set)
    if format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if format == "toml":
        return _toml_table(document, [])
    raise InvalidValueError(
        f"unknown format {tick(format)}", path="dump_rule_set", hint="use `json` or `toml`"
    )


def save_rule_set(
    rule_set: RuleSet,
    path: str | os.PathLike[str],
    *,
    format: FileFormat | None = None,  # noqa: A002
) -> None:
    """Write the rule set to ``path``, as TOML or JSON by the suffix unless ``format`` is given."""
    name = os.fspath(path)
    fmt = format or _format_from_suffix(name)
    if fmt is None:
        raise InvalidValueError(
            f"cannot tell the format of {tick(name)} from its suffix",
            path="save_rule_set",
            hint="name it `.toml` or `.json`, or pass `format=`",
        )
    text = dump_rule_set(rule_set, fmt)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidValueError(
            "the rule set holds text that is not valid Unicode (a lone surrogate)",
            path="save_rule_set",
        ) from None
    try:
        with atomic_output(name) as handle:
            handle.write(text)
    except OSError as exc:
        raise FileError(f"cannot write {tick(name)}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    """A UTF-8 text file that takes the place of ``path`` only once the block completes.

    The text goes to a temporary file in the same directory, which is then renamed over
    ``path`` (one step on every platform: a reader sees the old file or the new one, never half
    of one). When the block raises, an error or Ctrl-C alike, the temporary file is removed and
    whatever was at ``path`` is left as it was. A new file gets the usual permissions (the
    umask applies); a replaced one keeps its own. A path that is not a regular file (a
    terminal, a pipe, ``/dev/stdout``) is written directly, as nothing can be renamed over it.
    """
    target = Path(path)
    if target.exists() and not target.is_file():
        with target.open("w", encoding="utf-8", newline="") as direct:
            yield direct
        return
    descriptor, temporary = _temporary_beside(target)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            temporary.chmod(stat.S_IMODE(target.stat().st_mode))
        temporary.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def _temporary_beside(target: Path) -> tuple[int, Path]:
    """A new file next to ``target``, open for writing, with a name no other file has."""
    while True:
        candidate = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            # 0o666 and the umask, as `open(..., "w")` would create it.
            return os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), candidate
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue


# A small TOML writer for documents: the standard library reads TOML but does not write it, and
# a general writer would turn conditions into pages of `[[rules.when.all.any]]` headers. Here
# conditions stay inline, arrays break over lines when long (valid TOML 1.0), and everything else
# is plain key = value. Round trips through `tomllib` are property-tested.

_WIDTH = 88
#: The lists of objects written as `[[rules]]` sections rather than inline.
_ARRAYS_OF_TABLES = ("rules", "cases", "includes", "facts")
#: The objects written as `[vocabulary]` sections rather than inline.
_SUB_TABLES = ("vocabulary",)
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


def _toml_table(table: Mapping[str, Any], path: list[str]) -> str:
    lines: list[str] = []
    nested: list[tuple[str, Any]] = []
    for key, value in table.items():
        if (key in _ARRAYS_OF_TABLES and isinstance(value, list) and value) or (
            key in _SUB_TABLES and isinstance(value, Mapping)
        ):
            nested.append((key, value))
            continue
        lines.append(f"{_toml_key(key)} = {_toml_value(value, len(_toml_key(key)) + 3, 0)}")
    out = "\n".join(lines) + ("\n" if lines else "")
    for key, value in nested:
        header = ".".join(_toml_key(k) for k in [*path, key])
        if isinstance(value, Mapping):
            out += f"\n[{header}]\n" + _toml_table(value, [*path, key])
            continue
        for item in value:
            out += f"\n[[{header}]]\n" + _toml_table(item, [*path, key])
    return out


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _toml_string(key)


def _toml_value(value: Any, column: int, indent: int) -> str:
    flat = _toml_flat(value)
    if column + len(flat) <= _WIDTH or not isinstance(value, (list, Mapping)):
        return flat
    if isinstance(value, list):
        inner = " " * (indent + 4)
        items = "".join(f"{inner}{_toml_value(item, indent + 4, indent + 4)},\n" for item in value)
        return "[\n" + items + " " * indent + "]"
    parts = []
    for key, item in value.items():
        prefix = f"{_toml_key(key)} = "
        parts.append(prefix + _toml_value(item, column + len(prefix) + 2, indent))
    return "{ " + ", ".join(parts) + " }"


def _toml_flat(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_flat(v) for v in value) + "]"
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        pairs = ", ".join(f"{_toml_key(k)} = {_toml_flat(v)}" for k, v in value.items())
        return "{ " + pairs + " }"
    raise PredicateTypeError(f"cannot write {type_name(value)} {tick(value)} as TOML")


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\b": "\\b",
    "\f": "\\f",
}


def _toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
