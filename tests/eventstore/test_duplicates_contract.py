"""Duplicate detection's reads and writes, on every store: the pathways that share a
document or birth-date token (across organisations, with all their tokens, erased ones
gone), and the coordinator's decisions with the person links a confirmation makes in the
same write, a second decision on a pair refused with nothing written."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.duplicates import Decision, DuplicateReason
from domain.values import Beneficiary
from infra.eventstore.base import EventStore
from infra.eventstore.duplicates import AlreadyDecided, DecidedPair, NotDecided
from tests.eventstore.test_search_index_contract import AMINA, ANH, append

LATER = datetime(2026, 3, 1, tzinfo=UTC)
DAY = timedelta(days=1)
FATOU = Beneficiary(
    given_name="Fatou",
    family_name="Bah",
    birth_date=date(2001, 1, 1),
    gender="female",
    nationality="SN",
)


async def test_sharing_finds_pathways_with_a_document_or_birth_date_in_common(
    store: EventStore,
) -> None:
    await append(store, "pw-anh", 0, ANH)
    await append(store, "pw-again", 0, ANH, organisation_id="org-b")
    await append(store, "pw-amina", 0, AMINA, organisation_id="org-c")
    await append(store, "pw-fatou", 0, FATOU)
    everyone = await store.search_index.sharing()
    assert [(p.pathway_id, p.organisation_id) for p in everyone] == [
        ("pw-again", "org-b"),
        ("pw-amina", "org-c"),  # born the same day as Anh
        ("pw-anh", "org-a"),
    ]
    assert everyone[0].tokens == everyone[2].tokens
    assert [p.pathway_id for p in await store.search_index.sharing("pw-fatou")] == ["pw-fatou"]
    assert [p.pathway_id for p in await store.search_index.sharing("pw-again")] == [
        "pw-again",
        "pw-amina",
        "pw-anh",
    ]
    await append(store, "pw-again", 1, None)  # erased: her tokens go, and with them the match
    assert [p.pathway_id for p in await store.search_index.sharing()] == ["pw-amina", "pw-anh"]


async def test_a_confirmation_links_persons_and_a_pair_is_decided_once(
    store: EventStore,
) -> None:
    decided = DecidedPair(
        "pw-b", "pw-c", Decision.CONFIRMED, DuplicateReason.DOCUMENT, "cora", LATER
    )
    await store.duplicates.decide(decided)
    with pytest.raises(AlreadyDecided):
        await store.duplicates.decide(decided._replace(decision=Decision.DISMISSED))
    assert await store.duplicates.decisions() == [decided]
    dismissed = decided._replace(first="pw-a", second="pw-d", decision=Decision.DISMISSED)
    await store.duplicates.decide(dismissed)
    then = datetime(2026, 4, 1, tzinfo=UTC)
    await store.duplicates.decide(decided._replace(first="pw-a", second="pw-c", decided_at=then))
    links = [tuple(link) for link in await store.duplicates.person_links()]
    assert links == [
        ("pw-a", "pw-a", then, None),
        ("pw-b", "pw-a", LATER, None),  # re-keyed, linked since its own confirmation
        ("pw-c", "pw-a", LATER, None),
    ]


async def test_an_undoing_is_an_entry_that_ends_the_links_it_made(store: EventStore) -> None:
    confirmed = DecidedPair(
        "pw-b", "pw-c", Decision.CONFIRMED, DuplicateReason.DOCUMENT, "cora", LATER
    )
    await store.duplicates.decide(confirmed)
    joined = datetime(2026, 4, 1, tzinfo=UTC)
    other = confirmed._replace(first="pw-a", second="pw-c", decided_at=joined)
    await store.duplicates.decide(other)
    undone_at = datetime(2026, 5, 1, tzinfo=UTC)
    undone = other._replace(decision=Decision.UNDONE, decided_at=undone_at)
    await store.duplicates.decide(undone)
    assert await store.duplicates.history() == [confirmed, other, undone]
    assert await store.duplicates.decisions() == [confirmed], "pw-a, pw-c undecided again"
    assert [tuple(link) for link in await store.duplicates.person_links()] == [
        ("pw-a", "pw-a", joined, undone_at),  # ended, not deleted: a report before still joins
        ("pw-b", "pw-b", LATER, None),  # keyed by its own person again
        ("pw-c", "pw-b", LATER, None),
    ]
    with pytest.raises(NotDecided):
        await store.duplicates.decide(undone._replace(decided_at=undone_at + DAY))
    again = other._replace(decision=Decision.DISMISSED, decided_at=undone_at + DAY)
    await store.duplicates.decide(again)
    with pytest.raises(AlreadyDecided):
        await store.duplicates.decide(other._replace(decided_at=undone_at + 2 * DAY))
    assert len(await store.duplicates.history()) == 4, "a refused entry writes nothing"
    relinked_at = undone_at + 3 * DAY
    await store.duplicates.decide(again._replace(decision=Decision.UNDONE, decided_at=relinked_at))
    await store.duplicates.decide(other._replace(decided_at=relinked_at))
    assert [tuple(link) for link in await store.duplicates.person_links()] == [
        ("pw-a", "pw-a", joined, undone_at),
        ("pw-a", "pw-a", relinked_at, None),  # linked again: a new link from now
        ("pw-b", "pw-a", LATER, None),
        ("pw-c", "pw-a", LATER, None),
    ]
