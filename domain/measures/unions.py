"""The unions of every kind's details, progress entries and outcomes, tagged by `kind`.

Built from the catalogue's specs (`domain.measures.catalogue.SPECS`), so a new measure
module is in them without another edit, and a stored event parses as before: each model
is found by its `kind`. mypy sees each union as the base its models share
(`domain.measures.base.Details`, `Progress`, `Outcome`): what the cross-cutting code reads
of them is `kind`, and a measure's own rules read its own models (`Measure.details_as`,
`progress_of`). No measure module imports them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Union

from pydantic import Field

from domain.measures.catalogue import SPECS


def _tagged(models: list[type[Any]]) -> Any:
    """A union of `models` that pydantic tells apart by their `kind`."""
    return Annotated[Union[tuple(models)], Field(discriminator="kind")]  # noqa: UP007


if TYPE_CHECKING:
    from domain.measures.base import Details as MeasureDetails
    from domain.measures.base import Outcome as MeasureOutcome
    from domain.measures.base import Progress as MeasureProgress
else:
    MeasureDetails = _tagged([spec.details for spec in SPECS])
    MeasureProgress = _tagged([model for spec in SPECS for model in spec.progress])
    MeasureOutcome = _tagged([spec.outcome for spec in SPECS])

__all__ = ["MeasureDetails", "MeasureOutcome", "MeasureProgress"]
