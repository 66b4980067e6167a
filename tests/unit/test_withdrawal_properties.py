"""Every escalation for an obligation met on time is withdrawn, and no other (hypothesis).

The random back-dated histories of `test_back_dating_properties`: the first stages, each
command recorded at a random instant and back-dated at random, the ladder run at every
wake-up in between as the workflow runs it. The read models of each append, written as
the workflow writes them, withdraw exactly the escalations whose obligation's meeting fact
has a business time before their due instant.
"""

from __future__ import annotations

import itertools
from datetime import datetime

from hypothesis import event, given, settings

from domain.evolution import fold
from domain.read_models import read_models
from tests.unit.test_back_dating_properties import (
    BACKDATING,
    GAPS,
    MEETS,
    back_dated_history,
)


@given(gaps=GAPS, backdating=BACKDATING)
@settings(max_examples=60, deadline=None)
def test_escalations_for_an_obligation_met_on_time_are_withdrawn_and_only_those(
    gaps: list[int], backdating: list[int]
) -> None:
    records = back_dated_history(gaps, backdating)
    withdrawn: set[tuple[str, datetime]] = set()
    for _, group in itertools.groupby(records, key=lambda r: r.command_id):
        batch = list(group)
        before = fold(records[: batch[0].version - 1])
        update = read_models(fold(batch, before), batch, before=before)
        withdrawn |= {(w.obligation_id, w.due_instants[0]) for w in update.withdrawals}

    met_on_time = set()
    for meeting in (r for r in records if r.type in MEETS):
        for escalation in records[: meeting.version]:
            if escalation.type != "DeadlineEscalated":
                continue
            due = datetime.fromisoformat(escalation.data["due_at"])
            if (
                escalation.data["obligation_id"] == MEETS[meeting.type]
                and meeting.occurred_at < due
            ):
                met_on_time.add((MEETS[meeting.type], due))
    event(f"withdrawn: {len(withdrawn)}")
    assert withdrawn == met_on_time
