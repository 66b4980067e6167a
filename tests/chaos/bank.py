"""The bank of `make chaos`: it takes the SEPA files the organisation exports and answers
with statements, through the CLI an operator uses (`pathways payments ...`).

A round exports the approved payments (`payments export`), writes again the file of any
batch recorded without one (`export --batch`: an export that lost its process between
its commit and its file), pays what the files hold, returns some (at once, or after
booking them paid: a return that comes a statement later), and imports the statement
(`payments import-statement`, which starts the import's workflow, keyed by the file's
hash, and follows it while it settles the ledger and tells the pathways) — then imports it
once more, which must start nothing and answer with the first import's result. Each
command is run again until it succeeds: faults make them fail with exit code 1. What the
bank said is kept, for the invariants to hold the ledger and the pathways to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from domain.calendar import project_day
from infra.payments.model import entry_id_for
from tests.chaos.load import ORGANISATION, SUPERVISOR, Load
from tests.chaos.stack import BIN

CSV_HEADER = "date,end_to_end_id,amount,status,bank_reference,reason\n"
RETRY_PAUSE = 1.0
COMMAND_TIMEOUT = 180.0


@dataclass
class Ran:
    code: int
    out: str
    err: str


async def pathways_cli(env: dict[str, str], cwd: Path, *args: str) -> Ran:
    """`pathways <args>`, killed if it outlives COMMAND_TIMEOUT (then exit code -1) or the
    run is cancelled."""
    process = await asyncio.create_subprocess_exec(
        str(BIN / "pathways"),
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), COMMAND_TIMEOUT)
    except TimeoutError:
        return Ran(-1, "", f"no answer within {COMMAND_TIMEOUT:g} s")  # tried again
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
    return Ran(process.returncode or 0, out.decode(), err.decode())


def transfers(path: Path) -> list[tuple[str, int]]:
    """(end-to-end id, cents) of each credit transfer of a pain.001 file."""
    found = []
    for element in ET.parse(path).iter():
        if element.tag.endswith("}CdtTrfTxInf"):
            e2e = next(e.text for e in element.iter() if e.tag.endswith("}EndToEndId"))
            amount = next(e.text for e in element.iter() if e.tag.endswith("}InstdAmt"))
            whole, _, cents = (amount or "").partition(".")
            found.append((e2e or "", int(whole) * 100 + int(cents.ljust(2, "0"))))
    return found


@dataclass
class Bank:
    env: dict[str, str]
    database_url: str
    folder: Path
    load: Load
    rng: random.Random
    returned: asyncio.Queue[tuple[str, str]]
    """Where the payments it returned go, once their pathways know (to be corrected)."""
    received: Counter[str] = field(default_factory=Counter)
    """End-to-end id → how many files asked for it (exactly one, or a payment twice)."""
    batches: set[str] = field(default_factory=set)
    """The batches whose file the bank holds."""
    amounts: dict[str, int] = field(default_factory=dict)
    """End-to-end id → cents, as the file asked."""
    said: dict[str, list[str]] = field(default_factory=dict)
    """End-to-end id → the outcomes its statements gave, in order (paid, returned)."""
    late_returns: list[str] = field(default_factory=list)
    """Paid in one statement, returned in the next."""
    statements: int = 0
    failures: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        (self.folder / "files").mkdir(parents=True, exist_ok=True)

    async def run(self, stop: asyncio.Event, every: float) -> None:
        """A round every `every` seconds until `stop`, the first after `every` seconds: at
        the start nothing is approved yet, and a round is a `pathways` process or more
        (the settling rounds after the load follow in any case)."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
            if stop.is_set():
                return
            await self.round(final=False)

    async def round(self, *, final: bool) -> None:
        """Export, fetch missing files, answer what is new; `final` returns nothing new."""
        deadline = time.monotonic() + 4 * COMMAND_TIMEOUT
        await self._export(deadline)
        await self._files_of_every_batch(deadline)
        lines = self._answer_new_files(final)
        if lines:
            await self._import(lines, deadline)

    @property
    def settled(self) -> bool:
        return not self.late_returns

    async def _cli(self, deadline: float, *args: str, done: str = "") -> Ran | None:
        """Run until exit 0 (or exit 2 with the refusal `done`); None past `deadline`."""
        while time.monotonic() < deadline:
            ran = await pathways_cli(self.env, self.folder, *args)
            if ran.code == 0 or (done and ran.code == 2 and f"error: {done}:" in ran.err):
                return ran
            if ran.code == 2:
                self.failures.append(f"pathways {' '.join(args)}: {ran.err.strip()[:300]}")
                return None
            await asyncio.sleep(RETRY_PAUSE)
        self.failures.append(f"pathways {' '.join(args)}: still failing at the deadline")
        return None

    async def _export(self, deadline: float) -> None:
        await self._cli(
            deadline,
            *("payments", "export", "--organisation", ORGANISATION),
            *("--out", str(self.folder / "files"), "--actor", SUPERVISOR),
            done="nothing_to_export",
        )

    async def _files_of_every_batch(self, deadline: float) -> None:
        """Write again the file of each batch recorded without one (`export --batch`)."""
        recorded: list[str] = []
        while time.monotonic() < deadline:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self.database_url, connect_timeout=5
                ) as conn:
                    cur = await conn.execute("SELECT batch_id FROM payment_batches")
                    recorded = [str(row[0]) for row in await cur.fetchall()]
                break
            except psycopg.OperationalError:
                await asyncio.sleep(RETRY_PAUSE)
        for batch_id in recorded:
            if not (self.folder / "files" / f"{batch_id}.xml").exists():
                print(f"batch {batch_id} has no file: written again", flush=True)
                await self._cli(
                    deadline,
                    *("payments", "export", "--batch", batch_id),
                    *("--out", str(self.folder / "files")),
                )

    def _answer_new_files(self, final: bool) -> list[str]:
        """Statement lines: every transfer of the new files, and the late returns."""
        late, self.late_returns = self.late_returns, []
        new: list[str] = []
        for path in sorted((self.folder / "files").glob("*.xml")):
            if path.stem not in self.batches:
                self.batches.add(path.stem)
                for e2e, cents in transfers(path):
                    self.received[e2e] += 1
                    self.amounts[e2e] = cents
                    new.append(e2e)
        lines: list[str] = []
        today = project_day(datetime.now(UTC)).isoformat()
        for e2e in [*new, *late]:
            draw = 1.0 if final or e2e in late else self.rng.random()
            outcome = "returned" if e2e in late or draw < 0.15 else "paid"
            if 0.15 <= draw < 0.25:
                self.late_returns.append(e2e)
            cents = self.amounts[e2e]
            reason = "AC04" if outcome == "returned" else ""
            lines.append(
                f"{today},{e2e},{cents // 100}.{cents % 100:02d},"
                f"{outcome},CHAOS-{sum(map(len, self.said.values())):06d},{reason}\n"
            )
            self.said.setdefault(e2e, []).append(outcome)
        return lines

    async def _import(self, lines: list[str], deadline: float) -> None:
        """Import until the pathways are told; then once more, which must change nothing."""
        self.statements += 1
        path = self.folder / f"statement-{self.statements:03d}.csv"
        path.write_text(CSV_HEADER + "".join(lines))
        args = ("payments", "import-statement", str(path))
        ran = None
        while time.monotonic() < deadline:
            ran = await self._cli(deadline, *args)
            # The import is a workflow: run again, the command follows the same import.
            if ran is None or "pathways told:" in ran.out:
                break
            await asyncio.sleep(RETRY_PAUSE)
        if ran is None or "pathways told:" not in ran.out:
            self.failures.append(f"{path.name}: the pathways were never told")
            return
        if " 0 refused" not in ran.out:
            self.failures.append(f"{path.name}: {ran.out.strip()} {ran.err.strip()[:300]}")
        # The same file again starts nothing: the first import's result answers.
        again = await self._cli(deadline, *args)
        if again is not None and again.out != ran.out:
            self.failures.append(
                f"{path.name} imported again: {again.out.strip()!r}, first {ran.out.strip()!r}"
            )
        for line in lines:
            _, e2e, _, outcome, *_ = line.split(",")
            if outcome == "returned":
                payment_id = entry_id_for(e2e).rsplit("/", 1)[0]
                await self.returned.put((self.load.payments[payment_id], payment_id))
