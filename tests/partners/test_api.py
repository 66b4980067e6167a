"""`/api/v1/partners`: who may register, edit and read; bad input refused with its code and
nothing stored; another organisation's partner is 404."""

from __future__ import annotations

from typing import Any

import pytest

from tests.partners.conftest import Site
from tests.web.staff import bearer

API = "/api/v1/partners"
WORKSHOP = {"name": "Officina Rossi", "kind": "host_company", "city": "Lecce"}
TUTOR = {"name": "Marco Rossi", "role": "tutor", "email": "marco@rossi.it"}


async def registered(site: Site, by: str = "sara", **fields: Any) -> dict[str, Any]:
    reply = await site.http.post(API, json={**WORKSHOP, **fields}, headers=bearer(by))
    assert reply.status_code == 201, reply.text
    body: dict[str, Any] = reply.json()
    return body


async def everything(site: Site) -> list[Any]:
    """What the registry holds, to show that a refusal stored nothing."""
    listed = await site.store.select_all(None)
    return [
        (p, await site.store.select(p.id), await site.store.select_changes(p.id)) for p in listed
    ]


async def test_a_supervisor_registers_a_partner_adds_a_tutor_and_a_caseworker_reads_them(
    site: Site,
) -> None:
    partner = await registered(site)
    reply = await site.http.post(
        f"{API}/{partner['id']}/contacts", json=TUTOR, headers=bearer("sara")
    )
    assert reply.status_code == 201, reply.text

    shown = await site.http.get(f"{API}/{partner['id']}", headers=bearer("anna"))

    assert shown.status_code == 200
    body = shown.json()
    assert (body["organisation_id"], body["kind"], body["registered_by"]) == (
        "org-lecce",
        "host_company",
        "sara",
    )
    assert [c["name"] for c in body["contacts"]] == ["Marco Rossi"]
    assert [c["action"] for c in body["changes"]] == ["registered", "contact_added"]
    listed = await site.http.get(API, headers=bearer("anna"))
    assert [p["id"] for p in listed.json()] == [partner["id"]]


async def test_the_coordinator_registers_for_a_named_organisation_and_edits(site: Site) -> None:
    partner = await registered(site, "cora", organisation_id="org-nardo", kind="training_provider")
    assert partner["organisation_id"] == "org-nardo"

    edited = await site.http.put(
        f"{API}/{partner['id']}",
        json={**WORKSHOP, "name": "CPIA Nardò", "kind": "training_provider"},
        headers=bearer("paolo"),
    )

    assert edited.status_code == 200 and edited.json()["name"] == "CPIA Nardò"


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anna", 403, "partner_forbidden"),
        ("aldo", 403, "partner_forbidden"),
        ("adele", 403, "partner_forbidden"),
    ],
)
async def test_roles_that_do_not_manage_partners_change_nothing(
    site: Site, who: str, status: int, code: str
) -> None:
    partner = await registered(site)
    before = await everything(site)

    replies = [
        await site.http.post(
            API, json={**WORKSHOP, "organisation_id": "org-lecce"}, headers=bearer(who)
        ),
        await site.http.put(f"{API}/{partner['id']}", json=WORKSHOP, headers=bearer(who)),
        await site.http.post(f"{API}/{partner['id']}/contacts", json=TUTOR, headers=bearer(who)),
    ]

    expected = (
        [(status, code)] + [(404, "partner_not_found")] * 2
        if who == "adele"
        else [(status, code)] * 3
    )
    assert [(r.status_code, r.json()["code"]) for r in replies] == expected
    assert await everything(site) == before


async def test_reads_by_role(site: Site) -> None:
    partner = await registered(site)
    for who in ("anna", "sara", "cora", "aldo"):
        assert (
            await site.http.get(f"{API}/{partner['id']}", headers=bearer(who))
        ).status_code == 200
    assert (await site.http.get(API, headers=bearer("adele"))).json()["code"] == "partner_forbidden"
    assert (await site.http.get(API)).status_code == 401


async def test_another_organisations_partner_is_404_to_every_request(site: Site) -> None:
    partner = await registered(site)
    before = await everything(site)
    where = f"{API}/{partner['id']}"

    replies = [
        await site.http.get(where, headers=bearer("paolo")),
        await site.http.get(where, headers=bearer("marta")),
        await site.http.put(where, json=WORKSHOP, headers=bearer("paolo")),
        await site.http.post(f"{where}/contacts", json=TUTOR, headers=bearer("paolo")),
        await site.http.get(f"{API}/partner-nowhere", headers=bearer("sara")),
    ]

    assert {(r.status_code, r.json()["code"]) for r in replies} == {(404, "partner_not_found")}
    assert (await site.http.get(API, headers=bearer("paolo"))).json() == []
    assert await everything(site) == before


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({**WORKSHOP, "kind": "bakery"}, 422, "invalid_partner", "kind"),
        ({**WORKSHOP, "name": " "}, 422, "invalid_partner", "name"),
        ({**WORKSHOP, "fiscal_code": "ABC"}, 422, "invalid_partner", "fiscal_code"),
        ({"kind": "school"}, 422, "invalid_command", "name"),
        (
            {**WORKSHOP, "organisation_id": "org-nardo"},
            422,
            "partner_organisation_not_found",
            "organisation_id",
        ),
    ],
)
async def test_bad_partner_input_is_refused_with_its_code_and_stores_nothing(
    site: Site, body: dict[str, Any], status: int, code: str, field: str
) -> None:
    reply = await site.http.post(API, json=body, headers=bearer("sara"))

    assert reply.status_code == status
    assert reply.headers["content-type"] == "application/problem+json"
    assert (reply.json()["code"], reply.json()["field"]) == (code, field)
    assert await everything(site) == []


async def test_a_bad_contact_or_edit_is_refused_and_changes_nothing(site: Site) -> None:
    partner = await registered(site)
    before = await everything(site)

    contact = await site.http.post(
        f"{API}/{partner['id']}/contacts",
        json={**TUTOR, "phone": "ring me"},
        headers=bearer("sara"),
    )
    edit = await site.http.put(
        f"{API}/{partner['id']}", json={**WORKSHOP, "kind": "x"}, headers=bearer("sara")
    )

    assert (contact.status_code, contact.json()["code"], contact.json()["field"]) == (
        422,
        "invalid_contact",
        "phone",
    )
    assert (edit.status_code, edit.json()["code"]) == (422, "invalid_partner")
    assert await everything(site) == before


async def test_a_contact_is_edited_and_removed_by_those_who_manage_and_no_one_else(
    site: Site,
) -> None:
    partner = await registered(site)
    url = f"{API}/{partner['id']}/contacts"
    added = await site.http.post(url, json=TUTOR, headers=bearer("sara"))
    contact = f"{url}/{added.json()['id']}"
    before = await everything(site)

    for who, status, code in (
        ("anna", 403, "partner_forbidden"),
        ("paolo", 404, "partner_not_found"),
    ):
        put = await site.http.put(contact, json=TUTOR, headers=bearer(who))
        gone = await site.http.delete(contact, headers=bearer(who))
        assert (put.status_code, put.json()["code"]) == (status, code), who
        assert (gone.status_code, gone.json()["code"]) == (status, code), who
    bad = await site.http.put(contact, json={**TUTOR, "email": "x"}, headers=bearer("sara"))
    assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (
        422,
        "invalid_contact",
        "email",
    )
    shape = await site.http.put(contact, json={"role": "tutor"}, headers=bearer("sara"))
    assert (shape.status_code, shape.json()["code"]) == (422, "invalid_command")
    unknown = await site.http.delete(f"{url}/contact-unknown", headers=bearer("sara"))
    assert (unknown.status_code, unknown.json()["code"]) == (404, "contact_not_found")
    assert await everything(site) == before

    edited = await site.http.put(
        contact, json={**TUTOR, "name": "Marco R. Rossi"}, headers=bearer("sara")
    )
    assert (edited.status_code, edited.json()["name"]) == (200, "Marco R. Rossi")
    removed = await site.http.delete(contact, headers=bearer("sara"))
    assert removed.status_code == 200 and removed.json()["removed_at"]
    shown = await site.http.get(f"{API}/{partner['id']}", headers=bearer("sara"))
    [row] = shown.json()["contacts"]
    assert row["removed_at"] and [c["action"] for c in shown.json()["changes"]][-2:] == [
        "contact_edited",
        "contact_removed",
    ]
    again = await site.http.delete(contact, headers=bearer("sara"))
    assert (again.status_code, again.json()["code"]) == (404, "contact_not_found")
