"""A fact (completed, moved in, paid, hours worked) is never dated after the Italian day on
which it is recorded; plans and schedules may lie ahead. Checked once, for every command,
by the marker on the field (`domain.fact_dates`)."""

from __future__ import annotations

import types
import typing
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel

from domain import errors
from domain.commands import Command
from domain.decider import decide
from domain.events import Event, MeasureCompleted
from domain.fact_dates import HAPPENED
from domain.measures import CATALOGUE
from domain.values import Actor, Role
from tests.scenarios import CASEWORKER, OPEN, Scenario, plan
from tests.unit.payment_scenarios import approved, outcome, pid
from tests.unit.test_measures_work import WORK_GRANT, complete, progress, start

SIXTH_OF_DECEMBER = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
COURSE = {
    "kind": "training_course",
    "subject": "italian_l2",
    "title": "Italiano A2",
    "provider": "CPIA Lecce",
    "planned_hours": 80,
    "start_on": "2026-11-02",
}


def recorded_at(
    s: Scenario, now: datetime, command: dict[str, Any], actor: Actor = CASEWORKER
) -> list[Event]:
    """`command` decided at the recording instant `now`, the scenario's clock left alone."""
    return decide(s.state, s.envelope(command, actor), now)


def course_under_way() -> Scenario:
    s = Scenario(now=datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    return s.active(("it", "training_course")).given(start("it", **COURSE))


def refused(s: Scenario, now: datetime, command: dict[str, Any], **kw: Any) -> errors.DomainError:
    before = s.state
    with pytest.raises(errors.FactInFuture) as refusal:
        recorded_at(s, now, command, **kw)
    assert refusal.value.code == "fact_in_future"
    assert s.state == before  # nothing recorded
    return refusal.value


def test_on_the_sixth_of_december_a_course_completed_next_may_is_refused_by_its_field() -> None:
    s = course_under_way()
    done = complete("it", kind="training_course", certificate=True, completed_on="2027-05-15")
    refusal = refused(s, SIXTH_OF_DECEMBER, done)
    assert refusal.field == "outcome.completed_on"
    assert "2027-05-15" in refusal.message and "2026-12-06" in refusal.message


def test_a_course_completed_today_or_earlier_is_taken() -> None:
    s = course_under_way()
    for day in ("2026-12-06", "2026-11-30"):
        done = complete("it", kind="training_course", certificate=True, completed_on=day)
        (event,) = recorded_at(s, SIXTH_OF_DECEMBER, done)
        assert isinstance(event, MeasureCompleted)


def test_today_is_the_italian_day_of_the_recording_instant() -> None:
    s = course_under_way()
    done = complete("it", kind="training_course", certificate=True, completed_on="2026-12-07")
    # 23:30 on the 6th in Rome: the 7th is still to come.
    refused(s, datetime(2026, 12, 6, 22, 30, tzinfo=UTC), done)
    # 00:30 on the 7th in Rome, though still the 6th in UTC: the 7th has come.
    assert recorded_at(s, datetime(2026, 12, 6, 23, 30, tzinfo=UTC), done)


def test_attendance_of_a_month_not_yet_begun_is_refused_and_of_the_month_begun_taken() -> None:
    s = Scenario(now=datetime(2026, 3, 20, 9, 0, tzinfo=UTC)).active(("wg", "work_grant"))
    s.given(start("wg", **{**WORK_GRANT, "start_on": "2026-03-02"}))
    april = progress(
        "wg", kind="work_grant_attendance", month="2026-04", hours_verified=20, verified_by="Rizzo"
    )
    assert refused(s, datetime(2026, 3, 31, 9, 0, tzinfo=UTC), april).field == "progress.month"
    assert recorded_at(s, datetime(2026, 4, 1, 9, 0, tzinfo=UTC), april)


def test_a_move_in_tomorrow_and_hours_of_a_course_to_come_are_refused() -> None:
    s = course_under_way()
    hours = progress("it", kind="course_attendance", period_end="2026-12-31", hours=20)
    assert refused(s, SIXTH_OF_DECEMBER, hours).field == "progress.period_end"

    s = Scenario(now=SIXTH_OF_DECEMBER).active(("home", "housing_placement"))
    s.given(start("home", kind="housing_placement", solution="cohousing", start_on="2026-12-06"))
    moved = progress("home", kind="moved_in", on="2026-12-07")
    assert refused(s, SIXTH_OF_DECEMBER, moved).field == "progress.on"


def test_the_bank_cannot_have_paid_tomorrow() -> None:
    s = approved()
    bank = Actor(id="system:bank", role=Role.SYSTEM)
    tomorrow = s.now.date() + timedelta(days=1)
    paid = {**outcome(pid()), "on": tomorrow.isoformat()}
    assert refused(s, s.now, paid, actor=bank).field == "on"


def test_nobody_is_born_or_registered_as_resident_in_the_future() -> None:
    s = Scenario(now=SIXTH_OF_DECEMBER)
    born = {**OPEN, "beneficiary": {**OPEN["beneficiary"], "birth_date": "2026-12-07"}}
    assert refused(s, SIXTH_OF_DECEMBER, born).field == "beneficiary.birth_date"
    resident = {**OPEN, "resident_since": "2027-01-01"}
    assert refused(s, SIXTH_OF_DECEMBER, resident).field == "resident_since"


def test_plans_and_schedules_may_lie_ahead() -> None:
    s = Scenario(now=SIXTH_OF_DECEMBER)
    assert recorded_at(s, SIXTH_OF_DECEMBER, {**OPEN, "permit_expires_on": "2029-06-30"})
    s.assessed()
    proposal = {**plan(("wg", "work_grant"), target=date(2027, 12, 31)), "end_date": "2028-01-31"}
    assert recorded_at(s, s.now, proposal)
    s.given(proposal).given({"type": "approve_plan"}, Actor(id="sara", role=Role.SUPERVISOR))
    later = {**WORK_GRANT, "start_on": "2027-02-01", "end_on": "2027-07-31"}
    assert recorded_at(s, s.now, start("wg", **later))


# --- the declaration covers every date of every command ---------------------------------------

PLANS_AND_SCHEDULES = {
    "start_on",
    "end_on",
    "target_date",
    "end_date",
    "permit_expires_on",
    "effective_from",
    "effective_on",
    "until",
}
"""Unmarked date fields: what is planned or scheduled, not what happened."""


def date_fields(model: type[BaseModel], path: str = "") -> list[tuple[str, bool]]:
    """Every date field reachable from `model`: its path and whether it is marked a fact."""
    found: list[tuple[str, bool]] = []
    for name, info in model.model_fields.items():
        where = f"{path}.{name}" if path else name
        for kind in _types(info.annotation):
            if kind is date:
                found.append((where, HAPPENED in info.metadata))
            elif isinstance(kind, type) and issubclass(kind, BaseModel) and kind is not model:
                found += date_fields(kind, where)
    return found


def _types(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, tuple, list, typing.Annotated):
        return [t for arg in typing.get_args(annotation) for t in _types(arg)]
    return [annotation]


def command_models() -> list[type[BaseModel]]:
    models = list(typing.get_args(typing.get_args(Command)[0]))
    for spec in CATALOGUE.values():
        models += [spec.details, spec.outcome, *spec.progress]
    return models


def test_every_date_of_every_command_is_declared_a_fact_or_a_plan() -> None:
    fields = [f for model in command_models() for f in date_fields(model, model.__name__)]
    undeclared = [
        p for p, fact in fields if not fact and p.rsplit(".", 1)[-1] not in PLANS_AND_SCHEDULES
    ]
    assert not undeclared, f"mark these FactDate or name them plans: {undeclared}"
    assert sum(fact for _, fact in fields) >= 20
