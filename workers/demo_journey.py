"""The demo's journey builder: one pathway's commands as they are written, with its facts.

Dates are days relative to `today` (the details' dates); the business time of every
command is left to the workflow's clock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from domain.calendar import add_months, month_key, months_between
from domain.measures import MeasureKind
from domain.payments.ledger import PaymentKind, payment_id_for
from domain.payments.payee import with_check_digits
from domain.payments.rules import SYSTEM_BANK
from domain.policy import DEFAULT_POLICY
from domain.values import Actor, CefrLevel, Role
from workers import demo_data as data

Command = dict[str, Any]

CEFR = list(CefrLevel)
COORDINATOR = Actor(id="cora", role=Role.COORDINATOR)
THRESHOLD = DEFAULT_POLICY.revisions[0].payments.coordinator_threshold
SCHOOL_AGE = range(6, 18)
CHILDCARE_AGE = range(0, 11)


class Depth(StrEnum):
    """How far a measure has gone by the end of the demo."""

    PLANNED = "planned"
    STARTED = "started"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class MeasureChoice:
    kind: MeasureKind
    depth: Depth
    variant: str | None = None
    """Mobility route, housing solution, support kind, course subject, or `iban_later` for a
    work grant whose beneficiary gives the IBAN only after the first allowance; random if None."""


@dataclass
class Journey:
    """One pathway being written: who acts, what the beneficiary is like, the commands so far."""

    rng: random.Random
    today: date
    caseworker: Actor
    supervisor: Actor
    town: str
    minors: list[tuple[str, int]]
    """(minor id, birth year) of the household."""
    pregnancy: bool
    resident_since: date
    condition: dict[str, Any]
    """The condition now: the baseline, improved by the measures completed."""
    languages: tuple[str, ...]
    """Mother tongue first, then a second language."""
    titles: tuple[str, ...] = ()
    steps: list[tuple[Command, Actor]] = field(default_factory=list)
    rent: int | None = None
    """Monthly rent (cents) of a registered contract, which caps a rent advance."""
    pathway_id: str = ""
    beneficiary_name: str = ""
    """Holder of the beneficiary's account, for the work-grant allowances."""
    settle: bool = False
    """The pathway leaves the active stage: every payment is settled before it does."""

    def emit(self, command_type: str, actor: Actor | None = None, **fields: Any) -> None:
        """Add a command of `command_type`, sent by `actor` (by default the caseworker)."""
        self.steps.append(({"type": command_type, **fields}, actor or self.caseworker))

    def ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def between(self, first: date, last: date) -> date:
        """A random day from `first` to `last`, or to today if that comes first."""
        last = min(last, self.today)
        return first + timedelta(days=self.rng.randint(0, max((last - first).days, 0)))

    def past_months(self, start: date, end: date | None = None) -> list[str]:
        """The months from `start`'s that are over (and not after `end`'s month)."""
        last = month_key(add_months(self.today.replace(day=1), -1))
        if end is not None:
            last = min(last, month_key(end))
        first = month_key(start)
        return months_between(first, last) if first <= last else []

    def staff_name(self) -> str:
        return f"{self.rng.choice(data.STAFF_GIVEN)} {self.rng.choice(data.STAFF_FAMILY)}"

    def minors_aged(self, ages: range) -> list[str]:
        return [mid for mid, year in self.minors if self.today.year - year in ages]

    def improve(self, **changes: Any) -> None:
        self.condition.update(changes)

    def start(self, mid: str, kind: str, **details: Any) -> None:
        self.emit("start_measure", measure_id=mid, details={"kind": kind, **details})

    def step(self, mid: str, kind: str, actor: Actor | None = None, **progress: Any) -> None:
        progress = {"kind": kind, **progress}
        self.emit("record_measure_progress", actor, measure_id=mid, progress=progress)

    def finish(self, mid: str, kind: str, **outcome: Any) -> None:
        self.emit("complete_measure", measure_id=mid, outcome={"kind": kind, **outcome})

    # --- payments ---------------------------------------------------------------------------

    def iban(self) -> str:
        """A made-up Italian IBAN with valid check digits (CIN, ABI, CAB, account)."""
        digits = "".join(str(self.rng.randint(0, 9)) for _ in range(22))
        return with_check_digits("IT", self.rng.choice("ABCDEFGHIJKLMNOPRSTUVWXYZ") + digits)

    def payment_id(self, mid: str, kind: PaymentKind, period: str) -> str:
        return payment_id_for(self.pathway_id, mid, kind, period)

    def request(
        self, mid: str, kind: PaymentKind, amount: int, period: str, payee: str, evidence: str
    ) -> str:
        """Request a payment as the caseworker; its id."""
        self.emit(
            "request_payment",
            measure_id=mid,
            kind=kind,
            amount=amount,
            payee={"name": payee, "iban": self.iban()},
            evidence_ref=evidence,
            period=period,
        )
        return self.payment_id(mid, kind, period)

    def approve(self, payment_id: str, amount: int) -> None:
        """The supervisor approves; above the threshold, the coordinator then approves too."""
        self.emit("approve_payment", self.supervisor, payment_id=payment_id)
        if amount > THRESHOLD:
            self.emit("approve_payment", COORDINATOR, payment_id=payment_id)

    def bank(self, payment_id: str, on: date, result: str = "paid", attempt: int = 1) -> None:
        """What an earlier bank statement said of the payment (actor `system:bank`)."""
        self.emit(
            "record_payment_outcome",
            SYSTEM_BANK,
            payment_id=payment_id,
            attempt=attempt,
            result=result,
            bank_reference=f"DEMO-CBI-{on.year}-{self.rng.randint(100000, 999999)}",
            on=on,
            reason="AC04 conto estinto" if result == "returned" else None,
        )


def level_above(level: str, steps: int = 1) -> str:
    index = CEFR.index(CefrLevel(level))
    return CEFR[min(index + steps, CEFR.index(CefrLevel.B2))].value


def assessment(j: Journey, education: str, italian: str) -> Command:
    """A skills assessment (bilancio di competenze) consistent with the beneficiary."""
    levels = ("c2", j.rng.choice(("a2", "b1", "b2")))
    languages = [
        {"language": name, "level": level} for name, level in zip(j.languages, levels, strict=False)
    ]
    return {
        "education": education,
        "italian_level": italian,
        "digital_skills": j.condition["digital_skills"],
        "languages": languages,
        "work_experience": j.rng.choice(data.WORK_EXPERIENCE),
        "titles_held": list(j.titles),
        "documents_held": j.rng.sample(data.DOCUMENTS, j.rng.randint(2, 4)),
    }
