"""A leaving caseworker's caseload, reassigned by a bulk operation: a dry run first, then
the rows it listed, each done or refused with its code; applying twice changes nothing more.

On the dev server with the in-memory store (its caseload rows are what the dry run reads).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from activities.pathways.bulk import ApplyRequest, BulkActivities, row_command_id
from client.bulk import BulkOperations, BulkRefused
from domain.values import Actor, Role
from infra.accounts.model import Account
from tests.scenarios import SUPERVISOR
from tests.workflows.conftest import Harness
from tests.workflows.journey import envelope, opening
from workers.worker import build_worker
from workflows.bulk_models import BulkStage, ReassignCaseload

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def account(account_id: str, role: Role, organisation: str, *, active: bool = True) -> Account:
    return Account(
        id=account_id,
        display_name=account_id.title(),
        role=role,
        organisation_id=organisation,
        active=active,
        created_at=NOW,
    )


@dataclass
class Accounts:
    known: dict[str, Account] = field(
        default_factory=lambda: {
            a.id: a
            for a in (
                account("anna", Role.CASEWORKER, "org-lecce", active=False),  # has left
                account("bruno", Role.CASEWORKER, "org-lecce"),
                account("carla", Role.CASEWORKER, "org-nardo"),
                account("sara", Role.SUPERVISOR, "org-lecce"),
            )
        }
    )

    async def get_account(self, account_id: str) -> Account | None:
        return self.known.get(account_id)


def leaving(to: str = "bruno") -> ReassignCaseload:
    return ReassignCaseload(
        organisation_id="org-lecce",
        from_caseworker_id="anna",
        to_caseworker_id=to,
        reason="Anna leaves the project",
    )


async def caseworkers(h: Harness, pathway_ids: list[str]) -> list[str]:
    found = [await h.store.caseload.get_summary(p) for p in pathway_ids]
    return [s.caseworker_id if s is not None else "?" for s in found]


async def test_a_dry_run_lists_then_applying_reassigns_each_row_once(dev_harness: Harness) -> None:
    h = dev_harness
    accounts = Accounts()
    annas = [f"bulk-{h.task_queue}-{i}" for i in range(3)]
    bulk = BulkOperations(h.env.client, h.task_queue)
    async with build_worker(h.env.client, h.store, h.task_queue, accounts=accounts):
        for pathway_id in annas:
            await h.pathways.open(opening(pathway_id))
        dry_id = await bulk.dry_run(leaving(), SUPERVISOR)
        planned = await bulk.wait(dry_id, 60)
        assert planned is not None and planned.stage == BulkStage.DONE and planned.dry_run
        assert planned.pathway_ids == tuple(sorted(annas))
        assert [r.outcome for r in planned.results] == ["would_change"] * 3
        assert await caseworkers(h, annas) == ["anna"] * 3  # the dry run changed nothing

        # One pathway handed over by hand between the dry run and its application.
        await h.pathways.send(
            annas[0],
            envelope({"type": "reassign_caseworker", "caseworker_id": "bruno"}, SUPERVISOR),
        )
        started = await bulk.apply(dry_id, SUPERVISOR)
        done = await bulk.wait(started.operation_id, 60)
        assert done is not None and done.stage == BulkStage.DONE and not done.dry_run
        by_row = {r.pathway_id: (r.outcome, r.code) for r in done.results}
        assert by_row == {
            annas[0]: ("refused", "invalid_command"),
            annas[1]: ("done", None),
            annas[2]: ("done", None),
        }
        assert await caseworkers(h, annas) == ["bruno"] * 3

        # Applying the same dry run again starts nothing: the first result answers.
        again = await bulk.apply(dry_id, SUPERVISOR)
        assert (again.operation_id, again.earlier) == (started.operation_id, True)
        assert await bulk.progress(started.operation_id) == done
        with_bruno = await h.store.read_stream(f"pathway-{annas[1]}")
        assert [r.type for r in with_bruno].count("CaseworkerReassigned") == 1


async def test_a_row_sent_again_after_a_crash_is_answered_and_changes_nothing(
    dev_harness: Harness,
) -> None:
    """A batch retried (its worker killed after some rows) sends each row's command id again."""
    h = dev_harness
    accounts = Accounts()
    pathway_id = f"bulk-{h.task_queue}-again"
    steps = BulkActivities(h.store, h.store.caseload, accounts, h.pathways)
    request = ApplyRequest(
        operation_id="bulk-test", operation=leaving(), actor=SUPERVISOR, pathway_ids=(pathway_id,)
    )
    async with h.worker():
        await h.pathways.open(opening(pathway_id))
        first = await steps.apply_rows(request)
        retried = await steps.apply_rows(request)
    assert [r.outcome for r in first] == [r.outcome for r in retried] == ["done"]
    records = await h.store.read_stream(f"pathway-{pathway_id}")
    assert [r.command_id for r in records if r.type == "CaseworkerReassigned"] == [
        row_command_id("bulk-test", pathway_id)
    ]


async def test_a_caseworker_of_another_organisation_refuses_the_whole_operation(
    dev_harness: Harness,
) -> None:
    h = dev_harness
    bulk = BulkOperations(h.env.client, h.task_queue)
    async with build_worker(h.env.client, h.store, h.task_queue, accounts=Accounts()):
        await h.pathways.open(opening(f"bulk-{h.task_queue}-x"))
        refused = await bulk.wait(await bulk.dry_run(leaving(to="carla"), SUPERVISOR), 60)
        assert refused is not None and refused.stage == BulkStage.REFUSED
        assert refused.refusal_code == "caseworker_not_eligible" and refused.pathway_ids == ()
        unknown = await bulk.wait(
            await bulk.dry_run(
                leaving().model_copy(update={"from_caseworker_id": "sara"}), SUPERVISOR
            ),
            60,
        )
        assert unknown is not None and unknown.refusal_code == "caseworker_not_eligible"
        try:
            await bulk.apply(refused.operation_id, Actor(id="sara", role=Role.SUPERVISOR))
        except BulkRefused as err:
            assert err.code == "not_a_dry_run"
        else:
            raise AssertionError("a refused dry run was applied")
