"""Scale-out as docs/scale-out.md describes it: two `pathways worker` and two `pathways web`
processes against one Temporal server and one database, sharing the work."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from temporalio.testing import WorkflowEnvironment

from infra.accounts.postgres import PostgresAccountStore
from infra.crypto.master import MasterKey
from infra.db import open_pool
from infra.eventstore.postgres import PostgresEventStore
from infra.migrate import migrate
from infra.server_process import free_port
from tests.chaos.stack import REPO, Process
from tests.conftest import venv_binary
from tests.scenarios import OPEN
from tests.web.staff import add_staff, bearer

PATHWAYS = venv_binary("pathways")


async def ready(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=url) as http:
        while time.monotonic() < deadline:
            try:
                if (await http.get("/readyz", timeout=5)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.3)
    raise AssertionError(f"{url} was not ready within {seconds} s")


async def test_two_workers_and_two_web_processes_share_one_server_and_database(
    dev_server_env: WorkflowEnvironment, fresh_database: str
) -> None:
    await migrate(fresh_database)
    pool = await open_pool(fresh_database, 1, 2)
    try:
        await add_staff(PostgresAccountStore(pool))
        workdir = Path(tempfile.mkdtemp(prefix="scale"))
        env = {k: v for k, v in os.environ.items() if not k.startswith("PATHWAYS_")}
        env |= {
            "PYTHONPATH": str(REPO),
            "PATHWAYS_DATABASE_URL": fresh_database,
            "PATHWAYS_TEMPORAL_ADDRESS": dev_server_env.client.service_client.config.target_host,
            "PATHWAYS_TEMPORAL_NAMESPACE": dev_server_env.client.namespace,
            "PATHWAYS_TEMPORAL_TASK_QUEUE": f"tq-{uuid.uuid4().hex[:8]}",
            "PATHWAYS_DATA_DIR": str(workdir / "data"),
            "PATHWAYS_SESSION_SECRET": "scale-out-" + "s" * 40,
            # One master key for every process: each opens the data keys the others made.
            "PATHWAYS_MASTER_KEY": MasterKey.generate().to_base64(),
            "PATHWAYS_LOG_LEVEL": "INFO",
        }
        ports = [free_port(), free_port()]
        processes = [
            *(
                Process(f"worker-{n}", [PATHWAYS, "worker"], env, workdir / f"worker-{n}.log")
                for n in (1, 2)
            ),
            *(
                Process(
                    f"web-{n}",
                    [PATHWAYS, "web"],
                    {**env, "PATHWAYS_WEB_PORT": str(port)},
                    workdir / f"web-{n}.log",
                )
                for n, port in enumerate(ports, 1)
            ),
        ]
        for process in processes:
            process.start()
        try:
            urls = [f"http://127.0.0.1:{port}" for port in ports]
            await asyncio.gather(*(ready(url) for url in urls))
            clients = [httpx.AsyncClient(base_url=url, timeout=30) for url in urls]
            pathway_ids = [f"p-{uuid.uuid4().hex[:12]}" for _ in range(12)]
            opened = await asyncio.gather(
                *(
                    clients[n % 2].post(
                        "/api/v1/pathways",
                        json={**OPEN, "pathway_id": pid, "command_id": f"c-{pid}"},
                        headers=bearer("anna"),
                    )
                    for n, pid in enumerate(pathway_ids)
                )
            )
            assert [r.status_code for r in opened] == [201] * 12, [r.text for r in opened]
            # A note through the other web process than the one that opened the pathway.
            noted = await asyncio.gather(
                *(
                    clients[(n + 1) % 2].post(
                        f"/api/v1/pathways/{pid}/commands",
                        json={"type": "add_note", "text": "hi", "command_id": f"n-{pid}"},
                        headers=bearer("anna"),
                    )
                    for n, pid in enumerate(pathway_ids)
                )
            )
            assert [r.status_code for r in noted] == [200] * 12, [r.text for r in noted]
            for client in clients:
                await client.aclose()
        finally:
            for process in processes:
                process.stop()
        store = PostgresEventStore(pool)
        for pid in pathway_ids:
            records = await store.read_stream(f"pathway-{pid}")
            assert [r.command_id for r in records][-1] == f"n-{pid}"
            assert [r.version for r in records] == list(range(1, len(records) + 1))
        appended = [
            (workdir / f"worker-{n}.log").read_text().count("events_appended") for n in (1, 2)
        ]
        assert all(appended), f"both workers ran appends: {appended}"
    finally:
        await pool.close()
