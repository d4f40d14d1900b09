"""Class codes for bulk input: the compiled form's facets read from plain field values.

A row of a ledger (or of columns) is not turned into a validated ``Purchase``: its fields are
validated once per distinct value by the caller, who hands them here on a :class:`Shim`, an
object with the attributes of a purchase that the facets' keys read. :class:`Classifier` looks
each facet's key up in the program's own tables and returns the tuple of class ids: two rows
with the same tuple make every atom of the rule set come out the same, so they get the same
decision (save for what names the row: its id, its dates).

The facets are split in two: those whose key reads only what a row shares with the others of
its *content* (vendor, buyer, category, facts...: ``static``) and those that read the per-row
value or dates (``dynamic``). A key never seen before is a *miss*: the classifier returns
``None``, and the caller decides that row the ordinary way (which fills the tables) and asks
again. Nothing here evaluates an atom.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Callable, Hashable
from typing import Any

from vendorpolicy._compile._program import CACHE_LIMIT, Program

__all__ = ["Classifier", "Shim", "missing_facts"]

#: What makes a facet's key differ between rows of the same content.
_DYNAMIC = re.compile(r"\bp\.(value|date|id)\b|\bwhen\b")


class Shim:
    """The fields of a purchase as the facets' keys read them (``p`` in their expressions)."""

    __slots__ = (
        "acquired",
        "buyer",
        "category",
        "components",
        "date",
        "description",
        "facts",
        "id",
        "purpose",
        "supplier",
        "value",
        "vendor",
    )

    acquired: Any
    buyer: Any
    category: Any
    components: Any
    date: Any
    description: Any
    facts: Any
    id: str
    purpose: Any
    supplier: Any
    value: Any
    vendor: Any

    def __init__(self, template: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(template, name))


class Amount:
    """A purchase's value as the facets read it (``amount``, ``currency``)."""

    __slots__ = ("amount", "currency")

    def __init__(self, amount: Any, currency: str) -> None:
        self.amount = amount
        self.currency = currency


class Classifier:
    """The class ids of a row on each facet of ``program``, split into static and dynamic."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.error_bit = program.error_bit
        #: For the facets whose keys are dates with points (``Facet.points``): per interval
        #: between the points, the class record the program gave a key in it. A date not in
        #: the program's table takes its interval's record from here, as the program's own
        #: lookup would give it, without a purchase to evaluate on.
        self.dated = [f for f in program.facets if f.points is not None]
        self.by_interval: dict[int, dict[int | None, tuple[int, ...]]] = {
            f.index: {} for f in self.dated
        }
        static = [f for f in program.facets if not _DYNAMIC.search(f.expr)]
        dynamic = [f for f in program.facets if _DYNAMIC.search(f.expr)]
        #: The facets whose keys read the row's own value, dates or id.
        self.dynamic_facets = dynamic
        self.static: Callable[..., tuple[int, ...] | None] = self._generate("static", static)
        self.dynamic: Callable[..., tuple[int, ...] | None] = self._generate("dynamic", dynamic)
        #: ``dynamic`` without the test for classes whose traces hold an error, for looking up
        #: a shape that is already known: the ids of such a class are never in a shape's key
        #: (``dynamic`` gives ``None`` for them, and a class with errors has ids of its own).
        self.dynamic_ids: Callable[..., tuple[int, ...] | None] = self._generate(
            "dynamic_ids", dynamic, errors=False
        )
        #: Whether a purchase's mask is the program's base mask ORed with each facet's class
        #: mask (no group reads the classes of several facets): ``static_mask`` and
        #: ``dynamic_mask`` then give the two parts of it, the error bit included.
        self.separable = not program.groups
        self.static_mask: Callable[..., int | None] = self._generate(
            "static_mask", static, masks=True
        )
        self.dynamic_mask: Callable[..., int | None] = self._generate(
            "dynamic_mask", dynamic, masks=True
        )

    def ids(self, name: str, facets: list[Any]) -> Callable[..., tuple[int, ...] | None]:
        """``name(p, when, vendor, components, buyer)``: the class ids on some ``facets``, as
        ``dynamic_ids`` gives them on all of its."""
        function: Callable[..., tuple[int, ...] | None] = self._generate(name, facets, errors=False)
        return function

    def _generate(
        self, name: str, facets: list[Any], *, errors: bool = True, masks: bool = False
    ) -> Callable[..., Any]:
        """``name(p, when, vendor, components, buyer)``: the class ids on ``facets``, in order,
        or ``None`` at a key not in the program's tables, or (with ``errors``) at a class whose
        atoms' traces hold an error (the decision's errors are then the interpreter's, per
        row). With ``masks``: the OR of the classes' masks instead (``None`` at a key not in
        the tables; a class with errors sets the error bit)."""
        body, env, ids = self.body(facets, errors=errors or masks, miss="return None")
        lines = [f"def {name}(p, when, vendor, components, buyer):", "m = 0", *body]
        if masks:
            lines.append("return m")
        else:
            if errors:
                lines += ["if m & EB:", "    return None"]
            lines.append("return (" + "".join(f"{x}, " for x in ids) + ")")
        source = "\n    ".join(lines) + "\n"
        exec(compile(source, f"<vendorpolicy bulk {name}>", "exec"), env)  # noqa: S102
        function: Callable[..., Any] = env[name]
        return function

    def body(
        self, facets: list[Any], *, errors: bool, miss: str
    ) -> tuple[list[str], dict[str, Any], list[str]]:
        """Python statements that look up the class records of ``facets`` (``r<index>``) for
        the names ``p``, ``when``, ``vendor``, ``components`` and ``buyer``, and (with
        ``errors``) OR their masks into ``m``; at a key not in the tables they run ``miss``
        (lines of its own).
        Also the names they read, and an expression for each facet's class id. Unindented,
        for a caller to indent (``_generate``; the bulk writer's loop inlines them)."""
        program = self.program
        env: dict[str, Any] = {"EB": self.error_bit, "LIMIT": CACHE_LIMIT}
        lines: list[str] = []
        ids = []
        for facet in facets:
            i = facet.index
            env.update(facet.env)
            env[f"T{i}"] = program.tables[i]
            if facet.points is None:
                lines += [
                    f"r{i} = T{i}.get({facet.expr})",
                    f"if r{i} is None:",
                    *(f"    {x}" for x in miss.split("\n")),
                ]
            else:
                env["_br"] = bisect_right
                env[f"P{i}"] = facet.points
                env[f"B{i}"] = self.by_interval[i]
                lines += [
                    f"k{i} = {facet.expr}",
                    f"r{i} = T{i}.get(k{i})",
                    f"if r{i} is None:",
                    f"    r{i} = B{i}.get(None if k{i} is None else _br(P{i}, k{i}))",
                    f"    if r{i} is None:",
                    *(f"        {x}" for x in miss.split("\n")),
                    # Into the table, as the program's own lookup puts it there.
                    f"    if len(T{i}) >= LIMIT:",
                    f"        T{i}.clear()",
                    f"    T{i}[k{i}] = r{i}",
                ]
            if errors:
                lines.append(f"m |= r{i}[0]")
            ids.append(f"r{i}[1]")
        return lines, env, ids

    def learn(self, p: Any, when: dt.date | None, vendor: Any, components: Any, buyer: Any) -> None:
        """After the program has evaluated ``p``: the records of its dated keys, by interval."""
        tables = self.program.tables
        for facet in self.dated:
            key: Any = facet.key(p, when, vendor, components, buyer)
            record = tables[facet.index].get(key)
            if record is not None:
                points: tuple[Any, ...] = facet.points or ()
                interval = None if key is None else bisect_right(points, key)
                self.by_interval[facet.index].setdefault(interval, record)

    def classes(
        self, p: Any, when: dt.date | None, vendor: Any, components: Any, buyer: Any
    ) -> tuple[Hashable, ...] | None:
        """Both tuples at once, for a check against a purchase decided the ordinary way."""
        a = self.static(p, when, vendor, components, buyer)
        b = self.dynamic(p, when, vendor, components, buyer)
        return None if a is None or b is None else (a, b)


def missing_facts(  # noqa: PLR0917 - Program.missing_facts's arguments, and the mask
    program: Program,
    p: Any,
    when: dt.date | None,
    extra: Any,
    behind: dict[str, tuple[str, ...]],
    mask: int,
) -> tuple[str, ...]:
    """``program.missing_facts(p, when, extra, behind, mask=mask)`` for ``p`` a purchase or a
    row's :class:`Shim` (which stands in for one wherever the facets read ``p``; the program's
    method is typed for purchases): only the rules whose condition is not false in the mask
    are asked."""
    return program.missing_facts(p, when, extra, behind, mask=mask)
