"""Which fields of which events are personal data, and what they read as once erased.

The one list of them (docs/privacy.md): the Postgres store seals exactly these with the
pathway's data key and opens them on read, so the domain only ever sees clear values. What
is not listed stays clear on purpose: ids, stages, dates of the process, amounts, enums
(gender, nationality, protection status, conditions), which the indicators aggregate and no
one can be identified by alone.

A path is dot-separated keys from the event's data; a key absent from an event (another
measure kind, an optional field left out) is skipped. Each field names what it reads as after
crypto-shredding: a value its model accepts, so that an erased pathway still folds, and the
record lists the paths that were erased (`EventRecord.erased`) for views to say so.
"""

from __future__ import annotations

from typing import Any

ERASED_TEXT = "[erased]"
"""What an erased required text reads as."""
ERASED_DATE = "0001-01-01"
"""What an erased date reads as: no one's birth date; views show `erased` instead."""

TEXT: Any = ERASED_TEXT
OPTIONAL: Any = None
LIST: Any = []
DATE: Any = ERASED_DATE
PAYEE: Any = {"name": ERASED_TEXT, "iban": ERASED_TEXT}

_BENEFICIARY = {
    "beneficiary.given_name": TEXT,
    "beneficiary.family_name": TEXT,
    "beneficiary.birth_date": DATE,
    "beneficiary.phone": OPTIONAL,
    "beneficiary.document_number": OPTIONAL,
    "reception_centre.name": OPTIONAL,
}
_ASSESSMENT = {"work_experience": OPTIONAL, "titles_held": LIST, "documents_held": LIST}
_MEASURE_TEXT = {
    # Details, progress entries and outcomes of the catalogue's kinds: names of people,
    # companies, schools and hosts, references of files, and free text.
    "association": TEXT,
    "provider": TEXT,
    "purpose": TEXT,
    "host_reference": OPTIONAL,
    "host_company": TEXT,
    "tutor": TEXT,
    "school": TEXT,
    "grade": OPTIONAL,
    "topic": TEXT,
    "summary": TEXT,
    "institution": TEXT,
    "assessor": TEXT,
    "programme": TEXT,
    "event": TEXT,
    "title": TEXT,
    "reference": OPTIONAL,
    "verified_by": TEXT,
    "certificate_name": OPTIONAL,
    "contract": OPTIONAL,
    "note": OPTIONAL,
    "payee": OPTIONAL,  # a work grant's account holder and IBAN
}


def _under(prefix: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {f"{prefix}.{path}": erased for path, erased in fields.items()}


PERSONAL_FIELDS: dict[str, dict[str, Any]] = {
    "PathwayOpened": _BENEFICIARY,
    "SkillsAssessmentRecorded": _under("assessment", _ASSESSMENT),
    "PlanProposed": {"note": OPTIONAL, "measures.*.description": OPTIONAL},
    "PlanRejected": {"reason": TEXT},
    "MeasureStarted": _under("details", _MEASURE_TEXT),
    "MeasureProgressRecorded": _under("progress", _MEASURE_TEXT),
    "MeasureCompleted": {
        **_under("outcome", _MEASURE_TEXT),
        **_under("outcome.assessment", _ASSESSMENT),
    },
    "MeasureCancelled": {"reason": TEXT},
    "PathwayExtended": {"reason": TEXT},
    "PathwaySuspended": {"note": OPTIONAL},
    "NoteAdded": {"text": TEXT},
    "DocumentAttached": {"filename": TEXT},
    "ExitRecorded": {"note": OPTIONAL},
    "FollowUpRecorded": {"note": OPTIONAL},
    "PathwayClosed": {"reason": OPTIONAL},
    "PaymentRequested": {"payee": OPTIONAL, "note": OPTIONAL, "evidence_ref": TEXT},
    "PaymentRejected": {"reason": TEXT},
    "PayeeCorrected": {"payee": PAYEE},
    "PaymentReturned": {"reason": OPTIONAL},
    "ConsentGiven": {"note": OPTIONAL},
    "ConsentWithdrawn": {"reason": OPTIONAL},
    "PathwayReferred": {"service": TEXT},
    "ReferralDeclined": {"reason": TEXT},
    "TransferRequested": {"reason": TEXT},
    "TransferDeclined": {"reason": TEXT},
    "FigureDisputed": {"reason": TEXT},
    "DisputeResolved": {"note": OPTIONAL},
    "AttendanceCorrected": {"reason": TEXT},
}
"""Event type → path of each personal field → what it reads as once erased."""
