"""A group activity with 30 attendees of two organisations is recorded once, even when its
worker is killed half-way (issue 23's done-when).

On the dev server and PostgreSQL: thirty pathways (fifteen of each organisation) are
opened; the coordinator records one social-cohesion event with all of them; the worker
telling their pathways (a process of its own, each command slowed) is killed with SIGKILL
once some are told and others not; a fresh worker carries on from the last batch recorded.
Each pathway then has exactly one participation, the indicators count one event held with
thirty participants, and the same activity submitted again changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from temporalio.testing import WorkflowEnvironment

from client.group_activities import GroupActivities, Recorded
from client.pathway import PathwayClient
from domain.calendar import project_day
from domain.group_activities.activity import GroupActivity, GroupActivityKind
from domain.values import Actor, Role
from infra.crypto.keyring import Keyring
from infra.crypto.sealing import FieldSealer
from infra.indicators.postgres_projection import PostgresIndicatorProjection
from infra.indicators.postgres_queries import PostgresIndicatorQueries
from tests.integration.process_worker import crash_mid_apply
from tests.integration.test_caseload_cli import Operator, database, operator, postgres
from tests.scenarios import OPEN
from tests.workflows.journey import envelope
from workers.worker import build_worker
from workflows.group_activity_models import GroupActivityStage

__all__ = ["database", "operator", "postgres"]

pytestmark = pytest.mark.integration

ATTENDEES = 30
SLOW_SECONDS = 0.3
COORDINATOR = Actor(id="carla", role=Role.COORDINATOR)
ORGANISATIONS = (("org-lecce", "anna"), ("org-nardo", "marta"))


async def told(o: Operator) -> int:
    async with o.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT count(*) FROM events WHERE type = 'GroupParticipationRecorded'"
        )
        (count,) = await cur.fetchone() or (0,)
    return int(count)


async def test_a_worker_killed_mid_fan_out_leaves_one_participation_per_attendee(
    operator: Operator, database: str, dev_server_env: WorkflowEnvironment
) -> None:
    o = operator
    ids = [f"pw-group-{i:02d}" for i in range(ATTENDEES)]
    pathways = PathwayClient(o.client, o.queue, o.store)
    async with build_worker(o.client, o.store, o.queue, accounts=o.accounts):
        for i, pathway_id in enumerate(ids):
            organisation, caseworker = ORGANISATIONS[i % 2]
            await pathways.open(
                envelope(
                    {
                        **OPEN,
                        "pathway_id": pathway_id,
                        "organisation_id": organisation,
                        "caseworker_id": caseworker,
                    },
                    Actor(id=caseworker, role=Role.CASEWORKER),
                )
            )
    activity = GroupActivity(
        activity_id="ev-dinner-1",
        kind=GroupActivityKind.SOCIAL_COHESION_EVENT,
        title="Cena multiculturale",
        held_on=project_day(datetime.now(UTC)),
        place="Piazza Sant'Oronzo",
        organisation_id="org-lecce",
        attendees=tuple(ids),
    )
    recorder = GroupActivities(o.client, o.queue, o.store.caseload)

    async def start() -> Recorded:
        return await recorder.record(activity, COORDINATOR, None)

    recorded = await crash_mid_apply(
        database,
        dev_server_env,
        o.queue,
        o.master,
        start=start,
        done=lambda: told(o),
        rows=ATTENDEES,
        slow=SLOW_SECONDS,
    )
    assert not recorded.earlier

    async with build_worker(o.client, o.store, o.queue, accounts=o.accounts):
        done = await recorder.wait(recorded.process_id, 180)
        again = await recorder.record(activity, COORDINATOR, None)
    assert done is not None and done.stage == GroupActivityStage.DONE, done
    assert [(r.pathway_id, r.outcome) for r in done.results] == [(p, "done") for p in ids]
    assert again == Recorded(recorded.process_id, earlier=True)
    async with o.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT stream_id, count(*) FROM events WHERE type = 'GroupParticipationRecorded'"
            " GROUP BY stream_id ORDER BY stream_id"
        )
        assert await cur.fetchall() == [(f"pathway-{p}", 1) for p in ids]

    sealer = FieldSealer(Keyring(o.pool, o.master))
    await PostgresIndicatorProjection(o.pool, sealer=sealer).catch_up()
    table = await PostgresIndicatorQueries(o.pool).indicator_table(datetime.now(UTC))
    figures = {row.indicator_id: row.value for row in table}
    assert figures["group_events_held"] == 1
    assert figures["group_participations"] == ATTENDEES
    assert figures["group_participants"] == ATTENDEES
