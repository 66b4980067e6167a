"""The partner registry contract: every implementation (in-memory, Postgres) passes these.

Who may register, edit and read; bad input refused with a stable code and nothing stored;
another organisation's partner is unknown; every change has its audit line.
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.partners.errors import PartnerError
from domain.partners.model import ContactRole, PartnerKind
from domain.values import Role
from infra.accounts.model import Account
from infra.partners.base import PartnerRegistry


def person(role: Role, organisation: str | None = "org-lecce", name: str = "") -> Account:
    return Account(
        id=name or f"{role.value}-{organisation or 'all'}",
        display_name=role.value,
        role=role,
        organisation_id=organisation,
    )


SUPERVISOR = person(Role.SUPERVISOR)
CASEWORKER = person(Role.CASEWORKER)
COORDINATOR = person(Role.COORDINATOR, None)
AUDITOR = person(Role.AUDITOR, None)
ADMIN = person(Role.ADMIN, None)
NARDO_SUPERVISOR = person(Role.SUPERVISOR, "org-nardo")
NARDO_CASEWORKER = person(Role.CASEWORKER, "org-nardo")

WORKSHOP = {
    "name": "Officina Rossi",
    "kind": "host_company",
    "address": "Via Roma 1",
    "city": "Lecce",
    "fiscal_code": "IT01234567890",
}
TUTOR = {
    "name": "Marco Rossi",
    "role": "tutor",
    "email": "marco@rossi.it",
    "phone": "+39 0832 123456",
}


async def refused(code: str, call: Any) -> PartnerError:
    with pytest.raises(PartnerError) as caught:
        await call
    assert caught.value.code == code
    return caught.value


async def test_a_supervisor_registers_a_partner_of_their_organisation(
    partners: PartnerRegistry,
) -> None:
    partner = await partners.register(SUPERVISOR, WORKSHOP)

    assert partner.organisation_id == "org-lecce"
    assert partner.kind == PartnerKind.HOST_COMPANY
    assert partner.fiscal_code == "IT01234567890"
    assert partner.registered_by == SUPERVISOR.id
    assert await partners.get(CASEWORKER, partner.id) == partner
    changes = await partners.changes(AUDITOR, partner.id)
    assert [(c.action, c.actor_id, c.actor_role) for c in changes] == [
        ("registered", SUPERVISOR.id, Role.SUPERVISOR)
    ]


async def test_a_coordinator_registers_for_the_organisation_they_name(
    partners: PartnerRegistry,
) -> None:
    partner = await partners.register(
        COORDINATOR, {"name": "CPIA Lecce", "kind": "training_provider"}, "org-nardo"
    )

    assert partner.organisation_id == "org-nardo"
    await refused(
        "partner_organisation_not_found",
        partners.register(COORDINATOR, {"name": "CPIA", "kind": "school"}),
    )
    await refused(
        "partner_organisation_not_found",
        partners.register(COORDINATOR, {"name": "CPIA", "kind": "school"}, "org-nowhere"),
    )


async def test_contacts_are_added_read_back_and_audited(partners: PartnerRegistry) -> None:
    partner = await partners.register(SUPERVISOR, WORKSHOP)

    contact = await partners.add_contact(SUPERVISOR, partner.id, TUTOR)
    other = await partners.add_contact(SUPERVISOR, partner.id, {"name": "Anna", "role": "referent"})

    read = await partners.get(AUDITOR, partner.id)
    assert read.contacts == (contact, other)
    assert contact.role == ContactRole.TUTOR and contact.phone == "+39 0832 123456"
    assert other.email is None
    changes = await partners.changes(SUPERVISOR, partner.id)
    assert [(c.action, c.detail) for c in changes] == [
        ("registered", ""),
        ("contact_added", contact.id),
        ("contact_added", other.id),
    ]


async def test_an_edit_replaces_the_details_and_names_the_fields_changed(
    partners: PartnerRegistry,
) -> None:
    partner = await partners.register(SUPERVISOR, WORKSHOP)

    edited = await partners.edit(
        COORDINATOR, partner.id, {**WORKSHOP, "city": "Nardò", "address": ""}
    )

    assert (edited.city, edited.address) == ("Nardò", None)
    assert await partners.get(SUPERVISOR, partner.id) == edited
    changes = await partners.changes(SUPERVISOR, partner.id)
    assert (changes[-1].action, changes[-1].detail, changes[-1].actor_id) == (
        "edited",
        "address, city",
        COORDINATOR.id,
    )


@pytest.mark.parametrize("who", [CASEWORKER, AUDITOR, ADMIN])
async def test_roles_that_do_not_manage_partners_register_and_change_nothing(
    partners: PartnerRegistry, who: Account
) -> None:
    partner = await partners.register(SUPERVISOR, WORKSHOP)

    await refused("partner_forbidden", partners.register(who, WORKSHOP, "org-lecce"))
    expected = "partner_not_found" if who.role == Role.ADMIN else "partner_forbidden"
    await refused(expected, partners.edit(who, partner.id, WORKSHOP))
    await refused(expected, partners.add_contact(who, partner.id, TUTOR))

    assert await partners.list_partners(COORDINATOR) == [partner]
    assert len(await partners.changes(COORDINATOR, partner.id)) == 1


async def test_another_organisations_partner_does_not_exist(partners: PartnerRegistry) -> None:
    partner = await partners.register(SUPERVISOR, WORKSHOP)

    for outsider in (NARDO_SUPERVISOR, NARDO_CASEWORKER):
        await refused("partner_not_found", partners.get(outsider, partner.id))
        await refused("partner_not_found", partners.changes(outsider, partner.id))
        assert await partners.list_partners(outsider) == []
    await refused("partner_not_found", partners.edit(NARDO_SUPERVISOR, partner.id, WORKSHOP))
    await refused("partner_not_found", partners.add_contact(NARDO_SUPERVISOR, partner.id, TUTOR))
    await refused(
        "partner_organisation_not_found", partners.register(NARDO_SUPERVISOR, WORKSHOP, "org-lecce")
    )
    await refused("partner_not_found", partners.get(SUPERVISOR, "partner-unknown"))
    await refused("partner_forbidden", partners.list_partners(ADMIN))


async def test_listings_are_narrowed_to_the_organisation_and_sorted_by_name(
    partners: PartnerRegistry,
) -> None:
    school = await partners.register(SUPERVISOR, {"name": "Liceo Banzi", "kind": "school"})
    family = await partners.register(SUPERVISOR, {"name": "Famiglia Conte", "kind": "host_family"})
    nardo = await partners.register(NARDO_SUPERVISOR, {"name": "Arci", "kind": "association"})

    assert [p.id for p in await partners.list_partners(CASEWORKER)] == [family.id, school.id]
    assert [p.id for p in await partners.list_partners(AUDITOR)] == [
        family.id,
        school.id,
        nardo.id,
    ]


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"kind": "host_company"}, "name"),
        ({"name": "  ", "kind": "host_company"}, "name"),
        ({"name": "X", "kind": "bakery"}, "kind"),
        ({"name": "X", "kind": "school", "fiscal_code": "123"}, "fiscal_code"),
        ({"name": "X", "kind": "school", "colour": "red"}, "colour"),
    ],
)
async def test_bad_partner_details_are_refused_and_nothing_is_stored(
    partners: PartnerRegistry, details: dict[str, Any], field: str
) -> None:
    error = await refused("invalid_partner", partners.register(SUPERVISOR, details))

    assert error.field == field
    assert await partners.list_partners(COORDINATOR) == []


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"role": "tutor"}, "name"),
        ({"name": "Anna", "role": "boss"}, "role"),
        ({"name": "Anna", "role": "tutor", "email": "anna"}, "email"),
        ({"name": "Anna", "role": "tutor", "phone": "call me"}, "phone"),
    ],
)
async def test_bad_contact_details_are_refused_and_nothing_is_stored(
    partners: PartnerRegistry, details: dict[str, Any], field: str
) -> None:
    partner = await partners.register(SUPERVISOR, WORKSHOP)

    error = await refused("invalid_contact", partners.add_contact(SUPERVISOR, partner.id, details))

    assert error.field == field
    assert (await partners.get(SUPERVISOR, partner.id)).contacts == ()
    assert len(await partners.changes(SUPERVISOR, partner.id)) == 1


async def test_a_contact_resolves_as_a_pathway_links_it_without_its_personal_data(
    partners: PartnerRegistry,
) -> None:
    partner = await partners.register(SUPERVISOR, WORKSHOP)
    contact = await partners.add_contact(SUPERVISOR, partner.id, TUTOR)

    linked = await partners.linked_contact(contact.id)

    assert linked is not None
    assert linked.model_dump() == {
        "contact_id": contact.id,
        "partner_id": partner.id,
        "partner_name": "Officina Rossi",
        "partner_kind": PartnerKind.HOST_COMPANY,
        "contact_role": ContactRole.TUTOR,
        "organisation_id": "org-lecce",
    }
    assert await partners.linked_contact("contact-nobody") is None
