"""`/inbox`: my deadline reminders and escalations, marked read one by one; for supervisors
and the coordinator, also the overdue obligations of their scope."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domain.values import Role
from infra.eventstore.queries import OverdueObligation
from web.beneficiaries import names_shown
from web.dependencies import AccountsDep, SettingsDep, StoreDep
from web.inbox_api import INBOX_SCAN, inbox_of
from web.pages.notice_standing import standings
from web.pages.people import people_named
from web.pages.render import render
from web.pages.routing import PageAccount, log, page_router, see_other
from web.problems import ProblemError
from web.scope import caseload_filter

INBOX_PATH = "/inbox"
INBOX_LIMIT = 200
OVERDUE_LIMIT = 100
OVERDUE_ROLES = frozenset({Role.SUPERVISOR, Role.COORDINATOR})
"""Who answers for other people's deadlines, and so sees what is overdue in their scope."""
UNREAD, ALL = "unread", "all"


def build_inbox_router() -> APIRouter:
    router = page_router()

    @router.get(INBOX_PATH)
    async def inbox(
        settings: SettingsDep,
        store: StoreDep,
        accounts: AccountsDep,
        request: Request,
        account: PageAccount,
    ) -> Response:
        """Unread first, then the rest, newest first; `show=unread` hides the read ones."""
        show = UNREAD if request.query_params.get("show") == UNREAD else ALL
        items = await inbox_of(
            store.notifications, account, unread_only=show == UNREAD, limit=INBOX_LIMIT
        )
        items.sort(key=lambda item: item.read_at is not None)  # stable: newest first within
        overdue: list[OverdueObligation] = []
        scope = caseload_filter(account, None, None)
        if account.role in OVERDUE_ROLES and not scope.empty:
            overdue = await store.caseload.overdue_obligations(
                settings.clock(),
                caseworker_id=scope.caseworker_id,
                organisation_id=scope.organisation_id,
                limit=OVERDUE_LIMIT,
            )
        shown = [
            *(item.notification.pathway_id for item in items),
            *(o.pathway_id for o in overdue),
        ]
        names = await names_shown(request, account, shown, "inbox_page")
        people = await people_named(accounts, (o.caseworker_id for o in overdue))
        return render(
            request,
            "inbox.html",
            people=people,
            standings=await standings(store, items, settings.clock()),
            names=names,
            items=items,
            show=show,
            unread=sum(1 for item in items if item.read_at is None),
            overdue=overdue,
            shows_overdue=account.role in OVERDUE_ROLES,
        )

    @router.post(INBOX_PATH + "/{notification_id}/read")
    async def mark_read(
        settings: SettingsDep,
        store: StoreDep,
        request: Request,
        notification_id: str,
        account: PageAccount,
    ) -> Response:
        """Mark one of my notifications read (CSRF checked by the account dependency)."""
        mine = {
            item.notification.notification_id: item
            for item in await inbox_of(store.notifications, account, limit=INBOX_SCAN)
        }
        item = mine.get(notification_id)
        if item is None:
            log.warning("inbox_refused", account_id=account.id, notification_id=notification_id)
            raise ProblemError("not_found", "no such notification in your inbox", status=404)
        if item.read_at is None:
            now = settings.clock()
            await store.notifications.mark_read(notification_id, now)
            item = item.model_copy(update={"read_at": now})
        if request.headers.get("HX-Request") == "true":
            pathway_id = item.notification.pathway_id
            names = await names_shown(request, account, [pathway_id], "inbox_page")
            found = await standings(store, [item], settings.clock())
            return render(request, "inbox_item.html", item=item, names=names, standings=found)
        return see_other(INBOX_PATH, request)

    return router
