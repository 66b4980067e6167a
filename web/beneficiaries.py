"""Who a listed pathway is about: the beneficiary's name for lists of pathways.

The read models hold no personal data on purpose (`PathwaySummary`), so a page that lists
pathways by the people they are about reads each one's opening, the only event that says
who the beneficiary is, in one query, and records the read in the access log like any
other page that shows personal data.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Request

from domain.events import PathwayOpened, parse_event
from domain.stream import stream_id_for
from infra.access_log.model import Channel
from infra.accounts.model import Account
from infra.eventstore.base import EventRecorder
from web import dependencies
from web.access import page_purpose, record_read

Names = dict[str, str | None]
"""Pathway id → "Given Family"; None for a pathway whose personal data were erased. A
pathway with no opening recorded is absent."""


async def beneficiary_names(store: EventRecorder, pathway_ids: Iterable[str]) -> Names:
    """The names of the beneficiaries of `pathway_ids`, from their openings."""
    ids = list(dict.fromkeys(pathway_ids))
    openings = await store.first_records([stream_id_for(p) for p in ids])
    names: Names = {}
    for pathway_id in ids:
        record = openings.get(stream_id_for(pathway_id))
        if record is None:
            continue
        event = parse_event(record.type, record.schema_version, record.data)
        if record.erased or not isinstance(event, PathwayOpened):
            names[pathway_id] = None
            continue
        names[pathway_id] = f"{event.beneficiary.given_name} {event.beneficiary.family_name}"
    return names


async def names_shown(
    request: Request, account: Account, pathway_ids: Iterable[str], what: str
) -> Names:
    """The names a page lists, once their reading is in the access log (as `what`).

    Raises:
        Unavailable: the access log could not be written; the page is not answered.
    """
    store = dependencies.event_store(request)
    names = await beneficiary_names(store, pathway_ids)
    if not names:
        return {}
    purpose = page_purpose(request, account)
    await record_read(request, account, list(names), what, purpose, Channel.PAGE)
    return names
