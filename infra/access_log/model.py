"""What one access is, the purposes a reader may give, and how the log is searched."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints

from domain.values import Frozen, Identifier, Role


class Purpose(StrEnum):
    """Why personal data is read (GDPR art. 5(1)(b)): one of a closed list, never free text."""

    CASE_MANAGEMENT = "case_management"
    """Working on one's own caseload."""
    SUPERVISION = "supervision"
    """A supervisor following the organisation's pathways, approving plans and payments."""
    MONITORING = "monitoring"
    """The coordinator following the project, its indicators and its partners."""
    AUDIT = "audit"
    """An auditor or a funder's controller checking what was done."""
    SUBJECT_ACCESS = "subject_access"
    """Answering the person's own request for their data (GDPR art. 15)."""
    ERASURE = "erasure"
    """Checking a pathway before its key is destroyed."""
    MEASURE_DELIVERY = "measure_delivery"
    """A partner delivering a measure its contact is linked to (docs/partners.md)."""
    SUPPORT = "support"
    """Technical support: investigating a fault with a pathway."""


DEFAULT_PURPOSE: dict[Role, Purpose] = {
    Role.CASEWORKER: Purpose.CASE_MANAGEMENT,
    Role.SUPERVISOR: Purpose.SUPERVISION,
    Role.COORDINATOR: Purpose.MONITORING,
    Role.AUDITOR: Purpose.AUDIT,
    Role.ADMIN: Purpose.SUPPORT,
    Role.PARTNER: Purpose.MEASURE_DELIVERY,
    Role.SYSTEM: Purpose.SUPPORT,
}
"""The purpose recorded when a reader gives none: what their role reads for."""


class Channel(StrEnum):
    """Through what the data was read."""

    PAGE = "page"
    API = "api"
    CLI = "cli"
    CODEC = "codec"
    """The codec server: the Temporal UI decoding a workflow's payloads."""


Resource = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
]
"""What was read, as a snake_case name: `pathway_state`, `history_page`, `export_subject`…"""

Detail = Annotated[str, StringConstraints(max_length=200)]


class AccessEntry(Frozen):
    """One read of one pathway's personal data, as recorded."""

    entry_id: int | None = None
    """Assigned by the log, increasing in recording order."""
    at: AwareDatetime
    account_id: Identifier
    role: Role
    pathway_id: Identifier
    what: Resource
    purpose: Purpose
    channel: Channel
    detail: Detail | None = None
    """What narrows the read, e.g. `as_of=2026-03-01`; never personal data."""


MAX_SEARCH = 500


class AccessQuery(Frozen):
    """A search of the log: every given filter must match; newest first."""

    pathway_id: Identifier | None = None
    account_id: Identifier | None = None
    since: datetime | None = None
    """Entries at or after this instant."""
    until: datetime | None = None
    """Entries before this instant."""
    channel: Channel | None = None
    limit: int = Field(default=100, ge=1, le=MAX_SEARCH)
    offset: int = Field(default=0, ge=0, le=2**63 - 1)


class AccessLogUnavailable(Exception):
    """The log could not be written: the read it was for must not be answered."""
