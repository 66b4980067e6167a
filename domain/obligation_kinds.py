"""The kinds of obligation a pathway owes, each with the words a person reads for it.

Kinds are plain strings (policy data, made by `domain.obligations`); a measure's own kinds
and their labels are declared by its module (`MeasureSpec.deadlines`). Each label is an
English message id, translated where it is shown: the pages and `pathways show`, from the
catalogs under web/locales (as the rules of `domain/indicators/catalogue.py` are).
`tests/web/test_i18n.py` checks that each one has its Italian.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from domain.measures import OBLIGATION_LABELS

OBLIGATION_KINDS: Mapping[str, str] = {
    "baseline": "Record the starting condition",
    "skills_assessment": "Record the skills assessment",
    "plan_proposal": "Propose the individual plan",
    "plan_approval": "Approve the individual plan",
    "measure_target": "Measure target date",
    **OBLIGATION_LABELS,
    "pathway_end": "End of the pathway",
    "permit_renewal": "Renew the residence permit",
    "follow_up": "Follow-up check",
    "referral_answer": "Answer the referral",
}
"""Obligation kinds are plain strings (policy data), so an unknown one is shown as it is."""


def obligation_label(gettext: Callable[[str], str], kind: str) -> str:
    """The translated label of an obligation kind; the kind itself when it has none."""
    msgid = OBLIGATION_KINDS.get(kind)
    return gettext(msgid) if msgid is not None else kind.replace("_", " ")
