"""What the pathway page shows beside the folded state: the stages as a track, each done,
current or still to come; what settles each payment that keeps the pathway from closing;
and the notice above an erased pathway, which the history page shows too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.closure import WayOut
from domain.values import Stage
from web.i18n import N_

ERASED_NOTICE = N_(
    "The personal data of this pathway were erased (at the beneficiary's request, or once"
    " retention ended): its events remain, for the record and the indicators, without them."
)
"""What the pathway and history pages say above an erased pathway (docs/privacy.md)."""

WAYS_OUT: Mapping[WayOut, str] = {
    WayOut.APPROVAL: N_("A supervisor approves it or rejects it."),
    WayOut.COORDINATOR: N_("The coordinator approves it or rejects it."),
    WayOut.PAYEE: N_("Correct the payee and approve it again, or reject it."),
    WayOut.BANK: N_(
        "Approved: it can no longer be rejected or cancelled. The bank pays it from a SEPA"
        " batch of the organisation's bank account (an administrator sets it in"
        " Administration, “Bank account”), made on the payments page, and the bank statement"
        " imported there settles it."
    ),
}
"""What settles a payment that keeps the pathway from closing (`domain.closure`)."""

STAGE_TRACK = tuple(Stage)


@dataclass
class StageStep:
    stage: Stage
    state: str
    """`done`, `current` or `todo`."""


def stage_track(stage: Stage | None) -> list[StageStep]:
    """The stages in order, each marked done, current or still to come."""
    current = STAGE_TRACK.index(stage) if stage is not None else -1
    return [
        StageStep(s, "done" if i < current else "current" if i == current else "todo")
        for i, s in enumerate(STAGE_TRACK)
    ]
