"""The demo's referral and transfer: one org-lecce pathway, with the beneficiary's consent,
referred to org-nardo (accepted by its supervisor) and then transferred there; and one more
org-lecce pathway referred to org-nardo and left unanswered, so org-nardo's inbox has a
referral waiting (`WAITING_SERVICE`).

Sent through the same `PathwayClient` as every demo command, with fixed command ids, so
running `pathways demo` again changes nothing: the pathway chosen is the one moved by an
earlier run if there is one, else the first demo pathway of org-lecce still early in its
course (reception, assessment or planning: no payment waits on its supervisor) and not
suspended.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import structlog

from client.pathway import CommandRefused, PathwayClient
from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from domain.state import PathwayState
from domain.values import Actor, Role, Stage

log = structlog.get_logger("pathways.demo")

FROM, TO = "org-lecce", "org-nardo"
SARA = Actor(id="sara", role=Role.SUPERVISOR)
"""org-lecce's demo supervisor (`workers.demo_data`)."""
PAOLO = Actor(id="paolo", role=Role.SUPERVISOR)
"""org-nardo's demo supervisor; Marta and Davide are its caseworkers."""
EARLY = frozenset({Stage.RECEPTION, Stage.ASSESSMENT, Stage.PLANNING})
WAITING_SERVICE = "Orientamento al lavoro"
"""The service of the referral the demo leaves for org-nardo to answer."""


def _moved_already(state: PathwayState) -> bool:
    return any(o.organisation_id == TO for o in state.referrals.owners) and any(
        o.organisation_id == FROM for o in state.referrals.owners
    )


def _candidate(state: PathwayState) -> bool:
    return state.organisation_id == FROM and state.stage in EARLY and state.suspension is None


def commands(today: date) -> list[tuple[dict[str, Any], Actor]]:
    """What the demo sends, in order: the notice, the two consents, the referral and its
    acceptance, the transfer and its acceptance."""
    day = today.isoformat()
    to = [{"kind": "organisation", "id": TO}]
    return [
        (
            {"type": "record_privacy_notice", "given_on": day, "language": "it", "version": "1"},
            SARA,
        ),
        ({"type": "give_consent", "recipients": to, "purpose": "referral", "given_on": day}, SARA),
        ({"type": "give_consent", "recipients": to, "purpose": "transfer", "given_on": day}, SARA),
        (
            {"type": "refer_pathway", "to_organisation": TO, "service": "Corso di italiano A2"},
            SARA,
        ),
        ({"type": "accept_referral", "referral_id": "referral-1", "caseworker_id": "marta"}, PAOLO),
        (
            {
                "type": "transfer_pathway",
                "to_organisation": TO,
                "reason": "Trasferimento a Nardò",
                "effective_on": day,
            },
            SARA,
        ),
        ({"type": "accept_transfer", "caseworker_id": "davide"}, PAOLO),
    ]


async def seed_demo_referral(
    pathways: PathwayClient, pathway_ids: tuple[str, ...], today: date
) -> str | None:
    """Refer and transfer one demo pathway from org-lecce to org-nardo; its id, or None
    when no demo pathway fits (a caseload too small).

    Raises:
        CommandRefused: a command was refused: a bug in the demo.
    """
    states = {pid: await pathways.state(pid) for pid in pathway_ids}
    moved = [pid for pid, state in states.items() if _moved_already(state)]
    chosen = moved[0] if moved else next((p for p, s in states.items() if _candidate(s)), None)
    if chosen is None:
        return None
    await _send(pathways, chosen, "demo-referral", commands(today))
    log.info("demo_referral_seeded", pathway_id=chosen, from_organisation=FROM, to=TO)
    waiting = [pid for pid, state in states.items() if _waits(state)]
    others = [pid for pid, state in states.items() if pid != chosen and _candidate(state)]
    if waiting or others:
        await _send(pathways, (waiting or others)[0], "demo-waiting", waiting_commands(today))
    return chosen


def _waits(state: PathwayState) -> bool:
    return any(r.service == WAITING_SERVICE for r in state.referrals.given.values())


def waiting_commands(today: date) -> list[tuple[dict[str, Any], Actor]]:
    """The notice, a consent for `referral` to org-nardo and the referral left unanswered."""
    day = today.isoformat()
    to = [{"kind": "organisation", "id": TO}]
    return [
        (
            {"type": "record_privacy_notice", "given_on": day, "language": "it", "version": "1"},
            SARA,
        ),
        ({"type": "give_consent", "recipients": to, "purpose": "referral", "given_on": day}, SARA),
        ({"type": "refer_pathway", "to_organisation": TO, "service": WAITING_SERVICE}, SARA),
    ]


async def _send(
    pathways: PathwayClient, pathway_id: str, prefix: str, sent: list[tuple[dict[str, Any], Actor]]
) -> None:
    """Send `sent` in order, with the fixed command ids that make a second run change nothing.

    Raises:
        CommandRefused: a command was refused: a bug in the demo.
    """
    for n, (command, actor) in enumerate(sent, start=1):
        envelope = CommandEnvelope(
            command_id=f"{prefix}-{pathway_id}-{n}",
            actor=actor,
            command=COMMAND_ADAPTER.validate_python(command),
        )
        try:
            await pathways.send(pathway_id, envelope)
        except CommandRefused as refusal:
            log.error("demo_referral_refused", pathway_id=pathway_id, code=refusal.code)
            raise
