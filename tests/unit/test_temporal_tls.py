"""TLS and API key settings for a Temporal cluster or Temporal Cloud."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.service import TLSConfig

from infra.config import Settings
from infra.temporal import tls_config


def test_plain_by_default_and_left_to_the_sdk_with_an_api_key() -> None:
    assert tls_config(Settings(_env_file=None)) is None  # type: ignore[call-arg]
    keyed = Settings(_env_file=None, temporal_api_key="k")  # type: ignore[call-arg]
    assert tls_config(keyed) is None  # the SDK turns TLS on when an API key is given
    assert tls_config(Settings(_env_file=None, temporal_tls=True)) is True  # type: ignore[call-arg]
    assert tls_config(Settings(_env_file=None, temporal_tls=False)) is False  # type: ignore[call-arg]


def test_mtls_files_are_read_into_the_tls_config(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_bytes(b"CA")
    (tmp_path / "c.pem").write_bytes(b"CERT")
    (tmp_path / "k.pem").write_bytes(b"KEY")
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        temporal_tls_ca_file=tmp_path / "ca.pem",
        temporal_tls_cert_file=tmp_path / "c.pem",
        temporal_tls_key_file=tmp_path / "k.pem",
        temporal_tls_server_name="ns.tmprl.cloud",
    )
    assert tls_config(settings) == TLSConfig(
        server_root_ca_cert=b"CA",
        client_cert=b"CERT",
        client_private_key=b"KEY",
        domain="ns.tmprl.cloud",
    )


def test_a_certificate_without_its_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "c.pem").write_bytes(b"CERT")
    settings = Settings(_env_file=None, temporal_tls_cert_file=tmp_path / "c.pem")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="go together"):
        tls_config(settings)
