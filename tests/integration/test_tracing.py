"""One command, one trace: HTTP request → Temporal update → workflow → activity → SQL insert.

The app, the client, the worker and the Postgres event store are wired as `pathways up`
wires them (tracing interceptor on the client, inherited by the worker; psycopg and
FastAPI instrumented); the spans are caught in memory instead of sent to a collector.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import httpx
import pytest_asyncio
import structlog
from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from client.pathway import PathwayClient
from infra.config import Settings
from infra.db import open_pool
from infra.eventstore.postgres import PostgresEventStore
from infra.logging import configure_logging
from infra.migrate import migrate
from infra.telemetry import configure_tracing, tracing_interceptors
from tests.scenarios import OPEN
from tests.web.conftest import web_settings
from tests.web.staff import bearer, staffed_accounts
from tests.web_app import create_test_app
from workers.worker import build_worker


@dataclass
class Traced:
    exporter: InMemorySpanExporter
    log: io.StringIO


@pytest_asyncio.fixture(loop_scope="session")
async def traced() -> AsyncIterator[Traced]:
    """Spans kept in memory, JSON logs in a buffer; both put back as they were afterwards."""
    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    provider = configure_tracing(Settings(), processor)
    buffer = io.StringIO()
    configure_logging(Settings(log_format="json", log_level="INFO"), stream=buffer)
    try:
        yield Traced(exporter, buffer)
    finally:
        processor.shutdown()
        provider.force_flush()
        PsycopgInstrumentor().uninstrument()
        configure_logging(Settings())
        structlog.contextvars.clear_contextvars()


def by_name(spans: Sequence[ReadableSpan], prefix: str) -> ReadableSpan:
    found = [s for s in spans if s.name.startswith(prefix)]
    assert found, f"no span {prefix!r} among {sorted({s.name for s in spans})}"
    return found[0]


def ancestors(span: ReadableSpan, spans: Sequence[ReadableSpan]) -> list[str]:
    """Names of the span's parents, nearest first."""
    index = {s.context.span_id: s for s in spans if s.context is not None}
    names = []
    while span.parent is not None and span.parent.span_id in index:
        span = index[span.parent.span_id]
        names.append(span.name)
    return names


async def test_one_command_is_one_trace_from_the_request_to_the_sql_insert(
    traced: Traced, dev_server_env: WorkflowEnvironment, fresh_database: str
) -> None:
    await migrate(fresh_database)
    pool = await open_pool(fresh_database, 1, 2)  # opened after psycopg is instrumented
    try:
        client = Client(
            dev_server_env.client.service_client,
            namespace=dev_server_env.client.namespace,
            data_converter=pydantic_data_converter,
            interceptors=tracing_interceptors(),
        )
        store = PostgresEventStore(pool)
        task_queue = f"tq-{uuid.uuid4().hex[:8]}"
        app = create_test_app(
            PathwayClient(client, task_queue, store),
            store,
            await staffed_accounts(),
            web_settings(),
        )
        pid = f"p-{uuid.uuid4().hex[:12]}"
        command_id = f"c-{pid}"
        async with (
            build_worker(client, store, task_queue),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
        ):
            reply = await http.post(
                "/api/v1/pathways",
                json={**OPEN, "pathway_id": pid, "command_id": command_id},
                headers=bearer("anna"),
            )
        assert reply.status_code == 201, reply.text
    finally:
        await pool.close()

    spans = traced.exporter.get_finished_spans()
    request = next(s for s in spans if s.name == "POST /api/v1/pathways")
    assert request.parent is None, "the HTTP request is the root"
    update = by_name(spans, "StartUpdateWithStartWorkflow:PathwayWorkflow")
    handler = by_name(spans, "HandleUpdate:command")
    start = by_name(spans, "StartActivity:append_events")
    run = by_name(spans, "RunActivity:append_events")
    inserts = [
        s
        for s in spans
        if str((s.attributes or {}).get("db.statement", ""))
        .strip()
        .startswith("INSERT INTO events")
    ]
    assert inserts, f"no span of the event insert among {sorted({s.name for s in spans})}"
    traced_spans = (request, update, handler, start, run, *inserts)
    trace_ids = {s.context.trace_id for s in traced_spans if s.context}
    assert len(trace_ids) == 1, "one trace from the request to the insert"
    chain = ancestors(inserts[0], spans)
    # Temporal records a workflow's handler span when the handler completes, so the
    # activity it started hangs from the client's update span, beside the handler's.
    for name in (run.name, start.name, update.name, request.name):
        assert name in chain, f"{name} is an ancestor of the insert: {chain}"

    # The worker's record of the append names the pathway, command, workflow and trace.
    appended = [
        json.loads(line)
        for line in traced.log.getvalue().splitlines()
        if '"events_appended"' in line
    ]
    assert appended, traced.log.getvalue()[-2000:]
    record = appended[0]
    assert record["pathway_id"] == pid
    assert record["command_id"] == command_id
    assert record["workflow_id"] == f"pathway-{pid}"
    assert record["trace_id"] == f"{request.context.trace_id:032x}"  # type: ignore[union-attr]
