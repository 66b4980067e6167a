"""The secret that signs session cookies: configured, or kept by `pathways up` in its data dir."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from infra.config import Settings
from workers.failures import Refused
from workers.web_services import SESSION_SECRET_FILE, kept_session_secret, session_secret


def settings(data_dir: Path, secret: str | None = None) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, session_secret=secret)  # type: ignore[call-arg]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_up_makes_a_secret_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    first = session_secret(settings(tmp_path), keep_in_data_dir=True)
    again = session_secret(settings(tmp_path), keep_in_data_dir=True)

    kept = tmp_path / SESSION_SECRET_FILE
    assert first == again == kept.read_text().strip()
    assert len(first) >= 64
    assert mode(kept) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [SESSION_SECRET_FILE]
    assert kept_session_secret(tmp_path) == first


def test_a_configured_secret_wins_and_nothing_is_written(tmp_path: Path) -> None:
    configured = "s" * 16 + "e" * 16

    assert session_secret(settings(tmp_path, configured), keep_in_data_dir=True) == configured
    assert session_secret(settings(tmp_path, configured), keep_in_data_dir=False) == configured
    assert list(tmp_path.iterdir()) == []


def test_a_short_secret_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Refused) as refused:
        session_secret(settings(tmp_path, "too short"), keep_in_data_dir=True)

    assert refused.value.code == "weak_session_secret"
    assert "9 characters" in refused.value.message and "too short" not in refused.value.message


def test_the_web_command_requires_a_configured_secret(tmp_path: Path) -> None:
    (tmp_path / SESSION_SECRET_FILE).write_text("k" * 64)

    with pytest.raises(Refused) as refused:
        session_secret(settings(tmp_path), keep_in_data_dir=False)

    assert refused.value.code == "session_secret_required"


def test_a_kept_secret_readable_by_others_is_closed_and_still_used(tmp_path: Path) -> None:
    kept = tmp_path / SESSION_SECRET_FILE
    kept.write_text("k" * 64 + "\n")
    kept.chmod(0o644)

    assert kept_session_secret(tmp_path) == "k" * 64
    assert mode(kept) == 0o600


def test_a_kept_secret_cut_short_is_replaced(tmp_path: Path) -> None:
    kept = tmp_path / SESSION_SECRET_FILE
    kept.write_text("")
    kept.chmod(0o600)

    secret = kept_session_secret(tmp_path)

    assert len(secret) >= 64 and kept.read_text().strip() == secret
    assert mode(kept) == 0o600
