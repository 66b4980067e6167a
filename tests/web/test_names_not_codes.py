"""Pages name things as people do: measures, languages, countries, budget lines, people."""

from __future__ import annotations

from web.i18n import translations
from web.pages.describe import Describer
from web.pages.labels import (
    budget_line_name,
    country_name,
    language_name,
    measure_name,
    name_codes,
)
from web.pages.widgets import countries

ITALIAN = translations("it").gettext


def test_a_measure_id_reads_as_its_kind_and_ordinal() -> None:
    assert measure_name(ITALIAN, "training_course-1") == "Corso di formazione (1)"
    assert measure_name(ITALIAN, "work_grant-12").endswith(" (12)")
    assert "work_grant" not in measure_name(ITALIAN, "work_grant-12")
    # An id a person typed in another shape stays as typed.
    assert measure_name(ITALIAN, "course") == "course"
    assert measure_name(ITALIAN, "unknown_kind-1") == "unknown_kind-1"


def test_languages_and_countries_read_by_name_in_the_readers_language() -> None:
    assert language_name("it", "vi") == "vietnamita"
    assert language_name("en", "vi") == "Vietnamese"
    assert country_name("it", "GN") == "Guinea"
    assert country_name("it", "gn") == "Guinea"
    assert country_name("it", "XX") == "XX", "an unknown code is shown as it is"


def test_the_describer_names_a_recorded_language() -> None:
    describe = Describer(ITALIAN, "it")
    assert describe.text("vi", "language") == "vietnamita"
    assert describe.text("vi", "assessor") == "vi", "only language fields are languages"


def test_the_nationality_picker_lists_countries_by_italian_name() -> None:
    picked = countries("it")
    codes = [code for code, _ in picked]
    assert ("GN", "Guinea") in picked and ("CI", "Costa d’Avorio") in picked
    assert "EU" not in codes and "ZZ" not in codes and "001" not in codes
    names = [name for _, name in picked]
    assert names == sorted(names)


def test_a_budget_line_is_headed_by_its_work_package_and_kind() -> None:
    name = budget_line_name(ITALIAN, "wp2_housing.furniture")
    assert name is not None and name.startswith("WP2 ") and "furniture" not in name
    assert budget_line_name(ITALIAN, "somewhere.else") is None


def test_codes_composed_into_a_choice_or_a_reference_are_named() -> None:
    text = name_codes(ITALIAN, "work_grant-2 · work_grant_allowance · 2026-11 · 410.77 €")
    assert "work_grant" not in text and text.startswith("Borsa lavoro") and "2026-11" in text
    reference = name_codes(ITALIAN, "work_grant_attendance:work_grant-2:2026-11")
    assert "work_grant" not in reference and "2026-11" in reference
    assert name_codes(ITALIAN, "Anna Quarta") == "Anna Quarta"
