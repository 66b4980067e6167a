"""`pathways user` and `pathways organisation`: the people who sign in, and their organisations.

Same rules as the web side (`activities.accounts.service`, built by `workers.composition`):
passwords of at least 12 varied characters, argon2id hashes, tokens shown once and stored as
a digest, a new password ends the account's sessions and tokens. Passwords are asked
twice at a hidden prompt, or read from the first line of standard input with
`--password-stdin` (for scripts); never from an option, which would end up in the shell's
history. Every refusal is `error: <code>: <detail>` with exit code 2, and changes nothing.
"""

from __future__ import annotations

import json as jsonlib
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from infra.config import Settings
from workers.failures import Refused
from workers.invocation import run_command

if TYPE_CHECKING:
    from infra.accounts.model import Account

user_app = typer.Typer(
    name="user",
    help="Accounts of the people who sign in: create, list, tokens, passwords, deactivation.",
    no_args_is_help=True,
)
organisation_app = typer.Typer(
    name="organisation",
    help="The partner organisations that caseworkers and supervisors belong to.",
    no_args_is_help=True,
)

PASSWORD_REQUIRED = "password_required"
PASSWORD_MISMATCH = "password_mismatch"

AccountArgument = Annotated[
    str,
    typer.Argument(help="The account's id (what the person signs in with).", show_default=False),
]
PasswordStdinOption = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _read_password(account_id: str, from_stdin: bool) -> str:
    """A new password for `account_id`: from stdin, or typed twice at a hidden prompt.

    Raises:
        Refused: `password_required` (nothing given, or no terminal to ask on),
            `password_mismatch`, `weak_password`.
    """
    from infra.accounts.model import AccountError, check_password

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise Refused(PASSWORD_REQUIRED, "no password on the first line of standard input")
    else:
        if not sys.stdin.isatty():
            raise Refused(
                PASSWORD_REQUIRED,
                "no terminal to ask for the password on: give it on standard input with "
                "--password-stdin",
            )
        password = typer.prompt("Password", hide_input=True, err=True)
        again = typer.prompt("Password again", hide_input=True, err=True)
        if again != password:
            raise Refused(PASSWORD_MISMATCH, "the two passwords differ")
    try:
        check_password(password, account_id)
    except AccountError as err:
        raise Refused(err.code, err.detail, err.field) from None
    return password


def _account_rows(accounts: list[Account]) -> str:
    header = ("id", "name", "role", "organisation", "e-mail", "language", "status")
    rows = [header] + [
        (
            a.id,
            a.display_name,
            a.role.value,
            a.organisation_id or "-",
            a.email or "-",
            a.language,
            "active" if a.active else "deactivated",
        )
        for a in accounts
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


@user_app.command("create")
def create_user(
    account_id: AccountArgument,
    name: Annotated[str, typer.Option("--name", help="Full name, as others see it.")],
    role: Annotated[
        str,
        typer.Option("--role", help="caseworker, supervisor, coordinator, auditor or admin."),
    ],
    organisation: Annotated[
        str | None,
        typer.Option(
            "--organisation", help="Organisation id; required for caseworkers and supervisors."
        ),
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="Where reminders and escalations go.")
    ] = None,
    language: Annotated[str, typer.Option("--language", help="it or en.")] = "it",
    password_stdin: PasswordStdinOption = False,
    no_password: Annotated[
        bool,
        typer.Option("--no-password", help="No password: the account uses API tokens only."),
    ] = False,
) -> None:
    """Create an account; asks for its password twice (hidden) unless told otherwise."""
    from activities.accounts.service import account_from
    from infra.accounts.model import AccountError
    from workers.endpoints import account_services

    async def work(settings: Settings) -> None:
        if no_password and password_stdin:
            raise Refused(
                "invalid_options", "--no-password and --password-stdin exclude each other"
            )
        fields: dict[str, object] = {
            "id": account_id,
            "display_name": name,
            "role": role,
            "organisation_id": organisation,
            "email": email,
            "language": language,
        }
        try:
            account_from(fields)  # a typo is refused before the password is asked for
        except AccountError as err:
            raise Refused(err.code, err.detail, err.field) from None
        password = None if no_password else _read_password(account_id, password_stdin)
        async with account_services(settings) as (_, service):
            created = await service.create_account(fields, password)
        where = f" of {created.organisation_id}" if created.organisation_id else ""
        typer.echo(f"created {created.id}: {created.role.value}{where}")

    run_command(work)


@user_app.command("token")
def token(
    account_id: AccountArgument,
    label: Annotated[
        str, typer.Option("--label", help="What the token is for, to recognise it later.")
    ] = "cli",
    days: Annotated[
        int, typer.Option("--days", min=1, max=3650, help="Days until the token expires.")
    ] = 90,
) -> None:
    """Issue an API token and print it, once: only its digest is kept."""
    from workers.endpoints import account_services

    async def work(settings: Settings) -> None:
        now = datetime.now(UTC)
        lifetime = timedelta(days=days)
        async with account_services(settings) as (_, service):
            issued = await service.issue_token(account_id, label, now, lifetime)
        typer.echo(issued)
        typer.echo(
            f"token {label!r} for {account_id}, valid until {now + lifetime:%Y-%m-%d %H:%M}Z; "
            "it is shown only now: send it as `Authorization: Bearer <token>`",
            err=True,
        )

    run_command(work)


@user_app.command("list")
def list_users(
    organisation: Annotated[
        str | None, typer.Option("--organisation", help="Only this organisation's people.")
    ] = None,
    json: JsonOption = False,
) -> None:
    """The accounts, by id: everyone's, or one organisation's."""
    from workers.endpoints import account_store

    async def work(settings: Settings) -> None:
        async with account_store(settings) as accounts:
            if organisation is not None and organisation not in {
                o.id for o in await accounts.list_organisations()
            }:
                raise Refused(
                    "organisation_not_found", f"no organisation {organisation}", "organisation"
                )
            listed = await accounts.list_accounts(organisation)
        if json:
            typer.echo(jsonlib.dumps([a.model_dump(mode="json") for a in listed], indent=2))
        else:
            typer.echo(_account_rows(listed) if listed else "no accounts")

    run_command(work)


@user_app.command("passwd")
def passwd(
    account_id: AccountArgument,
    password_stdin: PasswordStdinOption = False,
    keep_sessions: Annotated[
        bool,
        typer.Option(
            "--keep-sessions",
            help="Keep the account's web sessions and API tokens (by default they end).",
        ),
    ] = False,
) -> None:
    """Set a new password (asked twice, hidden); ends the account's web sessions and
    revokes its API tokens, unless --keep-sessions."""
    from workers.endpoints import account_services

    async def work(settings: Settings) -> None:
        async with account_services(settings) as (accounts, service):
            if await accounts.get_account(account_id) is None:
                raise Refused("account_not_found", f"no account {account_id}", "id")
            password = _read_password(account_id, password_stdin)
            changed = await service.change_password(
                account_id, password, keep_sessions=keep_sessions
            )
        if not changed.sessions_ended:
            typer.echo(f"password of {account_id} changed; sessions and tokens kept")
            return
        tokens = "1 token" if changed.tokens_revoked == 1 else f"{changed.tokens_revoked} tokens"
        typer.echo(f"password of {account_id} changed; sessions ended, {tokens} revoked")

    run_command(work)


@user_app.command("deactivate")
def deactivate(account_id: AccountArgument) -> None:
    """Stop an account from signing in, and revoke all its tokens."""
    from workers.endpoints import account_services

    async def work(settings: Settings) -> None:
        async with account_services(settings) as (_, service):
            revoked = await service.deactivate(account_id)
        tokens = "1 token" if revoked == 1 else f"{revoked} tokens"
        typer.echo(f"{account_id} deactivated; {tokens} revoked")

    run_command(work)


@organisation_app.command("create")
def create_organisation(
    organisation_id: Annotated[
        str, typer.Argument(help="The organisation's id, e.g. org-lecce.", show_default=False)
    ],
    name: Annotated[str, typer.Option("--name", help="Its name, as people know it.")],
) -> None:
    """Add a partner organisation."""
    from pydantic import ValidationError

    from infra.accounts.model import Organisation
    from workers.endpoints import account_store

    async def work(settings: Settings) -> None:
        try:
            organisation = Organisation(id=organisation_id, name=name)
        except ValidationError as err:
            first = err.errors(include_url=False)[0]
            field = ".".join(str(p) for p in first["loc"]) or None
            raise Refused("invalid_organisation", first["msg"], field) from None
        async with account_store(settings) as accounts:
            await accounts.create_organisation(organisation)
        typer.echo(f"created {organisation.id}: {organisation.name}")

    run_command(work)


@organisation_app.command("list")
def list_organisations(json: JsonOption = False) -> None:
    """The partner organisations, by id."""
    from workers.endpoints import account_store

    async def work(settings: Settings) -> None:
        async with account_store(settings) as accounts:
            organisations = await accounts.list_organisations()
        if json:
            typer.echo(jsonlib.dumps([o.model_dump() for o in organisations], indent=2))
        elif not organisations:
            typer.echo("no organisations")
        else:
            width = max(len(o.id) for o in organisations)
            typer.echo("\n".join(f"{o.id:<{width}}  {o.name}" for o in organisations))

    run_command(work)
