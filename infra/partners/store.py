"""What the partner registry stores, as a protocol, and the store in memory.

The rules (who may, validation, ids, audit lines) are the registry's
(`activities.partners.registry`); a store writes each change in one transaction with its
audit line and reads rows back: `InMemoryPartnerStore` here, `PostgresPartnerStore` in
`infra.partners.postgres`, both checked by one contract suite.
"""

from __future__ import annotations

from typing import Protocol

from domain.partners.errors import PARTNER_ORGANISATION_NOT_FOUND, PartnerError
from domain.partners.model import Contact, ContactRole, Partner, PartnerChange


class PartnerStore(Protocol):
    """The partners' rows and audit lines; each write in one transaction with its line."""

    async def insert(self, partner: Partner, change: PartnerChange) -> None:
        """Store a new partner and its audit line. Raises `partner_organisation_not_found`."""
        ...

    async def update(self, partner: Partner, change: PartnerChange) -> None:
        """Store a partner's new details and the audit line."""
        ...

    async def insert_contact(self, contact: Contact, change: PartnerChange) -> None:
        """Store a new contact and the audit line."""
        ...

    async def update_contact(self, contact: Contact, change: PartnerChange) -> None:
        """Store a contact's new details (or its removal) and the audit line."""
        ...

    async def select(self, partner_id: str) -> Partner | None:
        """The partner with its contacts (the removed ones too), or None."""
        ...

    async def select_all(self, organisation_id: str | None) -> list[Partner]:
        """The partners of one organisation, or of all, without contacts."""
        ...

    async def select_changes(self, partner_id: str) -> list[PartnerChange]:
        """The partner's audit lines, oldest first."""
        ...

    async def select_contact(self, contact_id: str) -> tuple[Partner, ContactRole] | None:
        """The contact's partner (without contacts) and the contact's role, or None (also
        once removed)."""
        ...


class InMemoryPartnerStore:
    """A `PartnerStore` in dicts, for tests; `organisations` are those that exist."""

    def __init__(self, organisations: set[str] | frozenset[str] = frozenset()) -> None:
        self.organisations = set(organisations)
        self._partners: dict[str, Partner] = {}
        self._changes: list[PartnerChange] = []

    async def insert(self, partner: Partner, change: PartnerChange) -> None:
        if partner.organisation_id not in self.organisations:
            raise PartnerError(
                PARTNER_ORGANISATION_NOT_FOUND,
                f"no organisation {partner.organisation_id!r}",
                "organisation_id",
            )
        self._partners[partner.id] = partner
        self._changes.append(change)

    async def update(self, partner: Partner, change: PartnerChange) -> None:
        self._partners[partner.id] = partner
        self._changes.append(change)

    async def insert_contact(self, contact: Contact, change: PartnerChange) -> None:
        partner = self._partners[contact.partner_id]
        self._partners[partner.id] = partner.model_copy(
            update={"contacts": (*partner.contacts, contact)}
        )
        self._changes.append(change)

    async def update_contact(self, contact: Contact, change: PartnerChange) -> None:
        partner = self._partners[contact.partner_id]
        contacts = tuple(contact if c.id == contact.id else c for c in partner.contacts)
        self._partners[partner.id] = partner.model_copy(update={"contacts": contacts})
        self._changes.append(change)

    async def select(self, partner_id: str) -> Partner | None:
        return self._partners.get(partner_id)

    async def select_all(self, organisation_id: str | None) -> list[Partner]:
        chosen = [
            p.model_copy(update={"contacts": ()})
            for p in self._partners.values()
            if organisation_id in (None, p.organisation_id)
        ]
        return sorted(chosen, key=lambda p: (p.organisation_id, p.name.casefold(), p.id))

    async def select_changes(self, partner_id: str) -> list[PartnerChange]:
        return [c for c in self._changes if c.partner_id == partner_id]

    async def select_contact(self, contact_id: str) -> tuple[Partner, ContactRole] | None:
        for partner in self._partners.values():
            for contact in partner.contacts:
                if contact.id == contact_id and contact.removed_at is None:
                    return partner.model_copy(update={"contacts": ()}), contact.role
        return None
