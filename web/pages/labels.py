"""Labels of the domain's codes (stages, roles, measures, payments) in the reader's language.

The codes stay English snake_case everywhere else; here each one gets an English msgid,
marked with `N_` so that pybabel extracts it, and translated when a page shows it. A page
calls `label(value)` (bound to the request's language by `render`); `tests/web/test_i18n.py`
checks that every member of these enums has a label. Obligation kinds are labelled in
`domain.obligation_kinds`, which `pathways show` reads too; measures and payment kinds by
the measures' own modules (`domain.measures`), whose msgids are translated here all the same.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from babel import Locale

from domain.consents.commands import NoticeLanguage, RecipientKind, SharingPurpose
from domain.documents.kinds import DocumentKind
from domain.group_activities.activity import GroupActivityKind
from domain.measures import CATALOGUE, PAYMENT_RULES, MeasureKind, MeasureStatus
from domain.obligation_kinds import OBLIGATION_KINDS
from domain.partners.model import ContactRole, PartnerKind
from domain.payments.ledger import PaymentKind
from domain.referrals.state import ReferralStatus
from domain.values import Role, Stage, WorkPackage
from infra.access_log.model import Channel, Purpose
from web.i18n import N_
from web.reports.indicator_labels import WORK_PACKAGES

STAGES: Mapping[Stage, str] = {
    Stage.RECEPTION: N_("Reception"),
    Stage.ASSESSMENT: N_("Assessment"),
    Stage.PLANNING: N_("Planning"),
    Stage.ACTIVE: N_("Active"),
    Stage.EXIT: N_("Exit"),
    Stage.FOLLOW_UP: N_("Follow-up"),
    Stage.CLOSED: N_("Closed"),
}

ROLES: Mapping[Role, str] = {
    Role.CASEWORKER: N_("Caseworker"),
    Role.SUPERVISOR: N_("Supervisor"),
    Role.COORDINATOR: N_("Coordinator"),
    Role.AUDITOR: N_("Auditor"),
    Role.ADMIN: N_("Administrator"),
    Role.PARTNER: N_("Partner"),
    Role.SYSTEM: N_("System (automatic deadlines)"),
    Role.PARTNER: N_("Partner contact"),
}

MEASURE_KINDS: Mapping[MeasureKind, str] = {
    kind: CATALOGUE[kind].labels.name for kind in MeasureKind
}
"""Each measure's name, as its module declares it (`MeasureSpec.labels`)."""

MEASURE_STATUSES: Mapping[MeasureStatus, str] = {
    MeasureStatus.PLANNED: N_("Planned"),
    MeasureStatus.ACTIVE: N_("In progress"),
    MeasureStatus.COMPLETED: N_("Completed"),
    MeasureStatus.CANCELLED: N_("Cancelled"),
}

PAYMENT_KINDS: Mapping[PaymentKind, str] = {kind: PAYMENT_RULES[kind].label for kind in PaymentKind}
"""Each kind of payment, as the measure it is spent on declares it (`PaymentRule.label`)."""

PURPOSES: Mapping[Purpose, str] = {
    Purpose.CASE_MANAGEMENT: N_("Case management"),
    Purpose.SUPERVISION: N_("Supervision"),
    Purpose.MONITORING: N_("Project monitoring"),
    Purpose.AUDIT: N_("Audit"),
    Purpose.SUBJECT_ACCESS: N_("The person's request for their data"),
    Purpose.ERASURE: N_("Erasure check"),
    Purpose.MEASURE_DELIVERY: N_("Measure delivery (partner)"),
    Purpose.SUPPORT: N_("Technical support"),
}

CHANNELS: Mapping[Channel, str] = {
    Channel.PAGE: N_("Page"),
    Channel.API: N_("API"),
    Channel.CLI: N_("Command line"),
    Channel.CODEC: N_("Temporal UI (codec)"),
}

SHARING_PURPOSES: Mapping[SharingPurpose, str] = {
    SharingPurpose.REFERRAL: N_("Referral to another organisation"),
    SharingPurpose.TRANSFER: N_("Transfer of the pathway"),
    SharingPurpose.MEASURE_DELIVERY: N_("Delivery of a measure"),
    SharingPurpose.FUNDER_REPORTING: N_("Reporting to the funder"),
}

RECIPIENT_KINDS: Mapping[RecipientKind, str] = {
    RecipientKind.ORGANISATION: N_("Organisation of the project"),
    RecipientKind.PARTNER: N_("Partner of the network"),
}

NOTICE_LANGUAGES: Mapping[NoticeLanguage, str] = {
    NoticeLanguage.ITALIAN: N_("Italian"),
    NoticeLanguage.ENGLISH: N_("English"),
}

PARTNER_KINDS: Mapping[PartnerKind, str] = {
    PartnerKind.HOST_COMPANY: N_("Host company"),
    PartnerKind.TRAINING_PROVIDER: N_("Training provider (CPIA, course body)"),
    PartnerKind.HOST_FAMILY: N_("Host family"),
    PartnerKind.SCHOOL: N_("School"),
    PartnerKind.ASSOCIATION: N_("Association"),
    PartnerKind.OTHER_SERVICE: N_("Other service"),
}

CONTACT_ROLES: Mapping[ContactRole, str] = {
    ContactRole.TUTOR: N_("Tutor"),
    ContactRole.TEACHER: N_("Teacher"),
    ContactRole.HOST_PARENT: N_("Host parent"),
    ContactRole.REFERENT: N_("Referent"),
    ContactRole.OTHER: N_("Other role"),
}

GROUP_ACTIVITY_KINDS: Mapping[GroupActivityKind, str] = {
    GroupActivityKind.SOCIAL_COHESION_EVENT: N_("Social-cohesion event"),
    GroupActivityKind.GROUP_COURSE_SESSION: N_("Group course session"),
    GroupActivityKind.ASSOCIATION_OUTING: N_("Association outing"),
}

REFERRAL_STATUSES: Mapping[ReferralStatus, str] = {
    ReferralStatus.PENDING: N_("Waiting for an answer"),
    ReferralStatus.ACCEPTED: N_("Accepted"),
    ReferralStatus.DECLINED: N_("Declined"),
}

DOCUMENT_KINDS: Mapping[DocumentKind, str] = {
    DocumentKind.SIGNED_PLAN: N_("Signed individual plan (PAI)"),
    DocumentKind.ATTENDANCE_SHEET: N_("Attendance sheet"),
    DocumentKind.RENT_CONTRACT: N_("Rent contract"),
    DocumentKind.HOSTING_RECEIPT: N_("Hosting communication receipt"),
    DocumentKind.INVOICE: N_("Invoice"),
    DocumentKind.RECEIPT: N_("Receipt"),
    DocumentKind.CERTIFICATE: N_("Certificate"),
    DocumentKind.OTHER: N_("Other document"),
}

LABELS: Mapping[type[StrEnum], Mapping[Any, str]] = {
    DocumentKind: DOCUMENT_KINDS,
    Stage: STAGES,
    Role: ROLES,
    MeasureKind: MEASURE_KINDS,
    MeasureStatus: MEASURE_STATUSES,
    PaymentKind: PAYMENT_KINDS,
    Purpose: PURPOSES,
    Channel: CHANNELS,
    SharingPurpose: SHARING_PURPOSES,
    RecipientKind: RECIPIENT_KINDS,
    NoticeLanguage: NOTICE_LANGUAGES,
    PartnerKind: PARTNER_KINDS,
    ContactRole: CONTACT_ROLES,
    GroupActivityKind: GROUP_ACTIVITY_KINDS,
    ReferralStatus: REFERRAL_STATUSES,
}
"""Every enum a page may show, with its labels; add a new one here."""


def label(gettext: Callable[[str], str], value: StrEnum) -> str:
    """The translated label of a domain enum member.

    Raises:
        KeyError: the enum (or the member) has no label: add it above.
    """
    return gettext(LABELS[type(value)][value])


def measure_name(gettext: Callable[[str], str], measure_id: str) -> str:
    """A measure as a person names it: its kind's label and ordinal, "Corso di formazione (1)".

    Measure ids are `<kind>-<n>` (`domain.measures`); an id of another shape is shown as it is.
    """
    kind, _, ordinal = measure_id.rpartition("-")
    if kind not in set(MeasureKind) or not ordinal.isdigit():
        return measure_id
    return f"{label(gettext, MeasureKind(kind))} ({ordinal})"


def language_name(language: str, code: str) -> str:
    """A language's name in the reader's language ("vietnamita" for `vi`), from babel's CLDR."""
    name: str | None = Locale.parse(language).languages.get(code.lower())
    return name or code


def country_name(language: str, code: str) -> str:
    """A country's name in the reader's language ("Guinea" for `GN`), from babel's CLDR."""
    name: str | None = Locale.parse(language).territories.get(code.upper())
    return name or code


def name_codes(gettext: Callable[[str], str], text: str) -> str:
    """`text` with the codes a person should not read put as names, part by part.

    For what is composed from codes out of reach of a translation (the options of a form's
    select, an evidence reference): parts split by " · " or ":" that are a measure id, a
    measure kind, a payment kind or an obligation kind are named; the rest is left as it is.
    """
    named = []
    for part in text.split(" · "):
        pieces = part.split(":")
        named.append(", ".join(_name_code(gettext, piece) for piece in pieces))
    return " · ".join(named)


def _name_code(gettext: Callable[[str], str], code: str) -> str:
    if code in set(PaymentKind):
        return label(gettext, PaymentKind(code))
    if code in set(MeasureKind):
        return label(gettext, MeasureKind(code))
    if code in OBLIGATION_KINDS:
        return gettext(OBLIGATION_KINDS[code])
    return measure_name(gettext, code)


def budget_line_name(gettext: Callable[[str], str], line_id: str) -> str | None:
    """A budget line as the reader names it: its work package and kind of payment.

    Lines are `<work package>.<payment kind>` (`infra/budgets/default.toml`); the label the
    budget file gives is free text in one language, so pages head a line with this instead.
    None for a line of another shape.
    """
    package, _, kind = line_id.partition(".")
    if package not in set(WorkPackage) or kind not in set(PaymentKind):
        return None
    return f"{gettext(WORK_PACKAGES[WorkPackage(package)])} · {label(gettext, PaymentKind(kind))}"
