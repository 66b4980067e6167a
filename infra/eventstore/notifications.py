"""What the event store keeps about notifications: the outbox the sender drains, the inbox.

Both are written by `EventRecorder.append` in the same transaction as the ladder events that
owe them (`ReadModelUpdate.notifications`); a later append withdraws escalations in both
(`ReadModelUpdate.withdrawals`: the inbox row is marked, an unsent e-mail is never sent).
The outbox is a queue of e-mails to deliver at least once; the inbox is a read model of
who was told what, for the web side.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from pydantic import AwareDatetime

from domain.projections import Notification, Withdrawal
from domain.values import Frozen, Role


class OutboxEntry(Frozen):
    """A notification queued for e-mail, with where its delivery stands."""

    notification: Notification
    attempts: int
    """Claims so far, the current one included: a sender that died mid-send counts too."""
    next_attempt_at: AwareDatetime | None
    """None while never tried; else not before then (end of a claim, or a retry)."""
    sent_at: AwareDatetime | None = None
    given_up: bool = False
    """Failed for good (no recipient, say): never claimed again."""
    last_error: str | None = None
    withdrawn_at: AwareDatetime | None = None
    """When a fact recorded later withdrew the escalation: never claimed from then on."""

    @property
    def notification_id(self) -> str:
        return self.notification.notification_id


class InboxItem(Frozen):
    """One row of the in-app inbox: a notification and when someone first read it."""

    notification: Notification
    read_at: AwareDatetime | None = None
    withdrawn: Withdrawal | None = None
    """Set on an escalation that a fact recorded later showed met on time."""


class NotificationOutbox(Protocol):
    """The outbox as the e-mail sender sees it."""

    async def claim_notifications(
        self, now: datetime, *, limit: int, lease: timedelta
    ) -> list[OutboxEntry]:
        """Claim up to `limit` notifications due by `now` for one sender, oldest due first.

        Each claimed row counts an attempt and is hidden from every other claim until
        `now + lease`: two senders never hold the same row at once, and the rows of a
        sender that died come back when its lease ends. The sender marks each row sent or
        failed before then.

        Raises:
            ValueError: `now` is naive, `limit` < 1 or `lease` is not positive.
        """
        ...

    async def mark_notification_sent(self, notification_id: str, at: datetime) -> bool:
        """Record the delivery; False (and nothing changed) if it was already recorded."""
        ...

    async def mark_notification_failed(
        self, notification_id: str, error: str, next_attempt_at: datetime | None
    ) -> bool:
        """Record a failed attempt: retry at `next_attempt_at`, or never when it is None.

        Returns False, and changes nothing, when the notification is already sent or
        unknown.
        """
        ...

    async def get_outbox_entry(self, notification_id: str) -> OutboxEntry | None:
        """Where one notification's delivery stands."""
        ...


class NotificationInbox(Protocol):
    """The in-app inbox, per person."""

    async def inbox(
        self,
        *,
        user_id: str,
        role: Role,
        organisation_id: str,
        unread_only: bool = False,
        limit: int = 100,
    ) -> list[InboxItem]:
        """A person's notifications, newest first.

        Those addressed to `user_id` in person (a caseworker's), and those addressed to
        `role` in `organisation_id` (a supervisor's); the coordinator's role rows of every
        organisation. Read state is per notification: a role's holders share it.
        """
        ...

    async def mark_read(self, notification_id: str, at: datetime) -> bool:
        """Mark an inbox row read, keeping the first instant; False if there is no such row."""
        ...


class Notifications(NotificationOutbox, NotificationInbox, Protocol):
    """Both: what a store keeps of notifications, as the stores hand it out."""


def inbox_addressed_to(
    item: Notification, *, user_id: str, role: Role, organisation_id: str
) -> bool:
    """Whether the inbox of (user, role, organisation) shows this notification."""
    if item.recipient_id is not None:
        return item.recipient_id == user_id
    if item.recipient_role != role:
        return False
    return role == Role.COORDINATOR or item.organisation_id == organisation_id
