"""Editing and removing a partner's contacts, on every registry: the rules of adding one, an
audit line each, nothing stored on a refusal; a removed contact no longer resolves for a
link or an invitation, is refused while linked, and its partner account is deactivated."""

from __future__ import annotations

import pytest

from domain.projections import PartnerLink
from domain.values import Role
from infra.accounts.model import Account, Organisation
from infra.accounts.store import InMemoryAccountStore
from infra.partners.base import PartnerRegistry
from infra.partners.store import InMemoryPartnerStore
from tests.partners.conftest import ORGANISATIONS
from tests.partners.test_registry_contract import (
    ADMIN,
    AUDITOR,
    CASEWORKER,
    COORDINATOR,
    NARDO_SUPERVISOR,
    SUPERVISOR,
    TUTOR,
    WORKSHOP,
    refused,
)
from workers.composition import partner_registry


async def test_a_contact_is_edited_as_it_was_added_and_the_change_audited(
    partners: PartnerRegistry,
) -> None:
    partner = await partners.register(SUPERVISOR, WORKSHOP)
    contact = await partners.add_contact(SUPERVISOR, partner.id, TUTOR)

    edited = await partners.edit_contact(
        COORDINATOR, partner.id, contact.id, {**TUTOR, "phone": "", "email": "m@rossi.it"}
    )

    assert (edited.phone, edited.email, edited.name) == (None, "m@rossi.it", "Marco Rossi")
    assert (await partners.get(SUPERVISOR, partner.id)).contacts == (edited,)
    last = (await partners.changes(SUPERVISOR, partner.id))[-1]
    assert (last.action, last.detail, last.actor_id) == (
        "contact_edited",
        f"{contact.id} email, phone",
        COORDINATOR.id,
    )


async def test_bad_edits_and_removals_are_refused_and_change_nothing(
    partners: PartnerRegistry,
) -> None:
    partner = await partners.register(SUPERVISOR, WORKSHOP)
    contact = await partners.add_contact(SUPERVISOR, partner.id, TUTOR)
    other = await partners.register(SUPERVISOR, {**WORKSHOP, "name": "Altro"})
    before = await partners.get(SUPERVISOR, partner.id)
    lines = len(await partners.changes(SUPERVISOR, partner.id))

    bad = {**TUTOR, "email": "not-an-address"}
    error = await refused(
        "invalid_contact", partners.edit_contact(SUPERVISOR, partner.id, contact.id, bad)
    )
    assert error.field == "email"
    await refused(
        "invalid_contact",
        partners.edit_contact(SUPERVISOR, partner.id, contact.id, {**TUTOR, "role": "boss"}),
    )
    await refused(
        "contact_not_found", partners.edit_contact(SUPERVISOR, other.id, contact.id, TUTOR)
    )
    await refused("contact_not_found", partners.remove_contact(SUPERVISOR, partner.id, "contact-x"))
    outsiders = (
        (CASEWORKER, "partner_forbidden"),
        (AUDITOR, "partner_forbidden"),
        (ADMIN, "partner_not_found"),
        (NARDO_SUPERVISOR, "partner_not_found"),
    )
    for who, code in outsiders:
        await refused(code, partners.edit_contact(who, partner.id, contact.id, TUTOR))
        await refused(code, partners.remove_contact(who, partner.id, contact.id))

    assert await partners.get(SUPERVISOR, partner.id) == before
    assert len(await partners.changes(SUPERVISOR, partner.id)) == lines


async def test_a_removed_contact_stays_listed_but_no_longer_resolves(
    partners: PartnerRegistry,
) -> None:
    partner = await partners.register(SUPERVISOR, WORKSHOP)
    contact = await partners.add_contact(SUPERVISOR, partner.id, TUTOR)
    assert await partners.linked_contact(contact.id) is not None

    removed = await partners.remove_contact(SUPERVISOR, partner.id, contact.id)

    assert removed.removed_at is not None
    [listed] = (await partners.get(SUPERVISOR, partner.id)).contacts
    assert listed.removed_at is not None and listed.name == "Marco Rossi"
    assert await partners.linked_contact(contact.id) is None, "no link, no invitation"
    await refused("contact_not_found", partners.remove_contact(SUPERVISOR, partner.id, contact.id))
    await refused(
        "contact_not_found", partners.edit_contact(SUPERVISOR, partner.id, contact.id, TUTOR)
    )
    last = (await partners.changes(SUPERVISOR, partner.id))[-1]
    assert (last.action, last.detail) == ("contact_removed", contact.id)


class Links:
    """The `partner_links` read model, as the registry asks it."""

    def __init__(self) -> None:
        self.linked: list[PartnerLink] = []

    async def links_of_contact(self, contact_id: str) -> list[PartnerLink]:
        return [link for link in self.linked if link.contact_id == contact_id]

    async def links_of_pathway(self, pathway_id: str) -> list[PartnerLink]:
        return [link for link in self.linked if link.pathway_id == pathway_id]


@pytest.mark.parametrize("linked", [True, False])
async def test_removal_waits_for_the_links_to_end_then_deactivates_the_account(
    linked: bool,
) -> None:
    links, accounts = Links(), InMemoryAccountStore()
    await accounts.create_organisation(Organisation(id="org-lecce", name="Lecce"))
    partners = partner_registry(InMemoryPartnerStore(set(ORGANISATIONS)), links, accounts)
    partner = await partners.register(SUPERVISOR, WORKSHOP)
    contact = await partners.add_contact(SUPERVISOR, partner.id, TUTOR)
    tutor = Account(
        id="partner-tutor",
        display_name="Marco",
        role=Role.PARTNER,
        organisation_id="org-lecce",
        contact_id=contact.id,
    )
    await accounts.create_account(tutor, None)
    if linked:
        links.linked.append(
            PartnerLink(
                pathway_id="p-1",
                organisation_id="org-lecce",
                measure_id="wg",
                measure_kind="work_grant",
                contact_id=contact.id,
                partner_id=partner.id,
            )
        )
        await refused("contact_linked", partners.remove_contact(SUPERVISOR, partner.id, contact.id))
        assert (await partners.get(SUPERVISOR, partner.id)).contacts == (contact,)
        assert (await accounts.get_account(tutor.id)).active  # type: ignore[union-attr]
        return
    await partners.remove_contact(SUPERVISOR, partner.id, contact.id)
    account = await accounts.get_account(tutor.id)
    assert account is not None and not account.active
