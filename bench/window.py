"""Which commands a throughput window counts: every reply that arrives inside it.

A closed loop's window `[start, end)` counts each command answered in it, whenever it was
sent, and the CPU meter reads the same window (`bench.throughput.closed_loop`). The rule
before issue 25 counted a command only if it was both sent and answered inside the window:
at each end it dropped the command every client had in flight, a larger share of the
commands of the slower system (latencies of seconds against a window of ten), so the ratio
of two systems came out below the ratio of their rates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Sent:
    """One command that was answered: when it was sent and when its reply arrived."""

    started: float
    done: float

    @property
    def latency(self) -> float:
        return self.done - self.started


def answered_within(sent: Iterable[Sent], start: float, end: float) -> list[Sent]:
    """The commands whose reply arrived in `[start, end)`, in the order given."""
    return [s for s in sent if start <= s.done < end]
