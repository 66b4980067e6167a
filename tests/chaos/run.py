"""`make chaos`: steady load while the worker, the web process, Temporal and PostgreSQL fail.

Everything runs on loopback under a temporary directory: an embedded PostgreSQL, the
Temporal dev server (SQLite file, so a restart keeps its state), `pathways worker` and
`pathways web` as subprocesses. A load of clients sends commands over HTTP — openings
back-dated 20 days (so each owes a baseline whose reminder and escalations are all due at
once) and notes — retrying each with the same `command_id` until it is answered. Faults
are injected in turn: `kill -9` of the worker, `kill -9` of the web process, a restart of
the Temporal dev server, PostgreSQL stopped for `--pg-outage` seconds (10 by default, not
30, to keep the run within a few minutes; `--pg-outage 30` does the full one).

Then the invariants (each violation is printed):
- every acknowledged command's events are in the store exactly once, as acknowledged;
- every stream is gapless (versions 1..n);
- the caseload rows equal a rebuild from the events;
- every due escalation happened exactly once (one event per obligation and step), and
  every pathway whose baseline is overdue has its reminder and escalations;
- every approved payment is in the ledger exactly once (none are approved by this load:
  the check runs over whatever the store holds);
- no workflow is stuck: each answers one more command, none has a failing workflow task.

Usage: python -m tests.chaos.run [--duration 150] [--faults 24] [--pg-outage 10]
Exit status 0 when there are no violations.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from infra.server_process import free_port

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass
class Process:
    """A `pathways` subprocess that the supervisor restarts whenever it is not running."""

    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        out = self.log.open("ab")
        self.popen = subprocess.Popen(
            self.args,
            env=self.env,
            stdout=out,
            stderr=out,
            cwd=self.log.parent,
            start_new_session=True,
        )
        self.starts += 1

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill9(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            os.kill(self.popen.pid, signal.SIGKILL)
            self.popen.wait()

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()


@dataclass
class Load:
    sent: int = 0
    acknowledged: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    """command id → (pathway id, event types answered)."""
    pathways: list[str] = field(default_factory=list)
    retries: int = 0
    gave_up: int = 0


TOKEN_HEADERS: dict[str, str] = {}


async def send(
    http: httpx.AsyncClient, load: Load, url: str, body: dict[str, Any], deadline: float
) -> dict[str, Any] | None:
    """POST until answered (2xx or a refusal), the same command id every time."""
    load.sent += 1
    while time.monotonic() < deadline:
        try:
            reply = await http.post(url, json=body, headers=TOKEN_HEADERS, timeout=30)
        except httpx.HTTPError:
            reply = None
        if reply is not None and reply.status_code < 300:
            answer: dict[str, Any] = reply.json()
            load.acknowledged[body["command_id"]] = (answer["pathway_id"], tuple(answer["events"]))
            return answer
        if reply is not None and 400 <= reply.status_code < 500:
            print(f"refused {reply.status_code}: {reply.text[:200]}", flush=True)
            return None
        load.retries += 1
        await asyncio.sleep(0.5)
    load.gave_up += 1
    return None


async def client_loop(
    http: httpx.AsyncClient, load: Load, stop: asyncio.Event, rng: random.Random
) -> None:
    while not stop.is_set():
        if not load.pathways or rng.random() < 0.3:
            pid = f"chaos-{uuid.uuid4().hex[:12]}"
            opened_at = (datetime.now(UTC) - timedelta(days=20)).isoformat()
            body = {
                **OPEN_TEMPLATE,
                "pathway_id": pid,
                "command_id": f"open-{pid}",
                "occurred_at": opened_at,
            }
            if await send(http, load, "/api/v1/pathways", body, time.monotonic() + 120):
                load.pathways.append(pid)
        else:
            pid = rng.choice(load.pathways)
            body = {"type": "add_note", "text": "chaos", "command_id": f"note-{uuid.uuid4().hex}"}
            await send(http, load, f"/api/v1/pathways/{pid}/commands", body, time.monotonic() + 120)
        await asyncio.sleep(rng.uniform(0.05, 0.3))


OPEN_TEMPLATE: dict[str, Any] = {}


async def main(args: argparse.Namespace) -> int:
    from infra.accounts.postgres import PostgresAccountStore
    from infra.db import open_pool
    from infra.embedded import EmbeddedPostgres, TemporalDevServer
    from infra.migrate import migrate
    from tests.scenarios import OPEN
    from tests.web.staff import add_staff, bearer

    OPEN_TEMPLATE.update(OPEN)
    TOKEN_HEADERS.update(bearer("anna"))
    root = Path(tempfile.mkdtemp(prefix="chaos", dir="/tmp"))
    postgres = EmbeddedPostgres(root / "pg")
    temporal = TemporalDevServer(
        root / "temporal.db",
        port=free_port(),
        ui_port=None,
        namespace="default",
        log_file=root / "temporal.log",
    )
    processes: list[Process] = []
    faults: Counter[str] = Counter()
    load = Load()
    try:
        database_url = await asyncio.to_thread(postgres.start)
        await migrate(database_url)
        pool = await open_pool(database_url, 1, 2)
        await add_staff(PostgresAccountStore(pool))
        await pool.close()
        address = await temporal.start()
        web_port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PATHWAYS_")}
        env |= {
            "PYTHONPATH": str(REPO),
            "PATHWAYS_DATABASE_URL": database_url,
            "PATHWAYS_TEMPORAL_ADDRESS": address,
            "PATHWAYS_TEMPORAL_TASK_QUEUE": "chaos",
            "PATHWAYS_DATA_DIR": str(root / "data"),
            "PATHWAYS_SESSION_SECRET": "chaos-" + "s" * 40,
            "PATHWAYS_WEB_PORT": str(web_port),
            "PATHWAYS_LOG_LEVEL": "WARNING",
        }
        worker = Process("worker", [str(BIN / "pathways"), "worker"], env, root / "worker.log")
        web = Process("web", [str(BIN / "pathways"), "web"], env, root / "web.log")
        processes += [worker, web]
        for p in processes:
            p.start()
        base_url = f"http://127.0.0.1:{web_port}"
        async with httpx.AsyncClient(base_url=base_url) as http:
            await wait_ready(http, 60)
            stop = asyncio.Event()

            async def supervise() -> None:
                while not stop.is_set():
                    for p in processes:
                        if not p.running():
                            p.start()
                    await asyncio.sleep(0.5)

            supervisor = asyncio.create_task(supervise())
            rng = random.Random(args.seed)
            clients = [
                asyncio.create_task(client_loop(http, load, stop, random.Random(rng.random())))
                for _ in range(args.clients)
            ]
            cycle = [
                "kill_worker",
                "kill_web",
                "restart_temporal",
                "kill_worker",
                "kill_web",
                "stop_postgres",
            ]
            gap = args.duration / args.faults
            started = time.monotonic()
            for n in range(args.faults):
                await asyncio.sleep(gap)
                fault = cycle[n % len(cycle)]
                print(f"[{time.monotonic() - started:6.1f}s] fault {n + 1}: {fault}", flush=True)
                if fault == "kill_worker":
                    worker.kill9()
                elif fault == "kill_web":
                    web.kill9()
                elif fault == "restart_temporal":
                    await temporal.stop()
                    await temporal.start()
                elif fault == "stop_postgres":
                    await asyncio.to_thread(postgres.stop)
                    await asyncio.sleep(args.pg_outage)
                    await asyncio.to_thread(postgres.start)
                faults[fault] += 1
            stop.set()
            await asyncio.gather(*clients)
            await wait_ready(http, 120)
            violations = await check(http, load, database_url, address, stop_supervisor=supervisor)
    finally:
        for p in processes:
            p.stop()
        await temporal.stop()
        await asyncio.to_thread(postgres.stop)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)

    print()
    print(f"commands sent:         {load.sent}")
    print(f"commands acknowledged: {len(load.acknowledged)}")
    print(f"retries (same id):     {load.retries}")
    print(f"given up:              {load.gave_up}")
    print(f"pathways opened:       {len(load.pathways)}")
    print(f"faults injected:       {sum(faults.values())} {dict(faults)}")
    print(f"process restarts:      { {p.name: p.starts - 1 for p in processes} }")
    for violation in violations:
        print(f"VIOLATION: {violation}")
    print(f"violations:            {len(violations)}")
    return 1 if violations else 0


async def wait_ready(http: httpx.AsyncClient, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if (await http.get("/readyz", timeout=5)).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.5)
    raise RuntimeError(f"the web app was not ready within {seconds} s")


async def check(
    http: httpx.AsyncClient,
    load: Load,
    database_url: str,
    address: str,
    stop_supervisor: asyncio.Task[None],
) -> list[str]:
    from temporalio.api.common.v1 import WorkflowExecution
    from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
    from temporalio.client import Client

    from domain.evolution import fold
    from domain.obligations import obligations
    from domain.read_models import read_models
    from domain.stream import stream_id_for
    from infra.db import open_pool
    from infra.eventstore.postgres import PostgresEventStore

    violations: list[str] = []
    # Liveness first: every pathway answers one more command (none is stuck).
    final = await asyncio.gather(
        *(
            send(
                http,
                load,
                f"/api/v1/pathways/{pid}/commands",
                {"type": "add_note", "text": "final", "command_id": f"final-{pid}"},
                time.monotonic() + 60,
            )
            for pid in load.pathways
        )
    )
    for pid, answer in zip(load.pathways, final, strict=True):
        if answer is None:
            violations.append(f"{pid}: did not answer a command after the faults")
    stop_supervisor.cancel()

    pool = await open_pool(database_url, 1, 2)
    store = PostgresEventStore(pool)
    try:
        by_command: dict[str, list[Any]] = {}
        for pid in load.pathways:
            records = await store.read_stream(stream_id_for(pid))
            versions = [r.version for r in records]
            if versions != list(range(1, len(records) + 1)):
                violations.append(f"{pid}: stream not gapless: {versions}")
            for r in records:
                by_command.setdefault(r.command_id, []).append(r)
            steps = Counter(
                (r.data["obligation_id"], r.data["step"])
                for r in records
                if r.type in ("DeadlineReminderSent", "DeadlineEscalated")
            )
            for key, count in steps.items():
                if count != 1:
                    violations.append(f"{pid}: ladder step {key} taken {count} times")
            state = fold(records)
            if "baseline" in {o.obligation_id for o in obligations(state)} and len(steps) < 2:
                violations.append(f"{pid}: overdue baseline, only {len(steps)} ladder steps")
            if records:
                expected = read_models(state, records).summary
                if await store.get_summary(pid) != expected:
                    violations.append(f"{pid}: caseload row differs from a rebuild")
        for command_id, (pid, events) in load.acknowledged.items():
            mine = by_command.get(command_id, [])
            if tuple(r.type for r in mine) != events:
                violations.append(
                    f"{command_id}: acknowledged {events}, stored {[r.type for r in mine]}"
                )
            elif mine and {r.stream_id for r in mine} != {stream_id_for(pid)}:
                violations.append(f"{command_id}: stored in another stream")
        async with pool.connection() as conn:
            cur = await conn.execute(
                "SELECT e.data->>'payment_id', count(l.*) FROM events e"
                " LEFT JOIN ledger l ON l.payment_id = e.data->>'payment_id'"
                " WHERE e.type = 'PaymentApproved' GROUP BY 1 HAVING count(l.*) = 0"
            )
            for payment_id, count in await cur.fetchall():
                violations.append(f"payment {payment_id}: {count} ledger rows")
    finally:
        await pool.close()

    client = await Client.connect(address)
    for pid in load.pathways:
        described = await client.workflow_service.describe_workflow_execution(
            DescribeWorkflowExecutionRequest(
                namespace="default", execution=WorkflowExecution(workflow_id=f"pathway-{pid}")
            )
        )
        if described.pending_workflow_task.attempt > 1:
            violations.append(
                f"{pid}: workflow task failing (attempt {described.pending_workflow_task.attempt})"
            )
    return violations


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=150.0, help="seconds of faults")
    parser.add_argument("--faults", type=int, default=24)
    parser.add_argument("--pg-outage", type=float, default=10.0, help="seconds PostgreSQL is down")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))
