"""The values that describe a rule pack: its sources and the facts a purchase must state.

A pack's fact vocabulary (``PackInfo.facts``) is a tuple of :class:`FactSpec`, the same
declarations a rule set's :class:`Vocabulary` holds; ``PackInfo.vocabulary`` adds the bundled
category tree, and every pack's rule set declares it (``vendorpolicy._packs.build``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
from collections.abc import Iterable, Mapping
from typing import Any

from attrs import field, frozen

from vendorpolicy._checks import (
    check_buyer_country,
    check_id,
    frozen_set_of,
    id_validator,
    instances_of,
    optional_date_validator,
    text_validator,
    tick,
)
from vendorpolicy._model import Buyer, FactValue, Purchase, Sector, to_enum
from vendorpolicy._predicates import (
    BuyerDesignated,
    FactIn,
    FactOnOrAfter,
    FactOnOrAfterDecision,
    FactOnOrBeforeDecision,
    Predicate,
    PurposeIn,
    VendorDesignated,
)
from vendorpolicy._rules import RuleSet
from vendorpolicy._vocabulary import FactLocation, FactSpec, Vocabulary, bundled_vocabulary
from vendorpolicy.errors import InvalidValueError, PredicateTypeError, VendorPolicyError

__all__ = ["Confidence", "FactLocation", "FactSpec", "PackInfo", "Reach", "Source", "facts_read"]


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


def _reach_countries(value: object) -> Any:
    if value is None:
        return None
    return frozen_set_of(value, "Reach.countries", check_buyer_country, nonempty=True)


def _reach_sectors(value: object) -> Any:
    if value is None:
        return None
    if isinstance(value, (str, Sector)):
        value = [value]
    return frozen_set_of(
        value, "Reach.sectors", lambda v, path: to_enum(Sector, v, path), nonempty=True
    )


def _reach_funding(value: object) -> Any:
    if isinstance(value, str):
        value = [value]
    return frozen_set_of(value, "Reach.funding", check_id)


def _reach_facts(value: object) -> Any:
    if isinstance(value, tuple) and all(isinstance(i, tuple) and len(i) == 2 for i in value):
        value = dict(value)  # the stored form, as `attrs.evolve` passes it back
    if not isinstance(value, Mapping):
        raise PredicateTypeError(
            f"expected a mapping of fact names to values, got {type(value).__name__} {tick(value)}",
            path="Reach.facts",
        )
    out = []
    for name, values in sorted(value.items(), key=lambda item: str(item[0])):
        path = f"Reach.facts[{name!r}]"
        check_id(name, "Reach.facts")
        if isinstance(values, str | bool):
            values = [values]  # noqa: PLW2901 - one value for a set of one
        out.append((name, frozen_set_of(values, path, _reach_fact_value, nonempty=True)))
    return tuple(out)


def _reach_fact_value(value: object, path: str) -> str | bool:
    """A value a reach's fact may take: ``true`` or ``false`` (for a fact such as a
    designation the buyer states), or text, as a fact's identifier."""
    if isinstance(value, bool):
        return value
    return check_id(value, path)


def _stated_in(value: object, values: frozenset[str | bool]) -> bool:
    """Whether a stated fact ``value`` is one of a reach's ``values``: a boolean only as that
    boolean (never ``1`` for ``true``), text only as that text."""
    if isinstance(value, bool):
        return any(v is value for v in values)
    return isinstance(value, str) and value in values


def _optional_bool(instance: object, attribute: Any, value: object) -> None:
    if value is not None and not isinstance(value, bool):
        raise PredicateTypeError(
            f"expected true, false or None, got {type(value).__name__} {tick(value)}",
            path=f"Reach.{attribute.name}",
        )


@frozen(kw_only=True)
class Reach:
    """One class of buyer a regime binds, as its sources say: buyers in ``countries``
    (``None``: any country), public or private (``public``; ``None``: either), of ``sectors``
    (``None``: any), and, for a reach that comes through the money spent, only when the purchase
    states one of ``funding`` (values of its ``funding`` fact; empty: whatever the funding);
    for a reach that comes through what the buyer says it is, only when the purchase states,
    for each fact of ``facts`` (pairs of a fact name and its values, text or booleans), one of
    its values.

    A buyer whose country is not stated is within every country's reach: the packs assume their
    own jurisdiction. ``summary`` says the reach in words, ``source`` where it comes from.
    """

    summary: str = field(validator=text_validator)
    countries: frozenset[str] | None = field(default=None, converter=_reach_countries)
    public: bool | None = field(default=None, validator=_optional_bool)
    sectors: frozenset[Sector] | None = field(default=None, converter=_reach_sectors)
    funding: frozenset[str] = field(default=frozenset(), converter=_reach_funding)
    facts: tuple[tuple[str, frozenset[str | bool]], ...] = field(
        factory=dict, converter=_reach_facts
    )
    source: str = field(default="", validator=text_validator)

    def reaches(
        self,
        buyer: Buyer,
        *,
        funding: str | None = None,
        facts: Mapping[str, FactValue] | None = None,
    ) -> bool:
        """Whether this reach covers ``buyer`` (paying with ``funding``, and stating ``facts``,
        the purchase's, when they are given)."""
        if not isinstance(buyer, Buyer):
            raise PredicateTypeError(
                f"expected a Buyer, got {type(buyer).__name__} {tick(buyer)}",
                path="Reach.reaches(buyer)",
            )
        if self.countries is not None and buyer.country not in (None, *self.countries):
            return False
        if self.public is not None and buyer.public is not self.public:
            return False
        if self.sectors is not None and buyer.sector not in self.sectors:
            return False
        stated = facts if facts is not None else {}
        if not all(_stated_in(stated.get(name), values) for name, values in self.facts):
            return False
        return not self.funding or funding in self.funding


def _reaches(value: object) -> Any:
    return instances_of(Reach, value, "PackInfo.reach")


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
    #: Whom the regime binds, in data: a buyer is within the pack's reach when one of these
    #: reaches it (see :func:`vendorpolicy.packs.applicable`).
    reach: tuple[Reach, ...] = field(default=(), converter=_reaches)

    def reaches(
        self,
        buyer: Buyer,
        *,
        funding: str | None = None,
        facts: Mapping[str, FactValue] | None = None,
    ) -> bool:
        """Whether the regime binds ``buyer`` (paying with ``funding``, and stating ``facts``,
        when they are given): one of :attr:`reach` covers it."""
        return any(r.reaches(buyer, funding=funding, facts=facts) for r in self.reach)

    def fact(self, name: str) -> FactSpec:
        """The vocabulary entry for ``name``; raises :class:`KeyError` if there is none."""
        for spec in self.facts:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def vocabulary(self) -> Vocabulary:
        """The vocabulary the pack's rule set declares: its facts and the bundled category
        tree (see :func:`vendorpolicy.bundled_vocabulary`)."""
        return Vocabulary(categories=bundled_vocabulary().categories, facts=self.facts)

    def check(self, purchase: Purchase) -> tuple[VendorPolicyError, ...]:
        """The facts and categories ``purchase`` states that are not in this pack's vocabulary,
        or with values outside it, each as an error with its path. Facts the pack needs but the
        purchase does not state are not problems here: they make the decision unknown (see
        ``Decision.missing_facts``). Evaluating the pack runs the same check."""
        from vendorpolicy._vocabcheck import vocabulary_problems  # noqa: PLC0415 - cycle

        if not isinstance(purchase, Purchase):
            raise PredicateTypeError(
                f"expected a Purchase, got {type(purchase).__name__} {tick(purchase)}",
                path=f"packs.check({self.name!r})",
            )
        return vocabulary_problems(self.vocabulary, purchase, label=f"pack `{self.name}`")


def facts_read(rule_set: RuleSet) -> dict[str, frozenset[FactValue]]:
    """Every fact the rule set's conditions read, with the values they compare it with; the
    purpose appears as ``purpose``, and a fact read as a date with no values."""
    out: dict[str, set[FactValue]] = {}
    for node in _nodes(rule_set):
        if isinstance(node, FactIn):
            out.setdefault(node.name, set()).update(node.values)
        elif isinstance(node, (FactOnOrAfter, FactOnOrAfterDecision, FactOnOrBeforeDecision)):
            out.setdefault(node.name, set())
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
