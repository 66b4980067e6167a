"""Where CLI commands find Temporal and the database, opened for one command and closed after.

The configured addresses win (`PATHWAYS_TEMPORAL_ADDRESS`, `PATHWAYS_DATABASE_URL`); without
them, the embedded servers that `pathways up` runs under `PATHWAYS_DATA_DIR`. Failures to
reach either become `Unavailable` (exit 1) with a message naming what and where; refusals
become `Refused` (exit 2). Heavy imports stay inside the functions, so that `show` does not
load Temporal and `open` does not load the database driver.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from infra.config import Settings
from workers.failures import Refused, Unavailable

if TYPE_CHECKING:
    from datetime import datetime

    from client.pathway import PathwayClient
    from domain.partners.links import LinkedContact
    from domain.records import EventRecord
    from infra.accounts.model import Account
    from infra.accounts.operations import AccountService
    from infra.accounts.postgres import PostgresAccountStore
    from infra.eventstore.postgres import PostgresEventStore
    from workers.composition import Stores

CONNECT_TIMEOUT_SECONDS = 5


@contextlib.asynccontextmanager
async def pathway_client(settings: Settings) -> AsyncIterator[PathwayClient]:
    """A `PathwayClient` on the configured (or embedded) Temporal, for one command.

    Raises:
        Unavailable: Temporal cannot be reached, or fails a call.
        Refused: the pathway refused the command (its domain code).
    """
    from temporalio.service import RPCError

    from client.pathway import CommandRefused, PathwayClient
    from infra.crypto.codec import PayloadUnreadable
    from infra.temporal import connect, temporal_address
    from workers.keys import keyring_on

    address = temporal_address(settings)
    async with (
        database_url(settings, may_start=False) as conninfo,
        contextlib.AsyncExitStack() as opened,
    ):
        # Payloads are sealed with the pathway's key, kept in the database (opened lazily).
        keyring = keyring_on(settings, conninfo)
        try:
            client = await connect(settings, keyring=keyring)
        except RuntimeError as err:
            raise Unavailable(
                f"cannot connect to Temporal at {address} ({_first_line(err)}); "
                "is `pathways up` running, or PATHWAYS_TEMPORAL_ADDRESS set?"
            ) from None
        try:
            yield PathwayClient(
                client,
                settings.temporal_task_queue,
                RecordReader(settings),
                AccountReader(settings, opened),
                ContactReader(settings, opened),
            )
        except CommandRefused as refusal:
            raise Refused(refusal.code, refusal.message, refusal.field) from None
        except PayloadUnreadable as err:
            raise Refused(err.code, str(err)) from None
        except RPCError as err:
            raise Unavailable(f"Temporal at {address}: {err.message}") from None
        finally:
            await keyring.close()


@contextlib.asynccontextmanager
async def database_url(settings: Settings, *, may_start: bool) -> AsyncIterator[str]:
    """The database's conninfo: configured, or the embedded server's.

    When nothing is configured and no embedded server runs, one is started for the
    duration of the block if `may_start` (then stopped; its data stays), else refused.

    Raises:
        Unavailable: no database to use, or the embedded one did not start.
    """
    if settings.database_url is not None:
        yield settings.database_url
        return
    from infra.embedded import EmbeddedPostgres, EmbeddedServerError

    server = EmbeddedPostgres(settings.data_dir / "postgres")
    running = server.running_uri()
    if running is not None:
        yield running
        return
    if not may_start:
        raise Unavailable(
            "PATHWAYS_DATABASE_URL is not set and no embedded PostgreSQL runs in "
            f"{server.data_dir}; start `pathways up` or set PATHWAYS_DATABASE_URL"
        )
    try:
        uri = server.start()
    except EmbeddedServerError as err:
        raise Unavailable(str(err)) from None
    try:
        yield uri
    finally:
        server.stop()


async def check_database(conninfo: str) -> None:
    """Connect once, so that a wrong URL fails in seconds with the driver's own reason.

    Raises:
        Unavailable: the database refused or did not answer.
    """
    import psycopg

    try:
        conn = await psycopg.AsyncConnection.connect(
            conninfo, connect_timeout=CONNECT_TIMEOUT_SECONDS
        )
    except psycopg.Error as err:
        raise Unavailable(
            f"cannot connect to the database {redact(conninfo)}: {_first_line(err)}"
        ) from None
    await conn.close()


class RecordReader:
    """Reads a stream from the event store on demand: only a retry on a closed pathway does.

    So `pathways command` answers a retried command with its first answer even after the
    pathway closed, without connecting to the database for every other command.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def read_stream(
        self, stream_id: str, *, known_at: datetime | None = None
    ) -> list[EventRecord]:
        async with event_store(self._settings) as store:
            return await store.read_stream(stream_id, known_at=known_at)


class AccountReader:
    """Looks accounts up on demand: only a command that gives a pathway to someone does.

    So the CLI checks the caseworker an opening or a reassignment names, as the web does,
    without connecting to the database for every other command. The account store, once
    opened, stays open in `opened` (closed with the client) for the commands that follow.
    """

    def __init__(self, settings: Settings, opened: contextlib.AsyncExitStack) -> None:
        self._settings = settings
        self._opened = opened
        self._accounts: PostgresAccountStore | None = None

    async def get_account(self, account_id: str) -> Account | None:
        if self._accounts is None:
            self._accounts = await self._opened.enter_async_context(account_store(self._settings))
        return await self._accounts.get_account(account_id)


class ContactReader:
    """Looks partner contacts up on demand, in the registry: only a link names one.

    So the CLI resolves the contact `link_partner_contact` names as the web does, without
    connecting to the database for every other command.
    """

    def __init__(self, settings: Settings, opened: contextlib.AsyncExitStack) -> None:
        self._settings = settings
        self._opened = opened
        self._stores: Stores | None = None

    async def linked_contact(self, contact_id: str) -> LinkedContact | None:
        if self._stores is None:
            self._stores = await self._opened.enter_async_context(database_stores(self._settings))
        return await self._stores.partners.linked_contact(contact_id)


@contextlib.asynccontextmanager
async def event_store(settings: Settings) -> AsyncIterator[PostgresEventStore]:
    """The Postgres event store (the system of record), for reading in one command.

    Raises:
        Unavailable: the database cannot be reached or is not migrated.
    """
    async with database_stores(settings) as stores:
        yield stores.events


@contextlib.asynccontextmanager
async def database_stores(settings: Settings) -> AsyncIterator[Stores]:
    """The stores of the composition root on the database, for one command.

    Raises:
        Unavailable: the database cannot be reached or is not migrated.
    """
    import psycopg

    from infra.db import open_pool
    from workers.composition import Stores

    async with database_url(settings, may_start=True) as conninfo:
        await check_database(conninfo)
        pool = await open_pool(conninfo, min_size=1, max_size=2, timeout=CONNECT_TIMEOUT_SECONDS)
        try:
            yield Stores(settings, pool)
        except psycopg.errors.UndefinedTable:
            raise Unavailable(
                f"the database {redact(conninfo)} has no event store yet: run `pathways migrate`"
            ) from None
        except psycopg.OperationalError as err:
            raise Unavailable(f"the database {redact(conninfo)}: {_first_line(err)}") from None
        finally:
            await pool.close()


@contextlib.asynccontextmanager
async def account_store(settings: Settings) -> AsyncIterator[PostgresAccountStore]:
    """The accounts in the database, for one command.

    Raises:
        Refused: an account operation was refused (its code: `account_exists`, ...).
        Unavailable: the database cannot be reached or is not migrated.
    """
    async with account_services(settings) as (accounts, _):
        yield accounts


@contextlib.asynccontextmanager
async def account_services(
    settings: Settings,
) -> AsyncIterator[tuple[PostgresAccountStore, AccountService]]:
    """The accounts in the database and the composition root's service over them (which
    ends web sessions in the database too), for one command.

    Raises:
        Refused: an account operation was refused (its code: `account_exists`, ...).
        Unavailable: the database cannot be reached or is not migrated.
    """
    import psycopg

    from infra.accounts.model import AccountError
    from infra.db import open_pool
    from workers.composition import Stores

    async with database_url(settings, may_start=True) as conninfo:
        await check_database(conninfo)
        pool = await open_pool(conninfo, min_size=1, max_size=2, timeout=CONNECT_TIMEOUT_SECONDS)
        try:
            stores = Stores(settings, pool)
            yield stores.accounts, stores.account_service
        except AccountError as err:
            raise Refused(err.code, err.detail, err.field) from None
        except psycopg.errors.UndefinedTable:
            raise Unavailable(
                f"the database {redact(conninfo)} has no accounts yet: run `pathways migrate`"
            ) from None
        except psycopg.OperationalError as err:
            raise Unavailable(f"the database {redact(conninfo)}: {_first_line(err)}") from None
        finally:
            await pool.close()


def redact(conninfo: str) -> str:
    """The conninfo with its password masked, fit for a banner or an error message."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        parts = conninfo_to_dict(conninfo)
    except Exception:  # unparsable: say nothing of it rather than leak it
        return "<unparsable database URL>"
    if not parts.get("password"):
        return conninfo
    return make_conninfo("", **{**parts, "password": "***"})


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
