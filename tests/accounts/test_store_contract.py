"""The account store contract: every implementation (in-memory, Postgres) passes these."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.values import Role
from infra.accounts.credentials import hash_password, token_digest
from infra.accounts.model import Account, AccountError, Organisation
from infra.accounts.store import AccountStore

LECCE = Organisation(id="org-lecce", name="Partner di Lecce")
NARDO = Organisation(id="org-nardo", name="Partner di Nardò")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HASH = hash_password("a long enough passphrase")


def person(account_id: str, role: Role = Role.CASEWORKER, **fields: object) -> Account:
    organisation = None if role in {Role.COORDINATOR, Role.AUDITOR, Role.ADMIN} else "org-lecce"
    given: dict[str, object] = {
        "id": account_id,
        "display_name": account_id.title(),
        "role": role,
        "organisation_id": organisation,
        "email": f"{account_id}@example.org",
        **fields,
    }
    return Account.model_validate(given)


async def with_organisations(accounts: AccountStore) -> AccountStore:
    await accounts.create_organisation(NARDO)
    await accounts.create_organisation(LECCE)
    return accounts


async def refused(code: str, call: object) -> AccountError:
    """The `AccountError` an awaitable raises, checked to carry `code`."""
    with pytest.raises(AccountError) as caught:
        await call  # type: ignore[misc]
    assert caught.value.code == code, caught.value
    return caught.value


async def everything(accounts: AccountStore) -> tuple[object, ...]:
    """What the store shows, to see that a refusal changed nothing."""
    listed = await accounts.list_accounts()
    return (
        await accounts.list_organisations(),
        listed,
        [await accounts.password_hash(a.id) for a in listed],
    )


# --- organisations ---------------------------------------------------------------------------


async def test_organisations_are_listed_by_id(accounts: AccountStore) -> None:
    await with_organisations(accounts)

    assert await accounts.list_organisations() == [LECCE, NARDO]


async def test_an_organisation_id_is_taken_once(accounts: AccountStore) -> None:
    await with_organisations(accounts)

    error = await refused(
        "organisation_exists",
        accounts.create_organisation(Organisation(id="org-lecce", name="Another")),
    )

    assert error.field == "id"
    assert await accounts.list_organisations() == [LECCE, NARDO]


# --- creating, reading, listing ---------------------------------------------------------------


async def test_a_created_account_reads_back_as_created_with_its_creation_time(
    accounts: AccountStore,
) -> None:
    await with_organisations(accounts)
    anna = person("anna", language="en")

    created = await accounts.create_account(anna, HASH)

    assert created.created_at is not None and created.created_at.tzinfo is not None
    assert created.model_copy(update={"created_at": None}) == anna
    assert await accounts.get_account("anna") == created
    assert await accounts.get_account("nobody") is None


async def test_accounts_are_listed_by_id_all_or_those_of_one_organisation(
    accounts: AccountStore,
) -> None:
    await with_organisations(accounts)
    for account in (
        person("sara", Role.SUPERVISOR),
        person("marta", organisation_id="org-nardo"),
        person("cora", Role.COORDINATOR),
        person("anna"),
    ):
        await accounts.create_account(account, HASH)

    assert [a.id for a in await accounts.list_accounts()] == ["anna", "cora", "marta", "sara"]
    assert [a.id for a in await accounts.list_accounts("org-lecce")] == ["anna", "sara"]
    assert [a.id for a in await accounts.list_accounts("org-nardo")] == ["marta"]
    assert await accounts.list_accounts("org-maglie") == []
    assert await accounts.list_accounts() == [
        await accounts.get_account(i) for i in ("anna", "cora", "marta", "sara")
    ]


async def test_ids_sort_by_code_point_whatever_the_database_locale(
    accounts: AccountStore,
) -> None:
    await with_organisations(accounts)
    for account_id in ("b", "B", "a.b", "a-b", "A"):
        await accounts.create_account(person(account_id), None)

    assert [a.id for a in await accounts.list_accounts()] == sorted(["b", "B", "a.b", "a-b", "A"])


async def test_an_account_id_is_taken_once(accounts: AccountStore) -> None:
    await with_organisations(accounts)
    await accounts.create_account(person("anna"), HASH)
    before = await everything(accounts)

    error = await refused(
        "account_exists",
        accounts.create_account(person("anna", Role.SUPERVISOR, display_name="Other"), None),
    )

    assert error.field == "id"
    assert await everything(accounts) == before


async def test_an_account_of_an_unknown_organisation_is_refused_and_not_stored(
    accounts: AccountStore,
) -> None:
    await with_organisations(accounts)
    before = await everything(accounts)

    error = await refused(
        "organisation_not_found",
        accounts.create_account(person("gino", organisation_id="org-nowhere"), HASH),
    )

    assert error.field == "organisation_id"
    assert await everything(accounts) == before
    assert await accounts.get_account("gino") is None


async def test_roles_of_the_whole_project_need_no_organisation(accounts: AccountStore) -> None:
    for account_id, role in (("aldo", Role.AUDITOR), ("adele", Role.ADMIN)):
        created = await accounts.create_account(person(account_id, role), HASH)
        assert created.organisation_id is None
    assert [a.role for a in await accounts.list_accounts()] == [Role.ADMIN, Role.AUDITOR]


# --- passwords ------------------------------------------------------------------------------


async def test_the_password_hash_is_kept_apart_and_never_shown_with_the_account(
    accounts: AccountStore,
) -> None:
    await with_organisations(accounts)
    await accounts.create_account(person("anna"), HASH)
    await accounts.create_account(person("luca"), None)
    await accounts.add_token("anna", token_digest("pwt_anna"), "laptop", None)

    assert await accounts.password_hash("anna") == HASH
    assert await accounts.password_hash("luca") is None
    assert await accounts.password_hash("nobody") is None
    shown = [
        await accounts.get_account("anna"),
        *(await accounts.list_accounts()),
        await accounts.update_account("anna", language="en"),
        await accounts.account_for_token(token_digest("pwt_anna"), NOW),
    ]
    for account in shown:
        assert account is not None
        assert "password" not in " ".join(type(account).model_fields)
        assert HASH not in account.model_dump_json() and HASH not in repr(account)


# --- updating -------------------------------------------------------------------------------


async def test_an_update_changes_what_is_given_and_nothing_else(accounts: AccountStore) -> None:
    await with_organisations(accounts)
    created = await accounts.create_account(person("anna"), HASH)
    new_hash = hash_password("another long passphrase")

    language = await accounts.update_account("anna", language="en")
    inactive = await accounts.update_account("anna", active=False)
    rehashed = await accounts.update_account("anna", password_hash=new_hash)
    unchanged = await accounts.update_account("anna")

    assert language == created.model_copy(update={"language": "en"})
    assert inactive == language.model_copy(update={"active": False})
    assert rehashed == unchanged == inactive == await accounts.get_account("anna")
    assert await accounts.password_hash("anna") == new_hash
    reactivated = await accounts.update_account("anna", active=True, language="it")
    assert reactivated == created


async def test_updating_an_unknown_account_is_refused(accounts: AccountStore) -> None:
    await with_organisations(accounts)
    await accounts.create_account(person("anna"), HASH)
    before = await everything(accounts)

    error = await refused("account_not_found", accounts.update_account("nobody", active=False))

    assert error.field == "id"
    assert await everything(accounts) == before


# --- tokens ---------------------------------------------------------------------------------


async def test_a_live_token_names_its_account_and_an_unknown_one_nobody(
    accounts: AccountStore,
) -> None:
    await with_organisations(accounts)
    anna = await accounts.create_account(person("anna"), HASH)
    await accounts.add_token("anna", token_digest("pwt_a"), "laptop", NOW + timedelta(days=1))
    await accounts.add_token("anna", token_digest("pwt_forever"), "script", None)

    assert await accounts.account_for_token(token_digest("pwt_a"), NOW) == anna
    assert await accounts.account_for_token(token_digest("pwt_forever"), NOW) == anna
    assert await accounts.account_for_token(token_digest("pwt_b"), NOW) is None


async def test_a_token_ends_at_its_expiry_instant(accounts: AccountStore) -> None:
    await with_organisations(accounts)
    await accounts.create_account(person("anna"), HASH)
    expires = NOW + timedelta(days=90)
    await accounts.add_token("anna", token_digest("pwt_a"), "laptop", expires)

    just_before = await accounts.account_for_token(
        token_digest("pwt_a"), expires - timedelta(microseconds=1)
    )
    assert just_before is not None and just_before.id == "anna"
    assert await accounts.account_for_token(token_digest("pwt_a"), expires) is None
    assert await accounts.account_for_token(token_digest("pwt_a"), expires + timedelta(1)) is None


async def test_revoking_ends_every_live_token_of_the_account_only(accounts: AccountStore) -> None:
    await with_organisations(accounts)
    await accounts.create_account(person("anna"), HASH)
    await accounts.create_account(person("luca"), HASH)
    for digest in ("pwt_a1", "pwt_a2"):
        await accounts.add_token("anna", token_digest(digest), "laptop", None)
    await accounts.add_token("luca", token_digest("pwt_l"), "laptop", None)

    assert await accounts.revoke_tokens("anna") == 2
    assert await accounts.revoke_tokens("anna") == 0
    assert await accounts.revoke_tokens("nobody") == 0

    for digest in ("pwt_a1", "pwt_a2"):
        assert await accounts.account_for_token(token_digest(digest), NOW) is None
    luca = await accounts.account_for_token(token_digest("pwt_l"), NOW)
    assert luca is not None and luca.id == "luca"


async def test_a_deactivated_account_is_known_by_no_token_until_reactivated(
    accounts: AccountStore,
) -> None:
    await with_organisations(accounts)
    await accounts.create_account(person("anna"), HASH)
    await accounts.add_token("anna", token_digest("pwt_a"), "laptop", None)

    await accounts.update_account("anna", active=False)
    assert await accounts.account_for_token(token_digest("pwt_a"), NOW) is None

    await accounts.update_account("anna", active=True)
    assert await accounts.account_for_token(token_digest("pwt_a"), NOW) is not None


async def test_a_token_for_an_unknown_account_is_refused(accounts: AccountStore) -> None:
    error = await refused(
        "account_not_found", accounts.add_token("nobody", token_digest("pwt_x"), "x", None)
    )

    assert error.field == "id"
    assert await accounts.account_for_token(token_digest("pwt_x"), NOW) is None
