"""Per measure kind, the commands of its lifecycle as a caseworker would send them.

Each script starts a measure, records its progress and completes it, with dates in the
details that respect the kind's rules: a work grant's attendance months lie within the
grant and request their allowances, a rent advance follows a registered contract and stays
within six months' rent, payments are approved by a supervisor (and above the threshold by
the coordinator) who did not request them, the hosting communication follows the move-in, a
licence is converted within a year of residence.

Payments of the past are settled as the bank statement said (`system:bank`); the latest
ones wait for the supervisor's approval or for the SEPA export, as they would on a real day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from domain.calendar import add_months, month_end, month_key
from domain.measures import MeasureKind
from domain.measures.work_grant import max_hours_in_month
from domain.payments.ledger import PaymentKind
from workers import demo_data as data
from workers.demo_journey import (
    CHILDCARE_AGE,
    SCHOOL_AGE,
    Depth,
    Journey,
    MeasureChoice,
    assessment,
    level_above,
)


def _skills_assessment(j: Journey, mid: str, choice: MeasureChoice) -> None:
    done = choice.depth == Depth.COMPLETED
    start = j.ago(5, 25) if done else j.ago(0, 5)
    j.start(mid, "skills_assessment", assessor=j.staff_name(), start_on=start)
    if done:
        italian = level_above(j.condition["italian_level"])
        j.improve(italian_level=italian)
        record = assessment(j, "upper_secondary" if j.titles else "lower_secondary", italian)
        j.finish(mid, "skills_assessment", assessment=record)


def _title_recognition(j: Journey, mid: str, choice: MeasureChoice) -> None:
    done = choice.depth == Depth.COMPLETED
    route = choice.variant or j.rng.choice(("cimea_comparability", "competence_validation"))
    start = j.ago(90, 160) if done else j.ago(10, 60)
    title = j.titles[0] if j.titles else "Competenze di saldatore"
    j.start(mid, "title_recognition", title=title, route=route, start_on=start)
    authority = "CIMEA" if route == "cimea_comparability" else "Regione Puglia, servizio IVC"
    submitted = j.between(start + timedelta(days=3), start + timedelta(days=20))
    if done or j.rng.random() < 0.6:
        j.step(mid, "title_submitted", authority=authority, submitted_on=submitted)
    if done:
        issued = j.rng.random() < 0.85
        decided = j.between(submitted + timedelta(days=30), submitted + timedelta(days=60))
        reference = f"DEMO-ATT-{j.rng.randint(10000, 99999)}" if issued else None
        result = "issued" if issued else "refused"
        j.finish(mid, "title_recognition", result=result, decided_on=decided, reference=reference)


COURSES = {"italian_l2": (100, 120, 150), "digital_skills": (40, 60), "other": (16, 24)}


def _training_course(j: Journey, mid: str, choice: MeasureChoice) -> None:
    done = choice.depth == Depth.COMPLETED
    subject = choice.variant or j.rng.choice(
        ("italian_l2", "italian_l2", "digital_skills", "other")
    )
    planned = j.rng.choice(COURSES[subject])
    start = j.ago(60, 150) if done else j.ago(10, 70)
    title = j.rng.choice(data.COURSE_TITLES[subject])
    provider = f"CPIA Lecce, sede di {j.town}" if subject == "italian_l2" else data.TRAINING_BODY
    j.start(
        mid,
        "training_course",
        subject=subject,
        title=title,
        provider=provider,
        planned_hours=planned,
        start_on=start,
    )
    months = j.past_months(start) or [month_key(j.today)]
    total = round(planned * (j.rng.uniform(0.8, 1.0) if done else j.rng.uniform(0.2, 0.5)))
    for key in months:
        period_end = min(month_end(key), j.today - timedelta(days=1))
        j.step(mid, "course_attendance", period_end=period_end, hours=max(total // len(months), 1))
    if done:
        reached = level_above(j.condition["italian_level"]) if subject == "italian_l2" else None
        j.improve(italian_level=reached or j.condition["italian_level"])
        if subject == "digital_skills":
            j.improve(digital_skills=True)
        j.finish(
            mid,
            "training_course",
            certificate=True,
            completed_on=j.ago(1, 10),
            cefr_level_reached=reached,
        )


def _work_grant(j: Journey, mid: str, choice: MeasureChoice) -> None:
    this_month = j.today.replace(day=1)
    if choice.depth == Depth.COMPLETED:
        months = j.rng.randint(2, 4)
        start = add_months(this_month, -(months + 1))
    else:
        elapsed = j.rng.randint(1 if choice.variant == "iban_later" else 0, 3)
        start = add_months(this_month, -elapsed) if elapsed else add_months(this_month, 1)
        months = j.rng.randint(max(elapsed + 1, 3), 12)
    end = add_months(start, months) - timedelta(days=1)
    weekly, tutor = j.rng.choice((20, 25, 30)), j.staff_name()
    # Most beneficiaries give their IBAN at the start; the others, once asked for it.
    later = choice.variant == "iban_later" or j.rng.random() < 0.2
    payee = None if later else _beneficiary(j)
    j.start(
        mid,
        "work_grant",
        host_company=j.rng.choice(data.HOST_COMPANIES),
        tutor=tutor,
        start_on=start,
        end_on=end,
        hours_per_week=weekly,
        monthly_allowance=weekly * 2000,
        payee=payee,
    )
    worked = j.past_months(start, end)
    for n, key in enumerate(worked):
        hours = min(round(weekly * j.rng.uniform(3.3, 4.3)), max_hours_in_month(weekly))
        j.step(mid, "work_grant_attendance", month=key, hours_verified=hours, verified_by=tutor)
        # Each month's attendance requests its allowance (at least 76% of the full hours
        # here, so one is always due); past months are approved and paid, the latest waits.
        allowance = j.payment_id(mid, PaymentKind.WORK_GRANT_ALLOWANCE, key)
        forced = choice.variant == "iban_later"
        waits = n == len(worked) - 1 and not j.settle and (forced or j.rng.random() < 0.5)
        if payee is None and not (waits and (forced or j.rng.random() < 0.5)):
            j.emit("correct_payee", payment_id=allowance, payee=_beneficiary(j))
        if waits:
            continue  # in the supervisor's queue, some still without the payee
        j.approve(allowance, 0)
        if n < len(worked) - 1 or j.settle:
            j.bank(allowance, min(month_end(key) + timedelta(days=12), j.today))
    if choice.depth == Depth.COMPLETED:
        hired = choice.variant == "hired" or j.rng.random() < 0.5
        if hired:
            j.improve(employment="employed")
        contract = j.rng.choice(data.HIRING_CONTRACTS) if hired else None
        j.finish(mid, "work_grant", completed_on=end, hired=hired, contract=contract)


def _beneficiary(j: Journey) -> dict[str, str]:
    return {"name": j.beneficiary_name or "Titolare del conto", "iban": j.iban()}


def _childcare(j: Journey, mid: str, choice: MeasureChoice) -> None:
    done = choice.depth == Depth.COMPLETED
    start = j.ago(90, 180) if done else j.ago(15, 80)
    weekly = j.rng.choice((8, 10, 12, 15, 20))
    j.start(
        mid,
        "childcare",
        provider=j.rng.choice(data.CHILDCARE_PROVIDERS),
        hours_per_week=weekly,
        minor_ids=j.minors_aged(CHILDCARE_AGE),
        start_on=start,
    )
    for key in j.past_months(start):
        j.step(mid, "childcare_hours", month=key, hours=weekly * 4)
    if done:
        j.finish(mid, "childcare", completed_on=j.ago(1, 10))


def _mobility(j: Journey, mid: str, choice: MeasureChoice) -> None:
    done = choice.depth == Depth.COMPLETED
    route = choice.variant or j.rng.choice(("bicycle", "bicycle", "driving_licence"))

    def days(low: int, high: int) -> timedelta:
        return timedelta(days=j.rng.randint(low, high))

    if route == "driving_licence":
        start = j.ago(130, 200) if done else j.ago(20, 90)
        provider, result = j.rng.choice(data.DRIVING_SCHOOLS), "licence_obtained"
        steps = [
            ("enrolled", start),
            ("theory_passed", start + days(40, 60)),
            ("practical_passed", start + days(90, 120)),
        ]
    elif route == "licence_conversion":
        start = j.ago(40, 70) if done else j.ago(3, 20)
        provider, result = data.LICENSING_OFFICE, "licence_converted"
        steps = [("conversion_requested", start + days(1, 3))]
    else:
        start = j.ago(10, 40) if done else j.ago(0, 5)
        provider, result = j.rng.choice(data.BICYCLE_PROVIDERS), "bicycle_delivered"
        steps = []
    j.start(mid, "mobility", route=route, provider=provider, start_on=start)
    for step, on in steps if done else [s for s in steps[:2] if s[1] < j.today]:
        j.step(mid, "mobility_step", step=step, on=on)
    if done:
        j.improve(mobility="bicycle" if route == "bicycle" else "driving_licence")
        last = steps[-1][1] if steps else start
        on = j.between(last + timedelta(days=7), last + timedelta(days=30))
        j.finish(mid, "mobility", result=result, on=on)


def _self_employment(j: Journey, mid: str, choice: MeasureChoice) -> None:
    done = choice.depth == Depth.COMPLETED
    start = j.ago(70, 150) if done else j.ago(14, 40)
    kind = "self_employment_orientation"
    j.start(mid, kind, provider=j.rng.choice(data.ORIENTATION_PROVIDERS), start_on=start)
    for n, topic in enumerate(data.ORIENTATION_TOPICS[: 3 if done else j.rng.randint(1, 2)]):
        j.step(mid, "orientation_session", topic=topic, on=start + timedelta(days=7 * n))
    if done or j.rng.random() < 0.5:
        j.step(mid, "business_idea", summary=j.rng.choice(data.BUSINESS_IDEAS))
    if done:
        referral = start + timedelta(days=28)
        desk = j.rng.choice(data.MICROCREDIT_DESKS)
        j.step(mid, "microcredit_referral", institution=desk, on=referral)
        started = choice.variant == "business_started" or j.rng.random() < 0.4
        if started:
            j.improve(employment="employed")
        completed = j.between(referral + timedelta(days=14), j.today)
        j.finish(mid, kind, business_started=started, completed_on=completed)


HOUSING = ("cohousing", "family_hosting", "private_rental", "private_rental", "social_housing")


def _housing_placement(j: Journey, mid: str, choice: MeasureChoice) -> None:
    done = choice.depth == Depth.COMPLETED
    solution = choice.variant or j.rng.choice(HOUSING)
    host = {
        "cohousing": f"{j.rng.choice(data.COHOUSING_PROJECTS)}, {j.town}",
        "family_hosting": f"Famiglia ospitante {j.town} n. {j.rng.randint(1, 40)}",
        "social_housing": f"Alloggio di edilizia popolare, Comune di {j.town}",
    }.get(solution)
    start = j.ago(60, 160) if done else j.ago(2, 45)
    j.start(mid, "housing_placement", solution=solution, host_reference=host, start_on=start)
    moved_in = j.between(start, start + timedelta(days=10))
    if solution == "private_rental":
        j.rent = j.rng.randrange(28000, 45001, 500)
        registered = j.between(start, moved_in)
        j.step(mid, "rent_contract_registered", monthly_rent=j.rent, registered_on=registered)
    # The time of day counts for family hosting (48 hours from it); the demo's is the morning.
    j.step(mid, "moved_in", on=moved_in, at="10:00")
    # A move-in of yesterday may still wait for its hosting communication (due in 48 hours).
    pending = not done and (j.today - moved_in).days <= 1 and j.rng.random() < 0.5
    if solution == "family_hosting" and not pending:
        sent = j.between(moved_in, moved_in + timedelta(days=1))
        j.step(mid, "hosting_communication_sent", authority=data.POLICE_OFFICE, on=sent)
    if done:
        j.improve(housing=solution, housing_hardship=False)
        on = j.between(moved_in + timedelta(days=30), j.today)
        j.finish(mid, "housing_placement", result="settled", on=on)


SUPPORT_PAYEES = {
    "furniture": ("Arredamenti Salento srl", "Preventivo arredi n. {n}"),
    "utilities": ("Enel Energia spa", "Bolletta di allaccio n. {n}"),
    "rent_advance": (
        "Locatore (contratto registrato)",
        "Contratto di locazione, rata anticipata n. {n}",
    ),
}


def _economic_support(j: Journey, mid: str, choice: MeasureChoice) -> None:
    done = choice.depth == Depth.COMPLETED
    support = choice.variant or j.rng.choice(("furniture", "utilities", "rent_advance"))
    if support == "rent_advance" and j.rent is None:
        support = "furniture"
    if support == "rent_advance":
        assert j.rent is not None
        months = j.rng.randint(3, 6)
        amount, purpose = months * j.rent, f"Anticipo di {months} mensilità del canone"
    elif support == "furniture":
        amount, purpose = j.rng.randrange(60000, 150001, 5000), "Arredi essenziali per la casa"
    else:
        amount, purpose = j.rng.randrange(20000, 40001, 1000), "Allacci e prime bollette"
    start = j.ago(10, 40) if done else j.ago(1, 10)
    j.start(mid, "economic_support", purpose=purpose, start_on=start)
    # The money is a payment against the measure: requested by the caseworker with its
    # evidence, approved by a supervisor (and by the coordinator above the threshold).
    payee, evidence = SUPPORT_PAYEES[support]
    evidence = evidence.format(n=j.rng.randint(100, 999))
    payment = j.request(mid, PaymentKind(support), amount, start.isoformat(), payee, evidence)
    if not done:
        if j.rng.random() < 0.5:
            j.approve(payment, amount)  # approved, waiting for the SEPA export
        return
    j.approve(payment, amount)
    paid = j.between(start + timedelta(days=3), start + timedelta(days=10))
    if j.rng.random() < 0.25:
        # The bank returned it (a closed account): a new IBAN, approved again, attempt 2.
        j.bank(payment, paid, "returned")
        j.emit("correct_payee", payment_id=payment, payee={"name": payee, "iban": j.iban()})
        j.approve(payment, amount)
        j.bank(payment, paid, attempt=2)
    else:
        j.bank(payment, paid)
    j.finish(mid, "economic_support", completed_on=paid)


def _social_event(j: Journey, mid: str, choice: MeasureChoice) -> None:
    done = choice.depth == Depth.COMPLETED
    start = j.ago(60, 120) if done else j.ago(10, 40)
    j.start(mid, "social_event", programme=j.rng.choice(data.SOCIAL_PROGRAMMES), start_on=start)
    for event in j.rng.sample(data.SOCIAL_EVENTS, 3 if done else 1):
        j.step(mid, "event_participation", event=event, on=j.between(start, j.today))
    if done:
        j.improve(social_marginality=False)
        j.finish(mid, "social_event", completed_on=j.ago(1, 7))


def _association(j: Journey, mid: str, choice: MeasureChoice) -> None:
    done = choice.depth == Depth.COMPLETED
    association, category = j.rng.choice(data.ASSOCIATIONS)
    start = j.ago(60, 150) if done else j.ago(5, 30)
    kind = "association_membership"
    j.start(mid, kind, association=association, category=category, start_on=start)
    if done or j.rng.random() < 0.5:
        j.step(mid, "membership_joined", on=j.between(start, start + timedelta(days=7)))
    if done:
        j.improve(social_marginality=False)
        j.finish(mid, kind, still_member=True, completed_on=j.ago(1, 10))


def _school_support(j: Journey, mid: str, choice: MeasureChoice) -> None:
    done = choice.depth == Depth.COMPLETED
    minor_id, year = next(m for m in j.minors if j.today.year - m[1] in SCHOOL_AGE)
    age = j.today.year - year
    if age <= 10:
        grade = f"{age - 5}ª primaria"
    elif age <= 13:
        grade = f"{age - 10}ª secondaria di primo grado"
    else:
        grade = f"{age - 13}ª secondaria di secondo grado"
    start = j.ago(120, 200) if done else j.ago(20, 90)
    j.start(
        mid,
        "school_support",
        minor_id=minor_id,
        grade=grade,
        school=f"Istituto comprensivo di {j.town}",
        start_on=start,
    )
    for key in j.past_months(start):
        if not key.endswith(("-07", "-08")):  # no tutoring in the summer holidays
            j.step(mid, "tutoring_hours", month=key, hours=j.rng.randint(8, 20))
    if done:
        j.finish(mid, "school_support", school_year_completed=True, completed_on=j.ago(1, 10))


MEASURE_SCRIPTS: dict[MeasureKind, Callable[[Journey, str, MeasureChoice], None]] = {
    MeasureKind.SKILLS_ASSESSMENT: _skills_assessment,
    MeasureKind.TITLE_RECOGNITION: _title_recognition,
    MeasureKind.TRAINING_COURSE: _training_course,
    MeasureKind.WORK_GRANT: _work_grant,
    MeasureKind.CHILDCARE: _childcare,
    MeasureKind.MOBILITY: _mobility,
    MeasureKind.SELF_EMPLOYMENT_ORIENTATION: _self_employment,
    MeasureKind.HOUSING_PLACEMENT: _housing_placement,
    MeasureKind.ECONOMIC_SUPPORT: _economic_support,
    MeasureKind.SOCIAL_EVENT: _social_event,
    MeasureKind.ASSOCIATION_MEMBERSHIP: _association,
    MeasureKind.SCHOOL_SUPPORT: _school_support,
}
"""The lifecycle script of each kind the demo plays. A rent advance needs the contract of a
housing placement, so a plan lists housing before economic support. A new kind is played
once it has a script here; until then the demo's summary shows it as not started."""
