"""What the TOML settings files share: reading one, and naming the file and line at fault.

The policy (`infra.policy_file`), the budget (`infra.budgets.file`) and the indicator
targets (`infra.indicators.targets`) are each taken whole or refused whole. Each has an
error of its own (a subclass of `TomlFileError`, so that each entry point keeps its code),
and reads its document through `read_toml`, which refuses an unreadable file, text that is
not UTF-8 and TOML syntax errors the same way for all three. What the document means is
each loader's own business; `TomlDocument.line` finds the line that a problem names.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from infra.toml_lines import KeyPath, key_lines, line_of

_TOML_ERROR = re.compile(
    r"^(?P<message>.*?) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$",
    re.DOTALL,
)


class TomlFileError(Exception):
    """A settings file that cannot be used: which file, which line (when one is at fault), why."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path, self.line, self.message = str(path), line, message
        super().__init__(self.path, line, message)

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}, line {self.line}"
        return f"{where}: {self.message}"


Error = TypeVar("Error", bound=TomlFileError)


@dataclass(frozen=True)
class TomlDocument:
    """A TOML document that tomllib accepted, with where it came from."""

    name: str
    """The file's path, or how messages name a shipped default (`infra/policies/...`)."""
    text: str
    data: dict[str, Any]

    @functools.cached_property
    def _lines(self) -> dict[KeyPath, int]:
        return key_lines(self.text)

    def line(self, path: KeyPath) -> int:
        """The line of the deepest part of `path` written in the document (else line 1:
        the document as a whole is at fault)."""
        return line_of(self._lines, path) or 1


def read_toml(path: Path | None, shipped: str, error: type[Error]) -> TomlDocument:
    """The document at `path`; with None, the default shipped as package data at `shipped`
    (a path inside the `infra` package, `policies/default.toml`).

    Raises:
        error: the file cannot be read, is not UTF-8, or is not TOML.
    """
    if path is None:
        data = resources.files("infra").joinpath(shipped).read_bytes()
        return parse_toml(data, f"infra/{shipped}", error)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise error(path, None, f"cannot read it: {err.strerror or err}") from None
    return parse_toml(data, str(path), error)


def parse_toml(data: bytes, name: str, error: type[Error]) -> TomlDocument:
    """The TOML document in `data`; `name` says where it came from in errors.

    Raises:
        error: not UTF-8 (at the line of the first bad byte), or a TOML syntax error (at
            tomllib's line and column).
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise error(name, data.count(b"\n", 0, err.start) + 1, "not UTF-8 text") from None
    try:
        return TomlDocument(name, text, tomllib.loads(text))
    except tomllib.TOMLDecodeError as err:
        raise _syntax_error(name, text, err, error) from None


def _syntax_error(
    name: str, text: str, problem: tomllib.TOMLDecodeError, error: type[Error]
) -> Error:
    match = _TOML_ERROR.match(str(problem))
    if match is None:
        return error(name, None, f"not valid TOML: {problem}")
    if match["line"] is None:  # at the end of the document
        line, where = text.count("\n") + 1, "at the end of the file"
    else:
        line, where = int(match["line"]), f"column {match['column']}"
    return error(name, line, f"not valid TOML, {where}: {match['message']}")
