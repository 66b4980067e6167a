"""Consents from the pathway page: the forms, their refusals, the section and the history."""

from __future__ import annotations

from datetime import timedelta

from tests.web.page_forms import state_of, step, submit, today, version_of
from tests.web.page_site import site
from tests.web.test_pages import Site, open_pathway, sign_in

__all__ = ["site"]


async def test_consents_are_recorded_from_the_page_and_shown_in_italian(site: Site) -> None:
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    day = await today(site)
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        page = await anna.get(f"/pathways/{pathway_id}")
        assert "Privacy e consensi" in page.text
        assert "L'informativa privacy non è ancora stata consegnata" in page.text
        assert "form-give_consent" not in page.text, "no consent before the notice"
        before = await version_of(site, pathway_id)
        future = (day + timedelta(days=2)).isoformat()
        refused = await submit(
            anna,
            page,
            "form-record_privacy_notice",
            {"given_on": future, "language": "it", "version": "2026-01"},
        )
        assert refused.status_code == 422 and "fact_in_future" in refused.text
        blank = await submit(anna, page, "form-record_privacy_notice", {"given_on": day})
        assert blank.status_code == 422 and "Compila questo campo." in blank.text
        assert await version_of(site, pathway_id) == before

        notice = {"given_on": day.isoformat(), "language": "it", "version": "2026-01"}
        await step(anna, pathway_id, "record_privacy_notice", notice)
        page = await anna.get(f"/pathways/{pathway_id}")
        consent = {
            "recipients": [{"kind": "partner", "id": "cpia-lecce"}],
            "purpose": "referral",
            "given_on": (day - timedelta(days=1)).isoformat(),
        }
        early = await submit(anna, page, "form-give_consent", consent)
        assert early.status_code == 422 and "privacy_notice_missing" in early.text
        assert "registra prima l&#39;informativa" in early.text
        assert await version_of(site, pathway_id) == before + 1

        await step(anna, pathway_id, "give_consent", {**consent, "given_on": day.isoformat()})
        page = await anna.get(f"/pathways/{pathway_id}")
        assert "Invio a un&#39;altra organizzazione" in page.text and "Attivo" in page.text
        withdrawal = {"consent_id": "consent-1", "withdrawn_on": day.isoformat()}
        await step(anna, pathway_id, "withdraw_consent", withdrawal)
        page = await anna.get(f"/pathways/{pathway_id}")
        assert "Revocato il" in page.text and "form-withdraw_consent" not in page.text
        history = (await anna.get(f"/pathways/{pathway_id}/history")).text
    for title in (
        "Informativa privacy consegnata",
        "Consenso alla condivisione dei dati dato",
        "Consenso alla condivisione dei dati revocato",
    ):
        assert title in history
    consents = (await state_of(site, pathway_id)).consents
    assert consents.notice.version == "2026-01" and consents.given["consent-1"].withdrawn_on == day
