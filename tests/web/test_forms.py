"""The form generator: schema → fields, form data → the command, errors → the fields."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from pydantic import AwareDatetime, BaseModel, ValidationError

from domain.affordances import PEOPLE_COMMANDS
from domain.commands import (
    COMMAND_ADAPTER,
    CompleteMeasure,
    ProposePlan,
    RecordMeasureProgress,
    RecordSkillsAssessment,
    StartMeasure,
)
from domain.measures import CATALOGUE, spec_for_progress
from tests.scenarios import ASSESSMENT, OPEN
from tests.workflows.journey import full_journey
from web.i18n import translations
from web.pages import form_input, forms
from web.pages.commands import opening_specs
from web.pages.forms import FieldSpec, Kind, Message
from web.pages.widgets import translate, widgets

VARIANT_PARTS = {
    StartMeasure: "details",
    RecordMeasureProgress: "progress",
    CompleteMeasure: "outcome",
}
ITALIAN = translations("it").gettext
ROOT = Path(__file__).resolve().parents[2]


def every_form() -> list[tuple[str, tuple[FieldSpec, ...]]]:
    """Each command form people fill in, with each measure kind's variants."""
    found = [("open_pathway", opening_specs(None))]
    for command in PEOPLE_COMMANDS:
        part = VARIANT_PARTS.get(command)
        if part is None:
            found.append((command.__name__, forms.specs_for(command)))
            continue
        for spec in CATALOGUE.values():
            models = {
                "details": (spec.details,),
                "outcome": (spec.outcome,),
                "progress": spec.progress,
            }[part]
            for model in models:
                specs = forms.specs_for(command, variants={part: model})
                found.append((f"{command.__name__}/{model.__name__}", specs))
    return found


def walk(specs: tuple[FieldSpec, ...]) -> list[FieldSpec]:
    found = []
    for spec in specs:
        found.append(spec)
        found += walk(spec.children)
        if spec.item is not None:
            found += walk((spec.item,))
    return found


def specs_for_command(command: dict[str, Any]) -> tuple[FieldSpec, ...]:
    """The specs a page draws for a command document (measure forms by their kind)."""
    model = next(c for c in PEOPLE_COMMANDS if c.model_fields["type"].default == command["type"])
    part = VARIANT_PARTS.get(model)
    if part is None:
        return forms.specs_for(model)
    kind = command[part]["kind"]
    if part == "progress":
        variant = next(
            p for p in spec_for_progress(kind).progress if p.model_fields["kind"].default == kind
        )
    else:
        variant = CATALOGUE[kind].details if part == "details" else CATALOGUE[kind].outcome
    return forms.specs_for(model, variants={part: variant})


def test_every_field_and_option_of_every_form_has_an_italian_label() -> None:
    with (ROOT / "web/locales/it/LC_MESSAGES/messages.po").open("rb") as po:
        italian = read_po(po, locale="it")
    seen = every_form()
    assert len(seen) > 40
    for name, specs in seen:
        for spec in walk(specs):
            texts = [spec.label] if spec.kind != Kind.CONST else []
            texts += [msgid for _, msgid in spec.options]
            texts += [spec.hint] if spec.hint else []
            for text in texts:
                entry = italian.get(text)
                assert entry is not None and entry.string, f"{name}.{spec.name}: {text!r}"


def test_the_schema_gives_each_field_its_widget() -> None:
    opening = {s.name: s for s in opening_specs(None)}
    assert "policy" not in opening and "pathway_id" not in opening
    assert "organisation_id" not in opening and "caseworker_id" not in opening
    beneficiary = {s.name: s for s in opening["beneficiary"].children}
    assert beneficiary["nationality"].kind == Kind.COUNTRY
    assert beneficiary["birth_date"].kind == Kind.DATE
    assert beneficiary["gender"].kind == Kind.ENUM
    assert ("female", "Female") in beneficiary["gender"].options
    assert beneficiary["phone"].kind == Kind.STRING and not beneficiary["phone"].required
    minors = {s.name: s for s in opening["household"].children}["minors"]
    assert minors.kind == Kind.LIST and minors.item is not None
    assert minors.item.kind == Kind.OBJECT
    birth_year = {s.name: s for s in minors.item.children}["birth_year"]
    assert (birth_year.kind, birth_year.minimum, birth_year.maximum) == (Kind.INT, 1990, 2100)
    assessment = {s.name: s for s in forms.specs_for(RecordSkillsAssessment)[1].children}
    assert assessment["titles_held"].item is not None
    assert assessment["titles_held"].item.kind == Kind.STRING
    assert assessment["work_experience"].kind == Kind.TEXT
    assert assessment["digital_skills"].kind == Kind.BOOL
    plan = {s.name: s for s in forms.specs_for(ProposePlan)}
    assert (plan["measures"].min_items, plan["measures"].max_items) == (1, 50)
    grant = CATALOGUE[next(k for k in CATALOGUE if k.value == "work_grant")]
    details = forms.specs_for(StartMeasure, variants={"details": grant.details})
    fields = {s.name: s for s in details[2].children}
    assert fields["kind"].kind == Kind.CONST and fields["kind"].const == "work_grant"
    assert fields["monthly_allowance"].kind == Kind.MONEY
    attendance = forms.specs_for(RecordMeasureProgress, variants={"progress": grant.progress[0]})
    assert {s.name: s for s in attendance[2].children}["month"].kind == Kind.MONTH


class Appointment(BaseModel):
    on: AwareDatetime
    hours: float


def test_datetimes_and_numbers_have_their_widgets() -> None:
    specs = forms.specs_for(Appointment)
    assert [s.kind for s in specs] == [Kind.DATETIME, Kind.NUMBER]
    doc, _ = form_input.document(specs, {"on": "2026-03-02T09:30", "hours": "7.5"})
    parsed = Appointment.model_validate(doc)
    assert parsed.on.isoformat() == "2026-03-02T09:30:00+01:00", "read in Italian time"
    assert parsed.hours == 7.5


def test_a_move_in_asks_for_its_time_of_day_beside_its_date() -> None:
    from domain.measures.housing_placement import MovedIn

    specs = {s.name: s for s in forms.specs_for(MovedIn)}
    assert specs["on"].kind == Kind.DATE and specs["at"].kind == Kind.TIME
    assert not specs["at"].required, "only family hosting needs it (time_required)"
    doc, _ = form_input.document(
        tuple(specs.values()), {"kind": "moved_in", "on": "2026-12-06", "at": "22:30"}
    )
    assert MovedIn.model_validate(doc).instant() == datetime(2026, 12, 6, 21, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "command",
    [OPEN, ASSESSMENT] + [c for c, _ in full_journey(date(2026, 3, 2))],
    ids=lambda c: c["type"],
)
def test_a_command_filled_in_as_a_form_is_the_command(command: dict[str, Any]) -> None:
    """Round trip: the form data a person would enter gives back the very same command."""
    server_side = {"type", "pathway_id", "organisation_id", "caseworker_id"}
    opening = command["type"] == "open_pathway"
    specs = opening_specs(None) if opening else specs_for_command(command)
    data = form_input.flatten({k: v for k, v in command.items() if k not in server_side})
    document, renamed = form_input.document(specs, data)
    assert renamed == {}
    document.update({k: v for k, v in command.items() if k in server_side - {"type"}})
    expected = COMMAND_ADAPTER.validate_python(command)
    assert COMMAND_ADAPTER.validate_python(document) == expected


def test_form_data_becomes_the_nested_document() -> None:
    specs = opening_specs(None)
    data = {
        "beneficiary.given_name": "  Amina ",
        "beneficiary.phone": "",
        "household.adults": "2",
        "household.pregnancy_declared": "on",
        "household.minors.0.minor_id": "",
        "household.minors.0.birth_year": "",
        "household.minors.3.minor_id": "m2",
        "household.minors.3.birth_year": "2020",
        "reception_centre.kind": "sai",
        "reception_centre.name": "",
    }
    document, renamed = form_input.document(specs, data)
    assert document["type"] == "open_pathway"
    assert document["beneficiary"] == {"given_name": "Amina"}, "empty inputs are left out"
    assert document["household"] == {
        "adults": "2",
        "minors": [{"minor_id": "m2", "birth_year": "2020"}],
        "pregnancy_declared": True,
    }, "the empty row is dropped"
    assert renamed == {"household.minors.0": "household.minors.3"}
    assert document["reception_centre"] == {"kind": "sai"}
    assert "permit_expires_on" not in document


def test_an_unticked_box_is_false_and_an_optional_group_left_empty_is_absent() -> None:
    specs = forms.specs_for(RecordSkillsAssessment)
    document, _ = form_input.document(
        specs, {"assessment.education": "primary", "assessment.titles_held.0": " "}
    )
    assert document["assessment"]["digital_skills"] is False
    assert document["assessment"]["titles_held"] == []
    assert document["assessment"]["languages"] == []


def test_validation_errors_go_back_to_the_row_the_person_sees() -> None:
    specs = forms.specs_for(ProposePlan)
    data = {
        "measures.0.kind": "",
        "measures.0.target_date": "",
        "measures.2.measure_id": "x",
        "measures.2.kind": "mobility",
        "measures.2.target_date": "not a date",
    }
    document, renamed = form_input.document(specs, data)
    with pytest.raises(ValidationError) as caught:
        COMMAND_ADAPTER.validate_python(document)
    errors = form_input.field_errors(caught.value, skip=1, renamed=renamed)
    assert list(errors) == ["measures.2.target_date"], "the empty row 0 is no error"
    assert errors["measures.2.target_date"].msgid == "Enter a date."
    with pytest.raises(ValidationError) as empty:
        COMMAND_ADAPTER.validate_python({"type": "propose_plan", "measures": []})
    too_few = form_input.field_errors(empty.value, skip=1)["measures"]
    assert too_few.msgid == "Add at least %(min_length)s."
    assert translate(ITALIAN, too_few) == "Aggiungine almeno 1."


def test_widgets_keep_the_input_and_show_each_error_beside_its_field() -> None:
    specs = forms.specs_for(ProposePlan)
    data = {"measures.0.measure_id": "italian", "measures.5.kind": "mobility", "note": "x"}
    errors = {
        "measures.5.target_date": Message("Fill in this field."),
        "end_date": Message("Enter a date."),
        "elsewhere": Message("This value is not valid."),
    }
    form = widgets(specs, data, errors, ITALIAN, form_id="f", language="it")
    by_name = {w.name: w for w in form.widgets}
    measures = by_name["measures"]
    assert [row.name for row in measures.children] == ["measures.0", "measures.5"]
    assert measures.next_index == 6
    row = {w.name: w for w in measures.children[1].children}
    assert row["measures.5.kind"].value == "mobility"
    assert ("mobility", "Mobilità") in row["measures.5.kind"].options
    assert row["measures.5.target_date"].error == "Compila questo campo."
    assert row["measures.5.target_date"].id == "f--measures--5--target_date"
    assert by_name["end_date"].error == "Inserisci una data."
    assert form.errors == ["Questo valore non è valido."], "an error no field shows"
    assert form.marked == 2
    fresh = widgets(specs, {}, {}, ITALIAN, form_id="f", language="it", blank_rows=3)
    assert len({w.name: w for w in fresh.widgets}["measures"].children) == 3


def test_a_country_is_chosen_by_its_name_in_the_readers_language() -> None:
    specs = opening_specs(None)
    form = widgets(
        specs, {"beneficiary.nationality": "GN"}, {}, ITALIAN, form_id="f", language="it"
    )
    nationality = {w.name: w for w in form.widgets[1].children}["beneficiary.nationality"]
    assert ("GN", "Guinea") in nationality.options and nationality.value == "GN"
    assert ("IT", "Italia") in nationality.options


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("800", 80000),
        ("1.234,50", 123450),
        ("1234.5", 123450),
        ("1.234", 123400),
        ("€ 12,05", 1205),
        ("dodici", "dodici"),
        ("0,001", "0,001"),
    ],
)
def test_euro_as_people_write_them(text: str, cents: int | str) -> None:
    assert form_input.euro_cents(text) == cents


def test_rows_are_added_and_removed_without_javascript() -> None:
    data = {"measures.0.kind": "mobility", "measures.1.kind": "", "_add": "measures"}
    assert form_input.edit_rows(data)
    assert form_input.list_indices(data, "measures") == [0, 1, 2]
    data["_remove"] = "measures.0"
    assert form_input.edit_rows(data)
    assert form_input.list_indices(data, "measures") == [1, 2]
    assert not form_input.edit_rows(data), "nothing asked"


def test_defaults_and_current_values_prefill_a_form() -> None:
    specs = opening_specs(None)
    assert form_input.defaults(specs) == {"household.adults": "1"}
    assert form_input.flatten(
        {"household": {"adults": 2, "minors": [{"minor_id": "m1"}], "pregnancy_declared": False}}
    ) == {
        "household.adults": "2",
        "household.minors.0.minor_id": "m1",
    }
