"""The benchmark's worker process: the pathway worker as `pathways worker` runs it, plus the
baselines' workflows, in one process: the bare updates on a task queue of their own, the
bare timers also on the pathways' queue (escalation lateness compares timers queued behind
the same load).

    python -m bench.worker --temporal ADDR --database URL --queue Q --ready FILE

Writes FILE once both workers poll; runs until SIGTERM. Logs go to stderr as JSON at INFO,
as in production (the stack's parent sends them to a file). SIGUSR1 starts a yappi CPU
profile of every thread (when yappi is installed), SIGUSR2 stops it and writes its
summary beside FILE (`worker-profile.json`, and the call tree as `worker-profile.txt`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import time
from pathlib import Path
from typing import Any

from temporalio.worker import Worker

from bench.bare_timer import BareTimer
from bench.bare_update import BareUpdate
from infra.config import Settings
from infra.db import open_pool
from infra.logging import configure_logging
from infra.temporal import connect
from workers.composition import Stores
from workers.worker import build_worker

ROOT = Path(__file__).resolve().parent.parent


def bare_queue(queue: str) -> str:
    """The task queue of the baselines' workflows beside the pathway queue `queue`."""
    return f"{queue}-bare"


async def serve(address: str, database: str, queue: str, ready: Path) -> None:
    settings = Settings(
        temporal_address=address, database_url=database, log_format="json", log_level="INFO"
    )
    configure_logging(settings)
    pool = await open_pool(settings)
    stores = Stores(settings, pool, eager=True)  # PATHWAYS_MASTER_KEY from the bench
    client = await connect(settings, address, keyring=stores.keyring)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    profiler = Profiling(ready.parent)
    loop.add_signal_handler(signal.SIGUSR1, profiler.start)
    loop.add_signal_handler(signal.SIGUSR2, profiler.stop)
    bare = Worker(client, task_queue=bare_queue(queue), workflows=[BareUpdate])
    try:
        async with (
            build_worker(
                client,
                stores.events,
                queue,
                settings.worker_cached_workflows,
                sandboxed=settings.worker_sandbox,
                workflow_task_slots=settings.worker_workflow_task_slots,
                more_workflows=[BareTimer],
            ),
            bare,
        ):
            ready.write_text("ready\n")
            await stop.wait()
    finally:
        await pool.close()


class Profiling:
    """A yappi CPU profile of every thread between SIGUSR1 and SIGUSR2, summarised to
    `directory`. Every thread matters: workflow code runs in the SDK's thread pool, the
    activities and the bridge on the event loop's thread."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._started = 0.0

    def start(self) -> None:
        try:
            import yappi
        except ImportError:
            (self._directory / "worker-profile.json").write_text('{"error": "no yappi"}')
            return
        yappi.clear_stats()
        yappi.set_clock_type("cpu")
        yappi.start(builtins=True, profile_threads=True)
        self._started = time.process_time()

    def stop(self) -> None:
        import yappi

        if not yappi.is_running():
            return
        yappi.stop()
        cpu = time.process_time() - self._started
        stats = yappi.get_func_stats()
        summary = summarise(stats, cpu)
        (self._directory / "worker-profile.txt").write_text(table(summary))
        (self._directory / "worker-profile.json").write_text(json.dumps(summary))
        yappi.clear_stats()


def summarise(stats: Any, cpu_seconds: float, top: int = 25) -> dict[str, Any]:
    """Percent of the process's CPU per function, own and inclusive, the hottest first.

    Python's share is what yappi sees; the rest of the process's CPU is the SDK's Rust
    core (gRPC, protobuf, its own threads) and C code called without a Python frame."""

    def name(stat: Any) -> str:
        module = stat.module.rsplit("site-packages/", 1)[-1].removeprefix(str(ROOT) + "/")
        return f"{stat.name} ({module}:{stat.lineno})"

    def shares(key: str) -> list[tuple[str, float]]:
        ranked = sorted(stats, key=lambda s: getattr(s, key), reverse=True)[:top]
        return [(name(s), round(100 * getattr(s, key) / cpu_seconds, 1)) for s in ranked]

    threads = {t.name: t.ttot for t in __import__("yappi").get_thread_stats()}
    python = sum(threads.values())
    return {
        "cpu_seconds": round(cpu_seconds, 2),
        "python_percent": round(100 * python / cpu_seconds, 1) if cpu_seconds else None,
        "threads_percent": {
            n: round(100 * t / cpu_seconds, 1) for n, t in sorted(threads.items()) if t > 0.01
        },
        "own_percent": shares("tsub"),
        "inclusive_percent": shares("ttot"),
    }


def table(summary: dict[str, Any]) -> str:
    lines = [
        f"CPU {summary['cpu_seconds']} s, {summary['python_percent']}% of it in Python frames",
        "threads: " + ", ".join(f"{n} {p}%" for n, p in summary["threads_percent"].items()),
        "",
        "own %   function",
    ]
    lines += [f"{p:6.1f}  {n}" for n, p in summary["own_percent"]]
    lines += ["", "incl %  function"]
    lines += [f"{p:6.1f}  {n}" for n, p in summary["inclusive_percent"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--temporal", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--queue", required=True)
    parser.add_argument("--ready", type=Path, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.temporal, args.database, args.queue, args.ready))


if __name__ == "__main__":
    main()
