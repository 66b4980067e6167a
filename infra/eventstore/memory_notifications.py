"""The outbox and the inbox of the in-memory event store (see `infra.eventstore.notifications`).

Like the rest of the in-memory store, no method awaits: on one event loop each call is
atomic, which is what the Postgres store's row locks give its claims.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from domain.projections import EscalationsWithdrawn, Notification, ReadModelUpdate
from domain.records import EventRecord
from domain.values import Role
from infra.eventstore.base import check_claim, check_page, require_aware
from infra.eventstore.notifications import InboxItem, OutboxEntry, inbox_addressed_to

_NEVER_TRIED = datetime.min.replace(tzinfo=UTC)


class InMemoryNotifications:
    """`Notifications` in dictionaries, and their writer in `InMemoryEventStore`'s appends."""

    def __init__(self) -> None:
        self._outbox: dict[str, OutboxEntry] = {}
        self._inbox: dict[str, InboxItem] = {}

    async def claim_notifications(
        self, now: datetime, *, limit: int, lease: timedelta
    ) -> list[OutboxEntry]:
        """See `NotificationOutbox.claim_notifications`."""
        check_claim(now, limit, lease)
        due = sorted(
            (
                entry
                for entry in self._outbox.values()
                if entry.sent_at is None
                and not entry.given_up
                and entry.withdrawn_at is None
                and (entry.next_attempt_at is None or entry.next_attempt_at <= now)
            ),
            key=_claim_order,
        )[:limit]
        until = (now + lease).astimezone(UTC)
        claimed = []
        for entry in due:
            updated = entry.model_copy(
                update={"attempts": entry.attempts + 1, "next_attempt_at": until}
            )
            self._outbox[entry.notification_id] = updated
            claimed.append(updated)
        return claimed

    async def mark_notification_sent(self, notification_id: str, at: datetime) -> bool:
        """See `NotificationOutbox.mark_notification_sent`."""
        require_aware(at, "at")
        entry = self._outbox.get(notification_id)
        if entry is None or entry.sent_at is not None:
            return False
        self._outbox[notification_id] = entry.model_copy(update={"sent_at": at.astimezone(UTC)})
        return True

    async def mark_notification_failed(
        self, notification_id: str, error: str, next_attempt_at: datetime | None
    ) -> bool:
        """See `NotificationOutbox.mark_notification_failed`."""
        if next_attempt_at is not None:
            require_aware(next_attempt_at, "next_attempt_at")
        entry = self._outbox.get(notification_id)
        if entry is None or entry.sent_at is not None:
            return False
        self._outbox[notification_id] = entry.model_copy(
            update={
                "last_error": error,
                "given_up": next_attempt_at is None,
                "next_attempt_at": None
                if next_attempt_at is None
                else next_attempt_at.astimezone(UTC),
            }
        )
        return True

    async def get_outbox_entry(self, notification_id: str) -> OutboxEntry | None:
        """See `NotificationOutbox.get_outbox_entry`."""
        return self._outbox.get(notification_id)

    async def inbox(
        self,
        *,
        user_id: str,
        role: Role,
        organisation_id: str,
        unread_only: bool = False,
        limit: int = 100,
    ) -> list[InboxItem]:
        """See `NotificationInbox.inbox`."""
        check_page(limit)
        rows = [
            item
            for item in self._inbox.values()
            if inbox_addressed_to(
                item.notification, user_id=user_id, role=role, organisation_id=organisation_id
            )
            and not (unread_only and item.read_at is not None)
        ]
        # Newest first; ties in id order (a ladder run notifies several people at once).
        rows.sort(key=lambda i: i.notification.notification_id)
        rows.sort(key=lambda i: i.notification.created_at, reverse=True)
        return rows[:limit]

    async def mark_read(self, notification_id: str, at: datetime) -> bool:
        """See `NotificationInbox.mark_read`."""
        require_aware(at, "at")
        item = self._inbox.get(notification_id)
        if item is None:
            return False
        if item.read_at is None:
            self._inbox[notification_id] = item.model_copy(update={"read_at": at.astimezone(UTC)})
        return True

    def check(self, update: ReadModelUpdate) -> None:
        """Nothing to refuse: `check_read_models` has checked the update's notifications."""

    def on_append(self, records: Sequence[EventRecord], update: ReadModelUpdate) -> None:
        """Queue and file the update's notifications; mark the escalations it withdraws."""
        self._write_notifications(update.notifications, outbox=True)
        self._withdraw(update.withdrawals)

    def on_rebuild(self, update: ReadModelUpdate) -> None:
        """File the notifications (never queued again) and mark the withdrawals."""
        self._write_notifications(update.notifications, outbox=False)
        self._withdraw(update.withdrawals)

    def _write_notifications(
        self, notifications: tuple[Notification, ...], *, outbox: bool
    ) -> None:
        """Queue (when `outbox`) and file the notifications; rows already there stay."""
        for notification in notifications:
            key = notification.notification_id
            if outbox and key not in self._outbox:
                self._outbox[key] = OutboxEntry(
                    notification=notification, attempts=0, next_attempt_at=None
                )
            if key not in self._inbox:
                self._inbox[key] = InboxItem(notification=notification)

    def _withdraw(self, withdrawals: tuple[EscalationsWithdrawn, ...]) -> None:
        """Mark the escalations each withdrawal names, in the inbox and, while unsent, in
        the outbox."""
        for withdrawn in withdrawals:
            for key, item in self._inbox.items():
                if item.withdrawn is None and _names(withdrawn, item.notification):
                    self._inbox[key] = item.model_copy(update={"withdrawn": withdrawn.withdrawal})
            for key, entry in self._outbox.items():
                if (
                    entry.sent_at is None
                    and entry.withdrawn_at is None
                    and _names(withdrawn, entry.notification)
                ):
                    self._outbox[key] = entry.model_copy(
                        update={"withdrawn_at": withdrawn.withdrawal.withdrawn_at}
                    )


def _names(withdrawn: EscalationsWithdrawn, notification: Notification) -> bool:
    """Whether the withdrawal is of this notification: an escalation of its obligation."""
    return (
        notification.escalation
        and notification.pathway_id == withdrawn.pathway_id
        and notification.obligation_id == withdrawn.obligation_id
        and notification.due_at in withdrawn.due_instants
    )


def _claim_order(entry: OutboxEntry) -> tuple[bool, datetime, datetime, str]:
    """Never-tried first, then by retry instant, then oldest first: like the Postgres index."""
    return (
        entry.next_attempt_at is not None,
        entry.next_attempt_at or _NEVER_TRIED,
        entry.notification.created_at,
        entry.notification_id,
    )
