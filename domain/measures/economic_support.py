"""Economic support: furniture, utilities, or an advance of rent (at most six months' rent).

Requested by a caseworker, approved by a supervisor who did not request it, paid once.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from domain.errors import (
    AlreadyRecorded,
    NotApproved,
    RentAdvanceTooHigh,
    RentContractMissing,
    RoleForbidden,
    SelfApprovalForbidden,
)
from domain.measures.base import MeasureKind, MeasureSpec, RuleContext
from domain.measures.housing_placement import registered_rent
from domain.values import Frozen, Money, Role, ShortText, WorkPackage

if TYPE_CHECKING:
    from domain.measures.state import MeasureState

APPROVER_ROLES = frozenset({Role.SUPERVISOR, Role.COORDINATOR})


class SupportKind(StrEnum):
    FURNITURE = "furniture"
    UTILITIES = "utilities"
    RENT_ADVANCE = "rent_advance"


class EconomicSupportDetails(Frozen):
    kind: Literal["economic_support"] = "economic_support"
    support: SupportKind
    amount: Annotated[int, Field(ge=1, le=10_000_000)]
    """Euro cents requested."""
    purpose: ShortText
    start_on: date
    rent_months: Annotated[int, Field(ge=1, le=24)] | None = None


class SupportApproved(Frozen):
    kind: Literal["support_approved"] = "support_approved"


class SupportPaid(Frozen):
    kind: Literal["support_paid"] = "support_paid"
    paid_on: date
    amount: Money
    reference: ShortText


class EconomicSupportOutcome(Frozen):
    kind: Literal["economic_support"] = "economic_support"
    completed_on: date


def latest_rent(ctx: RuleContext) -> int | None:
    rents = [
        r
        for m in ctx.measures.values()
        if m.kind == MeasureKind.HOUSING_PLACEMENT
        if m.details is not None and (r := registered_rent(m)) is not None
    ]
    return rents[-1] if rents else None


def _check_start(ctx: RuleContext, details: Any) -> None:
    if details.support != SupportKind.RENT_ADVANCE:
        return
    rent = latest_rent(ctx)
    if rent is None:
        raise RentContractMissing(
            "a rent advance needs a registered rent contract", field="support"
        )
    limit = ctx.limits.rent_advance_max_months
    months = details.rent_months or limit
    if months > limit or details.amount > months * rent:
        raise RentAdvanceTooHigh(
            f"a rent advance is at most {limit} months of the registered rent "
            f"({limit * rent / 100:.2f} EUR)",
            field="amount",
        )


def _check_progress(ctx: RuleContext, measure: MeasureState, progress: Any) -> None:
    approved = bool(measure.progress_of(SupportApproved))
    match progress.kind:
        case "support_approved":
            if ctx.actor.role not in APPROVER_ROLES:
                raise RoleForbidden("economic support is approved by a supervisor")
            if ctx.actor.id == measure.started_by:
                raise SelfApprovalForbidden("the requester cannot approve their own request")
            if approved:
                raise AlreadyRecorded("the request is already approved")
        case "support_paid":
            if not approved:
                raise NotApproved("economic support is paid only once approved")
            if measure.progress_of(SupportPaid):
                raise AlreadyRecorded("the support is already paid")
            if progress.amount > measure.details_as(EconomicSupportDetails).amount:
                raise RentAdvanceTooHigh("the payment exceeds the approved amount", field="amount")


def _check_complete(_: RuleContext, measure: MeasureState, outcome: Any) -> None:
    if not measure.progress_of(SupportPaid):
        raise NotApproved("economic support is completed once paid")


SPEC = MeasureSpec(
    kind=MeasureKind.ECONOMIC_SUPPORT,
    work_package=WorkPackage.HOUSING,
    details=EconomicSupportDetails,
    progress=(SupportApproved, SupportPaid),
    outcome=EconomicSupportOutcome,
    check_start=_check_start,
    check_progress=_check_progress,
    check_complete=_check_complete,
)
