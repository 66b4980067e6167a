"""`pathways caseload reassign` (or `close-cohort`) then `apply`, as an operator runs them,
on the dev server and PostgreSQL: the dry run lists and changes nothing, applying changes
each row once, the same application asked again answers with its result, refusals change
nothing."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from client.pathway import PathwayClient
from domain.calendar import project_day
from domain.values import Role
from infra.accounts.model import Account, Organisation
from infra.accounts.postgres import PostgresAccountStore
from infra.crypto.codec import encrypting_converter
from infra.crypto.keyring import Keyring
from infra.crypto.master import MasterKey
from infra.crypto.sealing import FieldSealer
from infra.db import Pool, open_pool
from infra.eventstore.postgres import PostgresEventStore
from tests.eventstore.conftest import database, postgres
from tests.integration.conftest import PATHWAYS, Ran, clean_environ, in_process, run
from tests.workflows.journey import compressed_opening, envelope, opening
from tests.workflows.test_bulk_close_cohort import followed_up
from workers.worker import build_worker

__all__ = ["database", "postgres"]

pytestmark = pytest.mark.integration


@dataclass
class Operator:
    env: dict[str, str]
    workdir: Path
    pool: Pool
    client: Client
    store: PostgresEventStore
    accounts: PostgresAccountStore
    queue: str
    master: MasterKey

    async def cli(self, *args: str) -> Ran:
        return await run(PATHWAYS, *args, env=self.env, cwd=self.workdir, timeout=120)

    async def here(self, *args: str) -> Ran:
        """`pathways <args>` in this process, for a refusal or a repeat: a subprocess would
        import the application first (each command that succeeds runs as a process once)."""
        return await in_process(*args, env=self.env)

    async def caseworkers(self) -> list[tuple[str, str]]:
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT pathway_id, caseworker_id FROM pathway_summaries ORDER BY 1"
            )
            return [(str(p), str(c)) for p, c in await cur.fetchall()]

    async def stages(self) -> list[tuple[str, str]]:
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT pathway_id, stage FROM pathway_summaries"
                " WHERE pathway_id LIKE 'pw-cc-%' ORDER BY 1"
            )
            return [(str(p), str(s)) for p, s in await cur.fetchall()]


@pytest_asyncio.fixture(loop_scope="session")
async def operator(
    database: str, dev_server_env: WorkflowEnvironment, tmp_path: Path
) -> AsyncIterator[Operator]:
    pool = await open_pool(database, min_size=1, max_size=4)
    master = MasterKey.generate()
    keyring = Keyring(pool, master, cache_seconds=0)
    config = dev_server_env.client.config()
    config["data_converter"] = encrypting_converter(keyring)
    queue = f"caseload-{uuid.uuid4().hex[:8]}"
    accounts = PostgresAccountStore(pool)
    for organisation in ("org-lecce", "org-nardo"):
        await accounts.create_organisation(Organisation(id=organisation, name=organisation))
    for account_id, organisation in (("anna", "org-lecce"), ("luca", "org-lecce")):
        await accounts.create_account(
            Account(
                id=account_id,
                display_name=account_id,
                role=Role.CASEWORKER,
                organisation_id=organisation,
            ),
            None,
        )
    for account_id, role, organisation in (
        ("marta", Role.CASEWORKER, "org-nardo"),
        ("sara", Role.SUPERVISOR, "org-lecce"),
    ):
        await accounts.create_account(
            Account(
                id=account_id, display_name=account_id, role=role, organisation_id=organisation
            ),
            None,
        )
    env = clean_environ(
        PATHWAYS_DATABASE_URL=database,
        PATHWAYS_TEMPORAL_ADDRESS=dev_server_env.client.service_client.config.target_host,
        PATHWAYS_TEMPORAL_NAMESPACE=dev_server_env.client.namespace,
        PATHWAYS_TEMPORAL_TASK_QUEUE=queue,
        PATHWAYS_MASTER_KEY=base64.b64encode(master.key).decode(),
        PATHWAYS_DATA_DIR=str(tmp_path / "data"),
    )
    try:
        yield Operator(
            env,
            tmp_path,
            pool,
            Client(**config),
            PostgresEventStore(pool, FieldSealer(keyring)),
            accounts,
            queue,
            master,
        )
    finally:
        await pool.close()


async def test_a_dry_run_then_its_application_reassign_each_pathway_once(
    operator: Operator,
) -> None:
    o = operator
    pathways = PathwayClient(o.client, o.queue, o.store)
    annas = ["pw-cl-1", "pw-cl-2"]
    async with build_worker(o.client, o.store, o.queue, accounts=o.accounts):
        for pathway_id in annas:
            await pathways.open(opening(pathway_id))

        dry = await o.cli("caseload", "reassign", "org-lecce", "anna", "luca", "--actor", "sara")
        assert dry.code == 0, dry
        lines = dry.stdout.splitlines()
        assert lines[:2] == [f"would reassign {p}: anna -> luca" for p in annas]
        assert lines[2].startswith("2 pathways; dry run bulk-")
        dry_run_id = lines[2].rsplit(" ", 1)[1]
        assert await o.caseworkers() == [(p, "anna") for p in annas]

        applied = await o.cli("caseload", "apply", dry_run_id, "--actor", "sara")
        assert applied.code == 0, applied
        assert applied.stdout.splitlines() == [
            *(f"done: {p}" for p in annas),
            f"2 pathways: 2 done, 0 refused ({dry_run_id}-apply)",
        ]
        assert await o.caseworkers() == [(p, "luca") for p in annas]

        again = await o.here("caseload", "apply", dry_run_id, "--actor", "sara")
        assert again.code == 0 and again.stdout == applied.stdout, again
        assert "already applied" in again.stderr

        other = await o.here(
            "caseload", "reassign", "org-lecce", "luca", "marta", "--actor", "sara"
        )
        assert other.code == 2 and other.stderr.startswith("error: caseworker_not_eligible: ")
        nobody = await o.here("caseload", "reassign", "org-lecce", "luca", "anna", "--actor", "x")
        assert nobody.code == 2 and nobody.stderr.startswith("error: account_not_found: ")
        unknown = await o.here("caseload", "apply", "bulk-nothing", "--actor", "sara")
        assert unknown.code == 2 and unknown.stderr.startswith("error: not_a_dry_run: "), unknown
    assert await o.caseworkers() == [(p, "luca") for p in annas]


async def test_a_cohort_dry_run_lists_the_refusals_then_apply_closes_each_ready_pathway(
    operator: Operator,
) -> None:
    o = operator
    pathways = PathwayClient(o.client, o.queue, o.store)
    today = project_day(datetime.now(UTC))
    ready, pending = "pw-cc-1", "pw-cc-2"
    async with build_worker(o.client, o.store, o.queue, accounts=o.accounts):
        for pathway_id, payment_pending in ((ready, False), (pending, True)):
            await pathways.open(compressed_opening(pathway_id))
            for command, actor in followed_up(today, payment_pending=payment_pending):
                await pathways.send(pathway_id, envelope(command, actor))

        bad = await o.here("caseload", "close-cohort", "org-lecce", "--opened-from", "soon")
        assert bad.code == 2 and bad.stderr.startswith("error: invalid_command: "), bad
        dry = await o.cli(
            "caseload", "close-cohort", "org-lecce", "--opened-from", str(today), "--actor", "sara"
        )
        assert dry.code == 0, dry
        lines = dry.stdout.splitlines()
        assert lines[0] == f"would close {ready}"
        assert lines[1].startswith(f"would refuse {pending}: payments_pending: ")
        assert lines[2].startswith("2 pathways, 1 would be refused; dry run bulk-")
        dry_run_id = lines[2].rsplit(" ", 1)[1]
        assert await o.stages() == [(ready, "follow_up"), (pending, "follow_up")]

        applied = await o.here("caseload", "apply", dry_run_id, "--actor", "sara")
        assert applied.code == 0, applied
        lines = applied.stdout.splitlines()
        assert lines[0] == f"done: {ready}"
        assert lines[1].startswith(f"refused: {pending}: payments_pending: ")
        assert lines[2] == f"2 pathways: 1 done, 1 refused ({dry_run_id}-apply)"
        again = await o.here("caseload", "apply", dry_run_id, "--actor", "sara")
        assert again.code == 0 and again.stdout == applied.stdout, again
    assert await o.stages() == [(ready, "closed"), (pending, "follow_up")]
    closed = await o.store.read_stream(f"pathway-{ready}")
    assert [r.type for r in closed].count("PathwayClosed") == 1
