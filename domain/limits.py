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


DEFAULT_LIMITS = Limits()
