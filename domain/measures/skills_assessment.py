"""Skills assessment (bilancio di competenze): skills, languages, education, experience.

Recorded at the assessment stage by `RecordSkillsAssessment`; it may also be planned again
later as a measure (an updated assessment), completed with the same record.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from domain.measures.base import Details, Outcome
from domain.measures.spec import NO_DEADLINES, NO_FACTS, MeasureLabels, MeasureSpec
from domain.values import CefrLevel, Frozen, LongText, ShortText, WorkPackage


class EducationLevel(StrEnum):
    NONE = "none"
    PRIMARY = "primary"
    LOWER_SECONDARY = "lower_secondary"
    UPPER_SECONDARY = "upper_secondary"
    VOCATIONAL = "vocational"
    TERTIARY = "tertiary"


class LanguageSkill(Frozen):
    language: ShortText
    level: CefrLevel


class SkillsAssessment(Frozen):
    education: EducationLevel
    italian_level: CefrLevel
    digital_skills: bool
    languages: tuple[LanguageSkill, ...] = ()
    work_experience: LongText | None = None
    titles_held: tuple[ShortText, ...] = ()
    documents_held: tuple[ShortText, ...] = ()


class SkillsAssessmentDetails(Details):
    kind: Literal["skills_assessment"] = "skills_assessment"
    assessor: ShortText
    start_on: date


class SkillsAssessmentOutcome(Outcome):
    kind: Literal["skills_assessment"] = "skills_assessment"
    assessment: SkillsAssessment


SPEC = MeasureSpec(
    work_package=WorkPackage.WORK,
    details=SkillsAssessmentDetails,
    progress=(),
    outcome=SkillsAssessmentOutcome,
    deadlines=NO_DEADLINES,
    payments=(),
    facts=NO_FACTS,  # the assessment counts from the pathway's state (`skills_assessed`)
    labels=MeasureLabels(name="Skills assessment"),
)
