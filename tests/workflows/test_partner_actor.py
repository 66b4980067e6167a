"""A partner contact's command takes the same client path as everyone's, on the time-skipping
server: through the workflow's validator and the decider, refused with its code and nothing
recorded (the link of a contact to a measure comes with partner accounts)."""

from __future__ import annotations

import pytest

from client.pathway import CommandRefused
from domain.values import Actor, Role
from tests.workflows.conftest import Harness
from tests.workflows.journey import envelope, opening
from tests.workflows.test_pathway_workflow import new_id, update_events

TUTOR = Actor(id="acc-rizzo", role=Role.PARTNER, partner_id="sartoria", contact_id="rizzo")


async def test_a_partner_actor_is_refused_through_the_workflow_and_records_nothing(
    harness: Harness,
) -> None:
    pid = new_id()
    async with harness.worker():
        await harness.pathways.open(opening(pid))
        refusals = []
        for command in (
            {"type": "add_note", "text": "Hello from the workshop"},
            {
                "type": "record_measure_progress",
                "measure_id": "wg",
                "progress": {"kind": "membership_joined", "on": "2026-01-02"},
            },
        ):
            refused_command = envelope(command, TUTOR)
            with pytest.raises(CommandRefused) as refused:
                await harness.pathways.send(pid, refused_command)
            refusals.append(refused.value.code)
            assert refused_command.command_id not in await update_events(harness, pid)
        assert refusals == ["partner_record_forbidden", "plan_not_approved"]
