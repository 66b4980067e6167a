"""What the pages ask of erasure and legal holds: the protocol and what it answers.

Apart from `infra.crypto.erasure` (which holds the connection pool) so that web/ names them
without importing an adapter; `PostgresErasureDesk` implements it, built by the root.
An erasure from the pages takes two people: one requests it (`request`), another approves
it (`approve`), which erases as `pathways erase --request-id` does; a legal hold refuses
both. Every step is a `privacy_audit` row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

SAME_PERSON = "same_person"
"""An erasure is approved by someone other than who requested it."""
NO_ERASURE_REQUEST = "no_erasure_request"
ERASURE_ALREADY_REQUESTED = "erasure_already_requested"


class ErasureRefused(Exception):
    """A refused erasure or hold, with its stable code; nothing was changed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ErasureRequest:
    request_id: str
    requested_by: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class ErasureStatus:
    """What the erasure page shows of a pathway."""

    closed_at: datetime | None
    erased: bool
    hold_reason: str | None
    pending: ErasureRequest | None


class ErasureDesk(Protocol):
    async def status(self, pathway_id: str) -> ErasureStatus:
        """The pathway's closure, keys, hold and pending request."""
        ...

    async def request(self, pathway_id: str, *, actor: str, reason: str, now: datetime) -> str:
        """Record a request to erase the closed pathway; its id.

        Raises:
            ErasureRefused: `reason_required`, `pathway_not_found`, `pathway_not_closed`,
                `already_erased`, `legal_hold`, `erasure_already_requested`.
        """
        ...

    async def approve(self, pathway_id: str, request_id: str, *, actor: str, now: datetime) -> int:
        """Erase the pathway on its pending request, approved by `actor`; keys destroyed.

        Raises:
            ErasureRefused: `no_erasure_request`, `same_person`, and `erase`'s refusals
                (`legal_hold` among them).
        """
        ...

    async def set_hold(self, pathway_id: str, *, actor: str, reason: str, now: datetime) -> None:
        """As `set_legal_hold`."""
        ...

    async def release_hold(
        self, pathway_id: str, *, actor: str, reason: str, now: datetime
    ) -> None:
        """As `release_legal_hold`."""
        ...
