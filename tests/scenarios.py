"""Builders for domain tests: realistic commands and a given/when/then driver."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from domain.calendar import month_start, project_day
from domain.commands import COMMAND_ADAPTER, Command, CommandEnvelope
from domain.decider import decide
from domain.events import Event
from domain.evolution import fold
from domain.fact_dates import fact_in_future
from domain.payments.events import PaymentRequested
from domain.payments.evidence import ALWAYS_EVIDENCED
from domain.payments.ledger import PaymentKind
from domain.policy import Deadlines, Policy, PolicyRevision, Span
from domain.records import EventRecord
from domain.state import PathwayState
from domain.stream import record_events, stream_id_for
from domain.values import Actor, Role

CROSS_FIELD_RULES = (
    "a span is either whole months or an exact duration, not both",
    "licence_conversion is a span after the start of residence, above zero",
    "ladder steps need distinct names",
    "revisions must have increasing, distinct effective_from dates",
)
"""The rules of a deadline policy (`apply_policy`) that relate fields, which JSON Schema
cannot state: a policy the published schema allows may still break one of them
(`invalid_command`, "Value error, ..."). Every other schema-valid command parses."""


def policy_beyond_schema(kind: object, field: object, message: str) -> bool:
    """Whether a refusal of a schema-valid command is one the published schema cannot
    foresee: a policy's cross-field rule, or a span's ISO duration in months or years
    (`format: duration` allows `P1M`, a timedelta has no months; known, left open)."""
    if kind != "apply_policy" or not str(field or "policy").startswith("policy"):
        return False
    detail = message.removeprefix("Value error, ")
    return detail in CROSS_FIELD_RULES or detail == "Input should be a valid duration"


START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SIX_MONTHS = timedelta(days=183)
"""How long a story waits between the exit and the follow-up: the follow-up's window opens
five months after the exit under the default policy (`Deadlines.follow_up_opens`)."""
COMPRESSED = Policy(
    policy_id="compressed",
    revisions=(
        PolicyRevision(
            effective_from=date(2000, 1, 1), deadlines=Deadlines(follow_up_opens=Span())
        ),
    ),
)
"""The default policy with time compressed, for stories told in seconds: the follow-up may
be recorded as soon as the exit is."""
PATHWAY_ID = "p-0001"
CASEWORKER = Actor(id="anna", role=Role.CASEWORKER)
SUPERVISOR = Actor(id="sara", role=Role.SUPERVISOR)
OTHER_SUPERVISOR = Actor(id="marco", role=Role.SUPERVISOR)
COORDINATOR = Actor(id="cora", role=Role.COORDINATOR)
AUDITOR = Actor(id="aldo", role=Role.AUDITOR)

CONDITION: dict[str, Any] = {
    "employment": "inactive",
    "housing": "reception_centre",
    "housing_hardship": True,
    "social_marginality": True,
    "mobility": "none",
    "italian_level": "a1",
    "digital_skills": False,
    "self_esteem": 18,
}

OPEN: dict[str, Any] = {
    "type": "open_pathway",
    "pathway_id": PATHWAY_ID,
    "organisation_id": "org-lecce",
    "caseworker_id": "anna",
    "beneficiary": {
        "given_name": "Amina",
        "family_name": "Diallo",
        "birth_date": "1994-05-17",
        "gender": "female",
        "nationality": "GN",
        "phone": "+39 320 1234567",
        "document_number": "PS1234567",
    },
    "protection_status": "refugee",
    "permit_expires_on": "2028-06-30",
    "household": {"adults": 1, "minors": [{"minor_id": "m1", "birth_year": 2019}]},
    "reception_centre": {"kind": "sai", "name": "SAI Lecce"},
    "resident_since": "2025-09-01",
}

ASSESSMENT: dict[str, Any] = {
    "type": "record_skills_assessment",
    "assessment": {
        "education": "upper_secondary",
        "italian_level": "a2",
        "digital_skills": False,
        "languages": [{"language": "French", "level": "c1"}],
        "work_experience": "Tailoring, 6 years",
        "titles_held": ["Baccalauréat"],
    },
}


def evidence_for(payment_id: str) -> dict[str, Any]:
    """The `attach_document` of an invoice for a payment (its bytes are not the rules')."""
    return {
        "type": "attach_document",
        "document_id": "doc-" + hashlib.sha256(payment_id.encode()).hexdigest()[:32],
        "kind": "invoice",
        "media_type": "application/pdf",
        "size": 1024,
        "sha256": "0" * 64,
        "filename": "fattura.pdf",
        "attached_to": {"kind": "payment", "id": payment_id},
    }


def plan(*measures: tuple[str, str], target: date = date(2026, 12, 31)) -> dict[str, Any]:
    return {
        "type": "propose_plan",
        "measures": [
            {"measure_id": mid, "kind": kind, "target_date": target.isoformat()}
            for mid, kind in measures
        ],
    }


@dataclass
class Scenario:
    """Given commands applied through the decider, then a command to check."""

    now: datetime = START
    records: list[EventRecord] = field(default_factory=list)
    counter: int = 0
    evidence: bool = True
    """Attach a receipt to each payment requested of a kind that may need evidence, as a
    caseworker would (`domain.payments.evidence`); False to check the rule itself."""

    @property
    def state(self) -> PathwayState:
        return fold(self.records)

    def envelope(
        self, command: dict[str, Any], actor: Actor, occurred_at: datetime | None = None
    ) -> CommandEnvelope:
        self.counter += 1
        return CommandEnvelope(
            command_id=f"c{self.counter}",
            actor=actor,
            command=COMMAND_ADAPTER.validate_python(command),
            occurred_at=occurred_at,
        )

    def decide(self, command: dict[str, Any], actor: Actor = CASEWORKER, **kw: Any) -> list[Event]:
        envelope = self.envelope(command, actor, kw.get("occurred_at"))
        self._wait_until_happened(envelope.command)
        return decide(self.state, envelope, self.now)

    def given(
        self,
        command: dict[str, Any],
        actor: Actor = CASEWORKER,
        advance: timedelta = timedelta(hours=1),
    ) -> Scenario:
        self.now += advance
        envelope = self.envelope(command, actor)
        self._wait_until_happened(envelope.command)
        events = decide(self.state, envelope, self.now)
        self.records += record_events(
            stream_id_for(PATHWAY_ID), len(self.records), envelope, events, self.now
        )
        if self.evidence:
            for event in events:
                if isinstance(event, PaymentRequested) and event.kind in ALWAYS_EVIDENCED | {
                    PaymentKind.UTILITIES
                }:
                    self.given(evidence_for(event.payment_id), actor, advance=timedelta())
        return self

    def _wait_until_happened(self, command: Command) -> None:
        """Move the clock to the day of the command's latest fact: the stories of these
        tests record a fact once it has happened. Tests of that rule call `decide` itself."""
        while (found := fact_in_future(command, project_day(self.now))) is not None:
            value = found[1]
            day = month_start(value) if len(value) == 7 else date.fromisoformat(value)
            self.now = datetime.combine(day, time(9), tzinfo=UTC)

    def opened(self) -> Scenario:
        return self.given(OPEN)

    def assessed(self) -> Scenario:
        return (
            self.opened()
            .given({"type": "record_baseline", "condition": CONDITION})
            .given(ASSESSMENT)
        )

    def active(self, *measures: tuple[str, str]) -> Scenario:
        self.assessed().given(plan(*measures)).given({"type": "approve_plan"}, SUPERVISOR)
        return self

    def started(self, measure_id: str, details: dict[str, Any]) -> Scenario:
        return self.given({"type": "start_measure", "measure_id": measure_id, "details": details})
