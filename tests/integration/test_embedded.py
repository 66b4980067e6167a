"""The embedded servers start, keep their data across restarts and fail clearly."""

from __future__ import annotations

import shutil
import socket
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.testing import WorkflowEnvironment

from infra.embedded import EmbeddedPostgres, EmbeddedServerError, TemporalDevServer, free_port
from infra.search_attributes import (
    SEARCH_ATTRIBUTES,
    STAGE_KEY,
    SearchAttributeConflictError,
    register_search_attributes,
)

pytestmark = pytest.mark.integration

NAMESPACE = "pathways-test"


@pytest.fixture
def short_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="pw", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


# PostgreSQL


def test_postgres_keeps_data_across_restart(short_dir: Path) -> None:
    server = EmbeddedPostgres(short_dir / "pg")
    uri = server.start()
    try:
        with psycopg.connect(uri, autocommit=True) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == ("pathways",)
            conn.execute("CREATE TABLE kept (note text)")
            conn.execute("INSERT INTO kept VALUES ('still here')")
        server.stop()
        assert not (short_dir / "pg" / "postmaster.pid").exists()
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(uri, connect_timeout=2)

        assert server.start() == uri
        with psycopg.connect(uri) as conn:
            assert conn.execute("SELECT note FROM kept").fetchall() == [("still here",)]
    finally:
        server.stop()


def test_postgres_data_dir_too_long_for_a_socket_still_works(short_dir: Path) -> None:
    data_dir = short_dir / ("d" * 60) / ("e" * 60) / "pg"
    assert len(str(data_dir / ".s.PGSQL.5432")) > 107
    data_dir.parent.mkdir(parents=True)
    server = EmbeddedPostgres(data_dir, database="other")
    try:
        uri = server.start()
        with psycopg.connect(uri) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == ("other",)
    finally:
        server.stop()


def test_fresh_database_is_a_new_empty_database(postgres_uri: str, fresh_database: str) -> None:
    with psycopg.connect(fresh_database) as conn:
        name = conn.execute("SELECT current_database()").fetchone()
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    assert name is not None and name[0].startswith("test_")
    assert tables == (0,)
    assert psycopg.conninfo.conninfo_to_dict(postgres_uri)["dbname"] == "pathways"


# Temporal dev server


async def custom_search_attributes(client: Client, namespace: str) -> dict[str, str]:
    response = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    return {
        name: IndexedValueType.Name(value_type).removeprefix("INDEXED_VALUE_TYPE_")
        for name, value_type in response.custom_attributes.items()
    }


async def test_dev_server_starts_with_the_pathways_search_attributes(short_dir: Path) -> None:
    server = TemporalDevServer(short_dir / "temporal.db", free_port(), None, NAMESPACE)
    try:
        address = await server.start()
        client = await Client.connect(address, namespace=NAMESPACE)
        registered = await custom_search_attributes(client, NAMESPACE)
    finally:
        await server.stop()
    assert {name: registered.get(name) for name in SEARCH_ATTRIBUTES} == {
        "PathwayStage": "KEYWORD",
        "OrganisationId": "KEYWORD",
        "CaseworkerId": "KEYWORD",
        "NextDeadline": "DATETIME",
    }
    assert server.pid is None
    assert not server.pid_file.exists()
    assert "start-dev" in server.log_file.read_text()


async def test_dev_server_keeps_workflows_and_adds_new_search_attributes_on_restart(
    short_dir: Path,
) -> None:
    db_file = short_dir / "temporal.db"
    port = free_port()
    workflow_id = f"embedded-{uuid.uuid4()}"
    first = TemporalDevServer(db_file, port, None, NAMESPACE, {"PathwayStage": "Keyword"})
    try:
        client = await Client.connect(await first.start(), namespace=NAMESPACE)
        # No worker needed: the execution exists as soon as it is started.
        await client.start_workflow("Nothing", id=workflow_id, task_queue="nobody-polls")
    finally:
        await first.stop()

    # start-dev ignores --search-attribute for an existing database; start() adds them.
    second = TemporalDevServer(db_file, port, None, NAMESPACE, SEARCH_ATTRIBUTES)
    try:
        client = await Client.connect(await second.start(), namespace=NAMESPACE)
        description = await client.get_workflow_handle(workflow_id).describe()
        registered = await custom_search_attributes(client, NAMESPACE)
    finally:
        await second.stop()
    assert description.status == WorkflowExecutionStatus.RUNNING
    assert set(SEARCH_ATTRIBUTES) <= set(registered)


async def test_dev_server_refuses_a_port_taken_by_another_program(short_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = TemporalDevServer(short_dir / "temporal.db", port, None, NAMESPACE)
        with pytest.raises(EmbeddedServerError, match=f"gRPC port {port} .* already in use"):
            await server.start()
    assert server.pid is None


async def test_dev_server_names_a_leftover_server_on_its_port(short_dir: Path) -> None:
    db_file, port = short_dir / "temporal.db", free_port()
    leftover = TemporalDevServer(db_file, port, None, NAMESPACE)
    await leftover.start()
    try:
        with pytest.raises(EmbeddedServerError, match=f"earlier run .* `kill {leftover.pid}`"):
            await TemporalDevServer(db_file, port, None, NAMESPACE).start()
    finally:
        await leftover.stop()


async def test_dev_server_that_exits_at_start_reports_its_log(short_dir: Path) -> None:
    server = TemporalDevServer(
        short_dir / "temporal.db", free_port(), None, NAMESPACE, extra_args=["--no-such-flag"]
    )
    with pytest.raises(EmbeddedServerError, match=r"(?s)exited with code .*no-such-flag"):
        await server.start()
    assert server.pid is None


# Test fixtures


async def start_with_stage(env: WorkflowEnvironment) -> TypedSearchAttributes:
    handle = await env.client.start_workflow(
        "Nothing",
        id=f"embedded-{uuid.uuid4()}",
        task_queue=f"nobody-polls-{uuid.uuid4()}",
        search_attributes=TypedSearchAttributes([SearchAttributePair(STAGE_KEY, "reception")]),
    )
    description = await handle.describe()
    await handle.terminate()
    return description.typed_search_attributes


async def test_time_skipping_env_accepts_pathways_search_attributes(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    attributes = await start_with_stage(time_skipping_env)
    assert attributes.get(STAGE_KEY) == "reception"


async def test_dev_server_env_accepts_pathways_search_attributes(
    dev_server_env: WorkflowEnvironment,
) -> None:
    attributes = await start_with_stage(dev_server_env)
    assert attributes.get(STAGE_KEY) == "reception"


async def test_registering_search_attributes_again_adds_nothing(
    dev_server_env: WorkflowEnvironment,
) -> None:
    assert await register_search_attributes(dev_server_env.client, "default") == []


async def test_registering_a_search_attribute_with_another_type_is_refused(
    dev_server_env: WorkflowEnvironment,
) -> None:
    with pytest.raises(SearchAttributeConflictError, match="PathwayStage is Keyword, wanted Text"):
        await register_search_attributes(dev_server_env.client, "default", {"PathwayStage": "Text"})
