"""A pathway's real history (tests.scenarios) appended to a store the way its workflow does:
each command's records with the read models of the state after them."""

from __future__ import annotations

from domain.evolution import fold
from domain.read_models import read_models
from domain.stream import stream_id_for
from infra.eventstore.base import EventStore
from tests.scenarios import PATHWAY_ID, Scenario


async def persist(store: EventStore, scenario: Scenario, pathway_id: str = PATHWAY_ID) -> None:
    """Append the scenario's records not yet in the store, one command at a time."""
    stream = stream_id_for(pathway_id)
    version = await store.stream_version(stream)
    while version < len(scenario.records):
        command_id = scenario.records[version].command_id
        end = version
        while end < len(scenario.records) and scenario.records[end].command_id == command_id:
            end += 1
        batch = scenario.records[version:end]
        before = fold(scenario.records[:version])
        after = fold(batch, before)
        await store.append(stream, version, batch, read_models(after, batch, before=before))
        version = end
