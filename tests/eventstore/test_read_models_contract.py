"""The event store contract on read models, which every store passes.

Part of the contract suite (test_append_and_read_contract.py says which files and stores).
Here: a pathway's summary and open obligations are written in the append's transaction, or
not at all; each append replaces the pathway's obligations; the caseload's queries filter
and order them; a rebuild replaces one pathway's read models.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.projections import ReadModelUpdate
from domain.values import Stage
from infra.eventstore.base import EventStore
from tests.eventstore.builders import T0, obligation, read_models, records, summary
from tests.eventstore.contract_pathways import P1, P2, open_pathway, snapshot


async def test_read_models_are_written_with_the_events(store: EventStore) -> None:
    row = summary(P1, 1)
    due = obligation("baseline", T0 + timedelta(days=7), kind="baseline")

    await store.append(P1, 0, records(P1, 0, "c-1"), read_models(row, due))

    assert await store.caseload.get_summary(P1) == row
    assert [(o.pathway_id, o.obligation) for o in await store.caseload.open_obligations()] == [
        (P1, due)
    ]


async def test_a_failed_append_leaves_neither_events_nor_read_models(store: EventStore) -> None:
    batch = records(P1, 0, "c-1", 2)
    # The last record cannot be stored (a set is not JSON), after everything else was written.
    poisoned = [batch[0], batch[1].model_copy(update={"data": {"ids": {"m-1"}}})]

    with pytest.raises(TypeError):
        await store.append(P1, 0, poisoned, read_models(summary(P1, 2), obligation("b", T0)))

    assert await snapshot(store) == ([], None, [])
    assert await store.stream_version(P1) == 0
    # The stream is still writable at version 0 and positions keep increasing.
    result = await store.append(P1, 0, batch, read_models(summary(P1, 2)))
    assert result.first_version == 1


async def test_obligations_are_replaced_on_each_append(store: EventStore) -> None:
    await open_pathway(store)
    await open_pathway(store, P2)
    assessment = obligation("assessment", T0 + timedelta(days=30), kind="assessment")
    target = obligation("measure:m-1:target", T0 + timedelta(days=60), "target", "m-1")

    await store.append(
        P1, 1, records(P1, 1, "c-2"), read_models(summary(P1, 2), assessment, target)
    )

    assert [o.obligation for o in await store.caseload.open_obligations(pathway_id=P1)] == [
        assessment,
        target,
    ]
    await store.append(P1, 2, records(P1, 2, "c-3"), read_models(summary(P1, 3)))
    assert await store.caseload.open_obligations(pathway_id=P1) == []
    # The other pathway's obligations are untouched.
    assert [o.obligation.obligation_id for o in await store.caseload.open_obligations()] == [
        "baseline"
    ]


async def test_open_obligations_due_before_an_instant_earliest_first(store: EventStore) -> None:
    early = obligation("baseline", T0 + timedelta(days=2))
    late = obligation("assessment", T0 + timedelta(days=30))
    other = obligation("baseline", T0 + timedelta(days=1))
    await store.append(P1, 0, records(P1, 0, "c-1"), read_models(summary(P1, 1), late, early))
    await store.append(P2, 0, records(P2, 0, "c-2"), read_models(summary(P2, 1), other))

    due = await store.caseload.open_obligations(due_before=T0 + timedelta(days=2))
    everything = await store.caseload.open_obligations()

    assert [(o.pathway_id, o.obligation) for o in due] == [(P2, other)]
    assert [(o.pathway_id, o.obligation) for o in everything] == [
        (P2, other),
        (P1, early),
        (P1, late),
    ]
    assert len(await store.caseload.open_obligations(limit=1)) == 1


async def test_list_summaries_filters_and_orders_by_next_deadline(store: EventStore) -> None:
    day = timedelta(days=1)
    active = Stage.ACTIVE
    rows = {
        pathway_id: summary(
            pathway_id, 1, organisation_id=org, caseworker_id=cw, stage=stage, next_deadline=due
        )
        for pathway_id, org, cw, stage, due in [
            ("pw-a", "org-a", "cw-1", Stage.RECEPTION, T0 + 3 * day),
            ("pw-b", "org-a", "cw-2", active, T0 + day),
            ("pw-c", "org-b", "cw-3", Stage.RECEPTION, None),
            ("pw-d", "org-a", "cw-1", active, None),
            ("pw-e", "org-b", "cw-3", Stage.RECEPTION, T0 + 2 * day),
        ]
    }
    for pathway_id, row in rows.items():
        opening = records(pathway_id, 0, f"{pathway_id}-open")
        await store.append(pathway_id, 0, opening, read_models(row))

    async def ids(**filters: object) -> list[str]:
        return [s.pathway_id for s in await store.caseload.list_summaries(**filters)]  # type: ignore[arg-type]

    assert await ids() == ["pw-b", "pw-e", "pw-a", "pw-c", "pw-d"]
    assert await ids(organisation_id="org-a") == ["pw-b", "pw-a", "pw-d"]
    assert await ids(caseworker_id="cw-1") == ["pw-a", "pw-d"]
    assert await ids(stage=Stage.ACTIVE) == ["pw-b", "pw-d"]
    assert await ids(organisation_id="org-a", caseworker_id="cw-1", stage=Stage.ACTIVE) == ["pw-d"]
    assert await ids(organisation_id="org-none") == []
    assert await ids(limit=2, offset=2) == ["pw-a", "pw-c"]
    assert await store.caseload.list_summaries(caseworker_id="cw-2") == [rows["pw-b"]]


async def test_replace_read_models_overwrites_one_pathway(store: EventStore) -> None:
    await open_pathway(store)
    await open_pathway(store, P2)
    rebuilt = summary(P1, 1, stage=Stage.ASSESSMENT)
    due = obligation("assessment", T0 + timedelta(days=30))

    await store.replace_read_models(ReadModelUpdate(summary=rebuilt, obligations=(due,)))

    assert await store.caseload.get_summary(P1) == rebuilt
    assert [o.obligation for o in await store.caseload.open_obligations(pathway_id=P1)] == [due]
    assert len(await store.caseload.open_obligations(pathway_id=P2)) == 1
    assert len(await store.read_all()) == 2
