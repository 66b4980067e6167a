"""What back-dated entry changes for the ladder: when each obligation became known.

An entry may carry a business time up to the back-dating window in the past, so an
obligation can be owed, by the facts, long before anyone could know it: a pathway opened
20 days ago owes a baseline that was due 13 days ago. Its ladder's rungs already past when
it became known wait for the policy's catch-up window (`PolicyRevision.caught_up_by`),
counted from the recording instant kept here.
"""

from __future__ import annotations

from domain.obligations import owed
from domain.records import EventRecord
from domain.state import PathwayState


def noticed(before: PathwayState, after: PathwayState, record: EventRecord) -> PathwayState:
    """`after` with the recording instant of each obligation `record` made owed, and
    without those no longer owed."""
    if after.stage is None:
        return after
    if before.stage is not None and _what_is_owed(before) == _what_is_owed(after):
        return after  # no obligation came or went: most events (a note, a ladder step)
    owed_now = {o.obligation.obligation_id for o in owed(after)}
    known = {k: at for k, at in before.known_since.items() if k in owed_now}
    for obligation_id in owed_now - known.keys():
        known[obligation_id] = record.recorded_at
    if known == after.known_since:
        return after
    return after.model_copy(update={"known_since": known})


def _what_is_owed(state: PathwayState) -> tuple[object, ...]:
    """The parts of the state that decide which obligations are owed (`domain.obligations`:
    the stage and when it began, the plan pending and the plan, the exit, the measures,
    the permit and the opening), not their due instants: equal parts, equal obligations.
    Compared after every event, so unchanged parts are the same objects and cheap to compare.
    """
    return (
        state.stage,
        state.stage_entered_at,
        state.pending_plan,
        state.plan,
        state.exit,
        state.measures,
        state.permit_expires_on,
        state.opened_at,
    )
