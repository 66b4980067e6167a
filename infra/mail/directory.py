"""Who a notification reaches: the people behind a role, their addresses and languages.

A notification names a person (the pathway's caseworker) or a role within the pathway's
organisation (the supervisor) or the project (the coordinator). A `Directory` turns that
into addresses, the same way the inbox decides whose list shows the notification:
`AccountDirectory` from the accounts table (what `pathways up` and workers use),
`StaticDirectory` from a fixed list (tests).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, NamedTuple, Protocol, get_args

from domain.projections import Notification
from domain.values import Role
from infra.accounts.store import AccountStore
from infra.eventstore.notifications import inbox_addressed_to

Language = Literal["it", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)


@dataclass(frozen=True)
class Recipient:
    """One person a message goes to."""

    user_id: str
    email: str
    language: Language


class DirectoryUser(NamedTuple):
    """A person of the directory: (user id, role, organisation id, e-mail, language)."""

    user_id: str
    role: Role
    organisation_id: str
    email: str
    language: str


class Directory(Protocol):
    """Resolves a notification to the people it is for."""

    async def recipients(self, notification: Notification) -> list[Recipient]:
        """Everyone the notification is for, by user id; empty when nobody is."""
        ...


class StaticDirectory:
    """A `Directory` over a fixed list of people, e.g. the demo users."""

    def __init__(self, users: Iterable[DirectoryUser | tuple[str, Role, str, str, str]]) -> None:
        """Check and index the people.

        Raises:
            ValueError: a user id given twice, an address without `@`, a role that is not
                a `Role`, or a language other than `it` or `en`.
        """
        self._users: dict[str, DirectoryUser] = {}
        for given in users:
            user = DirectoryUser(*given)
            if user.user_id in self._users:
                raise ValueError(f"user {user.user_id} is listed twice")
            if "@" not in user.email or any(c.isspace() for c in user.email):
                raise ValueError(f"user {user.user_id}: {user.email!r} is not an e-mail address")
            if user.language not in LANGUAGES:
                raise ValueError(
                    f"user {user.user_id}: language {user.language!r} is not one of {LANGUAGES}"
                )
            self._users[user.user_id] = user._replace(role=Role(user.role))

    async def recipients(self, notification: Notification) -> list[Recipient]:
        """See `Directory.recipients`."""
        return [
            Recipient(user.user_id, user.email, _language(user.language))
            for user in sorted(self._users.values(), key=lambda u: u.user_id)
            if inbox_addressed_to(
                notification,
                user_id=user.user_id,
                role=user.role,
                organisation_id=user.organisation_id,
            )
        ]


class AccountDirectory:
    """A `Directory` over the accounts: the active people who have an e-mail address.

    Read at every look, so an account created, deactivated or given an address is
    reflected in the next notification without a restart.
    """

    def __init__(self, accounts: AccountStore) -> None:
        self._accounts = accounts

    async def recipients(self, notification: Notification) -> list[Recipient]:
        """See `Directory.recipients`."""
        if notification.recipient_id is not None:
            account = await self._accounts.get_account(notification.recipient_id)
            candidates = [] if account is None else [account]
        elif notification.recipient_role == Role.COORDINATOR:
            candidates = await self._accounts.list_accounts()
        else:
            candidates = await self._accounts.list_accounts(notification.organisation_id)
        return [
            Recipient(account.id, account.email, _language(account.language))
            for account in candidates
            if account.active
            and account.email
            and inbox_addressed_to(
                notification,
                user_id=account.id,
                role=account.role,
                organisation_id=account.organisation_id or "",
            )
        ]


def _language(code: str) -> Language:
    for language in LANGUAGES:
        if code == language:
            return language
    raise ValueError(f"language {code!r} is not one of {LANGUAGES}")
