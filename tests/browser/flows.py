"""The flows beside the measures, from the pages: payments, erasure, a password reset.

- Payments: the caseworker asks for the bill of an economic support (a work grant's
  allowance is asked for by its month's attendance); the supervisor approves it from her
  queue; the administrator gives the organisation's bank account once; the supervisor
  creates the SEPA batch on /payments and imports the bank's statement saying it was paid,
  and the pathway shows the payment paid.
- Erasure: the caseworker records the exit, the supervisor closes the pathway, requests
  the erasure at /pathways/<id>/erasure, and the administrator approves it.
- Password reset: asked for from the sign-in page, the link read from the mail sink's
  `.eml` file, a new password chosen, and signing in with it.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, expect

from tests.browser.stack import Stack
from tests.browser.walk import Person, Screen
from tests.scenarios import CONDITION
from web.pages.event_labels import EVENT_TYPES

ORGANISATION_IBAN = "IT60X0542811101000000123456"
BILL = {
    "kind": "utilities",
    "amount": "80",
    "payee": {"name": "Acquedotto Pugliese", "iban": "IT24X0306909606100000063451"},
    "evidence_ref": "Bolletta 2026/118",
}
"""A bill below the utilities' evidence threshold: approved without an attached receipt."""

MAX_RELOADS = 300
"""A guard against a statement import that never ends (each reload waits on the page)."""


def pay(anna: Person, sara: Person, adele: Person, stack: Stack, measure_id: str) -> None:
    """The measure's payment from request to paid, as the people of each step see it."""
    pathway = anna.page.url.split("?")[0]
    pathway_id = pathway.rsplit("/", 1)[-1]
    if measure_id.startswith("economic_support"):  # a work grant's follows its attendance
        anna.act("request_payment", {"measure_id": measure_id, **BILL})
    approve_payment(sara, pathway_id)
    give_bank_account(adele)
    e2e = export_batch(sara, pathway_id)
    import_statement(sara, e2e)
    anna.page.goto(f"{pathway}/history")
    expect(anna.page.locator("main")).to_contain_text(anna.screen.says(EVENT_TYPES["PaymentPaid"]))
    anna.shoot(f"paid-{measure_id}")
    anna.page.goto(pathway)


def approve_payment(sara: Person, pathway_id: str) -> None:
    page = sara.page
    page.goto("/approvals")
    form = page.locator(f'form[action="/pathways/{pathway_id}/commands/approve_payment"]')
    expect(form).to_have_count(1)
    sara.shoot("approvals-payment")
    form.locator("button").first.click()
    expect(form).to_have_count(0)


def give_bank_account(adele: Person) -> None:
    """The organisation's account the batches are paid from (once; saving again is fine)."""
    page = adele.page
    page.goto("/admin/bank-account?organisation=org-lecce")
    form = page.locator('form[method="post"][action="/admin/bank-account"]')
    form.locator('[name="debtor_name"]').fill("Cooperativa Àncora")
    form.locator('[name="iban"]').fill(ORGANISATION_IBAN)
    form.locator("button[type=submit]").click()
    expect(page.locator("#bank-saved")).to_be_visible()


def export_batch(sara: Person, pathway_id: str) -> str:
    """Create the SEPA batch; answer the end-to-end id of the pathway's payment in it."""
    page = sara.page
    page.goto("/payments")
    page.locator("#batches form button.primary").click()
    expect(page.locator("#batches li.card").first).to_be_visible()
    page.locator("#total-exported a").click()  # the ledger's payments sent to the bank
    row = page.locator("li.ledger-row", has=page.locator(f'a[href="/pathways/{pathway_id}"]'))
    expect(row).to_have_count(1)
    entry = row.get_attribute("id") or ""
    head, _, attempt = entry.removeprefix("entry-").rpartition("-")
    sara.shoot("payments-batch")
    return f"{head}/{attempt}"


def import_statement(sara: Person, e2e: str) -> None:
    """Upload the bank's statement saying the transfer was paid; follow the import's end."""
    page = sara.page
    amount = page.locator(f"#entry-{e2e.replace('/', '-')} strong").inner_text()
    cents = int(re.sub(r"\D", "", amount))  # "369,23 €" or "€369.23": always two decimals
    euros = f"{cents // 100}.{cents % 100:02d}"
    today = page.locator("#report-to").input_value()
    statement = (
        "date,end_to_end_id,amount,status,bank_reference,reason\n"
        f"{today},{e2e},{euros},paid,BNK-{e2e[:8]},\n"
    )
    page.set_input_files(
        "#pay-statement",
        {"name": "estratto.csv", "mimeType": "text/csv", "buffer": statement.encode()},
    )
    page.locator("#statement form button.primary, form:has(#pay-statement) button").first.click()
    for _ in range(MAX_RELOADS):
        expect(page.locator("#statement-result")).to_be_visible()
        progress = page.locator("#statement-progress a")
        if progress.count() == 0:
            break
        progress.click()
    expect(page.locator("#figure-paid")).to_have_text("1")
    page.locator("#total-paid a").click()
    expect(page.locator(f"#entry-{e2e.replace('/', '-')}")).to_be_visible()
    sara.shoot("payments-statement")


def erase(anna: Person, sara: Person, adele: Person, pathway_id: str) -> None:
    """Exit, closure, and the erasure requested by one person and approved by another."""
    anna.page.goto(f"/pathways/{pathway_id}")
    exit_ = {"reason": "autonomy", "outcomes": {**CONDITION, "employment": "employed"}}
    anna.act("record_exit", exit_)
    sara.page.goto(f"/pathways/{pathway_id}")
    sara.act("close_pathway", {"reason": "Percorso concluso, nessuna verifica successiva"})
    page = sara.page
    page.goto(f"/pathways/{pathway_id}/erasure")
    page.fill("#request-reason", "Richiesta dell'interessata")
    page.fill("#request-confirm", pathway_id)
    page.locator('form[action$="/erasure/request"] button').click()
    expect(page.locator("#erasure-done")).to_be_visible()
    expect(page.locator("#erasure-pending")).to_be_visible()
    other = adele.page
    other.goto(f"/pathways/{pathway_id}/erasure")
    other.fill("#approve-confirm", pathway_id)
    other.locator('form[action$="/erasure/approve"] button').click()
    expect(other.locator("#erasure-erased")).to_be_visible()
    adele.shoot("erased")
    page.goto(f"/pathways/{pathway_id}")  # at once: the pages forget the destroyed keys
    expect(page.locator("h1")).to_have_text(sara.screen.says("Personal data erased"))
    expect(page.locator("main")).not_to_contain_text("Amina")


def reset_password(
    browser: Browser,
    contexts: list[BrowserContext],
    stack: Stack,
    who: str,
    screen: Screen,
    artifacts: Path,
) -> None:
    """A forgotten password, reset by the e-mailed link; then signing in with the new one."""
    context = browser.new_context(
        base_url=stack.base_url,
        viewport={"width": screen.width, "height": 844},
        locale=screen.locale,
    )
    contexts.append(context)
    page = context.new_page()
    page.goto("/sign-in")
    page.locator('a[href^="/password-reset"]').click()
    page.fill("#who", who)
    page.locator("form:has(#who) button.primary").click()
    expect(page.locator("#reset-asked")).to_be_visible()
    link = _mailed_link(stack, f"{who}@example.org")
    page.goto(link)
    new_password = "una passphrase nuova e lunga"
    page.fill("#password", new_password)
    page.fill("#password_again", new_password)
    page.locator("form:has(#password_again) button.primary").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    page.fill("#user_id", who)
    page.fill("#password", new_password)
    page.locator("form:has(#password) button[type=submit]").click()
    expect(page).to_have_url(f"{stack.base_url}/")
    Person(page, screen, artifacts).shoot("password-reset")


def _mailed_link(stack: Stack, address: str) -> str:
    for mail in reversed(stack.mail()):
        if mail["To"] == address:
            found = re.search(r"https?://\S+(/password-reset/\S+)", mail.get_content())
            assert found, mail.get_content()
            return found[1]
    raise AssertionError(f"no mail to {address} in {stack.data_dir / 'mail'}")
