"""/api/v1/inbox: each person reads the reminders and escalations addressed to them."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from domain.stream import stream_id_for
from tests.scenarios import CONDITION, OPEN
from tests.web.conftest import Api
from tests.web.staff import bearer


async def test_reminders_reach_the_caseworker_and_escalations_the_supervisor(api: Api) -> None:
    pid = "p-inbox-1"
    opened = await api.http.post(
        "/api/v1/pathways",
        json={**OPEN, "pathway_id": pid, "command_id": "c-inbox-1"},
        headers=bearer("anna"),
    )
    assert opened.status_code == 201, opened.text
    # The baseline is due 7 days after opening: reminder at 4 days, supervisor at 7.
    await api.harness.env.sleep(timedelta(days=7, hours=1))
    for _ in range(100):
        types = [r.type for r in await api.harness.store.read_stream(stream_id_for(pid))]
        if "DeadlineEscalated" in types:
            break
        await asyncio.sleep(0.1)

    async def inbox(person: str, **params: str) -> list[dict[str, object]]:
        reply = await api.http.get("/api/v1/inbox", params=params, headers=bearer(person))
        assert reply.status_code == 200, reply.text
        items: list[dict[str, object]] = reply.json()
        return items

    anna = await inbox("anna")
    sara = await inbox("sara")
    assert [i["notification"]["escalation"] for i in anna] == [False]  # type: ignore[index]
    assert [i["notification"]["escalation"] for i in sara] == [True]  # type: ignore[index]
    assert await inbox("luca") == [] and await inbox("paolo") == [] and await inbox("aldo") == []

    reminder = anna[0]["notification"]["notification_id"]  # type: ignore[index]
    stolen = await api.http.post(f"/api/v1/inbox/{reminder}/read", headers=bearer("luca"))
    assert stolen.status_code == 404 and stolen.json()["code"] == "not_found"
    assert len(await inbox("anna", unread_only="true")) == 1

    read = await api.http.post(f"/api/v1/inbox/{reminder}/read", headers=bearer("anna"))
    assert read.status_code == 200, read.text
    assert read.json()["read_at"] is not None
    assert await inbox("anna", unread_only="true") == []


async def test_an_escalation_for_a_baseline_later_recorded_as_done_on_time_reads_withdrawn(
    api: Api,
) -> None:
    pid = "p-inbox-withdrawn"
    opened_at = await api.harness.env.get_current_time() - timedelta(days=20)
    done_at = opened_at + timedelta(days=3)
    opened = await api.http.post(
        "/api/v1/pathways",
        json={
            **OPEN,
            "pathway_id": pid,
            "command_id": f"c-{pid}",
            "occurred_at": opened_at.isoformat(),
        },
        headers=bearer("anna"),
    )
    assert opened.status_code == 201, opened.text
    # Past the catch-up window of the baseline (due 13 days ago), the ladder escalates it.
    await api.harness.env.sleep(timedelta(days=6))
    for _ in range(100):
        types = [r.type for r in await api.harness.store.read_stream(stream_id_for(pid))]
        if "DeadlineEscalated" in types:
            break
        await asyncio.sleep(0.1)
    baseline = {
        "type": "record_baseline",
        "condition": CONDITION,
        "command_id": f"c-{pid}-baseline",
        "occurred_at": done_at.isoformat(),
    }
    recorded = await api.http.post(
        f"/api/v1/pathways/{pid}/commands", json=baseline, headers=bearer("anna")
    )
    assert recorded.status_code == 200, recorded.text

    reply = await api.http.get("/api/v1/inbox", headers=bearer("sara"))

    assert reply.status_code == 200, reply.text
    (item,) = [i for i in reply.json() if i["notification"]["pathway_id"] == pid]
    assert item["notification"]["escalation"] is True, "still shown: it was sent"
    withdrawn = item["withdrawn"]
    assert withdrawn["met_by"] == "BaselineRecorded"
    assert datetime.fromisoformat(withdrawn["met_at"]) == done_at
    assert datetime.fromisoformat(withdrawn["withdrawn_at"]) > done_at
    (reminder,) = [
        i
        for i in (await api.http.get("/api/v1/inbox", headers=bearer("anna"))).json()
        if i["notification"]["pathway_id"] == pid
    ]
    assert reminder["withdrawn"] is None
