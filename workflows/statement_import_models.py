"""The statement import's plain models: what `StatementImportWorkflow`, its activities and
its callers share.

The workflow's input and result (its progress, read the same way) and its workflow id: the
pages and the CLI start and follow an import (`client.statement_import`) with these, never
importing the workflow or its activities.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.payments.statements import StatementLine
from domain.values import Frozen
from infra.payments.book import Settlement

WORKFLOW_ID_PREFIX = "statement-"


def statement_import_id(data: bytes, organisation_id: str | None) -> str:
    """The import's workflow id: `statement-<sha256 of the file>`, and the organisation
    whose account the statement is, when the import is limited to it (the page's)."""
    digest = hashlib.sha256(data).hexdigest()
    return WORKFLOW_ID_PREFIX + digest + ("" if organisation_id is None else f"-{organisation_id}")


class SendReport(BaseModel):
    """What the pathways answered to the outcomes sent to them."""

    sent: int = 0
    already_known: int = 0
    refused: list[str] = Field(default_factory=list)
    """`<pathway>: <code>: <message>`, one per outcome a pathway refused."""
    not_sent: str | None = None
    """Why nothing was sent, when the pathways cannot take bank outcomes."""

    def plus(self, other: SendReport) -> SendReport:
        """This report and `other`'s, added up (the reports of successive batches)."""
        return SendReport(
            sent=self.sent + other.sent,
            already_known=self.already_known + other.already_known,
            refused=[*self.refused, *other.refused],
            not_sent=self.not_sent or other.not_sent,
        )


class ImportStage(StrEnum):
    SETTLING = "settling"
    TELLING = "telling"
    DONE = "done"


class StatementImportInput(Frozen):
    """A parsed statement to import; sealed by the payload codec (it names payments)."""

    file_name: str
    lines: tuple[StatementLine, ...]
    received_at: datetime
    organisation_id: str | None = None


class UnmatchedLine(Frozen):
    line: StatementLine
    note: str


class StatementImport(Frozen):
    """An import's progress, and its result once `stage` is done."""

    import_id: str
    file_name: str
    stage: ImportStage = ImportStage.SETTLING
    lines: int
    counts: dict[str, int] = Field(default_factory=lambda: {s.value: 0 for s in Settlement})
    """Lines by what they did to the ledger (`Settlement`'s values; known once settled)."""
    unmatched: tuple[UnmatchedLine, ...] = ()
    to_tell: int = 0
    """Outcomes the pathways must learn (paid, returned and duplicate lines)."""
    told: SendReport = Field(default_factory=SendReport)

    @property
    def told_count(self) -> int:
        """Outcomes answered so far: applied, already known or refused."""
        return self.told.sent + self.told.already_known + len(self.told.refused)
