"""`/api/v1/inbox`: the deadline reminders and escalations addressed to the signed-in person.

A caseworker's inbox holds the reminders for their caseload; a supervisor's the
escalations of their organisation; the coordinator's the last step of every ladder.
Marking one read is allowed only for a notification in one's own inbox (404 otherwise).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from infra.accounts.model import Account
from infra.eventstore.notifications import InboxItem, NotificationInbox
from web.auth import CurrentAccount
from web.dependencies import SettingsDep, StoreDep
from web.problems import PROBLEM_RESPONSES, ProblemError

INBOX_SCAN = 1000
"""How many of a person's latest notifications marking one read looks through."""


async def inbox_of(
    inbox: NotificationInbox,
    account: Account,
    *,
    unread_only: bool = False,
    limit: int = 100,
) -> list[InboxItem]:
    """The account's notifications, newest first (shared with the pages)."""
    return await inbox.inbox(
        user_id=account.id,
        role=account.role,
        organisation_id=account.organisation_id or "",
        unread_only=unread_only,
        limit=limit,
    )


def build_inbox_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES, tags=["inbox"])

    @router.get("/inbox", response_model=list[InboxItem], summary="My reminders and escalations")
    async def inbox(
        store: StoreDep,
        request: Request,
        account: CurrentAccount,
        unread_only: bool = False,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> list[InboxItem]:
        return await inbox_of(store.notifications, account, unread_only=unread_only, limit=limit)

    @router.post(
        "/inbox/{notification_id}/read",
        response_model=InboxItem,
        summary="Mark one of my notifications read",
    )
    async def mark_read(
        settings: SettingsDep,
        store: StoreDep,
        request: Request,
        notification_id: str,
        account: CurrentAccount,
    ) -> InboxItem:
        mine = {
            item.notification.notification_id: item
            for item in await inbox_of(store.notifications, account, limit=INBOX_SCAN)
        }
        if notification_id not in mine:
            raise ProblemError("not_found", "no such notification in your inbox")
        now = settings.clock()
        await store.notifications.mark_read(notification_id, now)
        item = mine[notification_id]
        return item if item.read_at else item.model_copy(update={"read_at": now})

    return router
