"""Documents after erasure: sealed with the pathway's key, they die with it.

On PostgreSQL: a document's bytes are ciphertext in `documents`; once the pathway's data key
is destroyed (the crypto-shredding of `pathways erase`), the download answers 410
`document_erased` and the stored ciphertext cannot be opened by anyone, while another
pathway's document still downloads.
"""

from __future__ import annotations

import hashlib

import httpx
import pytest

from client.pathway import PathwayClient
from domain.decider import decide
from domain.evolution import fold
from domain.read_models import read_models
from domain.records import EventRecord
from domain.stream import record_events, stream_id_for
from infra.crypto.data_keys import KeyUnavailable
from infra.crypto.keyring import Keyring
from infra.crypto.sealing import FieldSealer
from infra.db import Pool
from infra.documents.postgres import PostgresDocumentStore, sealed_place
from infra.documents.store import DocumentUnavailable, StoredDocument
from infra.eventstore.postgres import PostgresEventStore
from tests.privacy.test_sealing import NOW, opened
from tests.scenarios import CASEWORKER
from tests.web.conftest import web_settings
from tests.web.staff import bearer, staffed_accounts
from tests.web_app import create_test_app
from tests.workflows.journey import envelope

PDF = b"%PDF-1.4\nContratto di locazione, Amina Diallo\n%%EOF\n"


def attached(pathway_id: str, document_id: str) -> list[EventRecord]:
    command = {
        "type": "attach_document",
        "document_id": document_id,
        "kind": "rent_contract",
        "media_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "filename": "contratto_Diallo.pdf",
    }
    sent = envelope(command, CASEWORKER)
    events = decide(fold(opened(pathway_id)), sent, NOW)
    return record_events(stream_id_for(pathway_id), 1, sent, events, NOW)


async def test_an_attachment_is_unreadable_after_the_pathways_erasure(
    pool: Pool, keyring: Keyring, sealed_store: PostgresEventStore
) -> None:
    documents = PostgresDocumentStore(pool, FieldSealer(keyring))
    sha = hashlib.sha256(PDF).hexdigest()
    for pid in ("p-erased", "p-kept"):
        first = opened(pid)
        await sealed_store.append(stream_id_for(pid), 0, first, read_models(fold(first), first))
        more = attached(pid, "doc-1")
        both = [*first, *more]
        await sealed_store.append(stream_id_for(pid), 1, more, read_models(fold(both), more))
        assert await documents.put(StoredDocument(pid, "doc-1", sha, "application/pdf", PDF))
        assert not await documents.put(StoredDocument(pid, "doc-1", sha, "application/pdf", PDF))
    async with pool.connection() as conn:
        rows = await (await conn.execute("SELECT key_id, ciphertext FROM documents")).fetchall()
        assert len(rows) == 2 and all(b"Diallo" not in bytes(ct) for _, ct in rows)
        names = await conn.execute(
            "SELECT data->>'filename' FROM events WHERE type = 'DocumentAttached'"
        )
        stored_names = [str(r[0]) for r in await names.fetchall()]
        assert len(stored_names) == 2 and all("Diallo" not in n for n in stored_names)
        key_id, ciphertext = await (
            await conn.execute(
                "SELECT key_id, ciphertext FROM documents WHERE pathway_id = 'p-erased'"
            )
        ).fetchone()
        await conn.execute(
            "UPDATE pathway_keys SET wrapped = NULL, destroyed_at = now()"
            " WHERE pathway_id = 'p-erased'"
        )
    with pytest.raises(DocumentUnavailable) as erased:
        await documents.read("p-erased", "doc-1")
    assert erased.value.code == "document_erased"
    with pytest.raises(KeyUnavailable):
        await FieldSealer(keyring).open_bytes(
            key_id, sealed_place("p-erased", "doc-1", sha), bytes(ciphertext)
        )
    assert await documents.read("p-kept", "doc-1") == PDF

    pathways = PathwayClient(None, "unused")  # type: ignore[arg-type]  # downloads only read
    app = create_test_app(
        pathways, sealed_store, await staffed_accounts(), web_settings(), documents=documents
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        gone = await http.get("/api/v1/pathways/p-erased/documents/doc-1", headers=bearer("sara"))
        assert (gone.status_code, gone.json()["code"]) == (410, "document_erased")
        kept = await http.get("/api/v1/pathways/p-kept/documents/doc-1", headers=bearer("sara"))
        assert (kept.status_code, kept.content) == (200, PDF)
