"""The receiving caseworker records on the referred measure from its page: the forms are the
pathway page's own, posted to the referral's page and sent as that caseworker; another
measure, another person or a withdrawn consent finds nothing and changes nothing."""

from __future__ import annotations

from datetime import timedelta

from domain.stream import stream_id_for
from infra.access_log.base import InMemoryAccessLog
from tests.scenarios import ASSESSMENT, CONDITION
from tests.web.page_forms import state_of, submit, today, version_of
from tests.web.test_pages import Site, open_pathway, sign_in
from tests.web.test_referral_inbox import NARDO, command, logged_site

__all__ = ["logged_site"]


def two_courses(target: str) -> dict[str, object]:
    course = {"kind": "training_course", "target_date": target}
    return {
        "type": "propose_plan",
        "measures": [{"measure_id": "italian", **course}, {"measure_id": "laptop", **course}],
    }


async def referred_course(site: Site) -> str:
    """anna's pathway with two planned courses; `italian` referred to org-nardo, accepted for
    marta; the consent to share with org-nardo is `consent-1`."""
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    day = await today(site)
    notice = {"type": "record_privacy_notice", "given_on": str(day), "language": "it"}
    consent = {"recipients": NARDO, "purpose": "referral", "given_on": str(day)}
    refer = {"to_organisation": "org-nardo", "service": "Corso A2", "measure_id": "italian"}
    accept = {"type": "accept_referral", "referral_id": "referral-1", "caseworker_id": "marta"}
    for body, who in (
        ({"type": "record_baseline", "condition": CONDITION}, "anna"),
        (ASSESSMENT, "anna"),
        (two_courses((day + timedelta(days=90)).isoformat()), "anna"),
        ({"type": "approve_plan"}, "sara"),
        ({**notice, "version": "1"}, "anna"),
        ({"type": "give_consent", **consent}, "anna"),
        ({"type": "refer_pathway", **refer}, "anna"),
        (accept, "paolo"),
    ):
        await command(site, pathway_id, body, who)
    return pathway_id


async def test_the_receiving_caseworker_records_on_the_referred_measure_from_its_page(
    logged_site: tuple[Site, InMemoryAccessLog],
) -> None:
    site, _ = logged_site
    pathway_id = await referred_course(site)
    day = str(await today(site))
    work = f"/referrals/{pathway_id}/referral-1/work"
    details = {
        "subject": "italian_l2",
        "title": "Italiano A2",
        "provider": "Scuola Nardò",
        "planned_hours": "60",
        "start_on": day,
    }
    async with site.browser() as marta:
        await sign_in(marta, "marta")
        page = await marta.get(work)
        assert "Avvia una misura" in page.text and "laptop" not in page.text
        started = await submit(marta, page, "form-start_measure", {"details": details})
        assert (started.status_code, started.headers["location"]) == (303, work)

        page = await marta.get(work)
        form = "form-record_measure_progress-course_attendance"
        assert "Fatto" in page.text and form in page.text
        before = await version_of(site, pathway_id)
        bad = {"progress": {"period_end": day, "hours": "-3"}}
        refused = await submit(marta, page, form, bad)
        assert refused.status_code == 422 and 'id="measure"' in refused.text
        assert "laptop" not in refused.text
        assert await version_of(site, pathway_id) == before

        hours = {"progress": {"period_end": day, "hours": "12"}}
        recorded = await submit(marta, page, form, hours)
        assert recorded.status_code == 303, recorded.text

        before = await version_of(site, pathway_id)
        other = {
            "csrf_token": "",
            "command_id": "web-other-measure",
            "measure_id": "laptop",
            "details.subject": "digital_skills",
            "details.title": "Digitale",
            "details.provider": "X",
            "details.planned_hours": "10",
            "details.start_on": day,
        }
        page = await marta.get(work)
        other["csrf_token"] = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        elsewhere = await marta.post(f"{work}/start_measure", data=other)
        assert elsewhere.status_code == 404 and "not_found" in elsewhere.text
        progress = {
            "csrf_token": other["csrf_token"],
            "command_id": "web-other-progress",
            "measure_id": "laptop",
            "progress.kind": "course_attendance",
            "progress.period_end": day,
            "progress.hours": "5",
        }
        elsewhere = await marta.post(f"{work}/record_measure_progress", data=progress)
        assert elsewhere.status_code == 404 and "not_found" in elsewhere.text
        via_pathway = await marta.post(f"/pathways/{pathway_id}/commands/start_measure", data=other)
        assert via_pathway.status_code == 404 and "pathway_not_found" in via_pathway.text
        assert await version_of(site, pathway_id) == before

    for who in ("anna", "paolo", "luca"):
        async with site.browser() as someone:
            await sign_in(someone, who)
            page = await someone.get(work)
            assert page.status_code == 404, who
    records = await site.harness.store.read_stream(stream_id_for(pathway_id))
    progress = [r for r in records if r.type == "MeasureProgressRecorded"]
    assert [(r.actor.id, r.data["measure_id"]) for r in progress] == [("marta", "italian")]
    state = await state_of(site, pathway_id)
    assert state.measures["laptop"].status == "planned"
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        history = await anna.get(f"/pathways/{pathway_id}/history")
        assert "Marta, operatore/operatrice" in history.text


async def test_a_withdrawn_consent_takes_the_referred_measure_off_the_receiving_page(
    logged_site: tuple[Site, InMemoryAccessLog],
) -> None:
    site, _ = logged_site
    pathway_id = await referred_course(site)
    work = f"/referrals/{pathway_id}/referral-1/work"
    async with site.browser() as marta:
        await sign_in(marta, "marta")
        page = await marta.get(work)
        assert page.status_code == 200 and "Corso A2" in page.text
        withdraw = {"consent_id": "consent-1", "withdrawn_on": str(await today(site))}
        await command(site, pathway_id, {"type": "withdraw_consent", **withdraw})
        gone = await marta.get(work)
        assert gone.status_code == 404 and "Corso A2" not in gone.text
        assert "pathway_not_found" in gone.text
        before = await version_of(site, pathway_id)
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        start = {"csrf_token": csrf, "command_id": "web-after-withdrawal", "measure_id": "italian"}
        refused = await marta.post(f"{work}/start_measure", data=start)
        assert refused.status_code == 404 and "Corso A2" not in refused.text
        assert await version_of(site, pathway_id) == before
