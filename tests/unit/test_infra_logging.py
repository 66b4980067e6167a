"""Logging renders structlog and standard-library records alike, with bound context."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from infra.config import Settings
from infra.logging import configure_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()


@pytest.mark.usefixtures("restore_logging")
def test_json_lines_carry_bound_context_for_structlog_and_stdlib_records() -> None:
    out = io.StringIO()
    configure_logging(Settings(log_format="json", log_level="INFO"), stream=out)
    with structlog.contextvars.bound_contextvars(pathway_id="p-1", command_id="c-1"):
        structlog.get_logger("pathways.test").info("plan.approved", measures=2)
        logging.getLogger("some.library").warning("retrying %s", "append")
    structlog.get_logger("pathways.test").debug("below the level")

    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["event"] == "plan.approved"
    assert first["measures"] == 2
    assert second["event"] == "retrying append"
    assert second["logger"] == "some.library"
    for record in (first, second):
        assert (record["pathway_id"], record["command_id"]) == ("p-1", "c-1")
        assert {"timestamp", "level"} <= set(record)


@pytest.mark.usefixtures("restore_logging")
def test_console_format_is_plain_text_and_reconfiguring_does_not_duplicate() -> None:
    out = io.StringIO()
    configure_logging(Settings(log_format="console", log_level="DEBUG"), stream=out)
    configure_logging(Settings(log_format="console", log_level="DEBUG"), stream=out)
    structlog.get_logger("pathways.test").debug("worker.started", task_queue="pathways")

    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert "worker.started" in lines[0] and "task_queue=pathways" in lines[0]
    assert not lines[0].startswith("{")


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown log level"):
        configure_logging(Settings(log_level="LOUD"))
