"""A sender killed with SIGKILL mid-batch: every notification still reaches the sink once.

The sender runs in a subprocess on the Postgres store, as deployed. The sink takes the
fourth message and then holds back its "250 OK", so the sender is killed at the worst
instant: the server has the message, the outbox does not know it was sent. A second
sender, once the first one's lease has run out, sends the rest and that message again;
the sink keeps one copy of it, by Message-ID.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session

from activities.notifications.messages import message_id
from activities.notifications.sender import NotificationSender, SendReport
from infra.eventstore.notifications import OutboxEntry
from infra.eventstore.postgres import PostgresEventStore
from infra.mail.directory import StaticDirectory
from infra.mail.settings import MailSettings
from infra.mail.sink import MailSink
from tests.notifications.builders import DEMO_DIRECTORY, overdue_pathway

ROOT = Path(__file__).resolve().parents[2]
STALL_AFTER = 4


class StallingSink(MailSink):
    """Stores every message, then leaves the sender of the `STALL_AFTER`th one waiting."""

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        if self.received == STALL_AFTER:
            await asyncio.sleep(3600)  # cancelled when the sink stops
        return reply


async def wait_until(done: Callable[[], bool], process: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 60
    while not done():
        assert process.returncode is None, "the sender process died on its own"
        assert time.monotonic() < deadline, "the sender process did not get that far"
        await asyncio.sleep(0.02)


async def outbox(store: PostgresEventStore, ids: list[str]) -> list[OutboxEntry]:
    entries = [await store.notifications.get_outbox_entry(i) for i in ids]
    assert None not in entries
    return entries  # type: ignore[return-value]


async def test_a_sender_killed_mid_batch_leaves_every_notification_in_the_sink_exactly_once(
    postgres_store: PostgresEventStore, database: str, tmp_path: Path, port: int
) -> None:
    ids: list[str] = []
    for number, (org, caseworker) in enumerate(
        [("org-lecce", "anna"), ("org-nardo", "marta"), ("org-lecce", "luca")], start=1
    ):
        pathway = overdue_pathway(f"p-000{number}", organisation_id=org, caseworker_id=caseworker)
        await pathway.append_to(postgres_store)
        ids += [n.notification_id for n in pathway.notifications]
    assert len(ids) == 9
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PATHWAYS_")}
    environment.update(
        PATHWAYS_DATABASE_URL=database,
        PATHWAYS_SMTP_HOST="127.0.0.1",
        PATHWAYS_SMTP_PORT=str(port),
        PATHWAYS_MAIL_SENDER_INTERVAL="0.2",
    )
    log = tmp_path / "sender.log"

    with StallingSink(tmp_path / "mail", port) as sink:
        with log.open("wb") as stderr:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.notifications.sender_process",
                cwd=ROOT,
                env=environment,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=stderr,
            )
            try:
                await wait_until(lambda: sink.received == STALL_AFTER, process)
                before = await outbox(postgres_store, ids)
            finally:
                process.send_signal(signal.SIGKILL)
                await process.wait()
        assert process.returncode == -signal.SIGKILL, log.read_text()
        # One batch claimed all nine; three were sent and marked, the fourth is in the
        # sink but not marked, and the other five were never sent.
        assert sorted(e.attempts for e in before) == [1] * 9
        assert sum(e.sent_at is not None for e in before) == STALL_AFTER - 1

        # Another sender, after the dead one's lease (ten minutes) has run out.
        def later() -> datetime:
            return datetime.now(UTC) + timedelta(minutes=11)

        settings = MailSettings(
            host="127.0.0.1",
            port=port,
            from_address="pathways@localhost",
            base_url="http://127.0.0.1:8000",
            timeout=5,
        )
        survivor = NotificationSender(
            postgres_store.notifications, StaticDirectory(DEMO_DIRECTORY), settings, later
        )
        report = await survivor.send_pending()
        after = await outbox(postgres_store, ids)

    assert report == SendReport(claimed=9 - (STALL_AFTER - 1), sent=9 - (STALL_AFTER - 1))
    # Marked sent once each: three by the killed sender, six by the survivor.
    assert all(e.sent_at is not None for e in after)
    assert sorted(e.attempts for e in after) == [1] * (STALL_AFTER - 1) + [2] * 6
    # Delivered ten times (one of them twice), stored nine times: once per notification.
    assert (sink.received, sink.stored) == (10, 9)
    assert [p.name for p in sink.messages()] == sorted(
        message_id(i).strip("<>") + ".eml" for i in ids
    )
