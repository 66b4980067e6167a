"""Sign-in throttling: too many failures for one account from one address, or from one
address whatever the account, pause signing in there.

Failures are counted per key within a window: `pair:<address> <account>` (one person's
password guessed from one address) and `client:<address>` (many accounts tried from one
address; an office may share one, so its limit is higher). An IPv6 address counts as its
/64, which one host can roam at will. Reaching the key's limit locks
it for the lockout time, doubled at each lockout that follows (capped), and the count
starts again: the delays grow for whoever keeps guessing. No key counts an account alone,
so failures from an attacker's address never lock its owner out of her usual one. A
success clears its pair, never the address (a valid account must not reset an address
that guesses others). A locked key refuses every attempt without looking at the password.

The state is shared by every web process: `infra.accounts.postgres_throttle` (table
`sign_in_throttle`, each key's row locked while it changes); `InMemorySignInThrottle` for
one process and tests. Both pass `tests/accounts/test_throttle_contract.py`.

The password-reset form counts its requests on the same throttle, under keys of its own
(`reset_keys`): too many links asked for one name, or from one client, pause asking.
"""

from __future__ import annotations

import abc
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import structlog

log = structlog.get_logger("pathways.accounts.throttle")

PAIR_PREFIX = "pair:"
CLIENT_PREFIX = "client:"


@dataclass(frozen=True)
class ThrottlePolicy:
    pair_failures: int = 5
    """Failures for one account from one address before that pair is locked."""
    client_failures: int = 20
    """Failures from one client address (an office may share one) before it is locked."""
    window: timedelta = timedelta(minutes=15)
    """Failures older than this are forgotten."""
    lockout: timedelta = timedelta(minutes=15)
    """The first lockout; each one after it within `forget_lockouts` lasts twice as long."""
    max_lockout: timedelta = timedelta(hours=24)
    forget_lockouts: timedelta = timedelta(hours=24)
    """A key not locked for this long starts again from the first lockout."""

    def limit(self, key: str) -> int:
        return self.client_failures if key.startswith(CLIENT_PREFIX) else self.pair_failures


@dataclass(frozen=True)
class KeyState:
    failures: int
    first_failed: datetime
    locked_until: datetime | None
    lockouts: int


def after_failure(
    state: KeyState | None, key: str, now: datetime, policy: ThrottlePolicy
) -> KeyState:
    """A key's state once one more failure is counted at `now`."""
    lockouts = 0 if state is None else state.lockouts
    locked = None if state is None else state.locked_until
    if locked is not None and now - locked > policy.forget_lockouts:
        lockouts = 0
    if state is None or now - state.first_failed > policy.window:
        state = KeyState(0, now, None if state is None else state.locked_until, lockouts)
    state = replace(state, failures=state.failures + 1, lockouts=lockouts)
    if state.failures < policy.limit(key):
        return state
    duration = min(policy.lockout * 2 ** min(lockouts, 16), policy.max_lockout)
    return KeyState(0, now, now + duration, lockouts + 1)


IPV6_PREFIX = 64
"""An IPv6 client is counted by its /64: one host may take any address of it at will."""


def counted_address(address: str) -> str:
    """What the throttle counts an address as: itself, or its /64 network for IPv6."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def pair_key(account_id: str, address: str) -> str:
    """The key of one account tried from one address (an address never holds a space)."""
    return f"{PAIR_PREFIX}{counted_address(address)} {account_id.strip().lower()}"


def client_key(address: str) -> str:
    return CLIENT_PREFIX + counted_address(address)


def attempt_keys(account_id: str, address: str) -> list[str]:
    """The keys a sign-in as `account_id` from `address` counts against."""
    return [pair_key(account_id, address), client_key(address)]


RESET_PREFIX = "reset:"


def reset_keys(who: str, address: str) -> list[str]:
    """The keys a password-reset request for `who` (a user id or an e-mail address) from
    `address` counts against: the requested name, whoever asks (`pair_failures` a window: a
    person's mailbox is not flooded), and the client (`client_failures`: an office may share
    one). Every request counts, known name or not, so a refusal tells no one who has an
    account; neither key is a sign-in's, so asking for links never pauses signing in."""
    return [
        RESET_PREFIX + " ".join(who.split()).lower(),
        f"{CLIENT_PREFIX}{RESET_PREFIX}{counted_address(address)}",
    ]


def log_lockout(key: str, before: KeyState | None, after: KeyState) -> None:
    """Log a lockout that `after` starts: who was tried, from where, until when."""
    if after.locked_until is None or (before and before.locked_until == after.locked_until):
        return
    scope, _, rest = key.partition(":")
    address, _, account_id = rest.partition(" ")
    log.warning(
        "sign_in_locked",
        scope=scope,
        address=address,
        account_id=account_id or None,
        until=after.locked_until.isoformat(),
        lockouts=after.lockouts,
    )


class SignInThrottle(abc.ABC):
    """Counts failed sign-ins per key and says until when a key is locked."""

    def __init__(self, policy: ThrottlePolicy | None = None) -> None:
        self.policy = policy or ThrottlePolicy()

    @abc.abstractmethod
    async def locked_until(self, keys: Sequence[str], now: datetime) -> datetime | None:
        """The latest end of a lockout of any of `keys` still running at `now`, or None."""

    @abc.abstractmethod
    async def failed(self, keys: Sequence[str], now: datetime) -> datetime | None:
        """Count a failure on each key; like `locked_until` afterwards."""

    @abc.abstractmethod
    async def succeeded(self, account_id: str, address: str) -> None:
        """Forget the failures and lockouts of the account from this address (not the
        address's own, nor the account's from elsewhere)."""


class InMemorySignInThrottle(SignInThrottle):
    def __init__(self, policy: ThrottlePolicy | None = None) -> None:
        super().__init__(policy)
        self._keys: dict[str, KeyState] = {}

    async def locked_until(self, keys: Sequence[str], now: datetime) -> datetime | None:
        ends = [s.locked_until for k in keys if (s := self._keys.get(k)) and s.locked_until]
        running = [end for end in ends if end > now]
        return max(running) if running else None

    async def failed(self, keys: Sequence[str], now: datetime) -> datetime | None:
        for key in dict.fromkeys(keys):
            before = self._keys.get(key)
            self._keys[key] = after_failure(before, key, now, self.policy)
            log_lockout(key, before, self._keys[key])
        return await self.locked_until(keys, now)

    async def succeeded(self, account_id: str, address: str) -> None:
        self._keys.pop(pair_key(account_id, address), None)
