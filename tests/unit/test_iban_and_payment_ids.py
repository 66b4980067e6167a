"""IBAN check digits, and the stable, name-based ids of payments."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import errors
from domain.payments.payee import SEPA_IBAN_LENGTHS, normalised_iban, with_check_digits
from tests.unit.payment_scenarios import pid

bban_chars = st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@given(st.sampled_from(sorted(set(SEPA_IBAN_LENGTHS) - {"IT", "SM"})), st.data())
def test_check_digits_make_a_valid_iban_and_any_changed_digit_breaks_it(
    country: str, data: st.DataObject
) -> None:
    length = SEPA_IBAN_LENGTHS[country] - 4
    bban = "".join(data.draw(st.lists(bban_chars, min_size=length, max_size=length)))
    iban = with_check_digits(country, bban)
    assert normalised_iban(iban) == iban
    position = data.draw(st.integers(2, len(iban) - 1))
    replacement = data.draw(bban_chars.filter(lambda c: c != iban[position]))
    if iban[position].isdigit() and replacement.isdigit():
        mistyped = iban[:position] + replacement + iban[position + 1 :]
        with pytest.raises(errors.InvalidIban):
            normalised_iban(mistyped)


def test_a_payment_id_is_stable() -> None:
    assert pid() == pid() != pid(period="2026-03-06")
    assert pid().startswith("pay-") and len(pid()) <= 64


def test_payment_ids_are_rfc_4122_name_based_ids() -> None:
    import uuid

    from domain.payments.ledger import PAYMENT_NAMESPACE, PaymentKind, payment_id_for

    key = "p-1|m|furniture|2027-03"
    expected = uuid.uuid5(uuid.UUID(bytes=PAYMENT_NAMESPACE), key)
    assert payment_id_for("p-1", "m", PaymentKind.FURNITURE, "2027-03") == f"pay-{expected}"
