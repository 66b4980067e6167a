"""Attaching, listing and reading documents: the one path the API and the pages go through.

Attaching: the content is checked (`web.document_content`), the scope too (another
organisation's pathway is unknown, 404), then the bytes are stored sealed with the
pathway's key, once by document id, and the `attach_document` command records the fact
through the pathway's workflow. A refused command removes the bytes it stored, so a refusal
leaves no row and no event. The document id is made from the bytes' sha256 and what they are
attached to: the same upload sent again is the same document, answered as already attached.
Reading: the pathway must be readable by the account, and not by a partner (partners never
see documents); each download is recorded in the access log with its purpose.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from client.parsing import INVALID, build_envelope
from client.pathway import CommandRefused, PathwayClient
from domain.documents.commands import AttachDocument, AttachedTo, TargetKind
from domain.documents.events import DocumentAttached
from domain.documents.kinds import EXTENSIONS, DocumentKind, MediaType
from domain.evolution import fold
from domain.stream import stream_id_for
from domain.values import Role
from infra.accounts.model import Account
from infra.documents.store import (
    DOCUMENT_NOT_FOUND,
    DocumentStore,
    DocumentUnavailable,
    StoredDocument,
)
from infra.eventstore.base import EventStore
from web.document_content import checked_media_type
from web.outages import within
from web.problems import ProblemError
from web.scope import readable, sendable
from workflows.models import CommandResult

DOCUMENTS_SUFFIX = "*/documents"
"""The upload paths (`/api/v1/pathways/{id}/documents`, `/pathways/{id}/documents`), whose
bodies may be as large as a document (`web.body_limit`)."""
DOCUMENT_FORM_OVERHEAD = 64 * 1024
"""What a multipart body holds beside the file: its boundaries, kind, target and token."""
DOWNLOAD_WHAT = "document"


def document_id_for(sha256: str, attached_to: AttachedTo | None) -> str:
    """The same bytes attached to the same part of the pathway are the same document."""
    target = "" if attached_to is None else f"{attached_to.kind}:{attached_to.id}"
    return "doc-" + hashlib.sha256(f"{sha256}|{target}".encode()).hexdigest()[:32]


def safe_filename(name: str | None, media_type: MediaType) -> str:
    """A name to show and to download as: ASCII letters, digits, `._-`; the extension is the
    checked type's, whatever the upload's name said."""
    stem = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "_", ascii_stem).strip("_.")[:80] or "documento"
    return f"{cleaned}.{EXTENSIONS[media_type]}"


ATTACHED_TO_PATTERN = r"^((measure|payment|event):[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63})?$"
"""`<kind>:<id>` of the part of the pathway a document is about, or empty: the pathway."""


def attached_to_of(value: str | None) -> AttachedTo | None:
    """The part of the pathway a form or body names (`payment:<id>`), if any.

    Raises:
        ProblemError: `invalid_command` when it is not `<measure|payment|event>:<id>`.
    """
    if not value:
        return None
    kind, _, id_ = value.partition(":")
    try:
        return AttachedTo(kind=TargetKind(kind), id=id_)
    except ValueError:
        raise ProblemError(
            INVALID,
            "give what the document is attached to as measure:<id>, payment:<id> or event:<n>",
            "attached_to",
        ) from None


async def attach(
    *,
    store: EventStore,
    documents: DocumentStore,
    pathways: PathwayClient,
    account: Account,
    pathway_id: str,
    kind: str,
    content: bytes,
    filename: str | None,
    attached_to: AttachedTo | None,
    limit: int,
    reply_timeout: float,
) -> CommandResult:
    """Check, store and record one document; a refusal changes nothing.

    Raises:
        ProblemError: bad input (`document_empty`, `document_too_large`,
            `document_type_not_allowed`, `invalid_command`), or the pathway outside the scope (404).
        CommandRefused: the pathway refused the attachment (a missing target, a closed
            pathway, ...): the bytes stored for it are removed again.
    """
    try:
        document_kind = DocumentKind(kind)
    except ValueError:
        raise ProblemError(INVALID, f"unknown document kind {kind!r}", "kind") from None
    media_type = checked_media_type(content, limit)
    sha256 = hashlib.sha256(content).hexdigest()
    document_id = document_id_for(sha256, attached_to)
    command = AttachDocument(
        document_id=document_id,
        kind=document_kind,
        media_type=media_type,
        size=len(content),
        sha256=sha256,
        filename=safe_filename(filename, media_type),
        attached_to=attached_to,
    )
    await sendable(store, account, pathway_id, command)
    written = await documents.put(
        StoredDocument(pathway_id, document_id, sha256, media_type.value, content)
    )
    # A retry of this very upload is answered with the first reply; the same bytes under
    # another name are another command, which the rules answer `already_recorded`.
    named = hashlib.sha256(command.filename.encode()).hexdigest()[:8]
    envelope = build_envelope(
        command, command_id=f"document:{document_id}:{named}", actor=account.actor
    )
    try:
        return await within(pathways.send(pathway_id, envelope), reply_timeout, envelope.command_id)
    except CommandRefused:
        if written:
            await documents.discard(pathway_id, document_id)
        raise


async def attached(store: EventStore, account: Account, pathway_id: str) -> list[DocumentAttached]:
    """The documents of a pathway the account may read (not a partner: 404 for them).

    Raises:
        ProblemError: `pathway_not_found` (404) outside the scope.
    """
    if account.role == Role.PARTNER:
        raise ProblemError("pathway_not_found", "no such pathway")
    await readable(store.caseload, account, pathway_id)
    state = fold(await store.read_stream(stream_id_for(pathway_id)))
    return list(state.documents.values())


async def opened(
    store: EventStore,
    documents: DocumentStore,
    account: Account,
    pathway_id: str,
    document_id: str,
) -> tuple[DocumentAttached, bytes]:
    """One document of a readable pathway and its bytes.

    Raises:
        ProblemError: `pathway_not_found` or `document_not_found` (404);
            `document_erased` (410) once the pathway's personal data were erased.
    """
    found = {d.document_id: d for d in await attached(store, account, pathway_id)}
    if document_id not in found:
        raise ProblemError(DOCUMENT_NOT_FOUND, "no such document on this pathway", status=404)
    try:
        content = await documents.read(pathway_id, document_id)
    except DocumentUnavailable as unavailable:
        status = 404 if unavailable.code == DOCUMENT_NOT_FOUND else 410
        raise ProblemError(unavailable.code, unavailable.message, status=status) from None
    return found[document_id], content


def download_headers(document: DocumentAttached) -> dict[str, str]:
    """An attachment, never shown inline, its type the checked one (not sniffed)."""
    name = safe_filename(document.filename, document.media_type)
    return {
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
        "X-Content-SHA256": document.sha256,
    }
