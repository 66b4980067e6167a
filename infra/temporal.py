"""The Temporal client: Pydantic data converter, tracing interceptor, the SDK metrics runtime."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from infra.config import Settings
from infra.metrics import temporal_runtime
from infra.telemetry import tracing_interceptors


def temporal_address(settings: Settings) -> str:
    """The configured address, else the embedded dev server's on loopback."""
    return settings.temporal_address or f"127.0.0.1:{settings.temporal_port}"


async def connect(settings: Settings, address: str | None = None) -> Client:
    """Connect to Temporal in the configured namespace.

    Args:
        settings: Namespace and, unless `address` is given, the address.
        address: `host:port` overriding the settings (e.g. an embedded server's).

    Returns:
        A client whose data converter serialises pydantic v2 models; workers built on it
        inherit its tracing interceptor.
    """
    return await Client.connect(
        address or temporal_address(settings),
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        interceptors=tracing_interceptors(),
        runtime=temporal_runtime(settings),
    )
