"""The unions of every kind's details, progress entries and outcomes, tagged by `kind`.

Written out, so that mypy knows each model; `tests/unit/test_measure_catalogue.py` checks
they hold exactly the models of the catalogue. No measure module imports them.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from domain.measures import (
    association_membership,
    childcare,
    economic_support,
    housing_placement,
    mobility,
    school_support,
    self_employment_orientation,
    skills_assessment,
    social_event,
    title_recognition,
    training_course,
    work_grant,
)

MeasureDetails = Annotated[
    skills_assessment.SkillsAssessmentDetails
    | title_recognition.TitleRecognitionDetails
    | training_course.TrainingCourseDetails
    | work_grant.WorkGrantDetails
    | childcare.ChildcareDetails
    | mobility.MobilityDetails
    | self_employment_orientation.OrientationDetails
    | housing_placement.HousingPlacementDetails
    | economic_support.EconomicSupportDetails
    | social_event.SocialEventDetails
    | association_membership.AssociationDetails
    | school_support.SchoolSupportDetails,
    Field(discriminator="kind"),
]

MeasureProgress = Annotated[
    title_recognition.TitleSubmitted
    | training_course.CourseAttendance
    | work_grant.WorkGrantAttendance
    | childcare.ChildcareHours
    | mobility.MobilityStep
    | self_employment_orientation.OrientationSession
    | self_employment_orientation.BusinessIdea
    | self_employment_orientation.MicrocreditReferral
    | housing_placement.MovedIn
    | housing_placement.HostingCommunicationSent
    | housing_placement.RentContractRegistered
    | social_event.EventParticipation
    | association_membership.MembershipJoined
    | school_support.TutoringHours,
    Field(discriminator="kind"),
]

MeasureOutcome = Annotated[
    skills_assessment.SkillsAssessmentOutcome
    | title_recognition.TitleRecognitionOutcome
    | training_course.TrainingCourseOutcome
    | work_grant.WorkGrantOutcome
    | childcare.ChildcareOutcome
    | mobility.MobilityOutcome
    | self_employment_orientation.OrientationOutcome
    | housing_placement.HousingPlacementOutcome
    | economic_support.EconomicSupportOutcome
    | social_event.SocialEventOutcome
    | association_membership.AssociationOutcome
    | school_support.SchoolSupportOutcome,
    Field(discriminator="kind"),
]
