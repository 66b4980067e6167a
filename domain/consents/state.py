"""The consent records of a pathway, as folded from its consent events.

A consent is given (after the privacy notice) for a purpose to named recipients, and holds
from the day it was given to its `until` day, while it is not withdrawn; once withdrawn it
allows nothing more, whatever day a later sharing is dated.

    given ─► withdrawn
"""

from __future__ import annotations

from datetime import date

from pydantic import AwareDatetime, Field

from domain.consents.commands import NoticeLanguage, Recipient, SharingPurpose
from domain.values import Frozen, Identifier, LongText, ShortText


class PrivacyNotice(Frozen):
    given_on: date
    language: NoticeLanguage
    version: ShortText
    recorded_by: Identifier


class ConsentState(Frozen):
    consent_id: Identifier
    recipients: tuple[Recipient, ...]
    purpose: SharingPurpose
    given_on: date
    until: date | None = None
    note: ShortText | None = None
    recorded_by: Identifier
    recorded_at: AwareDatetime
    withdrawn_on: date | None = None
    withdrawal_reason: LongText | None = None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_on is not None

    def covers(self, on: date) -> bool:
        """Whether `on` lies between the day the consent was given and its `until` day.

        A withdrawn consent covers no day: see `domain.consents.rules.may_share`.
        """
        return self.given_on <= on and (self.until is None or on <= self.until)


class Consents(Frozen):
    """The notices given (latest last) and the consents, by id in the order given."""

    notices: tuple[PrivacyNotice, ...] = ()
    given: dict[str, ConsentState] = Field(default_factory=dict)

    @property
    def notice(self) -> PrivacyNotice | None:
        """The latest notice given."""
        return self.notices[-1] if self.notices else None

    def next_id(self) -> str:
        return f"consent-{len(self.given) + 1}"
