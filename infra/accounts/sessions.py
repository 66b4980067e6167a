"""Ended sessions: a session cookie copied before sign-out, or before a password change,
must not work after it.

The session lives in a signed cookie, so ending it on one browser does not stop a copy
of the cookie; each session carries a random id, and signing out records that id as
revoked until the session would have expired anyway. A password change ends every session
of the account at once: each account has an epoch (0 until then), a session carries the
epoch of its sign-in, and ending the account's sessions moves the epoch on, so every
session signed in before is refused wherever its cookie is. Shared by every web process
and the CLI (`infra.accounts.postgres_sessions`, tables `revoked_sessions` and
`account_session_epochs`); in memory for tests.
"""

from __future__ import annotations

import abc
from datetime import datetime


class SessionRevocations(abc.ABC):
    @abc.abstractmethod
    async def revoke(self, session_id: str, until: datetime) -> None:
        """Refuse the session from now on; it may be forgotten after `until`."""

    @abc.abstractmethod
    async def epoch(self, account_id: str) -> int:
        """The epoch a session of the account signed in now carries."""

    @abc.abstractmethod
    async def end_sessions_of(self, account_id: str) -> int:
        """Refuse every session the account has now; the epoch of those signed in after."""

    @abc.abstractmethod
    async def is_revoked(self, session_id: str, account_id: str, epoch: int) -> bool:
        """Whether the session was signed out, or its account's sessions ended since its
        sign-in (`epoch` is the one it carries)."""


class InMemorySessionRevocations(SessionRevocations):
    def __init__(self) -> None:
        self._revoked: dict[str, datetime] = {}
        self._epochs: dict[str, int] = {}

    async def revoke(self, session_id: str, until: datetime) -> None:
        self._revoked[session_id] = until

    async def epoch(self, account_id: str) -> int:
        return self._epochs.get(account_id, 0)

    async def end_sessions_of(self, account_id: str) -> int:
        self._epochs[account_id] = self._epochs.get(account_id, 0) + 1
        return self._epochs[account_id]

    async def is_revoked(self, session_id: str, account_id: str, epoch: int) -> bool:
        return session_id in self._revoked or self._epochs.get(account_id, 0) > epoch
