"""Who may register, edit and read partners: the rules as data, checked before any write.

Supervisors manage the partners of their own organisation; the coordinator (who sees the
whole project, as for pathways) those of any organisation, naming it. Caseworkers read their
organisation's partners (they will link contacts to measures); auditors read every one.
A partner outside someone's scope does not exist for them (`partner_not_found`).
"""

from __future__ import annotations

from domain.partners.errors import (
    PARTNER_FORBIDDEN,
    PARTNER_NOT_FOUND,
    PARTNER_ORGANISATION_NOT_FOUND,
    PartnerError,
)
from domain.values import Role

MANAGE = frozenset({Role.SUPERVISOR, Role.COORDINATOR})
"""Roles that register and edit partners."""
READ_ALL = frozenset({Role.COORDINATOR, Role.AUDITOR})
"""Roles that read the partners of every organisation."""
READ_OWN = frozenset({Role.SUPERVISOR, Role.CASEWORKER})
"""Roles that read the partners of their own organisation."""


def may_read(role: Role, own_organisation: str | None, partner_organisation: str) -> bool:
    """Whether someone of this role and organisation sees a partner of that organisation."""
    if role in READ_ALL:
        return True
    return role in READ_OWN and own_organisation == partner_organisation


def readable_organisation(role: Role, own_organisation: str | None) -> str | None:
    """The organisation whose partners a listing is narrowed to; None for every one.

    Raises:
        PartnerError: `partner_forbidden` for a role that reads no partners.
    """
    if role in READ_ALL:
        return None
    if role in READ_OWN and own_organisation is not None:
        return own_organisation
    raise PartnerError(PARTNER_FORBIDDEN, f"a {role} reads no partners")


def managing_organisation(role: Role, own_organisation: str | None, requested: str | None) -> str:
    """The organisation a new partner is registered for: the supervisor's own; the one the
    coordinator names, else the coordinator's own if they have one.

    Raises:
        PartnerError: `partner_forbidden` for a role that manages no partners;
            `partner_organisation_not_found` (field `organisation_id`) for an organisation
            outside the scope, or none named by the coordinator.
    """
    if role not in MANAGE:
        raise PartnerError(PARTNER_FORBIDDEN, f"a {role} registers no partners")
    chosen = requested or own_organisation
    if chosen is None:
        raise PartnerError(
            PARTNER_ORGANISATION_NOT_FOUND,
            "name the managing organisation the partner works with",
            "organisation_id",
        )
    if role == Role.SUPERVISOR and chosen != own_organisation:
        raise PartnerError(
            PARTNER_ORGANISATION_NOT_FOUND,
            f"no organisation {chosen!r} among those you manage partners for",
            "organisation_id",
        )
    return chosen


def check_may_edit(role: Role, own_organisation: str | None, partner_organisation: str) -> None:
    """Refuse an edit of a partner: unseen partners are unknown, seen ones read-only.

    Raises:
        PartnerError: `partner_not_found` outside the scope; `partner_forbidden` for a role
            that reads but does not manage.
    """
    if not may_read(role, own_organisation, partner_organisation):
        raise PartnerError(PARTNER_NOT_FOUND, "no such partner", "partner_id")
    if role not in MANAGE:
        raise PartnerError(PARTNER_FORBIDDEN, f"a {role} does not edit partners")
