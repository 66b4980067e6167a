"""The partner registry's store on PostgreSQL (tables of migration 0015), contacts sealed.

A contact's name, e-mail and phone are sealed with a data key of its own (owner
`partners/<contact_id>`, which no pathway id can be), so one contact's personal data can be
erased by destroying its key without touching the partner or the others (docs/privacy.md).
"""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.errors import ForeignKeyViolation
from psycopg.rows import dict_row

from domain.partners.errors import PARTNER_ORGANISATION_NOT_FOUND, PartnerError
from domain.partners.model import Contact, ContactRole, Partner, PartnerChange
from infra.crypto.sealing import FieldSealer
from infra.db import Pool

_PARTNER_COLUMNS = (
    "partner_id, organisation_id, name, kind, address, city, fiscal_code,"
    " registered_by, registered_at"
)
_SEALED_CONTACT_FIELDS = ("name", "email", "phone")


def contact_key_owner(contact_id: str) -> str:
    """The owner of the data key a contact's personal fields are sealed with."""
    return f"partners/{contact_id}"


def _partner(row: dict[str, Any], contacts: tuple[Contact, ...] = ()) -> Partner:
    return Partner(
        id=row["partner_id"],
        organisation_id=row["organisation_id"],
        name=row["name"],
        kind=row["kind"],
        address=row["address"],
        city=row["city"],
        fiscal_code=row["fiscal_code"],
        registered_by=row["registered_by"],
        registered_at=row["registered_at"],
        contacts=contacts,
    )


async def _audit(conn: AsyncConnection[Any], change: PartnerChange) -> None:
    await conn.execute(
        "INSERT INTO partner_changes (partner_id, action, detail, actor_id, actor_role, at)"
        " VALUES (%s, %s, %s, %s, %s, %s)",
        (
            change.partner_id,
            change.action,
            change.detail,
            change.actor_id,
            change.actor_role.value,
            change.at,
        ),
    )


class PostgresPartnerStore:
    """A `PartnerStore` (`infra.partners.store`) on a migrated database; `sealer` seals the
    contacts. Only SQL: the rules are the registry's (`activities.partners.registry`)."""

    def __init__(self, pool: Pool, sealer: FieldSealer) -> None:
        self._pool = pool
        self._sealer = sealer

    async def insert(self, partner: Partner, change: PartnerChange) -> None:
        try:
            async with self._pool.connection() as conn, conn.transaction():
                await conn.execute(
                    f"INSERT INTO partners ({_PARTNER_COLUMNS})"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (
                        partner.id,
                        partner.organisation_id,
                        partner.name,
                        partner.kind.value,
                        partner.address,
                        partner.city,
                        partner.fiscal_code,
                        partner.registered_by,
                        partner.registered_at,
                    ),
                )
                await _audit(conn, change)
        except ForeignKeyViolation:
            raise PartnerError(
                PARTNER_ORGANISATION_NOT_FOUND,
                f"no organisation {partner.organisation_id!r}",
                "organisation_id",
            ) from None

    async def update(self, partner: Partner, change: PartnerChange) -> None:
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(
                "UPDATE partners SET name = %s, kind = %s, address = %s, city = %s,"
                " fiscal_code = %s WHERE partner_id = %s",
                (
                    partner.name,
                    partner.kind.value,
                    partner.address,
                    partner.city,
                    partner.fiscal_code,
                    partner.id,
                ),
            )
            await _audit(conn, change)

    async def insert_contact(self, contact: Contact, change: PartnerChange) -> None:
        owner = contact_key_owner(contact.id)
        sealed = {
            name: None
            if getattr(contact, name) is None
            else await self._sealer.seal_column(owner, f"contact.{name}", getattr(contact, name))
            for name in _SEALED_CONTACT_FIELDS
        }
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO partner_contacts (contact_id, partner_id, name, role, email, phone)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                (
                    contact.id,
                    contact.partner_id,
                    sealed["name"],
                    contact.role.value,
                    sealed["email"],
                    sealed["phone"],
                ),
            )
            await _audit(conn, change)

    async def update_contact(self, contact: Contact, change: PartnerChange) -> None:
        owner = contact_key_owner(contact.id)
        sealed = {
            name: None
            if getattr(contact, name) is None
            else await self._sealer.seal_column(owner, f"contact.{name}", getattr(contact, name))
            for name in _SEALED_CONTACT_FIELDS
        }
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(
                "UPDATE partner_contacts SET name = %s, role = %s, email = %s, phone = %s,"
                " removed_at = %s WHERE contact_id = %s",
                (
                    sealed["name"],
                    contact.role.value,
                    sealed["email"],
                    sealed["phone"],
                    contact.removed_at,
                    contact.id,
                ),
            )
            await _audit(conn, change)

    async def _open(self, name: str, text: str | None) -> str | None:
        return None if text is None else await self._sealer.open_column(f"contact.{name}", text)

    async def select(self, partner_id: str) -> Partner | None:
        async with self._pool.connection() as conn:
            cursor = conn.cursor(row_factory=dict_row)
            await cursor.execute(
                f"SELECT {_PARTNER_COLUMNS} FROM partners WHERE partner_id = %s", (partner_id,)
            )
            row = await cursor.fetchone()
            if row is None:
                return None
            await cursor.execute(
                "SELECT contact_id, name, role, email, phone, removed_at FROM partner_contacts"
                " WHERE partner_id = %s ORDER BY position",
                (partner_id,),
            )
            contact_rows = await cursor.fetchall()
        contacts = tuple(
            [
                Contact(
                    id=c["contact_id"],
                    partner_id=partner_id,
                    name=await self._open("name", c["name"]) or "",
                    role=c["role"],
                    email=await self._open("email", c["email"]),
                    phone=await self._open("phone", c["phone"]),
                    removed_at=c["removed_at"],
                )
                for c in contact_rows
            ]
        )
        return _partner(row, contacts)

    async def select_all(self, organisation_id: str | None) -> list[Partner]:
        async with self._pool.connection() as conn:
            cursor = conn.cursor(row_factory=dict_row)
            await cursor.execute(
                f"SELECT {_PARTNER_COLUMNS} FROM partners"
                " WHERE %(org)s::text IS NULL OR organisation_id = %(org)s"
                " ORDER BY organisation_id, lower(name), partner_id",
                {"org": organisation_id},
            )
            rows = await cursor.fetchall()
        return [_partner(row) for row in rows]

    async def select_changes(self, partner_id: str) -> list[PartnerChange]:
        async with self._pool.connection() as conn:
            cursor = conn.cursor(row_factory=dict_row)
            await cursor.execute(
                "SELECT partner_id, action, detail, actor_id, actor_role, at"
                " FROM partner_changes WHERE partner_id = %s ORDER BY position",
                (partner_id,),
            )
            rows = await cursor.fetchall()
        return [PartnerChange.model_validate(row) for row in rows]

    async def select_contact(self, contact_id: str) -> tuple[Partner, ContactRole] | None:
        columns = ", ".join(f"p.{c.strip()}" for c in _PARTNER_COLUMNS.split(","))
        async with self._pool.connection() as conn:
            cursor = conn.cursor(row_factory=dict_row)
            await cursor.execute(
                f"SELECT {columns}, c.role AS contact_role FROM partner_contacts c"
                " JOIN partners p USING (partner_id)"
                " WHERE c.contact_id = %s AND c.removed_at IS NULL",
                (contact_id,),
            )
            row = await cursor.fetchone()
        return None if row is None else (_partner(row), ContactRole(row["contact_role"]))
