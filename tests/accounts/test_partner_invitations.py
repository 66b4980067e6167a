"""Partner accounts by invitation: who may invite whom, the one-time link (hashed, expiring,
single use) on its page, and every refusal a stable code that stores nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import httpx
import pytest
import pytest_asyncio
from temporalio.client import Client

from activities.accounts.partner_invitations import (
    Invitation,
    invitation_message,
    invite_partner,
)
from client.pathway import PathwayClient
from domain.partners.errors import PartnerError
from domain.values import Role
from infra.accounts.credentials import token_digest
from infra.accounts.invitations import INVITATION_VALID_FOR, InMemoryInvitations, InvitationStore
from infra.accounts.model import Account, Organisation
from infra.accounts.postgres import PostgresAccountStore
from infra.accounts.postgres_invitations import PostgresInvitations
from infra.crypto.keyring import Keyring
from infra.crypto.master import MasterKey
from infra.crypto.sealing import FieldSealer
from infra.eventstore.memory import InMemoryEventStore
from infra.partners.postgres import PostgresPartnerStore
from infra.partners.store import InMemoryPartnerStore
from tests.eventstore.conftest import database, pool, postgres
from tests.web.conftest import web_settings
from tests.web.staff import STAFF, bearer, staffed_accounts
from tests.web.test_pages import csrf_of, sign_in
from tests.web_app import create_test_app
from workers.composition import partner_registry

__all__ = ["database", "pool", "postgres"]

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
SARA, ANNA, PAOLO = STAFF["sara"], STAFF["anna"], STAFF["paolo"]
STRONG = "una password lunga e sicura 42"


@pytest_asyncio.fixture
async def world() -> AsyncIterator[dict[str, Any]]:
    accounts = await staffed_accounts()
    partners = partner_registry(InMemoryPartnerStore({"org-lecce", "org-nardo"}))
    workshop = await partners.register(SARA, {"name": "Officina Rossi", "kind": "host_company"})
    tutor = await partners.add_contact(
        SARA, workshop.id, {"name": "Marco Rossi", "role": "tutor", "email": "marco@rossi.it"}
    )
    mute = await partners.add_contact(SARA, workshop.id, {"name": "Gino", "role": "other"})
    yield {
        "accounts": accounts,
        "partners": partners,
        "invitations": InMemoryInvitations(),
        "tutor": tutor.id,
        "mute": mute.id,
    }


async def invite(
    world: dict[str, Any], inviter: Account, contact_id: str, now: datetime = NOW
) -> Invitation:
    return await invite_partner(
        world["accounts"],
        world["partners"],
        world["invitations"],
        inviter,
        contact_id,
        "https://pathways.example/",
        now,
    )


async def test_a_supervisor_invites_a_contact_of_their_partners(world: dict[str, Any]) -> None:
    invitation = await invite(world, SARA, world["tutor"])
    account = invitation.account
    assert (account.role, account.contact_id, account.organisation_id) == (
        Role.PARTNER,
        world["tutor"],
        "org-lecce",
    )
    assert await world["accounts"].password_hash(account.id) is None
    assert invitation.link.startswith("https://pathways.example/invitations/")
    assert invitation.expires_at == NOW + INVITATION_VALID_FOR
    message = invitation_message(invitation, "Pathways <p@example>")
    assert message["To"] == "marco@rossi.it" and invitation.link in message.get_content()
    again = await invite(world, SARA, world["tutor"])
    assert again.account == account and again.link != invitation.link


@pytest.mark.parametrize(
    ("who", "contact", "code"),
    [
        ("anna", "tutor", "partner_forbidden"),
        ("paolo", "tutor", "partner_not_found"),
        ("sara", "contact-nobody", "partner_not_found"),
        ("sara", "mute", "invalid_contact"),
    ],
)
async def test_refused_invitations_have_a_code_and_store_nothing(
    world: dict[str, Any], who: str, contact: str, code: str
) -> None:
    before = await world["accounts"].list_accounts()
    with pytest.raises(PartnerError) as refused:
        await invite(world, STAFF[who], world.get(contact, contact))
    assert refused.value.code == code
    assert await world["accounts"].list_accounts() == before
    assert world["invitations"]._links == {}


async def page(world: dict[str, Any]) -> httpx.AsyncClient:
    app = create_test_app(
        PathwayClient(cast(Client, None), "no-temporal"),  # the pages here send no command
        InMemoryEventStore(),
        world["accounts"],
        web_settings(auth_clock=lambda: NOW + timedelta(hours=1)),
        partners=world["partners"],
        invitations=world["invitations"],
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_the_link_sets_a_password_once_then_the_partner_signs_in(
    world: dict[str, Any],
) -> None:
    invitation = await invite(world, SARA, world["tutor"])
    path = invitation.link.removeprefix("https://pathways.example")
    account_id = invitation.account.id
    async with await page(world) as browser:
        form = await browser.get(path)
        assert form.status_code == 200 and account_id in form.text
        assert "Scegli la tua password" in form.text
        csrf = csrf_of(form)
        for password, again, status, code in (
            ("corta", "corta", 422, "weak_password"),
            (STRONG, STRONG + "!", 422, "passwords_differ"),
        ):
            data = {"password": password, "password_again": again, "csrf_token": csrf}
            reply = await browser.post(path, data=data)
            assert reply.status_code == status and f'data-code="{code}"' in reply.text
            assert await world["accounts"].password_hash(account_id) is None
        data = {"password": STRONG, "password_again": STRONG, "csrf_token": csrf}
        accepted = await browser.post(path, data=data)
        assert accepted.status_code == 303 and accepted.headers["location"] == "/sign-in"
        used = await browser.post(path, data=data)
        assert used.status_code == 404 and 'data-code="invitation_invalid"' in used.text
        assert (await browser.get(path)).status_code == 404

        sign_in = await browser.get("/sign-in")
        signed = await browser.post(
            "/sign-in",
            data={
                "user_id": account_id,
                "password": STRONG,
                "next": "/",
                "csrf_token": csrf_of(sign_in),
            },
        )
        assert signed.status_code == 303
        home = await browser.get("/")
        assert home.headers["location"].endswith("/partner")
        assert (await browser.get("/partner")).status_code == 200


async def test_an_expired_or_unknown_link_serves_no_one(world: dict[str, Any]) -> None:
    old = await invite(world, SARA, world["tutor"], NOW - INVITATION_VALID_FOR)
    async with await page(world) as browser:
        for path in (old.link.removeprefix("https://pathways.example"), "/invitations/nope"):
            reply = await browser.get(path)
            assert reply.status_code == 404 and 'data-code="invitation_invalid"' in reply.text


async def test_the_postgres_links_serve_once_before_they_expire(pool: Any) -> None:
    accounts = PostgresAccountStore(pool)
    await accounts.create_organisation(Organisation(id="org-lecce", name="Lecce"))
    await accounts.create_account(SARA, None)
    partners = partner_registry(
        PostgresPartnerStore(pool, FieldSealer(Keyring(pool, MasterKey.generate())))
    )
    workshop = await partners.register(SARA, {"name": "Officina", "kind": "host_company"})
    tutor = await partners.add_contact(
        SARA, workshop.id, {"name": "Marco", "role": "tutor", "email": "m@rossi.it"}
    )
    store: InvitationStore = PostgresInvitations(pool)
    invitation = await invite_partner(accounts, partners, store, SARA, tutor.id, "http://x", NOW)
    digest = token_digest(invitation.link.rsplit("/", 1)[1])
    assert (await accounts.get_account(invitation.account.id)).contact_id == tutor.id  # type: ignore[union-attr]
    assert await store.invitation_account(digest, NOW + timedelta(hours=73)) is None
    assert await store.redeem(digest, NOW) == invitation.account.id
    assert await store.redeem(digest, NOW) is None


async def accounts_and_links(world: dict[str, Any]) -> tuple[list[str], int]:
    """The partner accounts there are, and how many links were stored."""
    people = await world["accounts"].list_accounts("org-lecce")
    return sorted(a.id for a in people if a.role == Role.PARTNER), len(world["invitations"]._links)


async def test_the_api_invites_by_the_clis_rules_and_a_refusal_stores_nothing(
    world: dict[str, Any],
) -> None:
    workshop = (await world["partners"].list_partners(SARA))[0].id
    url = f"/api/v1/partners/{workshop}/contacts/{{}}/invitation"
    before = await accounts_and_links(world)
    async with await page(world) as api:
        for who, contact, status, code in (
            ("anna", world["tutor"], 403, "partner_forbidden"),
            ("paolo", world["tutor"], 404, "partner_not_found"),
            ("sara", world["mute"], 422, "invalid_contact"),
            ("sara", "contact-nobody", 404, "partner_not_found"),
        ):
            reply = await api.post(url.format(contact), headers=bearer(who))
            assert (reply.status_code, reply.json()["code"]) == (status, code), reply.text
        other = await api.post(
            f"/api/v1/partners/partner-other/contacts/{world['tutor']}/invitation",
            headers=bearer("sara"),
        )
        assert (other.status_code, other.json()["code"]) == (404, "partner_not_found")
        assert await accounts_and_links(world) == before, "a refusal stores nothing"

        made = await api.post(url.format(world["tutor"]), headers=bearer("cora"))
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["account_id"] == f"partner-{world['tutor'].removeprefix('contact-')}"
    assert body["email"] == "marco@rossi.it" and body["mailed"] is False
    assert body["link"].startswith("http://testserver/invitations/")
    digest = token_digest(body["link"].rsplit("/", 1)[1])
    assert await world["invitations"].invitation_account(digest, NOW) == body["account_id"]


async def test_the_partner_page_invites_a_contact_and_refuses_one_without_email(
    world: dict[str, Any],
) -> None:
    workshop = (await world["partners"].list_partners(SARA))[0].id
    before = await accounts_and_links(world)
    async with await page(world) as browser:
        await sign_in(browser, "sara")
        shown = await browser.get(f"/partners/{workshop}")
        assert f'id="invite-{world["tutor"]}"' in shown.text
        assert f'id="invite-{world["mute"]}"' not in shown.text, "no e-mail, no button"
        csrf = {"csrf_token": csrf_of(shown)}
        url = f"/partners/{workshop}/contacts/{{}}/invitation"
        refused = await browser.post(url.format(world["mute"]), data=csrf)
        assert refused.status_code == 422 and "invalid_contact" in refused.text
        assert "non ha un indirizzo e-mail" in refused.text
        unknown = await browser.post(url.format("contact-nobody"), data=csrf)
        assert unknown.status_code == 404
        assert await accounts_and_links(world) == before, "a refusal stores nothing"
        made = await browser.post(url.format(world["tutor"]), data=csrf)
        assert made.status_code == 200, made.text
        assert "consegna tu questo link" in made.text and "/invitations/" in made.text
    async with await page(world) as browser:
        await sign_in(browser, "anna")
        shown = await browser.get(f"/partners/{workshop}")
        assert "invite-" not in shown.text, "a caseworker invites no one"
        forbidden = await browser.post(
            f"/partners/{workshop}/contacts/{world['tutor']}/invitation",
            data={"csrf_token": csrf_of(shown)},
        )
        assert forbidden.status_code == 403
