"""Half a minute of `make chaos` in `make test`: load with money, one fault of each kind.

The load opens pathways, adds notes and takes pathways to payments that a supervisor (and
above the threshold the coordinator) approves; the bank takes the SEPA exports and
answers with statements; meanwhile the worker and the web process are killed with
SIGKILL, Temporal is restarted and PostgreSQL stopped. Then every invariant of
`tests/chaos/invariants.py` holds, the ledger's included, and no process the run started
is left behind — also when the run fails halfway.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chaos import run

pytestmark = pytest.mark.integration

SMOKE = (
    *("--duration", "24", "--faults", "4", "--pg-outage", "3"),
    *("--clients", "1", "--bank-every", "10"),
)
"""Four faults (one of each kind) in 24 s, PostgreSQL down 3 s, beside one client opening
and noting and two taking pathways to payments, and two bank rounds under load (at 10 s
and 20 s: a payment returned in the first can be corrected before the second) before the
settling ones: each fault still meets load and money in flight, with about half the
commands and `pathways` processes of the 40 s, two case clients and five bank rounds this
ran before (docs/testing.md)."""
LIMIT = 1200.0
"""Seconds after which the smoke run is cancelled (it takes about three)."""


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A short directory: PostgreSQL's socket path must fit in 107 bytes."""
    path = Path(tempfile.mkdtemp(prefix="chs", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def processes_in(root: Path) -> list[str]:
    """The processes whose command line or working directory is under `root`."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            cwd = os.readlink(proc / "cwd")
        except (OSError, UnicodeDecodeError):
            continue
        if str(root) in command or cwd.startswith(str(root)):
            found.append(f"{proc.name}: {command}")
    return found


async def test_a_fault_of_each_kind_under_load_with_money_breaks_no_invariant(
    short_tmp: Path,
) -> None:
    args = run.parser().parse_args([*SMOKE, "--tmp-dir", str(short_tmp)])

    code = await asyncio.wait_for(run.main(args), LIMIT)

    assert code == 0, "violations: see the captured output"
    assert processes_in(short_tmp) == []


async def test_a_run_that_fails_halfway_leaves_no_process_behind(
    short_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def never_ready(*_: object) -> None:
        assert processes_in(short_tmp), "the worker, web, Temporal and PostgreSQL run"
        raise RuntimeError("the web app was not ready")

    monkeypatch.setattr(run, "wait_ready", never_ready)
    args = run.parser().parse_args([*SMOKE, "--tmp-dir", str(short_tmp)])

    with pytest.raises(RuntimeError, match="not ready"):
        await asyncio.wait_for(run.main(args), LIMIT)

    assert processes_in(short_tmp) == []
    assert list(short_tmp.iterdir()) == []
