"""`pathways user` and `pathways organisation` as an administrator runs them, on real Postgres."""

from __future__ import annotations

import asyncio
import json
import os
import pty
import select
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from activities.accounts.service import account_for_token, sign_in
from infra.accounts.postgres import PostgresAccountStore
from infra.db import Pool, open_pool
from infra.migrate import migrate
from tests.integration.conftest import PATHWAYS, Ran, clean_environ, in_process, run

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery"
ANNA = (
    *("user", "create", "anna", "--name", "Anna Quarta", "--role", "caseworker"),
    *("--organisation", "org-lecce", "--email", "anna@example.org", "--password-stdin"),
)


@dataclass
class Admin:
    """The CLI against a fresh migrated database, and the accounts it holds."""

    env: dict[str, str]
    workdir: Path
    pool: Pool

    @property
    def accounts(self) -> PostgresAccountStore:
        return PostgresAccountStore(self.pool)

    async def cli(self, *args: str, input: str | None = None) -> Ran:
        return await run(PATHWAYS, *args, env=self.env, cwd=self.workdir, input=input, timeout=60)

    async def ok(self, *args: str, input: str | None = None) -> str:
        ran = await self.cli(*args, input=input)
        assert ran.code == 0, ran
        return ran.stdout

    async def tables(self) -> tuple[list[tuple[object, ...]], ...]:
        """Every row of the account tables, to show that a refusal changed nothing."""
        rows = []
        async with self.pool.connection() as conn:
            for table in ("organisations", "accounts", "api_tokens"):
                rows.append(
                    await (await conn.execute(f"SELECT * FROM {table} ORDER BY 1")).fetchall()
                )
        return tuple(rows)


@pytest_asyncio.fixture(loop_scope="session")
async def admin(fresh_database: str, workdir: Path) -> AsyncIterator[Admin]:
    await migrate(fresh_database)
    pool = await open_pool(fresh_database, min_size=1, max_size=2)
    env = clean_environ(PATHWAYS_DATABASE_URL=fresh_database, PATHWAYS_DATA_DIR=str(workdir))
    try:
        yield Admin(env, workdir, pool)
    finally:
        await pool.close()


LECCE = ("organisation", "create", "org-lecce", "--name", "Partner di Lecce")


async def with_lecce(admin: Admin) -> None:
    """Lecce, made in this process: the first test makes organisations with the real CLI."""
    await given(admin, *LECCE)


async def given(admin: Admin, *args: str, input: str | None = None) -> str:
    """What `pathways <args>` prints, run in this process (`in_process`), for what a test
    starts from: a subprocess would import the application first."""
    ran = await in_process(*args, env=admin.env, input=input)
    assert ran.code == 0, ran
    return ran.stdout


async def test_an_admin_adds_an_organisation_its_people_and_a_token(admin: Admin) -> None:
    assert await admin.ok("organisation", "create", "org-lecce", "--name", "Partner di Lecce") == (
        "created org-lecce: Partner di Lecce\n"
    )
    # A subprocess for each command once (the entry point); its repeats in process (`given`).
    await given(admin, "organisation", "create", "org-nardo", "--name", "Partner di Nardò")
    created = await asyncio.gather(
        admin.ok(*ANNA, input=f"{PASSWORD}\n"),
        given(
            admin,
            *("user", "create", "paolo", "--name", "Paolo Perrone", "--role", "supervisor"),
            *("--organisation", "org-nardo", "--language", "en", "--password-stdin"),
            input=f"{PASSWORD}\n",
        ),
        given(
            admin,
            *("user", "create", "aldo", "--name", "Aldo Renna", "--role", "auditor"),
            "--no-password",
        ),
    )
    assert created == [
        "created anna: caseworker of org-lecce\n",
        "created paolo: supervisor of org-nardo\n",
        "created aldo: auditor\n",
    ]

    listed, nardo, organisations = await asyncio.gather(
        admin.ok("user", "list"),
        given(admin, "user", "list", "--organisation", "org-nardo", "--json"),
        admin.ok("organisation", "list"),
    )
    assert listed.splitlines() == [
        "id     name           role        organisation  e-mail            language  status",
        "aldo   Aldo Renna     auditor     -             -                 it        active",
        "anna   Anna Quarta    caseworker  org-lecce     anna@example.org  it        active",
        "paolo  Paolo Perrone  supervisor  org-nardo     -                 en        active",
    ]
    assert [(a["id"], a["language"]) for a in json.loads(nardo)] == [("paolo", "en")]
    assert organisations.splitlines() == [
        "org-lecce  Partner di Lecce",
        "org-nardo  Partner di Nardò",
    ]
    assert PASSWORD not in listed + nardo

    # The password signs in; the token is printed once, on a line of its own, and works.
    anna = await sign_in(admin.accounts, "anna", PASSWORD)
    assert anna is not None and anna.email == "anna@example.org"
    assert await sign_in(admin.accounts, "aldo", "") is None
    issued = await admin.cli("user", "token", "anna", "--label", "laptop", "--days", "7")
    assert issued.code == 0, issued
    token = issued.stdout.strip()
    assert issued.stdout == f"{token}\n" and token.startswith("pwt_"), issued
    assert "shown only now" in issued.stderr
    now = datetime.now(UTC)
    assert await account_for_token(admin.accounts, token, now) == anna
    assert await account_for_token(admin.accounts, token, now + timedelta(days=7, hours=1)) is None
    _, _, tokens = await admin.tables()
    [(_, account_id, label, *_)] = tokens
    assert (account_id, label) == ("anna", "laptop") and token not in str(tokens)


async def test_refusals_exit_2_with_their_code_and_change_nothing(admin: Admin) -> None:
    # In process: the subprocess tests above and below keep the entry point itself.
    await with_lecce(admin)
    await given(admin, *ANNA, input=f"{PASSWORD}\n")
    before = await admin.tables()

    def user(account_id: str, *options: str) -> tuple[str, ...]:
        return ("user", "create", account_id, "--name", "Someone", *options)

    luca = ("--role", "caseworker", "--organisation", "org-lecce")
    refusals = {
        "account_exists": (ANNA, PASSWORD),
        "organisation_not_found": (
            user("luca", "--role", "caseworker", "--organisation", "org-nowhere", "--no-password"),
            None,
        ),
        "weak_password": (user("luca", *luca, "--password-stdin"), "luca-luca-luca-luca"),
        "password_required": (user("luca", *luca), None),
        "invalid_account": (user("luca", "--role", "system", "--no-password"), None),
        "organisation_exists": (("organisation", "create", "org-lecce", "--name", "Again"), None),
        "invalid_organisation": (("organisation", "create", "org lecce", "--name", "x"), None),
        "account_not_found": (("user", "token", "nobody"), None),
    }
    more = {
        ("account_not_found", "passwd"): ("user", "passwd", "nobody", "--password-stdin"),
        ("account_not_found", "deactivate"): ("user", "deactivate", "nobody"),
    }
    cases = [(code, args, given) for code, (args, given) in refusals.items()]
    cases += [(code, args, None) for (code, _), args in more.items()]

    ran = [
        await in_process(*args, env=admin.env, input=None if given is None else f"{given}\n")
        for _, args, given in cases
    ]

    for (code, _, _), result in zip(cases, ran, strict=True):
        assert result.code == 2, result
        assert result.stderr.startswith(f"error: {code}: "), result
        assert result.stdout == "", result
    assert await admin.tables() == before


async def test_a_new_password_and_a_deactivation_take_effect_at_once(admin: Admin) -> None:
    await with_lecce(admin)
    await given(admin, *ANNA, input=f"{PASSWORD}\n")
    token = (await given(admin, "user", "token", "anna")).strip()

    changed = await admin.ok(
        "user",
        "passwd",
        "anna",
        "--password-stdin",
        "--keep-sessions",
        input="a new passphrase\n",
    )

    assert changed == "password of anna changed; sessions and tokens kept\n"
    assert await sign_in(admin.accounts, "anna", PASSWORD) is None
    assert await sign_in(admin.accounts, "anna", "a new passphrase") is not None
    now = datetime.now(UTC)
    assert await account_for_token(admin.accounts, token, now) is not None  # kept, as asked

    assert await admin.ok("user", "deactivate", "anna") == "anna deactivated; 1 token revoked\n"

    assert await account_for_token(admin.accounts, token, now) is None
    assert await sign_in(admin.accounts, "anna", "a new passphrase") is None
    refused = await in_process("user", "token", "anna", env=admin.env)
    assert refused.code == 2 and refused.stderr.startswith("error: invalid_account: "), refused
    assert "deactivated" in await given(admin, "user", "list")


def typed_at_a_terminal(admin: Admin, args: tuple[str, ...], lines: list[str]) -> tuple[int, str]:
    """Run `pathways <args>` on a pseudo-terminal, typing `lines` at its prompts.

    Returns the exit code and everything the terminal showed (the prompts, the errors).
    """
    controller, terminal = pty.openpty()
    # A new session: no controlling terminal, so getpass falls back to the pty on stdin
    # instead of opening the /dev/tty of whoever runs the tests.
    process = subprocess.Popen(
        [PATHWAYS, *args],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=terminal,
        env=admin.env,
        cwd=admin.workdir,
        start_new_session=True,
    )
    os.close(terminal)
    shown = b""

    def read(timeout: float) -> bool:
        """Add what the terminal shows within `timeout` seconds; False once it is closed."""
        nonlocal shown
        if not select.select([controller], [], [], timeout)[0]:
            return True
        try:
            chunk = os.read(controller, 1024)
        except OSError:  # every process on the terminal has exited
            return False
        shown += chunk
        return bool(chunk)

    try:
        for prompt, line in zip((b"Password: ", b"Password again: "), lines, strict=False):
            # The prompt is complete once the echo is off: what is typed before is flushed.
            deadline = time.monotonic() + 30
            while prompt not in shown:
                if time.monotonic() > deadline or not read(deadline - time.monotonic()):
                    pytest.fail(f"no prompt {prompt!r} on the terminal: {shown!r}")
            shown = shown.replace(prompt, b"", 1)
            os.write(controller, line.encode() + b"\n")
        stdout, _ = process.communicate(timeout=60)
        while read(0.2):
            pass
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(controller)
    return process.returncode, stdout.decode() + shown.decode(errors="replace")


async def test_the_password_is_typed_twice_at_a_hidden_prompt(admin: Admin) -> None:
    await with_lecce(admin)
    args = (*ANNA[:-1],)  # without --password-stdin

    code, shown = await asyncio.to_thread(typed_at_a_terminal, admin, args, [PASSWORD] * 2)

    assert code == 0, shown
    assert "created anna" in shown and PASSWORD not in shown, shown
    assert await sign_in(admin.accounts, "anna", PASSWORD) is not None

    before = await admin.tables()
    code, shown = await asyncio.to_thread(
        typed_at_a_terminal, admin, ("user", "passwd", "anna"), ["a new passphrase", "a typo"]
    )
    assert code == 2 and "error: password_mismatch: " in shown, shown
    assert "a new passphrase" not in shown
    assert await admin.tables() == before
