"""What a pathway owes, by when, and the escalation ladder of each debt: all from state.

Due dates come from the pathway's deadline policy (`domain.policy`), from the revision in
force when each obligation's clock started (its anchor). Suspended time shifts every
project clock; dates fixed by law (permit renewal, licence conversion) do not move.

The obligations of the pathway's stages are here; those of a kind of measure beside its
target date are declared by the measure's module (`MeasureSpec.deadlines`), which adds
them through the collector (`domain.measures.spec.Owing`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from domain.calendar import PROJECT_TIMEZONE, end_of_day
from domain.measures import CATALOGUE, MeasureState, MeasureStatus
from domain.policy import Deadlines, LadderStep, PolicyRevision
from domain.projections import Obligation
from domain.referrals.state import answer_obligation_id
from domain.state import PathwayState
from domain.values import Stage


@dataclass(frozen=True)
class Timekeeping:
    """The time rules a ladder follows: today's, or those a running workflow began with.

    A workflow that started before a rule changed keeps the old one until it continues as
    new (`workflows.pathway`, patch ids), so its history replays; everything else (pages,
    read models, new runs) follows `ITALIAN_TIME`.
    """

    italian_days: bool = True
    """A deadline "by day D" falls at the end of D in Italy; before, at 00:00 UTC of D+1."""
    catch_up: bool = True
    """A rung already past when its obligation became known waits for the catch-up window;
    before, it was taken at once."""
    italian_decision_days: bool = True
    """A command is decided on the Italian day of its business time (what it may do, the
    consents that cover it, a plan's dates, a payment's period); before, on its UTC date,
    a day behind from 22:00 or 23:00 UTC to midnight."""


ITALIAN_TIME = Timekeeping()
"""The rules in force (docs/architecture.md, "Time as people mean it")."""
BEFORE_ITALIAN_TIME = Timekeeping(italian_days=False, catch_up=False, italian_decision_days=False)
"""The rules of workflows that started before issue 21."""


def end_of(day: date, timekeeping: Timekeeping = ITALIAN_TIME) -> datetime:
    """The instant a deadline "by day D" falls due: the end of D in Italy (Europe/Rome)."""
    if timekeeping.italian_days:
        return end_of_day(day)
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


def start_of(day: date, timekeeping: Timekeeping = ITALIAN_TIME) -> datetime:
    """When `day` starts: 00:00 in Italy (00:00 UTC for runs that began before)."""
    return datetime.combine(
        day, time(), tzinfo=PROJECT_TIMEZONE if timekeeping.italian_days else UTC
    )


@dataclass(frozen=True)
class Owed:
    """An obligation with the instant its clock started and the revision that governs it."""

    obligation: Obligation
    anchor: datetime
    revision: PolicyRevision


@dataclass(frozen=True)
class LadderPoint:
    """A rung of an obligation's ladder that is still to be climbed."""

    obligation: Obligation
    step: LadderStep
    at: datetime


def owed(state: PathwayState, timekeeping: Timekeeping = ITALIAN_TIME) -> list[Owed]:
    """Every obligation still open on this pathway, earliest due first."""
    if state.stage is None or state.stage == Stage.CLOSED:
        return []
    found = _Collector(state, timekeeping)
    found.stage_obligations()
    if state.stage == Stage.ACTIVE:
        for measure in state.measures_in(MeasureStatus.PLANNED, MeasureStatus.ACTIVE):
            found.measure_obligations(measure)
        if state.plan is not None:
            found.add(
                "pathway_end",
                "pathway_end",
                state.plan.approved_at,
                found.end_of(state.plan.end_date),
            )
    if state.stage in {Stage.RECEPTION, Stage.ASSESSMENT, Stage.PLANNING, Stage.ACTIVE}:
        assert state.permit_expires_on is not None and state.opened_at is not None
        before = found.revision(state.opened_at).deadlines.permit_renewal_before_expiry
        due = before.before(found.end_of(state.permit_expires_on))
        found.add("permit_renewal", "permit_renewal", state.opened_at, due, shifts=False)
    return sorted(found.items, key=lambda o: (o.obligation.due_at, o.obligation.obligation_id))


def obligations(state: PathwayState) -> list[Obligation]:
    """The open obligations, earliest first: the read model of what is due."""
    return [o.obligation for o in owed(state)]


def next_deadline(state: PathwayState) -> datetime | None:
    found = owed(state)
    return found[0].obligation.due_at if found else None


class Standing(StrEnum):
    """Where an obligation a reminder or an escalation spoke of stands now."""

    SETTLED = "settled"
    """Owed no more: met, dropped with its measure, or the pathway closed (a closed pathway
    owes nothing: `owed`)."""
    PAUSED = "paused"
    """Still owed, but the pathway is suspended: its clocks stand still."""
    OVERDUE = "overdue"
    """Still owed and past its due instant (as it stands now, extensions included)."""
    DUE = "due"
    """Still owed and not yet due: the notice is only a reminder."""


def standing(
    obligation_id: str, open_now: Iterable[Obligation], *, suspended: bool, now: datetime
) -> Standing:
    """Where the obligation `obligation_id` stands, given what its pathway owes now.

    One rule for every page and message that shows a notice beside what is overdue: the
    overdue list (`overdue_obligations`) and a notice agree because both read `open_now`,
    the pathway's open obligations, which are empty once it is closed.
    """
    current = next((o for o in open_now if o.obligation_id == obligation_id), None)
    if current is None:
        return Standing.SETTLED
    if suspended:
        return Standing.PAUSED
    return Standing.OVERDUE if current.due_at <= now else Standing.DUE


def ladder_points(
    state: PathwayState, timekeeping: Timekeeping = ITALIAN_TIME
) -> list[LadderPoint]:
    """The ladder rungs not yet climbed, earliest first; none while the pathway is suspended.

    A reminder that would fall before its obligation existed is skipped; escalations never are.
    A rung already past when its obligation became known (a back-dated entry) is taken at
    the end of the policy's catch-up window, so the facts that meet it in time can be
    entered first.
    """
    if state.suspension is not None:
        return []
    points = []
    for item in owed(state, timekeeping):
        obligation = item.obligation
        mark = state.ladder.get(obligation.obligation_id)
        done = mark.steps_for(obligation.due_at) if mark is not None else ()
        for step in item.revision.ladder:
            at = step.offset.after(obligation.due_at)
            if step.step in done or (not step.escalation and at < item.anchor):
                continue
            known = state.known_since.get(obligation.obligation_id)
            if timekeeping.catch_up and known is not None and at <= known:
                at = item.revision.caught_up_by(known)
            points.append(LadderPoint(obligation, step, at))
    return sorted(points, key=lambda p: (p.at, p.obligation.obligation_id, p.step.step))


def next_wakeup(state: PathwayState, timekeeping: Timekeeping = ITALIAN_TIME) -> datetime | None:
    """When the pathway's single timer should fire next."""
    points = ladder_points(state, timekeeping)
    return points[0].at if points else None


def suspended_since(state: PathwayState, anchor: datetime) -> timedelta:
    """Time the pathway spent suspended after `anchor`: how far its clocks are shifted."""
    total = timedelta()
    for period in state.suspended_periods:
        if period.end > anchor:
            total += period.end - max(period.start, anchor)
    return total


class _Collector:
    """The obligations of one pathway as they are found; the measures' deadline rules add
    theirs through it (`domain.measures.spec.Owing`)."""

    def __init__(self, state: PathwayState, timekeeping: Timekeeping) -> None:
        self.state = state
        self.timekeeping = timekeeping
        self.items: list[Owed] = []

    def end_of(self, day: date) -> datetime:
        return end_of(day, self.timekeeping)

    def day_start(self, day: date) -> datetime:
        return start_of(day, self.timekeeping)

    def revision(self, anchor: datetime) -> PolicyRevision:
        return self.state.policy.revision_at(anchor)

    def deadlines_at(self, anchor: datetime) -> Deadlines:
        return self.revision(anchor).deadlines

    @property
    def plan_approved_at(self) -> datetime:
        assert self.state.plan is not None
        return self.state.plan.approved_at

    @property
    def resident_since(self) -> date:
        assert self.state.resident_since is not None
        return self.state.resident_since

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
        if shifts:
            due += suspended_since(self.state, anchor)
        obligation = Obligation(
            obligation_id=obligation_id, kind=kind, due_at=due, measure_id=measure_id
        )
        self.items.append(Owed(obligation, anchor, self.revision(anchor)))

    def after(self, kind: str, anchor: datetime) -> None:
        span = getattr(self.revision(anchor).deadlines, kind)
        self.add(kind, kind, anchor, span.after(anchor))

    def stage_obligations(self) -> None:
        state = self.state
        entered = state.stage_entered_at
        assert entered is not None
        match state.stage:
            case Stage.RECEPTION:
                self.after("baseline", entered)
            case Stage.ASSESSMENT:
                self.after("skills_assessment", entered)
            case Stage.PLANNING if state.pending_plan is None:
                self.after("plan_proposal", entered)
            case Stage.EXIT:
                assert state.exit is not None
                self.after("follow_up", state.exit.at)
        if state.pending_plan is not None and state.stage in {Stage.PLANNING, Stage.ACTIVE}:
            self.after("plan_approval", state.pending_plan.proposed_at)
        for referral in state.referrals.pending():
            self.add(
                answer_obligation_id(referral.referral_id),
                "referral_answer",
                referral.recorded_at,
                self.end_of(referral.answer_by),
                referral.measure_id,
            )

    def measure_obligations(self, measure: MeasureState) -> None:
        """The target date of every measure, then what its kind owes (its `deadlines`)."""
        mid = measure.measure_id
        self.add(
            f"measure:{mid}:target",
            "measure_target",
            self.plan_approved_at,
            self.end_of(measure.target_date),
            mid,
        )
        CATALOGUE[measure.kind].deadlines.owe(self, measure)
