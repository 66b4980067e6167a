"""The measure catalogue: every building block of a plan, by work package of the seed.

Each kind lives in its own module with its details (given when it starts), its progress
entries, its outcome (given when it completes) and the rules of its lifecycle.
"""

from __future__ import annotations

from domain.measures import (
    association_membership,
    childcare,
    economic_support,
    housing_placement,
    mobility,
    school_support,
    self_employment_orientation,
    skills_assessment,
    social_event,
    title_recognition,
    training_course,
    work_grant,
)
from domain.measures.base import MeasureKind, MeasureSpec, MeasureStatus
from domain.measures.state import MeasureState, ProgressEntry
from domain.measures.unions import MeasureDetails, MeasureOutcome, MeasureProgress

CATALOGUE: dict[MeasureKind, MeasureSpec] = {
    spec.kind: spec
    for spec in (
        skills_assessment.SPEC,
        title_recognition.SPEC,
        training_course.SPEC,
        work_grant.SPEC,
        childcare.SPEC,
        mobility.SPEC,
        self_employment_orientation.SPEC,
        housing_placement.SPEC,
        economic_support.SPEC,
        social_event.SPEC,
        association_membership.SPEC,
        school_support.SPEC,
    )
}
assert set(CATALOGUE) == set(MeasureKind), "every measure kind needs a catalogue entry"


def spec_for_progress(progress_kind: str) -> MeasureSpec:
    """The catalogue entry whose lifecycle includes this progress kind."""
    for spec in CATALOGUE.values():
        if any(p.model_fields["kind"].default == progress_kind for p in spec.progress):
            return spec
    raise KeyError(progress_kind)


__all__ = [
    "CATALOGUE",
    "MeasureDetails",
    "MeasureKind",
    "MeasureOutcome",
    "MeasureProgress",
    "MeasureSpec",
    "MeasureState",
    "MeasureStatus",
    "ProgressEntry",
    "spec_for_progress",
]
