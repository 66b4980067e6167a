"""The facts true of one pathway now, each with a weight: what every indicator sums.

Facts depend on the state alone, never on an event or a clock, so a projection can keep
them incrementally: fold an event, take the facts after it, and write the difference with
the facts before it. A fact that stops being true (a measure cancelled before any activity,
a payment the bank returned) simply drops out of the dictionary.

Weights are positive: 1 for a beneficiary; the number of distinct minors for
`minors_school_support`; the score for a `..._sum` of self-esteem. Absent means 0.
"""

from __future__ import annotations

from typing import assert_never

from domain.measures import MeasureKind, MeasureState, MeasureStatus
from domain.measures.association_membership import MembershipJoined
from domain.measures.housing_placement import HousingPlacementDetails, HousingSolution, MovedIn
from domain.measures.mobility import MobilityOutcome, MobilityResult
from domain.measures.school_support import SchoolSupportDetails
from domain.measures.social_event import EventParticipation
from domain.measures.title_recognition import RecognitionResult, TitleRecognitionOutcome
from domain.measures.training_course import CourseSubject, TrainingCourseDetails
from domain.payments.ledger import PaymentKind
from domain.payments.state import PaymentStatus
from domain.state import PathwayState
from domain.values import Condition, EmploymentCondition, Gender

SKILLS_ASSESSED = "skills_assessed"
CERTIFIED_COMPETENCES = "certified_competences"
DIGITAL_SKILLS = "digital_skills"
CHILDCARE = "childcare"
MOBILITY = "mobility"
TRAINING = "training"
WORK_GRANT = "work_grant"
SELF_EMPLOYMENT_ORIENTATION = "self_employment_orientation"
COHOUSING = "cohousing"
FAMILY_HOSTING = "family_hosting"
ECONOMIC_SUPPORT = "economic_support"
SOCIAL_COHESION = "social_cohesion"
ASSOCIATION_MEMBER = "association_member"
MINORS_SCHOOL_SUPPORT = "minors_school_support"

HOUSING_SUPPORT = frozenset(
    {PaymentKind.FURNITURE, PaymentKind.UTILITIES, PaymentKind.RENT_ADVANCE}
)
"""The payments of the seed's economic support for housing (furniture, utilities, rent)."""

LICENCE_OR_BICYCLE = frozenset(
    {
        MobilityResult.LICENCE_OBTAINED,
        MobilityResult.LICENCE_CONVERTED,
        MobilityResult.BICYCLE_DELIVERED,
    }
)


def paid(kind: PaymentKind) -> str:
    """The fact of a pathway with at least one payment of `kind` paid: `paid_furniture`."""
    return f"paid_{kind.value}"


def _moment_facts(moment: str) -> tuple[str, ...]:
    return (
        f"{moment}_recorded",
        f"female_{moment}",
        f"female_inactive_{moment}",
        f"housing_hardship_{moment}",
        f"social_marginality_{moment}",
        f"digital_skills_{moment}",
        f"self_esteem_{moment}_sum",
        f"self_esteem_{moment}_n",
    )


FACTS: frozenset[str] = frozenset(
    {
        SKILLS_ASSESSED,
        CERTIFIED_COMPETENCES,
        DIGITAL_SKILLS,
        CHILDCARE,
        MOBILITY,
        TRAINING,
        WORK_GRANT,
        SELF_EMPLOYMENT_ORIENTATION,
        COHOUSING,
        FAMILY_HOSTING,
        ECONOMIC_SUPPORT,
        SOCIAL_COHESION,
        ASSOCIATION_MEMBER,
        MINORS_SCHOOL_SUPPORT,
        *(paid(kind) for kind in PaymentKind),
        *_moment_facts("baseline"),
        *_moment_facts("exit"),
    }
)
"""Every fact `facts` may return."""


def facts(state: PathwayState) -> dict[str, int]:
    """The facts true for this pathway now, with their weights (all above 0).

    Empty before the pathway is opened.
    """
    if not state.is_open or state.beneficiary is None:
        return {}
    found: dict[str, int] = {}
    if state.assessment is not None:
        found[SKILLS_ASSESSED] = 1
    female = state.beneficiary.gender == Gender.FEMALE
    if state.baseline is not None:
        found.update(_condition_facts("baseline", state.baseline, female=female))
    if state.exit is not None:
        found.update(_condition_facts("exit", state.exit.outcomes, female=female))
    found.update(_measure_facts(list(state.measures.values())))
    paid_kinds = {p.kind for p in state.payments.values() if p.status == PaymentStatus.PAID}
    for kind in paid_kinds:
        found[paid(kind)] = 1
    if paid_kinds & HOUSING_SUPPORT:
        found[ECONOMIC_SUPPORT] = 1
    return found


def _condition_facts(moment: str, condition: Condition, *, female: bool) -> dict[str, int]:
    found = {
        f"{moment}_recorded": 1,
        f"self_esteem_{moment}_sum": condition.self_esteem,
        f"self_esteem_{moment}_n": 1,
    }
    if female:
        found[f"female_{moment}"] = 1
        if condition.employment == EmploymentCondition.INACTIVE:
            found[f"female_inactive_{moment}"] = 1
    if condition.housing_hardship:
        found[f"housing_hardship_{moment}"] = 1
    if condition.social_marginality:
        found[f"social_marginality_{moment}"] = 1
    if condition.digital_skills:
        found[f"digital_skills_{moment}"] = 1
    return found


def took_part(measure: MeasureState) -> bool:
    """Started, and not cancelled before any activity was recorded.

    A start cancelled with nothing recorded is taken as a mistake or a no-show: the
    beneficiary never was in the measure.
    """
    if measure.started_on is None:
        return False
    return measure.status != MeasureStatus.CANCELLED or bool(measure.progress)


def _measure_facts(measures: list[MeasureState]) -> dict[str, int]:
    found: dict[str, int] = {}
    minors: set[str] = set()
    for m in measures:
        fact: str | None = None
        match m.kind:
            case MeasureKind.TITLE_RECOGNITION:
                if (
                    isinstance(m.outcome, TitleRecognitionOutcome)
                    and m.outcome.result == RecognitionResult.ISSUED
                ):
                    fact = CERTIFIED_COMPETENCES
            case MeasureKind.TRAINING_COURSE:
                if took_part(m):
                    found[TRAINING] = 1
                if (
                    m.status == MeasureStatus.COMPLETED
                    and isinstance(m.details, TrainingCourseDetails)
                    and m.details.subject == CourseSubject.DIGITAL_SKILLS
                ):
                    fact = DIGITAL_SKILLS
            case MeasureKind.CHILDCARE:
                fact = CHILDCARE if took_part(m) else None
            case MeasureKind.MOBILITY:
                if isinstance(m.outcome, MobilityOutcome) and m.outcome.result in (
                    LICENCE_OR_BICYCLE
                ):
                    fact = MOBILITY
            case MeasureKind.WORK_GRANT:
                fact = WORK_GRANT if took_part(m) else None
            case MeasureKind.SELF_EMPLOYMENT_ORIENTATION:
                fact = SELF_EMPLOYMENT_ORIENTATION if took_part(m) else None
            case MeasureKind.HOUSING_PLACEMENT:
                if isinstance(m.details, HousingPlacementDetails) and m.progress_of(MovedIn):
                    fact = {
                        HousingSolution.COHOUSING: COHOUSING,
                        HousingSolution.FAMILY_HOSTING: FAMILY_HOSTING,
                    }.get(m.details.solution)
            case MeasureKind.SOCIAL_EVENT:
                fact = SOCIAL_COHESION if m.progress_of(EventParticipation) else None
            case MeasureKind.ASSOCIATION_MEMBERSHIP:
                fact = ASSOCIATION_MEMBER if m.progress_of(MembershipJoined) else None
            case MeasureKind.SCHOOL_SUPPORT:
                if took_part(m) and isinstance(m.details, SchoolSupportDetails):
                    minors.add(m.details.minor_id)
            case MeasureKind.SKILLS_ASSESSMENT | MeasureKind.ECONOMIC_SUPPORT:
                pass  # the assessment is in the state; economic support is in its payments
            case _:
                assert_never(m.kind)
        if fact is not None:
            found[fact] = 1
    if minors:
        found[MINORS_SCHOOL_SUPPORT] = len(minors)
    return found
