"""Every escalation for an obligation met on time is withdrawn, and no other (hypothesis).

The random back-dated histories of `test_back_dating_properties`: the first stages, each
command recorded at a random instant and back-dated at random, the ladder run at every
wake-up in between as the workflow runs it. The read models of each append, written as
the workflow writes them, withdraw exactly the escalations whose obligation's meeting fact
has a business time before their due instant.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from domain.evolution import fold
from domain.read_models import read_models
from tests.unit.test_back_dating_properties import COMMANDS, MEETS, Pathway


@given(
    gaps=st.lists(st.integers(min_value=0, max_value=40 * 24 * 60), min_size=5, max_size=5),
    backdating=st.lists(st.integers(min_value=0, max_value=29 * 24 * 60), min_size=5, max_size=5),
)
@settings(max_examples=60, deadline=None)
def test_escalations_for_an_obligation_met_on_time_are_withdrawn_and_only_those(
    gaps: list[int], backdating: list[int]
) -> None:
    pathway = Pathway()
    opened_at: datetime | None = None
    for index, ((command, actor, _, _), gap, back) in enumerate(
        zip(COMMANDS, gaps, backdating, strict=True)
    ):
        pathway.run_until(pathway.now + timedelta(minutes=gap))
        occurred = pathway.now - timedelta(minutes=back)
        if opened_at is not None:
            occurred = max(occurred, opened_at + timedelta(minutes=index))
        opened_at = opened_at or occurred
        pathway.append(
            CommandEnvelope(
                command_id=f"c{index}",
                actor=actor,
                command=COMMAND_ADAPTER.validate_python({**command}),
                occurred_at=occurred,
            )
        )
    pathway.run_until(pathway.now + timedelta(days=60))

    records = pathway.records
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
