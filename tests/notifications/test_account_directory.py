"""Who the ladder's e-mails go to when the directory is the accounts table."""

from __future__ import annotations

from domain.projections import Notification
from domain.values import Role
from infra.accounts.model import Account, Organisation
from infra.accounts.store import InMemoryAccountStore
from infra.mail.directory import AccountDirectory, Recipient
from tests.notifications.builders import overdue_pathway

LECCE = overdue_pathway()
NARDO = overdue_pathway("p-0002", organisation_id="org-nardo", caseworker_id="marta")
REMINDER, TO_SUPERVISOR, TO_COORDINATOR = LECCE.notifications


async def directory_of(
    *people: tuple[str, Role, str | None, str | None], deactivated: tuple[str, ...] = ()
) -> AccountDirectory:
    """A directory over accounts (id, role, organisation, e-mail), in Italian unless `*-en`."""
    store = InMemoryAccountStore()
    for organisation in ("org-lecce", "org-nardo"):
        await store.create_organisation(Organisation(id=organisation, name=organisation))
    for account_id, role, organisation, email in people:
        account = Account(
            id=account_id,
            display_name=account_id,
            role=role,
            organisation_id=organisation,
            email=email,
            language="en" if account_id.endswith("-en") else "it",
        )
        await store.create_account(account, None)
    for account_id in deactivated:
        await store.update_account(account_id, active=False)
    return AccountDirectory(store)


async def user_ids(directory: AccountDirectory, notification: Notification) -> list[str]:
    return [r.user_id for r in await directory.recipients(notification)]


async def test_the_caseworker_in_person_and_the_roles_of_the_organisation_or_project() -> None:
    directory = await directory_of(
        ("anna", Role.CASEWORKER, "org-lecce", "anna@example.org"),
        ("luca", Role.CASEWORKER, "org-lecce", "luca@example.org"),
        ("sara", Role.SUPERVISOR, "org-lecce", "sara@example.org"),
        ("sergio-en", Role.SUPERVISOR, "org-lecce", "sergio@example.org"),
        ("paolo", Role.SUPERVISOR, "org-nardo", "paolo@example.org"),
        ("cora", Role.COORDINATOR, "org-lecce", "cora@example.org"),
        ("carlo", Role.COORDINATOR, None, "carlo@example.org"),
        ("aldo", Role.AUDITOR, None, "aldo@example.org"),
    )

    assert await directory.recipients(REMINDER) == [Recipient("anna", "anna@example.org", "it")]
    assert await directory.recipients(TO_SUPERVISOR) == [
        Recipient("sara", "sara@example.org", "it"),
        Recipient("sergio-en", "sergio@example.org", "en"),
    ]
    assert await user_ids(directory, TO_COORDINATOR) == ["carlo", "cora"]
    assert [await user_ids(directory, n) for n in NARDO.notifications] == [
        [],  # anna works for org-lecce: the reminder names her, not her organisation
        ["paolo"],
        ["carlo", "cora"],
    ]


async def test_nobody_without_an_address_or_deactivated_or_unknown() -> None:
    directory = await directory_of(
        ("anna", Role.CASEWORKER, "org-lecce", None),
        ("sara", Role.SUPERVISOR, "org-lecce", "sara@example.org"),
        ("gone", Role.COORDINATOR, None, "gone@example.org"),
        deactivated=("gone",),
    )

    assert await directory.recipients(REMINDER) == []
    assert await user_ids(directory, TO_SUPERVISOR) == ["sara"]
    assert await directory.recipients(TO_COORDINATOR) == []
    unknown = REMINDER.model_copy(update={"recipient_id": "nobody"})
    assert await directory.recipients(unknown) == []


async def test_a_change_to_the_accounts_shows_in_the_next_look() -> None:
    store = InMemoryAccountStore()
    await store.create_organisation(Organisation(id="org-lecce", name="Lecce"))
    directory = AccountDirectory(store)
    assert await directory.recipients(TO_SUPERVISOR) == []

    sara = Account(
        id="sara", display_name="Sara", role=Role.SUPERVISOR, organisation_id="org-lecce"
    )
    await store.create_account(sara.model_copy(update={"email": "sara@example.org"}), None)
    assert await user_ids(directory, TO_SUPERVISOR) == ["sara"]

    await store.update_account("sara", active=False)
    assert await directory.recipients(TO_SUPERVISOR) == []
