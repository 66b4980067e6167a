"""Who may send which command, at which stage. Checked before any command-specific rule."""

from __future__ import annotations

from domain import errors
from domain.commands import (
    AddNote,
    ApplyPolicy,
    ApprovePlan,
    CancelMeasure,
    ClosePathway,
    Command,
    CompleteMeasure,
    ExtendPathway,
    OpenPathway,
    ProposePlan,
    ReassignCaseworker,
    RecordBaseline,
    RecordExit,
    RecordFollowUp,
    RecordMeasureProgress,
    RecordSkillsAssessment,
    RejectPlan,
    RenewPermit,
    ResumePathway,
    RunDeadlines,
    StartMeasure,
    SuspendPathway,
    UpdateHousehold,
)
from domain.state import PathwayState
from domain.values import Actor, Role, Stage

CASE_WORK = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR})
SUPERVISION = frozenset({Role.SUPERVISOR, Role.COORDINATOR})

ROLES: dict[type, frozenset[Role]] = {
    RunDeadlines: frozenset({Role.SYSTEM}),
    ApplyPolicy: frozenset({Role.SYSTEM, Role.ADMIN}),
    ApprovePlan: SUPERVISION,
    RejectPlan: SUPERVISION,
    ReassignCaseworker: SUPERVISION,
    ExtendPathway: SUPERVISION,
}
"""Roles allowed per command; every other command is case work."""

IN_PROGRESS = frozenset({Stage.RECEPTION, Stage.ASSESSMENT, Stage.PLANNING, Stage.ACTIVE})
MEASURE_COMMANDS = (StartMeasure, RecordMeasureProgress, CompleteMeasure, CancelMeasure)

STAGES: dict[type, frozenset[Stage]] = {
    RecordBaseline: frozenset({Stage.RECEPTION}),
    RecordSkillsAssessment: frozenset({Stage.ASSESSMENT}),
    ProposePlan: frozenset({Stage.PLANNING, Stage.ACTIVE}),
    ApprovePlan: frozenset({Stage.PLANNING, Stage.ACTIVE}),
    RejectPlan: frozenset({Stage.PLANNING, Stage.ACTIVE}),
    **{command: frozenset({Stage.ACTIVE}) for command in MEASURE_COMMANDS},
    ExtendPathway: frozenset({Stage.ACTIVE}),
    UpdateHousehold: IN_PROGRESS,
    RenewPermit: IN_PROGRESS,
    ReassignCaseworker: IN_PROGRESS | {Stage.EXIT, Stage.FOLLOW_UP},
    SuspendPathway: IN_PROGRESS,
    ResumePathway: IN_PROGRESS,
    AddNote: IN_PROGRESS | {Stage.EXIT, Stage.FOLLOW_UP},
    RecordExit: IN_PROGRESS,
    RecordFollowUp: frozenset({Stage.EXIT}),
    ClosePathway: frozenset({Stage.EXIT, Stage.FOLLOW_UP}),
    RunDeadlines: IN_PROGRESS | {Stage.EXIT, Stage.FOLLOW_UP},
    ApplyPolicy: IN_PROGRESS | {Stage.EXIT, Stage.FOLLOW_UP},
}

ALLOWED_WHILE_SUSPENDED = (ResumePathway, AddNote, RecordExit, RunDeadlines, ApplyPolicy)


def check_permitted(state: PathwayState, command: Command, actor: Actor) -> None:
    """Raise the first reason why `actor` may not send `command` to this pathway now."""
    if actor.role not in ROLES.get(type(command), CASE_WORK):
        raise errors.RoleForbidden(f"a {actor.role} may not {command.type.replace('_', ' ')}")
    if isinstance(command, OpenPathway):
        if actor.role == Role.CASEWORKER and command.caseworker_id != actor.id:
            raise errors.NotAssignedCaseworker(
                "a caseworker opens pathways for their own caseload", field="caseworker_id"
            )
        return
    if state.stage is None:
        raise errors.PathwayNotFound("no pathway has been opened with this id")
    if state.stage == Stage.CLOSED:
        raise errors.PathwayClosed("the pathway is closed and accepts nothing more")
    if actor.role == Role.CASEWORKER and actor.id != state.caseworker_id:
        raise errors.NotAssignedCaseworker("the pathway belongs to another caseworker's caseload")
    if isinstance(command, ResumePathway) and state.suspension is None:
        raise errors.PathwayNotSuspended("the pathway is not suspended")
    if state.suspension is not None and not isinstance(command, ALLOWED_WHILE_SUSPENDED):
        raise errors.PathwaySuspended("a suspended pathway accepts only resume, notes and exit")
    if state.stage not in STAGES[type(command)]:
        if isinstance(command, MEASURE_COMMANDS) and state.stage in IN_PROGRESS:
            raise errors.PlanNotApproved("measures start once the plan is approved")
        raise errors.WrongStage(f"not possible while the pathway is in {state.stage}")
