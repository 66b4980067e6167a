"""The fact of a document attached to a pathway: what it is, never its bytes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from domain.documents.commands import AttachedTo, Sha256
from domain.documents.kinds import DocumentKind, MediaType
from domain.values import Frozen, Identifier, ShortText


class DocumentAttached(Frozen):
    type: Literal["DocumentAttached"] = "DocumentAttached"
    document_id: Identifier
    kind: DocumentKind
    media_type: MediaType
    size: Annotated[int, Field(ge=1)]
    sha256: Sha256
    filename: ShortText
    """As uploaded: personal (it may name the beneficiary), so sealed at rest."""
    attached_to: AttachedTo | None = None
    attached_by: Identifier
