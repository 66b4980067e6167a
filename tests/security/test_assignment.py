"""A pathway is handed only to an active caseworker of its organisation (issue 20, item 1).

Tried as an attacker would: a supervisor gives a pathway to a caseworker of another
organisation (who would then read the beneficiary's name, phone and document), to an
auditor, to an id that names nobody, to a deactivated account; from the API, by tampering
with the page's form, and from the CLI. Each is refused with 422 `caseworker_not_eligible`
(the CLI: exit 2 with the code) and records nothing; the person named gains nothing. The
CLI's refusals run in process (tests/integration/conftest.py `in_process`), what it does
as a process.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from domain.stream import stream_id_for
from domain.values import Role
from infra.accounts.model import Account
from tests.integration.conftest import Deployment, deployment, workdir
from tests.scenarios import OPEN
from tests.web.conftest import served_harness, web_settings
from tests.web.page_forms import forms_of
from tests.web.staff import bearer, staffed_accounts
from tests.web.test_pages import Site, open_pathway, sign_in
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness

__all__ = ["deployment", "served_harness", "workdir"]

NOT_ELIGIBLE = "caseworker_not_eligible"
ANNAS = "org-lecce"
FORMER = Account(
    id="former", display_name="Ex", role=Role.CASEWORKER, organisation_id=ANNAS, active=False
)
"""A caseworker of anna's organisation who has left: deactivated."""

ANYONE_BUT_AN_ACTIVE_COLLEAGUE = ("marta", "aldo", "sara", "cora", "nobody-at-all", "former")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def site(served_harness: Harness) -> Site:
    """One app, server and worker for the module (an app alone costs most of a second of
    CPU): each test opens a pathway of its own and checks only it."""
    accounts = await staffed_accounts()
    app = create_test_app(served_harness.pathways, served_harness.store, accounts, web_settings())
    return Site(served_harness, accounts, app)


@pytest_asyncio.fixture(loop_scope="session")
async def with_former(site: Site) -> AsyncIterator[Site]:
    if await site.accounts.get_account(FORMER.id) is None:
        await site.accounts.create_account(FORMER, None)
    yield site


async def version(site: Site, pathway_id: str) -> int:
    return await site.harness.store.stream_version(stream_id_for(pathway_id))


def reassign(caseworker_id: str) -> dict[str, Any]:
    return {
        "type": "reassign_caseworker",
        "caseworker_id": caseworker_id,
        "command_id": f"r-{uuid.uuid4()}",
    }


@pytest.mark.parametrize("target", ANYONE_BUT_AN_ACTIVE_COLLEAGUE)
async def test_a_supervisor_cannot_hand_a_pathway_to_anyone_but_a_colleague_caseworker(
    with_former: Site, target: str
) -> None:
    site = with_former
    pathway_id = await open_pathway(site, "anna", ANNAS)
    before = await version(site, pathway_id)
    async with site.browser() as api:
        for sender in ("sara", "cora"):
            refused = await api.post(
                f"/api/v1/pathways/{pathway_id}/commands",
                json=reassign(target),
                headers=bearer(sender),
            )
            assert refused.status_code == 422, refused.text
            assert refused.json()["code"] == NOT_ELIGIBLE
            assert refused.json()["field"] == "caseworker_id"
        assert await version(site, pathway_id) == before
        if target == "marta":
            # The would-be holder from elsewhere still finds no such pathway.
            read = await api.get(f"/api/v1/pathways/{pathway_id}", headers=bearer("marta"))
            assert read.status_code == 404
            sent = await api.post(
                f"/api/v1/pathways/{pathway_id}/commands",
                json={"type": "add_note", "text": "mio", "command_id": f"n-{uuid.uuid4()}"},
                headers=bearer("marta"),
            )
            assert sent.status_code == 404


async def test_a_pathway_given_to_a_colleague_moves_to_their_caseload(site: Site) -> None:
    pathway_id = await open_pathway(site, "anna", ANNAS)
    async with site.browser() as api:
        given = await api.post(
            f"/api/v1/pathways/{pathway_id}/commands", json=reassign("luca"), headers=bearer("sara")
        )
        assert given.status_code == 200, given.text
        assert (await api.get(f"/api/v1/pathways/{pathway_id}", headers=bearer("luca"))).is_success
        assert (
            await api.get(f"/api/v1/pathways/{pathway_id}", headers=bearer("anna"))
        ).status_code == 404


@pytest.mark.parametrize(
    ("sender", "caseworker_id", "code"),
    [
        ("cora", "marta", NOT_ELIGIBLE),  # a caseworker of org-nardo, for org-lecce
        ("cora", "aldo", NOT_ELIGIBLE),
        ("cora", "sara", NOT_ELIGIBLE),
        ("cora", "nobody-at-all", NOT_ELIGIBLE),  # an orphaned pathway
        ("cora", "former", NOT_ELIGIBLE),
        ("sara", "marta", NOT_ELIGIBLE),
        ("paolo", "anna", "organisation_not_found"),  # org-lecce is not paolo's
    ],
)
async def test_nobody_opens_a_pathway_for_someone_who_may_not_hold_it(
    with_former: Site, sender: str, caseworker_id: str, code: str
) -> None:
    site = with_former
    pathway_id = f"p-{uuid.uuid4().hex[:12]}"
    async with site.browser() as api:
        refused = await api.post(
            "/api/v1/pathways",
            json={
                **OPEN,
                "pathway_id": pathway_id,
                "caseworker_id": caseworker_id,
                "organisation_id": ANNAS,
                "command_id": f"o-{uuid.uuid4()}",
            },
            headers=bearer(sender),
        )
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == code
    assert await version(site, pathway_id) == 0
    assert await site.harness.store.caseload.get_summary(pathway_id) is None


async def test_a_tampered_reassignment_form_is_refused_and_records_nothing(site: Site) -> None:
    pathway_id = await open_pathway(site, "anna", ANNAS)
    url = f"/pathways/{pathway_id}/commands/reassign_caseworker"
    async with site.browser() as sara:
        token = await sign_in(sara, "sara")
        page = await sara.get(f"/pathways/{pathway_id}")
        assert page.status_code == 200
        form = forms_of(page)["form-reassign_caseworker"]
        assert 'value="marta"' not in page.text, "only colleagues are offered"
        before = await version(site, pathway_id)
        data = dict(form["fields"], caseworker_id="marta", csrf_token=token)
        posted = await sara.post(url, data=data)
        assert posted.status_code == 422, posted.text
        assert NOT_ELIGIBLE in posted.text
        assert await version(site, pathway_id) == before


@pytest.mark.integration
async def test_the_cli_hands_a_pathway_only_to_a_colleague_caseworker(
    deployment: Deployment,
) -> None:
    pathway_id = f"p-{uuid.uuid4().hex[:12]}"
    opening = json.dumps({**OPEN, "pathway_id": pathway_id, "caseworker_id": "marta"})
    coordinator = ("--actor", "cora", "--role", "coordinator")
    refused = await deployment.cli_in_process("open", *coordinator, input=opening)
    assert refused.code == 2, refused
    assert f"error: {NOT_ELIGIBLE}: " in refused.stderr
    assert await deployment.event_count(pathway_id) == 0

    opened = await deployment.cli(
        "open", *coordinator, input=json.dumps({**OPEN, "pathway_id": pathway_id})
    )
    assert opened.code == 0, opened
    supervisor = ("--actor", "sara", "--role", "supervisor")
    for target in ("marta", "aldo", "nobody-at-all"):
        command = json.dumps({"type": "reassign_caseworker", "caseworker_id": target})
        moved = await deployment.cli_in_process("command", pathway_id, *supervisor, input=command)
        assert moved.code == 2, moved
        assert f"error: {NOT_ELIGIBLE}: " in moved.stderr
    assert await deployment.event_count(pathway_id) == 1
    command = json.dumps({"type": "reassign_caseworker", "caseworker_id": "luca"})
    moved = await deployment.cli("command", pathway_id, *supervisor, input=command)
    assert moved.code == 0, moved
    assert await deployment.event_count(pathway_id) == 2
