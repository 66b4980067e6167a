"""The follow-up is the check months after the exit, not minutes; an exit with payments
pending says what keeps the pathway from closing, and the way out of each."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain import errors
from domain.closure import WayOut, closure_blockers, pending_payments
from domain.events import FollowUpRecorded
from domain.follow_up import follow_up_opens_at
from domain.pathway_answer import pathway_answer
from domain.payments.rules import SYSTEM_BANK
from domain.policy import Deadlines, Policy, PolicyRevision, Span
from tests.scenarios import COMPRESSED, CONDITION, OPEN, SUPERVISOR, Scenario
from tests.unit.payment_scenarios import (
    IBAN,
    approve,
    attendance,
    outcome,
    pid,
    request,
    supported,
)
from tests.unit.test_measures_work import WORK_GRANT, start
from workers.views import pending_lines, state_text

EXIT = {"type": "record_exit", "reason": "autonomy", "outcomes": CONDITION}
FOLLOW_UP = {"type": "record_follow_up", "outcomes": CONDITION}
OPEN_DAY = Scenario().now.date()


def exited(**opening: object) -> Scenario:
    s = Scenario().given({**OPEN, **opening})
    return s.given(EXIT)


def test_a_follow_up_minutes_after_the_exit_is_refused_with_the_day_it_opens() -> None:
    s = exited()
    s.now += timedelta(minutes=10)
    before = s.state
    with pytest.raises(errors.FollowUpTooEarly) as refused:
        s.decide(FOLLOW_UP)
    assert refused.value.code == "follow_up_too_early"
    # Exit at 11:00 UTC on 2 March 2026 (12:00 in Rome); five months later, 13:00 in summer.
    assert "2026-08-02 at 13:00:00 Italian time" in refused.value.message
    assert "5 months after the exit" in refused.value.message
    assert s.state == before


def test_the_follow_up_is_taken_from_the_instant_its_window_opens() -> None:
    s = exited()
    opens = follow_up_opens_at(s.state)
    assert s.state.exit is not None and opens == s.state.exit.at.replace(month=8)
    s.now = opens - timedelta(seconds=1)
    with pytest.raises(errors.FollowUpTooEarly):
        s.decide(FOLLOW_UP)
    s.now = opens
    assert isinstance(s.decide(FOLLOW_UP)[0], FollowUpRecorded)


def test_the_window_is_a_setting_of_the_policy_in_force_on_the_day_of_the_exit() -> None:
    s = exited(policy=COMPRESSED.model_dump(mode="json"))
    assert follow_up_opens_at(s.state) == s.state.exit.at  # type: ignore[union-attr]
    assert s.decide(FOLLOW_UP)

    later = Policy(
        policy_id="later",
        revisions=(
            PolicyRevision(
                effective_from=OPEN_DAY,
                deadlines=Deadlines(follow_up_opens=Span(duration=timedelta(days=10))),
            ),
        ),
    )
    s = exited(policy=later.model_dump(mode="json"))
    s.now += timedelta(days=9)
    with pytest.raises(errors.FollowUpTooEarly):
        s.decide(FOLLOW_UP)
    s.now += timedelta(days=1)
    assert s.decide(FOLLOW_UP)


def test_the_default_window_opens_five_months_after_the_exit_before_the_six_month_deadline() -> (
    None
):
    deadlines = Deadlines()
    assert deadlines.follow_up_opens == Span(months=5) and deadlines.follow_up == Span(months=6)


# --- an exit with payments pending ---------------------------------------------------------------


def test_an_exit_with_payments_pending_lists_them_with_the_way_out_of_each() -> None:
    s = supported()
    s.given(request(amount=80_000))  # furniture, requested with a payee
    s.given(request(kind="utilities", amount=20_000))
    s.given(approve(pid("utilities")), SUPERVISOR)  # approved: the bank's now
    s.given(request(kind="rent_advance", amount=150_000))
    s.given(approve(pid("rent_advance")), SUPERVISOR)  # above the threshold: the coordinator's
    s.given(start("wg", **{**WORK_GRANT, "start_on": "2026-03-02"}))
    s.given(attendance("2026-03", 80))  # an allowance without the beneficiary's IBAN
    assert closure_blockers(s.state) == (), "before the exit nothing blocks a closure"

    s.given(EXIT)
    ways = {p.payment_id: p.way_out for p in closure_blockers(s.state)}
    assert ways == {
        pid("furniture"): WayOut.APPROVAL,
        pid("utilities"): WayOut.BANK,
        pid("rent_advance"): WayOut.COORDINATOR,
        pid("work_grant_allowance", "2026-03", "wg"): WayOut.PAYEE,
    }
    with pytest.raises(errors.PaymentsPending):
        s.decide({"type": "close_pathway", "reason": "No follow-up"}, SUPERVISOR)


def test_once_the_bank_has_paid_nothing_blocks_the_closure() -> None:
    s = supported()
    s.given(request(amount=80_000)).given(approve(pid()), SUPERVISOR).given(EXIT)
    assert [p.way_out for p in closure_blockers(s.state)] == [WayOut.BANK]
    s.given(outcome(pid()), SYSTEM_BANK)
    assert closure_blockers(s.state) == pending_payments(s.state) == ()
    assert s.decide({"type": "close_pathway", "reason": "No follow-up"}, SUPERVISOR)


def test_a_returned_payment_waits_for_its_payee() -> None:
    s = supported()
    s.given(request(amount=80_000, payee={"name": "Mobili Rossi", "iban": IBAN}))
    s.given(approve(pid()), SUPERVISOR).given(outcome(pid(), "returned"), SYSTEM_BANK)
    s.given(EXIT)
    assert [p.way_out for p in closure_blockers(s.state)] == [WayOut.PAYEE]


def test_pathways_show_says_when_the_follow_up_opens_and_what_keeps_the_pathway_open() -> None:
    s = supported()
    s.given(request(amount=80_000)).given(approve(pid()), SUPERVISOR).given(EXIT)
    shown = state_text(pathway_answer(s.state, s.records))
    assert "Follow-up      recorded from 2026-08-04" in shown, shown
    assert "Closure waits for" in shown
    assert f"  {pid()} (furniture, 800.00 EUR, approved): approved, so it can no longer" in shown
    assert "pathways payments account" in shown and "import-statement" in shown
    assert pending_lines(closure_blockers(s.state))[0] == (
        "pending payments keep the pathway from closing (1):"
    )
