"""The baseline for escalation lateness: a bare workflow that sleeps to instants in turn."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow


@workflow.defn(name="BareTimer")
class BareTimer:
    @workflow.run
    async def run(self, instants: list[datetime]) -> list[float | None]:
        """Seconds between each instant asked for and the instant the workflow woke for it:
        one timer at a time, as a pathway climbs its ladder. None for an instant already past
        when the workflow began: no timer was set for it, so it says nothing of timers."""
        began = workflow.now()
        lateness: list[float | None] = []
        for fire_at in instants:
            if fire_at <= began:
                lateness.append(None)
                continue
            await workflow.sleep(max((fire_at - workflow.now()).total_seconds(), 0))
            lateness.append((workflow.now() - fire_at).total_seconds())
        return lateness
