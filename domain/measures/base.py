"""What every measure shares: kinds, status, the spec each measure module fills in.

A measure module imports this base and nothing of the catalogue, so the measures form no
circle: it reads a measure through `Measure` (which `MeasureState` satisfies) and declares
its rules in its `SPEC`. `domain.measures` assembles the catalogue, the unions and the state
from the specs; the cross-cutting rules (obligations, payments, indicators, labels) loop over it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, NamedTuple, Protocol, TypeVar

from pydantic import Field

from domain.errors import AlreadyRecorded
from domain.limits import Limits
from domain.payments.events import PaymentRequested
from domain.payments.ledger import PaymentKind
from domain.payments.state import PaymentState
from domain.policy import Deadlines, PaymentTerms
from domain.values import Actor, Frozen, Household, WorkPackage

Hours = Annotated[int, Field(ge=1, le=400)]
P = TypeVar("P", bound=Frozen)
D = TypeVar("D", bound=Frozen)


class MeasureKind(StrEnum):
    SKILLS_ASSESSMENT = "skills_assessment"
    TITLE_RECOGNITION = "title_recognition"
    TRAINING_COURSE = "training_course"
    WORK_GRANT = "work_grant"
    CHILDCARE = "childcare"
    MOBILITY = "mobility"
    SELF_EMPLOYMENT_ORIENTATION = "self_employment_orientation"
    HOUSING_PLACEMENT = "housing_placement"
    ECONOMIC_SUPPORT = "economic_support"
    SOCIAL_EVENT = "social_event"
    ASSOCIATION_MEMBERSHIP = "association_membership"
    SCHOOL_SUPPORT = "school_support"


class MeasureStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Measure(Protocol):
    """What a measure's rules read of one measure (`domain.measures.MeasureState` is one)."""

    @property
    def measure_id(self) -> str: ...
    @property
    def kind(self) -> MeasureKind: ...
    @property
    def status(self) -> MeasureStatus: ...
    @property
    def details(self) -> Frozen | None: ...
    @property
    def started_on(self) -> date | None: ...
    @property
    def outcome(self) -> Frozen | None: ...
    @property
    def progress(self) -> Sequence[object]: ...

    def progress_of(self, kind: type[P]) -> list[P]: ...
    def details_as(self, kind: type[D]) -> D: ...


@dataclass(frozen=True)
class RuleContext:
    """What a measure's rules may look at: the pathway around it, the actor, the day."""

    pathway_id: str
    household: Household
    resident_since: date
    measures: Mapping[str, Measure]
    actor: Actor
    on: date
    limits: Limits
    payments: Mapping[str, PaymentState]
    deadlines: Deadlines
    """The deadlines of the policy revision that governs the plan's measures."""
    terms: PaymentTerms
    """The payment terms of the policy revision in force at the command's instant."""


StartCheck = Callable[[RuleContext, Any], None]
ProgressCheck = Callable[[RuleContext, Measure, Any], None]
CompleteCheck = Callable[[RuleContext, Measure, Any], None]
ProgressEffect = Callable[[RuleContext, Measure, Any], Sequence[PaymentRequested]]
"""What recording a step also produces, in the same append (a month's allowance)."""


def check_new_month(recorded_months: Iterable[str], month: str, what: str) -> None:
    """Monthly records (attendance, hours) come once per month."""
    if month in set(recorded_months):
        raise AlreadyRecorded(f"{what} for {month} already recorded", field="month")


def no_check(*_: object) -> None:
    """For lifecycles with nothing to check at a step."""


def no_effect(*_: object) -> Sequence[PaymentRequested]:
    """For steps that produce nothing but themselves."""
    return ()


def took_part(measure: Measure) -> bool:
    """Started, and not cancelled before any activity was recorded.

    A start cancelled with nothing recorded is taken as a mistake or a no-show: the
    beneficiary never was in the measure.
    """
    if measure.started_on is None:
        return False
    return measure.status != MeasureStatus.CANCELLED or bool(measure.progress)


# --- deadlines -------------------------------------------------------------------------------


class Owing(Protocol):
    """What a measure's deadlines may ask of the obligations being collected
    (`domain.obligations`): the day rules of the ladder, the policy, and where to add."""

    @property
    def plan_approved_at(self) -> datetime: ...
    @property
    def resident_since(self) -> date: ...

    def end_of(self, day: date) -> datetime:
        """The instant a deadline "by day D" falls due."""
        ...

    def day_start(self, day: date) -> datetime:
        """When `day` starts."""
        ...

    def deadlines_at(self, anchor: datetime) -> Deadlines:
        """The deadlines of the policy revision in force at `anchor`."""
        ...

    def add(
        self,
        obligation_id: str,
        kind: str,
        anchor: datetime,
        due: datetime,
        measure_id: str | None = None,
        *,
        shifts: bool = True,
    ) -> None:
        """Owe `kind` by `due`, its clock started at `anchor` (shifted by suspensions)."""
        ...


DeadlineRule = Callable[[Owing, Measure], None]


@dataclass(frozen=True)
class MeasureDeadlines:
    """The obligations a measure creates beside its target date, and their labels."""

    kinds: Mapping[str, str]
    """Each obligation kind it may add, with its label (an English msgid)."""
    owe: DeadlineRule
    """Adds the open obligations of one planned or active measure."""


def _owe_nothing(*_: object) -> None:
    """A measure with no deadline but its target date."""


NO_DEADLINES = MeasureDeadlines(kinds={}, owe=_owe_nothing)


# --- payments --------------------------------------------------------------------------------

TotalCheck = Callable[[Mapping[str, Measure], int, PaymentTerms], None]


def _any_total(*_: object) -> None:
    """A kind with no limit of its own but the caps and the individual budget."""


@dataclass(frozen=True)
class PaymentRule:
    """A kind of payment spent on a measure, as that measure declares it."""

    kind: PaymentKind
    label: str
    """Its name for people (an English msgid)."""
    requestable: bool = True
    """False for a kind that follows a recorded step (`MeasureSpec.on_progress`)."""
    check_total: TotalCheck = _any_total
    """Raises when the pathway's committed total of this kind, the new one included, is
    more than the measure allows (rent advances: months of the registered rent)."""
    paid_fact: str | None = None
    """The indicator fact a paid payment of this kind makes true (`domain.indicators`)."""


# --- indicators ------------------------------------------------------------------------------


class Fact(NamedTuple):
    """A fact a measure makes true; its weight is the number of distinct `counted` keys."""

    name: str
    counted: str = ""
    """What is counted once over the pathway's measures (a minor's id); one by default."""


@dataclass(frozen=True)
class IndicatorFacts:
    """The indicator facts a measure makes true (`domain.indicators.facts`)."""

    names: frozenset[str]
    """Every fact it may make true, through `of` or through its payments' `paid_fact`."""
    of: Callable[[Measure], Iterable[Fact]]


def _no_facts(_: Measure) -> Iterable[Fact]:
    return ()


NO_FACTS = IndicatorFacts(names=frozenset(), of=_no_facts)


# --- labels ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureLabels:
    """The keys of a measure's labels: English msgids, translated in web/locales."""

    name: str
    """The kind of measure, as a plan lists it."""
    steps: Mapping[str, str] = field(default_factory=dict)
    """Each progress kind as a form offers it ("Monthly attendance")."""
    recorded: Mapping[str, str] = field(default_factory=dict)
    """Each progress kind as the history shows it ("Work grant attendance")."""
    fields: Mapping[str, str] = field(default_factory=dict)
    """Its own fields as the forms call them, by field name, or by `Model.field` where the
    name is shared; names every measure has (`start_on`, `on`, `hours`) are labelled once,
    in web/pages/form_labels.py."""
    hints: Mapping[str, str] = field(default_factory=dict)
    """A line under a field of its forms, keyed as `fields`."""
    options: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """The values of its own enums, by enum (as the JSON schema names it), then by value."""

    def msgids(self) -> list[str]:
        return [
            self.name,
            *self.steps.values(),
            *self.recorded.values(),
            *self.fields.values(),
            *self.hints.values(),
            *(label for values in self.options.values() for label in values.values()),
        ]


# --- the spec --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MeasureSpec:
    """One entry of the catalogue: a measure kind and every rule it owns.

    Each part is declared by the measure's module, `NO_DEADLINES`, `()` or `NO_FACTS`
    where it has none; `tests/unit/test_measure_catalogue.py` checks them all.
    """

    kind: MeasureKind
    work_package: WorkPackage
    details: type[Frozen]
    progress: tuple[type[Frozen], ...]
    outcome: type[Frozen]
    check_start: StartCheck = no_check
    check_progress: ProgressCheck = no_check
    check_complete: CompleteCheck = no_check
    on_progress: ProgressEffect = no_effect
    plannable: bool = True
    deadlines: MeasureDeadlines
    payments: tuple[PaymentRule, ...]
    facts: IndicatorFacts
    labels: MeasureLabels

    def progress_kinds(self) -> list[str]:
        """The `kind` of each progress model, in order."""
        return [str(p.model_fields["kind"].default) for p in self.progress]
