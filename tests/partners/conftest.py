"""Fixtures of the partner tests: every `PartnerRegistry`, the Postgres one on a fresh
database with the organisations `org-lecce` and `org-nardo`."""

from __future__ import annotations

import pytest
import pytest_asyncio

from infra.accounts.model import Organisation
from infra.accounts.postgres import PostgresAccountStore
from infra.crypto.keyring import Keyring
from infra.crypto.master import MasterKey
from infra.crypto.sealing import FieldSealer
from infra.db import Pool
from infra.partners.base import InMemoryPartnerRegistry, PartnerRegistry
from infra.partners.postgres import PostgresPartnerRegistry
from tests.eventstore.conftest import database, pool, postgres

__all__ = ["database", "partners", "pool", "postgres", "postgres_partners"]

ORGANISATIONS = ("org-lecce", "org-nardo")


@pytest_asyncio.fixture
async def postgres_partners(pool: Pool) -> PostgresPartnerRegistry:
    accounts = PostgresAccountStore(pool)
    for organisation in ORGANISATIONS:
        await accounts.create_organisation(Organisation(id=organisation, name=organisation))
    return PostgresPartnerRegistry(pool, FieldSealer(Keyring(pool, MasterKey.generate())))


@pytest.fixture(params=["memory", "postgres"])
def partners(request: pytest.FixtureRequest) -> PartnerRegistry:
    """Every partner registry implementation, for the contract suite."""
    if request.param == "memory":
        return InMemoryPartnerRegistry(set(ORGANISATIONS))
    registry: PostgresPartnerRegistry = request.getfixturevalue("postgres_partners")
    return registry
