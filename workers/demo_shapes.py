"""The shapes of the demo's pathways: where each ends, with which measures, by which path.

The first pathways follow `COVERAGE`, chosen so that the caseload shows every stage (planning
with and without a pending proposal, some pathways suspended), every measure kind started
and completed, and the rules worth seeing at work; the others are drawn by `random_shape`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

from domain.measures import MeasureKind
from domain.values import ExitReason, Stage
from workers.demo_journey import Depth, MeasureChoice

K, D = MeasureKind, Depth
IN_PROGRESS = (Stage.RECEPTION, Stage.ASSESSMENT, Stage.PLANNING, Stage.ACTIVE)


class Family(StrEnum):
    SINGLE = "single"
    COUPLE = "couple"
    PARENT = "parent"
    """One or two adults with children: one of school age, one under six, maybe a third."""
    PREGNANT = "pregnant"
    NEWBORN = "newborn"
    """Declared a pregnancy at opening; the baby is added to the household later."""


class Extra(StrEnum):
    REJECTED_ONCE = "rejected_once"
    AMENDMENT = "amendment"
    """An approved amendment adding an updated skills assessment, carried out."""
    AMENDMENT_PENDING = "amendment_pending"
    RESUMED = "resumed"
    RENEW_PERMIT = "renew_permit"
    EXTEND = "extend"
    REASSIGN = "reassign"
    RECENT_ARRIVAL = "recent_arrival"
    """Resident for less than a year with a foreign driving licence, still convertible."""


@dataclass(frozen=True)
class Shape:
    """Where a pathway ends and how it gets there."""

    stage: Stage
    suspended: bool = False
    family: Family | None = None
    measures: tuple[MeasureChoice, ...] | None = None
    proposal: str = "none"
    """In planning: `none`, `pending` or `rejected`."""
    extras: frozenset[Extra] = frozenset()
    exit_reason: ExitReason = ExitReason.AUTONOMY


def measure(
    kind: MeasureKind, depth: Depth = D.COMPLETED, variant: str | None = None
) -> MeasureChoice:
    return MeasureChoice(kind, depth, variant)


def extras(*extras: Extra) -> frozenset[Extra]:
    return frozenset(extras)


COVERAGE: tuple[Shape, ...] = (
    Shape(
        Stage.CLOSED,
        family=Family.PARENT,
        measures=(
            measure(K.HOUSING_PLACEMENT, variant="family_hosting"),
            measure(K.CHILDCARE),
            measure(K.SCHOOL_SUPPORT),
            measure(K.TRAINING_COURSE, variant="italian_l2"),
            measure(K.SOCIAL_EVENT),
        ),
    ),
    Shape(
        Stage.FOLLOW_UP,
        family=Family.SINGLE,
        extras=extras(Extra.RECENT_ARRIVAL),
        measures=(
            measure(K.MOBILITY, variant="licence_conversion"),
            measure(K.WORK_GRANT, variant="hired"),
            measure(K.HOUSING_PLACEMENT, variant="private_rental"),
            measure(K.ECONOMIC_SUPPORT, variant="rent_advance"),
        ),
    ),
    Shape(
        Stage.EXIT,
        measures=(
            measure(K.TITLE_RECOGNITION),
            measure(K.SELF_EMPLOYMENT_ORIENTATION),
            measure(K.MOBILITY, variant="driving_licence"),
            measure(K.ASSOCIATION_MEMBERSHIP),
            measure(K.TRAINING_COURSE, variant="digital_skills"),
        ),
    ),
    Shape(
        Stage.ACTIVE,
        family=Family.PREGNANT,
        extras=extras(Extra.AMENDMENT),
        measures=(
            measure(K.CHILDCARE, D.STARTED),
            measure(K.TRAINING_COURSE, D.STARTED, "italian_l2"),
            measure(K.HOUSING_PLACEMENT, D.STARTED, "cohousing"),
            measure(K.ECONOMIC_SUPPORT, D.STARTED, "furniture"),
        ),
    ),
    Shape(
        Stage.ACTIVE,
        extras=extras(Extra.AMENDMENT_PENDING, Extra.REJECTED_ONCE),
        measures=(
            measure(K.WORK_GRANT, D.STARTED, "iban_later"),
            measure(K.MOBILITY, variant="bicycle"),
            measure(K.SOCIAL_EVENT, D.STARTED),
            measure(K.SKILLS_ASSESSMENT, D.PLANNED),
        ),
    ),
    Shape(Stage.PLANNING, proposal="pending"),
    Shape(Stage.PLANNING),
    Shape(Stage.PLANNING, proposal="rejected"),
    Shape(Stage.ASSESSMENT),
    Shape(Stage.RECEPTION),
    Shape(Stage.RECEPTION, suspended=True),
    Shape(
        Stage.ACTIVE,
        suspended=True,
        measures=(measure(K.WORK_GRANT, D.STARTED), measure(K.TRAINING_COURSE, D.STARTED, "other")),
    ),
    Shape(
        Stage.CLOSED,
        exit_reason=ExitReason.TRANSFERRED,
        measures=(
            measure(K.TRAINING_COURSE, variant="italian_l2"),
            measure(K.ASSOCIATION_MEMBERSHIP, D.CANCELLED),
        ),
    ),
    Shape(
        Stage.EXIT,
        suspended=True,
        exit_reason=ExitReason.DROPPED_OUT,
        measures=(measure(K.SOCIAL_EVENT), measure(K.WORK_GRANT, D.CANCELLED)),
    ),
    Shape(
        Stage.ACTIVE,
        extras=extras(Extra.REASSIGN, Extra.EXTEND, Extra.RENEW_PERMIT),
        measures=(
            measure(K.HOUSING_PLACEMENT, variant="social_housing"),
            measure(K.ECONOMIC_SUPPORT, variant="utilities"),
            measure(K.TITLE_RECOGNITION, D.STARTED),
        ),
    ),
    Shape(
        Stage.ACTIVE,
        family=Family.NEWBORN,
        extras=extras(Extra.RESUMED),
        measures=(
            measure(K.CHILDCARE, D.STARTED),
            measure(K.HOUSING_PLACEMENT, D.STARTED, "family_hosting"),
        ),
    ),
    Shape(
        Stage.CLOSED,
        measures=(
            measure(K.SELF_EMPLOYMENT_ORIENTATION, variant="business_started"),
            measure(K.WORK_GRANT),
            measure(K.ECONOMIC_SUPPORT, variant="furniture"),
            measure(K.ASSOCIATION_MEMBERSHIP),
        ),
    ),
    Shape(Stage.ASSESSMENT, suspended=True),
    Shape(Stage.EXIT, exit_reason=ExitReason.REVOKED, measures=(measure(K.TRAINING_COURSE),)),
    Shape(Stage.PLANNING, suspended=True, proposal="pending"),
    Shape(
        Stage.ACTIVE,
        family=Family.PARENT,
        measures=(
            measure(K.SKILLS_ASSESSMENT, D.PLANNED),
            measure(K.MOBILITY, D.STARTED, "driving_licence"),
            measure(K.SCHOOL_SUPPORT, D.STARTED),
            measure(K.SELF_EMPLOYMENT_ORIENTATION, D.STARTED),
        ),
    ),
)
"""Shapes of the first pathways: every stage (planning with and without a proposal, some
suspended), every measure kind started and completed, and the rules worth showing."""

STAGE_WEIGHTS = {
    Stage.RECEPTION: 6,
    Stage.ASSESSMENT: 7,
    Stage.PLANNING: 10,
    Stage.ACTIVE: 45,
    Stage.EXIT: 10,
    Stage.FOLLOW_UP: 10,
    Stage.CLOSED: 12,
}
EXIT_WEIGHTS = {
    ExitReason.AUTONOMY: 70,
    ExitReason.TRANSFERRED: 12,
    ExitReason.DROPPED_OUT: 12,
    ExitReason.REVOKED: 3,
}
"""`expired` cannot be seeded: a pathway expires at its end date, which lies in the future."""


def random_shape(rng: random.Random) -> Shape:
    """A shape drawn at random, weighted towards active pathways."""
    stage = rng.choices(list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values()))[0]
    odds = {
        Extra.REJECTED_ONCE: 0.1,
        Extra.AMENDMENT: 0.1,
        Extra.AMENDMENT_PENDING: 0.05,
        Extra.RESUMED: 0.08,
        Extra.RENEW_PERMIT: 0.1,
        Extra.EXTEND: 0.08,
        Extra.REASSIGN: 0.08,
        Extra.RECENT_ARRIVAL: 0.15,
    }
    reason = ExitReason.AUTONOMY  # before a follow-up, always
    if stage in (Stage.EXIT, Stage.CLOSED):
        reason = rng.choices(list(EXIT_WEIGHTS), list(EXIT_WEIGHTS.values()))[0]
    return Shape(
        stage=stage,
        suspended=stage in IN_PROGRESS and rng.random() < 0.1,
        proposal=rng.choice(("none", "pending", "pending", "rejected")),
        extras=frozenset(extra for extra, p in odds.items() if rng.random() < p),
        exit_reason=reason,
    )
