"""WP1 measures: assessment, titles, courses, work grants, childcare, mobility, self-employment."""

from __future__ import annotations

from typing import Any

import pytest

from domain import errors
from domain.events import MeasureCompleted, MeasureProgressRecorded, MeasureStarted
from domain.measures import MeasureStatus
from tests.scenarios import ASSESSMENT, CONDITION, OPEN, SUPERVISOR, Scenario, plan


def progress(measure_id: str, **entry: Any) -> dict[str, Any]:
    return {"type": "record_measure_progress", "measure_id": measure_id, "progress": entry}


def complete(measure_id: str, **outcome: Any) -> dict[str, Any]:
    return {"type": "complete_measure", "measure_id": measure_id, "outcome": outcome}


def start(measure_id: str, **details: Any) -> dict[str, Any]:
    return {"type": "start_measure", "measure_id": measure_id, "details": details}


WORK_GRANT = {
    "kind": "work_grant",
    "host_company": "Sartoria Salentina",
    "tutor": "G. Rizzo",
    "start_on": "2026-04-01",
    "end_on": "2026-09-30",
    "hours_per_week": 20,
    "monthly_allowance": 50000,
}


def test_a_planned_re_assessment_completes_with_an_assessment() -> None:
    s = Scenario().active(("sa2", "skills_assessment"))
    s.given(start("sa2", kind="skills_assessment", assessor="Bilanci Lecce", start_on="2026-03-03"))
    s.given(complete("sa2", kind="skills_assessment", assessment=ASSESSMENT["assessment"]))
    assert s.state.measures["sa2"].status == MeasureStatus.COMPLETED


def test_a_start_must_match_the_planned_kind() -> None:
    s = Scenario().active(("bike", "mobility"))
    with pytest.raises(errors.MeasureKindMismatch):
        s.decide(start("bike", kind="social_event", programme="x", start_on="2026-03-03"))
    with pytest.raises(errors.MeasureNotFound):
        s.decide(start("nope", kind="mobility", route="bicycle", start_on="2026-03-03"))


def test_title_recognition_is_submitted_before_it_is_issued() -> None:
    s = Scenario().active(("tr", "title_recognition"))
    s.given(
        start(
            "tr",
            kind="title_recognition",
            title="Baccalauréat",
            route="cimea_comparability",
            start_on="2026-03-03",
        )
    )
    with pytest.raises(errors.StepOutOfOrder):
        s.decide(complete("tr", kind="title_recognition", result="issued", decided_on="2026-05-01"))
    s.given(progress("tr", kind="title_submitted", authority="CIMEA", submitted_on="2026-03-04"))
    with pytest.raises(errors.StepOutOfOrder):
        s.decide(
            progress("tr", kind="title_submitted", authority="CIMEA", submitted_on="2026-03-05")
        )
    [done] = s.decide(
        complete("tr", kind="title_recognition", result="issued", decided_on="2026-05-01")
    )
    assert isinstance(done, MeasureCompleted)


def test_course_hours_never_exceed_the_planned_hours() -> None:
    s = Scenario().active(("it", "training_course"))
    s.given(
        start(
            "it",
            kind="training_course",
            subject="italian_l2",
            title="Italiano A2",
            provider="CPIA Lecce",
            planned_hours=100,
            start_on="2026-03-03",
        )
    )
    s.given(progress("it", kind="course_attendance", period_end="2026-03-31", hours=60))
    with pytest.raises(errors.HoursExceeded):
        s.decide(progress("it", kind="course_attendance", period_end="2026-04-30", hours=41))
    assert s.decide(progress("it", kind="course_attendance", period_end="2026-04-30", hours=40))


def test_a_cefr_level_belongs_to_italian_courses_only() -> None:
    s = Scenario().active(("dig", "training_course"))
    s.given(
        start(
            "dig",
            kind="training_course",
            subject="digital_skills",
            title="Informatica di base",
            provider="CPIA Lecce",
            planned_hours=40,
            start_on="2026-03-03",
        )
    )
    with pytest.raises(errors.NotApplicable):
        s.decide(
            complete(
                "dig",
                kind="training_course",
                certificate=True,
                completed_on="2026-05-01",
                cefr_level_reached="a2",
            )
        )
    assert s.decide(
        complete("dig", kind="training_course", certificate=True, completed_on="2026-05-01")
    )


@pytest.mark.parametrize(
    ("end_on", "valid"),
    [
        ("2026-05-30", False),
        ("2026-05-31", True),
        ("2027-03-31", True),
        ("2027-04-01", False),
        ("2026-03-01", False),
    ],
)
def test_a_work_grant_lasts_two_to_twelve_months(end_on: str, valid: bool) -> None:
    s = Scenario().active(("wg", "work_grant"))
    command = start("wg", **{**WORK_GRANT, "end_on": end_on})
    if valid:
        assert isinstance(s.decide(command)[0], MeasureStarted)
    else:
        with pytest.raises(errors.WorkGrantDurationInvalid):
            s.decide(command)


def test_work_grant_attendance_is_monthly_within_the_grant() -> None:
    s = Scenario().active(("wg", "work_grant")).given(start("wg", **WORK_GRANT))
    attendance = {"kind": "work_grant_attendance", "hours_verified": 80, "verified_by": "G. Rizzo"}
    assert isinstance(
        s.decide(progress("wg", month="2026-04", **attendance))[0], MeasureProgressRecorded
    )
    with pytest.raises(errors.OutsidePeriod):
        s.decide(progress("wg", month="2026-10", **attendance))
    with pytest.raises(errors.HoursExceeded):
        s.decide(progress("wg", month="2026-04", **{**attendance, "hours_verified": 100}))
    s.given(progress("wg", month="2026-04", **attendance))
    with pytest.raises(errors.AlreadyRecorded):
        s.decide(progress("wg", month="2026-04", **attendance))


def test_childcare_needs_a_minor_or_a_pregnancy() -> None:
    childcare = {
        "kind": "childcare",
        "provider": "Coop. Il Melograno",
        "hours_per_week": 10,
        "start_on": "2026-03-03",
    }
    no_children = Scenario().given({**OPEN, "household": {"adults": 1}})
    no_children.given({"type": "record_baseline", "condition": CONDITION})
    no_children.given(ASSESSMENT).given(plan(("cc", "childcare"))).given(
        {"type": "approve_plan"}, SUPERVISOR
    )
    with pytest.raises(errors.NoMinorInHousehold):
        no_children.decide(start("cc", **childcare))
    no_children.given(
        {"type": "update_household", "household": {"adults": 1, "pregnancy_declared": True}}
    )
    assert no_children.decide(start("cc", **childcare))

    with_child = Scenario().active(("cc", "childcare"))
    with pytest.raises(errors.MinorNotInHousehold):
        with_child.decide(start("cc", **childcare, minor_ids=["m9"]))
    with pytest.raises(errors.NoMinorInHousehold):
        with_child.decide(start("cc", **childcare))
    assert with_child.decide(start("cc", **childcare, minor_ids=["m1"]))


def test_a_driving_licence_follows_its_steps_in_order() -> None:
    s = Scenario().active(("dl", "mobility"))
    s.given(
        start(
            "dl",
            kind="mobility",
            route="driving_licence",
            provider="Autoscuola Lecce",
            start_on="2026-03-03",
        )
    )
    step = {"kind": "mobility_step", "on": "2026-03-04"}
    with pytest.raises(errors.StepOutOfOrder):
        s.decide(progress("dl", step="theory_passed", **step))
    with pytest.raises(errors.NotApplicable):
        s.decide(progress("dl", step="conversion_requested", **step))
    s.given(progress("dl", step="enrolled", **step)).given(
        progress("dl", step="theory_passed", **step)
    )
    with pytest.raises(errors.StepOutOfOrder):
        s.decide(complete("dl", kind="mobility", result="licence_obtained", on="2026-06-01"))
    with pytest.raises(errors.NotApplicable):
        s.decide(complete("dl", kind="mobility", result="bicycle_delivered", on="2026-06-01"))
    s.given(progress("dl", step="practical_passed", **step))
    assert s.decide(complete("dl", kind="mobility", result="licence_obtained", on="2026-06-01"))


def test_a_foreign_licence_is_converted_within_a_year_of_residence() -> None:
    s = Scenario().active(("cv", "mobility"))  # resident since 2025-09-01
    with pytest.raises(errors.LicenceConversionExpired):
        s.decide(start("cv", kind="mobility", route="licence_conversion", start_on="2026-09-02"))
    assert s.decide(start("cv", kind="mobility", route="licence_conversion", start_on="2026-03-03"))


def test_micro_credit_referral_needs_a_business_idea() -> None:
    s = Scenario().active(("se", "self_employment_orientation"))
    s.given(
        start(
            "se",
            kind="self_employment_orientation",
            provider="Camera di Commercio",
            start_on="2026-03-03",
        )
    )
    referral = {
        "kind": "microcredit_referral",
        "institution": "Ente Microcredito",
        "on": "2026-04-01",
    }
    with pytest.raises(errors.StepOutOfOrder):
        s.decide(progress("se", **referral))
    s.given(progress("se", kind="orientation_session", on="2026-03-10", topic="Business plan"))
    s.given(progress("se", kind="business_idea", summary="Tailoring workshop"))
    s.given(progress("se", **referral))
    with pytest.raises(errors.AlreadyRecorded):
        s.decide(progress("se", **referral))


def test_progress_of_another_kind_is_refused() -> None:
    s = (
        Scenario()
        .active(("bike", "mobility"))
        .given(start("bike", kind="mobility", route="bicycle", start_on="2026-03-03"))
    )
    with pytest.raises(errors.MeasureKindMismatch):
        s.decide(progress("bike", kind="membership_joined", on="2026-03-04"))
    with pytest.raises(errors.MeasureKindMismatch):
        s.decide(complete("bike", kind="social_event", completed_on="2026-03-04"))


def test_progress_needs_a_started_measure() -> None:
    s = Scenario().active(("bike", "mobility"))
    with pytest.raises(errors.MeasureStatusInvalid):
        s.decide(complete("bike", kind="mobility", result="bicycle_delivered", on="2026-03-04"))
