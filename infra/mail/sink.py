"""A local SMTP server that keeps every message it receives as an .eml file.

`pathways up` runs it when no SMTP server is configured, so people can read the
notifications under `.pathways/mail/`; the tests deliver to it too.

Exactly once in the sink, from an at-least-once sender: the sender may deliver a message
twice (it died after the server took the message, before it marked it sent), always with
the same Message-ID. The sink names each file after the Message-ID and creates it only if
no file has that name, so the second delivery is acknowledged and dropped. The first copy
is the one kept. A real mail server does not do this: behind one, a crash of the sender at
that instant means the recipients get the message twice (their mail client may fold the
copies, since the Message-ID is the same).
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import tempfile
import threading
from email.parser import BytesHeaderParser
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

_UNSAFE = re.compile(r"[^A-Za-z0-9._%@+=-]")
_MAX_NAME = 200


class MailSink:
    """An SMTP server on `host:port` that stores each message once, by Message-ID.

    Runs aiosmtpd in a thread of its own, so it keeps receiving while the caller's event
    loop is busy (or blocked).
    """

    def __init__(self, directory: Path, port: int, host: str = "127.0.0.1") -> None:
        self.directory = directory
        self.host = host
        self.port = port
        self._lock = threading.Lock()
        self._received = 0
        self._stored = 0
        self._controller: Controller | None = None

    @property
    def received(self) -> int:
        """Messages accepted since start, repeats included."""
        with self._lock:
            return self._received

    @property
    def stored(self) -> int:
        """Messages written since start: the repeats were not."""
        with self._lock:
            return self._stored

    def start(self) -> None:
        """Create the directory and listen.

        Raises:
            OSError: the address is taken or cannot be bound (the message says which).
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        where = f"{self.host}:{self.port}"
        # aiosmtpd reports a taken port only after its ready timeout (5 s): probe first.
        try:
            with socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind((self.host, self.port))
        except OSError as error:
            raise OSError(f"the mail sink cannot listen on {where}: {error}") from error
        controller = Controller(self, hostname=self.host, port=self.port)
        try:
            controller.start()
        except Exception as error:
            raise OSError(
                f"the mail sink cannot listen on {self.host}:{self.port}: {error}"
            ) from error
        self._controller = controller

    def stop(self) -> None:
        """Stop listening; messages already stored stay."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> MailSink:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def messages(self) -> list[Path]:
        """The stored messages, by file name."""
        return sorted(self.directory.glob("*.eml"))

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """aiosmtpd's hook: store the message unless its Message-ID is already stored."""
        content = envelope.original_content or b""
        self.store(content)
        return "250 Message accepted for delivery"

    def store(self, content: bytes) -> bool:
        """Write one message, unless one with its Message-ID is there; True if written."""
        target = self.directory / file_name(content)
        # Written aside, then linked into place: the link fails if the name exists, so
        # two deliveries racing each other still leave one complete file.
        fd, temporary = tempfile.mkstemp(dir=self.directory, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(content)
            try:
                os.link(temporary, target)
                written = True
            except FileExistsError:
                written = False
        finally:
            os.unlink(temporary)
        with self._lock:
            self._received += 1
            self._stored += written
        return written


def file_name(content: bytes) -> str:
    """`<Message-ID without brackets>.eml`, made safe; a digest of the content without one."""
    headers = BytesHeaderParser().parsebytes(content)
    message_id: Any = headers.get("Message-ID")
    if message_id is None or not str(message_id).strip("<> \t\r\n"):
        return "sha256-" + hashlib.sha256(content).hexdigest() + ".eml"
    name = _UNSAFE.sub("_", str(message_id).strip("<> \t\r\n")).lstrip(".")
    return name[:_MAX_NAME] + ".eml"
