"""Which partner contacts are linked to a measure: the one place the rules read the links.

A caseworker links a partner contact to a measure of a pathway (the work grant's tutor, the
course's teacher, the hosting family, the school); the link is a pathway event
(`domain.partner_links`), folded into `PathwayState.partner_links`. Every rule about what a
partner may record or be reminded of asks `linked_contacts` and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from domain.partners.model import ContactRole, PartnerKind
from domain.values import Frozen, Identifier, ShortText


class LinkedContact(Frozen):
    """A partner contact as a pathway knows it: ids, the partner's name and kind, the role.

    Never the contact's name, e-mail or phone: those stay sealed in the partner registry,
    where an erasure of the contact reaches them.
    """

    contact_id: Identifier
    partner_id: Identifier
    partner_name: ShortText
    partner_kind: PartnerKind
    contact_role: ContactRole
    organisation_id: Identifier
    """The managing organisation the partner is registered for."""


class Linked(Protocol):
    """What the links are read from (`domain.state.PathwayState` is one)."""

    @property
    def partner_links(self) -> Mapping[str, tuple[LinkedContact, ...]]: ...


def linked_contacts(state: Linked, measure_id: str) -> tuple[LinkedContact, ...]:
    """The partner contacts linked to `measure_id`, oldest link first; none if unlinked."""
    return tuple(state.partner_links.get(measure_id, ()))


def linked_tutor(state: Linked, measure_id: str) -> LinkedContact | None:
    """The tutor linked to a measure (a work grant's), the latest if several; else None."""
    tutors = [
        link
        for link in linked_contacts(state, measure_id)
        if link.contact_role == ContactRole.TUTOR
    ]
    return tutors[-1] if tutors else None
