"""Decisions: what the engine returns, with everything an auditor needs to retrace it."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from attrs import field, frozen

from vendorpolicy._model import Effect, Purchase
from vendorpolicy._resolution import Resolution
from vendorpolicy._trace import Trace

__all__ = ["Basis", "Decision", "Evaluated", "LayerOutcome", "RuleResult", "RuleStatus"]


class Basis(enum.Enum):
    """Why a decision came out as it did."""

    #: Rules that surely apply decided it.
    RULES = "rules"
    #: No rule applied; the rule set's default decided it.
    DEFAULT = "default"
    #: Facts were missing or a rule failed; the decision was escalated (at most to the rule
    #: set's ``on_unknown``) because it could not be settled.
    UNKNOWN = "unknown"

    def __repr__(self) -> str:
        return f"Basis.{self.name}"


class RuleStatus(enum.Enum):
    """How one rule came out on one purchase."""

    APPLIES = "applies"
    #: The condition was false.
    NOT_APPLICABLE = "not-applicable"
    #: The condition was true but the rule's ``unless`` exception held.
    EXCEPTED = "excepted"
    #: The decision date lies outside the rule's window.
    NOT_IN_FORCE = "not-in-force"
    #: Facts needed to tell were missing, or the rule failed to evaluate.
    UNKNOWN = "unknown"

    def __repr__(self) -> str:
        return f"RuleStatus.{self.name}"


@frozen(kw_only=True)
class RuleResult:
    """One rule's outcome, with its traces.

    ``effect`` is the effect the rule gives when it surely applies with one effect; otherwise
    ``None``, and ``possible_effects`` lists what it might give.

    ``reason`` says why the rule gives its effect: the reason of the case that decided it
    (``case``, its index in the rule's cases), when a case did and gives one, else the rule's
    own reason, which ``rule_reason`` always holds.
    """

    rule_set: str
    rule: str
    status: RuleStatus
    effect: Effect | None
    possible_effects: tuple[Effect, ...]
    reason: str = ""
    rule_reason: str = ""
    #: The index of the case that surely decided the rule's effect, if one did.
    case: int | None = None
    source: str = ""
    obligations: tuple[str, ...] = ()
    condition: Trace | None = None
    exception: Trace | None = None
    cases: tuple[Trace, ...] = ()
    missing_facts: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """``rule_set/rule``: unique among the rules of a decision."""
        return f"{self.rule_set}/{self.rule}"


@frozen(kw_only=True)
class LayerOutcome:
    """The decision of one rule set in a composition, before the layers are combined."""

    rule_set: str
    version: str
    effect: Effect
    basis: Basis


@frozen(kw_only=True)
class Evaluated:
    """What a decision was made on, for its audit record (see ``vendorpolicy._audit``): the
    purchase as it was handed to the engine and the registry names were resolved against.

    A decision read back from a record holds what the record says instead: the purchase when
    the record carries it, else only its digest, and the library version that wrote it.
    """

    purchase: Purchase | None = None
    registry_id: str | None = None
    registry_version: str | None = None
    #: Set when read back from a record without the purchase (else computed from ``purchase``).
    purchase_digest: str | None = None
    #: Set when read back from a record (else this library's version).
    library_version: str | None = None


@frozen(kw_only=True)
class Decision:
    """The engine's answer for one purchase. A value, never an exception.

    ``basis`` tells apart a decision made by rules, one where no rule applied, and one escalated
    because facts were unknown. ``results`` holds every rule's outcome with its trace;
    ``determining`` the rules that decided. ``resolutions`` says, when the purchase was evaluated
    against a registry, which entity each free-text name resolved to, how, and by which ownership
    path designations reached it. ``errors`` also lists the purchase's facts outside the rule
    set's vocabulary when they were read as unknown (``outside_vocabulary="escalate"``), and
    ``warnings`` the near misses of known values of open facts.
    """

    effect: Effect
    basis: Basis
    rule_set: str
    version: str
    digest: str
    as_of: dt.date | None
    purchase_id: str
    determining_keys: tuple[str, ...]
    obligations: tuple[str, ...]
    missing_facts: tuple[str, ...]
    errors: tuple[str, ...]
    results: tuple[RuleResult, ...]
    layers: tuple[LayerOutcome, ...]
    #: How each supplier or maker name was resolved against a registry, when one was given.
    resolutions: tuple[Resolution, ...] = ()
    #: Stated values close to, but not, a known value of an open fact (``public-safety.``):
    #: the rules read them as they are, which may not be what was meant.
    warnings: tuple[str, ...] = ()
    #: What the decision was made on, for the audit record; not part of the decision's value
    #: (left out of equality, hashing and ``repr``).
    evaluated: Evaluated | None = field(default=None, eq=False, repr=False)

    @property
    def determining(self) -> tuple[RuleResult, ...]:
        """The rules that decided, with their reasons and sources."""
        by_key = {r.key: r for r in self.results}
        return tuple(by_key[k] for k in self.determining_keys)

    @property
    def matched(self) -> tuple[RuleResult, ...]:
        """Every rule that surely applies."""
        return tuple(r for r in self.results if r.status is RuleStatus.APPLIES)

    @property
    def unknown(self) -> tuple[RuleResult, ...]:
        """Every rule that might apply but could not be settled."""
        return tuple(r for r in self.results if r.status is RuleStatus.UNKNOWN)

    @property
    def allowed(self) -> bool:
        """Whether the purchase may go ahead as it is: the effect is ``ALLOW`` or ``WARN``."""
        return self.effect <= Effect.WARN

    def to_dict(self, *, include_purchase: bool = False) -> dict[str, Any]:
        """The audit record as plain data (JSON types only): see ``docs/evaluation.md``."""
        from vendorpolicy._audit import decision_record  # noqa: PLC0415 - cycle

        return decision_record(self, include_purchase=include_purchase)

    def to_json(self, *, indent: int | None = None, include_purchase: bool = False) -> str:
        """The audit record as JSON, keys sorted; with ``include_purchase``, the purchase too."""
        import json  # noqa: PLC0415 - kept off the import path

        return json.dumps(
            self.to_dict(include_purchase=include_purchase),
            indent=indent,
            sort_keys=True,
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str | bytes, *, customs: Any = ()) -> Decision:
        """A decision read back from its audit record (as :meth:`to_json` writes it), for audit
        replay. ``customs`` are the custom predicates the rules used, by name or as a list.
        An unreadable record raises :class:`~vendorpolicy.errors.AuditRecordError`."""
        from vendorpolicy._audit import decision_from_json  # noqa: PLC0415 - cycle

        return decision_from_json(text, customs=customs)

    @classmethod
    def from_dict(cls, data: Any, *, customs: Any = ()) -> Decision:
        """A decision from the plain data of its audit record (see :meth:`from_json`)."""
        from vendorpolicy._audit import decision_from_record  # noqa: PLC0415 - cycle

        return decision_from_record(data, customs=customs)

    def explain(self) -> str:
        """A readable account: the decision, the rules that decided, and the facts they read."""
        from vendorpolicy._explain import explain  # noqa: PLC0415 - cycle

        return explain(self)
