"""A forgotten password, reset through a one-time link mailed to the account's address.

Anyone may ask on the sign-in page's "Forgot your password?" form, with a user id or an
e-mail address: an active staff or partner account with an address gets a link, anyone else
nothing, and the page says the same in both cases, so it tells no one whether an account
exists. The link is a partner invitation's (`infra.accounts.invitations`: the digest kept,
once, before it expires; `RESET_VALID_FOR`); using it sets the password as
`change_password` does, ending the account's sessions and revoking its API tokens.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from email.message import EmailMessage

import structlog

from activities.accounts.partner_invitations import Mail
from activities.accounts.service import change_password
from infra.accounts.credentials import new_token, token_digest
from infra.accounts.invitations import RESET_VALID_FOR, InvitationStore, invitation_invalid
from infra.accounts.model import Account, check_password
from infra.accounts.sessions import SessionRevocations
from infra.accounts.store import AccountStore

RESET_PATH = "/password-reset/"
MAX_WHO = 254
"""The longest user id or e-mail address looked up (RFC 5321's path)."""

log = structlog.get_logger("pathways.password_resets")


@dataclasses.dataclass(frozen=True)
class PasswordResets:
    """The `infra.accounts.invitations.PasswordResetter` the pages use."""

    accounts: AccountStore
    invitations: InvitationStore
    sessions: SessionRevocations
    base_url: str
    from_address: str
    mail: Mail | None = None

    async def request_reset(self, who: str, now: datetime) -> None:
        account = await self._account_named(who.strip())
        if account is None or self.mail is None:
            log.info("password_reset_not_sent", found=account is not None)
            return
        token = new_token()
        expires_at = now + RESET_VALID_FOR
        await self.invitations.add_invitation(account.id, token_digest(token), now, expires_at)
        link = f"{self.base_url.rstrip('/')}{RESET_PATH}{token}"
        mailed = await self.mail(reset_message(account, link, expires_at, self.from_address))
        log.info("password_reset_sent", account_id=account.id, mailed=mailed)

    async def link_account(self, token: str, now: datetime) -> str | None:
        return await self.invitations.invitation_account(token_digest(token), now)

    async def reset(self, token: str, password: str, now: datetime) -> Account:
        digest = token_digest(token)
        account_id = await self.invitations.invitation_account(digest, now)
        if account_id is None:
            raise invitation_invalid()
        check_password(password, account_id)
        if await self.invitations.redeem(digest, now) is None:
            raise invitation_invalid()  # used by another submission meanwhile
        changed = await change_password(self.accounts, self.sessions, account_id, password)
        log.info("password_reset", account_id=account_id, tokens_revoked=changed.tokens_revoked)
        return changed.account

    async def _account_named(self, who: str) -> Account | None:
        """The active account with an address whose id or address is `who`."""
        if not who or len(who) > MAX_WHO:
            return None
        found = await self.accounts.get_account(who)
        if found is None and "@" in who:
            wanted = who.casefold()
            found = next(
                (
                    a
                    for a in await self.accounts.list_accounts()
                    if (a.email or "").casefold() == wanted
                ),
                None,
            )
        if found is None or not found.active or not found.email:
            return None
        return found


def reset_message(
    account: Account, link: str, expires_at: datetime, from_address: str
) -> EmailMessage:
    """The mail that carries the link, in Italian and English like the invitation's."""
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = account.email or ""
    message["Subject"] = "Pathways: nuova password / new password"
    until = f"{expires_at:%Y-%m-%d %H:%M} UTC"
    message.set_content(
        f"Buongiorno {account.display_name},\n\n"
        "è stato chiesto di reimpostare la tua password. Scegline una nuova qui"
        f" (il link vale una volta, fino al {until}):\n\n{link}\n\n"
        "Se non l'hai chiesto tu, ignora questo messaggio: la password resta quella di prima.\n\n"
        f"Your user id: {account.id}\n\n"
        "Someone asked to reset your password. Choose a new one here"
        f" (the link works once, until {until}):\n\n{link}\n\n"
        "If it was not you, ignore this message: your password stays as it was.\n"
    )
    return message
