"""The JSON API under /api/v1 against the time-skipping server and the in-memory store.

The module's tests share one server, worker and app (`api` below): each opens pathways of
its own, and a test that skips the server's clock reads the clock again rather than
assuming the machine's.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest_asyncio

from domain.calendar import project_day
from domain.errors import ERROR_CODES
from domain.evolution import fold
from domain.pathway_answer import pathway_answer
from domain.stream import stream_id_for
from tests.scenarios import ASSESSMENT, CONDITION, OPEN
from tests.web.conftest import Api, web_settings
from tests.web.staff import bearer, staffed_accounts
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness
from tests.workflows.journey import full_journey

PROBLEM = "application/problem+json"
ANNA = bearer("anna")
SARA = bearer("sara")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def api(served_harness: Harness) -> AsyncIterator[Api]:
    """One app for the module, on its server and worker (an app costs most of a second of
    CPU to build, a server and worker about as much)."""
    app = create_test_app(
        served_harness.pathways, served_harness.store, await staffed_accounts(), web_settings()
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield Api(served_harness, http)


def new_id() -> str:
    return f"p-{uuid.uuid4().hex[:12]}"


def cid() -> str:
    return f"c-{uuid.uuid4().hex[:12]}"


def plan_command(today: str) -> dict[str, Any]:
    return {
        "type": "propose_plan",
        "measures": [{"measure_id": "italian", "kind": "training_course", "target_date": today}],
    }


async def opened(api: Api) -> str:
    pid = new_id()
    reply = await api.http.post(
        "/api/v1/pathways", json={**OPEN, "pathway_id": pid, "command_id": cid()}, headers=ANNA
    )
    assert reply.status_code == 201, reply.text
    return pid


async def send(
    api: Api, pid: str, command: dict[str, Any], headers: dict[str, str] = ANNA
) -> httpx.Response:
    body = {"command_id": cid(), **command}
    return await api.http.post(f"/api/v1/pathways/{pid}/commands", json=body, headers=headers)


async def versions(h: Harness, pid: str) -> int:
    return await h.store.stream_version(stream_id_for(pid))


def assert_problem(reply: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = reply.json()
    assert body["status"] == status and body["code"] == code
    assert body["type"].endswith(code) and body["title"] and body["detail"]
    assert "field" in body
    return body


async def test_open_commands_state_history_and_as_of(api: Api) -> None:
    pid = new_id()
    opening = await api.http.post(
        "/api/v1/pathways", json={**OPEN, "pathway_id": pid, "command_id": cid()}, headers=ANNA
    )
    assert opening.status_code == 201, opening.text
    assert opening.json()["version"] == 1 and opening.json()["stage"] == "reception"
    assert opening.json()["events"] == ["PathwayOpened"]

    stages = {1: "reception"}
    moments = {}
    today = project_day(await api.harness.env.get_current_time())
    steps: list[tuple[dict[str, Any], dict[str, str]]] = [
        ({"type": "record_baseline", "condition": CONDITION}, ANNA),
        (ASSESSMENT, ANNA),
        (plan_command((today + timedelta(days=90)).isoformat()), ANNA),
        ({"type": "approve_plan"}, SARA),
    ]
    for command, who in steps:
        await api.harness.env.sleep(timedelta(hours=1))
        reply = await send(api, pid, command, who)
        assert reply.status_code == 200, reply.text
        result = reply.json()
        stages[result["version"]] = result["stage"]
        moments[result["version"]] = await api.harness.env.get_current_time()

    state = await api.http.get(f"/api/v1/pathways/{pid}", headers=SARA)
    assert state.status_code == 200, state.text
    assert state.json()["stage"] == "active" == stages[max(stages)]
    assert state.json()["pathway_id"] == pid

    history = await api.http.get(f"/api/v1/pathways/{pid}/history", headers=SARA)
    assert history.status_code == 200
    entries = history.json()
    assert [e["version"] for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0]["type"] == "PathwayOpened" and entries[0]["actor"]["id"] == "anna"
    assert all("backdated" in e and e["recorded_at"] for e in entries)

    # As known right after the skills assessment: an earlier stage than now.
    assessed = max(v for v in stages if v <= 3)
    before_plan = next(e for e in entries if e["version"] == assessed)["recorded_at"]
    # The time-skipping server's clock runs ahead of this machine's, by the skips of every
    # test before: asked through an app whose clock is the server's, one of its instants is
    # not a day still to come (`as_of_in_future`), as it never is in production.
    server_now = await api.harness.env.get_current_time()
    in_step = create_test_app(
        api.harness.pathways,
        api.harness.store,
        await staffed_accounts(),
        web_settings(clock=lambda: server_now),
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=in_step), base_url="http://testserver"
    ) as http:
        earlier = await http.get(
            f"/api/v1/pathways/{pid}", params={"as_of": before_plan}, headers=SARA
        )
    assert earlier.status_code == 200, earlier.text
    assert earlier.json()["version"] == assessed
    assert earlier.json()["stage"] == stages[assessed] != "active"

    listed = await api.http.get(
        "/api/v1/pathways", params={"caseworker_id": "anna", "stage": "active"}, headers=SARA
    )
    assert listed.status_code == 200
    assert pid in [row["pathway_id"] for row in listed.json()]
    other = await api.http.get(
        "/api/v1/pathways", params={"organisation_id": "elsewhere"}, headers=SARA
    )
    assert other.status_code == 200 and other.json() == []


async def test_a_refused_command_is_a_problem_and_records_nothing(api: Api) -> None:
    pid = await opened(api)
    before = await versions(api.harness, pid)
    reply = await send(api, pid, {"type": "approve_plan"}, SARA)
    body = assert_problem(reply, 422, "wrong_stage")
    assert body["code"] in ERROR_CODES
    assert await versions(api.harness, pid) == before

    twice = await api.http.post(
        "/api/v1/pathways", json={**OPEN, "pathway_id": pid, "command_id": cid()}, headers=ANNA
    )
    assert_problem(twice, 409, "pathway_already_open")
    assert await versions(api.harness, pid) == before


async def test_invalid_input_is_a_4xx_problem_and_records_nothing(api: Api) -> None:
    pid = await opened(api)
    before = await versions(api.harness, pid)
    url = f"/api/v1/pathways/{pid}/commands"
    malformed = await api.http.post(
        url,
        content=b'{"type": "add_note", "text": ',
        headers={**ANNA, "content-type": "application/json"},
    )
    assert_problem(malformed, 400, "invalid_command")
    not_object = await api.http.post(url, json=["add_note"], headers=ANNA)
    assert_problem(not_object, 422, "invalid_command")
    bad_field = await send(
        api, pid, {"type": "record_baseline", "condition": {**CONDITION, "self_esteem": "x"}}
    )
    assert assert_problem(bad_field, 422, "invalid_command")["field"] == "condition.self_esteem"
    unknown = await send(api, pid, {"type": "fly_to_the_moon"})
    assert assert_problem(unknown, 422, "invalid_command")["field"] == "type"
    no_id = await api.http.post(url, json={"type": "add_note", "text": "hi"}, headers=ANNA)
    assert assert_problem(no_id, 422, "invalid_command")["field"] == "command_id"
    naive = await send(api, pid, {"type": "add_note", "text": "hi", "occurred_at": "2026-01-01"})
    assert assert_problem(naive, 422, "invalid_command")["field"] == "occurred_at"
    assert await versions(api.harness, pid) == before

    bad_limit = await api.http.get("/api/v1/pathways", params={"limit": 0}, headers=ANNA)
    assert assert_problem(bad_limit, 422, "invalid_command")["field"] == "limit"
    bad_stage = await api.http.get("/api/v1/pathways", params={"stage": "nope"}, headers=ANNA)
    assert assert_problem(bad_stage, 422, "invalid_command")["field"] == "stage"
    bad_as_of = await api.http.get(
        f"/api/v1/pathways/{pid}", params={"as_of": "soon"}, headers=ANNA
    )
    assert assert_problem(bad_as_of, 422, "invalid_command")["field"] == "as_of"
    policy = await api.http.post(
        "/api/v1/pathways",
        json={**OPEN, "pathway_id": new_id(), "command_id": cid(), "policy": {}},
        headers=ANNA,
    )
    assert assert_problem(policy, 422, "invalid_command")["field"] == "policy"
    nowhere = await api.http.get("/api/v1/nowhere", headers=ANNA)
    assert_problem(nowhere, 404, "not_found")


async def test_a_closed_pathway_answers_retries_and_refuses_the_rest(api: Api) -> None:
    pid = await opened(api)
    today = project_day(await api.harness.env.get_current_time())
    last: tuple[dict[str, Any], httpx.Response] | None = None
    for command, actor in full_journey(today):
        if command["type"] == "record_follow_up":  # five months on: its window opens
            await api.harness.env.sleep(timedelta(days=160))
        body = {"command_id": cid(), **command}
        headers = bearer(actor.id)
        reply = await api.http.post(f"/api/v1/pathways/{pid}/commands", json=body, headers=headers)
        assert reply.status_code == 200, reply.text
        last = body, reply
    assert last is not None
    closing, answer = last
    assert answer.json()["stage"] == "closed"
    before = await versions(api.harness, pid)
    retry = await api.http.post(f"/api/v1/pathways/{pid}/commands", json=closing, headers=SARA)
    assert retry.status_code == 200 and retry.json() == answer.json()
    assert_problem(
        await send(api, pid, {"type": "add_note", "text": "late"}), 409, "pathway_closed"
    )
    assert await versions(api.harness, pid) == before


async def test_unknown_pathway_is_404(api: Api) -> None:
    pid = new_id()
    for reply in (
        await api.http.get(f"/api/v1/pathways/{pid}", headers=ANNA),
        await api.http.get(f"/api/v1/pathways/{pid}/history", headers=ANNA),
        await send(api, pid, {"type": "add_note", "text": "hello"}),
    ):
        assert_problem(reply, 404, "pathway_not_found")
    assert await versions(api.harness, pid) == 0


async def test_no_or_bad_credentials_are_401_and_record_nothing(api: Api) -> None:
    pid = await opened(api)
    before = await versions(api.harness, pid)
    note = {"type": "add_note", "text": "hello", "command_id": cid()}
    for headers in (
        {},
        {"Authorization": "Bearer pwt_nobody"},
        {"Authorization": "Basic YW5uYTpwdw=="},
        {"Authorization": "Bearer "},
        {"X-Pathways-Actor": "anna", "X-Pathways-Role": "caseworker"},
    ):
        reply = await api.http.post(f"/api/v1/pathways/{pid}/commands", json=note, headers=headers)
        assert_problem(reply, 401, "unauthenticated")
        assert reply.headers["www-authenticate"] == "Bearer"
    for path in (f"/api/v1/pathways/{pid}", "/api/v1/pathways", "/api/v1/obligations/overdue"):
        assert_problem(await api.http.get(path), 401, "unauthenticated")
    opening = await api.http.post("/api/v1/pathways", json={**OPEN, "pathway_id": new_id()})
    assert_problem(opening, 401, "unauthenticated")
    assert await versions(api.harness, pid) == before


async def test_the_same_command_id_twice_gets_the_same_answer_once(api: Api) -> None:
    command_id = cid()
    opening = {k: v for k, v in OPEN.items() if k != "pathway_id"}
    first = await api.http.post(
        "/api/v1/pathways", json={**opening, "command_id": command_id}, headers=ANNA
    )
    again = await api.http.post(
        "/api/v1/pathways", json={**opening, "command_id": command_id}, headers=ANNA
    )
    assert first.status_code == again.status_code == 201, again.text
    assert first.json() == again.json()
    pid = first.json()["pathway_id"]
    assert await versions(api.harness, pid) == 1

    note = {"type": "add_note", "text": "called the landlord", "command_id": cid()}
    url = f"/api/v1/pathways/{pid}/commands"
    replies = [await api.http.post(url, json=note, headers=ANNA) for _ in range(2)]
    assert replies[0].status_code == replies[1].status_code == 200, replies[1].text
    assert replies[0].json() == replies[1].json()
    records = await api.harness.store.read_stream(stream_id_for(pid))
    assert len([r for r in records if r.command_id == note["command_id"]]) == len(
        replies[0].json()["events"]
    )
    assert await versions(api.harness, pid) == 1 + len(replies[0].json()["events"])


async def test_overdue_obligations_by_caseload(api: Api) -> None:
    later = datetime.now(UTC) + timedelta(days=3650)
    harness = api.harness
    app = create_test_app(
        harness.pathways, harness.store, await staffed_accounts(), web_settings(clock=lambda: later)
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        pid = new_id()
        reply = await http.post(
            "/api/v1/pathways", json={**OPEN, "pathway_id": pid, "command_id": cid()}, headers=ANNA
        )
        assert reply.status_code == 201, reply.text
        mine = await http.get(
            "/api/v1/obligations/overdue", params={"caseworker_id": "anna"}, headers=ANNA
        )
        assert mine.status_code == 200, mine.text
        assert pid in {row["pathway_id"] for row in mine.json()}
        theirs = await http.get(
            "/api/v1/obligations/overdue", params={"organisation_id": "elsewhere"}, headers=ANNA
        )
        assert theirs.status_code == 200 and theirs.json() == []


async def test_openapi_documents_the_api(api: Api) -> None:
    reply = await api.http.get("/openapi.json")
    assert reply.status_code == 200
    paths = reply.json()["paths"]
    assert {
        "/api/v1/pathways",
        "/api/v1/pathways/{pathway_id}/commands",
        "/api/v1/pathways/{pathway_id}",
        "/api/v1/pathways/{pathway_id}/history",
        "/api/v1/obligations/overdue",
    } <= set(paths)
    refused = paths["/api/v1/pathways/{pathway_id}/commands"]["post"]["responses"]["422"]
    assert PROBLEM in refused["content"]


async def test_a_pathway_read_through_the_api_carries_its_obligations_as_show_does(
    api: Api,
) -> None:
    pid = await opened(api)
    reply = await api.http.get(f"/api/v1/pathways/{pid}", headers=SARA)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    records = await api.harness.store.read_stream(stream_id_for(pid))
    expected = pathway_answer(fold(records), records).model_dump(mode="json")
    assert body["obligations"] == expected["obligations"]
    [baseline] = [o for o in body["obligations"] if o["obligation_id"] == "baseline"]
    opened_at = datetime.fromisoformat(body["opened_at"])
    assert datetime.fromisoformat(baseline["due_at"]) == opened_at + timedelta(days=7)
    assert baseline["due_at"][-6:] in {"+01:00", "+02:00"}, "Italian time, with its offset"
    assert baseline["kind"] == "baseline" and baseline["measure_id"] is None
    assert baseline["ladder"]["taken"] == []
    assert baseline["ladder"]["next"]["step"] == "reminder"


async def test_a_family_hosting_move_in_without_its_time_is_refused_and_records_nothing(
    api: Api,
) -> None:
    pid = await opened(api)
    today = project_day(await api.harness.env.get_current_time()).isoformat()
    plan = {
        "type": "propose_plan",
        "measures": [{"measure_id": "home", "kind": "housing_placement", "target_date": today}],
    }
    hosting = {"kind": "housing_placement", "solution": "family_hosting", "start_on": today}
    for command, who in (
        ({"type": "record_baseline", "condition": CONDITION}, ANNA),
        (ASSESSMENT, ANNA),
        (plan, ANNA),
        ({"type": "approve_plan"}, SARA),
        ({"type": "start_measure", "measure_id": "home", "details": hosting}, ANNA),
    ):
        assert (await send(api, pid, command, who)).status_code == 200
    before = await versions(api.harness, pid)
    moved_in = {"type": "record_measure_progress", "measure_id": "home"}

    reply = await send(api, pid, {**moved_in, "progress": {"kind": "moved_in", "on": today}})

    body = assert_problem(reply, 422, "time_required")
    assert body["field"] == "at"
    assert await versions(api.harness, pid) == before
    at = {"kind": "moved_in", "on": today, "at": "22:30"}
    assert (await send(api, pid, {**moved_in, "progress": at})).status_code == 200
