"""Housing placement: cohousing, family hosting, private rental or social housing.

For family hosting the hosting communication to the police (comunicazione di ospitalità)
follows the move-in; a registered rent contract fixes the rent that caps a rent advance.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any, Literal

from domain.calendar import PROJECT_TIMEZONE
from domain.errors import AlreadyRecorded, NotApplicable, StepOutOfOrder, TimeRequired
from domain.fact_dates import FactDate
from domain.measures.base import Details, Measure, Outcome, Progress, RuleContext
from domain.measures.spec import (
    Fact,
    IndicatorFacts,
    MeasureDeadlines,
    MeasureLabels,
    MeasureSpec,
    Owing,
)
from domain.values import Money, ShortText, WorkPackage


class HousingSolution(StrEnum):
    COHOUSING = "cohousing"
    FAMILY_HOSTING = "family_hosting"
    PRIVATE_RENTAL = "private_rental"
    SOCIAL_HOUSING = "social_housing"


class HousingResult(StrEnum):
    SETTLED = "settled"
    ENDED = "ended"


class HousingPlacementDetails(Details):
    kind: Literal["housing_placement"] = "housing_placement"
    solution: HousingSolution
    start_on: date
    host_reference: ShortText | None = None
    """The hosting family or cohousing project, as the organisation refers to it."""


class MovedIn(Progress):
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


class HostingCommunicationSent(Progress):
    kind: Literal["hosting_communication_sent"] = "hosting_communication_sent"
    on: FactDate
    authority: ShortText


class RentContractRegistered(Progress):
    kind: Literal["rent_contract_registered"] = "rent_contract_registered"
    monthly_rent: Money
    registered_on: FactDate


class HousingPlacementOutcome(Outcome):
    kind: Literal["housing_placement"] = "housing_placement"
    result: HousingResult
    on: FactDate


def registered_rent(measure: Measure) -> int | None:
    """The monthly rent of the latest registered contract, in cents."""
    contracts = measure.progress_of(RentContractRegistered)
    return contracts[-1].monthly_rent if contracts else None


def _check_progress(_: RuleContext, measure: Measure, progress: Any) -> None:
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


def _owe_hosting_communication(owing: Owing, measure: Measure) -> None:
    """Family hosting owes the hosting communication within its span of the move-in."""
    details = measure.details
    if not (
        isinstance(details, HousingPlacementDetails)
        and details.solution == HousingSolution.FAMILY_HOSTING
    ):
        return
    moved = measure.progress_of(MovedIn)
    if moved and not measure.progress_of(HostingCommunicationSent):
        # A move-in recorded before its time was asked counts from 00:00 UTC of its day,
        # as it did then.
        anchor = moved[0].instant() or datetime.combine(moved[0].on, time(), tzinfo=UTC)
        span = owing.deadlines_at(anchor).hosting_communication
        owing.add(
            f"measure:{measure.measure_id}:hosting_communication",
            "hosting_communication",
            anchor,
            span.after(anchor),
            measure.measure_id,
        )


COHOUSING = "cohousing"
FAMILY_HOSTING = "family_hosting"
_PLACED = {HousingSolution.COHOUSING: COHOUSING, HousingSolution.FAMILY_HOSTING: FAMILY_HOSTING}


def _facts(measure: Measure) -> list[Fact]:
    details = measure.details
    if isinstance(details, HousingPlacementDetails) and measure.progress_of(MovedIn):
        fact = _PLACED.get(details.solution)
        return [Fact(fact)] if fact is not None else []
    return []


SPEC = MeasureSpec(
    work_package=WorkPackage.HOUSING,
    details=HousingPlacementDetails,
    progress=(MovedIn, HostingCommunicationSent, RentContractRegistered),
    partner_records=frozenset({"hosting_communication_sent"}),
    outcome=HousingPlacementOutcome,
    check_progress=_check_progress,
    deadlines=MeasureDeadlines(
        kinds={"hosting_communication": "Send the family hosting communication"},
        owe=_owe_hosting_communication,
    ),
    payments=(),  # its rent contract caps the rent advances of economic support
    facts=IndicatorFacts(names=frozenset({COHOUSING, FAMILY_HOSTING}), of=_facts),
    labels=MeasureLabels(
        name="Housing placement",
        steps={
            "moved_in": "Moved in",
            "hosting_communication_sent": "Hosting communication sent",
            "rent_contract_registered": "Rent contract registered",
        },
        recorded={
            "moved_in": "Moved in",
            "hosting_communication_sent": "Hosting communication sent",
            "rent_contract_registered": "Rent contract registered",
        },
        fields={
            "MovedIn.at": "Time (Italian time)",
            "solution": "Housing solution",
            "host_reference": "Host family or project",
            "monthly_rent": "Monthly rent (€)",
            "registered_on": "Registered on",
        },
        hints={
            "MovedIn.at": (
                "Hours and minutes, e.g. 22:30. Needed for family hosting: the 48 hours of the"
                " hosting communication start then."
            ),
        },
        options={
            "HousingSolution": {
                "cohousing": "Cohousing",
                "family_hosting": "Hosted by a family",
                "private_rental": "Private rental",
                "social_housing": "Social housing",
            },
            "HousingResult": {"settled": "Settled", "ended": "Ended"},
        },
    ),
)
