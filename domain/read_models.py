"""The read-model rows a state yields: written with the events, rebuildable from them."""

from __future__ import annotations

from collections.abc import Iterable

from domain.events import parse_event
from domain.measures import MeasureStatus
from domain.notifications import notifications
from domain.obligations import obligations
from domain.partner_links.events import PartnerLinkEvent
from domain.payments.events import PaymentPaid, PaymentReturned
from domain.payments.ledger import LedgerEntry, LedgerOutcome, budget_line_id
from domain.projections import (
    PartnerLink,
    PathwaySummary,
    ReadModelUpdate,
    ReferralView,
    SearchSubject,
)
from domain.records import EventRecord
from domain.referral_access import referral_views
from domain.referrals.events import ReferralEvent
from domain.state import PathwayState
from domain.withdrawals import withdrawals


def read_models(
    state: PathwayState,
    records: Iterable[EventRecord] = (),
    *,
    before: PathwayState | None = None,
) -> ReadModelUpdate:
    """The caseload row, the open obligations, the notifications `records` owe people, the
    ledger entries of the payments they approve and the bank outcomes they record; given
    `before`, the state `records` were folded onto, the escalations they withdraw."""
    records = list(records)
    assert state.pathway_id and state.organisation_id and state.caseworker_id and state.stage
    assert state.opened_at and state.updated_at
    owed = obligations(state)
    summary = PathwaySummary(
        pathway_id=state.pathway_id,
        organisation_id=state.organisation_id,
        caseworker_id=state.caseworker_id,
        stage=state.stage,
        suspended=state.suspension is not None,
        version=state.version,
        opened_at=state.opened_at,
        updated_at=state.updated_at,
        next_deadline=owed[0].due_at if owed else None,
        measures_planned=len(state.measures_in(MeasureStatus.PLANNED)),
        measures_active=len(state.measures_in(MeasureStatus.ACTIVE)),
        measures_completed=len(state.measures_in(MeasureStatus.COMPLETED)),
        measure_kinds=tuple(sorted({m.kind.value for m in state.measures.values()})),
        protection_status=state.protection_status,
    )
    return ReadModelUpdate(
        summary=summary,
        obligations=tuple(owed),
        notifications=notifications(state, records),
        ledger=ledger_entries(state, records),
        ledger_outcomes=ledger_outcomes(state, records),
        withdrawals=() if before is None else withdrawals(before, records),
        partner_links=partner_links(state, records),
        referrals=referrals(state, records),
        search=search_subject(state, records),
    )


def search_subject(state: PathwayState, records: Iterable[EventRecord]) -> SearchSubject | None:
    """The beneficiary to index when `records` open the pathway, as its opening reads now:
    none once its personal data were erased."""
    opening = next((r for r in records if r.type == "PathwayOpened"), None)
    if opening is None:
        return None
    return SearchSubject(beneficiary=None if opening.erased else state.beneficiary)


_LINK_EVENTS = frozenset(kind.model_fields["type"].default for kind in PartnerLinkEvent.__args__)


def partner_links(
    state: PathwayState, records: Iterable[EventRecord]
) -> tuple[PartnerLink, ...] | None:
    """The pathway's links, one row per contact and measure, when `records` change them."""
    if not any(record.type in _LINK_EVENTS for record in records):
        return None
    assert state.pathway_id and state.organisation_id
    return tuple(
        PartnerLink(
            pathway_id=state.pathway_id,
            organisation_id=state.organisation_id,
            measure_id=measure_id,
            measure_kind=state.measures[measure_id].kind,
            contact_id=contact.contact_id,
            partner_id=contact.partner_id,
        )
        for measure_id, contacts in state.partner_links.items()
        for contact in contacts
    )


_REFERRAL_EVENTS = frozenset(kind.model_fields["type"].default for kind in ReferralEvent.__args__)


def referrals(
    state: PathwayState, records: Iterable[EventRecord]
) -> tuple[ReferralView, ...] | None:
    """The pathway's referrals and waiting transfer, as the organisations they are addressed
    to read them in their inbox, when `records` refer, transfer or answer."""
    if not any(record.type in _REFERRAL_EVENTS for record in records):
        return None
    return tuple(referral_views(state))


def ledger_entries(state: PathwayState, records: Iterable[EventRecord]) -> tuple[LedgerEntry, ...]:
    """One entry per final `PaymentApproved` among `records`, from the state after them.

    The attempt is the payment's: 1, plus one for each time the bank returned it before.
    """
    assert state.pathway_id and state.organisation_id
    entries = []
    for record in records:
        if record.type != "PaymentApproved" or not record.data.get("final"):
            continue
        payment = state.payments[record.data["payment_id"]]
        assert payment.payee is not None, "a payment is approved only with its payee"
        entries.append(
            LedgerEntry(
                entry_id=f"{payment.payment_id}/{payment.attempt}",
                payment_id=payment.payment_id,
                attempt=payment.attempt,
                pathway_id=state.pathway_id,
                organisation_id=state.organisation_id,
                measure_id=payment.measure_id,
                kind=payment.kind,
                budget_line=budget_line_id(payment.kind),
                amount=payment.amount,
                payee_name=payment.payee.name,
                iban=payment.payee.iban,
                evidence_ref=payment.evidence_ref,
                period=payment.period,
                requested_by=payment.requested_by,
                approved_by=payment.approved_by,
                approved_at=record.occurred_at,
            )
        )
    return tuple(entries)


def ledger_outcomes(
    state: PathwayState, records: Iterable[EventRecord]
) -> tuple[LedgerOutcome, ...]:
    """One outcome per `PaymentPaid` or `PaymentReturned` among `records`.

    Whoever recorded it (the statement import, or the command sent by hand), the ledger
    row of that attempt follows: else a payment paid in its pathway would still be owed
    in the ledger, and the next export would pay it again.
    """
    assert state.pathway_id
    outcomes = []
    for record in records:
        if record.type not in ("PaymentPaid", "PaymentReturned"):
            continue
        event = parse_event(record.type, record.schema_version, record.data)
        assert isinstance(event, PaymentPaid | PaymentReturned)
        outcomes.append(
            LedgerOutcome(
                entry_id=f"{event.payment_id}/{event.attempt}",
                pathway_id=state.pathway_id,
                outcome="paid" if isinstance(event, PaymentPaid) else "returned",
                on=event.on,
                bank_reference=event.bank_reference,
                reason=event.reason if isinstance(event, PaymentReturned) else None,
                recorded_at=record.recorded_at,
            )
        )
    return tuple(outcomes)
