"""The command lines that measure one lever each refuse bad arguments (exit 2) and a busy
machine (exit 3) before they start anything."""

from __future__ import annotations

from types import ModuleType
from typing import NoReturn

import pytest

import bench.cached_weight as cached_weight
import bench.describe_before_open as describe_before_open
import bench.patches_in_force as patches_in_force

RATE_ARGUMENTS = [["--rounds", "0"], ["--seconds", "x"], ["--clients", "501"], ["--warmup", "-1"]]
WEIGHT_ARGUMENTS = [["--pathways", "0"], ["--warm", "x"], ["--top", "0"], ["--pathways", "100001"]]

LEVERS = [
    (describe_before_open, "compare", RATE_ARGUMENTS),
    (patches_in_force, "compare", RATE_ARGUMENTS),
    (cached_weight, "weigh", WEIGHT_ARGUMENTS),
]
BAD = [
    pytest.param(module, entry, args, id=f"{module.__name__}:{' '.join(args)}")
    for module, entry, arguments in LEVERS
    for args in arguments
]


@pytest.mark.parametrize(("module", "entry", "args"), BAD)
def test_bad_arguments_are_refused_before_anything_starts(
    module: ModuleType, entry: str, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, entry, started)
    with pytest.raises(SystemExit) as refused:
        module.main(args)
    assert refused.value.code == 2


@pytest.mark.parametrize(
    ("module", "entry"), [pytest.param(m, e, id=m.__name__) for m, e, _ in LEVERS]
)
def test_a_busy_machine_is_refused_unless_forced(
    module: ModuleType, entry: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, entry, started)
    monkeypatch.setattr(module, "load_average", lambda: "3.20 2.10 1.00")
    with pytest.raises(SystemExit) as refused:
        module.main([])
    assert refused.value.code == 3


async def started(*args: object, **kwargs: object) -> NoReturn:
    raise AssertionError("the measurement started")
