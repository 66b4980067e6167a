"""The blind index's tokenisation (`infra.crypto.search_tokens`): what is one word, one
document, one phone, and that a token says nothing without its key."""

from __future__ import annotations

from datetime import date

from domain.values import Beneficiary
from infra.crypto.search_tokens import (
    TokenKind,
    beneficiary_tokens,
    document_word,
    name_tokens,
    name_words,
    parse_day,
    phone_word,
    query_clauses,
    token,
)

KEY = b"k" * 32
ANH = Beneficiary(
    given_name="Thị Ánh",
    family_name="Nguyễn",
    birth_date=date(1994, 5, 17),
    gender="female",
    nationality="VN",
    phone="+39 333 000 1234",
    document_number="YA 1234567",
)


def test_names_fold_accents_case_and_script_into_ascii_words() -> None:
    assert name_words("Nguyễn Thị Ánh") == ("nguyen", "thi", "anh")
    assert name_words("Đặng  Văn-Lâm") == ("dang", "van", "lam")
    assert name_words("N'Guessan Kouamé") == ("n", "guessan", "kouame")
    assert name_words("Ибрагим") == ("ibragim",)
    assert name_words("Ａｎｈ") == ("anh",)  # full-width letters, by NFKD


def test_every_query_word_must_be_a_word_of_the_name_in_any_order() -> None:
    held = beneficiary_tokens(KEY, ANH)
    assert any(clause <= held for clause in query_clauses(KEY, "nguyen anh"))
    assert any(clause <= held for clause in query_clauses(KEY, "Ánh NGUYỄN"))
    assert not any(clause <= held for clause in query_clauses(KEY, "nguyen amina"))


def test_documents_and_phones_are_compared_in_one_form() -> None:
    assert document_word("ya-123 4567") == document_word("YA1234567") == "ya1234567"
    assert phone_word("+39 333 000 1234") == phone_word("0039 333.000.1234") == "3330001234"
    assert phone_word("+221 77 000 1234") == "221770001234"
    assert phone_word("12 34") is None
    assert parse_day("17/5/1994") == parse_day("1994-05-17") == date(1994, 5, 17)
    assert parse_day("31/2/1994") is None


def test_a_token_is_keyed_and_kind_bound_and_holds_no_word() -> None:
    anh = token(KEY, TokenKind.NAME, "anh")
    assert anh != token(b"x" * 32, TokenKind.NAME, "anh")
    assert anh.value != token(KEY, TokenKind.DOCUMENT, "anh").value
    for stored in beneficiary_tokens(KEY, ANH):
        assert all(c in "0123456789abcdef" for c in stored.value)
        assert len(stored.value) == 32
    assert len(name_tokens(KEY, "Anh anh ÁNH")) == 1
