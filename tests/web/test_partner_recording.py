"""A partner records from its assignment's page, on the time-skipping server: the staff's
progress form for each step its measure lets a partner record, sent through the pathway's
update as the signed-in contact (never as the form says), once per form, every refusal
explained in Italian with its code and recording nothing; what it recorded is listed, with
the caseworker's dispute."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest_asyncio
from fastapi import FastAPI

from domain.calendar import project_day
from domain.evolution import fold
from domain.measures import CATALOGUE
from domain.stream import stream_id_for
from domain.values import Role
from infra.access_log.model import AccessQuery
from infra.accounts.credentials import hash_password
from infra.accounts.model import Account
from infra.partners.store import InMemoryPartnerStore
from tests.scenarios import ASSESSMENT, CONDITION
from tests.unit.test_measures_work import WORK_GRANT
from tests.unit.test_partner_records import network
from tests.web.conftest import Api, web_settings
from tests.web.page_forms import forms_of, submit
from tests.web.staff import PASSWORD, staffed_accounts
from tests.web.test_api import ANNA, SARA, opened, send
from tests.web.test_pages import csrf_of
from tests.web.test_partner_pages import sign_in
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness
from web.pages.commands import CommandForm, command_form
from web.pages.forms import FieldSpec, Kind
from web.pages.partner_records import partner_kinds, record_form
from workers.composition import partner_registry

LECCE = Account(id="sara", display_name="Sara", role=Role.SUPERVISOR, organisation_id="org-lecce")
FORM = "form-record_measure_progress-work_grant_attendance"


@dataclass
class Recording:
    api: Api
    app: FastAPI
    tutor: str
    other: str
    """Another contact of the same host company, not linked."""

    def browser(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://testserver"
        )


@pytest_asyncio.fixture(loop_scope="session")
async def recording(harness: Harness) -> AsyncIterator[Recording]:
    registry = partner_registry(InMemoryPartnerStore({"org-lecce"}))
    workshop = await registry.register(
        LECCE, {"name": "Sartoria Salentina", "kind": "host_company"}
    )
    tutor = await registry.add_contact(LECCE, workshop.id, {"name": "Gino", "role": "tutor"})
    other = await registry.add_contact(LECCE, workshop.id, {"name": "Lia", "role": "tutor"})
    accounts = await staffed_accounts()
    for contact in (tutor, other):
        partner = Account(
            id=f"partner-{contact.id}",
            display_name=contact.name,
            role=Role.PARTNER,
            organisation_id="org-lecce",
            contact_id=contact.id,
        )
        await accounts.create_account(partner, hash_password(PASSWORD))
    app = create_test_app(
        harness.pathways, harness.store, accounts, web_settings(), partners=registry
    )
    transport = httpx.ASGITransport(app=app)
    async with (
        harness.worker(),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
    ):
        yield Recording(Api(harness, http), app, tutor.id, other.id)


async def tutored_grant(r: Recording) -> tuple[str, str]:
    """An active work grant begun last month, its tutor linked; the pathway and the month."""
    api = r.api
    pid = await opened(api)
    today = project_day(await api.harness.env.get_current_time())
    start_on = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    target = (today + timedelta(days=300)).isoformat()
    details = {
        **WORK_GRANT,
        "start_on": start_on.isoformat(),
        "end_on": (start_on + timedelta(days=200)).isoformat(),
    }
    steps: list[tuple[dict[str, Any], dict[str, str]]] = [
        ({"type": "record_baseline", "condition": CONDITION}, ANNA),
        (ASSESSMENT, ANNA),
        ({"type": "propose_plan", "measures": [
            {"measure_id": "wg", "kind": "work_grant", "target_date": target}]}, ANNA),
        ({"type": "approve_plan"}, SARA),
        ({"type": "start_measure", "measure_id": "wg", "details": details}, ANNA),
        ({"type": "link_partner_contact", "measure_id": "wg", "contact_id": r.tutor}, ANNA),
    ]  # fmt: skip
    for command, who in steps:
        reply = await send(api, pid, command, who)
        assert reply.status_code == 200, reply.text
    return pid, start_on.strftime("%Y-%m")


async def version(r: Recording, pid: str) -> int:
    return await r.api.harness.store.stream_version(stream_id_for(pid))


async def test_the_tutor_records_a_month_from_the_page_once_and_as_itself(
    recording: Recording,
) -> None:
    r = recording
    pid, month = await tutored_grant(r)
    url = f"/partner/assignments/{pid}/wg"
    async with r.browser() as tutor:
        await sign_in(tutor, f"partner-{r.tutor}")
        page = await tutor.get(url)
        assert page.status_code == 200, page.text
        assert sorted(f for f in forms_of(page) if f.startswith("form-")) == [FORM]
        assert "Ore verificate" in page.text or "hours_verified" in page.text

        before = await version(r, pid)
        reads = AccessQuery(pathway_id=pid, account_id=f"partner-{r.tutor}")
        read_before = len(await r.app.state.access_log.search(reads))
        cases: list[tuple[dict[str, Any], int, str]] = [
            ({"progress": {"month": month, "hours_verified": "999"}}, 422, "hours_verified"),
            ({"progress": {"month": month, "hours_verified": "200", "verified_by": "Gino"}},
             422, "hours_exceeded"),
        ]  # fmt: skip
        for values, status, shown in cases:
            refused = await submit(tutor, page, FORM, values)
            assert refused.status_code == status, refused.text
            assert shown in refused.text
        assert "Più ore di quante" in refused.text, "the refusal in Italian beside its code"
        assert await version(r, pid) == before, "a refused form records nothing"
        read_after = len(await r.app.state.access_log.search(reads))
        assert read_after == read_before + 2, "a form drawn again is a read too"

        forged = {
            "progress": {"month": month, "hours_verified": "70", "verified_by": "Gino"},
            "measure_id": "elsewhere",
            "contact_id": r.other,
            "partner_id": "forged",
            "actor.contact_id": r.other,
            "actor.partner_id": "forged",
        }
        done = await submit(tutor, page, FORM, forged)
        assert done.status_code == 303, done.text
        again = await submit(tutor, page, FORM, forged)
        assert again.status_code == 303, "the same form sent twice is answered once"
        state = fold(await r.api.harness.store.read_stream(stream_id_for(pid)))
        [figure] = state.figures.by_id.values()
        assert (figure.measure_id, figure.contact_id, figure.month) == ("wg", r.tutor, month)
        assert figure.partner_id != "forged"
        assert len(state.measures["wg"].progress) == 1
        [entry] = state.measures["wg"].progress
        verified = (entry.progress.verified_by, entry.actor_id)  # type: ignore[union-attr]
        assert verified == (r.tutor, f"partner-{r.tutor}"), "the tutor's own, whatever is typed"

        shown = await tutor.get(url)
        assert "Fatto" in shown.text and month in shown.text and "registrato" in shown.text
        dispute = {"type": "dispute_figure", "figure_id": figure.figure_id, "reason": "Register"}
        assert (await send(r.api, pid, dispute)).status_code == 200
        disputed = await tutor.get(url)
        assert "contestato" in disputed.text
        chosen = {"language": "en", "next": url, "csrf_token": csrf_of(disputed)}
        assert (await tutor.post("/language", data=chosen)).status_code == 303
        english = await tutor.get(url)
        assert "disputed by the caseworker" in english.text and FORM in english.text

        kind = {"csrf_token": csrf_of(page), "progress.kind": "course_attendance"}
        wrong = await tutor.post(f"{url}/records", data=kind)
        assert wrong.status_code == 404, "no such form on this assignment"

    async with r.browser() as other:
        await sign_in(other, f"partner-{r.other}")
        assert (await other.get(url)).status_code == 404
        home = await other.get("/partner")
        data = {"csrf_token": csrf_of(home), "progress.kind": "work_grant_attendance"}
        assert (await other.post(f"{url}/records", data=data)).status_code == 404
    records = await r.api.harness.store.read_stream(stream_id_for(pid))
    kinds = [(x.type, x.actor.id) for x in records[before:]]
    assert kinds == [
        ("MeasureProgressRecorded", f"partner-{r.tutor}"),
        ("PaymentRequested", f"partner-{r.tutor}"),
        ("FigureDisputed", "anna"),
    ], "the month and its allowance once, then the dispute"


def test_every_step_a_partner_records_has_its_form() -> None:
    state = network().state
    for measure in state.measures.values():
        allowed = CATALOGUE[measure.kind].partner_records
        assert set(partner_kinds(state, measure.measure_id)) == allowed, measure.kind
        for kind in allowed:
            assert record_form(state, measure.measure_id, kind, "c").specs is not None, kind
    covered = {k for m in state.measures.values() for k in CATALOGUE[m.kind].partner_records}
    assert covered == {k for spec in CATALOGUE.values() for k in spec.partner_records}


async def test_the_caseworkers_form_names_the_linked_contact_who_verified(
    recording: Recording,
) -> None:
    r = recording
    pid, _ = await tutored_grant(r)
    async with r.browser() as anna:
        await sign_in(anna, "anna")
        page = await anna.get(
            f"/pathways/{pid}/commands/record_measure_progress",
            params={"choice": "wg work_grant_attendance"},
        )
    assert page.status_code == 200, page.text
    select = page.text.split('name="progress.verified_by"')[1].split("</select>")[0]
    assert f'value="{r.tutor}"' in select and "Gino" in select and r.other not in select


def verifier_of(form: CommandForm) -> FieldSpec:
    assert form.specs is not None
    [progress] = [spec for spec in form.specs if spec.name == "progress"]
    [verifier] = [c for c in progress.children if c.name == "verified_by"]
    return verifier


def test_who_verified_the_hours_is_the_linked_contact_not_typed_by_hand() -> None:
    state = network().state  # the work grant `wg` has the tutor `rizzo` linked
    partner = verifier_of(record_form(state, "wg", "work_grant_attendance", "rizzo"))
    assert (partner.kind, partner.const) == (Kind.CONST, "rizzo")

    chosen = {"choice": "wg work_grant_attendance"}
    named = [("rizzo", "Gino Rizzo · Sartoria · tutor"), ("unlinked", "Lia · Sartoria")]
    staff = verifier_of(command_form(state, "record_measure_progress", chosen, contacts=named))
    assert (staff.kind, staff.options) == (Kind.CHOICE, (named[0],))
    unnamed = verifier_of(command_form(state, "record_measure_progress", chosen))
    assert [value for value, _ in unnamed.options] == ["rizzo"]

    unlinked = state.model_copy(update={"partner_links": {}})
    typed = verifier_of(command_form(unlinked, "record_measure_progress", chosen))
    assert typed.kind == Kind.STRING, "without a linked contact the caseworker types who verified"
