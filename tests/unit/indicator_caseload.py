"""The small fixed caseload of the indicator tests (Amina, Bakary and Rosa), and the steps
of a pathway that build it."""

from __future__ import annotations

from typing import Any

from domain.payments.rules import SYSTEM_BANK
from tests.scenarios import ASSESSMENT, CONDITION, OPEN, SUPERVISOR, Scenario, plan
from tests.unit.payment_scenarios import SUPPORT, approve, outcome, pid, request
from tests.unit.test_measures_work import complete, progress, start


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
