"""The decisions on one measure of the plan: start it, record a step of it, complete it.

`decide` dispatches `StartMeasure`, `RecordMeasureProgress` and `CompleteMeasure` here; the
measure's own rules (`domain.measures`) check each against the pathway around it. The other
commands on a measure (a cancellation, a payment, a corrected attendance) find it and that
context here too.
"""

from __future__ import annotations

from datetime import date, datetime

from domain import errors
from domain.commands import CompleteMeasure, RecordMeasureProgress, StartMeasure
from domain.events import Event, MeasureCompleted, MeasureProgressRecorded, MeasureStarted
from domain.limits import Limits
from domain.measures import (
    CATALOGUE,
    PAYMENT_RULES,
    MeasureState,
    MeasureStatus,
    spec_for_progress,
)
from domain.measures.base import RuleContext
from domain.payments import rules as payments
from domain.payments.ledger import PaymentKind
from domain.policy import PaymentTerms
from domain.state import PathwayState
from domain.values import Actor


def measure_in(state: PathwayState, measure_id: str, *statuses: MeasureStatus) -> MeasureState:
    """The measure `measure_id` of the approved plan, which must be in one of `statuses`.

    Raises:
        MeasureNotFound: the plan has no such measure.
        MeasureStatusInvalid: the measure is in another status.
    """
    measure = state.measures.get(measure_id)
    if measure is None:
        raise errors.MeasureNotFound(
            f"no measure {measure_id} in the approved plan", field="measure_id"
        )
    if measure.status not in statuses:
        raise errors.MeasureStatusInvalid(
            f"measure {measure_id} is {measure.status}", field="measure_id"
        )
    return measure


def payment_limits(state: PathwayState) -> payments.TotalCheck:
    """The limit each kind of payment has on this pathway, as its measure declares it."""

    def check_total(kind: PaymentKind, total: int, terms: PaymentTerms) -> None:
        PAYMENT_RULES[kind].check_total(state.measures, total, terms)

    return check_total


def rule_context(
    state: PathwayState, actor: Actor, occurred: datetime, on: date, limits: Limits
) -> RuleContext:
    """What a measure's rules see of the pathway around it, at the command's instant."""
    assert state.pathway_id is not None
    assert state.resident_since is not None and state.plan is not None
    return RuleContext(
        pathway_id=state.pathway_id,
        household=state.household,
        resident_since=state.resident_since,
        measures=state.measures,
        actor=actor,
        on=on,
        limits=limits,
        payments=state.payments,
        deadlines=state.policy.revision_at(state.plan.approved_at).deadlines,
        terms=payments.terms_at(state, occurred),
    )


def start_measure(
    state: PathwayState,
    command: StartMeasure,
    actor: Actor,
    occurred: datetime,
    on: date,
    limits: Limits,
) -> list[Event]:
    """`MeasureStarted` for a planned measure whose details its kind accepts."""
    measure = measure_in(state, command.measure_id, MeasureStatus.PLANNED)
    if command.details.kind != measure.kind:
        raise errors.MeasureKindMismatch(
            f"measure {measure.measure_id} is a {measure.kind}", field="details"
        )
    CATALOGUE[measure.kind].check_start(
        rule_context(state, actor, occurred, on, limits), command.details
    )
    return [MeasureStarted(measure_id=measure.measure_id, details=command.details)]


def record_progress(
    state: PathwayState,
    command: RecordMeasureProgress,
    actor: Actor,
    occurred: datetime,
    on: date,
    limits: Limits,
) -> list[Event]:
    """`MeasureProgressRecorded` for a step of an active measure, and what the step produces."""
    measure = measure_in(state, command.measure_id, MeasureStatus.ACTIVE)
    spec = spec_for_progress(command.progress.kind)
    if spec.kind != measure.kind:
        raise errors.MeasureKindMismatch(
            f"{command.progress.kind} is not a step of a {measure.kind}", field="progress"
        )
    context = rule_context(state, actor, occurred, on, limits)
    spec.check_progress(context, measure, command.progress)
    # What the step also produces (a month's allowance) is recorded with it: one fact, one append.
    return [
        MeasureProgressRecorded(measure_id=measure.measure_id, progress=command.progress),
        *spec.on_progress(context, measure, command.progress),
    ]


def complete_measure(
    state: PathwayState,
    command: CompleteMeasure,
    actor: Actor,
    occurred: datetime,
    on: date,
    limits: Limits,
) -> list[Event]:
    """`MeasureCompleted` for an active measure whose outcome its kind accepts."""
    measure = measure_in(state, command.measure_id, MeasureStatus.ACTIVE)
    if command.outcome.kind != measure.kind:
        raise errors.MeasureKindMismatch(
            f"measure {measure.measure_id} is a {measure.kind}", field="outcome"
        )
    CATALOGUE[measure.kind].check_complete(
        rule_context(state, actor, occurred, on, limits), measure, command.outcome
    )
    return [MeasureCompleted(measure_id=measure.measure_id, outcome=command.outcome)]
