"""What must hold after `make chaos`, however the faults fell; each violation is a line.

Pathways: every one answers one more command (none is stuck) and none has a failing
workflow task; every acknowledged command's events are stored exactly once, as answered;
streams are gapless; caseload rows equal a rebuild from the events; each ladder step is
taken once, and an overdue baseline has its steps.

Money: every final approval has exactly one ledger row (attempts 1..n, the requested
amount) and every row an approval; every exported payment is in exactly one batch, whose
file the bank holds, and batches count and sum their rows; every statement line settled
once — the ledger and the pathway's events say what the bank said, no payment paid twice,
none paid and returned where the bank did not say so; each budget line's commitment is
the sum of its live rows; the workflows know the outcomes the ledger knows.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from typing import Any

import httpx
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import Client

from client.pathway import PathwayClient
from domain.evolution import fold
from domain.obligations import obligations
from domain.payments.state import PaymentStatus
from domain.read_models import read_models
from domain.records import EventRecord
from domain.stream import stream_id_for
from infra.crypto.codec import encrypting_converter
from infra.crypto.keyring import Keyring
from infra.crypto.sealing import FieldSealer
from infra.db import Pool, open_pool
from infra.eventstore.postgres import PostgresEventStore
from tests.chaos.bank import Bank
from tests.chaos.load import Load, send
from tests.chaos.stack import TASK_QUEUE, Stack

LADDER_WAIT = 120.0
"""Seconds the ladder steps of an overdue baseline may still take after the load."""
LIVE = ("approved", "exported", "paid")
"""Ledger statuses whose amount stays committed on the budget line."""
AS_PATHWAY = {
    "approved": PaymentStatus.APPROVED,
    "exported": PaymentStatus.APPROVED,
    "paid": PaymentStatus.PAID,
    "returned": PaymentStatus.RETURNED,
}


async def check(http: httpx.AsyncClient, load: Load, bank: Bank, stack: Stack) -> list[str]:
    """Every violation of the invariants above, after the load and the bank have stopped."""
    violations = await liveness(http, load)
    pool = await open_pool(stack.database_url, 1, 2)
    keyring = Keyring(pool, stack.master)
    store = PostgresEventStore(pool, FieldSealer(keyring))
    client = await Client.connect(
        stack.address, namespace="default", data_converter=encrypting_converter(keyring)
    )
    try:
        streams = {pid: await store.read_stream(stream_id_for(pid)) for pid in load.pathways}
        violations += await pathway_streams(store, load, streams)
        violations += await ledger(pool, load, bank, streams)
        violations += await workflows_know(pool, PathwayClient(client, TASK_QUEUE), load)
        violations += await workflow_tasks(client, load)
    finally:
        await pool.close()
    return violations


async def liveness(http: httpx.AsyncClient, load: Load) -> list[str]:
    """Every pathway answers one more command after the faults."""
    final = await asyncio.gather(
        *(
            send(
                http,
                load,
                f"/api/v1/pathways/{pid}/commands",
                {"type": "add_note", "text": "final", "command_id": f"final-{pid}"},
                wait=60,
            )
            for pid in load.pathways
        )
    )
    return [
        f"{pid}: did not answer a command after the faults"
        for pid, answer in zip(load.pathways, final, strict=True)
        if answer is None
    ]


async def pathway_streams(
    store: PostgresEventStore, load: Load, streams: dict[str, list[EventRecord]]
) -> list[str]:
    violations: list[str] = []
    by_command: dict[str, list[EventRecord]] = defaultdict(list)
    for pid, records in streams.items():
        versions = [r.version for r in records]
        if versions != list(range(1, len(records) + 1)):
            violations.append(f"{pid}: stream not gapless: {versions}")
        for r in records:
            by_command[r.command_id].append(r)
        if records and (differ := await caseload_row_differs(store, pid, records)):
            violations.append(f"{pid}: caseload row differs from a rebuild in {differ}")
    for command_id, (pid, events) in load.acknowledged.items():
        mine = by_command.get(command_id, [])
        if tuple(r.type for r in mine) != events:
            violations.append(
                f"{command_id}: acknowledged {events}, stored {[r.type for r in mine]}"
            )
        elif mine and {r.stream_id for r in mine} != {stream_id_for(pid)}:
            violations.append(f"{command_id}: stored in another stream")
    return violations + await ladders(store, streams)


async def caseload_row_differs(
    store: PostgresEventStore, pid: str, records: list[EventRecord]
) -> list[str]:
    """The caseload row's fields that differ from a rebuild from the events, both read at
    one version (each field as stored / as rebuilt); none when the row is the rebuild.

    A ladder step may still be appended after the load stops (`ladders`): a row ahead of
    the events read is read again with them.
    """
    for _ in range(10):
        stored = await store.caseload.get_summary(pid)
        if stored is None:
            return ["the row: missing"]
        if stored.version == len(records):
            rebuilt = read_models(fold(records), records).summary
            return [
                f"{name}: {value!s} / {getattr(rebuilt, name)!s}"
                for name, value in stored
                if value != getattr(rebuilt, name)
            ]
        records = await store.read_stream(stream_id_for(pid))
    return ["version: the row never caught up with the events"]


async def ladders(store: PostgresEventStore, streams: dict[str, list[EventRecord]]) -> list[str]:
    """Each ladder step once; an overdue baseline's steps taken (they may still be on the
    way when the load stops: waited for, up to LADDER_WAIT)."""
    deadline = time.monotonic() + LADDER_WAIT
    pending = dict(streams)
    while True:
        violations: list[str] = []
        late: list[str] = []
        for pid, records in pending.items():
            steps = Counter(
                (r.data["obligation_id"], r.data["step"])
                for r in records
                if r.type in ("DeadlineReminderSent", "DeadlineEscalated")
            )
            violations += [
                f"{pid}: ladder step {key} taken {count} times"
                for key, count in steps.items()
                if count != 1
            ]
            overdue = "baseline" in {o.obligation_id for o in obligations(fold(records))}
            if overdue and len(steps) < 2:
                late.append(pid)
        if not late or time.monotonic() > deadline:
            return violations + [f"{pid}: overdue baseline, too few ladder steps" for pid in late]
        await asyncio.sleep(2)
        pending = {pid: await store.read_stream(stream_id_for(pid)) for pid in late}


async def _rows(pool: Pool, sql: str) -> list[dict[str, Any]]:
    async with pool.connection() as conn:
        cur = await conn.execute(sql)
        names = [c.name for c in cur.description or ()]
        return [dict(zip(names, row, strict=True)) for row in await cur.fetchall()]


async def _ledger_rows(pool: Pool) -> list[dict[str, Any]]:
    return await _rows(
        pool,
        "SELECT entry_id, end_to_end_id, payment_id, attempt, pathway_id, budget_line, amount,"
        " status, batch_id, paid_on, returned_on FROM ledger ORDER BY payment_id, attempt",
    )


async def ledger(
    pool: Pool, load: Load, bank: Bank, streams: dict[str, list[EventRecord]]
) -> list[str]:
    """The ledger against the approvals, the batches, the statements and the budget."""
    rows = await _ledger_rows(pool)
    approvals: Counter[str] = Counter()
    requested: dict[str, int] = {}
    told: Counter[tuple[str, int, str]] = Counter()
    for records in streams.values():
        for r in records:
            if r.type == "PaymentRequested":
                requested[r.data["payment_id"]] = r.data["amount"]
            elif r.type == "PaymentApproved" and r.data["final"]:
                approvals[r.data["payment_id"]] += 1
            elif r.type in ("PaymentPaid", "PaymentReturned"):
                told[(r.data["payment_id"], r.data["attempt"], r.type)] += 1

    violations: list[str] = []
    attempts: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        attempts[row["payment_id"]].append(row["attempt"])
        if row["amount"] != requested.get(row["payment_id"]):
            violations.append(f"{row['entry_id']}: {row['amount']} cents, requested otherwise")
    for payment_id in approvals.keys() | attempts.keys():
        if sorted(attempts[payment_id]) != list(range(1, approvals[payment_id] + 1)):
            violations.append(
                f"payment {payment_id}: {approvals[payment_id]} final approvals,"
                f" ledger attempts {sorted(attempts[payment_id])}"
            )

    batches = {b["batch_id"]: b for b in await _rows(pool, "SELECT * FROM payment_batches")}
    in_batch: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        e2e, said = row["end_to_end_id"], bank.said.get(row["end_to_end_id"], [])
        if row["batch_id"] is None:
            violations.append(f"{row['entry_id']}: {row['status']}, never exported")
            continue
        in_batch[row["batch_id"]].append(row)
        if bank.received[e2e] != 1:
            violations.append(f"{row['entry_id']}: in {bank.received[e2e]} files at the bank")
        status = said[-1] if said else "exported"
        if row["status"] != status or (row["paid_on"] is not None) != ("paid" in said):
            violations.append(
                f"{row['entry_id']}: ledger {row['status']} (paid on {row['paid_on']}),"
                f" the bank said {said}"
            )
        if (row["returned_on"] is not None) != ("returned" in said):
            violations.append(f"{row['entry_id']}: returned on {row['returned_on']}, bank {said}")
        for outcome, event in (("paid", "PaymentPaid"), ("returned", "PaymentReturned")):
            recorded = told[(row["payment_id"], row["attempt"], event)]
            if recorded != said.count(outcome):
                violations.append(
                    f"{row['entry_id']}: {recorded} {event} in its pathway, the bank said {said}"
                )
    known = {row["end_to_end_id"] for row in rows}
    violations += [f"{e2e}: at the bank, not in the ledger" for e2e in bank.received.keys() - known]
    for batch_id, batch in batches.items():
        mine = in_batch.get(batch_id, [])
        if (batch["entry_count"], batch["control_sum"]) != (
            len(mine),
            sum(r["amount"] for r in mine),
        ):
            violations.append(f"batch {batch_id}: counts {batch['entry_count']}, holds {len(mine)}")
        if batch_id not in bank.batches:
            violations.append(f"batch {batch_id}: its file never reached the bank")

    live: Counter[str] = Counter()
    for row in rows:
        if row["status"] in LIVE:
            live[row["budget_line"]] += row["amount"]
    for line in await _rows(pool, "SELECT line_id, committed FROM budget_lines"):
        if line["committed"] != live[line["line_id"]]:
            violations.append(
                f"budget line {line['line_id']}: {line['committed']} committed,"
                f" {live[line['line_id']]} in its live ledger rows"
            )
    return violations


async def workflows_know(pool: Pool, pathways: PathwayClient, load: Load) -> list[str]:
    """Each payment's state in its running workflow against its ledger rows."""
    by_payment: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in await _ledger_rows(pool):
        by_payment[row["payment_id"]].append(row)
    violations: list[str] = []
    for pid in sorted(set(load.payments.values())):
        state = await pathways.state(pid)
        for payment_id, payment in state.payments.items():
            rows = by_payment.get(payment_id, [])
            if not rows:
                if payment.status in AS_PATHWAY.values():
                    violations.append(f"{payment_id}: {payment.status} in its workflow, no row")
                continue
            last = rows[-1]
            expected = AS_PATHWAY[last["status"]]
            attempt = last["attempt"] + (last["status"] == "returned")
            if payment.status == PaymentStatus.REQUESTED and last["status"] == "returned":
                expected = PaymentStatus.REQUESTED  # corrected, not approved again yet
            outcomes = {(o.attempt, o.paid) for o in payment.outcomes}
            ledger_outcomes = {(r["attempt"], True) for r in rows if r["paid_on"]} | {
                (r["attempt"], False) for r in rows if r["returned_on"]
            }
            if (payment.status, payment.attempt, outcomes) != (expected, attempt, ledger_outcomes):
                violations.append(
                    f"{payment_id}: workflow {payment.status} attempt {payment.attempt}"
                    f" {sorted(outcomes)}; ledger {last['status']} attempt {last['attempt']}"
                    f" {sorted(ledger_outcomes)}"
                )
    return violations


async def workflow_tasks(client: Client, load: Load) -> list[str]:
    violations = []
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
