"""What is read of the pathways' read models: their summaries and obligations (the caseload).

Queries apart from the writers: the summary and obligations are written by one writer in
each store (`infra.eventstore.postgres_caseload_writer`, `InMemoryCaseload`), run in the
append's transaction; pages, the API and the workers read them through `CaseloadQueries`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Protocol

from domain.projections import Obligation, PathwaySummary
from domain.values import Frozen, ProtectionStatus, Stage


class CaseloadSort(StrEnum):
    """The orders a caseload list comes in; every one ends on the pathway id, so a page
    boundary falls in the same place on every read of unchanged rows."""

    NEXT_DEADLINE = "next_deadline"
    """Most urgent first; pathways without a deadline last."""
    OPENED = "opened"
    """Oldest opening first."""
    OPENED_DESC = "-opened"
    """Newest opening first."""
    STAGE = "stage"
    """In the order a pathway goes through the stages, then most urgent first."""


class OpenObligation(Frozen):
    """One row of the escalation inbox: an obligation and the pathway that owes it."""

    pathway_id: str
    obligation: Obligation


class OverdueObligation(Frozen):
    """An obligation past its due instant, with whose caseload it is in."""

    pathway_id: str
    organisation_id: str
    caseworker_id: str
    obligation: Obligation


class CaseloadQueries(Protocol):
    """The pathways' caseload rows and the obligations they owe."""

    async def get_summary(self, pathway_id: str) -> PathwaySummary | None:
        """The pathway's caseload row, if any."""
        ...

    async def list_summaries(
        self,
        *,
        organisation_id: str | None = None,
        caseworker_id: str | None = None,
        stage: Stage | None = None,
        measure_kind: str | None = None,
        protection_status: ProtectionStatus | None = None,
        overdue_at: datetime | None = None,
        sort: CaseloadSort = CaseloadSort.NEXT_DEADLINE,
        limit: int = 100,
        offset: int = 0,
    ) -> list[PathwaySummary]:
        """Caseload rows matching every filter given, in the `sort` order.

        `measure_kind` keeps the pathways with a measure of that kind in their plan;
        `overdue_at` those owing an obligation due by that instant and not suspended (what
        `overdue_obligations` lists).
        """
        ...

    async def count_summaries(
        self,
        *,
        organisation_id: str | None = None,
        caseworker_id: str | None = None,
        stage: Stage | None = None,
        measure_kind: str | None = None,
        protection_status: ProtectionStatus | None = None,
        overdue_at: datetime | None = None,
    ) -> int:
        """How many caseload rows `list_summaries` would give with these filters, all pages."""
        ...

    async def open_obligations(
        self,
        *,
        pathway_id: str | None = None,
        due_before: datetime | None = None,
        limit: int = 1000,
    ) -> list[OpenObligation]:
        """Obligations currently owed (due strictly before `due_before`), earliest first."""
        ...

    async def overdue_obligations(
        self,
        now: datetime,
        *,
        caseworker_id: str | None = None,
        organisation_id: str | None = None,
        limit: int = 100,
    ) -> list[OverdueObligation]:
        """Obligations due by `now` in a caseload, an organisation or (neither) the project.

        Earliest due first. Suspended pathways are left out: their clocks are paused and
        their ladders silent until they resume.
        """
        ...
