"""Duplicate detection's reads and writes, on every store: the pathways that share a
document or birth-date token (across organisations, with all their tokens, erased ones
gone), and the coordinator's decisions with the person links a confirmation makes in the
same write, a second decision on a pair refused with nothing written."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.duplicates import Decision, DuplicateReason
from domain.values import Beneficiary
from infra.eventstore.base import EventStore
from infra.eventstore.duplicates import AlreadyDecided, DecidedPair
from tests.eventstore.test_search_index_contract import AMINA, ANH, append

LATER = datetime(2026, 3, 1, tzinfo=UTC)
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
        ("pw-a", "pw-a", then),
        ("pw-b", "pw-a", LATER),  # re-keyed, linked since its own confirmation
        ("pw-c", "pw-a", LATER),
    ]
