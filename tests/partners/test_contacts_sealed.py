"""A partner contact's personal fields are ciphertext in PostgreSQL, and open again on read."""

from __future__ import annotations

from domain.values import Role
from infra.accounts.model import Account
from infra.db import Pool
from infra.partners.postgres import PostgresPartnerRegistry

SUPERVISOR = Account(
    id="sup", display_name="Sup", role=Role.SUPERVISOR, organisation_id="org-lecce"
)


async def test_a_contacts_name_email_and_phone_are_sealed_at_rest(
    postgres_partners: PostgresPartnerRegistry, pool: Pool
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
