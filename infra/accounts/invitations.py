"""One-time links that set an account's password: a partner's invitation, a staff member's
reset by e-mail. The store's protocol, and the protocols of the rules that make them.

Only a token's SHA-256 digest is kept (`infra.accounts.credentials.token_digest`); a link
serves once, before it expires. `redeem` is the store's one atomic step: it marks the link
used and answers whose it was, so two submissions of one link set one password.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from infra.accounts.model import Account, AccountError
from infra.accounts.sessions import SessionRevocations
from infra.accounts.store import AccountStore
from infra.partners.base import PartnerRegistry

INVITATION_VALID_FOR = timedelta(hours=72)
"""How long a link serves: three days, long enough for someone who reads mail weekly-ish
to be reminded, short enough that a forgotten mail is no open door."""

INVITATION_INVALID = "invitation_invalid"
"""The one refusal of a link: unknown, used or expired alike, so it tells nothing more."""


def invitation_invalid() -> AccountError:
    return AccountError(
        INVITATION_INVALID, "this link is unknown, used or expired: ask for a new one", "token"
    )


class InvitationStore(Protocol):
    """The links by digest."""

    async def add_invitation(
        self, account_id: str, digest: str, created_at: datetime, expires_at: datetime
    ) -> None:
        """Store a link's digest for the account. Raises `AccountError` `account_not_found`."""
        ...

    async def redeem(self, digest: str, now: datetime) -> str | None:
        """Mark an unused, unexpired link used, once; the account's id, else None."""
        ...

    async def invitation_account(self, digest: str, now: datetime) -> str | None:
        """Whose the unused, unexpired link is, without using it (the form that asks)."""
        ...


class InMemoryInvitations:
    """An `InvitationStore` in a dict, for tests and the in-memory app."""

    def __init__(self) -> None:
        self._links: dict[str, tuple[str, datetime, datetime | None]] = {}

    async def add_invitation(
        self, account_id: str, digest: str, created_at: datetime, expires_at: datetime
    ) -> None:
        self._links[digest] = (account_id, expires_at, None)

    async def redeem(self, digest: str, now: datetime) -> str | None:
        account_id = await self.invitation_account(digest, now)
        if account_id is not None:
            self._links[digest] = (account_id, self._links[digest][1], now)
        return account_id

    async def invitation_account(self, digest: str, now: datetime) -> str | None:
        found = self._links.get(digest)
        if found is None or found[2] is not None or found[1] <= now:
            return None
        return found[0]


@dataclass(frozen=True)
class Invitation:
    """An invitation made: the account, and the link to send (never stored in clear)."""

    account: Account
    link: str
    expires_at: datetime
    mailed: bool = False
    """Whether the link left by mail; if not, the inviter gives it to the person."""


class PartnerInviter(Protocol):
    """Invites a partner contact to an account of its own and mails the link
    (`activities.accounts.partner_invitations`, built by the composition root)."""

    async def invite(
        self, inviter: Account, contact_id: str, now: datetime, partner_id: str | None = None
    ) -> Invitation:
        """Make (or find) the contact's account and a link, and mail it.

        Raises:
            PartnerError: `partner_not_found`, `partner_forbidden`, `invalid_contact`;
                nothing is stored then.
        """
        ...


PartnerInviterFactory = Callable[[AccountStore, PartnerRegistry, InvitationStore], PartnerInviter]
"""Builds the inviter over the accounts, the partner registry and the links an app holds."""


RESET_VALID_FOR = timedelta(hours=1)
"""How long a password reset's link serves: asked for now, used now."""


class PasswordResetter(Protocol):
    """Resets a forgotten password through a one-time link, mailed to the account's address
    (`activities.accounts.password_resets`, built by the composition root). The links are
    the invitations' (the same store, the same one refusal, `invitation_invalid`)."""

    async def request_reset(self, who: str, now: datetime) -> None:
        """Mail a link to the account with id or e-mail `who`, if there is one that may
        reset its password; else nothing. Never says which, nor raises for it."""
        ...

    async def link_account(self, token: str, now: datetime) -> str | None:
        """Whose the link still serving is, without using it (the form that asks)."""
        ...

    async def reset(self, token: str, password: str, now: datetime) -> Account:
        """Set the password the link is for, use the link up, end the account's sessions and
        revoke its API tokens (whoever asked may not be the only one who knew the old one).

        Raises:
            AccountError: `invitation_invalid`, `weak_password`; nothing changes then.
        """
        ...


PasswordResetterFactory = Callable[
    [AccountStore, InvitationStore, SessionRevocations], PasswordResetter
]
"""Builds the resets over the accounts, the links and the sessions' revocations an app holds."""
