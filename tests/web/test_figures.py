"""Corrections and disputes of a month's hours through the API and the pathway page.

Given a Lecce pathway whose work grant has a month's attendance (70 h, its allowance
requested), a caseworker corrects the month with a reason through the API or the page's
form; every bad input is a problem (or the form again) with its code, and records nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from domain.payments.state import PaymentStatus
from domain.values import Role
from tests.eventstore.pathway_history import persist
from tests.scenarios import PATHWAY_ID
from tests.unit.test_partner_records import tutored
from tests.web.page_forms import forms_of, state_of, submit, version_of
from tests.web.page_site import site
from tests.web.staff import bearer
from tests.web.test_api import assert_problem
from tests.web.test_pages import Site, sign_in
from tests.web.test_payment_approvals import with_payments

__all__ = ["site"]


async def post(site: Site, pathway_id: str, command: dict[str, Any]) -> Any:
    async with site.browser() as api:
        return await api.post(
            f"/api/v1/pathways/{pathway_id}/commands",
            json={"command_id": f"c-{uuid.uuid4().hex[:12]}", **command},
            headers=bearer("anna"),
        )


async def test_a_month_corrected_through_the_api_recomputes_its_allowance_once(
    site: Site,
) -> None:
    pid, ids = await with_payments(site)
    month = (await state_of(site, pid)).payments[ids["allowance"]].period
    correct = {
        "type": "correct_attendance",
        "measure_id": "wg",
        "month": month,
        "hours_verified": 60,
        "reason": "The register shows two days of absence",
    }
    before = await version_of(site, pid)
    cases: list[tuple[dict[str, Any], int, str, str | None]] = [
        ({**correct, "hours_verified": 70}, 422, "already_recorded", "hours_verified"),
        ({**correct, "hours_verified": 90}, 422, "hours_exceeded", "hours_verified"),
        ({**correct, "hours_verified": 401}, 422, "invalid_command", "hours_verified"),
        ({**correct, "month": "2020-01"}, 422, "figure_not_found", "month"),
        ({**correct, "measure_id": "home"}, 422, "measure_kind_mismatch", "measure_id"),
        ({k: v for k, v in correct.items() if k != "reason"}, 422, "invalid_command", "reason"),
        ({"type": "dispute_figure", "figure_id": "wg.0", "reason": "x"}, 422,
         "figure_not_found", "figure_id"),
        ({"type": "resolve_dispute", "figure_id": "wg.0"}, 422, "figure_not_found", "figure_id"),
    ]  # fmt: skip
    for command, status, code, field in cases:
        body = assert_problem(await post(site, pid, command), status, code)
        assert body["field"] == field, (command, body)
    assert await version_of(site, pid) == before

    reply = await post(site, pid, correct)
    assert reply.status_code == 200, reply.text
    async with site.browser() as api:
        answer = (await api.get(f"/api/v1/pathways/{pid}", headers=bearer("anna"))).json()
    [correction] = answer["figures"]["corrections"]
    assert (correction["previous_hours"], correction["hours_verified"]) == (70, 60)
    allowance = answer["payments"][ids["allowance"]]
    assert allowance["status"] == PaymentStatus.REQUESTED and allowance["amount"] == 34_615
    assert allowance["basis"]["hours_verified"] == 60
    async with site.browser() as api:
        history = (await api.get(f"/api/v1/pathways/{pid}/history", headers=bearer("anna"))).json()
    assert [e["type"] for e in history].count("AllowanceRecomputed") == 1


async def test_the_pathway_page_corrects_a_month_and_refuses_a_bad_correction(
    site: Site,
) -> None:
    pid, ids = await with_payments(site)
    month = (await state_of(site, pid)).payments[ids["allowance"]].period
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        page = await anna.get(f"/pathways/{pid}")
        assert "form-correct_attendance" in forms_of(page)
        assert "form-dispute_figure" not in forms_of(page), "no partner figure to dispute"
        before = await version_of(site, pid)
        values = {"measure_id": "wg", "month": month, "reason": "Register checked"}
        refused = await submit(
            anna, page, "form-correct_attendance", {**values, "hours_verified": "95"}
        )
        assert refused.status_code == 422 and "hours_exceeded" in refused.text
        assert await version_of(site, pid) == before
        done = await submit(
            anna, page, "form-correct_attendance", {**values, "hours_verified": "60"}
        )
        assert done.status_code == 303, done.text
        shown = await anna.get(f"/pathways/{pid}")
        assert f"Ore di {month} corrette da 70 a 60: Register checked" in shown.text


async def test_a_disputed_figure_shows_as_disputed_on_the_page_history_and_api(
    site: Site,
) -> None:
    # The link of a contact to a measure is not an event yet: the partner's step is appended
    # as the decider made it, on a pathway of its own.
    s = tutored().given({"type": "dispute_figure", "figure_id": "wg.0", "reason": "Too many"})
    await persist(site.harness.store, s)
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        page = await anna.get(f"/pathways/{PATHWAY_ID}")
        assert page.status_code == 200, page.text
        assert "Contestato" in page.text and "Too many" in page.text
        assert "form-resolve_dispute" in forms_of(page)
        history = await anna.get(f"/pathways/{PATHWAY_ID}/history")
        assert "Dato del partner contestato" in history.text
        answer = (await anna.get(f"/api/v1/pathways/{PATHWAY_ID}", headers=bearer("anna"))).json()
    assert answer["figures"]["by_id"]["wg.0"]["status"] == "disputed"


def test_the_admin_gives_staff_roles_only_not_the_partners() -> None:
    from web.pages.admin import PEOPLE_ROLES

    assert Role.PARTNER not in PEOPLE_ROLES and Role.CASEWORKER in PEOPLE_ROLES
