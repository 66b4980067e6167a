"""An indicator: one figure the funder judges the project by, and how to build one.

`count` and `compared` make the two shapes the catalogues use (`catalogue`, `outcome_catalogue`):
a count of one fact, and the baseline and exit figures of one recorded condition.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import model_validator

from domain.values import Frozen, WorkPackage

IndicatorKind = Literal["count", "rate", "mean"]
Moment = Literal["baseline", "exit", "follow_up"]
"""Which recorded condition a rate or mean reads: the baseline, the exit outcomes, or the
follow-up months after the exit."""


class Indicator(Frozen):
    """One figure the funder judges the project by, and the rule that makes it true."""

    indicator_id: str
    work_package: WorkPackage | None
    """None for the project's general objective (self-esteem)."""
    kind: IndicatorKind
    label: str
    """English; the Italian comes from the web catalogs."""
    seed_ref: str
    """The phrase of the seed (the funded project) that this indicator measures."""
    rule: str
    """When a pathway counts, in words a coordinator can check against the drill-down."""
    numerator_fact: str
    """For a count, the fact counted; for a rate or mean, the sum above the line."""
    denominator_fact: str | None = None
    moment: Moment | None = None
    paired_with: str | None = None
    """For an exit rate or mean, the baseline indicator it is compared with."""
    counts: Literal["beneficiaries", "minors", "events", "participations"] = "beneficiaries"

    @model_validator(mode="after")
    def _shape_of_kind(self) -> Self:
        ratio = self.kind != "count"
        if ratio != (self.denominator_fact is not None) or ratio != (self.moment is not None):
            raise ValueError("rates and means (only) have a denominator fact and a moment")
        if self.paired_with is not None and self.moment != "exit":
            raise ValueError("only an exit figure is paired with a baseline one")
        return self

    @property
    def facts(self) -> tuple[str, ...]:
        """The facts this indicator reads."""
        return tuple(x for x in (self.numerator_fact, self.denominator_fact) if x is not None)


def count(
    indicator_id: str,
    work_package: WorkPackage | None,
    label: str,
    seed_ref: str,
    rule: str,
    *,
    fact: str | None = None,
    counts: Literal["beneficiaries", "minors", "events", "participations"] = "beneficiaries",
) -> Indicator:
    return Indicator(
        indicator_id=indicator_id,
        work_package=work_package,
        kind="count",
        label=label,
        seed_ref=seed_ref,
        rule=rule,
        numerator_fact=fact or indicator_id,
        counts=counts,
    )


def compared(
    stem: str,
    work_package: WorkPackage | None,
    label: str,
    seed_ref: str,
    rule: str,
    *,
    kind: Literal["rate", "mean"] = "rate",
    female: bool = False,
) -> tuple[Indicator, Indicator]:
    """The baseline and exit figures of one condition, the exit one paired with the other."""

    def one(moment: Moment) -> Indicator:
        if kind == "mean":
            numerator, denominator = f"{stem}_{moment}_sum", f"{stem}_{moment}_n"
        elif female:
            numerator, denominator = f"female_inactive_{moment}", f"female_{moment}"
        else:
            numerator, denominator = f"{stem}_{moment}", f"{moment}_recorded"
        return Indicator(
            indicator_id=f"{stem}_{moment}",
            work_package=work_package,
            kind=kind,
            label=f"{label}, at {moment}",
            seed_ref=seed_ref,
            rule=rule.format(moment=moment),
            numerator_fact=numerator,
            denominator_fact=denominator,
            moment=moment,
            paired_with=f"{stem}_baseline" if moment == "exit" else None,
        )

    return one("baseline"), one("exit")
