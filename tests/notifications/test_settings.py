"""Mail settings: read from PATHWAYS_* variables, refused clearly when they cannot work."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from activities.notifications.sender import run_notifier
from infra.config import Settings
from infra.eventstore.memory import InMemoryEventStore
from infra.mail.directory import StaticDirectory
from infra.mail.settings import MailSettings, MailSettingsError
from infra.mail.sink import MailSink
from tests.notifications.builders import DEMO_DIRECTORY, overdue_pathway


def settings_from_env(monkeypatch: pytest.MonkeyPatch, **variables: str) -> Settings:
    """Settings from exactly these variables (no .env file, no PATHWAYS_* of the caller)."""
    for name in [n for n in os.environ if n.startswith("PATHWAYS_")]:
        monkeypatch.delenv(name)
    for name, value in variables.items():
        monkeypatch.setenv(f"PATHWAYS_{name}", value)
    return Settings(_env_file=None)


def mail(**fields: object) -> MailSettings:
    given: dict[str, object] = {
        "host": "smtp.example.org",
        "port": 587,
        "from_address": "Pathways <pathways@example.org>",
        "base_url": "https://pathways.example.org",
        "starttls": True,
        **fields,
    }
    return MailSettings(**given)  # type: ignore[arg-type]


def test_smtp_settings_come_from_pathways_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_from_env(
        monkeypatch,
        SMTP_HOST="smtp.example.org",
        SMTP_PORT="587",
        SMTP_USERNAME="pathways",
        SMTP_PASSWORD="s3cret",
        SMTP_STARTTLS="true",
        SMTP_FROM="Pathways <noreply@example.org>",
        MAIL_SENDER_INTERVAL="2.5",
        PUBLIC_BASE_URL="https://pathways.example.org/",
    )

    loaded = MailSettings.from_settings(settings)

    assert loaded == MailSettings(
        host="smtp.example.org",
        port=587,
        from_address="Pathways <noreply@example.org>",
        base_url="https://pathways.example.org",
        username="pathways",
        password=SecretStr("s3cret"),
        starttls=True,
        interval=2.5,
    )
    assert "s3cret" not in repr(loaded) and "s3cret" not in repr(settings)


def test_defaults_point_at_a_local_sink_on_8025_and_the_local_web_side(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = settings_from_env(monkeypatch)

    assert (settings.smtp_host, settings.smtp_port, settings.smtp_starttls) == (None, 8025, False)
    assert settings.public_base_url == "http://127.0.0.1:8000"
    assert settings.mail_sender_interval == 5.0


@pytest.mark.parametrize(
    ("variable", "value"),
    [("SMTP_PORT", "70000"), ("SMTP_PORT", "0"), ("SMTP_PORT", "smtp"),
     ("MAIL_SENDER_INTERVAL", "0"), ("PUBLIC_BASE_URL", "pathways.example.org")],
)  # fmt: skip
def test_a_malformed_variable_is_refused_when_settings_load(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    with pytest.raises(ValidationError, match=variable.lower()):
        settings_from_env(monkeypatch, **{variable: value})


def test_without_a_host_the_error_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(MailSettingsError, match="PATHWAYS_SMTP_HOST is not set"):
        MailSettings.from_settings(settings_from_env(monkeypatch))


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(MailSettingsError) as raised:
        mail(host="smtp.example.org:587", from_address="nobody", username="pathways")

    message = str(raised.value)
    assert "PATHWAYS_SMTP_HOST 'smtp.example.org:587' holds a port" in message
    assert "PATHWAYS_SMTP_FROM 'nobody' is not an e-mail address" in message
    assert "PATHWAYS_SMTP_USERNAME and PATHWAYS_SMTP_PASSWORD go together" in message


@pytest.mark.parametrize(
    ("fields", "complaint"),
    [
        ({"port": 465, "starttls": False}, "465 expects TLS from the first byte"),
        ({"port": 0}, "not a TCP port"),
        ({"username": "u", "password": SecretStr("p"), "starttls": False},
         "cross the network in clear"),
        ({"interval": 0}, "must be above 0 seconds"),
        ({"base_url": "ftp://x"}, "PATHWAYS_PUBLIC_BASE_URL"),
        ({"host": "smtp example org"}, "is not a host name"),
    ],
)  # fmt: skip
def test_settings_that_cannot_work_are_refused(fields: dict[str, object], complaint: str) -> None:
    with pytest.raises(MailSettingsError, match=complaint):
        mail(**fields)


def test_a_password_may_go_in_clear_to_this_machine_only() -> None:
    local = mail(host="127.0.0.1", starttls=False, username="u", password=SecretStr("p"))

    assert local.on_loopback
    assert mail(host="localhost", starttls=False, username="u", password=SecretStr("p"))


async def test_bad_settings_stop_the_notifier_before_it_claims_or_sends_anything(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, port: int
) -> None:
    store = InMemoryEventStore()
    pathway = overdue_pathway()
    await pathway.append_to(store)
    bad = settings_from_env(
        monkeypatch, SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_FROM="not-an-address"
    )

    with MailSink(tmp_path / "mail", port) as sink:
        with pytest.raises(MailSettingsError, match="PATHWAYS_SMTP_FROM"):
            await asyncio.wait_for(
                run_notifier(
                    bad, store.notifications, StaticDirectory(DEMO_DIRECTORY), asyncio.Event()
                ),
                5,
            )
        assert sink.received == 0
    for notification in pathway.notifications:
        entry = await store.notifications.get_outbox_entry(notification.notification_id)
        assert entry is not None
        assert (entry.attempts, entry.sent_at, entry.last_error) == (0, None, None)
