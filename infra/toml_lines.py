"""Where each key, table and array element of a TOML document is written, by line.

tomllib returns values without positions, and pydantic reports a validation error by path
(`("revisions", 1, "deadlines", "baseline")`). `key_lines` scans a document that tomllib
has already accepted and maps every path it writes down to its line, so that `line_of` can
name the line of the deepest part of an error's path that appears in the file.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping, Sequence

KeyPath = tuple[str | int, ...]

_BARE_KEY = frozenset(string.ascii_letters + string.digits + "_-")
_SCALAR_END = frozenset(",]}\n#")


def key_lines(text: str) -> dict[KeyPath, int]:
    """Path → line (from 1) of every key, table header and array element in `text`.

    An array of tables maps to the header of its first element, each element to its own
    header. `text` must be valid TOML: the scan does not check it again.
    """
    return _Scanner(text).scan()


def line_of(lines: Mapping[KeyPath, int], path: Sequence[str | int]) -> int | None:
    """The line of the longest prefix of `path` written in the document, if any.

    A missing key points at its table's header; an unknown one at its own line.
    """
    for end in range(len(path), 0, -1):
        found = lines.get(tuple(path[:end]))
        if found is not None:
            return found
    return None


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.lines: dict[KeyPath, int] = {}
        self.arrays: dict[KeyPath, int] = {}
        """Each array of tables seen so far, with its number of elements."""

    def scan(self) -> dict[KeyPath, int]:
        table: KeyPath = ()
        while True:
            self._skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return self.lines
            if self._peek() == "[":
                table = self._header()
            else:
                self._key_value(table)

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _advance_to(self, end: int) -> None:
        end = min(end, len(self.text))
        self.line += self.text.count("\n", self.pos, end)
        self.pos = end

    def _advance(self, count: int = 1) -> None:
        self._advance_to(self.pos + count)

    def _skip_blank(self, *, newlines: bool) -> None:
        """Skip spaces, tabs and comments (and line breaks when `newlines`)."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t" or (newlines and char in "\r\n"):
                self._advance()
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self._advance_to(len(self.text) if end < 0 else end)
            else:
                return

    def _header(self) -> KeyPath:
        """A `[table]` or `[[array.of.tables]]` header; returns the table's path."""
        line = self.line
        array = self.text.startswith("[[", self.pos)
        self._advance(2 if array else 1)
        keys = self._dotted_key()
        self._skip_blank(newlines=False)
        self._advance(2 if array else 1)
        path = (*self._within_latest(keys[:-1]), keys[-1])
        if array:
            index = self.arrays.get(path, 0)
            self.arrays[path] = index + 1
            self.lines.setdefault(path, line)
            path += (index,)
        self.lines.setdefault(path, line)
        return path

    def _within_latest(self, keys: Sequence[str]) -> KeyPath:
        """A header's parent path, through the latest element of each array of tables.

        Parents that no header of their own declares are written by this one.
        """
        path: KeyPath = ()
        for key in keys:
            path += (key,)
            self.lines.setdefault(path, self.line)
            if path in self.arrays:
                path += (self.arrays[path] - 1,)
        return path

    def _key_value(self, table: KeyPath) -> None:
        line = self.line
        keys = self._dotted_key()
        for end in range(1, len(keys) + 1):  # `a.b = 1` writes table `a` too
            self.lines.setdefault(table + tuple(keys[:end]), line)
        path = table + tuple(keys)
        self._skip_blank(newlines=False)
        if self._peek() == "=":
            self._advance()
        self._skip_blank(newlines=False)
        self._value(path)

    def _dotted_key(self) -> list[str]:
        keys: list[str] = []
        while True:
            self._skip_blank(newlines=False)
            keys.append(self._simple_key())
            self._skip_blank(newlines=False)
            if self._peek() != ".":
                return keys
            self._advance()

    def _simple_key(self) -> str:
        if self._peek() in ("'", '"'):
            start = self.pos
            self._string()
            # Quoted keys are rare: let tomllib decode their escapes exactly.
            decoded: str = tomllib.loads(f"k = {self.text[start : self.pos]}")["k"]
            return decoded
        start = self.pos
        while self._peek() and self._peek() in _BARE_KEY:
            self._advance()
        if self.pos == start:  # not a key: step over it rather than loop
            self._advance()
        return self.text[start : self.pos]

    def _value(self, path: KeyPath) -> None:
        match self._peek():
            case "'" | '"':
                self._string()
            case "[":
                self._array(path)
            case "{":
                self._inline_table(path)
            case _:  # number, boolean, date and time (which may hold a space)
                while self._peek() and self._peek() not in _SCALAR_END:
                    self._advance()

    def _array(self, path: KeyPath) -> None:
        self._advance()
        index = 0
        while True:
            self._skip_blank(newlines=True)
            char = self._peek()
            if char in ("]", ""):
                self._advance()
                return
            if char == ",":
                self._advance()
                continue
            self.lines.setdefault((*path, index), self.line)
            self._value((*path, index))
            index += 1

    def _inline_table(self, path: KeyPath) -> None:
        self._advance()
        while True:
            self._skip_blank(newlines=True)
            char = self._peek()
            if char in ("}", ""):
                self._advance()
                return
            if char == ",":
                self._advance()
                continue
            self._key_value(path)

    def _string(self) -> None:
        """Step over a string of any of TOML's four kinds."""
        quote = self._peek()
        text, start = self.text, self.pos
        if text.startswith(quote * 3, start):
            end = start + 3
            while True:
                if quote == '"' and text[end : end + 1] == "\\":
                    end += 2
                    continue
                if text.startswith(quote * 3, end) or end >= len(text):
                    break
                end += 1
            end += 3
            # Up to two quotes may end the content just before the closing delimiter.
            for _ in range(2):
                if text[end : end + 1] == quote:
                    end += 1
        else:
            end = start + 1
            while end < len(text) and text[end] != quote:
                end += 2 if quote == '"' and text[end] == "\\" else 1
            end += 1
        self._advance_to(end)
