"""Escalations withdrawn when a fact recorded later shows their obligation met on time."""

from __future__ import annotations

from datetime import timedelta

from domain.stream import stream_id_for
from domain.values import Role
from tests.scenarios import CONDITION, OPEN
from tests.workflows.conftest import Harness
from tests.workflows.journey import envelope
from tests.workflows.test_italian_time import new_id


async def test_an_escalation_for_a_baseline_later_recorded_as_done_on_time_shows_withdrawn(
    harness: Harness,
) -> None:
    pid = new_id()
    opened_at = await harness.env.get_current_time() - timedelta(days=20)
    done_at = opened_at + timedelta(days=3)
    async with harness.worker():
        await harness.pathways.open(
            envelope({**OPEN, "pathway_id": pid}).model_copy(update={"occurred_at": opened_at})
        )
        # Nobody records the baseline: past the catch-up window, the ladder escalates it.
        await harness.env.sleep(timedelta(days=6))
        baseline = envelope({"type": "record_baseline", "condition": CONDITION})
        await harness.pathways.send(pid, baseline.model_copy(update={"occurred_at": done_at}))

    records = await harness.store.read_stream(stream_id_for(pid))
    assert [r.type for r in records].count("DeadlineEscalated") == 2
    recorded = next(r for r in records if r.type == "BaselineRecorded")
    for user, role in [("sara", Role.SUPERVISOR), ("cora", Role.COORDINATOR)]:
        inbox = await harness.store.notifications.inbox(
            user_id=user, role=role, organisation_id="org-lecce"
        )
        (item,) = [i for i in inbox if i.notification.pathway_id == pid]
        assert item.notification.escalation
        assert item.withdrawn is not None, f"the {role} still reads the escalation as standing"
        assert item.withdrawn.met_by == "BaselineRecorded"
        assert item.withdrawn.met_at == done_at
        assert item.withdrawn.withdrawn_at == recorded.recorded_at
    # No sender ran: the escalations were still in the outbox, and are never e-mailed.
    pending = await harness.store.notifications.claim_notifications(
        await harness.env.get_current_time(), limit=100, lease=timedelta(minutes=1)
    )
    assert [e.notification.recipient_role for e in pending if e.notification.pathway_id == pid] == [
        Role.CASEWORKER
    ]
