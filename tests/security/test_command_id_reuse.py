"""A command id names one command: reused for another body, or by another sender, it is 409.

The same id with the same body is a retry (answered with the first answer, applied once),
also when the retry leaves `occurred_at` out as the first did. The same id with another
body, from another person, or on another pathway is refused with 409
`command_id_conflict`, and nothing more is recorded — where the pathway runs (Temporal
answers the id from its update, the workflow from its replies after continue-as-new) and
where it is closed (the event store answers).
"""

from __future__ import annotations

import uuid
from datetime import UTC, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from domain.calendar import project_day
from domain.stream import stream_id_for
from tests.scenarios import CONDITION, OPEN
from tests.web.conftest import Api, api, harness
from tests.web.staff import bearer
from tests.web.test_pages import sign_in
from tests.workflows.journey import full_journey

__all__ = ["api", "harness"]

ANNA, SARA = bearer("anna"), bearer("sara")
ROME = ZoneInfo("Europe/Rome")


def cid() -> str:
    return f"c-{uuid.uuid4().hex[:12]}"


async def opened(api: Api) -> str:
    pid = f"p-{uuid.uuid4().hex[:12]}"
    reply = await api.http.post(
        "/api/v1/pathways", json={**OPEN, "pathway_id": pid, "command_id": cid()}, headers=ANNA
    )
    assert reply.status_code == 201, reply.text
    return pid


async def post(api: Api, pid: str, body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
    return await api.http.post(f"/api/v1/pathways/{pid}/commands", json=body, headers=headers)


async def recorded(api: Api, pid: str) -> list[tuple[str, str]]:
    records = await api.harness.store.read_stream(stream_id_for(pid))
    return [(r.command_id, r.type) for r in records]


def conflict(reply: httpx.Response) -> None:
    assert reply.status_code == 409, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["code"] == "command_id_conflict"
    assert reply.json()["field"] == "command_id"


async def test_the_same_body_again_is_a_retry(api: Api) -> None:
    pid = await opened(api)
    note = {"type": "add_note", "text": "called the landlord", "command_id": cid()}
    first = await post(api, pid, note, ANNA)
    await api.harness.env.sleep(timedelta(minutes=5))  # a retry without occurred_at, later
    again = await post(api, pid, dict(reversed(note.items())), ANNA)
    assert first.status_code == again.status_code == 200, again.text
    assert first.json() == again.json()
    assert (await recorded(api, pid)).count((note["command_id"], "NoteAdded")) == 1


async def test_another_body_under_the_same_id_is_refused(api: Api) -> None:
    pid = await opened(api)
    note = {"type": "add_note", "text": "called the landlord", "command_id": cid()}
    assert (await post(api, pid, note, ANNA)).status_code == 200
    before = await recorded(api, pid)
    conflict(await post(api, pid, {**note, "text": "the landlord agreed"}, ANNA))
    conflict(await post(api, pid, {"type": "approve_plan", "command_id": note["command_id"]}, ANNA))
    dated = {**note, "occurred_at": "2020-01-01T09:00:00+01:00"}
    conflict(await post(api, pid, dated, ANNA))  # when it happened is part of what was sent
    assert await recorded(api, pid) == before


async def test_another_person_reusing_my_id_is_refused(api: Api) -> None:
    pid = await opened(api)
    note = {"type": "add_note", "text": "called the landlord", "command_id": cid()}
    assert (await post(api, pid, note, ANNA)).status_code == 200
    before = await recorded(api, pid)
    conflict(await post(api, pid, note, SARA))  # her supervisor, the very same body
    assert await recorded(api, pid) == before


async def test_a_date_given_twice_is_a_retry(api: Api) -> None:
    pid = await opened(api)
    note = {"type": "add_note", "text": "met", "command_id": cid()}
    now = await api.harness.env.get_current_time()
    dated = {**note, "occurred_at": now.astimezone(ROME).isoformat()}
    same_instant = {**note, "occurred_at": now.astimezone(UTC).isoformat()}
    first, again = await post(api, pid, dated, ANNA), await post(api, pid, same_instant, ANNA)
    assert first.status_code == again.status_code == 200, again.text
    assert again.json() == first.json()
    conflict(await post(api, pid, note, ANNA))  # now without the date: another command


async def test_an_opening_under_a_used_id_with_another_body_is_refused(api: Api) -> None:
    command_id = cid()
    opening = {k: v for k, v in OPEN.items() if k != "pathway_id"}
    first = await api.http.post(
        "/api/v1/pathways", json={**opening, "command_id": command_id}, headers=ANNA
    )
    assert first.status_code == 201, first.text
    pid = first.json()["pathway_id"]
    other = {**opening, "resident_since": "2019-01-01", "command_id": command_id}
    conflict(await api.http.post("/api/v1/pathways", json=other, headers=ANNA))
    assert await recorded(api, pid) == [(command_id, "PathwayOpened")]


async def test_an_id_used_on_another_pathway_is_refused(api: Api) -> None:
    mine, other = await opened(api), await opened(api)
    note = {"type": "add_note", "text": "called the landlord", "command_id": cid()}
    assert (await post(api, mine, note, ANNA)).status_code == 200
    before = await recorded(api, other)
    conflict(await post(api, other, note, ANNA))
    conflict(await post(api, other, note, ANNA))  # and again: the same refusal
    assert await recorded(api, other) == before


async def test_a_reused_id_is_refused_after_the_run_continued_as_new(api: Api) -> None:
    pid = await opened(api)
    note = {"type": "add_note", "text": "first meeting", "command_id": cid()}
    assert (await post(api, pid, note, ANNA)).status_code == 200
    baseline = {"type": "record_baseline", "condition": CONDITION, "command_id": cid()}
    moved = await post(api, pid, baseline, ANNA)  # a stage boundary: a new run
    assert moved.status_code == 200, moved.text
    before = await recorded(api, pid)
    conflict(await post(api, pid, {**note, "text": "second meeting"}, ANNA))
    again = await post(api, pid, note, ANNA)
    assert again.status_code == 200 and again.json()["version"] == 2
    assert await recorded(api, pid) == before


async def test_a_closed_pathway_refuses_a_reused_closing_id(api: Api) -> None:
    pid = await opened(api)
    today = project_day(await api.harness.env.get_current_time())
    for command, actor in full_journey(today):
        if command["type"] == "record_follow_up":  # five months on: its window opens
            await api.harness.env.sleep(timedelta(days=160))
        closing = {"command_id": cid(), **command}
        reply = await post(api, pid, closing, bearer(actor.id))
        assert reply.status_code == 200, reply.text
    assert reply.json()["stage"] == "closed"
    before = await recorded(api, pid)
    retry = await post(api, pid, closing, SARA)
    assert retry.status_code == 200 and retry.json() == reply.json()
    conflict(await post(api, pid, {**closing, "reason": "another reason"}, SARA))
    conflict(await post(api, pid, closing, ANNA))  # her caseload, the supervisor's id
    assert await recorded(api, pid) == before


async def test_a_page_form_sent_again_with_other_text_is_refused(api: Api) -> None:
    pid = await opened(api)
    url = f"/pathways/{pid}/commands/add_note"
    async with httpx.AsyncClient(transport=api.http._transport, base_url="http://t") as anna:
        token = await sign_in(anna, "anna")
        form = {"text": "called the landlord", "command_id": cid(), "csrf_token": token}
        assert (await anna.post(url, data=form)).status_code == 303  # done, back to the case
        assert (await anna.post(url, data=form)).status_code == 303  # a double submit
        before = await recorded(api, pid)
        refused = await anna.post(url, data={**form, "text": "the landlord agreed"})
    assert refused.status_code == 422
    assert "command_id_conflict" in refused.text and "ricarica la pagina" in refused.text
    assert await recorded(api, pid) == before
