"""What the web app needs beyond its client and store: the deadline policy and a clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from domain.policy import Policy


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class WebSettings:
    """Settings of one web app, given to `create_app` by whoever composes it.

    `policy` is the deadline policy each new pathway follows from its first day (the one
    `configured_policy` loads from PATHWAYS_POLICY_FILE or the shipped default); `clock`
    says what "overdue" is measured against.
    """

    policy: Policy
    clock: Callable[[], datetime] = field(default=_utc_now)
    title: str = "Pathways"
