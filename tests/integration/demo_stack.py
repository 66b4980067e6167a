"""A `pathways up` stack seeded with a demo caseload (`pathways demo`), as the done-when
tests read it: over HTTP, through the CLI, in its database and its files.

Starting the stack and seeding the demo cost most of such a test's CPU (a start about 10-20
s, a demo of 20 pathways as much again), so the tests that only read a caseload share one
per module (tests/integration/test_demo_caseload.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from infra.embedded import EmbeddedPostgres, free_port
from tests.integration.conftest import PATHWAYS, Ran, clean_environ, run
from tests.integration.test_up import Up, pathways_up


@dataclass(frozen=True)
class DemoStack:
    """A running `pathways up` with its demo caseload."""

    up: Up
    env: dict[str, str]
    """What points `pathways` at this stack."""
    data_dir: Path
    web: str
    """The web app's base URL."""
    database: str
    """The embedded PostgreSQL's URI."""
    demo_output: str
    """What `pathways demo` printed (stdout and stderr)."""

    async def cli(self, *args: str, timeout: float = 120) -> Ran:
        """`pathways <args>` as a subprocess against this stack."""
        return await run(PATHWAYS, *args, env=self.env, cwd=self.data_dir, timeout=timeout)


@asynccontextmanager
async def demo_stack(
    data_dir: Path, *, count: int, seed: int, log_level: str = "INFO"
) -> AsyncIterator[DemoStack]:
    """`pathways up` on `data_dir` (short, under /tmp: PostgreSQL's socket lives in it) on
    free loopback ports, seeded with `count` demo pathways of `seed`; stopped with Ctrl-C
    after, which must exit 0."""
    web_port = free_port()
    env = clean_environ(
        PATHWAYS_DATA_DIR=str(data_dir),
        PATHWAYS_TEMPORAL_PORT=str(free_port()),
        PATHWAYS_TEMPORAL_UI_PORT=str(free_port()),
        PATHWAYS_SMTP_PORT=str(free_port()),
        PATHWAYS_WEB_PORT=str(web_port),
        PATHWAYS_LOG_LEVEL=log_level,
    )
    async with pathways_up(env, data_dir) as up:
        await up.ready()
        database = EmbeddedPostgres(data_dir / "postgres").running_uri()
        assert database is not None
        demo = await run(
            *(PATHWAYS, "demo", "--count", str(count), "--seed", str(seed)),
            env=env,
            cwd=data_dir,
            timeout=300,
        )
        assert demo.code == 0, demo
        yield DemoStack(
            up, env, data_dir, f"http://127.0.0.1:{web_port}", database, demo.stdout + demo.stderr
        )
        code, _ = await up.interrupt()
        assert code == 0, up.log()
