"""The notification services of a stack: the local mail sink and the outbox sender."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import structlog

from infra.config import Settings
from workers.failures import Unavailable
from workers.services import BackgroundTask, Stack

if TYPE_CHECKING:
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


class Notifier(BackgroundTask):
    """Sends the outbox's notifications by e-mail, at least once, keyed by Message-ID.

    To the people of the accounts table: active accounts with an e-mail address.
    """

    name = "notifier"

    async def start(self, stack: Stack) -> None:
        from activities.notifications.sender import run_notifier
        from infra.db import open_pool
        from infra.mail import AccountDirectory, MailSettings, MailSettingsError
        from infra.mail.partner_directory import PartnerDirectory
        from workers.composition import Stores

        settings = stack.settings
        if stack.smtp_host is not None:
            settings = settings.model_copy(update={"smtp_host": stack.smtp_host})
        try:
            MailSettings.from_settings(settings)  # bad settings stop the stack before `ready`
        except MailSettingsError as error:
            raise Unavailable(str(error)) from None
        assert stack.database_url is not None, "the database starts before the notifier"
        pool = await open_pool(stack.database_url, 1, 2)
        stores = Stores(settings, pool)
        directory = PartnerDirectory(AccountDirectory(stores.accounts), stores.partner_contacts)
        work = run_notifier(settings, stores.events.notifications, directory, self._stop)
        self.launch(stack, pool, work, "the notifier")
