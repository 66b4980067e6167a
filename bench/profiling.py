"""Where the time goes: CPU per process during a run, and a sampling profile of the worker.

`CpuMeter` reads the CPU seconds of the worker, the Temporal server, PostgreSQL (the
postmaster and its backends) and this process (the clients); `worker_profile` has the worker
profile itself with yappi, CPU time of every thread (py-spy cannot read this interpreter,
pyinstrument sees one thread only), and returns its hottest functions, by own CPU and
inclusive.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
from typing import Any

import psutil

from bench.stack import BenchStack


class CpuMeter:
    """CPU seconds (user + system) of each part of the stack, from `start` to `stop`."""

    def __init__(self, stack: BenchStack) -> None:
        self._stack = stack
        self._before: dict[str, float] = {}
        self._after: dict[str, float] | None = None

    def start(self) -> None:
        self._before = self._read()
        self._after = None

    def stop(self) -> None:
        """Read the end of the window; a later `stop` keeps the first reading."""
        if self._after is None:
            self._after = self._read()

    def spent(self) -> dict[str, float]:
        """CPU seconds of each part between `start` and `stop` (or now, without a `stop`)."""
        after = self._after if self._after is not None else self._read()
        return {k: round(after[k] - self._before.get(k, 0.0), 2) for k in after}

    def _read(self) -> dict[str, float]:
        parts = {
            "temporal": self._stack.temporal_pid,
            "postgres": self._stack.postgres_pid,
            "clients": os.getpid(),
        }
        # Both worker processes: only the one whose pathways are measured is busy.
        workers = sum(_cpu_seconds(pid, tree=False) for pid in self._stack.worker_pids)
        return {
            "worker": workers,
            **{name: _cpu_seconds(pid, tree=name == "postgres") for name, pid in parts.items()},
        }


def _cpu_seconds(pid: int | None, tree: bool) -> float:
    if pid is None:
        return 0.0
    try:
        process = psutil.Process(pid)
        processes = [process, *(process.children(recursive=True) if tree else [])]
        total = 0.0
        for p in processes:
            try:
                times = p.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                continue
        return total
    except psutil.NoSuchProcess:
        return 0.0


async def worker_profile(stack: BenchStack, seconds: float) -> dict[str, Any] | None:
    """A yappi CPU profile of the worker process for `seconds` (see `bench.worker`)."""
    pid = stack.worker_pid
    assert pid is not None
    out = stack.root / "worker-profile.json"
    out.unlink(missing_ok=True)
    os.kill(pid, signal.SIGUSR1)
    await asyncio.sleep(seconds)
    os.kill(pid, signal.SIGUSR2)
    for _ in range(200):
        if out.exists():
            summary: dict[str, Any] = json.loads(out.read_text())
            tree = stack.root / "worker-profile.txt"
            if tree.exists():
                summary["tree"] = tree.read_text()
            return summary
        await asyncio.sleep(0.1)
    return {"error": "the worker wrote no profile"}
