"""Hand-made event records and read models, independent of the domain's event models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from domain.projections import Obligation, PathwaySummary, ReadModelUpdate
from domain.records import EventRecord
from domain.values import Actor, Role, Stage

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
CASEWORKER = Actor(id="cw-1", role=Role.CASEWORKER)


def records(
    stream_id: str,
    expected_version: int,
    command_id: str,
    count: int = 1,
    *,
    recorded_at: datetime = T0,
    data: dict[str, Any] | None = None,
) -> list[EventRecord]:
    """`count` records of one command, following `expected_version`."""
    return [
        EventRecord(
            stream_id=stream_id,
            version=expected_version + i,
            type="PathwayOpened" if expected_version + i == 1 else "ProgressRecorded",
            schema_version=1,
            data=data
            if data is not None
            else {
                "pathway_id": stream_id,
                "household": {"adults": 1, "minors": [{"minor_id": "m-1", "birth_year": 2015}]},
                "note_count": i,
                "tags": ["reception", "cas"],
            },
            actor=CASEWORKER,
            command_id=command_id,
            occurred_at=recorded_at - timedelta(hours=1),
            recorded_at=recorded_at,
        )
        for i in range(1, count + 1)
    ]


def summary(
    pathway_id: str,
    version: int,
    *,
    organisation_id: str = "org-a",
    caseworker_id: str = "cw-1",
    stage: Stage = Stage.RECEPTION,
    next_deadline: datetime | None = T0 + timedelta(days=7),
    updated_at: datetime = T0,
) -> PathwaySummary:
    return PathwaySummary(
        pathway_id=pathway_id,
        organisation_id=organisation_id,
        caseworker_id=caseworker_id,
        stage=stage,
        suspended=False,
        version=version,
        opened_at=T0,
        updated_at=updated_at,
        next_deadline=next_deadline,
        measures_planned=1,
        measures_active=2,
        measures_completed=3,
    )


def obligation(
    obligation_id: str, due_at: datetime, kind: str = "deadline", measure_id: str | None = None
) -> Obligation:
    return Obligation(obligation_id=obligation_id, kind=kind, due_at=due_at, measure_id=measure_id)


def read_models(row: PathwaySummary, *obligations: Obligation) -> ReadModelUpdate:
    return ReadModelUpdate(summary=row, obligations=obligations)


def without_position(stored: list[EventRecord]) -> list[EventRecord]:
    """The records as they were before the store gave them a global position."""
    return [r.model_copy(update={"global_position": None}) for r in stored]
