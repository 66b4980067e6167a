"""What a cached pathway weighs, and how much of it is the Python heap: one process, one worker.

    python -m bench.cached_weight [--pathways 1500] [--warm 200] [--unsandboxed]
        [--no-trace] [--top 15] [--out FILE] [--force]

The suite's growth part reads the worker process's RSS at two sizes; this probe says what
the growth is made of. On a stack of its own (`bench.stack`, its worker process idle), it
runs a pathway worker in its own process and opens `--warm` pathways, then `--pathways`
more, and reads across the second batch the process's RSS and, with `tracemalloc`, the
Python heap that stayed allocated, by file. RSS minus the heap is native memory: the SDK
core's state of each cached run (its state machines and command queues) and what the
allocators keep. The clients run in the same process: their share is the difference
between two batches' figures and the suite's worker (RSS per pathway within a few KB of
the growth part's). `--unsandboxed` runs the workflows out of the SDK's sandbox, whose
share is then the difference. Tracing costs memory of its own (a trace per block), so
read the RSS of a `--no-trace` run and the heap of a traced one. For the native side by
call site, run it under heaptrack (`heaptrack python -m bench.cached_weight --no-trace`;
the stack's servers are started without the preload). Writes JSON to FILE (default:
stdout, where the stack's logs go too).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

from bench.arguments import bounded, write_json
from bench.conditions import RunConditions, exit_if_busy, load_average
from bench.scale import open_many
from bench.stack import BenchStack
from client.pathway import PathwayClient
from workers.worker import build_worker

SETTLE_SECONDS = 2.0
CONCURRENCY = 16


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


async def weigh(
    pathways: int, warm: int, *, sandboxed: bool, trace: bool, top: int
) -> dict[str, Any]:
    conditions = RunConditions()
    stack = BenchStack(unsandboxed=False)
    try:
        await stack.start()
        queue = f"weight-{uuid.uuid4().hex[:6]}"
        worker = build_worker(stack.client, stack.store, queue, sandboxed=sandboxed)
        opener = PathwayClient(stack.client, queue, stack.store)
        async with worker:
            await open_many(opener, "warm", 0, warm, 900, CONCURRENCY)
            gc.collect()
            await asyncio.sleep(SETTLE_SECONDS)
            before = rss_bytes()
            if trace:
                tracemalloc.start()
                heap_before = tracemalloc.take_snapshot()
            opened, seconds = await open_many(opener, "weighed", 0, pathways, 1800, CONCURRENCY)
            gc.collect()
            await asyncio.sleep(SETTLE_SECONDS)
            after = rss_bytes()
            count = max(len(opened), 1)
            heap: dict[str, Any] = {}
            if trace:
                stats = tracemalloc.take_snapshot().compare_to(heap_before, "filename")
                tracemalloc.stop()
                heap = {
                    "kb_per_pathway": round(sum(s.size_diff for s in stats) / 1024 / count, 1),
                    "by_file_kb_per_pathway": [
                        [s.traceback[0].filename, round(s.size_diff / 1024 / count, 2)]
                        for s in stats[:top]
                    ],
                }
    finally:
        await stack.stop()
    return {
        "sandboxed": sandboxed,
        "warm": warm,
        "opened": len(opened),
        "seconds": round(seconds, 1),
        "rss_mb": [round(before / 2**20, 1), round(after / 2**20, 1)],
        "rss_kb_per_pathway": round((after - before) / 1024 / count, 1),
        "python_heap": heap or None,
        "conditions": conditions.finish(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pathways", type=bounded(int, 1, 100_000), default=1500)
    parser.add_argument("--warm", type=bounded(int, 0, 100_000), default=200)
    parser.add_argument("--unsandboxed", action="store_true")
    parser.add_argument("--no-trace", action="store_true", help="RSS only, no tracemalloc")
    parser.add_argument("--top", type=bounded(int, 1, 200), default=15)
    parser.add_argument("--out", type=Path, help="the JSON's file (default: stdout)")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    exit_if_busy(parser, load_average(), args.force)
    # Under heaptrack: the servers the stack starts are not traced.
    os.environ.pop("LD_PRELOAD", None)
    result = asyncio.run(
        weigh(
            args.pathways,
            args.warm,
            sandboxed=not args.unsandboxed,
            trace=not args.no_trace,
            top=args.top,
        )
    )
    write_json(result, args.out)


if __name__ == "__main__":
    main()
