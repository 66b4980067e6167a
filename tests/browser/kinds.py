"""What a caseworker types into the pages for each of the 12 measure kinds, start to end.

Each script is the form of `start_measure` (the details), the progress to record in order
(what the kind's rules ask before it completes: a title submitted before it is decided, a
move-in before the rent contract, an idea before the micro-credit referral), and the form
of `complete_measure`. Dates are counted from today, never in the future (facts are
recorded once they happened), in the kind's order: a work grant's attendance is the last
whole month, inside the grant. Amounts are in euros, as the forms take them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain.calendar import add_months, month_key
from domain.measures import CATALOGUE

Values = Mapping[str, Any]


@dataclass(frozen=True)
class KindScript:
    """One measure kind driven from the pages: started, its progress recorded, completed."""

    kind: str
    details: Values
    steps: tuple[tuple[str, Values], ...] = field(default_factory=tuple)
    """(progress kind, its fields), in the order they are recorded."""
    outcome: Values = field(default_factory=dict)
    pays: bool = False
    """True when the script pays a payment of the kind before it completes: an economic
    support completes only once paid, a work grant's attendance asks for its allowance."""


def scripts(today: date) -> dict[str, KindScript]:
    """The script of every kind, with dates counted from `today`."""
    ago: Callable[[int], str] = lambda days: (today - timedelta(days=days)).isoformat()  # noqa: E731
    this_month = today.replace(day=1)
    grant_start = add_months(this_month, -2)
    grant_end = this_month - timedelta(days=1)
    last_month = month_key(grant_end)
    found = [
        KindScript(
            "skills_assessment",
            {"assessor": "Anna Quarta", "start_on": ago(3)},
            outcome={
                "assessment": {
                    "education": "upper_secondary",
                    "italian_level": "a2",
                    "work_experience": "Sarta, sei anni",
                }
            },
        ),
        KindScript(
            "title_recognition",
            {"title": "Baccalauréat", "route": "cimea_comparability", "start_on": ago(40)},
            (("title_submitted", {"authority": "CIMEA", "submitted_on": ago(30)}),),
            {"result": "issued", "decided_on": ago(1), "reference": "CIMEA-2026-118"},
        ),
        KindScript(
            "economic_support",
            {"purpose": "Bollette del primo alloggio", "start_on": ago(10)},
            outcome={"completed_on": today.isoformat()},
            pays=True,
        ),
        KindScript(
            "work_grant",
            {
                "host_company": "Sartoria Salentina",
                "tutor": "Rosa Greco",
                "start_on": grant_start.isoformat(),
                "end_on": grant_end.isoformat(),
                "hours_per_week": 20,
                "monthly_allowance": "400",
                "payee": {"name": "Amina Diallo", "iban": "IT35A0200801600000100345678"},
            },
            (
                (
                    "work_grant_attendance",
                    {"month": last_month, "hours_verified": 80, "verified_by": "Rosa Greco"},
                ),
            ),
            {"completed_on": grant_end.isoformat(), "hired": True, "contract": "Apprendistato"},
            pays=True,
        ),
        KindScript(
            "training_course",
            {
                "subject": "other",
                "title": "Sicurezza sul lavoro",
                "provider": "Ente di formazione del Salento",
                "planned_hours": 16,
                "start_on": ago(20),
            },
            (("course_attendance", {"period_end": ago(2), "hours": 16}),),
            {"certificate": True, "completed_on": ago(1)},
        ),
        KindScript(
            "childcare",
            {
                "provider": "Asilo nido Il Girasole",
                "hours_per_week": 10,
                "minor_ids": ["m1"],
                "start_on": grant_start.isoformat(),
            },
            (("childcare_hours", {"month": last_month, "hours": 40}),),
            {"completed_on": today.isoformat()},
        ),
        KindScript(
            "mobility",
            {"route": "bicycle", "provider": "Ciclofficina popolare", "start_on": ago(5)},
            outcome={"result": "bicycle_delivered", "on": ago(1)},
        ),
        KindScript(
            "association_membership",
            {"association": "ASD Lecce Calcio", "category": "sports", "start_on": ago(15)},
            (("membership_joined", {"on": ago(10)}),),
            {"completed_on": today.isoformat(), "still_member": True},
        ),
        KindScript(
            "school_support",
            {"minor_id": "m1", "school": "Scuola primaria Ada Negri", "start_on": ago(60)},
            (("tutoring_hours", {"month": last_month, "hours": 8}),),
            {"completed_on": today.isoformat(), "school_year_completed": True},
        ),
        KindScript(
            "self_employment_orientation",
            {"provider": "Camera di commercio di Lecce", "start_on": ago(30)},
            (
                ("business_idea", {"summary": "Un laboratorio di sartoria su misura"}),
                ("microcredit_referral", {"institution": "Microcredito Salento", "on": ago(2)}),
            ),
            {"completed_on": today.isoformat(), "business_started": False},
        ),
        KindScript(
            "social_event",
            {"programme": "Feste di quartiere", "start_on": ago(7)},
            (("event_participation", {"event": "Festa di San Giovanni", "on": ago(6)}),),
            {"completed_on": ago(1)},
        ),
        KindScript(
            "housing_placement",
            {"solution": "private_rental", "start_on": ago(20), "host_reference": "Via Roma 3"},
            (
                ("moved_in", {"on": ago(15)}),
                ("rent_contract_registered", {"monthly_rent": "350", "registered_on": ago(12)}),
            ),
            {"result": "settled", "on": ago(1)},
        ),
    ]
    by_kind = {script.kind: script for script in found}
    assert sorted(by_kind) == sorted(CATALOGUE), "a script for every kind of the catalogue"
    return by_kind
