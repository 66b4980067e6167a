"""What the pages, the API and the CLI ask of accounts, as a protocol: the rules live apart.

The rules (password policy, argon2 hashes, digests only for tokens, what a password change
ends) are the application's, in `activities.accounts.service`; web may not import an
activity, so it takes an `AccountService` from the composition root
(`workers.composition.account_service`) through `create_app`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from infra.accounts.model import Account, Organisation
from infra.accounts.sessions import SessionRevocations
from infra.accounts.store import AccountStore


@dataclass(frozen=True)
class PasswordChange:
    """What a password change did."""

    account: Account
    sessions_ended: bool
    """Whether every session of the account signed in before the change was ended."""
    tokens_revoked: int
    """How many live API tokens were revoked."""


class AccountService(Protocol):
    """Create an account, sign in, change a password, issue and read tokens, deactivate.

    Every method raises `AccountError` with its code and changes nothing when it refuses.
    """

    def validate(self, fields: dict[str, object]) -> Account:
        """The account `fields` describe, or `invalid_account` with the field at fault."""
        ...

    async def create_account(self, fields: dict[str, object], password: str | None) -> Account:
        """Check and add an account; with a password, it can sign in on the pages."""
        ...

    async def sign_in(self, account_id: str, password: str) -> Account | None:
        """The active account if the password matches; None otherwise."""
        ...

    async def change_password(
        self,
        account_id: str,
        password: str,
        *,
        current_password: str | None = None,
        keep_sessions: bool = False,
    ) -> PasswordChange:
        """Give the account a new password, ending its sessions and tokens by default."""
        ...

    async def deactivate(self, account_id: str) -> int:
        """Stop the account from signing in; how many of its tokens were revoked."""
        ...

    async def issue_token(
        self,
        account_id: str,
        label: str,
        now: datetime,
        lifetime: timedelta | None = timedelta(days=90),
    ) -> str:
        """A new bearer token for the account, shown once."""
        ...

    async def account_for_token(self, token: str, now: datetime) -> Account | None:
        """The account a bearer token belongs to, if it is live."""
        ...

    async def ensure_accounts(
        self,
        organisations: Iterable[Organisation],
        accounts: Iterable[tuple[Account, str]],
    ) -> list[Account]:
        """Create the organisations and accounts that do not exist yet; the ones created."""
        ...


AccountServiceFactory = Callable[[AccountStore, SessionRevocations], AccountService]
"""Builds the service over the accounts and the sessions' revocations an app was given."""
