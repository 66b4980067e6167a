"""A projections rebuild after a crypto-shredding runs, and keeps the figures of the past."""

from __future__ import annotations

from infra.crypto.keyring import Keyring
from infra.crypto.sealing import FieldSealer
from infra.db import Pool
from infra.eventstore.postgres import PostgresEventStore
from infra.indicators.postgres_projection import PostgresIndicatorProjection
from tests.indicators.test_projector import stored
from tests.privacy.test_erased_pages import seed


async def bands(pool: Pool) -> dict[str, str]:
    async with pool.connection() as conn:
        cur = await conn.execute("SELECT pathway_id, age_band FROM indicator_dimensions")
        return dict(await cur.fetchall())


async def test_an_erased_pathway_keeps_its_age_band_through_a_rebuild(
    pool: Pool, keyring: Keyring, sealed_store: PostgresEventStore
) -> None:
    for pid in ("p-erased", "p-kept"):
        await seed(sealed_store, pid)
    projector = PostgresIndicatorProjection(pool, sealer=FieldSealer(keyring))
    await projector.catch_up()
    before = await bands(pool)
    facts = await stored(pool)
    assert before == {"p-erased": "25-34", "p-kept": "25-34"}  # born 1994, opened 2026

    async with pool.connection() as conn:
        await conn.execute(
            "UPDATE pathway_keys SET wrapped = NULL, destroyed_at = now()"
            " WHERE pathway_id = 'p-erased'"
        )
    assert await projector.rebuild() == 4, "it was KeyUnavailable on the erased state"
    assert await stored(pool) == facts
    assert await bands(pool) == before, "not the oldest band of a 0001-01-01 birth date"
