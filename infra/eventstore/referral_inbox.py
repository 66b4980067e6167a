"""The referral inbox read model: the referrals and transfers addressed to an organisation.

`ReferralInboxQueries` is what the pages and the API ask; `InMemoryReferralInbox` is both
the in-memory store's writer and its queries. The PostgreSQL twin keeps the writer and the
queries in `postgres_referral_inbox`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from domain.projections import ReadModelUpdate, ReferralView
from domain.records import EventRecord
from domain.referrals.state import ReferralStatus


class ReferralInboxQueries(Protocol):
    """The referrals addressed to an organisation, and those given to a caseworker."""

    async def addressed_to(self, organisation_id: str) -> list[ReferralView]:
        """What is referred or transferred to the organisation: those waiting first, then by
        pathway and referral."""
        ...

    async def accepted_for(self, caseworker_id: str) -> list[ReferralView]:
        """The accepted referrals that name the caseworker, by pathway and referral (not a
        transfer accepted for them: that pathway is in their caseload)."""
        ...


def in_inbox_order(views: Iterable[ReferralView]) -> list[ReferralView]:
    """Those waiting first, then by pathway and referral."""
    return sorted(views, key=lambda v: (v.status != ReferralStatus.PENDING, v.pathway_id, v.key))


class InMemoryReferralInbox:
    """`ReferralInboxQueries` in a dictionary, and the read model's writer."""

    def __init__(self) -> None:
        self._views: dict[str, tuple[ReferralView, ...]] = {}

    def check(self, update: ReadModelUpdate) -> None:
        """Nothing to refuse."""

    def on_append(self, records: Sequence[EventRecord], update: ReadModelUpdate) -> None:
        """Replace the pathway's rows when the append changed them."""
        self._write(update)

    def on_rebuild(self, update: ReadModelUpdate) -> None:
        """Replace the pathway's rows when the rebuild gives them."""
        self._write(update)

    def _write(self, update: ReadModelUpdate) -> None:
        if update.referrals is not None:
            self._views[update.summary.pathway_id] = update.referrals

    async def addressed_to(self, organisation_id: str) -> list[ReferralView]:
        """See `ReferralInboxQueries.addressed_to`."""
        found = (view for views in self._views.values() for view in views)
        return in_inbox_order(v for v in found if v.to_organisation == organisation_id)

    async def accepted_for(self, caseworker_id: str) -> list[ReferralView]:
        """See `ReferralInboxQueries.accepted_for`."""
        found = (view for views in self._views.values() for view in views)
        return in_inbox_order(
            v
            for v in found
            if v.kind == "referral"
            and v.caseworker_id == caseworker_id
            and v.status == ReferralStatus.ACCEPTED
        )
