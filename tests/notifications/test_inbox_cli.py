"""`pathways inbox`: a person's reminders and escalations, withdrawn ones said so."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from infra.crypto.master import MasterKey
from infra.db import open_pool
from infra.eventstore.postgres import PostgresEventStore
from tests.notifications.builders import overdue_pathway
from tests.scenarios import START
from workers.cli import app

SARA = ["inbox", "--user", "sara", "--role", "supervisor", "--organisation", "org-lecce"]


def test_an_escalation_for_a_baseline_later_recorded_as_done_on_time_is_listed_withdrawn(
    database: str, tmp_path: Path
) -> None:
    done_at = START + timedelta(days=6)  # 10:00 in Italy; due a day later

    async def seed() -> None:
        pool = await open_pool(database, 1, 2)
        try:
            await overdue_pathway(baseline_done_at=done_at).append_to(PostgresEventStore(pool))
        finally:
            await pool.close()

    asyncio.run(seed())
    env = {
        "PATHWAYS_DATABASE_URL": database,
        "PATHWAYS_DATA_DIR": str(tmp_path),
        "PATHWAYS_MASTER_KEY": MasterKey.generate().to_base64(),
    }
    runner = CliRunner()

    text = runner.invoke(app, SARA, env=env)
    as_json = runner.invoke(app, [*SARA, "--json"], env=env)

    assert text.exit_code == 0, text.output
    (line,) = text.stdout.splitlines()
    assert "escalation" in line
    assert line.endswith("(withdrawn: BaselineRecorded at 2026-03-08 10:00, in time)")
    (item,) = json.loads(as_json.stdout)
    assert item["withdrawn"]["met_by"] == "BaselineRecorded"
