"""The bulk operation's plain models: what `BulkOperationWorkflow`, its activities and its
callers share.

The operations (`ReassignCaseload`, `CloseCohort`, `RollOutPolicy`, `ImportCaseload`,
`ImportAttendance`), the
workflow's input and result, a row's result, and the workflow ids: the pages and the CLI
start and follow an operation (`client.bulk`) with these, never importing the workflow or
its activities.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from domain.calendar import project_day
from domain.imports.attendance import row_id_for
from domain.imports.caseload import pathway_id_for
from domain.imports.rows import ImportRow, RowProblem
from domain.policy import Policy
from domain.values import Actor, Frozen, Identifier, LongText

WORKFLOW_ID_PREFIX = "bulk-"
APPLY_SUFFIX = "-apply"
POLICY_ID_PREFIX = "policy-rollout-"


class RollOutPolicy(Frozen):
    """A deadline policy put in force on every running pathway of the task queue."""

    kind: Literal["apply_policy"] = "apply_policy"
    policy: Policy
    concurrency: int = Field(default=16, ge=1, le=256)
    """Rows of a batch sent at the same time."""
    row_timeout: float = Field(default=30.0, ge=1)
    """Seconds each pathway has to answer before its row fails (`no_reply`)."""


class ReassignCaseload(Frozen):
    """Every open pathway of one caseworker of an organisation, given to another."""

    kind: Literal["reassign_caseload"] = "reassign_caseload"
    organisation_id: Identifier
    from_caseworker_id: Identifier
    to_caseworker_id: Identifier
    reason: LongText | None = None


class CloseCohort(Frozen):
    """Every pathway of an organisation ready to close: in the follow-up stage (its follow-up
    recorded), opened within the days given (Italian days, both included), if any."""

    kind: Literal["close_cohort"] = "close_cohort"
    organisation_id: Identifier
    opened_from: date | None = None
    opened_to: date | None = None
    reason: LongText | None = None

    def chooses(self, opened_at: datetime) -> bool:
        """Whether a pathway opened at `opened_at` belongs to the cohort."""
        day = project_day(opened_at)
        return (self.opened_from is None or day >= self.opened_from) and (
            self.opened_to is None or day <= self.opened_to
        )


class ImportCaseload(Frozen):
    """An existing caseload's file, a pathway opened in the organisation for each valid row
    (docs/import.md): its rows are the file's, each keyed by the pathway it opens."""

    kind: Literal["import_caseload"] = "import_caseload"
    organisation_id: Identifier
    digest: str = Field(pattern=r"^[0-9a-f]{64}$")
    """SHA-256 of the file: with a row's number, its pathway id and command id."""
    filename: str = Field(max_length=200)
    rows: tuple[ImportRow, ...] = Field(min_length=1, max_length=10_000)

    def only(self, pathway_ids: tuple[str, ...]) -> ImportCaseload:
        """This import with only the rows that open `pathway_ids` (a batch's)."""
        wanted = set(pathway_ids)
        return self.model_copy(
            update={
                "rows": tuple(
                    r for r in self.rows if pathway_id_for(self.digest, r.number) in wanted
                )
            }
        )


class ImportAttendance(Frozen):
    """A monthly attendance sheet, each valid row's hours recorded on its pathway's measure
    (docs/import.md): its rows are the file's, each keyed by `row_id_for` (a pathway may
    have many rows)."""

    kind: Literal["import_attendance"] = "import_attendance"
    organisation_id: Identifier
    digest: str = Field(pattern=r"^[0-9a-f]{64}$")
    """SHA-256 of the file: with a row's number, its row id and command id."""
    filename: str = Field(max_length=200)
    rows: tuple[ImportRow, ...] = Field(min_length=1, max_length=10_000)

    def only(self, row_ids: tuple[str, ...]) -> ImportAttendance:
        """This sheet with only the rows of `row_ids` (a batch's)."""
        wanted = set(row_ids)
        return self.model_copy(
            update={
                "rows": tuple(r for r in self.rows if row_id_for(self.digest, r.number) in wanted)
            }
        )


FileImport = ImportCaseload | ImportAttendance
"""The operations whose rows are a file's: a dry run checks the whole file in one step, and
applying sends only its valid rows, each batch carrying its own rows of the file."""
FILE_IMPORTS = (ImportCaseload, ImportAttendance)

Operation = Annotated[
    ReassignCaseload | CloseCohort | RollOutPolicy | ImportCaseload | ImportAttendance,
    Field(discriminator="kind"),
]


class RowResult(Frozen):
    """What the operation did, or would do, to one pathway."""

    pathway_id: str
    """The pathway changed; an attendance sheet's row: its row id (`row_id_for`)."""
    outcome: Literal["would_change", "would_refuse", "done", "unchanged", "refused", "failed"]
    """`would_refuse`: a dry run's row the domain's rule refuses now (with its code);
    `unchanged`: already as the operation wants it (a policy in force); `failed`: the
    pathway did not answer (a policy's row), so running the operation again may reach it."""
    code: str | None = None
    """For a refusal or a failure: the pathway's (or the client's) error code."""
    message: str | None = None
    row: int | None = None
    """An import's row: its number in the file."""
    problems: tuple[RowProblem, ...] = ()
    """An import's dry run: every problem of the row, by column (`code` is the first's)."""


def policy_digest(policy: Policy) -> str:
    """SHA-256 of the policy's canonical JSON: the same policy, the same digest."""
    return hashlib.sha256(policy.model_dump_json().encode()).hexdigest()


class BulkStage(StrEnum):
    SELECTING = "selecting"
    APPLYING = "applying"
    DONE = "done"
    REFUSED = "refused"
    """The operation as a whole was refused (a person it names): nothing changed."""


class BulkInput(Frozen):
    """A dry run (`pathway_ids` None: the rows are chosen) or the application of one."""

    operation: Operation
    actor: Actor
    pathway_ids: tuple[str, ...] | None = None
    """The rows a dry run listed, to apply; None for the dry run itself."""
    roll_out: bool = False
    """Choose the rows and apply them in the same run, with no dry run (a policy's roll-out)."""


class BulkOperation(Frozen):
    """An operation's progress, and its result once `stage` is done (or refused)."""

    operation_id: str
    operation: Operation
    dry_run: bool
    stage: BulkStage = BulkStage.SELECTING
    pathway_ids: tuple[str, ...] = ()
    results: tuple[RowResult, ...] = ()
    refusal_code: str | None = None
    refusal_message: str | None = None

    def count(self, outcome: str) -> int:
        return sum(r.outcome == outcome for r in self.results)

    def applicable(self) -> tuple[str, ...]:
        """The rows applying this dry run changes: all it listed; an import's valid ones
        only (a row with a problem, a duplicate, is never sent)."""
        if not isinstance(self.operation, FILE_IMPORTS):
            return self.pathway_ids
        return tuple(r.pathway_id for r in self.results if r.outcome == "would_change")


def batch_of(operation: Operation, pathway_ids: tuple[str, ...]) -> Operation:
    """What a batch of `pathway_ids` is sent: an import's own rows only (the file stays out
    of every batch's input), any other operation whole."""
    return operation.only(pathway_ids) if isinstance(operation, FILE_IMPORTS) else operation


def apply_id_for(dry_run_id: str) -> str:
    """The workflow id that applies the dry run `dry_run_id`."""
    return dry_run_id + APPLY_SUFFIX


def roll_out_id_for(policy_digest: str) -> str:
    """The workflow id that puts the policy of digest `policy_digest` in force."""
    return POLICY_ID_PREFIX + policy_digest
