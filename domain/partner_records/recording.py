"""What a partner contact may record on a pathway, and what it leaves to the partner.

A partner records, on a measure it is linked to only, the steps that measure lists as its
`partner_records` (a work grant's monthly attendance, a course's attendance and level, the
hosting communication, school support sessions, an association membership). Nothing else:
no plan, no payments, no closure. A work grant with a linked tutor takes its monthly hours
from the tutor only: a caseworker corrects them (`correct_attendance`) instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, TypeGuard

from domain import errors
from domain.commands import Command, RecordMeasureProgress
from domain.measures import CATALOGUE, MeasureState
from domain.measures.work_grant import WorkGrantAttendance
from domain.partners.links import Linked, linked_contacts, linked_tutor
from domain.values import Actor, Role


class Recorded(Linked, Protocol):
    """What the check reads of a pathway (`domain.state.PathwayState` is one)."""

    @property
    def measures(self) -> Mapping[str, MeasureState]: ...


def check_recorder(state: Recorded, command: Command, actor: Actor) -> None:
    """Raise the reason why `actor` may not record `command` as partner, or instead of one.

    Raises:
        PartnerRecordForbidden: a partner sent anything but a step partners record.
        PartnerNotLinked: a partner recorded on a measure it is not linked to (or none).
        AttendanceByTutor: someone but the linked tutor recorded a work grant's attendance.
    """
    if actor.role == Role.PARTNER:
        _check_partner_record(state, command, actor)
    elif _attendance_of(command) and linked_tutor(state, command.measure_id) is not None:
        raise errors.AttendanceByTutor(
            "the linked tutor records the month's hours; correct them with a reason",
            field="progress",
        )


def _attendance_of(command: Command) -> TypeGuard[RecordMeasureProgress]:
    return isinstance(command, RecordMeasureProgress) and isinstance(
        command.progress, WorkGrantAttendance
    )


def _check_partner_record(state: Recorded, command: Command, actor: Actor) -> None:
    if not isinstance(command, RecordMeasureProgress):
        name = str(command.type).replace("_", " ")
        raise errors.PartnerRecordForbidden(f"a partner may not {name}")
    linked = {
        (link.partner_id, link.contact_id) for link in linked_contacts(state, command.measure_id)
    }
    if (actor.partner_id, actor.contact_id) not in linked:
        raise errors.PartnerNotLinked(
            f"you are not linked to measure {command.measure_id}", field="measure_id"
        )
    measure = state.measures[command.measure_id]
    if command.progress.kind not in CATALOGUE[measure.kind].partner_records:
        raise errors.PartnerRecordForbidden(
            f"a partner does not record {command.progress.kind}", field="progress"
        )
