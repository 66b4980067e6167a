"""`pathways erase`, `pathways legal-hold set|release`, `pathways keys rotate-master`.

Refusals exit 2 with their code and change nothing (docs/privacy.md); every change writes a
row of `privacy_audit` in the same transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from infra.config import Settings
from workers.failures import Refused
from workers.invocation import run_command

if TYPE_CHECKING:
    from infra.db import Pool

keys_app = typer.Typer(
    name="keys", help="The data keys: rotate the master key.", no_args_is_help=True
)
hold_app = typer.Typer(
    name="legal-hold", help="Legal holds: block the erasure of a pathway.", no_args_is_help=True
)

PathwayArgument = Annotated[str, typer.Argument(help="The pathway's id.", show_default=False)]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why: kept in the audit.")]
ActorOption = Annotated[
    str, typer.Option("--actor", envvar="PATHWAYS_ACTOR", help="Who does it (kept in the audit).")
]


@contextlib.asynccontextmanager
async def _pool(settings: Settings) -> AsyncIterator[Pool]:
    from infra.db import open_pool
    from workers.endpoints import CONNECT_TIMEOUT_SECONDS, check_database, database_url

    async with database_url(settings, may_start=True) as conninfo:
        await check_database(conninfo)
        pool = await open_pool(conninfo, min_size=1, max_size=2, timeout=CONNECT_TIMEOUT_SECONDS)
        try:
            yield pool
        finally:
            await pool.close()


@contextlib.contextmanager
def _refusals() -> Iterator[None]:
    from infra.crypto.erasure import ErasureRefused
    from infra.crypto.master import MasterKeyError

    try:
        yield
    except (ErasureRefused, MasterKeyError) as err:
        raise Refused(err.code, err.message) from None


def erase(
    pathway_id: PathwayArgument,
    reason: ReasonOption,
    actor: ActorOption,
    request_id: Annotated[
        str | None,
        typer.Option(
            "--request-id", help="The person's erasure request: allows it before retention ends."
        ),
    ] = None,
) -> None:
    """Crypto-shred a closed pathway: destroy its data keys, so its personal data is unreadable.

    Allowed when its retention period after closure (PATHWAYS_RETENTION_YEARS, 10) has
    passed, or on an erasure request; never under a legal hold.
    """
    from infra.crypto.erasure import erase as erase_pathway

    async def work(settings: Settings) -> None:
        async with _pool(settings) as pool:
            with _refusals():
                done = await erase_pathway(
                    pool,
                    pathway_id,
                    actor=actor,
                    reason=reason,
                    now=datetime.now(UTC),
                    retention_years=settings.retention_years,
                    request_id=request_id,
                )
        typer.echo(
            f"erased pathway {done.pathway_id}: {done.keys_destroyed} key(s) destroyed; "
            "its events stay, their personal fields read as erased"
        )

    run_command(work)


@hold_app.command("set")
def hold_set(pathway_id: PathwayArgument, reason: ReasonOption, actor: ActorOption) -> None:
    """Put a pathway under legal hold: it cannot be erased until released."""
    from infra.crypto.erasure import set_legal_hold

    _change_hold(set_legal_hold, pathway_id, reason, actor, " is under legal hold")


@hold_app.command("release")
def hold_release(pathway_id: PathwayArgument, reason: ReasonOption, actor: ActorOption) -> None:
    """Release a pathway's legal hold."""
    from infra.crypto.erasure import release_legal_hold

    _change_hold(release_legal_hold, pathway_id, reason, actor, ": legal hold released")


def _change_hold(
    change: Callable[..., Awaitable[object]],
    pathway_id: str,
    reason: str,
    actor: str,
    done: str,
) -> None:
    """Set or release a legal hold (`change`), refusals exiting 2 with their code."""

    async def work(settings: Settings) -> None:
        async with _pool(settings) as pool:
            with _refusals():
                await change(pool, pathway_id, actor=actor, reason=reason, now=datetime.now(UTC))
        typer.echo(f"pathway {pathway_id}{done}")

    run_command(work)


@keys_app.command("rotate-master")
def rotate_master(
    new_key_file: Annotated[
        Path, typer.Option("--new-key-file", help="File with the new master key (base64).")
    ],
    old_key_file: Annotated[
        Path | None,
        typer.Option(
            "--old-key-file", help="File with the old master key. Default: the configured one."
        ),
    ] = None,
) -> None:
    """Rewrap every data key with a new master key, in one transaction.

    When the old key is the one `pathways up` keeps in the data dir, the new one replaces
    it there; otherwise set PATHWAYS_MASTER_KEY(_FILE) to the new key afterwards.
    """
    from infra.crypto.keyring import rotate_master as rewrap
    from infra.crypto.master import MASTER_KEY_FILE, MasterKey, master_key

    async def work(settings: Settings) -> None:
        with _refusals():
            new = MasterKey.from_base64(_read(new_key_file), f"--new-key-file {new_key_file}")
            if old_key_file is not None:
                old = MasterKey.from_base64(_read(old_key_file), f"--old-key-file {old_key_file}")
            else:
                old = master_key(settings)
        async with _pool(settings) as pool:
            with _refusals():
                count = await rewrap(pool, old, new)
        kept = settings.data_dir / MASTER_KEY_FILE
        configured = settings.master_key is not None or settings.master_key_file is not None
        if old_key_file is None and not configured and kept.exists():
            _replace(kept, new.to_base64())
            where = f"; {kept} now holds the new key"
        else:
            where = "; set PATHWAYS_MASTER_KEY (or its file) to the new key"
        typer.echo(f"rewrapped {count} data key(s) with master key {new.key_id}{where}")

    run_command(work)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError as err:
        raise Refused("invalid_master_key", f"{path}: {err.strerror}") from None


def _replace(path: Path, text: str) -> None:
    import os

    partial = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(text + "\n")
        file.flush()
        os.fsync(file.fileno())
    os.replace(partial, path)
