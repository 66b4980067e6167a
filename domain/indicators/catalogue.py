"""The FAMI indicators: one per expected result of the seed, each measured from facts.

An indicator never looks at events itself. It names the facts (`domain.indicators.facts`)
whose weights, summed over the pathways of a cell, give its figure: a count is the sum of
one fact; a rate is the sum of its numerator fact over the sum of its denominator fact; a
mean is the same division of a sum of scores by the number of scores.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import model_validator

from domain.indicators import facts as f
from domain.payments.ledger import WORK_PACKAGE_OF, PaymentKind
from domain.values import Frozen, WorkPackage

IndicatorKind = Literal["count", "rate", "mean"]
Moment = Literal["baseline", "exit"]
"""Which recorded condition a rate or mean reads: the baseline, or the exit outcomes."""


class Indicator(Frozen):
    """One figure the funder judges the project by, and the rule that makes it true."""

    indicator_id: str
    work_package: WorkPackage | None
    """None for the project's general objective (self-esteem)."""
    kind: IndicatorKind
    label: str
    """English; the Italian comes from the web catalogs."""
    seed_ref: str
    """The phrase of the seed (the funded project) that this indicator measures."""
    rule: str
    """When a pathway counts, in words a coordinator can check against the drill-down."""
    numerator_fact: str
    """For a count, the fact counted; for a rate or mean, the sum above the line."""
    denominator_fact: str | None = None
    moment: Moment | None = None
    paired_with: str | None = None
    """For an exit rate or mean, the baseline indicator it is compared with."""
    counts: Literal["beneficiaries", "minors", "events", "participations"] = "beneficiaries"

    @model_validator(mode="after")
    def _shape_of_kind(self) -> Self:
        ratio = self.kind != "count"
        if ratio != (self.denominator_fact is not None) or ratio != (self.moment is not None):
            raise ValueError("rates and means (only) have a denominator fact and a moment")
        if self.paired_with is not None and self.moment != "exit":
            raise ValueError("only an exit figure is paired with a baseline one")
        return self

    @property
    def facts(self) -> tuple[str, ...]:
        """The facts this indicator reads."""
        return tuple(x for x in (self.numerator_fact, self.denominator_fact) if x is not None)


def _count(
    indicator_id: str,
    work_package: WorkPackage,
    label: str,
    seed_ref: str,
    rule: str,
    *,
    fact: str | None = None,
    counts: Literal["beneficiaries", "minors", "events", "participations"] = "beneficiaries",
) -> Indicator:
    return Indicator(
        indicator_id=indicator_id,
        work_package=work_package,
        kind="count",
        label=label,
        seed_ref=seed_ref,
        rule=rule,
        numerator_fact=fact or indicator_id,
        counts=counts,
    )


def _compared(
    stem: str,
    work_package: WorkPackage | None,
    label: str,
    seed_ref: str,
    rule: str,
    *,
    kind: Literal["rate", "mean"] = "rate",
    female: bool = False,
) -> tuple[Indicator, Indicator]:
    """The baseline and exit figures of one condition, the exit one paired with the other."""

    def one(moment: Moment) -> Indicator:
        if kind == "mean":
            numerator, denominator = f"{stem}_{moment}_sum", f"{stem}_{moment}_n"
        elif female:
            numerator, denominator = f"female_inactive_{moment}", f"female_{moment}"
        else:
            numerator, denominator = f"{stem}_{moment}", f"{moment}_recorded"
        return Indicator(
            indicator_id=f"{stem}_{moment}",
            work_package=work_package,
            kind=kind,
            label=f"{label}, at {moment}",
            seed_ref=seed_ref,
            rule=rule.format(moment=moment),
            numerator_fact=numerator,
            denominator_fact=denominator,
            moment=moment,
            paired_with=f"{stem}_baseline" if moment == "exit" else None,
        )

    return one("baseline"), one("exit")


_SUPPORT_SEED = (
    "aumento destinatari che beneficiano di sostegno economico per arredi, utenze domestiche "
    "o attraverso l'anticipo di sei mensilità di affitto"
)
_PAYMENT_SEED: dict[PaymentKind, str] = {
    PaymentKind.FURNITURE: _SUPPORT_SEED,
    PaymentKind.UTILITIES: _SUPPORT_SEED,
    PaymentKind.RENT_ADVANCE: _SUPPORT_SEED,
    PaymentKind.WORK_GRANT_ALLOWANCE: "attivazione di borse lavoro",
    PaymentKind.CHILDCARE: "potenziamento di servizi per conciliare impegni casa/lavoro",
    PaymentKind.MOBILITY: "aumento destinatari che godono di mobilità autonoma",
    PaymentKind.COURSE_FEE: "attivazione di corsi di formazione non professionalizzanti",
}
_PAYMENT_LABEL: dict[PaymentKind, str] = {
    PaymentKind.FURNITURE: "furniture",
    PaymentKind.UTILITIES: "utilities",
    PaymentKind.RENT_ADVANCE: "a rent advance",
    PaymentKind.WORK_GRANT_ALLOWANCE: "a work-grant allowance",
    PaymentKind.CHILDCARE: "childcare",
    PaymentKind.MOBILITY: "mobility",
    PaymentKind.COURSE_FEE: "course fees",
}
assert set(_PAYMENT_SEED) == set(_PAYMENT_LABEL) == set(PaymentKind)

_PARTICIPATED = (
    "started, and not cancelled before any {what} was recorded (a start cancelled without "
    "activity is taken as never having happened)"
)

CATALOGUE: tuple[Indicator, ...] = (
    # WP1: work.
    _count(
        "skills_assessed",
        WorkPackage.WORK,
        "Beneficiaries with a skills assessment",
        "sostegno al riconoscimento delle proprie abilità attraverso redazione del bilancio di "
        "competenze",
        "the skills assessment (bilancio di competenze) is recorded",
        fact=f.SKILLS_ASSESSED,
    ),
    _count(
        "certified_competences",
        WorkPackage.WORK,
        "Beneficiaries with certified competences",
        "i destinatari saranno in possesso di certificazione delle competenze",
        "a title recognition (CIMEA comparability or validation of competences) completed "
        "with the result issued",
        fact=f.CERTIFIED_COMPETENCES,
    ),
    _count(
        "digital_skills",
        WorkPackage.WORK,
        "Beneficiaries who completed a basic digital-skills course",
        "avranno acquisito conoscenze base di informatica",
        "a training course of subject digital_skills completed (with or without certificate)",
        fact=f.DIGITAL_SKILLS,
    ),
    _count(
        "childcare",
        WorkPackage.WORK,
        "Parents using childcare",
        "i genitori lavoratori potranno usufruire del servizio di baby-sitting e conciliare i "
        "loro impegni casa/lavoro",
        "a childcare measure " + _PARTICIPATED.format(what="month of hours"),
        fact=f.CHILDCARE,
    ),
    _count(
        "mobility",
        WorkPackage.WORK,
        "Beneficiaries with a driving licence or a bicycle",
        "avranno la patente o la bicicletta per raggiungere agevolmente il posto di lavoro",
        "a mobility measure completed with a licence obtained, a licence converted or a "
        "bicycle delivered",
        fact=f.MOBILITY,
    ),
    _count(
        "training",
        WorkPackage.WORK,
        "Beneficiaries in training courses",
        "saranno inseriti in percorsi formativi",
        "a training course (any subject) " + _PARTICIPATED.format(what="attendance"),
        fact=f.TRAINING,
    ),
    _count(
        "work_grant",
        WorkPackage.WORK,
        "Beneficiaries in work grants",
        "saranno inseriti in percorsi [...] di borse lavoro",
        "a work grant " + _PARTICIPATED.format(what="month of attendance"),
        fact=f.WORK_GRANT,
    ),
    _count(
        "self_employment_orientation",
        WorkPackage.WORK,
        "Beneficiaries who started self-employment orientation",
        "attivazione di percorsi di orientamento al lavoro autonomo",
        "a self-employment orientation "
        + _PARTICIPATED.format(what="session, business idea or referral"),
        fact=f.SELF_EMPLOYMENT_ORIENTATION,
    ),
    *_compared(
        "female_inactivity",
        WorkPackage.WORK,
        "Female inactivity rate",
        "riduzione tasso di inattività femminile tra i destinatari",
        "women whose {moment} condition is ISTAT 'inactive' (neither employed nor "
        "unemployed), over the women with a recorded {moment} condition",
        female=True,
    ),
    # WP2: housing.
    _count(
        "cohousing",
        WorkPackage.HOUSING,
        "Beneficiaries in cohousing",
        "saranno più diffuse nel Salento le soluzioni del cohousing",
        "a housing placement of solution cohousing with the move-in recorded",
        fact=f.COHOUSING,
    ),
    _count(
        "family_hosting",
        WorkPackage.HOUSING,
        "Beneficiaries in family hosting",
        "saranno più diffuse nel Salento le soluzioni [...] dell'accoglienza in famiglia",
        "a housing placement of solution family_hosting with the move-in recorded",
        fact=f.FAMILY_HOSTING,
    ),
    _count(
        "economic_support",
        WorkPackage.HOUSING,
        "Beneficiaries receiving economic support for housing",
        _SUPPORT_SEED,
        "at least one payment of kind furniture, utilities or rent_advance is paid (status "
        "paid: a payment the bank returned does not count until it is paid again)",
        fact=f.ECONOMIC_SUPPORT,
    ),
    *(
        _count(
            f"economic_support_{kind.value}",
            WORK_PACKAGE_OF[kind],
            f"Beneficiaries receiving economic support: {_PAYMENT_LABEL[kind]}",
            _PAYMENT_SEED[kind],
            f"at least one payment of kind {kind.value} is paid (status paid: a payment the "
            "bank returned does not count until it is paid again)",
            fact=f.paid(kind),
        )
        for kind in PaymentKind
    ),
    *_compared(
        "housing_hardship",
        WorkPackage.HOUSING,
        "Beneficiaries in housing hardship",
        "riduzione del numero di destinatari che vivono in condizione di disagio abitativo",
        "beneficiaries whose {moment} condition records housing hardship, over the "
        "beneficiaries with a recorded {moment} condition",
    ),
    # WP3: socio-cultural.
    _count(
        "social_cohesion",
        WorkPackage.SOCIO_CULTURAL,
        "Beneficiaries taking part in social-cohesion events",
        "un maggior numero di destinatari a partecipare ad iniziative di coesione sociale",
        "at least one participation recorded in a social-event measure",
        fact=f.SOCIAL_COHESION,
    ),
    _count(
        "group_events_held",
        WorkPackage.SOCIO_CULTURAL,
        "Group activities held",
        "implementazione di eventi di coesione sociale",
        "each group activity recorded once (a social-cohesion event, a group course session, "
        "an outing), counted on its first attendee's pathway; counts activities, not pathways",
        fact=f.GROUP_EVENTS_HELD,
        counts="events",
    ),
    _count(
        "group_participations",
        WorkPackage.SOCIO_CULTURAL,
        "Participations in group activities",
        "implementazione di eventi di coesione sociale",
        "each attendance of a beneficiary at a group activity; over the activities held, the "
        "participants per activity",
        fact=f.GROUP_PARTICIPATIONS,
        counts="participations",
    ),
    _count(
        "group_participants",
        WorkPackage.SOCIO_CULTURAL,
        "Beneficiaries taking part in group activities",
        "un maggior numero di destinatari a partecipare ad iniziative di coesione sociale",
        "at least one group activity attended (each beneficiary once, however many)",
        fact=f.GROUP_PARTICIPANTS,
    ),
    _count(
        "association_member",
        WorkPackage.SOCIO_CULTURAL,
        "Beneficiaries who joined a club or association",
        "ad essere iscritti a circoli o associazioni sportive-ricreative",
        "the membership is recorded in an association measure (ever joined during the "
        "pathway, whether or not still a member at its end)",
        fact=f.ASSOCIATION_MEMBER,
    ),
    _count(
        "minors_school_support",
        WorkPackage.SOCIO_CULTURAL,
        "Minors supported at school",
        "i minori avranno usufruito di un valido supporto nell'accompagnamento e nel "
        "sostegno scolastico",
        "each distinct minor of the household with a school-support measure "
        + _PARTICIPATED.format(what="month of tutoring")
        + "; counts minors, not pathways",
        fact=f.MINORS_SCHOOL_SUPPORT,
        counts="minors",
    ),
    *_compared(
        "social_marginality",
        WorkPackage.SOCIO_CULTURAL,
        "Beneficiaries in social marginality",
        "riduzione del numero di destinatari che vivono in condizione di marginalità sociale",
        "beneficiaries whose {moment} condition records social marginality, over the "
        "beneficiaries with a recorded {moment} condition",
    ),
    # The general objective, and the baseline-vs-exit view of digital skills.
    *_compared(
        "self_esteem",
        None,
        "Mean self-esteem score (Rosenberg, 10-40)",
        "affrontare il tema dell'autostima dei destinatari",
        "the sum of the self-esteem scores of the {moment} conditions, over their number",
        kind="mean",
    ),
    *_compared(
        "digital_skills",
        WorkPackage.WORK,
        "Beneficiaries with basic digital skills",
        "avranno acquisito conoscenze base di informatica",
        "beneficiaries whose {moment} condition records basic digital skills, over the "
        "beneficiaries with a recorded {moment} condition",
    ),
)

BY_ID: dict[str, Indicator] = {i.indicator_id: i for i in CATALOGUE}
assert len(BY_ID) == len(CATALOGUE), "indicator ids are unique"
