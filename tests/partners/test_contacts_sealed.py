"""A partner contact's personal fields are ciphertext in PostgreSQL, and open again on read."""

from __future__ import annotations

from domain.values import Role
from infra.accounts.model import Account
from infra.db import Pool
from infra.partners.base import PartnerRegistry
from infra.partners.postgres_contacts import PostgresContactBook

SUPERVISOR = Account(
    id="sup", display_name="Sup", role=Role.SUPERVISOR, organisation_id="org-lecce"
)


async def test_a_contacts_name_email_and_phone_are_sealed_at_rest(
    postgres_partners: PartnerRegistry, pool: Pool
) -> None:
    partner = await postgres_partners.register(
        SUPERVISOR, {"name": "Famiglia Conte", "kind": "host_family"}
    )
    contact = await postgres_partners.add_contact(
        SUPERVISOR,
        partner.id,
        {
            "name": "Lucia Conte",
            "role": "host_parent",
            "email": "lucia@conte.it",
            "phone": "333 1234567",
        },
    )

    async with pool.connection() as conn:
        row = await (
            await conn.execute("SELECT partner_contacts::text FROM partner_contacts")
        ).fetchone()
    assert row is not None
    assert "Lucia" not in row[0] and "conte.it" not in row[0] and "1234567" not in row[0]
    assert "host_parent" in row[0]
    assert (await postgres_partners.get(SUPERVISOR, partner.id)).contacts == (contact,)


async def test_the_notifier_opens_a_contacts_email_and_nothing_for_an_unknown_one(
    postgres_partners: PartnerRegistry, pool: Pool
) -> None:
    partner = await postgres_partners.register(
        SUPERVISOR, {"name": "Sartoria Salentina", "kind": "host_company"}
    )
    tutor = await postgres_partners.add_contact(
        SUPERVISOR, partner.id, {"name": "G. Rizzo", "role": "tutor", "email": "rizzo@ss.it"}
    )
    silent = await postgres_partners.add_contact(
        SUPERVISOR, partner.id, {"name": "P. Neri", "role": "referent"}
    )
    book = PostgresContactBook(pool, postgres_partners._store._sealer)  # type: ignore[attr-defined]
    assert await book.contact_email(tutor.id) == "rizzo@ss.it"
    assert await book.contact_email(silent.id) is None
    assert await book.contact_email("nobody") is None
