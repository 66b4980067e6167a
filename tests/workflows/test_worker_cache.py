"""`PATHWAYS_WORKER_CACHED_WORKFLOWS`: how many pathways a worker keeps in memory."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from infra.config import Settings
from tests.workflows.conftest import Harness
from workers.worker import build_worker


async def test_the_worker_caches_as_many_pathways_as_configured(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    default = build_worker(h.env.client, h.store, h.task_queue)
    assert default.config()["max_cached_workflows"] == 10_000, "ten times the SDK's 1,000"
    monkeypatch.setenv("PATHWAYS_WORKER_CACHED_WORKFLOWS", "2500")
    cached = Settings().worker_cached_workflows
    worker = build_worker(h.env.client, h.store, h.task_queue + "-sized", cached)
    assert worker.config()["max_cached_workflows"] == 2500


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_a_bad_cache_size_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("PATHWAYS_WORKER_CACHED_WORKFLOWS", value)
    with pytest.raises(ValidationError, match="worker_cached_workflows"):
        Settings()
