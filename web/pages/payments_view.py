"""What the payments page shows: money in the reader's language, budget bars, refusals."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import NamedTuple

from babel.numbers import format_currency
from fastapi import Request

from infra.budgets.model import BudgetLineState
from infra.payments.model import PaymentError
from web.i18n import N_
from web.pages.render import language_of

REFUSALS: dict[str, str] = {
    "no_bank_account": N_(
        "This organisation has no bank account to pay from yet: an administrator sets it"
        " in Administration, “Bank account”. Nothing was recorded."
    ),
    "nothing_to_export": N_("There are no approved payments waiting for a batch."),
    "organisation_not_found": N_("There is no such organisation."),
    "invalid_iban": N_(
        "An IBAN is not valid, so no batch was recorded. Correct the payee and try again."
    ),
    "invalid_bic": N_("A BIC is not valid, so no batch was recorded."),
    "unknown_payee": N_("A payment has no payee name, so no batch was recorded."),
    "amount_out_of_range": N_(
        "An amount is not one a transfer can carry (zero, negative or absurd), so no batch"
        " was recorded."
    ),
    "invalid_end_to_end_id": N_("A payment's id cannot travel in a SEPA file."),
    "invalid_date": N_("Enter the date as a calendar date."),
    "invalid_period": N_("The period ends before it starts."),
    "invalid_format": N_("Choose CSV or XLSX."),
    "invalid_statement": N_(
        "The statement could not be read (CSV or camt.053 expected): nothing was changed."
    ),
    "statement_missing": N_("Choose the statement file to import."),
    "statement_too_large": N_("The statement file is too large (at most 5 MB)."),
    "import_unavailable": N_(
        "The import could not be started now (the workflow service does not answer):"
        " nothing was changed. Try again later."
    ),
}
"""What the page says for a refused payment operation, by code (shown with the code)."""
UNKNOWN_REFUSAL = N_("The operation was refused: nothing was recorded.")


class Refusal(NamedTuple):
    code: str
    message: str
    """The msgid: the template translates it."""
    detail: str
    """The technical detail, in English: which entry, which line of the file."""


def refusal(error: PaymentError) -> Refusal:
    return Refusal(error.code, REFUSALS.get(error.code, UNKNOWN_REFUSAL), error.detail)


class BudgetRow(NamedTuple):
    line_id: str
    label: str
    amount: int
    committed: int
    available: int
    mine: int
    """What this organisation's payments (not returned) hold of the line."""
    percent: int
    """Committed share of the amount, 0 to 100, for the bar."""


def budget_rows(lines: Sequence[BudgetLineState], mine: Mapping[str, int]) -> list[BudgetRow]:
    """The project's lines as the page lists them, with the organisation's share."""
    return [
        BudgetRow(
            line_id=line.line_id,
            label=line.label,
            amount=line.amount,
            committed=line.committed,
            available=line.available,
            mine=mine.get(line.line_id, 0),
            percent=min(100, line.committed * 100 // line.amount) if line.amount else 100,
        )
        for line in lines
    ]


def money_formatter(request: Request) -> Callable[[int], str]:
    """Cents as the reader writes euros: `1.234,56 €` in Italian, `€1,234.56` in English."""
    language = language_of(request)

    def money(cents: int) -> str:
        return str(format_currency(Decimal(cents) / 100, "EUR", locale=language))

    return money
