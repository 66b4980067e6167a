"""Rebuilding the pathways' read models from their events (`pathways projections rebuild
--name read-models`).

Each pathway's events are folded again and its read models replaced
(`EventRecorder.replace_read_models`): the caseload row and obligations, the partner links,
the referral inbox, and the inbox notifications (never queued for e-mail again). So a read
model added after events were recorded (the referral inbox of migration 0017) is filled for
the pathways that had them.
"""

from __future__ import annotations

from domain.evolution import fold
from domain.read_models import read_models
from infra.eventstore.base import EventStore

PATHWAY_STREAM = "pathway-"
"""The prefix of a pathway's stream (`domain.stream.stream_id_for`)."""


async def rebuild_read_models(store: EventStore, page: int = 1000) -> int:
    """Replace every pathway's read models with those its events give; how many pathways.

    Run it with the workers stopped: an append between a pathway's read and its rewrite
    would be undone in its read models until that pathway's next append.
    """
    streams: dict[str, None] = {}
    position = 0
    while batch := await store.read_all(after_position=position, limit=page):
        streams.update((r.stream_id, None) for r in batch if r.stream_id.startswith(PATHWAY_STREAM))
        assert batch[-1].global_position is not None
        position = batch[-1].global_position
    for stream_id in streams:
        records = await store.read_stream(stream_id)
        await store.replace_read_models(read_models(fold(records), records))
    return len(streams)
