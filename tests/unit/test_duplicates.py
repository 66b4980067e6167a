"""The duplicate rule (`domain.duplicates`) on the blind index's own tokens: the same
document, or the same birth date and every word of the shorter name in the other; and the
persons the confirmed pairs make."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from domain.duplicates import (
    Decision,
    DuplicateReason,
    Identity,
    current_decisions,
    duplicate_reason,
    merged_persons,
    pair,
    person_key,
    possible_pairs,
)
from infra.crypto.search_tokens import birth_date_token, document_token, name_tokens

KEY = b"a test search key"
BORN = date(1994, 5, 17)


def who(name: str, born: date = BORN, document: str | None = None) -> Identity:
    found = document_token(KEY, document) if document else None
    return Identity(
        document=found.value if found else None,
        birth_date=birth_date_token(KEY, born).value,
        names=frozenset(t.value for t in name_tokens(KEY, name)),
    )


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Nguyễn Thị Ánh", "Ánh Nguyễn"),  # the shorter name's words, in any order
        ("NGUYEN THI ANH", "nguyễn thị ánh"),  # case and accents aside
        ("Amina Diallo", "Amina Diallo Bah"),
    ],
)
def test_a_close_name_born_the_same_day_is_a_possible_duplicate(one: str, other: str) -> None:
    assert duplicate_reason(who(one), who(other)) is DuplicateReason.NAME_AND_BIRTH_DATE
    assert duplicate_reason(who(other), who(one)) is DuplicateReason.NAME_AND_BIRTH_DATE


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Nguyễn Thị Ánh", "Nguyễn Văn Minh"),  # one word shared is not enough
        ("Amina Diallo", "Aminata Diallo"),  # no edit distance: tokens are exact
        ("Amina Diallo", "Fatou Bah"),
    ],
)
def test_other_names_born_the_same_day_are_not(one: str, other: str) -> None:
    assert duplicate_reason(who(one), who(other)) is None


def test_the_same_name_born_another_day_is_not() -> None:
    assert duplicate_reason(who("Amina Diallo"), who("Amina Diallo", date(1994, 5, 18))) is None


def test_the_same_document_is_whatever_the_name_and_birth_date() -> None:
    one = who("Amina Diallo", document="YA 1234567")
    other = who("Fatou Bah", date(2001, 1, 1), document="ya-123 4567")
    assert duplicate_reason(one, other) is DuplicateReason.DOCUMENT
    assert duplicate_reason(one, who("Fatou Bah", document="YA1234568")) is None


def test_no_document_on_either_side_matches_nothing_by_document() -> None:
    assert duplicate_reason(who("Amina Diallo"), who("Fatou Bah")) is None


def test_a_pair_is_ordered_and_never_one_pathway_twice() -> None:
    assert pair("p-b", "p-a") == pair("p-a", "p-b") == ("p-a", "p-b")
    with pytest.raises(ValueError, match="itself"):
        pair("p-a", "p-a")


def test_confirmed_pairs_join_persons_through_each_other() -> None:
    persons = merged_persons([("p-b", "p-c"), ("p-d", "p-e"), ("p-a", "p-c")])
    assert persons == {"p-a": "p-a", "p-b": "p-a", "p-c": "p-a", "p-d": "p-d", "p-e": "p-d"}
    assert person_key(persons, "p-c") == "p-a"
    assert person_key(persons, "p-z") == "p-z"


def test_possible_pairs_compares_within_shared_documents_and_birth_dates() -> None:
    identities = {
        "p-c": who("Nguyễn Thị Ánh", document="YA1"),
        "p-a": who("Ánh Nguyễn"),
        "p-b": who("Fatou Bah", date(2001, 1, 1), document="ya 1"),
        "p-d": who("Amina Diallo"),
    }
    assert possible_pairs(identities) == [
        ("p-a", "p-c", DuplicateReason.NAME_AND_BIRTH_DATE),
        ("p-b", "p-c", DuplicateReason.DOCUMENT),
    ]
    assert possible_pairs(identities, "p-b") == [("p-b", "p-c", DuplicateReason.DOCUMENT)]
    assert possible_pairs(identities, "p-d") == []


def test_a_pairs_decision_is_its_latest_and_an_undoing_leaves_it_undecided() -> None:
    @dataclass(frozen=True)
    class Entry:
        first: str
        second: str
        decision: Decision

    log = [
        Entry("a", "b", Decision.CONFIRMED),
        Entry("c", "d", Decision.DISMISSED),
        Entry("a", "b", Decision.UNDONE),
        Entry("c", "d", Decision.UNDONE),
        Entry("c", "d", Decision.CONFIRMED),
    ]
    assert current_decisions(log) == {("c", "d"): log[4]}
    assert current_decisions(log[:2]) == {("a", "b"): log[0], ("c", "d"): log[1]}
    assert current_decisions(log[:3]) == {("c", "d"): log[1]}
