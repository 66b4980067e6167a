"""Budget files: the shipped default, and refusals that name the line at fault."""

from __future__ import annotations

import pytest

from domain.payments.ledger import PaymentKind, budget_line_id
from infra.budgets.file import BudgetFileError, load_budget, parse_budget


def test_the_default_has_a_line_for_every_kind_of_payment() -> None:
    lines = load_budget(None)
    assert {line.line_id for line in lines} == {budget_line_id(k) for k in PaymentKind}
    assert all(line.amount > 0 and line.label for line in lines)
    assert sum(line.amount for line in lines) == 882_000_00


def test_euros_may_be_whole_or_carry_cents() -> None:
    lines = parse_budget(
        b'[wp2_housing.furniture]\neuros = 1_000\n[wp2_housing.utilities]\neuros = "250.50"\n',
        "b.toml",
    )
    assert [(line.line_id, line.amount) for line in lines] == [
        ("wp2_housing.furniture", 1000_00),
        ("wp2_housing.utilities", 250_50),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "[wp2_housing.furniture]\neuros = 10\n\n[wp2_housing.sofas]\neuros = 5\n",
            4,
            "wp2_housing.sofas: no payment is spent from it",
        ),
        ('[wp2_housing.furniture]\nlabel = "x"\n', 1, "wp2_housing.furniture: `euros` is missing"),
        (
            '[wp2_housing.furniture]\nlabel = "x"\neuros = "12.345"\n',
            3,
            "wp2_housing.furniture.euros: expected a whole number",
        ),
        ("[wp2_housing.furniture]\neuros = -3\n", 2, "wp2_housing.furniture.euros:"),
        ("[wp2_housing.furniture]\neuros = 3\ncap = 2\n", 3, "wp2_housing.furniture.cap: unknown"),
    ],
)
def test_a_bad_file_is_refused_at_its_line(text: str, line: int, message: str) -> None:
    with pytest.raises(BudgetFileError) as refused:
        parse_budget(text.encode(), "b.toml")
    assert refused.value.line == line
    assert refused.value.message.startswith(message)
    assert str(refused.value).startswith(f"b.toml, line {line}: ")


def test_a_file_that_is_not_toml_is_refused() -> None:
    with pytest.raises(BudgetFileError, match="not valid TOML"):
        parse_budget(b"[wp2_housing.furniture\n", "b.toml")


def test_a_syntax_error_names_its_line_and_column_like_the_policy_s() -> None:
    with pytest.raises(BudgetFileError) as refused:
        parse_budget(b"[wp2_housing.furniture]\neuros = = 3\n", "b.toml")
    assert refused.value.line == 2
    assert refused.value.message.startswith("not valid TOML, column 9: ")


def test_bytes_that_are_not_utf8_are_refused_at_their_line() -> None:
    with pytest.raises(BudgetFileError) as refused:
        parse_budget(b'[wp2_housing.furniture]\nlabel = "\xff"\n', "b.toml")
    assert (refused.value.line, refused.value.message) == (2, "not UTF-8 text")
