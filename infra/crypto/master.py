"""The master key: wraps every pathway's data key, never stored in the database.

From `PATHWAYS_MASTER_KEY` (base64 of 32 bytes) or the file `PATHWAYS_MASTER_KEY_FILE`;
without either, the one `pathways up` keeps in `<data dir>/master-key` (mode 0600), like
the session secret, so that the embedded default works out of the box.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import structlog
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from infra.config import Settings

log = structlog.get_logger(__name__)

MASTER_KEY_FILE = "master-key"
KEY_BYTES = 32
NONCE_BYTES = 12

INVALID_MASTER_KEY = "invalid_master_key"
MASTER_KEY_REQUIRED = "master_key_required"
WRONG_MASTER_KEY = "wrong_master_key"


class MasterKeyError(Exception):
    """The master key is missing, malformed or not the one that wrapped the keys."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class MasterKey:
    """A 256-bit AES key and its fingerprint (which master wrapped which data key)."""

    key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.key) != KEY_BYTES:
            raise MasterKeyError(
                INVALID_MASTER_KEY, f"a master key has {KEY_BYTES} bytes, not {len(self.key)}"
            )

    @property
    def key_id(self) -> str:
        """A fingerprint that names the key without revealing it."""
        return hashlib.sha256(b"pathways-master-key:" + self.key).hexdigest()[:16]

    @classmethod
    def from_base64(cls, text: str, origin: str) -> MasterKey:
        """Parse the base64 form (standard or url-safe), naming `origin` in errors."""
        text = text.strip()
        try:
            raw = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            raise MasterKeyError(INVALID_MASTER_KEY, f"{origin} is not base64") from None
        if len(raw) != KEY_BYTES:
            raise MasterKeyError(
                INVALID_MASTER_KEY,
                f"{origin} holds {len(raw)} bytes; a master key is {KEY_BYTES} random bytes "
                "in base64 (e.g. `openssl rand -base64 32`)",
            )
        return cls(raw)

    @classmethod
    def generate(cls) -> MasterKey:
        return cls(secrets.token_bytes(KEY_BYTES))

    def to_base64(self) -> str:
        return base64.b64encode(self.key).decode()

    def wrap(self, data_key: bytes, key_id: str) -> bytes:
        """`nonce || AES-GCM(data_key)`, bound to `key_id` (a wrapped key cannot be moved)."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + AESGCM(self.key).encrypt(nonce, data_key, key_id.encode())

    def unwrap(self, wrapped: bytes, key_id: str) -> bytes:
        from cryptography.exceptions import InvalidTag

        try:
            return AESGCM(self.key).decrypt(
                wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], key_id.encode()
            )
        except InvalidTag:
            raise MasterKeyError(
                WRONG_MASTER_KEY, f"the data key {key_id} was not wrapped by this master key"
            ) from None


def master_key(settings: Settings, *, keep_in_data_dir: bool = False) -> MasterKey:
    """The configured master key, else the one kept in the data dir.

    Args:
        settings: `master_key`, `master_key_file`, `data_dir`.
        keep_in_data_dir: make and keep one in `<data_dir>/master-key` if there is none
            (`pathways up`); otherwise only an existing file is used.

    Raises:
        MasterKeyError: `invalid_master_key`, or `master_key_required` when none is set and
            none is kept.
    """
    if settings.master_key is not None:
        return MasterKey.from_base64(settings.master_key.get_secret_value(), "PATHWAYS_MASTER_KEY")
    if settings.master_key_file is not None:
        try:
            text = settings.master_key_file.read_text()
        except OSError as err:
            raise MasterKeyError(
                INVALID_MASTER_KEY,
                f"PATHWAYS_MASTER_KEY_FILE {settings.master_key_file}: {err.strerror}",
            ) from None
        return MasterKey.from_base64(text, f"PATHWAYS_MASTER_KEY_FILE {settings.master_key_file}")
    path = settings.data_dir / MASTER_KEY_FILE
    if path.exists() or not keep_in_data_dir:
        try:
            text = path.read_text()
        except FileNotFoundError:
            raise MasterKeyError(
                MASTER_KEY_REQUIRED,
                f"set PATHWAYS_MASTER_KEY or PATHWAYS_MASTER_KEY_FILE (no key kept in {path})",
            ) from None
        _tighten(path)
        return MasterKey.from_base64(text, str(path))
    return _keep_new(path)


def _tighten(path: Path) -> None:
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
        log.warning("master_key.permissions_tightened", file=str(path))


def _keep_new(path: Path) -> MasterKey:
    """Make a key and write it atomically, readable by its owner only."""
    key = MasterKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(key.to_base64() + "\n")
        file.flush()
        os.fsync(file.fileno())
    with contextlib.suppress(FileExistsError):
        # Another `up` made one meanwhile: keep the first, so that no key is ever lost.
        os.link(partial, path)
    os.unlink(partial)
    return MasterKey.from_base64(path.read_text(), str(path))
