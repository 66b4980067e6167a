"""Fixtures of the partner tests: every `PartnerRegistry`, the Postgres one on a fresh
database with the organisations `org-lecce` and `org-nardo`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import cast

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from temporalio.client import Client

from client.pathway import PathwayClient
from infra.accounts.model import Organisation
from infra.accounts.postgres import PostgresAccountStore
from infra.crypto.keyring import Keyring
from infra.crypto.master import MasterKey
from infra.crypto.sealing import FieldSealer
from infra.db import Pool
from infra.eventstore.memory import InMemoryEventStore
from infra.partners.base import PartnerRegistry
from infra.partners.postgres import PostgresPartnerStore
from infra.partners.store import InMemoryPartnerStore
from tests.eventstore.conftest import database, pool, postgres
from tests.web.conftest import web_settings
from tests.web.staff import staffed_accounts
from tests.web_app import create_test_app
from workers.composition import partner_registry

__all__ = [
    "Site",
    "database",
    "partner_app",
    "partners",
    "pool",
    "postgres",
    "postgres_partners",
    "site",
]

ORGANISATIONS = ("org-lecce", "org-nardo")


@pytest_asyncio.fixture
async def postgres_partners(pool: Pool) -> PartnerRegistry:
    accounts = PostgresAccountStore(pool)
    for organisation in ORGANISATIONS:
        await accounts.create_organisation(Organisation(id=organisation, name=organisation))
    sealer = FieldSealer(Keyring(pool, MasterKey.generate()))
    return partner_registry(PostgresPartnerStore(pool, sealer))


@pytest.fixture(params=["memory", "postgres"])
def partners(request: pytest.FixtureRequest) -> PartnerRegistry:
    """Every partner registry implementation, for the contract suite."""
    if request.param == "memory":
        return partner_registry(InMemoryPartnerStore(set(ORGANISATIONS)))
    registry: PartnerRegistry = request.getfixturevalue("postgres_partners")
    return registry


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def partner_app() -> tuple[FastAPI, PartnerRegistry, InMemoryPartnerStore]:
    """The web app on the staff of tests/web/staff.py and an in-memory partner registry, one
    for the module (building an app costs most of a second of CPU); no Temporal (partner
    routes send no command), so a pathway page would fail here."""
    store = InMemoryPartnerStore(set(ORGANISATIONS))
    registry = partner_registry(store)
    pathways = PathwayClient(cast(Client, None), "no-temporal")
    app = create_test_app(
        pathways, InMemoryEventStore(), await staffed_accounts(), web_settings(), partners=registry
    )
    return app, registry, store


@pytest_asyncio.fixture(loop_scope="session")
async def site(
    partner_app: tuple[FastAPI, PartnerRegistry, InMemoryPartnerStore],
) -> AsyncIterator[Site]:
    """The module's app as a test finds it: no partner registered (its store emptied in
    place, the app keeps the same one) and a browser of the test's own (no session)."""
    app, registry, store = partner_app
    store.__init__(set(ORGANISATIONS))  # type: ignore[misc]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield Site(http, registry, store)


@dataclass
class Site:
    http: httpx.AsyncClient
    partners: PartnerRegistry
    store: InMemoryPartnerStore
