"""How the pages read a pathway: its record, folded (`read_state`, `read_pathway`,
`read_records`); the state a posted command is checked against, from the running workflow
or else the record (`command_state`); and who is around it: the caseworkers it may be
reassigned to, the organisations where it may have a duplicate.

A pathway with no events is the problem `pathway_not_found`.
"""

from __future__ import annotations

from dataclasses import dataclass

from client.pathway import NOT_FOUND, CommandRefused, PathwayClient
from domain.evolution import fold
from domain.projections import PathwaySummary
from domain.records import EventRecord
from domain.state import PathwayState
from domain.stream import stream_id_for
from domain.values import Role, Stage
from infra.accounts.model import Account
from infra.accounts.store import AccountStore
from infra.eventstore.base import EventRecorder, EventStore
from web.duplicates import notices, organisation_names
from web.outages import Unavailable, within
from web.problems import ProblemError


async def read_state(store: EventRecorder, pathway_id: str) -> PathwayState:
    """The pathway as recorded: its events folded."""
    return (await read_pathway(store, pathway_id))[0]


async def read_pathway(store: EventRecorder, pathway_id: str) -> tuple[PathwayState, bool]:
    """The pathway as recorded, and whether its personal data were erased (any of its
    events carries erased fields).

    Raises:
        ProblemError: `pathway_not_found` for a pathway with no events.
    """
    state, records = await read_records(store, pathway_id)
    return state, any(r.erased for r in records)


async def read_records(
    store: EventRecorder, pathway_id: str
) -> tuple[PathwayState, list[EventRecord]]:
    """The pathway as recorded, and its records.

    Raises:
        ProblemError: `pathway_not_found` for a pathway with no events.
    """
    records = await store.read_stream(stream_id_for(pathway_id))
    if not records:
        raise ProblemError("pathway_not_found", NOT_FOUND)
    return fold(records), records


@dataclass(frozen=True)
class CommandState:
    """The state a command's form is drawn from, and where it came from."""

    state: PathwayState
    records: list[EventRecord] | None = None
    """The pathway's records, when they were read: the client answers a retry from them."""
    answered: bool = True
    """False when the running workflow gave no answer in time (the record was read)."""


async def command_state(
    pathways: PathwayClient,
    store: EventRecorder,
    summary: PathwaySummary,
    timeout: float,
    command_id: str,
) -> CommandState:
    """The state to check a posted command's form against, read and folded at most once.

    A running pathway's workflow holds its state and answers it: the page folds nothing, so
    sending a command and showing the page it leads to fold the stream once. A closed
    pathway's record is read (its workflow is done, its keys maybe shredded), once: the
    client answers a retried command from the same records. The record too when the workflow
    does not answer in time, or no longer exists.
    """
    if summary.stage != Stage.CLOSED:
        try:
            state = await within(pathways.state(summary.pathway_id), timeout, command_id)
        except CommandRefused:
            pass  # no such workflow any more (closed long ago): its record says
        except Unavailable:
            return CommandState(*await read_records(store, summary.pathway_id), answered=False)
        else:
            return CommandState(state)
    return CommandState(*await read_records(store, summary.pathway_id))


async def caseworkers_for(accounts: AccountStore, state: PathwayState) -> list[tuple[str, str]]:
    """(id, name) of the active caseworkers of the pathway's organisation."""
    people = await accounts.list_accounts(state.organisation_id)
    return [(a.id, a.display_name) for a in people if a.role == Role.CASEWORKER and a.active]


async def duplicate_organisations(
    store: EventStore, account: Account, pathway_id: str, accounts: AccountStore
) -> list[str]:
    """The names of the organisations where the pathway has a possible duplicate: where to
    ask, and nothing of the other pathway (`web.duplicates`)."""
    found = await notices(store, account, pathway_id, await organisation_names(accounts))
    return sorted({n.organisation_name for n in found})
