"""Consent records: the privacy notice, consents to share data, withdrawal, and `may_share`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import errors
from domain.consents.commands import NoticeLanguage, Recipient, RecipientKind, SharingPurpose
from domain.consents.events import ConsentGiven, ConsentWithdrawn, PrivacyNoticeGiven
from domain.consents.rules import may_share
from domain.decider import decide
from domain.pathway_answer import pathway_answer
from domain.values import Actor, Role, Stage
from infra.accounts.model import LANGUAGES
from tests.scenarios import AUDITOR, CASEWORKER, CONDITION, SUPERVISOR, Scenario
from workers.views import state_text

NOTICE: dict[str, Any] = {
    "type": "record_privacy_notice",
    "given_on": "2026-03-02",
    "language": "it",
    "version": "2026-01",
}
OTHER_CASEWORKER = Actor(id="luca", role=Role.CASEWORKER)
CPIA = Recipient(kind=RecipientKind.PARTNER, id="cpia-lecce")
ORG_B = Recipient(kind=RecipientKind.ORGANISATION, id="org-brindisi")


def consent(*recipients: Recipient, purpose: str = "referral", **fields: Any) -> dict[str, Any]:
    return {
        "type": "give_consent",
        "recipients": [r.model_dump(mode="json") for r in recipients],
        "purpose": purpose,
        "given_on": "2026-03-02",
        **fields,
    }


def withdrawal(consent_id: str = "consent-1", on: str = "2026-03-02") -> dict[str, Any]:
    return {"type": "withdraw_consent", "consent_id": consent_id, "withdrawn_on": on}


def test_the_privacy_notice_is_recorded_with_its_day_language_and_version() -> None:
    s = Scenario().opened()
    assert s.decide(NOTICE) == [
        PrivacyNoticeGiven(given_on=date(2026, 3, 2), language="it", version="2026-01")
    ]
    s.given(NOTICE).given({**NOTICE, "language": "en", "version": "2026-02"})
    assert s.state.consents.notice is not None
    assert (s.state.consents.notice.language, s.state.consents.notice.version) == ("en", "2026-02")
    assert len(s.state.consents.notices) == 2


def test_a_consent_is_refused_before_the_privacy_notice() -> None:
    s = Scenario().opened()
    with pytest.raises(errors.PrivacyNoticeMissing):
        s.decide(consent(CPIA))
    s.given({**NOTICE, "given_on": "2026-03-03"})
    with pytest.raises(errors.PrivacyNoticeMissing) as refused:
        s.decide(consent(CPIA, given_on="2026-03-02"))
    assert refused.value.code == "privacy_notice_missing"
    assert s.decide(consent(CPIA, given_on="2026-03-03"))


def test_a_consent_names_its_recipients_purpose_and_end() -> None:
    s = Scenario().opened().given(NOTICE)
    [event] = s.decide(consent(CPIA, ORG_B, purpose="measure_delivery", until="2026-12-31"))
    assert event == ConsentGiven(
        consent_id="consent-1",
        recipients=(CPIA, ORG_B),
        purpose=SharingPurpose.MEASURE_DELIVERY,
        given_on=date(2026, 3, 2),
        until=date(2026, 12, 31),
    )
    s.given(consent(CPIA)).given(consent(ORG_B, purpose="transfer"))
    assert list(s.state.consents.given) == ["consent-1", "consent-2"]


@pytest.mark.parametrize(
    ("command", "error", "field"),
    [
        (consent(CPIA, until="2026-03-01"), errors.DateOrderInvalid, "until"),
        (consent(CPIA, CPIA), errors.InvalidCommand, "recipients"),
        (consent(CPIA, given_on="2026-03-09"), errors.FactInFuture, "given_on"),
        ({**NOTICE, "given_on": "2026-03-09"}, errors.FactInFuture, "given_on"),
        (withdrawal("consent-9"), errors.ConsentNotFound, "consent_id"),
        (withdrawal(on="2026-03-09"), errors.FactInFuture, "withdrawn_on"),
    ],
)
def test_bad_consent_commands_are_refused_with_their_field(
    command: dict[str, Any], error: type[errors.DomainError], field: str
) -> None:
    s = Scenario().opened().given(NOTICE).given(consent(CPIA))
    with pytest.raises(error) as refused:
        decide(s.state, s.envelope(command, CASEWORKER), s.now)
    assert refused.value.field == field


def test_a_withdrawal_is_recorded_once_and_not_before_the_consent() -> None:
    s = Scenario().opened().given(NOTICE).given(consent(CPIA, given_on="2026-03-02"))
    s.now += timedelta(days=3)
    with pytest.raises(errors.DateOrderInvalid):
        s.decide(withdrawal(on="2026-03-01"))
    assert s.decide({**withdrawal(on="2026-03-04"), "reason": "Changed her mind"}) == [
        ConsentWithdrawn(
            consent_id="consent-1", withdrawn_on=date(2026, 3, 4), reason="Changed her mind"
        )
    ]
    s.given(withdrawal(on="2026-03-04"))
    with pytest.raises(errors.ConsentAlreadyWithdrawn) as refused:
        s.decide(withdrawal(on="2026-03-05"))
    assert refused.value.code == "consent_already_withdrawn"


def test_who_may_record_consents() -> None:
    s = Scenario().opened()
    assert s.decide(NOTICE, SUPERVISOR)
    with pytest.raises(errors.NotAssignedCaseworker):
        s.decide(NOTICE, OTHER_CASEWORKER)
    with pytest.raises(errors.RoleForbidden):
        s.decide(NOTICE, AUDITOR)


def test_a_consent_is_withdrawn_while_suspended_and_after_the_exit_but_not_given() -> None:
    s = Scenario().opened().given(NOTICE).given(consent(CPIA))
    s.given({"type": "suspend_pathway", "reason": "hospital_stay"})
    with pytest.raises(errors.PathwaySuspended):
        s.decide(consent(ORG_B))
    assert s.decide(withdrawal(on=s.now.date().isoformat()))
    s.given({"type": "record_exit", "reason": "dropped_out", "outcomes": CONDITION})
    assert s.state.stage == Stage.EXIT
    assert s.decide(consent(ORG_B)) and s.decide(withdrawal())


def test_may_share_answers_from_active_consents_for_their_recipients_purpose_and_days() -> None:
    s = Scenario().opened().given(NOTICE).given(consent(CPIA, ORG_B, until="2026-06-30"))
    state = s.state
    assert may_share(state, CPIA, SharingPurpose.REFERRAL, date(2026, 3, 2))
    assert may_share(state, ORG_B, SharingPurpose.REFERRAL, date(2026, 6, 30))
    assert not may_share(state, CPIA, SharingPurpose.TRANSFER, date(2026, 3, 2))
    assert not may_share(state, CPIA, SharingPurpose.REFERRAL, date(2026, 3, 1))
    assert not may_share(state, CPIA, SharingPurpose.REFERRAL, date(2026, 7, 1))
    same_id_as_organisation = Recipient(kind=RecipientKind.ORGANISATION, id="cpia-lecce")
    assert not may_share(state, same_id_as_organisation, SharingPurpose.REFERRAL, date(2026, 3, 2))


def test_a_withdrawal_stops_sharing_at_once_also_for_earlier_days() -> None:
    s = Scenario().opened().given(NOTICE).given(consent(CPIA)).given(withdrawal())
    for day in (date(2026, 3, 2), date(2026, 3, 3), date(2030, 1, 1)):
        assert not may_share(s.state, CPIA, SharingPurpose.REFERRAL, day)


RECIPIENTS = st.sampled_from([CPIA, ORG_B, Recipient(kind=RecipientKind.PARTNER, id="tutor")])
PURPOSES = st.sampled_from([SharingPurpose.REFERRAL, SharingPurpose.TRANSFER])
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("give"), st.lists(RECIPIENTS, min_size=1, unique=True), PURPOSES),
        st.tuples(st.just("withdraw"), st.integers(min_value=1, max_value=3)),
    ),
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(steps=STEPS, asked=RECIPIENTS, purpose=PURPOSES)
def test_sharing_is_allowed_exactly_by_a_consent_given_and_not_withdrawn(
    steps: list[tuple[Any, ...]], asked: Recipient, purpose: SharingPurpose
) -> None:
    s = Scenario().opened().given(NOTICE)
    live: dict[str, tuple[set[Recipient], SharingPurpose]] = {}
    for step in steps:
        if step[0] == "give":
            s.given(consent(*step[1], purpose=step[2]))
            live[f"consent-{len(s.state.consents.given)}"] = (set(step[1]), step[2])
        else:
            consent_id = f"consent-{step[1]}"
            try:
                s.given(withdrawal(consent_id))
            except (errors.ConsentNotFound, errors.ConsentAlreadyWithdrawn):
                assert consent_id not in live
                continue
            del live[consent_id]
    expected = any(asked in who and why == purpose for who, why in live.values())
    assert may_share(s.state, asked, purpose, s.now.date()) == expected
    assert [c.consent_id for c in s.state.consents.given.values() if not c.withdrawn] == list(live)


def test_pathways_show_lists_the_notice_and_each_consent() -> None:
    s = Scenario().opened().given(NOTICE).given(consent(CPIA, until="2026-06-30"))
    s.given(consent(ORG_B, purpose="transfer")).given(withdrawal("consent-2"))
    text = state_text(pathway_answer(s.state, s.records))
    assert "Privacy notice" in text and "version 2026-01 in it, given on 2026-03-02" in text
    assert (
        "consent-1  referral  with partner cpia-lecce, given on 2026-03-02 until 2026-06-30  active"
        in text
    )
    assert "consent-2  transfer  with organisation org-brindisi" in text
    assert "withdrawn on 2026-03-02" in text


def test_the_notice_is_given_in_the_languages_of_the_pages() -> None:
    assert [str(language) for language in NoticeLanguage] == list(LANGUAGES)
