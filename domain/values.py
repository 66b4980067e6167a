"""Value types shared by commands, events and state."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.fact_dates import FactDate

Identifier = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:@-]*$")
]
"""An opaque id: pathway, measure, user, organisation, minor. Never personal data."""

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Money = Annotated[int, Field(ge=0, le=10_000_000)]
"""An amount of money in euro cents."""


class Frozen(BaseModel):
    """Base of every domain model: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Role(StrEnum):
    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    COORDINATOR = "coordinator"
    AUDITOR = "auditor"
    ADMIN = "admin"
    PARTNER = "partner"
    """A partner's contact (a tutor, a teacher, a host family): sees only the measures the
    contact is linked to (docs/partners.md), sends no command of the staff."""
    SYSTEM = "system"


def _absent(value: object) -> bool:
    """A staff actor is stored and sent as before partners acted: without partner fields."""
    return value is None


class Actor(Frozen):
    """Who issues a command: a person with a role, or the system itself.

    A partner's contact acting in the system (issue 23) is role `partner` with the partner
    and the contact it is: what it may record is `domain.partner_records.recording`.
    """

    id: Identifier
    role: Role
    partner_id: Identifier | None = Field(default=None, exclude_if=_absent)
    contact_id: Identifier | None = Field(default=None, exclude_if=_absent)


SYSTEM_DEADLINES = Actor(id="system:deadlines", role=Role.SYSTEM)


class Stage(StrEnum):
    RECEPTION = "reception"
    ASSESSMENT = "assessment"
    PLANNING = "planning"
    ACTIVE = "active"
    EXIT = "exit"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    NON_BINARY = "non_binary"
    NOT_STATED = "not_stated"


class ProtectionStatus(StrEnum):
    """Status of the beneficiary under Italian law (d.lgs. 251/2007 and later)."""

    REFUGEE = "refugee"
    SUBSIDIARY_PROTECTION = "subsidiary_protection"
    SPECIAL_PROTECTION = "special_protection"
    TEMPORARY_PROTECTION = "temporary_protection"
    ASYLUM_SEEKER = "asylum_seeker"


class ReceptionCentreKind(StrEnum):
    """SAI is second-line reception, CAS first-line; NONE once out of the reception system."""

    SAI = "sai"
    CAS = "cas"
    NONE = "none"


class ExitReason(StrEnum):
    AUTONOMY = "autonomy"
    TRANSFERRED = "transferred"
    EXPIRED = "expired"
    DROPPED_OUT = "dropped_out"
    REVOKED = "revoked"


class EmploymentCondition(StrEnum):
    """ISTAT labour-force condition."""

    EMPLOYED = "employed"
    UNEMPLOYED = "unemployed"
    INACTIVE = "inactive"


class HousingSituation(StrEnum):
    RECEPTION_CENTRE = "reception_centre"
    PRIVATE_RENTAL = "private_rental"
    COHOUSING = "cohousing"
    FAMILY_HOSTING = "family_hosting"
    SOCIAL_HOUSING = "social_housing"
    PRECARIOUS = "precarious"
    HOMELESS = "homeless"


class MobilityMeans(StrEnum):
    NONE = "none"
    PUBLIC_TRANSPORT = "public_transport"
    BICYCLE = "bicycle"
    DRIVING_LICENCE = "driving_licence"
    FOREIGN_LICENCE = "foreign_licence"


class CefrLevel(StrEnum):
    PRE_A1 = "pre_a1"
    A1 = "a1"
    A2 = "a2"
    B1 = "b1"
    B2 = "b2"
    C1 = "c1"
    C2 = "c2"


class WorkPackage(StrEnum):
    WORK = "wp1_work"
    HOUSING = "wp2_housing"
    SOCIO_CULTURAL = "wp3_socio_cultural"


SelfEsteemScore = Annotated[int, Field(ge=10, le=40)]
"""Rosenberg self-esteem scale, 10 (lowest) to 40 (highest)."""


class Condition(Frozen):
    """The beneficiary's condition on the dimensions the funder measures.

    Recorded once as the baseline and again as the exit outcomes, so the two compare.
    """

    employment: EmploymentCondition
    housing: HousingSituation
    housing_hardship: bool
    social_marginality: bool
    mobility: MobilityMeans
    italian_level: CefrLevel
    digital_skills: bool
    self_esteem: SelfEsteemScore


class Minor(Frozen):
    minor_id: Identifier
    birth_year: Annotated[int, Field(ge=1990, le=2100)]


class Household(Frozen):
    adults: Annotated[int, Field(ge=1, le=20)] = 1
    minors: tuple[Minor, ...] = ()
    pregnancy_declared: bool = False


class Beneficiary(Frozen):
    """Personal data of the beneficiary. Never copied into ids, search attributes or logs."""

    given_name: ShortText
    family_name: ShortText
    birth_date: FactDate
    gender: Gender
    nationality: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    """ISO 3166-1 alpha-2 country code."""
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ]{6,20}$")] | None = None
    document_number: ShortText | None = None


class ReceptionCentre(Frozen):
    kind: ReceptionCentreKind
    name: ShortText | None = None
