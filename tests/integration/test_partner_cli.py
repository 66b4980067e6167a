"""`pathways partner` as a supervisor, the coordinator and a caseworker run it, on real Postgres."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from domain.values import Role
from infra.accounts.model import Account, Organisation
from infra.accounts.postgres import PostgresAccountStore
from infra.crypto.master import MasterKey
from infra.db import Pool, open_pool
from infra.migrate import migrate
from tests.integration.conftest import PATHWAYS, Ran, clean_environ, in_process, run

pytestmark = pytest.mark.integration


@dataclass
class Office:
    """The CLI against a fresh migrated database with two organisations and their people."""

    env: dict[str, str]
    workdir: Path
    pool: Pool

    async def cli(self, *args: str) -> Ran:
        return await run(PATHWAYS, *args, env=self.env, cwd=self.workdir, timeout=60)

    async def refused(self, *args: str) -> Ran:
        """`pathways <args>` in this process, for a refusal (the entry point is the tests' that
        succeed: a subprocess each would import the application first)."""
        return await in_process(*args, env=self.env)

    async def ok(self, *args: str) -> str:
        ran = await self.cli(*args)
        assert ran.code == 0, ran
        return ran.stdout

    async def done(self, *args: str) -> str:
        """What `pathways <args>` prints, run in this process (`in_process`): for a command
        that a subprocess of this module runs once already, a start-up saved each."""
        ran = await in_process(*args, env=self.env)
        assert ran.code == 0, ran
        return ran.stdout

    async def rows(self) -> list[list[tuple[object, ...]]]:
        """Every row of the partner tables, to show that a refusal changed nothing."""
        async with self.pool.connection() as conn:
            return [
                await (await conn.execute(f"SELECT * FROM {table} ORDER BY 1")).fetchall()
                for table in ("partners", "partner_contacts", "partner_changes")
            ]


PEOPLE = (
    ("sara", Role.SUPERVISOR, "org-lecce"),
    ("anna", Role.CASEWORKER, "org-lecce"),
    ("nico", Role.SUPERVISOR, "org-nardo"),
    ("coco", Role.COORDINATOR, None),
)


@pytest_asyncio.fixture(loop_scope="session")
async def office(fresh_database: str, workdir: Path) -> AsyncIterator[Office]:
    await migrate(fresh_database)
    pool = await open_pool(fresh_database, min_size=1, max_size=2)
    accounts = PostgresAccountStore(pool)
    for organisation in ("org-lecce", "org-nardo"):
        await accounts.create_organisation(Organisation(id=organisation, name=organisation))
    for account_id, role, organisation in PEOPLE:
        person = Account(
            id=account_id, display_name=account_id, role=role, organisation_id=organisation
        )
        await accounts.create_account(person, None)
    env = clean_environ(
        PATHWAYS_DATABASE_URL=fresh_database,
        PATHWAYS_DATA_DIR=str(workdir),
        PATHWAYS_MASTER_KEY=MasterKey.generate().to_base64(),
    )
    try:
        yield Office(env, workdir, pool)
    finally:
        await pool.close()


async def test_a_supervisor_registers_a_partner_and_its_tutor_and_others_read_it(
    office: Office,
) -> None:
    out = await office.ok(
        *("partner", "add", "Officina Rossi", "--kind", "host_company", "--actor", "sara"),
        *("--city", "Lecce", "--fiscal-code", "IT01234567890", "--json"),
    )
    partner_id = json.loads(out)["id"]
    added = await office.ok(
        *("partner", "contact-add", partner_id, "--name", "Marco Rossi", "--role", "tutor"),
        *("--phone", "+39 333 1234567", "--actor", "sara"),
    )
    assert added.startswith("added contact-")

    shown = await office.ok("partner", "show", partner_id, "--actor", "anna")
    assert "Marco Rossi (tutor)" in shown and "+39 333 1234567" in shown
    assert "registered by sara (supervisor)" in shown and "contact_added" in shown
    listed = await office.ok("partner", "list", "--actor", "anna")
    assert "Officina Rossi" in listed
    assert (await office.done("partner", "list", "--actor", "nico")).strip() == "no partners"
    ran = await office.refused("partner", "show", partner_id, "--actor", "nico")
    assert ran.code == 2 and "partner_not_found" in ran.stderr


async def test_the_coordinator_names_the_organisation(office: Office) -> None:
    out = await office.done(
        *("partner", "add", "CPIA Lecce", "--kind", "training_provider"),
        *("--organisation", "org-nardo", "--actor", "coco"),
    )
    assert out.startswith("registered partner-")
    assert "CPIA Lecce" in await office.done("partner", "list", "--actor", "nico")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("partner", "add", "X", "--kind", "bakery", "--actor", "sara"), "invalid_partner"),
        (("partner", "add", "X", "--kind", "school", "--fiscal-code", "1"), "invalid_command"),
        (("partner", "add", "X", "--kind", "school", "--actor", "anna"), "partner_forbidden"),
        (("partner", "add", "X", "--kind", "school", "--actor", "ghost"), "account_not_found"),
        (
            ("partner", "add", "X", "--kind", "school", "--actor", "coco"),
            "partner_organisation_not_found",
        ),
        (
            (
                "partner",
                "add",
                "X",
                "--kind",
                "school",
                "--actor",
                "nico",
                "--organisation",
                "org-lecce",
            ),
            "partner_organisation_not_found",
        ),
        (
            (
                "partner",
                "contact-add",
                "partner-x",
                "--name",
                "A",
                "--role",
                "tutor",
                "--actor",
                "sara",
            ),
            "partner_not_found",
        ),
    ],
)
async def test_bad_input_exits_2_with_its_code_and_stores_nothing(
    office: Office, args: tuple[str, ...], code: str
) -> None:
    before = await office.rows()

    ran = await office.refused(*args)

    assert ran.code == 2, ran
    assert f"error: {code}" in ran.stderr
    assert await office.rows() == before


async def test_a_bad_contact_exits_2_and_adds_nothing(office: Office) -> None:
    out = await office.done(
        "partner", "add", "Famiglia Conte", "--kind", "host_family", "--actor", "sara", "--json"
    )
    partner_id = json.loads(out)["id"]
    before = await office.rows()

    ran = await office.refused(
        *("partner", "contact-add", partner_id, "--name", "Lucia", "--role", "host_parent"),
        *("--email", "not-an-address", "--actor", "sara"),
    )

    assert ran.code == 2 and "error: invalid_contact" in ran.stderr and "email" in ran.stderr
    assert await office.rows() == before


async def test_a_supervisor_invites_a_contact_and_a_refused_invitation_stores_nothing(
    office: Office,
) -> None:
    out = await office.done(
        *("partner", "add", "Officina Bianchi", "--kind", "host_company", "--actor", "sara"),
        "--json",
    )
    partner_id = json.loads(out)["id"]
    added = await office.done(
        *("partner", "contact-add", partner_id, "--name", "Ida Bianchi", "--role", "tutor"),
        *("--email", "ida@bianchi.example.org", "--actor", "sara"),
    )
    contact_id = added.split()[1]

    async def accounts() -> list[tuple[object, ...]]:
        async with office.pool.connection() as conn:
            query = "SELECT account_id, role, contact_id FROM accounts ORDER BY 1"
            return await (await conn.execute(query)).fetchall()

    before = await accounts()
    for actor, code in (("anna", "partner_forbidden"), ("nico", "partner_not_found")):
        ran = await office.refused("partner", "invite", contact_id, "--actor", actor)
        assert ran.code == 2 and code in ran.stderr, ran
    assert await accounts() == before

    invited = await office.ok("partner", "invite", contact_id, "--actor", "sara")
    assert "/invitations/" in invited and "ida@bianchi.example.org" in invited
    assert "no SMTP server configured" in invited
    assert [row for row in await accounts() if row[1] == "partner"] == [
        (f"partner-{contact_id.removeprefix('contact-')}", "partner", contact_id)
    ]


async def test_a_partner_and_a_contact_are_edited_and_the_contact_removed(
    office: Office,
) -> None:
    out = await office.done(
        "partner", "add", "Sartoria Sud", "--kind", "host_company", "--actor", "sara", "--json"
    )
    partner_id = json.loads(out)["id"]
    added = await office.done(
        *("partner", "contact-add", partner_id, "--name", "Gino", "--role", "tutor"),
        *("--email", "gino@sartoria.it", "--actor", "sara"),
    )
    contact_id = added.split()[1]
    accounts = PostgresAccountStore(office.pool)
    tutor = Account(
        id=f"partner-{contact_id}",
        display_name="Gino",
        role=Role.PARTNER,
        organisation_id="org-lecce",
        contact_id=contact_id,
    )
    await accounts.create_account(tutor, None)
    before = await office.rows()
    for args, code in (
        (("edit", partner_id, "--kind", "castle", "--actor", "sara"), "invalid_partner"),
        (("edit", partner_id, "--name", "X", "--actor", "anna"), "partner_forbidden"),
        (("edit", partner_id, "--name", "X", "--actor", "nico"), "partner_not_found"),
        (("contact-edit", partner_id, contact_id, "--email", "x", "--actor", "sara"),
         "invalid_contact"),
        (("contact-edit", partner_id, "contact-x", "--name", "X", "--actor", "sara"),
         "contact_not_found"),
        (("contact-remove", partner_id, contact_id, "--actor", "anna"), "partner_forbidden"),
        (("contact-remove", partner_id, contact_id, "--actor", "nico"), "partner_not_found"),
    ):  # fmt: skip
        ran = await office.refused("partner", *args)
        assert ran.code == 2 and f"error: {code}" in ran.stderr, (args, ran)
    assert await office.rows() == before

    edited = await office.ok("partner", "edit", partner_id, "--city", "Nardò", "--actor", "sara")
    assert edited.startswith(f"edited {partner_id}: Sartoria Sud")
    changed = await office.ok(
        *("partner", "contact-edit", partner_id, contact_id, "--phone", "+39 333 1"),
        *("--actor", "sara"),
    )
    assert changed.startswith(f"edited {contact_id}")
    removed = await office.ok(
        "partner", "contact-remove", partner_id, contact_id, "--actor", "sara"
    )
    assert removed.strip() == f"removed {contact_id} from {partner_id}"

    shown = await office.done("partner", "show", partner_id, "--actor", "sara")
    assert "Gino (tutor) gino@sartoria.it +39 333 1 removed" in shown
    assert "contact_edited" in shown and "contact_removed" in shown
    account = await accounts.get_account(tutor.id)
    assert account is not None and not account.active, "its partner account is deactivated"
