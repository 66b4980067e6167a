"""The codec endpoints, sent what is not payloads: 400 `invalid_payloads`, nothing looked up.

`/codec/decode` and `/codec/encode` read proto JSON (metadata values and data in base64).
Each malformed body below once answered 500; now each is refused with a problem document
before any key is asked for or made, and no read is recorded in the access log.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio

from infra.access_log.model import AccessQuery
from infra.crypto.codec import ENCODING, KEY_ID
from tests.security.codec_app import MemoryKeyring, codec_app
from tests.web.staff import bearer


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


SEALED_BY_NOBODY = {"encoding": b64(ENCODING), KEY_ID: b64(b"\xff\xfe/1")}

MALFORMED: dict[str, Any] = {
    "a number for a payload": {"payloads": [1]},
    "a list for metadata": {"payloads": [{"metadata": [], "data": ""}]},
    "a key id that is not UTF-8": {"payloads": [{"metadata": SEALED_BY_NOBODY, "data": ""}]},
    "data that is not base64": {"payloads": [{"metadata": {}, "data": "not base64!"}]},
    "unpadded base64": {"payloads": [{"data": "YWI"}]},
    "a number for data": {"payloads": [{"data": 12}]},
    "a number for a metadata value": {"payloads": [{"metadata": {"encoding": 1}}]},
    "payloads that are a string": {"payloads": "all of them"},
    "no payloads": {"payload": []},
    "a list for a body": [{"metadata": {}, "data": ""}],
    "null": None,
}


@dataclass
class Codec:
    http: httpx.AsyncClient
    keyring: MemoryKeyring
    access_log: Any


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def codec() -> AsyncIterator[Codec]:
    keyring = MemoryKeyring()
    app = await codec_app(keyring)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield Codec(http, keyring, app.state.access_log)


@pytest.mark.parametrize("operation", ["decode", "encode"])
@pytest.mark.parametrize("body", list(MALFORMED.values()), ids=list(MALFORMED))
async def test_malformed_payloads_are_refused_with_400(
    codec: Codec, operation: str, body: Any
) -> None:
    reply = await codec.http.post(f"/codec/{operation}", json=body, headers=bearer("cora"))
    assert reply.status_code == 400, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["code"] == "invalid_payloads"
    assert codec.keyring.asked == 0, "a refused body looks up no key and makes none"
    assert codec.keyring.keys == {}
    assert await codec.access_log.search(AccessQuery()) == []


async def test_a_body_that_is_not_json_is_refused_with_400(codec: Codec) -> None:
    for operation in ("decode", "encode"):
        reply = await codec.http.post(
            f"/codec/{operation}",
            content=b"\xff{payloads",
            headers={**bearer("cora"), "Content-Type": "application/json"},
        )
        assert reply.status_code == 400 and reply.json()["code"] == "invalid_payloads"
    assert codec.keyring.asked == 0


async def test_well_formed_payloads_still_round_trip(codec: Codec) -> None:
    # Last in the module: it makes the system's key.
    plain = {"payloads": [{"metadata": {"encoding": b64(b"json/plain")}, "data": b64(b'"ciao"')}]}
    sealed = await codec.http.post("/codec/encode", json=plain, headers=bearer("cora"))
    assert sealed.status_code == 200, sealed.text
    assert sealed.json()["payloads"][0]["metadata"][KEY_ID] == b64(b"@system/1")
    opened = await codec.http.post("/codec/decode", json=sealed.json(), headers=bearer("cora"))
    assert opened.status_code == 200 and opened.json() == plain
