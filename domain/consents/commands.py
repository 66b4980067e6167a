"""Commands on consents: record the privacy notice given, give a consent to share, withdraw it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import Field

from domain.fact_dates import FactDate
from domain.values import Frozen, Identifier, LongText, ShortText


class NoticeLanguage(StrEnum):
    """The languages the project's privacy notice is given in: those of its pages."""

    ITALIAN = "it"
    ENGLISH = "en"


class RecipientKind(StrEnum):
    ORGANISATION = "organisation"
    """A managing organisation of the project (one with caseworkers of its own)."""
    PARTNER = "partner"
    """A partner organisation of the network (host company, school, CPIA, association...)."""


class SharingPurpose(StrEnum):
    """What data may be shared for: a closed list, so that a consent says exactly what."""

    REFERRAL = "referral"
    """Referring the pathway to another organisation for a service or a measure."""
    TRANSFER = "transfer"
    """Moving the whole pathway to another organisation."""
    MEASURE_DELIVERY = "measure_delivery"
    """Delivering a measure of the plan (a work grant's host, a course, a host family)."""
    FUNDER_REPORTING = "funder_reporting"
    """Reporting to the funder (FAMI, Ministero dell'Interno) beyond the anonymous indicators."""


class Recipient(Frozen):
    """Someone data may be shared with: an organisation or a partner, by its id."""

    kind: RecipientKind
    id: Identifier


class RecordPrivacyNotice(Frozen):
    """Record that the beneficiary was given the privacy notice (informativa)."""

    type: Literal["record_privacy_notice"] = "record_privacy_notice"
    given_on: FactDate
    language: NoticeLanguage
    version: ShortText
    """The notice's version as printed on it (e.g. `2026-01`)."""


class GiveConsent(Frozen):
    """Record the beneficiary's consent to share their data with `recipients` for `purpose`."""

    type: Literal["give_consent"] = "give_consent"
    recipients: tuple[Recipient, ...] = Field(min_length=1, max_length=20)
    purpose: SharingPurpose
    given_on: FactDate
    until: date | None = None
    """The last day the consent holds; open-ended when absent."""
    note: ShortText | None = None


class WithdrawConsent(Frozen):
    """Record that the beneficiary withdrew a consent: no sharing under it from that day."""

    type: Literal["withdraw_consent"] = "withdraw_consent"
    consent_id: Identifier
    withdrawn_on: FactDate
    reason: LongText | None = None
