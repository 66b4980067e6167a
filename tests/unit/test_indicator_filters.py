"""Reading the dashboard's filters from a query string: known values only, or `invalid_filter`."""

from __future__ import annotations

import pytest

from domain.indicators import BY_ID
from web.indicator_filters import Filters, read_filters
from web.problems import ProblemError


def test_chosen_values_are_kept_and_empty_ones_ignored() -> None:
    filters = read_filters(
        {
            "gender": ["female"],
            "age_band": [""],
            "nationality": [" gn "],
            "work_package": ["wp2_housing"],
            "by": ["organisation", "gender", "gender"],
        }
    )
    assert filters == Filters(
        dimensions={"gender": "female", "nationality": "GN"},
        work_package="wp2_housing",
        by=("organisation_id", "gender"),
    )
    assert filters.query_string() == "gender=female&nationality=GN&work_package=wp2_housing"
    assert filters.keeps(BY_ID["cohousing"]) and not filters.keeps(BY_ID["work_grant"])
    assert read_filters({"work_package": ["general"]}).keeps(BY_ID["self_esteem_exit"])


@pytest.mark.parametrize(
    "params",
    [
        {"gender": ["robot"]},
        {"gender": ["male", "female"]},
        {"age_band": ["18–24"]},
        {"nationality": ["GIN"]},
        {"protection_status": ["Refugee"]},
        {"work_package": ["wp4"]},
        {"by": ["work_package"]},
    ],
)
def test_an_unknown_value_is_refused(params: dict[str, list[str]]) -> None:
    with pytest.raises(ProblemError) as caught:
        read_filters(params)
    assert caught.value.code == "invalid_filter" and caught.value.status == 422
