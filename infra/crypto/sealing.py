"""Sealing the personal fields of events (`PERSONAL_FIELDS`) with the pathway's data key.

A sealed field's value becomes `{"$sealed": <key id>, "ct": <base64 of nonce || AES-GCM>}`;
the ciphertext is bound to its place (key id, stream, version, path), so it cannot be
copied into another event or field unnoticed. Reading opens every sealed value it finds,
whatever the list says today; a value whose key was destroyed reads as the field's erased
placeholder and its path is listed in `EventRecord.erased`.
"""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.records import EventRecord
from infra.crypto.data_keys import (
    KEY_DESTROYED,
    DataKey,
    DataKeys,
    KeyUnavailable,
    owner_for_workflow,
)
from infra.crypto.personal_fields import ERASED_TEXT, PERSONAL_FIELDS

SEALED = "$sealed"
NONCE_BYTES = 12


class SealedFieldUnreadable(Exception):
    """A sealed field whose key is unknown, or whose ciphertext fails authentication."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


def is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and SEALED in value and set(value) == {SEALED, "ct"}


def _aad(key_id: str, stream_id: str, version: int, path: str) -> bytes:
    return f"{key_id}|{stream_id}|{version}|{path}".encode()


class FieldSealer:
    """Seals records before they are stored and opens them after they are read."""

    def __init__(self, keyring: DataKeys) -> None:
        self.keyring = keyring

    async def seal(self, record: EventRecord) -> dict[str, Any]:
        """The record's data with its personal fields sealed (the record is unchanged)."""
        fields = PERSONAL_FIELDS.get(record.type)
        if not fields:
            return record.data
        data: dict[str, Any] = json.loads(json.dumps(record.data))  # a copy to write into
        key: DataKey | None = None
        for pattern in fields:
            for container, name, path in _places(data, pattern):
                if container[name] is None or is_sealed(container[name]):
                    continue
                if key is None:
                    key = await self.keyring.current(owner_for_workflow(record.stream_id))
                container[name] = seal_value(
                    key, container[name], _aad(key.key_id, record.stream_id, record.version, path)
                )
        return data

    async def open(
        self, stream_id: str, version: int, type_: str, data: dict[str, Any]
    ) -> tuple[dict[str, Any], tuple[str, ...]]:
        """The data with every sealed value opened, and the paths that read as erased.

        Raises:
            SealedFieldUnreadable: `key_unknown` (a database without this key: a wrong
                restore) or `unreadable_field` (tampered with).
        """
        found = list(_sealed_places(data, ""))
        if not found:
            return data, ()
        data = json.loads(json.dumps(data))
        erased: list[str] = []
        for path, _ in found:
            container, name = _resolve(data, path)
            sealed = container[name]
            key_id = sealed[SEALED]
            try:
                key = await self.keyring.get(key_id)
            except KeyUnavailable as err:
                if err.code != KEY_DESTROYED:
                    raise SealedFieldUnreadable(err.code, str(err)) from None
                container[name] = _erased_value(type_, path)
                erased.append(path)
                continue
            container[name] = open_value(key, sealed, _aad(key_id, stream_id, version, path))
        return data, tuple(erased)

    async def seal_snapshot(
        self, stream_id: str, text: str, *, version: int = 0, place: str = ""
    ) -> str:
        """A JSON document of the pathway's (a state snapshot), sealed whole, as JSON.

        Bound to the stream and to `version` and `place` (an as-of snapshot names its
        version and `as_of`), so it opens nowhere else.
        """
        key = await self.keyring.current(owner_for_workflow(stream_id))
        aad = _aad(key.key_id, stream_id, version, place)
        return json.dumps(seal_value(key, json.loads(text), aad))

    async def open_snapshot(
        self, stream_id: str, text: str, *, version: int = 0, place: str = ""
    ) -> str:
        """The snapshot `seal_snapshot` made, as JSON; a clear one as it is.

        Raises:
            KeyUnavailable: the pathway's key was destroyed (or is unknown).
            SealedFieldUnreadable: `unreadable_field`, sealed for another place.
        """
        value = json.loads(text)
        if not is_sealed(value):
            return text
        key = await self.keyring.get(value[SEALED])
        return json.dumps(open_value(key, value, _aad(key.key_id, stream_id, version, place)))

    async def seal_column(self, pathway_id: str, place: str, value: str) -> str:
        """A personal text column of a read model (the ledger's payee), sealed, as JSON text."""
        key = await self.keyring.current(pathway_id)
        return json.dumps(seal_value(key, value, f"{key.key_id}|{place}".encode()))

    async def open_column(self, place: str, text: str) -> str:
        """A column `seal_column` sealed, opened; `[erased]` when its key was destroyed; a
        clear one as it is."""
        if not text.startswith('{"$sealed"'):
            return text
        sealed = json.loads(text)
        try:
            key = await self.keyring.get(sealed[SEALED])
        except KeyUnavailable as err:
            if err.code != KEY_DESTROYED:
                raise SealedFieldUnreadable(err.code, str(err)) from None
            return ERASED_TEXT
        opened: str = open_value(key, sealed, f"{key.key_id}|{place}".encode())
        return opened

    async def seal_bytes(self, pathway_id: str, place: str, content: bytes) -> tuple[str, bytes]:
        """The key id and nonce || AES-GCM of a pathway's file (a document), bound to `place`."""
        key = await self.keyring.current(pathway_id)
        nonce = secrets.token_bytes(NONCE_BYTES)
        aad = f"{key.key_id}|{place}".encode()
        return key.key_id, nonce + AESGCM(key.key).encrypt(nonce, content, aad)

    async def open_bytes(self, key_id: str, place: str, sealed: bytes) -> bytes:
        """The bytes `seal_bytes` sealed.

        Raises:
            KeyUnavailable: the key was destroyed (`key_destroyed`: the pathway was erased)
                or is unknown.
            SealedFieldUnreadable: `unreadable_field`, the ciphertext fails authentication.
        """
        key = await self.keyring.get(key_id)
        aad = f"{key_id}|{place}".encode()
        try:
            return AESGCM(key.key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
        except InvalidTag:
            raise SealedFieldUnreadable(
                "unreadable_field", f"a file sealed with {key_id} fails authentication"
            ) from None

    async def open_record(self, record: EventRecord) -> EventRecord:
        data, erased = await self.open(record.stream_id, record.version, record.type, record.data)
        if data is record.data:
            return record
        return record.model_copy(update={"data": data, "erased": erased})


def seal_value(key: DataKey, value: Any, aad: bytes) -> dict[str, str]:
    nonce = secrets.token_bytes(NONCE_BYTES)
    plain = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    sealed = nonce + AESGCM(key.key).encrypt(nonce, plain, aad)
    return {SEALED: key.key_id, "ct": base64.b64encode(sealed).decode()}


def open_value(key: DataKey, sealed: dict[str, str], aad: bytes) -> Any:
    raw = base64.b64decode(sealed["ct"])
    try:
        plain = AESGCM(key.key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
    except InvalidTag:
        raise SealedFieldUnreadable(
            "unreadable_field", f"a field sealed with {key.key_id} fails authentication"
        ) from None
    return json.loads(plain)


def _places(data: Any, pattern: str) -> list[tuple[Any, Any, str]]:
    """(container, key, concrete path) of every value `pattern` names; `*` = each item."""
    places: list[tuple[Any, Any, str]] = []

    def walk(node: Any, parts: list[str], prefix: str) -> None:
        head, rest = parts[0], parts[1:]
        if head == "*":
            if isinstance(node, list):
                for index, item in enumerate(node):
                    if rest:
                        walk(item, rest, f"{prefix}{index}.")
            return
        if not isinstance(node, dict) or head not in node:
            return
        if rest:
            walk(node[head], rest, f"{prefix}{head}.")
        else:
            places.append((node, head, f"{prefix}{head}"))

    walk(data, pattern.split("."), "")
    return places


def _sealed_places(node: Any, prefix: str) -> list[tuple[str, Any]]:
    if is_sealed(node):
        return [(prefix[:-1], node)]
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for name, value in node.items():
            found += _sealed_places(value, f"{prefix}{name}.")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _sealed_places(value, f"{prefix}{index}.")
    return found


def _resolve(data: Any, path: str) -> tuple[Any, Any]:
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node, (int(last) if isinstance(node, list) else last)


def _erased_value(type_: str, path: str) -> Any:
    """The placeholder of the field at `path`, matching `*` against list indices."""
    parts = path.split(".")
    for pattern, erased in PERSONAL_FIELDS.get(type_, {}).items():
        wanted = pattern.split(".")
        if len(wanted) == len(parts) and all(
            w == p or (w == "*" and p.isdigit()) for w, p in zip(wanted, parts, strict=True)
        ):
            return json.loads(json.dumps(erased))
    return None
