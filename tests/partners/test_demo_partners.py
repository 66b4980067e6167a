"""The demo's partner network: one partner of each kind the issue names, registered once."""

from __future__ import annotations

from domain.partners.model import PartnerKind
from infra.partners.store import InMemoryPartnerStore
from workers.composition import partner_registry
from workers.demo_partners import DEMO_COORDINATOR, seed_demo_partners


async def test_the_demo_registers_its_partners_once_with_their_contacts() -> None:
    partners = partner_registry(InMemoryPartnerStore({"org-lecce", "org-nardo", "org-maglie"}))

    first = await seed_demo_partners(partners)
    again = await seed_demo_partners(partners)

    listed = await partners.list_partners(DEMO_COORDINATOR)
    assert len(first) == 5 and again == []
    assert {p.kind for p in listed} == {
        PartnerKind.HOST_COMPANY,
        PartnerKind.TRAINING_PROVIDER,
        PartnerKind.HOST_FAMILY,
        PartnerKind.SCHOOL,
        PartnerKind.ASSOCIATION,
    }
    assert all([(await partners.get(DEMO_COORDINATOR, p)).contacts for p in first])


async def test_an_organisation_that_does_not_exist_is_skipped() -> None:
    partners = partner_registry(InMemoryPartnerStore({"org-lecce"}))

    registered = await seed_demo_partners(partners)

    assert len(registered) == 2
    assert {p.organisation_id for p in await partners.list_partners(DEMO_COORDINATOR)} == {
        "org-lecce"
    }
