"""The indicator dashboard at scale: `bench.indicators_scale`, run as it is, in a subprocess.

It starts its own PostgreSQL, restores the pathways' events and projection rows from their
dump (`bench.dashboard_dump`), and measures the dashboard against `count(*)` of the same
facts, and the page cold and warm; here it is only called with a size, a number of query
and page runs and a time cap, and its JSON is taken as it comes. A full run does not generate a
missing dump inside its cap (`generate` false): it makes it before the suite starts
(`ensure_dump`), outside every part's cap and the suite's budget.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any


async def ensure_dump(pathways: int) -> dict[str, Any]:
    """The dump of `pathways` pathways, made now if this generator has none
    (`bench.indicators_scale --generate-only`): its path and the seconds of each generation
    step (None when it was there)."""
    return await _run_scale(pathways, ["--generate-only"], None)


async def indicator_dashboard(
    pathways: int, cap_seconds: float, runs: int, page_runs: int, generate: bool
) -> dict[str, Any]:
    """The JSON `bench.indicators_scale` prints, or why there is none."""
    return await _run_scale(
        pathways,
        [
            "--runs",
            str(runs),
            "--page-runs",
            str(page_runs),
            *([] if generate else ["--no-generate"]),
        ],
        cap_seconds,
    )


async def _run_scale(
    pathways: int, arguments: list[str], cap_seconds: float | None
) -> dict[str, Any]:
    """`bench.indicators_scale --pathways <pathways> <arguments>` in a subprocess, stopped
    after `cap_seconds` (None: no cap): the JSON it printed, with `pathways`, or why there is
    none (`error`)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.indicators_scale",
        "--pathways",
        str(pathways),
        *arguments,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), cap_seconds)
    except TimeoutError:
        process.terminate()
        await process.wait()
        return {"pathways": pathways, "error": f"not done within {cap_seconds:g} s"}
    if process.returncode != 0:
        return {"pathways": pathways, "error": stderr.decode(errors="replace")[-500:]}
    text = stdout.decode(errors="replace")
    result = _json_of(text)
    if result is None:
        return {"pathways": pathways, "error": "no JSON in the output", "output": text[-500:]}
    return {**result, "pathways": pathways}


def _json_of(text: str) -> dict[str, Any] | None:
    """The JSON object `bench.indicators_scale` printed; its log lines may precede it on
    stdout, and the JSON starts a line with "{"."""
    start = 0 if text.startswith("{") else text.find("\n{") + 1
    try:
        parsed: dict[str, Any] = json.loads(text[start:])
    except ValueError:
        return None
    return parsed
