"""Who imports an attendance sheet, and which pathways it may name
(activities.pathways.imports.check_importer, attendance_imports.scope_of), in memory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from activities.pathways.attendance_imports import scope_of
from activities.pathways.imports import check_importer
from domain.errors import RoleForbidden
from domain.values import Actor, Role
from tests.imports.attendance import line
from workflows.bulk_models import ImportAttendance

SHEET = ImportAttendance(
    organisation_id="org-lecce",
    digest="b" * 64,
    filename="presenze.csv",
    rows=({"number": 2, "cells": line("abcd1234", "work_grant-1", "2026-01", 8)},),
)


@dataclass
class Person:
    role: Role
    organisation_id: str | None


PEOPLE = {
    "anna": Person(Role.CASEWORKER, "org-lecce"),
    "sara": Person(Role.SUPERVISOR, "org-lecce"),
    "marta": Person(Role.CASEWORKER, "org-nardo"),
    "pia": Person(Role.PARTNER, "org-lecce"),
    "aldo": Person(Role.AUDITOR, "org-lecce"),
}


class Accounts:
    async def get_account(self, account_id: str) -> Person | None:
        return PEOPLE.get(account_id)


@dataclass
class Summary:
    pathway_id: str


class Caseload:
    """Two of anna's pathways and one of luca's at org-lecce, one at org-nardo."""

    rows = (
        ("p1", "org-lecce", "anna"),
        ("p2", "org-lecce", "luca"),
        ("p3", "org-nardo", "marta"),
        ("p4", "org-lecce", "anna"),
    )

    async def list_summaries(
        self, *, organisation_id: str, caseworker_id: str | None, limit: int, offset: int, **_: Any
    ) -> list[Summary]:
        found = [
            Summary(p)
            for p, o, c in self.rows
            if o == organisation_id and caseworker_id in (None, c)
        ]
        return found[offset : offset + limit]


@pytest.mark.parametrize("who", ["anna", "sara"])
async def test_case_work_of_the_organisation_imports_its_attendance(who: str) -> None:
    actor = Actor(id=who, role=PEOPLE[who].role)
    await check_importer(SHEET, actor, Accounts())
    await check_importer(SHEET, Actor(id="cora", role=Role.COORDINATOR), Accounts())


@pytest.mark.parametrize("who", ["marta", "pia", "aldo"])
async def test_a_partner_an_auditor_and_another_organisation_never_import(who: str) -> None:
    with pytest.raises(RoleForbidden):
        await check_importer(SHEET, Actor(id=who, role=PEOPLE[who].role), Accounts())


async def test_a_caseworkers_sheet_names_her_caseload_a_supervisors_the_organisations() -> None:
    anna = Actor(id="anna", role=Role.CASEWORKER)
    sara = Actor(id="sara", role=Role.SUPERVISOR)
    assert await scope_of(SHEET, anna, Caseload()) == ["p1", "p4"]  # type: ignore[arg-type]
    assert await scope_of(SHEET, sara, Caseload()) == ["p1", "p2", "p4"]  # type: ignore[arg-type]
