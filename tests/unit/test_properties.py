"""Invariants over random command sequences (hypothesis)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.decider import decide
from domain.errors import DomainError, NothingDue
from domain.evolution import evolve, fold
from domain.measures import MeasureKind, MeasureStatus
from domain.obligations import ladder_points, next_wakeup, obligations
from domain.payments.ledger import PaymentKind
from domain.payments.rules import SYSTEM_BANK
from domain.payments.state import LIVE, PaymentStatus, committed
from domain.records import EventRecord
from domain.state import PathwayState
from domain.stream import record_events
from domain.values import SYSTEM_DEADLINES, Actor, Role, Stage
from tests.scenarios import (
    ASSESSMENT,
    CASEWORKER,
    CONDITION,
    COORDINATOR,
    OPEN,
    OTHER_SUPERVISOR,
    SIX_MONTHS,
    SUPERVISOR,
    Scenario,
    plan,
)
from tests.unit.payment_scenarios import BENEFICIARY, SUPPORT, approve, outcome, pid, request
from tests.unit.test_measures_housing_social import HOSTING, RENTAL
from tests.unit.test_measures_work import WORK_GRANT, complete, progress, start

ACTORS = [
    CASEWORKER,
    SUPERVISOR,
    OTHER_SUPERVISOR,
    COORDINATOR,
    Actor(id="luca", role="caseworker"),
    Actor(id="aldo", role="auditor"),
    SYSTEM_BANK,
]

POOL: list[dict[str, Any]] = [
    OPEN,
    {"type": "record_baseline", "condition": CONDITION},
    ASSESSMENT,
    plan(
        ("wg", "work_grant"),
        ("home", "housing_placement"),
        ("rent", "economic_support"),
        ("cc", "childcare"),
    ),
    plan(("bike", "mobility"), ("club", "association_membership"), ("school", "school_support")),
    {"type": "approve_plan"},
    {"type": "reject_plan", "reason": "Incomplete"},
    start("wg", **WORK_GRANT),
    progress(
        "wg",
        kind="work_grant_attendance",
        month="2026-04",
        hours_verified=80,
        verified_by="G. Rizzo",
    ),
    progress(
        "wg",
        kind="work_grant_attendance",
        month="2026-05",
        hours_verified=500 // 10,
        verified_by="G. Rizzo",
    ),
    complete("wg", kind="work_grant", completed_on="2026-09-30", hired=True),
    start("home", **RENTAL),
    start("home", **HOSTING),
    progress("home", kind="moved_in", on="2026-03-04", at="10:00"),
    progress("home", kind="hosting_communication_sent", on="2026-03-05", authority="Questura"),
    progress(
        "home", kind="rent_contract_registered", monthly_rent=40_000, registered_on="2026-03-04"
    ),
    start("rent", **SUPPORT),
    request("rent_advance", 200_000, measure_id="rent"),
    request("rent_advance", 300_000, measure_id="rent", period="2026-03-06"),
    request("furniture", 80_000, measure_id="rent"),
    approve(pid("rent_advance", measure_id="rent")),
    approve(pid("furniture", measure_id="rent")),
    {"type": "reject_payment", "payment_id": pid("furniture", measure_id="rent"), "reason": "No"},
    outcome(pid("rent_advance", measure_id="rent")),
    outcome(pid("furniture", measure_id="rent"), "returned"),
    {
        "type": "correct_payee",
        "payment_id": pid("furniture", measure_id="rent"),
        "payee": BENEFICIARY,
    },
    {
        "type": "correct_payee",
        "payment_id": pid("work_grant_allowance", "2026-04", "wg"),
        "payee": BENEFICIARY,
    },
    approve(pid("work_grant_allowance", "2026-04", "wg")),
    outcome(pid("work_grant_allowance", "2026-04", "wg")),
    complete("rent", kind="economic_support", completed_on="2026-03-11"),
    start(
        "cc",
        kind="childcare",
        provider="Coop",
        hours_per_week=8,
        minor_ids=["m1"],
        start_on="2026-03-03",
    ),
    start("bike", kind="mobility", route="bicycle", start_on="2026-03-03"),
    complete("bike", kind="mobility", result="bicycle_delivered", on="2026-03-05"),
    start("school", kind="school_support", minor_id="m1", school="IC Lecce", start_on="2026-03-03"),
    {"type": "cancel_measure", "measure_id": "club", "reason": "Not interested"},
    {"type": "update_household", "household": {"adults": 1}},
    {"type": "suspend_pathway", "reason": "hospital_stay"},
    {"type": "resume_pathway"},
    {"type": "add_note", "text": "Call back"},
    {"type": "extend_pathway", "end_date": "2027-12-31", "reason": "Course"},
    {"type": "reassign_caseworker", "caseworker_id": "luca"},
    {"type": "record_exit", "reason": "autonomy", "outcomes": CONDITION},
    {"type": "record_follow_up", "outcomes": CONDITION},
    {"type": "close_pathway", "reason": "Done"},
]

ENDING = ("record_exit", "record_follow_up", "close_pathway")
HAPPY_PATH = [
    (0, CASEWORKER, 1),
    (1, CASEWORKER, 1),
    (2, CASEWORKER, 1),
    (3, CASEWORKER, 1),
    (5, SUPERVISOR, 1),
    *(
        (
            next(i for i, c in enumerate(POOL) if c["type"] == t),
            CASEWORKER,
            SIX_MONTHS // timedelta(hours=1) if t == "record_follow_up" else 1,
        )
        for t in ENDING
    ),
]
"""Indices into POOL that open a pathway and walk it to closure."""

random_steps = st.lists(
    st.tuples(st.integers(0, len(POOL) - 1), st.sampled_from(ACTORS), st.integers(0, 20 * 24)),
    min_size=1,
    max_size=40,
)


def _at(command: dict[str, Any]) -> int:
    return POOL.index(command)


MONEY = [
    i
    for i, c in enumerate(POOL)
    if c["type"].endswith(("_payment", "_payee", "_outcome")) or "attendance" in str(c)
]
FUNDED = [
    *HAPPY_PATH[:5],
    *((_at(c), CASEWORKER, 1) for c in (start("home", **RENTAL), start("rent", **SUPPORT))),
    (_at(start("wg", **WORK_GRANT)), CASEWORKER, 1),
    (next(i for i, c in enumerate(POOL) if "rent_contract" in str(c)), CASEWORKER, 1),
    (_at(request("rent_advance", 200_000, measure_id="rent")), CASEWORKER, 1),
    (_at(request("furniture", 80_000, measure_id="rent")), CASEWORKER, 1),
]
"""An active pathway with a rent contract, a started economic support and a work grant,
and two payments requested."""
NATURAL_ACTORS = {
    "approve_payment": (SUPERVISOR, COORDINATOR),
    "reject_payment": (OTHER_SUPERVISOR, COORDINATOR),
    "record_payment_outcome": (SYSTEM_BANK,),
}
money_step = st.sampled_from(MONEY).flatmap(
    lambda i: st.tuples(
        st.just(i),
        st.sampled_from(NATURAL_ACTORS.get(POOL[i]["type"], (CASEWORKER,))),
        st.integers(0, 48),
    )
)
money_steps = st.lists(
    money_step
    | st.tuples(st.integers(0, len(POOL) - 1), st.sampled_from(ACTORS), st.integers(0, 48)),
    min_size=1,
    max_size=40,
)
steps = st.builds(
    lambda prefix, rest: HAPPY_PATH[:prefix] + rest, st.integers(0, len(HAPPY_PATH)), random_steps
) | st.builds(lambda rest: FUNDED + rest, money_steps)
"""A random prefix of the happy path, so that later stages are reached, then random commands;
or a funded pathway, then mostly payment commands, so that money is exercised too."""


def check_invariants(state: PathwayState, versions: int) -> None:
    assert state.version == versions
    if state.stage is None:
        assert versions == 0
        return
    assert (state.plan is not None) == bool(state.measures)
    if state.stage == Stage.ACTIVE:
        assert state.plan is not None
    if state.stage in {Stage.EXIT, Stage.FOLLOW_UP, Stage.CLOSED}:
        assert state.suspension is None
    if state.stage in {Stage.FOLLOW_UP}:
        assert state.exit is not None
    for measure in state.measures.values():
        assert (measure.details is None) == (measure.status == MeasureStatus.PLANNED) or (
            measure.status == MeasureStatus.CANCELLED
        )
        if measure.status == MeasureStatus.COMPLETED:
            assert measure.outcome is not None and measure.outcome.kind == measure.kind
    for payment in state.payments.values():
        assert not set(payment.approved_by) & payment.makers, "maker-checker"
        assert len(set(payment.approved_by)) == len(payment.approved_by)
        if payment.status in (PaymentStatus.APPROVED, PaymentStatus.PAID):
            assert payment.payee is not None and payment.approvals[-1].final
            assert payment.approvals[0].role in (Role.SUPERVISOR, Role.COORDINATOR)
        if payment.status in LIVE:
            assert payment.amount > 0
        if payment.kind == PaymentKind.WORK_GRANT_ALLOWANCE:
            assert state.measures[payment.measure_id].kind == MeasureKind.WORK_GRANT
    assert (
        committed(state.payments.values()) <= state.policy.revisions[0].payments.individual_budget
    )
    assert all(o.due_at.tzinfo is not None for o in obligations(state))


STAGES_SEEN: set[Stage | None] = set()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_random_sequences_keep_every_invariant(sequence: list[tuple[int, Actor, int]]) -> None:
    s = Scenario()
    state = PathwayState()
    for index, actor, hours in sequence:
        s.now += timedelta(hours=hours)
        envelope = s.envelope(POOL[index], actor)
        try:
            events = decide(state, envelope, s.now)
        except DomainError:
            # Refused: nothing to record, the state is untouched.
            continue
        assert events, "an accepted command records at least one event"
        records = record_events("pathway-p-0001", state.version, envelope, events, s.now)
        for record in records:
            state = evolve(state, record)
        s.records += records
        check_invariants(state, len(s.records))
    STAGES_SEEN.add(state.stage)
    # The state folded from the whole stream equals the state built step by step.
    assert fold(s.records) == state
    # And every record survives a JSON round trip (as stored in Postgres) unchanged.
    assert fold([EventRecord.model_validate_json(r.model_dump_json()) for r in s.records]) == state


@settings(max_examples=100, deadline=None)
@given(steps)
def test_a_refused_command_never_changes_the_state(sequence: list[tuple[int, Actor, int]]) -> None:
    s = Scenario()
    state = PathwayState()
    for index, actor, hours in sequence:
        s.now += timedelta(hours=hours)
        envelope = s.envelope(POOL[index], actor)
        before = state.model_copy(deep=True)
        try:
            events = decide(state, envelope, s.now)
        except DomainError as error:
            assert error.code and state == before
            continue
        for record in record_events("pathway-p-0001", state.version, envelope, events, s.now):
            state = evolve(state, record)


def test_the_random_sequences_reach_every_stage() -> None:
    """Guards the generator: invariants checked only on early stages would prove little."""
    test_random_sequences_keep_every_invariant()
    assert set(Stage) <= STAGES_SEEN


@settings(max_examples=150, deadline=None)
@given(steps)
def test_the_clock_wakes_exactly_at_the_earliest_rung(
    sequence: list[tuple[int, Actor, int]],
) -> None:
    """For any history, the single timer fires at the earliest rung, and nothing is due before."""
    s = Scenario()
    state = PathwayState()
    for index, actor, hours in sequence:
        s.now += timedelta(hours=hours)
        envelope = s.envelope(POOL[index], actor)
        try:
            events = decide(state, envelope, s.now)
        except DomainError:
            continue
        for record in record_events("pathway-p-0001", state.version, envelope, events, s.now):
            state = evolve(state, record)
        wake = next_wakeup(state)
        run = s.envelope({"type": "run_deadlines"}, SYSTEM_DEADLINES)
        if wake is None:
            continue
        assert wake == min(p.at for p in ladder_points(state))
        with pytest.raises(NothingDue):
            decide(state, run, wake - timedelta(microseconds=1))
        taken = decide(state, run, wake)
        assert taken and all(e.scheduled_at == wake for e in taken)  # type: ignore[union-attr]
        after = state
        for record in record_events("pathway-p-0001", state.version, run, taken, wake):
            after = evolve(after, record)
        later = next_wakeup(after)
        assert later is None or later > wake
