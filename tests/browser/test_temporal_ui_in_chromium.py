"""The Temporal UI through the app, in Chromium, on a real `pathways up` stack.

The stack is the browser files' one (tests/browser/conftest.py `stack`), started once for
all of them; this module opens a pathway of its own on it and terminates only that one.

Sara (supervisor) follows the link from a pathway's history page and reads the opening
command's JSON decrypted in the Temporal UI, with no setting changed (the UI's codec calls
are same-origin and carry her session). Anna (caseworker) and an anonymous visitor get no
UI and no payload. Over HTTP, against the same real UI server: a supervisor's terminate is
refused, an admin's goes through and is in the access log.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.stack import Stack
from tests.scenarios import OPEN
from workers.demo_accounts import DEMO_PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Opened:
    """The shared `pathways up` stack (tests/browser/conftest.py) and this module's pathway."""

    base_url: str
    stack: Stack
    pathway_id: str

    def token(self, account: str) -> str:
        return self.stack.token(account)


@pytest.fixture(scope="module")
def opened(stack: Stack) -> Opened:
    """A pathway of Anna's, opened through the API, on the browser files' one stack."""
    pathway = Opened(stack.base_url, stack, f"p-{uuid.uuid4().hex[:10]}")
    answer = httpx.post(
        f"{stack.base_url}/api/v1/pathways",
        json={**OPEN, "pathway_id": pathway.pathway_id, "command_id": str(uuid.uuid4())},
        headers={"Authorization": f"Bearer {stack.token('anna')}"},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    return pathway


def signed_in(chromium: Browser, stack: Opened, who: str | None) -> Page:
    context = chromium.new_context(base_url=stack.base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    if who is not None:
        page.goto("/sign-in")
        page.fill("#user_id", who)
        page.fill("#password", DEMO_PASSWORD)
        page.locator("form:has(#password) button[type=submit]").click()
        expect(page).to_have_url(f"{stack.base_url}/")
    return page


def test_a_supervisor_reads_the_decrypted_command_in_the_temporal_ui(
    chromium: Browser, opened: Opened, artifacts: Path
) -> None:
    page = signed_in(chromium, opened, "sara")
    blocked: list[str] = []
    page.context.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"/pathways/{opened.pathway_id}/history")
    link = page.locator("a.temporal-link")
    expect(link).to_have_attribute(
        "href", f"/temporal/namespaces/default/workflows/pathway-{opened.pathway_id}"
    )
    with page.context.expect_page() as popup:
        link.click()
    ui = popup.value
    ui.wait_for_load_state()
    assert ui.url.startswith(f"{opened.base_url}/temporal/namespaces/default/workflows/")
    # The UI's own sign that its codec endpoint answered (its spelling).
    codec = ui.get_by_role("button", name="Codec Server succesfully converted content")
    expect(codec).to_be_visible(timeout=30_000)
    # The opening command (an update-with-start), decoded by the app's /codec for Sara.
    ui.get_by_role("button", name="Event command: Completed").click()
    expect(ui.get_by_text("Workflow Execution Update Accepted").first).to_be_visible()
    expect(ui.get_by_text('"family_name": "Diallo"').first).to_be_visible()
    ui.screenshot(path=str(artifacts / "temporal-ui-supervisor.png"), full_page=True)
    assert "encrypted-aes256gcm" not in ui.content()
    ui.context.close()
    assert blocked == [], "the UI's policy (web.security.TEMPORAL_UI_CSP) blocked nothing"
    # Each decode is in the access log, under Sara, with her role's purpose, as before.
    log = httpx.get(
        f"{opened.base_url}/api/v1/access-log",
        params={"pathway_id": opened.pathway_id, "account_id": "sara", "channel": "codec"},
        headers=bearer(opened, "aldo"),
        timeout=30,
    )
    assert log.status_code == 200, log.text
    assert {(e["what"], e["purpose"]) for e in log.json()} == {("temporal_history", "supervision")}


@pytest.mark.parametrize("who", ["anna", None])
def test_a_caseworker_and_a_visitor_see_no_ui_and_no_payload(
    chromium: Browser, opened: Opened, who: str | None
) -> None:
    page = signed_in(chromium, opened, who)
    path = f"/temporal/namespaces/default/workflows/pathway-{opened.pathway_id}"
    answer = page.goto(path)
    assert answer is not None
    if who is None:
        expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Ftemporal%2F"))
    else:
        assert answer.status == 404
    assert "Diallo" not in page.content() and "Temporal" not in page.title()
    page.goto(f"/pathways/{opened.pathway_id}/history")
    assert page.locator("a.temporal-link").count() == 0
    page.context.close()


def test_terminate_is_refused_to_a_supervisor_and_recorded_for_an_admin(opened: Opened) -> None:
    workflow = f"/temporal/api/v1/namespaces/default/workflows/pathway-{opened.pathway_id}"
    with httpx.Client(base_url=opened.base_url, timeout=30) as http:
        ui = http.get("/temporal/", headers=bearer(opened, "sara"))
        assert ui.status_code == 200 and "_csrf" in http.cookies
        csrf = {"X-CSRF-TOKEN": http.cookies["_csrf"]}
        refused = http.post(
            f"{workflow}/terminate",
            json={"reason": "x"},
            headers={**bearer(opened, "sara"), **csrf},
        )
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
        described = http.get(workflow, headers=bearer(opened, "adele")).json()
        assert described["workflowExecutionInfo"]["status"] == "WORKFLOW_EXECUTION_STATUS_RUNNING"

        done = http.post(
            f"{workflow}/terminate",
            json={"reason": "support"},
            headers={**bearer(opened, "adele"), **csrf},
        )
        assert done.status_code == 200, done.text
        described = http.get(workflow, headers=bearer(opened, "adele")).json()
        status = described["workflowExecutionInfo"]["status"]
        assert status == "WORKFLOW_EXECUTION_STATUS_TERMINATED"
        log = http.get(
            "/api/v1/access-log",
            params={"pathway_id": opened.pathway_id},
            headers=bearer(opened, "aldo"),  # the admin's action, as an auditor finds it
        )
    assert log.status_code == 200, log.text
    actions = [e for e in log.json() if e["what"] == "temporal_ui_action"]
    assert [(e["account_id"], e["detail"]) for e in actions] == [
        (
            "adele",
            f"POST /api/v1/namespaces/default/workflows/pathway-{opened.pathway_id}/terminate",
        )
    ]


TOKENS: dict[str, str] = {}


def bearer(stack: Opened, account: str) -> dict[str, str]:
    if account not in TOKENS:
        TOKENS[account] = stack.token(account)
    return {"Authorization": f"Bearer {TOKENS[account]}"}
