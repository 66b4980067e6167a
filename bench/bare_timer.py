"""The baseline for escalation lateness: a bare workflow that sleeps to instants in turn."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow


@workflow.defn(name="BareTimer")
class BareTimer:
    @workflow.run
    async def run(self, instants: list[datetime]) -> list[float]:
        """Seconds between each instant asked for and the instant the workflow woke for it:
        one timer at a time, as a pathway climbs its ladder."""
        lateness = []
        for fire_at in instants:
            await workflow.sleep(max((fire_at - workflow.now()).total_seconds(), 0))
            lateness.append((workflow.now() - fire_at).total_seconds())
        return lateness
