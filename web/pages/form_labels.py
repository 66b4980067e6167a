"""What the forms call each field and each option, and how they word a validation problem.

Keys are the domain's names (field names, enum definitions as the JSON schema names them);
values are English msgids marked with `N_`, translated when a form is drawn. A field named
the same in several models has one label, unless `Model.field` gives it its own. A
measure's own fields, hints and enums are labelled by its module (`MeasureSpec.labels`).
`tests/web/test_forms.py` checks that every field and option of every form has a label.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.measures import CATALOGUE
from web.i18n import N_
from web.pages.labels import (
    MEASURE_KINDS,
    NOTICE_LANGUAGES,
    PAYMENT_KINDS,
    RECIPIENT_KINDS,
    SHARING_PURPOSES,
)

FIELD_LABELS: Mapping[str, str] = {
    # Opening and the beneficiary
    "organisation_id": N_("Organisation"),
    "caseworker_id": N_("Caseworker"),
    "beneficiary": N_("Beneficiary"),
    "given_name": N_("Given name"),
    "family_name": N_("Family name"),
    "birth_date": N_("Date of birth"),
    "gender": N_("Gender"),
    "nationality": N_("Nationality"),
    "phone": N_("Phone"),
    "document_number": N_("Document number"),
    "protection_status": N_("Protection status"),
    "permit_expires_on": N_("Residence permit expires on"),
    "household": N_("Household"),
    "adults": N_("Adults"),
    "minors": N_("Minors"),
    "minor_id": N_("Code of the minor"),
    "birth_year": N_("Year of birth"),
    "pregnancy_declared": N_("Pregnancy declared"),
    "reception_centre": N_("Reception centre"),
    "ReceptionCentre.kind": N_("Type of reception"),
    "ReceptionCentre.name": N_("Name of the centre"),
    "resident_since": N_("Resident in Italy since"),
    # Conditions (baseline, exit, follow-up)
    "condition": N_("Starting condition"),
    "RecordExit.outcomes": N_("Condition at exit"),
    "RecordFollowUp.outcomes": N_("Condition at follow-up"),
    "employment": N_("Employment"),
    "housing": N_("Housing"),
    "housing_hardship": N_("Housing hardship"),
    "social_marginality": N_("At risk of social marginality"),
    "mobility": N_("Mobility"),
    "italian_level": N_("Level of Italian"),
    "digital_skills": N_("Digital skills"),
    "self_esteem": N_("Self-esteem (Rosenberg scale, 10–40)"),
    # Skills assessment
    "assessment": N_("Skills assessment"),
    "education": N_("Education"),
    "languages": N_("Languages"),
    "language": N_("Language"),
    "level": N_("Level"),
    "work_experience": N_("Work experience"),
    "titles_held": N_("Qualifications held"),
    "documents_held": N_("Documents held"),
    # Plan
    "measures": N_("Measures"),
    "measure_id": N_("Measure"),
    "PlannedMeasure.measure_id": N_("Measure code"),
    "PlannedMeasure.kind": N_("Type of measure"),
    "target_date": N_("Target date"),
    "description": N_("Notes"),
    "end_date": N_("End of the pathway"),
    "note": N_("Note"),
    "text": N_("Note"),
    "reason": N_("Reason"),
    "RecordExit.reason": N_("Reason for exit"),
    # Measures: start, progress, completion
    "details": N_("Details"),
    "progress": N_("Progress"),
    "outcome": N_("Outcome"),
    "start_on": N_("Start date"),
    "assessor": N_("Assessor"),
    "title": N_("Title"),
    "route": N_("Route"),
    "authority": N_("Authority"),
    "result": N_("Result"),
    "provider": N_("Provider"),
    "hours": N_("Hours"),
    "completed_on": N_("Completed on"),
    "hours_per_week": N_("Hours per week"),
    "month": N_("Month"),
    "step": N_("Step"),
    "on": N_("Date"),
    "amount": N_("Amount (€)"),
    # Each measure's own fields, as its module labels them (`MeasureSpec.labels`)
    **{key: label for spec in CATALOGUE.values() for key, label in spec.labels.fields.items()},
    # Payments
    "RequestPayment.kind": N_("Type of payment"),
    "payee": N_("Payee"),
    "Payee.name": N_("Account holder"),
    "iban": N_("IBAN"),
    "evidence_ref": N_("Evidence (invoice, quote, contract, receipt)"),
    "period": N_("Period"),
    "payment_id": N_("Payment"),
    # Privacy notice and consents
    "RecordPrivacyNotice.given_on": N_("Notice given on"),
    "RecordPrivacyNotice.language": N_("Language of the notice"),
    "RecordPrivacyNotice.version": N_("Version of the notice"),
    "GiveConsent.given_on": N_("Consent given on"),
    "recipients": N_("Shared with"),
    "Recipient.kind": N_("Organisation or partner"),
    "Recipient.id": N_("Code of the organisation or partner"),
    "purpose": N_("Purpose"),
    "until": N_("Valid until"),
    "consent_id": N_("Consent"),
    "withdrawn_on": N_("Withdrawn on"),
    # Referral and transfer
    "to_organisation": N_("Code of the organisation"),
    "service": N_("Service asked"),
    "effective_on": N_("Effective from"),
    # Partner figures
    "figure_id": N_("Figure"),
    "CorrectAttendance.hours_verified": N_("Hours, as corrected"),
    # Partner links
    "contact_id": N_("Partner contact"),
}
"""Labels by `Model.field`, else by field name."""

HINTS: Mapping[str, str] = {
    "PlannedMeasure.measure_id": N_(
        "A short code of your choice, e.g. italian-course; left empty, one is made up."
    ),
    "phone": N_("Digits, spaces and an optional +, e.g. +39 320 1234567."),
    "minor_id": N_("A code, never the name: e.g. m1."),
    "month": N_("Year and month, e.g. 2026-03."),
    "self_esteem": N_("From 10 (lowest) to 40 (highest)."),
    "end_date": N_("Leave empty for the usual duration from approval."),
    "iban": N_("E.g. IT60 X054 2811 1010 0000 0123 456; spaces are fine."),
    "period": N_("The day (2026-03-15) or month (2026-03) it is for; empty for today."),
    "evidence_ref": N_("As filed, e.g. the invoice number and date."),
    "RecordPrivacyNotice.version": N_("As printed on the notice, e.g. 2026-01."),
    "until": N_("Leave empty for a consent without an end."),
    "ReferPathway.measure_id": N_(
        "The measure the other organisation will record on; empty for a service alone."
    ),
    **{key: hint for spec in CATALOGUE.values() for key, hint in spec.labels.hints.items()},
}

MONEY_FIELDS = frozenset({"amount", "monthly_allowance", "monthly_rent"})
"""Integer fields in euro cents: the form asks for euro and converts."""
LANGUAGE_FIELDS = frozenset({"language"})
"""Fields holding a language's code (ISO 639), shown by its name."""
COUNTRY_FIELDS = frozenset({"nationality", "country"})
"""Fields holding a country's code (ISO 3166-1), shown by its name."""

OPTION_LABELS: Mapping[str, Mapping[str, str]] = {
    "Gender": {
        "female": N_("Female"),
        "male": N_("Male"),
        "non_binary": N_("Non-binary"),
        "not_stated": N_("Not stated"),
    },
    "ProtectionStatus": {
        "refugee": N_("Refugee"),
        "subsidiary_protection": N_("Subsidiary protection"),
        "special_protection": N_("Special protection"),
        "temporary_protection": N_("Temporary protection"),
        "asylum_seeker": N_("Asylum seeker"),
    },
    "ReceptionCentreKind": {
        "sai": N_("SAI (second-line reception)"),
        "cas": N_("CAS (first-line reception)"),
        "none": N_("Outside the reception system"),
    },
    "EmploymentCondition": {
        "employed": N_("Employed"),
        "unemployed": N_("Unemployed"),
        "inactive": N_("Inactive"),
    },
    "HousingSituation": {
        "reception_centre": N_("Reception centre"),
        "private_rental": N_("Private rental"),
        "cohousing": N_("Cohousing"),
        "family_hosting": N_("Hosted by a family"),
        "social_housing": N_("Social housing"),
        "precarious": N_("Precarious housing"),
        "homeless": N_("Homeless"),
    },
    "MobilityMeans": {
        "none": N_("None"),
        "public_transport": N_("Public transport"),
        "bicycle": N_("Bicycle"),
        "driving_licence": N_("Italian driving licence"),
        "foreign_licence": N_("Foreign driving licence"),
    },
    "CefrLevel": {
        "pre_a1": N_("Pre-A1"),
        "a1": N_("A1"),
        "a2": N_("A2"),
        "b1": N_("B1"),
        "b2": N_("B2"),
        "c1": N_("C1"),
        "c2": N_("C2"),
    },
    "EducationLevel": {
        "none": N_("No schooling"),
        "primary": N_("Primary school"),
        "lower_secondary": N_("Lower secondary school"),
        "upper_secondary": N_("Upper secondary school"),
        "vocational": N_("Vocational training"),
        "tertiary": N_("University"),
    },
    "MeasureKind": {str(kind): label for kind, label in MEASURE_KINDS.items()},
    "PaymentKind": {str(kind): label for kind, label in PAYMENT_KINDS.items()},
    # The enums of each measure, as its module labels them (`MeasureSpec.labels`)
    **{enum: values for spec in CATALOGUE.values() for enum, values in spec.labels.options.items()},
    "SuspensionReason": {
        "hospital_stay": N_("Hospital stay"),
        "document_renewal_travel": N_("Travel to renew documents"),
        "family_reasons": N_("Family reasons"),
        "unreachable": N_("Unreachable"),
        "other": N_("Other"),
    },
    "NoticeLanguage": {str(k): label for k, label in NOTICE_LANGUAGES.items()},
    "RecipientKind": {str(k): label for k, label in RECIPIENT_KINDS.items()},
    "SharingPurpose": {str(k): label for k, label in SHARING_PURPOSES.items()},
    "ExitReason": {
        "autonomy": N_("Autonomy reached"),
        "transferred": N_("Transferred"),
        "expired": N_("End of the pathway"),
        "dropped_out": N_("Dropped out"),
        "revoked": N_("Protection revoked"),
    },
}
"""Option labels by enum (the name of its JSON schema definition), then by value."""

PROGRESS_KINDS: Mapping[str, str] = {
    kind: label for spec in CATALOGUE.values() for kind, label in spec.labels.steps.items()
}
"""The kinds of progress a measure records, by their `kind`."""

VALIDATION_MESSAGES: Mapping[str, str] = {
    "missing": N_("Fill in this field."),
    "string_too_short": N_("Fill in this field."),
    "string_too_long": N_("Too long: at most %(max_length)s characters."),
    "string_pattern_mismatch": N_("This is not in the expected format."),
    "int_parsing": N_("Enter a whole number."),
    "int_from_float": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "float_parsing": N_("Enter a number."),
    "greater_than_equal": N_("Enter %(ge)s or more."),
    "less_than_equal": N_("Enter %(le)s or less."),
    "greater_than": N_("Enter more than %(gt)s."),
    "less_than": N_("Enter less than %(lt)s."),
    "date_parsing": N_("Enter a date."),
    "date_from_datetime_parsing": N_("Enter a date."),
    "date_from_datetime_inexact": N_("Enter a date."),
    "date_type": N_("Enter a date."),
    "datetime_parsing": N_("Enter a date and a time."),
    "datetime_from_date_parsing": N_("Enter a date and a time."),
    "timezone_aware": N_("Enter a date and a time."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
    "union_tag_invalid": N_("Choose one of the options."),
    "too_short": N_("Add at least %(min_length)s."),
    "too_long": N_("Add at most %(max_length)s."),
    "bool_parsing": N_("Choose yes or no."),
    "extra_forbidden": N_("This field is not expected here."),
    "value_error": N_("This value is not valid."),
}
"""Pydantic's error types, worded for a person; anything else is `value_error`'s."""


def field_label(owner: str, name: str) -> str:
    """The msgid of a field's label.

    Raises:
        KeyError: the field has no label: add one above.
    """
    found = FIELD_LABELS.get(f"{owner}.{name}", FIELD_LABELS.get(name))
    if found is None:
        raise KeyError(f"no label for {owner}.{name}: add it to web/pages/form_labels.py")
    return found


def option_label(enum: str, value: str) -> str:
    """The msgid of an option of an enum.

    Raises:
        KeyError: the option has no label: add one above.
    """
    try:
        return OPTION_LABELS[enum][value]
    except KeyError:
        raise KeyError(f"no label for {enum}.{value}: add it to web/pages/form_labels.py") from None
