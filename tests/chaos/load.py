"""The load of `make chaos`: commands over HTTP, each retried with its `command_id`.

Case clients open pathways back-dated 20 days (so each owes a baseline whose reminder and
escalations are all due at once) and add notes. The money client takes pathways through
to payments: baseline, assessment, a plan with an economic support, its approval by a
supervisor, the measure started, furniture and utilities requested by the caseworker and
approved by someone else (the supervisor; above the coordinator threshold, then the
coordinator); a payment the bank returned gets a corrected payee and is approved again.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from domain.calendar import project_day
from domain.payments.ledger import PaymentKind, payment_id_for
from infra.policy_file import load_policy
from tests.scenarios import ASSESSMENT, CONDITION, OPEN, plan
from tests.web.staff import bearer

REPLY_WAIT = 120.0
"""Seconds a command is retried before the load gives up on it (a violation)."""
CASEWORKER, SUPERVISOR, COORDINATOR = "anna", "sara", "cora"
ORGANISATION = "org-lecce"
MEASURE = "support"
PAYEE_IBANS = ("IT60X0542811101000000123456", "IT65A0306909606100000063579")
"""The payee's account, and the one a returned payment is corrected to."""
THRESHOLD = load_policy(None).revision_at(datetime.now(UTC)).payments.coordinator_threshold
"""Above it the coordinator approves after the supervisor (the shipped policy's)."""


@dataclass
class Load:
    """What the load sent and what it was answered."""

    sent: int = 0
    acknowledged: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    """command id → (pathway id, event types answered)."""
    pathways: list[str] = field(default_factory=list)
    money_pathways: list[str] = field(default_factory=list)
    payments: dict[str, str] = field(default_factory=dict)
    """payment id → pathway id, of every payment requested."""
    amounts: dict[str, int] = field(default_factory=dict)
    """payment id → cents."""
    refused: list[str] = field(default_factory=list)
    retries: int = 0
    gave_up: int = 0


async def send(
    http: httpx.AsyncClient,
    load: Load,
    url: str,
    body: dict[str, Any],
    who: str = CASEWORKER,
    wait: float = REPLY_WAIT,
) -> dict[str, Any] | None:
    """POST until answered (2xx or a refusal), the same command id every time."""
    load.sent += 1
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            reply = await http.post(url, json=body, headers=bearer(who), timeout=30)
        except httpx.HTTPError:
            reply = None
        if reply is not None and reply.status_code < 300:
            answer: dict[str, Any] = reply.json()
            load.acknowledged[body["command_id"]] = (answer["pathway_id"], tuple(answer["events"]))
            return answer
        if reply is not None and 400 <= reply.status_code < 500:
            load.refused.append(f"{body['command_id']}: {reply.status_code} {reply.text[:200]}")
            print(f"refused {reply.status_code}: {reply.text[:200]}", flush=True)
            return None
        load.retries += 1
        await asyncio.sleep(0.5)
    load.gave_up += 1
    return None


async def command(
    http: httpx.AsyncClient, load: Load, pathway_id: str, who: str, body: dict[str, Any]
) -> bool:
    """Send one command to a pathway under a fresh command id; whether it was applied."""
    body = {**body, "command_id": f"{body['type']}-{uuid.uuid4().hex}"}
    url = f"/api/v1/pathways/{pathway_id}/commands"
    return await send(http, load, url, body, who) is not None


async def open_pathway(
    http: httpx.AsyncClient, load: Load, opened_at: datetime | None = None
) -> str | None:
    pathway_id = f"chaos-{uuid.uuid4().hex[:12]}"
    body = {**OPEN, "pathway_id": pathway_id, "command_id": f"open-{pathway_id}"}
    if opened_at is not None:
        body["occurred_at"] = opened_at.isoformat()
    if await send(http, load, "/api/v1/pathways", body) is None:
        return None
    load.pathways.append(pathway_id)
    return pathway_id


async def case_client(
    http: httpx.AsyncClient, load: Load, stop: asyncio.Event, rng: random.Random
) -> None:
    """Openings back-dated 20 days, and notes on any pathway of the run."""
    while not stop.is_set():
        if not load.pathways or rng.random() < 0.3:
            await open_pathway(http, load, datetime.now(UTC) - timedelta(days=20))
        else:
            pathway_id = rng.choice(load.pathways)
            await command(http, load, pathway_id, CASEWORKER, {"type": "add_note", "text": "chaos"})
        await asyncio.sleep(rng.uniform(0.05, 0.3))


@dataclass
class MoneyClient:
    """Pathways taken to payments, and returned payments corrected and approved again."""

    http: httpx.AsyncClient
    load: Load
    rng: random.Random
    returned: asyncio.Queue[tuple[str, str]]
    """(pathway id, payment id) of payments whose return the pathway has recorded; shared
    by the money clients."""

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.correct_returned()
            await self.journey()
            await asyncio.sleep(self.rng.uniform(0.1, 0.5))

    async def journey(self) -> None:
        """One pathway from its opening to two approved payments; stops at a failure."""
        today = project_day(datetime.now(UTC))
        pathway_id = await open_pathway(self.http, self.load)
        if pathway_id is None:
            return
        self.load.money_pathways.append(pathway_id)
        started = {"kind": "economic_support", "purpose": "Casa", "start_on": today.isoformat()}
        steps: list[tuple[str, dict[str, Any]]] = [
            (CASEWORKER, {"type": "record_baseline", "condition": CONDITION}),
            (CASEWORKER, ASSESSMENT),
            (
                CASEWORKER,
                plan((MEASURE, "economic_support"), target=today + timedelta(days=300)),
            ),
            (SUPERVISOR, {"type": "approve_plan"}),
            (
                CASEWORKER,
                {"type": "start_measure", "measure_id": MEASURE, "details": started},
            ),
        ]
        for who, body in steps:
            if not await command(self.http, self.load, pathway_id, who, body):
                return
        requests = (
            (PaymentKind.FURNITURE, self.rng.randrange(200, 1400) * 100 + self.rng.randrange(100)),
            (PaymentKind.UTILITIES, self.rng.randrange(20, 450) * 100 + self.rng.randrange(100)),
        )
        for kind, amount in requests:
            payment_id = payment_id_for(pathway_id, MEASURE, kind, today.isoformat())
            body = {
                "type": "request_payment",
                "measure_id": MEASURE,
                "kind": kind.value,
                "amount": amount,
                "payee": {"name": "Mobili Rossi srl", "iban": PAYEE_IBANS[0]},
                "evidence_ref": f"Fattura {payment_id[4:12]}",
                "period": today.isoformat(),
            }
            if not await command(self.http, self.load, pathway_id, CASEWORKER, body):
                return
            self.load.payments[payment_id] = pathway_id
            self.load.amounts[payment_id] = amount
        for kind, _ in requests:
            payment_id = payment_id_for(pathway_id, MEASURE, kind, today.isoformat())
            if not await self.approve(pathway_id, payment_id):
                return

    async def approve(self, pathway_id: str, payment_id: str) -> bool:
        """The supervisor's approval and, above the threshold, the coordinator's."""
        above = self.load.amounts[payment_id] > THRESHOLD
        approvers = [SUPERVISOR, COORDINATOR] if above else [SUPERVISOR]
        body = {"type": "approve_payment", "payment_id": payment_id}
        for who in approvers:
            if not await command(self.http, self.load, pathway_id, who, body):
                return False
        return True

    async def correct_returned(self) -> None:
        """Each returned payment to the other account of its payee, approved again."""
        while not self.returned.empty():
            pathway_id, payment_id = self.returned.get_nowait()
            payee = {"name": "Mobili Rossi srl", "iban": PAYEE_IBANS[1]}
            body = {"type": "correct_payee", "payment_id": payment_id, "payee": payee}
            if await command(self.http, self.load, pathway_id, CASEWORKER, body):
                await self.approve(pathway_id, payment_id)
