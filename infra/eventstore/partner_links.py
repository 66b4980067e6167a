"""The partner links read model: which contacts deliver which measures, as a scope reads it.

`PartnerLinkQueries` is what the pages and the API ask; `InMemoryPartnerLinks` is both the
in-memory store's writer and its queries. The PostgreSQL twin keeps the writer and the
queries in `postgres_partner_links`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.projections import PartnerLink, ReadModelUpdate
from domain.records import EventRecord


class PartnerLinkQueries(Protocol):
    """The links of a contact, and of a pathway."""

    async def links_of_contact(self, contact_id: str) -> list[PartnerLink]:
        """The measures the contact is linked to, by pathway and measure id."""
        ...

    async def links_of_pathway(self, pathway_id: str) -> list[PartnerLink]:
        """The pathway's links, by measure and contact id."""
        ...


def _in_order(links: Sequence[PartnerLink], *keys: str) -> list[PartnerLink]:
    return sorted(links, key=lambda link: tuple(getattr(link, key) for key in keys))


class InMemoryPartnerLinks:
    """`PartnerLinkQueries` in a dictionary, and the read model's writer."""

    def __init__(self) -> None:
        self._links: dict[str, tuple[PartnerLink, ...]] = {}

    def check(self, update: ReadModelUpdate) -> None:
        """Nothing to refuse."""

    def on_append(self, records: Sequence[EventRecord], update: ReadModelUpdate) -> None:
        """Replace the pathway's links when the append changed them."""
        self._write(update)

    def on_rebuild(self, update: ReadModelUpdate) -> None:
        """Replace the pathway's links when the rebuild gives them."""
        self._write(update)

    def _write(self, update: ReadModelUpdate) -> None:
        if update.partner_links is not None:
            self._links[update.summary.pathway_id] = update.partner_links

    async def links_of_contact(self, contact_id: str) -> list[PartnerLink]:
        """See `PartnerLinkQueries.links_of_contact`."""
        found = [link for links in self._links.values() for link in links]
        mine = [link for link in found if link.contact_id == contact_id]
        return _in_order(mine, "pathway_id", "measure_id")

    async def links_of_pathway(self, pathway_id: str) -> list[PartnerLink]:
        """See `PartnerLinkQueries.links_of_pathway`."""
        return _in_order(self._links.get(pathway_id, ()), "measure_id", "contact_id")
