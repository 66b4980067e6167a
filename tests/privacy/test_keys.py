"""Data keys per pathway, wrapped by the master key; master key settings and rotation."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from pydantic import SecretStr

from infra.config import Settings
from infra.crypto.keyring import KEY_DESTROYED, KEY_UNKNOWN, Keyring, KeyUnavailable, rotate_master
from infra.crypto.master import (
    INVALID_MASTER_KEY,
    MASTER_KEY_REQUIRED,
    WRONG_MASTER_KEY,
    MasterKey,
    MasterKeyError,
    master_key,
)
from infra.db import Pool


async def test_one_key_per_pathway_made_once_and_stored_only_wrapped(
    pool: Pool, keyring: Keyring
) -> None:
    first = await keyring.current("p-1")
    again = await Keyring(pool, keyring._master).current("p-1")  # another process
    other = await keyring.current("p-2")
    assert first.key_id == "p-1/1" and again.key == first.key
    assert other.key != first.key
    async with pool.connection() as conn:
        rows = await (await conn.execute("SELECT wrapped FROM pathway_keys")).fetchall()
    assert len(rows) == 2
    assert all(first.key not in bytes(w) and other.key not in bytes(w) for (w,) in rows)


async def test_a_key_wrapped_by_another_master_is_refused(pool: Pool, keyring: Keyring) -> None:
    await keyring.current("p-1")
    with pytest.raises(MasterKeyError) as refused:
        await Keyring(pool, MasterKey.generate()).get("p-1/1")
    assert refused.value.code == WRONG_MASTER_KEY


async def test_unknown_and_destroyed_keys_say_so(pool: Pool, keyring: Keyring) -> None:
    with pytest.raises(KeyUnavailable) as unknown:
        await keyring.get("p-9/1")
    assert unknown.value.code == KEY_UNKNOWN
    await keyring.current("p-1")
    async with pool.connection() as conn:
        await conn.execute(
            "UPDATE pathway_keys SET wrapped = NULL, destroyed_at = now() WHERE pathway_id = 'p-1'"
        )
    with pytest.raises(KeyUnavailable) as destroyed:
        await keyring.get("p-1/1")
    assert destroyed.value.code == KEY_DESTROYED and "destroyed" in str(destroyed.value)
    with pytest.raises(KeyUnavailable):
        await keyring.current("p-1")  # nothing new is sealed for an erased pathway


async def test_rotation_rewraps_every_key_in_one_go(pool: Pool, master: MasterKey) -> None:
    before = Keyring(pool, master)
    keys = [await before.current(p) for p in ("p-1", "p-2", "@system")]
    new = MasterKey.generate()
    assert await rotate_master(pool, master, new) == 3
    after = Keyring(pool, new)
    assert [(await after.get(k.key_id)).key for k in keys] == [k.key for k in keys]
    with pytest.raises(MasterKeyError):
        await Keyring(pool, master).get("p-1/1")  # the old master opens nothing now


async def test_rotation_with_the_wrong_old_key_changes_nothing(
    pool: Pool, master: MasterKey
) -> None:
    await Keyring(pool, master).current("p-1")
    async with pool.connection() as conn:
        before = await (await conn.execute("SELECT * FROM pathway_keys")).fetchall()
    with pytest.raises(MasterKeyError) as refused:
        await rotate_master(pool, MasterKey.generate(), MasterKey.generate())
    assert refused.value.code == WRONG_MASTER_KEY
    with pytest.raises(MasterKeyError) as same:
        await rotate_master(pool, master, master)
    assert same.value.code == INVALID_MASTER_KEY
    async with pool.connection() as conn:
        assert await (await conn.execute("SELECT * FROM pathway_keys")).fetchall() == before


def test_master_key_from_the_environment_a_file_or_the_data_dir(tmp_path: Path) -> None:
    raw = os.urandom(32)
    text = base64.b64encode(raw).decode()
    assert master_key(Settings(master_key=SecretStr(text), data_dir=tmp_path)).key == raw
    (tmp_path / "mounted").write_text(text + "\n")
    assert master_key(Settings(master_key_file=tmp_path / "mounted")).key == raw
    kept = master_key(Settings(data_dir=tmp_path / "d"), keep_in_data_dir=True)
    assert (tmp_path / "d" / "master-key").stat().st_mode & 0o777 == 0o600
    assert master_key(Settings(data_dir=tmp_path / "d")).key == kept.key  # `up` keeps it


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("not base64!", INVALID_MASTER_KEY),
        (base64.b64encode(b"short").decode(), INVALID_MASTER_KEY),
    ],
)
def test_a_malformed_master_key_is_refused(tmp_path: Path, value: str, code: str) -> None:
    with pytest.raises(MasterKeyError) as refused:
        master_key(Settings(master_key=SecretStr(value), data_dir=tmp_path))
    assert refused.value.code == code


def test_without_any_master_key_commands_other_than_up_are_refused(tmp_path: Path) -> None:
    with pytest.raises(MasterKeyError) as refused:
        master_key(Settings(data_dir=tmp_path))
    assert refused.value.code == MASTER_KEY_REQUIRED
    assert not (tmp_path / "master-key").exists()
