"""The notification services of a stack: the local mail sink and the outbox sender."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

import structlog

from infra.config import Settings
from workers.failures import Unavailable
from workers.services import Stack

if TYPE_CHECKING:
    from infra.db import Pool
    from infra.mail import MailSink

log = structlog.get_logger(__name__)


class LocalMailSink:
    """When no SMTP server is configured: a sink on loopback keeping mail in `<data dir>/mail`."""

    name = "mail-sink"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._sink: MailSink | None = None

    async def start(self, stack: Stack) -> None:
        from infra.mail import MailSink

        folder = self._settings.data_dir / "mail"
        self._sink = MailSink(folder, self._settings.smtp_port)
        await asyncio.to_thread(self._sink.start)
        stack.smtp_host = self._sink.host
        stack.banner.append(("Mail", f"{self._sink.host}:{self._settings.smtp_port} → {folder}/"))

    async def stop(self) -> None:
        if self._sink is not None:
            await asyncio.to_thread(self._sink.stop)


class Notifier:
    """Sends the outbox's notifications by e-mail, at least once, keyed by Message-ID.

    To the people of the accounts table: active accounts with an e-mail address.
    """

    name = "notifier"

    def __init__(self) -> None:
        self._pool: Pool | None = None
        self._stop = asyncio.Event()
        self._run: asyncio.Task[None] | None = None

    async def start(self, stack: Stack) -> None:
        from infra.accounts.postgres import PostgresAccountStore
        from infra.db import open_pool
        from infra.eventstore.postgres import PostgresEventStore
        from infra.mail import AccountDirectory, MailSettings, MailSettingsError, run_notifier

        settings = stack.settings
        if stack.smtp_host is not None:
            settings = settings.model_copy(update={"smtp_host": stack.smtp_host})
        try:
            MailSettings.from_settings(settings)  # bad settings stop the stack before `ready`
        except MailSettingsError as error:
            raise Unavailable(str(error)) from None
        assert stack.database_url is not None, "the database starts before the notifier"
        self._pool = await open_pool(stack.database_url, 1, 2)
        store = PostgresEventStore(self._pool)
        directory = AccountDirectory(PostgresAccountStore(self._pool))
        self._run = asyncio.create_task(
            run_notifier(settings, store, directory, self._stop), name="notifier"
        )
        self._run.add_done_callback(lambda task: _on_exit(task, stack))

    async def stop(self) -> None:
        self._stop.set()
        if self._run is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._run
        if self._pool is not None:
            await self._pool.close()


def _on_exit(task: asyncio.Task[None], stack: Stack) -> None:
    if stack.stopping:
        return
    error = None if task.cancelled() else task.exception()
    stack.fail(f"the notifier stopped unexpectedly: {error or 'cancelled'}")
