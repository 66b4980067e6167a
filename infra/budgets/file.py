"""Budget lines from TOML files: the shipped default, or a file given to `pathways budget`.

A file is taken whole or refused whole, naming the file and the line at fault (see
`infra.policy_file` for the same pattern with the deadline policy).
"""

from __future__ import annotations

import tomllib
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from domain.payments.ledger import PaymentKind, budget_line_id
from infra.budgets.model import BudgetLine
from infra.toml_lines import KeyPath, key_lines, line_of

SHIPPED_NAME = "infra/budgets/default.toml"
KNOWN_LINES = frozenset(budget_line_id(kind) for kind in PaymentKind)


class BudgetFileError(Exception):
    """A budget file that cannot be used: which file, which line, why."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path, self.line, self.message = str(path), line, message
        super().__init__(self.path, line, message)

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}, line {self.line}"
        return f"{where}: {self.message}"


def load_budget(path: Path | None) -> list[BudgetLine]:
    """The budget lines in the TOML file at `path`; the shipped default when None.

    Raises:
        BudgetFileError: the file cannot be read, is not TOML, or is not a valid budget.
    """
    if path is None:
        shipped = resources.files("infra").joinpath("budgets").joinpath("default.toml")
        return parse_budget(shipped.read_bytes(), SHIPPED_NAME)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise BudgetFileError(path, None, f"cannot read it: {err.strerror or err}") from None
    return parse_budget(data, str(path))


def parse_budget(data: bytes, name: str) -> list[BudgetLine]:
    """The budget lines of a TOML document, by line id.

    Raises:
        BudgetFileError: not UTF-8, not TOML, an unknown line, or a bad amount or label.
    """
    try:
        text = data.decode("utf-8")
        document = tomllib.loads(text)
    except UnicodeDecodeError as err:
        raise BudgetFileError(name, data.count(b"\n", 0, err.start) + 1, "not UTF-8") from None
    except tomllib.TOMLDecodeError as err:
        raise BudgetFileError(name, None, f"not valid TOML: {err}") from None
    lines = key_lines(text)

    def fail(path: KeyPath, message: str) -> BudgetFileError:
        return BudgetFileError(name, line_of(lines, path) or 1, message)

    found: list[BudgetLine] = []
    for package, kinds in document.items():
        if not isinstance(kinds, dict):
            raise fail((package,), f"{package}: expected tables [{package}.<kind>]")
        for kind, fields in kinds.items():
            path: KeyPath = (package, kind)
            line_id = f"{package}.{kind}"
            if line_id not in KNOWN_LINES:
                known = ", ".join(sorted(KNOWN_LINES))
                raise fail(path, f"{line_id}: no payment is spent from it (lines: {known})")
            if not isinstance(fields, dict):
                raise fail(path, f"{line_id}: expected a table with `euros` and `label`")
            unknown = set(fields) - {"euros", "label"}
            if unknown:
                key = sorted(unknown)[0]
                raise fail((*path, key), f"{line_id}.{key}: unknown key (use euros, label)")
            if "euros" not in fields:
                raise fail(path, f"{line_id}: `euros` is missing")
            cents = _cents(fields["euros"])
            if cents is None:
                raise fail(
                    (*path, "euros"),
                    f'{line_id}.euros: expected a whole number or a string like "1234.50"',
                )
            try:
                found.append(
                    BudgetLine(line_id=line_id, label=fields.get("label", ""), amount=cents)
                )
            except ValidationError as err:
                problem = err.errors(include_url=False)[0]
                key = "euros" if problem["loc"] == ("amount",) else str(problem["loc"][0])
                raise fail((*path, key), f"{line_id}.{key}: {problem['msg']}") from None
    return sorted(found, key=lambda line: line.line_id)


def _cents(value: object) -> int | None:
    """Euros (an int, or a decimal string of at most two decimals) in cents; None if neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value * 100
    if not isinstance(value, str):
        return None
    try:
        euros = Decimal(value.replace("_", ""))
    except InvalidOperation:
        return None
    if not euros.is_finite() or euros != euros.quantize(Decimal("0.01")):
        return None
    return int(euros * 100)
