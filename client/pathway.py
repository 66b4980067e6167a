"""`PathwayClient`: how the CLI and the web app send commands to pathway workflows.

Every write goes through here, as a workflow update with the command id as update id, so a
retried request is answered once and the callers stay stateless. Every command is sent with
its fingerprint (`domain.fingerprint`); an answer carrying another fingerprint is the answer
to another command that used the same id first, and is refused as `command_id_conflict`.
It names the workflow, its update and its query by the strings of `workflows.names`: no
workflow code is imported.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import WorkflowExecutionStatus
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import (
    Client,
    RPCTimeoutOrCancelledError,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from client.interrupted import sent_again_if_interrupted
from domain.assignment import (
    AccountFacts,
    check_assignee,
    named_assignee,
    organisation_of_assignee,
)
from domain.commands import CommandEnvelope, OpenPathway
from domain.errors import DomainError
from domain.evolution import fold
from domain.fingerprint import fingerprinted
from domain.partner_links.commands import LinkPartnerContact
from domain.partners.links import LinkedContact
from domain.records import EventRecord
from domain.state import PathwayState
from domain.stream import stream_id_for
from infra.metrics import COMMAND_SECONDS, COMMANDS
from workflows.models import CommandResult, PathwayInput, pathway_id_for, workflow_id_for
from workflows.names import PATHWAY, PATHWAY_COMMAND, PATHWAY_STATE

log = structlog.get_logger("pathways.commands")

NOT_FOUND = "no pathway has been opened with this id"
CLOSED = "the pathway is closed and accepts nothing more"
COMMAND_ID_CONFLICT = "command_id_conflict"
REUSED = (
    "this command id was used for another command (another body, or another sender);"
    " nothing was applied: send a new command id"
)


class CommandRefused(Exception):
    """A command the pathway refused, with the domain error code (or a transport code)."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.field = code, message, field


class StreamReader(Protocol):
    """The one thing the client reads from the event store: a pathway's stream."""

    async def read_stream(
        self, stream_id: str, *, known_at: datetime | None = None
    ) -> list[EventRecord]: ...


class AccountLookup(Protocol):
    """Where the client looks up the people a command names (an `AccountStore`)."""

    async def get_account(self, account_id: str) -> AccountFacts | None: ...


class ContactLookup(Protocol):
    """Where the client resolves the partner contact a link names (a `PartnerRegistry`)."""

    async def linked_contact(self, contact_id: str) -> LinkedContact | None: ...


class PathwayClient:
    """Sends commands; with the event store, it also answers retries on closed pathways.

    A closed pathway's workflow has completed and Temporal no longer answers its updates,
    so a retry of, say, the closing command (after a lost reply) is answered from the
    event store, where the command's events are kept for good.

    With `accounts`, a command that gives the pathway to someone (the opening, a
    reassignment) is refused with `caseworker_not_eligible` before it reaches the pathway
    unless that someone is an active caseworker of the pathway's organisation
    (`domain.assignment`). Every entry point that takes commands from people (the API, the
    pages, the CLI) sends through a client bound to the accounts (`checking`); a client
    without them is for the tests of workflows and for senders that name no one (the
    clock, the bank, a policy roll-out).

    With `contacts`, a command that links a partner contact to a measure carries the contact
    as the partner registry knows it (or none), whatever the sender put there: the registry
    lies outside the pathway, so it is read here, once, and the decider checks the rest.
    """

    def __init__(
        self,
        client: Client,
        task_queue: str,
        store: StreamReader | None = None,
        accounts: AccountLookup | None = None,
        contacts: ContactLookup | None = None,
    ) -> None:
        self._client = client
        self._task_queue = task_queue
        self._store = store
        self._accounts = accounts
        self._contacts = contacts

    @property
    def temporal(self) -> Client:
        """The Temporal client under this one, for the other workflows (statement imports)."""
        return self._client

    @property
    def task_queue(self) -> str:
        return self._task_queue

    def checking(
        self, accounts: AccountLookup, contacts: ContactLookup | None = None
    ) -> PathwayClient:
        """The same client, checking the people commands name against `accounts`, and
        resolving the partner contacts they link in `contacts`."""
        return PathwayClient(self._client, self._task_queue, self._store, accounts, contacts)

    async def ping(self, timeout: float) -> None:
        """Return once Temporal's frontend says it serves, within `timeout` seconds, or raise.

        Raises:
            temporalio.service.RPCError: the server cannot be reached (or timed out).
            RuntimeError: it answered that the workflow service is not serving.
        """
        serving = await self._client.service_client.check_health(timeout=timedelta(seconds=timeout))
        if not serving:
            raise RuntimeError("the workflow service is not serving")

    async def open(self, envelope: CommandEnvelope) -> CommandResult:
        """Start the pathway's workflow and apply `OpenPathway` in one call (update-with-start)."""
        command = envelope.command
        if not isinstance(command, OpenPathway):
            raise CommandRefused("invalid_command", "opening needs an open_pathway command")
        envelope = fingerprinted(envelope)
        with _observed(command.pathway_id, envelope):
            await self._check_assignee(command.organisation_id, envelope)
            return _same_command(envelope, await self._open(command, envelope))

    async def _open(self, command: OpenPathway, envelope: CommandEnvelope) -> CommandResult:
        """The opening's answer; a closed pathway's from its record (never started again).

        A closed pathway refuses the start (`REJECT_DUPLICATE`), which comes back as
        `WorkflowAlreadyStartedError`, or `ALREADY_EXISTS`, or in another shape (a
        MultiOperation failure that CPython 3.11 once failed to decode): any failure but a
        refusal or a timeout asks whether the pathway is closed before it is passed on.
        Asked after a failure only, not before every opening: one call to Temporal less.
        """
        try:
            result: CommandResult = await sent_again_if_interrupted(
                lambda: self._client.execute_update_with_start_workflow(
                    PATHWAY_COMMAND,
                    envelope,
                    # One operation per attempt: the SDK refuses to send one twice.
                    start_workflow_operation=self._start(command.pathway_id),
                    id=envelope.command_id,
                    result_type=CommandResult,
                ),
                envelope.command_id,
            )
            return result
        except WorkflowAlreadyStartedError:
            return await self._answer_from_record(command.pathway_id, envelope)
        except (WorkflowUpdateFailedError, RPCError) as error:
            return await self._after_failure(command.pathway_id, envelope, error)
        except RPCTimeoutOrCancelledError:
            raise
        except Exception:
            if await self._is_closed(command.pathway_id):
                return await self._answer_from_record(command.pathway_id, envelope)
            raise

    def _start(self, pathway_id: str) -> WithStartWorkflowOperation[Any, PathwayState]:
        """The start of the pathway's workflow, unless it runs already (update-with-start)."""
        return WithStartWorkflowOperation(
            PATHWAY,
            PathwayInput.opening(pathway_id),
            id=workflow_id_for(pathway_id),
            task_queue=self._task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            # A closed pathway is never started again: its record is final.
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            result_type=PathwayState,
        )

    async def send(
        self,
        pathway_id: str,
        envelope: CommandEnvelope,
        *,
        recorded: Sequence[EventRecord] | None = None,
    ) -> CommandResult:
        """Apply one command to an open pathway.

        Args:
            recorded: The pathway's records, when the caller has just read them (a page
                drawing a closed pathway's form): a closed pathway's answer is looked up in
                them instead of reading the stream again. A closed pathway's record is final.
        """
        if isinstance(envelope.command, OpenPathway):
            raise CommandRefused("pathway_already_open", "use open for open_pathway")
        # Fingerprinted as sent: a retry after the registry changed is still a retry.
        envelope = await self._resolved(fingerprinted(envelope))
        with _observed(pathway_id, envelope):
            if named_assignee(envelope.command) is not None and self._accounts is not None:
                state = await self.state(pathway_id)
                organisation = organisation_of_assignee(state, envelope.command)
                await self._check_assignee(organisation, envelope)
            return _same_command(envelope, await self._send(pathway_id, envelope, recorded))

    async def _resolved(self, envelope: CommandEnvelope) -> CommandEnvelope:
        """The envelope with the linked contact as the registry knows it (see the class)."""
        command = envelope.command
        if not isinstance(command, LinkPartnerContact) or self._contacts is None:
            return envelope
        contact = await self._contacts.linked_contact(command.contact_id)
        resolved = command.model_copy(update={"contact": contact})
        return envelope.model_copy(update={"command": resolved})

    async def _check_assignee(self, organisation_id: str | None, envelope: CommandEnvelope) -> None:
        """Refuse a command giving the pathway to someone who may not hold it.

        Raises:
            CommandRefused: `caseworker_not_eligible`, with the field at fault.
        """
        caseworker_id = named_assignee(envelope.command)
        if caseworker_id is None or self._accounts is None:
            return
        account = await self._accounts.get_account(caseworker_id)
        try:
            check_assignee(caseworker_id, account, organisation_id)
        except DomainError as refused:
            log.warning(
                "assignee_refused",
                actor_id=envelope.actor.id,
                caseworker_id=caseworker_id,
                organisation_id=organisation_id,
            )
            raise CommandRefused(refused.code, refused.message, refused.field) from None

    async def _send(
        self,
        pathway_id: str,
        envelope: CommandEnvelope,
        recorded: Sequence[EventRecord] | None = None,
    ) -> CommandResult:
        handle = self._client.get_workflow_handle(workflow_id_for(pathway_id))
        try:
            result: CommandResult = await sent_again_if_interrupted(
                lambda: handle.execute_update(
                    PATHWAY_COMMAND, envelope, id=envelope.command_id, result_type=CommandResult
                ),
                envelope.command_id,
            )
            return result
        except (WorkflowUpdateFailedError, RPCError) as error:
            return await self._after_failure(pathway_id, envelope, error, recorded)

    async def state(self, pathway_id: str) -> PathwayState:
        """The state the running workflow holds (the event store holds the record)."""
        handle = self._client.get_workflow_handle(workflow_id_for(pathway_id))
        try:
            state: PathwayState = await handle.query(PATHWAY_STATE, result_type=PathwayState)
            return state
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                raise CommandRefused("pathway_not_found", NOT_FOUND) from None
            raise

    async def running_pathways(self) -> list[str]:
        """Ids of the pathways whose workflow runs on this client's task queue.

        From Temporal's visibility store, which lags writes by a second or two: a pathway
        opened just before may be missing, one closed just before may still be listed.
        Other deployments sharing the namespace use other task queues and are left out.
        """
        query = (
            f"WorkflowType = {_quoted(PATHWAY)} AND ExecutionStatus = 'Running'"
            f" AND TaskQueue = {_quoted(self._task_queue)}"
        )
        found = []
        async for execution in self._client.list_workflows(query):
            pathway_id = pathway_id_for(execution.id)
            if pathway_id is not None:
                found.append(pathway_id)
        return found

    async def _after_failure(
        self,
        pathway_id: str,
        envelope: CommandEnvelope,
        error: Exception,
        recorded: Sequence[EventRecord] | None = None,
    ) -> CommandResult:
        if isinstance(error, RPCError) and error.status == RPCStatusCode.ALREADY_EXISTS:
            # Update-with-start on a closed pathway: the start is refused as a duplicate.
            return await self._answer_from_record(pathway_id, envelope, recorded)
        if isinstance(error, RPCError) and error.status == RPCStatusCode.NOT_FOUND:
            if await self._is_closed(pathway_id):
                return await self._answer_from_record(pathway_id, envelope, recorded)
            raise CommandRefused("pathway_not_found", NOT_FOUND) from None
        raise _refusal(error) from None

    async def _is_closed(self, pathway_id: str) -> bool:
        # The raw call: reading the status needs no decoding of search attributes.
        request = DescribeWorkflowExecutionRequest(
            namespace=self._client.namespace,
            execution=WorkflowExecution(workflow_id=workflow_id_for(pathway_id)),
        )
        try:
            described = await self._client.workflow_service.describe_workflow_execution(request)
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return False
            raise
        running = WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
        return bool(described.workflow_execution_info.status != running)

    async def _answer_from_record(
        self,
        pathway_id: str,
        envelope: CommandEnvelope,
        recorded: Sequence[EventRecord] | None = None,
    ) -> CommandResult:
        """The first answer to a command the closed pathway took, else `pathway_closed`."""
        if recorded is None and self._store is not None:
            recorded = await self._store.read_stream(stream_id_for(pathway_id))
        if recorded is not None:
            records = recorded
            mine = [r for r in records if r.command_id == envelope.command_id]
            if mine:
                state = fold([r for r in records if r.version <= mine[-1].version])
                assert state.stage is not None
                return CommandResult(
                    pathway_id=pathway_id,
                    command_id=envelope.command_id,
                    version=mine[-1].version,
                    stage=state.stage,
                    events=tuple(r.type for r in mine),
                    fingerprint=mine[0].fingerprint,
                )
        raise CommandRefused("pathway_closed", CLOSED)


def _same_command(envelope: CommandEnvelope, result: CommandResult) -> CommandResult:
    """`result`, if it answers the command sent; else `command_id_conflict`.

    An answer without a fingerprint was given before fingerprints were kept: taken as is.
    """
    if result.fingerprint is not None and result.fingerprint != envelope.fingerprint:
        raise CommandRefused(COMMAND_ID_CONFLICT, REUSED, "command_id")
    return result


@contextmanager
def _observed(pathway_id: str, envelope: CommandEnvelope) -> Iterator[None]:
    """Count and time one command by its outcome; log it with the ids that find it again."""
    kind = envelope.command.type
    started = time.monotonic()
    outcome = "error"
    with structlog.contextvars.bound_contextvars(
        pathway_id=pathway_id,
        command_id=envelope.command_id,
        workflow_id=workflow_id_for(pathway_id),
    ):
        try:
            yield
            outcome = "applied"
        except CommandRefused as refused:
            outcome = refused.code
            raise
        except (RPCError, TimeoutError, asyncio.CancelledError):
            # No answer: the command may or may not be applied; a retry with its id tells.
            outcome = "unavailable"
            raise
        finally:
            seconds = time.monotonic() - started
            COMMANDS.labels(type=kind, outcome=outcome).inc()
            COMMAND_SECONDS.labels(type=kind).observe(seconds)
            log.info("command.answered", type=kind, outcome=outcome, seconds=round(seconds, 4))


def _quoted(value: str) -> str:
    """A string literal of Temporal's visibility query language."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _refusal(error: Exception) -> CommandRefused:
    if isinstance(error, WorkflowUpdateFailedError):
        cause = error.cause
        if isinstance(cause, ApplicationError) and cause.type:
            details: dict[str, Any] = cause.details[0] if cause.details else {}
            return CommandRefused(cause.type, cause.message, details.get("field"))
        return CommandRefused("command_failed", str(cause or error))
    assert isinstance(error, RPCError)
    if error.status == RPCStatusCode.INVALID_ARGUMENT:
        return CommandRefused("invalid_command", error.message)
    raise error
