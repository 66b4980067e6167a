"""What putting a deadline policy in force would move on one pathway: the dry run of a
policy's roll-out, pathway by pathway.

The rule is the one the pathway itself follows (`domain.obligations.obligations`): the open
obligations under the policy in force, and under the one proposed. An obligation whose due
instant differs is a timer that moves; one that only one of the two policies owes is listed
with the other side None. Pure, so the pages and the CLI preview by the same rule.
"""

from __future__ import annotations

from datetime import datetime

from domain.obligations import obligations
from domain.policy import Policy
from domain.state import PathwayState
from domain.values import Frozen


class MovedDeadline(Frozen):
    """One open obligation whose due instant the proposed policy changes."""

    obligation_id: str
    kind: str
    before: datetime | None
    """Due under the policy in force; None when only the proposed policy owes it."""
    after: datetime | None
    """Due under the proposed policy; None when it would owe it no more."""


def moved_deadlines(state: PathwayState, policy: Policy) -> list[MovedDeadline]:
    """The open obligations of `state` whose due instant `policy` would change, by id.

    Empty when `policy` is already in force (the roll-out leaves such a pathway `unchanged`)
    or moves none of its timers.
    """
    if policy == state.policy:
        return []
    before = {o.obligation_id: o for o in obligations(state)}
    after = {o.obligation_id: o for o in obligations(state.model_copy(update={"policy": policy}))}
    moved = []
    for obligation_id in sorted(before.keys() | after.keys()):
        old, new = before.get(obligation_id), after.get(obligation_id)
        if old is not None and new is not None and old.due_at == new.due_at:
            continue
        kind = (old or new).kind  # type: ignore[union-attr]  # one of the two is there
        moved.append(
            MovedDeadline(
                obligation_id=obligation_id,
                kind=kind,
                before=None if old is None else old.due_at,
                after=None if new is None else new.due_at,
            )
        )
    return moved
