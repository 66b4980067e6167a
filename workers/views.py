"""What `show`, `history` and the command replies print: compact text for people, JSON for tools.

Plain aligned text rather than tables: it reads the same in a terminal, a pipe and a log.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from domain.calendar import project_day
from domain.closure import PendingPayment, WayOut, closure_blockers
from domain.consents.state import Consents
from domain.follow_up import follow_up_opens_at
from domain.pathway_answer import PathwayAnswer
from domain.policy import Policy, Span
from domain.records import EventRecord
from domain.values import Condition

if TYPE_CHECKING:
    from workers.policy_report import BroadcastReport

_LABEL = 14


def result_line(result: Any) -> str:
    """One accepted command: `version 4 · stage planning · SkillsAssessmentRecorded`.

    `result` is a `workflows.models.CommandResult` (not imported: replies need no Temporal).
    """
    events = ", ".join(result.events) or "no events"
    return f"version {result.version} · stage {result.stage} · {events}"


def to_json(value: Any) -> str:
    """A pydantic model, or a list of them, as indented JSON."""
    if isinstance(value, list):
        return json.dumps([_plain(item) for item in value], indent=2, ensure_ascii=False)
    return json.dumps(_plain(value), indent=2, ensure_ascii=False)


def history_json(records: Sequence[EventRecord]) -> str:
    """Every record as JSON, each with its `backdated` marker."""
    return json.dumps(
        [{**r.model_dump(mode="json"), "backdated": r.backdated} for r in records],
        indent=2,
        ensure_ascii=False,
    )


def state_text(state: PathwayAnswer, as_of: datetime | None = None) -> str:
    """A pathway at a glance: stage, people, baseline, plan, measures, what it owes next.

    Instants are in Italian time; obligations in the pages' Italian words.
    """
    from workers.obligations_text import italian_time, obligation_words, obligations_lines

    lines = [f"Pathway {state.pathway_id} · {state.stage} · version {state.version}"]
    if as_of is not None:
        lines.append(f"as known at {italian_time(as_of)}")
    b = state.beneficiary
    row = lines.append
    row(_row("Organisation", state.organisation_id))
    row(_row("Caseworker", state.caseworker_id))
    if b is not None:
        row(
            _row(
                "Beneficiary",
                f"{b.given_name} {b.family_name}, {b.gender}, {b.nationality}, born {b.birth_date}",
            )
        )
    row(_row("Protection", f"{state.protection_status}, permit expires {state.permit_expires_on}"))
    minors = len(state.household.minors)
    row(_row("Household", f"{_count(state.household.adults, 'adult')}, {_count(minors, 'minor')}"))
    if state.opened_at is not None:
        row(_row("Opened", italian_time(state.opened_at)))
    if state.stage_entered_at is not None:
        row(_row("Stage since", italian_time(state.stage_entered_at)))
    suspension = state.suspension
    row(
        _row(
            "Suspended",
            "no"
            if suspension is None
            else f"since {italian_time(suspension.since)} ({suspension.reason})",
        )
    )
    row(_row("Baseline", "not recorded" if state.baseline is None else _condition(state.baseline)))
    if state.assessment is not None:
        a = state.assessment
        row(
            _row(
                "Assessment",
                f"education {a.education}, Italian {a.italian_level}, "
                f"{'digital skills' if a.digital_skills else 'no digital skills'}",
            )
        )
    if state.plan is not None:
        p = state.plan
        row(
            _row(
                "Plan",
                f"revision {p.revision}, approved by {p.approved_by} on "
                f"{project_day(p.approved_at)}, ends {p.end_date}",
            )
        )
    if state.pending_plan is not None:
        pp = state.pending_plan
        row(
            _row(
                "Proposed plan",
                f"revision {pp.revision} by {pp.proposed_by} on {project_day(pp.proposed_at)}, "
                f"{_count(len(pp.measures), 'measure')}, awaiting approval",
            )
        )
    if state.plan is None and state.pending_plan is None:
        row(_row("Plan", "none yet"))
    if state.measures:
        row("Measures")
        width = max(len(m) for m in state.measures)
        kinds = max(len(m.kind) for m in state.measures.values())
        for m in sorted(state.measures.values(), key=lambda m: (m.target_date, m.measure_id)):
            status = f"{m.status:<9}"
            row(f"  {m.measure_id:<{width}}  {m.kind:<{kinds}}  {status}  target {m.target_date}")
            for c in state.partner_links.get(m.measure_id, ()):
                row(f"  {'':<{width}}  with {c.partner_name} ({c.contact_role}, {c.contact_id})")
    lines += consent_lines(state.consents)
    if state.exit is not None:
        row(
            _row(
                "Exit",
                f"{state.exit.reason} on {project_day(state.exit.at)}; "
                f"{_condition(state.exit.outcomes)}",
            )
        )
    if state.follow_up is not None:
        row(_row("Follow-up", _condition(state.follow_up)))
    elif (opens := follow_up_opens_at(state)) is not None:
        row(_row("Follow-up", f"recorded from {italian_time(opens)}"))
    blockers = closure_blockers(state)
    if blockers:
        row("Closure waits for")
        for line in pending_lines(blockers, lead=False):
            row(f"  {line}")
    if state.notes:
        row(_row("Notes", str(state.notes)))
    owed = state.obligations
    if owed:
        first = owed[0]
        row(_row("Next deadline", f"{italian_time(first.due_at)}, {obligation_words(first)}"))
        row("Open obligations")
        lines += obligations_lines(owed)
    else:
        row(_row("Next deadline", "none"))
    return "\n".join(lines)


def consent_lines(consents: Consents) -> list[str]:
    """The privacy notice given and each consent to share, active or withdrawn."""
    notice = consents.notice
    lines = [
        _row(
            "Privacy notice",
            "not given"
            if notice is None
            else f"version {notice.version} in {notice.language}, given on {notice.given_on}",
        )
    ]
    if consents.given:
        lines.append("Consents to share")
    for c in consents.given.values():
        status = "active" if c.withdrawn_on is None else f"withdrawn on {c.withdrawn_on}"
        until = f" until {c.until}" if c.until is not None else ""
        recipients = ", ".join(f"{r.kind} {r.id}" for r in c.recipients)
        lines.append(
            f"  {c.consent_id}  {c.purpose}  with {recipients}, given on {c.given_on}{until}"
            f"  {status}"
        )
    return lines


WAYS_OUT = {
    WayOut.APPROVAL: "a supervisor approves it (approve_payment) or rejects it (reject_payment)",
    WayOut.COORDINATOR: "the coordinator approves it (approve_payment) or rejects it"
    " (reject_payment)",
    WayOut.PAYEE: "correct the payee (correct_payee) and approve it again, or reject it"
    " (reject_payment)",
    WayOut.BANK: "approved, so it can no longer be rejected or cancelled: the bank pays it"
    " from a SEPA batch (pathways payments account sets the organisation's bank account,"
    " pathways payments export makes the batch) and the statement settles it (pathways"
    " payments import-statement)",
}
"""What settles a pending payment, in the words and commands of the CLI."""


def pending_lines(pending: Sequence[PendingPayment], *, lead: bool = True) -> list[str]:
    """The payments that keep a pathway from closing, one line each with its way out; with
    `lead`, a first line saying so (the warning of an exit's reply)."""
    if not pending:
        return []
    first = [f"pending payments keep the pathway from closing ({len(pending)}):"]
    return (first if lead else []) + [
        f"{p.payment_id} ({p.kind}, {p.amount / 100:.2f} EUR, {p.status}): {WAYS_OUT[p.way_out]}"
        for p in pending
    ]


def history_text(records: Sequence[EventRecord]) -> str:
    """One line per event: version, type, actor, business and recording time, command id."""
    width = max([len(r.type) for r in records] + [4])
    actor_width = max([len(f"{r.actor.id} ({r.actor.role})") for r in records] + [5])
    lines = [
        f"{'v':>3}  {'type':<{width}}  {'actor':<{actor_width}}  {'occurred at':<20}  "
        f"{'recorded at':<20}  command"
    ]
    for r in records:
        actor = f"{r.actor.id} ({r.actor.role})"
        marker = "  back-dated" if r.backdated else ""
        lines.append(
            f"{r.version:>3}  {r.type:<{width}}  {actor:<{actor_width}}  "
            f"{_instant(r.occurred_at, seconds=True):<20}  "
            f"{_instant(r.recorded_at, seconds=True):<20}  {r.command_id}{marker}"
        )
    return "\n".join(lines)


def policy_text(policy: Policy, source: str, digest: str) -> str:
    """A policy at a glance: each revision's deadlines and ladder, oldest revision first."""
    revisions = len(policy.revisions)
    lines = [
        f"Policy {policy.policy_id} · {_count(revisions, 'revision')} · sha256 {digest[:16]}",
        _row("Source", source),
    ]
    for number, revision in enumerate(policy.revisions, start=1):
        lines += ["", f"Revision {number}, effective from {revision.effective_from}", "  Deadlines"]
        deadlines = revision.deadlines.model_dump()
        width = max(len(name) for name in deadlines)
        for name in deadlines:
            lines.append(f"    {name:<{width}}  {getattr(revision.deadlines, name)}")
        lines.append("  Ladder (T: the due instant)")
        width = max(len(step.step) for step in revision.ladder)
        at = max(len(_offset(step.offset)) for step in revision.ladder)
        for step in revision.ladder:
            kind = "escalation" if step.escalation else "reminder"
            lines.append(
                f"    {step.step:<{width}}  {_offset(step.offset):<{at}}  "
                f"{kind:<10}  to the {step.notify}"
            )
    return "\n".join(lines)


def broadcast_text(report: BroadcastReport) -> str:
    """The counts of a policy broadcast, then one line per pathway that refused or failed."""
    counts = report.counts()
    lines = [
        f"policy {report.policy_id} (sha256 {report.digest[:16]}) on "
        f"{_count(len(report.outcomes), 'running pathway')}",
        " · ".join(f"{outcome.replace('_', ' ')} {n}" for outcome, n in counts.items()),
    ]
    lines += [
        f"  {o.pathway_id}  {o.outcome}: {o.detail}"
        for o in report.outcomes
        if o.detail is not None
    ]
    return "\n".join(lines)


def broadcast_json(report: BroadcastReport) -> str:
    """The broadcast as JSON: the policy, the counts, and each pathway's outcome."""
    return json.dumps(
        {
            "policy_id": report.policy_id,
            "digest": report.digest,
            "counts": {outcome.value: n for outcome, n in report.counts().items()},
            "outcomes": [
                {"pathway_id": o.pathway_id, "outcome": o.outcome.value, "detail": o.detail}
                for o in report.outcomes
            ],
        },
        indent=2,
    )


def _offset(span: Span) -> str:
    if span == Span():
        return "T"
    text = str(span)
    return f"T-{text[1:]}" if text.startswith("-") else f"T+{text}"


def _row(label: str, value: object) -> str:
    return f"{label:<{_LABEL}} {value}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _instant(value: datetime, *, seconds: bool = False) -> str:
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%d %H:%M:%SZ" if seconds else "%Y-%m-%d %H:%M UTC")


def _condition(c: Condition) -> str:
    flags = [
        f"employment {c.employment}",
        f"housing {c.housing}" + (" (hardship)" if c.housing_hardship else ""),
        "social marginality" if c.social_marginality else "no social marginality",
        f"mobility {c.mobility}",
        f"Italian {c.italian_level}",
        "digital skills" if c.digital_skills else "no digital skills",
        f"self-esteem {c.self_esteem}",
    ]
    return ", ".join(flags)


def _plain(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        return dump(mode="json")
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict

        return json.loads(json.dumps(asdict(value), default=str))
    return value


def summary_text(summary: Any) -> str:
    """A summary object as text: its own `__str__` if it has one, else `key: value` lines."""
    if "__str__" in type(summary).__dict__:
        return str(summary)
    plain = _plain(summary)
    if not isinstance(plain, dict):
        return str(summary)
    return "\n".join(f"{key}: {value}" for key, value in plain.items())
