"""The notification sender: drains the outbox into e-mail, at least once, with retries.

Each round claims a batch (the store hides it from other senders for a lease), sends
each message with `Message-ID: <notification id@pathways>` and marks it sent right after
the server took it. Delivery is at least once, not exactly once: a sender that dies
between the server's "250 OK" and the mark leaves that row to be claimed again when its
lease ends, and the message goes out a second time with the same Message-ID. Whoever
receives must drop the repeat by Message-ID, as `infra.mail.sink.MailSink` does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import structlog

from activities.notifications.messages import build_message
from infra.config import Settings
from infra.eventstore.notifications import NotificationOutbox, OutboxEntry
from infra.mail.directory import Directory, Recipient
from infra.mail.settings import MailSettings
from infra.mail.smtp import DeliveryFailed, MailSession, MailTransport, SmtpTransport

Clock = Callable[[], datetime]
Outcome = Literal["sent", "retrying", "given_up"]

_log = structlog.get_logger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SendReport:
    """What one round of the sender did."""

    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    """Failed this time, claimable again after their backoff."""
    given_up: int = 0
    """Failed for good: no recipient, or every recipient refused permanently."""


@dataclass(frozen=True)
class Backoff:
    """Delay before attempt n+1 after n failed ones: `first`, doubling, at most `most`."""

    first: timedelta = timedelta(seconds=30)
    most: timedelta = timedelta(hours=1)

    def after(self, attempts: int) -> timedelta:
        doublings = min(max(attempts - 1, 0), 30)  # 2**30 times anything is past `most`
        return min(self.first * (1 << doublings), self.most)


class NotificationSender:
    """Sends the outbox's due notifications; one instance per process is enough.

    Several instances (processes) may run at once: their claims never overlap, and a
    sender stops working through a batch when half its lease has gone by (a server that
    answers very slowly), so that its rows are never sent by two senders at once.
    """

    def __init__(
        self,
        store: NotificationOutbox,
        directory: Directory,
        settings: MailSettings,
        clock: Clock = utc_now,
        *,
        transport: MailTransport | None = None,
        batch_size: int = 20,
        lease: timedelta = timedelta(minutes=10),
        backoff: Backoff | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        if lease <= timedelta(seconds=2 * settings.timeout):
            raise ValueError(f"lease {lease} leaves no time for one SMTP exchange")
        self._store = store
        self._directory = directory
        self._settings = settings
        self._clock = clock
        self._transport = transport or SmtpTransport(settings)
        self._batch_size = batch_size
        self._lease = lease
        self._backoff = backoff or Backoff()

    async def send_pending(self) -> SendReport:
        """Claim one batch of due notifications and try each once."""
        claimed_at = self._clock()
        batch = await self._store.claim_notifications(
            claimed_at, limit=self._batch_size, lease=self._lease
        )
        if not batch:
            return SendReport()
        counts: dict[Outcome, int] = {"sent": 0, "retrying": 0, "given_up": 0}
        addressed = []
        for entry in batch:
            recipients = await self._directory.recipients(entry.notification)
            if recipients:
                addressed.append((entry, recipients))
                continue
            notification = entry.notification
            who = notification.recipient_id or (
                f"{notification.recipient_role.value} of {notification.organisation_id}"
            )
            await self._fail(entry, f"no recipient in the directory for {who}", retry=False)
            counts["given_up"] += 1
        pending = list(addressed)
        stop_by = claimed_at + self._lease / 2
        try:
            if pending:
                async with self._transport.session() as session:
                    while pending:
                        if self._clock() >= stop_by:
                            raise DeliveryFailed(
                                "half the claim's lease went by", connection_lost=True
                            )
                        entry, recipients = pending[0]
                        counts[await self._send(session, entry, recipients)] += 1
                        pending.pop(0)
        except DeliveryFailed as failure:
            # The server is unreachable, the session broke or time is up: the rest waits
            # for a retry.
            for entry, _ in pending:
                await self._fail(entry, str(failure), retry=True)
            counts["retrying"] += len(pending)
        return SendReport(claimed=len(batch), **counts)

    async def run(self, stop: asyncio.Event) -> None:
        """Send rounds until `stop` is set; a round that fails is logged and the loop goes on.

        The next round starts at once after a full batch, else after `interval` seconds.
        A failed round (the database is down, say) leaves its rows to the lease.
        """
        settings = self._settings
        _log.info("notification_sender_started", smtp_host=settings.host, smtp_port=settings.port)
        while not stop.is_set():
            full = False
            try:
                report = await self.send_pending()
                full = report.claimed == self._batch_size
                if report.claimed:
                    _log.info("notifications_round", **asdict(report))
            except Exception:
                _log.exception("notifications_round_failed")
            if not full:
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), settings.interval)
        _log.info("notification_sender_stopped")

    async def _send(
        self, session: MailSession, entry: OutboxEntry, recipients: Sequence[Recipient]
    ) -> Outcome:
        """Send one message; its outcome as a `SendReport` field name."""
        message = build_message(
            entry.notification,
            recipients,
            from_address=self._settings.from_address,
            base_url=self._settings.base_url,
            now=self._clock(),
        )
        try:
            await session.send(message)
        except DeliveryFailed as failure:
            if failure.connection_lost:
                raise
            await self._fail(entry, str(failure), retry=not failure.permanent)
            return "retrying" if not failure.permanent else "given_up"
        marked = await self._store.mark_notification_sent(entry.notification_id, self._clock())
        _log.info(
            "notification_sent" if marked else "notification_sent_again",
            notification_id=entry.notification_id,
            pathway_id=entry.notification.pathway_id,
            attempts=entry.attempts,
        )
        return "sent"

    async def _fail(self, entry: OutboxEntry, error: str, *, retry: bool) -> None:
        next_attempt = self._clock() + self._backoff.after(entry.attempts) if retry else None
        await self._store.mark_notification_failed(entry.notification_id, error, next_attempt)
        _log.warning(
            "notification_failed",
            notification_id=entry.notification_id,
            pathway_id=entry.notification.pathway_id,
            attempts=entry.attempts,
            error=error,
            next_attempt_at=next_attempt.isoformat() if next_attempt else None,
        )


async def run_notifier(
    settings: Settings,
    store: NotificationOutbox,
    directory: Directory,
    stop: asyncio.Event,
    *,
    clock: Clock = utc_now,
) -> None:
    """Send the outbox's notifications by e-mail until `stop` is set.

    The entry point of `pathways up` and of any worker process. The settings are checked
    before anything is claimed, so bad ones change nothing.

    Raises:
        MailSettingsError: the SMTP settings cannot work (e.g. PATHWAYS_SMTP_HOST unset).
    """
    sender = NotificationSender(store, directory, MailSettings.from_settings(settings), clock)
    await sender.run(stop)
