"""The spec each measure module fills in: every rule a measure owns, in one value.

Its checks (`domain.measures.base`), its deadlines, its payment kinds and their side
effects, its indicator facts and the keys of its labels. The cross-cutting rules loop over
the catalogue of specs (`domain.measures.CATALOGUE`): obligations, payments (through the
decider), indicators and the pages' labels. docs/adding-a-measure.md walks through one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple, Protocol

from domain.measures.base import (
    CompleteCheck,
    Details,
    Measure,
    Outcome,
    Progress,
    ProgressCheck,
    ProgressEffect,
    StartCheck,
    no_check,
    no_effect,
)
from domain.payments.ledger import PaymentKind
from domain.policy import Deadlines, PaymentTerms
from domain.values import WorkPackage

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
        """Every msgid declared here, each to be translated in web/locales."""
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
    where it has none; `tests/unit/test_measure_catalogue.py` checks them all. The kind is
    the `kind` literal of its details, so it is written once.
    """

    work_package: WorkPackage
    details: type[Details]
    progress: tuple[type[Progress], ...]
    outcome: type[Outcome]
    check_start: StartCheck = no_check
    check_progress: ProgressCheck = no_check
    check_complete: CompleteCheck = no_check
    on_progress: ProgressEffect = no_effect
    plannable: bool = True
    partner_records: frozenset[str] = frozenset()
    """The progress kinds a partner contact linked to the measure may record itself
    (`domain.partner_records.recording`); none by default."""
    deadlines: MeasureDeadlines
    payments: tuple[PaymentRule, ...]
    facts: IndicatorFacts
    labels: MeasureLabels

    @property
    def kind(self) -> str:
        """The measure kind: the `kind` its details (and its outcome) are tagged with."""
        return str(self.details.model_fields["kind"].default)

    def progress_kinds(self) -> list[str]:
        """The `kind` of each progress model, in order."""
        return [str(p.model_fields["kind"].default) for p in self.progress]
