"""`/admin/budget` and `/admin/policy`: the admin previews a settings file, then applies it.

The budget's pages run in process over the in-memory ledger; the policy's preview and
roll-out on the dev server (its visibility store lists the running pathways), the refusals
in process. A refused file shows its code, in Italian, and changes nothing.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import httpx
import pytest

from domain.policy import DEFAULT_POLICY
from infra.budgets.file import SHIPPED_NAME as BUDGET_FILE
from tests.web.conftest import web_settings
from tests.web.page_site import site
from tests.web.staff import staffed_accounts
from tests.web.test_italian_pages import visible_text
from tests.web.test_pages import Site, sign_in
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness, dev_harness
from tests.workflows.journey import opening
from tests.workflows.test_policy_rollout import listed
from workers.worker import build_worker

__all__ = ["dev_harness", "site"]

ROOT = Path(__file__).resolve().parents[2]
BUDGET = (ROOT / BUDGET_FILE).read_text()
FURNITURE = "wp2_housing.furniture"
POLICY = (ROOT / "infra/policies/default.toml").read_text()
LONGER_BASELINE = POLICY.replace('baseline = "7 days"', 'baseline = "10 days"')


def toml(text: str, name: str = "file.toml") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, text.encode(), "application/toml")}


def hidden_text(page: httpx.Response) -> dict[str, str]:
    """The confirmation's fields: the previewed file's text and name."""
    text = re.search(r'<textarea name="text" hidden[^>]*>(.*?)</textarea>', page.text, re.S)
    source = re.search(r'name="source" value="([^"]*)"', page.text)
    assert text and source, page.text
    return {"text": html.unescape(text.group(1)), "source": html.unescape(source.group(1))}


async def amounts(site: Site) -> dict[str, int]:
    return {line.line_id: line.amount for line in await site.harness.store.budget.budget_lines()}


async def test_the_admin_previews_a_budget_file_then_applies_it(site: Site) -> None:
    raised = BUDGET.replace("euros = 432_000", "euros = 500_000")
    async with site.browser() as adele:
        token = await sign_in(adele, "adele")
        assert 'href="/admin/budget"' in (await adele.get("/admin")).text
        empty = await adele.get("/admin/budget")
        assert empty.status_code == 200 and "Nessuna voce di bilancio per ora." in empty.text

        first = await adele.post(
            "/admin/budget/preview", data={"csrf_token": token}, files=toml(BUDGET, "b.toml")
        )
        assert first.status_code == 200, first.text
        assert "voce nuova" in first.text and f'id="change-{FURNITURE}"' in first.text
        assert await amounts(site) == {}  # a preview changes nothing
        applied = await adele.post(
            "/admin/budget", data={"csrf_token": token, **hidden_text(first)}
        )
        assert applied.status_code == 303, applied.text
        lines = await amounts(site)
        assert lines["wp1_work.work_grant_allowance"] == 432_000_00

        second = await adele.post(
            "/admin/budget/preview", data={"csrf_token": token}, files=toml(raised)
        )
        assert "Cambiano 1 delle" in second.text
        assert 'id="change-wp1_work.work_grant_allowance"' in second.text
        await adele.post("/admin/budget", data={"csrf_token": token, **hidden_text(second)})
        assert (await amounts(site))["wp1_work.work_grant_allowance"] == 500_000_00
        shown = await adele.get("/admin/budget?applied=1")
        assert 'id="budget-applied"' in shown.text
        assert "wp1_work" not in visible_text(shown.text)  # lines by name, not by id

        # As if approved payments had committed 450,000 € of the line (the ledger set directly).
        ledger = site.harness.store.budget._budget
        line = ledger["wp1_work.work_grant_allowance"]
        ledger[line.line_id] = line.model_copy(update={"committed": 450_000_00})
        for path, fields, files in (
            ("/admin/budget/preview", {}, toml(BUDGET)),
            ("/admin/budget", {"text": BUDGET, "source": "web:b.toml"}, None),
        ):
            below = await adele.post(path, data={"csrf_token": token, **fields}, files=files)
            assert below.status_code == 422, below.text
            assert "<code>budget_below_committed</code>" in below.text
        assert (await amounts(site))["wp1_work.work_grant_allowance"] == 500_000_00


BAD_BUDGETS = [
    ("[wp9.nothing]\neuros = 1\n", "invalid_budget"),
    ("not = [toml", "invalid_budget"),
    ('[wp2_housing.furniture]\neuros = "12.345"\n', "invalid_budget"),
    ("# " + "x" * 70_000, "file_too_large"),
]


async def test_a_bad_budget_file_changes_nothing_and_only_the_admin_sends_one(
    site: Site,
) -> None:
    async with site.browser() as adele:
        token = await sign_in(adele, "adele")
        for text, code in BAD_BUDGETS:
            for path, fields in (("/admin/budget/preview", {}), ("/admin/budget", {"text": text})):
                refused = await adele.post(
                    path,
                    data={"csrf_token": token, **fields},
                    files=toml(text) if not fields else None,
                )
                assert refused.status_code == 422, (path, text[:40], refused.text)
                assert f"<code>{code}</code>" in refused.text
                assert "Non è cambiato nulla" in refused.text
        nothing = await adele.post("/admin/budget/preview", data={"csrf_token": token})
        assert nothing.status_code == 422 and "<code>missing_field</code>" in nothing.text
    assert await amounts(site) == {}

    async with site.browser() as sara:
        token = await sign_in(sara, "sara")
        assert (await sara.get("/admin/budget")).status_code == 403
        sent = await sara.post(
            "/admin/budget", data={"csrf_token": token, "text": BUDGET, "source": "x"}
        )
        assert sent.status_code == 403
        assert (await sara.get("/admin/policy")).status_code == 403
        rolled = await sara.post(
            "/admin/policy", data={"csrf_token": token, "text": POLICY, "source": "x"}
        )
        assert rolled.status_code == 403
    assert await amounts(site) == {}


async def test_a_bad_policy_file_starts_nothing(site: Site) -> None:
    broken = POLICY.replace('baseline = "7 days"', 'baseline = "a week"')
    async with site.browser() as adele:
        token = await sign_in(adele, "adele")
        for path, fields, files in (
            ("/admin/policy/preview", {}, toml(broken)),
            ("/admin/policy", {"text": broken, "source": "p.toml"}, None),
            ("/admin/policy", {"text": "policy_id = ", "source": "p.toml"}, None),
        ):
            refused = await adele.post(path, data={"csrf_token": token, **fields}, files=files)
            assert refused.status_code == 422, refused.text
            assert "<code>invalid_policy</code>" in refused.text
        for digest in ("nothex", "0" * 64):
            assert (await adele.get(f"/admin/policy?rollout={digest}")).status_code == 404
    assert all(record.type != "PolicyApplied" for record in await site.harness.store.read_all())


@pytest.mark.integration
async def test_the_admin_previews_which_deadlines_move_then_puts_the_policy_in_force(
    dev_harness: Harness,
) -> None:
    h = dev_harness
    accounts = await staffed_accounts()
    app = create_test_app(h.pathways, h.store, accounts, web_settings())
    pathway_id = f"policy-{h.task_queue}"
    transport = httpx.ASGITransport(app=app)
    async with (
        build_worker(h.env.client, h.store, h.task_queue, accounts=accounts),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as adele,
    ):
        await h.pathways.open(opening(pathway_id))
        await listed(h, [pathway_id])
        token = await sign_in(adele, "adele")
        preview = await adele.post(
            "/admin/policy/preview", data={"csrf_token": token}, files=toml(LONGER_BASELINE)
        )
        assert preview.status_code == 200, preview.text
        assert f'id="moving-{pathway_id}"' in preview.text
        assert "Le scadenze si spostano in 1 dei 1 percorsi in corso." in preview.text
        assert (await h.pathways.state(pathway_id)).policy == DEFAULT_POLICY  # nothing yet

        applied = await adele.post(
            "/admin/policy", data={"csrf_token": token, **hidden_text(preview)}
        )
        assert applied.status_code == 303, applied.text
        shown = await adele.get(applied.headers["location"])
        assert shown.status_code == 200 and 'id="policy-rollout"' in shown.text
        state = await h.pathways.state(pathway_id)
        assert state.policy != DEFAULT_POLICY
        assert state.policy.revisions[0].deadlines.baseline.duration.days == 10
        again = await adele.post(
            "/admin/policy/preview", data={"csrf_token": token}, files=toml(LONGER_BASELINE)
        )
        assert "Le scadenze si spostano in 0 dei 1 percorsi in corso." in again.text
