"""Where accounts live: the `AccountStore` protocol and its in-memory implementation.

The Postgres implementation (`infra.accounts.postgres`) passes the same contract tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from infra.accounts.model import Account, AccountError, Language, Organisation


class AccountStore(Protocol):
    """Accounts, organisations and API tokens."""

    async def create_organisation(self, organisation: Organisation) -> None:
        """Add an organisation. Raises `AccountError` `organisation_exists`."""
        ...

    async def list_organisations(self) -> list[Organisation]:
        """Every organisation, by id."""
        ...

    async def create_account(self, account: Account, password_hash: str | None) -> Account:
        """Add an account; returns it with `created_at`.

        Raises:
            AccountError: `account_exists`, or `organisation_not_found`.
        """
        ...

    async def get_account(self, account_id: str) -> Account | None:
        """The account, active or not; None when there is none."""
        ...

    async def list_accounts(self, organisation_id: str | None = None) -> list[Account]:
        """Accounts by id, those of one organisation when given."""
        ...

    async def password_hash(self, account_id: str) -> str | None:
        """The stored hash, or None (no account, or an account without a password)."""
        ...

    async def update_account(
        self,
        account_id: str,
        *,
        password_hash: str | None = None,
        language: Language | None = None,
        active: bool | None = None,
    ) -> Account:
        """Change what is given. Raises `AccountError` `account_not_found`."""
        ...

    async def add_token(
        self, account_id: str, digest: str, label: str, expires_at: datetime | None
    ) -> None:
        """Store a token's digest for the account. Raises `account_not_found`."""
        ...

    async def account_for_token(self, digest: str, now: datetime) -> Account | None:
        """The active account whose unexpired, unrevoked token has this digest."""
        ...

    async def revoke_tokens(self, account_id: str) -> int:
        """Revoke every token of the account; how many were live."""
        ...


@dataclass
class _Token:
    account_id: str
    label: str
    expires_at: datetime | None
    revoked: bool = False


class InMemoryAccountStore:
    """An `AccountStore` in a dict, for tests and the time-skipping harness."""

    def __init__(self) -> None:
        self._organisations: dict[str, Organisation] = {}
        self._accounts: dict[str, Account] = {}
        self._hashes: dict[str, str | None] = {}
        self._tokens: dict[str, _Token] = {}

    async def create_organisation(self, organisation: Organisation) -> None:
        if organisation.id in self._organisations:
            raise AccountError("organisation_exists", f"{organisation.id} exists", "id")
        self._organisations[organisation.id] = organisation

    async def list_organisations(self) -> list[Organisation]:
        return [self._organisations[k] for k in sorted(self._organisations)]

    async def create_account(self, account: Account, password_hash: str | None) -> Account:
        if account.id in self._accounts:
            raise AccountError("account_exists", f"{account.id} exists", "id")
        if account.organisation_id is not None and account.organisation_id not in (
            self._organisations
        ):
            raise AccountError(
                "organisation_not_found",
                f"no organisation {account.organisation_id}",
                "organisation_id",
            )
        stored = account.model_copy(update={"created_at": datetime.now(UTC)})
        self._accounts[account.id] = stored
        self._hashes[account.id] = password_hash
        return stored

    async def get_account(self, account_id: str) -> Account | None:
        return self._accounts.get(account_id)

    async def list_accounts(self, organisation_id: str | None = None) -> list[Account]:
        return [
            self._accounts[k]
            for k in sorted(self._accounts)
            if organisation_id is None or self._accounts[k].organisation_id == organisation_id
        ]

    async def password_hash(self, account_id: str) -> str | None:
        return self._hashes.get(account_id)

    async def update_account(
        self,
        account_id: str,
        *,
        password_hash: str | None = None,
        language: Language | None = None,
        active: bool | None = None,
    ) -> Account:
        account = self._accounts.get(account_id)
        if account is None:
            raise AccountError("account_not_found", f"no account {account_id}", "id")
        if password_hash is not None:
            self._hashes[account_id] = password_hash
        changes = {"language": language, "active": active}
        account = account.model_copy(update={k: v for k, v in changes.items() if v is not None})
        self._accounts[account_id] = account
        return account

    async def add_token(
        self, account_id: str, digest: str, label: str, expires_at: datetime | None
    ) -> None:
        if account_id not in self._accounts:
            raise AccountError("account_not_found", f"no account {account_id}", "id")
        self._tokens[digest] = _Token(account_id, label, expires_at)

    async def account_for_token(self, digest: str, now: datetime) -> Account | None:
        token = self._tokens.get(digest)
        if token is None or token.revoked:
            return None
        if token.expires_at is not None and token.expires_at <= now:
            return None
        account = self._accounts.get(token.account_id)
        return account if account is not None and account.active else None

    async def revoke_tokens(self, account_id: str) -> int:
        live = [t for t in self._tokens.values() if t.account_id == account_id and not t.revoked]
        for token in live:
            token.revoked = True
        return len(live)
