"""What routes depend on, typed: the stores, clients and settings `create_app` was given.

`create_app` puts them on the app once (`install`); a route or page names what it needs as a
parameter, e.g. `store: StoreDep`, and FastAPI's `Depends` hands it over. This module is the
only one of web/ that reads `request.app.state` (`tests/web/test_dependencies.py` fails on
another), so what a route uses shows in its signature and is checked by mypy. The
PostgreSQL stores themselves are built by the composition root (`workers.composition`);
tests give in-memory ones.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Annotated, Any, cast

from fastapi import Depends, FastAPI, Request

from client.bulk import BulkOperations
from client.group_activities import GroupActivities
from client.pathway import PathwayClient
from client.statement_import import StatementImports
from infra.access_log.base import AccessLog
from infra.accounts.invitations import InvitationStore, PartnerInviter, PasswordResetter
from infra.accounts.operations import AccountService
from infra.accounts.sessions import SessionRevocations
from infra.accounts.store import AccountStore
from infra.accounts.throttle import SignInThrottle
from infra.budgets.book import BudgetBook
from infra.crypto.codec import PathwayCodec
from infra.crypto.erasure_desk import ErasureDesk
from infra.documents.store import DocumentStore
from infra.eventstore.base import EventStore
from infra.eventstore.subject_access import SubjectDocuments
from infra.indicators.queries import IndicatorQueries
from infra.partners.base import PartnerRegistry
from infra.payments.overview import PaymentsDesk
from web.settings import WebSettings


@dataclass(frozen=True)
class Services:
    """Everything the app's routes may depend on; None where the app runs without it."""

    pathways: PathwayClient
    """Sends commands to the pathways, checking the caseworkers they name."""
    store: EventStore
    accounts: AccountStore
    settings: WebSettings
    access_log: AccessLog
    throttle: SignInThrottle
    session_revocations: SessionRevocations
    account_service: AccountService
    """The accounts' rules (sign-in, passwords, tokens, creation), built by the root."""
    partners: PartnerRegistry
    """Partner organisations and their contacts (`web.partners_api`, `web.pages.partners`)."""
    documents: DocumentStore
    """The attached documents' bytes (`web.documents`)."""
    invitations: InvitationStore
    """The one-time links partner accounts set their password with (`web.pages.invitation`)."""
    partner_inviter: PartnerInviter
    """Invites a partner contact: its account and a link, mailed (built by the root)."""
    subject_documents: SubjectDocuments | None = None
    """The subject-access export (`web.pages.subject_access`); without it, 503."""
    erasure: ErasureDesk | None = None
    """Erasure requests, approvals and legal holds (`web.pages.erasure`); without it, 503."""
    password_resetter: PasswordResetter | None = None
    """Mails a forgotten password's reset link (`web.pages.password_reset`); without it the
    reset pages answer 503."""
    payments: PaymentsDesk | None = None
    """Without it (no ledger database) the payments pages answer 503."""
    indicators: IndicatorQueries | None = None
    """Without it (no indicator projection) the indicators pages answer 503."""
    codec: PathwayCodec | None = None
    statement_imports: StatementImports | None = None
    bulk_operations: BulkOperations | None = None
    group_activities: GroupActivities | None = None
    """Without it (no Temporal client) recording a group activity answers 503."""


def install(app: FastAPI, services: Services) -> None:
    """Give `app`'s routes `services`, each under its own name (tests read them there too)."""
    for field in fields(services):
        setattr(app.state, field.name, getattr(services, field.name))


def _state(request: Request) -> Any:
    return request.app.state


def pathway_client(request: Request) -> PathwayClient:
    return cast(PathwayClient, _state(request).pathways)


def event_store(request: Request) -> EventStore:
    return cast(EventStore, _state(request).store)


def budget_book(request: Request) -> BudgetBook:
    """The budget lines and the ledger: the event store's part that queries them."""
    return event_store(request).budget


def account_store(request: Request) -> AccountStore:
    return cast(AccountStore, _state(request).accounts)


def web_settings(request: Request) -> WebSettings:
    return cast(WebSettings, _state(request).settings)


def access_log(request: Request) -> AccessLog:
    return cast(AccessLog, _state(request).access_log)


def sign_in_throttle(request: Request) -> SignInThrottle:
    return cast(SignInThrottle, _state(request).throttle)


def session_revocations(request: Request) -> SessionRevocations:
    return cast(SessionRevocations, _state(request).session_revocations)


def account_service(request: Request) -> AccountService:
    return cast(AccountService, _state(request).account_service)


def partner_registry(request: Request) -> PartnerRegistry:
    return cast(PartnerRegistry, _state(request).partners)


def document_store(request: Request) -> DocumentStore:
    return cast(DocumentStore, _state(request).documents)


def partner_inviter(request: Request) -> PartnerInviter:
    return cast(PartnerInviter, _state(request).partner_inviter)


def invitation_store(request: Request) -> InvitationStore:
    return cast(InvitationStore, _state(request).invitations)


def subject_documents(request: Request) -> SubjectDocuments | None:
    return cast(SubjectDocuments | None, getattr(_state(request), "subject_documents", None))


def erasure_desk(request: Request) -> ErasureDesk | None:
    return cast(ErasureDesk | None, getattr(_state(request), "erasure", None))


def password_resetter(request: Request) -> PasswordResetter | None:
    return cast(PasswordResetter | None, getattr(_state(request), "password_resetter", None))


def payments_desk(request: Request) -> PaymentsDesk | None:
    return cast(PaymentsDesk | None, getattr(_state(request), "payments", None))


def indicator_queries(request: Request) -> IndicatorQueries | None:
    return cast(IndicatorQueries | None, getattr(_state(request), "indicators", None))


def pathway_codec(request: Request) -> PathwayCodec | None:
    return cast(PathwayCodec | None, getattr(_state(request), "codec", None))


def statement_imports(request: Request) -> StatementImports | None:
    return cast(StatementImports | None, getattr(_state(request), "statement_imports", None))


def bulk_operations(request: Request) -> BulkOperations | None:
    return cast(BulkOperations | None, getattr(_state(request), "bulk_operations", None))


def group_activities(request: Request) -> GroupActivities | None:
    return cast(GroupActivities | None, getattr(_state(request), "group_activities", None))


PathwaysDep = Annotated[PathwayClient, Depends(pathway_client)]
StoreDep = Annotated[EventStore, Depends(event_store)]
AccountsDep = Annotated[AccountStore, Depends(account_store)]
SettingsDep = Annotated[WebSettings, Depends(web_settings)]
AccessLogDep = Annotated[AccessLog, Depends(access_log)]
ThrottleDep = Annotated[SignInThrottle, Depends(sign_in_throttle)]
RevocationsDep = Annotated[SessionRevocations, Depends(session_revocations)]
AccountServiceDep = Annotated[AccountService, Depends(account_service)]
PartnersDep = Annotated[PartnerRegistry, Depends(partner_registry)]
DocumentsDep = Annotated[DocumentStore, Depends(document_store)]
InvitationsDep = Annotated[InvitationStore, Depends(invitation_store)]
PartnerInviterDep = Annotated[PartnerInviter, Depends(partner_inviter)]
PaymentsDeskDep = Annotated[PaymentsDesk | None, Depends(payments_desk)]
IndicatorsDep = Annotated[IndicatorQueries | None, Depends(indicator_queries)]
CodecDep = Annotated[PathwayCodec | None, Depends(pathway_codec)]
StatementImportsDep = Annotated[StatementImports | None, Depends(statement_imports)]
BulkOperationsDep = Annotated[BulkOperations | None, Depends(bulk_operations)]
GroupActivitiesDep = Annotated[GroupActivities | None, Depends(group_activities)]
