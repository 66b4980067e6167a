"""The command that attaches a document to a pathway (and maybe to one of its parts)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from domain.documents.kinds import DocumentKind, MediaType
from domain.values import Frozen, Identifier, ShortText

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class TargetKind(StrEnum):
    """What part of the pathway a document is about, beyond the pathway itself."""

    MEASURE = "measure"
    PAYMENT = "payment"
    EVENT = "event"
    """An event of the stream, by its version (e.g. the plan's approval, for the signed PAI)."""


class AttachedTo(Frozen):
    kind: TargetKind
    id: Identifier
    """A measure id, a payment id, or an event's version as text."""


class AttachDocument(Frozen):
    """Record that a document, already stored sealed with the pathway's key, belongs to it.

    The sender (the documents' service) checks and stores the bytes first and fills in what
    they are: the rules see only the facts, never the bytes.
    """

    type: Literal["attach_document"] = "attach_document"
    document_id: Identifier
    kind: DocumentKind
    media_type: MediaType
    size: Annotated[int, Field(ge=1)]
    sha256: Sha256
    filename: ShortText
    attached_to: AttachedTo | None = None
