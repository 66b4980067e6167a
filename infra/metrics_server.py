"""Serving the metrics: the app's and the Temporal SDK's, on one endpoint per process.

The SDK's (workflow task latencies, poll counts, sticky cache, …) come from its Rust core,
which serves them on a Prometheus endpoint of its own; `sdk_runtime` binds that one to a
private loopback port and folds its samples into the single endpoint that `serve_metrics`
serves at `PATHWAYS_METRICS_PORT`. `follow_outbox` keeps the outbox backlog current from
the database. The instruments themselves are in `infra.metrics`.

The Rust core also logs (a gRPC call retried while the server restarts, …), by default to
the process's standard output, where it would mix with what a CLI command answers: every
runtime of this module forwards those lines to the `temporalio.core` logger instead, which
the process's logging writes to standard error (`infra.logging`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import urllib.request
from collections.abc import Iterator
from functools import cache

import psycopg
import structlog
from prometheus_client import REGISTRY, start_http_server
from prometheus_client.core import Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector
from psycopg_pool import PoolTimeout
from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    PrometheusConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)

from infra.config import Settings
from infra.db import Pool
from infra.metrics import OUTBOX_BACKLOG
from infra.server_process import LOOPBACK

log = structlog.get_logger(__name__)

OUTBOX_BACKLOG_SQL = "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND NOT given_up"
OUTBOX_SECONDS = 15.0
SDK_SCRAPE_SECONDS = 2.0


class SdkMetrics(Collector):
    """The Temporal SDK's samples, read from its own endpoint at each scrape."""

    def __init__(self, url: str) -> None:
        self._url = url

    def collect(self) -> Iterator[Metric]:
        try:
            with urllib.request.urlopen(self._url, timeout=SDK_SCRAPE_SECONDS) as reply:
                text = reply.read().decode()
        except OSError:
            return  # the app's own metrics are still worth a scrape
        yield from text_string_to_metric_families(text)


CORE_LOGGER = "temporalio.core"
"""Where the SDK's Rust core logs go (warnings and errors), instead of standard output."""

FORWARDED_CORE_LOGS = LoggingConfig(
    filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
    forwarding=LogForwardingConfig(logger=logging.getLogger(CORE_LOGGER)),
)


@cache
def sdk_runtime() -> Runtime:
    """The SDK runtime with Prometheus metrics on a private port (one per process)."""
    port = _free_loopback_port()
    runtime = Runtime(
        telemetry=TelemetryConfig(
            logging=FORWARDED_CORE_LOGS,
            metrics=PrometheusConfig(bind_address=f"{LOOPBACK}:{port}"),
        )
    )
    REGISTRY.register(SdkMetrics(f"http://{LOOPBACK}:{port}/metrics"))
    return runtime


@cache
def quiet_runtime() -> Runtime:
    """The SDK runtime without metrics, its core's logs forwarded (one per process)."""
    return Runtime(telemetry=TelemetryConfig(logging=FORWARDED_CORE_LOGS))


def temporal_runtime(settings: Settings) -> Runtime:
    """The runtime every Temporal client of this process connects with."""
    return quiet_runtime() if settings.metrics_port is None else sdk_runtime()


@cache
def serve_metrics(host: str, port: int) -> None:
    """Serve `/metrics` at `host:port` from a thread of its own (once per process)."""
    start_http_server(port, addr=host)


async def follow_outbox(pool: Pool, stop: asyncio.Event, every: float = OUTBOX_SECONDS) -> None:
    """Keep `pathways_outbox_backlog` current until `stop` is set; a failed look is skipped."""
    while not stop.is_set():
        try:
            async with pool.connection() as conn:
                cur = await conn.execute(OUTBOX_BACKLOG_SQL)
                row = await cur.fetchone()
            OUTBOX_BACKLOG.set(row[0] if row else 0)
        except (psycopg.Error, PoolTimeout) as error:
            log.warning("outbox_backlog_unknown", error=type(error).__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


def _free_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port
