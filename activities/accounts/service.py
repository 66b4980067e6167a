"""What people do with accounts: create one, sign in, get a token, change a password.

Shared by `pathways user`, the admin pages, the sign-in and password pages, so the rules
(password policy, argon2 hashes, digests only for tokens, what a password change ends)
are in one place. `AccountOperations` gives them, over one store and one set of session
revocations, as the `AccountService` web takes from the composition root
(`infra.accounts.operations`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from pydantic import ValidationError

from infra.accounts.credentials import (
    hash_password,
    needs_rehash,
    new_token,
    token_digest,
    verify_password,
)
from infra.accounts.model import Account, AccountError, Organisation, check_password
from infra.accounts.operations import PasswordChange
from infra.accounts.sessions import SessionRevocations
from infra.accounts.store import AccountStore


def account_from(fields: dict[str, object]) -> Account:
    """Validate an account's fields; `invalid_account` with the field at fault.

    Raises:
        AccountError: `invalid_account`.
    """
    try:
        return Account.model_validate(fields)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        # "Value error, " is pydantic's prefix for a validator's own message.
        detail = first["msg"].removeprefix("Value error, ")
        raise AccountError("invalid_account", detail, field) from None


async def create_account(
    store: AccountStore, fields: dict[str, object], password: str | None
) -> Account:
    """Check and add an account; with a password, it can sign in on the pages.

    Raises:
        AccountError: `invalid_account`, `weak_password`, `account_exists`,
            `organisation_not_found`. Nothing is stored then.
    """
    account = account_from(fields)
    if password is not None:
        check_password(password, account.id)
    return await store.create_account(
        account, None if password is None else hash_password(password)
    )


async def sign_in(store: AccountStore, account_id: str, password: str) -> Account | None:
    """The active account if the password matches; None otherwise, in constant-ish time."""
    stored = await store.password_hash(account_id)
    if not verify_password(stored, password) or stored is None:
        return None
    account = await store.get_account(account_id)
    if account is None or not account.active:
        return None
    if needs_rehash(stored):
        await store.update_account(account_id, password_hash=hash_password(password))
    return account


async def change_password(
    store: AccountStore,
    sessions: SessionRevocations,
    account_id: str,
    password: str,
    *,
    current_password: str | None = None,
    keep_sessions: bool = False,
) -> PasswordChange:
    """Give the account a new password; unless `keep_sessions`, end its sessions and revoke
    its API tokens, since whoever learnt the old password may hold either.

    With `current_password` (the person changing their own), that must be the password now.

    Raises:
        AccountError: `account_not_found`, `wrong_password`, `weak_password`. Nothing is
            changed then.
    """
    if await store.get_account(account_id) is None:
        raise AccountError("account_not_found", f"no account {account_id}", "id")
    if current_password is not None and not verify_password(
        await store.password_hash(account_id), current_password
    ):
        raise AccountError(
            "wrong_password", "the current password is not right", "current_password"
        )
    check_password(password, account_id)
    revoked = 0
    if not keep_sessions:
        # Before the new hash is stored: a change cut short leaves the old password with
        # no session alive, never the new one beside a session of whoever had the old.
        await sessions.end_sessions_of(account_id)
        revoked = await store.revoke_tokens(account_id)
    account = await store.update_account(account_id, password_hash=hash_password(password))
    return PasswordChange(account, not keep_sessions, revoked)


async def deactivate(store: AccountStore, account_id: str) -> int:
    """Stop the account from signing in and revoke its tokens; how many tokens were live.

    Raises:
        AccountError: `account_not_found`.
    """
    # Deactivated first: from then on no token of the account is accepted, revoked or not.
    await store.update_account(account_id, active=False)
    return await store.revoke_tokens(account_id)


class ContactAccountOperations:
    """The accounts bound to a partner contact: what its removal deactivates."""

    def __init__(self, store: AccountStore) -> None:
        self._store = store

    async def deactivate_contact(self, contact_id: str) -> int:
        """Deactivate every active account bound to the contact; how many."""
        bound = [
            a for a in await self._store.list_accounts() if a.contact_id == contact_id and a.active
        ]
        for account in bound:
            await deactivate(self._store, account.id)
        return len(bound)


async def issue_token(
    store: AccountStore,
    account_id: str,
    label: str,
    now: datetime,
    lifetime: timedelta | None = timedelta(days=90),
) -> str:
    """A new bearer token for the account, shown once; only its digest is stored.

    Raises:
        AccountError: `account_not_found`, or `invalid_account` for an inactive account.
    """
    account = await store.get_account(account_id)
    if account is None:
        raise AccountError("account_not_found", f"no account {account_id}", "id")
    if not account.active:
        raise AccountError("invalid_account", f"{account_id} is deactivated", "id")
    token = new_token()
    expires = None if lifetime is None else now + lifetime
    await store.add_token(account_id, token_digest(token), label, expires)
    return token


async def account_for_token(store: AccountStore, token: str, now: datetime) -> Account | None:
    """The account a bearer token belongs to, if it is live."""
    return await store.account_for_token(token_digest(token), now)


async def ensure_accounts(
    store: AccountStore,
    organisations: Iterable[Organisation],
    accounts: Iterable[tuple[Account, str]],
) -> list[Account]:
    """Create the organisations and accounts that do not exist yet; the ones created.

    For demo and seed data: accounts given the same password share one hash (hashing is
    slow on purpose, and a dozen demo people would take seconds at every first start).

    Raises:
        AccountError: as `create_account`; what was created before stays.
    """
    known = {o.id for o in await store.list_organisations()}
    for organisation in organisations:
        if organisation.id not in known:
            await store.create_organisation(organisation)
    hashes: dict[str, str] = {}
    created = []
    for given, password in accounts:
        if await store.get_account(given.id) is not None:
            continue
        account = account_from(given.model_dump())
        check_password(password, account.id)
        if password not in hashes:
            hashes[password] = hash_password(password)
        created.append(await store.create_account(account, hashes[password]))
    return created


class AccountOperations:
    """The rules above over one account store and its sessions' revocations.

    An `infra.accounts.operations.AccountService`; built by the composition root
    (`workers.composition.account_service`), which the web app and the CLI take it from.
    """

    def __init__(self, store: AccountStore, sessions: SessionRevocations) -> None:
        self._store = store
        self._sessions = sessions

    def validate(self, fields: dict[str, object]) -> Account:
        """As `account_from`."""
        return account_from(fields)

    async def create_account(self, fields: dict[str, object], password: str | None) -> Account:
        """As `create_account`."""
        return await create_account(self._store, fields, password)

    async def sign_in(self, account_id: str, password: str) -> Account | None:
        """As `sign_in`."""
        return await sign_in(self._store, account_id, password)

    async def change_password(
        self,
        account_id: str,
        password: str,
        *,
        current_password: str | None = None,
        keep_sessions: bool = False,
    ) -> PasswordChange:
        """As `change_password`, ending sessions in this service's revocations."""
        return await change_password(
            self._store,
            self._sessions,
            account_id,
            password,
            current_password=current_password,
            keep_sessions=keep_sessions,
        )

    async def deactivate(self, account_id: str) -> int:
        """As `deactivate`."""
        return await deactivate(self._store, account_id)

    async def issue_token(
        self,
        account_id: str,
        label: str,
        now: datetime,
        lifetime: timedelta | None = timedelta(days=90),
    ) -> str:
        """As `issue_token`."""
        return await issue_token(self._store, account_id, label, now, lifetime)

    async def account_for_token(self, token: str, now: datetime) -> Account | None:
        """As `account_for_token`."""
        return await account_for_token(self._store, token, now)

    async def ensure_accounts(
        self,
        organisations: Iterable[Organisation],
        accounts: Iterable[tuple[Account, str]],
    ) -> list[Account]:
        """As `ensure_accounts`."""
        return await ensure_accounts(self._store, organisations, accounts)
