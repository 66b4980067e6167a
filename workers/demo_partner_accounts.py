"""The demo's partners at work: their contacts linked to measures, and partner accounts.

After `pathways demo` has opened its pathways and registered its partners, the tutor of the
host company is linked to an open work grant of org-lecce, the CPIA's teacher to an open
course of org-lecce and the host family to an open housing placement of org-nardo, each by
the pathway's caseworker through the same command path as every link. The three contacts
get partner accounts with the demo password, printed beside the staff's by `pathways demo`.
Run again, it links and creates nothing twice.
"""

from __future__ import annotations

import uuid
from typing import NamedTuple

from client.parsing import build_envelope
from client.pathway import PathwayClient
from domain.commands import COMMAND_ADAPTER
from domain.evolution import fold
from domain.partner_links.rules import OPEN
from domain.partners.model import Partner
from domain.stream import stream_id_for
from domain.values import Actor, Role, Stage
from infra.accounts.credentials import hash_password
from infra.accounts.model import Account
from infra.accounts.store import AccountStore
from infra.eventstore.base import EventStore
from infra.partners.base import PartnerRegistry
from workers.demo_partners import DEMO_COORDINATOR

DEMO_PARTNER_WORK: tuple[tuple[str, str, str], ...] = (
    ("Officine Salentine srl", "org-lecce", "work_grant"),
    ("CPIA Lecce", "org-lecce", "training_course"),
    ("Famiglia De Pascalis", "org-nardo", "housing_placement"),
)
"""Which partner's first contact delivers which kind of measure, in which organisation."""


class DemoPartnerAccount(NamedTuple):
    account: Account
    partner_name: str
    linked: str | None
    """The `pathway/measure` its contact was linked to, if an open one was found."""


async def seed_partner_work(
    pathways: PathwayClient,
    store: EventStore,
    accounts: AccountStore,
    partners: PartnerRegistry,
    password: str,
) -> list[DemoPartnerAccount]:
    """Link the demo contacts to open measures and give them accounts; what was made."""
    by_name = {p.name: p for p in await partners.list_partners(DEMO_COORDINATOR)}
    made = []
    for name, organisation_id, kind in DEMO_PARTNER_WORK:
        summary = by_name.get(name)
        if summary is None or summary.organisation_id != organisation_id:
            continue
        partner = await partners.get(DEMO_COORDINATOR, summary.id)
        if not partner.contacts:
            continue
        contact = partner.contacts[0]
        linked = await _link(pathways, store, contact.id, organisation_id, kind)
        account = await _account(accounts, partner, contact.id, password)
        made.append(DemoPartnerAccount(account, partner.name, linked))
    return made


async def _link(
    pathways: PathwayClient, store: EventStore, contact_id: str, organisation_id: str, kind: str
) -> str | None:
    existing = await store.partner_links.links_of_contact(contact_id)
    if existing:
        return f"{existing[0].pathway_id}/{existing[0].measure_id}"
    for summary in await store.caseload.list_summaries(
        organisation_id=organisation_id, stage=Stage.ACTIVE, limit=500
    ):
        state = fold(await store.read_stream(stream_id_for(summary.pathway_id)))
        for measure in state.measures.values():
            if measure.kind != kind or measure.status not in OPEN or state.suspension:
                continue
            command = COMMAND_ADAPTER.validate_python(
                {
                    "type": "link_partner_contact",
                    "measure_id": measure.measure_id,
                    "contact_id": contact_id,
                }
            )
            envelope = build_envelope(
                command,
                command_id=f"demo-link-{uuid.uuid5(uuid.NAMESPACE_URL, contact_id).hex[:12]}",
                actor=Actor(id=summary.caseworker_id, role=Role.CASEWORKER),
            )
            await pathways.send(summary.pathway_id, envelope)
            return f"{summary.pathway_id}/{measure.measure_id}"
    return None


async def _account(
    accounts: AccountStore, partner: Partner, contact_id: str, password: str
) -> Account:
    contact = next(c for c in partner.contacts if c.id == contact_id)
    account_id = f"demo-{contact.role.value.replace('_', '-')}"
    found = await accounts.get_account(account_id)
    if found is not None:
        return found
    return await accounts.create_account(
        Account(
            id=account_id,
            display_name=contact.name,
            role=Role.PARTNER,
            organisation_id=partner.organisation_id,
            email=contact.email or f"{account_id}@example.org",
            contact_id=contact_id,
        ),
        hash_password(password),
    )


def partner_account_lines(made: list[DemoPartnerAccount], password: str) -> list[str]:
    """The partner accounts as the demo prints them, beside the staff's."""
    if not made:
        return []
    lines = [f"Partner accounts (password {password}), signing in at /partner:"]
    width = max(len(m.account.id) for m in made)
    for m in made:
        where = m.linked or "no open measure found"
        lines.append(
            f"  {m.account.id:<{width}}  {m.account.display_name} · {m.partner_name} · {where}"
        )
    return lines
