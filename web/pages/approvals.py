"""`/approvals`: the plans waiting for a supervisor's decision, within the reader's scope.

A plan waits while its pathway owes a `plan_approval`; the read model lists those
obligations by organisation. Each plan comes with its approve and send-back forms, offered
only when `available_commands` offers them (never to the plan's proposer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domain.affordances import available_commands
from domain.state import PathwayState
from domain.values import Role
from infra.eventstore.base import EventStore
from web.pages.actions import ActionView, gettext_for, state_actions
from web.pages.describe import Describer
from web.pages.pathway import read_state
from web.pages.render import language_of, render
from web.pages.routing import PageAccount, page_router
from web.problems import ProblemError
from web.scope import FORBIDDEN, caseload_filter

APPROVALS_PATH = "/approvals"
APPROVERS = frozenset({Role.SUPERVISOR, Role.COORDINATOR})
WAITING = "plan_approval"
QUEUE_LIMIT = 500
FAR_FUTURE = datetime(9000, 1, 1, tzinfo=UTC)
"""Every open obligation is "due" by then: the store's overdue query lists them all."""


@dataclass
class WaitingPlan:
    pathway_id: str
    state: PathwayState
    actions: list[ActionView]


async def waiting_plans(store: EventStore, request: Request) -> list[WaitingPlan]:
    """Pathways in scope whose proposed plan waits for a decision, longest waiting first."""
    account = request.state.account
    scope = caseload_filter(account, None, None)
    owed = await store.overdue_obligations(
        FAR_FUTURE, organisation_id=scope.organisation_id, limit=QUEUE_LIMIT
    )
    found = []
    for item in owed:
        if item.obligation.kind != WAITING:
            continue
        state = await read_state(store, item.pathway_id)
        if state.pending_plan is None:
            continue
        offered = [
            kind
            for kind in available_commands(state, account.actor)
            if kind in ("approve_plan", "reject_plan")
        ]
        actions = state_actions(
            request, item.pathway_id, state, offered, [], return_to=APPROVALS_PATH
        )
        found.append(WaitingPlan(item.pathway_id, state, actions))
    return found


def build_approvals_router() -> APIRouter:
    router = page_router()

    @router.get(APPROVALS_PATH)
    async def approvals(request: Request, account: PageAccount) -> Response:
        """The approval queue of a supervisor (their organisation) or the coordinator (all)."""
        if account.role not in APPROVERS:
            raise ProblemError(FORBIDDEN, f"a {account.role} approves no plan", status=403)
        store: EventStore = request.app.state.store
        plans = await waiting_plans(store, request)
        return render(
            request,
            "approvals.html",
            plans=plans,
            describe=Describer(gettext_for(request), language_of(request)),
        )

    return router
