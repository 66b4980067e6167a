"""Consents through the JSON API: recorded, shown in the pathway's answer, bad input refused."""

from __future__ import annotations

from typing import Any

from domain.calendar import project_day
from tests.web.conftest import Api
from tests.web.test_api import ANNA, SARA, assert_problem, opened, send, versions

CPIA = {"kind": "partner", "id": "cpia-lecce"}


async def test_consents_are_recorded_and_shown_in_the_pathway_answer(api: Api) -> None:
    pid = await opened(api)
    today = project_day(await api.harness.env.get_current_time()).isoformat()
    notice = {"type": "record_privacy_notice", "given_on": today, "language": "en", "version": "v3"}
    consent = {
        "type": "give_consent",
        "recipients": [CPIA, {"kind": "organisation", "id": "org-brindisi"}],
        "purpose": "measure_delivery",
        "given_on": today,
    }
    for command, who in ((notice, ANNA), (consent, SARA)):
        reply = await send(api, pid, command, who)
        assert reply.status_code == 200, reply.text
    answer = (await api.http.get(f"/api/v1/pathways/{pid}", headers=SARA)).json()
    assert answer["consents"]["notices"][0]["version"] == "v3"
    given = answer["consents"]["given"]["consent-1"]
    assert given["purpose"] == "measure_delivery" and given["recipients"][0] == CPIA
    assert given["withdrawn_on"] is None and given["recorded_by"] == "sara"


async def test_bad_consent_commands_are_problems_with_their_code_and_record_nothing(
    api: Api,
) -> None:
    pid = await opened(api)
    today = project_day(await api.harness.env.get_current_time()).isoformat()
    consent: dict[str, Any] = {
        "type": "give_consent",
        "recipients": [CPIA],
        "purpose": "referral",
        "given_on": today,
    }
    notice = {"type": "record_privacy_notice", "given_on": today, "language": "it", "version": "1"}
    before = await versions(api.harness, pid)
    cases: list[tuple[dict[str, Any], int, str, str | None]] = [
        (consent, 422, "privacy_notice_missing", "given_on"),
        ({**consent, "purpose": "marketing"}, 422, "invalid_command", "purpose"),
        ({**consent, "recipients": []}, 422, "invalid_command", "recipients"),
        ({**consent, "recipients": [{"kind": "bank", "id": "x"}]}, 422, "invalid_command", None),
        ({**notice, "language": "fr"}, 422, "invalid_command", "language"),
        ({**notice, "given_on": "2199-01-01"}, 422, "fact_in_future", "given_on"),
        (
            {"type": "withdraw_consent", "consent_id": "consent-1", "withdrawn_on": today},
            422,
            "consent_not_found",
            "consent_id",
        ),
    ]
    for command, status, code, field in cases:
        body = assert_problem(await send(api, pid, command), status, code)
        if field is not None:
            assert body["field"] == field, body
    assert await versions(api.harness, pid) == before
