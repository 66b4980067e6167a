"""A caseload's rows are checked by the opening's own rules, each problem by row and column
(domain.imports.caseload): given these rows, then these problems."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.imports.caseload import check_caseload, command_id_for, pathway_id_for
from domain.imports.rows import ImportRow
from domain.values import Actor, Role
from tests.imports.rows import row

NOW = datetime(2026, 12, 6, 10, tzinfo=UTC)
SARA = Actor(id="sara", role=Role.SUPERVISOR)


def problems(*rows: ImportRow, actor: Actor = SARA) -> list[list[tuple[str | None, str]]]:
    checks = check_caseload(
        rows, digest="f" * 64, organisation_id="org-lecce", actor=actor, now=NOW
    )
    return [[(p.column, p.code) for p in c.problems] for c in checks]


def test_a_valid_row_becomes_the_opening_the_page_would_send() -> None:
    (check,) = check_caseload(
        (row(2),), digest="f" * 64, organisation_id="org-lecce", actor=SARA, now=NOW
    )
    assert check.problems == ()
    assert check.opening is not None
    assert check.opening.command_id == command_id_for("f" * 64, 2)
    opening = check.opening.command
    assert opening.type == "open_pathway"
    assert opening.pathway_id == pathway_id_for("f" * 64, 2) == check.pathway_id
    assert opening.beneficiary.birth_date.isoformat() == "1990-03-12"
    assert opening.beneficiary.nationality == "NG"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"family_name": ""}, [("family_name", "missing_field")]),
        ({"birth_date": "31/02/1990"}, [("birth_date", "invalid_date")]),
        ({"birth_date": "ieri"}, [("birth_date", "invalid_date")]),
        ({"adults": "due"}, [("adults", "invalid_number")]),
        ({"protection_status": "rifugiato"}, [("protection_status", "unknown_value")]),
        ({"nationality": "Nigeria"}, [("nationality", "invalid_value")]),
        ({"resident_since": "2099-01-01"}, [("resident_since", "fact_in_future")]),
        (
            {"gender": "", "permit_expires_on": "x"},
            [("gender", "missing_field"), ("permit_expires_on", "invalid_date")],
        ),
    ],
)
def test_each_problem_is_reported_by_column_with_its_code(
    changes: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    assert problems(row(2, **changes)) == [expected]


def test_a_document_number_seen_in_an_earlier_row_is_a_duplicate_and_not_opened() -> None:
    first, again = row(2), row(5, document_number="ab-000002")
    checks = check_caseload(
        (first, row(3), again), digest="f" * 64, organisation_id="org-lecce", actor=SARA, now=NOW
    )
    assert [[p.code for p in c.problems] for c in checks] == [[], [], ["duplicate_in_file"]]
    assert checks[2].opening is None
    assert "row 2" in checks[2].problems[0].message


def test_a_caseworkers_rows_without_a_caseworker_are_theirs_and_others_must_name_one() -> None:
    anna = Actor(id="anna", role=Role.CASEWORKER)
    assert problems(row(2, caseworker_id=""), actor=anna) == [[]]
    assert problems(row(2, caseworker_id="")) == [[("caseworker_id", "missing_field")]]


def test_who_may_not_open_a_pathway_has_every_row_refused_by_the_decider() -> None:
    assert problems(row(2), actor=Actor(id="ivo", role=Role.AUDITOR)) == [
        [(None, "role_forbidden")]
    ]


def test_the_same_file_and_row_give_the_same_ids_and_another_file_others() -> None:
    assert pathway_id_for("a" * 64, 2) == pathway_id_for("a" * 64, 2)
    assert pathway_id_for("a" * 64, 2) != pathway_id_for("b" * 64, 2)
    assert command_id_for("a" * 64, 2) != command_id_for("a" * 64, 3)
