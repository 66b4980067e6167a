"""Who the ids of a page are: accounts' display names and organisations' names.

Read models and events keep account and organisation ids; a page shows the person and the
organisation instead (`render`'s `person` and the `organisations` it is given).
"""

from __future__ import annotations

from collections.abc import Iterable

from infra.accounts.store import AccountStore


async def people_named(accounts: AccountStore, account_ids: Iterable[str]) -> dict[str, str]:
    """Account id → display name, for the ids that name an account."""
    names = {}
    for account_id in sorted(set(account_ids)):
        account = await accounts.get_account(account_id)
        if account is not None:
            names[account_id] = account.display_name
    return names


async def organisation_names(accounts: AccountStore) -> dict[str, str]:
    """Organisation id → its name, for every organisation of the project."""
    return {o.id: o.name for o in await accounts.list_organisations()}
