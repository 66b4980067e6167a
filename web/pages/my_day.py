""" "My day" at `/`: my caseload by stage, what is overdue or due next, my latest notices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domain.obligations import Standing
from domain.projections import PathwaySummary
from domain.values import Role, Stage
from infra.access_log.model import Channel
from infra.accounts.model import Account
from infra.eventstore.base import EventStore
from infra.eventstore.notifications import InboxItem
from infra.eventstore.queries import OverdueObligation
from web.access import page_purpose, record_read
from web.beneficiaries import names_shown
from web.dependencies import AccountsDep, SettingsDep, StoreDep
from web.pages.notice_standing import PENDING, standings
from web.pages.people import people_named
from web.pages.render import render
from web.pages.routing import HOME_PATH, PageAccount, page_router
from web.scope import caseload_filter

CASELOAD_LIMIT = 200
"""Rows read for the page; a larger caseload shows a note and the first rows."""
OVERDUE_LIMIT = 50
UPCOMING_LIMIT = 10
INBOX_LIMIT = 10
INBOX_SCAN = 100
"""Notices read to find the `INBOX_LIMIT` newest still pending."""
INBOX_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR})
"""Roles the deadline ladder writes to; the others have no inbox."""


@dataclass(frozen=True)
class MyDay:
    """What the page shows, all of it within the account's scope."""

    by_stage: list[tuple[Stage, list[PathwaySummary]]]
    caseload_truncated: bool
    overdue: list[OverdueObligation]
    upcoming: list[PathwaySummary]
    inbox: list[InboxItem]
    """The newest notices whose obligation is still owed (`domain.obligations.standing`)."""
    standings: dict[str, Standing]


def group_by_stage(summaries: Sequence[PathwaySummary]) -> list[tuple[Stage, list[PathwaySummary]]]:
    """The stages that have pathways, in the order a pathway goes through them."""
    groups: dict[Stage, list[PathwaySummary]] = {stage: [] for stage in Stage}
    for summary in summaries:
        groups[summary.stage].append(summary)
    return [(stage, rows) for stage, rows in groups.items() if rows]


async def my_day(store: EventStore, account: Account, now: datetime) -> MyDay:
    """Read the caseload, deadlines and inbox of one account, scoped by its role."""
    scope = caseload_filter(account, None, None)
    summaries: list[PathwaySummary] = []
    overdue: list[OverdueObligation] = []
    if not scope.empty:
        summaries = await store.caseload.list_summaries(
            organisation_id=scope.organisation_id,
            caseworker_id=scope.caseworker_id,
            limit=CASELOAD_LIMIT,
        )
        overdue = await store.caseload.overdue_obligations(
            now,
            caseworker_id=scope.caseworker_id,
            organisation_id=scope.organisation_id,
            limit=OVERDUE_LIMIT,
        )
    upcoming = sorted(
        (s for s in summaries if s.next_deadline is not None and s.next_deadline > now),
        key=lambda s: (s.next_deadline, s.pathway_id),
    )[:UPCOMING_LIMIT]
    inbox: list[InboxItem] = []
    if account.role in INBOX_ROLES:
        # The coordinator's inbox spans every organisation: theirs is not needed.
        inbox = await store.notifications.inbox(
            user_id=account.id,
            role=account.role,
            organisation_id=account.organisation_id or "",
            limit=INBOX_SCAN,
        )
    found = await standings(store, inbox, now)
    # What is settled (met, or its pathway closed) is no longer part of the day: the inbox
    # keeps it, marked so.
    inbox = [i for i in inbox if found[i.notification.notification_id] in PENDING][:INBOX_LIMIT]
    return MyDay(
        by_stage=group_by_stage(summaries),
        caseload_truncated=len(summaries) >= CASELOAD_LIMIT,
        overdue=overdue,
        upcoming=upcoming,
        inbox=inbox,
        standings=found,
    )


def build_my_day_router() -> APIRouter:
    router = page_router()

    @router.get(HOME_PATH)
    async def home(
        settings: SettingsDep,
        store: StoreDep,
        accounts: AccountsDep,
        request: Request,
        account: PageAccount,
    ) -> Response:
        """The signed-in person's day."""
        day = await my_day(store, account, settings.clock())
        shown = [
            *(s.pathway_id for _, rows in day.by_stage for s in rows),
            *(o.pathway_id for o in day.overdue),
            *(item.notification.pathway_id for item in day.inbox),
        ]
        names = await names_shown(request, account, shown, "my_day")
        referred = await store.referral_inbox.accepted_for(account.id)
        if referred:
            purpose = page_purpose(request, account)
            ids = sorted({v.pathway_id for v in referred})
            await record_read(request, account, ids, "referred_caseload", purpose, Channel.PAGE)
        people = await people_named(accounts, (s.caseworker_id for _, r in day.by_stage for s in r))
        return render(
            request, "my_day.html", day=day, names=names, referred=referred, people=people
        )

    return router
