"""Where a reminder's obligation stands: one rule for My day, the inbox and the overdue list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.obligations import Standing, standing
from domain.projections import Obligation

NOW = datetime(2026, 6, 1, 10, tzinfo=UTC)
BASELINE = Obligation(obligation_id="baseline", kind="baseline", due_at=NOW - timedelta(days=60))


def test_a_closed_pathway_owes_nothing_so_its_reminders_are_settled() -> None:
    # A closed pathway's open obligations are none (`domain.obligations.owed`).
    assert standing("baseline", [], suspended=False, now=NOW) == Standing.SETTLED


def test_an_obligation_met_since_the_reminder_is_settled() -> None:
    other = BASELINE.model_copy(update={"obligation_id": "skills_assessment"})
    assert standing("baseline", [other], suspended=False, now=NOW) == Standing.SETTLED


def test_an_obligation_still_owed_past_its_due_instant_is_overdue() -> None:
    assert standing("baseline", [BASELINE], suspended=False, now=NOW) == Standing.OVERDUE


def test_the_due_instant_is_the_current_one_not_the_reminders() -> None:
    # The pathway was extended after the reminder: it is only a reminder again.
    later = BASELINE.model_copy(update={"due_at": NOW + timedelta(days=3)})
    assert standing("baseline", [later], suspended=False, now=NOW) == Standing.DUE


def test_a_suspended_pathway_is_paused_not_overdue() -> None:
    assert standing("baseline", [BASELINE], suspended=True, now=NOW) == Standing.PAUSED
