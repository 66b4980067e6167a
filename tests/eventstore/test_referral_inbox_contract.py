"""The referral inbox read model, on every store: written with the events, replaced when an
append gives them, kept when it does not, rebuilt, queried by the organisation addressed and
by the caseworker an accepted referral names."""

from __future__ import annotations

from datetime import date
from itertools import groupby

import pytest

from activities.pathways.read_model_rebuild import rebuild_read_models
from domain.evolution import fold
from domain.projections import InboxStatus, ReadModelUpdate, ReferralView
from domain.read_models import read_models as domain_read_models
from domain.records import EventRecord
from domain.referrals.state import ReferralStatus
from infra.eventstore.base import EventStore
from tests.eventstore.builders import read_models, records, summary
from tests.unit.test_referrals import (
    NARDO_SUPERVISOR,
    REFER,
    TRANSFER,
    accepted,
    consented,
)

P1 = "pw-0001"
P2 = "pw-0002"
REFER_AGAIN = {**REFER, "measure_id": None, "service": "Housing advice"}


def referral(
    pathway_id: str,
    referral_id: str,
    to: str = "org-b",
    status: ReferralStatus = ReferralStatus.PENDING,
    caseworker_id: str | None = None,
) -> ReferralView:
    return ReferralView(
        pathway_id=pathway_id,
        kind="referral",
        referral_id=referral_id,
        to_organisation=to,
        given_name="Amina",
        service="Italian A2 course",
        measure_kind="language_course",
        from_organisation="org-a",
        referred_by="cw-a",
        referred_on=date(2026, 3, 2),
        answer_by=date(2026, 3, 12),
        effective_on=None,
        status=status,
        caseworker_id=caseworker_id,
    )


def transfer(pathway_id: str, to: str = "org-b") -> ReferralView:
    return ReferralView(
        pathway_id=pathway_id,
        kind="transfer",
        referral_id=None,
        to_organisation=to,
        given_name="Amina",
        service=None,
        measure_kind=None,
        from_organisation="org-a",
        referred_by="sup-a",
        referred_on=None,
        answer_by=None,
        effective_on=date(2026, 4, 1),
        status=ReferralStatus.PENDING,
    )


def without_inbox(update: ReadModelUpdate) -> ReadModelUpdate:
    """As an append wrote its read models before the referral inbox was."""
    return update.model_copy(update={"referrals": None})


async def append(
    store: EventStore, pathway_id: str, version: int, *views: ReferralView | None
) -> None:
    given = None if views == (None,) else tuple(v for v in views if v is not None)
    update = read_models(summary(pathway_id, version + 1)).model_copy(update={"referrals": given})
    await store.append(
        pathway_id, version, records(pathway_id, version, f"{pathway_id}-c{version}"), update
    )


async def test_the_inbox_lists_what_is_addressed_to_an_organisation_waiting_first(
    store: EventStore,
) -> None:
    accepted = referral(P1, "referral-1", status=ReferralStatus.ACCEPTED, caseworker_id="cw-b")
    await append(store, P1, 0, accepted, referral(P1, "referral-2", to="org-c"))
    await append(store, P2, 0, referral(P2, "referral-1"), transfer(P2))

    assert await store.referral_inbox.addressed_to("org-b") == [
        referral(P2, "referral-1"),
        transfer(P2),
        accepted,
    ]
    assert await store.referral_inbox.addressed_to("org-c") == [
        referral(P1, "referral-2", to="org-c")
    ]
    assert await store.referral_inbox.addressed_to("org-a") == []
    assert await store.referral_inbox.accepted_for("cw-b") == [accepted]
    assert await store.referral_inbox.accepted_for("cw-a") == []


async def test_an_append_without_referrals_keeps_them_and_one_with_them_replaces_them(
    store: EventStore,
) -> None:
    await append(store, P1, 0, referral(P1, "referral-1"), transfer(P1))

    await append(store, P1, 1, None)
    assert await store.referral_inbox.addressed_to("org-b") == [
        referral(P1, "referral-1"),
        transfer(P1),
    ]

    declined = referral(P1, "referral-1", status=ReferralStatus.DECLINED)
    await append(store, P1, 2, declined)  # the transfer was answered, the referral declined
    assert await store.referral_inbox.addressed_to("org-b") == [declined]


@pytest.mark.parametrize("kept", [True, False])
async def test_a_rebuild_replaces_the_rows_it_gives(store: EventStore, kept: bool) -> None:
    await append(store, P1, 0, referral(P1, "referral-1"))
    given = None if kept else (transfer(P1),)
    await store.replace_read_models(
        read_models(summary(P1, 1)).model_copy(update={"referrals": given})
    )
    expected = [referral(P1, "referral-1")] if kept else [transfer(P1)]
    assert await store.referral_inbox.addressed_to("org-b") == expected


async def test_a_rebuild_from_the_events_fills_the_inbox_of_referrals_recorded_before_it(
    store: EventStore,
) -> None:
    scenario = accepted().given(REFER_AGAIN)
    done: list[EventRecord] = []
    for _, command in groupby(scenario.records, key=lambda r: r.command_id):
        given = list(command)
        update = domain_read_models(fold(done + given), given)
        await store.append(given[0].stream_id, len(done), given, without_inbox(update))
        done += given
    assert await store.referral_inbox.addressed_to("org-nardo") == []

    assert await rebuild_read_models(store, page=2) == 1

    rows = await store.referral_inbox.addressed_to("org-nardo")
    assert [(r.key, r.status, r.caseworker_id) for r in rows] == [
        ("referral-2", ReferralStatus.PENDING, None),
        ("referral-1", ReferralStatus.ACCEPTED, "nico"),
    ]
    assert await store.referral_inbox.accepted_for("nico") == [rows[1]]


async def test_answered_transfers_stay_in_the_inbox_with_their_outcome(
    store: EventStore,
) -> None:
    scenario = (
        consented("transfer")
        .given(TRANSFER)
        .given({"type": "decline_transfer", "reason": "No caseworker free"}, NARDO_SUPERVISOR)
        .given(TRANSFER)
    )
    done: list[EventRecord] = []

    async def append_all() -> None:
        for _, command in groupby(scenario.records[len(done) :], key=lambda r: r.command_id):
            given = list(command)
            update = domain_read_models(fold(done + given), given)
            await store.append(given[0].stream_id, len(done), given, update)
            done.extend(given)

    await append_all()
    rows = await store.referral_inbox.addressed_to("org-nardo")
    assert [(r.key, r.status, r.inbox_status) for r in rows] == [
        ("transfer", ReferralStatus.PENDING, InboxStatus.PENDING),
        ("transfer-1", ReferralStatus.DECLINED, InboxStatus.ANSWERED),
    ]

    scenario.given({"type": "accept_transfer", "caseworker_id": "nico"}, NARDO_SUPERVISOR)
    await append_all()
    rows = await store.referral_inbox.addressed_to("org-nardo")
    assert [(r.key, r.status, r.caseworker_id, r.from_organisation) for r in rows] == [
        ("transfer-1", ReferralStatus.DECLINED, None, "org-lecce"),
        ("transfer-2", ReferralStatus.ACCEPTED, "nico", "org-lecce"),
    ]
    assert await store.referral_inbox.accepted_for("nico") == []
