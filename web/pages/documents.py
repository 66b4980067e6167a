"""The documents of a pathway on its page: upload one, download one (docs/documents.md).

Both go through `web.documents`, as the API does: the content is checked, the scope is the
pathway page's (another organisation's pathway is unknown), a refusal stores nothing and
answers with its code in the reader's words; a download is recorded in the access log.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.datastructures import UploadFile

from client.pathway import CommandRefused
from domain.documents.commands import AttachDocument, AttachedTo
from domain.errors import DomainError
from domain.permissions import check_kind_permitted
from domain.state import PathwayState
from domain.values import Actor
from infra.access_log.model import Channel
from web.access import page_purpose, record_read
from web.dependencies import DocumentsDep, PathwaysDep, SettingsDep, StoreDep
from web.documents import DOWNLOAD_WHAT, attach, attached_to_of, download_headers, opened
from web.pages.command_labels import refusal_message
from web.pages.render import render
from web.pages.routing import PageAccount, page_router, see_other

FLASH = "flash"
"""The pathway page's flash (`web.pages.posted_forms.FLASH`): what was just recorded."""


def may_attach(state: PathwayState, actor: Actor) -> bool:
    """Whether the upload form is shown: the rules would take an attachment from `actor`."""
    try:
        check_kind_permitted(state, AttachDocument, actor)
    except DomainError:
        return False
    return True


def targets(state: PathwayState) -> list[tuple[str, str]]:
    """What a document may be attached to on the form: (value, what it says)."""
    found = [(f"payment:{p.payment_id}", f"{p.kind} · {p.period}") for p in state.payments.values()]
    found += [(f"measure:{m.measure_id}", m.measure_id) for m in state.measures.values()]
    return found


def _target(value: object) -> AttachedTo | None:
    return attached_to_of(str(value or ""))


def build_documents_pages_router() -> APIRouter:
    router = page_router()

    @router.post("/pathways/{pathway_id}/documents")
    async def upload(
        settings: SettingsDep,
        store: StoreDep,
        pathways: PathwaysDep,
        documents: DocumentsDep,
        request: Request,
        pathway_id: str,
        account: PageAccount,
    ) -> Response:
        """Attach the form's file; back to the pathway when recorded, the refusal when not."""
        form = await request.form()
        upload = form.get("file")
        content = (
            await upload.read(settings.max_document_bytes + 1)
            if isinstance(upload, UploadFile)
            else b""
        )
        try:
            await attach(
                store=store,
                documents=documents,
                pathways=pathways,
                account=account,
                pathway_id=pathway_id,
                kind=str(form.get("kind") or ""),
                content=content,
                filename=upload.filename if isinstance(upload, UploadFile) else None,
                attached_to=_target(form.get("attached_to")),
                limit=settings.max_document_bytes,
                reply_timeout=settings.reply_timeout,
            )
        except CommandRefused as refused:
            return render(
                request,
                "problem.html",
                status_code=422,
                message=refusal_message(refused.code),
                code=refused.code,
            )
        request.session[FLASH] = "attach_document"
        return see_other(f"/pathways/{pathway_id}#documents-title", request)

    @router.get("/pathways/{pathway_id}/documents/{document_id}")
    async def download(
        store: StoreDep,
        documents: DocumentsDep,
        request: Request,
        pathway_id: str,
        document_id: str,
        account: PageAccount,
    ) -> Response:
        """The file, as an attachment; the read recorded with the page's purpose first."""
        purpose = page_purpose(request, account)
        document, content = await opened(store, documents, account, pathway_id, document_id)
        await record_read(
            request, account, pathway_id, DOWNLOAD_WHAT, purpose, Channel.PAGE, document_id
        )
        return Response(
            content, media_type=document.media_type.value, headers=download_headers(document)
        )

    return router
