"""`pathways up` for the browser tests: the whole stack as people reach it, started once.

The embedded PostgreSQL and Temporal dev server, the worker, the web app with its payments
desk, erasure desk and password resets, and the local mail sink keeping what is sent as
`.eml` files under `<data dir>/mail/`; the demo accounts (`workers.demo_accounts`). Every
port is a free one of 127.0.0.1 and the data directory a short temporary one, so several
suites run beside each other. Only the processes it started are stopped.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import psutil

from infra.embedded import free_port
from tests.integration.conftest import PATHWAYS, clean_environ
from tests.integration.test_up import READY_TIMEOUT, STOP_TIMEOUT


@dataclass(frozen=True)
class Stack:
    """A running `pathways up`: where its pages are, and where its mail sink keeps mail."""

    base_url: str
    data_dir: Path
    env: dict[str, str]

    def mail(self) -> list[EmailMessage]:
        """What the mail sink has received, oldest first."""
        files = sorted((self.data_dir / "mail").glob("*.eml"), key=lambda f: f.stat().st_mtime)
        return [
            message_from_bytes(f.read_bytes(), policy=policy.default)  # type: ignore[misc]
            for f in files
        ]

    def token(self, account: str) -> str:
        """An API token of `account`, issued by `pathways user token` as an admin does."""
        issued = subprocess.run(
            [PATHWAYS, "user", "token", account, "--label", "tests"],
            env=self.env,
            cwd=self.data_dir,
            capture_output=True,
            text=True,
            check=True,
        )
        return issued.stdout.strip()


@contextlib.contextmanager
def pathways_up() -> Iterator[Stack]:
    """`pathways up` in a temporary data directory, until the block ends (then Ctrl-C)."""
    with tempfile.TemporaryDirectory(prefix="pwb-", dir="/tmp") as folder:
        data_dir = Path(folder)
        port = free_port()
        env = clean_environ(
            PATHWAYS_DATA_DIR=str(data_dir),
            PATHWAYS_TEMPORAL_PORT=str(free_port()),
            PATHWAYS_TEMPORAL_UI_PORT=str(free_port()),
            PATHWAYS_SMTP_PORT=str(free_port()),
            PATHWAYS_WEB_PORT=str(port),
            PATHWAYS_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        )
        with (data_dir / "up.log").open("ab") as log:
            process = subprocess.Popen(
                [PATHWAYS, "up"], stdout=subprocess.PIPE, stderr=log, env=env, cwd=data_dir
            )
        servers: list[int] = []
        try:
            _wait_until_ready(process, data_dir)
            children = psutil.Process(process.pid).children(recursive=True)
            postmaster = (data_dir / "postgres" / "postmaster.pid").read_text().split()[0]
            servers = [c.pid for c in children] + [int(postmaster)]
            yield Stack(f"http://127.0.0.1:{port}", data_dir, env)
        finally:
            _stop(process, servers)


def _wait_until_ready(process: subprocess.Popen[bytes], data_dir: Path) -> None:
    """Read the banner until its `ready` line; fail with the log if `up` exits or hangs."""
    assert process.stdout is not None
    lines: list[str] = []
    watchdog = threading.Timer(READY_TIMEOUT, process.kill)
    watchdog.start()
    try:
        for raw in process.stdout:
            lines.append(raw.decode().rstrip())
            if lines[-1] == "ready":
                return
    finally:
        watchdog.cancel()
    log = (data_dir / "up.log").read_text()
    raise RuntimeError(f"`pathways up` stopped before ready:\n{chr(10).join(lines)}\n{log}")


def _stop(process: subprocess.Popen[bytes], servers: list[int]) -> None:
    """Ctrl-C, as a person stops it; then kill what is left of what it started."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for pid in servers:
        with contextlib.suppress(psutil.NoSuchProcess):
            # The pid is ours only while it runs the server we saw (pids are reused).
            if psutil.Process(pid).name() in {"temporal", "postgres"}:
                os.kill(pid, signal.SIGKILL)
