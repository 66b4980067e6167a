"""The writer of the notification read models: the outbox's e-mails and the inboxes' rows.

Run by `PostgresEventStore` in the append's transaction (outbox and inbox), and by a
rebuild (the inbox only: a rebuild never queues an e-mail again). The sender claims and
marks the outbox's rows, and the pages read the inbox, through
`infra.eventstore.postgres_notifications`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import sql

from domain.projections import EscalationsWithdrawn, Notification, ReadModelUpdate
from domain.records import EventRecord
from infra.eventstore.postgres_notifications import NOTIFICATION_COLUMNS
from infra.eventstore.postgres_statements import Connection

_PLACEHOLDERS = ", ".join(["%s"] * 11)


class NotificationWriter:
    """Queues and files an update's notifications, and marks the escalations it withdraws."""

    async def on_append(
        self, conn: Connection, records: Sequence[EventRecord], update: ReadModelUpdate
    ) -> None:
        await write_notifications(conn, update.notifications, outbox=True)
        await write_withdrawals(conn, update.withdrawals)

    async def on_rebuild(self, conn: Connection, update: ReadModelUpdate) -> None:
        await write_notifications(conn, update.notifications, outbox=False)
        await write_withdrawals(conn, update.withdrawals)


async def write_notifications(
    conn: Connection, notifications: Sequence[Notification], *, outbox: bool
) -> None:
    """Queue (when `outbox`) and file the notifications; rows already there stay as they are."""
    if not notifications:
        return
    rows = [_notification_row(n) for n in notifications]
    tables = ("outbox", "inbox") if outbox else ("inbox",)
    async with conn.cursor() as cur:
        for table in tables:
            insert = sql.SQL(
                "INSERT INTO {table} ({columns}) VALUES ({values})"
                " ON CONFLICT (notification_id) DO NOTHING"
            ).format(
                table=sql.Identifier(table),
                columns=sql.SQL(NOTIFICATION_COLUMNS),
                values=sql.SQL(_PLACEHOLDERS),
            )
            await cur.executemany(insert, rows)


_ESCALATIONS_NAMED = """
WHERE pathway_id = %(pathway_id)s AND obligation_id = %(obligation_id)s AND escalation
  AND due_at = ANY(%(due_instants)s) AND withdrawn_at IS NULL
"""
_WITHDRAW_IN_INBOX = (
    "UPDATE inbox SET withdrawn_at = %(withdrawn_at)s, withdrawn_by = %(withdrawn_by)s,"
    f" met_at = %(met_at)s {_ESCALATIONS_NAMED}"
)
_WITHDRAW_IN_OUTBOX = (
    f"UPDATE outbox SET withdrawn_at = %(withdrawn_at)s {_ESCALATIONS_NAMED} AND sent_at IS NULL"
)


async def write_withdrawals(conn: Connection, withdrawals: Sequence[EscalationsWithdrawn]) -> None:
    """Mark the escalations each withdrawal names: in the inbox, with the fact that withdrew
    them; in the outbox, while unsent, so that no sender claims them."""
    if not withdrawals:
        return
    rows = [
        {
            "pathway_id": w.pathway_id,
            "obligation_id": w.obligation_id,
            "due_instants": list(w.due_instants),
            "withdrawn_at": w.withdrawal.withdrawn_at,
            "withdrawn_by": w.withdrawal.met_by,
            "met_at": w.withdrawal.met_at,
        }
        for w in withdrawals
    ]
    async with conn.cursor() as cur:
        for statement in (_WITHDRAW_IN_INBOX, _WITHDRAW_IN_OUTBOX):
            await cur.executemany(statement, rows)


def _notification_row(n: Notification) -> tuple[Any, ...]:
    return (
        n.notification_id,
        n.pathway_id,
        n.organisation_id,
        n.recipient_role.value,
        n.recipient_id,
        n.escalation,
        n.obligation_kind,
        n.obligation_id,
        n.measure_id,
        n.due_at,
        n.created_at,
    )
