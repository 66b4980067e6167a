"""The catalogs: every message of the pages has its Italian, every domain code its label."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from domain.obligation_kinds import OBLIGATION_KINDS
from web.i18n import choose_language, from_accept_language, translations
from web.pages.labels import LABELS, label

ROOT = Path(__file__).resolve().parents[2]


def extracted() -> list[str | tuple[str, ...]]:
    """Every msgid pybabel finds in web/, as `pybabel extract -F babel.cfg web` does."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(str(ROOT / "web"), method_map, options_map)
    return [message for _, _, message, _, _ in found]


def catalog(language: str) -> Catalog:
    with (ROOT / "web" / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def test_every_message_of_the_pages_has_an_italian_translation() -> None:
    italian = catalog("it")
    messages = extracted()
    assert len(messages) > 50
    missing = []
    for message in messages:
        key = message[0] if isinstance(message, tuple) else message
        entry = italian.get(key)
        strings = (
            ()
            if entry is None
            else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        )
        if entry is None or not strings or not all(strings) or entry.fuzzy:
            missing.append(key)
    assert not missing, f"translate in web/locales/it/LC_MESSAGES/messages.po: {missing}"


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_catalogs_are_well_formed(language: str) -> None:
    """Every entry parses (an entry merged without its msgstr is refused, not dropped with a
    warning), and the placeholders of each translation match its msgid's (babel's checks)."""
    path = ROOT / "web" / "locales" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        read_po(po, locale=language, abort_invalid=True)
    problems = [(m.id, errors) for m, errors in catalog(language).check()]
    assert not problems


def test_every_domain_code_a_page_shows_has_a_translated_label() -> None:
    italian = catalog("it")
    for enum, labels in LABELS.items():
        assert set(labels) == set(enum), f"label every {enum.__name__} in web/pages/labels.py"
    msgids = [m for labels in LABELS.values() for m in labels.values()]
    msgids += OBLIGATION_KINDS.values()
    untranslated = [m for m in msgids if m not in italian or not italian[m].string]
    assert not untranslated


def test_the_stage_labels_read_as_the_project_says_them() -> None:
    from domain.values import Stage

    italian = translations("it")
    assert [label(italian.gettext, stage) for stage in Stage] == [
        "Accoglienza",
        "Valutazione",
        "Pianificazione",
        "Attivo",
        "Uscita",
        "Verifica dopo l'uscita",
        "Chiuso",
    ]


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, None),
        ("", None),
        ("en-US,en;q=0.9", "en"),
        ("de-DE,en;q=0.3,it;q=0.7", "it"),
        ("fr, de", None),
        ("en;q=0", None),
        ("IT", "it"),
    ],
)
def test_accept_language(header: str | None, language: str | None) -> None:
    assert from_accept_language(header) == language


def test_the_session_choice_wins_then_the_account_then_the_browser() -> None:
    assert choose_language("en", "it", "it") == "en"
    assert choose_language(None, "en", "it") == "en"
    assert choose_language("xx", None, "en") == "en"
    assert choose_language(None, None, None) == "it"


def test_a_deadline_by_a_day_shows_that_day_in_italy() -> None:
    from datetime import date

    from domain.obligations import end_of
    from web.pages.render import environments

    due = end_of(date(2027, 1, 1))  # 23:00 UTC: the end of 1 January in Italy
    assert environments()["it"].filters["due"](due) == "1 gen 2027"
    assert environments()["en"].filters["due"](due) == "Jan 1, 2027"


def test_a_deadline_counted_in_hours_shows_its_italian_day_and_time() -> None:
    from datetime import UTC, datetime

    from web.pages.render import environments

    due = datetime(2026, 12, 8, 23, 30, tzinfo=UTC)  # 00:30 on 9 December in Italy
    assert environments()["it"].filters["due"](due) == "9 dic 2026, 00:30"
    assert environments()["en"].filters["due"](due) == "Dec 9, 2026, 12:30\u202fAM"


def test_every_counting_rule_has_its_italian_for_the_funder_report() -> None:
    """The rules are the catalogue's English text (domain/indicators/catalogue.py), which
    pybabel does not extract: this is what keeps their Italian from going stale."""
    from domain.indicators import CATALOGUE

    italian = catalog("it")
    missing = [
        i.indicator_id
        for i in CATALOGUE
        if (entry := italian.get(i.rule)) is None or not entry.string or entry.fuzzy
    ]
    assert not missing, f"translate in web/locales/it/LC_MESSAGES/messages.po: {missing}"
    assert translations("it").gettext(CATALOGUE[0].rule) == "è registrato il bilancio di competenze"
