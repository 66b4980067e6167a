"""E-mail for the deadline ladder: settings, directory, message texts, sender, local sink.

`run_notifier(settings, store, directory, stop)` is the entry point a process runs;
`MailSink` is the local SMTP server `pathways up` starts when no SMTP host is configured.
See docs/notifications.md.
"""

from infra.mail.directory import (
    AccountDirectory,
    Directory,
    DirectoryUser,
    Recipient,
    StaticDirectory,
)
from infra.mail.messages import build_message, message_id, render
from infra.mail.sender import Backoff, NotificationSender, SendReport, run_notifier
from infra.mail.settings import MailSettings, MailSettingsError
from infra.mail.sink import MailSink
from infra.mail.smtp import DeliveryFailed, MailTransport, SmtpTransport

__all__ = [
    "AccountDirectory",
    "Backoff",
    "DeliveryFailed",
    "Directory",
    "DirectoryUser",
    "MailSettings",
    "MailSettingsError",
    "MailSink",
    "MailTransport",
    "NotificationSender",
    "Recipient",
    "SendReport",
    "SmtpTransport",
    "StaticDirectory",
    "build_message",
    "message_id",
    "render",
    "run_notifier",
]
