"""When each obligation became known, kept by `evolve` (domain/back_dating.py).

`noticed` skips working out what is owed after an event that changes none of the parts of
the state obligations come from (a note, a ladder step, a payment): the journey below
checks that the shortcut keeps exactly what working it out after every event keeps.
"""

from __future__ import annotations

from datetime import timedelta

from domain.evolution import fold
from domain.obligations import owed
from domain.records import EventRecord
from tests.scenarios import OPEN, Scenario
from tests.workflows.journey import full_journey


def known_since_after_every_event(records: list[EventRecord]) -> dict[str, object]:
    """The rule without the shortcut: after each event, the obligations owed, each known
    since the first event after which it was owed without a break."""
    known: dict[str, object] = {}
    for end, record in enumerate(records, start=1):
        state = fold(records[:end])
        if state.stage is None:
            continue
        now = {o.obligation.obligation_id for o in owed(state)}
        known = {k: at for k, at in known.items() if k in now}
        known |= {k: record.recorded_at for k in now - known.keys()}
    return known


def test_a_whole_journey_with_notes_between_keeps_each_obligation_known_since_it_was_owed() -> None:
    s = Scenario().given(OPEN)
    start = s.now.date()
    for command, actor in full_journey(start):
        if command["type"] in ("record_follow_up", "close_pathway"):
            break
        s.given({"type": "add_note", "text": "between two steps"}, advance=timedelta(days=3))
        s.given(command, actor, advance=timedelta(days=2))
    assert fold(s.records).known_since, "the journey owes something at its end"
    for end in range(1, len(s.records) + 1):
        story = s.records[:end]
        assert fold(story).known_since == known_since_after_every_event(story), story[-1].type
