"""`pathways up`, `worker` and `web`: services started in order, stopped in reverse.

A stack is a list of services (`workers.services`). Each `start` may publish what later
ones need and a line for the banner; `stop` undoes it. `up` starts the embedded PostgreSQL
and Temporal dev server unless their addresses are configured; `worker` and `web` never
start servers: they use the configured ones, or those that a running `up` owns.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING

import structlog

from infra.config import Settings
from infra.embedded import EmbeddedServerError
from workers.budget_service import DefaultBudget
from workers.demo_accounts import demo_accounts_wanted
from workers.failures import Unavailable
from workers.indicator_services import IndicatorProjection
from workers.notifier_services import LocalMailSink, Notifier
from workers.services import (
    ConfiguredDatabase,
    ConfiguredTemporal,
    EmbeddedDatabase,
    EmbeddedTemporal,
    Migrations,
    OutboxBacklog,
    PathwayWorker,
    Service,
    Stack,
)
from workers.web_services import DemoAccounts, WebServer

if TYPE_CHECKING:
    from domain.policy import Policy

__all__ = ["Stack", "run_stack", "up_services", "web_services", "worker_services"]

log = structlog.get_logger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def up_services(settings: Settings, policy: Policy, session_secret: str) -> list[Service]:
    """Everything `pathways up` runs, in start order; it stops them in reverse.

    Servers whose address is configured are used, not started. A database without budget
    lines gets the default ones. The demo accounts are ensured when PATHWAYS_DEMO_ACCOUNTS
    allows (by default: on the embedded database only).
    """
    demo: list[Service] = [DemoAccounts()] if demo_accounts_wanted(settings) else []
    mail: list[Service] = [] if settings.smtp_host else [LocalMailSink(settings)]
    return [
        ConfiguredDatabase(settings) if settings.database_url else EmbeddedDatabase(settings),
        ConfiguredTemporal(settings) if settings.temporal_address else EmbeddedTemporal(settings),
        Migrations(),
        DefaultBudget(),
        *demo,
        PathwayWorker(),
        *mail,  # before the web: its password resets and invitations are mailed through it
        WebServer(settings, policy, session_secret),
        Notifier(),
        IndicatorProjection(),
        *_metrics(settings),
    ]


def worker_services(settings: Settings) -> list[Service]:
    """`pathways worker`: the configured servers (or those `up` runs), migrations, the worker."""
    return [
        ConfiguredDatabase(settings),
        ConfiguredTemporal(settings),
        Migrations(),
        PathwayWorker(),
        *([Notifier()] if settings.smtp_host else []),
        *_metrics(settings),
    ]


def web_services(settings: Settings, policy: Policy, session_secret: str) -> list[Service]:
    """`pathways web`: the configured servers (or those `up` runs), migrations, the web app."""
    return [
        ConfiguredDatabase(settings),
        ConfiguredTemporal(settings),
        Migrations(),
        WebServer(settings, policy, session_secret),
    ]


def _metrics(settings: Settings) -> list[Service]:
    """The outbox gauge, when there is a metrics endpoint to show it (worker and `up`)."""
    return [OutboxBacklog()] if settings.metrics_port is not None else []


# What a service may fail with at start-up that says "the infrastructure", not "a bug".
def _infrastructure_errors() -> tuple[type[BaseException], ...]:
    import psycopg
    from psycopg_pool import PoolTimeout
    from temporalio.service import RPCError

    return (EmbeddedServerError, OSError, RuntimeError, RPCError, psycopg.Error, PoolTimeout)


async def run_stack(
    stack: Stack, services: list[Service], on_ready: Callable[[Stack], None]
) -> None:
    """Start `services` in order, call `on_ready`, run until SIGINT/SIGTERM, stop in reverse.

    A signal during start-up stops the stack once the service being started is up.

    Raises:
        Unavailable: a service did not start, or died while running (after everything
            started was stopped).
    """
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, _on_signal, stack, sig)
    started: list[Service] = []
    try:
        for service in services:
            if stack.stopping:
                break
            try:
                await service.start(stack)
            except _infrastructure_errors() as err:
                raise Unavailable(f"{service.name} is not available: {err}") from err
            started.append(service)
            log.debug("stack.started", service=service.name)
        else:
            on_ready(stack)
            await stack.wait_for_stop()
    finally:
        await _stop_all(started)
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
    if stack.failure is not None:
        raise Unavailable(stack.failure)


def _on_signal(stack: Stack, sig: signal.Signals) -> None:
    if stack.stopping:
        log.info("stack.already_stopping", signal=sig.name)
        return
    log.info("stack.stopping", signal=sig.name)
    stack.request_stop()


async def _stop_all(started: list[Service]) -> None:
    for service in reversed(started):
        try:
            await service.stop()
        except Exception:
            # Keep going: the services after it still hold processes and files.
            log.exception("stack.stop_failed", service=service.name)
        else:
            log.debug("stack.stopped", service=service.name)
