"""`make chaos`: steady load, money included, while the worker, the web process, Temporal and
PostgreSQL fail; then the invariants.

Everything runs on loopback under a temporary directory (`tests/chaos/stack.py`): an
embedded PostgreSQL, the Temporal dev server (SQLite file, so a restart keeps its state),
`pathways worker` and `pathways web` as subprocesses. The load (`load.py`) sends commands
over HTTP, retrying each with the same `command_id` until it is answered: openings
back-dated 20 days and notes, and pathways taken to payments that a caseworker requests
and a supervisor (and, above the threshold, the coordinator) approves. A bank (`bank.py`)
takes the SEPA exports and answers with statements — paid, returned, paid then returned —
imported through `pathways payments`; a returned payment is corrected and approved again.
Faults are injected in turn, evenly over `--duration` seconds (outages included): `kill -9`
of the worker, `kill -9` of the web process, a restart of Temporal, PostgreSQL stopped for
`--pg-outage` seconds. Then the load stops, the bank settles what is left, and the
invariants (`invariants.py`) are checked; each violation is printed.

Usage: python -m tests.chaos.run [--duration 270] [--faults 24] [--pg-outage 30]
Exit status 0 when there are no violations. Every process the run started is stopped when
it ends, however it ends.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx

from tests.chaos.bank import Bank
from tests.chaos.load import Load, MoneyClient, case_client
from tests.chaos.stack import Stack

CYCLE = (
    "kill_worker",
    "kill_web",
    "restart_temporal",
    "stop_postgres",
    "kill_worker",
    "kill_web",
)
"""The faults in turn: four in a row are one of each (the smoke test's four)."""
SETTLING_ROUNDS = 4
"""Bank rounds after the load: a late return is corrected, approved again, paid."""


async def main(args: argparse.Namespace) -> int:
    """Run the stack, the load, the bank and the faults; print figures and violations."""
    from infra.accounts.postgres import PostgresAccountStore
    from infra.budgets.file import load_budget
    from infra.db import open_pool
    from infra.eventstore.postgres import PostgresEventStore
    from infra.migrate import migrate
    from infra.payments.book import BankAccount
    from infra.payments.postgres import PaymentsStore
    from tests.chaos.invariants import check
    from tests.web.staff import add_staff
    from workers.composition import payments_book

    outages = sum(CYCLE[n % len(CYCLE)] == "stop_postgres" for n in range(args.faults))
    gap = (args.duration - outages * args.pg_outage) / max(args.faults, 1)
    if gap <= 0:
        raise SystemExit("--duration must leave time between the faults beyond the outages")
    stack = Stack.in_temporary_directory(args.tmp_dir)
    faults: Counter[str] = Counter()
    load = Load()
    rng = random.Random(args.seed)
    tasks: list[asyncio.Task[None]] = []
    try:
        await stack.start_servers()
        await migrate(stack.database_url)
        pool = await open_pool(stack.database_url, 1, 2)
        try:
            await add_staff(PostgresAccountStore(pool))
            now = datetime.now(UTC)
            await PostgresEventStore(pool).budget.apply_budget(
                load_budget(None), changed_by="chaos", changed_at=now, source="default"
            )
            account = BankAccount(
                organisation_id="org-lecce",
                debtor_name="Partner di Lecce",
                iban="IT60X0542811101000000123456",
                bic=None,
            )
            await payments_book(PaymentsStore(pool)).set_account(account, now)
        finally:
            await pool.close()
        stack.start_processes()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{stack.web_port}") as http:
            await wait_ready(http, 120)
            stop = asyncio.Event()
            returned: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
            money = [
                MoneyClient(http, load, random.Random(rng.random()), returned)
                for _ in range(args.money_clients)
            ]
            bank = Bank(
                stack.env,
                stack.database_url,
                stack.root / "bank",
                load,
                random.Random(rng.random()),
                returned,
            )
            tasks += [
                asyncio.create_task(case_client(http, load, stop, random.Random(rng.random())))
                for _ in range(args.clients)
            ]
            tasks += [asyncio.create_task(client.run(stop)) for client in money]
            tasks.append(asyncio.create_task(bank.run(stop, args.bank_every)))
            started = time.monotonic()
            for n in range(args.faults):
                await asyncio.sleep(gap)
                fault = CYCLE[n % len(CYCLE)]
                print(f"[{time.monotonic() - started:6.1f}s] fault {n + 1}: {fault}", flush=True)
                if fault == "kill_worker":
                    stack.worker.kill9()
                elif fault == "kill_web":
                    stack.web.kill9()
                elif fault == "restart_temporal":
                    await stack.restart_temporal()
                elif fault == "stop_postgres":
                    await stack.stop_postgres(args.pg_outage)
                faults[fault] += 1
            stop.set()
            await asyncio.gather(*tasks)
            await wait_ready(http, 120)
            for _ in range(SETTLING_ROUNDS):
                for client in money[:1]:
                    await client.correct_returned()
                await bank.round(final=True)
                if bank.settled and returned.empty():
                    break
            violations = await check(http, load, bank, stack)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await stack.close(keep=args.keep)

    violations += [f"refused: {refusal}" for refusal in load.refused]
    violations += [f"given up: {load.gave_up} commands"] if load.gave_up else []
    violations += [f"bank: {failure}" for failure in bank.failures]
    answers = list(bank.said.values())
    print()
    print(f"commands sent:         {load.sent}")
    print(f"commands acknowledged: {len(load.acknowledged)}")
    print(f"retries (same id):     {load.retries}")
    print(f"given up:              {load.gave_up}")
    print(f"pathways opened:       {len(load.pathways)} ({len(load.money_pathways)} with money)")
    print(f"payments requested:    {len(load.payments)}")
    print(
        f"bank answers:          {sum(a[-1] == 'paid' for a in answers)} paid,"
        f" {sum('returned' in a for a in answers)} returned"
        f" ({sum(a == ['paid', 'returned'] for a in answers)} after being paid)"
    )
    print(f"SEPA batches:          {len(bank.batches)} ({sum(bank.received.values())} transfers)")
    print(f"statements imported:   {bank.statements} (each twice)")
    print(f"faults injected:       {sum(faults.values())} {dict(faults)}")
    print(f"process restarts:      { {p.name: p.starts - 1 for p in stack.processes} }")
    for violation in violations:
        print(f"VIOLATION: {violation}")
    print(f"violations:            {len(violations)}")
    return 1 if violations else 0


async def wait_ready(http: httpx.AsyncClient, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if (await http.get("/readyz", timeout=5)).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.5)
    raise RuntimeError(f"the web app was not ready within {seconds} s")


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--duration", type=float, default=270.0, help="seconds of faults, outages included"
    )
    parser.add_argument("--faults", type=int, default=24)
    parser.add_argument("--pg-outage", type=float, default=30.0, help="seconds PostgreSQL is down")
    parser.add_argument("--clients", type=int, default=4, help="clients opening and noting")
    parser.add_argument("--money-clients", type=int, default=2, help="clients of payments")
    parser.add_argument("--bank-every", type=float, default=15.0, help="seconds between rounds")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument(
        "--tmp-dir", type=Path, default=Path("/tmp"), help="where its directory is made (short)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return parser


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parser().parse_args())))
