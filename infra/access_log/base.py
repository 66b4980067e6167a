"""`AccessLog`: record reads of personal data and search them; implementations store rows.

Callers record with `record` (one pathway) or `record_all` (a list that shows several).
A read is answered only once its entry is stored: when the store fails, `record` raises
`AccessLogUnavailable` and the caller refuses the read (the web app answers 503).
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from datetime import UTC, datetime

import structlog

from domain.values import Actor
from infra.access_log.model import (
    AccessEntry,
    AccessLogUnavailable,
    AccessQuery,
    Channel,
    Purpose,
)

log = structlog.get_logger("pathways.access_log")


class AccessLog(abc.ABC):
    """Where reads of personal data are recorded; append-only, searched by auditors."""

    async def record(
        self,
        actor: Actor,
        pathway_id: str,
        what: str,
        purpose: Purpose | str,
        channel: Channel | str,
        *,
        detail: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Record that `actor` read `what` of one pathway, for `purpose`, through `channel`.

        Raises:
            pydantic.ValidationError: an argument is not a valid entry (a caller's bug).
            AccessLogUnavailable: the entry could not be stored; do not answer the read.
        """
        await self.record_all(actor, [pathway_id], what, purpose, channel, detail=detail, at=at)

    async def record_all(
        self,
        actor: Actor,
        pathway_ids: Sequence[str],
        what: str,
        purpose: Purpose | str,
        channel: Channel | str,
        *,
        detail: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Record one read that showed each of `pathway_ids` (a drill-down, an export).

        Raises:
            pydantic.ValidationError: an argument is not a valid entry (a caller's bug).
            AccessLogUnavailable: nothing was stored; do not answer the read.
        """
        instant = at or datetime.now(UTC)
        entries = [
            AccessEntry(
                at=instant,
                account_id=actor.id,
                role=actor.role,
                pathway_id=pathway_id,
                what=what,
                purpose=Purpose(purpose),
                channel=Channel(channel),
                detail=detail,
            )
            for pathway_id in dict.fromkeys(pathway_ids)
        ]
        if not entries:
            return
        try:
            await self._write(entries)
        except Exception as err:
            log.error("access_log_unavailable", error=type(err).__name__, what=what)
            raise AccessLogUnavailable(f"the access log cannot be written: {err}") from err

    @abc.abstractmethod
    async def _write(self, entries: Sequence[AccessEntry]) -> None:
        """Store every entry or none."""

    @abc.abstractmethod
    async def search(self, query: AccessQuery) -> list[AccessEntry]:
        """The entries matching every filter of `query`, newest first."""


class InMemoryAccessLog(AccessLog):
    """An `AccessLog` in a list, for tests and the in-memory app."""

    def __init__(self) -> None:
        self._entries: list[AccessEntry] = []

    async def _write(self, entries: Sequence[AccessEntry]) -> None:
        first = len(self._entries) + 1
        self._entries.extend(
            e.model_copy(update={"entry_id": first + i}) for i, e in enumerate(entries)
        )

    async def search(self, query: AccessQuery) -> list[AccessEntry]:
        found = [
            e
            for e in reversed(self._entries)
            if query.pathway_id in (None, e.pathway_id)
            and query.account_id in (None, e.account_id)
            and query.channel in (None, e.channel)
            and (query.since is None or e.at >= query.since)
            and (query.until is None or e.at < query.until)
        ]
        found.sort(key=lambda e: (e.at, e.entry_id or 0), reverse=True)
        return found[query.offset : query.offset + query.limit]
