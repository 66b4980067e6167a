"""The baseline for command throughput: a bare workflow whose update handler does nothing."""

from __future__ import annotations

from typing import Any

from temporalio import workflow


@workflow.defn(name="BareUpdate")
class BareUpdate:
    """Runs until cancelled; takes the same update (`command`, same payload) as a pathway."""

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: False)

    @workflow.update(name="command")
    async def command(self, envelope: dict[str, Any]) -> None:
        """No decision, no append, no state: what Temporal alone costs per update."""
