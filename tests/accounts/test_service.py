"""What people do with accounts (`activities.accounts.service`), on the in-memory store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from activities.accounts.service import (
    account_for_token,
    change_password,
    create_account,
    deactivate,
    ensure_accounts,
    issue_token,
    sign_in,
)
from infra.accounts.credentials import TOKEN_PREFIX, needs_rehash, token_digest, verify_password
from infra.accounts.model import Account, AccountError, Organisation
from infra.accounts.sessions import InMemorySessionRevocations
from infra.accounts.store import InMemoryAccountStore

PASSWORD = "correct horse battery"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LECCE = Organisation(id="org-lecce", name="Partner di Lecce")


def fields(account_id: str = "anna", **changes: object) -> dict[str, object]:
    return {
        "id": account_id,
        "display_name": "Anna Quarta",
        "role": "caseworker",
        "organisation_id": "org-lecce",
        "email": f"{account_id}@example.org",
        **changes,
    }


@pytest.fixture
async def store() -> InMemoryAccountStore:
    accounts = InMemoryAccountStore()
    await accounts.create_organisation(LECCE)
    return accounts


async def refused(code: str, call: object) -> AccountError:
    with pytest.raises(AccountError) as caught:
        await call  # type: ignore[misc]
    assert caught.value.code == code, caught.value
    return caught.value


# --- creating -------------------------------------------------------------------------------


async def test_a_new_account_stores_an_argon2_hash_of_its_password(
    store: InMemoryAccountStore,
) -> None:
    created = await create_account(store, fields(), PASSWORD)

    stored = await store.password_hash("anna")
    assert created == await store.get_account("anna")
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    assert verify_password(stored, PASSWORD)


@pytest.mark.parametrize(
    "password",
    [
        "short-1A!",  # under 12 characters
        "aaaaaaaaaaaaaaaa",  # one character
        "abababababab",  # two characters
        "my-name-is-ANNA-2026",  # the account id, in any case
        "Password2026!",  # a common password with digits and symbols
        "qwertyuiop123",
        "admin-admin-2026",  # common words only
        "Benvenuto12345",
        "1234567890123",  # runs of the keyboard
        "abcdefghijklm",
        "x" * 1100 + "a long tail",  # longer than sign-in takes
    ],
)
async def test_a_weak_password_is_refused_and_nothing_is_stored(
    store: InMemoryAccountStore, password: str
) -> None:
    error = await refused("weak_password", create_account(store, fields(), password))

    assert error.field == "password"
    assert await store.get_account("anna") is None
    assert await store.list_accounts() == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"organisation_id": None}, None),  # a caseworker belongs to an organisation
        ({"role": "system"}, "role"),
        ({"role": "chef"}, "role"),
        ({"email": "anna@"}, "email"),
        ({"email": "@example.org"}, "email"),
        ({"email": "anna at example.org"}, "email"),
        ({"display_name": "   "}, "display_name"),
        ({"language": "de"}, "language"),
        ({"id": "anna quarta"}, "id"),
    ],
)
async def test_invalid_details_are_refused_with_the_field_at_fault(
    store: InMemoryAccountStore, changes: dict[str, object], field: str | None
) -> None:
    error = await refused("invalid_account", create_account(store, fields(**changes), PASSWORD))

    assert error.field == field
    assert await store.list_accounts() == []


async def test_an_account_may_have_no_password_and_then_never_signs_in(
    store: InMemoryAccountStore,
) -> None:
    await create_account(store, fields(), None)

    assert await store.password_hash("anna") is None
    assert await sign_in(store, "anna", "") is None
    assert await sign_in(store, "anna", PASSWORD) is None


# --- signing in -----------------------------------------------------------------------------


async def test_sign_in_gives_the_account_for_the_right_password_only(
    store: InMemoryAccountStore,
) -> None:
    anna = await create_account(store, fields(), PASSWORD)

    assert await sign_in(store, "anna", PASSWORD) == anna
    assert await sign_in(store, "anna", PASSWORD.upper()) is None
    assert await sign_in(store, "anna", PASSWORD + " ") is None
    assert await sign_in(store, "nobody", PASSWORD) is None


async def test_a_deactivated_account_cannot_sign_in_even_with_its_password(
    store: InMemoryAccountStore,
) -> None:
    await create_account(store, fields(), PASSWORD)

    await store.update_account("anna", active=False)

    assert await sign_in(store, "anna", PASSWORD) is None


async def test_signing_in_rehashes_a_password_hashed_with_weaker_parameters(
    store: InMemoryAccountStore,
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    await store.create_account(Account.model_validate(fields()), weak)

    assert await sign_in(store, "anna", PASSWORD) is not None

    rehashed = await store.password_hash("anna")
    assert rehashed is not None and rehashed != weak and not needs_rehash(rehashed)
    assert verify_password(rehashed, PASSWORD)


async def test_a_failed_sign_in_leaves_a_weak_hash_alone(store: InMemoryAccountStore) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    await store.create_account(Account.model_validate(fields()), weak)

    assert await sign_in(store, "anna", "not the password at all") is None

    assert await store.password_hash("anna") == weak


async def test_a_current_hash_is_not_rewritten_on_sign_in(store: InMemoryAccountStore) -> None:
    await create_account(store, fields(), PASSWORD)
    before = await store.password_hash("anna")

    await sign_in(store, "anna", PASSWORD)

    assert await store.password_hash("anna") == before


# --- changing the password, deactivating ----------------------------------------------------


async def test_a_new_password_replaces_the_old_one(store: InMemoryAccountStore) -> None:
    await create_account(store, fields(), PASSWORD)

    await change_password(store, InMemorySessionRevocations(), "anna", "a brand new passphrase")

    assert await sign_in(store, "anna", PASSWORD) is None
    assert await sign_in(store, "anna", "a brand new passphrase") is not None


async def test_a_weak_new_password_or_an_unknown_account_changes_nothing(
    store: InMemoryAccountStore,
) -> None:
    await create_account(store, fields(), PASSWORD)
    before = await store.password_hash("anna")

    sessions = InMemorySessionRevocations()
    await refused("weak_password", change_password(store, sessions, "anna", "anna-anna-anna"))
    await refused(
        "account_not_found", change_password(store, sessions, "nobody", "a brand new passphrase")
    )
    await refused(
        "wrong_password",
        change_password(
            store, sessions, "anna", "a brand new passphrase", current_password="not it at all"
        ),
    )
    assert await sessions.epoch("anna") == 0

    assert await store.password_hash("anna") == before
    assert await store.get_account("nobody") is None


async def test_deactivating_revokes_the_tokens_for_good(store: InMemoryAccountStore) -> None:
    await create_account(store, fields(), PASSWORD)
    token = await issue_token(store, "anna", "laptop", NOW)

    assert await deactivate(store, "anna") == 1

    assert await account_for_token(store, token, NOW) is None
    await store.update_account("anna", active=True)
    assert await account_for_token(store, token, NOW) is None
    await refused("account_not_found", deactivate(store, "nobody"))


# --- tokens ---------------------------------------------------------------------------------


async def test_a_token_is_shown_once_and_stored_only_as_its_digest(
    store: InMemoryAccountStore,
) -> None:
    anna = await create_account(store, fields(), PASSWORD)

    token = await issue_token(store, "anna", "laptop", NOW)

    assert token.startswith(TOKEN_PREFIX) and len(token) == len(TOKEN_PREFIX) + 43
    assert await account_for_token(store, token, NOW) == anna
    assert await store.account_for_token(token_digest(token), NOW) == anna
    assert await store.account_for_token(token, NOW) is None
    assert await issue_token(store, "anna", "laptop", NOW) != token


async def test_a_token_lives_90_days_unless_told_otherwise(store: InMemoryAccountStore) -> None:
    await create_account(store, fields(), PASSWORD)

    usual = await issue_token(store, "anna", "laptop", NOW)
    short = await issue_token(store, "anna", "ci", NOW, timedelta(days=1))
    forever = await issue_token(store, "anna", "kiosk", NOW, None)

    day_89, day_90 = NOW + timedelta(days=89), NOW + timedelta(days=90)
    assert await account_for_token(store, usual, day_89) is not None
    assert await account_for_token(store, usual, day_90) is None
    assert await account_for_token(store, short, NOW + timedelta(hours=23)) is not None
    assert await account_for_token(store, short, NOW + timedelta(days=1)) is None
    assert await account_for_token(store, forever, NOW + timedelta(days=3650)) is not None


async def test_no_token_for_an_unknown_or_deactivated_account(
    store: InMemoryAccountStore,
) -> None:
    await create_account(store, fields(), PASSWORD)
    await store.update_account("anna", active=False)

    await refused("account_not_found", issue_token(store, "nobody", "laptop", NOW))
    await refused("invalid_account", issue_token(store, "anna", "laptop", NOW))
    assert await store.revoke_tokens("anna") == 0


# --- ensuring -------------------------------------------------------------------------------


async def test_ensure_accounts_creates_what_is_missing_once(store: InMemoryAccountStore) -> None:
    nardo = Organisation(id="org-nardo", name="Partner di Nardò")
    anna = Account.model_validate(fields())
    marta = Account.model_validate(fields("marta", organisation_id="org-nardo"))
    wanted = [(anna, PASSWORD), (marta, PASSWORD)]
    await create_account(store, fields(display_name="Anna, as she was"), "her own passphrase")

    created = await ensure_accounts(store, [LECCE, nardo], wanted)
    again = await ensure_accounts(store, [LECCE, nardo], wanted)

    assert [a.id for a in created] == ["marta"] and again == []
    assert await store.list_organisations() == [LECCE, nardo]
    existing = await store.get_account("anna")
    assert existing is not None and existing.display_name == "Anna, as she was"
    assert await sign_in(store, "anna", "her own passphrase") is not None
    assert await sign_in(store, "marta", PASSWORD) is not None
