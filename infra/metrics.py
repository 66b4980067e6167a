"""Prometheus metrics: the app's own instruments, counted where they happen.

`PathwayClient` counts commands, the append activity deadline steps, and the metrics
server (`infra.metrics_server`) looks at the outbox. Only instruments live here, so code
that counts imports no database, port or server.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

COMMANDS = Counter(
    "pathways_commands",
    "Commands sent to pathway workflows, by command type and outcome (applied, or the"
    " refusal's error code, or unavailable).",
    ["type", "outcome"],
)
COMMAND_SECONDS = Histogram(
    "pathways_command_seconds",
    "Seconds from sending a command to its answer (applied or refused).",
    ["type"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20),
)
DEADLINE_STEPS = Counter(
    "pathways_deadline_steps",
    "Deadline reminders and escalations recorded, by event type.",
    ["event"],
)
OUTBOX_BACKLOG = Gauge(
    "pathways_outbox_backlog",
    "Notifications waiting in the outbox to be sent (not sent, not given up).",
)

DEADLINE_EVENTS = frozenset({"DeadlineReminderSent", "DeadlineEscalated"})


def record_appended(event_types: list[str]) -> None:
    """Count the deadline steps among the events of one append that wrote them."""
    for event in event_types:
        if event in DEADLINE_EVENTS:
            DEADLINE_STEPS.labels(event=event).inc()
