"""Partner links: a caseworker links a partner contact to an open measure, and unlinks it."""

from __future__ import annotations

from typing import Any

import pytest

from domain import errors
from domain.affordances import PEOPLE_COMMANDS
from domain.partner_assignment import Assignment, assignments
from domain.partner_links.commands import LinkPartnerContact
from domain.partner_links.events import PartnerContactLinked, PartnerContactUnlinked
from domain.partners.links import LinkedContact
from domain.partners.model import ContactRole, PartnerKind
from domain.values import Actor, Role
from tests.scenarios import AUDITOR, SUPERVISOR, Scenario

TUTOR = LinkedContact(
    contact_id="contact-tutor",
    partner_id="partner-officina",
    partner_name="Officina Rossi",
    partner_kind=PartnerKind.HOST_COMPANY,
    contact_role=ContactRole.TUTOR,
    organisation_id="org-lecce",
)
ELSEWHERE = TUTOR.model_copy(update={"organisation_id": "org-brindisi"})
OTHER_CASEWORKER = Actor(id="luca", role=Role.CASEWORKER)


def link(measure_id: str = "wg", contact: LinkedContact | None = TUTOR) -> dict[str, Any]:
    return {
        "type": "link_partner_contact",
        "measure_id": measure_id,
        "contact_id": "contact-tutor",
        "contact": None if contact is None else contact.model_dump(mode="json"),
    }


def unlink(measure_id: str = "wg") -> dict[str, Any]:
    return {
        "type": "unlink_partner_contact",
        "measure_id": measure_id,
        "contact_id": "contact-tutor",
    }


def active() -> Scenario:
    return Scenario().active(("wg", "work_grant"), ("it", "training_course"))


def test_a_contact_of_the_pathways_organisation_is_linked_to_an_open_measure() -> None:
    s = active()
    assert s.decide(link()) == [PartnerContactLinked(measure_id="wg", contact=TUTOR)]
    s.given(link())
    assert s.state.partner_links == {"wg": (TUTOR,)}
    s.given(link("it"))
    assert s.state.partner_links == {"wg": (TUTOR,), "it": (TUTOR,)}


def test_the_supervisor_links_too_an_auditor_and_another_caseworker_do_not() -> None:
    s = active()
    assert s.decide(link(), SUPERVISOR)
    with pytest.raises(errors.RoleForbidden):
        s.decide(link(), AUDITOR)
    with pytest.raises(errors.NotAssignedCaseworker):
        s.decide(link(), OTHER_CASEWORKER)


@pytest.mark.parametrize(
    ("contact", "why"),
    [(None, "the registry has none"), (ELSEWHERE, "another organisation's partner")],
)
def test_a_contact_unknown_to_the_pathways_organisation_is_refused_alike(
    contact: LinkedContact | None, why: str
) -> None:
    with pytest.raises(errors.PartnerContactNotFound) as refused:
        active().decide(link(contact=contact))
    assert (refused.value.code, refused.value.field) == ("partner_contact_not_found", "contact_id")


def test_the_resolved_contact_must_be_the_one_named() -> None:
    command = link(contact=TUTOR.model_copy(update={"contact_id": "contact-other"}))
    with pytest.raises(errors.PartnerContactNotFound):
        active().decide(command)


def test_a_missing_or_closed_measure_gets_no_partner() -> None:
    s = active()
    with pytest.raises(errors.MeasureNotFound):
        s.decide(link("nope"))
    s.given({"type": "cancel_measure", "measure_id": "wg", "reason": "no host found"})
    with pytest.raises(errors.MeasureStatusInvalid) as refused:
        s.decide(link("wg"))
    assert refused.value.field == "measure_id"


def test_a_contact_is_linked_to_a_measure_once() -> None:
    s = active().given(link())
    with pytest.raises(errors.PartnerContactAlreadyLinked) as refused:
        s.decide(link())
    assert refused.value.code == "partner_contact_already_linked"


def test_links_wait_for_the_approved_plan() -> None:
    with pytest.raises(errors.DomainError):
        Scenario().assessed().decide(link())


def test_an_unlink_ends_the_link_and_only_a_link_that_exists() -> None:
    s = active()
    with pytest.raises(errors.PartnerLinkNotFound):
        s.decide(unlink())
    s.given(link()).given(link("it"))
    assert s.decide(unlink()) == [
        PartnerContactUnlinked(measure_id="wg", contact_id="contact-tutor")
    ]
    s.given(unlink())
    assert s.state.partner_links == {"it": (TUTOR,)}
    with pytest.raises(errors.PartnerLinkNotFound) as refused:
        s.decide(unlink())
    assert refused.value.code == "partner_link_not_found"
    s.given(link())
    assert s.state.partner_links == {"it": (TUTOR,), "wg": (TUTOR,)}


def test_the_link_commands_are_offered_as_forms() -> None:
    assert LinkPartnerContact in PEOPLE_COMMANDS


def test_a_partner_sees_of_its_measures_only_the_minimum() -> None:
    s = active().given(link("it"))
    [seen] = assignments(s.state, "contact-tutor")
    assert set(Assignment.model_fields) == {
        "pathway_id",
        "first_name",
        "measure_id",
        "measure_kind",
        "status",
        "started_on",
        "target_date",
        "closed_on",
    }, "a new field is something more a partner sees: docs/privacy.md says what, first"
    assert (seen.pathway_id, seen.first_name, seen.measure_id) == ("p-0001", "Amina", "it")
    assert assignments(s.state, "contact-other") == []
