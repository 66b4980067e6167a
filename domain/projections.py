"""Read-model rows derived from a pathway's state, written with the events that produced them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime

from domain.payments.ledger import LedgerEntry, LedgerOutcome
from domain.referrals.state import ReferralStatus
from domain.values import Beneficiary, Frozen, Identifier, ProtectionStatus, Role, ShortText, Stage


class PathwaySummary(Frozen):
    """One row of the caseload list. Holds no name, document or contact: the protection
    status is a code the indicators keep per pathway too, and the list filters on it."""

    pathway_id: Identifier
    organisation_id: Identifier
    caseworker_id: Identifier
    stage: Stage
    suspended: bool
    version: int
    opened_at: AwareDatetime
    updated_at: AwareDatetime
    next_deadline: AwareDatetime | None
    measures_planned: int
    measures_active: int
    measures_completed: int
    measure_kinds: tuple[str, ...] = ()
    """The kinds of the measures in the plan, whatever their status, sorted."""
    protection_status: ProtectionStatus | None = None


class Obligation(Frozen):
    """Something the pathway owes by a due instant (a deadline)."""

    obligation_id: str
    """Stable within the pathway, e.g. `baseline` or `measure:<id>:target`."""
    kind: str
    due_at: datetime
    measure_id: Identifier | None = None


class Notification(Frozen):
    """A message owed to a person about a deadline; written to the outbox with its event."""

    notification_id: str
    """`<stream id>:<version>` of the ladder event: stable, so a retry never sends twice."""
    pathway_id: Identifier
    organisation_id: Identifier
    recipient_role: Role
    recipient_id: Identifier | None
    """The person, when the role is the pathway's caseworker; else anyone of the role."""
    escalation: bool
    obligation_kind: str
    obligation_id: str
    measure_id: Identifier | None
    due_at: AwareDatetime
    created_at: AwareDatetime


class Withdrawal(Frozen):
    """Why an escalation no longer stands: a fact recorded after it met its obligation before
    the due instant. The escalation stays in the inbox, marked withdrawn."""

    met_by: str
    """The type of the event that met the obligation, e.g. `BaselineRecorded`."""
    met_at: AwareDatetime
    """Its business time: before the due instant the escalation was sent for."""
    withdrawn_at: AwareDatetime
    """When it was recorded."""


class EscalationsWithdrawn(Frozen):
    """The escalations sent for one obligation that a fact of this append showed met on time."""

    pathway_id: Identifier
    obligation_id: str
    due_instants: tuple[AwareDatetime, ...]
    """The due instants its escalations may carry (`domain.state.deadline_instants`)."""
    withdrawal: Withdrawal


class PartnerLink(Frozen):
    """One partner contact linked to one measure of a pathway: what a partner's scope reads."""

    pathway_id: Identifier
    organisation_id: Identifier
    measure_id: Identifier
    measure_kind: str
    contact_id: Identifier
    partner_id: Identifier


class InboxStatus(StrEnum):
    """Where a row of the referral inbox stands for the receiving organisation."""

    PENDING = "pending"
    """To answer."""
    ANSWERED = "answered"
    """Accepted or declined; listed with its outcome."""


class ReferralView(Frozen):
    """A referral or a transfer as the receiving organisation reads it: the minimum. One row
    of that organisation's referral inbox (`referral_inbox`, migration 0017)."""

    pathway_id: Identifier
    kind: Literal["referral", "transfer"]
    referral_id: Identifier | None
    """None for the waiting transfer (one waits at a time); `transfer-N` for the N-th
    answered one."""
    to_organisation: Identifier
    given_name: str
    """The beneficiary's first name only."""
    service: ShortText | None
    measure_kind: str | None
    from_organisation: Identifier
    referred_by: Identifier
    referred_on: date | None
    answer_by: date | None
    effective_on: date | None
    status: ReferralStatus
    caseworker_id: Identifier | None = None
    """The receiving organisation's caseworker, once a referral is accepted."""

    @property
    def key(self) -> str:
        """The row's key within its pathway: the referral's id, `transfer` (waiting) or
        `transfer-N` (answered)."""
        return self.referral_id or "transfer"

    @property
    def inbox_status(self) -> InboxStatus:
        """To answer while pending, answered once accepted or declined."""
        if self.status == ReferralStatus.PENDING:
            return InboxStatus.PENDING
        return InboxStatus.ANSWERED


class SearchSubject(Frozen):
    """Who a pathway is found by: the search index's writer turns it into keyed tokens
    (`infra.crypto.search_tokens`) and stores nothing of it in clear."""

    beneficiary: Beneficiary | None
    """None when the opening's personal data were erased: the pathway is found by nothing."""


class ReadModelUpdate(Frozen):
    """Everything the append writes beside the events, in the same transaction."""

    summary: PathwaySummary
    obligations: tuple[Obligation, ...]
    notifications: tuple[Notification, ...] = ()
    ledger: tuple[LedgerEntry, ...] = ()
    """One entry per payment fully approved by this append; booked against its budget line."""
    ledger_outcomes: tuple[LedgerOutcome, ...] = ()
    """The bank's answers this append records: applied to the ledger rows of their entries."""
    withdrawals: tuple[EscalationsWithdrawn, ...] = ()
    """Escalations this append withdraws: marked so in the inbox, and never e-mailed if
    still in the outbox."""
    partner_links: tuple[PartnerLink, ...] | None = None
    """Every link of the pathway when this append changed one; None leaves them as stored."""
    referrals: tuple[ReferralView, ...] | None = None
    """Every referral and waiting transfer of the pathway when this append changed one (the
    receiving organisations' inbox); None leaves them as stored."""
    search: SearchSubject | None = None
    """The beneficiary when this append opened the pathway (a rebuild gives it again): her
    search tokens are replaced; None leaves them as stored."""
