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
    "beneficiaries_reached": N_("Beneficiaries reached"),
    "beneficiaries_reached_wp1_work": N_("Beneficiaries reached by a WP1 measure"),
    "beneficiaries_reached_wp2_housing": N_("Beneficiaries reached by a WP2 measure"),
    "beneficiaries_reached_wp3_socio_cultural": N_("Beneficiaries reached by a WP3 measure"),
    "pathways_activated": N_("Individual pathways activated (PAI approved)"),
    "pathways_activated_wp1_work": N_("Individual pathways activated with a WP1 measure"),
    "pathways_activated_wp2_housing": N_("Individual pathways activated with a WP2 measure"),
    "pathways_activated_wp3_socio_cultural": N_("Individual pathways activated with a WP3 measure"),
    "left_reception": N_("Beneficiaries who left the reception circuit for a home of their own"),
    "housing_autonomy_baseline": N_("Beneficiaries with housing autonomy, at baseline"),
    "housing_autonomy_exit": N_("Beneficiaries with housing autonomy, at exit"),
    "exit_housing_private_rental": N_("Beneficiaries living in a private rental at exit"),
    "exit_housing_social_housing": N_("Beneficiaries living in social housing at exit"),
    "exit_housing_cohousing": N_("Beneficiaries living in cohousing at exit"),
    "exit_housing_family_hosting": N_("Beneficiaries living in family hosting at exit"),
    "employed_baseline": N_("Beneficiaries employed, at baseline"),
    "employed_exit": N_("Beneficiaries employed, at exit"),
    "job_stability": N_("Job stability: employed at exit and still employed at follow-up"),
    "hired_after_work_grant": N_("Beneficiaries hired after a work grant"),
    "business_started": N_("Businesses started after self-employment orientation"),
    "mobility_autonomy_baseline": N_(
        "Beneficiaries with autonomous mobility (licence or bicycle), at baseline"
    ),
    "mobility_autonomy_exit": N_(
        "Beneficiaries with autonomous mobility (licence or bicycle), at exit"
    ),
    "autonomy_reached_work": N_("Beneficiaries who reached autonomy: work"),
    "autonomy_reached_housing": N_("Beneficiaries who reached autonomy: housing"),
    "autonomy_reached_mobility": N_("Beneficiaries who reached autonomy: mobility"),
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
