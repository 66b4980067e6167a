"""`/partners` pages: the menu for the roles that may, the register and contact forms, a
refused form shown again with its error and nothing stored, another organisation's partner
"no such partner"."""

from __future__ import annotations

import re

import httpx
import pytest

from infra.accounts.model import Account
from tests.partners.conftest import Site
from tests.web.staff import PASSWORD, STAFF

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
WORKSHOP = {"name": "Officina Rossi", "kind": "host_company", "city": "Lecce"}


def csrf_of(page: httpx.Response) -> str:
    found = CSRF_INPUT.search(page.text)
    assert found, page.text
    return found.group(1)


async def sign_in(site: Site, user_id: str) -> str:
    form = await site.http.get("/sign-in")
    reply = await site.http.post(
        "/sign-in",
        data={
            "user_id": user_id,
            "password": PASSWORD,
            "next": "/partners",
            "csrf_token": csrf_of(form),
        },
    )
    assert reply.status_code == 303, reply.text
    return csrf_of(await site.http.get("/partners"))


async def register(site: Site, token: str, **fields: str) -> httpx.Response:
    return await site.http.post("/partners", data={**WORKSHOP, **fields, "csrf_token": token})


async def test_a_supervisor_registers_a_partner_and_adds_its_tutor_in_italian(site: Site) -> None:
    token = await sign_in(site, "sara")
    page = await site.http.get("/partners")
    assert (
        'href="/partners" aria-current="page"' in page.text and "Registra un partner" in page.text
    )

    reply = await register(site, token, fiscal_code="it01234567890")
    assert reply.status_code == 303
    where = reply.headers["location"]
    added = await site.http.post(
        f"{where}/contacts",
        data={
            "name": "Marco Rossi",
            "role": "tutor",
            "phone": "+39 333 1234567",
            "csrf_token": token,
        },
    )
    assert added.status_code == 303

    detail = await site.http.get(where)
    assert detail.status_code == 200
    assert "Officina Rossi" in detail.text and "Azienda ospitante" in detail.text
    assert "IT01234567890" in detail.text and 'href="tel:+393331234567"' in detail.text
    assert "Contatto aggiunto" in detail.text and "Registrato" in detail.text
    assert '<meta name="viewport"' in detail.text


async def test_a_caseworker_reads_partners_without_the_forms(site: Site) -> None:
    partner = await site.partners.register(await _account(site, "sara"), WORKSHOP)
    token = await sign_in(site, "anna")

    listing = await site.http.get("/partners")
    detail = await site.http.get(f"/partners/{partner.id}")

    assert "Officina Rossi" in listing.text and "Registra un partner" not in listing.text
    assert detail.status_code == 200 and "Aggiungi un contatto" not in detail.text
    refused = await register(site, token)
    assert refused.status_code == 403
    assert await site.partners.list_partners(await _account(site, "cora")) == [partner]


@pytest.mark.parametrize(("user_id", "shown"), [("adele", False), ("aldo", True), ("cora", True)])
async def test_the_menu_shows_the_partners_to_the_roles_that_may(
    site: Site, user_id: str, shown: bool
) -> None:
    await sign_in(site, user_id) if user_id != "adele" else await _sign_in_anywhere(site, user_id)
    home = await site.http.get("/")
    assert ('href="/partners"' in home.text) is shown


async def test_another_organisations_partner_is_no_such_partner(site: Site) -> None:
    partner = await site.partners.register(await _account(site, "sara"), WORKSHOP)
    token = await sign_in(site, "paolo")

    detail = await site.http.get(f"/partners/{partner.id}")
    contact = await site.http.post(
        f"/partners/{partner.id}/contacts", data={"name": "X", "role": "tutor", "csrf_token": token}
    )

    assert detail.status_code == 404 and "Questo partner non esiste" in detail.text
    assert contact.status_code == 404
    assert (await site.partners.get(await _account(site, "sara"), partner.id)).contacts == ()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Inserisci un nome"),
        ({"kind": "bakery"}, "Scegli uno dei tipi."),
        ({"fiscal_code": "123"}, "Indica una partita IVA"),
    ],
)
async def test_a_refused_partner_form_is_shown_again_with_its_error_and_stores_nothing(
    site: Site, fields: dict[str, str], message: str
) -> None:
    token = await sign_in(site, "sara")

    reply = await register(site, token, **fields)

    assert reply.status_code == 422
    assert message in reply.text and 'aria-invalid="true"' in reply.text
    assert await site.partners.list_partners(await _account(site, "cora")) == []


async def test_the_coordinator_chooses_the_organisation(site: Site) -> None:
    token = await sign_in(site, "cora")

    missing = await register(site, token)
    chosen = await register(site, token, organisation_id="org-nardo")

    assert missing.status_code == 422 and "con cui il partner collabora" in missing.text
    assert chosen.status_code == 303
    [partner] = await site.partners.list_partners(await _account(site, "cora"))
    assert partner.organisation_id == "org-nardo"


async def test_a_refused_contact_form_is_shown_again_and_adds_nothing(site: Site) -> None:
    partner = await site.partners.register(await _account(site, "sara"), WORKSHOP)
    token = await sign_in(site, "sara")

    reply = await site.http.post(
        f"/partners/{partner.id}/contacts",
        data={"name": "Lucia", "role": "host_parent", "email": "lucia", "csrf_token": token},
    )

    assert reply.status_code == 422 and "Questo non è un indirizzo e-mail" in reply.text
    assert (await site.partners.get(await _account(site, "sara"), partner.id)).contacts == ()


async def test_a_form_without_its_csrf_token_stores_nothing(site: Site) -> None:
    await sign_in(site, "sara")

    reply = await site.http.post("/partners", data=WORKSHOP)

    assert reply.status_code == 403
    assert await site.partners.list_partners(await _account(site, "cora")) == []


async def _account(site: Site, user_id: str) -> Account:
    return STAFF[user_id]


async def _sign_in_anywhere(site: Site, user_id: str) -> None:
    form = await site.http.get("/sign-in")
    reply = await site.http.post(
        "/sign-in", data={"user_id": user_id, "password": PASSWORD, "csrf_token": csrf_of(form)}
    )
    assert reply.status_code == 303


async def test_the_partner_and_a_contact_are_edited_and_the_contact_removed_in_italian(
    site: Site,
) -> None:
    sara = await _account(site, "sara")
    partner = await site.partners.register(sara, WORKSHOP)
    contact = await site.partners.add_contact(sara, partner.id, {"name": "Gino", "role": "tutor"})
    where = f"/partners/{partner.id}"

    for who in ("anna", "paolo"):  # a caseworker has no forms; another organisation, no partner
        site.http.cookies.clear()
        token = await sign_in(site, who)
        page = await site.http.get(where)
        assert f"remove-{contact.id}" not in page.text, who
        for path, data in (
            ("/edit", {**WORKSHOP, "name": "Altro"}),
            (f"/contacts/{contact.id}", {"name": "Altro", "role": "tutor"}),
            (f"/contacts/{contact.id}/remove", {}),
        ):
            refused = await site.http.post(where + path, data={**data, "csrf_token": token})
            assert refused.status_code in (403, 404), (who, path)
    assert await site.partners.get(sara, partner.id) == partner.model_copy(
        update={"contacts": (contact,)}
    )

    site.http.cookies.clear()
    token = await sign_in(site, "sara")
    page = await site.http.get(where)
    assert "Modifica i dati" in page.text and "Rimuovi il contatto" in page.text
    bad = await site.http.post(
        f"{where}/contacts/{contact.id}",
        data={"name": "Gino", "role": "tutor", "email": "gino", "csrf_token": token},
    )
    assert bad.status_code == 422 and "Questo non è un indirizzo e-mail" in bad.text
    bad = await site.http.post(
        f"{where}/edit", data={**WORKSHOP, "fiscal_code": "123", "csrf_token": token}
    )
    assert bad.status_code == 422 and "Indica una partita IVA" in bad.text
    assert (await site.partners.get(sara, partner.id)).contacts == (contact,)

    edited = await site.http.post(
        f"{where}/edit", data={**WORKSHOP, "city": "Nardò", "csrf_token": token}
    )
    assert edited.status_code == 303
    changed = await site.http.post(
        f"{where}/contacts/{contact.id}",
        data={"name": "Gino Rizzo", "role": "tutor", "phone": "+39 333 1", "csrf_token": token},
    )
    assert changed.status_code == 303
    removed = await site.http.post(
        f"{where}/contacts/{contact.id}/remove", data={"csrf_token": token}
    )
    assert removed.status_code == 303
    page = await site.http.get(where)
    assert "Nardò" in page.text and "Gino Rizzo" in page.text and "Rimosso" in page.text
    assert "Contatto modificato" in page.text and "Contatto rimosso" in page.text
    assert f"remove-{contact.id}" not in page.text and f"invite-{contact.id}" not in page.text
