"""Who receives a payment: a name and an IBAN, checked as the bank will check it.

An IBAN (ISO 13616) is a country code, two check digits and the national account number
(BBAN). It is valid when its length is the one of its country and the number formed by
moving the first four characters to the end, with letters as 10 to 35, leaves 1 modulo 97.
Only countries of the SEPA scheme are accepted: the payments leave as SEPA credit transfers.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import StringConstraints

from domain.errors import InvalidIban
from domain.values import Frozen, ShortText

IbanText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
"""An IBAN as typed (spaces and lower case allowed); the rules check and normalise it."""

SEPA_IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27,
    "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "VA": 22,
}  # fmt: skip
"""Length of the IBAN in each country of the SEPA scheme (SWIFT IBAN registry)."""

_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]+$")
_ITALIAN_BBAN = re.compile(r"^[A-Z][0-9]{10}[A-Z0-9]{12}$")
"""CIN letter, ABI and CAB (five digits each), account number (twelve characters)."""


class Payee(Frozen):
    """The holder of the account a payment is credited to."""

    name: ShortText
    iban: IbanText


def _as_digits(text: str) -> str:
    return "".join(str(int(char, 36)) for char in text)


def iban_checksum_ok(iban: str) -> bool:
    """True when a normalised IBAN passes the ISO 13616 mod-97 check."""
    return int(_as_digits(iban[4:] + iban[:4])) % 97 == 1


def with_check_digits(country: str, bban: str) -> str:
    """The IBAN of a national account number, with its check digits computed."""
    check = 98 - int(_as_digits(bban + country + "00")) % 97
    return f"{country}{check:02d}{bban}"


def normalised_iban(text: str) -> str:
    """The IBAN in its electronic form (no spaces, upper case), if it is a valid one.

    Raises:
        InvalidIban: not the shape of an IBAN, not a SEPA country, the wrong length for its
            country, or a wrong checksum.
    """
    iban = "".join(text.split()).upper()
    if not _SHAPE.match(iban):
        raise InvalidIban("an IBAN is two letters, two check digits and the account", field="iban")
    length = SEPA_IBAN_LENGTHS.get(iban[:2])
    if length is None:
        raise InvalidIban(f"{iban[:2]} is not a country of the SEPA scheme", field="iban")
    if len(iban) != length:
        raise InvalidIban(f"an IBAN of {iban[:2]} has {length} characters", field="iban")
    if iban[:2] == "IT" and not _ITALIAN_BBAN.match(iban[4:]):
        raise InvalidIban("an Italian IBAN is CIN, ABI, CAB and account number", field="iban")
    if not iban_checksum_ok(iban):
        raise InvalidIban("the IBAN's check digits do not match: a typing error?", field="iban")
    return iban


def checked_payee(payee: Payee, field: str = "payee") -> Payee:
    """The payee with its IBAN normalised.

    Raises:
        InvalidIban: the IBAN is not valid (the error names `<field>.iban`).
    """
    try:
        return payee.model_copy(update={"iban": normalised_iban(payee.iban)})
    except InvalidIban as error:
        raise InvalidIban(error.message, field=f"{field}.iban") from None
