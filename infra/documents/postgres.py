"""Documents' bytes on PostgreSQL (migration 0020), sealed with the pathway's data key.

The ciphertext is bound to pathway, document id and sha256 (associated data), so a row's
bytes copied under another document do not open. Once the pathway is erased (its key
destroyed, `infra.crypto.erasure`) nothing opens them again: reads answer `document_erased`.
"""

from __future__ import annotations

from infra.crypto.data_keys import KEY_DESTROYED, KeyUnavailable
from infra.crypto.sealing import FieldSealer
from infra.db import Pool
from infra.documents.store import (
    DOCUMENT_ERASED,
    DOCUMENT_NOT_FOUND,
    DocumentUnavailable,
    StoredDocument,
)


def sealed_place(pathway_id: str, document_id: str, sha256: str) -> str:
    """What a document's ciphertext is bound to."""
    return f"documents|{pathway_id}|{document_id}|{sha256}"


class PostgresDocumentStore:
    """`DocumentStore` on the `documents` table; built by `workers.composition.Stores`."""

    def __init__(self, pool: Pool, sealer: FieldSealer) -> None:
        self._pool = pool
        self._sealer = sealer

    async def put(self, document: StoredDocument) -> bool:
        place = sealed_place(document.pathway_id, document.document_id, document.sha256)
        key_id, ciphertext = await self._sealer.seal_bytes(
            document.pathway_id, place, document.content
        )
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "INSERT INTO documents (pathway_id, document_id, sha256, media_type, size,"
                " key_id, ciphertext) VALUES (%s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (pathway_id, document_id) DO NOTHING",
                (
                    document.pathway_id,
                    document.document_id,
                    document.sha256,
                    document.media_type,
                    document.size,
                    key_id,
                    ciphertext,
                ),
            )
            return cursor.rowcount == 1

    async def read(self, pathway_id: str, document_id: str) -> bytes:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT sha256, key_id, ciphertext FROM documents"
                " WHERE pathway_id = %s AND document_id = %s",
                (pathway_id, document_id),
            )
            row = await cursor.fetchone()
        if row is None:
            raise DocumentUnavailable(DOCUMENT_NOT_FOUND, f"no document {document_id}")
        sha256, key_id, ciphertext = row
        try:
            return await self._sealer.open_bytes(
                key_id, sealed_place(pathway_id, document_id, sha256), bytes(ciphertext)
            )
        except KeyUnavailable as err:
            if err.code != KEY_DESTROYED:
                raise
            raise DocumentUnavailable(
                DOCUMENT_ERASED, "the pathway's personal data were erased: the file is unreadable"
            ) from None

    async def discard(self, pathway_id: str, document_id: str) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                "DELETE FROM documents WHERE pathway_id = %s AND document_id = %s",
                (pathway_id, document_id),
            )
