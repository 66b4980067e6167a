"""The sender against a real SMTP server (the mail sink) on a free port of 127.0.0.1."""

from __future__ import annotations

import asyncio
import email
import email.policy
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any, ClassVar

from aiosmtpd.smtp import SMTP, Envelope, Session

from activities.notifications.messages import message_id
from activities.notifications.sender import Backoff, NotificationSender, SendReport, run_notifier
from domain.values import Role
from infra.config import Settings
from infra.eventstore.memory import InMemoryEventStore
from infra.eventstore.memory_notifications import InMemoryNotifications
from infra.mail.directory import StaticDirectory
from infra.mail.settings import MailSettings
from infra.mail.sink import MailSink
from tests.notifications.builders import DEMO_DIRECTORY, overdue_pathway
from tests.scenarios import OPEN, START
from workers.demo_data import DEMO_USERS


class Clock:
    """A clock the test moves by hand, starting a month after the pathways opened."""

    def __init__(self) -> None:
        self.now = START + timedelta(days=31)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **span: float) -> None:
        self.now += timedelta(**span)


def mail_settings(port: int) -> MailSettings:
    return MailSettings(
        host="127.0.0.1",
        port=port,
        from_address="Pathways <pathways@localhost>",
        base_url="http://127.0.0.1:8000",
        timeout=5,
        interval=0.05,
    )


def sender(store: InMemoryEventStore, port: int, clock: Clock, **kw: Any) -> NotificationSender:
    return NotificationSender(
        store.notifications,
        StaticDirectory(kw.pop("users", DEMO_DIRECTORY)),
        mail_settings(port),
        clock,
        **kw,
    )


async def two_overdue_pathways(store: InMemoryEventStore) -> list[str]:
    """Six notifications: one pathway in Lecce (Italian), one in Nardò (mostly English)."""
    ids = []
    for pathway in (
        overdue_pathway("p-0001", organisation_id="org-lecce", caseworker_id="anna"),
        overdue_pathway("p-0002", organisation_id="org-nardo", caseworker_id="marta"),
    ):
        await pathway.append_to(store)
        ids += [n.notification_id for n in pathway.notifications]
    return ids


def read(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


async def test_due_notifications_reach_the_sink_once_each_in_their_readers_language(
    sink: MailSink, port: int
) -> None:
    store, clock = InMemoryEventStore(), Clock()
    ids = await two_overdue_pathways(store)

    report = await sender(store, port, clock).send_pending()
    again = await sender(store, port, clock).send_pending()

    assert report == SendReport(claimed=6, sent=6)
    assert again == SendReport()
    files = {path.name: read(path) for path in sink.messages()}
    assert sorted(files) == sorted(message_id(i).strip("<>") + ".eml" for i in ids)
    by_reader = {m["To"]: m for m in files.values()}
    assert {to: m["Content-Language"] for to, m in by_reader.items()} == {
        "anna@example.org": "it",
        "sara@example.org": "it",
        "marta@example.org": "it",
        "paolo@example.org": "en",
        "cora@example.org": "en",
    }
    assert len(files) == 6  # cora, the coordinator, got one escalation per pathway
    assert by_reader["paolo@example.org"]["Subject"].startswith("[Pathways] Deadline missed")
    for i in ids:
        entry = await store.notifications.get_outbox_entry(i)
        assert entry is not None and entry.sent_at == clock.now and entry.attempts == 1


async def test_no_message_holds_the_beneficiarys_personal_data(sink: MailSink, port: int) -> None:
    store = InMemoryEventStore()
    await two_overdue_pathways(store)

    await sender(store, port, Clock()).send_pending()

    beneficiary = OPEN["beneficiary"]
    personal = [beneficiary[k] for k in ("given_name", "family_name", "phone", "document_number")]
    assert len(sink.messages()) == 6
    for path in sink.messages():
        message = read(path)
        body = message.get_body()
        assert body is not None
        readable = " ".join([str(message), body.get_content(), path.read_bytes().decode()])
        for value in [*personal, beneficiary["birth_date"], OPEN["reception_centre"]["name"]]:
            assert value not in readable
        assert "http://127.0.0.1:8000/pathways/p-000" in body.get_content()


async def test_an_unreachable_server_is_retried_with_growing_delays_until_it_answers(
    tmp_path: Path, port: int
) -> None:
    store, clock = InMemoryEventStore(), Clock()
    pathway = overdue_pathway()
    await pathway.append_to(store)
    first = pathway.notifications[0].notification_id
    mailer = sender(store, port, clock)

    refused = await mailer.send_pending()  # nothing listens on the port yet
    failed_at = clock.now
    entry = await store.notifications.get_outbox_entry(first)

    assert refused == SendReport(claimed=3, retrying=3)
    assert entry is not None and entry.sent_at is None and entry.attempts == 1
    assert entry.next_attempt_at == failed_at + timedelta(seconds=30)
    assert entry.last_error is not None and "ConnectionRefusedError" in entry.last_error

    clock.advance(seconds=29)
    assert await mailer.send_pending() == SendReport()  # still backing off
    clock.advance(seconds=1)
    assert await mailer.send_pending() == SendReport(claimed=3, retrying=3)
    entry = await store.notifications.get_outbox_entry(first)
    assert entry is not None and entry.next_attempt_at == clock.now + timedelta(seconds=60)

    with MailSink(tmp_path / "mail", port) as sink:
        clock.advance(seconds=60)
        assert await mailer.send_pending() == SendReport(claimed=3, sent=3)
        assert len(sink.messages()) == 3
    entry = await store.notifications.get_outbox_entry(first)
    assert entry is not None and (entry.attempts, entry.sent_at) == (3, clock.now)


async def test_a_notification_nobody_can_receive_is_given_up_with_a_clear_error(
    sink: MailSink, port: int
) -> None:
    store, clock = InMemoryEventStore(), Clock()
    pathway = overdue_pathway()
    await pathway.append_to(store)
    no_supervisor = [u for u in DEMO_DIRECTORY if u[1] != Role.SUPERVISOR]

    report = await sender(store, port, clock, users=no_supervisor).send_pending()
    clock.advance(days=30)
    later = await sender(store, port, clock, users=no_supervisor).send_pending()

    assert report == SendReport(claimed=3, sent=2, given_up=1)
    assert later == SendReport()
    entry = await store.notifications.get_outbox_entry(pathway.notifications[1].notification_id)
    assert entry is not None
    assert (entry.given_up, entry.sent_at, entry.next_attempt_at) == (True, None, None)
    assert entry.last_error == "no recipient in the directory for supervisor of org-lecce"
    assert len(sink.messages()) == 2


class RefusingSink(MailSink):
    """A sink that refuses some recipients: for good (550) or for now (451)."""

    refusals: ClassVar[dict[str, str]] = {
        "sara@example.org": "550 5.1.1 mailbox unavailable",
        "cora@example.org": "451 4.3.0 try again later",
    }

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address in self.refusals:
            return self.refusals[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"


async def test_a_recipient_refused_for_good_is_given_up_and_one_refused_for_now_retried(
    tmp_path: Path, port: int
) -> None:
    store, clock = InMemoryEventStore(), Clock()
    pathway = overdue_pathway()
    await pathway.append_to(store)
    _, to_supervisor, to_coordinator = pathway.notifications

    with RefusingSink(tmp_path / "mail", port) as sink:
        report = await sender(store, port, clock).send_pending()

        assert report == SendReport(claimed=3, sent=1, retrying=1, given_up=1)
        assert [read(p)["To"] for p in sink.messages()] == ["anna@example.org"]
    gone = await store.notifications.get_outbox_entry(to_supervisor.notification_id)
    later = await store.notifications.get_outbox_entry(to_coordinator.notification_id)
    assert gone is not None and gone.given_up and "550" in (gone.last_error or "")
    assert later is not None and not later.given_up and "451" in (later.last_error or "")
    assert later.next_attempt_at == clock.now + timedelta(seconds=30)


class SlowServerOutbox(InMemoryNotifications):
    """An outbox whose clock moves three minutes with every message sent, as with a slow server."""

    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock

    async def mark_notification_sent(self, notification_id: str, at: datetime) -> bool:
        self.clock.advance(minutes=3)
        return await super().mark_notification_sent(notification_id, at)


async def test_a_batch_stops_when_half_its_lease_went_by(sink: MailSink, port: int) -> None:
    clock = Clock()
    store = InMemoryEventStore(notifications=SlowServerOutbox(clock))
    ids = await two_overdue_pathways(store)

    report = await sender(store, port, clock, lease=timedelta(minutes=10)).send_pending()

    # Sent at 0 and 3 minutes; at 6, past half the lease, the other four wait for a retry.
    assert report == SendReport(claimed=6, sent=2, retrying=4)
    assert len(sink.messages()) == 2
    entry = await store.notifications.get_outbox_entry(ids[-1])
    assert entry is not None and entry.last_error == "half the claim's lease went by"


def test_backoff_doubles_from_thirty_seconds_up_to_an_hour() -> None:
    backoff = Backoff()

    assert [backoff.after(n).total_seconds() for n in (1, 2, 3, 7, 8, 1000)] == [
        30,
        60,
        120,
        1920,
        3600,
        3600,
    ]


async def test_the_wiring_of_pathways_up_sends_to_a_local_sink_until_stopped(
    tmp_path: Path, port: int
) -> None:
    # As docs/notifications.md tells `pathways up` to wire it: demo users, a local sink
    # under the data directory when no SMTP host is set, the notifier until stop.
    store = InMemoryEventStore()
    await two_overdue_pathways(store)
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path,
        smtp_port=port,
        mail_sender_interval=0.05,
    )
    directory = StaticDirectory(
        (u.user_id, u.role, u.organisation_id, f"{u.user_id}@example.org", "it") for u in DEMO_USERS
    )
    assert settings.smtp_host is None
    sink = MailSink(settings.data_dir / "mail", settings.smtp_port)
    sink.start()
    settings = settings.model_copy(update={"smtp_host": sink.host})
    stop = asyncio.Event()
    try:
        running = asyncio.create_task(run_notifier(settings, store.notifications, directory, stop))
        for _ in range(200):
            if len(sink.messages()) == 6:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(running, 5)
    finally:
        sink.stop()

    assert sorted(read(p)["To"] for p in (tmp_path / "mail").glob("*.eml")) == [
        "anna@example.org",
        "cora@example.org",
        "cora@example.org",
        "marta@example.org",
        "paolo@example.org",
        "sara@example.org",
    ]
