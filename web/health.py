"""`/healthz` (the process answers) and `/readyz` (its dependencies answer, in short time).

A load balancer or an orchestrator restarts a process whose `/healthz` fails and stops
sending requests to one whose `/readyz` fails; so `/healthz` touches nothing (a database
outage must not get every web process restarted), while `/readyz` asks Temporal and
PostgreSQL, each bounded by a short timeout, and names the one that did not answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from web.outages import RETRY_AFTER_SECONDS

log = structlog.get_logger("pathways.web.health")

PROBE_SECONDS = 2.0
"""How long each dependency has to answer `/readyz`; well under a prober's own timeout."""


@dataclass(frozen=True)
class Dependency:
    """Something the app cannot serve without; `check(timeout)` raises when it is out of reach."""

    name: str
    check: Callable[[float], Awaitable[None]]


async def _probe(dependency: Dependency, timeout: float) -> str | None:
    """None when the dependency answered in time, else why not."""
    try:
        await asyncio.wait_for(dependency.check(timeout), timeout)
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except Exception as error:
        return f"{type(error).__name__}: {error}"[:200]
    return None


def build_health_router(dependencies: Sequence[Dependency]) -> APIRouter:
    """The two probes; `dependencies` are what `/readyz` checks, all at once."""
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        faults = await asyncio.gather(*(_probe(d, PROBE_SECONDS) for d in dependencies))
        checks: dict[str, Any] = {
            d.name: "ok" if fault is None else fault
            for d, fault in zip(dependencies, faults, strict=True)
        }
        missing = [d.name for d, fault in zip(dependencies, faults, strict=True) if fault]
        if not missing:
            return JSONResponse({"status": "ready", "checks": checks})
        log.warning("not_ready", missing=missing)
        return JSONResponse(
            {"status": "unavailable", "missing": missing, "checks": checks},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
        )

    return router
