"""The benchmark's worker process: the pathway worker as `pathways worker` runs it, plus the
baselines' workflows on a task queue of their own, in one process.

    python -m bench.worker --temporal ADDR --database URL --queue Q --ready FILE

Writes FILE once both workers poll; runs until SIGTERM. Logs go to stderr as JSON at INFO,
as in production (the stack's parent sends them to a file). SIGUSR1 starts a pyinstrument
profile of the process (when pyinstrument is installed), SIGUSR2 stops it and writes its
summary beside FILE (`worker-profile.json`, and the call tree as `worker-profile.txt`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
from collections import Counter
from pathlib import Path
from typing import Any

from temporalio.worker import Worker

from bench.bare_timer import BareTimer
from bench.bare_update import BareUpdate
from infra.config import Settings
from infra.crypto.sealing import FieldSealer
from infra.db import open_pool
from infra.eventstore.postgres import PostgresEventStore
from infra.logging import configure_logging
from infra.temporal import connect
from workers.keys import keyring_on
from workers.worker import build_worker


def bare_queue(queue: str) -> str:
    """The task queue of the baselines' workflows beside the pathway queue `queue`."""
    return f"{queue}-bare"


async def serve(address: str, database: str, queue: str, ready: Path) -> None:
    settings = Settings(
        temporal_address=address, database_url=database, log_format="json", log_level="INFO"
    )
    configure_logging(settings)
    pool = await open_pool(settings)
    keyring = keyring_on(settings, pool, eager=True)  # PATHWAYS_MASTER_KEY from the bench
    client = await connect(settings, address, keyring=keyring)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    profiler = Profiling(ready.parent)
    loop.add_signal_handler(signal.SIGUSR1, profiler.start)
    loop.add_signal_handler(signal.SIGUSR2, profiler.stop)
    bare = Worker(client, task_queue=bare_queue(queue), workflows=[BareUpdate, BareTimer])
    try:
        async with (
            build_worker(client, PostgresEventStore(pool, FieldSealer(keyring)), queue),
            bare,
        ):
            ready.write_text("ready\n")
            await stop.wait()
    finally:
        await pool.close()


class Profiling:
    """A pyinstrument profile between SIGUSR1 and SIGUSR2, summarised to `directory`."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._profiler: Any = None

    def start(self) -> None:
        try:
            from pyinstrument import Profiler
        except ImportError:
            (self._directory / "worker-profile.json").write_text('{"error": "no pyinstrument"}')
            return
        self._profiler = Profiler(interval=0.002, async_mode="disabled")
        self._profiler.start()

    def stop(self) -> None:
        if self._profiler is None:
            return
        session = self._profiler.stop()
        (self._directory / "worker-profile.txt").write_text(self._profiler.output_text())
        summary = summarise(session.root_frame(), session.duration)
        (self._directory / "worker-profile.json").write_text(json.dumps(summary))
        self._profiler = None


def summarise(root: Any, duration: float, top: int = 15) -> dict[str, Any]:
    """Seconds of own and inclusive time per function, the hottest first."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()

    def walk(frame: Any, above: frozenset[str]) -> None:
        if frame.function.startswith("["):  # "[self]" and the like: in the parent's own time
            return
        name = f"{frame.function} ({frame.file_path_short}:{frame.line_no})"
        own[name] += frame.total_self_time
        if name not in above:  # recursion counted once
            inclusive[name] += frame.time
        for child in frame.children:
            walk(child, above | {name})

    if root is not None:
        walk(root, frozenset())

    def shares(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(n, round(100 * t / duration, 1)) for n, t in counter.most_common(top)]

    return {
        "seconds": round(duration, 1),
        "own_percent": shares(own),
        "inclusive_percent": shares(inclusive),
    }


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
