"""All configuration, from `PATHWAYS_*` environment variables (or a `.env` file)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

WORKER_CACHED_WORKFLOWS = 3_000
"""Pathways a worker keeps in memory by default (`Settings.worker_cached_workflows`): the
pathways a burst touches at once, not the whole caseload. A cached pathway weighs about
150 KB in the sandbox; one that is not cached replays its current run first, which continues
as new at `RUN_EVENTS` history events, so the replay is short whatever the pathway's age.
With 10,000 open pathways the bench's worker held 997 MB at this cache, 2,151 MB at the
old default of 10,000. A cache smaller than a burst thrashes: at 1,500, the bench's thousand
ladders due at once beside their bare timers and a loaded fleet (2,200 workflows) took 1,560
of their 3,000 steps in the part's window against 2,661 at 10,000 (docs/benchmarking.md, "A
cache sized to the burst"; docs/scale-out.md, "Sizing")."""


class Settings(BaseSettings):
    """Settings of every Pathways process.

    When `temporal_address` or `database_url` is unset, `pathways up` starts the embedded
    server for it under `data_dir`; when `smtp_host` is unset, a local mail sink that keeps
    every message under `data_dir/mail` (see docs/notifications.md). The web app listens on
    `web_host:web_port`.
    """

    model_config = SettingsConfigDict(env_prefix="PATHWAYS_", env_file=".env", extra="ignore")

    data_dir: Path = Path(".pathways")
    temporal_address: str | None = None
    temporal_namespace: str = "default"
    temporal_task_queue: str = "pathways"
    temporal_api_key: SecretStr | None = None
    """Temporal Cloud API key (sent as a bearer token; TLS is then on by default)."""
    temporal_tls: bool | None = None
    """Force TLS to Temporal on (true) or off (false); unset: on with an API key or any
    of the TLS files below, off otherwise."""
    temporal_tls_ca_file: Path | None = None
    """PEM roots to trust for the server's certificate (else the system's)."""
    temporal_tls_cert_file: Path | None = None
    """PEM client certificate for mTLS (Temporal Cloud with certificates, self-hosted)."""
    temporal_tls_key_file: Path | None = None
    temporal_tls_server_name: str | None = None
    """SNI / name to check in the server's certificate, when it differs from the address."""
    temporal_port: int = 7233
    temporal_ui_port: int = 8233
    database_url: str | None = None
    db_pool_min_size: int = Field(default=2, ge=1)
    db_pool_max_size: int = Field(default=10, ge=1)
    policy_file: Path | None = None
    import_max_rows: int = Field(default=2000, ge=1, le=10_000)
    """Rows an imported caseload's file may hold (docs/import.md): one dry run checks them all."""
    import_max_bytes: int = Field(default=5_000_000, ge=1)
    """Bytes an imported file may weigh."""
    targets_file: Path | None = None
    """The grant agreement's indicator targets (and project title and period), a TOML file
    like infra/indicators/targets.toml; unset: that shipped file (placeholder targets)."""
    log_format: str = Field(default="console", pattern="^(console|json)$")
    log_level: str = "INFO"
    smtp_host: str | None = None
    smtp_port: int = Field(default=8025, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_from: str = "Pathways <pathways@localhost>"
    mail_sender_interval: float = Field(default=5.0, gt=0)
    """Seconds between two looks at the outbox when it has nothing more to send."""
    public_base_url: str = Field(default="http://127.0.0.1:8000", pattern=r"^https?://\S+$")
    """Where people reach the web side; e-mails link to `<public_base_url>/pathways/<id>`."""
    web_host: str = "127.0.0.1"
    """Where the web app listens: loopback, unless a proxy on another host must reach it."""
    web_port: int = Field(default=8000, ge=1, le=65535)
    trusted_proxies: str = ""
    """Comma-separated addresses or networks (`10.0.0.5, 10.1.0.0/16`) of the reverse proxies
    in front of the web app, whose `X-Forwarded-For` names the client; empty: the client is
    whoever opened the connection, whatever headers it sends (sign-in limits count it)."""
    session_secret: SecretStr | None = None
    """Signs the session cookies: long, random, the same in every web process. When unset,
    `pathways up` makes one and keeps it in `<data_dir>/session-secret`; `pathways web`
    requires it."""
    temporal_ui_url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    """The Temporal UI of a configured cluster, for the pages' links to workflow runs, when
    the web app does not serve it itself (`temporal_ui_upstream`)."""
    temporal_ui_upstream: str | None = Field(default=None, pattern=r"^https?://\S+$")
    """A Temporal UI server (a cluster's, with `TEMPORAL_UI_PUBLIC_PATH=/temporal` and
    `TEMPORAL_CODEC_ENDPOINT=<public_base_url>/codec`) that the web app serves under
    `/temporal/` behind its sign-in (docs/scale-out.md); `pathways up` sets its own."""
    master_key: SecretStr | None = None
    """Base64 of 32 random bytes: wraps every pathway's data key (docs/privacy.md). When
    neither it nor `master_key_file` is set, `pathways up` makes one and keeps it in
    `<data_dir>/master-key`; other commands use that file when it exists."""
    master_key_file: Path | None = None
    """A file holding the master key (base64), e.g. a mounted secret."""
    retention_years: int = Field(default=10, ge=0, le=100)
    """Years after a pathway's closure before its personal data may be crypto-shredded
    (FAMI: records are kept ten years after the programme's closing balance)."""
    as_of_snapshot_every: int = Field(default=100, ge=0, le=100_000)
    """An as-of snapshot of each pathway's state every this many events, so an as-of read
    folds at most this many minus one after the nearest (docs/event-store.md); 0: none."""
    worker_cached_workflows: int = Field(default=WORKER_CACHED_WORKFLOWS, ge=1, le=1_000_000)
    """Pathway workflows each worker keeps in memory between commands (the SDK's sticky
    cache; its own default is 1,000). A command to a pathway not in it first replays that
    run's history, so size it to the open caseload the worker serves, bursts included:
    docs/scale-out.md, "Sizing"."""
    worker_workflow_task_slots: int | None = Field(default=None, ge=2, le=10_000)
    """Workflow tasks a worker runs at once, each on a thread of a pool this size; unset: the
    SDK's 100 slots on a pool of as many threads. A task keeps its slot while its append
    runs, so fewer slots leave the cores waiting on PostgreSQL: on two cores 2 slots made
    0.60 of the default's commands (bench/runs/2026-12-07-issue25-slots.md). At least 2, the
    SDK's floor for a worker with a cache."""
    worker_sandbox: bool = True
    """Run pathway workflows in the SDK's sandbox, which re-checks at run time that workflow
    code stays deterministic. `false` runs them without it: about half a worker's CPU per
    command goes to the sandbox's bookkeeping (bench/RESULTS.md), and the determinism it
    guards is still checked before every release, since the tests and the replay of the
    committed histories always run sandboxed (docs/versioning.md)."""
    otlp_endpoint: str | None = Field(default=None, pattern=r"^https?://\S+$")
    """OTLP/HTTP collector for traces, e.g. `http://127.0.0.1:4318`; unset: none exported."""
    otlp_service_name: str = "pathways"
    """`service.name` of this process's spans (say `pathways-web`, `pathways-worker`)."""
    trace_console: bool = False
    """Print every finished span on stderr (for a look on a laptop; off by default)."""
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    """Serve Prometheus metrics (the app's and the Temporal SDK's) at `/metrics` here."""
    metrics_host: str = "127.0.0.1"
    """Where the metrics endpoint listens: loopback, unless a scraper on another host asks."""
    demo_accounts: bool | None = None
    """Create the demo organisations and people (known password) at `pathways up`. Unset:
    only when `up` runs the embedded database, never on a configured one."""

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            ipaddress.ip_network(part)  # ValueError: not an address or a network
        return value

    @property
    def trusted_proxy_list(self) -> tuple[str, ...]:
        """`trusted_proxies`, one address or network each."""
        return tuple(filter(None, (p.strip() for p in self.trusted_proxies.split(","))))
