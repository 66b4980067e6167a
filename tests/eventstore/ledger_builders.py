"""Ledger entries and budget lines for the ledger tests, built by hand."""

from __future__ import annotations

from datetime import timedelta

from domain.payments.ledger import LedgerEntry, PaymentKind, budget_line_id, payment_id_for
from domain.projections import ReadModelUpdate
from infra.budgets.model import BudgetLine
from tests.eventstore.builders import T0, summary

FURNITURE = budget_line_id(PaymentKind.FURNITURE)
GOOD_IBAN = "IT60X0542811101000000123456"


def entry(
    pathway_id: str,
    amount: int,
    *,
    kind: PaymentKind = PaymentKind.FURNITURE,
    period: str = "2025-03-10",
    attempt: int = 1,
    organisation_id: str = "org-a",
    payee_name: str = "Mobili Rossi srl",
    iban: str = GOOD_IBAN,
    measure_id: str = "m-housing",
) -> LedgerEntry:
    payment_id = payment_id_for(pathway_id, measure_id, kind, period)
    return LedgerEntry(
        entry_id=f"{payment_id}/{attempt}",
        payment_id=payment_id,
        attempt=attempt,
        pathway_id=pathway_id,
        organisation_id=organisation_id,
        measure_id=measure_id,
        kind=kind,
        budget_line=budget_line_id(kind),
        amount=amount,
        payee_name=payee_name,
        iban=iban,
        evidence_ref=f"doc-{pathway_id}-{period}",
        period=period,
        requested_by="cw-1",
        approved_by=("sv-1",),
        approved_at=T0 + timedelta(hours=2),
    )


def with_ledger(pathway_id: str, version: int, *entries: LedgerEntry) -> ReadModelUpdate:
    return ReadModelUpdate(summary=summary(pathway_id, version), obligations=(), ledger=entries)


def lines(**amounts: int) -> list[BudgetLine]:
    """Budget lines by kind name: `lines(furniture=100_00)`."""
    return [
        BudgetLine(line_id=budget_line_id(PaymentKind(kind)), amount=amount)
        for kind, amount in amounts.items()
    ]
