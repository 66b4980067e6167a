"""Embedded PostgreSQL and Temporal dev server, for `pathways up` and for tests.

Both keep their data across restarts and listen on loopback (Temporal) or a unix socket
(PostgreSQL) only. Neither does anything at import time.
"""

from __future__ import annotations

from infra.postgres_server import EmbeddedPostgres
from infra.server_process import LOOPBACK, EmbeddedServerError, free_port, port_free, tail
from infra.temporal_server import TemporalDevServer, temporal_executable

__all__ = [
    "LOOPBACK",
    "EmbeddedPostgres",
    "EmbeddedServerError",
    "TemporalDevServer",
    "free_port",
    "port_free",
    "tail",
    "temporal_executable",
]
