"""How each consent event changes the consent records of a pathway. Facts applied, no rules."""

from __future__ import annotations

from typing import assert_never

from domain.consents.events import ConsentEvent, ConsentGiven, ConsentWithdrawn, PrivacyNoticeGiven
from domain.consents.state import Consents, ConsentState, PrivacyNotice
from domain.records import EventRecord


def evolve_consents(consents: Consents, event: ConsentEvent, record: EventRecord) -> Consents:
    """The consent records after one consent event."""
    match event:
        case PrivacyNoticeGiven():
            notice = PrivacyNotice(
                **event.model_dump(exclude={"type"}), recorded_by=record.actor.id
            )
            return consents.model_copy(update={"notices": (*consents.notices, notice)})
        case ConsentGiven():
            consent = ConsentState(
                **event.model_dump(exclude={"type"}),
                recorded_by=record.actor.id,
                recorded_at=record.occurred_at,
            )
            return consents.model_copy(
                update={"given": {**consents.given, event.consent_id: consent}}
            )
        case ConsentWithdrawn():
            withdrawn = consents.given[event.consent_id].model_copy(
                update={"withdrawn_on": event.withdrawn_on, "withdrawal_reason": event.reason}
            )
            return consents.model_copy(
                update={"given": {**consents.given, event.consent_id: withdrawn}}
            )
        case _:
            assert_never(event)
