"""Crypto-shredding through `pathways erase`: refusals change nothing; an erased pathway reads
as erased everywhere it was stored, other pathways and the indicator figures unchanged.

The erasure that succeeds, the legal hold set and the history run as processes (the console
script end to end); the refusals, the release and the reads after run in this process
(`Deployment.cli_in_process`), as starting `pathways` is most of a command's CPU."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from domain.calendar import project_day
from domain.stream import stream_id_for
from infra.crypto.codec import PathwayCodec, PayloadUnreadable
from infra.crypto.keyring import Keyring
from infra.crypto.sealing import FieldSealer
from infra.eventstore.postgres_search_index import PostgresSearchIndex
from infra.eventstore.search_index import KeyringSearchKey, SearchScope
from infra.indicators.postgres_projection import PostgresIndicatorProjection
from tests.integration.conftest import Deployment
from tests.workflows.journey import compressed_opening, envelope, full_journey
from workflows.models import workflow_id_for


async def closed_pathway(deployment: Deployment) -> str:
    pid = f"p-{uuid.uuid4().hex[:12]}"
    pathways = deployment.pathways
    await pathways.open(compressed_opening(pid))
    for command, actor in full_journey(project_day(datetime.now(UTC))):
        await pathways.send(pid, envelope(command, actor))
    return pid


async def table(deployment: Deployment, query: str) -> list[tuple[object, ...]]:
    async with deployment.pool.connection() as conn:
        return await (await conn.execute(query)).fetchall()


async def test_erasure_is_refused_until_allowed_then_shreds_one_pathway_only(
    deployment: Deployment,
) -> None:
    shredded, kept = await closed_pathway(deployment), await closed_pathway(deployment)
    sealer = FieldSealer(Keyring(deployment.pool, deployment.master, cache_seconds=0))
    projector = PostgresIndicatorProjection(deployment.pool, sealer=sealer)
    await projector.catch_up()
    figures = await table(deployment, "SELECT * FROM indicator_facts ORDER BY 1, 2, 4")
    dimensions = await table(deployment, "SELECT * FROM indicator_dimensions ORDER BY 1")
    erase = ("erase", shredded, "--actor", "dpo", "--reason", "art. 17 request")
    index = PostgresSearchIndex(deployment.pool, KeyringSearchKey(sealer.keyring))
    assert {shredded, kept} <= set(await index.search("amina", SearchScope()))
    tokens = f"SELECT count(*) FROM search_tokens WHERE pathway_id = '{shredded}'"
    (held_tokens,) = await table(deployment, tokens)
    assert held_tokens[0] > 0

    not_yet = await deployment.cli_in_process(*erase)
    assert not_yet.code == 2 and "retention_not_passed" in not_yet.stderr, not_yet
    assert (
        await deployment.cli(
            "legal-hold", "set", shredded, "--actor", "dpo", "--reason", "court case"
        )
    ).code == 0
    held = await deployment.cli_in_process(*erase, "--request-id", "req-7")
    assert held.code == 2 and "legal_hold" in held.stderr, held
    unknown = await deployment.cli_in_process(
        "erase", "p-nobody", "--actor", "dpo", "--reason", "x"
    )
    assert unknown.code == 2 and "pathway_not_found" in unknown.stderr
    assert await table(deployment, "SELECT count(*) FROM pathway_keys WHERE wrapped IS NULL") == [
        (0,)
    ]
    released = await deployment.cli_in_process(
        "legal-hold", "release", shredded, "--actor", "dpo", "--reason", "case closed"
    )
    assert released.code == 0, released

    done = await deployment.cli(*erase, "--request-id", "req-7")
    assert done.code == 0, done
    again = await deployment.cli_in_process(*erase, "--request-id", "req-7")
    assert again.code == 2 and "already_erased" in again.stderr
    assert await table(deployment, tokens) == [(0,)], "her search tokens go with her key"
    found = await index.search("amina", SearchScope())
    assert shredded not in found and kept in found

    history = await deployment.cli("history", shredded, "--json")
    shown = await deployment.cli_in_process("show", shredded, "--json")
    assert history.code == 0 and shown.code == 0, (history, shown)
    assert "Amina" not in history.stdout + shown.stdout and "[erased]" in shown.stdout
    other = await deployment.cli_in_process("show", kept, "--json")
    assert "Amina" in other.stdout
    records = await deployment.store_reader(sealer).read_stream(stream_id_for(shredded))
    assert records[0].erased and records[0].data["beneficiary"]["gender"] == "female"

    codec = PathwayCodec(Keyring(deployment.pool, deployment.master, cache_seconds=0))
    started = (
        (await deployment.env.client.get_workflow_handle(workflow_id_for(shredded)).fetch_history())
        .events[0]
        .workflow_execution_started_event_attributes
    )
    try:
        await codec.open(started.input.payloads[0])
        raise AssertionError("the shredded pathway's Temporal history still decodes")
    except PayloadUnreadable as unreadable:
        assert unreadable.code == "key_destroyed"

    await projector.catch_up()
    assert await table(deployment, "SELECT * FROM indicator_facts ORDER BY 1, 2, 4") == figures
    assert await table(deployment, "SELECT * FROM indicator_dimensions ORDER BY 1") == dimensions
    audit = await table(
        deployment,
        "SELECT action, actor, request_id FROM privacy_audit"
        f" WHERE pathway_id = '{shredded}' ORDER BY audit_id",
    )
    assert audit == [
        ("legal_hold_set", "dpo", None),
        ("legal_hold_released", "dpo", None),
        ("erased", "dpo", "req-7"),
    ]
    assert json.loads(shown.stdout)
