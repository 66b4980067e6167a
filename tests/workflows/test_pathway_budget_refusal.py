"""An append refused for its budget line refuses the command; the pathway runs on."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import pytest
from temporalio.worker import Worker

from client.pathway import CommandRefused
from domain.projections import ReadModelUpdate
from domain.records import EventRecord
from domain.stream import stream_id_for
from domain.values import Stage
from infra.eventstore.base import AppendResult, BudgetLineExceeded, BudgetLineMissing
from infra.eventstore.memory import InMemoryEventStore
from tests.scenarios import CONDITION
from tests.workflows.conftest import Harness
from tests.workflows.journey import envelope, opening
from workers.worker import build_worker


class RefusingStore(InMemoryEventStore):
    """Refuses the next append as the budget would, as if its payment did not fit."""

    def __init__(self) -> None:
        super().__init__()
        self.refusal: BudgetLineExceeded | None = None

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        records: Sequence[EventRecord],
        read_models: ReadModelUpdate | None = None,
    ) -> AppendResult:
        refusal, self.refusal = self.refusal, None
        if refusal is not None:
            raise refusal
        return await super().append(stream_id, expected_version, records, read_models)


@pytest.mark.parametrize(
    ("refusal", "code"),
    [
        (
            BudgetLineExceeded("wp2_housing.furniture", "pay-x/1", 500_00, 120_00),
            "budget_line_exceeded",
        ),
        (BudgetLineMissing("wp2_housing.furniture", "pay-x/1", 500_00), "budget_line_missing"),
    ],
)
async def test_a_budget_refusal_reaches_the_sender_and_records_nothing(
    harness: Harness, refusal: BudgetLineExceeded, code: str
) -> None:
    store = RefusingStore()
    pathway_id = f"p-{uuid.uuid4().hex[:12]}"
    worker: Worker = build_worker(harness.env.client, store, harness.task_queue)
    async with worker:
        await harness.pathways.open(opening(pathway_id))
        store.refusal = refusal
        baseline = envelope({"type": "record_baseline", "condition": CONDITION})

        with pytest.raises(CommandRefused) as refused:
            await harness.pathways.send(pathway_id, baseline)

        assert refused.value.code == code
        assert len(await store.read_stream(stream_id_for(pathway_id))) == 1
        state = await harness.pathways.state(pathway_id)
        assert state.version == 1
        # The pathway runs on: the same command, sent again under a new id, is applied.
        again = envelope({"type": "record_baseline", "condition": CONDITION})
        result = await harness.pathways.send(pathway_id, again)
        assert result.version == 2 and result.stage == Stage.ASSESSMENT
