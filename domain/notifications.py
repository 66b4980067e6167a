"""Notifications the ladder owes people: derived from ladder events, sent through the outbox.

They carry no personal data: the pathway's opaque id, the kind of obligation and dates.
Recipients are a role within the pathway's organisation (or the caseworker in person); the
sender resolves them to addresses. A reminder of a work grant's monthly attendance goes to
the tutor linked to it (role `partner`, the contact's id), who records the hours; its
escalation goes where every escalation goes. The reminder and the escalation of an
unanswered referral go to the supervisors of the organisation it is addressed to, who must
answer it (`REFERRAL_ANSWER`).
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.events import DeadlineEscalated, DeadlineReminderSent, parse_event
from domain.partners.links import linked_tutor
from domain.projections import Notification
from domain.records import EventRecord
from domain.referrals.state import answer_obligation_id
from domain.state import PathwayState
from domain.values import Role


def notifications(state: PathwayState, records: Iterable[EventRecord]) -> tuple[Notification, ...]:
    """One notification per ladder step among `records`, addressed from the pathway's state."""
    assert state.pathway_id and state.organisation_id and state.caseworker_id
    found = []
    for record in records:
        event = parse_event(record.type, record.schema_version, record.data)
        if not isinstance(event, DeadlineReminderSent | DeadlineEscalated):
            continue
        organisation_id, role, person = _recipient(state, event)
        found.append(
            Notification(
                notification_id=f"{record.stream_id}:{record.version}",
                pathway_id=state.pathway_id,
                organisation_id=organisation_id,
                recipient_role=role,
                recipient_id=person,
                escalation=isinstance(event, DeadlineEscalated),
                obligation_kind=event.obligation_kind,
                obligation_id=event.obligation_id,
                measure_id=event.measure_id,
                due_at=event.due_at,
                created_at=record.recorded_at,
            )
        )
    return tuple(found)


PARTNER_REMINDED = frozenset({"work_grant_attendance"})
"""Obligation kinds whose reminders reach the tutor linked to the measure, who records them."""
REFERRAL_ANSWER = "referral_answer"
"""The obligation kind whose reminder and escalation reach the receiving organisation."""


def _recipient(
    state: PathwayState, event: DeadlineReminderSent | DeadlineEscalated
) -> tuple[str, Role, str | None]:
    """The organisation, the role and, for one person, the id a ladder step is addressed to."""
    assert state.organisation_id is not None
    if event.obligation_kind == REFERRAL_ANSWER:
        referral = next(
            (
                r
                for r in state.referrals.given.values()
                if answer_obligation_id(r.referral_id) == event.obligation_id
            ),
            None,
        )
        if referral is not None:
            role = Role.COORDINATOR if event.notify == Role.COORDINATOR else Role.SUPERVISOR
            return referral.to_organisation, role, None
    return (state.organisation_id, *_within_the_pathway(state, event))


def _within_the_pathway(
    state: PathwayState, event: DeadlineReminderSent | DeadlineEscalated
) -> tuple[Role, str | None]:
    """The role and, for one person, the id a ladder step of the pathway's organisation is
    addressed to."""
    if (
        isinstance(event, DeadlineReminderSent)
        and event.obligation_kind in PARTNER_REMINDED
        and event.measure_id is not None
    ):
        tutor = linked_tutor(state, event.measure_id)
        if tutor is not None:
            return Role.PARTNER, tutor.contact_id
    if event.notify == Role.CASEWORKER:
        return event.notify, state.caseworker_id
    return event.notify, None
