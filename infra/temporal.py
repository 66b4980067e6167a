"""The Temporal client: Pydantic data converter with the payload codec, tracing interceptor,
the SDK metrics runtime, TLS and API key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import TLSConfig

from infra.config import Settings
from infra.metrics_server import temporal_runtime
from infra.telemetry import tracing_interceptors

if TYPE_CHECKING:
    from infra.crypto.keyring import Keyring


def temporal_address(settings: Settings) -> str:
    """The configured address, else the embedded dev server's on loopback."""
    return settings.temporal_address or f"127.0.0.1:{settings.temporal_port}"


async def connect(
    settings: Settings, address: str | None = None, *, keyring: Keyring | None
) -> Client:
    """Connect to Temporal in the configured namespace.

    Args:
        settings: Namespace and, unless `address` is given, the address.
        address: `host:port` overriding the settings (e.g. an embedded server's).
        keyring: The data keys that seal every payload (docs/privacy.md). None only for a
            client that sends no payload (registering search attributes).

    Returns:
        A client whose data converter serialises pydantic v2 models and, with a keyring,
        seals payloads and failure messages with the pathway's key; workers built on it
        inherit its tracing interceptor.
    """
    converter = pydantic_data_converter
    if keyring is not None:
        from infra.crypto.codec import encrypting_converter

        converter = encrypting_converter(keyring)
    return await Client.connect(
        address or temporal_address(settings),
        namespace=settings.temporal_namespace,
        data_converter=converter,
        interceptors=tracing_interceptors(),
        runtime=temporal_runtime(settings),
        api_key=settings.temporal_api_key.get_secret_value() if settings.temporal_api_key else None,
        tls=tls_config(settings),
    )


def tls_config(settings: Settings) -> TLSConfig | bool | None:
    """TLS to Temporal from the settings; None lets the SDK decide (on with an API key)."""
    files = (
        settings.temporal_tls_ca_file,
        settings.temporal_tls_cert_file,
        settings.temporal_tls_key_file,
    )
    if settings.temporal_tls is False:
        return False
    if not any(files) and settings.temporal_tls_server_name is None:
        return True if settings.temporal_tls else None
    ca, cert, key = (f.read_bytes() if f is not None else None for f in files)
    if (cert is None) != (key is None):
        raise ValueError(
            "PATHWAYS_TEMPORAL_TLS_CERT_FILE and PATHWAYS_TEMPORAL_TLS_KEY_FILE go together"
        )
    return TLSConfig(
        server_root_ca_cert=ca,
        client_cert=cert,
        client_private_key=key,
        domain=settings.temporal_tls_server_name,
    )
