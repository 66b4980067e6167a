"""`pathways duplicates list|history|confirm|dismiss|undo` in process, on the in-memory
stores of the duplicates' page tests: the coordinator lists, decides and undoes with the
same functions as the page and the API; any other account is refused with `forbidden`
(exit 2) and shown no pair; a refusal records nothing."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner, Result

from infra.eventstore.memory import InMemoryEventStore
from tests.web.staff import staffed_accounts
from tests.web.test_duplicates import seed
from workers.cli import app


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> InMemoryEventStore:
    events = InMemoryEventStore()
    asyncio.run(seed(events))
    accounts = asyncio.run(staffed_accounts())

    @contextlib.asynccontextmanager
    async def database_stores(settings: object) -> AsyncIterator[SimpleNamespace]:
        yield SimpleNamespace(events=events, accounts=accounts)

    monkeypatch.setattr("workers.endpoints.database_stores", database_stores)
    return events


def pathways(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"PATHWAYS_DATA_DIR": str(tmp_path)})


def test_the_coordinator_lists_confirms_and_undoes(
    store: InMemoryEventStore, tmp_path: Path
) -> None:
    listed = pathways(tmp_path, "duplicates", "list", "--actor", "cora")
    assert listed.exit_code == 0, listed.output
    assert "p-anh (org-lecce)  p-nardo (org-nardo)  same_document" in listed.stdout
    assert listed.stdout.splitlines()[-1] == "3 possible duplicates to decide"
    done = pathways(tmp_path, "duplicates", "confirm", "p-nardo", "p-anh", "--actor", "cora")
    assert (done.exit_code, done.stdout) == (0, "confirmed: p-anh p-nardo\n")
    undone = pathways(tmp_path, "duplicates", "undo", "p-anh", "p-nardo", "--actor", "cora")
    assert (undone.exit_code, undone.stdout) == (0, "undone: p-anh p-nardo\n")
    shown = pathways(tmp_path, "duplicates", "history", "--actor", "cora").stdout.splitlines()
    assert [line[2:].split()[1] for line in shown] == ["undone", "confirmed"]
    assert (
        "3 possible duplicates"
        in pathways(tmp_path, "duplicates", "list", "--actor", "cora").stdout
    )


@pytest.mark.parametrize(
    "args, code",
    [
        (("list", "--actor", "anna"), "forbidden"),
        (("history", "--actor", "sara"), "forbidden"),
        (("confirm", "p-anh", "p-nardo", "--actor", "marta"), "forbidden"),
        (("undo", "p-anh", "p-nardo", "--actor", "anna"), "forbidden"),
        (("undo", "p-anh", "p-nardo", "--actor", "cora"), "duplicate_not_decided"),
        (("dismiss", "p-anh", "p-amina", "--actor", "cora"), "duplicate_not_found"),
        (("confirm", "p-anh", "p-anh", "--actor", "cora"), "duplicate_not_found"),
        (("list",), "invalid_command"),
        (("list", "--actor", "nobody"), "account_not_found"),
    ],
)
def test_a_refusal_says_its_code_shows_no_pair_and_records_nothing(
    store: InMemoryEventStore, tmp_path: Path, args: tuple[str, ...], code: str
) -> None:
    ran = pathways(tmp_path, "duplicates", *args)
    assert ran.exit_code == 2, ran.output
    assert ran.stderr.startswith(f"error: {code}: ")
    assert ran.stdout == "" and "p-nardo" not in ran.stderr
    assert asyncio.run(store.duplicates.history()) == []
