"""The web app as people reach it: served by `pathways up`, or by `pathways web` processes.

The `pathways up` test here is also the stack's own: started, used, stopped with Ctrl-C,
started again (tests/integration/test_up.py holds the helpers that drive it)."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import stat
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from infra.crypto.master import MasterKey
from infra.embedded import free_port
from tests.integration.conftest import PATHWAYS, Ran, clean_environ, in_process, run
from tests.integration.test_up import READY_TIMEOUT, STOP_TIMEOUT, WALK, alive, pathways_up
from workers.demo_accounts import DEMO_PASSWORD

pytestmark = pytest.mark.integration

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def sign_in(http: httpx.AsyncClient, user_id: str, password: str) -> httpx.Response:
    """Sign in with the form, as a browser does: its CSRF token, then the credentials."""
    form = await http.get("/sign-in")
    match = CSRF.search(form.text)
    assert form.status_code == 200 and match, form.text
    return await http.post(
        "/sign-in",
        data={"csrf_token": match[1], "user_id": user_id, "password": password, "next": "/"},
    )


async def me(http: httpx.AsyncClient, token: str | None = None) -> httpx.Response:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    return await http.get("/api/v1/me", headers=headers)


async def test_up_runs_the_stack_and_its_web_app_stops_on_ctrl_c_and_keeps_everything(
    workdir: Path,
) -> None:
    """One `pathways up`, stopped with Ctrl-C and started again on the same data directory
    (the two starts cost most of this test's CPU, so one stack proves all of it):

    - the banner names each server, the web app and the demo accounts; the session secret
      is written 0600; Ctrl-C exits 0 and leaves no server running, each time;
    - a pathway opened and moved by the CLI is there after the restart;
    - a bearer token and a signed-in session (wrong password refused) hold across the
      restart; the demo accounts are not made again; deactivating a user revokes its token;
    - the log has no traceback and never the demo password."""
    data_dir = workdir  # short, under /tmp: PostgreSQL's unix socket lives in it
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = clean_environ(
        PATHWAYS_DATA_DIR=str(data_dir),
        PATHWAYS_TEMPORAL_PORT=str(free_port()),
        PATHWAYS_TEMPORAL_UI_PORT=str(free_port()),
        PATHWAYS_SMTP_PORT=str(free_port()),
        PATHWAYS_WEB_PORT=str(port),
        PATHWAYS_LOG_LEVEL="INFO",
    )

    async def cli(*args: str) -> str:
        ran = await run(PATHWAYS, *args, env=env, cwd=data_dir)
        assert ran.code == 0, ran
        return ran.stdout.strip()

    async def cli_in_process(*args: str) -> Ran:
        """The user commands, whose subprocesses tests/integration/test_user_cli.py runs."""
        ran = await in_process(*args, env=env)
        assert ran.code == 0, ran
        return ran

    async with pathways_up(env, data_dir) as up:
        first_start = await up.ready()
        assert (
            f"  Temporal     127.0.0.1:{env['PATHWAYS_TEMPORAL_PORT']} (embedded dev server)"
            in up.banner
        )
        # Served by the app behind its sign-in; the UI's own port for operators on loopback.
        operators = f"(operators: http://127.0.0.1:{env['PATHWAYS_TEMPORAL_UI_PORT']}/temporal/)"
        assert any(
            line.startswith("  Temporal UI  ") and line.endswith(f"/temporal/ {operators}")
            for line in up.banner
        ), up.banner
        assert "Press Ctrl-C to stop." in up.banner
        assert (
            f"  Mail         127.0.0.1:{env['PATHWAYS_SMTP_PORT']} → {data_dir}/mail/" in up.banner
        )
        assert len(up.servers) == 2, up.servers  # the dev server, then the postmaster
        assert f"  Web          {base}" in up.banner
        demo = up.banner.index(f"Demo accounts, all with password {DEMO_PASSWORD}:")
        assert up.banner[demo + 1 : demo + 4] == [
            "  anna    caseworker   org-lecce",
            "  luca    caseworker   org-lecce",
            "  sara    supervisor   org-lecce",
        ]
        assert "  cora    coordinator  org-lecce" in up.banner
        assert "  aldo    auditor      -" in up.banner and "  adele   admin        -" in up.banner
        assert f"Sign in at {base} as anna (caseworker) or sara (supervisor), say." in up.banner
        secret = data_dir / "session-secret"
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600

        pathway_id = await cli(
            "open", "--actor", "anna", "--file", str(WALK / "01-open-pathway.json")
        )
        reply = await cli(
            "command",
            pathway_id,
            "--actor",
            "anna",
            "--file",
            str(WALK / "02-record-baseline.json"),
        )
        assert reply == "version 2 · stage assessment · BaselineRecorded"

        token = (await cli_in_process("user", "token", "sara", "--label", "test")).stdout.strip()
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            with_token, without = await me(http, token), await me(http)
            assert with_token.status_code == 200, with_token.text
            assert (with_token.json()["id"], with_token.json()["role"]) == ("sara", "supervisor")
            assert without.status_code == 401, without.text
            assert without.json()["code"] == "unauthenticated"
            assert (await me(http, token[:-1] + "x")).status_code == 401

            assert (await sign_in(http, "anna", "not her password")).status_code == 401
            assert (await sign_in(http, "anna", DEMO_PASSWORD)).status_code == 303
            assert (await me(http)).json()["id"] == "anna"
            cookies = http.cookies

        code, first_stop = await up.interrupt()
        assert code == 0, up.log()
        assert [pid for pid in up.servers if alive(pid)] == []

    # Restarted: the data, the session and the token still hold; no demo accounts made again.
    async with pathways_up(env, data_dir) as up:
        second_start = await up.ready()
        state = json.loads(await cli("show", pathway_id, "--json"))
        assert (state["stage"], state["version"], state["caseworker_id"]) == (
            "assessment",
            2,
            "anna",
        )
        async with httpx.AsyncClient(base_url=base, timeout=30, cookies=cookies) as http:
            assert (await me(http)).json()["id"] == "anna"
            assert (await me(http, token)).json()["id"] == "sara"
        deactivated = await cli_in_process("user", "deactivate", "sara")
        assert deactivated.stdout == "sara deactivated; 1 token revoked\n", deactivated
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            assert (await me(http, token)).status_code == 401

        code, second_stop = await up.interrupt()
        assert code == 0, up.log()
        assert [pid for pid in up.servers if alive(pid)] == []

    log = up.log()
    assert log.count("demo_accounts.created") == 1, log
    assert "Traceback" not in log and "PyGILState" not in log, log
    assert DEMO_PASSWORD not in log, log
    print(
        f"\nup: first start {first_start:.1f} s, stop {first_stop:.1f} s; "
        f"second start {second_start:.1f} s, stop {second_stop:.1f} s"
    )


@asynccontextmanager
async def pathways_web(env: dict[str, str], workdir: Path) -> AsyncIterator[list[str]]:
    """A `pathways web` process, ready; its banner. Stopped with SIGTERM, exit code 0."""
    port = env["PATHWAYS_WEB_PORT"]
    with (workdir / f"web-{port}.log").open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            PATHWAYS, "web", stdout=asyncio.subprocess.PIPE, stderr=log, env=env, cwd=workdir
        )
    try:
        assert process.stdout is not None
        banner: list[str] = []
        while not banner or banner[-1] != "ready":
            line = await asyncio.wait_for(process.stdout.readline(), READY_TIMEOUT)
            assert line, (workdir / f"web-{port}.log").read_text()
            banner.append(line.decode().rstrip())
        yield banner
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), STOP_TIMEOUT) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_web_processes_serve_alone_and_share_sessions_through_the_secret(
    dev_server_env: WorkflowEnvironment, fresh_database: str, workdir: Path
) -> None:
    env = clean_environ(
        PATHWAYS_TEMPORAL_ADDRESS=dev_server_env.client.service_client.config.target_host,
        PATHWAYS_TEMPORAL_TASK_QUEUE=f"web-{uuid.uuid4().hex[:8]}",
        PATHWAYS_DATABASE_URL=fresh_database,
        PATHWAYS_DATA_DIR=str(workdir),
    )
    # Refused before it serves anything: in process (`in_process`), a start-up saved.
    unset = await in_process("web", env=env)
    assert unset.code == 2, unset
    assert unset.stderr.startswith("error: session_secret_required: "), unset
    assert unset.stdout == ""

    env["PATHWAYS_SESSION_SECRET"] = uuid.uuid4().hex * 2
    env["PATHWAYS_MASTER_KEY"] = MasterKey.generate().to_base64()  # as every web process needs
    one = {**env, "PATHWAYS_WEB_PORT": str(free_port())}
    two = {**env, "PATHWAYS_WEB_PORT": str(free_port())}
    async with pathways_web(one, workdir) as banner, pathways_web(two, workdir):
        assert f"  Web          http://127.0.0.1:{one['PATHWAYS_WEB_PORT']}" in banner
        assert not any(line.startswith("Demo accounts") for line in banner)
        # The user commands in process: tests/integration/test_user_cli.py runs them alone.
        created = await in_process(
            *("user", "create", "cora", "--name", "Cora", "--role", "coordinator"),
            "--password-stdin",
            env=env,
            input="a coordinator's passphrase\n",
        )
        assert created.code == 0, created
        issued = await in_process("user", "token", "cora", env=env)
        assert issued.code == 0, issued
        token = issued.stdout.strip()

        first = httpx.AsyncClient(base_url=f"http://127.0.0.1:{one['PATHWAYS_WEB_PORT']}")
        second = httpx.AsyncClient(base_url=f"http://127.0.0.1:{two['PATHWAYS_WEB_PORT']}")
        async with first, second:
            assert (await me(first, token)).json()["id"] == "cora"
            assert (await me(second)).status_code == 401
            assert (await sign_in(first, "cora", "a coordinator's passphrase")).status_code == 303
            second.cookies = first.cookies
            assert (await me(second)).json()["id"] == "cora"
