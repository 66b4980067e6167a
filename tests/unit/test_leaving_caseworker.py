"""Whose caseload a bulk reassignment may hand over: a caseworker of the organisation, even
one who has left (deactivated); anyone else is refused alike, as `caseworker_not_eligible`."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from domain import errors
from domain.assignment import check_assignee, check_leaving
from domain.values import Role


@dataclass(frozen=True)
class Facts:
    role: Role
    organisation_id: str | None
    active: bool = True


def test_a_caseworker_who_has_left_still_hands_over_but_takes_nothing() -> None:
    gone = Facts(Role.CASEWORKER, "org-lecce", active=False)
    check_leaving("anna", gone, "org-lecce")
    with pytest.raises(errors.CaseworkerNotEligible):
        check_assignee("anna", gone, "org-lecce")


@pytest.mark.parametrize(
    "facts",
    [
        None,
        Facts(Role.CASEWORKER, "org-nardo"),
        Facts(Role.SUPERVISOR, "org-lecce"),
        Facts(Role.COORDINATOR, None),
    ],
    ids=["nobody", "another organisation", "a supervisor", "the coordinator"],
)
def test_no_one_but_a_caseworker_of_the_organisation_leaves_a_caseload(facts: Facts | None) -> None:
    with pytest.raises(errors.CaseworkerNotEligible) as refused:
        check_leaving("x", facts, "org-lecce")
    assert (refused.value.code, refused.value.field) == (
        "caseworker_not_eligible",
        "from_caseworker_id",
    )
