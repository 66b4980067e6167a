"""Housing placement: cohousing, family hosting, private rental or social housing.

For family hosting the hosting communication to the police (comunicazione di ospitalità)
follows the move-in; a registered rent contract fixes the rent that caps a rent advance.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

from domain.calendar import PROJECT_TIMEZONE
from domain.errors import AlreadyRecorded, NotApplicable, StepOutOfOrder, TimeRequired
from domain.fact_dates import FactDate
from domain.measures.base import MeasureKind, MeasureSpec, RuleContext
from domain.values import Frozen, Money, ShortText, WorkPackage

if TYPE_CHECKING:
    from domain.measures.state import MeasureState


class HousingSolution(StrEnum):
    COHOUSING = "cohousing"
    FAMILY_HOSTING = "family_hosting"
    PRIVATE_RENTAL = "private_rental"
    SOCIAL_HOUSING = "social_housing"


class HousingResult(StrEnum):
    SETTLED = "settled"
    ENDED = "ended"


class HousingPlacementDetails(Frozen):
    kind: Literal["housing_placement"] = "housing_placement"
    solution: HousingSolution
    start_on: date
    host_reference: ShortText | None = None
    """The hosting family or cohousing project, as the organisation refers to it."""


class MovedIn(Frozen):
    kind: Literal["moved_in"] = "moved_in"
    on: FactDate
    at: time | None = None
    """The time of day of the move-in, in Italy. Family hosting needs it: the 48 hours of
    the hosting communication start then. Move-ins recorded before it was asked have none."""

    def instant(self) -> datetime | None:
        """The move-in as an instant (the day and time in Italy); None without a time."""
        if self.at is None:
            return None
        if self.at.tzinfo is not None:
            return datetime.combine(self.on, self.at)
        return datetime.combine(self.on, self.at, tzinfo=PROJECT_TIMEZONE)


class HostingCommunicationSent(Frozen):
    kind: Literal["hosting_communication_sent"] = "hosting_communication_sent"
    on: FactDate
    authority: ShortText


class RentContractRegistered(Frozen):
    kind: Literal["rent_contract_registered"] = "rent_contract_registered"
    monthly_rent: Money
    registered_on: FactDate


class HousingPlacementOutcome(Frozen):
    kind: Literal["housing_placement"] = "housing_placement"
    result: HousingResult
    on: FactDate


def registered_rent(measure: MeasureState) -> int | None:
    """The monthly rent of the latest registered contract, in cents."""
    contracts = measure.progress_of(RentContractRegistered)
    return contracts[-1].monthly_rent if contracts else None


def _check_progress(_: RuleContext, measure: MeasureState, progress: Any) -> None:
    solution = measure.details_as(HousingPlacementDetails).solution
    moved_in = measure.progress_of(MovedIn)
    match progress.kind:
        case "moved_in":
            if moved_in:
                raise AlreadyRecorded("the move-in is already recorded")
            if solution == HousingSolution.FAMILY_HOSTING and progress.at is None:
                raise TimeRequired(
                    "give the time of the move-in: the 48 hours of the hosting"
                    " communication start then",
                    field="at",
                )
        case "hosting_communication_sent":
            if solution != HousingSolution.FAMILY_HOSTING:
                raise NotApplicable("a hosting communication belongs to family hosting only")
            if not moved_in:
                raise StepOutOfOrder("the hosting communication follows the move-in")
            if measure.progress_of(HostingCommunicationSent):
                raise AlreadyRecorded("the hosting communication is already recorded")
            if progress.on < moved_in[0].on:
                raise StepOutOfOrder("the communication cannot precede the move-in", field="on")
        case "rent_contract_registered":
            if solution == HousingSolution.FAMILY_HOSTING:
                raise NotApplicable("family hosting has no rent contract")


SPEC = MeasureSpec(
    kind=MeasureKind.HOUSING_PLACEMENT,
    work_package=WorkPackage.HOUSING,
    details=HousingPlacementDetails,
    progress=(MovedIn, HostingCommunicationSent, RentContractRegistered),
    outcome=HousingPlacementOutcome,
    check_progress=_check_progress,
)
