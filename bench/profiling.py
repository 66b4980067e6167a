"""Where the time goes: CPU per process during a run, and a sampling profile of the worker.

`CpuMeter` reads the CPU seconds of the worker, the Temporal server, PostgreSQL (the
postmaster and its backends) and this process (the clients); `worker_profile` samples the
worker with py-spy and returns its hottest functions, by own time and by time inclusive.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import psutil

from bench.stack import BenchStack


class CpuMeter:
    """CPU seconds (user + system) of each part of the stack, since `start`."""

    def __init__(self, stack: BenchStack) -> None:
        self._stack = stack
        self._before: dict[str, float] = {}

    def start(self) -> None:
        self._before = self._read()

    def spent(self) -> dict[str, float]:
        after = self._read()
        return {k: round(after[k] - self._before.get(k, 0.0), 2) for k in after}

    def _read(self) -> dict[str, float]:
        parts = {
            "worker": self._stack.worker_pid,
            "temporal": self._stack.temporal_pid,
            "postgres": self._stack.postgres_pid,
            "clients": os.getpid(),
        }
        return {name: _cpu_seconds(pid, tree=name == "postgres") for name, pid in parts.items()}


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


def py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


async def worker_profile(pid: int, seconds: float, out: Path) -> dict[str, Any] | None:
    """py-spy's samples of the worker for `seconds`, summarised; None without py-spy."""
    binary = py_spy()
    if binary is None:
        return None
    process = await asyncio.create_subprocess_exec(
        binary,
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(int(seconds)),
        "--rate",
        "50",
        "--format",
        "raw",
        "--nonblocking",
        "--output",
        str(out),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await process.communicate()
    if process.returncode != 0 or not out.exists():
        return {"error": stderr.decode(errors="replace")[-300:]}
    return summarise(out.read_text())


def summarise(collapsed: str, top: int = 12) -> dict[str, Any]:
    """Own and inclusive shares of the hottest frames of py-spy's collapsed stacks."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_short(f) for f in stack.split(";")]
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    if total == 0:
        return {"samples": 0}

    def shares(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(frame, round(100 * n / total, 1)) for frame, n in counter.most_common(top)]

    return {"samples": total, "own_percent": shares(own), "inclusive_percent": shares(inclusive)}


def _short(frame: str) -> str:
    # "function (path/to/module.py:123)" → "function (module.py)"
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    parts = Path(path).parts
    return f"{name} ({'/'.join(parts[-2:])})" if parts else name
