"""Fixtures of the notification tests: both stores, a free port, a running mail sink.

The Postgres fixtures are the event store suite's (a fresh database cloned from a
migrated template per test); imported here, they start one more embedded server per session.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.mail.sink import MailSink
from infra.server_process import free_port
from tests.eventstore.conftest import (  # noqa: F401  (fixtures, used by name)
    database,
    pool,
    postgres,
    postgres_store,
    sealed_store,
    store,
)


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def sink(tmp_path: Path, port: int) -> Iterator[MailSink]:
    """A mail sink on a free port, storing under `tmp_path/mail`."""
    with MailSink(tmp_path / "mail", port) as running:
        yield running
