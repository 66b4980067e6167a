"""The rules of consents: what each consent command records, and whether data may be shared.

`may_share` is the one answer the sharing commands (referral, transfer, a partner's access)
ask: it reads the active consents only, so a withdrawal stops sharing at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from domain import errors
from domain.consents.commands import (
    GiveConsent,
    Recipient,
    RecordPrivacyNotice,
    SharingPurpose,
    WithdrawConsent,
)
from domain.consents.events import ConsentGiven, ConsentWithdrawn, PrivacyNoticeGiven
from domain.consents.state import Consents, ConsentState


class WithConsents(Protocol):
    """A pathway as the sharing rules read it (`PathwayState` is one)."""

    @property
    def consents(self) -> Consents: ...


def record_notice(command: RecordPrivacyNotice) -> PrivacyNoticeGiven:
    """The notice given; a later version (or a translation) is recorded beside the earlier."""
    return PrivacyNoticeGiven(
        given_on=command.given_on, language=command.language, version=command.version
    )


def give_consent(consents: Consents, command: GiveConsent) -> ConsentGiven:
    """A consent, under the next consent id, once the privacy notice was given by its day.

    Raises:
        PrivacyNoticeMissing: no notice was given on or before `given_on`.
        DateOrderInvalid: `until` lies before `given_on`.
        InvalidCommand: a recipient is named twice.
    """
    if not any(notice.given_on <= command.given_on for notice in consents.notices):
        raise errors.PrivacyNoticeMissing(
            "a consent is given after the privacy notice: record the notice first",
            field="given_on",
        )
    if command.until is not None and command.until < command.given_on:
        raise errors.DateOrderInvalid("a consent ends after it is given", field="until")
    if len(set(command.recipients)) < len(command.recipients):
        raise errors.InvalidCommand("a recipient is named twice", field="recipients")
    return ConsentGiven(consent_id=consents.next_id(), **command.model_dump(exclude={"type"}))


def withdraw_consent(consents: Consents, command: WithdrawConsent) -> ConsentWithdrawn:
    """The withdrawal of a consent in force.

    Raises:
        ConsentNotFound: no consent has this id.
        ConsentWithdrawnAlready: it was withdrawn before.
        DateOrderInvalid: the withdrawal is dated before the consent was given.
    """
    consent = consents.given.get(command.consent_id)
    if consent is None:
        raise errors.ConsentNotFound(
            f"no consent {command.consent_id} on this pathway", field="consent_id"
        )
    if consent.withdrawn:
        raise errors.ConsentAlreadyWithdrawn(
            f"consent {command.consent_id} was withdrawn on {consent.withdrawn_on}",
            field="consent_id",
        )
    if command.withdrawn_on < consent.given_on:
        raise errors.DateOrderInvalid(
            "a consent is withdrawn after it was given", field="withdrawn_on"
        )
    return ConsentWithdrawn(**command.model_dump(exclude={"type"}))


def active(consents: Consents) -> list[ConsentState]:
    """The consents not withdrawn, in the order given."""
    return [c for c in consents.given.values() if not c.withdrawn]


def may_share(state: WithConsents, with_whom: Recipient, purpose: SharingPurpose, on: date) -> bool:
    """Whether an active consent lets the pathway's data go to `with_whom` for `purpose` on `on`.

    Only consents not withdrawn count: a withdrawal stops sharing at once, also for a
    sharing dated before it. A consent counts from the day it was given to its `until`.
    """
    return any(
        with_whom in consent.recipients and consent.purpose == purpose and consent.covers(on)
        for consent in active(state.consents)
    )


def sharing_allowed(state: WithConsents, purpose: SharingPurpose, on: date) -> Iterable[Recipient]:
    """Everyone the active consents let the data go to for `purpose` on `on`, once each."""
    seen: dict[Recipient, None] = {}
    for consent in active(state.consents):
        if consent.purpose == purpose and consent.covers(on):
            seen.update(dict.fromkeys(consent.recipients))
    return tuple(seen)
