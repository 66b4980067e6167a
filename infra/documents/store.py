"""Where a document's bytes are kept: the `DocumentStore` protocol, its rows, and the store
in memory (tests, the in-memory app). `infra.documents.postgres` keeps them sealed.

A row holds the bytes only; what the document is (kind, who attached it, to what) is the
pathway's event `DocumentAttached`. Rows are written once by (pathway, document id), and the
id is made from the bytes' sha256, so a second upload of the same file writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

DOCUMENT_ERASED = "document_erased"
DOCUMENT_NOT_FOUND = "document_not_found"


class DocumentUnavailable(Exception):
    """No bytes to give: erased with the pathway's key, or never stored."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class StoredDocument:
    pathway_id: str
    document_id: str
    sha256: str
    media_type: str
    content: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.content)


class DocumentStore(Protocol):
    """Keeps documents' bytes, by pathway and document id."""

    async def put(self, document: StoredDocument) -> bool:
        """Store the bytes once; True when this call wrote them (False: they were there)."""
        ...

    async def read(self, pathway_id: str, document_id: str) -> bytes:
        """The bytes, opened.

        Raises:
            DocumentUnavailable: `document_erased` (the pathway's key was destroyed) or
                `document_not_found`.
        """
        ...

    async def discard(self, pathway_id: str, document_id: str) -> None:
        """Remove bytes whose attachment was refused (no event names them)."""
        ...


class InMemoryDocumentStore:
    """Bytes in a dict, in clear (tests); `erase` stands for the shredding of a pathway's key."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], StoredDocument] = {}
        self.erased: set[str] = set()

    async def put(self, document: StoredDocument) -> bool:
        key = (document.pathway_id, document.document_id)
        if key in self.rows:
            return False
        self.rows[key] = document
        return True

    async def read(self, pathway_id: str, document_id: str) -> bytes:
        row = self.rows.get((pathway_id, document_id))
        if row is None:
            raise DocumentUnavailable(DOCUMENT_NOT_FOUND, f"no document {document_id}")
        if pathway_id in self.erased:
            raise DocumentUnavailable(DOCUMENT_ERASED, "the pathway's personal data were erased")
        return row.content

    async def discard(self, pathway_id: str, document_id: str) -> None:
        self.rows.pop((pathway_id, document_id), None)

    def erase(self, pathway_id: str) -> None:
        self.erased.add(pathway_id)
