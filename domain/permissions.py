"""Who may send which command, at which stage. Checked before any command-specific rule."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

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
from domain.consents.commands import GiveConsent, RecordPrivacyNotice, WithdrawConsent
from domain.documents.commands import AttachDocument
from domain.figures.commands import CorrectAttendance, DisputeFigure, ResolveDispute
from domain.group_activities.commands import RecordGroupParticipation
from domain.partner_links.commands import LinkPartnerContact, UnlinkPartnerContact
from domain.partner_records.recording import check_recorder
from domain.payments.commands import (
    ApprovePayment,
    CorrectPayee,
    RecordPaymentOutcome,
    RejectPayment,
    RequestPayment,
)
from domain.referrals import rules as referrals
from domain.referrals.commands import (
    AcceptReferral,
    AcceptTransfer,
    DeclineReferral,
    DeclineTransfer,
    ReferPathway,
    TransferPathway,
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
    ApprovePayment: SUPERVISION,
    RejectPayment: SUPERVISION,
    RecordPaymentOutcome: frozenset({Role.SYSTEM}),
    AcceptReferral: SUPERVISION,
    DeclineReferral: SUPERVISION,
    AcceptTransfer: SUPERVISION,
    DeclineTransfer: SUPERVISION,
    RecordMeasureProgress: CASE_WORK | {Role.PARTNER},
}
"""Roles allowed per command; every other command is case work."""

PARTNER_COMMANDS = frozenset({RecordMeasureProgress})
"""What a partner contact may send at all; which steps, on which measure, is
`domain.partner_records.recording`."""

IN_PROGRESS = frozenset({Stage.RECEPTION, Stage.ASSESSMENT, Stage.PLANNING, Stage.ACTIVE})
MEASURE_COMMANDS = (
    StartMeasure,
    RecordMeasureProgress,
    CompleteMeasure,
    CancelMeasure,
    RequestPayment,
)
AFTER_PLAN = frozenset({Stage.ACTIVE, Stage.EXIT, Stage.FOLLOW_UP})
"""Payments requested while active are approved and paid on after the exit, too."""

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
    AttachDocument: IN_PROGRESS | {Stage.EXIT, Stage.FOLLOW_UP},
    RecordExit: IN_PROGRESS,
    RecordFollowUp: frozenset({Stage.EXIT}),
    ClosePathway: frozenset({Stage.EXIT, Stage.FOLLOW_UP}),
    RunDeadlines: IN_PROGRESS | {Stage.EXIT, Stage.FOLLOW_UP},
    ApplyPolicy: IN_PROGRESS | {Stage.EXIT, Stage.FOLLOW_UP},
    ApprovePayment: AFTER_PLAN,
    RejectPayment: AFTER_PLAN,
    CorrectPayee: AFTER_PLAN,
    RecordPaymentOutcome: AFTER_PLAN,
    LinkPartnerContact: frozenset({Stage.ACTIVE}),
    UnlinkPartnerContact: AFTER_PLAN,
    RecordPrivacyNotice: IN_PROGRESS | {Stage.EXIT, Stage.FOLLOW_UP},
    GiveConsent: IN_PROGRESS | {Stage.EXIT, Stage.FOLLOW_UP},
    WithdrawConsent: IN_PROGRESS | {Stage.EXIT, Stage.FOLLOW_UP},
    ReferPathway: IN_PROGRESS,
    AcceptReferral: IN_PROGRESS,
    DeclineReferral: IN_PROGRESS | {Stage.EXIT, Stage.FOLLOW_UP},
    TransferPathway: IN_PROGRESS | {Stage.EXIT, Stage.FOLLOW_UP},
    AcceptTransfer: IN_PROGRESS | {Stage.EXIT, Stage.FOLLOW_UP},
    DeclineTransfer: IN_PROGRESS | {Stage.EXIT, Stage.FOLLOW_UP},
    RecordGroupParticipation: IN_PROGRESS | {Stage.EXIT, Stage.FOLLOW_UP},
    DisputeFigure: AFTER_PLAN,
    ResolveDispute: AFTER_PLAN,
    CorrectAttendance: AFTER_PLAN,
}

REFERRED_WORK = (StartMeasure, RecordMeasureProgress, CompleteMeasure)
"""What an accepted referral lets the receiving caseworker record, on the referred measure."""

ALLOWED_WHILE_SUSPENDED = (
    ResumePathway,
    AddNote,
    AttachDocument,
    RecordExit,
    RunDeadlines,
    ApplyPolicy,
    RecordPaymentOutcome,
    WithdrawConsent,
)
"""The bank's answer is a fact that arrives whatever the pathway's state; a withdrawn
consent stops sharing at once, whatever the pathway's state."""


def check_permitted(
    state: PathwayState, command: Command, actor: Actor, on: date | None = None
) -> None:
    """Raise the first reason why `actor` may not send `command` to this pathway now.

    A caseworker of another organisation whom an accepted referral names records on the
    referred measure as the assigned caseworker would, while its consent is in force on
    `on` (the command's business day).
    """
    if isinstance(command, OpenPathway):
        check_role(type(command), actor)
        if actor.role == Role.CASEWORKER and command.caseworker_id != actor.id:
            raise errors.NotAssignedCaseworker(
                "a caseworker opens pathways for their own caseload", field="caseworker_id"
            )
        return
    referred = (
        on is not None
        and isinstance(command, REFERRED_WORK)
        and referrals.grants(state, actor.id, command.measure_id, on)
    )
    check_kind_permitted(state, type(command), actor, referred=referred)
    check_recorder(state, command, actor)


def command_type(kind: type[BaseModel]) -> str:
    """The `type` a command class carries, e.g. `approve_plan`."""
    name: str = kind.model_fields["type"].default
    return name


def check_role(kind: type[BaseModel], actor: Actor) -> None:
    """Raise `RoleForbidden` unless the actor's role may send this kind of command."""
    if actor.role not in ROLES.get(kind, CASE_WORK):
        name = command_type(kind)
        raise errors.RoleForbidden(f"a {actor.role} may not {name.replace('_', ' ')}")


def check_kind_permitted(
    state: PathwayState, kind: type[BaseModel], actor: Actor, *, referred: bool = False
) -> None:
    """The checks that depend only on the kind of command, not its fields: role, caseload,
    stage and suspension. `check_permitted` runs them for every command but the opening;
    the pages run them to offer only the commands that can be accepted now."""
    if actor.role == Role.PARTNER and kind not in PARTNER_COMMANDS:
        raise errors.PartnerRecordForbidden(
            f"a partner may not {command_type(kind).replace('_', ' ')}"
        )
    check_role(kind, actor)
    if state.stage is None:
        raise errors.PathwayNotFound("no pathway has been opened with this id")
    if state.stage == Stage.CLOSED:
        raise errors.PathwayClosed("the pathway is closed and accepts nothing more")
    if actor.role == Role.CASEWORKER and actor.id != state.caseworker_id and not referred:
        raise errors.NotAssignedCaseworker("the pathway belongs to another caseworker's caseload")
    if kind is ResumePathway and state.suspension is None:
        raise errors.PathwayNotSuspended("the pathway is not suspended")
    if state.suspension is not None and kind not in ALLOWED_WHILE_SUSPENDED:
        raise errors.PathwaySuspended("a suspended pathway accepts only resume, notes and exit")
    if state.stage not in STAGES[kind]:
        if kind in MEASURE_COMMANDS and state.stage in IN_PROGRESS:
            raise errors.PlanNotApproved("measures start once the plan is approved")
        raise errors.WrongStage(f"not possible while the pathway is in {state.stage}")
