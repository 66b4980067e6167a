"""The indicator dashboard at scale: `bench.indicators_scale`, run as it is, in a subprocess.

It starts its own PostgreSQL, restores the pathways' events and projection rows from their
dump (`bench.dashboard_dump`), and measures the dashboard against `count(*)` of the same
facts, and the page cold and warm; here it is only called with a size, a number of query
and page runs and a time cap, and its JSON is taken as it comes. A full run does not generate a
missing dump inside its cap (`generate` false): it reports the command that makes it.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any


async def indicator_dashboard(
    pathways: int, cap_seconds: float, runs: int, page_runs: int, generate: bool
) -> dict[str, Any]:
    """The JSON `bench.indicators_scale` prints, or why there is none."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.indicators_scale",
        "--pathways",
        str(pathways),
        "--runs",
        str(runs),
        "--page-runs",
        str(page_runs),
        *([] if generate else ["--no-generate"]),
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
    # Its log lines may precede the JSON on stdout; the JSON starts a line with "{".
    text = stdout.decode(errors="replace")
    start = 0 if text.startswith("{") else text.find("\n{") + 1
    try:
        result: dict[str, Any] = json.loads(text[start:])
    except ValueError:
        return {"pathways": pathways, "error": "no JSON in the output", "output": text[-500:]}
    result["pathways"] = pathways
    return result
