"""`/admin/bank-account`: the admin sets the account a SEPA batch pays from, in a page.

On the payments pages' real Postgres ledger (`tests.web.test_payments_pages.office`), where
Nardò has an approved payment and no account: once the admin has set it in the page, its
supervisor prepares the batch from the payments page; a refused account records nothing.
"""

from __future__ import annotations

import pytest

from tests.eventstore.conftest import database, postgres
from tests.web.test_pages import sign_in
from tests.web.test_payments_pages import ORG_IBAN, Office, office

__all__ = ["database", "office", "postgres"]

pytestmark = pytest.mark.integration

NARDO_IBAN = "IT57Q0306909606100000063517"
ACCOUNT_ROWS = "SELECT organisation_id, iban FROM organisation_accounts ORDER BY 1"


async def test_the_admin_sets_the_account_and_the_batch_is_prepared_from_the_pages(
    office: Office,
) -> None:
    async with office.browser() as adele:
        token = await sign_in(adele, "adele")
        admin = await adele.get("/admin")
        assert 'href="/admin/bank-account?organisation=org-nardo"' in admin.text
        page = await adele.get("/admin/bank-account", params={"organisation": "org-nardo"})
        assert page.status_code == 200, page.text
        assert 'id="bank-none"' in page.text and "Conto bancario" in page.text
        saved = await adele.post(
            "/admin/bank-account",
            data={
                "csrf_token": token,
                "organisation": "org-nardo",
                "debtor_name": "  Cooperativa   Nardò ",
                "iban": "it57 q030 6909 6061 0000 0063 517",
                "bic": "",
            },
        )
        assert saved.status_code == 303, saved.text
        shown = await adele.get(saved.headers["location"])
        assert NARDO_IBAN in shown.text and 'id="bank-saved"' in shown.text
    assert await office.rows(ACCOUNT_ROWS) == [("org-lecce", ORG_IBAN), ("org-nardo", NARDO_IBAN)]

    async with office.browser() as paolo:
        token = await sign_in(paolo, "paolo")
        made = await paolo.post(
            "/payments/batches", data={"csrf_token": token, "organisation": "org-nardo"}
        )
        assert made.status_code == 303, made.text
        batch_id = made.headers["location"].split("exported=")[1].split("#")[0]
        file = await paolo.get(f"/payments/batches/{batch_id}.xml")
        assert NARDO_IBAN.encode() in file.content and b"<Nm>Cooperativa Nard" in file.content


REFUSED = [
    ({"iban": "IT60X0542811101000000123457"}, "invalid_iban", "Questo IBAN non è valido"),
    ({"bic": "NOTABIC!"}, "invalid_bic", "Questo BIC non è valido"),
    ({"debtor_name": "   "}, "unknown_payee", "Inserisci il nome dell'intestatario"),
    ({"iban": "I" * 300}, "field_too_long", "Un campo è troppo lungo"),
]
"""A bad field, the code the page shows and what it says of it in Italian."""


async def test_a_refused_account_changes_nothing_and_only_the_admin_sets_one(
    office: Office,
) -> None:
    good = {"organisation": "org-nardo", "debtor_name": "Coop", "iban": NARDO_IBAN, "bic": ""}
    async with office.browser() as adele:
        token = await sign_in(adele, "adele")
        for fields, code, said in REFUSED:
            for organisation in ("org-nardo", "org-lecce"):  # none set, one set
                refused = await adele.post(
                    "/admin/bank-account",
                    data={**good, "csrf_token": token, "organisation": organisation, **fields},
                )
                assert refused.status_code == 422, refused.text
                assert code in refused.text and said in refused.text, code
        unknown = {**good, "organisation": "org-elsewhere", "csrf_token": token}
        assert (await adele.post("/admin/bank-account", data=unknown)).status_code == 404
        assert (await adele.post("/admin/bank-account", data=good)).status_code == 403  # no CSRF
    for who in ("paolo", "cora", "aldo", "anna"):
        async with office.browser() as someone:
            token = await sign_in(someone, who)
            assert (await someone.get("/admin/bank-account")).status_code == 403, who
            refused = await someone.post("/admin/bank-account", data={"csrf_token": token, **good})
            assert refused.status_code == 403, who
    assert await office.rows(ACCOUNT_ROWS) == [("org-lecce", ORG_IBAN)]
