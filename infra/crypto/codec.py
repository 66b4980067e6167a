"""The Temporal payload codec: every payload AES-GCM-sealed with its pathway's data key.

The key follows the serialization context: a workflow's and its activities' payloads carry
the workflow id `pathway-<id>`, so they are sealed with that pathway's key; payloads without
a pathway context (other workflows, a client call with none) use the system key. The sealed
payload names its key id in its metadata, so decoding needs no context, and payloads without
that metadata (histories recorded before encryption) pass through unchanged.

The codec runs outside the workflow sandbox (the worker encodes and decodes activations), so
workflow code stays deterministic: it never sees a ciphertext.
"""

from __future__ import annotations

import copy
import dataclasses
import secrets
from collections.abc import Sequence
from typing import Self

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    ActivitySerializationContext,
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
    SerializationContext,
    WithSerializationContext,
    WorkflowSerializationContext,
)

from infra.crypto.data_keys import SYSTEM_OWNER, DataKeys, KeyUnavailable, owner_for_workflow

ENCODING = b"binary/encrypted-aes256gcm"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12

UNREADABLE_PAYLOAD = "unreadable_payload"


class PayloadUnreadable(Exception):
    """A sealed payload that cannot be opened: key destroyed or unknown, or tampered with."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


class PathwayCodec(PayloadCodec, WithSerializationContext):
    """Seals payloads with the key of the pathway in context (see the module's docstring)."""

    def __init__(self, keyring: DataKeys, owner: str = SYSTEM_OWNER) -> None:
        self._keyring = keyring
        self.owner = owner

    def with_context(self, context: SerializationContext) -> Self:
        workflow_id = None
        if isinstance(context, WorkflowSerializationContext | ActivitySerializationContext):
            workflow_id = context.workflow_id
        owner = owner_for_workflow(workflow_id)
        if owner == self.owner:
            return self
        return type(self)(self._keyring, owner)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        if not payloads:
            return []
        key = await self._keyring.current(self.owner)
        aead = AESGCM(key.key)
        sealed = []
        for payload in payloads:
            nonce = secrets.token_bytes(NONCE_BYTES)
            data = aead.encrypt(nonce, payload.SerializeToString(), key.key_id.encode())
            sealed.append(
                Payload(
                    metadata={"encoding": ENCODING, KEY_ID: key.key_id.encode()},
                    data=nonce + data,
                )
            )
        return sealed

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [await self.open(payload) for payload in payloads]

    async def open(self, payload: Payload) -> Payload:
        """The payload unsealed; one without this codec's encoding as it is.

        Raises:
            PayloadUnreadable: `key_destroyed`, `key_unknown` or `unreadable_payload`.
        """
        if payload.metadata.get("encoding") != ENCODING:
            return payload
        key_id = payload.metadata.get(KEY_ID, b"").decode()
        try:
            key = await self._keyring.get(key_id)
        except KeyUnavailable as err:
            raise PayloadUnreadable(err.code, str(err)) from None
        try:
            plain = AESGCM(key.key).decrypt(
                payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:], key_id.encode()
            )
        except InvalidTag:
            raise PayloadUnreadable(
                UNREADABLE_PAYLOAD, f"a payload sealed with {key_id} fails authentication"
            ) from None
        opened = Payload()
        opened.ParseFromString(plain)
        return opened


@dataclasses.dataclass(frozen=True)
class SealingDataConverter(DataConverter):
    """A data converter that binds its codec to each serialization context cheaply.

    The SDK's `with_context` clones the converter with `dataclasses.replace`, whose
    `__post_init__` builds a fresh payload and failure converter only to throw them away,
    on every payload of every local activity (their context is not the workflow's, which
    the SDK caches): a tenth of the worker's CPU per command in bench/RESULTS.md. Here the
    clone is a shallow copy with the codec rebound, the same result without the waste.
    """

    def with_context(self, context: SerializationContext) -> Self:
        parts = {
            "payload_converter": self.payload_converter,
            "payload_codec": self.payload_codec,
            "failure_converter": self.failure_converter,
            "external_storage": self.external_storage,
        }
        bound = {
            name: part.with_context(context) if isinstance(part, WithSerializationContext) else part
            for name, part in parts.items()
        }
        if all(bound[name] is part for name, part in parts.items()):
            return self
        clone = copy.copy(self)
        for name, part in bound.items():
            object.__setattr__(clone, name, part)
        return clone


def encrypting_converter(keyring: DataKeys) -> DataConverter:
    """The pydantic data converter, sealing payloads and failure messages with `keyring`."""
    return SealingDataConverter(
        payload_converter_class=pydantic_data_converter.payload_converter_class,
        payload_codec=PathwayCodec(keyring),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
