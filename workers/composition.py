"""The composition root: every store and service of a process, built on one pool, sealed.

Whatever reads or writes the database — the stack's worker, web server, notifier and
projector, the CLI's commands, the bench — builds its stores here and nowhere else
(`tests/test_composition.py` fails on a store built by hand). Each is built once, on first
use, and always with the `FieldSealer` of the process's keyring: no store can be had here
that writes personal fields in clear. docs/architecture.md ("Where stores are built").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from email.message import EmailMessage
from functools import cached_property
from typing import TYPE_CHECKING

import structlog

from infra.config import Settings
from workers.keys import keyring_on

if TYPE_CHECKING:
    from activities.indicators.projector import IndicatorProjector
    from client.bulk import BulkOperations
    from client.pathway import PathwayClient
    from client.statement_import import StatementImports
    from infra.access_log.postgres import PostgresAccessLog
    from infra.accounts.invitations import (
        InvitationStore,
        PartnerInviter,
        PartnerInviterFactory,
        PasswordResetter,
        PasswordResetterFactory,
    )
    from infra.accounts.operations import AccountService
    from infra.accounts.postgres import PostgresAccountStore
    from infra.accounts.postgres_invitations import PostgresInvitations
    from infra.accounts.postgres_sessions import PostgresSessionRevocations
    from infra.accounts.postgres_throttle import PostgresSignInThrottle
    from infra.accounts.sessions import SessionRevocations
    from infra.accounts.store import AccountStore
    from infra.crypto.codec import PathwayCodec
    from infra.crypto.keyring import Keyring
    from infra.crypto.sealing import FieldSealer
    from infra.db import Pool
    from infra.documents.postgres import PostgresDocumentStore
    from infra.eventstore.partner_links import PartnerLinkQueries
    from infra.eventstore.postgres import PostgresEventStore
    from infra.indicators.postgres_projection import PostgresIndicatorProjection
    from infra.indicators.postgres_queries import PostgresIndicatorQueries
    from infra.partners.base import PartnerRegistry
    from infra.partners.postgres_contacts import PostgresContactBook
    from infra.partners.store import PartnerStore
    from infra.payments.book import PaymentsBook, PaymentsLedger
    from infra.payments.overview import PaymentsDesk

log = structlog.get_logger("pathways.composition")


class Stores:
    """The stores of one process on `pool`, sealing with one keyring under `settings`' master.

    `eager` loads the master key now (a worker or web process: no use starting without it);
    otherwise when a data key is first needed, so a CLI command that seals nothing needs none.
    Building a store opens nothing: the pool is the caller's to open and close.
    """

    def __init__(self, settings: Settings, pool: Pool, *, eager: bool = False) -> None:
        self.settings = settings
        self.pool = pool
        self.keyring: Keyring = keyring_on(settings, pool, eager=eager)

    @cached_property
    def sealer(self) -> FieldSealer:
        """Seals and opens the personal fields of events and payments (docs/privacy.md)."""
        from infra.crypto.sealing import FieldSealer

        return FieldSealer(self.keyring)

    @cached_property
    def events(self) -> PostgresEventStore:
        """The event store: the system of record, with its read models and budget lines."""
        from infra.eventstore.postgres import PostgresEventStore

        return PostgresEventStore(
            self.pool, self.sealer, as_of_every=self.settings.as_of_snapshot_every
        )

    @cached_property
    def payments(self) -> PaymentsBook:
        """The payments' bank accounts, batches and statements: their rules over the ledger."""
        from infra.payments.postgres import PaymentsStore

        return payments_book(PaymentsStore(self.pool, self.sealer))

    @cached_property
    def payments_desk(self) -> PaymentsDesk:
        """What the web app is given of the payments: the book that writes, the read side."""
        from infra.payments.overview import PaymentsDesk, PaymentsOverview

        return PaymentsDesk(self.payments, PaymentsOverview(self.pool, self.sealer))

    @cached_property
    def accounts(self) -> PostgresAccountStore:
        """Organisations, accounts, their passwords and API tokens."""
        from infra.accounts.postgres import PostgresAccountStore

        return PostgresAccountStore(self.pool)

    @cached_property
    def partners(self) -> PartnerRegistry:
        """Partner organisations and their contacts, the contacts sealed."""
        from infra.partners.postgres import PostgresPartnerStore

        store = PostgresPartnerStore(self.pool, self.sealer)
        return partner_registry(store, self.events.partner_links, self.accounts)

    @cached_property
    def documents(self) -> PostgresDocumentStore:
        """Documents' bytes, sealed with their pathway's key (docs/documents.md)."""
        from infra.documents.postgres import PostgresDocumentStore

        return PostgresDocumentStore(self.pool, self.sealer)

    @cached_property
    def partner_contacts(self) -> PostgresContactBook:
        """The partner contacts' addresses, for the notifier."""
        from infra.partners.postgres_contacts import PostgresContactBook

        return PostgresContactBook(self.pool, self.sealer)

    @cached_property
    def invitations(self) -> PostgresInvitations:
        """The one-time links that invite partner accounts."""
        from infra.accounts.postgres_invitations import PostgresInvitations

        return PostgresInvitations(self.pool)

    @cached_property
    def access_log(self) -> PostgresAccessLog:
        """Who read which pathway, why and through what."""
        from infra.access_log.postgres import PostgresAccessLog

        return PostgresAccessLog(self.pool)

    @cached_property
    def throttle(self) -> PostgresSignInThrottle:
        """Failed sign-ins, counted across every web process."""
        from infra.accounts.postgres_throttle import PostgresSignInThrottle

        return PostgresSignInThrottle(self.pool)

    @cached_property
    def session_revocations(self) -> PostgresSessionRevocations:
        """Signed-out sessions and accounts' session epochs, across every web process."""
        from infra.accounts.postgres_sessions import PostgresSessionRevocations

        return PostgresSessionRevocations(self.pool)

    @cached_property
    def indicators(self) -> PostgresIndicatorQueries:
        """The indicator projection's queries (tables, trends, drill-downs)."""
        from infra.indicators.postgres_queries import PostgresIndicatorQueries

        return PostgresIndicatorQueries(self.pool)

    @cached_property
    def indicator_projection(self) -> PostgresIndicatorProjection:
        """The indicator projection: a batch of events at a time, catch-up and rebuild."""
        from infra.indicators.postgres_projection import PostgresIndicatorProjection

        return PostgresIndicatorProjection(self.pool, sealer=self.sealer)

    @cached_property
    def indicator_projector(self) -> IndicatorProjector:
        """What keeps the indicator projection up to date from the events, until stopped."""
        from activities.indicators.projector import IndicatorProjector

        return IndicatorProjector(self.indicator_projection)

    @cached_property
    def account_service(self) -> AccountService:
        """The accounts' rules over the accounts and the sessions' revocations above."""
        return account_service(self.accounts, self.session_revocations)

    @cached_property
    def codec(self) -> PathwayCodec:
        """Seals Temporal payloads with the pathway's key; the UI's `/codec` opens them."""
        from infra.crypto.codec import PathwayCodec

        return PathwayCodec(self.keyring)


def account_service(accounts: AccountStore, sessions: SessionRevocations) -> AccountService:
    """The accounts' rules over `accounts` and `sessions`: the one place that builds them.

    `create_app` takes this as its `account_service` factory (web may import no activity)
    and builds the service over the stores it holds; the CLI takes `Stores.account_service`.
    """
    from activities.accounts.service import AccountOperations

    return AccountOperations(accounts, sessions)


def partner_registry(
    store: PartnerStore,
    links: PartnerLinkQueries | None = None,
    accounts: AccountStore | None = None,
) -> PartnerRegistry:
    """The partner registry's rules over `store`: the one place that builds the registry.

    `Stores.partners` gives it the PostgreSQL store, the `partner_links` read model and the
    accounts (a contact's removal checks the first and deactivates in the second); tests an
    `infra.partners.store.InMemoryPartnerStore`, with or without the others.
    """
    from activities.accounts.service import ContactAccountOperations
    from activities.partners.registry import PartnerRegistryService

    bound = None if accounts is None else ContactAccountOperations(accounts)
    return PartnerRegistryService(store, links, bound)


def partner_inviter(settings: Settings) -> PartnerInviterFactory:
    """The partner invitations' rules (`activities.accounts.partner_invitations`), with the
    links to `settings.public_base_url` and mailed through the configured SMTP server (none
    configured: not mailed, the inviter gives the link): the CLI, the pages and the API."""

    def build(
        accounts: AccountStore, partners: PartnerRegistry, invitations: InvitationStore
    ) -> PartnerInviter:
        from activities.accounts.partner_invitations import PartnerInvitations

        return PartnerInvitations(
            accounts,
            partners,
            invitations,
            settings.public_base_url,
            settings.smtp_from,
            smtp_mail(settings),
        )

    return build


def password_resetter(settings: Settings) -> PasswordResetterFactory:
    """The password resets' rules (`activities.accounts.password_resets`), their links to
    `settings.public_base_url`, mailed as the partner invitations are (the sink in
    development); with no SMTP server configured no link leaves, and none is made."""

    def build(
        accounts: AccountStore, invitations: InvitationStore, sessions: SessionRevocations
    ) -> PasswordResetter:
        from activities.accounts.password_resets import PasswordResets

        return PasswordResets(
            accounts,
            invitations,
            sessions,
            settings.public_base_url,
            settings.smtp_from,
            smtp_mail(settings),
        )

    return build


def smtp_mail(settings: Settings) -> Callable[[EmailMessage], Awaitable[bool]] | None:
    """Sends one message through the configured SMTP server; None when none is configured."""
    from infra.mail.settings import MailSettings, MailSettingsError
    from infra.mail.smtp import DeliveryFailed, SmtpTransport

    try:
        transport = SmtpTransport(MailSettings.from_settings(settings))
    except MailSettingsError:
        return None

    async def send(message: EmailMessage) -> bool:
        try:
            async with transport.session() as session:
                await session.send(message)
        except DeliveryFailed as failed:
            log.warning("mail_not_sent", reason=str(failed), to=message["To"])
            return False
        return True

    return send


def payments_book(ledger: PaymentsLedger) -> PaymentsBook:
    """The payments' rules (`activities.payments.service`) over `ledger`'s rows."""
    from activities.payments.service import PaymentsService

    return PaymentsService(ledger)


def payments_desk(pool: Pool, sealer: FieldSealer | None = None) -> PaymentsDesk:
    """The web app's payments on `pool`, for a process without `Stores` (tests): the book
    over the PostgreSQL ledger, and the overview that reads it."""
    from infra.payments.overview import PaymentsDesk, PaymentsOverview
    from infra.payments.postgres import PaymentsStore

    return PaymentsDesk(payments_book(PaymentsStore(pool, sealer)), PaymentsOverview(pool, sealer))


def statement_imports(pathways: PathwayClient) -> StatementImports:
    """Starts and follows statement imports on the pathways' Temporal client and queue."""
    from client.statement_import import StatementImports

    return StatementImports(pathways.temporal, pathways.task_queue)


def bulk_operations(pathways: PathwayClient) -> BulkOperations:
    """Starts and follows bulk operations on the pathways' Temporal client and queue."""
    from client.bulk import BulkOperations

    return BulkOperations(pathways.temporal, pathways.task_queue)
