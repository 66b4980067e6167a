"""A cohort closed by a bulk operation: the dry run lists the pathways ready to close and the
ones the domain's rule refuses (with its code), changing nothing; applying closes each ready
pathway once and reports the refused one with its code.

On the dev server with the in-memory store (its caseload rows are what the dry run reads).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from client.bulk import BulkOperations
from domain.calendar import project_day
from domain.values import Stage
from tests.scenarios import CASEWORKER, SUPERVISOR
from tests.workflows.conftest import Harness
from tests.workflows.journey import compressed_opening, envelope, full_journey, opening
from tests.workflows.test_bulk_reassign import Accounts
from workers.worker import build_worker
from workflows.bulk_models import BulkStage, CloseCohort

PAYEE = {"name": "Mobili Rossi srl", "iban": "IT60X0542811101000000123456"}


def followed_up(today: date, *, payment_pending: bool = False) -> list[tuple[dict[str, Any], Any]]:
    """Every command of a pathway up to its follow-up (not its closure); with
    `payment_pending`, an economic support whose payment still waits for an approval."""
    steps = full_journey(today)[:-1]
    if not payment_pending:
        return steps
    plan = next(i for i, (c, _) in enumerate(steps) if c["type"] == "propose_plan")
    command = steps[plan][0]
    support = {"measure_id": "support", "kind": "economic_support", "target_date": str(today)}
    steps[plan] = ({**command, "measures": [*command["measures"], support]}, CASEWORKER)
    approved = next(i for i, (c, _) in enumerate(steps) if c["type"] == "approve_plan") + 1
    steps[approved:approved] = [
        (
            {
                "type": "start_measure",
                "measure_id": "support",
                "details": {
                    "kind": "economic_support",
                    "purpose": "Casa in affitto",
                    "start_on": str(today),
                },
            },
            CASEWORKER,
        ),
        (
            {
                "type": "request_payment",
                "measure_id": "support",
                "kind": "furniture",
                "amount": 80_000,
                "period": str(today),
                "payee": PAYEE,
                "evidence_ref": "Preventivo n. 42",
            },
            CASEWORKER,
        ),
    ]
    return steps


async def stages(h: Harness, pathway_ids: list[str]) -> list[Stage | None]:
    found = [await h.store.caseload.get_summary(p) for p in pathway_ids]
    return [s.stage if s is not None else None for s in found]


async def test_a_dry_run_lists_the_refusals_then_applying_closes_each_ready_pathway_once(
    dev_harness: Harness,
) -> None:
    h = dev_harness
    today = project_day(datetime.now(UTC))
    ready = [f"cohort-{h.task_queue}-{i}" for i in range(2)]
    pending = f"cohort-{h.task_queue}-pending"
    active = f"cohort-{h.task_queue}-active"
    bulk = BulkOperations(h.env.client, h.task_queue)
    async with build_worker(h.env.client, h.store, h.task_queue, accounts=Accounts()):
        for pathway_id in ready:
            await h.pathways.open(compressed_opening(pathway_id))
            for command, actor in followed_up(today):
                await h.pathways.send(pathway_id, envelope(command, actor))
        await h.pathways.open(compressed_opening(pending))
        for command, actor in followed_up(today, payment_pending=True):
            await h.pathways.send(pending, envelope(command, actor))
        await h.pathways.open(opening(active))  # not followed up: not in the cohort
        cohort = [*ready, pending]

        before_the_cohort = CloseCohort(organisation_id="org-lecce", opened_to=today - timedelta(1))
        empty = await bulk.wait(await bulk.dry_run(before_the_cohort, SUPERVISOR), 60)
        assert empty is not None and empty.stage == BulkStage.DONE and empty.pathway_ids == ()

        operation = CloseCohort(organisation_id="org-lecce", opened_from=today, reason=None)
        dry_id = await bulk.dry_run(operation, SUPERVISOR)
        planned = await bulk.wait(dry_id, 60)
        assert planned is not None and planned.stage == BulkStage.DONE and planned.dry_run
        assert planned.pathway_ids == tuple(sorted(cohort))
        assert {r.pathway_id: (r.outcome, r.code) for r in planned.results} == {
            ready[0]: ("would_change", None),
            ready[1]: ("would_change", None),
            pending: ("would_refuse", "payments_pending"),
        }
        assert await stages(h, [*cohort, active]) == [Stage.FOLLOW_UP] * 3 + [Stage.RECEPTION]

        started = await bulk.apply(dry_id, SUPERVISOR)
        done = await bulk.wait(started.operation_id, 60)
        assert done is not None and done.stage == BulkStage.DONE and not done.dry_run
        assert {r.pathway_id: (r.outcome, r.code) for r in done.results} == {
            ready[0]: ("done", None),
            ready[1]: ("done", None),
            pending: ("refused", "payments_pending"),
        }
        assert await stages(h, [*cohort, active]) == [
            Stage.CLOSED,
            Stage.CLOSED,
            Stage.FOLLOW_UP,
            Stage.RECEPTION,
        ]

        again = await bulk.apply(dry_id, SUPERVISOR)
        assert (again.operation_id, again.earlier) == (started.operation_id, True)
        assert await bulk.progress(started.operation_id) == done
        for pathway_id in ready:
            records = await h.store.read_stream(f"pathway-{pathway_id}")
            assert [r.type for r in records].count("PathwayClosed") == 1
