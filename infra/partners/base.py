"""The partner registry every entry point goes through, as a protocol.

Its rules (who may, validation, ids, audit) are `activities.partners.registry`'s
`PartnerRegistryService`, over a store of `infra.partners.store`; the composition root
(`workers.composition.Stores.partners`) builds it, and web, the CLI and the demo name it by
this protocol, since web may import no activity.
"""

from __future__ import annotations

from typing import Any, Protocol

from domain.partners.links import LinkedContact
from domain.partners.model import Contact, Partner, PartnerChange
from infra.accounts.model import Account


class PartnerRegistry(Protocol):
    """Partners of the managing organisations, within each account's scope.

    Every method raises `PartnerError` with its code (`partner_forbidden`,
    `partner_not_found`, `invalid_partner`, ...) and stores nothing when it refuses.
    """

    async def register(
        self, account: Account, details: dict[str, Any], organisation_id: str | None = None
    ) -> Partner:
        """Register a partner for the account's organisation (a coordinator names one)."""
        ...

    async def edit(self, account: Account, partner_id: str, details: dict[str, Any]) -> Partner:
        """Replace a partner's details (name, kind, address, city, fiscal code)."""
        ...

    async def add_contact(
        self, account: Account, partner_id: str, details: dict[str, Any]
    ) -> Contact:
        """Add a contact to a partner."""
        ...

    async def get(self, account: Account, partner_id: str) -> Partner:
        """The partner with its contacts, if the account may read it."""
        ...

    async def list_partners(self, account: Account) -> list[Partner]:
        """The partners the account may read, by organisation and name (without contacts)."""
        ...

    async def changes(self, account: Account, partner_id: str) -> list[PartnerChange]:
        """Who registered and changed the partner, oldest first."""
        ...

    async def edit_contact(
        self, account: Account, partner_id: str, contact_id: str, details: dict[str, Any]
    ) -> Contact:
        """Replace a contact's details, as adding one checks them."""
        ...

    async def remove_contact(self, account: Account, partner_id: str, contact_id: str) -> Contact:
        """Remove a contact (refused while linked); its partner accounts are deactivated."""
        ...

    async def linked_contact(self, contact_id: str) -> LinkedContact | None:
        """The contact as a pathway links it (ids, partner, role), whoever asks; None if none.

        Unscoped: the pathway's decider compares the partner's organisation with its own
        (`domain.partner_links.rules`), so a sender needs no account to resolve it.
        """
        ...
