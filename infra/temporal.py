"""The Temporal client, connected with the Pydantic data converter and the payload codec."""

from __future__ import annotations

from typing import TYPE_CHECKING

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from infra.config import Settings

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
        seals payloads and failure messages with the pathway's key.
    """
    converter = pydantic_data_converter
    if keyring is not None:
        from infra.crypto.codec import encrypting_converter

        converter = encrypting_converter(keyring)
    return await Client.connect(
        address or temporal_address(settings),
        namespace=settings.temporal_namespace,
        data_converter=converter,
    )
