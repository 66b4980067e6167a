"""`/team/reassign`: a supervisor previews a leaving caseworker's pathways, then applies it.

The pages only start `BulkOperationWorkflow` and show it; a worker on the dev server runs it
over the in-memory store, whose caseload rows the dry run reads.
"""

from __future__ import annotations

import re

import httpx
import pytest

from domain.calendar import project_day
from tests.web.conftest import web_settings
from tests.web.staff import staffed_accounts
from tests.web.test_pages import sign_in
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness, dev_harness
from tests.workflows.journey import opening
from workers.worker import build_worker

__all__ = ["dev_harness"]

pytestmark = pytest.mark.integration


async def caseworkers(h: Harness, pathway_ids: list[str]) -> list[str]:
    return [
        getattr(await h.store.caseload.get_summary(p), "caseworker_id", "?") for p in pathway_ids
    ]


async def test_a_supervisor_previews_then_applies_a_caseload_reassignment(
    dev_harness: Harness,
) -> None:
    h = dev_harness
    accounts = await staffed_accounts()
    app = create_test_app(h.pathways, h.store, accounts, web_settings())
    annas = [f"team-{h.task_queue}-{i}" for i in range(2)]
    transport = httpx.ASGITransport(app=app)
    async with (
        build_worker(h.env.client, h.store, h.task_queue, accounts=accounts),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as sara,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as paolo,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as anna,
    ):
        for pathway_id in annas:
            await h.pathways.open(opening(pathway_id))
        token = await sign_in(sara, "sara")
        form = await sara.get("/team/reassign")
        assert form.status_code == 200 and 'value="luca"' in form.text

        previewed = await sara.post(
            "/team/reassign",
            data={
                "csrf_token": token,
                "organisation": "org-lecce",
                "from_caseworker_id": "anna",
                "to_caseworker_id": "luca",
                "reason": "Anna leaves",
            },
        )
        assert previewed.status_code == 303, previewed.text
        preview = await sara.get(previewed.headers["location"])
        assert preview.status_code == 200
        assert 'data-stage="done"' in preview.text
        assert preview.text.count('data-outcome="would_change"') == 2
        assert await caseworkers(h, annas) == ["anna", "anna"]  # a preview changes nothing

        # Another organisation's supervisor does not see it; a caseworker has no such page.
        await sign_in(paolo, "paolo")
        assert (await paolo.get(previewed.headers["location"])).status_code == 404
        await sign_in(anna, "anna")
        assert (await anna.get("/team/reassign")).status_code == 403

        action = re.search(r'action="(/team/bulk/[^"]+/apply)"', preview.text)
        assert action is not None
        applied = await sara.post(action.group(1), data={"csrf_token": token})
        assert applied.status_code == 303, applied.text
        assert applied.headers["location"].endswith("-apply")
        result = await sara.get(applied.headers["location"])
        for _ in range(50):  # the page shows the progress until the worker is done
            if 'data-stage="done"' in result.text:
                break
            result = await sara.get(applied.headers["location"])
        assert 'data-stage="done"' in result.text
        assert result.text.count('data-outcome="done"') == 2
        assert await caseworkers(h, annas) == ["luca", "luca"]

        # The same preview applied again is the same application: nothing more changes.
        again = await sara.post(action.group(1), data={"csrf_token": token})
        assert again.headers["location"] == applied.headers["location"]
        events = [r.type for r in await h.store.read_stream(f"pathway-{annas[0]}")]
        assert events.count("CaseworkerReassigned") == 1


async def test_a_policy_roll_out_is_no_organisation_s_bulk_page(dev_harness: Harness) -> None:
    """A roll-out is a bulk operation too, but of no organisation: its id shows no page."""
    from client.bulk import BulkOperations
    from domain.policy import DEFAULT_POLICY
    from domain.values import Actor, Role
    from workflows.bulk_models import RollOutPolicy

    h = dev_harness
    accounts = await staffed_accounts()
    app = create_test_app(h.pathways, h.store, accounts, web_settings())
    bulk = BulkOperations(h.env.client, h.task_queue)
    transport = httpx.ASGITransport(app=app)
    async with (
        build_worker(h.env.client, h.store, h.task_queue, accounts=accounts),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as cora,
    ):
        started = await bulk.roll_out(
            RollOutPolicy(policy=DEFAULT_POLICY), Actor(id="adele", role=Role.ADMIN)
        )
        assert await bulk.wait(started.operation_id, 60) is not None
        await sign_in(cora, "cora")
        assert (await cora.get(f"/team/bulk/{started.operation_id}")).status_code == 404


async def test_a_supervisor_previews_a_cohort_s_closure_with_its_refusals_then_applies_it(
    dev_harness: Harness,
) -> None:
    from datetime import UTC, datetime

    from tests.workflows.journey import compressed_opening, envelope
    from tests.workflows.test_bulk_close_cohort import followed_up

    h = dev_harness
    accounts = await staffed_accounts()
    app = create_test_app(h.pathways, h.store, accounts, web_settings())
    today = project_day(datetime.now(UTC))
    ready, pending = f"cohort-{h.task_queue}-ready", f"cohort-{h.task_queue}-pending"
    transport = httpx.ASGITransport(app=app)
    async with (
        build_worker(h.env.client, h.store, h.task_queue, accounts=accounts),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as sara,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as anna,
    ):
        for pathway_id, payment_pending in ((ready, False), (pending, True)):
            await h.pathways.open(compressed_opening(pathway_id))
            for command, actor in followed_up(today, payment_pending=payment_pending):
                await h.pathways.send(pathway_id, envelope(command, actor))
        token = await sign_in(sara, "sara")
        assert (await sara.get("/team/close-cohort")).status_code == 200
        bad = await sara.post(
            "/team/close-cohort",
            data={"csrf_token": token, "organisation": "org-lecce", "opened_from": "soon"},
        )
        assert bad.status_code == 422
        previewed = await sara.post(
            "/team/close-cohort",
            data={"csrf_token": token, "organisation": "org-lecce", "opened_from": str(today)},
        )
        assert previewed.status_code == 303, previewed.text
        preview = await sara.get(previewed.headers["location"])
        assert 'data-stage="done"' in preview.text, preview.text
        assert preview.text.count('data-outcome="would_change"') == 1
        assert preview.text.count('data-outcome="would_refuse"') == 1
        assert "payments_pending" in preview.text
        stages = [(await h.store.caseload.get_summary(p)) for p in (ready, pending)]
        assert [s.stage.value for s in stages if s is not None] == ["follow_up", "follow_up"]

        await sign_in(anna, "anna")
        assert (await anna.get("/team/close-cohort")).status_code == 403

        action = re.search(r'action="(/team/bulk/[^"]+/apply)"', preview.text)
        assert action is not None
        applied = await sara.post(action.group(1), data={"csrf_token": token})
        assert applied.status_code == 303, applied.text
        result = await sara.get(applied.headers["location"])
        for _ in range(50):
            if 'data-stage="done"' in result.text:
                break
            result = await sara.get(applied.headers["location"])
        assert result.text.count('data-outcome="done"') == 1
        assert result.text.count('data-outcome="refused"') == 1
        stages = [(await h.store.caseload.get_summary(p)) for p in (ready, pending)]
        assert [s.stage.value for s in stages if s is not None] == ["closed", "follow_up"]
