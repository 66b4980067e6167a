"""The partner links read model, on every store: written with the events, replaced when an
append gives them, kept when it does not, queried by contact and by pathway."""

from __future__ import annotations

import pytest

from domain.projections import PartnerLink
from infra.eventstore.base import EventStore
from tests.eventstore.builders import read_models, records, summary

P1 = "pw-0001"
P2 = "pw-0002"


def link(pathway_id: str, measure_id: str, contact_id: str) -> PartnerLink:
    return PartnerLink(
        pathway_id=pathway_id,
        organisation_id="org-a",
        measure_id=measure_id,
        measure_kind="work_grant",
        contact_id=contact_id,
        partner_id="partner-1",
    )


async def append(
    store: EventStore, pathway_id: str, version: int, *links: PartnerLink | None
) -> None:
    given = None if links == (None,) else tuple(link for link in links if link is not None)
    update = read_models(summary(pathway_id, version + 1)).model_copy(
        update={"partner_links": given}
    )
    await store.append(
        pathway_id, version, records(pathway_id, version, f"{pathway_id}-c{version}"), update
    )


async def test_links_are_written_with_the_events_and_read_by_contact_and_pathway(
    store: EventStore,
) -> None:
    await append(store, P1, 0, link(P1, "wg", "tutor"), link(P1, "it", "teacher"))
    await append(store, P2, 0, link(P2, "wg", "tutor"))

    assert await store.partner_links.links_of_contact("tutor") == [
        link(P1, "wg", "tutor"),
        link(P2, "wg", "tutor"),
    ]
    assert await store.partner_links.links_of_pathway(P1) == [
        link(P1, "it", "teacher"),
        link(P1, "wg", "tutor"),
    ]
    assert await store.partner_links.links_of_contact("nobody") == []


async def test_an_append_without_links_keeps_them_and_one_with_them_replaces_them(
    store: EventStore,
) -> None:
    await append(store, P1, 0, link(P1, "wg", "tutor"))
    await append(store, P2, 0, link(P2, "wg", "tutor"))

    await append(store, P1, 1, None)
    assert await store.partner_links.links_of_pathway(P1) == [link(P1, "wg", "tutor")]

    await append(store, P1, 2)  # every link of P1 ended
    assert await store.partner_links.links_of_pathway(P1) == []
    assert await store.partner_links.links_of_contact("tutor") == [link(P2, "wg", "tutor")]


@pytest.mark.parametrize("kept", [True, False])
async def test_a_rebuild_replaces_the_links_it_gives(store: EventStore, kept: bool) -> None:
    await append(store, P1, 0, link(P1, "wg", "tutor"))
    given = None if kept else (link(P1, "it", "teacher"),)
    await store.replace_read_models(
        read_models(summary(P1, 1)).model_copy(update={"partner_links": given})
    )
    expected = [link(P1, "wg", "tutor")] if kept else [link(P1, "it", "teacher")]
    assert await store.partner_links.links_of_pathway(P1) == expected
