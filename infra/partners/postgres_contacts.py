"""The `ContactBook` on PostgreSQL: a contact's sealed e-mail, opened (migration 0015's table)."""

from __future__ import annotations

from infra.crypto.sealing import FieldSealer
from infra.db import Pool


class PostgresContactBook:
    """A `ContactBook` reading `partner_contacts`; `sealer` opens the sealed address."""

    def __init__(self, pool: Pool, sealer: FieldSealer) -> None:
        self._pool = pool
        self._sealer = sealer

    async def contact_email(self, contact_id: str) -> str | None:
        """See `infra.partners.contacts.ContactBook.contact_email`."""
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT email FROM partner_contacts WHERE contact_id = %s AND removed_at IS NULL",
                (contact_id,),
            )
            row = await cursor.fetchone()
        if row is None or row[0] is None:
            return None
        return await self._sealer.open_column("contact.email", row[0])
