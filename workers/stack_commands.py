"""`pathways up`, `worker`, `web` and `migrate`: run the stack, or a part of it, here.

The servers load the deadline policy first and refuse to start when it is malformed.
"""

from __future__ import annotations

import typer

from infra.config import Settings
from workers.invocation import configured_policy, configured_targets, run_command


def up() -> None:
    """Run the whole stack here: PostgreSQL, Temporal, migrations, the worker, the web app.

    Servers whose address is configured (PATHWAYS_DATABASE_URL, PATHWAYS_TEMPORAL_ADDRESS)
    are used; the others start embedded, their data under PATHWAYS_DATA_DIR. The web app
    listens on PATHWAYS_WEB_HOST:PATHWAYS_WEB_PORT (127.0.0.1:8000). On the embedded
    database, demo accounts are created and listed (PATHWAYS_DEMO_ACCOUNTS).
    """
    from workers.banner import banner
    from workers.keys import configured_master_key
    from workers.stack import Stack, run_stack, up_services
    from workers.web_services import session_secret

    async def work(settings: Settings) -> None:
        policy = configured_policy(settings)
        configured_targets(settings)  # a broken targets file stops `up` before any server
        settings = settings.model_copy(update={"data_dir": settings.data_dir.absolute()})
        settings = _linked_here(settings)
        secret = session_secret(settings, keep_in_data_dir=True)  # makes the data dir
        configured_master_key(settings, keep_in_data_dir=True)  # made once, kept beside it
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        stack = Stack(settings)
        on_ready = banner("Pathways is up", settings, policy)
        await run_stack(stack, up_services(settings, policy, secret), on_ready)

    run_command(work, long_running=True)


def _linked_here(settings: Settings) -> Settings:
    """E-mails link to the web port on loopback, unless PATHWAYS_PUBLIC_BASE_URL is set."""
    if "public_base_url" in settings.model_fields_set or settings.web_host != "127.0.0.1":
        return settings
    url = f"http://{settings.web_host}:{settings.web_port}"
    return settings.model_copy(update={"public_base_url": url})


def worker() -> None:
    """Run a pathway worker until SIGINT/SIGTERM (migrating the database first)."""
    from workers.banner import banner
    from workers.stack import Stack, run_stack, worker_services

    async def work(settings: Settings) -> None:
        policy = configured_policy(settings)
        stack = Stack(settings)
        on_ready = banner("Pathways worker", settings, policy)
        await run_stack(stack, worker_services(settings), on_ready)

    run_command(work, long_running=True)


def web() -> None:
    """Serve the web app alone until SIGINT/SIGTERM (migrating the database first).

    To run more web processes than the one in `up`: each uses PATHWAYS_DATABASE_URL and
    PATHWAYS_TEMPORAL_ADDRESS (else the servers a running `up` owns), listens on
    PATHWAYS_WEB_HOST:PATHWAYS_WEB_PORT, and needs PATHWAYS_SESSION_SECRET, the same in
    every process, so that a session signed in on one is valid on all.
    """
    from workers.banner import banner
    from workers.stack import Stack, run_stack, web_services
    from workers.web_services import session_secret

    async def work(settings: Settings) -> None:
        policy = configured_policy(settings)
        configured_targets(settings)
        secret = session_secret(settings, keep_in_data_dir=False)
        stack = Stack(settings)
        on_ready = banner("Pathways web", settings, policy)
        await run_stack(stack, web_services(settings, policy, secret), on_ready)

    run_command(work, long_running=True)


def migrate() -> None:
    """Apply pending migrations to PATHWAYS_DATABASE_URL (or to the embedded database)."""
    from infra.migrate import migrate as apply_migrations
    from workers.endpoints import check_database, database_url

    async def work(settings: Settings) -> None:
        async with database_url(settings, may_start=True) as url:
            await check_database(url)
            applied = await apply_migrations(url)
        typer.echo(f"applied {', '.join(applied)}" if applied else "the database is up to date")

    run_command(work)
