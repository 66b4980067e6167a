"""The people of the web tests: accounts in two organisations, each with a fixed token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.values import Role
from infra.accounts.credentials import token_digest
from infra.accounts.model import Account, Organisation
from infra.accounts.store import AccountStore, InMemoryAccountStore

ORGANISATIONS = (
    Organisation(id="org-lecce", name="Partner di Lecce"),
    Organisation(id="org-nardo", name="Partner di Nardò"),
)

STAFF: dict[str, Account] = {
    account.id: account
    for account in (
        Account(id="anna", display_name="Anna", role=Role.CASEWORKER, organisation_id="org-lecce"),
        Account(id="luca", display_name="Luca", role=Role.CASEWORKER, organisation_id="org-lecce"),
        Account(id="sara", display_name="Sara", role=Role.SUPERVISOR, organisation_id="org-lecce"),
        Account(
            id="marco", display_name="Marco", role=Role.SUPERVISOR, organisation_id="org-lecce"
        ),
        Account(
            id="marta", display_name="Marta", role=Role.CASEWORKER, organisation_id="org-nardo"
        ),
        Account(
            id="paolo", display_name="Paolo", role=Role.SUPERVISOR, organisation_id="org-nardo"
        ),
        Account(id="cora", display_name="Cora", role=Role.COORDINATOR),
        Account(id="aldo", display_name="Aldo", role=Role.AUDITOR),
        Account(id="adele", display_name="Adele", role=Role.ADMIN),
    )
}
PASSWORD = "correct horse battery"


def token_of(account_id: str) -> str:
    return f"pwt_test_{account_id}"


def bearer(account_id: str) -> dict[str, str]:
    """The Authorization header of one of the staff."""
    return {"Authorization": f"Bearer {token_of(account_id)}"}


async def staffed_accounts() -> InMemoryAccountStore:
    """An account store with the staff, their password hashes and tokens."""
    store = InMemoryAccountStore()
    await add_staff(store)
    return store


async def add_staff(store: AccountStore) -> None:
    """Put the organisations and the staff, with password hashes and tokens, into `store`."""
    from infra.accounts.credentials import hash_password

    for organisation in ORGANISATIONS:
        await store.create_organisation(organisation)
    password_hash = hash_password(PASSWORD)
    expires = datetime.now(UTC) + timedelta(days=3650 * 2)
    for account in STAFF.values():
        await store.create_account(account, password_hash)
        await store.add_token(account.id, token_digest(token_of(account.id)), "tests", expires)
