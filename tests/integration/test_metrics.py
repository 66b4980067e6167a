"""One Prometheus endpoint: commands by type and outcome, their latency, the outbox backlog,
deadline steps, and the Temporal SDK's own metrics."""

from __future__ import annotations

import asyncio
import urllib.request
import uuid

from prometheus_client.parser import text_string_to_metric_families
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from client.pathway import CommandRefused, PathwayClient
from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from infra.db import open_pool
from infra.eventstore.memory import InMemoryEventStore
from infra.metrics_server import follow_outbox, sdk_runtime, serve_metrics
from infra.migrate import migrate
from infra.server_process import free_port
from tests.scenarios import CASEWORKER, OPEN
from workers.worker import build_worker


def envelope(command_id: str, command: dict[str, object]) -> CommandEnvelope:
    return CommandEnvelope(
        command_id=command_id, actor=CASEWORKER, command=COMMAND_ADAPTER.validate_python(command)
    )


def scrape(port: int) -> dict[str, float]:
    """Every sample of the endpoint, keyed `name{label="value",…}` (labels sorted)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as reply:
        text = reply.read().decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}"] = sample.value
    return samples


async def test_commands_outbox_and_sdk_metrics_on_one_endpoint(
    dev_server_env: WorkflowEnvironment, fresh_database: str
) -> None:
    port = free_port()
    serve_metrics("127.0.0.1", port)
    client = await Client.connect(
        dev_server_env.client.service_client.config.target_host,
        namespace=dev_server_env.client.namespace,
        data_converter=pydantic_data_converter,
        runtime=sdk_runtime(),
    )
    before = scrape(port)
    store = InMemoryEventStore()
    task_queue = f"tq-{uuid.uuid4().hex[:8]}"
    pathways = PathwayClient(client, task_queue, store)
    pid = f"p-{uuid.uuid4().hex[:12]}"
    async with build_worker(client, store, task_queue):
        await pathways.open(envelope(f"c-{pid}", {**OPEN, "pathway_id": pid}))
        refused = envelope(f"r-{pid}", {"type": "resume_pathway"})
        try:
            await pathways.send(pid, refused)
        except CommandRefused as refusal:
            code = refusal.code
        else:
            raise AssertionError("resuming a pathway that is not suspended is refused")

    await migrate(fresh_database)
    pool = await open_pool(fresh_database, 1, 1)
    stop = asyncio.Event()
    try:
        async with pool.connection() as conn:
            await conn.execute(
                "INSERT INTO outbox (notification_id, pathway_id, organisation_id, recipient_role,"
                " escalation, obligation_kind, obligation_id, due_at, created_at)"
                " VALUES ('n-1', 'p', 'org', 'caseworker', false, 'baseline', 'o', now(), now())"
            )
        follower = asyncio.create_task(follow_outbox(pool, stop, every=0.05))
        await asyncio.sleep(0.3)
        stop.set()
        await follower
    finally:
        await pool.close()

    after = scrape(port)

    def grew(key: str) -> float:
        return after.get(key, 0) - before.get(key, 0)

    assert grew('pathways_commands_total{outcome="applied",type="open_pathway"}') == 1
    assert grew(f'pathways_commands_total{{outcome="{code}",type="resume_pathway"}}') == 1
    assert grew('pathways_command_seconds_count{type="open_pathway"}') == 1
    assert after["pathways_outbox_backlog{}"] == 1
    assert any(k.startswith("temporal_") for k in after), "the SDK's metrics are served too"
