"""Every payload in Temporal's history is sealed with the pathway's key; the workflow works."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from client.pathway import CommandRefused, PathwayClient
from domain.calendar import project_day
from domain.evolution import fold
from domain.stream import stream_id_for
from domain.values import Stage
from infra.crypto.codec import (
    ENCODING,
    KEY_ID,
    PathwayCodec,
    PayloadUnreadable,
    SealingDataConverter,
    encrypting_converter,
)
from infra.crypto.keyring import Keyring
from infra.eventstore.postgres import PostgresEventStore
from infra.search_attributes import register_search_attributes
from tests.conftest import venv_binary
from tests.workflows.journey import compressed_opening, envelope, full_journey
from workers.worker import build_worker
from workflows.models import workflow_id_for

PERSONAL = (b"Amina", b"Diallo", b"PS1234567", b"320 1234567", b"Tailoring")


@pytest_asyncio.fixture(loop_scope="session")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    environment = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=venv_binary("temporal-test-server"),
        data_converter=pydantic_data_converter,
    )
    try:
        await register_search_attributes(environment.client, environment.client.namespace)
        yield environment
    finally:
        await environment.shutdown()


def encrypted_client(env: WorkflowEnvironment, keyring: Keyring) -> Client:
    config = env.client.config()
    config["data_converter"] = encrypting_converter(keyring)
    return Client(**config)


async def test_history_payloads_are_ciphertext_and_the_pathway_still_runs(
    env: WorkflowEnvironment, keyring: Keyring, sealed_store: PostgresEventStore
) -> None:
    client = encrypted_client(env, keyring)
    queue = f"tq-{uuid.uuid4().hex[:8]}"
    pathways = PathwayClient(client, queue, sealed_store)
    pid = f"p-{uuid.uuid4().hex[:12]}"
    today = project_day(await env.get_current_time())
    async with build_worker(client, sealed_store, queue):
        await pathways.open(compressed_opening(pid))
        for command, actor in full_journey(today):
            result = await pathways.send(pid, envelope(command, actor))
        with pytest.raises(CommandRefused) as refused:  # a failure crosses the codec too
            await pathways.send(pid, envelope({"type": "add_note", "text": "Amina again"}))
    assert result.stage == Stage.CLOSED and refused.value.code == "pathway_closed"
    history = await client.get_workflow_handle(workflow_id_for(pid)).fetch_history()
    raw = b"".join(e.SerializeToString() for e in history.events)
    assert not [p for p in PERSONAL if p in raw]
    assert raw.count(ENCODING) >= 2  # this run's input (the state carried over), updates
    assert f"{pid}/1".encode() in raw  # sealed with the pathway's own key
    # Decoded through the codec, the carried-over state holds them: the scan could find them.
    codec = PathwayCodec(keyring)
    started = history.events[0].workflow_execution_started_event_attributes
    decoded = b"".join([(await codec.open(p)).data for p in started.input.payloads])
    assert b"Amina" in decoded and b"PS1234567" in decoded
    records = await sealed_store.read_stream(stream_id_for(pid))
    assert fold(records).stage == Stage.CLOSED


async def test_payloads_without_the_encoding_pass_through_and_unknown_keys_are_clear_errors(
    keyring: Keyring,
) -> None:
    codec = PathwayCodec(keyring)
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'{"a": 1}')
    assert await codec.decode([plain]) == [plain]  # histories recorded before encryption
    sealed = Payload(metadata={"encoding": ENCODING, KEY_ID: b"p-unknown/1"}, data=b"x" * 40)
    with pytest.raises(PayloadUnreadable) as refused:
        await codec.decode([sealed])
    assert refused.value.code == "key_unknown"


async def test_without_a_pathway_context_the_system_key_is_used(keyring: Keyring) -> None:
    from temporalio.converter import WorkflowSerializationContext

    codec = PathwayCodec(keyring)
    (system,) = await codec.encode([Payload(data=b"x")])
    scoped = codec.with_context(WorkflowSerializationContext("default", "pathway-p-7"))
    (own,) = await scoped.encode([Payload(data=b"x")])
    assert system.metadata[KEY_ID] == b"@system/1" and own.metadata[KEY_ID] == b"p-7/1"
    assert dataclasses.is_dataclass(encrypting_converter(keyring))


async def test_binding_the_converter_to_a_pathway_rebinds_only_the_codec(
    keyring: Keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    from temporalio.converter import ActivitySerializationContext, WorkflowSerializationContext

    converter = encrypting_converter(keyring)
    built: list[object] = []
    monkeypatch.setattr(
        SealingDataConverter, "__post_init__", lambda self: built.append(self), raising=True
    )
    activity = ActivitySerializationContext(
        namespace="default",
        activity_id="1",
        activity_type="append_events",
        activity_task_queue="q",
        workflow_id="pathway-p-8",
        workflow_type="PathwayWorkflow",
        is_local=True,
    )
    bound = converter.with_context(activity)
    assert built == [], "no payload or failure converter is built for a context"
    assert isinstance(bound.payload_codec, PathwayCodec) and bound.payload_codec.owner == "p-8"
    assert bound.payload_converter is converter.payload_converter
    assert bound.failure_converter is converter.failure_converter
    (sealed,) = await bound.payload_codec.encode([Payload(data=b"x")])
    assert sealed.metadata[KEY_ID] == b"p-8/1"
    system = converter.with_context(WorkflowSerializationContext("default", "other-workflow"))
    assert system is converter, "the system key's context changes nothing"
