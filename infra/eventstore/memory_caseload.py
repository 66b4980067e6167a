"""The caseload of the in-memory event store: summaries and obligations, written and read.

Like the rest of the in-memory store, no method awaits: on one event loop each call is
atomic. The Postgres twin keeps the writer (`postgres_caseload_writer`) and the queries
(`postgres_caseload`) in modules apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from domain.projections import Obligation, PathwaySummary, ReadModelUpdate
from domain.records import EventRecord
from domain.values import ProtectionStatus, Stage
from infra.eventstore.base import check_page, require_aware
from infra.eventstore.queries import CaseloadSort, OpenObligation, OverdueObligation

_NO_DEADLINE = datetime.min.replace(tzinfo=UTC)


class InMemoryCaseload:
    """`CaseloadQueries` in dictionaries, and the caseload's writer."""

    def __init__(self) -> None:
        self._summaries: dict[str, PathwaySummary] = {}
        self._obligations: dict[str, tuple[Obligation, ...]] = {}

    def check(self, update: ReadModelUpdate) -> None:
        """Nothing to refuse: `check_read_models` has checked the obligations."""

    def on_append(self, records: Sequence[EventRecord], update: ReadModelUpdate) -> None:
        """Replace the pathway's summary and obligations."""
        self._write(update)

    def on_rebuild(self, update: ReadModelUpdate) -> None:
        """Replace the pathway's summary and obligations."""
        self._write(update)

    def _write(self, update: ReadModelUpdate) -> None:
        pathway_id = update.summary.pathway_id
        self._summaries[pathway_id] = update.summary
        self._obligations[pathway_id] = update.obligations

    async def get_summary(self, pathway_id: str) -> PathwaySummary | None:
        """See `CaseloadQueries.get_summary`."""
        return self._summaries.get(pathway_id)

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
        """See `CaseloadQueries.list_summaries`."""
        check_page(limit, offset)
        rows = self._matching(
            organisation_id, caseworker_id, stage, measure_kind, protection_status, overdue_at
        )
        rows.sort(key=_urgency)
        if sort == CaseloadSort.OPENED:
            rows.sort(key=lambda s: (s.opened_at, s.pathway_id))
        elif sort == CaseloadSort.OPENED_DESC:
            rows.sort(key=lambda s: s.pathway_id)
            rows.sort(key=lambda s: s.opened_at, reverse=True)
        elif sort == CaseloadSort.STAGE:
            rows.sort(key=lambda s: _STAGE_ORDER[s.stage])
        return rows[offset : offset + limit]

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
        """See `CaseloadQueries.count_summaries`."""
        return len(
            self._matching(
                organisation_id, caseworker_id, stage, measure_kind, protection_status, overdue_at
            )
        )

    def _matching(
        self,
        organisation_id: str | None,
        caseworker_id: str | None,
        stage: Stage | None,
        measure_kind: str | None,
        protection_status: ProtectionStatus | None,
        overdue_at: datetime | None,
    ) -> list[PathwaySummary]:
        if overdue_at is not None:
            require_aware(overdue_at, "overdue_at")
        return [
            s
            for s in self._summaries.values()
            if (organisation_id is None or s.organisation_id == organisation_id)
            and (caseworker_id is None or s.caseworker_id == caseworker_id)
            and (stage is None or s.stage == stage)
            and (measure_kind is None or measure_kind in s.measure_kinds)
            and (protection_status is None or s.protection_status == protection_status)
            and (overdue_at is None or _overdue(s, overdue_at))
        ]

    async def open_obligations(
        self,
        *,
        pathway_id: str | None = None,
        due_before: datetime | None = None,
        limit: int = 1000,
    ) -> list[OpenObligation]:
        """See `CaseloadQueries.open_obligations`."""
        check_page(limit)
        if due_before is not None:
            require_aware(due_before, "due_before")
        rows = [
            OpenObligation(pathway_id=owner, obligation=obligation)
            for owner, obligations in self._obligations.items()
            if pathway_id is None or owner == pathway_id
            for obligation in obligations
            if due_before is None or obligation.due_at < due_before
        ]
        rows.sort(key=lambda r: (r.obligation.due_at, r.pathway_id, r.obligation.obligation_id))
        return rows[:limit]

    async def overdue_obligations(
        self,
        now: datetime,
        *,
        caseworker_id: str | None = None,
        organisation_id: str | None = None,
        limit: int = 100,
    ) -> list[OverdueObligation]:
        """See `CaseloadQueries.overdue_obligations`."""
        require_aware(now, "now")
        check_page(limit)
        rows = [
            OverdueObligation(
                pathway_id=row.pathway_id,
                organisation_id=row.organisation_id,
                caseworker_id=row.caseworker_id,
                obligation=obligation,
            )
            for row in self._summaries.values()
            if not row.suspended
            and (caseworker_id is None or row.caseworker_id == caseworker_id)
            and (organisation_id is None or row.organisation_id == organisation_id)
            for obligation in self._obligations.get(row.pathway_id, ())
            if obligation.due_at <= now
        ]
        rows.sort(key=lambda r: (r.obligation.due_at, r.pathway_id, r.obligation.obligation_id))
        return rows[:limit]


_STAGE_ORDER = {stage: n for n, stage in enumerate(Stage)}


def _overdue(summary: PathwaySummary, now: datetime) -> bool:
    """Whether the pathway owes something due by `now` (its earliest deadline is due)."""
    deadline = summary.next_deadline
    return not summary.suspended and deadline is not None and deadline <= now


def _urgency(summary: PathwaySummary) -> tuple[bool, datetime, str]:
    """Sort key: earliest next deadline first, pathways without one last, then by id."""
    deadline = summary.next_deadline
    return (deadline is None, deadline or _NO_DEADLINE, summary.pathway_id)
