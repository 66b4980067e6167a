"""The baseline for escalation lateness: a bare workflow that sleeps to an instant."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow


@workflow.defn(name="BareTimer")
class BareTimer:
    @workflow.run
    async def run(self, fire_at: datetime) -> float:
        """Seconds between the instant asked for and the instant the workflow woke."""
        await workflow.sleep(max((fire_at - workflow.now()).total_seconds(), 0))
        return (workflow.now() - fire_at).total_seconds()
