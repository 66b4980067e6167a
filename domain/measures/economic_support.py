"""Economic support: furniture, utilities, or an advance of rent (at most six months' rent).

The measure is the frame; the money is in its payments (`domain.payments`), requested
against it with their evidence, approved by a supervisor who did not request them (and by
the coordinator above the policy threshold) and paid once. The payments are the one source
of truth for the amounts: the measure completes once they are settled, at least one paid.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from domain.errors import NothingPaid, PaymentsPending, RentAdvanceTooHigh, RentContractMissing
from domain.fact_dates import FactDate
from domain.measures.base import Details, Measure, Outcome, RuleContext
from domain.measures.housing_placement import HousingPlacementDetails, registered_rent
from domain.measures.spec import (
    NO_DEADLINES,
    IndicatorFacts,
    MeasureLabels,
    MeasureSpec,
    PaymentRule,
)
from domain.payments.ledger import PaymentKind
from domain.payments.state import PaymentStatus, unsettled
from domain.policy import PaymentTerms
from domain.values import ShortText, WorkPackage


class EconomicSupportDetails(Details):
    kind: Literal["economic_support"] = "economic_support"
    purpose: ShortText
    start_on: date


class EconomicSupportOutcome(Outcome):
    kind: Literal["economic_support"] = "economic_support"
    completed_on: FactDate


def latest_rent(measures: Mapping[str, Measure]) -> int | None:
    """The monthly rent (cents) of the latest registered contract of a housing placement."""
    rents = [
        r
        for m in measures.values()
        if isinstance(m.details, HousingPlacementDetails)
        if (r := registered_rent(m)) is not None
    ]
    return rents[-1] if rents else None


def check_rent_advance(measures: Mapping[str, Measure], total: int, terms: PaymentTerms) -> None:
    """Rent advances (`total` cents, the new one included) are at most the policy's months
    (`rent_advance_max_months`) of the registered rent.

    Raises:
        RentContractMissing: no rent contract is registered.
        RentAdvanceTooHigh: the advances would exceed those months of the registered rent.
    """
    max_months = terms.rent_advance_max_months
    rent = latest_rent(measures)
    if rent is None:
        raise RentContractMissing("a rent advance needs a registered rent contract", field="kind")
    if total > max_months * rent:
        raise RentAdvanceTooHigh(
            f"rent advances are at most {max_months} months of the registered rent "
            f"({max_months * rent / 100:.2f} EUR in all)",
            field="amount",
        )


def _check_complete(ctx: RuleContext, measure: Measure, outcome: Any) -> None:
    waiting = unsettled(ctx.payments, measure.measure_id)
    if waiting:
        raise PaymentsPending(
            f"payments still waiting for an approval or the bank: {', '.join(waiting)}"
        )
    paid = [
        p
        for p in ctx.payments.values()
        if p.measure_id == measure.measure_id and p.status == PaymentStatus.PAID
    ]
    if not paid:
        raise NothingPaid("economic support completes once a payment is made; else cancel it")


ECONOMIC_SUPPORT = "economic_support"
"""True once a payment for housing (furniture, utilities, rent) is paid."""

SPEC = MeasureSpec(
    work_package=WorkPackage.HOUSING,
    details=EconomicSupportDetails,
    progress=(),
    outcome=EconomicSupportOutcome,
    check_complete=_check_complete,
    deadlines=NO_DEADLINES,
    payments=(
        PaymentRule(kind=PaymentKind.FURNITURE, label="Furniture", paid_fact=ECONOMIC_SUPPORT),
        PaymentRule(kind=PaymentKind.UTILITIES, label="Utilities", paid_fact=ECONOMIC_SUPPORT),
        PaymentRule(
            kind=PaymentKind.RENT_ADVANCE,
            label="Rent advance",
            check_total=check_rent_advance,
            paid_fact=ECONOMIC_SUPPORT,
        ),
    ),
    facts=IndicatorFacts(names=frozenset({ECONOMIC_SUPPORT}), of=lambda _: ()),
    labels=MeasureLabels(
        name="Economic support",
        fields={"purpose": "Purpose"},
    ),
)
