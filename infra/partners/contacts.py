"""Where a partner contact is reached: its e-mail address, read by the notifier alone.

A reminder addressed to a partner contact (`domain.notifications`) names the contact's id;
the notifier asks a `ContactBook` for its address. No account is involved: the contact is
reached whether or not it has signed in.
"""

from __future__ import annotations

from typing import Protocol


class ContactBook(Protocol):
    """The e-mail address of a partner contact, by its id."""

    async def contact_email(self, contact_id: str) -> str | None:
        """Its address; None for an unknown contact or one without an address."""
        ...


class InMemoryContactBook:
    """A `ContactBook` over a fixed mapping of contact ids to addresses (tests, demo)."""

    def __init__(self, emails: dict[str, str]) -> None:
        self._emails = dict(emails)

    async def contact_email(self, contact_id: str) -> str | None:
        """See `ContactBook.contact_email`."""
        return self._emails.get(contact_id)
