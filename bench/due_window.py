"""The plan of the escalation burst: exactly N ladders falling due within one second.

A pathway's baseline falls due a whole number of seconds (its policy's span) after the
instant its opening is recorded, and the worker's clock decides that instant, not the
bench. So the plan does not guess it: the ladders' pathways are opened first under a
policy whose baseline is a day away, each opening's instant is read back, and a policy
command then moves each baseline to `span_into_window(opened, T)` seconds, the one whole
number that puts `opened + span` inside the window [T, T + 1). Every ladder moved is due
inside it whatever the machine's load.

The plan before this one predicted each opening's second from the delay of the last
openings and kept only the ladders that landed in the window: under load 461 of its 667
openings strayed, and it planned 206 ladders of 1,000 (bench/runs/2026-12-07-reading.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta

WINDOW = timedelta(seconds=1)


def window_start(now: datetime, lead_seconds: float) -> datetime:
    """The whole second at least `lead_seconds` after `now`: where the window opens."""
    later = now + timedelta(seconds=lead_seconds)
    whole = later.replace(microsecond=0)
    return whole if whole == later else whole + timedelta(seconds=1)


def span_into_window(opened_at: datetime, start: datetime) -> int:
    """Whole seconds of baseline that put a pathway opened at `opened_at` due inside
    [start, start + 1 s): the gap between them, rounded up.

    Raises:
        ValueError: the window does not open after the opening.
    """
    gap = start - opened_at
    if gap <= timedelta(0):
        raise ValueError(f"the window {start} opens before the opening at {opened_at}")
    whole = gap // WINDOW
    return whole if whole * WINDOW == gap else whole + 1


def in_window(due_at: datetime, start: datetime) -> bool:
    """Whether `due_at` falls inside the one-second window opening at `start`."""
    return start <= due_at < start + WINDOW
