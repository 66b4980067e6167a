"""The mail settings, checked together before anything is sent.

They come from `infra.config.Settings` (`PATHWAYS_SMTP_*`, `PATHWAYS_MAIL_SENDER_INTERVAL`,
`PATHWAYS_PUBLIC_BASE_URL`); every problem is reported at once, naming its variable, so a
sender that starts has settings that can work.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from email.utils import parseaddr

from pydantic import SecretStr

from infra.config import Settings

_IMPLICIT_TLS_PORT = 465
_HOST_WITH_PORT = re.compile(r"^[^:\s]+:\d+$")


class MailSettingsError(ValueError):
    """The mail settings cannot work; the message lists every problem and its variable."""


@dataclass(frozen=True)
class MailSettings:
    """How the sender reaches the SMTP server, and what it writes in the messages."""

    host: str
    port: int
    from_address: str
    base_url: str
    username: str | None = None
    password: SecretStr | None = None
    starttls: bool = False
    interval: float = 5.0
    """Seconds between two looks at an outbox that had nothing more to send."""
    timeout: float = 30.0
    """Seconds any one SMTP operation may take before the attempt counts as failed."""

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise MailSettingsError("mail settings cannot work:\n- " + "\n- ".join(problems))

    @classmethod
    def from_settings(cls, settings: Settings) -> MailSettings:
        """The mail part of the process settings.

        Raises:
            MailSettingsError: no SMTP host, or settings that cannot work together.
        """
        if not (settings.smtp_host or "").strip():
            raise MailSettingsError(
                "mail settings cannot work:\n- PATHWAYS_SMTP_HOST is not set: name the SMTP"
                " server that sends the notifications (`pathways up` starts a local sink"
                " when it is unset)"
            )
        return cls(
            host=(settings.smtp_host or "").strip(),
            port=settings.smtp_port,
            from_address=settings.smtp_from,
            base_url=settings.public_base_url.rstrip("/"),
            username=settings.smtp_username or None,
            password=settings.smtp_password
            if settings.smtp_password and settings.smtp_password.get_secret_value()
            else None,
            starttls=settings.smtp_starttls,
            interval=settings.mail_sender_interval,
        )

    @property
    def on_loopback(self) -> bool:
        """Whether the server is this machine, where a password never crosses a network."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def _problems(mail: MailSettings) -> list[str]:
    problems = []
    if not mail.host or any(c.isspace() for c in mail.host):
        problems.append(f"PATHWAYS_SMTP_HOST {mail.host!r} is not a host name")
    elif _HOST_WITH_PORT.match(mail.host):
        problems.append(
            f"PATHWAYS_SMTP_HOST {mail.host!r} holds a port: put it in PATHWAYS_SMTP_PORT"
        )
    if not 1 <= mail.port <= 65535:
        problems.append(f"PATHWAYS_SMTP_PORT {mail.port} is not a TCP port (1-65535)")
    elif mail.port == _IMPLICIT_TLS_PORT and not mail.starttls:
        problems.append(
            "PATHWAYS_SMTP_PORT 465 expects TLS from the first byte, which the sender does not"
            " speak: use the submission port 587 with PATHWAYS_SMTP_STARTTLS=true"
        )
    _, address = parseaddr(mail.from_address)
    if "@" not in address or any(c.isspace() for c in address):
        problems.append(f"PATHWAYS_SMTP_FROM {mail.from_address!r} is not an e-mail address")
    if (mail.username is None) != (mail.password is None):
        problems.append("PATHWAYS_SMTP_USERNAME and PATHWAYS_SMTP_PASSWORD go together")
    elif mail.username is not None and not mail.starttls and not mail.on_loopback:
        problems.append(
            "PATHWAYS_SMTP_USERNAME is set without PATHWAYS_SMTP_STARTTLS=true: the password"
            " would cross the network in clear"
        )
    if not mail.interval > 0:
        problems.append(f"PATHWAYS_MAIL_SENDER_INTERVAL {mail.interval} must be above 0 seconds")
    if not mail.timeout > 0:
        problems.append(f"the SMTP timeout {mail.timeout} must be above 0 seconds")
    if not re.match(r"^https?://\S+$", mail.base_url):
        problems.append(f"PATHWAYS_PUBLIC_BASE_URL {mail.base_url!r} is not an http(s) URL")
    return problems
