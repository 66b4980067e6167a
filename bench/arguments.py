"""Argument types of the bench's command lines: a bounded number, a rising list of counts."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def bounded(kind: type[int] | type[float], low: float, high: float) -> Any:
    """An argparse type: a number of `kind` from `low` to `high`."""

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text} is not between {low} and {high}")
        return value

    return parse


def rising_counts(text: str) -> tuple[int, ...]:
    """An argparse type: counts, comma-separated, each positive and none below the one
    before (`1000,10000`)."""
    try:
        counts = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of counts: {text!r}") from None
    if not counts or any(c <= 0 for c in counts) or list(counts) != sorted(counts):
        raise argparse.ArgumentTypeError(f"counts must be positive and rising: {text!r}")
    return counts


def write_json(result: dict[str, Any], out: Path | None) -> None:
    """A command line's result as indented JSON: in `out`, or on stdout without it."""
    text = json.dumps(result, indent=2, default=str) + "\n"
    if out is None:
        print(text, end="")
    else:
        out.write_text(text)
