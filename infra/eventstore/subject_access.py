"""The subject-access document's protocol, so that the pages name it without an adapter
(`activities.pathways.subject_access.SubjectAccessService` implements it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol


class SubjectDocuments(Protocol):
    async def document(self, pathway_id: str, now: datetime) -> dict[str, Any] | None:
        """Everything held about the pathway's person; None for no such pathway."""
        ...
