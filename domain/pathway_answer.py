"""A pathway as its readers are answered: the state, and what it owes with each ladder.

One shape for `pathways show --json` and the API's `GET /api/v1/pathways/{id}`, made here
so that the two never differ.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.obligation_ladders import OpenObligation, open_obligations
from domain.records import EventRecord
from domain.state import PathwayState


class PathwayAnswer(PathwayState):
    """The state folded from the records, with the open obligations in Italian time."""

    obligations: tuple[OpenObligation, ...] = ()
    """Earliest due first; each with its ladder: the steps taken and when, the next one."""


def pathway_answer(state: PathwayState, records: Sequence[EventRecord]) -> PathwayAnswer:
    """The answer about a pathway, from its state and the records it was folded from."""
    fields = {name: getattr(state, name) for name in PathwayState.model_fields}
    return PathwayAnswer(**fields, obligations=open_obligations(state, records))
