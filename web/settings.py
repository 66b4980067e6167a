"""What the web app needs beyond its client and stores: policy, clock, session settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from domain.policy import Policy

if TYPE_CHECKING:
    from infra.indicators.targets import Grant


MIB = 1024 * 1024


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class WebSettings:
    """Settings of one web app, given to `create_app` by whoever composes it.

    `policy` is the deadline policy each new pathway follows from its first day (the one
    `configured_policy` loads from PATHWAYS_POLICY_FILE or the shipped default); `clock`
    says what "overdue" is measured against. `session_secret` must be long and random.
    """

    policy: Policy
    session_secret: str
    """Signs the session cookie; the same in every web process of one installation."""
    clock: Callable[[], datetime] = field(default=_utc_now)
    title: str = "Pathways"
    secure_cookies: bool = False
    """Mark the session cookie `Secure` (HTTPS only): on, whenever served over HTTPS."""
    strict_transport: bool = False
    """Send Strict-Transport-Security: on, whenever the public address is https."""
    session_hours: int = 8
    """A session ends this long after sign-in (a working day), however active."""
    session_idle_minutes: float = 30
    """A session ends when no page was asked for this long."""
    trusted_proxies: tuple[str, ...] = ()
    """Addresses or networks of the reverse proxies whose `X-Forwarded-For` and
    `X-Forwarded-Proto` name the client; none: the client is the socket's peer."""
    auth_clock: Callable[[], datetime] = field(default=_utc_now)
    """The clock of sessions and sign-in lockouts: real time, even when `clock` is moved."""
    temporal_ui_url: str | None = None
    """Where the Temporal UI is, for the timeline's link to the workflow run, when the app
    does not serve it itself (`temporal_ui_upstream`)."""
    temporal_ui_upstream: str | None = None
    """The Temporal UI server (public path `/temporal`, on loopback) that the app serves
    under `/temporal/` behind its sign-in (`web/temporal_ui`); None: no such path."""
    temporal_namespace: str = "default"
    max_body_bytes: int = MIB
    """The largest request body taken (API JSON, page forms); larger ones are 413
    `body_too_large` before they are read (`web/body_limit.py`)."""
    max_statement_body_bytes: int = 6 * MIB
    max_document_bytes: int = 10 * MIB
    """The largest document attached to a pathway (`document_too_large`, 413); its upload's
    body may be a little larger, for the form's other fields (`DOCUMENT_FORM_OVERHEAD`)."""
    """The same for the bank statement upload: a statement of up to 5 MB with its form."""
    import_max_rows: int = 2000
    """Rows an imported caseload's file may hold (`Settings.import_max_rows`)."""
    import_max_bytes: int = 900 * 1024
    """Bytes an imported file may weigh: within the form's body limit."""
    reply_timeout: float = 20.0
    """Seconds to wait for a pathway's reply to a command before answering 503."""
    grant: Grant | None = None
    """The project and indicator targets (PATHWAYS_TARGETS_FILE, loaded by whoever composes
    the app); None: the shipped targets file."""
    targets_source: str | None = None
    """Where `grant` came from (the file's path), as the funder report's methodology says;
    None: the shipped placeholders."""
