"""The partner registry's rules: who may register, edit and read, validation, ids, audit.

`PartnerRegistryService` checks who may (`domain.partners.access`), validates the details,
makes the ids and says who changed what and when; its store (`infra.partners.store`) only
writes and reads rows, each change in one transaction with its audit line: in memory
(`infra.partners.store.InMemoryPartnerStore`) or on PostgreSQL (`infra.partners.postgres`),
which pass the same contract tests.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from pydantic import ValidationError

from domain.partners.access import (
    check_may_edit,
    managing_organisation,
    may_read,
    readable_organisation,
)
from domain.partners.errors import (
    CONTACT_LINKED,
    CONTACT_NOT_FOUND,
    INVALID_CONTACT,
    INVALID_PARTNER,
    PARTNER_NOT_FOUND,
    PartnerError,
)
from domain.partners.links import LinkedContact
from domain.partners.model import (
    Contact,
    ContactDetails,
    Partner,
    PartnerChange,
    PartnerDetails,
)
from infra.accounts.model import Account
from infra.eventstore.partner_links import PartnerLinkQueries
from infra.partners.store import PartnerStore

_Details = TypeVar("_Details", PartnerDetails, ContactDetails)


def _details(model: type[_Details], data: dict[str, Any], code: str) -> _Details:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        raise PartnerError(code, f"{field}: {first['msg']}", field) from None


class ContactAccounts(Protocol):
    """What the registry asks of the accounts when a contact is removed."""

    async def deactivate_contact(self, contact_id: str) -> int:
        """Deactivate the partner accounts bound to the contact; how many."""
        ...


class PartnerRegistryService:
    """Partners of the managing organisations, within each account's scope, on `store`.

    An `infra.partners.base.PartnerRegistry`: every entry point (API, pages, CLI, demo)
    goes through one, built by the composition root (`workers.composition`). `links` (the
    `partner_links` read model) and `accounts` serve a contact's removal: refused while it
    is linked to a measure, then its partner account deactivated.
    """

    def __init__(
        self,
        store: PartnerStore,
        links: PartnerLinkQueries | None = None,
        accounts: ContactAccounts | None = None,
    ) -> None:
        self._store = store
        self._links = links
        self._accounts = accounts

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
        await self._store.insert(partner, self._change(account, partner.id, "registered"))
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
        await self._store.update(edited, self._change(account, partner_id, "edited", detail))
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
        await self._store.insert_contact(contact, change)
        return contact

    async def edit_contact(
        self, account: Account, partner_id: str, contact_id: str, details: dict[str, Any]
    ) -> Contact:
        """Replace a contact's details (name, role, e-mail, phone), as `add_contact` checks.

        Raises:
            PartnerError: `partner_not_found`, `partner_forbidden`, `contact_not_found`
                (not this partner's, or removed), `invalid_contact`.
        """
        contact = await self._editable_contact(account, partner_id, contact_id)
        valid = _details(ContactDetails, details, INVALID_CONTACT)
        fields = valid.model_dump()
        changed = sorted(k for k, v in fields.items() if getattr(contact, k) != v)
        edited = contact.model_copy(update=fields)
        detail = " ".join([contact_id, ", ".join(changed)]).strip()
        change = self._change(account, partner_id, "contact_edited", detail)
        await self._store.update_contact(edited, change)
        return edited

    async def remove_contact(self, account: Account, partner_id: str, contact_id: str) -> Contact:
        """Remove a contact: no longer linked, invited or signed in; kept for the history.

        Refused while the contact is linked to a measure of a pathway (a caseworker unlinks
        it first, so no pathway keeps waiting on a tutor who is gone). Its partner accounts
        are deactivated once it is removed.

        Raises:
            PartnerError: `partner_not_found`, `partner_forbidden`, `contact_not_found`,
                `contact_linked` (with the number of measures).
        """
        contact = await self._editable_contact(account, partner_id, contact_id)
        if self._links is not None:
            linked = await self._links.links_of_contact(contact_id)
            if linked:
                raise PartnerError(
                    CONTACT_LINKED,
                    f"{contact_id} is linked to {len(linked)} measure(s): unlink it first",
                    "contact_id",
                )
        removed = contact.model_copy(update={"removed_at": datetime.now(UTC)})
        change = self._change(account, partner_id, "contact_removed", contact_id)
        await self._store.update_contact(removed, change)
        if self._accounts is not None:
            await self._accounts.deactivate_contact(contact_id)
        return removed

    async def _editable_contact(
        self, account: Account, partner_id: str, contact_id: str
    ) -> Contact:
        partner = await self.get(account, partner_id)
        check_may_edit(account.role, account.organisation_id, partner.organisation_id)
        contact = next((c for c in partner.contacts if c.id == contact_id), None)
        if contact is None or contact.removed_at is not None:
            raise PartnerError(CONTACT_NOT_FOUND, f"no contact {contact_id!r}", "contact_id")
        return contact

    async def get(self, account: Account, partner_id: str) -> Partner:
        """The partner with its contacts, if the account may read it.

        Raises:
            PartnerError: `partner_not_found` when there is none or it lies outside the scope.
        """
        partner = await self._store.select(partner_id)
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
        return await self._store.select_all(
            readable_organisation(account.role, account.organisation_id)
        )

    async def changes(self, account: Account, partner_id: str) -> list[PartnerChange]:
        """Who registered and changed the partner, oldest first."""
        await self.get(account, partner_id)
        return await self._store.select_changes(partner_id)

    async def linked_contact(self, contact_id: str) -> LinkedContact | None:
        """The contact as a pathway links it (ids, partner, role), whoever asks; None if none.

        Unscoped: the pathway's decider compares the partner's organisation with its own
        (`domain.partner_links.rules`), so a sender needs no account to resolve it.
        """
        found = await self._store.select_contact(contact_id)
        if found is None:
            return None
        partner, role = found
        return LinkedContact(
            contact_id=contact_id,
            partner_id=partner.id,
            partner_name=partner.name,
            partner_kind=partner.kind,
            contact_role=role,
            organisation_id=partner.organisation_id,
        )

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
