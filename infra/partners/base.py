"""The partner registry every entry point goes through, and its in-memory store.

`PartnerRegistry` checks who may (`domain.partners.access`), validates the details, makes
the ids and records who changed what and when; a store implements only the writes and reads
below it (`_insert`, `_update`, ...), in one transaction each with its audit line. The
PostgreSQL store (`infra.partners.postgres`) passes the same contract tests.
"""

from __future__ import annotations

import abc
import secrets
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import ValidationError

from domain.partners.access import (
    check_may_edit,
    managing_organisation,
    may_read,
    readable_organisation,
)
from domain.partners.errors import (
    INVALID_CONTACT,
    INVALID_PARTNER,
    PARTNER_NOT_FOUND,
    PARTNER_ORGANISATION_NOT_FOUND,
    PartnerError,
)
from domain.partners.model import (
    Contact,
    ContactDetails,
    Partner,
    PartnerChange,
    PartnerDetails,
)
from infra.accounts.model import Account

_Details = TypeVar("_Details", PartnerDetails, ContactDetails)


def _details(model: type[_Details], data: dict[str, Any], code: str) -> _Details:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        raise PartnerError(code, f"{field}: {first['msg']}", field) from None


class PartnerRegistry(abc.ABC):
    """Partners of the managing organisations, within each account's scope."""

    async def register(
        self, account: Account, details: dict[str, Any], organisation_id: str | None = None
    ) -> Partner:
        """Register a partner for the account's organisation (a coordinator names one).

        Raises:
            PartnerError: `partner_forbidden`, `partner_organisation_not_found`,
                `invalid_partner` (with the field); nothing is stored.
        """
        organisation = managing_organisation(
            account.role, account.organisation_id, organisation_id or None
        )
        valid = _details(PartnerDetails, details, INVALID_PARTNER)
        partner = Partner(
            **valid.model_dump(),
            id=f"partner-{secrets.token_hex(6)}",
            organisation_id=organisation,
            registered_by=account.id,
            registered_at=datetime.now(UTC),
        )
        await self._insert(partner, self._change(account, partner.id, "registered"))
        return partner

    async def edit(self, account: Account, partner_id: str, details: dict[str, Any]) -> Partner:
        """Replace a partner's details (name, kind, address, city, fiscal code).

        Raises:
            PartnerError: `partner_not_found`, `partner_forbidden`, `invalid_partner`.
        """
        partner = await self.get(account, partner_id)
        check_may_edit(account.role, account.organisation_id, partner.organisation_id)
        valid = _details(PartnerDetails, details, INVALID_PARTNER)
        changed = sorted(k for k, v in valid.model_dump().items() if getattr(partner, k) != v)
        edited = partner.model_copy(update=valid.model_dump())
        detail = ", ".join(changed)
        await self._update(edited, self._change(account, partner_id, "edited", detail))
        return edited

    async def add_contact(
        self, account: Account, partner_id: str, details: dict[str, Any]
    ) -> Contact:
        """Add a contact to a partner.

        Raises:
            PartnerError: `partner_not_found`, `partner_forbidden`, `invalid_contact`.
        """
        partner = await self.get(account, partner_id)
        check_may_edit(account.role, account.organisation_id, partner.organisation_id)
        valid = _details(ContactDetails, details, INVALID_CONTACT)
        contact = Contact(
            **valid.model_dump(), id=f"contact-{secrets.token_hex(6)}", partner_id=partner_id
        )
        change = self._change(account, partner_id, "contact_added", contact.id)
        await self._insert_contact(contact, change)
        return contact

    async def get(self, account: Account, partner_id: str) -> Partner:
        """The partner with its contacts, if the account may read it.

        Raises:
            PartnerError: `partner_not_found` when there is none or it lies outside the scope.
        """
        partner = await self._select(partner_id)
        if partner is None or not may_read(
            account.role, account.organisation_id, partner.organisation_id
        ):
            raise PartnerError(PARTNER_NOT_FOUND, f"no partner {partner_id!r}", "partner_id")
        return partner

    async def list_partners(self, account: Account) -> list[Partner]:
        """The partners the account may read, by organisation and name (without contacts).

        Raises:
            PartnerError: `partner_forbidden` for a role that reads no partners.
        """
        return await self._select_all(readable_organisation(account.role, account.organisation_id))

    async def changes(self, account: Account, partner_id: str) -> list[PartnerChange]:
        """Who registered and changed the partner, oldest first."""
        await self.get(account, partner_id)
        return await self._select_changes(partner_id)

    @staticmethod
    def _change(account: Account, partner_id: str, action: str, detail: str = "") -> PartnerChange:
        return PartnerChange(
            partner_id=partner_id,
            action=action,
            detail=detail,
            actor_id=account.id,
            actor_role=account.role,
            at=datetime.now(UTC),
        )

    @abc.abstractmethod
    async def _insert(self, partner: Partner, change: PartnerChange) -> None:
        """Store a new partner and its audit line. Raises `partner_organisation_not_found`."""

    @abc.abstractmethod
    async def _update(self, partner: Partner, change: PartnerChange) -> None:
        """Store a partner's new details and the audit line."""

    @abc.abstractmethod
    async def _insert_contact(self, contact: Contact, change: PartnerChange) -> None:
        """Store a new contact and the audit line."""

    @abc.abstractmethod
    async def _select(self, partner_id: str) -> Partner | None:
        """The partner with its contacts, or None."""

    @abc.abstractmethod
    async def _select_all(self, organisation_id: str | None) -> list[Partner]:
        """The partners of one organisation, or of all, without contacts."""

    @abc.abstractmethod
    async def _select_changes(self, partner_id: str) -> list[PartnerChange]:
        """The partner's audit lines, oldest first."""


class InMemoryPartnerRegistry(PartnerRegistry):
    """A `PartnerRegistry` in dicts, for tests; `organisations` are those that exist."""

    def __init__(self, organisations: set[str] | frozenset[str] = frozenset()) -> None:
        self.organisations = set(organisations)
        self._partners: dict[str, Partner] = {}
        self._changes: list[PartnerChange] = []

    async def _insert(self, partner: Partner, change: PartnerChange) -> None:
        if partner.organisation_id not in self.organisations:
            raise PartnerError(
                PARTNER_ORGANISATION_NOT_FOUND,
                f"no organisation {partner.organisation_id!r}",
                "organisation_id",
            )
        self._partners[partner.id] = partner
        self._changes.append(change)

    async def _update(self, partner: Partner, change: PartnerChange) -> None:
        self._partners[partner.id] = partner
        self._changes.append(change)

    async def _insert_contact(self, contact: Contact, change: PartnerChange) -> None:
        partner = self._partners[contact.partner_id]
        self._partners[partner.id] = partner.model_copy(
            update={"contacts": (*partner.contacts, contact)}
        )
        self._changes.append(change)

    async def _select(self, partner_id: str) -> Partner | None:
        return self._partners.get(partner_id)

    async def _select_all(self, organisation_id: str | None) -> list[Partner]:
        chosen = [
            p.model_copy(update={"contacts": ()})
            for p in self._partners.values()
            if organisation_id in (None, p.organisation_id)
        ]
        return sorted(chosen, key=lambda p: (p.organisation_id, p.name.casefold(), p.id))

    async def _select_changes(self, partner_id: str) -> list[PartnerChange]:
        return [c for c in self._changes if c.partner_id == partner_id]
