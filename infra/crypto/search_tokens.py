"""Blind-index tokens: what a beneficiary is found by, without the database holding it in clear.

Pure: the normalised words of a name, a document number, a phone and a birth date, and
their keyed tokens (HMAC-SHA256 under the installation's search key, `@search` in the
keyring, never a pathway's data key). Search (`infra.search`) and duplicate detection
build on these functions only, so a query and a stored token always agree
(docs/privacy.md, "The blind index").

A name is words: NFKD, accents stripped, transliterated to ASCII (`text_unidecode`, so
"Đặng" and "Dang" are one word), casefolded, split on anything not a letter or a digit.
Each word is a token of its own, so order does not matter; a query matches a name when
every word of the query is one of the name's (`"nguyen anh"` finds "Nguyễn Thị Ánh").
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from text_unidecode import unidecode

from domain.values import Beneficiary

TOKEN_HEX = 32
"""128 bits of the HMAC: collisions are out of reach for any caseload."""
MAX_QUERY_WORDS = 8
"""More words than any name has: a longer query is refused (`invalid_search`)."""

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_ITALIAN_PREFIX = re.compile(r"^(?:\+|00)39")
_PHONE_SHAPE = re.compile(r"^\+?[0-9 ./-]{6,24}$")
_DATE_SHAPES = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})$"),
)


class TokenKind(StrEnum):
    """What a token stands for: a query of one kind never matches a token of another."""

    NAME = "name"
    DOCUMENT = "document"
    PHONE = "phone"
    BIRTH_DATE = "birth_date"


class Token(NamedTuple):
    """One blind-index entry: its kind and the hex of its HMAC."""

    kind: TokenKind
    value: str


def ascii_fold(text: str) -> str:
    """`text` without accents, in ASCII, casefolded: the form every word is compared in."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded: str = unidecode(stripped).casefold()
    return folded


def name_words(text: str) -> tuple[str, ...]:
    """The distinct words of a name, folded, in order of first appearance."""
    words = (w for w in _NOT_WORD.split(ascii_fold(text)) if w)
    return tuple(dict.fromkeys(words))


def document_word(text: str) -> str | None:
    """A document number as compared: letters and digits only, casefolded."""
    word = "".join(_NOT_WORD.split(ascii_fold(text)))
    return word or None


def phone_word(text: str) -> str | None:
    """A phone as compared: its digits, without Italy's prefix (+39 or 0039).

    "+39 333 000 1234" and "333 0001234" are one phone; other countries keep their prefix.
    """
    compact = re.sub(r"[ ./-]", "", text.strip())
    compact = _ITALIAN_PREFIX.sub("", compact)
    digits = re.sub(r"\D", "", compact)
    return digits if len(digits) >= 6 else None


def birth_date_word(day: date) -> str:
    """A birth date as compared: ISO 8601."""
    return day.isoformat()


def parse_day(text: str) -> date | None:
    """A date typed in a search box (2026-03-01 or 1/3/2026, Italian order), else None."""
    for shape in _DATE_SHAPES:
        found = shape.match(text.strip())
        if found:
            try:
                return date(int(found["y"]), int(found["m"]), int(found["d"]))
            except ValueError:
                return None
    return None


def token(key: bytes, kind: TokenKind, word: str) -> Token:
    """The keyed token of one normalised word: without the key, it tells nothing of it."""
    digest = hmac.new(key, f"{kind.value}:{word}".encode(), hashlib.sha256).hexdigest()
    return Token(kind, digest[:TOKEN_HEX])


def name_tokens(key: bytes, *names: str) -> frozenset[Token]:
    """One token per distinct word of the names given."""
    return frozenset(token(key, TokenKind.NAME, w) for n in names for w in name_words(n))


def document_token(key: bytes, number: str) -> Token | None:
    """The token of a document number, or None when it holds no letter or digit."""
    word = document_word(number)
    return None if word is None else token(key, TokenKind.DOCUMENT, word)


def phone_token(key: bytes, phone: str) -> Token | None:
    """The token of a phone, or None for fewer than six digits."""
    word = phone_word(phone)
    return None if word is None else token(key, TokenKind.PHONE, word)


def birth_date_token(key: bytes, day: date) -> Token:
    """The token of a birth date."""
    return token(key, TokenKind.BIRTH_DATE, birth_date_word(day))


def beneficiary_tokens(key: bytes, beneficiary: Beneficiary) -> frozenset[Token]:
    """Every token a beneficiary is found by: her name's words, document, phone, birth date."""
    found = set(name_tokens(key, beneficiary.given_name, beneficiary.family_name))
    found.add(birth_date_token(key, beneficiary.birth_date))
    extra = (
        document_token(key, beneficiary.document_number) if beneficiary.document_number else None,
        phone_token(key, beneficiary.phone) if beneficiary.phone else None,
    )
    found.update(t for t in extra if t is not None)
    return frozenset(found)


def query_clauses(key: bytes, query: str) -> tuple[frozenset[Token], ...]:
    """What a search box's text may mean, each a set of tokens a pathway must hold all of.

    Every reading is tried: a name (all its words), a document number, a phone (when it
    looks like one), a birth date (when it parses as one). A pathway matches the query
    when it holds every token of one clause.
    """
    clauses: list[frozenset[Token]] = []
    names = name_tokens(key, query)
    if names:
        clauses.append(names)
    readings: Iterable[Token | None] = (
        document_token(key, query),
        phone_token(key, query) if _PHONE_SHAPE.match(query.strip()) else None,
    )
    clauses.extend(frozenset({t}) for t in readings if t is not None)
    day = parse_day(query)
    if day is not None:
        clauses.append(frozenset({birth_date_token(key, day)}))
    return tuple(dict.fromkeys(clauses))
