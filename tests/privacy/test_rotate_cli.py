"""`pathways keys rotate-master`: rewraps every data key; a wrong old key changes nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from typer.testing import CliRunner

from infra.crypto.keyring import Keyring
from infra.crypto.master import MasterKey
from infra.db import open_pool
from infra.migrate import migrate
from workers.cli import app


def test_rotate_master_replaces_the_kept_key_and_keeps_every_data_key(
    fresh_database: str, tmp_path: Path
) -> None:
    kept = MasterKey.generate()
    (tmp_path / "master-key").write_text(kept.to_base64())
    (tmp_path / "master-key").chmod(0o600)
    new, stranger = MasterKey.generate(), MasterKey.generate()
    (tmp_path / "new").write_text(new.to_base64())
    (tmp_path / "stranger").write_text(stranger.to_base64())

    async def seed() -> bytes:
        await migrate(fresh_database)
        pool = await open_pool(fresh_database, 1, 1)
        try:
            return (await Keyring(pool, kept).current("p-1")).key
        finally:
            await pool.close()

    async def key_under(master: MasterKey) -> bytes:
        pool = await open_pool(fresh_database, 1, 1)
        try:
            return (await Keyring(pool, master).get("p-1/1")).key
        finally:
            await pool.close()

    data_key = asyncio.run(seed())
    env = {"PATHWAYS_DATABASE_URL": fresh_database, "PATHWAYS_DATA_DIR": str(tmp_path)}
    runner = CliRunner()
    wrong = runner.invoke(
        app,
        ["keys", "rotate-master", "--new-key-file", str(tmp_path / "new"), "--old-key-file",
         str(tmp_path / "stranger")],
        env=env,
    )  # fmt: skip
    assert wrong.exit_code == 2 and "wrong_master_key" in wrong.output
    assert asyncio.run(key_under(kept)) == data_key  # unchanged
    rotated = runner.invoke(
        app, ["keys", "rotate-master", "--new-key-file", str(tmp_path / "new")], env=env
    )
    assert rotated.exit_code == 0, rotated.output
    assert "rewrapped 1 data key(s)" in rotated.output
    assert asyncio.run(key_under(new)) == data_key
    assert MasterKey.from_base64((tmp_path / "master-key").read_text(), "kept") == new
