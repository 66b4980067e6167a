"""Commands on partner links: link a partner's contact to a measure of the pathway, unlink it.

The partner registry lies outside the pathway, so the sender resolves the contact the body
names (`client.pathway.PathwayClient`, bound to the registry) and carries what the rules
need in `contact`: the decider then checks it without reading anything but the command.
"""

from __future__ import annotations

from typing import Literal

from pydantic.json_schema import SkipJsonSchema

from domain.partners.links import LinkedContact
from domain.values import Frozen, Identifier


class LinkPartnerContact(Frozen):
    """Link a registered partner contact to a measure (the tutor, the teacher, the family)."""

    type: Literal["link_partner_contact"] = "link_partner_contact"
    measure_id: Identifier
    contact_id: Identifier
    contact: SkipJsonSchema[LinkedContact | None] = None
    """The contact as the registry knows it, filled in by the sender; None when the registry
    has no such contact (the decider then refuses `partner_contact_not_found`). Out of the
    published schema and the forms: whatever a body says here, the sender replaces."""


class UnlinkPartnerContact(Frozen):
    """Undo a link: the contact no longer delivers the measure, nor sees it."""

    type: Literal["unlink_partner_contact"] = "unlink_partner_contact"
    measure_id: Identifier
    contact_id: Identifier
