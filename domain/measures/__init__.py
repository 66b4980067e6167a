"""The measure catalogue: every building block of a plan, by work package of the seed.

Each kind lives in its own module with its details (given when it starts), its progress
entries, its outcome (given when it completes), and every rule it owns: its checks, its
deadlines, its payment kinds and their side effects, its indicator facts and the keys of
its labels (`spec.MeasureSpec`). The cross-cutting rules loop over this catalogue:
`domain.obligations`, `domain.payments.rules` (through `domain.decider`),
`domain.indicators.facts` and the pages' labels. The catalogue is found, not listed: each
module of this package with a `SPEC` is a kind (`domain.measures.catalogue`), so
docs/adding-a-measure.md adds a kind with one module and its labels.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain import errors
from domain.measures.base import Measure, MeasureStatus
from domain.measures.catalogue import SPECS, MeasureKind
from domain.measures.spec import MeasureSpec, PaymentRule
from domain.measures.state import MeasureState, ProgressEntry
from domain.measures.unions import MeasureDetails, MeasureOutcome, MeasureProgress
from domain.payments.ledger import PaymentKind

CATALOGUE: dict[MeasureKind, MeasureSpec] = {MeasureKind(spec.kind): spec for spec in SPECS}
"""Every measure module's spec, by kind (`domain.measures.catalogue` finds them)."""

_SPEC_OF_PROGRESS: dict[str, MeasureSpec] = {
    kind: spec for spec in CATALOGUE.values() for kind in spec.progress_kinds()
}

PAYMENT_RULES: Mapping[PaymentKind, PaymentRule] = {
    rule.kind: rule for spec in CATALOGUE.values() for rule in spec.payments
}
"""Each kind of payment, as the measure it is spent on declares it."""

MEASURE_OF: Mapping[PaymentKind, MeasureKind] = {
    rule.kind: MeasureKind(spec.kind) for spec in CATALOGUE.values() for rule in spec.payments
}
"""The kind of measure each kind of payment is spent on."""
assert set(MEASURE_OF) == set(PaymentKind), "every payment kind is spent on one measure"

REQUESTABLE = frozenset(kind for kind, rule in PAYMENT_RULES.items() if rule.requestable)
"""Kinds a person requests; the others follow a recorded step (the work-grant allowance)."""

OBLIGATION_LABELS: Mapping[str, str] = {
    kind: label for spec in CATALOGUE.values() for kind, label in spec.deadlines.kinds.items()
}
"""The obligation kinds the measures add beside their target date, with their labels."""


def spec_for_progress(progress_kind: str) -> MeasureSpec:
    """The catalogue entry whose lifecycle includes this progress kind."""
    return _SPEC_OF_PROGRESS[progress_kind]


def payable_measure(measures: Mapping[str, Measure], measure_id: str, kind: PaymentKind) -> Measure:
    """The started measure a payment of `kind` is requested against.

    Raises:
        MeasureNotFound: no such measure in the plan.
        PaymentKindMismatch: `kind` is spent on another kind of measure.
        AllowanceFollowsAttendance: `kind` is not requested but follows a recorded step.
        MeasureStatusInvalid: the measure is not started (or already closed).
    """
    measure = measures.get(measure_id)
    if measure is None:
        raise errors.MeasureNotFound(f"no measure {measure_id} in the plan", field="measure_id")
    if MEASURE_OF[kind] != measure.kind:
        raise errors.PaymentKindMismatch(
            f"a {kind} payment is spent on a {MEASURE_OF[kind]} measure, "
            f"and {measure_id} is a {measure.kind}",
            field="kind",
        )
    if kind not in REQUESTABLE:
        raise errors.AllowanceFollowsAttendance(
            "a work-grant allowance is requested by recording the month's attendance",
            field="kind",
        )
    if measure.status != MeasureStatus.ACTIVE:
        raise errors.MeasureStatusInvalid(
            f"payments are requested against a started measure; {measure_id} is {measure.status}",
            field="measure_id",
        )
    return measure


__all__ = [
    "CATALOGUE",
    "MEASURE_OF",
    "OBLIGATION_LABELS",
    "PAYMENT_RULES",
    "REQUESTABLE",
    "Measure",
    "MeasureDetails",
    "MeasureKind",
    "MeasureOutcome",
    "MeasureProgress",
    "MeasureSpec",
    "MeasureState",
    "MeasureStatus",
    "PaymentRule",
    "ProgressEntry",
    "payable_measure",
    "spec_for_progress",
]
