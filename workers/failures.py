"""The two ways a CLI command fails, each with its exit code.

`Refused` (exit 2): the person asked for something wrong (a malformed or refused command,
an unknown pathway); the code is the domain's stable error code. `Unavailable` (exit 1):
the infrastructure could not be reached, and retrying later may help.
"""

from __future__ import annotations


class Refused(Exception):
    """A refused or invalid request, with its error code and, when one is at fault, the field."""

    exit_code = 2

    def __init__(
        self, code: str, message: str, field: str | None = None, more: tuple[str, ...] = ()
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.field = code, message, field
        self.more = more
        """Further problems of the same request, one line each, after the first."""

    def describe(self) -> str:
        """`<code>: <message> (field: <path>)`, then one indented line per further problem."""
        suffix = f" (field: {self.field})" if self.field else ""
        return "\n".join([f"{self.code}: {self.message}{suffix}", *(f"  {m}" for m in self.more)])


class Unavailable(Exception):
    """Temporal or the database could not be reached or used; the message says which and why."""

    exit_code = 1

    def describe(self) -> str:
        return str(self)
