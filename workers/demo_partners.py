"""The demo's partner network: a host company, a CPIA, a host family, a school and an
association, with their contacts, registered by the demo coordinator.

Registered through the partner registry like any other, once: a partner whose organisation
already has one of the same name is left as it is, so running `pathways demo` again changes
nothing. An organisation that does not exist (demo accounts not created) is skipped.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import structlog

from domain.partners.errors import PARTNER_ORGANISATION_NOT_FOUND, PartnerError
from domain.values import Role
from infra.accounts.model import Account
from infra.partners.base import PartnerRegistry

log = structlog.get_logger("pathways.demo")

DEMO_COORDINATOR = Account(id="cora", display_name="Cora Marti", role=Role.COORDINATOR)
"""Who the demo's partners are registered by (the demo coordinator of `demo_data`)."""


class DemoPartner(NamedTuple):
    organisation_id: str
    details: dict[str, Any]
    contacts: tuple[dict[str, Any], ...]


DEMO_PARTNERS: tuple[DemoPartner, ...] = (
    DemoPartner(
        "org-lecce",
        {
            "name": "Officine Salentine srl",
            "kind": "host_company",
            "address": "Via dell'Industria 12",
            "city": "Lecce",
            "fiscal_code": "IT04567890123",
        },
        ({"name": "Marco Greco", "role": "tutor", "phone": "+39 0832 555 101"},),
    ),
    DemoPartner(
        "org-lecce",
        {"name": "CPIA Lecce", "kind": "training_provider", "city": "Lecce"},
        (
            {"name": "Giovanna Leo", "role": "teacher", "email": "g.leo@cpia.example.org"},
            {"name": "Rocco Miglietta", "role": "referent", "phone": "+39 0832 555 202"},
        ),
    ),
    DemoPartner(
        "org-nardo",
        {"name": "Famiglia De Pascalis", "kind": "host_family", "city": "Galatone"},
        ({"name": "Lucia De Pascalis", "role": "host_parent", "phone": "+39 333 555 3030"},),
    ),
    DemoPartner(
        "org-nardo",
        {"name": "Istituto Comprensivo Nardò 1", "kind": "school", "city": "Nardò"},
        ({"name": "Paola Vergine", "role": "teacher", "email": "p.vergine@ic.example.org"},),
    ),
    DemoPartner(
        "org-maglie",
        {"name": "Associazione Ponti", "kind": "association", "city": "Maglie"},
        ({"name": "Salvatore Rizzo", "role": "referent", "email": "info@ponti.example.org"},),
    ),
)


async def seed_demo_partners(partners: PartnerRegistry) -> list[str]:
    """Register the demo partners that are not there yet; the ids of those registered now."""
    existing = {(p.organisation_id, p.name) for p in await partners.list_partners(DEMO_COORDINATOR)}
    registered = []
    for demo in DEMO_PARTNERS:
        if (demo.organisation_id, demo.details["name"]) in existing:
            continue
        try:
            partner = await partners.register(DEMO_COORDINATOR, demo.details, demo.organisation_id)
        except PartnerError as err:
            if err.code != PARTNER_ORGANISATION_NOT_FOUND:
                raise
            log.info("demo_partner_skipped", organisation_id=demo.organisation_id)
            continue
        for contact in demo.contacts:
            await partners.add_contact(DEMO_COORDINATOR, partner.id, contact)
        registered.append(partner.id)
    return registered
