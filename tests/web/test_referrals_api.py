"""Referral and transfer through the JSON API, role by role: the referring caseworker, the
receiving supervisor (the minimum data, the answer), the receiving caseworker, another
organisation's supervisor and the auditor; bad input is a problem with its code and
records nothing; after a transfer the giving organisation reads what it recorded only."""

from __future__ import annotations

from typing import Any

from domain.calendar import project_day
from tests.web.conftest import Api
from tests.web.staff import bearer
from tests.web.test_api import ANNA, SARA, assert_problem, cid, opened, send, versions

PAOLO = bearer("paolo")
"""org-nardo's supervisor."""
MARTA = bearer("marta")
"""org-nardo's caseworker."""
ALDO = bearer("aldo")
"""The auditor."""
NARDO = {"kind": "organisation", "id": "org-nardo"}
REFER = {"type": "refer_pathway", "to_organisation": "org-nardo", "service": "Italian A2 course"}


async def consented(api: Api, *purposes: str) -> tuple[str, str]:
    pid = await opened(api)
    today = project_day(await api.harness.env.get_current_time()).isoformat()
    notice = {"type": "record_privacy_notice", "given_on": today, "language": "it", "version": "1"}
    assert (await send(api, pid, notice)).status_code == 200
    for purpose in purposes:
        consent = {
            "type": "give_consent",
            "recipients": [NARDO],
            "purpose": purpose,
            "given_on": today,
        }
        assert (await send(api, pid, consent)).status_code == 200
    return pid, today


async def test_a_referral_is_seen_and_answered_by_the_receiving_supervisor_only(api: Api) -> None:
    pid, _ = await consented(api, "referral")
    assert_problem(
        await api.http.get(f"/api/v1/pathways/{pid}/referrals", headers=PAOLO),
        404,
        "pathway_not_found",
    )
    assert (await send(api, pid, REFER)).status_code == 200

    [view] = (await api.http.get(f"/api/v1/pathways/{pid}/referrals", headers=PAOLO)).json()
    assert view["given_name"] == "Amina" and view["service"] == "Italian A2 course"
    assert (view["from_organisation"], view["referred_by"], view["status"]) == (
        "org-lecce",
        "anna",
        "pending",
    )
    assert "family_name" not in str(view) and "phone" not in str(view)
    for outsider in (SARA, MARTA, ALDO):
        reply = await api.http.get(f"/api/v1/pathways/{pid}/referrals", headers=outsider)
        assert_problem(reply, 404, "pathway_not_found")
    # The receiving supervisor reads nothing else of the pathway.
    assert_problem(
        await api.http.get(f"/api/v1/pathways/{pid}", headers=PAOLO), 404, "pathway_not_found"
    )

    accept = {"type": "accept_referral", "referral_id": "referral-1", "caseworker_id": "marta"}
    before = await versions(api.harness, pid)
    assert_problem(await send(api, pid, accept, MARTA), 404, "pathway_not_found")
    assert_problem(await send(api, pid, accept, ALDO), 403, "forbidden")
    assert_problem(
        await send(api, pid, {"type": "add_note", "text": "hi"}, PAOLO), 404, "pathway_not_found"
    )
    assert_problem(
        await send(api, pid, {**accept, "caseworker_id": "luca"}, PAOLO),
        422,
        "caseworker_not_eligible",
    )
    assert await versions(api.harness, pid) == before

    body = {"command_id": cid(), **accept}
    url = f"/api/v1/pathways/{pid}/commands"
    first = await api.http.post(url, json=body, headers=PAOLO)
    assert first.status_code == 200, first.text
    again = await api.http.post(url, json=body, headers=PAOLO)
    assert again.json() == first.json()
    assert await versions(api.harness, pid) == before + 1
    assert_problem(await send(api, pid, accept, PAOLO), 422, "referral_answered")


async def test_bad_referrals_and_transfers_are_problems_and_record_nothing(api: Api) -> None:
    pid, today = await consented(api)
    before = await versions(api.harness, pid)
    transfer = {
        "type": "transfer_pathway",
        "to_organisation": "org-nardo",
        "reason": "Moved",
        "effective_on": today,
    }
    cases: list[tuple[dict[str, Any], int, str]] = [
        (REFER, 422, "consent_required"),
        (transfer, 422, "consent_required"),
        ({**REFER, "to_organisation": "org-lecce"}, 422, "invalid_command"),
        ({**REFER, "service": ""}, 422, "invalid_command"),
        ({"type": "decline_transfer", "reason": "No"}, 422, "role_forbidden"),
    ]
    for command, status, code in cases:
        assert_problem(await send(api, pid, command), status, code)
    assert_problem(
        await send(api, pid, {"type": "decline_transfer", "reason": "Nothing to answer"}, SARA),
        422,
        "transfer_not_found",
    )
    assert await versions(api.harness, pid) == before


async def test_after_a_transfer_the_giving_organisation_reads_what_it_recorded_only(
    api: Api,
) -> None:
    pid, today = await consented(api, "transfer")
    transfer = {
        "type": "transfer_pathway",
        "to_organisation": "org-nardo",
        "reason": "Moved to Nardò",
        "effective_on": today,
    }
    assert (await send(api, pid, transfer)).status_code == 200
    [view] = (await api.http.get(f"/api/v1/pathways/{pid}/referrals", headers=PAOLO)).json()
    assert view["kind"] == "transfer" and view["effective_on"] == today
    reply = await send(api, pid, {"type": "accept_transfer", "caseworker_id": "marta"}, PAOLO)
    assert reply.status_code == 200, reply.text
    note = await send(api, pid, {"type": "add_note", "text": "Welcome to Nardò"}, MARTA)
    assert note.status_code == 200, note.text

    answer = (await api.http.get(f"/api/v1/pathways/{pid}", headers=PAOLO)).json()
    assert (answer["organisation_id"], answer["caseworker_id"]) == ("org-nardo", "marta")
    [row] = (await api.http.get("/api/v1/pathways", headers=PAOLO)).json()
    assert row["pathway_id"] == pid
    assert (await api.http.get("/api/v1/pathways", headers=SARA)).json() == []
    assert_problem(
        await api.http.get(f"/api/v1/pathways/{pid}", headers=ANNA), 404, "pathway_not_found"
    )
    assert_problem(
        await send(api, pid, {"type": "add_note", "text": "x"}, ANNA), 404, "pathway_not_found"
    )

    everything = (await api.http.get(f"/api/v1/pathways/{pid}/history", headers=PAOLO)).json()
    for giver in (ANNA, SARA):
        kept = (await api.http.get(f"/api/v1/pathways/{pid}/history", headers=giver)).json()
        types = [e["type"] for e in kept]
        assert types == ["PathwayOpened", "PrivacyNoticeGiven", "ConsentGiven", "TransferRequested"]
        assert len(everything) == len(kept) + 2  # the acceptance and Marta's note
    assert_problem(
        await api.http.get(f"/api/v1/pathways/{pid}/history", headers=bearer("luca")),
        404,
        "pathway_not_found",
    )
