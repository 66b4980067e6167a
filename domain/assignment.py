"""Who a pathway may be given to: an active caseworker account of its own organisation.

A pathway is opened for a caseworker and may later be reassigned to another. Either way the
person named must hold an active caseworker account in the pathway's organisation: not a
caseworker of another organisation (moving a pathway between organisations is a transfer,
a consented process of its own), not a supervisor, an auditor or an admin, not a deactivated
account, not an id that names nobody (an orphaned pathway). All of these are refused alike
with `caseworker_not_eligible`, so that the answer tells nothing about who exists outside
the sender's scope.

The rule is pure; the senders (`client.pathway.PathwayClient`, bound to the accounts)
look the person up and apply it before a command reaches the pathway.
"""

from __future__ import annotations

from typing import Protocol

from domain import errors
from domain.commands import Command, OpenPathway, ReassignCaseworker
from domain.referrals.commands import AcceptReferral, AcceptTransfer
from domain.referrals.rules import assignee_organisation
from domain.state import PathwayState
from domain.values import Role

ASSIGNEE_FIELD = "caseworker_id"


class AccountFacts(Protocol):
    """What the rule reads of an account (an `infra.accounts.model.Account` has them)."""

    @property
    def role(self) -> Role: ...

    @property
    def organisation_id(self) -> str | None: ...

    @property
    def active(self) -> bool: ...


def named_assignee(command: Command) -> str | None:
    """The caseworker a command gives the pathway to, if it names one."""
    if isinstance(command, OpenPathway | ReassignCaseworker | AcceptReferral | AcceptTransfer):
        return command.caseworker_id
    return None


def organisation_of_assignee(state: PathwayState, command: Command) -> str | None:
    """The organisation the named caseworker must belong to: the receiving one for an
    acceptance of a referral or a transfer, else the pathway's own."""
    if isinstance(command, AcceptReferral | AcceptTransfer):
        return assignee_organisation(state, command)
    return state.organisation_id


def check_assignee(
    caseworker_id: str, account: AccountFacts | None, organisation_id: str | None
) -> None:
    """Raise `CaseworkerNotEligible` unless `account` is an active caseworker of the
    pathway's organisation. `account` is what the id names (None: nobody)."""
    if (
        account is None
        or not account.active
        or account.role != Role.CASEWORKER
        or organisation_id is None
        or account.organisation_id != organisation_id
    ):
        raise errors.CaseworkerNotEligible(
            f"{caseworker_id!r} is not an active caseworker of the pathway's organisation",
            field=ASSIGNEE_FIELD,
        )


LEAVING_FIELD = "from_caseworker_id"


def check_leaving(caseworker_id: str, account: AccountFacts | None, organisation_id: str) -> None:
    """Raise `CaseworkerNotEligible` unless `account` is a caseworker of the organisation,
    active or not: the one whose pathways a bulk reassignment hands over (who may already
    have left, their account deactivated, their pathways orphaned)."""
    if (
        account is None
        or account.role != Role.CASEWORKER
        or account.organisation_id != organisation_id
    ):
        raise errors.CaseworkerNotEligible(
            f"{caseworker_id!r} is not a caseworker of the organisation", field=LEAVING_FIELD
        )
