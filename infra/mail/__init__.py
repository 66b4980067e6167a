"""E-mail's adapters: settings, the directory of recipients, the SMTP transport, a local sink.

`MailSink` is the local SMTP server `pathways up` starts when no SMTP host is configured.
The sender that drains the outbox through them, and the texts it sends, are application
logic: `activities.notifications`. See docs/notifications.md.
"""

from infra.mail.directory import (
    AccountDirectory,
    Directory,
    DirectoryUser,
    Recipient,
    StaticDirectory,
)
from infra.mail.settings import MailSettings, MailSettingsError
from infra.mail.sink import MailSink
from infra.mail.smtp import DeliveryFailed, MailTransport, SmtpTransport

__all__ = [
    "AccountDirectory",
    "DeliveryFailed",
    "Directory",
    "DirectoryUser",
    "MailSettings",
    "MailSettingsError",
    "MailSink",
    "MailTransport",
    "Recipient",
    "SmtpTransport",
    "StaticDirectory",
]
