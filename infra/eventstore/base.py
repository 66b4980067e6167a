"""The event store contract: what every implementation (in-memory, Postgres) promises.

`EventRecorder` writes and reads events; the read models' queries are protocols apart
(`infra.eventstore.queries`, `infra.eventstore.notifications`, `infra.budgets.book`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from domain.projections import ReadModelUpdate
from domain.records import EventRecord
from domain.values import Frozen, Role
from infra.budgets.book import BudgetBook
from infra.eventstore.as_of import AsOfStates
from infra.eventstore.duplicates import DuplicateDecisions
from infra.eventstore.notifications import Notifications
from infra.eventstore.partner_links import PartnerLinkQueries
from infra.eventstore.queries import CaseloadQueries
from infra.eventstore.referral_inbox import ReferralInboxQueries
from infra.eventstore.search_index import SearchIndexQueries
from infra.payments.model import PaymentError, end_to_end_id_for


class AppendResult(Frozen):
    """Where an append put its events, or where the first append of the same command did."""

    stream_id: str
    first_version: int
    last_version: int
    global_positions: tuple[int, ...]
    duplicate: bool
    """True when the command was already in the stream and nothing was written."""


class EventStoreError(Exception):
    """Base of the errors the event store raises on purpose."""


class ConcurrencyConflict(EventStoreError):
    """The stream is not at the expected version and the command is not already in it.

    With one workflow writing each stream this means two writers, or a workflow that lost
    track of its stream: retrying cannot help.
    """

    def __init__(self, stream_id: str, expected_version: int, actual_version: int) -> None:
        super().__init__(
            f"stream {stream_id}: expected version {expected_version}, found {actual_version}"
        )
        self.stream_id = stream_id
        self.expected_version = expected_version
        self.actual_version = actual_version


class InvalidAppend(EventStoreError, ValueError):
    """The batch is malformed (a programming error): wrong stream, gaps, mixed commands."""


class CommandIdConflict(EventStoreError):
    """A person's command id already names events of another stream: nothing is written.

    The ids of the commands people send name one command across every pathway, so an id
    reused on another pathway is refused rather than applied there. The system's own
    command ids (`deadlines-<version>`, a policy's, a bank outcome's) are per pathway.
    The message names no stream: the other pathway may be outside the sender's scope.
    """

    code = "command_id_conflict"

    def __init__(self, command_id: str) -> None:
        super().__init__(f"the command id {command_id} already names another command")
        self.command_id = command_id


def unique_across_streams(records: Sequence[EventRecord]) -> bool:
    """Whether the command of `records` must have an id no other stream uses (a person's)."""
    return records[0].actor.role != Role.SYSTEM


class BudgetLineExceeded(EventStoreError):
    """A ledger entry does not fit in what is left of its budget line: nothing is written.

    A refusal, not a fault: the approval came too late for the line's last euros (or the
    line does not exist, code `budget_line_missing`). Retrying cannot help until the line
    is raised with `pathways budget apply`.
    """

    code = "budget_line_exceeded"

    def __init__(self, line_id: str, entry_id: str, amount: int, available: int) -> None:
        super().__init__(
            f"budget line {line_id}: {amount} cents for {entry_id} do not fit in the"
            f" {available} cents left"
        )
        self.line_id, self.entry_id = line_id, entry_id
        self.amount, self.available = amount, available


class BudgetLineMissing(BudgetLineExceeded):
    """A ledger entry names a budget line that the project has not configured."""

    code = "budget_line_missing"

    def __init__(self, line_id: str, entry_id: str, amount: int) -> None:
        EventStoreError.__init__(
            self, f"budget line {line_id} (for {entry_id}) is not in the project's budget"
        )
        self.line_id, self.entry_id = line_id, entry_id
        self.amount, self.available = amount, 0


class EventRecorder(Protocol):
    """Append-only streams of event records, and the read models written with them.

    Six methods: append (idempotent by command id, at an expected version), read a
    stream, read all after a position, and three a caller could not do without: a
    stream's version (the workflow's catch-up), the openings of many streams in one read
    (the lists that name beneficiaries), and the rebuild of one pathway's read models.
    Each read model has one writer (`infra.eventstore.postgres_writers`,
    `infra.eventstore.memory`), which `append` and `replace_read_models` run in their
    single transaction; what is read of the read models is queried apart
    (`CaseloadQueries`, `NotificationOutbox`, `NotificationInbox`, `BudgetBook`).
    """

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        records: Sequence[EventRecord],
        read_models: ReadModelUpdate | None = None,
    ) -> AppendResult:
        """Append one command's records and write its read models in one transaction.

        Every read model's writer runs in the append's transaction (a unit of work): the
        pathway's summary and obligations; when the update carries notifications, their
        outbox entries and inbox rows. Its withdrawals mark the inbox rows of the
        escalations they name (by pathway, obligation and due instant) withdrawn, and their
        outbox rows still unsent withdrawn too: never claimed.

        Idempotent by (stream_id, command_id): if the records' command is already in the
        stream, returns the first append's result with duplicate=True and writes nothing.
        One command is therefore appended once: a second append with the same command id
        is taken for a retry. A person's command whose id names events of another stream
        is refused (`unique_across_streams`), checked under the append lock.

        Raises:
            ConcurrencyConflict: the stream is not at `expected_version`.
            InvalidAppend: empty batch, records of another stream, versions not following
                `expected_version` one by one, several command ids, naive datetimes,
                repeated obligation, notification or ledger entry ids, a notification,
                withdrawal or ledger entry of another pathway, or a ledger entry of no
                amount.
            BudgetLineExceeded: a ledger entry does not fit in its budget line
                (`BudgetLineMissing` when the line does not exist). Nothing is written.
            CommandIdConflict: a person's command id already names events of another
                stream. Nothing is written.

        Each ledger entry of `read_models.ledger` is written once (by entry id: an entry
        already in the ledger is neither written nor committed again) and its amount is
        committed against its budget line, in the same transaction as the events.

        Each outcome of `read_models.ledger_outcomes` moves its entry's row on, in the same
        transaction: paid from approved or exported; returned from approved, exported or
        paid, giving the amount back to the budget line. A row already there (the statement
        import settled it first) or one the outcome cannot follow is left as it is, so a
        return releases its commitment once, whoever records it first.
        """
        ...

    async def read_stream(
        self, stream_id: str, *, known_at: datetime | None = None
    ) -> list[EventRecord]:
        """The stream's records by version; with `known_at`, only those recorded by then."""
        ...

    async def first_records(self, stream_ids: Sequence[str]) -> dict[str, EventRecord]:
        """The first record (version 1) of each of the streams that have one, by stream id:
        a pathway's opening, which says who the beneficiary is. One read for a page that
        lists many pathways."""
        ...

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[EventRecord]:
        """Records of every stream after a global position, in global order.

        A reader that resumes from the last position it saw misses nothing: positions are
        handed out in commit order.
        """
        ...

    async def stream_version(self, stream_id: str) -> int:
        """The stream's last version, 0 when it has none."""
        ...

    async def replace_read_models(self, update: ReadModelUpdate) -> None:
        """Overwrite one pathway's read models, e.g. when rebuilding them from events.

        The same writers as `append`'s run, in one transaction, with no events appended.

        Notifications go to the inbox only, keeping the rows (and read marks) already
        there: a rebuild never queues an e-mail again. Withdrawals are written as an
        append writes them. Ledger entries are ignored: a
        rebuild never books a payment again; nor are ledger outcomes applied.
        """
        ...


class EventStore(EventRecorder, Protocol):
    """The recorder and the queries of its read models, as the wiring hands them out.

    A caller takes only the part it uses: the recorder itself, or one capability's
    queries. Until the composition root builds each part on its own, the stores carry
    theirs as attributes.
    """

    @property
    def caseload(self) -> CaseloadQueries:
        """The pathways' summaries and obligations."""
        ...

    @property
    def notifications(self) -> Notifications:
        """The outbox the sender drains and the people's inboxes."""
        ...

    @property
    def budget(self) -> BudgetBook:
        """The budget lines and the ledger booked against them."""
        ...

    @property
    def partner_links(self) -> PartnerLinkQueries:
        """The partner contacts linked to the pathways' measures."""
        ...

    @property
    def referral_inbox(self) -> ReferralInboxQueries:
        """The referrals and transfers addressed to each organisation."""
        ...

    @property
    def search_index(self) -> SearchIndexQueries:
        """The blind-index tokens that find the pathways by their beneficiaries."""
        ...

    @property
    def duplicates(self) -> DuplicateDecisions:
        """The coordinator's decisions on possible duplicates and the persons they make."""
        ...

    @property
    def as_of(self) -> AsOfStates:
        """The pathways as known at an instant (from the nearest as-of snapshot)."""
        ...


def check_append(
    stream_id: str,
    expected_version: int,
    records: Sequence[EventRecord],
    read_models: ReadModelUpdate | None,
) -> str:
    """Validate a batch before anything is written and return its command id.

    Raises:
        InvalidAppend: see `EventRecorder.append`.
    """
    if expected_version < 0:
        raise InvalidAppend(f"expected_version must be >= 0, got {expected_version}")
    if not records:
        raise InvalidAppend("an append needs at least one record")
    command_ids = {r.command_id for r in records}
    if len(command_ids) != 1:
        raise InvalidAppend(f"one append holds one command, got {len(command_ids)}")
    for offset, record in enumerate(records, start=1):
        if record.stream_id != stream_id:
            raise InvalidAppend(f"record of stream {record.stream_id} appended to {stream_id}")
        if record.version != expected_version + offset:
            raise InvalidAppend(
                f"record version {record.version} where {expected_version + offset} belongs"
            )
    if read_models is not None:
        check_read_models(read_models)
    return command_ids.pop()


def check_read_models(update: ReadModelUpdate) -> None:
    """Reject rows that the database would store ambiguously or refuse.

    Raises:
        InvalidAppend: a naive `due_at` or `approved_at`, one obligation, notification or
            ledger entry id used twice, a notification, withdrawal or ledger entry about
            another pathway than the summary's, a naive due instant in a withdrawal, a
            ledger entry of no amount, or one whose id cannot travel as a SEPA end-to-end
            id.
    """
    seen: set[str] = set()
    for obligation in update.obligations:
        if not is_aware(obligation.due_at):
            raise InvalidAppend(f"obligation {obligation.obligation_id}: due_at has no time zone")
        if obligation.obligation_id in seen:
            raise InvalidAppend(f"obligation {obligation.obligation_id} given twice")
        seen.add(obligation.obligation_id)
    notified: set[str] = set()
    for notification in update.notifications:
        if notification.notification_id in notified:
            raise InvalidAppend(f"notification {notification.notification_id} given twice")
        if notification.pathway_id != update.summary.pathway_id:
            raise InvalidAppend(
                f"notification {notification.notification_id} is about another pathway"
            )
        notified.add(notification.notification_id)
    entries: set[str] = set()
    for entry in update.ledger:
        if entry.entry_id in entries:
            raise InvalidAppend(f"ledger entry {entry.entry_id} given twice")
        if entry.pathway_id != update.summary.pathway_id:
            raise InvalidAppend(f"ledger entry {entry.entry_id} is about another pathway")
        if entry.entry_id != f"{entry.payment_id}/{entry.attempt}":
            raise InvalidAppend(f"ledger entry {entry.entry_id} is not its payment's attempt")
        if entry.amount <= 0:
            raise InvalidAppend(f"ledger entry {entry.entry_id} has no amount")
        if not is_aware(entry.approved_at):
            raise InvalidAppend(f"ledger entry {entry.entry_id}: approved_at has no time zone")
        try:
            end_to_end_id_for(entry.entry_id)
        except PaymentError as error:
            raise InvalidAppend(error.detail) from None
        entries.add(entry.entry_id)
    for withdrawn in update.withdrawals:
        if withdrawn.pathway_id != update.summary.pathway_id:
            raise InvalidAppend(f"withdrawal of {withdrawn.obligation_id} is about another pathway")
        if not all(is_aware(due) for due in withdrawn.due_instants):
            raise InvalidAppend(f"withdrawal of {withdrawn.obligation_id}: a naive due instant")
    for outcome in update.ledger_outcomes:
        if outcome.pathway_id != update.summary.pathway_id:
            raise InvalidAppend(f"ledger outcome of {outcome.entry_id} is about another pathway")
        if not is_aware(outcome.recorded_at):
            raise InvalidAppend(f"ledger outcome of {outcome.entry_id}: recorded_at is naive")


def is_aware(instant: datetime) -> bool:
    """Whether the instant carries a time zone; a naive one would be read in the server's."""
    return instant.tzinfo is not None and instant.utcoffset() is not None


def require_aware(instant: datetime, what: str) -> None:
    """Refuse a naive datetime as a query argument.

    Raises:
        ValueError: `instant` has no time zone.
    """
    if not is_aware(instant):
        raise ValueError(f"{what} must carry a time zone")


def check_page(limit: int, offset: int = 0) -> None:
    """Validate paging arguments the same way in every implementation."""
    if limit < 1:
        raise ValueError(f"limit must be >= 1, got {limit}")
    if offset < 0:
        raise ValueError(f"offset must be >= 0, got {offset}")


def check_claim(now: datetime, limit: int, lease: timedelta) -> None:
    """Validate the arguments of `claim_notifications` the same way in every implementation."""
    require_aware(now, "now")
    check_page(limit)
    if lease <= timedelta():
        raise ValueError(f"lease must be positive, got {lease}")
