"""Referral and transfer from the pathway page: offered once a consent for the purpose is
active, refused forms record nothing, the history names them in Italian."""

from __future__ import annotations

from tests.web.page_forms import state_of, step, submit, today, version_of
from tests.web.page_site import site
from tests.web.test_pages import Site, open_pathway, sign_in

__all__ = ["site"]

NARDO = [{"kind": "organisation", "id": "org-nardo"}]


async def test_a_referral_and_a_transfer_are_asked_from_the_page(site: Site) -> None:
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    day = (await today(site)).isoformat()
    async with site.browser() as anna:
        await sign_in(anna, "anna")
        notice = {"given_on": day, "language": "it", "version": "1"}
        await step(anna, pathway_id, "record_privacy_notice", notice)
        page = await anna.get(f"/pathways/{pathway_id}")
        assert "form-refer_pathway" not in page.text, "no referral without a consent"
        consent = {"recipients": NARDO, "purpose": "referral", "given_on": day}
        await step(anna, pathway_id, "give_consent", consent)
        page = await anna.get(f"/pathways/{pathway_id}")
        assert "Invia a un altro ente" in page.text and "form-transfer_pathway" not in page.text

        before = await version_of(site, pathway_id)
        own = {"to_organisation": "org-lecce", "service": "Corso di italiano"}
        refused = await submit(anna, page, "form-refer_pathway", own)
        assert refused.status_code == 422 and "invalid_command" in refused.text
        other = {"to_organisation": "org-maglie", "service": "Corso di italiano"}
        refused = await submit(anna, page, "form-refer_pathway", other)
        assert refused.status_code == 422 and "consent_required" in refused.text
        assert await version_of(site, pathway_id) == before

        referral = {"to_organisation": "org-nardo", "service": "Corso di italiano"}
        await step(anna, pathway_id, "refer_pathway", referral)
        history = (await anna.get(f"/pathways/{pathway_id}/history")).text
    assert "Invio a un altro ente" in history
    [made] = (await state_of(site, pathway_id)).referrals.given.values()
    assert (made.to_organisation, made.status) == ("org-nardo", "pending")
