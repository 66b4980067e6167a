"""Personal fields of events are ciphertext in Postgres and clear to every reader."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from domain.commands import CommandEnvelope
from domain.decider import decide
from domain.events import parse_event
from domain.evolution import fold
from domain.records import EventRecord
from domain.state import initial_state
from domain.stream import record_events, stream_id_for
from infra.crypto.personal_fields import ERASED_TEXT, PERSONAL_FIELDS
from infra.db import Pool
from infra.eventstore.postgres import PostgresEventStore
from tests.scenarios import OPEN
from tests.workflows.journey import envelope

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLEAR = ("Amina", "Diallo", "1994-05-17", "320 1234567", "PS1234567", "SAI Lecce")


def opened(pathway_id: str) -> list[EventRecord]:
    command: CommandEnvelope = envelope({**OPEN, "pathway_id": pathway_id})
    events = decide(initial_state(), command, NOW)
    return record_events(stream_id_for(pathway_id), 0, command, events, NOW)


def noted(pathway_id: str, version: int, text: str) -> list[EventRecord]:
    command = envelope({"type": "add_note", "text": text})
    state = fold(opened(pathway_id))
    return record_events(
        stream_id_for(pathway_id), version, command, decide(state, command, NOW), NOW
    )


async def stored_text(pool: Pool) -> str:
    async with pool.connection() as conn:
        rows = await (await conn.execute("SELECT data::text FROM events")).fetchall()
    return "\n".join(r[0] for r in rows)


async def test_personal_fields_are_ciphertext_in_the_table_and_clear_when_read(
    pool: Pool, sealed_store: PostgresEventStore
) -> None:
    records = opened("p-1")
    await sealed_store.append(stream_id_for("p-1"), 0, records)
    await sealed_store.append(stream_id_for("p-1"), 1, noted("p-1", 1, "Amina lost her phone"))
    text = await stored_text(pool)
    assert not [value for value in CLEAR if value in text]
    assert "Amina lost" not in text
    assert '"gender": "female"' in text and '"nationality": "GN"' in text  # aggregates stay clear
    read = await sealed_store.read_stream(stream_id_for("p-1"))
    assert read[0].data == records[0].data and read[0].erased == ()
    assert parse_event(read[1].type, 1, read[1].data).text == "Amina lost her phone"  # type: ignore[union-attr]
    assert [r.data for r in await sealed_store.read_all()] == [r.data for r in read]


async def test_without_a_sealer_the_same_fields_are_in_clear(pool: Pool) -> None:
    """The control: the scan above can find them when they are there."""
    await PostgresEventStore(pool).append(stream_id_for("p-1"), 0, opened("p-1"))
    text = await stored_text(pool)
    assert all(value in text for value in CLEAR)


async def test_a_ciphertext_moved_to_another_pathway_does_not_open(
    pool: Pool, sealed_store: PostgresEventStore
) -> None:
    await sealed_store.append(stream_id_for("p-1"), 0, opened("p-1"))
    await sealed_store.append(stream_id_for("p-2"), 0, opened("p-2"))
    async with pool.connection() as conn:
        await conn.execute(
            "UPDATE events SET data = (SELECT data FROM events WHERE stream_id = 'pathway-p-1')"
            " WHERE stream_id = 'pathway-p-2'"
        )
    import pytest

    from infra.crypto.sealing import SealedFieldUnreadable

    with pytest.raises(SealedFieldUnreadable) as refused:
        await sealed_store.read_stream(stream_id_for("p-2"))
    assert refused.value.code == "unreadable_field"


async def test_a_destroyed_key_reads_as_erased_and_the_stream_still_folds(
    pool: Pool, sealed_store: PostgresEventStore
) -> None:
    for pid in ("p-1", "p-2"):
        await sealed_store.append(stream_id_for(pid), 0, opened(pid))
    async with pool.connection() as conn:
        await conn.execute(
            "UPDATE pathway_keys SET wrapped = NULL, destroyed_at = now() WHERE pathway_id = 'p-1'"
        )
    (erased,) = await sealed_store.read_stream(stream_id_for("p-1"))
    assert set(erased.erased) == set(PERSONAL_FIELDS["PathwayOpened"])
    state = fold([erased])
    assert state.beneficiary is not None and state.beneficiary.given_name == ERASED_TEXT
    assert state.beneficiary.gender == "female" and state.beneficiary.phone is None
    (untouched,) = await sealed_store.read_stream(stream_id_for("p-2"))
    assert untouched.erased == () and untouched.data["beneficiary"]["given_name"] == "Amina"
    assert json.dumps(erased.data).count("Amina") == 0
