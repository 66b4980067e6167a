"""What `pathways show` prints about deadlines: the pages' Italian words, Italian time.

Each obligation is named as the pages name it (`domain.obligation_kinds`, translated by the
pages' Italian catalog), with its due instant and its ladder: the steps taken and when, and
the next one. Times are Italian (CET or CEST), as everywhere a person reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.calendar import PROJECT_TIMEZONE
from domain.obligation_kinds import obligation_label
from domain.obligation_ladders import OpenObligation, StepDue, StepTaken


def italian_time(value: datetime) -> str:
    """`2026-03-09 10:00 CET`: an instant as a clock in Italy shows it."""
    return value.astimezone(PROJECT_TIMEZONE).strftime("%Y-%m-%d %H:%M %Z")


def obligation_words(obligation: OpenObligation) -> str:
    """The obligation as the pages name it, in Italian, with its measure when it has one."""
    from web.i18n import translations

    words = obligation_label(translations("it").gettext, obligation.kind)
    return words if obligation.measure_id is None else f"{words} · {obligation.measure_id}"


def obligations_lines(obligations: Sequence[OpenObligation]) -> list[str]:
    """Two lines per obligation, earliest due first: what and when; its ladder."""
    named = [obligation_words(o) for o in obligations]
    width = max(len(words) for words in named)
    lines = []
    for o, words in zip(obligations, named, strict=True):
        lines.append(f"  {words:<{width}}  due {italian_time(o.due_at)}")
        steps = [_taken(step) for step in o.ladder.taken]
        steps.append(_next(o.ladder.next))
        lines.append(f"    {'; '.join(steps)}")
    return lines


def _taken(step: StepTaken) -> str:
    return f"{step.step} to the {step.notify} sent {italian_time(step.taken_at)}"


def _next(step: StepDue | None) -> str:
    if step is None:
        return "no step to come"
    return f"next: {step.step} to the {step.notify} at {italian_time(step.at)}"
