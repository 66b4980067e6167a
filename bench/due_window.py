"""The plan of the escalation burst: exactly N ladders falling due within one second.

A pathway's baseline falls due a whole number of seconds (the policy's span) after the
instant its opening is recorded, which the worker's clock decides, not the bench. With the
window a whole second [T, T + 1), a span of T − ⌊opened⌋ seconds puts the due instant
inside it whatever the fraction of the opening's second; the bench only has to guess the
second the opening will be recorded in: the send's instant plus the delay recent openings
took (`bench.lateness.Burst`), sent when that predicted instant is in the middle of its
second (`wait_for_middle`). It counts the span from that second and reads the due instant
back: an opening recorded in another second is a *stray*, whose baseline is recorded at
once (no ladder left) and which another opening replaces, until N ladders are due inside
the window.
"""

from __future__ import annotations

from datetime import datetime, timedelta

WINDOW = timedelta(seconds=1)


def window_start(now: datetime, lead_seconds: float) -> datetime:
    """The whole second at least `lead_seconds` after `now`: where the window opens."""
    later = now + timedelta(seconds=lead_seconds)
    whole = later.replace(microsecond=0)
    return whole if whole == later else whole + timedelta(seconds=1)


def span_seconds(recorded_at: datetime, start: datetime) -> int:
    """Seconds of baseline for an opening recorded in the same whole second as
    `recorded_at` (as predicted) to fall due inside [start, start + 1 s)."""
    seconds = (start - recorded_at.replace(microsecond=0)).total_seconds()
    if seconds < 1 or not seconds.is_integer():
        raise ValueError(f"the window {start} is not a whole second after {recorded_at}")
    return int(seconds)


def in_window(due_at: datetime, start: datetime) -> bool:
    """Whether `due_at` falls inside the one-second window opening at `start`."""
    return start <= due_at < start + WINDOW


def wait_for_middle(now: datetime, margin: float) -> float:
    """Seconds to wait from `now` until an instant at least `margin` seconds from either
    end of its second: 0 when already there. An opening predicted there stays in its
    second if the prediction errs by less than `margin` either way."""
    if not 0 <= margin < 0.5:
        raise ValueError(f"a margin is a share of a second in [0, 0.5), not {margin}")
    fraction = now.microsecond / 1_000_000
    if fraction < margin:
        return margin - fraction
    if fraction > 1 - margin:
        return 1 - fraction + margin
    return 0.0
