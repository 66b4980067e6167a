"""The outbox and the inbox in Postgres, as the sender and the pages use them.

Their rows are written by `infra.eventstore.postgres_notification_writer` in the append's
transaction; here they are claimed, marked and read (see `infra.eventstore.notifications`).

A claim is one statement, so one transaction: it picks due rows `FOR UPDATE SKIP LOCKED`
and moves their `next_attempt_at` to the end of the sender's lease before it commits.
A concurrent claim skips the rows this one has locked and, once it commits, no longer
finds them due: two senders never hold the same row at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from psycopg import sql
from psycopg.rows import dict_row

from domain.projections import Notification, Withdrawal
from domain.values import Role
from infra.db import Pool
from infra.eventstore.base import check_claim, check_page, require_aware
from infra.eventstore.notifications import InboxItem, OutboxEntry

NOTIFICATION_COLUMNS = (
    "notification_id, pathway_id, organisation_id, recipient_role, recipient_id, escalation,"
    " obligation_kind, obligation_id, measure_id, due_at, created_at"
)
_OUTBOX_COLUMNS = (
    f"{NOTIFICATION_COLUMNS}, attempts, next_attempt_at, sent_at, given_up, last_error,"
    " withdrawn_at"
)

_CLAIM = f"""
WITH due AS (
    SELECT notification_id, next_attempt_at AS was_due FROM outbox
    WHERE sent_at IS NULL AND NOT given_up AND withdrawn_at IS NULL
      AND (next_attempt_at IS NULL OR next_attempt_at <= %(now)s)
    ORDER BY next_attempt_at NULLS FIRST, created_at, notification_id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
UPDATE outbox SET attempts = outbox.attempts + 1, next_attempt_at = %(until)s
FROM due WHERE outbox.notification_id = due.notification_id
RETURNING due.was_due, {", ".join(f"outbox.{c}" for c in _OUTBOX_COLUMNS.split(", "))}
"""
_INBOX_BRANCH = f"""
(SELECT {NOTIFICATION_COLUMNS}, read_at, withdrawn_at, withdrawn_by, met_at
 FROM inbox WHERE {{who}}{{unread}}
 ORDER BY created_at DESC, notification_id LIMIT %s)
"""


class PostgresNotifications:
    """`Notifications` on a psycopg pool whose database has been migrated."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def claim_notifications(
        self, now: datetime, *, limit: int, lease: timedelta
    ) -> list[OutboxEntry]:
        """See `NotificationOutbox.claim_notifications`."""
        check_claim(now, limit, lease)
        params = {"now": now, "limit": limit, "until": now + lease}
        async with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(_CLAIM, params)
            rows = await cur.fetchall()
        # RETURNING gives no order: restore the claim's (never-tried first, then oldest due).
        rows.sort(key=lambda r: (r["was_due"] or now, r["created_at"], r["notification_id"]))
        rows.sort(key=lambda r: r["was_due"] is not None)
        return [_outbox_entry(row) for row in rows]

    async def mark_notification_sent(self, notification_id: str, at: datetime) -> bool:
        """See `NotificationOutbox.mark_notification_sent`."""
        require_aware(at, "at")
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "UPDATE outbox SET sent_at = %s WHERE notification_id = %s AND sent_at IS NULL",
                (at, notification_id),
            )
            return cur.rowcount == 1

    async def mark_notification_failed(
        self, notification_id: str, error: str, next_attempt_at: datetime | None
    ) -> bool:
        """See `NotificationOutbox.mark_notification_failed`."""
        if next_attempt_at is not None:
            require_aware(next_attempt_at, "next_attempt_at")
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "UPDATE outbox SET last_error = %s, next_attempt_at = %s, given_up = %s"
                " WHERE notification_id = %s AND sent_at IS NULL",
                (error, next_attempt_at, next_attempt_at is None, notification_id),
            )
            return cur.rowcount == 1

    async def get_outbox_entry(self, notification_id: str) -> OutboxEntry | None:
        """See `NotificationOutbox.get_outbox_entry`."""
        async with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(
                f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE notification_id = %s",
                (notification_id,),
            )
            row = await cur.fetchone()
        return None if row is None else _outbox_entry(row)

    async def inbox(
        self,
        *,
        user_id: str,
        role: Role,
        organisation_id: str,
        unread_only: bool = False,
        limit: int = 100,
    ) -> list[InboxItem]:
        """See `NotificationInbox.inbox`."""
        check_page(limit)
        # Two branches, each on its own partial index: rows addressed to the person, and
        # rows addressed to their role (in their organisation, unless coordinator).
        unread = sql.SQL(" AND read_at IS NULL" if unread_only else "")
        by_role = "recipient_id IS NULL AND recipient_role = %s"
        role_params: list[Any] = [role.value]
        if role != Role.COORDINATOR:
            by_role += " AND organisation_id = %s"
            role_params.append(organisation_id)
        query = sql.SQL(" UNION ALL ").join(
            sql.SQL(_INBOX_BRANCH).format(who=sql.SQL(who), unread=unread)
            for who in ("recipient_id = %s", by_role)
        ) + sql.SQL(" ORDER BY created_at DESC, notification_id LIMIT %s")
        params = [user_id, limit, *role_params, limit, limit]
        async with self._pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(query, params)
            rows = await cur.fetchall()
        return [
            InboxItem(
                notification=_notification(row),
                read_at=_utc(row["read_at"]),
                withdrawn=_withdrawal(row),
            )
            for row in rows
        ]

    async def mark_read(self, notification_id: str, at: datetime) -> bool:
        """See `NotificationInbox.mark_read`."""
        require_aware(at, "at")
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "UPDATE inbox SET read_at = coalesce(read_at, %s) WHERE notification_id = %s",
                (at, notification_id),
            )
            return cur.rowcount == 1


def _notification(row: dict[str, Any]) -> Notification:
    return Notification.model_validate(
        {
            **{column: row[column] for column in NOTIFICATION_COLUMNS.split(", ")},
            "due_at": row["due_at"].astimezone(UTC),
            "created_at": row["created_at"].astimezone(UTC),
        }
    )


def _outbox_entry(row: dict[str, Any]) -> OutboxEntry:
    return OutboxEntry(
        notification=_notification(row),
        attempts=row["attempts"],
        next_attempt_at=_utc(row["next_attempt_at"]),
        sent_at=_utc(row["sent_at"]),
        given_up=row["given_up"],
        last_error=row["last_error"],
        withdrawn_at=_utc(row["withdrawn_at"]),
    )


def _withdrawal(row: dict[str, Any]) -> Withdrawal | None:
    if row["withdrawn_at"] is None:
        return None
    return Withdrawal(
        met_by=row["withdrawn_by"],
        met_at=row["met_at"].astimezone(UTC),
        withdrawn_at=row["withdrawn_at"].astimezone(UTC),
    )


def _utc(instant: datetime | None) -> datetime | None:
    return None if instant is None else instant.astimezone(UTC)
