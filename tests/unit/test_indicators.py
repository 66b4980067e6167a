"""FAMI indicators: every indicator against a hand-computed caseload; facts over time;
dimensions; small-cell suppression; targets (and their file); facts as a function of state."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.decider import decide
from domain.errors import DomainError
from domain.evolution import evolve, fold
from domain.indicators import (
    AGE_BANDS,
    BY_ID,
    CATALOGUE,
    DEFAULT_TARGETS,
    FACTS,
    Dimensions,
    Indicator,
    Target,
    age_band,
    dimensions,
    facts,
    ratio,
    suppress,
    suppress_table,
    unsuppressed_ratio,
)
from domain.indicators.dimensions import age_on
from domain.indicators.facts import OWNED_BY, owned_by
from domain.payments.ledger import PaymentKind
from domain.payments.rules import SYSTEM_BANK
from domain.records import EventRecord
from domain.state import PathwayState
from domain.stream import record_events
from domain.values import Actor, Gender, ProtectionStatus, WorkPackage
from infra.indicators.targets import TargetsFileError, load_targets
from tests.scenarios import ASSESSMENT, CONDITION, OPEN, SUPERVISOR, Scenario, plan
from tests.unit.payment_scenarios import BENEFICIARY, SUPPORT, approve, outcome, pid, request
from tests.unit.test_measures_work import complete, progress, start
from tests.unit.test_properties import POOL, steps

# --- a small fixed caseload ---------------------------------------------------------------


def opened(birth_date: str, gender: str, minors: list[dict[str, Any]] | None = None) -> Scenario:
    beneficiary = {**OPEN["beneficiary"], "birth_date": birth_date, "gender": gender}
    household = {"adults": 1, "minors": minors if minors is not None else []}
    return Scenario().given({**OPEN, "beneficiary": beneficiary, "household": household})


def baselined(s: Scenario, **condition: Any) -> Scenario:
    return s.given({"type": "record_baseline", "condition": {**CONDITION, **condition}}).given(
        ASSESSMENT
    )


def approved(s: Scenario, *measures: tuple[str, str]) -> Scenario:
    return s.given(plan(*measures)).given({"type": "approve_plan"}, SUPERVISOR)


def exited(s: Scenario, **condition: Any) -> Scenario:
    outcomes = {**CONDITION, **condition}
    return s.given({"type": "record_exit", "reason": "autonomy", "outcomes": outcomes})


def title(s: Scenario, measure_id: str, result: str) -> Scenario:
    details = {"title": "Diploma", "route": "competence_validation", "start_on": "2026-03-03"}
    return (
        s.given(start(measure_id, kind="title_recognition", **details))
        .given(
            progress(
                measure_id, kind="title_submitted", authority="Regione", submitted_on="2026-03-04"
            )
        )
        .given(
            complete(measure_id, kind="title_recognition", result=result, decided_on="2026-05-04")
        )
    )


def paid_furniture(s: Scenario) -> Scenario:
    return (
        s.given(start("support", **SUPPORT))
        .given(request("furniture", 80_000))
        .given(approve(pid("furniture")), SUPERVISOR)
        .given(outcome(pid("furniture")), SYSTEM_BANK)
    )


def school(s: Scenario, measure_id: str, minor_id: str) -> Scenario:
    details = {"minor_id": minor_id, "school": "IC Lecce", "start_on": "2026-03-03"}
    return s.given(start(measure_id, kind="school_support", **details))


def amina() -> Scenario:
    """Woman, 31 at opening; inactive, in hardship and marginality at baseline, not at exit."""
    s = baselined(
        opened(
            "1994-05-17",
            "female",
            [{"minor_id": "m1", "birth_year": 2019}, {"minor_id": "m2", "birth_year": 2021}],
        )
    )
    approved(
        s,
        ("title", "title_recognition"),
        ("pc", "training_course"),
        ("cc", "childcare"),
        ("bike", "mobility"),
        ("wg", "work_grant"),
        ("home", "housing_placement"),
        ("support", "economic_support"),
        ("school1", "school_support"),
        ("school1b", "school_support"),
        ("school2", "school_support"),
    )
    title(s, "title", "issued")
    course = {"subject": "digital_skills", "title": "Informatica di base", "provider": "CPIA"}
    s.given(start("pc", kind="training_course", planned_hours=40, start_on="2026-03-03", **course))
    s.given(complete("pc", kind="training_course", certificate=False, completed_on="2026-04-30"))
    s.given(
        start(
            "cc",
            kind="childcare",
            provider="Coop",
            hours_per_week=8,
            minor_ids=["m1"],
            start_on="2026-03-03",
        )
    )
    s.given(start("bike", kind="mobility", route="bicycle", start_on="2026-03-03"))
    s.given(complete("bike", kind="mobility", result="bicycle_delivered", on="2026-03-05"))
    s.given(
        start(
            "wg",
            kind="work_grant",
            host_company="Sartoria Salentina",
            tutor="G. Rizzo",
            start_on="2026-04-01",
            end_on="2026-09-30",
            hours_per_week=20,
            monthly_allowance=50_000,
        )
    )
    home = {"solution": "family_hosting", "start_on": "2026-03-03", "host_reference": "Famiglia 12"}
    s.given(start("home", kind="housing_placement", **home))
    s.given(progress("home", kind="moved_in", on="2026-03-04", at="10:00"))
    paid_furniture(s)
    # Two school years for m1 and one for m2: two minors supported.
    school(school(school(s, "school1", "m1"), "school1b", "m1"), "school2", "m2")
    return exited(
        s,
        employment="employed",
        housing_hardship=False,
        social_marginality=False,
        digital_skills=True,
        self_esteem=30,
    )


def bakary() -> Scenario:
    """Man, 18 at opening (19 the next day); active, no exit yet."""
    s = baselined(
        opened("2007-03-03", "male"),
        employment="unemployed",
        social_marginality=False,
        self_esteem=22,
    )
    approved(
        s,
        ("it", "training_course"),
        ("fest", "social_event"),
        ("club", "association_membership"),
        ("co", "housing_placement"),
        ("se", "self_employment_orientation"),
    )
    course = {"subject": "italian_l2", "title": "Italiano A2", "provider": "CPIA"}
    s.given(start("it", kind="training_course", planned_hours=100, start_on="2026-03-03", **course))
    s.given({"type": "cancel_measure", "measure_id": "it", "reason": "Enrolled by mistake"})
    s.given(start("fest", kind="social_event", programme="Festa dei popoli", start_on="2026-03-03"))
    s.given(progress("fest", kind="event_participation", event="Cena", on="2026-03-10"))
    s.given(
        start(
            "club",
            kind="association_membership",
            association="ASD Lecce",
            category="sports",
            start_on="2026-03-03",
        )
    )
    s.given(progress("club", kind="membership_joined", on="2026-03-12"))
    s.given(start("co", kind="housing_placement", solution="cohousing", start_on="2026-03-03"))
    s.given(progress("co", kind="moved_in", on="2026-03-05"))
    return s.given(
        start(
            "se",
            kind="self_employment_orientation",
            provider="Camera di Commercio",
            start_on="2026-03-03",
        )
    )


def rosa() -> Scenario:
    """Woman, 56 at opening; still inactive at exit, and now in housing hardship."""
    s = baselined(opened("1970-01-01", "female"), housing_hardship=False, self_esteem=25)
    approved(s, ("title", "title_recognition"), ("car", "mobility"))
    title(s, "title", "refused")
    s.given(start("car", kind="mobility", route="driving_licence", start_on="2026-03-03"))
    for step, day in (("enrolled", "03"), ("theory_passed", "20"), ("practical_passed", "30")):
        s.given(progress("car", kind="mobility_step", step=step, on=f"2026-03-{day}"))
    s.given(complete("car", kind="mobility", result="licence_obtained", on="2026-04-02"))
    return exited(s, housing_hardship=True, self_esteem=20)


def totals(states: list[PathwayState]) -> Counter[str]:
    summed: Counter[str] = Counter()
    for state in states:
        summed.update(facts(state))
    return summed


EXPECTED: dict[str, int | tuple[int, int]] = {
    "skills_assessed": 3,
    "certified_competences": 1,  # Amina's title issued; Rosa's refused
    "digital_skills": 1,  # completed without a certificate: still counts
    "childcare": 1,
    "mobility": 2,  # Amina's bicycle, Rosa's licence
    "training": 1,  # Amina's course; Bakary's was cancelled before any attendance
    "work_grant": 1,  # started, no attendance yet
    "self_employment_orientation": 1,
    "female_inactivity_baseline": (2, 2),
    "female_inactivity_exit": (1, 2),  # Amina employed, Rosa still inactive
    "cohousing": 1,
    "family_hosting": 1,
    "economic_support": 1,
    "economic_support_furniture": 1,
    "economic_support_utilities": 0,
    "economic_support_rent_advance": 0,
    "economic_support_work_grant_allowance": 0,
    "economic_support_childcare": 0,
    "economic_support_mobility": 0,
    "economic_support_course_fee": 0,
    "housing_hardship_baseline": (2, 3),  # Amina, Bakary
    "housing_hardship_exit": (1, 2),  # Rosa only (Bakary has not exited)
    "social_cohesion": 1,
    "group_events_held": 0,  # none in this caseload: tests/unit/test_group_activities.py
    "group_participations": 0,
    "group_participants": 0,
    "association_member": 1,
    "minors_school_support": 2,  # m1 (two measures) and m2
    "social_marginality_baseline": (2, 3),
    "social_marginality_exit": (1, 2),
    "self_esteem_baseline": (18 + 22 + 25, 3),
    "self_esteem_exit": (30 + 20, 2),
    "digital_skills_baseline": (0, 3),
    "digital_skills_exit": (1, 2),
    # The headline outcomes: tests/unit/test_outcome_indicators.py tries each rule.
    "beneficiaries_reached": 3,
    "beneficiaries_reached_wp1_work": 3,
    "beneficiaries_reached_wp2_housing": 2,  # Amina's home, Bakary's cohousing
    "beneficiaries_reached_wp3_socio_cultural": 2,
    "pathways_activated": 3,
    "pathways_activated_wp1_work": 3,
    "pathways_activated_wp2_housing": 2,  # Amina's and Bakary's homes
    "pathways_activated_wp3_socio_cultural": 2,  # Amina's school support, Bakary's club
    "left_reception": (0, 2),  # both exits still in reception
    "housing_autonomy_baseline": (0, 3),
    "housing_autonomy_exit": (0, 2),
    "exit_housing_private_rental": 0,
    "exit_housing_social_housing": 0,
    "exit_housing_cohousing": 0,
    "exit_housing_family_hosting": 0,
    "employed_baseline": (0, 3),
    "employed_exit": (1, 2),  # Amina
    "job_stability": (0, 0),  # no follow-up yet
    "hired_after_work_grant": 0,
    "business_started": 0,
    "mobility_autonomy_baseline": (0, 3),
    "mobility_autonomy_exit": (0, 2),  # the bicycle and licence are not in the conditions
    "autonomy_reached_work": (1, 2),
    "autonomy_reached_housing": (0, 2),
    "autonomy_reached_mobility": (0, 2),
}


@pytest.fixture(scope="module")
def caseload() -> list[PathwayState]:
    return [amina().state, bakary().state, rosa().state]


def test_the_expectation_covers_the_whole_catalogue() -> None:
    assert set(EXPECTED) == set(BY_ID)


@pytest.mark.parametrize("indicator", CATALOGUE, ids=lambda i: i.indicator_id)
def test_each_indicator_on_the_fixed_caseload(
    indicator: Indicator, caseload: list[PathwayState]
) -> None:
    summed = totals(caseload)
    figure = (
        summed[indicator.numerator_fact]
        if indicator.denominator_fact is None
        else (summed[indicator.numerator_fact], summed[indicator.denominator_fact])
    )
    assert figure == EXPECTED[indicator.indicator_id]


def test_means_and_rates_of_the_caseload(caseload: list[PathwayState]) -> None:
    summed = totals(caseload)

    def exact(indicator_id: str) -> float | None:
        i = BY_ID[indicator_id]
        assert i.denominator_fact is not None
        return unsuppressed_ratio(i, summed[i.numerator_fact], summed[i.denominator_fact])

    assert exact("self_esteem_baseline") == pytest.approx(65 / 3)
    assert exact("self_esteem_exit") == 25.0
    assert exact("female_inactivity_exit") == 0.5
    # Three beneficiaries are below any export threshold: every ratio is suppressed there.
    i = BY_ID["self_esteem_baseline"]
    assert ratio(i, 65, 3) is None


# --- facts over time ----------------------------------------------------------------------


def facts_after_each_event(s: Scenario) -> list[dict[str, int]]:
    state, seen = PathwayState(), []
    for record in s.records:
        state = evolve(state, record)
        seen.append(facts(state))
    return seen


def test_a_fact_appears_and_disappears_with_the_state() -> None:
    s = approved(baselined(opened("1990-01-01", "male")), ("it", "training_course"))
    assert "training" not in facts(s.state)
    course = {"subject": "italian_l2", "title": "Italiano", "provider": "CPIA"}
    s.given(start("it", kind="training_course", planned_hours=100, start_on="2026-03-03", **course))
    assert facts(s.state)["training"] == 1
    s.given({"type": "cancel_measure", "measure_id": "it", "reason": "Enrolled by mistake"})
    assert "training" not in facts(s.state)


def test_a_measure_cancelled_after_attendance_still_counts() -> None:
    s = approved(baselined(opened("1990-01-01", "male")), ("it", "training_course"))
    course = {"subject": "italian_l2", "title": "Italiano", "provider": "CPIA"}
    s.given(start("it", kind="training_course", planned_hours=100, start_on="2026-03-03", **course))
    s.given(progress("it", kind="course_attendance", period_end="2026-03-31", hours=20))
    s.given({"type": "cancel_measure", "measure_id": "it", "reason": "Found a job"})
    assert facts(s.state)["training"] == 1


def test_economic_support_follows_the_bank_returned_and_paid_again() -> None:
    s = approved(baselined(opened("1990-01-01", "male")), ("support", "economic_support"))
    paid_furniture(s)
    assert {"paid_furniture", "economic_support"} <= set(facts(s.state))
    s.given(outcome(pid("furniture"), "returned"), SYSTEM_BANK)
    assert not {"paid_furniture", "economic_support"} & set(facts(s.state))
    s.given({"type": "correct_payee", "payment_id": pid("furniture"), "payee": BENEFICIARY})
    s.given(approve(pid("furniture")), SUPERVISOR)
    s.given(outcome(pid("furniture"), attempt=2), SYSTEM_BANK)
    assert {"paid_furniture", "economic_support"} <= set(facts(s.state))


def test_housing_hardship_at_baseline_stays_while_the_exit_records_its_end() -> None:
    s = approved(baselined(opened("1990-01-01", "female")), ("bike", "mobility"))
    before_exit = facts(s.state)
    assert before_exit["housing_hardship_baseline"] == 1
    assert "exit_recorded" not in before_exit
    exited(s, housing_hardship=False, employment="unemployed")
    after = facts(s.state)
    assert after["housing_hardship_baseline"] == 1 and after["exit_recorded"] == 1
    assert "housing_hardship_exit" not in after
    assert after["female_inactive_baseline"] == 1 and "female_inactive_exit" not in after
    assert after["female_exit"] == 1


def test_a_pathway_counts_from_its_opening_only() -> None:
    timeline = facts_after_each_event(rosa())
    # opened: no baseline, no measure yet; the beneficiary reached, and the organisation
    assert [f for f in timeline[0] if not f.startswith("organisation:")] == ["reached"]
    assert len(timeline[0]) == 2
    assert timeline[1]["baseline_recorded"] == 1
    assert facts(PathwayState()) == {}


# --- dimensions ---------------------------------------------------------------------------


def test_dimensions_of_a_pathway() -> None:
    assert dimensions(PathwayState()) is None
    assert dimensions(amina().state) == Dimensions(
        organisation_id="org-lecce",
        gender=Gender.FEMALE,
        age_band="25-34",
        nationality="GN",
        protection_status=ProtectionStatus.REFUGEE,
    )


@pytest.mark.parametrize(
    ("birth_date", "band"),
    [
        ("2007-03-02", "18-24"),  # 19th birthday on the opening day (2026-03-02)
        ("2007-03-03", "18-24"),  # 19 the next day: still 18
        ("2001-03-02", "25-34"),  # 25 on the opening day
        ("2001-03-03", "18-24"),  # 24 until the next day
        ("1991-03-02", "35-44"),
        ("1991-03-03", "25-34"),
        ("1971-03-02", "55+"),
        ("1971-03-03", "45-54"),
    ],
)
def test_the_age_band_is_taken_at_the_opening_date(birth_date: str, band: str) -> None:
    state = opened(birth_date, "male").state
    assert state.opened_at is not None and state.opened_at.date() == date(2026, 3, 2)
    found = dimensions(state)
    assert found is not None and found.age_band == band


def test_age_band_boundaries() -> None:
    bands = {age: age_band(age) for age in (0, 17, 18, 24, 25, 34, 35, 44, 45, 54, 55, 99)}
    assert bands == {
        0: "<18",
        17: "<18",
        18: "18-24",
        24: "18-24",
        25: "25-34",
        34: "25-34",
        35: "35-44",
        44: "35-44",
        45: "45-54",
        54: "45-54",
        55: "55+",
        99: "55+",
    }
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


@given(st.dates(date(1920, 1, 1), date(2020, 12, 31)), st.integers(0, 40_000))
def test_ages_grow_by_one_a_year_and_bands_in_order(born: date, days: int) -> None:
    on = born + timedelta(days=days)
    age = age_on(born, on)
    # One calendar year later; 366 days could cross two birthdays (31 December 2002 to
    # 1 January 2004), and 29 February has no date a year later.
    assume((on.month, on.day) != (2, 29))
    next_year = on.replace(year=on.year + 1)
    assert age >= 0 and age_on(born, next_year) == age + 1
    assert AGE_BANDS.index(age_band(age)) <= AGE_BANDS.index(age_band(age + 1))


# --- suppression --------------------------------------------------------------------------


def test_small_counts_are_suppressed_zero_is_not() -> None:
    assert [suppress(n) for n in range(7)] == [0, None, None, None, None, 5, 6]
    assert suppress(2, threshold=3) is None and suppress(3, threshold=3) == 3
    assert suppress(1, threshold=1) == 1
    assert suppress_table(
        {("org-a", "female"): 4, ("org-a", "male"): 12, ("org-b", "female"): 0}
    ) == {
        ("org-a", "female"): None,
        ("org-a", "male"): 12,
        ("org-b", "female"): 0,
    }
    with pytest.raises(ValueError):
        suppress(-1)


def test_rates_hide_small_numerators_complements_and_denominators() -> None:
    rate, mean = BY_ID["housing_hardship_exit"], BY_ID["self_esteem_exit"]
    assert ratio(rate, 10, 20) == 0.5
    assert ratio(rate, 0, 20) == 0.0
    assert ratio(rate, 3, 20) is None  # three people in hardship
    assert ratio(rate, 17, 20) is None  # and so three who are not
    assert ratio(rate, 4, 4) is None  # fewer than five in all
    assert ratio(rate, 0, 0) is None
    assert ratio(mean, 120, 5) == 24.0
    assert ratio(mean, 100, 4) is None
    assert unsuppressed_ratio(rate, 1, 2) == 0.5
    with pytest.raises(ValueError):
        ratio(BY_ID["cohousing"], 1, 1)


# --- the catalogue and its targets --------------------------------------------------------


def test_the_catalogue_reads_only_known_facts() -> None:
    for indicator in CATALOGUE:
        assert set(indicator.facts) <= FACTS, indicator.indicator_id
        assert indicator.seed_ref and indicator.rule and indicator.label
        if indicator.paired_with is not None:
            assert BY_ID[indicator.paired_with].moment == "baseline"
    assert {i.indicator_id for i in CATALOGUE if i.counts == "minors"} == {"minors_school_support"}
    assert {f"economic_support_{k.value}" for k in PaymentKind} <= set(BY_ID)
    assert {i.work_package for i in CATALOGUE} == {*WorkPackage, None}


def test_an_indicator_has_the_shape_of_its_kind() -> None:
    with pytest.raises(ValidationError):
        Indicator(
            indicator_id="x",
            work_package=None,
            kind="rate",
            label="x",
            seed_ref="x",
            rule="x",
            numerator_fact="a",
        )


def test_default_targets_are_placeholders_for_known_indicators() -> None:
    assert set(DEFAULT_TARGETS) <= set(BY_ID)
    counts = [i.indicator_id for i in CATALOGUE if i.kind == "count"]
    assert set(counts) <= set(DEFAULT_TARGETS)
    assert not {i.indicator_id for i in CATALOGUE if i.moment == "baseline"} & set(DEFAULT_TARGETS)
    assert all("placeholder" in t.note for t in DEFAULT_TARGETS.values())


def test_progress_toward_a_target() -> None:
    most = Target(indicator_id="housing_hardship_exit", value=0.3, direction="at_most")
    least = Target(indicator_id="work_grant", value=120)
    assert least.progress(60) == 0.5 and not least.met(60) and least.met(120)
    assert most.met(0.2) and most.progress(0.2) == 1.0
    assert most.progress(0.6) == 0.5 and not most.met(0.6)
    with pytest.raises(ValidationError):
        Target(indicator_id="housing_hardship_exit", value=30)
    with pytest.raises(ValidationError):
        Target(indicator_id="no_such_thing", value=1)


TARGETS = """\
# The grant agreement's figures.
[work_grant]
value = 90
note = "Annex 2, R1.4"

[housing_hardship_exit]
value = 0.25
direction = "at_most"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "targets.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_targets_file_keeps_the_defaults() -> None:
    assert load_targets(None) == DEFAULT_TARGETS


def test_a_targets_file_overrides_the_defaults_it_names(tmp_path: Path) -> None:
    targets = load_targets(write(tmp_path, TARGETS))
    assert targets["work_grant"] == Target(
        indicator_id="work_grant", value=90, note="Annex 2, R1.4"
    )
    assert targets["housing_hardship_exit"].value == 0.25
    assert targets["cohousing"] == DEFAULT_TARGETS["cohousing"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("[work_grant]\nvalue = 90\n\n[work_grants]\nvalue = 1\n", 4, "did you mean 'work_grant'"),
        ("[work_grant]\nvalue = 90\nnotes = 'x'\n", 3, "unknown key; did you mean 'note'"),
        ("[work_grant]\nnote = 'x'\n", 1, "`value` is missing"),
        ("[work_grant]\nvalue = 'many'\n", 2, "work_grant.value"),
        ("[work_grant]\nvalue = true\n", 2, "expected a number"),
        ("[work_grant]\nvalue = 90.5\n", 2, "whole number"),
        ("[housing_hardship_exit]\nvalue = 30\n", 2, "from 0 to 1"),
        ("[cohousing]\nvalue = 3\ndirection = 'up'\n", 3, "direction"),
        ("work_grant = 3\n", 1, "expected a table"),
        ("[work_grant]\nvalue = = 3\n", 2, "not valid TOML"),
    ],
)
def test_a_bad_targets_file_is_refused_at_its_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(TargetsFileError) as caught:
        load_targets(path)
    assert caught.value.line == line, caught.value
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}, line {line}: ")


def test_a_missing_targets_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TargetsFileError, match="cannot read it"):
        load_targets(tmp_path / "nope.toml")


# --- facts are a function of the state ----------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_facts_depend_only_on_the_state(sequence: list[tuple[int, Actor, int]]) -> None:
    s = Scenario()
    state = PathwayState()
    for index, actor, hours in sequence:
        s.now += timedelta(hours=hours)
        envelope = s.envelope(POOL[index], actor)
        try:
            events = decide(state, envelope, s.now)
        except DomainError:
            continue
        records = record_events("pathway-p-0001", state.version, envelope, events, s.now)
        for record in records:
            state = evolve(state, record)
        s.records += records
        found = facts(state)
        assert {f for f in found if not f.startswith(OWNED_BY)} <= FACTS
        assert (owned_by(state.organisation_id) in found) == (state.organisation_id is not None)
        assert all(weight > 0 for weight in found.values()), found
        assert (dimensions(state) is None) == (state.stage is None)
    # The same state, however it was reached (folded at once, or from stored JSON), gives
    # the same facts, and asking twice changes nothing.
    stored = [EventRecord.model_validate_json(r.model_dump_json()) for r in s.records]
    assert facts(fold(s.records)) == facts(fold(stored)) == facts(state) == facts(state)
    assert dimensions(fold(stored)) == dimensions(state)


def test_the_documentation_lists_every_indicator() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "indicators.md").read_text()
    missing = [i.indicator_id for i in CATALOGUE if f"| `{i.indicator_id}` |" not in text]
    assert not missing
