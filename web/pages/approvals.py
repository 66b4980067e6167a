"""`/approvals`: the plans and payments waiting for the reader's decision, in their scope.

A plan waits while its pathway owes a `plan_approval`; the read model lists those
obligations by organisation. Each plan comes with its approve and send-back forms, offered
only when `available_commands` offers them (never to the plan's proposer).

A payment waits for the reader's role (`payments_awaiting`): a supervisor's first, then,
above the policy threshold, the coordinator's; never its requester's. Its approve and
reject buttons post to the pathway's command route, like the pathway page's forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from fastapi import APIRouter, Request
from fastapi.responses import Response

from domain.affordances import available_commands, payments_awaiting
from domain.payments.state import PaymentState, PaymentStatus
from domain.state import PathwayState
from domain.values import Role
from infra.access_log.model import Channel
from infra.eventstore.base import EventStore
from web.access import page_purpose, record_read
from web.dependencies import AccountsDep, StoreDep
from web.pages.actions import ActionView, gettext_for, new_command_id, state_actions
from web.pages.describe import Describer
from web.pages.event_labels import PAYMENT_KINDS
from web.pages.pathway_reads import read_state
from web.pages.people import people_named
from web.pages.render import language_of, render
from web.pages.routing import PageAccount, page_router
from web.problems import ProblemError
from web.scope import FORBIDDEN, caseload_filter

APPROVALS_PATH = "/approvals"
APPROVERS = frozenset({Role.SUPERVISOR, Role.COORDINATOR})
WAITING = "plan_approval"
QUEUE_LIMIT = 500
PAYMENTS_FROM = 500
"""How many pathways in scope (with a measure started) the payment queue looks through."""
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
    owed = await store.caseload.overdue_obligations(
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


@dataclass
class WaitingPayment:
    """A payment as the queue shows it, in the reader's words and numbers."""

    pathway_id: str
    beneficiary: str
    payment: PaymentState
    kind: str
    amount: str
    payee_name: str
    iban: str
    """Masked but for its last four characters."""
    basis: str | None
    """For a work-grant allowance: the hours verified of the month's full hours."""
    commands: list[str]
    approve_id: str
    reject_id: str

    @property
    def awaits_coordinator(self) -> bool:
        return self.payment.status == PaymentStatus.PARTIALLY_APPROVED


def euros(cents: int, language: str) -> str:
    """An amount of euro cents as the reader writes money: `1.234,56 €`, `€1,234.56`."""
    return format_currency(cents / 100, "EUR", locale=language)


def masked_iban(iban: str) -> str:
    """An IBAN with all but its last four characters hidden, in groups of four."""
    hidden = "•" * (len(iban) - 4) + iban[-4:]
    return " ".join(hidden[i : i + 4] for i in range(0, len(hidden), 4))


async def waiting_payments(store: EventStore, request: Request) -> list[WaitingPayment]:
    """Payments in scope waiting for the reader's decision, oldest request first."""
    account = request.state.account
    scope = caseload_filter(account, None, None)
    summaries = await store.caseload.list_summaries(
        organisation_id=scope.organisation_id, limit=PAYMENTS_FROM
    )
    gettext = gettext_for(request)
    language = language_of(request)
    found = []
    for summary in summaries:
        if not (summary.measures_active or summary.measures_completed):
            continue  # a payment is requested against a started measure
        state = await read_state(store, summary.pathway_id)
        beneficiary = state.beneficiary
        name = beneficiary.given_name if beneficiary else ""
        for payment, commands in payments_awaiting(state, account.actor):
            assert payment.payee is not None, "a payment without its payee awaits nobody"
            basis = payment.basis
            found.append(
                WaitingPayment(
                    pathway_id=summary.pathway_id,
                    beneficiary=name,
                    payment=payment,
                    kind=gettext(PAYMENT_KINDS[payment.kind]),
                    amount=euros(payment.amount, language),
                    payee_name=payment.payee.name,
                    iban=masked_iban(payment.payee.iban),
                    basis=None
                    if basis is None
                    else gettext("%(hours)s of %(full)s hours")
                    % {
                        "hours": format_decimal(basis.hours_verified, locale=language),
                        "full": format_decimal(Decimal(basis.full_hours), locale=language),
                    },
                    commands=commands,
                    approve_id=new_command_id(),
                    reject_id=new_command_id(),
                )
            )
    found.sort(key=lambda w: (w.payment.requested_at, w.payment.payment_id))
    return found


def build_approvals_router() -> APIRouter:
    router = page_router()

    @router.get(APPROVALS_PATH)
    async def approvals(
        store: StoreDep, accounts: AccountsDep, request: Request, account: PageAccount
    ) -> Response:
        """The approval queue of a supervisor (their organisation) or the coordinator (all)."""
        if account.role not in APPROVERS:
            raise ProblemError(FORBIDDEN, f"a {account.role} approves no plan", status=403)
        purpose = page_purpose(request, account)
        plans = await waiting_plans(store, request)
        payments = await waiting_payments(store, request)
        # The queue shows names, plans and payees: each pathway in it is a read.
        shown = [w.pathway_id for w in plans] + [w.pathway_id for w in payments]
        await record_read(request, account, shown, "approvals_page", purpose, Channel.PAGE)
        return render(
            request,
            "approvals.html",
            plans=plans,
            payments=payments,
            approvals_path=APPROVALS_PATH,
            people=await people_named(
                accounts,
                [
                    *(p.state.pending_plan.proposed_by for p in plans if p.state.pending_plan),
                    *(w.payment.requested_by for w in payments),
                    *(who for w in payments for who in w.payment.approved_by),
                ],
            ),
            describe=Describer(gettext_for(request), language_of(request)),
        )

    return router
