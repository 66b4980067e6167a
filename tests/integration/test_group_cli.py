"""`pathways group record` on the dev server and PostgreSQL: refusals exit 2 with their code
and write nothing; a recording tells each attendee once, and run again changes nothing.
The recording runs as a process; the refusals and the repeat in this process (`Operator.here`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from client.pathway import PathwayClient
from domain.calendar import project_day
from tests.integration.test_caseload_cli import Operator, database, operator, postgres
from tests.workflows.journey import opening
from workers.worker import build_worker

__all__ = ["database", "operator", "postgres"]


async def told(o: Operator) -> int:
    async with o.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT count(*) FROM events WHERE type = 'GroupParticipationRecorded'"
            " AND stream_id LIKE 'pathway-pw-gcli-%'"
        )
        (count,) = await cur.fetchone() or (0,)
    return int(count)


pytestmark = pytest.mark.integration


async def test_the_cli_records_a_group_activity_once_and_refuses_with_codes(
    operator: Operator,
) -> None:
    o = operator
    ids = ["pw-gcli-1", "pw-gcli-2"]
    today = project_day(datetime.now(UTC))
    fields = ("--title", "Torneo di calcetto", "--place", "Lecce", "--actor", "anna")
    async with build_worker(o.client, o.store, o.queue, accounts=o.accounts):
        pathways = PathwayClient(o.client, o.queue, o.store)
        for pathway_id in ids:
            await pathways.open(opening(pathway_id))

        refusals = [
            (["ev-a", *ids, "--on", (today + timedelta(days=1)).isoformat()], "fact_in_future"),
            (["ev-b", "pw-gcli-nobody", "--on", today.isoformat()], "pathway_not_found"),
            (["ev-c", *ids, "--on", today.isoformat(), "--kind", "picnic"], "invalid_command"),
        ]
        for args, code in refusals:
            ran = await o.here("group", "record", *args, *fields)
            assert ran.code == 2 and f"error: {code}" in ran.stderr, ran
        # marta (org-nardo) records for her organisation: anna's pathways are not hers to see.
        ran = await o.here(
            "group", "record", "ev-d", *ids, "--on", today.isoformat(),
            "--title", "x", "--place", "y", "--actor", "marta",
        )  # fmt: skip
        assert ran.code == 2 and "error: pathway_not_found" in ran.stderr, ran
        assert await told(o) == 0

        args = ("group", "record", "ev-ok", *ids, "--on", today.isoformat(), *fields)
        ran = await o.cli(*args)
        assert ran.code == 0 and "2 of 2 attendees recorded" in ran.stdout, ran
        again = await o.here(*args)
        assert again.code == 0 and "already recorded" in again.stderr, again
    assert await told(o) == 2
