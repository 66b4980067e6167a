"""How one `pathways` invocation runs: settings, policy, logging, the event loop, exit codes.

Refusals (`Refused`) and outages (`Unavailable`) become `error: ...` on stderr and exit
codes 2 and 1. The Temporal client is freed before the interpreter exits, and waits for a
pathway's reply are bounded.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from pydantic import ValidationError

from infra.config import Settings
from workers.failures import Refused, Unavailable

if TYPE_CHECKING:
    from domain.commands import CommandEnvelope
    from domain.policy import Policy
    from infra.indicators.targets import Grant

INVALID_TARGETS = "invalid_targets"

T = TypeVar("T")


def run_command(
    work: Callable[[Settings], Coroutine[Any, Any, None]], *, long_running: bool = False
) -> None:
    """Run one command's coroutine; turn refusals and outages into messages and exit codes.

    Commands that answer and exit log warnings and errors only, unless PATHWAYS_LOG_LEVEL
    says otherwise; `long_running` ones (`up`, `worker`) log at the configured level.
    """
    from infra.logging import configure_logging

    try:
        settings = Settings()
    except ValidationError as err:
        typer.echo(f"error: invalid PATHWAYS_* settings: {err}", err=True)
        raise typer.Exit(1) from None
    if not long_running and "log_level" not in settings.model_fields_set:
        settings = settings.model_copy(update={"log_level": "WARNING"})
    configure_logging(settings)
    _configure_telemetry(settings, long_running=long_running)
    failure = asyncio.run(_settled(work(settings)))
    if failure is not None:
        typer.echo(f"error: {failure.describe()}", err=True)
        raise typer.Exit(failure.exit_code)


def _configure_telemetry(settings: Settings, *, long_running: bool) -> None:
    """Traces when an exporter is configured; the metrics endpoint for servers that ask."""
    if settings.otlp_endpoint or settings.trace_console:
        from infra.telemetry import configure_tracing

        configure_tracing(settings)
    if long_running and settings.metrics_port is not None:
        from infra.metrics_server import serve_metrics

        serve_metrics(settings.metrics_host, settings.metrics_port)


async def _settled(work: Coroutine[Any, Any, None]) -> Refused | Unavailable | None:
    """Run `work`; then free the Temporal client while the event loop still runs.

    The SDK's client has no close(): it goes when garbage-collected. Collected at interpreter
    exit instead, its native threads may still call into Python during finalisation and
    abort the process ("PyGILState_Release: thread state ... must be current").
    """
    asyncio.get_running_loop().set_exception_handler(_quiet_when_abandoned)
    outcome: Refused | Unavailable | None = None
    try:
        await work
    except (Refused, Unavailable) as failure:
        # The traceback and the context hold the frames that hold the client.
        failure.__context__ = failure.__cause__ = None
        outcome = failure.with_traceback(None)
    gc.collect()
    return outcome


def _quiet_when_abandoned(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Skip reports of futures cancelled because the CLI gave up waiting; report the rest.

    When `open` times out, the SDK leaves the cancellation in a future of its own that
    nobody reads, and asyncio would print it as an error when collecting it.
    """
    never_read = "never retrieved" in str(context.get("message", ""))
    if never_read and isinstance(context.get("exception"), asyncio.CancelledError):
        return
    loop.default_exception_handler(context)


def configured_policy(settings: Settings, file: Path | None = None) -> Policy:
    """The deadline policy in `file`, else in PATHWAYS_POLICY_FILE, else the shipped default.

    Commands that start servers or send commands call it before anything else, so that a
    malformed policy stops them before anything is started or sent.

    Raises:
        Refused: `invalid_policy` (exit 2), naming the file and the line at fault.
    """
    from infra.policy_file import PolicyFileError, load_policy

    try:
        return load_policy(file if file is not None else settings.policy_file)
    except PolicyFileError as err:
        raise Refused(err.code, str(err)) from None


def configured_targets(settings: Settings) -> Grant:
    """The project and indicator targets of PATHWAYS_TARGETS_FILE, else the shipped file.

    The web app and `pathways report` load them before anything else, so that a broken
    file stops them before anything is started or written.

    Raises:
        Refused: `invalid_targets` (exit 2), naming the file and the line at fault.
    """
    from infra.indicators.targets import TargetsFileError, load_grant

    try:
        return load_grant(settings.targets_file)
    except TargetsFileError as err:
        raise Refused(INVALID_TARGETS, str(err)) from None


async def answered(
    reply: Awaitable[T], timeout: float, settings: Settings, envelope: CommandEnvelope
) -> T:
    """The pathway's reply, or `Unavailable` after `timeout` seconds without one."""
    from temporalio.client import RPCTimeoutOrCancelledError

    try:
        return await asyncio.wait_for(reply, timeout)
    # The SDK turns the cancellation of a pending update into its own error.
    except (TimeoutError, RPCTimeoutOrCancelledError):
        raise Unavailable(
            f"no reply within {timeout:g} s: is a worker polling task queue "
            f"{settings.temporal_task_queue!r}? The command may still be applied; resend it "
            f"with --command-id {envelope.command_id} to learn its outcome without applying "
            "it twice"
        ) from None
