"""Crypto-shredding and legal holds: who may erase a pathway's personal data, and when.

Erasing destroys the pathway's data keys (the wrapped key is dropped, `destroyed_at` set).
The events stay, for integrity and the aggregates; their sealed fields read as erased, and
the pathway's Temporal history can no longer be decoded, and its search tokens are
deleted (docs/privacy.md, "The blind index"). A pathway is erased only once it
is closed, and then either when its retention period after closure has passed, or on an
erasure request (`request_id`), and never under a legal hold. Every step writes a row of
`privacy_audit` (who, when, why) in the same transaction; a refusal changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import TupleRow
from psycopg.types.json import Jsonb

from domain.calendar import project_day
from domain.stream import stream_id_for
from infra.crypto.erasure_desk import (
    ERASURE_ALREADY_REQUESTED,
    NO_ERASURE_REQUEST,
    SAME_PERSON,
    ErasureRefused,
    ErasureRequest,
    ErasureStatus,
)
from infra.crypto.keyring import Keyring
from infra.db import Pool

__all__ = ["ErasureRefused", "PostgresErasureDesk", "erase", "release_legal_hold", "set_legal_hold"]

PATHWAY_NOT_FOUND = "pathway_not_found"
PATHWAY_NOT_CLOSED = "pathway_not_closed"
RETENTION_NOT_PASSED = "retention_not_passed"
LEGAL_HOLD = "legal_hold"
ALREADY_ERASED = "already_erased"
LEGAL_HOLD_EXISTS = "legal_hold_exists"
NO_LEGAL_HOLD = "no_legal_hold"
REASON_REQUIRED = "reason_required"


@dataclass(frozen=True)
class Erased:
    pathway_id: str
    keys_destroyed: int
    closed_at: datetime
    at: datetime


def retention_ends(closed_at: datetime, years: int) -> datetime:
    """The instant the retention period after closure ends (29 February → 28 February)."""
    try:
        return closed_at.replace(year=closed_at.year + years)
    except ValueError:
        return closed_at.replace(year=closed_at.year + years, day=28)


async def erase(
    pool: Pool,
    pathway_id: str,
    *,
    actor: str,
    reason: str,
    now: datetime,
    retention_years: int,
    request_id: str | None = None,
) -> Erased:
    """Destroy the pathway's data keys, if the rules allow it now.

    Raises:
        ErasureRefused: `reason_required`, `pathway_not_found`, `pathway_not_closed`,
            `already_erased`, `legal_hold`, `retention_not_passed`.
    """
    reason = _required(reason)
    async with pool.connection() as conn, conn.transaction():
        await _lock_pathway(conn, pathway_id)
        closed_at = await _closed_at(conn, pathway_id)
        if closed_at is None:
            raise ErasureRefused(
                PATHWAY_NOT_CLOSED, f"pathway {pathway_id} is not closed; only closed ones erase"
            )
        live = await _scalar(
            conn,
            "SELECT count(*) FROM pathway_keys WHERE pathway_id = %s AND wrapped IS NOT NULL",
            (pathway_id,),
        )
        if not live:
            raise ErasureRefused(ALREADY_ERASED, f"pathway {pathway_id} holds no live key")
        hold = await _scalar(
            conn, "SELECT reason FROM legal_holds WHERE pathway_id = %s", (pathway_id,)
        )
        if hold is not None:
            raise ErasureRefused(LEGAL_HOLD, f"pathway {pathway_id} is under legal hold: {hold}")
        ends = retention_ends(closed_at, retention_years)
        if request_id is None and now < ends:
            raise ErasureRefused(
                RETENTION_NOT_PASSED,
                f"pathway {pathway_id} closed on {project_day(closed_at)} is kept until "
                f"{project_day(ends)} ({retention_years} years); before then only an erasure "
                "request (--request-id) erases it",
            )
        await conn.execute(
            "UPDATE pathway_keys SET wrapped = NULL, destroyed_at = %s"
            " WHERE pathway_id = %s AND wrapped IS NOT NULL",
            (now, pathway_id),
        )
        # The blind index is keyed with the search key, which survives: its tokens would
        # still find the erased pathway by her name, so they go with her data key.
        await conn.execute("DELETE FROM search_tokens WHERE pathway_id = %s", (pathway_id,))
        # Sealed with the data key just destroyed, they no longer open; gone all the same.
        await conn.execute(
            "DELETE FROM as_of_snapshots WHERE stream_id = %s", (stream_id_for(pathway_id),)
        )
        await _audit(
            conn,
            pathway_id,
            "erased",
            actor,
            reason,
            request_id,
            {
                "keys_destroyed": live,
                "closed_at": closed_at.isoformat(),
                "retention_years": retention_years,
            },
            now,
        )
    return Erased(pathway_id, int(live), closed_at, now)


async def set_legal_hold(
    pool: Pool, pathway_id: str, *, actor: str, reason: str, now: datetime
) -> None:
    """Put the pathway under legal hold: no erasure until it is released.

    Raises:
        ErasureRefused: `reason_required`, `pathway_not_found`, `legal_hold_exists`.
    """
    reason = _required(reason)
    async with pool.connection() as conn, conn.transaction():
        await _lock_pathway(conn, pathway_id)
        cur = await conn.execute(
            "INSERT INTO legal_holds (pathway_id, reason, set_by, set_at) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT DO NOTHING",
            (pathway_id, reason, actor, now),
        )
        if cur.rowcount == 0:
            raise ErasureRefused(LEGAL_HOLD_EXISTS, f"pathway {pathway_id} is already held")
        await _audit(conn, pathway_id, "legal_hold_set", actor, reason, None, {}, now)


async def release_legal_hold(
    pool: Pool, pathway_id: str, *, actor: str, reason: str, now: datetime
) -> None:
    """Lift the pathway's legal hold.

    Raises:
        ErasureRefused: `reason_required`, `pathway_not_found`, `no_legal_hold`.
    """
    reason = _required(reason)
    async with pool.connection() as conn, conn.transaction():
        await _lock_pathway(conn, pathway_id)
        cur = await conn.execute(
            "DELETE FROM legal_holds WHERE pathway_id = %s RETURNING reason", (pathway_id,)
        )
        held = await cur.fetchone()
        if held is None:
            raise ErasureRefused(NO_LEGAL_HOLD, f"pathway {pathway_id} is not under legal hold")
        await _audit(
            conn, pathway_id, "legal_hold_released", actor, reason, None, {"held_for": held[0]}, now
        )


def _required(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ErasureRefused(REASON_REQUIRED, "say why (--reason): it is kept in the audit")
    return reason


async def _lock_pathway(conn: AsyncConnection[TupleRow], pathway_id: str) -> None:
    """Lock the pathway's caseload row: erasure and holds of one pathway run one at a time."""
    found = await _scalar(
        conn,
        "SELECT pathway_id FROM pathway_summaries WHERE pathway_id = %s FOR UPDATE",
        (pathway_id,),
    )
    if found is None:
        raise ErasureRefused(PATHWAY_NOT_FOUND, f"no pathway {pathway_id}")


async def _closed_at(conn: AsyncConnection[TupleRow], pathway_id: str) -> datetime | None:
    closed: datetime | None = await _scalar(
        conn,
        "SELECT max(recorded_at) FROM events WHERE stream_id = %s AND type = 'PathwayClosed'",
        (f"pathway-{pathway_id}",),
    )
    return closed


async def _scalar(conn: AsyncConnection[TupleRow], query: str, params: tuple[object, ...]) -> Any:
    row = await (await conn.execute(query, params)).fetchone()
    return None if row is None else row[0]


async def _audit(
    conn: AsyncConnection[TupleRow],
    pathway_id: str,
    action: str,
    actor: str,
    reason: str,
    request_id: str | None,
    detail: dict[str, object],
    now: datetime,
) -> None:
    await conn.execute(
        "INSERT INTO privacy_audit (pathway_id, action, actor, reason, request_id, detail, at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (pathway_id, action, actor, reason, request_id, Jsonb(detail), now),
    )


async def audit_trail(pool: Pool, pathway_id: str) -> list[dict[str, object]]:
    """The pathway's privacy audit rows, oldest first."""
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT action, actor, reason, request_id, detail, at FROM privacy_audit"
            " WHERE pathway_id = %s ORDER BY audit_id",
            (pathway_id,),
        )
        rows = await cur.fetchall()
    names = ("action", "actor", "reason", "request_id", "detail", "at")
    return [dict(zip(names, row, strict=True)) for row in rows]


ERASURE_REQUESTED = "erasure_requested"
"""The audit action of a request, pending until an `erased` row carries its id."""


class PostgresErasureDesk:
    """The `ErasureDesk` of the pages over `pool`: two people to erase, holds respected.

    `keyring`, the keyring the pages read with, forgets the pathway's keys once they are
    destroyed: the pages that approved the erasure stop showing its data at once, not when
    the cache expires (other processes stop within the keyring's `cache_seconds`).
    """

    def __init__(self, pool: Pool, retention_years: int, keyring: Keyring | None = None) -> None:
        self._pool = pool
        self._retention_years = retention_years
        self._keyring = keyring

    async def status(self, pathway_id: str) -> ErasureStatus:
        async with self._pool.connection() as conn:
            closed_at = await _closed_at(conn, pathway_id)
            live = await _scalar(
                conn,
                "SELECT count(*) FROM pathway_keys WHERE pathway_id = %s AND wrapped IS NOT NULL",
                (pathway_id,),
            )
            destroyed = await _scalar(
                conn,
                "SELECT count(*) FROM pathway_keys WHERE pathway_id = %s AND wrapped IS NULL",
                (pathway_id,),
            )
            hold = await _scalar(
                conn, "SELECT reason FROM legal_holds WHERE pathway_id = %s", (pathway_id,)
            )
            pending = await _pending(conn, pathway_id)
        return ErasureStatus(closed_at, bool(destroyed) and not live, hold, pending)

    async def request(self, pathway_id: str, *, actor: str, reason: str, now: datetime) -> str:
        reason = _required(reason)
        async with self._pool.connection() as conn, conn.transaction():
            await _lock_pathway(conn, pathway_id)
            if await _closed_at(conn, pathway_id) is None:
                raise ErasureRefused(PATHWAY_NOT_CLOSED, f"pathway {pathway_id} is not closed")
            live = await _scalar(
                conn,
                "SELECT count(*) FROM pathway_keys WHERE pathway_id = %s AND wrapped IS NOT NULL",
                (pathway_id,),
            )
            if not live:
                raise ErasureRefused(ALREADY_ERASED, f"pathway {pathway_id} holds no live key")
            hold = await _scalar(
                conn, "SELECT reason FROM legal_holds WHERE pathway_id = %s", (pathway_id,)
            )
            if hold is not None:
                raise ErasureRefused(
                    LEGAL_HOLD, f"pathway {pathway_id} is under legal hold: {hold}"
                )
            if await _pending(conn, pathway_id) is not None:
                raise ErasureRefused(
                    ERASURE_ALREADY_REQUESTED, f"pathway {pathway_id} awaits an approval already"
                )
            request_id = f"er-{uuid.uuid4().hex[:12]}"
            await _audit(conn, pathway_id, ERASURE_REQUESTED, actor, reason, request_id, {}, now)
        return request_id

    async def approve(self, pathway_id: str, request_id: str, *, actor: str, now: datetime) -> int:
        async with self._pool.connection() as conn:
            pending = await _pending(conn, pathway_id)
        if pending is None or pending.request_id != request_id:
            raise ErasureRefused(NO_ERASURE_REQUEST, f"no pending request {request_id}")
        if pending.requested_by == actor:
            raise ErasureRefused(SAME_PERSON, "another person approves an erasure request")
        done = await erase(
            self._pool,
            pathway_id,
            actor=actor,
            reason=f"approved request of {pending.requested_by}: {pending.reason}",
            now=now,
            retention_years=self._retention_years,
            request_id=request_id,
        )
        if self._keyring is not None:
            self._keyring.forget(pathway_id)
        return done.keys_destroyed

    async def set_hold(self, pathway_id: str, *, actor: str, reason: str, now: datetime) -> None:
        await set_legal_hold(self._pool, pathway_id, actor=actor, reason=reason, now=now)

    async def release_hold(
        self, pathway_id: str, *, actor: str, reason: str, now: datetime
    ) -> None:
        await release_legal_hold(self._pool, pathway_id, actor=actor, reason=reason, now=now)


async def _pending(conn: AsyncConnection[TupleRow], pathway_id: str) -> ErasureRequest | None:
    """The latest request of the pathway no erasure has answered."""
    row = await (
        await conn.execute(
            "SELECT r.request_id, r.actor, r.reason, r.at FROM privacy_audit r"
            " WHERE r.pathway_id = %s AND r.action = %s AND NOT EXISTS ("
            "  SELECT 1 FROM privacy_audit e WHERE e.pathway_id = r.pathway_id"
            "  AND e.action = 'erased' AND e.request_id = r.request_id)"
            " ORDER BY r.audit_id DESC LIMIT 1",
            (pathway_id, ERASURE_REQUESTED),
        )
    ).fetchone()
    return None if row is None else ErasureRequest(row[0], row[1], row[2], row[3])
