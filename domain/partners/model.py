"""What a partner organisation and a contact are, and the checks new ones pass."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from domain.values import Frozen, Identifier, Role, ShortText

FiscalCode = Annotated[
    str,
    StringConstraints(pattern=r"^(IT)?([0-9]{11}|[A-Z0-9]{16})$"),
]
"""An Italian VAT number (11 digits, optionally `IT` before) or a fiscal code (16 characters)."""

Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 ./-]{4,24}$")
]


class PartnerKind(StrEnum):
    """What a partner does for a pathway."""

    HOST_COMPANY = "host_company"
    TRAINING_PROVIDER = "training_provider"
    """A CPIA or a course body."""
    HOST_FAMILY = "host_family"
    SCHOOL = "school"
    ASSOCIATION = "association"
    OTHER_SERVICE = "other_service"


class ContactRole(StrEnum):
    """What a contact is to the pathways a partner takes part in."""

    TUTOR = "tutor"
    TEACHER = "teacher"
    HOST_PARENT = "host_parent"
    REFERENT = "referent"
    OTHER = "other"


class PartnerDetails(Frozen):
    """What the person registering a partner gives: everything but who, where and when."""

    name: ShortText
    kind: PartnerKind
    address: ShortText | None = None
    city: ShortText | None = None
    fiscal_code: FiscalCode | None = None
    """The VAT number or fiscal code, where the partner (a company, a body) has one."""

    @field_validator("address", "city", "fiscal_code", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("fiscal_code", mode="before")
    @classmethod
    def _fiscal_code_as_written(cls, value: object) -> object:
        """`it 0123 4567 890` is `IT01234567890`: people type spaces and lower case."""
        return "".join(value.split()).upper() if isinstance(value, str) else value


class ContactDetails(Frozen):
    """A person at a partner: personal data of the partner's staff (sealed at rest)."""

    name: ShortText
    role: ContactRole
    email: str | None = Field(default=None, max_length=254)
    phone: Phone | None = None

    @field_validator("email", "phone", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("email")
    @classmethod
    def _email(cls, email: str | None) -> str | None:
        if email is None:
            return None
        local, at, domain = email.partition("@")
        if not (local and at and "." in domain) or "@" in domain or any(c.isspace() for c in email):
            raise ValueError("not an e-mail address")
        return email


class Contact(ContactDetails):
    """A contact as stored."""

    id: Identifier
    partner_id: Identifier
    removed_at: datetime | None = None
    """When it was removed: no longer linked, invited or signed in; kept for the history."""


class Partner(PartnerDetails):
    """A partner organisation as stored, with the managing organisation that registered it."""

    id: Identifier
    organisation_id: Identifier
    registered_by: Identifier
    registered_at: datetime
    contacts: tuple[Contact, ...] = ()


class PartnerChange(Frozen):
    """One line of a partner's audit trail: who changed what, when."""

    partner_id: Identifier
    action: str
    """`registered`, `edited` (with the fields), `contact_added`, `contact_edited` (the
    contact's id and the fields), `contact_removed` (the contact's id)."""
    detail: str = ""
    actor_id: Identifier
    actor_role: Role
    at: datetime
