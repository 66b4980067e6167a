"""The FAMI indicators' names in the reader's language (`domain.indicators.CATALOGUE`).

The catalogue's labels are English; here each indicator id gets the same English text as an
msgid marked with `N_`, translated when the dashboard shows it. `tests/web/
test_indicators_page.py` checks that every indicator of the catalogue has one, in Italian.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from domain.values import WorkPackage
from web.i18n import N_

WORK_PACKAGES: Mapping[WorkPackage, str] = {
    WorkPackage.WORK: N_("WP1 Work and training"),
    WorkPackage.HOUSING: N_("WP2 Housing"),
    WorkPackage.SOCIO_CULTURAL: N_("WP3 Social and cultural inclusion"),
}
"""The work packages of the seed, as the report and the pages head them."""

INDICATOR_LABELS: Mapping[str, str] = {
    "skills_assessed": N_("Beneficiaries with a skills assessment"),
    "certified_competences": N_("Beneficiaries with certified competences"),
    "digital_skills": N_("Beneficiaries who completed a basic digital-skills course"),
    "childcare": N_("Parents using childcare"),
    "mobility": N_("Beneficiaries with a driving licence or a bicycle"),
    "training": N_("Beneficiaries in training courses"),
    "work_grant": N_("Beneficiaries in work grants"),
    "self_employment_orientation": N_("Beneficiaries who started self-employment orientation"),
    "female_inactivity_baseline": N_("Female inactivity rate, at baseline"),
    "female_inactivity_exit": N_("Female inactivity rate, at exit"),
    "cohousing": N_("Beneficiaries in cohousing"),
    "family_hosting": N_("Beneficiaries in family hosting"),
    "economic_support": N_("Beneficiaries receiving economic support for housing"),
    "economic_support_work_grant_allowance": N_(
        "Beneficiaries receiving economic support: a work-grant allowance"
    ),
    "economic_support_furniture": N_("Beneficiaries receiving economic support: furniture"),
    "economic_support_utilities": N_("Beneficiaries receiving economic support: utilities"),
    "economic_support_rent_advance": N_("Beneficiaries receiving economic support: a rent advance"),
    "economic_support_childcare": N_("Beneficiaries receiving economic support: childcare"),
    "economic_support_mobility": N_("Beneficiaries receiving economic support: mobility"),
    "economic_support_course_fee": N_("Beneficiaries receiving economic support: course fees"),
    "housing_hardship_baseline": N_("Beneficiaries in housing hardship, at baseline"),
    "housing_hardship_exit": N_("Beneficiaries in housing hardship, at exit"),
    "social_cohesion": N_("Beneficiaries taking part in social-cohesion events"),
    "group_events_held": N_("Group activities held"),
    "group_participations": N_("Participations in group activities"),
    "group_participants": N_("Beneficiaries taking part in group activities"),
    "association_member": N_("Beneficiaries who joined a club or association"),
    "minors_school_support": N_("Minors supported at school"),
    "social_marginality_baseline": N_("Beneficiaries in social marginality, at baseline"),
    "social_marginality_exit": N_("Beneficiaries in social marginality, at exit"),
    "self_esteem_baseline": N_("Mean self-esteem score (Rosenberg, 10-40), at baseline"),
    "self_esteem_exit": N_("Mean self-esteem score (Rosenberg, 10-40), at exit"),
    "digital_skills_baseline": N_("Beneficiaries with basic digital skills, at baseline"),
    "digital_skills_exit": N_("Beneficiaries with basic digital skills, at exit"),
}

GENERAL_OBJECTIVE = N_("General objective")
"""The heading of the indicators of no work package (self-esteem)."""

ROLES_IN_FIGURE: Mapping[str, str] = {
    "count": N_("counted"),
    "numerator": N_("numerator"),
    "denominator": N_("denominator"),
}


def indicator_label(gettext: Callable[[str], str], indicator_id: str, fallback: str) -> str:
    """The indicator's name in the reader's language; the catalogue's English if unlabelled."""
    message = INDICATOR_LABELS.get(indicator_id)
    return fallback if message is None else gettext(message)
