"""What must hold of a payment before it goes into a bank file: IBAN, BIC, name, amount.

Checked with `schwifty` (ISO 13616 check digits, each country's length and format) just
before a batch is recorded: a bank file is the last place a typo can still be caught
without money going astray.
"""

from __future__ import annotations

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from domain.payments.errors import PaymentError

INVALID_IBAN = "invalid_iban"
INVALID_BIC = "invalid_bic"
UNKNOWN_PAYEE = "unknown_payee"
AMOUNT_OUT_OF_RANGE = "amount_out_of_range"

MAX_TRANSFER_CENTS = 25_000_00
"""No support payment of this project comes near €25,000: above it, an amount is a typo."""


def checked_iban(iban: str, whose: str) -> str:
    """The IBAN in its compact form (`IT60X0542811101000000123456`).

    Raises:
        PaymentError: `invalid_iban`, with what is wrong (check digits, length, country).
    """
    try:
        return str(IBAN(iban).compact)
    except SchwiftyException as err:
        raise PaymentError(
            INVALID_IBAN, f"{whose}: the IBAN is not valid ({err})", "iban"
        ) from None


def checked_bic(bic: str, whose: str) -> str:
    """The BIC in its compact form.

    Raises:
        PaymentError: `invalid_bic`.
    """
    try:
        return str(BIC(bic).compact)
    except SchwiftyException as err:
        raise PaymentError(INVALID_BIC, f"{whose}: the BIC is not valid ({err})", "bic") from None


def checked_name(name: str, whose: str) -> str:
    """The payee's or debtor's name, stripped.

    Raises:
        PaymentError: `unknown_payee` when there is no name to pay.
    """
    stripped = " ".join(name.split())
    if not stripped:
        raise PaymentError(UNKNOWN_PAYEE, f"{whose}: no payee name", "payee_name")
    return stripped


def checked_amount(cents: int, whose: str) -> int:
    """The amount, if a transfer of it makes sense.

    Raises:
        PaymentError: `amount_out_of_range`: not positive, or above `MAX_TRANSFER_CENTS`.
    """
    if cents <= 0 or cents > MAX_TRANSFER_CENTS:
        raise PaymentError(
            AMOUNT_OUT_OF_RANGE,
            f"{whose}: {cents} cents is not an amount to transfer (1 to {MAX_TRANSFER_CENTS})",
            "amount",
        )
    return cents
