"""A run's figures reach the disk as each part ends, and a part that fails keeps them."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

import bench.__main__ as bench_main
from bench.checkpoint import PARTIAL, Checkpointed
from bench.sizes import SMOKE


def on_disk(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text()))


def test_each_part_s_figures_are_on_disk_when_they_are_set(tmp_path: Path) -> None:
    path = tmp_path / PARTIAL
    results = Checkpointed(path, load_before=0.4)
    assert on_disk(path) == {"load_before": 0.4}
    results["throughput"] = {"runs": [1, 2]}
    assert on_disk(path) == {"load_before": 0.4, "throughput": {"runs": [1, 2]}}
    results["growth"] = []
    results["growth"].append({"pathways": 1000})
    assert on_disk(path)["growth"] == [], "an append is written by save()"
    results.save()
    assert on_disk(path)["growth"] == [{"pathways": 1000}]
    assert not path.with_suffix(".tmp").exists()


def test_a_part_that_fails_leaves_the_parts_before_it_and_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def parts(sizes: Any, out: Path, conditions: Any, results: Checkpointed) -> Any:
        results["throughput"] = {"runs": [{"clients": 50}]}
        results["eviction"] = None
        raise RuntimeError("Workflow Task in failed state")

    monkeypatch.setattr(bench_main, "_parts", parts)
    with pytest.raises(RuntimeError):
        asyncio.run(bench_main.suite(SMOKE, tmp_path))
    kept = on_disk(tmp_path / PARTIAL)
    assert kept["throughput"] == {"runs": [{"clients": 50}]}
    assert kept["stopped_by"] == "RuntimeError: Workflow Task in failed state"
    assert not (tmp_path / "results.json").exists()


def test_sigterm_stops_the_run_as_ctrl_c_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stack is stopped and the checkpoint says why: the default would kill the process,
    leaving PostgreSQL, Temporal and the worker behind."""
    stopped: list[str] = []

    async def parts(sizes: Any, out: Path, conditions: Any, results: Checkpointed) -> Any:
        results["throughput"] = {"runs": [{"clients": 50}]}
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.sleep(30)
        finally:
            stopped.append("stack")

    def refuse(signum: int, _frame: Any) -> None:
        raise AssertionError(f"signal {signum} reached the process, not the run")

    monkeypatch.setattr(bench_main, "_parts", parts)
    before = signal.signal(signal.SIGTERM, refuse)
    try:
        with pytest.raises(asyncio.CancelledError):
            asyncio.run(bench_main.suite(SMOKE, tmp_path))
    finally:
        signal.signal(signal.SIGTERM, before)
    assert stopped == ["stack"]
    kept = on_disk(tmp_path / PARTIAL)
    assert kept["throughput"] == {"runs": [{"clients": 50}]}
    assert kept["stopped_by"] == "CancelledError: SIGTERM"
