"""The demo caseload: planned purely and checked against the decider, then seeded for real.

The pure tests fold every planned pathway through `decide` (no server, milliseconds); the
workflow test sends the plan through `PathwayClient` on the time-skipping server and checks
what the event store holds.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time

import pytest

from client.group_activities import GroupActivities
from client.pathway import CommandRefused, PathwayClient
from domain.calendar import project_day
from domain.commands import CommandEnvelope
from domain.decider import decide
from domain.errors import DomainError
from domain.evolution import fold
from domain.indicators import facts
from domain.indicators.outcome_catalogue import OUTCOMES
from domain.measures import MeasureKind, MeasureStatus
from domain.measures.housing_placement import HostingCommunicationSent
from domain.measures.work_grant import WorkGrantAttendance
from domain.payments.ledger import PaymentKind
from domain.payments.state import PaymentStatus
from domain.state import PathwayState, initial_state
from domain.stream import record_events, stream_id_for
from domain.values import SYSTEM_DEADLINES, Role, Stage
from infra.accounts.store import InMemoryAccountStore
from infra.budgets.file import load_budget
from infra.partners.store import InMemoryPartnerStore
from infra.policy_file import load_demo_policy
from tests.workflows.conftest import Harness
from workers.composition import partner_registry
from workers.demo import DEMO_USERS, DemoCommandRefused, DemoPathway, plan_demo, seed_demo
from workers.demo_accounts import demo_organisations
from workers.demo_group_activities import (
    DEMO_ACTIVITIES,
    EACH,
    demo_activities,
    seed_demo_group_activities,
)
from workers.demo_measures import MEASURE_SCRIPTS
from workers.demo_partner_accounts import (
    DemoPartnerAccount,
    partner_account_lines,
    seed_partner_work,
)
from workers.demo_partners import seed_demo_partners
from workers.demo_referrals import seed_demo_referral
from workflows.models import CommandResult

TODAY = date(2026, 3, 16)
DEMO = load_demo_policy()


def fold_through_decider(pathway: DemoPathway, now: datetime) -> PathwayState:
    """The state the pathway ends in when every command goes through the rules."""
    state = initial_state()
    for envelope in pathway.commands:
        try:
            events = decide(state, envelope, now)
        except DomainError as error:
            pytest.fail(f"#{pathway.index} {envelope.command.type} refused: {error}")
        records = record_events(
            stream_id_for(pathway.pathway_id), state.version, envelope, events, now
        )
        state = fold(records, state)
    return state


def coverage(
    states: list[PathwayState],
) -> tuple[Counter[Stage], set[MeasureKind], set[MeasureKind]]:
    """Pathways by stage, the measure kinds started and the kinds completed."""
    measures = [m for s in states for m in s.measures.values()]
    started = {
        m.kind for m in measures if m.status in (MeasureStatus.ACTIVE, MeasureStatus.COMPLETED)
    }
    completed = {m.kind for m in measures if m.status == MeasureStatus.COMPLETED}
    return Counter(s.stage for s in states if s.stage), started, completed


@pytest.mark.parametrize(
    ("today", "seed"),
    [(TODAY, 7), (date(2026, 1, 1), 1), (date(2028, 2, 29), 2), (date(2026, 8, 31), 3)],
)
def test_every_planned_command_passes_the_rules_and_the_caseload_covers_the_domain(
    today: date, seed: int
) -> None:
    now = datetime.combine(today, time(10), tzinfo=UTC)
    plan = plan_demo(today, count=60, seed=seed, policy=DEMO)
    states = [fold_through_decider(p, now) for p in plan]

    assert [(s.stage, s.suspension is not None) for s in states] == [
        (p.stage, p.suspended) for p in plan
    ]
    by_stage, started, completed = coverage(states)
    assert set(by_stage) == set(Stage)
    assert any(s.stage == Stage.PLANNING and s.pending_plan for s in states)
    assert any(s.stage == Stage.PLANNING and not s.pending_plan for s in states)
    assert sum(s.suspension is not None for s in states) >= 3
    assert started == completed == set(MEASURE_SCRIPTS)
    assert len({s.organisation_id for s in states}) == 3


def test_the_demo_gives_every_headline_outcome_a_figure() -> None:
    """`pathways demo` (60 pathways, seed 7) leaves no outcome of the general objective at 0:
    the funder report of the demo shows each (the baselines may be 0: nobody is autonomous
    on arrival)."""
    now = datetime.combine(TODAY, time(10), tzinfo=UTC)
    summed: Counter[str] = Counter()
    for pathway in plan_demo(TODAY, count=60, seed=7, policy=DEMO):
        summed.update(facts(fold_through_decider(pathway, now)))
    zero = [
        i.indicator_id for i in OUTCOMES if i.moment != "baseline" and not summed[i.numerator_fact]
    ]
    assert not zero


def test_plan_shows_the_rules_worth_seeing() -> None:
    now = datetime.combine(TODAY, time(10), tzinfo=UTC)
    states = [fold_through_decider(p, now) for p in plan_demo(TODAY, policy=DEMO)]
    measures = [m for s in states for m in s.measures.values()]

    payments = [p for s in states for p in s.payments.values()]
    paid = {p.kind for p in payments if p.status == PaymentStatus.PAID}
    assert {PaymentKind.WORK_GRANT_ALLOWANCE, PaymentKind.RENT_ADVANCE} <= paid
    assert PaymentKind.FURNITURE in paid
    for payment in payments:
        assert not set(payment.approved_by) & payment.makers
    assert any(a.role == Role.COORDINATOR for p in payments for a in p.approvals)
    assert any(p.status == PaymentStatus.PAID and p.attempt == 2 for p in payments)
    # Waiting for the supervisor (some for the payee first) and for the SEPA export.
    statuses = {p.status for p in payments}
    assert {PaymentStatus.REQUESTED, PaymentStatus.APPROVED} <= statuses
    assert any(p.payee is None for p in payments)
    for state in states:
        spent = sum(p.amount for p in state.payments.values())
        assert spent <= state.policy.revisions[0].payments.individual_budget
    hosting = [
        m
        for m in measures
        if m.details and getattr(m.details, "solution", None) == "family_hosting"
    ]
    assert any(m.progress_of(HostingCommunicationSent) for m in hosting)
    assert any(m.progress_of(WorkGrantAttendance) for m in measures)
    conversions = [
        m
        for m in measures
        if m.details and getattr(m.details, "route", None) == "licence_conversion"
    ]
    assert any(m.status == MeasureStatus.COMPLETED for m in conversions)
    reassessments = [m for m in measures if m.kind == MeasureKind.SKILLS_ASSESSMENT]
    assert {m.status for m in reassessments} >= {MeasureStatus.PLANNED, MeasureStatus.COMPLETED}
    assert any(s.household.pregnancy_declared for s in states)
    assert any(s.household.minors for s in states)
    assert len({s.beneficiary.nationality for s in states if s.beneficiary}) >= 8
    assert len({s.protection_status for s in states}) >= 4


def test_plan_is_deterministic_and_stable_as_the_count_grows() -> None:
    first, again = (
        plan_demo(TODAY, count=30, seed=7, policy=DEMO),
        plan_demo(TODAY, count=40, seed=7, policy=DEMO),
    )
    assert again[:30] == first
    other = plan_demo(TODAY, count=30, seed=8, policy=DEMO)
    assert {p.pathway_id for p in first}.isdisjoint(p.pathway_id for p in other)
    ids = [e.command_id for p in again for e in p.commands]
    assert len(ids) == len(set(ids))


def test_demo_users_have_three_organisations_with_two_caseworkers_and_a_supervisor() -> None:
    per_organisation = Counter((organisation, role) for _, role, organisation, _ in DEMO_USERS)
    organisations = {organisation for _, _, organisation, _ in DEMO_USERS}
    assert len(organisations) >= 3
    for organisation in organisations:
        assert per_organisation[(organisation, Role.CASEWORKER)] == 2
        assert per_organisation[(organisation, Role.SUPERVISOR)] == 1
    assert [u.user_id for u in DEMO_USERS if u.role == Role.COORDINATOR] == ["cora"]


SEEDED = 30
"""Pathways the workflow test seeds (twice): enough to leave every stage, every measure kind
started and completed, a suspension, three organisations, two group activities of eight, a
referral waiting beside the one transferred and two partners' accounts linked to an open
measure of their kind (20 left one); 50 cost half as much again and proved nothing more."""


async def test_seed_demo_through_the_workflows_then_again_changes_nothing(harness: Harness) -> None:
    today = project_day(await harness.env.get_current_time())
    # The demo approves payments: the project's budget lines must exist (`pathways up` and
    # `pathways budget apply` give them to a database).
    await harness.store.budget.apply_budget(
        load_budget(None), changed_by="test", changed_at=datetime.now(UTC), source="default"
    )
    async with harness.worker():
        summary = await seed_demo(harness.pathways, today=today, count=SEEDED, policy=DEMO)
        streams = [await harness.store.read_stream(stream_id_for(p)) for p in summary.pathway_ids]
        again = await seed_demo(harness.pathways, today=today, count=SEEDED, policy=DEMO)
        after = [await harness.store.read_stream(stream_id_for(p)) for p in summary.pathway_ids]
        # The demo's referral and transfer, org-lecce to org-nardo; again, nothing changes.
        moved = await seed_demo_referral(harness.pathways, summary.pathway_ids, today)
        assert moved is not None
        referred = await harness.store.read_stream(stream_id_for(moved))
        assert await seed_demo_referral(harness.pathways, summary.pathway_ids, today) == moved
        assert await harness.store.read_stream(stream_id_for(moved)) == referred
        inbox = await harness.store.referral_inbox.addressed_to("org-nardo")
        [waiting] = [
            v for v in inbox if v.status == "pending" and v.pathway_id in summary.pathway_ids
        ]
        assert waiting.pathway_id != moved and waiting.service == "Orientamento al lavoro"
        recorder = GroupActivities(
            harness.pathways.temporal, harness.task_queue, harness.store.caseload
        )
        plan = plan_demo(today, SEEDED, 7, policy=DEMO)
        grouped = await seed_demo_group_activities(recorder, plan, today)
        regrouped = await seed_demo_group_activities(recorder, plan, today)
        at_work, at_work_again = await partners_at_work(harness)

    assert len(summary.pathway_ids) >= SEEDED
    states = [fold(records) for records in streams]
    by_stage, started, completed = coverage(states)
    assert set(by_stage) == set(Stage)
    assert dict(by_stage) == {stage: n for stage, n in summary.by_stage.items() if n}
    assert summary.suspended == sum(s.suspension is not None for s in states) > 0
    assert started == completed == set(MEASURE_SCRIPTS)
    assert set(summary.measure_kinds_started) == set(MEASURE_SCRIPTS)
    assert len({s.organisation_id for s in states}) >= 3
    sent = [[r for r in records if r.actor != SYSTEM_DEADLINES] for records in streams]
    assert summary.commands_sent == len({r.command_id for records in sent for r in records})

    summaries = await harness.store.caseload.list_summaries(limit=1000)
    assert {s.pathway_id for s in summaries} == set(summary.pathway_ids)
    assert sum(s.suspended for s in summaries) == summary.suspended

    # Deadline reminders may come and go on their own; what people sent must not change.
    assert [[r for r in records if r.actor != SYSTEM_DEADLINES] for records in after] == sent
    assert again.pathway_ids == summary.pathway_ids
    assert again.already_closed == summary.by_stage[Stage.CLOSED]
    assert "measure kinds started 12 of 12, completed 12 of 12" in str(summary)
    state = fold(referred)
    assert (state.organisation_id, state.caseworker_id) == ("org-nardo", "davide")
    assert [r.status for r in state.referrals.given.values()] == ["accepted"]
    assert [o.organisation_id for o in state.referrals.owners] == ["org-lecce", "org-nardo"]

    # Two group activities, each with attendees of two organisations, recorded once.
    assert [g.count("done") for g in grouped] == [8, 8] and regrouped == grouped
    held_by = {s.pathway_id: s.organisation_id for s in summaries}
    for done in grouped:
        assert len({held_by[p] for p in done.activity.attendees}) >= 2  # the transfer may add one
    # The demo's tutor, teacher and host family get accounts, and are linked once to an open
    # measure of their kind where the seeded caseload has one.
    assert [m.account.contact_id is not None for m in at_work] == [True, True, True]
    linked = [m for m in at_work if m.linked is not None]
    assert len(linked) >= 2 and at_work_again == at_work
    for made in linked:
        pathway_id, measure_id = made.linked.split("/")  # type: ignore[union-attr]
        state = fold(await harness.store.read_stream(stream_id_for(pathway_id)))
        assert made.account.contact_id in {c.contact_id for c in state.partner_links[measure_id]}
    lines = partner_account_lines(at_work, "pw")
    assert lines[0].startswith("Partner accounts (password pw)") and "demo-tutor" in lines[1]


async def partners_at_work(
    harness: Harness,
) -> tuple[list[DemoPartnerAccount], list[DemoPartnerAccount]]:
    """The demo's partners registered, then linked and given accounts twice."""
    accounts = InMemoryAccountStore()
    for organisation in demo_organisations():
        await accounts.create_organisation(organisation)
    partners = partner_registry(InMemoryPartnerStore({o.id for o in demo_organisations()}))
    await seed_demo_partners(partners)
    pathways = harness.pathways.checking(accounts, partners)
    first = await seed_partner_work(pathways, harness.store, accounts, partners, "pw")
    return first, await seed_partner_work(pathways, harness.store, accounts, partners, "pw")


async def test_a_refused_demo_command_names_the_pathway_the_command_and_the_code(
    harness: Harness,
) -> None:
    class Refusing(PathwayClient):
        async def state(self, pathway_id: str) -> PathwayState:
            raise CommandRefused("pathway_not_found", "no pathway")

        async def open(self, envelope: CommandEnvelope) -> CommandResult:
            raise CommandRefused("not_assigned_caseworker", "another caseworker's caseload")

    with pytest.raises(DemoCommandRefused) as refused:
        await seed_demo(
            Refusing(harness.env.client, harness.task_queue), today=TODAY, count=1, policy=DEMO
        )
    first = plan_demo(TODAY, count=1, policy=DEMO)[0]
    assert first.pathway_id in str(refused.value)
    assert "open_pathway" in str(refused.value) and "not_assigned_caseworker" in str(refused.value)
    assert refused.value.code == "not_assigned_caseworker"


def test_the_demo_group_activities_span_two_organisations_and_fit_any_caseload() -> None:
    today = date(2026, 3, 2)
    activities = demo_activities(plan_demo(today, count=50, seed=7, policy=DEMO), today)
    assert [a.activity_id for a in activities] == [d.activity_id for d in DEMO_ACTIVITIES]
    for activity in activities:
        assert len(activity.attendees) == 2 * EACH
    for count in (1, 2, 3):  # too few open pathways: fewer attendees, never a crash
        for activity in demo_activities(plan_demo(today, count=count, seed=7, policy=DEMO), today):
            assert activity.attendees
