"""The policy: due dates, the escalation ladder and the payment terms, as data, effective-dated.

A policy holds revisions; an obligation follows the revision in force on the day its clock
started (its anchor), so a policy change never moves deadlines retroactively unless a
revision says it applies from an earlier date. Loaded from TOML by `infra.policy_file`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

from domain.calendar import add_months_dt, end_of_day, next_working_day, project_day
from domain.values import Frozen, Identifier, Money, Role

_SPAN = re.compile(
    r"^\s*(?P<sign>[-+]?)\s*(?P<amount>\d+)\s*(?P<unit>months?|mo|days?|d|hours?|h|minutes?|min|m|seconds?|s)\s*$"
)
_UNITS = {"d": "days", "h": "hours", "min": "minutes", "m": "minutes", "s": "seconds"}


class Span(Frozen):
    """A signed length of calendar time: whole months (calendar-aware) or an exact duration."""

    months: int = 0
    duration: timedelta = timedelta()

    @model_validator(mode="after")
    def _one_unit(self) -> Span:
        if self.months and self.duration:
            raise ValueError("a span is either whole months or an exact duration, not both")
        return self

    @classmethod
    def parse(cls, text: str) -> Span:
        """`"7 days"`, `"48h"`, `"-3d"`, `"6 months"`, `"5s"` …"""
        match = _SPAN.match(text)
        if not match:
            raise ValueError(
                f"not a span: {text!r} (try '7 days', '48 hours', '-3 days', '6 months')"
            )
        amount = int(match["amount"]) * (-1 if match["sign"] == "-" else 1)
        unit = match["unit"]
        if unit.startswith("mo"):
            return cls(months=amount)
        name = _UNITS.get(unit, unit if unit.endswith("s") else unit + "s")
        try:
            return cls(duration=timedelta(**{name: amount}))
        except OverflowError:
            raise ValueError(f"not a span: {text!r} is longer than any calendar holds") from None

    def after(self, instant: datetime) -> datetime:
        return add_months_dt(instant, self.months) + self.duration

    def before(self, instant: datetime) -> datetime:
        return add_months_dt(instant, -self.months) - self.duration

    def __str__(self) -> str:
        if self.months:
            return f"{self.months} months"
        seconds = int(self.duration.total_seconds())
        for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
            if seconds % size == 0 and seconds:
                return f"{seconds // size} {unit}"
        return f"{seconds} seconds"


def _span(value: Any) -> Any:
    return Span.parse(value) if isinstance(value, str) else value


SpanField = Annotated[Span, BeforeValidator(_span), PlainSerializer(str, return_type=str)]


class Deadlines(Frozen):
    """When each obligation falls due, as a span from the fact that starts its clock."""

    baseline: SpanField = Span(duration=timedelta(days=7))
    skills_assessment: SpanField = Span(duration=timedelta(days=30))
    plan_proposal: SpanField = Span(duration=timedelta(days=15))
    plan_approval: SpanField = Span(duration=timedelta(days=7))
    hosting_communication: SpanField = Span(duration=timedelta(hours=48))
    attendance_day_of_next_month: int = Field(default=5, ge=1, le=28)
    permit_renewal_before_expiry: SpanField = Span(duration=timedelta(days=60))
    licence_conversion: SpanField = Span(months=12)
    pathway_duration: SpanField = Span(months=12)
    follow_up: SpanField = Span(months=6)
    follow_up_opens: SpanField = Span(months=5)
    """The follow-up is recorded from this long after the exit, not before: it is the check
    months later, not a second exit interview."""

    @field_validator("licence_conversion")
    @classmethod
    def _conversion_after_residence(cls, span: Span) -> Span:
        # Whole months (the law's year) or an exact duration (a short policy to try it),
        # counted forward from the start of residence: never nothing, never backwards.
        if span.months < 0 or span.duration < timedelta() or span == Span():
            raise ValueError(
                "licence_conversion is a span after the start of residence, above zero"
            )
        return span


class LadderStep(Frozen):
    """One rung: at `offset` from the due instant, tell `notify`."""

    step: Identifier
    offset: SpanField
    notify: Role
    escalation: bool
    """False for a reminder (before or at the due instant), True for an escalation."""


DEFAULT_LADDER: tuple[LadderStep, ...] = (
    LadderStep(
        step="reminder",
        offset=Span(duration=timedelta(days=-3)),
        notify=Role.CASEWORKER,
        escalation=False,
    ),
    LadderStep(step="supervisor", offset=Span(), notify=Role.SUPERVISOR, escalation=True),
    LadderStep(
        step="coordinator",
        offset=Span(duration=timedelta(days=7)),
        notify=Role.COORDINATOR,
        escalation=True,
    ),
)


class FullMonthHours(StrEnum):
    """How the full hours of a work-grant month follow from its hours per week.

    Either way, a month the grant covers only in part (it starts or ends within it)
    counts only its days within the grant.
    """

    AVERAGE_MONTH = "average_month"
    """Hours per week x 52 / 12, times the share of the month's days within the grant."""
    WEEKDAYS = "weekdays"
    """Hours per week / 5 for each Monday to Friday of the month within the grant."""


class PaymentTerms(Frozen):
    """The money rules: the individual budget, approvals, caps and work-grant allowances.

    Amounts are euro cents. A payment follows the revision in force on the day it is
    requested, so a new revision never changes who must approve a request already made.
    """

    individual_budget: Money = 600_000
    """The dote of each pathway: requested, approved and paid payments never exceed it."""
    coordinator_threshold: Money = 100_000
    """Above this amount a payment is approved by a supervisor, then by the coordinator."""
    max_payment: Annotated[int, Field(ge=1, le=10_000_000)] = 500_000
    """The largest single payment; more is refused as an invalid amount."""
    furniture_cap: Money = 150_000
    """The most a pathway receives for furniture, all its furniture payments together."""
    utilities_cap: Money = 50_000
    """The most a pathway receives for utilities, all its utilities payments together."""
    evidence_required: bool = True
    """Payments of the kinds that need evidence are approved only with a document attached
    (`domain.payments.evidence`); the demo policy, whose stories attach no files, turns it off."""
    utilities_evidence_threshold: Money = 10_000
    """Utilities payments above this need an attached document (a bill) before approval;
    rent advances and furniture always do (`domain.payments.evidence`)."""
    rent_advance_max_months: int = Field(default=6, ge=1, le=24)
    """Rent advances together are at most this many months of the registered rent."""
    allowance_minimum_share_percent: int = Field(default=50, ge=0, le=100)
    """A work-grant month with a smaller share of its full hours attended pays nothing."""
    full_month_hours: FullMonthHours = FullMonthHours.AVERAGE_MONTH


NEXT_WORKING_DAY = "next working day"
"""The default catch-up window: until the end of the next Italian working day."""


CATCH_UP_WINDOW_PATTERN = (
    r"^(next working day|\s*\+?\s*0*[1-9][0-9]*\s*"
    r"(months?|mo|days?|d|hours?|h|minutes?|min|m|seconds?|s)\s*)$"
)
"""What a catch-up window may say, as the API's schema publishes it: the next working day,
or a positive span. `_catch_up_window` is the rule (and its message); this is its shape for
clients, which cannot run it."""


def _catch_up_window(value: str) -> str:
    if value == NEXT_WORKING_DAY:
        return value
    span = Span.parse(value)
    if span.months < 0 or span.duration < timedelta() or span == Span():
        raise ValueError(f"a catch-up window is {NEXT_WORKING_DAY!r} or a positive span")
    return value


class PolicyRevision(Frozen):
    effective_from: date
    deadlines: Deadlines = Deadlines()
    payments: PaymentTerms = PaymentTerms()
    ladder: tuple[LadderStep, ...] = Field(default=DEFAULT_LADDER, min_length=1)
    catch_up_window: Annotated[
        str,
        Field(json_schema_extra={"pattern": CATCH_UP_WINDOW_PATTERN}),
        AfterValidator(_catch_up_window),
    ] = NEXT_WORKING_DAY
    """How long a ladder step already past when its obligation became known (back-dated
    entry) waits, from that instant, for the facts to be caught up before it is sent:
    'next working day' (until the end of the next Italian working day) or a span."""

    def caught_up_by(self, known_at: datetime) -> datetime:
        """The end of the catch-up window that opened at `known_at`."""
        if self.catch_up_window == NEXT_WORKING_DAY:
            return end_of_day(next_working_day(project_day(known_at)))
        return Span.parse(self.catch_up_window).after(known_at)

    @model_validator(mode="after")
    def _steps_are_unique(self) -> PolicyRevision:
        names = [s.step for s in self.ladder]
        if len(set(names)) != len(names):
            raise ValueError("ladder steps need distinct names")
        return self


class Policy(Frozen):
    """A named policy (deadlines, ladder, payment terms) with its revisions, oldest first."""

    policy_id: Identifier
    revisions: tuple[PolicyRevision, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _revisions_in_order(self) -> Policy:
        days = [r.effective_from for r in self.revisions]
        if days != sorted(set(days)):
            raise ValueError("revisions must have increasing, distinct effective_from dates")
        return self

    def revision_at(self, anchor: datetime) -> PolicyRevision:
        """The revision in force on the anchor's day (the first one for earlier anchors)."""
        in_force = [r for r in self.revisions if r.effective_from <= project_day(anchor)]
        return in_force[-1] if in_force else self.revisions[0]


DEFAULT_POLICY = Policy(
    policy_id="default", revisions=(PolicyRevision(effective_from=date(2000, 1, 1)),)
)
