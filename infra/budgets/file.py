"""Budget lines from TOML files: the shipped default, or a file given to `pathways budget`.

A file is taken whole or refused whole, naming the file and the line at fault
(`infra.toml_files`, shared with the deadline policy and the indicator targets).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from pydantic import ValidationError

from domain.payments.ledger import PaymentKind, budget_line_id
from infra.budgets.model import BudgetLine
from infra.toml_files import TomlDocument, TomlFileError, parse_toml, read_toml
from infra.toml_lines import KeyPath

SHIPPED = "budgets/default.toml"
SHIPPED_NAME = f"infra/{SHIPPED}"
KNOWN_LINES = frozenset(budget_line_id(kind) for kind in PaymentKind)


INVALID_BUDGET = "invalid_budget"


class BudgetFileError(TomlFileError):
    """A budget file that cannot be used: which file, which line, why (`invalid_budget`)."""

    code = INVALID_BUDGET


def load_budget(path: Path | None) -> list[BudgetLine]:
    """The budget lines in the TOML file at `path`; the shipped default when None.

    Raises:
        BudgetFileError: the file cannot be read, is not TOML, or is not a valid budget.
    """
    return _budget(read_toml(path, SHIPPED, BudgetFileError))


def parse_budget(data: bytes, name: str) -> list[BudgetLine]:
    """The budget lines of a TOML document, by line id.

    Raises:
        BudgetFileError: not UTF-8, not TOML, an unknown line, or a bad amount or label.
    """
    return _budget(parse_toml(data, name, BudgetFileError))


def _budget(document: TomlDocument) -> list[BudgetLine]:
    def fail(path: KeyPath, message: str) -> BudgetFileError:
        return BudgetFileError(document.name, document.line(path), message)

    found: list[BudgetLine] = []
    for package, kinds in document.data.items():
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
