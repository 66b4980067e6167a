"""The measure catalogue: every measure module declares every part of its rules.

A measure owns its steps, deadlines, payment kinds, indicator facts and label keys
(`domain.measures.spec.MeasureSpec`); the cross-cutting rules loop over the catalogue, so
a part a measure forgets is a rule that silently does nothing. These tests fail instead.
The last ones add a throw-away measure module to a copy of the domain and show that it is
a kind with nothing else edited but its labels (docs/adding-a-measure.md).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import typing
from collections import Counter
from pathlib import Path
from subprocess import CompletedProcess

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


# --- adding a measure is one module and its labels -------------------------------------------

HOME_VISIT = '''"""A home visit: the throw-away measure of tests/unit/test_measure_catalogue.py."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from domain.fact_dates import FactDate
from domain.measures.base import Details, Measure, Outcome, Progress
from domain.measures.spec import (
    Fact,
    IndicatorFacts,
    MeasureDeadlines,
    MeasureLabels,
    MeasureSpec,
    Owing,
)
from domain.values import ShortText, WorkPackage


class HomeVisitDetails(Details):
    kind: Literal["home_visit"] = "home_visit"
    visitor: ShortText
    start_on: date


class HomeVisitMade(Progress):
    kind: Literal["home_visit_made"] = "home_visit_made"
    on: FactDate


class HomeVisitOutcome(Outcome):
    kind: Literal["home_visit"] = "home_visit"
    completed_on: FactDate


def _owe(owing: Owing, measure: Measure) -> None:
    if measure.started_on is not None and not measure.progress_of(HomeVisitMade):
        due = owing.end_of(measure.started_on + timedelta(days=14))
        anchor = owing.day_start(measure.started_on)
        mid = measure.measure_id
        owing.add(f"measure:{mid}:visit", "home_visit", anchor, due, mid)


def _facts(measure: Measure) -> list[Fact]:
    return [Fact("social_cohesion")] if measure.progress_of(HomeVisitMade) else []


SPEC = MeasureSpec(
    work_package=WorkPackage.SOCIO_CULTURAL,
    details=HomeVisitDetails,
    progress=(HomeVisitMade,),
    outcome=HomeVisitOutcome,
    deadlines=MeasureDeadlines(kinds={"home_visit": "Make the home visit"}, owe=_owe),
    payments=(),
    facts=IndicatorFacts(names=frozenset({"social_cohesion"}), of=_facts),
    labels=MeasureLabels(
        name="Home visit",
        steps={"home_visit_made": "Made a home visit"},
        recorded={"home_visit_made": "Made the home visit"},
        fields={"visitor": "Visitor"},
    ),
)
'''
"""A whole measure, in the shape docs/adding-a-measure.md gives: a deadline of its own and
a fact that an indicator reads (the social-cohesion one)."""

ITALIAN = {
    "Home visit": "Visita domiciliare",
    "Made a home visit": "Visita domiciliare svolta",
    "Made the home visit": "Ha svolto la visita domiciliare",
    "Visitor": "Operatore in visita",
    "Make the home visit": "Svolgere la visita domiciliare",
}
"""Its labels, as a person adds them to web/locales/it/LC_MESSAGES/messages.po."""

ITS_RULES = '''"""The throw-away home visit, through the rules that loop over the catalogue."""

import json

from domain.commands import COMMAND_ADAPTER
from domain.indicators.facts import FACTS, facts
from domain.measures import CATALOGUE, MeasureKind
from domain.obligation_kinds import OBLIGATION_KINDS
from domain.obligations import obligations
from tests.scenarios import Scenario
from tests.unit.test_measures_work import progress, start

VISIT = {"kind": "home_visit", "visitor": "A. Greco", "start_on": "2026-03-03"}


def test_it_is_a_kind_with_its_spec() -> None:
    assert MeasureKind.HOME_VISIT in CATALOGUE
    assert OBLIGATION_KINDS["home_visit"] == "Make the home visit"
    assert "social_cohesion" in FACTS


def test_a_command_carrying_its_details_parses() -> None:
    body = {"type": "start_measure", "measure_id": "hv", "details": VISIT}
    command = COMMAND_ADAPTER.validate_json(json.dumps(body))
    assert type(command.details).__name__ == "HomeVisitDetails"


def test_it_owes_its_visit_and_makes_its_fact() -> None:
    s = Scenario().active(("hv", "home_visit")).given(start("hv", **VISIT))
    assert "home_visit" in {o.kind for o in obligations(s.state)}
    assert "social_cohesion" not in facts(s.state)
    s.given(progress("hv", kind="home_visit_made", on="2026-03-04"))
    assert "home_visit" not in {o.kind for o in obligations(s.state)}
    assert "social_cohesion" in facts(s.state)
'''
"""Specifications of the throw-away measure, run against the copy that holds it."""


def domain_with(tmp_path: Path, module: str, italian: dict[str, str]) -> Path:
    """A copy of domain/, its Italian catalog and these tests, with `module` as a measure."""
    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "domain", copy / "domain")  # its bytecode too: it stays valid
    po = copy / "web" / "locales" / "it" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    added = "".join(f'\nmsgid "{en}"\nmsgstr "{it}"\n' for en, it in italian.items())
    po.write_text((ROOT / po.relative_to(copy)).read_text(encoding="utf-8") + added, "utf-8")
    (copy / "tests" / "unit").mkdir(parents=True)
    for name in ("__init__.py", "scenarios.py", "unit/__init__.py", "unit/test_measures_work.py"):
        shutil.copy(ROOT / "tests" / name, copy / "tests" / name)
    shutil.copy(Path(__file__), copy / "tests" / "unit" / "test_measure_catalogue.py")
    (copy / "tests" / "unit" / "test_home_visit.py").write_text(ITS_RULES, "utf-8")
    (copy / "domain" / "measures" / "home_visit.py").write_text(module, "utf-8")
    return copy


def run(copy: Path, *args: str) -> CompletedProcess[str]:
    """Python in `copy`, which finds the copy's domain before this one."""
    env = {
        **os.environ,
        "PYTHONPATH": str(copy),
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    return subprocess.run(
        [sys.executable, *args], cwd=copy, env=env, capture_output=True, text=True, timeout=120
    )


def catalogue_tests(copy: Path, *paths: str, only: str = "not copy") -> CompletedProcess[str]:
    """These tests (but the ones that copy) and the home visit's, in the copy."""
    paths = paths or ("tests/unit/test_measure_catalogue.py", "tests/unit/test_home_visit.py")
    pytest_args = ("-v", "-p", "no:cacheprovider", "--rootdir", str(copy), "-k", only, *paths)
    return run(copy, "-m", "pytest", *pytest_args)


def test_a_new_measure_module_with_its_labels_is_a_whole_kind_in_the_copy(
    tmp_path: Path,
) -> None:
    copy = domain_with(tmp_path, HOME_VISIT, ITALIAN)

    result = catalogue_tests(copy)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "test_every_label_key_of_a_measure_has_its_italian[home_visit] PASSED" in result.stdout
    assert "test_it_owes_its_visit_and_makes_its_fact PASSED" in result.stdout


def test_a_new_measure_without_its_italian_fails_naming_the_label_in_the_copy(
    tmp_path: Path,
) -> None:
    copy = domain_with(tmp_path, HOME_VISIT, {**ITALIAN, "Visitor": ""})

    result = catalogue_tests(copy, "tests/unit/test_measure_catalogue.py", only="home_visit")

    assert result.returncode == 1
    assert "test_every_label_key_of_a_measure_has_its_italian[home_visit]" in result.stdout
    assert "['Visitor']" in result.stdout


@pytest.mark.parametrize(
    ("module", "named"),
    [
        (HOME_VISIT.replace("    payments=(),\n", ""), "'payments'"),
        (HOME_VISIT.replace("SPEC = MeasureSpec(", "VISIT = MeasureSpec("), "declares no SPEC"),
    ],
    ids=["a part missing", "no spec"],
)
def test_a_measure_module_missing_a_part_fails_the_import_naming_it_in_the_copy(
    tmp_path: Path, module: str, named: str
) -> None:
    copy = domain_with(tmp_path, module, ITALIAN)

    result = run(copy, "-c", "import domain.measures")

    assert result.returncode == 1
    assert named in result.stderr and "domain/measures/home_visit.py" in result.stderr
