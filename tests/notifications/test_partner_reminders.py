"""Deadlines reach partners (issue 23): the reminder of a work grant's monthly attendance goes
to the tutor linked to it, at the contact's e-mail; its escalation goes where it went before."""

from __future__ import annotations

from datetime import timedelta

from domain.notifications import notifications
from domain.values import SYSTEM_DEADLINES, Role
from infra.mail.directory import Recipient, StaticDirectory
from infra.mail.partner_directory import PartnerDirectory
from infra.partners.contacts import InMemoryContactBook
from tests.notifications.builders import notification
from tests.unit.test_partner_records import Linked, network

RUN = {"type": "run_deadlines"}


def overdue(s: Linked) -> Linked:
    """Two months after April's attendance was owed: every rung of its ladder has fallen due."""
    return s.given(RUN, SYSTEM_DEADLINES, advance=timedelta(days=120))


def test_the_attendance_reminder_goes_to_the_linked_tutor_and_the_escalation_as_before() -> None:
    s = overdue(network())
    sent = [n for n in notifications(s.state, s.records) if n.measure_id == "wg"]
    reminders = [n for n in sent if not n.escalation]
    escalations = [n for n in sent if n.escalation]
    assert reminders and escalations
    assert {(n.recipient_role, n.recipient_id) for n in reminders} == {(Role.PARTNER, "rizzo")}
    assert all(n.recipient_role != Role.PARTNER for n in escalations)


def test_without_a_tutor_the_reminder_goes_to_the_caseworker_as_before() -> None:
    s = network()
    s.links = {k: v for k, v in s.links.items() if k != "wg"}
    s = overdue(s)
    reminders = [
        n for n in notifications(s.state, s.records) if n.measure_id == "wg" and not n.escalation
    ]
    assert reminders
    assert {(n.recipient_role, n.recipient_id) for n in reminders} == {(Role.CASEWORKER, "anna")}


async def test_a_partner_contact_is_reached_at_its_email_and_staff_through_the_accounts() -> None:
    staff = StaticDirectory([("anna", Role.CASEWORKER, "org-lecce", "anna@example.org", "en")])
    directory = PartnerDirectory(staff, InMemoryContactBook({"rizzo": "tutor@sartoria.example"}))
    anna = notification("p-1", 3, organisation_id="org-lecce", recipient_id="anna")
    to_tutor = anna.model_copy(update={"recipient_role": Role.PARTNER, "recipient_id": "rizzo"})
    assert await directory.recipients(to_tutor) == [
        Recipient("contact:rizzo", "tutor@sartoria.example", "it")
    ]
    unknown = to_tutor.model_copy(update={"recipient_id": "nobody"})
    assert await directory.recipients(unknown) == []
    assert [r.user_id for r in await directory.recipients(anna)] == ["anna"]
