"""What partners record (issue 23): a partner contact, linked to a measure, records exactly
the steps that measure lists as `partner_records`, and nothing else; a caseworker disputes,
accepts or corrects its figures, and the month's allowance follows a correction once.

Until the link of a contact to a measure is a pathway event of its own, these tests give the
state its links through `Linked`, the one field `domain.partners.links` reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import errors
from domain.events import MeasureProgressRecorded
from domain.figures.events import (
    AllowanceRecomputed,
    AttendanceCorrected,
    DisputeResolved,
    FigureDisputed,
)
from domain.figures.state import FigureStatus
from domain.measures import CATALOGUE
from domain.measures.work_grant import WorkGrantAttendance
from domain.obligations import obligations
from domain.partners.links import LinkedContact
from domain.partners.model import ContactRole
from domain.payments.events import PaymentRejected, PaymentRequested
from domain.payments.ledger import PaymentKind, payment_id_for
from domain.payments.state import PaymentStatus
from domain.state import PathwayState
from domain.values import Actor, Role
from tests.scenarios import PATHWAY_ID, SUPERVISOR, Scenario
from tests.unit.test_measures_housing_social import HOSTING
from tests.unit.test_measures_work import WORK_GRANT, progress, start

TUTOR = Actor(id="acc-rizzo", role=Role.PARTNER, partner_id="sartoria", contact_id="rizzo")
TEACHER = Actor(id="acc-bianchi", role=Role.PARTNER, partner_id="cpia", contact_id="bianchi")
STRANGER = Actor(id="acc-x", role=Role.PARTNER, partner_id="sartoria", contact_id="other")
COURSE = {
    "kind": "training_course",
    "subject": "italian_l2",
    "title": "Italiano A2",
    "provider": "CPIA Lecce",
    "planned_hours": 100,
    "start_on": "2026-03-03",
}
SCHOOL = {"kind": "school_support", "school": "IC Lecce Centro", "start_on": "2026-03-03"}
CLUB = {
    "kind": "association_membership",
    "association": "ASD Calcio Lecce",
    "category": "sports",
    "start_on": "2026-03-03",
}


@dataclass
class Linked(Scenario):
    """A scenario whose state carries partner links (the test helper of the module doc)."""

    links: dict[str, tuple[LinkedContact, ...]] = field(default_factory=dict)

    @property
    def state(self) -> PathwayState:
        return super().state.model_copy(update={"partner_links": self.links})

    def link(self, measure_id: str, actor: Actor, role: ContactRole) -> Linked:
        assert actor.partner_id and actor.contact_id
        made = LinkedContact(
            partner_id=actor.partner_id,
            contact_id=actor.contact_id,
            contact_role=role,
            partner_name="Partner",
            partner_kind="host_company",
            organisation_id="org-lecce",
        )
        self.links = {**self.links, measure_id: (*self.links.get(measure_id, ()), made)}
        return self


def network() -> Linked:
    """Active work grant (tutor linked), course (teacher linked), hosting, school, club."""
    s = Linked().active(
        ("wg", "work_grant"),
        ("it", "training_course"),
        ("home", "housing_placement"),
        ("school", "school_support"),
        ("club", "association_membership"),
    )
    payee = {"name": "Amina Diallo", "iban": "IT65A0306909606100000063579"}
    s.given(start("wg", **WORK_GRANT, payee=payee)).given(start("it", **COURSE))
    s.given(start("home", **HOSTING)).given(start("school", **SCHOOL, minor_id="m1"))
    s.given(start("club", **CLUB))
    s.given(progress("home", kind="moved_in", on="2026-03-04", at="10:00"))
    s.link("wg", TUTOR, ContactRole.TUTOR).link("it", TEACHER, ContactRole.TEACHER)
    for measure_id in ("home", "school", "club"):
        s.link(measure_id, TUTOR, ContactRole.REFERENT)
    return s


def attendance(month: str, hours: int) -> dict[str, Any]:
    return progress(
        "wg", kind="work_grant_attendance", month=month, hours_verified=hours, verified_by="Rizzo"
    )


ALLOWED = [
    ("wg", TUTOR, {"kind": "work_grant_attendance", "month": "2026-05", "hours_verified": 80,
                   "verified_by": "G. Rizzo"}),
    ("it", TEACHER, {"kind": "course_attendance", "period_end": "2026-03-31", "hours": 40}),
    ("it", TEACHER, {"kind": "course_level_reached", "on": "2026-06-10", "cefr_level": "a2"}),
    ("it", TEACHER, {"kind": "course_level_reached", "on": "2026-06-10",
                     "certificate_name": "CILS A2"}),
    ("home", TUTOR, {"kind": "hosting_communication_sent", "on": "2026-03-04",
                     "authority": "Questura"}),
    ("school", TUTOR, {"kind": "tutoring_hours", "month": "2026-03", "hours": 12}),
    ("club", TUTOR, {"kind": "membership_joined", "on": "2026-03-04"}),
]  # fmt: skip


@pytest.mark.parametrize(("measure_id", "actor", "entry"), ALLOWED)
def test_a_linked_partner_records_its_steps_as_figures(
    measure_id: str, actor: Actor, entry: dict[str, Any]
) -> None:
    s = network()
    recorded, *_ = s.decide(progress(measure_id, **entry), actor)
    assert isinstance(recorded, MeasureProgressRecorded)
    s.given(progress(measure_id, **entry), actor)
    [figure] = s.state.figures.by_id.values()
    assert (figure.measure_id, figure.progress_kind) == (measure_id, entry["kind"])
    assert (figure.partner_id, figure.contact_id) == (actor.partner_id, actor.contact_id)
    assert figure.status == FigureStatus.RECORDED


def test_the_tutors_hours_request_the_allowance() -> None:
    _, requested = network().decide(attendance("2026-05", 65), TUTOR)
    assert isinstance(requested, PaymentRequested) and requested.amount == 37_500


def test_a_partner_records_only_on_a_measure_it_is_linked_to() -> None:
    s = network()
    with pytest.raises(errors.PartnerNotLinked):
        s.decide(attendance("2026-05", 80), STRANGER)
    with pytest.raises(errors.PartnerNotLinked):  # linked to the course, not the work grant
        s.decide(attendance("2026-05", 80), TEACHER)
    with pytest.raises(errors.PartnerNotLinked):  # an unknown measure is not told apart
        s.decide(progress("nope", kind="membership_joined", on="2026-03-04"), TUTOR)


def test_a_partner_records_nothing_but_its_steps() -> None:
    s = network()
    with pytest.raises(errors.PartnerRecordForbidden):  # a step, but not a partner's
        s.decide(
            progress("home", kind="rent_contract_registered", monthly_rent=1,
                     registered_on="2026-03-04"),
            TUTOR,
        )  # fmt: skip
    refused: list[dict[str, Any]] = [
        {"type": "add_note", "text": "hello"},
        {"type": "complete_measure", "measure_id": "club",
         "outcome": {"kind": "association_membership", "completed_on": "2026-03-04",
                     "still_member": True}},
        {"type": "request_payment", "measure_id": "it", "kind": "course_fee", "amount": 100,
         "payee": {"name": "CPIA", "iban": "IT60X0542811101000000123456"},
         "evidence_ref": "invoice 1"},
        {"type": "approve_plan"},
        {"type": "close_pathway"},
        {"type": "dispute_figure", "figure_id": "wg.0", "reason": "mine"},
        {"type": "correct_attendance", "measure_id": "wg", "month": "2026-05",
         "hours_verified": 1, "reason": "mine"},
    ]  # fmt: skip
    for command in refused:
        with pytest.raises(errors.PartnerRecordForbidden):
            s.decide(command, TUTOR)


def test_the_catalogue_lists_only_its_own_steps_for_partners() -> None:
    for spec in CATALOGUE.values():
        assert spec.partner_records <= set(spec.progress_kinds()), spec.kind
    partner_steps = {kind for spec in CATALOGUE.values() for kind in spec.partner_records}
    assert partner_steps == {
        "work_grant_attendance",
        "course_attendance",
        "course_level_reached",
        "hosting_communication_sent",
        "tutoring_hours",
        "membership_joined",
    }


def test_a_level_is_named_or_a_certificate_and_a_cefr_level_only_in_italian() -> None:
    s = network()
    with pytest.raises(errors.NotApplicable):
        s.decide(progress("it", kind="course_level_reached", on="2026-06-10"), TEACHER)


def test_the_tutors_hosting_communication_meets_the_48_hours() -> None:
    s = network()
    assert any(o.kind == "hosting_communication" for o in _open(s))
    s.given(
        progress("home", kind="hosting_communication_sent", on="2026-03-05", authority="Questura"),
        TUTOR,
    )
    assert not any(o.kind == "hosting_communication" for o in _open(s))


def _open(s: Scenario) -> list[Any]:
    return obligations(s.state)


def test_with_a_linked_tutor_the_caseworker_does_not_record_the_hours() -> None:
    with pytest.raises(errors.AttendanceByTutor):
        network().decide(attendance("2026-05", 80))


# --- disputes ----------------------------------------------------------------------------


def tutored(hours: int = 80) -> Linked:
    return network().given(attendance("2026-05", hours), TUTOR)


ALLOWANCE = payment_id_for(PATHWAY_ID, "wg", PaymentKind.WORK_GRANT_ALLOWANCE, "2026-05")


def test_a_disputed_figure_shows_as_disputed_until_accepted() -> None:
    s = tutored()
    [disputed] = s.decide({"type": "dispute_figure", "figure_id": "wg.0", "reason": "Too many"})
    assert isinstance(disputed, FigureDisputed)
    s.given({"type": "dispute_figure", "figure_id": "wg.0", "reason": "Too many"})
    assert s.state.figures.by_id["wg.0"].status == FigureStatus.DISPUTED
    with pytest.raises(errors.FigureDisputed):
        s.decide({"type": "dispute_figure", "figure_id": "wg.0", "reason": "Again"})
    with pytest.raises(errors.FigureDisputed):  # its allowance waits for the resolution
        s.decide({"type": "approve_payment", "payment_id": ALLOWANCE}, SUPERVISOR)
    s.given({"type": "resolve_dispute", "figure_id": "wg.0", "note": "Checked the register"})
    assert s.state.figures.by_id["wg.0"].status == FigureStatus.ACCEPTED
    with pytest.raises(errors.FigureNotDisputed):
        s.decide({"type": "resolve_dispute", "figure_id": "wg.0"})
    s.given({"type": "approve_payment", "payment_id": ALLOWANCE}, SUPERVISOR)


def test_only_a_partners_figure_is_disputed() -> None:
    s = tutored()
    with pytest.raises(errors.FigureNotFound):
        s.decide({"type": "dispute_figure", "figure_id": "wg.7", "reason": "No"})
    with pytest.raises(errors.FigureNotDisputed):
        s.decide({"type": "resolve_dispute", "figure_id": "wg.0"})


def correct(hours: int, month: str = "2026-05") -> dict[str, Any]:
    return {
        "type": "correct_attendance",
        "measure_id": "wg",
        "month": month,
        "hours_verified": hours,
        "reason": "The register shows fewer days",
    }


def test_a_correction_resolves_the_dispute_and_recomputes_the_allowance_once() -> None:
    s = tutored(80).given({"type": "dispute_figure", "figure_id": "wg.0", "reason": "No"})
    corrected, resolved, recomputed = s.decide(correct(65))
    assert isinstance(corrected, AttendanceCorrected) and corrected.previous_hours == 80
    assert isinstance(resolved, DisputeResolved) and resolved.outcome == "corrected"
    assert isinstance(recomputed, AllowanceRecomputed) and recomputed.amount == 37_500
    s.given(correct(65))
    payment = s.state.payments[ALLOWANCE]
    assert (payment.amount, payment.status) == (37_500, PaymentStatus.REQUESTED)
    assert s.state.figures.by_id["wg.0"].status == FigureStatus.CORRECTED
    tutors = s.state.measures["wg"].progress_of(WorkGrantAttendance)
    assert [a.hours_verified for a in tutors] == [80]  # the tutor's figure stays in the history
    with pytest.raises(errors.AlreadyRecorded):  # the same correction again changes nothing
        s.decide(correct(65))


def test_a_correction_under_the_minimum_share_rejects_the_allowance() -> None:
    [_, rejected] = tutored(80).decide(correct(20))
    assert isinstance(rejected, PaymentRejected) and rejected.payment_id == ALLOWANCE


def test_a_correction_that_makes_a_month_payable_requests_it() -> None:
    [_, requested] = tutored(20).decide(correct(65))
    assert isinstance(requested, PaymentRequested) and requested.amount == 37_500


def test_an_allowance_in_the_ledger_is_no_longer_corrected() -> None:
    s = tutored(80).given({"type": "approve_payment", "payment_id": ALLOWANCE}, SUPERVISOR)
    with pytest.raises(errors.AllowanceInLedger):
        s.decide(correct(65))


def test_bad_corrections_are_refused_by_their_field() -> None:
    s = tutored(80)
    with pytest.raises(errors.FigureNotFound):
        s.decide(correct(65, month="2026-04"))
    with pytest.raises(errors.HoursExceeded):
        s.decide(correct(120))
    with pytest.raises(errors.MeasureKindMismatch):
        s.decide({**correct(5), "measure_id": "it"})


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=87), st.integers(min_value=0, max_value=87))
def test_a_corrected_month_costs_what_the_corrected_hours_cost(first: int, then: int) -> None:
    s = tutored(first)
    if first == then:
        with pytest.raises(errors.AlreadyRecorded):
            s.decide(correct(then))
        return
    s.given(correct(then))
    fresh = network().decide(attendance("2026-05", then), TUTOR)
    due = sum(e.amount for e in fresh if isinstance(e, PaymentRequested))
    payment = s.state.payments.get(ALLOWANCE)
    live = payment.amount if payment and payment.status == PaymentStatus.REQUESTED else 0
    assert live == due
