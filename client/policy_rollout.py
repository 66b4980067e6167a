"""A deadline policy put in force on the running pathways: its preview and its roll-out, for
`pathways policy apply` and the admin's policy page alike.

The preview asks each running pathway for its state and the domain which of its timers the
policy moves (`domain.policy_preview`); it changes nothing. The roll-out starts (or joins)
the bulk operation that puts the policy in force (`client.bulk.BulkOperations.roll_out`), as
an admin: `ApplyPolicy` is for admins (`domain.permissions`), and the pathway refuses anyone
else.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from client.bulk import BulkOperations, RollOut
from client.pathway import CommandRefused, PathwayClient
from domain.policy import Policy
from domain.policy_preview import MovedDeadline, moved_deadlines
from domain.values import Actor, Role
from workflows.bulk_models import RollOutPolicy

PREVIEW_CONCURRENCY = 16
"""Pathways asked for their state at once by a preview."""


@dataclass(frozen=True)
class PathwayPreview:
    """One running pathway whose timers the policy would move."""

    pathway_id: str
    organisation_id: str | None
    given_name: str | None
    moved: tuple[MovedDeadline, ...]


@dataclass(frozen=True)
class PolicyPreview:
    """What putting a policy in force would do: the pathways it reaches, those it changes."""

    running: int
    """Running pathways asked (the roll-out's rows, as Temporal's visibility lists them)."""
    moving: tuple[PathwayPreview, ...]
    """Those with a timer that moves, by pathway id."""


async def preview_policy(pathways: PathwayClient, policy: Policy) -> PolicyPreview:
    """Which running pathways' timers `policy` would move, and how; changes nothing.

    A pathway that stopped running between the listing and its question is left out, as the
    roll-out would leave it (`pathway_not_found`).
    """
    running = sorted(set(await pathways.running_pathways()))
    asking = asyncio.Semaphore(PREVIEW_CONCURRENCY)

    async def one(pathway_id: str) -> PathwayPreview | None:
        async with asking:
            try:
                state = await pathways.state(pathway_id)
            except CommandRefused:
                return None
        moved = moved_deadlines(state, policy)
        if not moved:
            return None
        return PathwayPreview(
            pathway_id=pathway_id,
            organisation_id=state.organisation_id,
            given_name=None if state.beneficiary is None else state.beneficiary.given_name,
            moved=tuple(moved),
        )

    found = await asyncio.gather(*(one(p) for p in running))
    return PolicyPreview(running=len(running), moving=tuple(p for p in found if p is not None))


def policy_admin(admin_id: str) -> Actor:
    """Who puts a policy in force: the person `admin_id`, as an admin.

    Raises:
        pydantic.ValidationError: `admin_id` is not an identifier (the CLI's `--actor`).
    """
    return Actor(id=admin_id, role=Role.ADMIN)


async def start_roll_out(
    operations: BulkOperations,
    policy: Policy,
    admin: Actor,
    *,
    concurrency: int = 16,
    row_timeout: float = 30.0,
) -> RollOut:
    """Start (or join) the roll-out of `policy`, as `admin` (`policy_admin`)."""
    operation = RollOutPolicy(policy=policy, concurrency=concurrency, row_timeout=row_timeout)
    return await operations.roll_out(operation, admin)
