"""`PathwayWorkflow`: holds a pathway's state, turns updates into decisions, persists events.

Commands arrive as updates whose validator runs `decide` as a dry run, so a refused command
leaves no trace in the history. Accepted commands are decided again under a lock, their
events appended to Postgres by a local activity (the workflow is the single writer of its
stream), and only then folded into the state. The run continues as new at every stage
boundary, once its history holds `RUN_EVENTS` events, and whenever Temporal suggests it,
carrying the state.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.pathways.event_store import AppendRequest, CatchUpRequest, EventStoreActivities
    from activities.refusals import refusal
    from domain.closure import closure_blockers
    from domain.commands import Command, CommandEnvelope, OpenPathway, RunDeadlines
    from domain.decider import decide
    from domain.errors import DomainError, InvalidCommand, NothingDue
    from domain.events import Event, ExitRecorded
    from domain.evolution import fold
    from domain.limits import BEFORE_TIME_OF_FACTS_LIMITS, DEFAULT_LIMITS, Limits
    from domain.obligations import (
        Timekeeping,
        next_wakeup,
    )
    from domain.payments.commands import ApprovePayment
    from domain.projections import PathwaySummary
    from domain.read_models import read_models
    from domain.state import PathwayState, initial_state
    from domain.stream import record_events, stream_id_for
    from domain.values import SYSTEM_DEADLINES, Stage
    from infra.search_attributes import (
        CASEWORKER_KEY,
        NEXT_DEADLINE_KEY,
        ORGANISATION_KEY,
        STAGE_KEY,
    )
    from workflows.models import RESULTS_KEPT, RUN_EVENTS, CommandResult, PathwayInput
    from workflows.names import PATHWAY, PATHWAY_COMMAND, PATHWAY_STATE
    from workflows.patches import (
        CATCH_UP_ON_CONFLICT,
        CATCH_UP_WINDOW,
        FOLD_STORED_ON_DUPLICATE,
        IN_FORCE,
        ITALIAN_DAYS,
        ITALIAN_DECISION_DAYS,
        KEEP_TIMER,
        PAYMENT_EVIDENCE,
        SHORT_RUNS,
        TIME_OF_FACTS,
        UPSERT_ONLY_CHANGES,
    )
    from workflows.store_failures import (
        APPEND_RETRY,
        CATCH_UP_RETRY,
        StreamAhead,
        is_conflict,
        store_refusal,
    )


@workflow.defn(name=PATHWAY, failure_exception_types=[DomainError])
class PathwayWorkflow:
    @workflow.init
    def __init__(self, input: PathwayInput) -> None:
        self._pathway_id = input.pathway_id
        self._state = input.state or initial_state()
        self._results = dict(input.recent_results)
        self._lock = asyncio.Lock()
        self._stage_changed = False
        self._changed = False
        self._indexed: tuple[object, ...] | None = None
        """The search attribute values last upserted by this run."""
        self._timer: asyncio.Task[None] | None = None
        self._timer_wake: datetime | None = None
        """The armed deadline timer and the instant it fires at (`KEEP_TIMER`)."""
        self._timekeeping: Timekeeping | None = None
        """The ladder's time rules, fixed by the first call of `_time_rules` in this run."""
        self._short_runs: bool | None = None
        """Whether this run continues as new at `RUN_EVENTS` (patch `short-runs`), fixed by
        the first call of `_should_continue`, at the head of `run`."""
        self._in_force = frozenset(input.patches_in_force)
        """The patches this run began with (`PathwayInput.patches_in_force`), never asked."""

    @workflow.run
    async def run(self, input: PathwayInput) -> PathwayState:
        while not self._should_continue():
            wake = next_wakeup(self._state, self._time_rules())
            if wake is not None and wake <= workflow.now():
                await self._run_deadlines()
                continue
            self._changed = False
            # One timer per pathway: to the next rung of the earliest obligation's ladder.
            # Patched: runs that started before it re-armed the timer after every command
            # (two history events each); they replay that way.
            if self._patched(KEEP_TIMER):
                fired = await self._wait_keeping_timer(wake)
            else:
                fired = await self._wait_restarting_timer(wake)
            if fired:
                await self._run_deadlines()
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._state.stage == Stage.CLOSED:
            return self._state
        workflow.continue_as_new(
            PathwayInput(
                pathway_id=self._pathway_id,
                state=self._state,
                recent_results=dict(list(self._results.items())[-RESULTS_KEPT:]),
                patches_in_force=IN_FORCE,
            )
        )

    @workflow.update(name=PATHWAY_COMMAND)
    async def command(self, envelope: CommandEnvelope) -> CommandResult:
        """Apply one command; the update id is the command id.

        A command id answered before is answered as it was, with the fingerprint of the
        command that was applied: the `PathwayClient` tells a retry from a reused id.
        """
        async with self._lock:
            if (previous := self._results.get(envelope.command_id)) is not None:
                return previous
            try:
                return await self._apply(envelope, self._decide(envelope))
            except StreamAhead as ahead:
                await self._catch_up(ahead)
            # The command may be the very one whose task was lost: answered as it was then.
            if (previous := self._results.get(envelope.command_id)) is not None:
                return previous
            return await self._apply_caught_up(envelope, self._decide(envelope))

    async def _wait_keeping_timer(self, wake: datetime | None) -> bool:
        """Wait for a command to change the state, or for `wake`; True when it came.

        The timer is armed once per wake-up instant and kept while commands leave that
        instant as it was (a note, an attendance), so most commands add no timer events.
        """
        if wake != self._timer_wake:
            if self._timer is not None:
                self._timer.cancel()
            self._timer, self._timer_wake = None, wake
            if wake is not None:
                self._timer = asyncio.create_task(
                    workflow.sleep(wake - workflow.now(), summary="next deadline")
                )
        timer = self._timer
        await workflow.wait_condition(
            lambda: self._changed or self._should_continue() or (timer is not None and timer.done())
        )
        if timer is None or not timer.done():
            return False
        self._timer, self._timer_wake = None, None
        return True

    async def _wait_restarting_timer(self, wake: datetime | None) -> bool:
        """The shape before `KEEP_TIMER`: a fresh timer for every wait."""
        try:
            await workflow.wait_condition(
                lambda: self._changed or self._should_continue(),
                timeout=(wake - workflow.now()) if wake is not None else None,
                timeout_summary="next deadline",
            )
        except TimeoutError:
            return True
        return False

    def _time_rules(self) -> Timekeeping:
        """The time rules of this run: today's, or the older ones a replayed run began with.

        Asked once per run (patch markers are memoised), outside validators, which may not
        patch; a validator only refuses, and no refusal depends on these rules.
        """
        if self._timekeeping is None:
            self._timekeeping = Timekeeping(
                italian_days=self._patched(ITALIAN_DAYS),
                catch_up=self._patched(CATCH_UP_WINDOW),
                italian_decision_days=self._patched(ITALIAN_DECISION_DAYS),
            )
        return self._timekeeping

    def _patched(self, patch_id: str) -> bool:
        """`workflow.patched(patch_id)`, unless the run began with the patch in force: asked,
        it records a marker and a search-attribute upsert the first time in a run."""
        return patch_id in self._in_force or workflow.patched(patch_id)

    def _should_continue(self) -> bool:
        info = workflow.info()
        if self._short_runs is None:
            # Patched: runs that began before it held events until Temporal's suggestion.
            self._short_runs = self._patched(SHORT_RUNS)
        return (
            self._stage_changed
            or info.is_continue_as_new_suggested()
            or (self._short_runs and info.get_current_history_length() >= RUN_EVENTS)
        )

    async def _run_deadlines(self) -> None:
        """Take the ladder steps that have fallen due, as the system's own command."""
        async with self._lock:
            envelope = CommandEnvelope(
                command_id=f"deadlines-{self._state.version}",
                actor=SYSTEM_DEADLINES,
                command=RunDeadlines(),
            )
            rules = self._time_rules()
            try:
                await self._apply(
                    envelope, decide(self._state, envelope, workflow.now(), timekeeping=rules)
                )
                return
            except NothingDue:
                return
            except StreamAhead as ahead:
                await self._catch_up(ahead)
            try:
                events = decide(self._state, envelope, workflow.now(), timekeeping=rules)
            except NothingDue:
                return
            await self._apply_caught_up(envelope, events)

    async def _catch_up(self, ahead: StreamAhead) -> None:
        """Fold the events the stream holds beyond the state, with their commands' replies.

        The workflow is its stream's single writer, so such events are its own: an append
        that landed in a workflow task which was then lost (the worker stopped between the
        append and the task's completion), whose command the sender gave up on.
        """
        if not await self._fold_stored():
            raise ahead.error

    async def _fold_stored(self) -> bool:
        """Fold the stored events beyond the state, with their commands' replies; False
        when the stream holds none."""
        before = self._state
        missed = await workflow.execute_local_activity_method(
            EventStoreActivities.read_events_after,
            CatchUpRequest(stream_id=stream_id_for(self._pathway_id), after_version=before.version),
            start_to_close_timeout=timedelta(seconds=15),
            retry_policy=CATCH_UP_RETRY,
        )
        if not missed:
            return False
        for command_id, group in itertools.groupby(missed, key=lambda r: r.command_id):
            records = list(group)
            self._state = fold(records, self._state)
            assert self._state.stage is not None
            self._results[command_id] = CommandResult(
                pathway_id=self._pathway_id,
                command_id=command_id,
                version=self._state.version,
                stage=self._state.stage,
                events=tuple(r.type for r in records),
                fingerprint=records[0].fingerprint,
            )
        self._upsert_search_attributes(read_models(self._state, missed).summary)
        self._note_stage(before)
        return True

    async def _apply_caught_up(
        self, envelope: CommandEnvelope, events: list[Event]
    ) -> CommandResult:
        """`_apply` after a catch-up: a second conflict is refused as the conflict it is."""
        try:
            return await self._apply(envelope, events)
        except StreamAhead as ahead:
            raise ahead.error from None

    async def _apply(self, envelope: CommandEnvelope, events: list[Event]) -> CommandResult:
        """Append the events with their read models, then fold them into the state."""
        before = self._state
        records = record_events(
            stream_id_for(self._pathway_id), before.version, envelope, events, workflow.now()
        )
        after = fold(records, before)
        models = read_models(after, records, before=before)
        try:
            appended = await workflow.execute_local_activity_method(
                EventStoreActivities.append_events,
                AppendRequest(
                    stream_id=stream_id_for(self._pathway_id),
                    expected_version=before.version,
                    records=records,
                    read_models=models,
                ),
                start_to_close_timeout=timedelta(seconds=15),
                retry_policy=APPEND_RETRY,
            )
        except (ActivityError, ApplicationError) as error:
            if is_conflict(error) and self._patched(CATCH_UP_ON_CONFLICT):
                raise StreamAhead(error) from None
            if isinstance(error, ActivityError):
                raise store_refusal(error) or error from None
            raise
        if appended.duplicate and self._patched(FOLD_STORED_ON_DUPLICATE):
            # This task's records differ from the stored ones in their instants (they were
            # made at this task's time): the state follows the store, as a rebuild would.
            await self._fold_stored()
            if (stored := self._results.get(envelope.command_id)) is not None:
                return stored
            # Stored long ago, its reply no longer kept: the state has it already.
            assert self._state.stage is not None
            return CommandResult(
                pathway_id=self._pathway_id,
                command_id=envelope.command_id,
                version=appended.last_version,
                stage=self._state.stage,
                events=tuple(e.type for e in events),
                fingerprint=envelope.fingerprint,
            )
        self._state = after
        self._upsert_search_attributes(models.summary)
        assert after.stage is not None
        exited = any(isinstance(e, ExitRecorded) for e in events)
        result = CommandResult(
            pathway_id=self._pathway_id,
            command_id=envelope.command_id,
            version=after.version,
            stage=after.stage,
            events=tuple(e.type for e in events),
            fingerprint=envelope.fingerprint,
            pending_payments=closure_blockers(after) if exited else (),
        )
        self._results[envelope.command_id] = result
        self._note_stage(before)
        return result

    def _note_stage(self, before: PathwayState) -> None:
        """Wake the main loop; a crossed stage boundary ends the run (continue-as-new).
        Opening is not a boundary between stages: no need to start a fresh run for it."""
        crossed = before.stage is not None and self._state.stage != before.stage
        self._stage_changed = self._stage_changed or crossed
        self._changed = True

    @command.validator
    def validate_command(self, envelope: CommandEnvelope) -> None:
        """Dry run of `decide`: a refusal here leaves nothing in the history."""
        if envelope.command_id not in self._results:
            self._decide(envelope)

    @workflow.query(name=PATHWAY_STATE)
    def state(self) -> PathwayState:
        return self._state

    def _decide(self, envelope: CommandEnvelope) -> list[Event]:
        command = envelope.command
        try:
            if isinstance(command, OpenPathway) and command.pathway_id != self._pathway_id:
                raise InvalidCommand(
                    "the pathway id does not match the workflow", field="pathway_id"
                )
            return decide(self._state, envelope, workflow.now(), self._limits(command))
        except DomainError as error:
            raise refusal(error) from None

    def _limits(self, command: Command) -> Limits:
        """The rules a command is decided by: a validator (new commands only) takes the
        newest; the handler, replaying a command taken before `TIME_OF_FACTS` (or an
        approval before `PAYMENT_EVIDENCE`), the older."""
        if workflow.unsafe.is_read_only():
            return DEFAULT_LIMITS
        limits = DEFAULT_LIMITS if self._patched(TIME_OF_FACTS) else BEFORE_TIME_OF_FACTS_LIMITS
        # Asked of approvals only, so other commands' histories keep their shape.
        if isinstance(command, ApprovePayment) and not self._patched(PAYMENT_EVIDENCE):
            return limits.model_copy(update={"payment_evidence": False})
        return limits

    def _upsert_search_attributes(self, summary: PathwaySummary) -> None:
        owed = summary.next_deadline
        indexed = (summary.stage, summary.organisation_id, summary.caseworker_id, owed)
        # Patched: runs that started before it upserted after every command (a note too),
        # one history event each; they replay that way, newer runs skip unchanged values.
        if self._patched(UPSERT_ONLY_CHANGES) and indexed == self._indexed:
            return
        self._indexed = indexed
        workflow.upsert_search_attributes(
            [
                STAGE_KEY.value_set(summary.stage.value),
                ORGANISATION_KEY.value_set(summary.organisation_id),
                CASEWORKER_KEY.value_set(summary.caseworker_id),
                NEXT_DEADLINE_KEY.value_set(owed) if owed else NEXT_DEADLINE_KEY.value_unset(),
            ]
        )
