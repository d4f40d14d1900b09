"""Constant folding of the SQL a catalog ``WHERE`` condition is made of (``_sql._where``).

The compiled steps of a residual rule set still carry what the fixed part of the purchase
settles: the buyer's columns are constants, so ``TRUE IS NULL``, ``'retail' NOT IN (...)``,
``CASE WHEN FALSE THEN ...`` and ``GREATEST(0)`` are left for the database to work out. Here
the steps are parsed (the small part of SQL the compiler writes), put into one another, and
simplified, keeping SQL's three-valued meaning (``NULL`` is unknown; ``AND``, ``OR`` and
``NOT`` are Kleene's): ``NULL AND FALSE`` is ``FALSE``, ``NULL OR TRUE`` is ``TRUE``, ``NOT
NULL`` is ``NULL``, ``GREATEST`` and ``LEAST`` skip ``NULL`` as both engines do, and so on.

Every rewrite gives an expression with the same value on every row, except in a *truth
context* — the ``WHERE`` condition itself, a ``CASE``'s conditions, and the operands of
``AND`` and ``OR`` in one — where only whether the value is ``TRUE`` matters: there a
``NULL`` constant may become ``FALSE`` and ``x IS TRUE`` becomes ``x``. A rewrite that could
make the text longer (a ``CASE`` into ``AND``/``OR``, an operator put into a ``CASE``'s
branches, De Morgan) is kept only where it is not. A step whose SQL is not understood here is
kept as it is (its references are still filled in). The tests hold every rewrite to DuckDB's
own evaluation of what it rewrites, on every combination of ``NULL``, ``TRUE`` and ``FALSE``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from attrs import frozen

from vendorpolicy._sql._dialect import literal

__all__ = ["fold_sql", "fold_where"]


# --- the expressions -----------------------------------------------------------------------------


@frozen(cache_hash=True)
class Lit:
    """A constant: ``kind`` is ``bool``, ``null``, ``int``, ``num``, ``str`` or ``date``;
    ``text`` is how it is written (``CAST(NULL AS DATE)`` for a typed ``NULL``)."""

    kind: str
    value: Any
    text: str


@frozen(cache_hash=True)
class Name:
    """A column or a step: ``vp_src."category"``, ``vp_e``."""

    text: str


@frozen(cache_hash=True)
class Raw:
    """SQL not understood here, kept as written (step names in it are filled in)."""

    text: str


@frozen(cache_hash=True)
class Not:
    arg: Node


@frozen(cache_hash=True)
class Junction:
    """``AND`` or ``OR`` of two or more operands."""

    op: str
    args: tuple[Node, ...]


@frozen(cache_hash=True)
class Is:
    """``arg IS test``: ``test`` is ``NULL``, ``NOT NULL``, ``TRUE``, ``NOT TRUE``, ``FALSE``
    or ``NOT FALSE``."""

    arg: Node
    test: str


@frozen(cache_hash=True)
class Cmp:
    op: str
    left: Node
    right: Node


@frozen(cache_hash=True)
class In:
    arg: Node
    items: tuple[Node, ...]
    negated: bool


@frozen(cache_hash=True)
class Between:
    arg: Node
    low: Node
    high: Node


@frozen(cache_hash=True)
class Binary:
    """Another infix operator: ``||``, ``&&``, ``~``, ``LIKE``."""

    op: str
    left: Node
    right: Node


@frozen(cache_hash=True)
class Case:
    """A searched ``CASE`` (a simple one is read as a searched one)."""

    whens: tuple[tuple[Node, Node], ...]
    otherwise: Node | None


@frozen(cache_hash=True)
class Call:
    name: str
    args: tuple[Node, ...]


@frozen(cache_hash=True)
class Cast:
    """``CAST(arg AS type)``, ``TRY_CAST(...)`` (``function``) or ``arg::type``
    (``function`` is ``::``)."""

    function: str
    arg: Node
    type: str


@frozen(cache_hash=True)
class ListOf:
    """``[a, b]`` or ``ARRAY[a, b]`` (``prefix`` is ``ARRAY``)."""

    prefix: str
    items: tuple[Node, ...]


Node = (
    Lit
    | Name
    | Raw
    | Not
    | Junction
    | Is
    | Cmp
    | In
    | Between
    | Binary
    | Case
    | Call
    | Cast
    | ListOf
)

TRUE = Lit("bool", True, "TRUE")
FALSE = Lit("bool", False, "FALSE")
NULL = Lit("null", None, "NULL")


def _bool(value: bool | None) -> Lit:
    return NULL if value is None else (TRUE if value else FALSE)


# --- reading -------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<qid>\"(?:[^\"]|\"\")*\")|(?P<num>\d+(?:\.\d+)?)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<op><>|<=|>=|\|\||::|&&|[=<>~(),\[\].]))"
)
_COMPARISONS = {"=", "<>", "<", ">", "<=", ">="}
_KEYWORDS = {
    "AND", "OR", "NOT", "IS", "NULL", "TRUE", "FALSE", "IN", "BETWEEN", "LIKE", "CASE", "WHEN",
    "THEN", "ELSE", "END", "AS",
}  # fmt: skip


_WORDS = _KEYWORDS | {"CAST", "TRY_CAST", "DATE", "ARRAY"}


class _UnreadError(Exception):
    """SQL this reader does not take."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    at = 0
    text = text.rstrip()
    while at < len(text):
        m = _TOKEN.match(text, at)
        if m is None or m.end() == at:
            raise _UnreadError(text[at : at + 20])
        kind = m.lastgroup
        assert kind is not None
        value = m.group(kind)
        if kind == "word" and value.upper() in _WORDS:
            kind, value = "kw", value.upper()
        out.append((kind, value))
        at = m.end()
    return out


class _Reader:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self, ahead: int = 0) -> tuple[str, str]:
        i = self.at + ahead
        return self.tokens[i] if i < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.at += 1
        return token

    def accept(self, value: str) -> bool:
        if self.peek()[1] == value and self.peek()[0] in ("kw", "op"):
            self.at += 1
            return True
        return False

    def expect(self, value: str) -> None:
        if not self.accept(value):
            raise _UnreadError(f"expected {value}, got {self.peek()[1]}")

    def whole(self) -> Node:
        node = self.disjunction()
        if self.peek()[0] != "end":
            raise _UnreadError(f"unexpected {self.peek()[1]}")
        return node

    def disjunction(self) -> Node:
        args = [self.conjunction()]
        while self.accept("OR"):
            args.append(self.conjunction())
        return args[0] if len(args) == 1 else Junction("OR", tuple(args))

    def conjunction(self) -> Node:
        args = [self.negation()]
        while self.accept("AND"):
            args.append(self.negation())
        return args[0] if len(args) == 1 else Junction("AND", tuple(args))

    def negation(self) -> Node:
        if self.accept("NOT"):
            return Not(self.negation())
        return self.test()

    def test(self) -> Node:
        node = self.comparison()
        while self.accept("IS"):
            negated = self.accept("NOT")
            kind, value = self.take()
            if kind != "kw" or value not in ("NULL", "TRUE", "FALSE"):
                raise _UnreadError(f"IS {value}")
            node = Is(node, ("NOT " if negated else "") + value)
        return node

    def comparison(self) -> Node:
        node = self.membership()
        kind, value = self.peek()
        if kind == "op" and value in _COMPARISONS:
            self.take()
            node = Cmp(value, node, self.membership())
        return node

    def membership(self) -> Node:
        node = self.other()
        while True:
            negated = self.peek()[1] == "NOT" and self.peek(1)[1] in ("IN", "BETWEEN", "LIKE")
            if negated:
                self.take()
            if self.accept("IN"):
                self.expect("(")
                items = self.items(")")
                if not items:
                    raise _UnreadError("IN ()")
                node = In(node, tuple(items), negated)
            elif self.accept("BETWEEN"):
                low = self.other()
                self.expect("AND")
                node = Between(node, low, self.other())
                if negated:
                    node = Not(node)
            elif self.accept("LIKE"):
                node = Binary("LIKE", node, self.other())
                if negated:
                    node = Not(node)
            else:
                return node

    def other(self) -> Node:
        node = self.cast()
        while self.peek()[0] == "op" and self.peek()[1] in ("||", "&&", "~"):
            op = self.take()[1]
            node = Binary(op, node, self.cast())
        return node

    def cast(self) -> Node:
        node = self.primary()
        while self.accept("::"):
            node = Cast("::", node, self.type_name(in_cast=False))
        return node

    def type_name(self, in_cast: bool) -> str:
        """A type's text: up to the closing ``)`` of a ``CAST``, or after ``::`` a name with
        its ``[]`` or ``(...)``."""
        parts: list[str] = []
        depth = 0
        while True:
            kind, value = self.peek()
            op = kind == "op"
            if kind == "end" or (op and value == ")" and depth == 0):
                break
            if not in_cast and parts and depth == 0 and not (op and value in "[]("):
                break
            depth += (op and value == "(") - (op and value == ")")
            parts.append(value)
            self.take()
        if not parts:
            raise _UnreadError("a type")
        text = ""
        for p in parts:
            if p == ",":
                text += ", "
            elif p in ("(", ")", "[", "]"):
                text += p
            else:
                text += (" " if text and text[-1] not in "([ " else "") + p
        return text

    def items(self, end: str) -> list[Node]:
        items: list[Node] = []
        if self.accept(end):
            return items
        while True:
            items.append(self.disjunction())
            if self.accept(end):
                return items
            self.expect(",")

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "str":
            return Lit("str", value[1:-1].replace("''", "'"), value)
        if kind == "num":
            if "." in value:
                return Lit("num", Decimal(value), value)
            return Lit("int", int(value), value)
        if kind == "qid":
            return self.qualified(value)
        if kind == "kw":
            if value in ("TRUE", "FALSE"):
                return _bool(value == "TRUE")
            if value == "NULL":
                return NULL
            if value == "DATE" and self.peek()[0] == "str":
                text = self.take()[1]
                try:
                    day = dt.date.fromisoformat(text[1:-1])
                except ValueError:
                    raise _UnreadError(text) from None
                return Lit("date", day, f"DATE {text}")
            if value in ("CAST", "TRY_CAST"):
                self.expect("(")
                arg = self.disjunction()
                self.expect("AS")
                type_ = self.type_name(in_cast=True)
                self.expect(")")
                return Cast(value, arg, type_)
            if value == "ARRAY":
                self.expect("[")
                return ListOf("ARRAY", tuple(self.items("]")))
            if value == "CASE":
                return self.case()
            raise _UnreadError(value)
        if kind == "op" and value == "(":
            node = self.disjunction()
            self.expect(")")
            return node
        if kind == "op" and value == "[":
            return ListOf("", tuple(self.items("]")))
        if kind == "word":
            if self.peek() == ("op", "("):
                self.take()
                return Call(value, tuple(self.items(")")))
            return self.qualified(value)
        raise _UnreadError(value)

    def qualified(self, first: str) -> Name:
        text = first
        while self.peek() == ("op", "."):
            self.take()
            kind, value = self.take()
            if kind not in ("word", "qid"):
                raise _UnreadError(value)
            text += "." + value
        return Name(text)

    def case(self) -> Node:
        operand = None if self.peek()[1] == "WHEN" else self.disjunction()
        whens: list[tuple[Node, Node]] = []
        while self.accept("WHEN"):
            condition = self.disjunction()
            if operand is not None:
                condition = Cmp("=", operand, condition)
            self.expect("THEN")
            whens.append((condition, self.disjunction()))
        otherwise = self.disjunction() if self.accept("ELSE") else None
        self.expect("END")
        if not whens:
            raise _UnreadError("CASE without WHEN")
        return Case(tuple(whens), otherwise)


def parse(text: str) -> Node:
    """``text`` as an expression; :class:`Raw` when it is not SQL this reader takes."""
    try:
        return _Reader(text).whole()
    except (_UnreadError, ValueError, InvalidOperation):
        return Raw(text)


# --- writing -------------------------------------------------------------------------------------


def _level(node: Node) -> int:
    """How tightly the node binds (PostgreSQL's order, which DuckDB's parser shares)."""
    if isinstance(node, Junction):
        return 1 if node.op == "OR" else 2
    if isinstance(node, Not):
        return 3
    if isinstance(node, Is):
        return 4
    if isinstance(node, Cmp):
        return 5
    if isinstance(node, (In, Between)) or (isinstance(node, Binary) and node.op == "LIKE"):
        return 6
    if isinstance(node, Binary):
        return 7
    if isinstance(node, Cast) and node.function == "::":
        return 9
    return 10


def write(node: Node, steps: Callable[[str], str | None] | None = None) -> str:
    """The node as SQL; ``steps`` writes the step a :class:`Raw`'s name refers to."""

    def w(n: Node, above: int = 0) -> str:
        text = one(n)
        return f"({text})" if _level(n) <= above else text

    def one(n: Node) -> str:
        if isinstance(n, Lit):
            return n.text
        if isinstance(n, Name):
            return n.text
        if isinstance(n, Raw):
            return "(" + (n.text if steps is None else _fill(n.text, steps)) + ")"
        if isinstance(n, Not):
            return "NOT " + w(n.arg, 2)
        if isinstance(n, Junction):
            level = _level(n)
            return f" {n.op} ".join(w(a, level) for a in n.args)
        if isinstance(n, Is):
            return f"{w(n.arg, 6)} IS {n.test}"
        if isinstance(n, Cmp):
            return f"{w(n.left, 6)} {n.op} {w(n.right, 6)}"
        if isinstance(n, In):
            return (
                f"{w(n.arg, 6)} {'NOT IN' if n.negated else 'IN'} "
                f"({', '.join(w(i) for i in n.items)})"
            )
        if isinstance(n, Between):
            return f"{w(n.arg, 6)} BETWEEN {w(n.low, 6)} AND {w(n.high, 6)}"
        if isinstance(n, Binary):
            level = _level(n)
            return f"{w(n.left, level - 1)} {n.op} {w(n.right, level)}"
        if isinstance(n, Case):
            parts = ["CASE"]
            for condition, value in n.whens:
                parts += ["WHEN", w(condition), "THEN", w(value)]
            if n.otherwise is not None and n.otherwise != NULL:
                parts += ["ELSE", w(n.otherwise)]
            return " ".join([*parts, "END"])
        if isinstance(n, Call):
            return f"{n.name}({', '.join(w(a) for a in n.args)})"
        if isinstance(n, Cast):
            if n.function == "::":
                return f"{w(n.arg, 9)}::{n.type}"
            return f"{n.function}({w(n.arg)} AS {n.type})"
        assert isinstance(n, ListOf)
        return f"{n.prefix}[{', '.join(w(i) for i in n.items)}]"

    return one(node)


_STEP_NAME = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[A-Za-z_][A-Za-z0-9_]*")


def _fill(text: str, steps: Callable[[str], str | None]) -> str:
    def one(match: re.Match[str]) -> str:
        found = steps(match.group(0))
        return match.group(0) if found is None else found

    return _STEP_NAME.sub(one, text)


# --- folding -------------------------------------------------------------------------------------

#: Functions whose value is ``NULL`` when any argument is (as in both engines).
_STRICT = {
    "regexp_full_match", "strlen", "ascii", "substr", "lower", "upper", "trim", "length",
    "regexp_replace", "list_has_any", "starts_with",
}  # fmt: skip
_NEGATED = {"=": "<>", "<>": "=", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}
_IS_NEGATED = {
    "NULL": "NOT NULL", "NOT NULL": "NULL", "TRUE": "NOT TRUE", "NOT TRUE": "TRUE",
    "FALSE": "NOT FALSE", "NOT FALSE": "FALSE",
}  # fmt: skip


#: The IS tests each one is implied by (``x IS FALSE`` implies ``x IS NOT TRUE``).
_STRONGER = {"NOT TRUE": ("FALSE", "NULL"), "NOT FALSE": ("TRUE", "NULL")}
#: The IS tests each one implies.
_WEAKER = {"FALSE": ("NOT TRUE",), "TRUE": ("NOT FALSE",), "NULL": ("NOT TRUE", "NOT FALSE")}


def _null(n: Node) -> bool:
    return isinstance(n, Lit) and n.kind == "null"


def _comparable(a: Lit, b: Lit) -> bool:
    numeric = {"int", "num"}
    return a.kind == b.kind or (a.kind in numeric and b.kind in numeric)


def _compare(op: str, a: Lit, b: Lit) -> Lit | None:
    """``a op b`` on two constants, or ``None`` when it is not worked out here."""
    if _null(a) or _null(b):
        return NULL
    if not _comparable(a, b):
        return None
    if a.kind in ("str", "bool") and op not in ("=", "<>"):
        return None  # (text order depends on the collation)
    x, y = a.value, b.value
    result = {
        "=": x == y, "<>": x != y, "<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y,
    }[op]  # fmt: skip
    return _bool(result)


def _typed_null(type_: str) -> Lit:
    return Lit("null", None, f"CAST(NULL AS {type_})")


def _number(value: int) -> Lit:
    return Lit("int", value, str(value))


class Folder:
    """Folds expressions whose names may be steps (``steps``: name to SQL)."""

    def __init__(self, steps: Mapping[str, str]) -> None:
        self.steps = steps
        self.parsed: dict[str, Node] = {}
        self.memo: dict[tuple[Node, bool, frozenset[Node], frozenset[tuple[Node, Lit]]], Node]
        self.memo = {}
        #: What is known not to be ``NULL`` where the node being folded is read (inside a
        #: branch of a ``CASE``: what its condition rules out, and what earlier ones do).
        self.nonnull: frozenset[Node] = frozenset()
        #: Values taken as known (while one operand of the WHERE's AND is simplified, what
        #: the others say when they are TRUE), and the same as a key of ``memo``.
        self.assumed: dict[Node, Lit] = {}
        self.assumed_key: frozenset[tuple[Node, Lit]] = frozenset()

    def step(self, name: str) -> Node:
        found = self.parsed.get(name)
        if found is None:
            found = self.parsed[name] = parse(self.steps[name])
        return found

    def written_step(self, name: str) -> str | None:
        """A step as SQL, folded (for a :class:`Raw` that names it), or ``None``."""
        if name not in self.steps:
            return None
        return "(" + write(self.fold(self.step(name)), self.written_step) + ")"

    def fold(self, node: Node, truth: bool = False) -> Node:
        """``node`` simplified: the same value on every row (with ``truth``, the same rows
        where it is ``TRUE``)."""
        key = (node, truth, self.nonnull, self.assumed_key)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self._fold(node, truth)
        return found

    def _fold(self, n: Node, truth: bool) -> Node:
        if self.assumed and not isinstance(n, Lit):
            known = self.assumed.get(n)
            if known is not None:
                return known
        if isinstance(n, Lit):
            return n  # (NULL as a truth is FALSE: as short written as it is)
        if isinstance(n, Name):
            if n.text in self.steps:
                return self.fold(self.step(n.text), truth)
            return n
        if isinstance(n, Raw):
            return n
        if isinstance(n, Junction):
            return self._junction(n.op, [self.fold(a, truth) for a in n.args], truth)
        if isinstance(n, Not):
            return self._not(self.fold(n.arg), truth)
        if isinstance(n, Is):
            return self._is(self.fold(n.arg, truth and n.test == "TRUE"), n.test, truth)
        if isinstance(n, Cmp):
            return self._cmp(n.op, self.fold(n.left), self.fold(n.right), truth)
        if isinstance(n, In):
            return self._in(self.fold(n.arg), [self.fold(i) for i in n.items], n.negated, truth)
        if isinstance(n, Between):
            arg, low, high = self.fold(n.arg), self.fold(n.low), self.fold(n.high)
            if isinstance(arg, Lit) and isinstance(low, Lit) and isinstance(high, Lit):
                above, below = _compare(">=", arg, low), _compare("<=", arg, high)
                if above is not None and below is not None:
                    return self._junction("AND", [above, below], truth)
            return Between(arg, low, high)
        if isinstance(n, Binary):
            return self._binary(n.op, self.fold(n.left), self.fold(n.right), truth)
        if isinstance(n, Case):
            return self._case(n, truth)
        if isinstance(n, Call):
            return self._call(n.name, [self.fold(a) for a in n.args], truth)
        if isinstance(n, Cast):
            arg = self.fold(n.arg)
            if _null(arg):
                return FALSE if truth else _typed_null(n.type)
            if isinstance(arg, Lit) and n.function != "::" and arg.kind == "bool":
                return arg
            numeric = n.type.upper().startswith(("DECIMAL", "NUMERIC"))
            if isinstance(arg, Lit) and arg.kind in ("int", "num") and numeric:
                return Lit("num", Decimal(arg.value), write(Cast(n.function, arg, n.type)))
            return Cast(n.function, arg, n.type)
        assert isinstance(n, ListOf)
        return ListOf(n.prefix, tuple(self.fold(i) for i in n.items))

    # --- the connectives ---

    def _junction(self, op: str, args: Iterable[Node], truth: bool) -> Node:
        absorbing, neutral = (FALSE, TRUE) if op == "AND" else (TRUE, FALSE)
        out: list[Node] = []
        nulls = False
        for a in args:
            for operand in a.args if isinstance(a, Junction) and a.op == op else (a,):
                b = FALSE if truth and _null(operand) else operand
                if b == absorbing:
                    return absorbing
                if b == neutral or b in out:
                    continue
                if _null(b):
                    nulls = True
                    continue
                out.append(b)
        # Absorption (exact in Kleene logic too): a AND (a OR b) is a; a OR (a AND b) is a.
        dual = "OR" if op == "AND" else "AND"
        out = [
            b
            for b in out
            if not (isinstance(b, Junction) and b.op == dual and any(x in out for x in b.args))
        ]
        # Of two IS tests of one value where one implies the other (x IS FALSE, x IS NOT
        # TRUE), AND keeps the stronger and OR the weaker.
        tests = {(b.arg, b.test) for b in out if isinstance(b, Is)}
        out = [
            b
            for b in out
            if not (
                isinstance(b, Is)
                and any(
                    (b.arg, other) in tests
                    for other in (_STRONGER if op == "AND" else _WEAKER).get(b.test, ())
                )
            )
        ]
        if nulls:
            out.append(NULL)  # (NULL AND x is FALSE or NULL: kept, once)
        if not out:
            return neutral
        return out[0] if len(out) == 1 else Junction(op, tuple(out))

    def _not(self, arg: Node, truth: bool) -> Node:
        if isinstance(arg, Lit) and arg.kind in ("bool", "null"):
            value = None if arg.value is None else not arg.value
            return FALSE if truth and value is None else _bool(value)
        if isinstance(arg, Not):
            return self.fold(arg.arg, truth)
        if isinstance(arg, Is):
            return Is(arg.arg, _IS_NEGATED[arg.test])
        if isinstance(arg, Cmp):
            return Cmp(_NEGATED[arg.op], arg.left, arg.right)
        if isinstance(arg, In):
            return In(arg.arg, arg.items, not arg.negated)
        if isinstance(arg, Junction) and all(isinstance(a, (Is, Cmp, In)) for a in arg.args):
            # De Morgan, when each operand is negated in place and that is no longer
            dual = "OR" if arg.op == "AND" else "AND"
            flipped = self._junction(dual, [self._not(a, False) for a in arg.args], truth)
            if len(write(flipped)) <= len(write(Not(arg))):
                return flipped
        return Not(arg)

    def _is(self, arg: Node, test: str, truth: bool) -> Node:
        if truth and test == "TRUE":
            return arg  # (folded as a truth already)
        if isinstance(arg, Lit):
            if test in ("NULL", "NOT NULL"):
                return _bool(_null(arg) == (test == "NULL"))
            if arg.kind not in ("bool", "null"):
                return Is(arg, test)
            value = arg.value
            wanted = test.endswith("TRUE")
            holds = value is not None and value == wanted
            return _bool(holds != test.startswith("NOT"))
        if not self.nullable(arg):
            if test in ("NULL", "NOT NULL"):
                return _bool(test == "NOT NULL")
            positive = test in ("TRUE", "NOT FALSE")
            return arg if positive else self._not(arg, truth)
        if isinstance(arg, Case):
            spread = self._into_case(arg, lambda v: self._is(v, test, False), truth, Is(arg, test))
            if spread is not None:
                return spread
        messages = _messages(arg)
        if messages is not None and test in ("NULL", "NOT NULL"):
            # NULLIF(concat_ws(sep, m1, m2), '') of messages (each NULL or not empty) is NULL
            # where every message is
            parts = [self._is(m, test, False) for m in messages]
            spread = self._junction("AND" if test == "NULL" else "OR", parts, truth)
            if len(write(spread)) <= len(write(Is(arg, test))):
                return spread
        if isinstance(arg, Binary) and arg.op == "||" and test in ("NULL", "NOT NULL"):
            parts = [self._is(p, test, False) for p in (arg.left, arg.right)]
            return self._junction("OR" if test == "NULL" else "AND", parts, truth)
        return Is(arg, test)

    def _cmp(self, op: str, left: Node, right: Node, truth: bool) -> Node:
        if isinstance(left, Lit) and isinstance(right, Lit):
            found = _compare(op, left, right)
            if found is not None:
                return FALSE if truth and _null(found) else found
        if isinstance(left, Case) and isinstance(right, Lit):
            spread = self._into_case(
                left, lambda v: self._cmp(op, v, right, False), truth, Cmp(op, left, right)
            )
            if spread is not None:
                return spread
        if isinstance(right, Case) and isinstance(left, Lit):
            spread = self._into_case(
                right, lambda v: self._cmp(op, left, v, False), truth, Cmp(op, left, right)
            )
            if spread is not None:
                return spread
        return Cmp(op, left, right)

    def _in(self, arg: Node, items: list[Node], negated: bool, truth: bool) -> Node:
        kept: list[Node] = []
        for i in items:
            if i not in kept:
                kept.append(i)
        numbers = {i.value for i in kept if isinstance(i, Lit) and i.kind == "int"}
        if truth and not negated and len(numbers) == len(kept) and _values(arg) is not None:
            # (an effect's severity: which branches can give one of them, when shorter)
            plain = In(arg, tuple(kept), negated) if len(kept) > 1 else Cmp("=", arg, kept[0])
            spelled = self.member(arg, frozenset(numbers))
            if len(write(spelled)) < len(write(plain)):
                return spelled
        if isinstance(arg, Lit) and all(isinstance(i, Lit) for i in kept):
            found = self._member(arg, kept)
            if found is not None:
                value = found if not negated else self._not(found, False)
                return FALSE if truth and _null(value) else value
        if isinstance(arg, Case) and all(isinstance(i, Lit) for i in kept):
            plain = In(arg, tuple(kept), negated)
            spread = self._into_case(arg, lambda v: self._in(v, kept, negated, False), truth, plain)
            if spread is not None:
                return spread
        if len(kept) == 1:
            return self._cmp("<>" if negated else "=", arg, kept[0], truth)
        return In(arg, tuple(kept), negated)

    @staticmethod
    def _member(arg: Lit, items: list[Node]) -> Lit | None:
        if _null(arg):
            return NULL
        unknown = False
        for i in items:
            assert isinstance(i, Lit)
            found = _compare("=", arg, i)
            if found is None:
                return None
            if found == TRUE:
                return TRUE
            unknown = unknown or _null(found)
        return NULL if unknown else FALSE

    def _binary(self, op: str, left: Node, right: Node, truth: bool) -> Node:
        if op == "||" and (_null(left) or _null(right)):
            return NULL
        texts = isinstance(left, Lit) and left.kind == "str"
        if op == "||" and texts and isinstance(right, Lit) and right.kind == "str":
            assert isinstance(left, Lit)
            text = left.value + right.value
            return Lit("str", text, literal(text))
        return Binary(op, left, right)

    # --- CASE ---

    def _case(self, n: Case, truth: bool) -> Node:
        whens: list[tuple[Node, Node]] = []
        otherwise: Node = NULL
        for condition, value in n.whens:
            c = self.fold(condition, True)
            if c == FALSE or _null(c):
                continue
            v = self.fold(value, truth)
            if c == TRUE:
                otherwise = v
                break
            whens.append((c, v))
        else:
            if n.otherwise is not None:
                otherwise = self.fold(n.otherwise, truth)
        return self._cased(whens, otherwise, truth)

    def _cased(self, whens: list[tuple[Node, Node]], otherwise: Node, truth: bool) -> Node:
        """A ``CASE`` of folded parts, simplified."""

        def falsy(v: Node) -> bool:
            return v == FALSE or (truth and _null(v))

        if truth:  # (FALSE and NULL alike: NULL, the shorter, and no ELSE at all)
            otherwise = NULL if falsy(otherwise) else otherwise
            whens = [(c, NULL if falsy(v) else v) for c, v in whens]
        merged: list[tuple[Node, Node]] = []
        seen: list[Node] = []
        for c, v in whens:
            if c in seen:
                continue  # (never reached: the same condition was not TRUE before)
            seen.append(c)
            if merged and merged[-1][1] == v:
                merged[-1] = (self._junction("OR", [merged[-1][0], c], True), v)
            else:
                merged.append((c, v))
        while merged and merged[-1][1] == otherwise:
            merged.pop()
        if not merged:
            return otherwise
        # A boolean CASE whose last values are constants, as AND and OR of its conditions:
        # WHEN c THEN TRUE ELSE r is `c IS TRUE OR r`; WHEN c THEN FALSE ELSE r,
        # `c IS NOT TRUE AND r` (exact, r being NULL too).
        # (kept as a CASE when that is shorter written)
        as_case = Case(tuple(merged), otherwise)
        rest = otherwise
        boolean = truth or any(isinstance(v, Lit) and v.kind == "bool" for _, v in merged)
        while merged and boolean and (merged[-1][1] == TRUE or falsy(merged[-1][1])):
            c, v = merged.pop()
            if v == TRUE:
                rest = self._junction("OR", [self._is(c, "TRUE", truth), rest], truth)
            else:
                rest = self._junction("AND", [self._is(c, "NOT TRUE", truth), rest], truth)
        done = Case(tuple(merged), rest) if merged else rest
        if done != as_case and len(write(done)) > len(write(as_case)):
            return as_case
        return done

    def _into_case(
        self, case: Case, apply: Callable[[Node], Node], truth: bool, plain: Node
    ) -> Node | None:
        """``apply`` put into the branches of ``case`` (``op(CASE WHEN c THEN v END)`` is
        ``CASE WHEN c THEN op(v) END``, ``op(NULL)`` for the missing ``ELSE``), when it folds
        all branches but at most one to constants and is no longer than ``plain``; else
        ``None``."""
        outer = self.nonnull
        known = outer
        whens: list[tuple[Node, Node]] = []
        open_ = 0
        try:
            for c, v in case.whens:
                self.nonnull = known | self._rejected(c)
                done = apply(v)
                open_ += not isinstance(done, Lit)
                whens.append((c, done))
                known |= {x.arg for x in _conjuncts_or(c) if isinstance(x, Is) and x.test == "NULL"}
            self.nonnull = known
            otherwise = apply(NULL if case.otherwise is None else case.otherwise)
        finally:
            self.nonnull = outer
        open_ += not isinstance(otherwise, Lit)
        if open_ > 1:
            return None
        spread = self._cased(whens, otherwise, truth)
        return spread if len(write(spread)) <= len(write(plain)) else None

    # --- the WHERE's conjunction ---

    def conjoin(self, parts: list[Node]) -> Node:
        """The ``AND`` of ``parts`` (folded, in a truth context), each simplified in turn
        under what the others say when they are ``TRUE``, and dropped when that makes it
        ``TRUE``: where the others are not all ``TRUE`` the whole is not either, so in a
        truth context nothing changes. One at a time, so that no two are dropped for each
        other."""
        parts = list(parts)
        i = 0
        while i < len(parts):
            values: dict[Node, Lit] = {}
            nonnull: set[Node] = set()
            for j, other in enumerate(parts):
                if j != i:
                    _assume(other, values, nonnull)
            saved = self.assumed, self.assumed_key, self.nonnull
            self.assumed, self.assumed_key = values, frozenset(values.items())
            self.nonnull = frozenset(nonnull)
            try:
                done = self.fold(parts[i], True)
            finally:
                self.assumed, self.assumed_key, self.nonnull = saved
            if done == TRUE:
                del parts[i]
                continue
            if done == FALSE or _null(done):
                return FALSE
            if len(write(done)) <= len(write(parts[i])):
                parts[i] = done
            i += 1
        return self._junction("AND", parts, True)

    # --- integers (severities) ---

    def member(self, e: Node, wanted: frozenset[int]) -> Node:
        """A condition that is ``TRUE`` exactly where the integer ``e`` is one of ``wanted``
        (a truth: where ``e`` is not, it may be ``FALSE`` or ``NULL``)."""
        found = _values(e)
        if found is not None and not (found & wanted):
            return FALSE
        if found is not None and None not in found and found <= wanted:
            return TRUE
        if isinstance(e, Lit):
            return _bool(e.value in wanted)
        if isinstance(e, Case):
            whens = [(c, self.member(v, wanted)) for c, v in e.whens]
            otherwise = NULL if e.otherwise is None else e.otherwise
            return self._cased(whens, self.member(otherwise, wanted), True)
        if isinstance(e, Call) and e.name.upper() == "COALESCE" and e.args:
            first, rest = e.args[0], e.args[1:]
            later = Call(e.name, rest) if len(rest) > 1 else (rest[0] if rest else NULL)
            if_null = self._junction("AND", [self._is(first, "NULL", False),
                                             self.member(later, wanted)], True)  # fmt: skip
            return self._junction("OR", [self.member(first, wanted), if_null], True)
        if isinstance(e, Call) and e.name.upper() in ("GREATEST", "LEAST") and found is not None:
            # GREATEST (skipping NULL) is v where an argument is v and none is above it; when
            # nothing below v can be, where none is above it and one is not NULL.
            greatest = e.name.upper() == "GREATEST"
            numbers = sorted(x for x in found if x is not None)
            options = []
            for v in sorted(x for x in found & wanted if x is not None):
                beyond = [
                    frozenset(u for u in (_values(a) or ()) if u is not None and
                              (u > v if greatest else u < v))
                    for a in e.args
                ]  # fmt: skip
                terms = [self._outside(a, b) for a, b in zip(e.args, beyond, strict=True) if b]
                if v == (numbers[0] if greatest else numbers[-1]):
                    if all(None in (_values(a) or {None}) for a in e.args):
                        some = [self._is(a, "NOT NULL", False) for a in e.args]
                        terms.append(self._junction("OR", some, True))
                else:
                    some = [self.member(a, frozenset({v})) for a in e.args]
                    terms.append(self._junction("OR", some, True))
                options.append(self._junction("AND", terms, True))
            return self._junction("OR", options, True)
        listed = tuple(_number(v) for v in sorted(wanted))
        return In(e, listed, False) if len(listed) > 1 else Cmp("=", e, listed[0])

    def _outside(self, e: Node, unwanted: frozenset[int]) -> Node:
        """A condition ``TRUE`` exactly where ``e`` is not one of ``unwanted`` (or is
        ``NULL``)."""
        found = _values(e)
        if found is not None and None not in found:
            return self.member(e, frozenset(x for x in found if x is not None) - unwanted)
        return self._is(self.member(e, unwanted), "NOT TRUE", False)

    # --- what is known not to be NULL ---

    def nullable(self, n: Node) -> bool:
        """Whether ``n`` may be ``NULL`` on some row (``False``: surely not)."""
        if isinstance(n, Lit):
            return _null(n)
        if n in self.nonnull:
            return False
        if isinstance(n, Is | ListOf):
            return False
        if isinstance(n, (Name, Raw)):
            return True
        if isinstance(n, Not):
            return self.nullable(n.arg)
        if isinstance(n, Junction):
            return any(self.nullable(a) for a in n.args)
        if isinstance(n, Cmp):
            return self.nullable(n.left) or self.nullable(n.right)
        if isinstance(n, In):
            return any(self.nullable(x) for x in (n.arg, *n.items))
        if isinstance(n, Between):
            return any(self.nullable(x) for x in (n.arg, n.low, n.high))
        if isinstance(n, Binary):
            return self.nullable(n.left) or self.nullable(n.right)
        if isinstance(n, Case):
            values = [v for _, v in n.whens] + [NULL if n.otherwise is None else n.otherwise]
            return any(self.nullable(v) for v in values)
        if isinstance(n, Call):
            if n.name.upper() in ("COALESCE", "GREATEST", "LEAST"):
                return all(self.nullable(a) for a in n.args)
            return True
        assert isinstance(n, Cast)
        return n.function == "TRY_CAST" or self.nullable(n.arg)

    def _rejected(self, condition: Node) -> frozenset[Node]:
        """What cannot be ``NULL`` where ``condition`` is ``TRUE``."""
        found = _rejects(condition)
        return frozenset() if found is None else found

    # --- functions ---

    def _call(self, name: str, args: list[Node], truth: bool) -> Node:
        upper = name.upper()
        if name.lower() in _STRICT and any(_null(a) for a in args):
            return FALSE if truth else NULL
        if name.lower() == "concat_ws" and len(args) > 2:
            # (which skips NULL: a NULL argument adds nothing; one is kept, for the syntax)
            kept_args = [a for a in args[1:] if not _null(a)] or [NULL]
            args = [args[0], *kept_args]
        if upper == "COALESCE":
            kept: list[Node] = []
            for a in args:
                if _null(a):
                    continue
                kept.append(a)
                if not self.nullable(a):
                    break
            if not kept:
                return FALSE if truth else NULL
            return self.fold(kept[0], truth) if len(kept) == 1 else Call(name, tuple(kept))
        if upper in ("GREATEST", "LEAST"):
            flat: list[Node] = []
            for a in args:
                inner = a.args if isinstance(a, Call) and a.name.upper() == upper else (a,)
                flat += [b for b in inner if not _null(b)]
            numbers = [b for b in flat if isinstance(b, Lit) and b.kind == "int"]
            if len(numbers) > 1:
                pick = max if upper == "GREATEST" else min
                best = _number(pick(b.value for b in numbers))
                at = flat.index(numbers[0])
                others = [b for b in flat if not (isinstance(b, Lit) and b.kind == "int")]
                flat = [*others[:at], best, *others[at:]]
            kept = []
            for b in flat:
                if b not in kept:
                    kept.append(b)
            if not kept:
                return NULL
            return kept[0] if len(kept) == 1 else Call(name, tuple(kept))
        if upper == "NULLIF" and len(args) == 2:
            a, b = args
            if _null(a):
                return NULL
            if isinstance(a, Lit) and isinstance(b, Lit):
                same = _compare("=", a, b)
                if same is not None:
                    return NULL if same == TRUE else a
        return Call(name, tuple(args))


def _values(e: Node) -> frozenset[int | None] | None:
    """The integers (and ``None`` for ``NULL``) ``e`` can be, when it is made of integer
    constants, ``CASE``, ``COALESCE``, ``GREATEST`` and ``LEAST``; else ``None``."""
    if isinstance(e, Lit):
        return frozenset({e.value}) if e.kind in ("int", "null") else None
    parts: list[Node]
    name = e.name.upper() if isinstance(e, Call) else ""
    if isinstance(e, Case):
        parts = [v for _, v in e.whens] + [NULL if e.otherwise is None else e.otherwise]
    elif isinstance(e, Call) and name in ("COALESCE", "GREATEST", "LEAST"):
        parts = list(e.args)
    else:
        return None
    found: list[frozenset[int | None]] = []
    for p in parts:
        values = _values(p)
        if values is None:
            return None
        found.append(values)
    out = frozenset().union(*found)
    if name and not all(None in f for f in found):
        out -= {None}  # (NULL only when every argument is)
    if name in ("GREATEST", "LEAST"):
        # GREATEST is at least the least value of every argument that is never NULL.
        sure = [[x for x in f if x is not None] for f in found if None not in f]
        if sure and name == "GREATEST":
            floor = max(min(x) for x in sure)
            out = frozenset(x for x in out if x is None or x >= floor)
        elif sure:
            ceiling = min(max(x) for x in sure)
            out = frozenset(x for x in out if x is None or x <= ceiling)
    return out


def _assume(n: Node, values: dict[Node, Lit], nonnull: set[Node]) -> None:
    """What ``n`` being ``TRUE`` says: values of expressions in it, and expressions that are
    not ``NULL``."""
    rejected = _rejects(n)
    if rejected is not None:
        nonnull.update(rejected)
    if isinstance(n, Junction) and n.op == "AND":
        for a in n.args:
            _assume(a, values, nonnull)
        return
    if isinstance(n, Not):
        _assume(Is(n.arg, "FALSE"), values, nonnull)
        return
    if isinstance(n, Is):
        if isinstance(n.arg, Lit):
            return  # (a constant's value is its own)
        if n.test in ("TRUE", "FALSE", "NULL"):
            values[n.arg] = {"TRUE": TRUE, "FALSE": FALSE, "NULL": NULL}[n.test]
        if n.test == "TRUE":
            _assume(n.arg, values, nonnull)
        elif n.test == "FALSE" and isinstance(n.arg, Junction) and n.arg.op == "OR":
            for a in n.arg.args:  # (an OR is FALSE where every operand is)
                _assume(Is(a, "FALSE"), values, nonnull)
        elif n.test == "FALSE" and isinstance(n.arg, (Cmp, In)):
            flipped = (
                Cmp(_NEGATED[n.arg.op], n.arg.left, n.arg.right)
                if isinstance(n.arg, Cmp)
                else In(n.arg.arg, n.arg.items, not n.arg.negated)
            )
            values[flipped] = TRUE
        elif n.test == "NOT NULL":
            nonnull.add(n.arg)
        return
    if isinstance(n, Lit):
        return
    values[n] = TRUE
    if isinstance(n, Cmp):
        values[Cmp(_NEGATED[n.op], n.left, n.right)] = FALSE
    elif isinstance(n, In):
        values[In(n.arg, n.items, not n.negated)] = FALSE


def _messages(n: Node) -> tuple[Node, ...] | None:
    """The texts of ``NULLIF(concat_ws(sep, text...), '')`` when each is ``NULL`` or not
    empty (else ``None``)."""
    if not (isinstance(n, Call) and n.name.upper() == "NULLIF" and len(n.args) == 2):
        return None
    joined, empty = n.args
    if empty != Lit("str", "", "''"):
        return None
    if not (isinstance(joined, Call) and joined.name.lower() == "concat_ws"):
        return None
    texts = joined.args[1:]
    return texts if texts and all(_unempty(t) for t in texts) else None


def _unempty(n: Node) -> bool:
    """Whether the text ``n`` is surely ``NULL`` or not empty."""
    if isinstance(n, Lit):
        return _null(n) or (n.kind == "str" and n.value != "")
    if isinstance(n, Binary) and n.op == "||":
        return _unempty(n.left) or _unempty(n.right)
    if isinstance(n, Case):
        return all(_unempty(v) for _, v in n.whens) and (
            n.otherwise is None or _unempty(n.otherwise)
        )
    return False


def _conjuncts_or(condition: Node) -> tuple[Node, ...]:
    """The operands of an ``OR`` (the condition itself when it is not one): each ``IS NULL``
    among them is false on the later branches of a ``CASE``."""
    if isinstance(condition, Junction) and condition.op == "OR":
        return condition.args
    return (condition,)


def _stricts(n: Node) -> frozenset[Node] | None:
    """The expressions whose being ``NULL`` makes ``n`` ``NULL`` (``None``: every one, ``n``
    being ``NULL`` always)."""
    if _null(n):
        return None
    own = frozenset({n})
    if isinstance(n, (Lit, Is, ListOf)):
        return frozenset()
    if isinstance(n, (Name, Raw)):
        return own
    parts: tuple[Node, ...] = ()
    if isinstance(n, (Cmp, Binary)):
        parts = (n.left, n.right)
    elif isinstance(n, In):
        parts = (n.arg,)
    elif isinstance(n, Between):
        parts = (n.arg, n.low, n.high)
    elif isinstance(n, (Not, Cast)):
        parts = (n.arg,)
    elif isinstance(n, Call) and n.name.lower() in _STRICT:
        parts = n.args
    elif isinstance(n, Call) and n.name.upper() == "NULLIF":
        parts = n.args[:1]
    if parts:
        out = own
        for p in parts:
            found = _stricts(p)
            if found is None:
                return None
            out |= found
        return out
    if isinstance(n, (Junction, Case)):
        branches = (
            n.args
            if isinstance(n, Junction)
            else [v for _, v in n.whens] + ([n.otherwise] if n.otherwise is not None else [])
        )
        return _meet(own, [_stricts(b) for b in branches])
    return own


def _rejects(n: Node) -> frozenset[Node] | None:
    """The expressions whose being ``NULL`` keeps ``n`` from being ``TRUE`` (``None``:
    every one, ``n`` never being ``TRUE``)."""
    if n in (FALSE, NULL):
        return None
    found = _stricts(n)
    if isinstance(n, Junction) and n.op == "AND":
        out = found or frozenset()
        for a in n.args:
            more = _rejects(a)
            if more is None:
                return None
            out |= more
        return out
    if isinstance(n, Junction) and n.op == "OR":
        return _meet(found or frozenset(), [_rejects(a) for a in n.args])
    if isinstance(n, Case):
        values = [v for _, v in n.whens] + ([n.otherwise] if n.otherwise is not None else [])
        return _meet(found or frozenset(), [_rejects(v) for v in values])
    if isinstance(n, Is) and n.test == "TRUE":
        return _rejects(n.arg)
    if isinstance(n, Is) and n.test == "NOT NULL":
        return _stricts(n.arg)
    if isinstance(n, Not):
        return _stricts(n.arg)
    return found


def _meet(own: frozenset[Node], sets: list[frozenset[Node] | None]) -> frozenset[Node] | None:
    """``own`` with what every one of ``sets`` holds (``None`` holds everything)."""
    common: frozenset[Node] | None = None
    for s in sets:
        if s is None:
            continue
        common = s if common is None else common & s
    if common is None:
        return None if sets else own
    return own | common


def fold_where(target: str, steps: Mapping[str, str]) -> str:
    """The condition ``target`` with every step's name replaced by its expression, all of it
    folded, as SQL (a condition of a ``WHERE``: a truth context)."""
    folder = Folder(steps)
    node = folder.fold(parse(target), True)
    if isinstance(node, Junction) and node.op == "AND":
        node = folder.conjoin(list(node.args))
    return write(node, folder.written_step)


def fold_sql(text: str, steps: Mapping[str, str] | None = None) -> str:
    """The expression ``text`` folded, with the same value on every row (not only where it
    is ``TRUE``): for the tests, which compare the two in a database."""
    folder = Folder(steps or {})
    return write(folder.fold(parse(text)), folder.written_step)
