"""The decider as a state machine (hypothesis stateful): random commands, by random people,
at random times, with the invariants checked after every step.

- The stream is gapless: versions run 1, 2, … with no hole and no repeat, and the state's
  version is the last one.
- A refused command changes nothing: the state after equals the state before, and no
  event is recorded.
- Closed is terminal: once closed, every command is refused as `pathway_closed` (or by a
  check that comes before it, such as the role).
- The state folded from the whole stream (also after a JSON round trip, as Postgres keeps
  it) equals the state built step by step, and satisfies `check_invariants`.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)

from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from domain.decider import decide
from domain.errors import DomainError
from domain.evolution import evolve, fold
from domain.records import EventRecord
from domain.state import PathwayState
from domain.stream import record_events
from domain.values import SYSTEM_DEADLINES, Actor, Stage
from tests.scenarios import SUPERVISOR, Scenario
from tests.unit.test_properties import ACTORS, HAPPY_PATH, POOL, check_invariants

STREAM = "pathway-p-0001"
REFUSALS_OF_A_CLOSED_PATHWAY = {
    "fact_in_future",
    "date_out_of_range",
    "pathway_closed",
    "role_forbidden",
    "pathway_already_open",
}
"""The command's own dates are checked first (a month recorded before it ends, whatever the
pathway), then permissions in order: the role, the pathway's existence, then closure."""


class DeciderMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.scenario = Scenario()
        self.state = PathwayState()
        self.records: list[EventRecord] = []
        self.refused = 0
        self.closed_at: int | None = None

    def _send(self, index: int, actor: Actor, hours: int) -> None:
        self.scenario.now += timedelta(hours=hours)
        envelope = self.scenario.envelope(POOL[index], actor)
        before = self.state
        frozen = before.model_dump_json()
        try:
            events = decide(before, envelope, self.scenario.now)
        except DomainError as error:
            self.refused += 1
            assert before.model_dump_json() == frozen, "decide never mutates the state"
            if self.closed_at is not None:
                assert error.code in REFUSALS_OF_A_CLOSED_PATHWAY, error.code
            return
        assert self.closed_at is None, f"{POOL[index]['type']} was accepted after closing"
        assert events, "an accepted command records at least one event"
        records = record_events(STREAM, before.version, envelope, events, self.scenario.now)
        for record in records:
            self.state = evolve(self.state, record)
        self.records += records
        if self.state.stage == Stage.CLOSED:
            self.closed_at = len(self.records)

    @rule(
        index=st.integers(0, len(POOL) - 1),
        actor=st.sampled_from(ACTORS),
        hours=st.integers(0, 20 * 24),
    )
    def any_command(self, index: int, actor: Actor, hours: int) -> None:
        self._send(index, actor, hours)

    @precondition(lambda self: self.state.version < len(HAPPY_PATH) * 2)
    @rule(step=st.integers(0, len(HAPPY_PATH) - 1))
    def along_the_happy_path(self, step: int) -> None:
        """Commands that move the pathway on, so later stages are reached often."""
        index, actor, hours = HAPPY_PATH[step]
        self._send(index, actor, hours)

    @rule(hours=st.integers(0, 400 * 24))
    def deadlines_fall_due(self, hours: int) -> None:
        """Time passes and the system runs the deadline ladder, as the workflow's timer does."""
        self.scenario.now += timedelta(hours=hours)
        envelope = CommandEnvelope(
            command_id=f"deadlines-{self.state.version}",
            actor=SYSTEM_DEADLINES,
            command=COMMAND_ADAPTER.validate_python({"type": "run_deadlines"}),
        )
        try:
            events = decide(self.state, envelope, self.scenario.now)
        except DomainError:
            return
        assert self.closed_at is None, "a closed pathway owes nothing"
        records = record_events(STREAM, self.state.version, envelope, events, self.scenario.now)
        for record in records:
            self.state = evolve(self.state, record)
        self.records += records

    @rule()
    def supervisor_tries_to_reopen(self) -> None:
        """Opening again is refused whatever the stage."""
        if self.state.stage is None:
            return
        before = self.state
        try:
            decide(before, self.scenario.envelope(POOL[0], SUPERVISOR), self.scenario.now)
        except DomainError:
            assert self.state == before
        else:
            raise AssertionError("an open pathway was opened again")

    @invariant()
    def stream_is_gapless(self) -> None:
        assert [r.version for r in self.records] == list(range(1, len(self.records) + 1))
        assert self.state.version == len(self.records)
        assert all(r.stream_id == STREAM for r in self.records)

    @invariant()
    def state_keeps_its_invariants(self) -> None:
        check_invariants(self.state, len(self.records))

    @invariant()
    def closed_is_terminal(self) -> None:
        if self.closed_at is not None:
            assert self.state.stage == Stage.CLOSED
            assert len(self.records) == self.closed_at

    def teardown(self) -> None:
        assert fold(self.records) == self.state
        stored = [EventRecord.model_validate_json(r.model_dump_json()) for r in self.records]
        assert fold(stored) == self.state


DeciderMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_decider_machine = DeciderMachine.TestCase
