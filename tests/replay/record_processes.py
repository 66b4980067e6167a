"""Record the histories of the durable processes that `test_process_replay.py` replays.

    .venv/bin/python -m tests.replay.record_processes

Runs a statement import (two batches of outcomes, one line unmatched), a bulk
reassignment (a dry run, then its application with a row refused), a cohort's closure (a
dry run that asks the domain's rule of each row, one would be refused, then its
application), a policy's roll-out (its rows chosen and applied in one run, a row
unchanged) and a group activity (twelve attendees told in two batches, one refused) on the
time-skipping server, with
stand-in steps of the same names and shapes, and saves each workflow's history as
`processes/<workflow>.json`. Commit the files when a process's shape is released: from then
on every change to its workflow must replay them (or be patched); restore the files already
committed (`git checkout`) rather than re-recording them.
"""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from temporalio import activity
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.group_activities.attendance import AttendanceRequest
from activities.pathways.bulk import ApplyRequest, PreviewRequest, SelectRequest
from activities.payments.payment_outcomes import PaymentOutcome
from activities.payments.statement_import import SettledLine, SettleRequest, TellRequest
from domain.group_activities.activity import GroupActivity, GroupActivityKind
from domain.payments.statements import BankOutcome, StatementLine
from domain.policy import DEFAULT_POLICY
from domain.values import Actor, Role
from infra.payments.book import Settlement
from workflows.bulk import BulkOperationWorkflow
from workflows.bulk_models import (
    BulkInput,
    CloseCohort,
    ReassignCaseload,
    RollOutPolicy,
    RowResult,
    apply_id_for,
    policy_digest,
    roll_out_id_for,
)
from workflows.group_activity import GroupActivityWorkflow
from workflows.group_activity_models import GroupActivityInput, workflow_id_for
from workflows.statement_import import TELL_BATCH, StatementImportWorkflow
from workflows.statement_import_models import SendReport, StatementImportInput

PROCESSES = Path(__file__).parent / "processes"
LINES = TELL_BATCH + 2
"""Two batches of outcomes to tell, and one line unmatched."""
ROLL_OUT_ID = roll_out_id_for(policy_digest(DEFAULT_POLICY))
GROUP_ID = workflow_id_for("ev-recorded")


@activity.defn(name="settle_statement")
async def settle_statement(request: SettleRequest) -> list[SettledLine]:
    settled = []
    for line in request.lines:
        if line.line == 2:
            settled.append(SettledLine(line=line, settlement=Settlement.UNMATCHED, note="unknown"))
            continue
        outcome = PaymentOutcome(
            pathway_id=f"p-{line.line}",
            payment_id=f"pay-{line.line}",
            attempt=1,
            outcome="paid",
            on=line.booked_on,
            bank_reference=line.bank_reference,
        )
        settled.append(SettledLine(line=line, settlement=Settlement.PAID, outcome=outcome))
    return settled


@activity.defn(name="tell_pathways")
async def tell_pathways(request: TellRequest) -> SendReport:
    return SendReport(sent=len(request.outcomes))


@activity.defn(name="select_bulk_rows")
async def select_rows(request: SelectRequest) -> list[str]:
    return ["p-1", "p-2", "p-3"]


@activity.defn(name="preview_bulk_rows")
async def preview_rows(request: PreviewRequest) -> list[RowResult]:
    return [
        RowResult(pathway_id=p, outcome="would_change")
        if p != "p-2"
        else RowResult(pathway_id=p, outcome="would_refuse", code="payments_pending", message="x")
        for p in request.pathway_ids
    ]


@activity.defn(name="apply_bulk_rows")
async def apply_rows(request: ApplyRequest) -> list[RowResult]:
    if isinstance(request.operation, RollOutPolicy):
        return [
            RowResult(pathway_id=p, outcome="unchanged" if p == "p-2" else "done")
            for p in request.pathway_ids
        ]
    return [
        RowResult(pathway_id=p, outcome="done")
        if p != "p-2"
        else RowResult(pathway_id=p, outcome="refused", code="invalid_command", message="x")
        for p in request.pathway_ids
    ]


@activity.defn(name="record_group_attendance")
async def record_attendance(request: AttendanceRequest) -> list[RowResult]:
    return [
        RowResult(pathway_id=p, outcome="done")
        if p != "p-2"
        else RowResult(pathway_id=p, outcome="refused", code="pathway_suspended", message="x")
        for p in request.pathway_ids
    ]


async def record() -> list[Path]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(Path(sys.executable).parent / "temporal-test-server"),
        data_converter=pydantic_data_converter,
    )
    queue = f"processes-{uuid.uuid4().hex[:8]}"
    saved = []
    try:
        async with Worker(
            env.client,
            task_queue=queue,
            workflows=[StatementImportWorkflow, BulkOperationWorkflow, GroupActivityWorkflow],
            activities=[
                settle_statement,
                tell_pathways,
                select_rows,
                preview_rows,
                apply_rows,
                record_attendance,
            ],
        ):
            lines = tuple(
                StatementLine(
                    line=i,
                    booked_on=date(2026, 3, 20),
                    end_to_end_id=f"{i:032x}/1",
                    amount=100_00,
                    outcome=BankOutcome.PAID,
                    bank_reference=f"BNK-{i}",
                )
                for i in range(2, LINES + 3)
            )
            statement = await env.client.execute_workflow(
                StatementImportWorkflow.run,
                StatementImportInput(
                    file_name="march.csv",
                    lines=lines,
                    received_at=datetime(2026, 3, 21, tzinfo=UTC),
                ),
                id="statement-recorded",
                task_queue=queue,
            )
            operation = ReassignCaseload(
                organisation_id="org-lecce", from_caseworker_id="anna", to_caseworker_id="luca"
            )
            sara = Actor(id="sara", role=Role.SUPERVISOR)
            dry = await env.client.execute_workflow(
                BulkOperationWorkflow.run,
                BulkInput(operation=operation, actor=sara),
                id="bulk-recorded",
                task_queue=queue,
            )
            await env.client.execute_workflow(
                BulkOperationWorkflow.run,
                BulkInput(operation=operation, actor=sara, pathway_ids=dry.pathway_ids),
                id=apply_id_for("bulk-recorded"),
                task_queue=queue,
            )
            cohort = CloseCohort(organisation_id="org-lecce")
            previewed = await env.client.execute_workflow(
                BulkOperationWorkflow.run,
                BulkInput(operation=cohort, actor=sara),
                id="cohort-recorded",
                task_queue=queue,
            )
            assert [r.outcome for r in previewed.results].count("would_refuse") == 1
            await env.client.execute_workflow(
                BulkOperationWorkflow.run,
                BulkInput(operation=cohort, actor=sara, pathway_ids=previewed.pathway_ids),
                id=apply_id_for("cohort-recorded"),
                task_queue=queue,
            )
            rolled_out = await env.client.execute_workflow(
                BulkOperationWorkflow.run,
                BulkInput(
                    operation=RollOutPolicy(policy=DEFAULT_POLICY),
                    actor=Actor(id="root", role=Role.ADMIN),
                    roll_out=True,
                ),
                id=ROLL_OUT_ID,
                task_queue=queue,
            )
            grouped = await env.client.execute_workflow(
                GroupActivityWorkflow.run,
                GroupActivityInput(
                    activity=GroupActivity(
                        activity_id="ev-recorded",
                        kind=GroupActivityKind.SOCIAL_COHESION_EVENT,
                        title="Cena multiculturale",
                        held_on=date(2026, 3, 20),
                        place="Lecce",
                        organisation_id="org-lecce",
                        attendees=tuple(f"p-{i}" for i in range(1, 13)),
                    ),
                    actor=Actor(id="cora", role=Role.COORDINATOR),
                ),
                id=GROUP_ID,
                task_queue=queue,
            )
            assert grouped.count("refused") == 1
            assert statement.told.sent == LINES
            assert rolled_out.count("unchanged") == 1
        PROCESSES.mkdir(exist_ok=True)
        for name, ids in (
            ("statement_import", ["statement-recorded"]),
            ("bulk_reassign", ["bulk-recorded", apply_id_for("bulk-recorded")]),
            ("bulk_close_cohort", ["cohort-recorded", apply_id_for("cohort-recorded")]),
            ("policy_rollout", [ROLL_OUT_ID]),
            ("group_activity", [GROUP_ID]),
        ):
            runs = [await env.client.get_workflow_handle(i).fetch_history() for i in ids]
            path = PROCESSES / f"{name}.json"
            path.write_text(
                json.dumps(
                    [{"workflow_id": r.workflow_id, "history": r.to_json_dict()} for r in runs],
                    indent=1,
                )
                + "\n"
            )
            saved.append(path)
    finally:
        await env.shutdown()
    return saved


if __name__ == "__main__":
    for path in asyncio.run(record()):
        print(path)
