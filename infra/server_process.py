"""What the embedded servers share: errors, loopback ports, process helpers."""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

LOOPBACK = "127.0.0.1"
# sun_path is 108 bytes on Linux, including the terminating NUL.
MAX_SOCKET_PATH = 107


class EmbeddedServerError(RuntimeError):
    """An embedded server could not be started or stopped; the message says why."""


def tail(path: Path, lines: int = 20, *, since: int = 0) -> str:
    """The last lines of a log file from byte `since` on, for error messages.

    A Go panic's message sits above a stack trace longer than `lines`, so when the
    excerpt would lose it, the panic line and the few lines logged before it come
    first. Empty if there is no log.
    """
    try:
        with path.open("rb") as stream:
            stream.seek(since)
            text = stream.read().decode(errors="replace")
    except OSError:
        return ""
    all_lines = text.splitlines()
    last = all_lines[-lines:]
    panics = [i for i, line in enumerate(all_lines) if line.startswith("panic:")]
    if panics and panics[0] < len(all_lines) - lines:
        first = panics[0]
        head = all_lines[max(first - 3, 0) : first + 2]
        return "\n".join([*head, "...", *last])
    return "\n".join(last)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
    """A TCP port that is free now and that the OS will not hand out again for a minute.

    The OS picks the port (bind to port 0). Before returning, one connection to it is
    made and closed from the listening side first, which leaves the port in TIME_WAIT:
    while it lasts (60 s on Linux) later binds to port 0 (ours, or the Temporal dev
    server's for its internal services) get other ports, yet a server can still bind
    this one explicitly (with SO_REUSEADDR, as PostgreSQL, uvicorn and Temporal do).
    The Temporal CLI reserves its own ports the same way.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        # The TIME_WAIT left behind keeps this flag; without it, it would block the bind.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, 0))
        listener.listen(1)
        port: int = listener.getsockname()[1]
        with socket.create_connection((host, port)) as client:
            accepted, _ = listener.accept()
            accepted.close()  # the listening side closes first: TIME_WAIT is on `port`
            client.recv(1)  # wait for the FIN before closing our end
    return port


def process_cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def write_log_header(stream: IO[bytes], command: Sequence[str]) -> None:
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    stream.write(f"\n=== {stamp} {' '.join(command)}\n".encode())
    stream.flush()
