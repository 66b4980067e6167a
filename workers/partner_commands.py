"""`pathways partner`: partner organisations and their contacts, as a supervisor or the
coordinator registers them.

Every command is run as an account (`--actor`, or PATHWAYS_ACTOR) and goes through the partner
registry (`activities.partners.registry`, built by the composition root), so the rules are those of
the pages and the API: a supervisor manages their organisation's partners, the coordinator names the
organisation, caseworkers and auditors read. Every refusal is `error: <code>: <detail>` with exit
code 2, and changes nothing.
"""

from __future__ import annotations

import contextlib
import json as jsonlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Annotated

import typer

from infra.config import Settings
from workers.failures import Refused
from workers.invocation import run_command

if TYPE_CHECKING:
    from domain.partners.model import Partner
    from infra.accounts.model import Account
    from infra.partners.base import PartnerRegistry

app = typer.Typer(
    name="partner",
    help="Partner organisations (host companies, CPIAs, host families, schools, "
    "associations, other services) and their contacts.",
    no_args_is_help=True,
)

ActorOption = Annotated[
    str | None,
    typer.Option(
        "--actor",
        envvar="PATHWAYS_ACTOR",
        help="The account (supervisor or coordinator to change; anyone who may, to read).",
    ),
]
PartnerArgument = Annotated[str, typer.Argument(help="The partner's id.", show_default=False)]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


@contextlib.asynccontextmanager
async def _registry(
    settings: Settings, actor: str | None
) -> AsyncIterator[tuple[PartnerRegistry, Account]]:
    """The partner registry and the active account `actor` names, for one command.

    Raises:
        Refused: `invalid_command` without an actor, `account_not_found`, or the registry's
            refusal (its code).
    """
    from domain.partners.errors import PartnerError
    from workers.endpoints import database_stores

    if actor is None:
        raise Refused("invalid_command", "who does it? give --actor (or PATHWAYS_ACTOR)", "actor")
    async with database_stores(settings) as stores:
        account = await stores.accounts.get_account(actor)
        if account is None or not account.active:
            raise Refused("account_not_found", f"no active account {actor!r}", "actor")
        try:
            yield stores.partners, account
        except PartnerError as err:
            raise Refused(err.code, err.detail, err.field) from None


def _partner_lines(partner: Partner) -> str:
    lines = [
        f"{partner.id}  {partner.name}",
        f"  kind: {partner.kind.value}",
        f"  organisation: {partner.organisation_id}",
        f"  address: {', '.join(p for p in (partner.address, partner.city) if p) or '-'}",
        f"  fiscal code: {partner.fiscal_code or '-'}",
        f"  registered by {partner.registered_by} at {partner.registered_at:%Y-%m-%d %H:%M}Z",
    ]
    lines += [
        f"  contact {c.id}: {c.name} ({c.role.value}) {c.email or '-'} {c.phone or '-'}"
        + (" removed" if c.removed_at else "")
        for c in partner.contacts
    ]
    return "\n".join(lines)


def _partner_rows(partners: list[Partner]) -> str:
    header = ("id", "name", "kind", "organisation", "city")
    rows = [header] + [
        (p.id, p.name, p.kind.value, p.organisation_id, p.city or "-") for p in partners
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The partner's name.", show_default=False)],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="host_company, training_provider, host_family, school, association or "
            "other_service.",
        ),
    ],
    actor: ActorOption = None,
    organisation: Annotated[
        str | None,
        typer.Option("--organisation", help="The managing organisation (the coordinator)."),
    ] = None,
    address: Annotated[str | None, typer.Option("--address")] = None,
    city: Annotated[str | None, typer.Option("--city")] = None,
    fiscal_code: Annotated[
        str | None, typer.Option("--fiscal-code", help="VAT number or fiscal code.")
    ] = None,
    json: JsonOption = False,
) -> None:
    """Register a partner organisation; prints its id."""

    async def work(settings: Settings) -> None:
        details = {
            "name": name,
            "kind": kind,
            "address": address,
            "city": city,
            "fiscal_code": fiscal_code,
        }
        async with _registry(settings, actor) as (partners, account):
            partner = await partners.register(account, details, organisation)
        if json:
            typer.echo(partner.model_dump_json(indent=2))
        else:
            typer.echo(f"registered {partner.id}: {partner.name} ({partner.kind.value})")

    run_command(work)


@app.command("list")
def list_partners(actor: ActorOption = None, json: JsonOption = False) -> None:
    """The partners the actor may read, by organisation and name."""

    async def work(settings: Settings) -> None:
        async with _registry(settings, actor) as (partners, account):
            listed = await partners.list_partners(account)
        if json:
            typer.echo(jsonlib.dumps([p.model_dump(mode="json") for p in listed], indent=2))
        else:
            typer.echo(_partner_rows(listed) if listed else "no partners")

    run_command(work)


@app.command("show")
def show(partner_id: PartnerArgument, actor: ActorOption = None, json: JsonOption = False) -> None:
    """A partner with its contacts and who changed it."""

    async def work(settings: Settings) -> None:
        async with _registry(settings, actor) as (partners, account):
            partner = await partners.get(account, partner_id)
            changes = await partners.changes(account, partner_id)
        if json:
            document = partner.model_dump(mode="json")
            document["changes"] = [c.model_dump(mode="json") for c in changes]
            typer.echo(jsonlib.dumps(document, indent=2))
            return
        typer.echo(_partner_lines(partner))
        for change in changes:
            detail = f" {change.detail}" if change.detail else ""
            typer.echo(
                f"  {change.at:%Y-%m-%d %H:%M}Z {change.action}{detail}"
                f" by {change.actor_id} ({change.actor_role.value})"
            )

    run_command(work)


@app.command("contact-add")
def contact_add(
    partner_id: PartnerArgument,
    name: Annotated[str, typer.Option("--name", help="The person's name.")],
    role: Annotated[
        str, typer.Option("--role", help="tutor, teacher, host_parent, referent or other.")
    ],
    actor: ActorOption = None,
    email: Annotated[str | None, typer.Option("--email")] = None,
    phone: Annotated[str | None, typer.Option("--phone")] = None,
) -> None:
    """Add a contact (a person at the partner) to a partner; prints its id."""

    async def work(settings: Settings) -> None:
        details = {"name": name, "role": role, "email": email, "phone": phone}
        async with _registry(settings, actor) as (partners, account):
            contact = await partners.add_contact(account, partner_id, details)
        typer.echo(f"added {contact.id} to {partner_id}: {contact.role.value}")

    run_command(work)


@app.command("edit")
def edit(
    partner_id: PartnerArgument,
    actor: ActorOption = None,
    name: Annotated[str | None, typer.Option("--name")] = None,
    kind: Annotated[str | None, typer.Option("--kind")] = None,
    address: Annotated[str | None, typer.Option("--address", help="'' to clear.")] = None,
    city: Annotated[str | None, typer.Option("--city", help="'' to clear.")] = None,
    fiscal_code: Annotated[str | None, typer.Option("--fiscal-code", help="'' to clear.")] = None,
) -> None:
    """Change a partner's details: the options given, the others as they are."""

    async def work(settings: Settings) -> None:
        given = {"name": name, "kind": kind, "address": address, "city": city}
        given["fiscal_code"] = fiscal_code
        async with _registry(settings, actor) as (partners, account):
            partner = await partners.get(account, partner_id)
            details = partner.model_dump(include=set(given), mode="json")
            details.update({k: v for k, v in given.items() if v is not None})
            edited = await partners.edit(account, partner_id, details)
        typer.echo(f"edited {edited.id}: {edited.name} ({edited.kind.value})")

    run_command(work)


ContactArgument = Annotated[str, typer.Argument(help="The contact's id.", show_default=False)]


@app.command("contact-edit")
def contact_edit(
    partner_id: PartnerArgument,
    contact_id: ContactArgument,
    actor: ActorOption = None,
    name: Annotated[str | None, typer.Option("--name")] = None,
    role: Annotated[str | None, typer.Option("--role")] = None,
    email: Annotated[str | None, typer.Option("--email", help="'' to clear.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="'' to clear.")] = None,
) -> None:
    """Change a contact's details: the options given, the others as they are."""

    async def work(settings: Settings) -> None:
        given = {"name": name, "role": role, "email": email, "phone": phone}
        async with _registry(settings, actor) as (partners, account):
            partner = await partners.get(account, partner_id)
            found = next((c for c in partner.contacts if c.id == contact_id), None)
            current = {} if found is None else found.model_dump(include=set(given), mode="json")
            details = {**current, **{k: v for k, v in given.items() if v is not None}}
            contact = await partners.edit_contact(account, partner_id, contact_id, details)
        typer.echo(f"edited {contact.id} of {partner_id}: {contact.role.value}")

    run_command(work)


@app.command("contact-remove")
def contact_remove(
    partner_id: PartnerArgument, contact_id: ContactArgument, actor: ActorOption = None
) -> None:
    """Remove a contact (refused while linked to a measure); its partner account is
    deactivated."""

    async def work(settings: Settings) -> None:
        async with _registry(settings, actor) as (partners, account):
            contact = await partners.remove_contact(account, partner_id, contact_id)
        typer.echo(f"removed {contact.id} from {partner_id}")

    run_command(work)


@app.command("invite")
def invite(
    contact_id: Annotated[str, typer.Argument(help="The contact's id.", show_default=False)],
    actor: ActorOption = None,
) -> None:
    """Invite a contact to a partner account: a one-time link to set a password, by mail.

    Prints the account and the link; the mail goes through the configured SMTP server (the
    sink of `pathways up` in development), or nowhere when none is configured.
    """

    async def work(settings: Settings) -> None:
        from datetime import UTC, datetime

        from workers.composition import partner_inviter
        from workers.endpoints import database_stores

        async with (
            _registry(settings, actor) as (partners, account),
            database_stores(settings) as stores,
        ):
            inviter = partner_inviter(settings)(stores.accounts, partners, stores.invitations)
            invitation = await inviter.invite(account, contact_id, datetime.now(UTC))
        typer.echo(f"invited {invitation.account.id} ({invitation.account.email})")
        typer.echo(f"  link: {invitation.link}")
        typer.echo(f"  expires: {invitation.expires_at:%Y-%m-%d %H:%M}Z")
        if invitation.mailed:
            typer.echo(f"  mailed to {invitation.account.email}")
        else:
            typer.echo("  not mailed (no SMTP server configured, or it failed): give the link")

    run_command(work)
