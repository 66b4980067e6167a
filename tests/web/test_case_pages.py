"""Case work through the pages alone, in Italian: from opening to closure, refusals, scope.

Each step fills in the form the page draws (its hidden command id and CSRF token
included) the way a browser would, and posts it to where the form says
(tests/web/page_forms.py). The module's tests share one server, worker and app
(tests/web/test_pages.py's `shared_site`); each opens pathways of its own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest_asyncio

from domain.values import Stage
from tests.scenarios import ASSESSMENT, CASEWORKER, CONDITION, OPEN, SUPERVISOR
from tests.web.page_forms import (
    chooser_action,
    forms_of,
    measure_step,
    state_of,
    step,
    submit,
    today,
    version_of,
)
from tests.web.staff import STAFF
from tests.web.test_pages import Site, open_pathway, shared_site, sign_in
from tests.workflows.journey import envelope

__all__ = ["shared_site"]


@pytest_asyncio.fixture(loop_scope="session")
async def site(shared_site: Site) -> Site:
    """The module's app as a test finds it: its clock the server's (a test before may have
    skipped the server's ahead) and the staff's language Italian."""
    shared_site.skew[0] = await shared_site.harness.env.get_current_time() - datetime.now(UTC)
    for person in STAFF:
        await shared_site.accounts.update_account(person, language="it")
    return shared_site


async def test_reception_to_closure_through_the_pages_in_italian(site: Site) -> None:
    day = await today(site)
    d = lambda days: (day + timedelta(days=days)).isoformat()  # noqa: E731
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        form = await anna.get("/pathways/new")
        assert form.status_code == 200
        assert "Apri un percorso" in form.text and "Cittadinanza" in form.text
        assert 'name="caseworker_id"' not in form.text, "a caseworker opens for themself"
        opening = {
            k: v
            for k, v in OPEN.items()
            if k not in ("type", "pathway_id", "organisation_id", "caseworker_id")
        }
        opened = await submit(anna, form, "form-open_pathway", opening)
        assert opened.status_code == 303, opened.text
        pathway_id = opened.headers["location"].removeprefix("/pathways/")
        page = await anna.get(opened.headers["location"])
        assert "Amina Diallo" in page.text
        assert "Fatto: Apri un percorso." in page.text
        assert 'aria-current="step"' in page.text and "Accoglienza" in page.text
        assert f'href="/pathways/{pathway_id}/history"' in page.text
        assert "Registra la situazione di partenza" in page.text, "the baseline is due"
        state = await state_of(site, pathway_id)
        assert state.caseworker_id == "anna" and state.organisation_id == "org-lecce"
        assert state.policy is not None

        await step(anna, pathway_id, "record_baseline", {"condition": CONDITION})
        await step(
            anna, pathway_id, "record_skills_assessment", {"assessment": ASSESSMENT["assessment"]}
        )
        assessed = await state_of(site, pathway_id)
        assert assessed.assessment.languages[0].language == "French"
        assert assessed.assessment.titles_held == ("Baccalauréat",)
        assert assessed.stage == Stage.PLANNING

        plan = {
            "measures": [
                {
                    "measure_id": "italian",
                    "kind": "training_course",
                    "target_date": d(120),
                    "description": "Corso A2",
                },
                {"measure_id": "bike", "kind": "mobility", "target_date": d(60)},
            ]
        }
        await step(anna, pathway_id, "propose_plan", plan)
        proposed = await state_of(site, pathway_id)
        assert proposed.pending_plan is not None
        assert [m.measure_id for m in proposed.pending_plan.measures] == ["italian", "bike"]
        mine = await anna.get(f"/pathways/{pathway_id}")
        assert "form-approve_plan" not in mine.text, "never offered to the proposer"
        assert (await anna.get("/approvals")).status_code == 403

    async with site.browser() as sara:
        await sign_in(sara, "sara")
        queue = await sara.get("/approvals")
        assert queue.status_code == 200
        assert "Piani da approvare" in queue.text and "Amina Diallo" not in queue.text
        # The person by first name and the pathway by its code, as the history page shows them.
        assert ">Amina</a>" in queue.text and f">{pathway_id[:8]}…<" in queue.text
        assert f"Percorso {pathway_id}" not in queue.text
        assert "Corso A2" in queue.text
        approved = await submit(sara, queue, f"form-approve_plan-{pathway_id}")
        assert approved.status_code == 303 and approved.headers["location"] == "/approvals"
        assert "Amina Diallo" not in (await sara.get("/approvals")).text

    async with site.browser() as anna:
        await sign_in(anna, "anna")
        await measure_step(
            anna,
            pathway_id,
            "start_measure",
            "italian",
            {
                "details": {
                    "subject": "italian_l2",
                    "title": "Italiano A2",
                    "provider": "CPIA Lecce",
                    "planned_hours": "100",
                    "start_on": d(0),
                }
            },
        )
        await measure_step(
            anna,
            pathway_id,
            "record_measure_progress",
            "italian course_attendance",
            {"progress": {"period_end": d(0), "hours": "40"}},
        )
        await measure_step(
            anna,
            pathway_id,
            "complete_measure",
            "italian",
            {"outcome": {"certificate": True, "completed_on": d(0), "cefr_level_reached": "a2"}},
        )
        await step(
            anna,
            pathway_id,
            "cancel_measure",
            {"measure_id": "bike", "reason": "Ha già una bicicletta"},
        )
        middle = await anna.get(f"/pathways/{pathway_id}")
        assert "Corso di formazione" in middle.text or "Italiano A2" in middle.text
        assert "Italiano A2" in middle.text and "CPIA Lecce" in middle.text
        assert "Attestato conseguito" in middle.text

        await step(
            anna,
            pathway_id,
            "record_exit",
            {"reason": "autonomy", "outcomes": {**CONDITION, "employment": "employed"}},
        )
        exited = await anna.get(f"/pathways/{pathway_id}")
        assert "La verifica dopo l'uscita si può registrare dal" in exited.text
        later = {"outcomes": {**CONDITION, "employment": "employed"}}
        early = await submit(anna, exited, "form-record_follow_up", later)
        assert early.status_code == 422 and "follow_up_too_early" in early.text
        # Five months on (the default policy's window), the follow-up is taken.
        await site.harness.env.sleep(timedelta(days=160))
        site.skew[0] += timedelta(days=160)
        await step(anna, pathway_id, "record_follow_up", later)
        await step(anna, pathway_id, "close_pathway", {})
        closed = await anna.get(f"/pathways/{pathway_id}")
        assert "Chiuso" in closed.text
        assert 'method="post" action="/pathways/' not in closed.text, "nothing more to do"

    final = await state_of(site, pathway_id)
    assert final.stage == Stage.CLOSED
    italian = final.measures["italian"]
    assert italian.status.value == "completed" and italian.outcome.cefr_level_reached == "a2"
    assert final.measures["bike"].status.value == "cancelled"


async def test_a_refused_form_comes_back_with_the_reason_and_records_nothing(site: Site) -> None:
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        page = await anna.get(f"/pathways/{pathway_id}")
        before = await version_of(site, pathway_id)
        refused = await submit(anna, page, "form-renew_permit", {"permit_expires_on": "2020-01-31"})
        assert refused.status_code == 422
        assert "Una data non è in ordine" in refused.text and "date_order_invalid" in refused.text
        assert 'value="2020-01-31"' in refused.text, "the input is kept"
        assert "field-error" in refused.text, "and the reason is beside its field"
        assert await version_of(site, pathway_id) == before

        invalid = await submit(
            anna, page, "form-record_baseline", {"condition": {"self_esteem": "99"}}
        )
        assert invalid.status_code == 422
        assert "Inserisci 40 o meno." in invalid.text
        assert "Compila questo campo." in invalid.text
        assert 'value="99"' in invalid.text
        assert await version_of(site, pathway_id) == before

        corrected = await submit(
            anna, refused, "form-renew_permit", {"permit_expires_on": "2030-01-31"}
        )
        assert corrected.status_code == 303, "the same form, corrected, goes through"
        assert await version_of(site, pathway_id) == before + 1


async def test_a_form_sent_twice_is_applied_once(site: Site) -> None:
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        page = await anna.get(f"/pathways/{pathway_id}")
        before = await version_of(site, pathway_id)
        first = await submit(anna, page, "form-add_note", {"text": "Colloquio con Amina"})
        second = await submit(anna, page, "form-add_note", {"text": "Colloquio con Amina"})
        assert first.status_code == second.status_code == 303
        assert await version_of(site, pathway_id) == before + 1
        form = await anna.get("/pathways/new")
        opening = {
            k: v
            for k, v in OPEN.items()
            if k not in ("type", "pathway_id", "organisation_id", "caseworker_id")
        }
        once = await submit(anna, form, "form-open_pathway", opening)
        twice = await submit(anna, form, "form-open_pathway", opening)
        assert once.status_code == twice.status_code == 303
        assert once.headers["location"] == twice.headers["location"], "one pathway opened"


async def test_another_caseworkers_pathway_does_not_exist_for_a_caseworker(site: Site) -> None:
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        page = await anna.get(f"/pathways/{pathway_id}")
    async with site.browser() as luca:
        token = await sign_in(luca, "luca")
        unknown = await luca.get("/pathways/p-nobody")
        foreign = await luca.get(f"/pathways/{pathway_id}")
        assert foreign.status_code == unknown.status_code == 404
        assert foreign.text.replace(pathway_id, "").count("p-nobody") == 0
        assert (await luca.get(f"/pathways/{pathway_id}/commands/add_note")).status_code == 404
        data = dict(forms_of(page)["form-add_note"]["fields"], text="Non mio", csrf_token=token)
        before = await version_of(site, pathway_id)
        posted = await luca.post(f"/pathways/{pathway_id}/commands/add_note", data=data)
        assert posted.status_code == 404
        assert await version_of(site, pathway_id) == before


async def test_the_auditor_reads_the_page_and_gets_no_form(site: Site) -> None:
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    async with site.browser() as aldo:
        token = await sign_in(aldo, "aldo")
        page = await aldo.get(f"/pathways/{pathway_id}")
        assert page.status_code == 200 and "Amina Diallo" in page.text
        assert "command_id" not in page.text
        assert "Ora non ci sono azioni possibili su questo percorso." in page.text
        assert (await aldo.get("/pathways/new")).status_code == 403
        posted = await aldo.post(
            f"/pathways/{pathway_id}/commands/add_note",
            data={"text": "x", "command_id": "c-aldo-1", "csrf_token": token},
        )
        assert posted.status_code == 403


async def test_plan_rows_are_added_with_htmx_or_without_javascript(site: Site) -> None:
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    url = f"/pathways/{pathway_id}/commands/propose_plan"
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        row = await anna.get(f"{url}/row", params={"list": "measures", "index": "3"})
        assert row.status_code == 200
        assert 'name="measures.3.kind"' in row.text and "Tipo di misura" in row.text
        assert "hx-swap-oob" in row.text and "&#34;index&#34;: 4" in row.text
        assert (
            await anna.get(f"{url}/row", params={"list": "nowhere", "index": "1"})
        ).status_code == 404
        await step(anna, pathway_id, "record_baseline", {"condition": CONDITION})
        assessment = {"assessment": ASSESSMENT["assessment"]}
        await step(anna, pathway_id, "record_skills_assessment", assessment)
        page = await anna.get(url)
        assert page.status_code == 200
        before = await version_of(site, pathway_id)
        added = await submit(anna, page, "form-propose_plan", {"_add": "measures"})
        assert added.status_code == 200
        assert 'name="measures.3.kind"' in added.text, "a fourth row"
        assert await version_of(site, pathway_id) == before, "and nothing sent"


async def test_a_supervisor_opens_a_pathway_for_a_caseworker_of_their_organisation(
    site: Site,
) -> None:
    async with site.browser() as sara:
        await sign_in(sara, "sara")
        form = await sara.get("/pathways/new")
        assert 'value="luca"' in form.text and 'value="marta"' not in form.text
        opening = {
            k: v
            for k, v in OPEN.items()
            if k not in ("type", "pathway_id", "organisation_id", "caseworker_id")
        }
        foreign = await submit(
            sara, form, "form-open_pathway", {**opening, "caseworker_id": "marta"}
        )
        assert foreign.status_code == 422 and "Scegli una delle opzioni." in foreign.text
        opened = await submit(sara, form, "form-open_pathway", {**opening, "caseworker_id": "luca"})
        assert opened.status_code == 303, opened.text
    pathway_id = opened.headers["location"].removeprefix("/pathways/")
    state = await state_of(site, pathway_id)
    assert (state.caseworker_id, state.organisation_id) == ("luca", "org-lecce")


async def test_a_family_hosting_move_in_asks_for_its_time_and_without_it_records_nothing(
    site: Site,
) -> None:
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    d = (await today(site)).isoformat()
    hosting = {"kind": "housing_placement", "solution": "family_hosting", "start_on": d}
    plan = {
        "type": "propose_plan",
        "measures": [{"measure_id": "home", "kind": "housing_placement", "target_date": d}],
    }
    for command, actor in (
        ({"type": "record_baseline", "condition": CONDITION}, CASEWORKER),
        (ASSESSMENT, CASEWORKER),
        (plan, CASEWORKER),
        ({"type": "approve_plan"}, SUPERVISOR),
        ({"type": "start_measure", "measure_id": "home", "details": hosting}, CASEWORKER),
    ):
        await site.harness.pathways.send(pathway_id, envelope(command, actor))
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        page = await anna.get(f"/pathways/{pathway_id}")
        chooser = chooser_action(forms_of(page), "record_measure_progress")
        chosen = await anna.get(chooser, params={"choice": "home moved_in"})
        assert 'type="time"' in chosen.text and "Ora (ora italiana)" in chosen.text
        before = await version_of(site, pathway_id)

        refused = await submit(
            anna, chosen, "form-record_measure_progress", {"progress": {"on": d}}
        )

        assert refused.status_code == 422
        assert "time_required" in refused.text and "Indica anche l&#39;ora" in refused.text
        assert await version_of(site, pathway_id) == before
        done = await submit(
            anna, refused, "form-record_measure_progress", {"progress": {"on": d, "at": "22:30"}}
        )
        assert done.status_code == 303
        assert await version_of(site, pathway_id) == before + 1
