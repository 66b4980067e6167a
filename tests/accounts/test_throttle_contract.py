"""The sign-in throttle and session revocations: in memory and on PostgreSQL, one contract."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from infra.accounts.postgres_sessions import PostgresSessionRevocations
from infra.accounts.postgres_throttle import PostgresSignInThrottle
from infra.accounts.sessions import InMemorySessionRevocations, SessionRevocations
from infra.accounts.throttle import (
    InMemorySignInThrottle,
    SignInThrottle,
    ThrottlePolicy,
    attempt_keys,
    client_key,
    pair_key,
)
from infra.db import Pool

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = ThrottlePolicy(pair_failures=3, client_failures=5)
ANNA = attempt_keys("anna", "10.0.0.1")
ANNA_PAIR = [pair_key("anna", "10.0.0.1")]
MINUTE = timedelta(minutes=1)


@pytest.fixture(params=["memory", "postgres"])
def throttle(request: pytest.FixtureRequest) -> SignInThrottle:
    if request.param == "memory":
        return InMemorySignInThrottle(POLICY)
    pool: Pool = request.getfixturevalue("pool")
    return PostgresSignInThrottle(pool, POLICY)


@pytest.fixture(params=["memory", "postgres"])
def revocations(request: pytest.FixtureRequest) -> SessionRevocations:
    if request.param == "memory":
        return InMemorySessionRevocations()
    pool: Pool = request.getfixturevalue("pool")
    return PostgresSessionRevocations(pool)


async def fail(throttle: SignInThrottle, times: int, keys: list[str], at: datetime) -> object:
    result = None
    for _ in range(times):
        result = await throttle.failed(keys, at)
    return result


async def test_the_limit_of_failures_locks_the_account_at_the_address_for_the_lockout(
    throttle: SignInThrottle,
) -> None:
    assert await fail(throttle, 2, ANNA, NOW) is None
    assert await throttle.locked_until(ANNA, NOW) is None
    assert await throttle.failed(ANNA, NOW) == NOW + timedelta(minutes=15)
    assert await throttle.locked_until(attempt_keys(" ANNA ", "10.0.0.1"), NOW + 14 * MINUTE)
    assert await throttle.locked_until(ANNA, NOW + 15 * MINUTE) is None
    # Only the pair: the address had three failures of its five ...
    assert await throttle.locked_until([client_key("10.0.0.1")], NOW) is None
    # ... and the account is as open as ever from anywhere else.
    assert await throttle.locked_until(attempt_keys("anna", "10.0.0.2"), NOW) is None


async def test_each_lockout_after_the_first_lasts_twice_as_long(throttle: SignInThrottle) -> None:
    await fail(throttle, 3, ANNA_PAIR, NOW)
    later = NOW + 16 * MINUTE
    assert await fail(throttle, 3, ANNA_PAIR, later) == later + 30 * MINUTE
    much_later = later + 31 * MINUTE
    end = await fail(throttle, 3, ANNA_PAIR, much_later)
    assert end == much_later + 60 * MINUTE


async def test_old_failures_are_forgotten(throttle: SignInThrottle) -> None:
    await fail(throttle, 2, ANNA, NOW)
    assert await throttle.failed(ANNA, NOW + 16 * MINUTE) is None


async def test_a_success_clears_the_account_at_its_address_but_not_the_address(
    throttle: SignInThrottle,
) -> None:
    await fail(throttle, 2, ANNA, NOW)
    await throttle.succeeded("anna", "10.0.0.1")
    assert await fail(throttle, 2, ANNA, NOW) is None
    # The address has four failures now: one more, from any account, locks it.
    locked = await throttle.failed(attempt_keys("luca", "10.0.0.1"), NOW)
    assert locked == NOW + 15 * MINUTE
    assert await throttle.locked_until(attempt_keys("marta", "10.0.0.1"), NOW)


async def test_a_success_elsewhere_does_not_lift_a_lockout(throttle: SignInThrottle) -> None:
    await fail(throttle, 3, ANNA, NOW)
    await throttle.succeeded("anna", "10.0.0.2")
    assert await throttle.locked_until(ANNA, NOW) == NOW + 15 * MINUTE


async def test_other_keys_are_untouched(throttle: SignInThrottle) -> None:
    await fail(throttle, 3, ANNA, NOW)
    assert await throttle.locked_until(attempt_keys("luca", "10.0.0.2"), NOW) is None
    assert await throttle.locked_until(attempt_keys("anna", "10.0.0.2"), NOW) is None


async def test_a_revoked_session_stays_revoked(revocations: SessionRevocations) -> None:
    assert not await revocations.is_revoked("s-1", "anna", 0)
    await revocations.revoke("s-1", datetime.now(UTC) + timedelta(hours=8))
    await revocations.revoke("s-1", datetime.now(UTC) + timedelta(hours=8))  # twice is once
    assert await revocations.is_revoked("s-1", "anna", 0)
    assert not await revocations.is_revoked("s-2", "anna", 0)


async def test_ending_an_accounts_sessions_refuses_those_signed_in_before(
    revocations: SessionRevocations,
) -> None:
    assert await revocations.epoch("anna") == 0
    assert await revocations.end_sessions_of("anna") == 1
    assert await revocations.is_revoked("s-1", "anna", 0)
    assert not await revocations.is_revoked("s-2", "anna", 1)  # signed in after
    assert not await revocations.is_revoked("s-3", "luca", 0)  # nobody else's
    assert await revocations.end_sessions_of("anna") == 2
    assert await revocations.epoch("anna") == 2
    assert await revocations.is_revoked("s-2", "anna", 1)


async def test_an_ipv6_client_is_counted_by_its_slash_64(throttle: SignInThrottle) -> None:
    """A host picks any address of its /64 at will: rotating them dodges nothing."""
    for host in range(5):
        await throttle.failed(attempt_keys(f"user{host}", f"2001:db8:1:2::{host + 1}"), NOW)
    assert await throttle.locked_until([client_key("2001:db8:1:2:ffff::9")], NOW)
    assert await throttle.locked_until([client_key("2001:db8:1:3::1")], NOW) is None
    assert pair_key("anna", "::ffff:10.0.0.1") == pair_key("anna", "10.0.0.1")
