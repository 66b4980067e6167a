"""The suite's results as they come: every part's figures written to disk when it ends.

A full run takes over an hour; a part that fails late (the fifth full run of 7 December
stopped in its eviction part after 65 minutes) must not take the parts before it along.
`Checkpointed` is the results dict of one run, written whole to `results.partial.json`
each time a part's figures are set (or `save()` after one is appended to); the suite
removes the file once it has written `results.json`, so one left behind is the record of
a run that did not finish, to be read with the error it stopped on.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

PARTIAL = "results.partial.json"


class Checkpointed(dict[str, Any]):
    """A dict of results that writes itself to `path` at each top-level assignment."""

    def __init__(self, path: Path, **figures: Any) -> None:
        super().__init__(figures)
        self.path = path
        self.save()

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.save()

    def save(self) -> None:
        """Write the figures so far; a new file replaces the old at once, never half-written."""
        written = self.path.with_suffix(".tmp")
        written.write_text(json.dumps(self, indent=2, default=str) + "\n")
        os.replace(written, self.path)

    def failed(self, error: BaseException) -> None:
        """Record what stopped the run beside the parts that ended before it."""
        self["stopped_by"] = f"{type(error).__name__}: {error}"
