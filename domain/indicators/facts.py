"""The facts true of one pathway now, each with a weight: what every indicator sums.

Facts depend on the state alone, never on an event or a clock, so a projection can keep
them incrementally: fold an event, take the facts after it, and write the difference with
the facts before it. A fact that stops being true (a measure cancelled before any activity,
a payment the bank returned) simply drops out of the dictionary.

Weights are positive: 1 for a beneficiary; the number of distinct minors for
`minors_school_support`; the score for a `..._sum` of self-esteem. Absent means 0.

The facts of measures are declared by each measure's module (`MeasureSpec.facts`, and the
`paid_fact` of its payment kinds); this module adds those of the pathway itself.
"""

from __future__ import annotations

from domain.group_activities.state import Participation
from domain.indicators.outcomes import OUTCOME_FACTS, outcome_facts
from domain.measures import CATALOGUE, PAYMENT_RULES, MeasureState

# The facts of measures, as their modules name them, for the indicators (`catalogue`).
from domain.measures.association_membership import ASSOCIATION_MEMBER
from domain.measures.childcare import CHILDCARE
from domain.measures.economic_support import ECONOMIC_SUPPORT
from domain.measures.housing_placement import COHOUSING, FAMILY_HOSTING
from domain.measures.mobility import MOBILITY
from domain.measures.school_support import MINORS_SCHOOL_SUPPORT
from domain.measures.self_employment_orientation import SELF_EMPLOYMENT_ORIENTATION
from domain.measures.social_event import SOCIAL_COHESION
from domain.measures.title_recognition import CERTIFIED_COMPETENCES
from domain.measures.training_course import DIGITAL_SKILLS, TRAINING
from domain.measures.work_grant import WORK_GRANT
from domain.payments.ledger import PaymentKind
from domain.payments.state import PaymentStatus
from domain.state import PathwayState
from domain.values import Condition, EmploymentCondition, Gender

SKILLS_ASSESSED = "skills_assessed"
OWNED_BY = "organisation:"
"""The prefix of the fact of the organisation that owns the pathway (`owned_by`)."""


def owned_by(organisation_id: str) -> str:
    """The fact of a pathway owned by the organisation: `organisation:org-lecce`.

    No indicator counts it; the reports scope by it, so that a pathway transferred counts
    for each organisation over the time it owned it (`infra.indicators.postgres_queries`).
    """
    return f"{OWNED_BY}{organisation_id}"


GROUP_EVENTS_HELD = "group_events_held"
"""Weight: the group activities this pathway's participation counts as held (one per
activity, on its first attendee: `GroupActivity.counts_event_for`)."""
GROUP_PARTICIPATIONS = "group_participations"
"""Weight: the group activities the beneficiary attended."""
GROUP_PARTICIPANTS = "group_participants"
"""The beneficiary attended at least one group activity."""


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
        GROUP_EVENTS_HELD,
        GROUP_PARTICIPATIONS,
        GROUP_PARTICIPANTS,
        *(name for spec in CATALOGUE.values() for name in spec.facts.names),
        *(paid(kind) for kind in PaymentKind),
        *_moment_facts("baseline"),
        *_moment_facts("exit"),
        *OUTCOME_FACTS,
    }
)
"""Every fact `facts` may return, but the organisation's (`owned_by`)."""

__all__ = [
    "ASSOCIATION_MEMBER",
    "CERTIFIED_COMPETENCES",
    "CHILDCARE",
    "COHOUSING",
    "DIGITAL_SKILLS",
    "ECONOMIC_SUPPORT",
    "FACTS",
    "FAMILY_HOSTING",
    "GROUP_EVENTS_HELD",
    "GROUP_PARTICIPANTS",
    "GROUP_PARTICIPATIONS",
    "MINORS_SCHOOL_SUPPORT",
    "MOBILITY",
    "SELF_EMPLOYMENT_ORIENTATION",
    "SKILLS_ASSESSED",
    "SOCIAL_COHESION",
    "TRAINING",
    "WORK_GRANT",
    "facts",
    "owned_by",
    "paid",
]


def facts(state: PathwayState) -> dict[str, int]:
    """The facts true for this pathway now, with their weights (all above 0).

    Empty before the pathway is opened.
    """
    if not state.is_open or state.beneficiary is None:
        return {}
    found = outcome_facts(state)
    if state.organisation_id is not None:
        found[owned_by(state.organisation_id)] = 1
    if state.assessment is not None:
        found[SKILLS_ASSESSED] = 1
    female = state.beneficiary.gender == Gender.FEMALE
    if state.baseline is not None:
        found.update(_condition_facts("baseline", state.baseline, female=female))
    if state.exit is not None:
        found.update(_condition_facts("exit", state.exit.outcomes, female=female))
    found.update(_measure_facts(list(state.measures.values())))
    found.update(_group_facts(list(state.group_activities.values())))
    paid_kinds = {p.kind for p in state.payments.values() if p.status == PaymentStatus.PAID}
    for kind in paid_kinds:
        found[paid(kind)] = 1
        fact = PAYMENT_RULES[kind].paid_fact
        if fact is not None:
            found[fact] = 1
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


def _group_facts(attended: list[Participation]) -> dict[str, int]:
    """The group activities attended, and those this pathway counts as held."""
    if not attended:
        return {}
    found = {GROUP_PARTICIPANTS: 1, GROUP_PARTICIPATIONS: len(attended)}
    held = sum(p.counts_event for p in attended)
    if held:
        found[GROUP_EVENTS_HELD] = held
    return found


def _measure_facts(measures: list[MeasureState]) -> dict[str, int]:
    """The facts each measure's kind makes true (`MeasureSpec.facts`), each weighing the
    distinct keys it counts (one, or the minors supported)."""
    counted: dict[str, set[str]] = {}
    for measure in measures:
        for fact in CATALOGUE[measure.kind].facts.of(measure):
            counted.setdefault(fact.name, set()).add(fact.counted)
    return {name: len(keys) for name, keys in counted.items()}
