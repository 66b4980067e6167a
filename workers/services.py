"""The services a stack runs: what each starts, publishes for the next ones, and stops.

`Stack` is what they share while it runs: the database URL and Temporal address that the
servers publish for the worker, the banner lines, and the reason a running service died.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import structlog

from infra.config import Settings
from infra.embedded import LOOPBACK, EmbeddedPostgres, TemporalDevServer
from infra.temporal import temporal_address
from workers.endpoints import check_database, redact
from workers.failures import Unavailable

TEMPORAL_UI_PATH = "/temporal"
"""The UI's public path: where the web app serves it (`web.temporal_ui.links.PREFIX`)."""

if TYPE_CHECKING:
    from temporalio.worker import Worker

    from infra.accounts.model import Account
    from infra.db import Pool

log = structlog.get_logger(__name__)

# How often a running stack checks that the servers it started are still alive.
WATCH_SECONDS = 1.0


@dataclass
class Stack:
    """What the services of one stack share while it runs."""

    settings: Settings
    database_url: str | None = None
    temporal_address: str | None = None
    smtp_host: str | None = None
    """The SMTP server the notifier sends to, when the stack started one of its own."""
    temporal_ui_url: str | None = None
    temporal_ui_upstream: str | None = None
    """The Temporal UI server the web app serves under `/temporal/` (web/temporal_ui)."""
    web_url: str | None = None
    demo_accounts: list[Account] = field(default_factory=list)
    """The demo accounts one can sign in as, when the stack ensured them."""
    demo_password: str | None = None
    banner: list[tuple[str, str]] = field(default_factory=list)
    failure: str | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)

    def request_stop(self) -> None:
        """Ask the stack to stop (a signal, a service that died)."""
        self._stop.set()

    def fail(self, reason: str) -> None:
        """A running service died: record why and stop everything."""
        if self.failure is None:
            self.failure = reason
        self.request_stop()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    async def wait_for_stop(self) -> None:
        await self._stop.wait()


class Service(Protocol):
    """One part of a stack. `stop` is called only after `start` returned."""

    name: str

    async def start(self, stack: Stack) -> None: ...

    async def stop(self) -> None: ...


class EmbeddedDatabase:
    """PostgreSQL from the wheel, its data under `<data dir>/postgres`."""

    name = "postgres"

    def __init__(self, settings: Settings) -> None:
        self._server = EmbeddedPostgres(settings.data_dir / "postgres")

    async def start(self, stack: Stack) -> None:
        stack.database_url = await asyncio.to_thread(self._server.start)
        stack.banner.append(("Database", f"{stack.database_url} (embedded)"))

    async def stop(self) -> None:
        await asyncio.to_thread(self._server.stop)


class ConfiguredDatabase:
    """A database this stack does not own: `PATHWAYS_DATABASE_URL`, or the one `up` runs."""

    name = "database"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def start(self, stack: Stack) -> None:
        url = self._settings.database_url
        origin = "configured"
        if url is None:
            server = EmbeddedPostgres(self._settings.data_dir / "postgres")
            url = server.running_uri()
            origin = "embedded, run by `pathways up`"
            if url is None:
                raise Unavailable(
                    "PATHWAYS_DATABASE_URL is not set and no embedded PostgreSQL runs in "
                    f"{server.data_dir}; set it, or start `pathways up`"
                )
        await check_database(url)
        stack.database_url = url
        stack.banner.append(("Database", f"{redact(url)} ({origin})"))

    async def stop(self) -> None:
        pass


class EmbeddedTemporal:
    """The Temporal dev server, SQLite in `<data dir>/temporal.db`, UI on its own port."""

    name = "temporal"

    def __init__(self, settings: Settings) -> None:
        self._server = TemporalDevServer(
            settings.data_dir / "temporal.db",
            port=settings.temporal_port,
            ui_port=settings.temporal_ui_port,
            namespace=settings.temporal_namespace,
            # Served by the web app under /temporal/, behind its sign-in; the UI decodes the
            # sealed payloads through the app's /codec on the same origin, for those allowed.
            extra_args=[
                "--ui-public-path",
                TEMPORAL_UI_PATH,
                "--ui-codec-endpoint",
                codec_endpoint(settings),
            ],
        )
        self._watch: asyncio.Task[None] | None = None

    async def start(self, stack: Stack) -> None:
        stack.temporal_address = await self._server.start()
        stack.banner.append(("Temporal", f"{stack.temporal_address} (embedded dev server)"))
        if self._server.ui_url is not None:
            stack.temporal_ui_upstream = self._server.ui_url
            public = f"{stack.settings.public_base_url.rstrip('/')}{TEMPORAL_UI_PATH}/"
            # Its own port stays on loopback, without sign-in: for operators on this machine.
            own = f"{self._server.ui_url}{TEMPORAL_UI_PATH}/"
            stack.banner.append(("Temporal UI", f"{public} (operators: {own})"))
        self._watch = asyncio.create_task(self._watch_server(stack), name="watch-temporal")

    async def stop(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
        await self._server.stop()

    async def _watch_server(self, stack: Stack) -> None:
        # The worker would retry against a dead server forever; stop the stack instead.
        while self._server.pid is not None:
            await asyncio.sleep(WATCH_SECONDS)
        stack.fail(f"the Temporal dev server exited unexpectedly; see {self._server.log_file}")


def codec_endpoint(settings: Settings) -> str:
    """The web app's `/codec`, as the Temporal UI (in the same browser) reaches it."""
    return f"{settings.public_base_url.rstrip('/')}/codec"


class ConfiguredTemporal:
    """A Temporal this stack does not own; the search attributes are added if it lacks them."""

    name = "temporal"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def start(self, stack: Stack) -> None:
        from temporalio.service import RPCError

        from infra.search_attributes import register_search_attributes
        from infra.temporal import connect

        address = temporal_address(self._settings)
        client = await connect(self._settings, address, keyring=None)  # sends no payload
        try:
            await register_search_attributes(client, self._settings.temporal_namespace)
        except RPCError as err:
            # Temporal Cloud, say, registers them out of band; workflows fail clearly if not.
            log.warning("temporal.search_attributes_not_registered", reason=err.message)
        stack.temporal_address = address
        origin = "configured" if self._settings.temporal_address else "run by `pathways up`"
        stack.banner.append(("Temporal", f"{address} ({origin})"))
        stack.temporal_ui_url = self._settings.temporal_ui_url
        stack.temporal_ui_upstream = self._settings.temporal_ui_upstream
        if stack.temporal_ui_upstream is None and not self._settings.temporal_address:
            # The dev server of `pathways up`, started with the public path /temporal.
            stack.temporal_ui_upstream = f"http://{LOOPBACK}:{self._settings.temporal_ui_port}"

    async def stop(self) -> None:
        pass


class Migrations:
    """Brings the database schema up to date before anything writes to it."""

    name = "migrations"

    async def start(self, stack: Stack) -> None:
        from infra.migrate import migrate

        assert stack.database_url is not None, "a database service starts before migrations"
        applied = await migrate(stack.database_url)
        if applied:
            log.info("migrations.applied", migrations=applied)

    async def stop(self) -> None:
        pass


class PathwayWorker:
    """The pathway worker, in this process, on the Postgres event store."""

    name = "worker"

    def __init__(self) -> None:
        self._pool: Pool | None = None
        self._worker: Worker | None = None
        self._run: asyncio.Task[None] | None = None

    async def start(self, stack: Stack) -> None:
        from infra.db import open_pool
        from infra.temporal import connect
        from workers.composition import Stores
        from workers.worker import build_worker

        settings = stack.settings
        assert stack.database_url and stack.temporal_address, "servers start before the worker"
        self._pool = await open_pool(
            stack.database_url, settings.db_pool_min_size, settings.db_pool_max_size
        )
        stores = Stores(settings, self._pool, eager=True)
        client = await connect(settings, stack.temporal_address, keyring=stores.keyring)
        self._worker = build_worker(
            client,
            stores.events,
            settings.temporal_task_queue,
            settings.worker_cached_workflows,
            sandboxed=settings.worker_sandbox,
            workflow_task_slots=settings.worker_workflow_task_slots,
            payments=stores.payments,
            accounts=stores.accounts,
        )
        self._run = asyncio.create_task(self._worker.run(), name="pathway-worker")
        watch(self._run, stack, "the worker")
        stack.banner.append(("Worker", f"task queue {settings.temporal_task_queue}"))

    async def stop(self) -> None:
        if self._worker is not None and self._run is not None and not self._run.done():
            await self._worker.shutdown()
        if self._run is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._run
        if self._pool is not None:
            await self._pool.close()


def watch(task: asyncio.Task[None], stack: Stack, what: str) -> None:
    """Fail the stack if `task` ends while the stack is not stopping (`what` names it)."""

    def on_exit(task: asyncio.Task[None]) -> None:
        if stack.stopping:
            return
        error = None if task.cancelled() else task.exception()
        stack.fail(f"{what} stopped unexpectedly: {error or 'cancelled'}")

    task.add_done_callback(on_exit)


class BackgroundTask:
    """A service that runs one task on a pool of its own until the stack stops it.

    Subclasses open the pool and call `launch` in `start`; the task gets an event to
    watch for the stop, and its ending on its own fails the stack.
    """

    def __init__(self) -> None:
        self._pool: Pool | None = None
        self._stop = asyncio.Event()
        self._run: asyncio.Task[None] | None = None

    def launch(self, stack: Stack, pool: Pool, work: Coroutine[Any, Any, None], what: str) -> None:
        self._pool = pool
        self._run = asyncio.create_task(work, name=what)
        watch(self._run, stack, what)

    async def stop(self) -> None:
        self._stop.set()
        if self._run is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._run
        if self._pool is not None:
            await self._pool.close()


class OutboxBacklog(BackgroundTask):
    """Keeps the `pathways_outbox_backlog` gauge of the metrics endpoint current."""

    name = "outbox-backlog"

    async def start(self, stack: Stack) -> None:
        from infra.db import open_pool
        from infra.metrics_server import follow_outbox

        assert stack.database_url is not None, "the database starts before the metrics"
        pool = await open_pool(stack.database_url, 1, 1)
        self.launch(stack, pool, follow_outbox(pool, self._stop), "the outbox backlog gauge")
