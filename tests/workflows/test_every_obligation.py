"""Every default obligation climbs its whole ladder at the right instants (months skipped)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from domain.calendar import project_day
from domain.evolution import fold
from domain.obligations import owed
from domain.stream import stream_id_for
from domain.values import Actor
from tests.scenarios import ASSESSMENT, CONDITION, OPEN, SUPERVISOR
from tests.workflows.conftest import Harness
from tests.workflows.journey import envelope


def setups(today: date) -> dict[str, list[tuple[dict[str, Any], Actor | None]]]:
    d = lambda days: (today + timedelta(days=days)).isoformat()  # noqa: E731
    month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    plan = {
        "type": "propose_plan",
        "measures": [
            {"measure_id": "wg", "kind": "work_grant", "target_date": d(200)},
            {"measure_id": "home", "kind": "housing_placement", "target_date": d(150)},
            {"measure_id": "licence", "kind": "mobility", "target_date": d(100)},
        ],
    }
    grant = {
        "kind": "work_grant",
        "host_company": "Oleificio",
        "tutor": "R. Greco",
        "start_on": month.isoformat(),
        "end_on": (month + timedelta(days=95)).isoformat(),
        "hours_per_week": 20,
        "monthly_allowance": 40000,
    }
    return {
        "reception": [],
        "assessment": [({"type": "record_baseline", "condition": CONDITION}, None)],
        "planning": [
            ({"type": "record_baseline", "condition": CONDITION}, None),
            (ASSESSMENT, None),
        ],
        "plan_approval": [
            ({"type": "record_baseline", "condition": CONDITION}, None),
            (ASSESSMENT, None),
            (plan, None),
        ],
        "active": [
            ({"type": "record_baseline", "condition": CONDITION}, None),
            (ASSESSMENT, None),
            (plan, None),
            ({"type": "approve_plan"}, SUPERVISOR),
            ({"type": "start_measure", "measure_id": "wg", "details": grant}, None),
            (
                {
                    "type": "start_measure",
                    "measure_id": "home",
                    "details": {
                        "kind": "housing_placement",
                        "solution": "family_hosting",
                        "start_on": d(0),
                    },
                },
                None,
            ),
            (
                {
                    "type": "record_measure_progress",
                    "measure_id": "home",
                    "progress": {"kind": "moved_in", "on": d(0), "at": "10:00"},
                },
                None,
            ),
            (
                {
                    "type": "start_measure",
                    "measure_id": "licence",
                    "details": {
                        "kind": "mobility",
                        "route": "licence_conversion",
                        "start_on": d(0),
                    },
                },
                None,
            ),
        ],
        "exit": [({"type": "record_exit", "reason": "dropped_out", "outcomes": CONDITION}, None)],
        "referral": [
            (
                {
                    "type": "record_privacy_notice",
                    "given_on": d(0),
                    "language": "it",
                    "version": "1",
                },
                None,
            ),
            (
                {
                    "type": "give_consent",
                    "recipients": [{"kind": "organisation", "id": "org-nardo"}],
                    "purpose": "referral",
                    "given_on": d(0),
                },
                None,
            ),
            (
                {"type": "refer_pathway", "to_organisation": "org-nardo", "service": "Italian A2"},
                None,
            ),
        ],
    }


EXPECTED_KINDS = {
    "reception": {"baseline", "permit_renewal"},
    "assessment": {"skills_assessment", "permit_renewal"},
    "planning": {"plan_proposal", "permit_renewal"},
    "plan_approval": {"plan_approval", "permit_renewal"},
    "active": {
        "measure_target",
        "work_grant_attendance",
        "hosting_communication",
        "licence_conversion",
        "pathway_end",
        "permit_renewal",
    },
    "exit": {"follow_up"},
    "referral": {"baseline", "referral_answer", "permit_renewal"},
}


@pytest.mark.parametrize("setup", list(EXPECTED_KINDS))
async def test_every_obligation_reminds_and_escalates_on_time(harness: Harness, setup: str) -> None:
    pid = f"p-{uuid.uuid4().hex[:12]}"
    today = project_day(await harness.env.get_current_time())
    permit = (today + timedelta(days=240)).isoformat()
    # Resident for a month: the licence conversion falls due within the year.
    resident = (today - timedelta(days=30)).isoformat()
    async with harness.worker():
        opened = envelope(
            {**OPEN, "pathway_id": pid, "permit_expires_on": permit, "resident_since": resident}
        )
        await harness.pathways.open(opened)
        for command, actor in setups(today)[setup]:
            await harness.pathways.send(pid, envelope(command, *([actor] if actor else [])))
        snapshot = owed(fold(await harness.store.read_stream(stream_id_for(pid))))
        assert {o.obligation.kind for o in snapshot} == EXPECTED_KINDS[setup]
        last = max(o.obligation.due_at for o in snapshot)
        await harness.env.sleep(last + timedelta(days=8) - await harness.env.get_current_time())
        records = await harness.store.read_stream(stream_id_for(pid))
    taken: dict[tuple[str, str], datetime] = {
        (r.data["obligation_id"], r.data["step"]): r.recorded_at
        for r in records
        if r.type in {"DeadlineReminderSent", "DeadlineEscalated"}
    }
    for item in snapshot:
        o = item.obligation
        for step, offset in (
            ("reminder", timedelta(days=-3)),
            ("supervisor", timedelta()),
            ("coordinator", timedelta(days=7)),
        ):
            at = o.due_at + offset
            if step == "reminder" and at < item.anchor:
                assert (o.obligation_id, step) not in taken
                continue
            assert (o.obligation_id, step) in taken, f"{o.obligation_id} {step} missing"
            recorded = taken[(o.obligation_id, step)]
            assert at <= recorded < at + timedelta(seconds=10), (
                o.obligation_id,
                step,
                at,
                recorded,
            )
