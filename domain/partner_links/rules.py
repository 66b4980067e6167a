"""The rules of partner links: a contact of the pathway's organisation, on an open measure.

A contact the registry does not know, or knows for another organisation, is refused alike
(`partner_contact_not_found`): the answer tells nothing about other organisations' partners.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain import errors
from domain.measures.base import MeasureStatus
from domain.measures.state import MeasureState
from domain.partner_links.commands import LinkPartnerContact, UnlinkPartnerContact
from domain.partner_links.events import PartnerContactLinked, PartnerContactUnlinked
from domain.partners.links import LinkedContact

OPEN = frozenset({MeasureStatus.PLANNED, MeasureStatus.ACTIVE})
"""A measure a partner may still be given: neither completed nor cancelled."""


def link(
    measures: Mapping[str, MeasureState],
    links: Mapping[str, tuple[LinkedContact, ...]],
    organisation_id: str | None,
    command: LinkPartnerContact,
) -> PartnerContactLinked:
    """The link of a contact of the pathway's organisation to an open measure.

    Raises:
        MeasureNotFound: no measure has this id.
        MeasureStatusInvalid: the measure is completed or cancelled.
        PartnerContactNotFound: the registry has no such contact in the organisation.
        PartnerContactAlreadyLinked: the contact is linked to this measure already.
    """
    _open_measure(measures, command.measure_id)
    contact = command.contact
    if (
        contact is None
        or contact.contact_id != command.contact_id
        or contact.organisation_id != organisation_id
    ):
        raise errors.PartnerContactNotFound(
            f"no partner contact {command.contact_id!r} in the pathway's organisation",
            field="contact_id",
        )
    if any(c.contact_id == command.contact_id for c in links.get(command.measure_id, ())):
        raise errors.PartnerContactAlreadyLinked(
            f"{command.contact_id} is linked to measure {command.measure_id} already",
            field="contact_id",
        )
    return PartnerContactLinked(measure_id=command.measure_id, contact=contact)


def unlink(
    links: Mapping[str, tuple[LinkedContact, ...]], command: UnlinkPartnerContact
) -> PartnerContactUnlinked:
    """The end of a link; a closed measure's links may be ended too.

    Raises:
        PartnerLinkNotFound: the contact is not linked to this measure.
    """
    if not any(c.contact_id == command.contact_id for c in links.get(command.measure_id, ())):
        raise errors.PartnerLinkNotFound(
            f"{command.contact_id} is not linked to measure {command.measure_id}",
            field="contact_id",
        )
    return PartnerContactUnlinked(measure_id=command.measure_id, contact_id=command.contact_id)


def _open_measure(measures: Mapping[str, MeasureState], measure_id: str) -> MeasureState:
    measure = measures.get(measure_id)
    if measure is None:
        raise errors.MeasureNotFound(
            f"no measure {measure_id} in the approved plan", field="measure_id"
        )
    if measure.status not in OPEN:
        raise errors.MeasureStatusInvalid(
            f"measure {measure_id} is {measure.status}: no partner is linked to it any more",
            field="measure_id",
        )
    return measure
