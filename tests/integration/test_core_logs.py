"""The Temporal SDK's own warnings never reach a command's standard output.

The SDK's Rust core logs a gRPC call it retries (the server restarting, say); left to its
default it prints that line on standard output, where a CLI command's answer is read by
scripts and by the chaos bank (`tests/chaos/bank.py` compares two answers of the same
import). Every client connects with a runtime that forwards those lines to the
`temporalio.core` logger (`infra.metrics_server`), which the process's logging sends to
standard error.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
from datetime import timedelta

import pytest
from temporalio.client import Client
from temporalio.service import RPCError

from infra.config import Settings
from infra.metrics_server import CORE_LOGGER
from infra.temporal import connect
from tests.conftest import venv_binary


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_retried_call_warns_through_logging_not_on_stdout(
    capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    server = subprocess.Popen(
        [
            *(venv_binary("temporal"), "server", "start-dev", "--headless"),
            *("--ip", "127.0.0.1", "--port", str(port), "--log-level", "error"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = await connected(f"127.0.0.1:{port}")
    finally:
        server.kill()
        server.wait()
    caplog.set_level(logging.WARNING, logger=CORE_LOGGER)
    with pytest.raises(RPCError):
        # The server is gone: the core retries the call, warning after a few attempts.
        await client.get_workflow_handle("gone").describe(rpc_timeout=timedelta(seconds=4))
    out, _ = capfd.readouterr()
    assert "retried" not in out
    core = [r.getMessage() for r in caplog.records if r.name.startswith(CORE_LOGGER)]
    assert any("retried" in message for message in core)


async def connected(address: str) -> Client:
    """A client of the server at `address`, once it answers (a few seconds at most)."""
    for _ in range(150):
        try:
            return await connect(Settings(), address, keyring=None)
        except RuntimeError:
            await asyncio.sleep(0.2)
    raise AssertionError(f"no Temporal server answered at {address}")
