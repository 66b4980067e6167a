"""The actor a partner account's commands are recorded as: the one place it is built.

A partner records as its contact and that contact's partner, as the partner registry
knows them when the command is sent, never as a form, a query or a body says: a tutor
cannot record as another contact or another partner by sending their ids.
"""

from __future__ import annotations

from domain.values import Actor, Role
from infra.accounts.model import Account
from infra.partners.base import PartnerRegistry
from web.problems import ProblemError


async def partner_actor(partners: PartnerRegistry, account: Account) -> Actor:
    """The partner account's actor: its id, role partner, its contact and that one's partner.

    Raises:
        ProblemError: `not_found` (404) for a staff account, or a contact the registry no
            longer has (erased): such an account records nothing.
    """
    linked = None
    if account.role == Role.PARTNER and account.contact_id is not None:
        linked = await partners.linked_contact(account.contact_id)
    if linked is None:
        raise ProblemError("not_found", "no such partner contact", status=404)
    return Actor(
        id=account.id,
        role=Role.PARTNER,
        partner_id=linked.partner_id,
        contact_id=linked.contact_id,
    )
