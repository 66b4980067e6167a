"""`/api/v1/pathways/{id}/documents`: attach a file, list them, download one (docs/documents.md).

Uploads are multipart (`file`, `kind`, optional `attached_to`, e.g. `payment:<id>`);
the type is read from the content. Every refusal is problem+json with a stable code and
stores nothing; a download is recorded in the access log with its purpose first.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from pydantic import BaseModel

from domain.documents.commands import AttachedTo
from domain.documents.kinds import DocumentKind, MediaType
from domain.values import Identifier
from infra.access_log.model import Channel
from web.access import PurposeHeader, PurposeQuery, chosen_purpose, record_read
from web.auth import CurrentAccount
from web.dependencies import DocumentsDep, PathwaysDep, SettingsDep, StoreDep
from web.documents import (
    ATTACHED_TO_PATTERN,
    DOWNLOAD_WHAT,
    attach,
    attached,
    attached_to_of,
    download_headers,
    opened,
)
from web.problems import PROBLEM_RESPONSES, problem_responses
from workflows.models import CommandResult


class DocumentView(BaseModel):
    """What a document is; its bytes are at `/documents/{document_id}`."""

    document_id: str
    kind: DocumentKind
    media_type: MediaType
    size: int
    sha256: str
    filename: str
    attached_to: AttachedTo | None
    attached_by: str


def build_documents_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES, tags=["documents"])

    @router.post(
        "/pathways/{pathway_id}/documents",
        response_model=CommandResult,
        responses=problem_responses(
            (413, "The file is over the limit (`document_too_large`, `body_too_large`)"),
            (415, "The content is not a PDF, PNG, JPEG or WebP (`document_type_not_allowed`)"),
        ),
        summary="Attach a document (PDF, PNG, JPEG, WebP) to a pathway",
    )
    async def attach_document(
        settings: SettingsDep,
        store: StoreDep,
        pathways: PathwaysDep,
        documents: DocumentsDep,
        pathway_id: Identifier,
        account: CurrentAccount,
        file: Annotated[UploadFile, File()],
        kind: Annotated[DocumentKind, Form()],
        attached_to: Annotated[
            str,
            Form(
                pattern=ATTACHED_TO_PATTERN,
                description="What part of the pathway it is about: `payment:<payment id>`,"
                " `measure:<measure id>` or `event:<version>`; empty for the pathway itself",
            ),
        ] = "",
    ) -> CommandResult:
        """Store the file sealed with the pathway's key and record `DocumentAttached`.

        Sending the same file again for the same part of the pathway is answered as
        `already_recorded` and stores nothing more.
        """
        content = await file.read(settings.max_document_bytes + 1)
        return await attach(
            store=store,
            documents=documents,
            pathways=pathways,
            account=account,
            pathway_id=pathway_id,
            kind=kind.value,
            content=content,
            filename=file.filename,
            attached_to=attached_to_of(attached_to),
            limit=settings.max_document_bytes,
            reply_timeout=settings.reply_timeout,
        )

    @router.get(
        "/pathways/{pathway_id}/documents",
        response_model=list[DocumentView],
        summary="The documents attached to a pathway",
    )
    async def list_documents(
        store: StoreDep,
        request: Request,
        pathway_id: Identifier,
        account: CurrentAccount,
        purpose: PurposeQuery = None,
        x_purpose: PurposeHeader = None,
    ) -> list[DocumentView]:
        why = chosen_purpose(account, purpose, x_purpose)
        found = await attached(store, account, pathway_id)
        await record_read(request, account, pathway_id, "documents", why, Channel.API)
        return [DocumentView(**d.model_dump(exclude={"type"})) for d in found]

    @router.get(
        "/pathways/{pathway_id}/documents/{document_id}",
        response_class=Response,
        responses={
            200: {"content": {m.value: {} for m in MediaType}},
            **problem_responses(
                (410, "The pathway's personal data were erased (`document_erased`)")
            ),
        },
        summary="Download a document (recorded in the access log)",
    )
    async def download_document(
        store: StoreDep,
        documents: DocumentsDep,
        request: Request,
        pathway_id: Identifier,
        document_id: Identifier,
        account: CurrentAccount,
        purpose: PurposeQuery = None,
        x_purpose: PurposeHeader = None,
    ) -> Response:
        why = chosen_purpose(account, purpose, x_purpose)
        document, content = await opened(store, documents, account, pathway_id, document_id)
        await record_read(
            request, account, pathway_id, DOWNLOAD_WHAT, why, Channel.API, document_id
        )
        return Response(
            content, media_type=document.media_type.value, headers=download_headers(document)
        )

    return router
