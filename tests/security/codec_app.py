"""An app whose codec has keys in memory: the codec endpoints without PostgreSQL or Temporal."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import FastAPI

from client.pathway import PathwayClient
from infra.crypto.codec import PathwayCodec
from infra.crypto.keyring import KEY_UNKNOWN, DataKey, KeyUnavailable, key_id_for
from infra.eventstore.memory import InMemoryEventStore
from tests.web.conftest import web_settings
from tests.web.staff import staffed_accounts
from tests.web_app import create_test_app


class MemoryKeyring:
    """A `Keyring` of the same shape in a dictionary; it counts the keys it is asked for."""

    def __init__(self) -> None:
        self.keys: dict[str, DataKey] = {}
        self.asked = 0

    async def current(self, owner: str) -> DataKey:
        self.asked += 1
        key_id = key_id_for(owner, 1)
        return self.keys.setdefault(key_id, DataKey(key_id, secrets.token_bytes(32)))

    async def get(self, key_id: str) -> DataKey:
        self.asked += 1
        if key_id not in self.keys:
            raise KeyUnavailable(KEY_UNKNOWN, key_id)
        return self.keys[key_id]


async def codec_app(keyring: MemoryKeyring) -> FastAPI:
    """The web app with the staff's accounts, no pathways, and `keyring` behind its codec."""
    codec: Any = PathwayCodec(keyring)  # type: ignore[arg-type]
    return create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]
        InMemoryEventStore(),
        await staffed_accounts(),
        web_settings(),
        codec=codec,
    )
