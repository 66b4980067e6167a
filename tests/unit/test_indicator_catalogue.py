"""The indicator catalogue: the facts it reads, the shape of each kind of indicator, and
its documentation."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from domain.indicators import BY_ID, CATALOGUE, FACTS, Indicator
from domain.payments.ledger import PaymentKind
from domain.values import WorkPackage


def test_the_catalogue_reads_only_known_facts() -> None:
    for indicator in CATALOGUE:
        assert set(indicator.facts) <= FACTS, indicator.indicator_id
        assert indicator.seed_ref and indicator.rule and indicator.label
        if indicator.paired_with is not None:
            assert BY_ID[indicator.paired_with].moment == "baseline"
    assert {i.indicator_id for i in CATALOGUE if i.counts == "minors"} == {"minors_school_support"}
    assert {f"economic_support_{k.value}" for k in PaymentKind} <= set(BY_ID)
    assert {i.work_package for i in CATALOGUE} == {*WorkPackage, None}


def test_an_indicator_has_the_shape_of_its_kind() -> None:
    with pytest.raises(ValidationError):
        Indicator(
            indicator_id="x",
            work_package=None,
            kind="rate",
            label="x",
            seed_ref="x",
            rule="x",
            numerator_fact="a",
        )


def test_the_documentation_lists_every_indicator() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "indicators.md").read_text()
    missing = [i.indicator_id for i in CATALOGUE if f"| `{i.indicator_id}` |" not in text]
    assert not missing
