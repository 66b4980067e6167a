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

from infra import temporal_server
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


# What start-dev prints when it lost a port it had picked for an internal service.
INTERNAL_PORT_PANIC = """\
{"level":"ERROR","msg":"Failed to start gRPC listener","error":"listen tcp 127.0.0.1:41234: \\
bind: address already in use"}
panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1]
""" + "".join(f"frame {i}\n\tserver.go:{i}\n" for i in range(40))


def panicking_temporal(directory: Path, real: Path, *, panics: int) -> Path:
    """A `temporal` that panics as above on its first `panics` runs, then is the real one."""
    runs = directory / "runs"
    script = directory / "temporal"
    script.write_text(
        "#!/bin/sh\n"
        f"echo run >> {runs}\n"
        f"if [ $(wc -l < {runs}) -le {panics} ]; then\n"
        f"  cat <<'EOF'\n{INTERNAL_PORT_PANIC}EOF\n"
        "  exit 2\n"
        "fi\n"
        f'exec {real} "$@"\n'
    )
    script.chmod(0o755)
    return script


async def test_dev_server_that_lost_an_internal_port_is_started_again(
    short_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = panicking_temporal(short_dir, temporal_server.temporal_executable(), panics=1)
    monkeypatch.setattr(temporal_server, "temporal_executable", lambda: fake)
    server = TemporalDevServer(short_dir / "temporal.db", free_port(), None, NAMESPACE)
    await server.start()
    try:
        assert server.pid is not None
        assert (short_dir / "runs").read_text().count("run") == 2
    finally:
        await server.stop()


async def test_dev_server_that_keeps_losing_ports_gives_up_quoting_the_panic(
    short_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = panicking_temporal(short_dir, temporal_server.temporal_executable(), panics=99)
    monkeypatch.setattr(temporal_server, "temporal_executable", lambda: fake)
    server = TemporalDevServer(short_dir / "temporal.db", free_port(), None, NAMESPACE)
    with pytest.raises(EmbeddedServerError) as raised:
        await server.start()
    message = str(raised.value)
    assert "exited with code 2" in message
    assert "address already in use" in message  # above the 80-line stack, yet quoted
    assert "panic: runtime error: invalid memory address" in message
    assert (short_dir / "runs").read_text().count("run") == temporal_server.START_ATTEMPTS
    assert server.pid is None


def test_a_free_port_is_kept_from_other_binds_to_port_zero_yet_can_be_listened_on() -> None:
    port = free_port()
    # TIME_WAIT (state 06) on the port: bind(0) will not hand it out while that lasts.
    states = {
        (int(local.split(":")[1], 16), state)
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        for local, state in [(line.split()[1], line.split()[3])]
    }
    assert (port, "06") in states
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", port))
        server.listen()


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
