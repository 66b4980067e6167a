"""The partner contacts a pathway page names: the choices of the link forms, and who each
linked contact is (name and partner), read from the partner registry.

The pathway holds only the contact's ids, partner and role (`domain.partner_links`); the
name comes from the registry, where it is sealed. Never the phone or the e-mail: the
pathway page shows who delivers a measure, not how to reach them (the partner's page does,
to the organisation's staff).
"""

from __future__ import annotations

from domain.partners.errors import PartnerError
from domain.partners.model import Contact
from domain.state import PathwayState
from infra.accounts.model import Account
from infra.partners.base import PartnerRegistry

LINK_KINDS = frozenset({"link_partner_contact", "unlink_partner_contact"})


async def organisation_contacts(
    partners: PartnerRegistry, account: Account, state: PathwayState
) -> dict[str, tuple[Contact, str]]:
    """The contacts of the pathway organisation's partners the reader sees: by contact id,
    each with its partner's name. Nothing for a reader who reads no partners."""
    try:
        listed = await partners.list_partners(account)
    except PartnerError:
        return {}
    found: dict[str, tuple[Contact, str]] = {}
    for summary in listed:
        if summary.organisation_id != state.organisation_id:
            continue
        partner = await partners.get(account, summary.id)
        found.update((c.id, (c, partner.name)) for c in partner.contacts)
    return found


def contact_label(contact: Contact, partner_name: str) -> str:
    """A contact as a select and a measure show it: name, partner, role."""
    return f"{contact.name} · {partner_name} · {contact.role.value}"


async def contact_choices(
    partners: PartnerRegistry, account: Account, state: PathwayState, kinds: set[str] | list[str]
) -> list[tuple[str, str]]:
    """(id, label) of the contacts a link form chooses from, or a progress form's
    "verified by" among the linked ones; none unless one of those is offered."""
    verified = "record_measure_progress" in kinds and bool(state.partner_links)
    if not LINK_KINDS.intersection(kinds) and not verified:
        return []
    contacts = await organisation_contacts(partners, account, state)
    return [
        (cid, contact_label(c, name)) for cid, (c, name) in contacts.items() if c.removed_at is None
    ]


async def linked_names(
    partners: PartnerRegistry, account: Account, state: PathwayState
) -> dict[str, str]:
    """Who each linked contact is, by contact id; the partner's name for one unseen."""
    if not state.partner_links:
        return {}
    contacts = await organisation_contacts(partners, account, state)
    return {
        linked.contact_id: contact_label(*contacts[linked.contact_id])
        if linked.contact_id in contacts
        else f"{linked.partner_name} · {linked.contact_role.value}"
        for links in state.partner_links.values()
        for linked in links
    }
