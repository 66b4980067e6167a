"""How each partner-link event changes the links of a pathway. Facts applied, no rules."""

from __future__ import annotations

from typing import assert_never

from domain.partner_links.events import (
    PartnerContactLinked,
    PartnerContactUnlinked,
    PartnerLinkEvent,
)
from domain.partners.links import LinkedContact


def evolve_links(
    links: dict[str, tuple[LinkedContact, ...]], event: PartnerLinkEvent
) -> dict[str, tuple[LinkedContact, ...]]:
    """The links by measure id after one event; a measure left with none is dropped."""
    match event:
        case PartnerContactLinked():
            return {**links, event.measure_id: (*links.get(event.measure_id, ()), event.contact)}
        case PartnerContactUnlinked():
            kept = {
                measure_id: tuple(c for c in contacts if c.contact_id != event.contact_id)
                if measure_id == event.measure_id
                else contacts
                for measure_id, contacts in links.items()
            }
            return {measure_id: contacts for measure_id, contacts in kept.items() if contacts}
        case _:
            assert_never(event)
