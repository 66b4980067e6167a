"""`pathways show` tells what a pathway owes: due instants in Italian time, ladders, words.

The CLI runs in this process (typer's runner) against an in-memory event store, holding
records made by the domain's own decider: no server is needed to read a pathway.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from domain.obligations import obligations
from domain.stream import stream_id_for
from domain.values import SYSTEM_DEADLINES
from infra.eventstore.memory import InMemoryEventStore
from tests.scenarios import PATHWAY_ID, Scenario
from tests.unit.test_measures_work import progress, start
from workers import endpoints
from workers.cli import app

RUN = {"type": "run_deadlines"}


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemoryEventStore]:
    """The store `show` reads, in place of the database."""
    memory = InMemoryEventStore()

    @asynccontextmanager
    async def in_memory(_settings: object) -> AsyncIterator[InMemoryEventStore]:
        yield memory

    monkeypatch.setattr(endpoints, "event_store", in_memory)
    yield memory


def stored(store: InMemoryEventStore, s: Scenario) -> None:
    """The scenario's records in the store, one append per command, as the workflow makes."""

    async def append() -> None:
        for _, batch in itertools.groupby(s.records, key=lambda r: r.command_id):
            records = list(batch)
            await store.append(stream_id_for(PATHWAY_ID), records[0].version - 1, records)

    asyncio.run(append())


def show(tmp_path: Path, *args: str) -> Result:
    env = {"PATHWAYS_DATA_DIR": str(tmp_path), "PATHWAYS_LOG_LEVEL": "WARNING"}
    return CliRunner().invoke(app, ["show", *args], env=env)


def reminded_of_the_baseline() -> Scenario:
    """Opened at 11:00 in Italy on 2 March 2026; the baseline's reminder sent 5 minutes late."""
    s = Scenario().opened()
    assert s.state.opened_at == datetime.fromisoformat("2026-03-02T11:00:00+01:00")
    s.now = datetime.fromisoformat("2026-03-06T11:05:00+01:00")
    return s.given(RUN, SYSTEM_DEADLINES, advance=timedelta())


def test_show_json_carries_each_obligation_with_its_due_instant_and_its_ladder(
    store: InMemoryEventStore, tmp_path: Path
) -> None:
    s = reminded_of_the_baseline()
    stored(store, s)
    shown = show(tmp_path, PATHWAY_ID, "--json")
    assert shown.exit_code == 0, shown.output
    answer = json.loads(shown.stdout)
    assert answer["stage"] == "reception" and answer["version"] == len(s.records)
    owed = {o["obligation_id"]: o for o in answer["obligations"]}
    assert set(owed) == {"baseline", "permit_renewal"}
    assert owed["baseline"] == {
        "obligation_id": "baseline",
        "kind": "baseline",
        "measure_id": None,
        "due_at": "2026-03-09T11:00:00+01:00",
        "ladder": {
            "taken": [
                {
                    "step": "reminder",
                    "notify": "caseworker",
                    "escalation": False,
                    "scheduled_at": "2026-03-06T11:00:00+01:00",
                    "taken_at": "2026-03-06T11:05:00+01:00",
                }
            ],
            "next": {
                "step": "supervisor",
                "notify": "supervisor",
                "escalation": True,
                "at": "2026-03-09T11:00:00+01:00",
            },
        },
    }
    # The permit falls due in May: summer time in Italy, the offset says so.
    [permit] = [o for o in obligations(s.state) if o.kind == "permit_renewal"]
    assert datetime.fromisoformat(owed["permit_renewal"]["due_at"]) == permit.due_at
    assert owed["permit_renewal"]["due_at"].endswith("+02:00")
    assert owed["permit_renewal"]["ladder"]["taken"] == []
    assert owed["permit_renewal"]["ladder"]["next"]["step"] == "reminder"
    assert [o["obligation_id"] for o in answer["obligations"]] == ["baseline", "permit_renewal"]


def test_show_names_what_is_owed_as_the_pages_do_in_italian_time(
    store: InMemoryEventStore, tmp_path: Path
) -> None:
    stored(store, reminded_of_the_baseline())
    shown = show(tmp_path, PATHWAY_ID)
    assert shown.exit_code == 0, shown.output
    text = shown.stdout
    assert "Next deadline  2026-03-09 11:00 CET, Registra la situazione di partenza" in text
    lines = text.splitlines()
    [at] = [n for n, line in enumerate(lines) if "Registra la situazione di partenza " in line]
    assert lines[at].endswith("due 2026-03-09 11:00 CET")
    assert lines[at + 1].strip() == (
        "reminder to the caseworker sent 2026-03-06 11:05 CET; "
        "next: supervisor to the supervisor at 2026-03-09 11:00 CET"
    )
    assert "Rinnova il permesso di soggiorno" in text
    assert "Opened         2026-03-02 11:00 CET" in text
    assert "UTC" not in text and "permit_renewal" not in text


def test_a_measure_obligation_is_named_with_its_measure_not_its_internal_key(
    store: InMemoryEventStore, tmp_path: Path
) -> None:
    hosting: dict[str, Any] = {
        "kind": "housing_placement",
        "solution": "family_hosting",
        "start_on": "2026-03-02",
        "host_reference": "Famiglia ospitante 12",
    }
    s = Scenario().active(("home", "housing_placement")).given(start("home", **hosting))
    s.given(progress("home", kind="moved_in", on="2026-03-02", at="10:00"))
    stored(store, s)
    [communication] = [o for o in obligations(s.state) if o.kind == "hosting_communication"]
    as_json, as_text = show(tmp_path, PATHWAY_ID, "--json"), show(tmp_path, PATHWAY_ID)
    assert as_json.exit_code == 0 and as_text.exit_code == 0, (as_json.output, as_text.output)
    [owed] = [
        o for o in json.loads(as_json.stdout)["obligations"] if o["kind"] == "hosting_communication"
    ]
    assert owed["obligation_id"] == "measure:home:hosting_communication"
    assert owed["measure_id"] == "home"
    assert datetime.fromisoformat(owed["due_at"]) == communication.due_at
    assert owed["due_at"].endswith("+01:00")
    assert "Invia la comunicazione di accoglienza in famiglia · home" in as_text.stdout
    assert "Data obiettivo della misura · home" in as_text.stdout
    assert "measure:home" not in as_text.stdout


def test_show_of_a_pathway_never_opened_prints_nothing_and_says_why(
    store: InMemoryEventStore, tmp_path: Path
) -> None:
    shown = show(tmp_path, "p-never", "--json")
    assert shown.exit_code == 2
    assert shown.stdout == ""
    assert shown.stderr.startswith("error: pathway_not_found: ")
