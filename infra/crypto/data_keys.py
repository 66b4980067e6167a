"""Data keys as their users see them: ids, the key itself, and what finds one (`DataKeys`).

The sealer and the codec need only this; the keyring that keeps the keys in PostgreSQL is
`infra.crypto.keyring`, which the composition root builds (`workers.composition`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

SYSTEM_OWNER = "@system"

KEY_DESTROYED = "key_destroyed"
KEY_UNKNOWN = "key_unknown"


class KeyUnavailable(Exception):
    """A key that was destroyed (`key_destroyed`) or never existed (`key_unknown`)."""

    def __init__(self, code: str, key_id: str, destroyed_at: datetime | None = None) -> None:
        self.code = code
        self.key_id = key_id
        self.destroyed_at = destroyed_at
        if code == KEY_DESTROYED:
            message = f"{code}: the data key {key_id} was destroyed"
            if destroyed_at is not None:
                message += f" on {destroyed_at.isoformat()}"
            message += " (crypto-shredded); its ciphertexts cannot be read"
        else:
            message = f"{code}: no data key {key_id} in this database"
        super().__init__(message)


@dataclass(frozen=True)
class DataKey:
    """An unwrapped AES-256 key and its id (`<owner>/<version>`)."""

    key_id: str
    key: bytes = field(repr=False)

    @property
    def owner(self) -> str:
        return owner_of(self.key_id)


STREAM_PREFIX = "pathway-"
"""Workflow ids and stream ids are both `pathway-<pathway id>`."""


def owner_for_workflow(workflow_id: str | None) -> str:
    """The key owner of a workflow or stream id: the pathway of `pathway-<id>`, else the system."""
    if workflow_id and workflow_id.startswith(STREAM_PREFIX):
        return workflow_id[len(STREAM_PREFIX) :]
    return SYSTEM_OWNER


def key_id_for(owner: str, version: int) -> str:
    return f"{owner}/{version}"


def owner_of(key_id: str) -> str:
    return key_id.rpartition("/")[0]


def parse_key_id(key_id: str) -> tuple[str, int]:
    owner, _, version = key_id.rpartition("/")
    if not owner or not version.isdigit():
        raise KeyUnavailable(KEY_UNKNOWN, key_id)
    return owner, int(version)


class DataKeys(Protocol):
    """Finds the key data is sealed with, and the key a ciphertext names."""

    async def current(self, owner: str) -> DataKey:
        """The key new data of `owner` is sealed with, made on first use.

        Raises:
            KeyUnavailable: `key_destroyed` when the owner's data was erased.
        """
        ...

    async def get(self, key_id: str) -> DataKey:
        """The key `key_id` names.

        Raises:
            KeyUnavailable: `key_destroyed` or `key_unknown`.
        """
        ...
