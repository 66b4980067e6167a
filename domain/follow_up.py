"""The follow-up: how the person fares months after the exit, the check the project asks for.

Its window opens a policy span after the exit (`Deadlines.follow_up_opens`, 5 months by
default) and it falls due at `Deadlines.follow_up` (6 months); both follow the revision in
force on the day of the exit, like every obligation.
"""

from __future__ import annotations

from datetime import datetime

from domain import errors
from domain.calendar import PROJECT_TIMEZONE
from domain.state import PathwayState


def follow_up_opens_at(state: PathwayState) -> datetime | None:
    """The instant from which the follow-up may be recorded; None before the exit."""
    if state.exit is None:
        return None
    deadlines = state.policy.revision_at(state.exit.at).deadlines
    return deadlines.follow_up_opens.after(state.exit.at)


def check_follow_up_open(state: PathwayState, occurred: datetime) -> None:
    """Refuse a follow-up whose business time comes before its window opens.

    Raises:
        FollowUpTooEarly: with the Italian date and time the window opens.
    """
    opens = follow_up_opens_at(state)
    if opens is not None and occurred < opens:
        local = opens.astimezone(PROJECT_TIMEZONE)
        raise errors.FollowUpTooEarly(
            f"the follow-up opens on {local:%Y-%m-%d} at {local:%H:%M:%S} Italian time"
            f" ({opens.isoformat()}), {_span(state)} after the exit"
        )


def _span(state: PathwayState) -> str:
    assert state.exit is not None
    return str(state.policy.revision_at(state.exit.at).deadlines.follow_up_opens)
