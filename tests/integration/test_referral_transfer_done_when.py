"""Issue 23's second done-when, on the real stack (PostgreSQL, the Temporal dev server, a
worker): a consent, then a referral from org-lecce to org-nardo accepted by org-nardo's
supervisor, then a transfer; the indicators of the day before the transfer count the
pathway for org-lecce, those of the day after for org-nardo."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from client.pathway import CommandRefused, PathwayClient
from domain.calendar import PROJECT_TIMEZONE
from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from domain.values import Actor, Role
from infra.accounts.postgres import PostgresAccountStore
from infra.crypto.keyring import Keyring
from infra.crypto.sealing import FieldSealer
from infra.indicators.postgres_projection import PostgresIndicatorProjection
from infra.indicators.postgres_queries import PostgresIndicatorQueries
from tests.integration.conftest import Deployment
from tests.scenarios import ASSESSMENT, CONDITION, OPEN

ANNA = Actor(id="anna", role=Role.CASEWORKER)
PAOLO = Actor(id="paolo", role=Role.SUPERVISOR)
"""org-nardo's supervisor; Marta is its caseworker (tests/web/staff.py)."""
NARDO = {"kind": "organisation", "id": "org-nardo"}
CONSENT: dict[str, Any] = {"type": "give_consent", "recipients": [NARDO]}


def at(day: date) -> datetime:
    """Noon in Italy on `day`: a business time well inside that day."""
    return datetime.combine(day, time(12), tzinfo=PROJECT_TIMEZONE)


def sent(command: dict[str, Any], actor: Actor, day: date) -> CommandEnvelope:
    return CommandEnvelope(
        command_id=f"c-{uuid.uuid4().hex[:12]}",
        actor=actor,
        command=COMMAND_ADAPTER.validate_python(command),
        occurred_at=at(day),
    )


async def skills_assessed(queries: PostgresIndicatorQueries, organisation: str, day: date) -> Any:
    [row] = [
        r
        for r in await queries.indicator_table(
            datetime.now(UTC), organisation_id=organisation, period=(day, day)
        )
        if r.indicator.indicator_id == "skills_assessed"
    ]
    return row.value


async def test_consent_referral_then_transfer_move_the_pathway_and_its_indicators(
    deployment: Deployment,
) -> None:
    today = datetime.now(PROJECT_TIMEZONE).date()
    opened, transfer = today - timedelta(days=20), today - timedelta(days=5)
    pid = f"ref-{uuid.uuid4().hex[:8]}"
    pathways = PathwayClient(
        deployment.client, deployment.task_queue, accounts=PostgresAccountStore(deployment.pool)
    )
    d = lambda n: (opened + timedelta(days=n)).isoformat()  # noqa: E731
    await pathways.open(sent({**OPEN, "pathway_id": pid}, ANNA, opened))
    # From the command line too, a referral without a consent is refused and records nothing.
    refer = {"type": "refer_pathway", "to_organisation": "org-nardo", "service": "Italian A2"}
    ran = await deployment.cli(
        "command", pid, "--actor", "anna", "--role", "caseworker", input=json.dumps(refer)
    )
    assert ran.code == 2 and ran.stderr.startswith("error: consent_required: "), ran
    assert await deployment.event_count(pid) == 1
    for command, actor, day in [
        ({"type": "record_baseline", "condition": CONDITION}, ANNA, opened),
        (ASSESSMENT, ANNA, opened),
        (
            {"type": "record_privacy_notice", "given_on": d(0), "language": "it", "version": "1"},
            ANNA,
            opened,
        ),
        (
            {
                "type": "give_consent",
                "recipients": [NARDO],
                "purpose": "referral",
                "given_on": d(0),
            },
            ANNA,
            opened,
        ),
        (
            {
                "type": "give_consent",
                "recipients": [NARDO],
                "purpose": "transfer",
                "given_on": d(1),
            },
            ANNA,
            opened + timedelta(days=1),
        ),
        (refer, ANNA, opened + timedelta(days=2)),
    ]:
        await pathways.send(pid, sent(command, actor, day))

    # org-nardo's supervisor accepts, naming one of org-nardo's caseworkers only.
    accept = {"type": "accept_referral", "referral_id": "referral-1", "caseworker_id": "luca"}
    with pytest.raises(CommandRefused) as refused:
        await pathways.send(pid, sent(accept, PAOLO, opened + timedelta(days=3)))
    assert refused.value.code == "caseworker_not_eligible"
    accepted = sent({**accept, "caseworker_id": "marta"}, PAOLO, opened + timedelta(days=3))
    first = await pathways.send(pid, accepted)
    assert await pathways.send(pid, accepted) == first  # a re-submission changes nothing

    move = {
        "type": "transfer_pathway",
        "to_organisation": "org-nardo",
        "reason": "Moved to Nardò",
        "effective_on": transfer.isoformat(),
    }
    ran = await deployment.cli(
        "command",
        pid,
        *("--actor", "anna", "--role", "caseworker"),
        *("--occurred-at", at(transfer - timedelta(days=1)).isoformat()),
        input=json.dumps(move),
    )
    assert ran.code == 0, ran
    await pathways.send(
        pid, sent({"type": "accept_transfer", "caseworker_id": "marta"}, PAOLO, transfer)
    )
    state = await pathways.state(pid)
    assert (state.organisation_id, state.caseworker_id) == ("org-nardo", "marta")

    sealer = FieldSealer(Keyring(deployment.pool, deployment.master))
    await PostgresIndicatorProjection(deployment.pool, sealer=sealer).catch_up()
    queries = PostgresIndicatorQueries(deployment.pool)
    before, after = transfer - timedelta(days=1), transfer + timedelta(days=1)
    assert await skills_assessed(queries, "org-lecce", before) == 1
    assert await skills_assessed(queries, "org-nardo", before) == 0
    assert await skills_assessed(queries, "org-lecce", after) == 0
    assert await skills_assessed(queries, "org-nardo", after) == 1
