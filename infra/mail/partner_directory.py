"""A `Directory` that reaches partner contacts too: a reminder to a tutor goes to its e-mail.

Staff notifications go through the directory it wraps (the accounts); one addressed to
a partner contact (role `partner`, the contact's id) goes to the contact's address from the
partner registry, in Italian, the language partners are written to.
"""

from __future__ import annotations

from domain.projections import Notification
from domain.values import Role
from infra.mail.directory import Directory, Recipient
from infra.partners.contacts import ContactBook


class PartnerDirectory:
    """A `Directory`: partner contacts from `contacts`, everyone else from `staff`."""

    def __init__(self, staff: Directory, contacts: ContactBook) -> None:
        self._staff = staff
        self._contacts = contacts

    async def recipients(self, notification: Notification) -> list[Recipient]:
        """See `Directory.recipients`."""
        if notification.recipient_role != Role.PARTNER:
            return await self._staff.recipients(notification)
        if notification.recipient_id is None:
            return []
        email = await self._contacts.contact_email(notification.recipient_id)
        if email is None:
            return []
        return [Recipient(f"contact:{notification.recipient_id}", email, "it")]
