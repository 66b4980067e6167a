"""The e-mails of the deadline ladder, in Italian and English.

A message says which pathway (its pseudonymous id), what is owed, by when, and links to
the pathway; nothing else. Names, documents and other personal data stay behind the link,
where the reader must sign in and every access is checked.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from domain.calendar import PROJECT_TIMEZONE, ends_a_day, last_day_to_act
from domain.projections import Notification
from domain.values import Role
from infra.mail.directory import Language, Recipient

OBLIGATION_KINDS: dict[str, dict[Language, str]] = {
    "baseline": {
        "it": "rilevazione della situazione di partenza",
        "en": "baseline assessment of the starting situation",
    },
    "skills_assessment": {"it": "bilancio di competenze", "en": "skills assessment"},
    "plan_proposal": {
        "it": "proposta del piano individuale",
        "en": "proposal of the individual plan",
    },
    "plan_approval": {
        "it": "approvazione del piano individuale",
        "en": "approval of the individual plan",
    },
    "measure_target": {
        "it": "data obiettivo di una misura del piano",
        "en": "target date of a measure of the plan",
    },
    "work_grant_attendance": {
        "it": "presenze mensili della borsa lavoro",
        "en": "monthly attendance of the work grant",
    },
    "hosting_communication": {
        "it": "comunicazione di ospitalità all'autorità di pubblica sicurezza",
        "en": "hosting communication to the police",
    },
    "permit_renewal": {
        "it": "rinnovo del permesso di soggiorno",
        "en": "renewal of the residence permit",
    },
    "licence_conversion": {
        "it": "conversione della patente di guida estera",
        "en": "conversion of the foreign driving licence",
    },
    "pathway_end": {"it": "fine del percorso", "en": "end of the pathway"},
    "follow_up": {"it": "verifica a sei mesi dall'uscita", "en": "follow-up after exit"},
    "referral_answer": {
        "it": "risposta all'invio a un altro ente",
        "en": "answer to a referral to another organisation",
    },
}
"""Every obligation kind of `domain.obligations`, named in plain words."""

_PREFIX = "[Pathways] "
_TEXTS: dict[Language, dict[str, str]] = {
    "it": {
        "reminder_subject": "Promemoria: {what} entro il {due} (percorso {pathway})",
        "escalation_subject": "Scadenza superata: {what} (percorso {pathway})",
        "greeting": "Buongiorno,",
        "reminder": "il percorso {pathway} ha una scadenza vicina.",
        "escalation": "il percorso {pathway} ha una scadenza superata, non ancora rispettata.",
        "facts": "Adempimento: {what}\nScadenza: {due}",
        Role.SUPERVISOR: "Ti scriviamo come coordinatore d'équipe dell'organizzazione"
        " che segue il percorso.",
        Role.COORDINATOR: "Ti scriviamo come coordinamento del progetto.",
        "link": "Apri il percorso: {link}",
        "footer": "Messaggio automatico di Pathways. Per riservatezza non contiene dati"
        " personali: i dettagli sono nel sistema, dopo l'accesso.",
        "day": "%d/%m/%Y",
        "instant": "%d/%m/%Y alle %H:%M (ora italiana)",
    },
    "en": {
        "reminder_subject": "Reminder: {what} due by {due} (pathway {pathway})",
        "escalation_subject": "Deadline missed: {what} (pathway {pathway})",
        "greeting": "Hello,",
        "reminder": "pathway {pathway} has a deadline coming up.",
        "escalation": "pathway {pathway} has missed a deadline, and it is still open.",
        "facts": "Obligation: {what}\nDue: {due}",
        Role.SUPERVISOR: "You receive this as team supervisor of the organisation"
        " that follows the pathway.",
        Role.COORDINATOR: "You receive this as the project's coordination.",
        "link": "Open the pathway: {link}",
        "footer": "Automatic message from Pathways. For confidentiality it holds no personal"
        " data: the details are in the system, once you sign in.",
        "day": "%d %b %Y",
        "instant": "%d %b %Y at %H:%M (Italian time)",
    },
}


@dataclass(frozen=True)
class MessageText:
    subject: str
    body: str


def obligation_words(kind: str, language: Language) -> str:
    """The obligation kind in plain words; an unknown kind reads as its own name."""
    names = OBLIGATION_KINDS.get(kind)
    return names[language] if names else kind.replace("_", " ")


def due_words(due_at: datetime, language: Language) -> str:
    """The due instant as the pages show it: the Italian day of a deadline "by day D",
    else the day and the Italian time (a deadline counted in hours)."""
    texts = _TEXTS[language]
    if ends_a_day(due_at):
        return last_day_to_act(due_at).strftime(texts["day"])
    return due_at.astimezone(PROJECT_TIMEZONE).strftime(texts["instant"])


def pathway_link(base_url: str, pathway_id: str) -> str:
    return f"{base_url.rstrip('/')}/pathways/{pathway_id}"


def render(notification: Notification, language: Language, base_url: str) -> MessageText:
    """Subject and body of the notification's message in one language."""
    texts = _TEXTS[language]
    fields = {
        "what": obligation_words(notification.obligation_kind, language),
        "due": due_words(notification.due_at, language),
        "pathway": notification.pathway_id,
        "link": pathway_link(base_url, notification.pathway_id),
    }
    step = "escalation" if notification.escalation else "reminder"
    paragraphs = [texts["greeting"], texts[step], texts["facts"]]
    if notification.recipient_role in texts:
        paragraphs.append(texts[notification.recipient_role])
    paragraphs.append(texts["link"])
    body = "\n\n".join(_wrap(p.format(**fields)) for p in paragraphs)
    subject = _PREFIX + texts[f"{step}_subject"].format(**fields)
    return MessageText(subject=subject, body=f"{body}\n\n-- \n{_wrap(texts['footer'])}\n")


def _wrap(paragraph: str) -> str:
    """Lines of at most 72 characters, so quoted-printable escapes only accented letters."""
    return "\n".join(
        textwrap.fill(line, 72, break_long_words=False, break_on_hyphens=False)
        for line in paragraph.splitlines()
    )


def message_id(notification_id: str) -> str:
    """`<notification id@pathways>`, the id escaped to the characters a Message-ID allows.

    Stable: every delivery of one notification carries the same Message-ID, which is how
    the mail sink (and a recipient's mail client) recognises a second delivery.
    """
    escaped = "".join(
        c if c.isascii() and (c.isalnum() or c in "-_") else f"%{ord(c):02X}"
        for c in notification_id
    )
    return f"<{escaped}@pathways>"


def build_message(
    notification: Notification,
    recipients: Sequence[Recipient],
    *,
    from_address: str,
    base_url: str,
    now: datetime,
) -> EmailMessage:
    """The e-mail of one notification to all its recipients.

    In their language; when they do not share one, Italian first and then English.
    """
    languages = sorted({r.language for r in recipients}, key=lambda lang: lang != "it")
    texts = [render(notification, language, base_url) for language in languages]
    message = EmailMessage()
    message["Subject"] = _PREFIX + " / ".join(t.subject.removeprefix(_PREFIX) for t in texts)
    message["From"] = from_address
    message["To"] = ", ".join(r.email for r in recipients)
    # People live in Europe/Rome: the header's time is theirs (with its offset), as the body's.
    message["Date"] = format_datetime(now.astimezone(PROJECT_TIMEZONE))
    message["Message-ID"] = message_id(notification.notification_id)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("\n".join(t.body for t in texts))
    message["Content-Language"] = ", ".join(languages)  # after set_content, which drops it
    return message
