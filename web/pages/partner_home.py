"""The pages of a partner account: its assignments, and one page per assignment.

Phone-first (a tutor at a workshop, a teacher in class). A partner sees only the measures
its contact is linked to (the `partner_links` read model, then the pathway's own links, so
a link ended a moment ago hides the measure at once), and of them only an `Assignment`
(`domain.partner_assignment`). Another pathway, or a measure not linked, does not
exist for it (404). Every pathway read is in the access log, with the partner as reader.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from domain.evolution import fold
from domain.partner_assignment import Assignment, assignments
from domain.stream import stream_id_for
from infra.access_log.model import Channel
from infra.accounts.model import Account
from infra.eventstore.base import EventStore
from web.access import page_purpose, record_read
from web.dependencies import StoreDep
from web.pages.render import render
from web.pages.routing import PARTNER_HOME_PATH, PartnerPageAccount, page_router
from web.problems import ProblemError


async def assignments_of(store: EventStore, account: Account) -> list[Assignment]:
    """Every measure the account's contact is linked to, by pathway."""
    assert account.contact_id is not None
    pathway_ids = dict.fromkeys(
        link.pathway_id for link in await store.partner_links.links_of_contact(account.contact_id)
    )
    found: list[Assignment] = []
    for pathway_id in pathway_ids:
        state = fold(await store.read_stream(stream_id_for(pathway_id)))
        found.extend(assignments(state, account.contact_id))
    return found


def build_partner_home_router() -> APIRouter:
    router = page_router()

    @router.get(PARTNER_HOME_PATH)
    async def partner_home(
        store: StoreDep, request: Request, account: PartnerPageAccount
    ) -> Response:
        """The partner's assignments: first name, pathway code, measure and its dates."""
        found = await assignments_of(store, account)
        pathway_ids = list(dict.fromkeys(a.pathway_id for a in found))
        if pathway_ids:
            purpose = page_purpose(request, account)
            await record_read(
                request, account, pathway_ids, "partner_assignments", purpose, Channel.PAGE
            )
        return render(request, "partner_home.html", assignments=found)

    @router.get(PARTNER_HOME_PATH + "/assignments/{pathway_id}/{measure_id}")
    async def partner_assignment(
        store: StoreDep,
        request: Request,
        pathway_id: str,
        measure_id: str,
        account: PartnerPageAccount,
    ) -> Response:
        """One assignment: the measure's schedule (and, later, the partner's records)."""
        assert account.contact_id is not None
        links = await store.partner_links.links_of_contact(account.contact_id)
        if not any((k.pathway_id, k.measure_id) == (pathway_id, measure_id) for k in links):
            raise ProblemError("not_found", "no such assignment", status=404)
        state = fold(await store.read_stream(stream_id_for(pathway_id)))
        assignment = next(
            (a for a in assignments(state, account.contact_id) if a.measure_id == measure_id),
            None,
        )
        if assignment is None:
            raise ProblemError("not_found", "no such assignment", status=404)
        purpose = page_purpose(request, account)
        await record_read(
            request, account, pathway_id, "partner_assignment", purpose, Channel.PAGE, measure_id
        )
        return render(request, "partner_assignment.html", assignment=assignment)

    return router
