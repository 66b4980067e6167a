"""The rules of attaching a document: the part it is attached to exists, and once only."""

from __future__ import annotations

from collections.abc import Mapping

from domain import errors
from domain.documents.commands import AttachDocument, TargetKind
from domain.documents.events import DocumentAttached
from domain.values import Actor


def attach_document(
    documents: Mapping[str, DocumentAttached],
    measures: Mapping[str, object],
    payments: Mapping[str, object],
    version: int,
    command: AttachDocument,
    actor: Actor,
) -> DocumentAttached:
    """The attachment's event.

    Raises:
        AlreadyRecorded: this document is attached already (the same id: the same bytes).
        DocumentTargetNotFound: the measure, payment or event it names is not the pathway's.
    """
    if command.document_id in documents:
        raise errors.AlreadyRecorded("this document is attached already", field="document_id")
    target = command.attached_to
    if target is not None:
        found = {
            TargetKind.MEASURE: lambda: target.id in measures,
            TargetKind.PAYMENT: lambda: target.id in payments,
            TargetKind.EVENT: lambda: target.id.isdigit() and 1 <= int(target.id) <= version,
        }[target.kind]()
        if not found:
            raise errors.DocumentTargetNotFound(
                f"no {target.kind} {target.id} on this pathway", field="attached_to"
            )
    return DocumentAttached(**command.model_dump(exclude={"type"}), attached_by=actor.id)


def documented(documents: Mapping[str, DocumentAttached], kind: TargetKind, id_: str) -> bool:
    """True when at least one document is attached to that part of the pathway."""
    return any(
        d.attached_to is not None and d.attached_to.kind == kind and d.attached_to.id == id_
        for d in documents.values()
    )
