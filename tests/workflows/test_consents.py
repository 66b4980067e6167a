"""Consent commands through the pathway workflow's update, on the time-skipping server."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from client.pathway import CommandRefused
from domain.calendar import project_day
from domain.consents.commands import Recipient, RecipientKind, SharingPurpose
from domain.consents.rules import may_share
from domain.stream import stream_id_for
from tests.scenarios import SUPERVISOR
from tests.workflows.conftest import Harness
from tests.workflows.journey import envelope, opening
from tests.workflows.test_pathway_workflow import new_id, update_events

CPIA = Recipient(kind=RecipientKind.PARTNER, id="cpia-lecce")


def notice(day: str) -> dict[str, Any]:
    return {
        "type": "record_privacy_notice",
        "given_on": day,
        "language": "it",
        "version": "2026-01",
    }


def consent(day: str) -> dict[str, Any]:
    return {
        "type": "give_consent",
        "recipients": [CPIA.model_dump(mode="json")],
        "purpose": "referral",
        "given_on": day,
    }


async def test_a_consent_is_given_after_the_notice_withdrawn_once_and_stops_sharing(
    harness: Harness,
) -> None:
    pid = new_id()
    today = project_day(await harness.env.get_current_time())
    day, tomorrow = today.isoformat(), (today + timedelta(days=1)).isoformat()
    async with harness.worker():
        await harness.pathways.open(opening(pid))
        refusals = []
        for command in (consent(day), notice(tomorrow)):
            refused_command = envelope(command)
            with pytest.raises(CommandRefused) as refused:
                await harness.pathways.send(pid, refused_command)
            refusals.append(refused.value.code)
            assert refused_command.command_id not in await update_events(harness, pid)
        assert refusals == ["privacy_notice_missing", "fact_in_future"]
        await harness.pathways.send(pid, envelope(notice(day)))
        given = envelope(consent(day), SUPERVISOR, command_id="consent-cmd")
        first = await harness.pathways.send(pid, given)
        assert await harness.pathways.send(pid, given) == first
        state = await harness.pathways.state(pid)
        assert may_share(state, CPIA, SharingPurpose.REFERRAL, today)
        withdraw = {"type": "withdraw_consent", "consent_id": "consent-1", "withdrawn_on": day}
        await harness.pathways.send(pid, envelope(withdraw))
        with pytest.raises(CommandRefused) as refused:
            await harness.pathways.send(pid, envelope(withdraw))
        assert refused.value.code == "consent_already_withdrawn"
        state = await harness.pathways.state(pid)
    assert not may_share(state, CPIA, SharingPurpose.REFERRAL, today)
    assert [r.type for r in await harness.store.read_stream(stream_id_for(pid))] == [
        "PathwayOpened",
        "PrivacyNoticeGiven",
        "ConsentGiven",
        "ConsentWithdrawn",
    ]
