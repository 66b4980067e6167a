"""The measure catalogue: every measure module declares every part of its rules.

A measure owns its steps, deadlines, payment kinds, indicator facts and label keys
(`domain.measures.spec.MeasureSpec`); the cross-cutting rules loop over the catalogue, so
a part a measure forgets is a rule that silently does nothing. These tests fail instead.
"""

from __future__ import annotations

import typing
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from domain.indicators import catalogue as indicators
from domain.indicators.facts import FACTS
from domain.measures import CATALOGUE, MeasureKind, MeasureSpec
from domain.measures.catalogue import SHARED_MODULES, measure_modules
from domain.measures.unions import MeasureDetails, MeasureOutcome, MeasureProgress
from domain.obligation_kinds import OBLIGATION_KINDS
from domain.payments.ledger import PaymentKind

ROOT = Path(__file__).resolve().parents[2]
SPECS = list(CATALOGUE.values())
NO_FACT_OF_THEIR_OWN = {MeasureKind.SKILLS_ASSESSMENT: "the assessment is in the state"}
"""Measures that make no indicator fact, and why."""


def italian() -> Catalog:
    with (ROOT / "web" / "locales" / "it" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale="it")


def label_keys(spec: MeasureSpec) -> list[str]:
    """Every msgid a measure declares: its name, its steps, its obligations, its payments."""
    return [
        *spec.labels.msgids(),
        *spec.deadlines.kinds.values(),
        *(rule.label for rule in spec.payments),
    ]


def union_members(union: object) -> set[type]:
    return set(typing.get_args(typing.get_args(union)[0]))


def test_every_measure_module_is_in_the_catalogue() -> None:
    files = {p.stem for p in (ROOT / "domain" / "measures").glob("*.py")} - {"__init__"}
    assert set(measure_modules()) == files - SHARED_MODULES
    registered = {spec.details.__module__.rsplit(".", 1)[1] for spec in SPECS}
    assert registered == set(measure_modules())
    assert {spec.kind for spec in SPECS} == set(MeasureKind)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: str(s.kind))
def test_a_measure_starts_and_completes_under_its_own_kind(spec: MeasureSpec) -> None:
    """The decider matches details and outcome to the measure by their `kind`."""
    assert spec.outcome.model_fields["kind"].default == spec.kind


def test_the_unions_hold_exactly_the_models_of_the_catalogue() -> None:
    assert union_members(MeasureDetails) == {spec.details for spec in SPECS}
    assert union_members(MeasureProgress) == {p for spec in SPECS for p in spec.progress}
    assert union_members(MeasureOutcome) == {spec.outcome for spec in SPECS}
    kinds = [k for spec in SPECS for k in spec.progress_kinds()]
    assert len(kinds) == len(set(kinds)), "a progress kind belongs to one measure"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: str(s.kind))
def test_a_measure_labels_itself_and_each_of_its_steps(spec: MeasureSpec) -> None:
    assert spec.labels.name
    steps = spec.progress_kinds()
    assert list(spec.labels.steps) == steps, "label each step as a form offers it"
    assert list(spec.labels.recorded) == steps, "label each step as the history shows it"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: str(s.kind))
def test_every_label_key_of_a_measure_has_its_italian(spec: MeasureSpec) -> None:
    catalog = italian()
    keys = label_keys(spec)
    assert all(keys)
    untranslated = [k for k in keys if k not in catalog or not catalog[k].string]
    assert not untranslated, f"translate in web/locales/it/LC_MESSAGES/messages.po: {untranslated}"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: str(s.kind))
def test_a_measure_makes_indicator_facts_that_an_indicator_reads(spec: MeasureSpec) -> None:
    names = spec.facts.names | {r.paid_fact for r in spec.payments if r.paid_fact is not None}
    if spec.kind in NO_FACT_OF_THEIR_OWN:
        assert not names
        return
    assert names, f"declare the indicator facts of {spec.kind} (or why it has none, here)"
    assert names <= spec.facts.names, "declare the facts its payments make true too"
    read = {fact for indicator in indicators.CATALOGUE for fact in indicator.facts}
    assert names <= read and names <= FACTS


def test_every_payment_kind_is_spent_on_exactly_one_measure() -> None:
    declared = Counter(rule.kind for spec in SPECS for rule in spec.payments)
    assert set(declared) == set(PaymentKind)
    assert max(declared.values()) == 1


def test_the_obligations_of_measures_are_labelled_where_obligations_are() -> None:
    for spec in SPECS:
        for kind, label in spec.deadlines.kinds.items():
            assert OBLIGATION_KINDS[kind] == label


def fields_of(spec: MeasureSpec) -> set[str]:
    """Every field of a measure's models and the models inside them, as name and Model.name."""
    found: set[str] = set()
    models = [spec.details, *spec.progress, spec.outcome]
    while models:
        model = models.pop()
        for name, info in model.model_fields.items():
            found |= {name, f"{model.__name__}.{name}"}
            inner = [info.annotation, *typing.get_args(info.annotation)]
            models += [t for t in inner if isinstance(t, type) and hasattr(t, "model_fields")]
    return found


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: str(s.kind))
def test_a_measure_labels_only_fields_it_has(spec: MeasureSpec) -> None:
    assert set(spec.labels.fields) <= fields_of(spec)
    assert set(spec.labels.hints) <= fields_of(spec)


def test_no_two_measures_label_the_same_field_or_enum() -> None:
    for part in ("fields", "hints", "options"):
        keys = Counter(key for spec in SPECS for key in getattr(spec.labels, part))
        assert not [key for key, n in keys.items() if n > 1], f"shared {part}: label by Model.field"
