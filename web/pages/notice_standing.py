"""Where each notice of an inbox stands now: settled, paused, overdue or only a reminder.

The rule is the domain's (`domain.obligations.standing`); this reads what it needs, the
open obligations and the suspension of each pathway the notices name, from the caseload.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from domain.obligations import Standing, standing
from infra.eventstore.base import EventStore
from infra.eventstore.notifications import InboxItem

PENDING = frozenset({Standing.OVERDUE, Standing.DUE, Standing.PAUSED})
"""What a person still has to do something about."""


async def standings(
    store: EventStore, items: Iterable[InboxItem], now: datetime
) -> dict[str, Standing]:
    """Notification id → where its obligation stands now."""
    items = list(items)
    found: dict[str, Standing] = {}
    for pathway_id in sorted({item.notification.pathway_id for item in items}):
        summary = await store.caseload.get_summary(pathway_id)
        open_now = [
            row.obligation for row in await store.caseload.open_obligations(pathway_id=pathway_id)
        ]
        suspended = summary is not None and summary.suspended
        for item in items:
            notice = item.notification
            if notice.pathway_id == pathway_id:
                found[notice.notification_id] = standing(
                    notice.obligation_id, open_now, suspended=suspended, now=now
                )
    return found
