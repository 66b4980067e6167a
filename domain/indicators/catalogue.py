"""The FAMI indicators: one per expected result of the seed, each measured from facts.

An indicator never looks at events itself. It names the facts (`domain.indicators.facts`)
whose weights, summed over the pathways of a cell, give its figure: a count is the sum of
one fact; a rate is the sum of its numerator fact over the sum of its denominator fact; a
mean is the same division of a sum of scores by the number of scores.
"""

from __future__ import annotations

from domain.indicators import facts as f
from domain.indicators.indicator import Indicator, IndicatorKind, Moment, compared, count
from domain.indicators.outcome_catalogue import OUTCOMES
from domain.payments.ledger import WORK_PACKAGE_OF, PaymentKind
from domain.values import WorkPackage

__all__ = ["BY_ID", "CATALOGUE", "Indicator", "IndicatorKind", "Moment"]

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
    count(
        "skills_assessed",
        WorkPackage.WORK,
        "Beneficiaries with a skills assessment",
        "sostegno al riconoscimento delle proprie abilità attraverso redazione del bilancio di "
        "competenze",
        "the skills assessment (bilancio di competenze) is recorded",
        fact=f.SKILLS_ASSESSED,
    ),
    count(
        "certified_competences",
        WorkPackage.WORK,
        "Beneficiaries with certified competences",
        "i destinatari saranno in possesso di certificazione delle competenze",
        "a title recognition (CIMEA comparability or validation of competences) completed "
        "with the result issued",
        fact=f.CERTIFIED_COMPETENCES,
    ),
    count(
        "digital_skills",
        WorkPackage.WORK,
        "Beneficiaries who completed a basic digital-skills course",
        "avranno acquisito conoscenze base di informatica",
        "a training course of subject digital_skills completed (with or without certificate)",
        fact=f.DIGITAL_SKILLS,
    ),
    count(
        "childcare",
        WorkPackage.WORK,
        "Parents using childcare",
        "i genitori lavoratori potranno usufruire del servizio di baby-sitting e conciliare i "
        "loro impegni casa/lavoro",
        "a childcare measure " + _PARTICIPATED.format(what="month of hours"),
        fact=f.CHILDCARE,
    ),
    count(
        "mobility",
        WorkPackage.WORK,
        "Beneficiaries with a driving licence or a bicycle",
        "avranno la patente o la bicicletta per raggiungere agevolmente il posto di lavoro",
        "a mobility measure completed with a licence obtained, a licence converted or a "
        "bicycle delivered",
        fact=f.MOBILITY,
    ),
    count(
        "training",
        WorkPackage.WORK,
        "Beneficiaries in training courses",
        "saranno inseriti in percorsi formativi",
        "a training course (any subject) " + _PARTICIPATED.format(what="attendance"),
        fact=f.TRAINING,
    ),
    count(
        "work_grant",
        WorkPackage.WORK,
        "Beneficiaries in work grants",
        "saranno inseriti in percorsi [...] di borse lavoro",
        "a work grant " + _PARTICIPATED.format(what="month of attendance"),
        fact=f.WORK_GRANT,
    ),
    count(
        "self_employment_orientation",
        WorkPackage.WORK,
        "Beneficiaries who started self-employment orientation",
        "attivazione di percorsi di orientamento al lavoro autonomo",
        "a self-employment orientation "
        + _PARTICIPATED.format(what="session, business idea or referral"),
        fact=f.SELF_EMPLOYMENT_ORIENTATION,
    ),
    *compared(
        "female_inactivity",
        WorkPackage.WORK,
        "Female inactivity rate",
        "riduzione tasso di inattività femminile tra i destinatari",
        "women whose {moment} condition is ISTAT 'inactive' (neither employed nor "
        "unemployed), over the women with a recorded {moment} condition",
        female=True,
    ),
    # WP2: housing.
    count(
        "cohousing",
        WorkPackage.HOUSING,
        "Beneficiaries in cohousing",
        "saranno più diffuse nel Salento le soluzioni del cohousing",
        "a housing placement of solution cohousing with the move-in recorded",
        fact=f.COHOUSING,
    ),
    count(
        "family_hosting",
        WorkPackage.HOUSING,
        "Beneficiaries in family hosting",
        "saranno più diffuse nel Salento le soluzioni [...] dell'accoglienza in famiglia",
        "a housing placement of solution family_hosting with the move-in recorded",
        fact=f.FAMILY_HOSTING,
    ),
    count(
        "economic_support",
        WorkPackage.HOUSING,
        "Beneficiaries receiving economic support for housing",
        _SUPPORT_SEED,
        "at least one payment of kind furniture, utilities or rent_advance is paid (status "
        "paid: a payment the bank returned does not count until it is paid again)",
        fact=f.ECONOMIC_SUPPORT,
    ),
    *(
        count(
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
    *compared(
        "housing_hardship",
        WorkPackage.HOUSING,
        "Beneficiaries in housing hardship",
        "riduzione del numero di destinatari che vivono in condizione di disagio abitativo",
        "beneficiaries whose {moment} condition records housing hardship, over the "
        "beneficiaries with a recorded {moment} condition",
    ),
    # WP3: socio-cultural.
    count(
        "social_cohesion",
        WorkPackage.SOCIO_CULTURAL,
        "Beneficiaries taking part in social-cohesion events",
        "un maggior numero di destinatari a partecipare ad iniziative di coesione sociale",
        "at least one participation recorded in a social-event measure",
        fact=f.SOCIAL_COHESION,
    ),
    count(
        "group_events_held",
        WorkPackage.SOCIO_CULTURAL,
        "Group activities held",
        "implementazione di eventi di coesione sociale",
        "each group activity recorded once (a social-cohesion event, a group course session, "
        "an outing), counted on its first attendee's pathway; counts activities, not pathways",
        fact=f.GROUP_EVENTS_HELD,
        counts="events",
    ),
    count(
        "group_participations",
        WorkPackage.SOCIO_CULTURAL,
        "Participations in group activities",
        "implementazione di eventi di coesione sociale",
        "each attendance of a beneficiary at a group activity; over the activities held, the "
        "participants per activity",
        fact=f.GROUP_PARTICIPATIONS,
        counts="participations",
    ),
    count(
        "group_participants",
        WorkPackage.SOCIO_CULTURAL,
        "Beneficiaries taking part in group activities",
        "un maggior numero di destinatari a partecipare ad iniziative di coesione sociale",
        "at least one group activity attended (each beneficiary once, however many)",
        fact=f.GROUP_PARTICIPANTS,
    ),
    count(
        "association_member",
        WorkPackage.SOCIO_CULTURAL,
        "Beneficiaries who joined a club or association",
        "ad essere iscritti a circoli o associazioni sportive-ricreative",
        "the membership is recorded in an association measure (ever joined during the "
        "pathway, whether or not still a member at its end)",
        fact=f.ASSOCIATION_MEMBER,
    ),
    count(
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
    *compared(
        "social_marginality",
        WorkPackage.SOCIO_CULTURAL,
        "Beneficiaries in social marginality",
        "riduzione del numero di destinatari che vivono in condizione di marginalità sociale",
        "beneficiaries whose {moment} condition records social marginality, over the "
        "beneficiaries with a recorded {moment} condition",
    ),
    # The general objective, and the baseline-vs-exit view of digital skills.
    *compared(
        "self_esteem",
        None,
        "Mean self-esteem score (Rosenberg, 10-40)",
        "affrontare il tema dell'autostima dei destinatari",
        "the sum of the self-esteem scores of the {moment} conditions, over their number",
        kind="mean",
    ),
    *compared(
        "digital_skills",
        WorkPackage.WORK,
        "Beneficiaries with basic digital skills",
        "avranno acquisito conoscenze base di informatica",
        "beneficiaries whose {moment} condition records basic digital skills, over the "
        "beneficiaries with a recorded {moment} condition",
    ),
    # The headline outcomes of the general objective (`outcome_catalogue`).
    *OUTCOMES,
)

BY_ID: dict[str, Indicator] = {i.indicator_id: i for i in CATALOGUE}
assert len(BY_ID) == len(CATALOGUE), "indicator ids are unique"
