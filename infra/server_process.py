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


def tail(path: Path, lines: int = 20) -> str:
    """The last lines of a log file, for error messages; empty if there is none."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


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
    """A TCP port that is free right now (the OS picks it; another process could take it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
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
