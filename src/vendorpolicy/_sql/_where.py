"""The catalog question as SQL: "which (vendor, category) rows may this buyer buy?" as one
``WHERE`` condition over a catalog table, from partial evaluation.

The rule set is first specialised to the fixed part of the purchase
(``vendorpolicy.analysis.residual``): what the buyer, the dates, the value and the fixed facts
settle is gone, and what is left reads the catalog's columns (``vendor_id``,
``vendor_country``, ``vendor_designations``, ``category``). The residual is compiled as a
purchases table's query would be (``_compiler``), with the fixed parts as constants, and its
steps are written into one expression: a row passes when it would be decided (not an error
row: the vocabulary check and the ledger's checks hold) with one of the wanted effects —
exactly the rows ``analysis.may_buy`` gives.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from vendorpolicy._checks import tick, type_name
from vendorpolicy._model import Effect
from vendorpolicy._rules import RuleSet
from vendorpolicy._sql._compiler import _Compiler, _date, _decimal
from vendorpolicy._sql._dialect import dialect_named, literal
from vendorpolicy.errors import InvalidValueError, PredicateTypeError

__all__ = ["CATALOG_COLUMNS", "to_sql_where"]

#: The columns of a catalog table (read as those of a purchases table, ``docs/scale.md``).
CATALOG_COLUMNS = ("vendor_id", "vendor_country", "vendor_designations", "category")

#: A string literal, a quoted identifier, or a name: the tokens a step's SQL is made of.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[A-Za-z_][A-Za-z0-9_]*")
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def to_sql_where(
    rule_set: RuleSet,
    fixed: object,
    *,
    effects: Iterable[Effect | str] = (Effect.ALLOW,),
    dialect: str = "duckdb",
    table: str | None = None,
) -> str:
    """A ``WHERE`` condition that holds on the rows of a catalog table the fixed part of the
    purchase may buy: ``fixed`` is a :class:`vendorpolicy.analysis.Partial` that fixes the
    buyer (and whatever else is known: the dates, the value, the purpose, facts); a row is
    ``(vendor_id, vendor_country, vendor_designations, category)`` (any of them may be
    missing from the table, or ``NULL``), completed as ``Partial.complete`` completes it.
    It passes when the decision on that completion is one of ``effects`` (``allow`` by
    default) and the row is not refused (by the vocabulary check, say): the rows
    ``analysis.may_buy`` gives. ``table`` qualifies the columns (``c`` for ``c."category"``).
    The vendor is the row's as stated (no registry)."""
    from vendorpolicy.analysis import Partial, residual  # noqa: PLC0415 - analysis is heavy

    if not isinstance(rule_set, RuleSet):
        raise PredicateTypeError(
            f"expected a RuleSet, got {type_name(rule_set)} {tick(rule_set)}",
            path="to_sql_where(rule_set)",
        )
    if not isinstance(fixed, Partial):
        raise PredicateTypeError(
            f"expected a Partial, got {type_name(fixed)} {tick(fixed)}",
            path="to_sql_where(fixed)",
            hint="fix the buyer (and what else is known) with `Partial(buyer=..., ...)`",
        )
    if fixed.buyer is None:
        raise InvalidValueError(
            "the catalog question needs a buyer and the partial purchase fixes none",
            path="to_sql_where(fixed).buyer",
            hint="fix the buyer: `Partial(buyer=Buyer(...), ...)`",
        )
    d = dialect_named(dialect, "to_sql_where(dialect)")
    wanted = []
    for i, effect in enumerate(effects if not isinstance(effects, str) else [effects]):
        try:
            wanted.append(Effect(effect))
        except ValueError:
            raise InvalidValueError(
                f"unknown effect {tick(effect)}",
                path=f"to_sql_where(effects)[{i}]",
                hint="one of " + ", ".join(f"`{e.value}`" for e in Effect),
            ) from None
    if not wanted:
        raise InvalidValueError(
            "no effect to select", path="to_sql_where(effects)", hint="give `effects=['allow']`"
        )
    rules = residual(rule_set, fixed)
    compiler = _Compiler(rules, d, fixed.as_of)
    columns = [*CATALOG_COLUMNS, "buyer_public", "buyer_sector"]
    for name in fixed.facts:  # (checked by the vocabulary as a row's facts are)
        if name not in compiler.facts:
            compiler.checked.setdefault(name, len(compiler.checked))
    available = set(columns)
    if fixed.purpose is not None:
        available.add("purpose")
    steps: dict[str, str] = {}
    for item in compiler._input("vp_catalog", available, {}):
        expr, name = _split(item)
        steps[name] = expr
    steps.update(_constants(compiler, fixed))
    for item in [
        compiler._error(),
        *compiler._atoms(),
        *compiler._rule_columns(),
        *compiler._groups(),
        *compiler._ranges(),
        *compiler._layer_effects(),
        "GREATEST(" + ", ".join(compiler._layer_names("e")) + ") AS vp_e",
    ]:
        expr, name = _split(item)
        steps[name] = expr
    severities = ", ".join(str(e.severity) for e in sorted(set(wanted)))
    target = f"vp_error IS NULL AND vp_e IN ({severities})"
    prefix = "" if table is None else f"{table}."
    return _expand(target, steps, {}).replace("vp_src.", prefix)


def _split(item: str) -> tuple[str, str]:
    """A step's column ``expr AS name`` (comments dropped) as ``(expr, name)``."""
    text = _COMMENT.sub("", item).strip()
    expr, _, name = text.rpartition(" AS ")
    return expr.strip(), name.strip()


def _constants(compiler: _Compiler, fixed: object) -> dict[str, str]:
    """The fixed parts of the purchase, as the values of ``vp_in``'s columns."""
    from vendorpolicy.analysis import Partial  # noqa: PLC0415

    assert isinstance(fixed, Partial)
    assert fixed.buyer is not None
    buyer = fixed.buyer
    d = compiler.d
    out = {
        "vp_public": "TRUE" if buyer.public else "FALSE",
        "vp_sector": literal(buyer.sector.value),
        "vp_buyer_country": _text(buyer.country),
        "vp_buyer_designations": "CAST(NULL AS " + d.text_list_type + ")"
        if buyer.designations is None
        else d.text_list([literal(x) for x in sorted(buyer.designations)]),
        "vp_buyer_id": literal(buyer.id),
        "vp_date": _day(fixed.date),
        "vp_acquired": _day(fixed.acquired),
        "vp_value": "CAST(NULL AS DECIMAL(38, 10))"
        if fixed.value is None
        else f"CAST({_decimal(fixed.value.amount)} AS DECIMAL(38, 10))",
        "vp_currency": _text(None if fixed.value is None else fixed.value.currency),
        "vp_purpose": _text(fixed.purpose),
        "vp_decided": _day(fixed.decision_date),
    }
    for name, i in compiler.facts.items():
        out[f"vp_f{i}"] = _text(_cell(fixed.facts.get(name)))
    for name, i in compiler.checked.items():
        out[f"vp_x{i}"] = _text(_cell(fixed.facts.get(name)))
    if d.name != "duckdb":
        out = {k: v.replace("DECIMAL(38, 10)", "numeric") for k, v in out.items()}
    return out


def _cell(value: object) -> str | None:
    """A fact's value as a table's cell states it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _text(value: str | None) -> str:
    return "CAST(NULL AS VARCHAR)" if value is None else literal(value)


def _day(value: dt.date | None) -> str:
    return "CAST(NULL AS DATE)" if value is None else _date(value)


def _expand(expr: str, steps: dict[str, str], done: dict[str, str]) -> str:
    """``expr`` with every step's name replaced by its expression, itself expanded."""

    def one(match: re.Match[str]) -> str:
        token = match.group(0)
        if token not in steps:
            return token
        found = done.get(token)
        if found is None:
            found = done[token] = "(" + _expand(steps[token], steps, done) + ")"
        return found

    return _TOKEN.sub(one, expr)
