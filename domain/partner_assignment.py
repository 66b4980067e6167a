"""What a partner sees of a pathway: the minimum to deliver the measures it is linked to.

A partner's contact (a tutor, a teacher, a host family) sees, for each measure its contact
is linked to, the beneficiary's first name, the pathway's code and the measure's kind and
schedule: never the family name, the phone, documents, the protection status, the history
or the other measures (docs/privacy.md). The model holds nothing else, so a page built on
it cannot show more; what the partner itself recorded is added by the recording forms.
"""

from __future__ import annotations

from datetime import date

from domain.measures.base import MeasureStatus
from domain.measures.catalogue import MeasureKind
from domain.state import PathwayState
from domain.values import Frozen, Identifier


class Assignment(Frozen):
    """One measure a partner's contact is linked to, as the partner sees it."""

    pathway_id: Identifier
    """The pathway's code: how the partner and the caseworker name it to each other."""
    first_name: str
    measure_id: Identifier
    measure_kind: MeasureKind
    status: MeasureStatus
    started_on: date | None
    target_date: date
    closed_on: date | None


def assignments(state: PathwayState, contact_id: str) -> list[Assignment]:
    """The measures of the pathway the contact is linked to, in the plan's order."""
    if state.pathway_id is None or state.beneficiary is None:
        return []
    return [
        Assignment(
            pathway_id=state.pathway_id,
            first_name=state.beneficiary.given_name,
            measure_id=measure.measure_id,
            measure_kind=measure.kind,
            status=measure.status,
            started_on=measure.started_on,
            target_date=measure.target_date,
            closed_on=measure.closed_on,
        )
        for measure in state.measures.values()
        if any(c.contact_id == contact_id for c in state.partner_links.get(measure.measure_id, ()))
    ]
