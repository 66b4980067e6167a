"""The FAMI indicators, pure: the catalogue, the facts of a pathway, its dimensions,
small-cell suppression, targets, the fact intervals of a stream (`intervals`) and the
table of figures (`table`). The projection and queries are in infra/, the projector in
activities/, the files written from the table in web/reports/."""

from __future__ import annotations

from domain.indicators.catalogue import BY_ID, CATALOGUE, Indicator, IndicatorKind, Moment
from domain.indicators.dimensions import AGE_BANDS, AgeBand, Dimensions, age_band, dimensions
from domain.indicators.disclosure import (
    DEFAULT_THRESHOLD,
    ratio,
    suppress,
    suppress_table,
    unsuppressed_ratio,
)
from domain.indicators.facts import FACTS, facts
from domain.indicators.targets import DEFAULT_TARGETS, Direction, Target

__all__ = [
    "AGE_BANDS",
    "BY_ID",
    "CATALOGUE",
    "DEFAULT_TARGETS",
    "DEFAULT_THRESHOLD",
    "FACTS",
    "AgeBand",
    "Dimensions",
    "Direction",
    "Indicator",
    "IndicatorKind",
    "Moment",
    "Target",
    "age_band",
    "dimensions",
    "facts",
    "ratio",
    "suppress",
    "suppress_table",
    "unsuppressed_ratio",
]
