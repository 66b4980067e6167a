"""Search: the pathways a person may see, found by the beneficiary's name, document number,
phone, birth date, or the pathway's code (docs/search.md).

One function, `search`, answers the API (`GET /api/v1/search`) and the page (`/search`,
the box in every page header): it checks the text, narrows it to the searcher's scope in
the query itself (a pathway outside the scope is never looked at), reads the names of
what it found and records that read in the access log, with its purpose, before it
answers. A refused search (bad text, a role that searches nothing) records nothing.

Scope: a caseworker searches their own caseload, and the referrals accepted for them by
the beneficiary's first name only (what the referral shows them); a supervisor their
organisation; the coordinator and the auditor every pathway. An admin searches nothing
(403); a partner reaches no staff route (404), and finds their few linked measures on their
home page already.
"""

from __future__ import annotations

from typing import Literal

from fastapi import Request
from pydantic import BaseModel

from domain.values import Role, Stage
from infra.access_log.model import Channel, Purpose
from infra.accounts.model import Account
from infra.crypto.search_tokens import MAX_QUERY_WORDS, name_words
from infra.eventstore.base import EventStore
from infra.eventstore.search_index import MAX_HITS, SearchScope
from web.access import record_read
from web.beneficiaries import beneficiary_names
from web.problems import ProblemError
from web.scope import FORBIDDEN, READ_ALL, may_read

INVALID_SEARCH = "invalid_search"
QUERY_FIELD = "q"
MIN_LENGTH, MAX_LENGTH = 2, 100
SEARCHED = "search_result"
"""What the access log records for each pathway a search showed."""
SEARCHING_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR, *READ_ALL})


class SearchHit(BaseModel):
    """One pathway found: its code, where it is, and who it is about (as far as allowed)."""

    pathway_id: str
    organisation_id: str
    stage: Stage | None
    """None for a referral: its page shows the referred measure, not the pathway."""
    found_as: Literal["pathway", "referral"]
    """`referral`: a referral accepted for the caseworker; only the first name is shown."""
    name: str | None
    """The beneficiary's name (the first name for a referral); None once erased."""
    referral_id: str | None = None
    """The referral that gives the caseworker the pathway's referred measure."""


def checked_text(text: str | None) -> str:
    """The search text, trimmed.

    Raises:
        ProblemError: `invalid_search` (422, field `q`): blank, shorter than 2 or longer
            than 100 characters, or more than 8 words.
    """
    text = (text or "").strip()
    if not MIN_LENGTH <= len(text) <= MAX_LENGTH:
        raise ProblemError(
            INVALID_SEARCH,
            f"search for {MIN_LENGTH} to {MAX_LENGTH} characters",
            QUERY_FIELD,
        )
    if len(text.split()) > MAX_QUERY_WORDS:
        raise ProblemError(
            INVALID_SEARCH, f"search for at most {MAX_QUERY_WORDS} words", QUERY_FIELD
        )
    return text


def search_scope(account: Account) -> SearchScope:
    """The pathways the account searches over.

    Raises:
        ProblemError: `forbidden` (403) for a role that reads no caseload (partner, admin).
    """
    if account.role in READ_ALL:
        return SearchScope()
    if account.role == Role.SUPERVISOR:
        return SearchScope(organisation_id=account.organisation_id or "")
    if account.role == Role.CASEWORKER:
        return SearchScope(caseworker_id=account.id)
    raise ProblemError(FORBIDDEN, f"a {account.role} searches no pathways", status=403)


async def search(
    request: Request,
    store: EventStore,
    account: Account,
    text: str | None,
    purpose: Purpose,
    channel: Channel,
) -> list[SearchHit]:
    """The pathways within the account's scope that `text` finds, names included, once the
    read is in the access log (one entry per pathway shown).

    Raises:
        ProblemError: `invalid_search` (422) or `forbidden` (403); nothing is recorded.
        Unavailable: the access log cannot be written (503); nothing is answered.
    """
    scope = search_scope(account)
    text = checked_text(text)
    found = await store.search_index.search(text, scope)
    summary = await store.caseload.get_summary(text)
    if summary is not None and summary.pathway_id not in found and may_read(account, summary):
        found.insert(0, summary.pathway_id)
    hits = await _pathway_hits(store, found[:MAX_HITS])
    if account.role == Role.CASEWORKER:
        hits += await _referral_hits(store, account, text, {h.pathway_id for h in hits})
    if hits:
        await record_read(
            request, account, [h.pathway_id for h in hits], SEARCHED, purpose, channel
        )
    return hits


async def _pathway_hits(store: EventStore, pathway_ids: list[str]) -> list[SearchHit]:
    names = await beneficiary_names(store, pathway_ids)
    hits = []
    for pathway_id in pathway_ids:
        summary = await store.caseload.get_summary(pathway_id)
        if summary is None:
            continue
        hits.append(
            SearchHit(
                pathway_id=pathway_id,
                organisation_id=summary.organisation_id,
                stage=summary.stage,
                found_as="pathway",
                name=names.get(pathway_id),
            )
        )
    return hits


async def _referral_hits(
    store: EventStore, account: Account, text: str, shown: set[str]
) -> list[SearchHit]:
    """The referrals accepted for the caseworker whose first name holds every word of the
    text, or whose pathway code it is: what the referral's page shows them, no more."""
    words = set(name_words(text))
    hits = []
    for view in await store.referral_inbox.accepted_for(account.id):
        if view.pathway_id in shown:
            continue
        if text != view.pathway_id and not (words and words <= set(name_words(view.given_name))):
            continue
        shown.add(view.pathway_id)
        hits.append(
            SearchHit(
                pathway_id=view.pathway_id,
                organisation_id=view.from_organisation,
                stage=None,
                found_as="referral",
                name=view.given_name,
                referral_id=view.key,
            )
        )
    return hits
