"""An attendance sheet's rows are checked by the recording's own rules, each problem by row and
column (domain.imports.attendance): given a pathway's state and these rows, then these
problems."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.imports.attendance import (
    check_attendance,
    command_id_for,
    row_id_for,
)
from domain.imports.rows import ImportRow
from domain.imports.sheet_names import MEASURE_NAMES, MONTHLY_KINDS, measure_id_of, pathway_of
from domain.partners.links import LinkedContact
from domain.partners.model import ContactRole
from domain.state import PathwayState
from domain.values import Actor, Role
from tests.scenarios import CASEWORKER, PATHWAY_ID, Scenario
from tests.unit.test_measures_work import WORK_GRANT, start

NOW = datetime(2026, 12, 6, 10, tzinfo=UTC)
DIGEST = "a" * 64
OTHER = "p-0002-someone-elses"
COURSE = {
    "kind": "training_course",
    "subject": "italian_l2",
    "title": "Italiano A2",
    "provider": "CPIA Lecce",
    "planned_hours": 100,
    "start_on": "2026-04-01",
}


def pathway() -> PathwayState:
    """Anna's pathway with a work grant (work_grant-1, April to September) and a course."""
    s = Scenario().active(
        ("work_grant-1", "work_grant"),
        ("training_course-1", "training_course"),
        ("mob", "mobility"),
    )
    s.given(start("work_grant-1", **WORK_GRANT))
    s.given(start("training_course-1", **COURSE))
    s.given(start("mob", kind="mobility", route="bicycle", start_on="2026-04-01"))
    return s.state


def row(number: int, **changes: str) -> ImportRow:
    cells = {
        "pathway_code": PATHWAY_ID,
        "measure": "Borsa lavoro (1)",
        "month": "2026-05",
        "hours": "60",
        **changes,
    }
    return ImportRow(number=number, cells=cells)


def checked(
    *rows: ImportRow, actor: Actor = CASEWORKER, state: PathwayState | None = None
) -> list[list[tuple[str | None, str]]]:
    checks = check_attendance(
        rows,
        digest=DIGEST,
        scope=(PATHWAY_ID, OTHER),
        states={PATHWAY_ID: state or pathway()},
        actor=actor,
        now=NOW,
    )
    return [[(p.column, p.code) for p in c.problems] for c in checks]


def test_a_valid_row_becomes_the_recording_the_measures_page_would_send() -> None:
    (check,) = check_attendance(
        (row(2, verified_by=""),),
        digest=DIGEST,
        scope=(PATHWAY_ID,),
        states={PATHWAY_ID: pathway()},
        actor=CASEWORKER,
        now=NOW,
    )
    assert check.problems == ()
    assert check.recording is not None
    assert check.recording.command_id == command_id_for(DIGEST, 2)
    assert check.row_id == row_id_for(DIGEST, 2)
    command = check.recording.command
    assert command.type == "record_measure_progress"
    assert command.measure_id == "work_grant-1"
    assert command.progress.model_dump() == {
        "kind": "work_grant_attendance",
        "month": "2026-05",
        "hours_verified": 60,
        "verified_by": "G. Rizzo",
    }


def test_a_courses_month_is_its_attendance_up_to_the_months_last_day() -> None:
    (check,) = check_attendance(
        (row(2, measure="training_course-1", month="04/2026", hours="12"),),
        digest=DIGEST,
        scope=(PATHWAY_ID,),
        states={PATHWAY_ID: pathway()},
        actor=CASEWORKER,
        now=NOW,
    )
    assert check.recording is not None
    assert check.recording.command.progress.model_dump(mode="json") == {
        "kind": "course_attendance",
        "period_end": "2026-04-30",
        "hours": 12,
    }


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"month": ""}, [("month", "missing_field")]),
        ({"hours": "", "measure": ""}, [("measure", "missing_field"), ("hours", "missing_field")]),
        ({"month": "maggio"}, [("month", "invalid_month")]),
        ({"month": "2026-13"}, [("month", "invalid_month")]),
        ({"hours": "dieci"}, [("hours", "invalid_number")]),
        ({"hours": "=SUM(A1:A3)"}, [("hours", "invalid_number")]),
        ({"pathway_code": OTHER}, [("pathway_code", "not_found")]),
        ({"pathway_code": "nobody-at-all"}, [("pathway_code", "not_found")]),
        ({"pathway_code": "p-00"}, [("pathway_code", "not_found")]),
        ({"measure": "Borsa lavoro (2)"}, [("measure", "not_found")]),
        ({"measure": "mob"}, [("measure", "wrong_measure_kind")]),
        ({"month": "2026-02"}, [("month", "outside_period")]),
        ({"month": "2027-01"}, [("month", "fact_in_future")]),
        ({"hours": "500"}, [("hours", "invalid_value")]),
        ({"hours": "99"}, [("hours", "hours_exceeded")]),
        ({"measure": "training_course-1", "hours": "0"}, [("hours", "invalid_value")]),
        ({"measure": "training_course-1", "hours": "101"}, [("hours", "hours_exceeded")]),
        ({"measure": "training_course-1", "month": "2026-12"}, [("month", "fact_in_future")]),
    ],
)
def test_each_problem_is_reported_by_column_with_its_code(
    changes: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    assert checked(row(2, **changes)) == [expected]


def test_a_pathway_out_of_scope_and_one_that_does_not_exist_read_the_same() -> None:
    unseen = check_attendance(
        (row(2, pathway_code=OTHER), row(3, pathway_code="p-9999-none")),
        digest=DIGEST,
        scope=(PATHWAY_ID,),
        states={PATHWAY_ID: pathway()},
        actor=CASEWORKER,
        now=NOW,
    )
    first, second = (c.problems for c in unseen)
    assert first == second


def test_the_same_pathway_measure_and_month_twice_is_a_duplicate_and_not_recorded() -> None:
    assert checked(row(2), row(3, month="2026-06"), row(5, month="05/2026", hours="10")) == [
        [],
        [],
        [("month", "duplicate_in_file")],
    ]


def test_rows_are_checked_after_the_rows_before_them_so_a_courses_hours_add_up() -> None:
    course = {"measure": "Corso di formazione (1)"}
    assert checked(
        row(2, **course, month="2026-04", hours="60"),
        row(3, **course, month="2026-05", hours="41"),
        row(4, **course, month="2026-06", hours="40"),
    ) == [[], [("hours", "hours_exceeded")], []]


def test_a_month_already_recorded_on_the_pathway_is_flagged_not_recorded_again() -> None:
    s = Scenario().active(("work_grant-1", "work_grant"), ("training_course-1", "training_course"))
    s.given(start("work_grant-1", **WORK_GRANT))
    s.given(start("training_course-1", **COURSE))
    s.given(
        {
            "type": "record_measure_progress",
            "measure_id": "work_grant-1",
            "progress": {
                "kind": "work_grant_attendance",
                "month": "2026-05",
                "hours_verified": 50,
                "verified_by": "G. Rizzo",
            },
        }
    )
    s.given(
        {
            "type": "record_measure_progress",
            "measure_id": "training_course-1",
            "progress": {"kind": "course_attendance", "period_end": "2026-05-15", "hours": 5},
        }
    )
    assert checked(row(2), row(3, measure="training_course-1", hours="5"), state=s.state) == [
        [("month", "already_recorded")],
        [("month", "duplicate_existing")],
    ]


def test_who_may_not_record_has_every_row_refused_by_the_decider() -> None:
    assert checked(row(2), actor=Actor(id="ivo", role=Role.AUDITOR)) == [[(None, "role_forbidden")]]


def test_a_pathway_is_named_by_its_whole_id_or_the_code_the_pages_show() -> None:
    scope = ("3f9a1c22-aaaa", "3f9a1c22-bbbb", "77d0e1f4-cccc")
    assert pathway_of("77d0e1f4", scope) == "77d0e1f4-cccc"
    assert pathway_of("77d0e1f4…", scope) == "77d0e1f4-cccc"
    assert pathway_of("3f9a1c22-bbbb", scope) == "3f9a1c22-bbbb"
    assert pathway_of("3f9a1c22", scope) is None  # two pathways begin so
    assert pathway_of("77d0", scope) is None  # shorter than the pages show


def test_a_measure_is_named_as_the_pages_name_it_or_by_its_id() -> None:
    assert measure_id_of("Borsa lavoro (2)") == "work_grant-2"
    assert measure_id_of("Borsa lavoro (tirocinio) (2)") == "work_grant-2"
    assert measure_id_of(" corso di  formazione(1) ") == "training_course-1"
    assert measure_id_of("work_grant (3)") == "work_grant-3"
    assert measure_id_of("work_grant-1") == "work_grant-1"
    assert measure_id_of("Tirocinio (1)") == "Tirocinio (1)"


def test_the_measures_italian_names_are_the_pages_translations() -> None:
    from web.i18n import translations
    from web.pages.labels import label

    italian = translations("it")
    for kind in MONTHLY_KINDS:
        assert MEASURE_NAMES[label(italian.gettext, kind).lower()] == kind


def test_a_work_grant_with_a_linked_tutor_takes_its_hours_from_the_tutor_only() -> None:
    tutor = LinkedContact(
        contact_id="rizzo",
        partner_id="sartoria",
        partner_name="Sartoria Salentina",
        partner_kind="host_company",
        contact_role=ContactRole.TUTOR,
        organisation_id="org-lecce",
    )
    linked = pathway().model_copy(update={"partner_links": {"work_grant-1": (tutor,)}})
    assert checked(row(2), row(3, measure="training_course-1"), state=linked) == [
        [(None, "attendance_by_tutor")],
        [],
    ]
