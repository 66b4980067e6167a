"""The facts of the headline outcomes: who was reached, who left reception, who is
autonomous at the exit and still so at the follow-up.

All of them read what a pathway already records: its opening, the approved plan (PAI) and
its measures, and the three conditions (`Condition`) recorded at the baseline, the exit and
the follow-up. Each weighs 1: a pathway is one beneficiary, whatever number of measures or
events made the fact true. The hires and businesses started are the measures' own facts
(`domain.measures.work_grant`, `self_employment_orientation`).

Autonomy has three axes, each a test of one condition: work (employed, ISTAT), housing (a
home outside the reception circuit and of the project's four solutions) and mobility (an
Italian driving licence or a bicycle; a foreign licence still has to be converted).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from domain.measures import CATALOGUE
from domain.measures.base import MeasureStatus, took_part
from domain.state import PathwayState
from domain.values import (
    Condition,
    EmploymentCondition,
    HousingSituation,
    MobilityMeans,
    WorkPackage,
)

REACHED = "reached"
"""The pathway is opened: the beneficiary is reached."""
ACTIVATED = "activated"
"""The individual plan (PAI) is approved: the pathway is activated."""
LEFT_RECEPTION = "left_reception"
"""In the reception circuit at the baseline, in an autonomous home at the exit."""
IN_RECEPTION_EXITED = "in_reception_exited"
"""In the reception circuit at the baseline, and exited: whom `LEFT_RECEPTION` is over."""
STABLE_EMPLOYMENT = "stable_employment"
"""Employed at the exit and still employed at the follow-up."""
EMPLOYED_EXIT_FOLLOWED_UP = "employed_exit_followed_up"
"""Employed at the exit, and followed up: whom `STABLE_EMPLOYMENT` is over."""

AUTONOMOUS_HOUSING: tuple[HousingSituation, ...] = (
    HousingSituation.PRIVATE_RENTAL,
    HousingSituation.SOCIAL_HOUSING,
    HousingSituation.COHOUSING,
    HousingSituation.FAMILY_HOSTING,
)
"""The homes that count as housing autonomy, in the order the report lists them."""
AUTONOMOUS_MOBILITY = frozenset({MobilityMeans.DRIVING_LICENCE, MobilityMeans.BICYCLE})


class Axis(NamedTuple):
    """One axis of autonomy: its name, the stem of its baseline and exit facts, its test."""

    name: str
    stem: str
    autonomous: Callable[[Condition], bool]

    @property
    def reached(self) -> str:
        """Not autonomous at the baseline, autonomous at the exit."""
        return f"autonomy_reached_{self.name}"

    @property
    def lacking(self) -> str:
        """Not autonomous at the baseline, and exited: whom `reached` is over."""
        return f"autonomy_lacking_{self.name}"


AXES: tuple[Axis, ...] = (
    Axis("work", "employed", lambda c: c.employment == EmploymentCondition.EMPLOYED),
    Axis("housing", "housing_autonomy", lambda c: c.housing in AUTONOMOUS_HOUSING),
    Axis("mobility", "mobility_autonomy", lambda c: c.mobility in AUTONOMOUS_MOBILITY),
)


def activated_in(package: WorkPackage) -> str:
    """The fact of a pathway activated with a measure of `package`: `activated_wp2_housing`."""
    return f"{ACTIVATED}_{package.value}"


def reached_in(package: WorkPackage) -> str:
    """The fact of a beneficiary who took part in a measure of `package`: `reached_wp1_work`."""
    return f"{REACHED}_{package.value}"


def exit_housing(solution: HousingSituation) -> str:
    """The fact of a pathway whose exit records this home: `exit_housing_cohousing`."""
    return f"exit_housing_{solution.value}"


OUTCOME_FACTS: frozenset[str] = frozenset(
    {
        REACHED,
        ACTIVATED,
        LEFT_RECEPTION,
        IN_RECEPTION_EXITED,
        STABLE_EMPLOYMENT,
        EMPLOYED_EXIT_FOLLOWED_UP,
        *(activated_in(package) for package in WorkPackage),
        *(reached_in(package) for package in WorkPackage),
        *(exit_housing(solution) for solution in AUTONOMOUS_HOUSING),
        *(f"{axis.stem}_{moment}" for axis in AXES for moment in ("baseline", "exit")),
        *(name for axis in AXES for name in (axis.reached, axis.lacking)),
    }
)
"""Every fact `outcome_facts` may return."""


def outcome_facts(state: PathwayState) -> dict[str, int]:
    """The outcome facts true of an opened pathway now (each weighing 1)."""
    found = {REACHED: 1}
    for measure in state.measures.values():
        if took_part(measure):
            found[reached_in(CATALOGUE[measure.kind].work_package)] = 1
    if state.plan is not None:
        found[ACTIVATED] = 1
        for measure in state.measures.values():
            if measure.status == MeasureStatus.PLANNED or took_part(measure):
                found[activated_in(CATALOGUE[measure.kind].work_package)] = 1
    baseline = state.baseline
    exit_condition = state.exit.outcomes if state.exit is not None else None
    for moment, condition in (("baseline", baseline), ("exit", exit_condition)):
        for axis in AXES:
            if condition is not None and axis.autonomous(condition):
                found[f"{axis.stem}_{moment}"] = 1
    if exit_condition is None:
        return found
    if exit_condition.housing in AUTONOMOUS_HOUSING:
        found[exit_housing(exit_condition.housing)] = 1
    if baseline is not None:
        found.update(_reached(baseline, exit_condition))
    if state.follow_up is not None and exit_condition.employment == EmploymentCondition.EMPLOYED:
        found[EMPLOYED_EXIT_FOLLOWED_UP] = 1
        if state.follow_up.employment == EmploymentCondition.EMPLOYED:
            found[STABLE_EMPLOYMENT] = 1
    return found


def _reached(baseline: Condition, exit_condition: Condition) -> dict[str, int]:
    """The axes on which the beneficiary lacked autonomy at the baseline, and reached it."""
    found: dict[str, int] = {}
    for axis in AXES:
        if not axis.autonomous(baseline):
            found[axis.lacking] = 1
            if axis.autonomous(exit_condition):
                found[axis.reached] = 1
    if baseline.housing == HousingSituation.RECEPTION_CENTRE:
        found[IN_RECEPTION_EXITED] = 1
        if exit_condition.housing in AUTONOMOUS_HOUSING:
            found[LEFT_RECEPTION] = 1
    return found
