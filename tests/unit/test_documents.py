"""Documents: attaching one to a pathway or a part of it, and evidence before approval.

Given a pathway, when a document is attached, then `DocumentAttached` (or this error); a
payment of a kind that needs evidence is approved only once one is attached to it.
"""

from __future__ import annotations

from typing import Any

import pytest

from domain import errors
from domain.documents.events import DocumentAttached
from domain.limits import Limits
from domain.payments.events import PaymentApproved
from domain.values import Actor, Role
from tests.scenarios import CASEWORKER, SUPERVISOR, Scenario, evidence_for
from tests.unit.payment_scenarios import approve, pid, request, supported

PARTNER = Actor(id="tutor", role=Role.PARTNER)


def attach(**fields: Any) -> dict[str, Any]:
    return {**evidence_for("x"), "attached_to": None, **fields}


def without_evidence(rent: int | None = 40_000) -> Scenario:
    s = supported(rent)
    s.evidence = False
    return s


def test_a_document_attached_to_the_pathway_is_listed_in_its_state() -> None:
    s = Scenario().active(("support", "economic_support"))
    (event,) = s.decide(attach(kind="signed_plan"))
    assert isinstance(event, DocumentAttached)
    assert (event.kind, event.attached_by, event.attached_to) == ("signed_plan", "anna", None)
    s.given(attach(kind="signed_plan"))
    assert list(s.state.documents) == [event.document_id]
    with pytest.raises(errors.AlreadyRecorded):
        s.decide(attach(kind="signed_plan"))


def test_what_a_document_is_attached_to_must_be_the_pathways() -> None:
    s = Scenario().active(("support", "economic_support"))
    for target in (
        {"kind": "measure", "id": "nope"},
        {"kind": "payment", "id": "pay-nope"},
        {"kind": "event", "id": "999"},
    ):
        with pytest.raises(errors.DocumentTargetNotFound):
            s.decide(attach(attached_to=target))
    s.decide(attach(attached_to={"kind": "measure", "id": "support"}))
    s.decide(attach(attached_to={"kind": "event", "id": "1"}))


def test_partners_never_attach_and_a_caseworker_only_to_their_caseload() -> None:
    s = Scenario().active(("support", "economic_support"))
    with pytest.raises(errors.PartnerRecordForbidden):
        s.decide(attach(), PARTNER)
    with pytest.raises(errors.NotAssignedCaseworker):
        s.decide(attach(), Actor(id="other", role=Role.CASEWORKER))
    (event,) = s.decide(attach(), SUPERVISOR)
    assert event.attached_by == SUPERVISOR.id


@pytest.mark.parametrize(
    ("kind", "amount", "measure"),
    [("rent_advance", 40_000, "support"), ("furniture", 80_000, "support")],
)
def test_a_payment_that_needs_evidence_is_not_approved_without_a_document(
    kind: str, amount: int, measure: str
) -> None:
    s = without_evidence().given(request(kind=kind, amount=amount))
    before = len(s.records)
    with pytest.raises(errors.PaymentEvidenceMissing) as refused:
        s.decide(approve(pid(kind)), SUPERVISOR)
    assert refused.value.code == "payment_evidence_missing"
    assert len(s.records) == before
    s.given(evidence_for(pid(kind)))
    (event,) = s.decide(approve(pid(kind)), SUPERVISOR)
    assert isinstance(event, PaymentApproved)


def test_a_document_attached_elsewhere_is_no_evidence_for_the_payment() -> None:
    s = without_evidence().given(request(kind="rent_advance", amount=40_000))
    s.given(attach(attached_to={"kind": "measure", "id": "support"}))
    with pytest.raises(errors.PaymentEvidenceMissing):
        s.decide(approve(pid("rent_advance")), SUPERVISOR)


def test_utilities_need_evidence_only_above_the_threshold() -> None:
    s = without_evidence().given(request(kind="utilities", amount=10_000))
    s.given(request(kind="utilities", amount=10_001, period="2026-03-06"))
    s.decide(approve(pid("utilities")), SUPERVISOR)
    with pytest.raises(errors.PaymentEvidenceMissing):
        s.decide(approve(pid("utilities", "2026-03-06")), SUPERVISOR)


def test_approvals_replayed_from_before_the_rule_are_decided_without_it() -> None:
    s = without_evidence().given(request(kind="rent_advance", amount=40_000))
    envelope = s.envelope(approve(pid("rent_advance")), SUPERVISOR)
    from domain.decider import decide

    (event,) = decide(s.state, envelope, s.now, Limits(payment_evidence=False))
    assert isinstance(event, PaymentApproved)


def test_the_demo_policy_needs_no_evidence_and_the_shipped_one_does() -> None:
    from infra.policy_file import load_demo_policy, load_policy

    demo = load_demo_policy().revisions[0].payments
    shipped = load_policy(None).revisions[0].payments
    assert (demo.evidence_required, shipped.evidence_required) == (False, True)
    assert shipped.utilities_evidence_threshold == 10_000


def test_attaching_is_taken_while_the_pathway_is_suspended() -> None:
    s = Scenario().active(("support", "economic_support"))
    s.given({"type": "suspend_pathway", "reason": "hospital_stay"})
    (event,) = s.decide(attach(), CASEWORKER)
    assert isinstance(event, DocumentAttached)
