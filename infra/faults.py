"""Fault injection for the crash tests: `PATHWAYS_FAULT=<point>` ends the process there.

A crash test runs a real command in a subprocess with the variable set; at the named
point the process ends at once (`os._exit`: no `finally`, no flush, no rollback sent),
as a power cut or `kill -9` would end it. Unset (always, in production) it does nothing.

Points:
    after_batch_commit: `pathways payments export`, once the batch is recorded and its rows
        marked exported, before the file is written (`tests/payments/test_crashes.py`).
"""

from __future__ import annotations

import os

FAULT_VARIABLE = "PATHWAYS_FAULT"
CRASH_EXIT_CODE = 86
"""The exit status of a process ended at a fault point, so a test tells it from a failure."""


def crash_point(name: str) -> None:
    """End the process here, now, if `PATHWAYS_FAULT` names this point."""
    if os.environ.get(FAULT_VARIABLE) == name:
        os._exit(CRASH_EXIT_CODE)
