"""The web side of a stack: the demo accounts, the session secret, and the web app served.

`pathways up` ensures the demo accounts (when allowed) and serves the app after the
worker; `pathways web` serves it alone against the configured servers, for scale-out.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING

import structlog

from infra.config import Settings
from workers.failures import Refused
from workers.services import Stack, watch

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

    from domain.policy import Policy
    from infra.db import Pool

log = structlog.get_logger(__name__)

SESSION_SECRET_FILE = "session-secret"
MIN_SESSION_SECRET = 32
"""Characters; the generated secret has 64 (48 random bytes, url-safe base64)."""
WEAK_SESSION_SECRET = "weak_session_secret"
SESSION_SECRET_REQUIRED = "session_secret_required"
GRACEFUL_SHUTDOWN_SECONDS = 5


def session_secret(settings: Settings, *, keep_in_data_dir: bool) -> str:
    """PATHWAYS_SESSION_SECRET; when unset, the one kept in the data dir (`up`) or none.

    Raises:
        Refused: `weak_session_secret` (shorter than 32 characters), or
            `session_secret_required` when unset and not `keep_in_data_dir`.
    """
    if settings.session_secret is not None:
        secret = settings.session_secret.get_secret_value()
        if len(secret) < MIN_SESSION_SECRET:
            raise Refused(
                WEAK_SESSION_SECRET,
                f"PATHWAYS_SESSION_SECRET has {len(secret)} characters; use at least "
                f"{MIN_SESSION_SECRET} random ones, e.g. from `openssl rand -base64 48`",
            )
        return secret
    if not keep_in_data_dir:
        raise Refused(
            SESSION_SECRET_REQUIRED,
            "set PATHWAYS_SESSION_SECRET, the same in every web process of this installation "
            "(e.g. from `openssl rand -base64 48`)",
        )
    return kept_session_secret(settings.data_dir)


def kept_session_secret(data_dir: Path) -> str:
    """The secret in `<data_dir>/session-secret`, made on first use; only its owner reads it.

    Kept so that sessions survive a restart. A file that is empty or too short (say, cut
    by a crash) is replaced.
    """
    path = data_dir / SESSION_SECRET_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
            log.warning("session_secret.permissions_tightened", file=str(path))
        secret = path.read_text().strip()
        if len(secret) >= MIN_SESSION_SECRET:
            return secret
        log.warning("session_secret.replaced", file=str(path), reason="too short")
    secret = secrets.token_urlsafe(48)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(secret + "\n")
        file.flush()
        os.fsync(file.fileno())
    os.replace(partial, path)
    return secret


class DemoAccounts:
    """Creates the demo organisations and accounts that do not exist yet (idempotent)."""

    name = "demo-accounts"

    async def start(self, stack: Stack) -> None:
        from infra.db import open_pool
        from workers.composition import Stores
        from workers.demo_accounts import DEMO_PASSWORD, demo_accounts, demo_organisations

        assert stack.database_url is not None, "migrations run before the demo accounts"
        wanted = demo_accounts()
        pool = await open_pool(stack.database_url, 1, 1)
        try:
            stores = Stores(stack.settings, pool)
            accounts = stores.accounts
            created = await stores.account_service.ensure_accounts(
                demo_organisations(), [(a, DEMO_PASSWORD) for a in wanted]
            )
            # Listed as they are now: an admin may have deactivated one since.
            live = {a.id: a for a in await accounts.list_accounts() if a.active}
        finally:
            await pool.close()
        if created:
            log.info("demo_accounts.created", accounts=[a.id for a in created])
        stack.demo_accounts = [live[a.id] for a in wanted if a.id in live]
        stack.demo_password = DEMO_PASSWORD

    async def stop(self) -> None:
        pass


def web_server_config(app: FastAPI) -> uvicorn.Config:
    """How uvicorn serves the app: our logging, a short graceful stop, no proxy headers.

    Uvicorn would believe `X-Forwarded-For` from any client on 127.0.0.1 and take its word
    for the client's address, which the sign-in limits count; the app reads those headers
    itself, from the proxies named in PATHWAYS_TRUSTED_PROXIES only (`web.app.create_app`).
    """
    import uvicorn

    return uvicorn.Config(
        app,
        log_config=None,  # uvicorn's records go through our logging like the others
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        server_header=False,
        proxy_headers=False,
    )


def _uvicorn_server(config: uvicorn.Config) -> uvicorn.Server:
    """Uvicorn's server without its signal handlers: the stack owns SIGINT and SIGTERM."""
    import uvicorn

    class StackServer(uvicorn.Server):
        # Uvicorn replaces the loop's handlers here and re-raises the signal when done.
        @contextlib.contextmanager
        def capture_signals(self) -> Generator[None, None, None]:
            yield

    return StackServer(config)


async def _serve(server: uvicorn.Server, listener: socket.socket) -> None:
    try:
        await server.serve(sockets=[listener])
    except SystemExit:
        # Uvicorn exits the process when the app's start-up fails; a stack stops instead.
        raise RuntimeError("the web app failed to start; see the log") from None


class WebServer:
    """The web app (`web.app.create_app`) on uvicorn, in this process, on the stack's servers."""

    name = "web"

    def __init__(self, settings: Settings, policy: Policy, secret: str) -> None:
        self._settings = settings
        self._policy = policy
        self._secret = secret
        self._pool: Pool | None = None
        self._server: uvicorn.Server | None = None
        self._run: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://{self._settings.web_host}:{self._settings.web_port}"

    async def start(self, stack: Stack) -> None:
        from activities.pathways.subject_access import SubjectAccessService
        from client.pathway import PathwayClient
        from infra.crypto.erasure import PostgresErasureDesk
        from infra.db import open_pool
        from infra.temporal import connect
        from web.app import create_app
        from web.settings import WebSettings
        from workers.composition import (
            Stores,
            account_service,
            partner_inviter,
            password_resetter,
            statement_imports,
        )
        from workers.invocation import configured_targets

        settings = stack.settings
        if stack.smtp_host is not None:  # the local mail sink `up` started
            settings = settings.model_copy(update={"smtp_host": stack.smtp_host})
        grant = configured_targets(settings)
        assert stack.database_url and stack.temporal_address, "servers start before the web"
        # Bound first: a port in use fails the stack in an instant, with the OS's reason.
        listener = _listen(settings.web_host, settings.web_port)
        try:
            self._pool = await open_pool(
                stack.database_url, settings.db_pool_min_size, settings.db_pool_max_size
            )
            stores = Stores(settings, self._pool, eager=True)
            client = await connect(settings, stack.temporal_address, keyring=stores.keyring)
            pathways = PathwayClient(client, settings.temporal_task_queue, stores.events)
            app = create_app(
                pathways,
                stores.events,
                stores.accounts,
                WebSettings(
                    policy=self._policy,
                    session_secret=self._secret,
                    secure_cookies=settings.public_base_url.startswith("https://"),
                    strict_transport=settings.public_base_url.startswith("https://"),
                    temporal_ui_url=stack.temporal_ui_url,
                    temporal_ui_upstream=stack.temporal_ui_upstream,
                    temporal_namespace=settings.temporal_namespace,
                    trusted_proxies=settings.trusted_proxy_list,
                    import_max_rows=settings.import_max_rows,
                    import_max_bytes=min(settings.import_max_bytes, 900 * 1024),
                    grant=grant,
                    targets_source=None
                    if settings.targets_file is None
                    else str(settings.targets_file),
                ),
                stores.payments_desk,
                stores.indicators,
                stores.codec,
                access_log=stores.access_log,
                throttle=stores.throttle,
                session_revocations=stores.session_revocations,
                account_service=account_service,
                statement_imports=statement_imports(pathways),
                partners=stores.partners,
                documents=stores.documents,
                invitations=stores.invitations,
                partner_inviter=partner_inviter(settings),
                password_resetter=password_resetter(settings),
                erasure=PostgresErasureDesk(self._pool, settings.retention_years, stores.keyring),
                subject_documents=SubjectAccessService(stores.events, self._pool),
            )
            self._server = _uvicorn_server(web_server_config(app))
            self._run = asyncio.create_task(_serve(self._server, listener), name="web")
            while not self._server.started:
                if self._run.done():
                    await self._run  # raises why it stopped
                    raise RuntimeError("the web server stopped while starting")
                await asyncio.sleep(0.02)
        except BaseException:
            listener.close()
            await self.stop()
            raise
        watch(self._run, stack, "the web server")
        stack.web_url = self.url
        stack.banner.append(("Web", self.url))

    async def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._run is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._run
        if self._pool is not None:
            await self._pool.close()


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on `host:port`.

    Raises:
        OSError: the address is in use or not this machine's, the message naming it.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as err:
        reason = os.strerror(err.errno) if err.errno else str(err)
        raise OSError(
            err.errno,
            f"cannot listen on {host}:{port} ({reason}); is another Pathways running? "
            "PATHWAYS_WEB_PORT chooses another port",
        ) from None
