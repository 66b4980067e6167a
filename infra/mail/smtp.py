"""Delivering messages over SMTP: the transport the sender is given, and its failures.

The standard library's `smtplib`, each blocking call in a worker thread and bounded by
the settings' timeout: a handful of ladder e-mails a minute needs no asynchronous client.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from email.message import EmailMessage
from typing import Protocol

from infra.mail.settings import MailSettings


class DeliveryFailed(Exception):
    """One message was not delivered.

    `permanent` when retrying the same message cannot help (every recipient refused for
    good); `connection_lost` when the session is unusable for the next messages too.
    """

    def __init__(self, reason: str, *, permanent: bool = False, connection_lost: bool = False):
        super().__init__(reason)
        self.permanent = permanent
        self.connection_lost = connection_lost


class MailSession(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Deliver one message to every address in its To header.

        Raises:
            DeliveryFailed: the server did not take the message.
        """
        ...


class MailTransport(Protocol):
    def session(self) -> AbstractAsyncContextManager[MailSession]:
        """A connection to the mail server for a batch of messages.

        Raises:
            DeliveryFailed: on entering, when the server cannot be reached or refuses us
                (connection_lost is set).
        """
        ...


class SmtpTransport:
    """A `MailTransport` over `smtplib`, with STARTTLS and login when the settings say."""

    def __init__(self, settings: MailSettings) -> None:
        self._settings = settings

    @asynccontextmanager
    async def session(self) -> AsyncIterator[MailSession]:
        """See `MailTransport.session`."""
        try:
            client = await asyncio.to_thread(self._connect)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryFailed(describe(error), connection_lost=True) from error
        try:
            yield _SmtpSession(client)
        finally:
            with suppress(OSError, smtplib.SMTPException):
                await asyncio.to_thread(client.quit)
            client.close()

    def _connect(self) -> smtplib.SMTP:
        s = self._settings
        client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            client.ehlo()
            if s.starttls:
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if s.username is not None and s.password is not None:
                client.login(s.username, s.password.get_secret_value())
        except BaseException:
            client.close()
            raise
        return client


class _SmtpSession:
    def __init__(self, client: smtplib.SMTP) -> None:
        self._client = client

    async def send(self, message: EmailMessage) -> None:
        try:
            await asyncio.to_thread(self._client.send_message, message)
        except smtplib.SMTPRecipientsRefused as refused:
            codes = [code for code, _ in refused.recipients.values()]
            permanent = bool(codes) and all(code >= 500 for code in codes)
            raise DeliveryFailed(describe(refused), permanent=permanent) from refused
        except smtplib.SMTPResponseException as error:
            raise DeliveryFailed(describe(error)) from error
        except (OSError, smtplib.SMTPException) as error:
            # Disconnected, timed out: this session cannot carry the next message either.
            raise DeliveryFailed(describe(error), connection_lost=True) from error


def describe(error: BaseException) -> str:
    """A one-line account of an SMTP failure, for `last_error` and the logs."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refusals = sorted({f"{code} {_text(reply)}" for code, reply in error.recipients.values()})
        return f"every recipient refused: {'; '.join(refusals)}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())
