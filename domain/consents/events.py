"""Events of consents, in the past tense: the notice given, a consent given or withdrawn."""

from __future__ import annotations

from datetime import date
from typing import Literal

from domain.consents.commands import NoticeLanguage, Recipient, SharingPurpose
from domain.values import Frozen, Identifier, LongText, ShortText


class PrivacyNoticeGiven(Frozen):
    type: Literal["PrivacyNoticeGiven"] = "PrivacyNoticeGiven"
    given_on: date
    language: NoticeLanguage
    version: ShortText


class ConsentGiven(Frozen):
    type: Literal["ConsentGiven"] = "ConsentGiven"
    consent_id: Identifier
    recipients: tuple[Recipient, ...]
    purpose: SharingPurpose
    given_on: date
    until: date | None = None
    note: ShortText | None = None


class ConsentWithdrawn(Frozen):
    type: Literal["ConsentWithdrawn"] = "ConsentWithdrawn"
    consent_id: Identifier
    withdrawn_on: date
    reason: LongText | None = None


ConsentEvent = PrivacyNoticeGiven | ConsentGiven | ConsentWithdrawn
