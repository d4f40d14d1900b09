"""What name resolution reports: how a free-text name matched a registry entity, the candidates
when it did not, and the ownership paths by which designations reach the entity.

These are plain values with no behaviour beyond rendering, so that a :class:`~vendorpolicy.Decision`
can carry them without depending on the registry itself.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from attrs import field, frozen

from vendorpolicy._checks import text_validator, tick, tuple_of, type_name
from vendorpolicy._model import Purchase
from vendorpolicy.errors import InvalidValueError, PredicateTypeError

__all__ = [
    "Candidate",
    "DesignationPath",
    "Match",
    "MatchMethod",
    "PathStep",
    "RelationKind",
    "Resolution",
    "ResolvedPurchase",
]


class RelationKind(enum.Enum):
    """How an owner is linked to what it owns.

    A ``SUBSIDIARY`` is controlled by its owner (directly, or through intermediate companies the
    registry does not record). An ``AFFILIATE`` link is a tie short of control that the source
    still calls affiliation (a minority stake, a group company whose direct shareholder is not
    known). A ``JOINT_VENTURE`` is held together with others.
    """

    SUBSIDIARY = "subsidiary"
    AFFILIATE = "affiliate"
    JOINT_VENTURE = "joint-venture"

    def __repr__(self) -> str:
        return f"RelationKind.{self.name}"


class MatchMethod(enum.Enum):
    """How a free-text name was matched to registry entities, from the strongest to none.

    Only the first three identify an entity, and only when exactly one entity matches that way.
    """

    #: The text is a registry id.
    EXACT_ID = "exact-id"
    #: The text is, character for character, an entity's legal name or one of its aliases.
    EXACT_ALIAS = "exact-alias"
    #: The text's normalised form equals the normalised form of a legal name or alias.
    NORMALISED_ALIAS = "normalised-alias"
    #: Only similar names were found; they are candidates, never an identification.
    FUZZY = "fuzzy"
    #: Nothing close was found.
    NONE = "none"

    @property
    def identifies(self) -> bool:
        """Whether a unique match by this method identifies the entity."""
        return self in _IDENTIFYING

    def __repr__(self) -> str:
        return f"MatchMethod.{self.name}"


_IDENTIFYING = frozenset(
    {MatchMethod.EXACT_ID, MatchMethod.EXACT_ALIAS, MatchMethod.NORMALISED_ALIAS}
)


def _check_score(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PredicateTypeError(
            f"a score must be a number, got {type_name(value)} {tick(value)}", path=path
        )
    if not 0.0 <= value <= 1.0:
        raise InvalidValueError(f"a score lies between 0 and 1, got {tick(value)}", path=path)
    return float(value)


def _candidate_score(value: object) -> float:
    return _check_score(value, "Candidate.score")


def _match_score(value: object) -> float:
    return _check_score(value, "Match.score")


@frozen(kw_only=True)
class Candidate:
    """A registry entity a name might mean: the ``name`` (legal name or alias) that came close,
    how, and how close (``score``, 1.0 for the same normalised form)."""

    entity: str
    name: str
    method: MatchMethod
    score: float = field(converter=_candidate_score)


def _candidates(value: object) -> tuple[Candidate, ...]:
    def check(item: object, path: str) -> Candidate:
        if not isinstance(item, Candidate):
            raise PredicateTypeError(
                f"expected a Candidate, got {type_name(item)} {tick(item)}", path=path
            )
        return item

    return tuple_of(value, "Match.candidates", check)


@frozen(kw_only=True)
class Match:
    """The answer of a :class:`~vendorpolicy.Resolver` for one name.

    ``entity`` is the identified registry id, or ``None``: then ``candidates`` lists what the
    name might mean (several entities sharing the name, or similar names). A match can identify
    only by an exact id, an exact alias or a normalised alias; a fuzzy match never does, whatever
    the resolver that made it.
    """

    query: str = field(validator=text_validator)
    method: MatchMethod
    entity: str | None = None
    score: float = field(default=0.0, converter=_match_score)
    candidates: tuple[Candidate, ...] = field(default=(), converter=_candidates)

    def __attrs_post_init__(self) -> None:
        if self.entity is not None and not self.method.identifies:
            raise InvalidValueError(
                f"a {self.method.value} match cannot identify an entity (got {tick(self.entity)})",
                path="Match.entity",
                hint="give the entity as a candidate and leave `entity` None",
            )
        if self.method is MatchMethod.NONE and self.candidates:
            raise InvalidValueError(
                "a match with method `none` has no candidates", path="Match.candidates"
            )

    @property
    def identified(self) -> bool:
        """Whether the name was tied to exactly one entity."""
        return self.entity is not None

    @property
    def ambiguous(self) -> bool:
        """Whether several entities carry the name (exactly or once normalised)."""
        return self.entity is None and self.method.identifies


def _span(start: dt.date | None, end: dt.date | None) -> str:
    if start is None and end is None:
        return ""
    if end is None:
        assert start is not None
        return f" (since {start.isoformat()})"
    if start is None:
        return f" (until {end.isoformat()})"
    return f" ({start.isoformat()} … {end.isoformat()})"


_VERB = {
    RelationKind.SUBSIDIARY: "owned by",
    RelationKind.AFFILIATE: "affiliate of",
    RelationKind.JOINT_VENTURE: "joint venture of",
}


_DOWN_VERB = {
    RelationKind.SUBSIDIARY: "owner of",
    RelationKind.AFFILIATE: "holder of affiliate",
    RelationKind.JOINT_VENTURE: "partner in joint venture",
}


@frozen(kw_only=True)
class PathStep:
    """One link along an ownership path: the ``entity`` (with its ``name``) that owns the
    previous one, by a relation of ``kind`` valid from ``valid_from`` to ``valid_until``
    (inclusive). ``down`` is set for a step the other way, to an entity the previous one owns:
    a designation that reaches a whole group climbs to a controlling owner, then comes down."""

    entity: str
    name: str
    kind: RelationKind
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    share: Decimal | None = None
    down: bool = False

    def render(self) -> str:
        """``owned by Name (2018-02-06 … 2022-11-23)``, or ``owner of Name`` down."""
        verb = (_DOWN_VERB if self.down else _VERB)[self.kind]
        return f"{verb} {self.name}{_span(self.valid_from, self.valid_until)}"


@frozen(kw_only=True)
class DesignationPath:
    """How a designation reaches an entity on a date: from ``start`` along the ``steps`` (up,
    then for a designation that reaches the listed entity's group, down from a controlling
    owner) to the entity listed, which was put on the list ``designation`` on ``listed_on``.

    ``steps`` is empty when the entity itself is listed.
    """

    designation: str
    start: str
    start_name: str
    steps: tuple[PathStep, ...] = ()
    listed_on: dt.date | None = None
    source: str = ""

    @property
    def listed(self) -> str:
        """The id of the entity on the list."""
        return self.steps[-1].entity if self.steps else self.start

    def render(self) -> str:
        """``Lorex Technology Inc. → owned by … (2018-02-06 … 2022-11-23) → designated X``."""
        parts = [self.start_name, *(s.render() for s in self.steps)]
        since = f" (listed {self.listed_on.isoformat()})" if self.listed_on else ""
        parts.append(f"designated {self.designation}{since}")
        return " → ".join(parts)


@frozen(kw_only=True)
class Resolution:
    """How one name on a purchase was resolved against a registry.

    ``subject`` says which vendor it was (``vendor`` or ``components[1].vendor``), ``query`` the
    text on the paperwork, ``match`` the resolver's answer. ``entity`` and ``name`` are the
    identified entity, set only when the purchase's vendor was filled in from the registry;
    ``designations`` lists every designation that reaches it on the date, with its path. ``note``
    says why an identified name still left the vendor unknown (e.g. no date was given and the
    entity's owners or listings changed over time) or how a given vendor was treated.

    ``missing_facts`` names the facts whose absence left an identified vendor unknown
    (``purchase.date`` when the entity's owners or listings change over time): a decision that
    is unknown because of this vendor lists them among its own missing facts. ``conflict`` is
    set when the facts given about the vendor point at different entities (its id and the
    supplier name, or its stated parent and the registry's owners): the vendor is then unknown,
    and ``match.candidates`` holds the entities in conflict.

    ``settled`` is set on an ambiguous name (several entities carry it) whose candidates all
    give the same certain decision: the decision is then made (not escalated) and ``note`` says
    why the ambiguity did not matter. The name is still not identified.
    """

    subject: str
    query: str
    match: Match
    registry: str
    as_of: dt.date | None
    entity: str | None = None
    name: str = ""
    designations: tuple[DesignationPath, ...] = ()
    note: str = ""
    missing_facts: tuple[str, ...] = ()
    conflict: bool = False
    settled: bool = False

    @property
    def identified(self) -> bool:
        """Whether the vendor was filled in from the registry."""
        return self.entity is not None

    def render(self) -> list[str]:
        """Readable lines: the match, then candidates or designation paths."""
        m = self.match
        head = f"{self.subject}: {self.query!r}"
        if self.entity is not None:
            lines = [
                f"{head} -> {self.entity} ({self.name}) by {m.method.value}, score {m.score:.2f}"
            ]
        elif m.entity is not None:
            lines = [f"{head} -> {m.entity} by {m.method.value}, but not used: {self.note}"]
        else:
            if self.conflict:
                why = f"conflict: {self.note}"
            elif m.ambiguous and self.settled:
                why = f"ambiguous, {self.note}"
            elif m.ambiguous:
                why = "ambiguous"
            else:
                why = "no close name" if m.method is MatchMethod.NONE else "only similar names"
            lines = [f"{head} -> not identified ({why})"]
            lines.extend(
                f"    candidate: {c.entity} {c.name!r} ({c.method.value}, score {c.score:.2f})"
                for c in m.candidates
            )
        lines.extend(f"    {p.render()}" for p in self.designations)
        return lines

    def summary(self) -> list[str]:
        """The lines of :meth:`render` without their indentation, for one-line records."""
        return [" ".join(line.split()) for line in self.render()]


@frozen(kw_only=True)
class ResolvedPurchase:
    """A purchase with its named vendors identified from a registry, and how each name resolved."""

    purchase: Purchase
    resolutions: tuple[Resolution, ...]
