"""The Temporal UI through the app, in Chromium, on a real `pathways up` stack.

Sara (supervisor) follows the link from a pathway's history page and reads the opening
command's JSON decrypted in the Temporal UI, with no setting changed (the UI's codec calls
are same-origin and carry her session). Anna (caseworker) and an anonymous visitor get no
UI and no payload. Over HTTP, against the same real UI server: a supervisor's terminate is
refused, an admin's goes through and is in the access log.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from infra.embedded import free_port
from tests.integration.conftest import PATHWAYS, clean_environ
from tests.scenarios import OPEN
from workers.demo_accounts import DEMO_PASSWORD

READY_SECONDS = 120.0
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Stack:
    base_url: str
    data_dir: Path
    env: dict[str, str]
    pathway_id: str

    def token(self, account: str) -> str:
        issued = subprocess.run(
            [PATHWAYS, "user", "token", account, "--label", "tui"],
            env=self.env,
            cwd=self.data_dir,
            capture_output=True,
            text=True,
            check=True,
        )
        return issued.stdout.strip()


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    data_dir = Path(tempfile.mkdtemp(prefix="pw", dir="/tmp"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = clean_environ(
        PATHWAYS_DATA_DIR=str(data_dir),
        PATHWAYS_TEMPORAL_PORT=str(free_port()),
        PATHWAYS_TEMPORAL_UI_PORT=str(free_port()),
        PATHWAYS_SMTP_PORT=str(free_port()),
        PATHWAYS_WEB_PORT=str(port),
        PATHWAYS_PUBLIC_BASE_URL=base,
    )
    with (data_dir / "up.log").open("ab") as log:
        up = subprocess.Popen(
            [PATHWAYS, "up"], stdout=subprocess.PIPE, stderr=log, env=env, cwd=data_dir
        )
    try:
        assert up.stdout is not None
        deadline = time.monotonic() + READY_SECONDS
        while (line := up.stdout.readline()) and line.strip() != b"ready":
            assert time.monotonic() < deadline, "pathways up was not ready in time"
        assert line, (data_dir / "up.log").read_text()
        stack = Stack(base, data_dir, env, f"p-{uuid.uuid4().hex[:10]}")
        opened = httpx.post(
            f"{base}/api/v1/pathways",
            json={**OPEN, "pathway_id": stack.pathway_id, "command_id": str(uuid.uuid4())},
            headers={"Authorization": f"Bearer {stack.token('anna')}"},
            timeout=30,
        )
        assert opened.status_code == 201, opened.text
        yield stack
    finally:
        up.send_signal(signal.SIGINT)
        try:
            up.wait(30)
        except subprocess.TimeoutExpired:
            up.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


def signed_in(chromium: Browser, stack: Stack, who: str | None) -> Page:
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
    chromium: Browser, stack: Stack, artifacts: Path
) -> None:
    page = signed_in(chromium, stack, "sara")
    blocked: list[str] = []
    page.context.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"/pathways/{stack.pathway_id}/history")
    link = page.locator("a.temporal-link")
    expect(link).to_have_attribute(
        "href", f"/temporal/namespaces/default/workflows/pathway-{stack.pathway_id}"
    )
    with page.context.expect_page() as opened:
        link.click()
    ui = opened.value
    ui.wait_for_load_state()
    assert ui.url.startswith(f"{stack.base_url}/temporal/namespaces/default/workflows/")
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
        f"{stack.base_url}/api/v1/access-log",
        params={"pathway_id": stack.pathway_id, "account_id": "sara", "channel": "codec"},
        headers=bearer(stack, "aldo"),
        timeout=30,
    )
    assert log.status_code == 200, log.text
    assert {(e["what"], e["purpose"]) for e in log.json()} == {("temporal_history", "supervision")}


@pytest.mark.parametrize("who", ["anna", None])
def test_a_caseworker_and_a_visitor_see_no_ui_and_no_payload(
    chromium: Browser, stack: Stack, who: str | None
) -> None:
    page = signed_in(chromium, stack, who)
    path = f"/temporal/namespaces/default/workflows/pathway-{stack.pathway_id}"
    answer = page.goto(path)
    assert answer is not None
    if who is None:
        expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Ftemporal%2F"))
    else:
        assert answer.status == 404
    assert "Diallo" not in page.content() and "Temporal" not in page.title()
    page.goto(f"/pathways/{stack.pathway_id}/history")
    assert page.locator("a.temporal-link").count() == 0
    page.context.close()


def test_terminate_is_refused_to_a_supervisor_and_recorded_for_an_admin(stack: Stack) -> None:
    workflow = f"/temporal/api/v1/namespaces/default/workflows/pathway-{stack.pathway_id}"
    with httpx.Client(base_url=stack.base_url, timeout=30) as http:
        ui = http.get("/temporal/", headers=bearer(stack, "sara"))
        assert ui.status_code == 200 and "_csrf" in http.cookies
        csrf = {"X-CSRF-TOKEN": http.cookies["_csrf"]}
        refused = http.post(
            f"{workflow}/terminate", json={"reason": "x"}, headers={**bearer(stack, "sara"), **csrf}
        )
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
        described = http.get(workflow, headers=bearer(stack, "adele")).json()
        assert described["workflowExecutionInfo"]["status"] == "WORKFLOW_EXECUTION_STATUS_RUNNING"

        done = http.post(
            f"{workflow}/terminate",
            json={"reason": "support"},
            headers={**bearer(stack, "adele"), **csrf},
        )
        assert done.status_code == 200, done.text
        described = http.get(workflow, headers=bearer(stack, "adele")).json()
        status = described["workflowExecutionInfo"]["status"]
        assert status == "WORKFLOW_EXECUTION_STATUS_TERMINATED"
        log = http.get(
            "/api/v1/access-log",
            params={"pathway_id": stack.pathway_id},
            headers=bearer(stack, "aldo"),  # the admin's action, as an auditor finds it
        )
    assert log.status_code == 200, log.text
    actions = [e for e in log.json() if e["what"] == "temporal_ui_action"]
    assert [(e["account_id"], e["detail"]) for e in actions] == [
        ("adele", f"POST /api/v1/namespaces/default/workflows/pathway-{stack.pathway_id}/terminate")
    ]


TOKENS: dict[str, str] = {}


def bearer(stack: Stack, account: str) -> dict[str, str]:
    if account not in TOKENS:
        TOKENS[account] = stack.token(account)
    return {"Authorization": f"Bearer {TOKENS[account]}"}
