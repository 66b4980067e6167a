"""The headline outcomes of the general objective: reach, exit from reception, autonomy.

Where the catalogue's other figures count activities, these say what the project achieved
for its beneficiaries, as the seed's general objective puts it: «promuovere l'autonomia
dei titolari di protezione internazionale e la loro fuoriuscita dal circuito di
accoglienza». Their facts are `domain.indicators.outcomes` and, for the hires and the
businesses, the measures' own (`work_grant`, `self_employment_orientation`).
"""

from __future__ import annotations

from domain.indicators import outcomes as o
from domain.indicators.indicator import Indicator, Moment, compared, count
from domain.measures.self_employment_orientation import BUSINESS_STARTED
from domain.measures.work_grant import HIRED_AFTER_WORK_GRANT
from domain.values import HousingSituation, WorkPackage

_GENERAL = "la realizzazione di percorsi individuali di inserimento socio-economico"
_RECEPTION = "la loro fuoriuscita dal circuito di accoglienza"
_HOUSING = "attivazione di percorsi integrati individualizzati di supporto all'autonomia abitativa"
_WORK = "attivazione di percorsi integrati individualizzati di supporto all'autonomia economica"
_STABILITY = "i destinatari potranno investire più tempo nella ricerca di stabilità lavorativa"
_MOBILITY = "aumento destinatari che godono di mobilità autonoma"
_PACKAGES = {
    WorkPackage.WORK: "WP1",
    WorkPackage.HOUSING: "WP2",
    WorkPackage.SOCIO_CULTURAL: "WP3",
}
_SOLUTIONS = {
    HousingSituation.PRIVATE_RENTAL: "a private rental",
    HousingSituation.SOCIAL_HOUSING: "social housing",
    HousingSituation.COHOUSING: "cohousing",
    HousingSituation.FAMILY_HOSTING: "family hosting",
}
assert tuple(_SOLUTIONS) == o.AUTONOMOUS_HOUSING
_HOMES = "private_rental, social_housing, cohousing or family_hosting"


def _rate(
    indicator_id: str,
    work_package: WorkPackage | None,
    label: str,
    seed_ref: str,
    rule: str,
    numerator: str,
    denominator: str,
    *,
    moment: Moment = "exit",
) -> Indicator:
    return Indicator(
        indicator_id=indicator_id,
        work_package=work_package,
        kind="rate",
        label=label,
        seed_ref=seed_ref,
        rule=rule,
        numerator_fact=numerator,
        denominator_fact=denominator,
        moment=moment,
    )


_AXIS_WP = {"work": WorkPackage.WORK, "housing": WorkPackage.HOUSING, "mobility": WorkPackage.WORK}
_AXIS_RULE = {
    "work": "employment (ISTAT 'employed')",
    "housing": f"housing {_HOMES}",
    "mobility": "mobility by driving_licence or bicycle",
}
_AXIS_SEED = {"work": _WORK, "housing": _HOUSING, "mobility": _MOBILITY}

OUTCOMES: tuple[Indicator, ...] = (
    count(
        "beneficiaries_reached",
        None,
        "Beneficiaries reached",
        _GENERAL,
        "the pathway is opened (each pathway is one beneficiary)",
        fact=o.REACHED,
    ),
    *(
        count(
            f"beneficiaries_reached_{package.value}",
            package,
            f"Beneficiaries reached by a {name} measure",
            _GENERAL,
            f"at least one {name} measure taken part in (started, and not cancelled before any "
            "activity was recorded)",
            fact=o.reached_in(package),
        )
        for package, name in _PACKAGES.items()
    ),
    count(
        "pathways_activated",
        None,
        "Individual pathways activated (PAI approved)",
        _GENERAL,
        "the individual plan (PAI) is approved",
        fact=o.ACTIVATED,
    ),
    *(
        count(
            f"pathways_activated_{package.value}",
            package,
            f"Individual pathways activated with a {name} measure",
            _GENERAL,
            f"the PAI is approved with at least one {name} measure still planned or taken part "
            "in (a measure cancelled before any activity does not count)",
            fact=o.activated_in(package),
        )
        for package, name in _PACKAGES.items()
    ),
    _rate(
        "left_reception",
        WorkPackage.HOUSING,
        "Beneficiaries who left the reception circuit for a home of their own",
        _RECEPTION,
        "beneficiaries in a reception centre at baseline whose exit condition records housing "
        f"{_HOMES}, over the beneficiaries in a reception centre at baseline with a recorded "
        "exit condition",
        o.LEFT_RECEPTION,
        o.IN_RECEPTION_EXITED,
    ),
    *compared(
        "housing_autonomy",
        WorkPackage.HOUSING,
        "Beneficiaries with housing autonomy",
        _HOUSING,
        "beneficiaries whose {moment} condition records housing " + _HOMES + ", over the "
        "beneficiaries with a recorded {moment} condition",
    ),
    *(
        count(
            f"exit_housing_{solution.value}",
            WorkPackage.HOUSING,
            f"Beneficiaries living in {label} at exit",
            _HOUSING,
            f"the exit condition records housing {solution.value}",
            fact=o.exit_housing(solution),
        )
        for solution, label in _SOLUTIONS.items()
    ),
    *compared(
        "employed",
        WorkPackage.WORK,
        "Beneficiaries employed",
        _WORK,
        "beneficiaries whose {moment} condition is ISTAT 'employed', over the beneficiaries "
        "with a recorded {moment} condition",
    ),
    _rate(
        "job_stability",
        WorkPackage.WORK,
        "Job stability: employed at exit and still employed at follow-up",
        _STABILITY,
        "beneficiaries employed at exit whose follow-up condition is still ISTAT 'employed', "
        "over the beneficiaries employed at exit with a recorded follow-up",
        o.STABLE_EMPLOYMENT,
        o.EMPLOYED_EXIT_FOLLOWED_UP,
        moment="follow_up",
    ),
    count(
        "hired_after_work_grant",
        WorkPackage.WORK,
        "Beneficiaries hired after a work grant",
        "saranno inseriti in percorsi [...] di borse lavoro",
        "a work grant completed with the beneficiary hired (once, however many work grants)",
        fact=HIRED_AFTER_WORK_GRANT,
    ),
    count(
        "business_started",
        WorkPackage.WORK,
        "Businesses started after self-employment orientation",
        "attivazione di percorsi di orientamento al lavoro autonomo",
        "a self-employment orientation completed with a business started (once per beneficiary)",
        fact=BUSINESS_STARTED,
    ),
    *compared(
        "mobility_autonomy",
        WorkPackage.WORK,
        "Beneficiaries with autonomous mobility (licence or bicycle)",
        _MOBILITY,
        "beneficiaries whose {moment} condition records mobility by driving_licence or "
        "bicycle (a foreign licence not yet converted does not count), over the "
        "beneficiaries with a recorded {moment} condition",
    ),
    *(
        _rate(
            axis.reached,
            _AXIS_WP[axis.name],
            f"Beneficiaries who reached autonomy: {axis.name}",
            _AXIS_SEED[axis.name],
            f"beneficiaries whose baseline condition does not record {_AXIS_RULE[axis.name]} "
            "and whose exit condition does, over the beneficiaries with a recorded exit "
            "condition whose baseline did not",
            axis.reached,
            axis.lacking,
        )
        for axis in o.AXES
    ),
)
"""The outcomes, grouped like the rest by work package; reach has none (the general
objective) and is split by package in `pathways_activated_<package>`."""
