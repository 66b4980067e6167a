"""Which payments need evidence before approval: a document attached to the payment.

A FAMI audit asks for the invoice, receipt or contract behind economic support: rent
advances (the rent contract) and furniture always, utilities above the policy's
`utilities_evidence_threshold` (small bills are paid on the caseworker's word).
"""

from __future__ import annotations

from domain import errors
from domain.payments.ledger import PaymentKind
from domain.payments.state import PaymentState
from domain.policy import PaymentTerms

ALWAYS_EVIDENCED = frozenset({PaymentKind.RENT_ADVANCE, PaymentKind.FURNITURE})


def needs_evidence(payment: PaymentState, terms: PaymentTerms) -> bool:
    """True when `payment` is approved only with a document attached to it."""
    if not terms.evidence_required:
        return False
    if payment.kind in ALWAYS_EVIDENCED:
        return True
    return (
        payment.kind == PaymentKind.UTILITIES
        and payment.amount > terms.utilities_evidence_threshold
    )


def check_evidence(payment: PaymentState, terms: PaymentTerms, documented: bool) -> None:
    """Raise unless `payment` needs no evidence or has a document attached.

    Raises:
        PaymentEvidenceMissing: it needs one and has none.
    """
    if needs_evidence(payment, terms) and not documented:
        raise errors.PaymentEvidenceMissing(
            f"a {payment.kind} payment is approved once its evidence (an invoice, receipt or"
            " contract) is attached to it",
            field="payment_id",
        )
