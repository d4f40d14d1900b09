"""The values that describe a rule pack: its sources and the facts a purchase must state."""

from __future__ import annotations

import datetime as dt
import difflib
import enum
from collections.abc import Iterable, Mapping
from typing import Any

from attrs import field, frozen

from vendorpolicy._checks import (
    check_id,
    id_validator,
    instances_of,
    optional_date_validator,
    text_validator,
    tick,
    tuple_of,
)
from vendorpolicy._model import FactValue, Purchase, to_enum
from vendorpolicy._predicates import (
    BuyerDesignated,
    FactIn,
    Predicate,
    PurposeIn,
    VendorDesignated,
)
from vendorpolicy._rules import RuleSet
from vendorpolicy.errors import InvalidValueError, PredicateTypeError, VendorPolicyError

__all__ = ["Confidence", "FactSpec", "PackInfo", "Source", "facts_read"]


class Confidence(enum.Enum):
    """How well the library's research notes support a source's facts."""

    #: The fact was read in the document itself, or in a faithful copy of it.
    CONFIRMED = "confirmed"
    #: A reliable secondary source reports it; the primary document was not read.
    PARTLY_CONFIRMED = "partly-confirmed"
    #: It could not be verified; the pack says what was found instead.
    UNCONFIRMED = "unconfirmed"

    def __repr__(self) -> str:
        return f"Confidence.{self.name}"


def _confidence(value: object) -> Any:
    return to_enum(Confidence, value, "Source.confidence")


@frozen(kw_only=True)
class Source:
    """A public document a pack's rules rest on."""

    title: str = field(validator=text_validator)
    issuer: str = field(validator=text_validator)
    date: dt.date | None = field(default=None, validator=optional_date_validator)
    url: str = field(default="", validator=text_validator)
    confidence: Confidence = field(default=Confidence.CONFIRMED, converter=_confidence)
    #: What the source supports and what it does not.
    note: str = field(default="", validator=text_validator)

    def render(self) -> str:
        """One line: title, issuer, date, address and, unless confirmed, the confidence."""
        parts = [self.title, self.issuer]
        if self.date is not None:
            parts.append(self.date.isoformat())
        text = ", ".join(p for p in parts if p)
        if self.url:
            text += f", {self.url}"
        if self.confidence is not Confidence.CONFIRMED:
            text += f" ({self.confidence.value.replace('-', ' ')})"
        return text

    def __str__(self) -> str:
        return self.render()


class FactLocation(enum.Enum):
    """Where a purchase states a fact."""

    #: ``Purchase.facts[name]``.
    FACTS = "facts"
    #: ``Purchase.purpose``.
    PURPOSE = "purpose"
    #: ``Component.facts[name]`` of each declared component.
    COMPONENT = "component"


def _location(value: object) -> Any:
    return to_enum(FactLocation, value, "FactSpec.location")


def _fact_values(value: object) -> Any:
    def check(item: object, path: str) -> FactValue:
        if not isinstance(item, (str, bool)):
            raise PredicateTypeError(
                f"fact values are text or booleans, got {tick(item)}", path=path
            )
        return item

    return tuple_of(value, "FactSpec.values", check)


@frozen(kw_only=True)
class FactSpec:
    """A fact a pack's rules read: its name, the values it may take and what they mean.

    ``open`` vocabularies accept any value; the listed ones are those the rules act on (a
    purpose, say: any other purpose means "none of these").
    """

    name: str = field(validator=id_validator)
    values: tuple[FactValue, ...] = field(converter=_fact_values)
    meaning: str = field(validator=text_validator)
    location: FactLocation = field(default=FactLocation.FACTS, converter=_location)
    open: bool = False

    def accepts(self, value: FactValue) -> bool:
        """Whether ``value`` belongs to the vocabulary."""
        if self.open:
            return isinstance(value, str)
        return any(type(v) is type(value) and v == value for v in self.values)


def _sources(value: object) -> Any:
    return instances_of(Source, value, "PackInfo.sources")


def _specs(value: object) -> Any:
    return instances_of(FactSpec, value, "PackInfo.facts")


@frozen(kw_only=True)
class PackInfo:
    """What a rule pack is: the regime, who it binds, its sources and its fact vocabulary."""

    name: str = field(validator=id_validator)
    title: str = field(validator=text_validator)
    #: ISO 3166-1 alpha-2 code, or ``EU``.
    jurisdiction: str = field(validator=text_validator)
    #: Who the regime binds, in a sentence.
    binds: str = field(validator=text_validator)
    #: Whether the regime is law, guidance, or both, and how the pack reflects it.
    force: str = field(validator=text_validator)
    summary: str = field(validator=text_validator)
    sources: tuple[Source, ...] = field(converter=_sources)
    facts: tuple[FactSpec, ...] = field(converter=_specs)
    #: Designation ids the rules read (lists in the bundled registry).
    designations: tuple[str, ...] = ()
    rule_count: int = 0
    version: str = field(default="", validator=text_validator)
    #: The first date any rule is in force.
    effective: dt.date | None = field(default=None, validator=optional_date_validator)

    def fact(self, name: str) -> FactSpec:
        """The vocabulary entry for ``name``; raises :class:`KeyError` if there is none."""
        for spec in self.facts:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def check(self, purchase: Purchase) -> tuple[VendorPolicyError, ...]:
        """The facts ``purchase`` states that are not in this pack's vocabulary, each as an
        error with its path. Facts the pack needs but the purchase does not state are not
        problems here: they make the decision unknown (see ``Decision.missing_facts``)."""
        if not isinstance(purchase, Purchase):
            raise PredicateTypeError(
                f"expected a Purchase, got {type(purchase).__name__} {tick(purchase)}",
                path=f"packs.check({self.name!r})",
            )
        problems: list[VendorPolicyError] = []
        by_location: dict[FactLocation, dict[str, FactSpec]] = {loc: {} for loc in FactLocation}
        for spec in self.facts:
            by_location[spec.location][spec.name] = spec
        problems.extend(self._check_facts(purchase.facts, "Purchase.facts", by_location))
        for i, part in enumerate(purchase.components or ()):
            problems.extend(
                self._check_facts(part.facts, f"Purchase.components[{i}].facts", by_location)
            )
        purpose = by_location[FactLocation.PURPOSE].get("purpose")
        if (
            purchase.purpose is not None
            and purpose is not None
            and not purpose.accepts(purchase.purpose)
        ):
            problems.append(_bad_value(self.name, purpose, purchase.purpose, "Purchase.purpose"))
        return tuple(problems)

    def _check_facts(
        self,
        facts: Mapping[str, FactValue],
        path: str,
        by_location: Mapping[FactLocation, Mapping[str, FactSpec]],
    ) -> list[VendorPolicyError]:
        own = by_location[FactLocation.FACTS]
        parts = by_location[FactLocation.COMPONENT]
        # A component's facts are read before the purchase's, so either kind may appear in both.
        known = {**own, **parts}
        out: list[VendorPolicyError] = []
        for name, value in facts.items():
            where = f"{path}[{name!r}]"
            spec = known.get(name)
            if spec is None:
                close = difflib.get_close_matches(name, list(known), n=1)
                out.append(
                    InvalidValueError(
                        f"fact {tick(name)} is not in the vocabulary of pack `{self.name}`",
                        path=where,
                        hint=f"did you mean `{close[0]}`?"
                        if close
                        else "remove it if it is meant for another pack",
                    )
                )
            elif not spec.accepts(value):
                out.append(_bad_value(self.name, spec, value, where))
        return out


def _bad_value(pack: str, spec: FactSpec, value: FactValue, path: str) -> InvalidValueError:
    shown = str(value).lower() if isinstance(value, bool) else value
    choices = ", ".join(f"`{str(v).lower() if isinstance(v, bool) else v}`" for v in spec.values)
    return InvalidValueError(
        f"fact `{spec.name}` has no value {tick(shown)} in pack `{pack}`",
        path=path,
        hint=f"one of {choices}",
    )


def facts_read(rule_set: RuleSet) -> dict[str, frozenset[FactValue]]:
    """Every fact the rule set's conditions read, with the values they compare it with; the
    purpose appears as ``purpose``."""
    out: dict[str, set[FactValue]] = {}
    for node in _nodes(rule_set):
        if isinstance(node, FactIn):
            out.setdefault(node.name, set()).update(node.values)
        elif isinstance(node, PurposeIn):
            out.setdefault("purpose", set()).update(node.purposes)
    return {name: frozenset(values) for name, values in out.items()}


def designations_read(rule_set: RuleSet) -> tuple[str, ...]:
    """Every designation id the rule set's conditions read, sorted."""
    found: set[str] = set()
    for node in _nodes(rule_set):
        if isinstance(node, (VendorDesignated, BuyerDesignated)):
            found.update(node.designations)
    return tuple(sorted(found))


def _nodes(rule_set: RuleSet) -> Iterable[Predicate]:
    for layer in rule_set.layers():
        for rule in layer.rules:
            roots = [rule.when, *(c.when for c in rule.cases)]
            if rule.unless is not None:
                roots.append(rule.unless)
            for root in roots:
                yield from root.walk()


def check_name(value: object, names: Iterable[str]) -> str:
    """A known pack name, or an error naming the closest."""
    name = check_id(value, "packs.load(name)")
    choices = list(names)
    if name not in choices:
        close = difflib.get_close_matches(name, choices, n=1)
        raise InvalidValueError(
            f"unknown rule pack {tick(name)}",
            path="packs.load(name)",
            hint=f"did you mean `{close[0]}`?" if close else f"one of {', '.join(choices)}",
        )
    return name
