"""The body of `/codec/decode` and `/codec/encode`: Temporal payloads in proto JSON.

`{"payloads": [{"metadata": {"<key>": "<base64>"}, "data": "<base64>"}]}`, as the Temporal
UI sends them and the codec answers. Anything else is refused with 400 `invalid_payloads`
before any key is looked up: a value that is not a string, a string that is not base64
(padded, standard alphabet), a key id that is not UTF-8 text.
"""

from __future__ import annotations

import base64
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)
from temporalio.api.common.v1 import Payload

from client.parsing import field_path
from infra.crypto.codec import KEY_ID
from web.problems import ProblemError

INVALID_PAYLOADS = "invalid_payloads"

Base64 = Annotated[
    str,
    StringConstraints(
        strict=True,
        pattern=r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
    ),
]
"""Bytes as proto JSON carries them: standard base64 with its padding."""


class PayloadJson(BaseModel):
    """One payload: metadata values and data in base64."""

    model_config = ConfigDict(frozen=True, strict=True)

    metadata: dict[str, Base64] = Field(default_factory=dict)
    data: Base64 = ""

    @field_validator("metadata")
    @classmethod
    def _key_id_is_text(cls, metadata: dict[str, str]) -> dict[str, str]:
        if KEY_ID in metadata:
            try:
                base64.b64decode(metadata[KEY_ID]).decode()
            except UnicodeDecodeError:
                raise ValueError(f"the {KEY_ID} is not UTF-8 text") from None
        return metadata

    def as_protobuf(self) -> Payload:
        metadata = {k: base64.b64decode(v) for k, v in self.metadata.items()}
        return Payload(metadata=metadata, data=base64.b64decode(self.data))

    @classmethod
    def of(cls, payload: Payload) -> PayloadJson:
        return cls(
            metadata={k: base64.b64encode(v).decode() for k, v in payload.metadata.items()},
            data=base64.b64encode(payload.data).decode(),
        )


class CodecPayloads(BaseModel):
    """The request and the answer of the codec endpoints."""

    model_config = ConfigDict(frozen=True, strict=True)

    payloads: list[PayloadJson]

    def as_protobuf(self) -> list[Payload]:
        return [p.as_protobuf() for p in self.payloads]

    @classmethod
    def of(cls, payloads: list[Payload]) -> CodecPayloads:
        return cls(payloads=[PayloadJson.of(p) for p in payloads])


def parsed(body: bytes) -> list[Payload]:
    """The payloads of a request body.

    Raises:
        ProblemError: 400 `invalid_payloads`, naming the first field at fault.
    """
    try:
        return CodecPayloads.model_validate_json(body).as_protobuf()
    except ValidationError as error:
        first = error.errors()[0]
        raise ProblemError(
            INVALID_PAYLOADS,
            'send {"payloads": [{"metadata": {...}, "data": "..."}]} in base64: '
            + str(first.get("msg", "invalid")),
            field_path(first) or None,
            status=400,
        ) from None
