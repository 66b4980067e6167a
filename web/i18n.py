"""The pages' languages: Italian (the default) and English, from the catalogs under locales/.

The `.po` files are the source of truth and are compiled in memory when the app starts, so
no `.mo` file is committed or built. Message ids are English; `pybabel extract -F babel.cfg
-o /tmp/messages.pot web` lists them, and `tests/web/test_i18n.py` refuses a msgid without
an Italian translation.
"""

from __future__ import annotations

import functools
from importlib.resources import files
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from infra.accounts.model import LANGUAGES, Language

DEFAULT_LANGUAGE: Language = "it"
SESSION_LANGUAGE = "language"
"""The session key of the language chosen with the language switch."""


def N_(message: str) -> str:
    """Mark a string for extraction without translating it: it is translated when shown."""
    return message


def catalog_path(language: Language) -> str:
    return f"locales/{language}/LC_MESSAGES/messages.po"


@functools.cache
def translations(language: Language) -> Translations:
    """The language's catalog, read from its `.po` file once per process."""
    source = files("web").joinpath(catalog_path(language))
    with source.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def as_language(value: object) -> Language | None:
    """`value` if it names a supported language, else None."""
    return value if value in LANGUAGES else None


def from_accept_language(header: str | None) -> Language | None:
    """The first supported language of an `Accept-Language` header, by quality."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower().split("-")[0]))
    for negative_quality, _, primary in sorted(ranked):
        language = as_language(primary)
        if language is not None and negative_quality < 0:
            return language
    return None


def choose_language(
    session_language: object, account_language: str | None, accept_language: str | None
) -> Language:
    """The session's choice, else the account's, else the browser's, else Italian."""
    return (
        as_language(session_language)
        or as_language(account_language)
        or from_accept_language(accept_language)
        or DEFAULT_LANGUAGE
    )
