"""Whose pathways a person may see and change.

A caseworker sees and changes the pathways of their own caseload, a supervisor those of
their organisation, the coordinator every pathway; an auditor reads every pathway and
changes none; an admin manages accounts and policies and reads no pathway. A pathway
outside someone's scope does not exist for them: the answer is the same 404 as for an
unknown id, and the denial is logged.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import structlog

from client.pathway import NOT_FOUND
from domain.calendar import project_day
from domain.commands import Command
from domain.errors import OrganisationNotFound
from domain.evolution import fold
from domain.projections import InboxStatus, PathwaySummary, ReferralView
from domain.records import EventRecord
from domain.referral_access import (
    addressed_to,
    former_owner,
    may_send_from_outside,
    recorded_by_former_owner,
)
from domain.stream import stream_id_for
from domain.values import Role
from infra.accounts.model import Account
from infra.eventstore.base import EventStore
from infra.eventstore.queries import CaseloadQueries
from web.problems import ProblemError

log = structlog.get_logger("pathways.web.scope")

READ_ALL = frozenset({Role.COORDINATOR, Role.AUDITOR})
READ_ONLY = frozenset({Role.AUDITOR, Role.ADMIN})
FORBIDDEN = "forbidden"


def may_read(account: Account, summary: PathwaySummary) -> bool:
    """Whether the pathway is within the account's scope."""
    if account.role in READ_ALL:
        return True
    if account.role == Role.SUPERVISOR:
        return summary.organisation_id == account.organisation_id
    if account.role == Role.CASEWORKER:
        return summary.caseworker_id == account.id
    return False


def may_change(account: Account, summary: PathwaySummary) -> bool:
    """Whether the account may send commands to the pathway (the domain decides which)."""
    return account.role not in READ_ONLY and may_read(account, summary)


def may_open_in(account: Account, organisation_id: str) -> bool:
    """Whether the account may open a pathway for this organisation."""
    if account.role == Role.COORDINATOR:
        return True
    if account.role in (Role.CASEWORKER, Role.SUPERVISOR):
        return account.organisation_id == organisation_id
    return False


def check_may_open_in(account: Account, organisation_id: str) -> None:
    """Refuse an opening the account may not make in this organisation.

    An organisation outside the account's scope is answered as an unknown one would be:
    the answer tells nothing of which organisations exist.

    Raises:
        ProblemError: `forbidden` (403) for a role that opens no pathways at all;
            `organisation_not_found` (422, field `organisation_id`) for an organisation
            outside the account's scope.
    """
    if may_open_in(account, organisation_id):
        return
    log.warning(
        "access_denied",
        account_id=account.id,
        role=account.role.value,
        action="open",
        organisation_id=organisation_id,
    )
    if account.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        raise ProblemError(FORBIDDEN, f"a {account.role} opens no pathways", status=403)
    raise ProblemError(
        OrganisationNotFound.code,
        f"no organisation {organisation_id!r} among those you may open pathways in",
        "organisation_id",
    )


class CaseloadFilter(NamedTuple):
    """The filters a caseload query runs with once the account's scope is applied."""

    organisation_id: str | None
    caseworker_id: str | None
    empty: bool
    """True when the filters asked for lie outside the scope: the answer is nothing."""


def caseload_filter(
    account: Account, organisation_id: str | None, caseworker_id: str | None
) -> CaseloadFilter:
    """Narrow the requested filters to the account's scope."""
    if account.role in READ_ALL:
        return CaseloadFilter(organisation_id, caseworker_id, False)
    if account.role == Role.SUPERVISOR:
        outside = organisation_id not in (None, account.organisation_id)
        return CaseloadFilter(account.organisation_id, caseworker_id, outside)
    if account.role == Role.CASEWORKER:
        outside = caseworker_id not in (None, account.id) or organisation_id not in (
            None,
            account.organisation_id,
        )
        return CaseloadFilter(None, account.id, outside)
    return CaseloadFilter(None, None, True)


def deny(account: Account, action: str, pathway_id: str) -> ProblemError:
    """Log a refusal and give the answer that leaks nothing: 'no such pathway'."""
    log.warning(
        "access_denied",
        account_id=account.id,
        role=account.role.value,
        action=action,
        pathway_id=pathway_id,
    )
    return ProblemError("pathway_not_found", NOT_FOUND)


async def readable(caseload: CaseloadQueries, account: Account, pathway_id: str) -> PathwaySummary:
    """The pathway's summary if the account may read it.

    Raises:
        ProblemError: `pathway_not_found` (404) when it is unknown or outside the scope.
    """
    summary = await caseload.get_summary(pathway_id)
    if summary is None:
        raise ProblemError("pathway_not_found", NOT_FOUND)
    if not may_read(account, summary):
        raise deny(account, "read", pathway_id)
    return summary


async def changeable(
    caseload: CaseloadQueries, account: Account, pathway_id: str
) -> PathwaySummary:
    """The pathway's summary if the account may send it commands.

    Raises:
        ProblemError: `pathway_not_found` (404) outside the scope; `forbidden` (403) when
            the account may read it but not change it (an auditor).
    """
    summary = await readable(caseload, account, pathway_id)
    if not may_change(account, summary):
        log.warning(
            "access_denied",
            account_id=account.id,
            role=account.role.value,
            action="change",
            pathway_id=pathway_id,
        )
        raise ProblemError(
            FORBIDDEN, f"a {account.role} reads pathways, never changes them", status=403
        )
    return summary


async def sendable(store: EventStore, account: Account, pathway_id: str, command: Command) -> None:
    """Refuse a command the account may not send: within its scope as `changeable` says;
    from another organisation only what a referral or a transfer addressed to it allows
    (`domain.referral_access.may_send_from_outside`), answered else as an unknown pathway.

    Raises:
        ProblemError: as `changeable`.
    """
    summary = await store.caseload.get_summary(pathway_id)
    if summary is not None and not may_read(account, summary) and account.role not in READ_ONLY:
        state = fold(await store.read_stream(stream_id_for(pathway_id)))
        if may_send_from_outside(state, command, account.role, account.id, account.organisation_id):
            return
    await changeable(store.caseload, account, pathway_id)


async def addressed(store: EventStore, account: Account, pathway_id: str) -> list[ReferralView]:
    """The referrals and the transfer of a pathway addressed to the account's organisation,
    as a supervisor of it reads them (the minimum data, `domain.referral_access`).

    Raises:
        ProblemError: `pathway_not_found` (404) when nothing of it is addressed to them.
    """
    if account.role == Role.SUPERVISOR:
        state = fold(await store.read_stream(stream_id_for(pathway_id)))
        views = addressed_to(state, account.organisation_id)
        if views:
            return views
    raise deny(account, "read_referral", pathway_id)


async def inbox(
    store: EventStore, account: Account, status: InboxStatus | None = None
) -> list[ReferralView]:
    """The referrals and transfers addressed to the account's organisation, from the
    referral inbox read model: what its supervisors answer (`status` pending) and what
    they answered (`status` answered, with the outcome), those waiting first.

    Raises:
        ProblemError: `forbidden` (403) for any role but a supervisor.
    """
    if account.role != Role.SUPERVISOR or account.organisation_id is None:
        log.warning("access_denied", account_id=account.id, role=account.role.value, action="inbox")
        raise ProblemError(FORBIDDEN, "only a supervisor answers referrals", status=403)
    views = await store.referral_inbox.addressed_to(account.organisation_id)
    return [v for v in views if status is None or v.inbox_status == status]


async def history_in_scope(
    store: EventStore, account: Account, pathway_id: str
) -> list[EventRecord]:
    """The events of a pathway the account may read: all of them within its scope; for a
    supervisor or caseworker of an organisation that transferred it away, those that
    organisation recorded while it owned it (`recorded_by_former_owner`).

    Raises:
        ProblemError: `pathway_not_found` (404) when unknown or outside the scope.
    """
    away = await transferred_away(store, account, pathway_id)
    if away is not None:
        return away.records
    await readable(store.caseload, account, pathway_id)
    return await store.read_stream(stream_id_for(pathway_id))


class TransferredAway(NamedTuple):
    """A pathway the reader's organisation gave away, as that organisation still reads it."""

    to_organisation: str
    """The organisation it was transferred to."""
    on: date
    """The day the transfer took effect (business time, in Italy)."""
    records: list[EventRecord]
    """What the reader's organisation recorded while it owned it (`recorded_by_former_owner`)."""


async def transferred_away(
    store: EventStore, account: Account, pathway_id: str
) -> TransferredAway | None:
    """For a supervisor of an organisation that transferred the pathway away, or one of its
    caseworkers who recorded on it: where it went, when, and what that organisation
    recorded while it owned it. None for anyone else (the pathway is theirs, or not
    theirs to read at all)."""
    summary = await store.caseload.get_summary(pathway_id)
    organisation = account.organisation_id
    if (
        summary is None
        or may_read(account, summary)
        or account.role not in (Role.SUPERVISOR, Role.CASEWORKER)
        or organisation is None
    ):
        return None
    records = await store.read_stream(stream_id_for(pathway_id))
    state = fold(records)
    if not former_owner(state, organisation):
        return None
    kept = recorded_by_former_owner(records, organisation)
    if account.role != Role.SUPERVISOR and not any(r.actor.id == account.id for r in kept):
        return None
    owners = state.referrals.owners
    last = max(i for i, owner in enumerate(owners) if owner.organisation_id == organisation)
    successor = owners[last + 1]
    return TransferredAway(successor.organisation_id, project_day(successor.since), kept)
