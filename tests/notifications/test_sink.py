"""The mail sink: every message once, by Message-ID, however often it is delivered."""

from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage
from pathlib import Path

import pytest

from infra.mail.sink import MailSink


def message(message_id: str | None, to: str = "anna@example.org", text: str = "first") -> bytes:
    mail = EmailMessage()
    mail["From"] = "pathways@localhost"
    mail["To"] = to
    mail["Subject"] = "test"
    if message_id is not None:
        mail["Message-ID"] = message_id
    mail.set_content(text)
    return bytes(mail)


def deliver(port: int, content: bytes, to: str = "anna@example.org") -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
        client.sendmail("pathways@localhost", [to], content)


def test_a_message_delivered_twice_is_stored_once_as_first_received(
    sink: MailSink, port: int
) -> None:
    deliver(port, message("<pathway-p-0001%3A2@pathways>", text="first"))
    deliver(port, message("<pathway-p-0001%3A2@pathways>", text="second"))

    [stored] = sink.messages()
    assert stored.name == "pathway-p-0001%3A2@pathways.eml"
    assert b"first" in stored.read_bytes() and b"second" not in stored.read_bytes()
    assert (sink.received, sink.stored) == (2, 1)
    assert not list(sink.directory.glob("*.part"))


def test_messages_with_different_ids_are_all_kept(sink: MailSink, port: int) -> None:
    for version in (2, 3, 4):
        deliver(port, message(f"<pathway-p-0001%3A{version}@pathways>"))

    assert [p.name for p in sink.messages()] == [
        f"pathway-p-0001%3A{v}@pathways.eml" for v in (2, 3, 4)
    ]


def test_a_message_without_an_id_is_named_by_its_content(sink: MailSink, port: int) -> None:
    deliver(port, message(None))
    deliver(port, message(None))
    deliver(port, message(None, text="other"))

    names = [p.name for p in sink.messages()]
    assert len(names) == 2 and all(n.startswith("sha256-") for n in names)


def test_an_id_cannot_lead_a_file_out_of_the_directory(sink: MailSink, port: int) -> None:
    deliver(port, message("<../../escape/..@x>"))

    [stored] = sink.messages()
    assert stored.parent == sink.directory
    assert "/" not in stored.name and not stored.name.startswith(".")


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(OSError, match=f"cannot listen on 127.0.0.1:{port}"):
            MailSink(tmp_path / "mail", port).start()
