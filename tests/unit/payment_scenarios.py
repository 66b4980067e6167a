"""Payment commands, and pathways ready for them, for the payment tests.

Amounts are euro cents; the default policy's terms apply (dote 6,000.00, coordinator
above 1,000.00, furniture 1,500.00, utilities 500.00, rent advance 6 months).
"""

from __future__ import annotations

from typing import Any

from domain.payments.ledger import PaymentKind, payment_id_for
from tests.scenarios import PATHWAY_ID, SUPERVISOR, Scenario
from tests.unit.test_measures_work import progress, start

IBAN = "IT60X0542811101000000123456"
OTHER_IBAN = "IT65A0306909606100000063579"
PAYEE = {"name": "Mobili Rossi srl", "iban": IBAN}
BENEFICIARY = {"name": "Amina Diallo", "iban": OTHER_IBAN}
RENTAL = {"kind": "housing_placement", "solution": "private_rental", "start_on": "2026-03-03"}
SUPPORT = {"kind": "economic_support", "purpose": "Casa in affitto", "start_on": "2026-03-05"}


def request(
    kind: str = "furniture",
    amount: int = 80_000,
    measure_id: str = "support",
    period: str | None = "2026-03-05",
    **fields: Any,
) -> dict[str, Any]:
    command = {
        "type": "request_payment",
        "measure_id": measure_id,
        "kind": kind,
        "amount": amount,
        "payee": PAYEE,
        "evidence_ref": "Preventivo n. 42",
        **fields,
    }
    if period is not None:
        command["period"] = period
    return command


def pid(kind: str = "furniture", period: str = "2026-03-05", measure_id: str = "support") -> str:
    return payment_id_for(PATHWAY_ID, measure_id, PaymentKind(kind), period)


def approve(payment_id: str) -> dict[str, Any]:
    return {"type": "approve_payment", "payment_id": payment_id}


def outcome(payment_id: str, result: str = "paid", attempt: int = 1) -> dict[str, Any]:
    return {
        "type": "record_payment_outcome",
        "payment_id": payment_id,
        "attempt": attempt,
        "result": result,
        "bank_reference": f"STMT-{attempt}-{result}",
        "on": "2026-03-20",
    }


def supported(rent: int | None = 40_000) -> Scenario:
    """An active pathway with a started economic support (and a registered rent, if any)."""
    s = (
        Scenario()
        .active(
            ("home", "housing_placement"),
            ("support", "economic_support"),
            ("wg", "work_grant"),
            ("bike", "mobility"),
        )
        .given(start("home", **RENTAL))
        .given(start("support", **SUPPORT))
    )
    if rent is not None:
        s.given(
            progress(
                "home",
                kind="rent_contract_registered",
                monthly_rent=rent,
                registered_on="2026-03-04",
            )
        )
    return s


def attendance(month: str, hours: int) -> dict[str, Any]:
    return progress(
        "wg", kind="work_grant_attendance", month=month, hours_verified=hours, verified_by="Rizzo"
    )


def spend(s: Scenario, *amounts: int) -> Scenario:
    """Request rent advances and furniture up to `amounts`, each on its own day."""
    for day, amount in enumerate(amounts, start=10):
        s.given(request(kind="rent_advance", amount=amount, period=f"2026-03-{day}"))
    return s


def approved() -> Scenario:
    return supported().given(request()).given(approve(pid()), SUPERVISOR)
