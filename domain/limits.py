"""Numbers the rules depend on. Defaults follow the seed and DESIGN.md; a policy may override."""

from __future__ import annotations

from pydantic import Field

from domain.values import Frozen


class Limits(Frozen):
    backdate_window_days: int = Field(default=30, ge=0)
    """How far back a business time may lie before the recording time."""
    future_skew_minutes: int = Field(default=5, ge=0)
    """Tolerance for clocks of clients that run a little ahead."""
    work_grant_min_months: int = Field(default=2, ge=1)
    work_grant_max_months: int = Field(default=12, ge=1)
    time_of_facts: bool = True
    """Refuse facts dated after the day they are recorded and follow-ups before their window
    (issue 21). False only where a workflow replays commands decided before those rules
    (patch `time-of-facts`, workflows/pathway.py)."""
    payment_evidence: bool = True
    """Refuse to approve a payment that needs evidence without a document attached
    (`domain.payments.evidence`). False only where a workflow replays an approval decided
    before that rule (patch `payment-evidence`, workflows/pathway.py)."""


BEFORE_TIME_OF_FACTS_LIMITS = Limits(time_of_facts=False)


DEFAULT_LIMITS = Limits()
