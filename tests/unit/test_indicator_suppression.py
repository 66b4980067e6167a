"""Small-cell suppression: small counts are hidden, and so are the rates and means that
would reveal them."""

from __future__ import annotations

import pytest

from domain.indicators import BY_ID, ratio, suppress, suppress_table, unsuppressed_ratio


def test_small_counts_are_suppressed_zero_is_not() -> None:
    assert [suppress(n) for n in range(7)] == [0, None, None, None, None, 5, 6]
    assert suppress(2, threshold=3) is None and suppress(3, threshold=3) == 3
    assert suppress(1, threshold=1) == 1
    assert suppress_table(
        {("org-a", "female"): 4, ("org-a", "male"): 12, ("org-b", "female"): 0}
    ) == {
        ("org-a", "female"): None,
        ("org-a", "male"): 12,
        ("org-b", "female"): 0,
    }
    with pytest.raises(ValueError):
        suppress(-1)


def test_rates_hide_small_numerators_complements_and_denominators() -> None:
    rate, mean = BY_ID["housing_hardship_exit"], BY_ID["self_esteem_exit"]
    assert ratio(rate, 10, 20) == 0.5
    assert ratio(rate, 0, 20) == 0.0
    assert ratio(rate, 3, 20) is None  # three people in hardship
    assert ratio(rate, 17, 20) is None  # and so three who are not
    assert ratio(rate, 4, 4) is None  # fewer than five in all
    assert ratio(rate, 0, 0) is None
    assert ratio(mean, 120, 5) == 24.0
    assert ratio(mean, 100, 4) is None
    assert unsuppressed_ratio(rate, 1, 2) == 0.5
    with pytest.raises(ValueError):
        ratio(BY_ID["cohousing"], 1, 1)
