"""The app served for real: uvicorn on 127.0.0.1 with a Temporal worker, in a thread of its own.

Synchronous clients (schemathesis sends with `requests`) block the thread they run on, so
the server, the worker and the time-skipping Temporal server live on an event loop in a
background thread; the test talks to them over HTTP, and reads the stores through `run`.
The stores are in memory, or PostgreSQL ones on a given (empty) database.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import Future
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import uvicorn
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from activities.pathways.subject_access import SubjectAccessService
from client.pathway import PathwayClient
from infra.accounts.postgres import PostgresAccountStore
from infra.accounts.store import AccountStore, InMemoryAccountStore
from infra.config import Settings
from infra.crypto.erasure import PostgresErasureDesk
from infra.crypto.keyring import Keyring
from infra.crypto.master import MasterKey
from infra.crypto.sealing import FieldSealer
from infra.db import open_pool
from infra.eventstore.base import EventStore
from infra.eventstore.memory import InMemoryEventStore
from infra.eventstore.postgres import PostgresEventStore
from infra.indicators.postgres_queries import PostgresIndicatorQueries
from infra.migrate import migrate
from infra.partners.postgres import PostgresPartnerStore
from infra.partners.store import InMemoryPartnerStore
from infra.search_attributes import register_search_attributes
from tests.conftest import venv_binary
from tests.web.conftest import web_settings
from tests.web.staff import ORGANISATIONS, add_staff
from tests.web_app import create_test_app
from workers.composition import partner_registry, password_resetter, payments_desk
from workers.worker import build_worker

T = TypeVar("T")

STARTUP_SECONDS = 60.0


@dataclass(frozen=True)
class Snapshot:
    """What a request may change: the event log and the accounts."""

    events: int
    last_position: int
    organisations: tuple[str, ...]
    accounts: tuple[str, ...]


@dataclass
class LiveApp:
    base_url: str
    store: EventStore
    accounts: AccountStore
    loop: asyncio.AbstractEventLoop
    _counted: tuple[int, int] = (0, 0)
    """Events counted by the last snapshot and the position of the last of them: the log
    is append-only, so a snapshot reads only what came after (a fuzz run takes one per
    request, and reading the whole log each time cost more than the request)."""

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        """Run `coroutine` on the server's loop (where the stores live) and wait for it."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def snapshot(self) -> Snapshot:
        return self.run(self._snapshot())

    async def _snapshot(self) -> Snapshot:
        count, position = self._counted
        while page := await self.store.read_all(after_position=position, limit=1000):
            count += len(page)
            position = page[-1].global_position or position
        self._counted = (count, position)
        organisations = await self.accounts.list_organisations()
        accounts = await self.accounts.list_accounts()
        return Snapshot(
            events=count,
            last_position=position,
            organisations=tuple(o.model_dump_json() for o in organisations),
            accounts=tuple(a.model_dump_json() for a in accounts),
        )


@contextmanager
def live_app(database: str | None = None) -> Iterator[LiveApp]:
    """The app on a free port of 127.0.0.1, with the staff of `tests.web.staff`.

    With `database` (the conninfo of an empty database), the stores are PostgreSQL ones.
    """
    started: Future[LiveApp] = Future()
    stopping: Future[asyncio.Event] = Future()

    def main() -> None:
        try:
            asyncio.run(_serve(started, stopping, database))
        except BaseException as error:  # surfaced to the test, not lost in the thread
            if not started.done():
                started.set_exception(error)
            raise

    thread = threading.Thread(target=main, name="live-app", daemon=True)
    thread.start()
    try:
        yield started.result(STARTUP_SECONDS)
    finally:
        if started.done() and started.exception() is None:
            started.result().loop.call_soon_threadsafe(stopping.result().set)
        thread.join(STARTUP_SECONDS)


@asynccontextmanager
async def _stores(
    database: str | None,
) -> AsyncIterator[tuple[EventStore, AccountStore, dict[str, Any]]]:
    """The event and account stores, and as `create_app` keywords the partner registry (the
    staff's organisations manage partners, so a test can register one and its tutor) and the
    services only PostgreSQL gives (payments, indicators, erasure, subject access)."""
    organisations = {o.id for o in ORGANISATIONS}
    if database is None:
        partners = partner_registry(InMemoryPartnerStore(organisations))
        yield InMemoryEventStore(), InMemoryAccountStore(), {"partners": partners}
        return
    await migrate(database)
    pool = await open_pool(database, min_size=1, max_size=4)
    sealer = FieldSealer(Keyring(pool, MasterKey.generate()))
    store = PostgresEventStore(pool)
    services = {
        "partners": partner_registry(PostgresPartnerStore(pool, sealer)),
        "payments": payments_desk(pool),
        "indicators": PostgresIndicatorQueries(pool),
        "erasure": PostgresErasureDesk(pool, retention_years=10),
        "subject_documents": SubjectAccessService(store, pool),
    }
    try:
        yield store, PostgresAccountStore(pool), services
    finally:
        await pool.close()


async def _serve(
    started: Future[LiveApp], stopping: Future[asyncio.Event], database: str | None
) -> None:
    stop = asyncio.Event()
    stopping.set_result(stop)
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=venv_binary("temporal-test-server"),
        data_converter=pydantic_data_converter,
    )
    try:
        await register_search_attributes(env.client, env.client.namespace)
        async with _stores(database) as (store, accounts, services):
            await add_staff(accounts)
            await _serve_app(env, store, accounts, services, started, stop)
    finally:
        await env.shutdown()


async def _serve_app(
    env: WorkflowEnvironment,
    store: EventStore,
    accounts: AccountStore,
    services: dict[str, Any],
    started: Future[LiveApp],
    stop: asyncio.Event,
) -> None:
    task_queue = f"tq-{uuid.uuid4().hex[:8]}"
    pathways = PathwayClient(env.client, task_queue, store)
    # The password-reset pages are served, mailing nothing.
    resets = password_resetter(Settings(public_base_url="http://127.0.0.1", smtp_host=None))
    app = create_test_app(
        pathways,
        store,
        accounts,
        web_settings(),
        password_resetter=resets,
        **services,
    )
    server = uvicorn.Server(
        uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
    )
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        async with build_worker(env.client, store, task_queue):
            serving = asyncio.create_task(server.serve(sockets=[sock]))
            while not server.started:
                if serving.done():
                    serving.result()
                    raise RuntimeError("uvicorn stopped before it started")
                await asyncio.sleep(0.01)
            loop = asyncio.get_running_loop()
            started.set_result(LiveApp(f"http://127.0.0.1:{port}", store, accounts, loop))
            await stop.wait()
            server.should_exit = True
            await serving
