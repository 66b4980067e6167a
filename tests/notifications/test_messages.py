"""The texts of the ladder's e-mails and who they go to."""

from __future__ import annotations

import ast
import email
import email.policy
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from activities.notifications.messages import OBLIGATION_KINDS, build_message, message_id, render
from domain.obligations import end_of
from domain.projections import Notification
from domain.values import Role
from infra.mail.directory import Recipient, StaticDirectory
from tests.notifications.builders import DEMO_DIRECTORY, overdue_pathway
from tests.scenarios import OPEN

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)
REMINDER, TO_SUPERVISOR, TO_COORDINATOR = overdue_pathway().notifications
ANNA = Recipient("anna", "anna@example.org", "it")
LUCA = Recipient("luca", "luca@example.org", "en")


def built(notification: Notification, *recipients: Recipient) -> EmailMessage:
    message = build_message(
        notification,
        recipients,
        from_address="Pathways <pathways@localhost>",
        base_url="https://pathways.example.org/",
        now=NOW,
    )
    # What the recipient's mail client would read back.
    parsed = email.message_from_bytes(bytes(message), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def text(message: EmailMessage) -> str:
    """Subject and body as one line of words, as wrapped lines read."""
    body = message.get_body()
    assert body is not None
    return " ".join(f"{message['Subject']} {body.get_content()}".split())


def kinds_the_domain_owes() -> set[str]:
    """The `kind` arguments of `domain.obligations`: `add(id, kind, ...)`, `after(kind, ...)`,
    and of the measures' own deadlines (`owing.add(id, kind, ...)` in domain/measures/)."""
    sources = [ROOT / "domain" / "obligations.py", *(ROOT / "domain" / "measures").glob("*.py")]
    nodes = [node for source in sources for node in ast.walk(ast.parse(source.read_text()))]
    kinds = set()
    for node in nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            position = {"add": 1, "after": 0}.get(node.func.attr)
            if position is not None and len(node.args) > position:
                argument = node.args[position]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    kinds.add(argument.value)
    return kinds


def test_every_obligation_kind_of_the_domain_has_words_in_both_languages() -> None:
    owed = kinds_the_domain_owes()

    assert owed == {
        "baseline", "skills_assessment", "plan_proposal", "plan_approval", "measure_target",
        "work_grant_attendance", "hosting_communication", "permit_renewal",
        "licence_conversion", "pathway_end", "follow_up", "referral_answer",
    }  # fmt: skip
    assert set(OBLIGATION_KINDS) == owed
    for names in OBLIGATION_KINDS.values():
        assert set(names) == {"it", "en"} and names["it"] != names["en"]


def test_a_reminder_in_italian_names_the_obligation_the_date_and_links_the_pathway() -> None:
    message = built(REMINDER, ANNA)

    assert message["Subject"] == (
        "[Pathways] Promemoria: rilevazione della situazione di partenza"
        " entro il 09/03/2026 alle 10:00 (ora italiana) (percorso p-0001)"
    )
    body = text(message)
    assert "il percorso p-0001 ha una scadenza vicina." in body
    assert "Adempimento: rilevazione della situazione di partenza" in body
    assert "Scadenza: 09/03/2026 alle 10:00 (ora italiana)" in body
    assert "https://pathways.example.org/pathways/p-0001" in body
    assert message["Content-Language"] == "it"
    assert message["To"] == "anna@example.org"


def test_an_escalation_in_english_says_the_deadline_was_missed_and_why_you_get_it() -> None:
    message = built(TO_SUPERVISOR, LUCA)

    assert message["Subject"].startswith("[Pathways] Deadline missed: baseline assessment")
    body = text(message)
    assert "pathway p-0001 has missed a deadline" in body
    assert "Obligation: baseline assessment of the starting situation" in body
    assert "Due: 09 Mar 2026 at 10:00 (Italian time)" in body
    assert "team supervisor" in body
    assert message["Content-Language"] == "en"


def test_recipients_of_two_languages_get_italian_then_english() -> None:
    message = built(TO_COORDINATOR, LUCA, ANNA)

    body = text(message)
    assert body.index("Scadenza superata") < body.index("Deadline missed")
    assert body.index("coordinamento del progetto") < body.index("project's coordination")
    assert message["Content-Language"] == "it, en"
    assert message["To"] == "luca@example.org, anna@example.org"


def test_messages_hold_no_personal_data_of_the_beneficiary() -> None:
    beneficiary = OPEN["beneficiary"]
    personal = [
        beneficiary["given_name"],
        beneficiary["family_name"],
        beneficiary["phone"],
        beneficiary["document_number"],
        beneficiary["birth_date"],
        OPEN["reception_centre"]["name"],
    ]
    for notification in (REMINDER, TO_SUPERVISOR, TO_COORDINATOR):
        message = built(notification, ANNA, LUCA)
        raw = bytes(message).decode()
        for value in personal:
            assert value not in text(message) and value not in raw


def test_the_message_id_is_the_notification_id_in_characters_a_message_id_allows() -> None:
    assert message_id("pathway-p-0001:2") == "<pathway-p-0001%3A2@pathways>"
    assert message_id("pathway-a.b@c:10") == "<pathway-a%2Eb%40c%3A10@pathways>"
    assert built(REMINDER, ANNA)["Message-ID"] == "<pathway-p-0001%3A2@pathways>"
    assert built(REMINDER, ANNA)["Auto-Submitted"] == "auto-generated"


def test_an_unknown_obligation_kind_reads_as_its_name() -> None:
    odd = REMINDER.model_copy(update={"obligation_kind": "new_kind_of_debt"})

    assert "new kind of debt" in render(odd, "en", "http://x").subject


# --- the directory --------------------------------------------------------------------------


async def test_the_directory_finds_the_caseworker_in_person_and_the_roles_of_the_org() -> None:
    directory = StaticDirectory(DEMO_DIRECTORY)
    other = overdue_pathway("p-0002", organisation_id="org-nardo", caseworker_id="marta")

    async def user_ids(notification: Notification) -> list[str]:
        return [r.user_id for r in await directory.recipients(notification)]

    assert await user_ids(REMINDER) == ["anna"]
    assert await user_ids(TO_SUPERVISOR) == ["sara"]
    assert await user_ids(TO_COORDINATOR) == ["cora"]
    assert [await user_ids(n) for n in other.notifications] == [["marta"], ["paolo"], ["cora"]]
    unknown = REMINDER.model_copy(update={"recipient_id": "nobody"})
    assert await directory.recipients(unknown) == []
    [cora] = await directory.recipients(TO_COORDINATOR)
    assert cora == Recipient("cora", "cora@example.org", "en")


@pytest.mark.parametrize(
    ("users", "complaint"),
    [
        ([("a", Role.CASEWORKER, "o", "a@x", "it"), ("a", Role.CASEWORKER, "o", "b@x", "it")],
         "listed twice"),
        ([("a", Role.CASEWORKER, "o", "not an address", "it")], "not an e-mail address"),
        ([("a", Role.CASEWORKER, "o", "a@x", "fr")], "language 'fr'"),
        ([("a", "janitor", "o", "a@x", "it")], "janitor"),
    ],
)  # fmt: skip
def test_a_directory_with_bad_entries_is_refused(
    users: list[tuple[str, Role, str, str, str]], complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        StaticDirectory(users)


def test_a_measure_due_by_15_june_is_mailed_as_due_on_15_june_not_at_midnight_utc_of_the_16th() -> (
    None
):
    due = end_of(date(2026, 6, 15))
    target = REMINDER.model_copy(update={"obligation_kind": "measure_target", "due_at": due})

    italian, english = text(built(target, ANNA)), text(built(target, LUCA))

    assert "entro il 15/06/2026 (percorso p-0001)" in italian
    assert "Scadenza: 15/06/2026" in italian and "16/06/2026" not in italian
    assert "Due: 15 Jun 2026" in english and "UTC" not in english


def test_the_messages_date_is_in_italian_time() -> None:
    message = built(REMINDER, ANNA)
    # 10:00 UTC on 1 April 2026 is 12:00 in Rome (summer time).
    assert message["Date"] == "Wed, 01 Apr 2026 12:00:00 +0200"
