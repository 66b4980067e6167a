"""Password hashes (argon2id) and API tokens (random, stored only as a SHA-256 digest)."""

from __future__ import annotations

import functools
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TOKEN_PREFIX = "pwt_"

RECOMMENDED = PasswordHasher()
"""argon2id with the library's recommended parameters (RFC 9106, low memory): about 0.3 s
of CPU a hash or a check, on purpose."""

_HASHER = RECOMMENDED
"""The hasher in use. The test processes swap in argon2's cheapest profile
(tests/conftest.py): a sign-in per test at 0.3 s was a sixth of the suite's CPU; the
processes they start (`pathways up`, the CLI) keep `RECOMMENDED`."""


@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash of a password nobody has, made at the first sign-in that needs it (not at
    import: every process importing this module paid a hash for it)."""
    return hasher.hash("a password nobody has, to spend the same time")


def hash_password(password: str) -> str:
    """An argon2id hash with the library's recommended parameters."""
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; without a hash, spends the same time and says no."""
    try:
        hashed = password_hash or _dummy_hash(_HASHER)
        return _HASHER.verify(hashed, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(password_hash)


def new_token() -> str:
    """A bearer token to give the user once: `pwt_` and 43 url-safe characters."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored for a token: its SHA-256, hex. Tokens are random, so no salt."""
    return hashlib.sha256(token.encode()).hexdigest()
