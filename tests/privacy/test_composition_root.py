"""The composition root's stores seal personal fields: there is no other way to build them."""

from __future__ import annotations

from pydantic import SecretStr

from domain.stream import stream_id_for
from infra.config import Settings
from infra.crypto.master import MasterKey
from infra.db import Pool
from tests.privacy.test_sealing import CLEAR, opened, stored_text
from workers.composition import Stores


def settings_with(master: MasterKey) -> Settings:
    return Settings(master_key=SecretStr(master.to_base64()))


async def test_the_roots_event_store_writes_personal_fields_as_ciphertext(
    pool: Pool, master: MasterKey
) -> None:
    stores = Stores(settings_with(master), pool)
    records = opened("p-1")
    await stores.events.append(stream_id_for("p-1"), 0, records)

    text = await stored_text(pool)
    assert [value for value in CLEAR if value in text] == []
    assert "$sealed" in text
    [read] = await stores.events.read_stream(stream_id_for("p-1"))
    assert read.data == records[0].data
