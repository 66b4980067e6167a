"""Time as people mean it, at the API and on the pages: a fact dated in the future is refused
with its code and field, and nothing is recorded."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx

from domain.calendar import project_day
from domain.stream import stream_id_for
from tests.scenarios import ASSESSMENT, CONDITION, OPEN, plan
from tests.unit.payment_scenarios import request
from tests.web.conftest import Api
from tests.web.page_forms import submit
from tests.web.page_site import site
from tests.web.staff import bearer
from tests.web.test_pages import Site, sign_in

__all__ = ["site"]

ANNA = bearer("anna")
NEXT_CENTURY = "2199-01-01"
"""A plausible date (up to 2199), and after today whatever day the tests run."""


async def test_an_opening_naming_a_residence_still_to_come_is_refused_at_the_api(
    api: Api,
) -> None:
    pathway_id = f"p-{uuid.uuid4().hex[:12]}"
    opening = {**OPEN, "pathway_id": pathway_id, "command_id": f"c-{pathway_id}"}
    reply = await api.http.post(
        "/api/v1/pathways", json={**opening, "resident_since": NEXT_CENTURY}, headers=ANNA
    )
    assert reply.status_code == 422, reply.text
    assert (reply.json()["code"], reply.json()["field"]) == ("fact_in_future", "resident_since")
    assert await api.harness.store.stream_version(stream_id_for(pathway_id)) == 0


async def test_an_opening_form_with_a_birth_still_to_come_comes_back_and_records_nothing(
    site: Site,
) -> None:
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        form = await anna.get("/pathways/new")
        opening = {
            k: v
            for k, v in OPEN.items()
            if k not in ("type", "pathway_id", "organisation_id", "caseworker_id")
        }
        born = {**opening, "beneficiary": {**OPEN["beneficiary"], "birth_date": NEXT_CENTURY}}
        before = await site.harness.store.caseload.list_summaries(limit=1000)
        refused = await submit(anna, form, "form-open_pathway", born)
        assert refused.status_code == 422, refused.text
        assert "fact_in_future" in refused.text and "ancora da venire" in refused.text
        assert await site.harness.store.caseload.list_summaries(limit=1000) == before


SARA = bearer("sara")
EXIT = {"type": "record_exit", "reason": "autonomy", "outcomes": CONDITION}


async def send(api: Api, pathway_id: str, command: dict[str, Any], headers: Any = ANNA) -> Any:
    body = {"command_id": f"c-{uuid.uuid4().hex[:12]}", **command}
    return await api.http.post(
        f"/api/v1/pathways/{pathway_id}/commands", json=body, headers=headers
    )


async def with_a_payment_requested(api: Api) -> str:
    """An active pathway whose furniture payment waits for a supervisor's approval."""
    pathway_id = f"p-{uuid.uuid4().hex[:12]}"
    opening = {**OPEN, "pathway_id": pathway_id, "command_id": f"c-{pathway_id}"}
    assert (await api.http.post("/api/v1/pathways", json=opening, headers=ANNA)).is_success
    today = project_day(await api.harness.env.get_current_time())
    support = {"kind": "economic_support", "purpose": "Casa", "start_on": today.isoformat()}
    for command, headers in (
        ({"type": "record_baseline", "condition": CONDITION}, ANNA),
        (ASSESSMENT, ANNA),
        (plan(("support", "economic_support"), target=today + timedelta(days=90)), ANNA),
        ({"type": "approve_plan"}, SARA),
        ({"type": "start_measure", "measure_id": "support", "details": support}, ANNA),
        (request(amount=80_000, period=None), ANNA),
    ):
        reply = await send(api, pathway_id, command, headers)
        assert reply.status_code == 200, reply.text
    return pathway_id


async def test_an_exit_with_a_payment_pending_answers_with_a_warning_naming_it(api: Api) -> None:
    pathway_id = await with_a_payment_requested(api)
    reply = await send(api, pathway_id, EXIT)
    assert reply.status_code == 200, reply.text
    [pending] = reply.json()["pending_payments"]
    assert pending["kind"] == "furniture" and pending["amount"] == 80_000
    assert (pending["status"], pending["way_out"]) == ("requested", "approval")

    closing = await send(api, pathway_id, {"type": "close_pathway", "reason": "Moved"}, SARA)
    assert (closing.status_code, closing.json()["code"]) == (422, "payments_pending")
    before = await api.harness.store.stream_version(stream_id_for(pathway_id))
    early = await send(api, pathway_id, {"type": "record_follow_up", "outcomes": CONDITION})
    assert (early.status_code, early.json()["code"]) == (422, "follow_up_too_early")
    assert "Italian time" in early.json()["detail"]
    assert await api.harness.store.stream_version(stream_id_for(pathway_id)) == before
    note = await send(api, pathway_id, {"type": "add_note", "text": "Called"})
    assert note.json()["pending_payments"] == [], "only the exit's reply warns"


async def test_the_page_says_what_keeps_an_exited_pathway_open_and_when_its_follow_up_opens(
    site: Site,
) -> None:
    api = Api(
        site.harness,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=site.app), base_url="http://testserver"
        ),
    )
    pathway_id = await with_a_payment_requested(api)
    assert (await send(api, pathway_id, EXIT)).status_code == 200
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        page = await anna.get(f"/pathways/{pathway_id}")
    blockers = page.text.split('id="closure-blockers"')[1].split("</section>")[0]
    assert "Un supervisore lo approva o lo respinge." in blockers and "800.00" in blockers
    opens = page.text.split('id="follow-up-opens"')[1].split("</p>")[0]
    assert "La verifica dopo l'uscita si può registrare dal" in opens
