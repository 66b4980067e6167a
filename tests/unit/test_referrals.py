"""Referral and transfer between organisations: consent first, answered once, and what an
accepted referral lets the receiving caseworker record."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from domain import errors
from domain.consents.commands import Recipient, RecipientKind
from domain.indicators.facts import facts, owned_by
from domain.notifications import notifications
from domain.obligations import obligations
from domain.read_models import referrals as referral_rows
from domain.referrals.events import PathwayReferred, ReferralAccepted, TransferAccepted
from domain.referrals.state import ReferralStatus
from domain.values import Actor, Role
from tests.scenarios import CASEWORKER, SUPERVISOR, Scenario

NARDO = Recipient(kind=RecipientKind.ORGANISATION, id="org-nardo")
NARDO_SUPERVISOR = Actor(id="nadia", role=Role.SUPERVISOR)
NARDO_CASEWORKER = Actor(id="nico", role=Role.CASEWORKER)
NOTICE: dict[str, Any] = {
    "type": "record_privacy_notice",
    "given_on": "2026-03-02",
    "language": "it",
    "version": "2026-01",
}
REFER: dict[str, Any] = {
    "type": "refer_pathway",
    "to_organisation": "org-nardo",
    "service": "Corso di italiano A2",
    "measure_id": "bike",
}
START_BIKE = {
    "type": "start_measure",
    "measure_id": "bike",
    "details": {"kind": "mobility", "route": "bicycle", "start_on": "2026-03-10"},
}
TRANSFER: dict[str, Any] = {
    "type": "transfer_pathway",
    "to_organisation": "org-nardo",
    "reason": "Moved to Nardò",
    "effective_on": "2026-03-02",
}


def consent(purpose: str) -> dict[str, Any]:
    return {
        "type": "give_consent",
        "recipients": [NARDO.model_dump(mode="json")],
        "purpose": purpose,
        "given_on": "2026-03-02",
    }


def consented(purpose: str = "referral") -> Scenario:
    return Scenario().active(("bike", "mobility")).given(NOTICE).given(consent(purpose))


def accepted() -> Scenario:
    return (
        consented()
        .given(REFER)
        .given(
            {"type": "accept_referral", "referral_id": "referral-1", "caseworker_id": "nico"},
            NARDO_SUPERVISOR,
        )
    )


def test_a_referral_needs_a_consent_in_force_for_that_organisation_and_purpose() -> None:
    with pytest.raises(errors.ConsentRequired) as refused:
        Scenario().active(("bike", "mobility")).given(NOTICE).decide(REFER)
    assert refused.value.code == "consent_required"
    with pytest.raises(errors.ConsentRequired):
        consented("transfer").decide(REFER)
    withdrawn = consented().given(
        {"type": "withdraw_consent", "consent_id": "consent-1", "withdrawn_on": "2026-03-02"}
    )
    with pytest.raises(errors.ConsentRequired):
        withdrawn.decide(REFER)


def test_a_referral_names_the_service_the_measure_and_the_day_to_answer_by() -> None:
    s = consented()
    [event] = s.decide(REFER)
    assert isinstance(event, PathwayReferred)
    assert (event.referral_id, event.from_organisation, event.to_organisation) == (
        "referral-1",
        "org-lecce",
        "org-nardo",
    )
    assert event.answer_by == event.referred_on + timedelta(days=10)


@pytest.mark.parametrize(
    ("command", "error"),
    [
        ({**REFER, "to_organisation": "org-lecce"}, errors.InvalidCommand),
        ({**REFER, "measure_id": "nope"}, errors.MeasureNotFound),
    ],
)
def test_bad_referrals_are_refused(command: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        consented().decide(command)


def test_a_referral_is_made_once_and_answered_once() -> None:
    s = consented().given(REFER)
    with pytest.raises(errors.ReferralPending):
        s.decide(REFER)
    s = accepted()
    with pytest.raises(errors.ReferralAnswered):
        s.decide(
            {"type": "decline_referral", "referral_id": "referral-1", "reason": "No place"},
            NARDO_SUPERVISOR,
        )
    with pytest.raises(errors.ReferralNotFound):
        s.decide(
            {"type": "accept_referral", "referral_id": "referral-9", "caseworker_id": "nico"},
            NARDO_SUPERVISOR,
        )


def test_only_a_supervisor_answers_a_referral() -> None:
    s = consented().given(REFER)
    answer = {"type": "accept_referral", "referral_id": "referral-1", "caseworker_id": "nico"}
    for actor in (CASEWORKER, NARDO_CASEWORKER):
        with pytest.raises(errors.RoleForbidden):
            s.decide(answer, actor)
    assert s.decide(answer, NARDO_SUPERVISOR) == [
        ReferralAccepted(referral_id="referral-1", caseworker_id="nico")
    ]


def test_the_accepted_referral_lets_its_caseworker_record_on_that_measure_only() -> None:
    s = consented().given(REFER)
    with pytest.raises(errors.NotAssignedCaseworker):
        s.decide(START_BIKE, NARDO_CASEWORKER)
    s = accepted()
    assert s.state.referrals.given["referral-1"].status == ReferralStatus.ACCEPTED
    assert s.decide(START_BIKE, NARDO_CASEWORKER)
    with pytest.raises(errors.NotAssignedCaseworker):
        s.decide({"type": "add_note", "text": "Hello"}, NARDO_CASEWORKER)


def test_a_withdrawn_consent_ends_the_referred_caseworkers_access_at_once() -> None:
    s = accepted().given(
        {"type": "withdraw_consent", "consent_id": "consent-1", "withdrawn_on": "2026-03-02"}
    )
    with pytest.raises(errors.NotAssignedCaseworker):
        s.decide(START_BIKE, NARDO_CASEWORKER)


def test_an_unanswered_referral_is_an_obligation_due_at_the_end_of_its_answer_day() -> None:
    s = consented().given(REFER)
    [owed] = [o for o in obligations(s.state) if o.kind == "referral_answer"]
    assert owed.obligation_id == "referral:referral-1:answer"
    assert owed.due_at.date() in (date(2026, 3, 12), date(2026, 3, 13))
    s = accepted()
    assert not [o for o in obligations(s.state) if o.kind == "referral_answer"]


def test_a_transfer_moves_the_pathway_from_its_effective_day_with_a_consent() -> None:
    with pytest.raises(errors.ConsentRequired):
        consented("referral").decide(TRANSFER)
    s = consented("transfer").given(TRANSFER)
    with pytest.raises(errors.TransferPending):
        s.decide(TRANSFER)
    accept = {"type": "accept_transfer", "caseworker_id": "nico"}
    assert facts(s.state)[owned_by("org-lecce")] == 1
    [event] = s.decide(accept, NARDO_SUPERVISOR)
    assert event == TransferAccepted(
        from_organisation="org-lecce",
        to_organisation="org-nardo",
        caseworker_id="nico",
        previous_caseworker_id="anna",
    )
    s.given(accept, NARDO_SUPERVISOR)
    state = s.state
    assert (state.organisation_id, state.caseworker_id) == ("org-nardo", "nico")
    assert [o.organisation_id for o in state.referrals.owners] == ["org-lecce", "org-nardo"]
    assert owned_by("org-nardo") in facts(state) and owned_by("org-lecce") not in facts(state)
    with pytest.raises(errors.NotAssignedCaseworker):
        s.decide({"type": "add_note", "text": "Still mine?"}, CASEWORKER)
    with pytest.raises(errors.TransferNotFound):
        s.decide(accept, NARDO_SUPERVISOR)


def test_a_transfer_is_accepted_on_or_after_its_effective_day() -> None:
    s = consented("transfer").given({**TRANSFER, "effective_on": "2026-12-01"})
    with pytest.raises(errors.DateOrderInvalid):
        s.decide({"type": "accept_transfer", "caseworker_id": "nico"}, NARDO_SUPERVISOR)


def test_a_declined_transfer_leaves_the_pathway_where_it_was() -> None:
    s = consented("transfer").given(TRANSFER)
    s.given({"type": "decline_transfer", "reason": "No caseworker free"}, SUPERVISOR)
    assert s.state.organisation_id == "org-lecce" and s.state.referrals.transfer is None


def test_the_inbox_rows_are_written_with_what_refers_or_answers_and_hold_the_minimum() -> None:
    scenario = consented().given(REFER)
    [row] = referral_rows(scenario.state, scenario.records[-1:]) or ()
    assert (row.to_organisation, row.given_name, row.service, row.measure_kind) == (
        "org-nardo",
        scenario.state.beneficiary.given_name if scenario.state.beneficiary else None,
        "Corso di italiano A2",
        "mobility",
    )
    assert "family_name" not in row.model_dump()
    noted = scenario.given({"type": "add_note", "text": "Called her"})
    assert referral_rows(noted.state, noted.records[-1:]) is None


@pytest.mark.parametrize(
    ("step", "notify", "role"),
    [
        ("DeadlineReminderSent", Role.CASEWORKER, Role.SUPERVISOR),
        ("DeadlineEscalated", Role.SUPERVISOR, Role.SUPERVISOR),
        ("DeadlineEscalated", Role.COORDINATOR, Role.COORDINATOR),
    ],
)
def test_an_unanswered_referral_reminds_and_escalates_to_the_receiving_supervisors(
    step: str, notify: Role, role: Role
) -> None:
    scenario = consented().given(REFER)
    [owed] = [o for o in obligations(scenario.state) if o.kind == "referral_answer"]
    last = scenario.records[-1]
    ladder = last.model_copy(
        update={
            "type": step,
            "version": last.version + 1,
            "data": {
                "obligation_id": owed.obligation_id,
                "obligation_kind": owed.kind,
                "due_at": owed.due_at.isoformat(),
                "step": "s1",
                "scheduled_at": owed.due_at.isoformat(),
                "notify": notify.value,
            },
        }
    )
    [sent] = notifications(scenario.state, [ladder])
    assert (sent.organisation_id, sent.recipient_role, sent.recipient_id) == (
        "org-nardo",
        role,
        None,
    )
    other = ladder.model_copy(update={"data": {**ladder.data, "obligation_kind": "baseline"}})
    [own] = notifications(scenario.state, [other])
    assert own.organisation_id == scenario.state.organisation_id
