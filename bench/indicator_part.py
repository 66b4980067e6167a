"""The indicator dashboard at scale: `bench.indicators_scale`, run as it is, in a subprocess.

It starts its own PostgreSQL, generates the pathways' events and projection rows, and
measures the dashboard against `count(*)` of the same facts; here it is only called with a
size and a time cap, and its JSON is taken as it comes.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any


async def indicator_dashboard(pathways: int, cap_seconds: float) -> dict[str, Any]:
    """The JSON `bench.indicators_scale` prints, or why there is none."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.indicators_scale",
        "--pathways",
        str(pathways),
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
