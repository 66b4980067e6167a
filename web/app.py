"""`create_app`: the FastAPI application, composed from what the caller gives it.

Nothing happens at import time: the Temporal client, the event store, the accounts and the
settings are passed in, so tests wire the app to the time-skipping server and `pathways up`
to its stack (whose stores the composition root `workers.composition` builds). Routes get
them through FastAPI's `Depends`, typed (`web.dependencies`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from client.bulk import BulkOperations
from client.group_activities import GroupActivities
from client.pathway import PathwayClient
from client.statement_import import StatementImports
from infra.access_log.base import AccessLog, InMemoryAccessLog
from infra.accounts.invitations import (
    InMemoryInvitations,
    InvitationStore,
    PartnerInviterFactory,
    PasswordResetterFactory,
)
from infra.accounts.operations import AccountServiceFactory
from infra.accounts.sessions import InMemorySessionRevocations, SessionRevocations
from infra.accounts.store import AccountStore
from infra.accounts.throttle import InMemorySignInThrottle, SignInThrottle
from infra.documents.store import DocumentStore, InMemoryDocumentStore
from infra.eventstore.base import EventStore
from infra.eventstore.postgres import PostgresEventStore
from infra.partners.base import PartnerRegistry
from infra.telemetry import instrument_web_app
from web import shared_routes
from web.allowed_methods import AllowedMethods
from web.body_limit import BodyLimit
from web.dependencies import Services, install
from web.documents import DOCUMENT_FORM_OVERHEAD, DOCUMENTS_SUFFIX
from web.health import Dependency, build_health_router
from web.outages import install_outage_handlers
from web.pages.payments import STATEMENTS_PATH
from web.problems import install_problem_handlers
from web.security import SecurityHeaders, install_docs
from web.settings import WebSettings
from web.temporal_ui.routes import build_temporal_ui_router

if TYPE_CHECKING:
    from infra.crypto.codec import PathwayCodec
    from infra.crypto.erasure_desk import ErasureDesk
    from infra.eventstore.subject_access import SubjectDocuments
    from infra.indicators.queries import IndicatorQueries
    from infra.payments.overview import PaymentsDesk

SESSION_COOKIE = "pathways_session"


def create_app(
    pathways: PathwayClient,
    store: EventStore,
    accounts: AccountStore,
    settings: WebSettings,
    payments: PaymentsDesk | None = None,
    indicators: IndicatorQueries | None = None,
    codec: PathwayCodec | None = None,
    access_log: AccessLog | None = None,
    throttle: SignInThrottle | None = None,
    session_revocations: SessionRevocations | None = None,
    statement_imports: StatementImports | None = None,
    *,
    partners: PartnerRegistry,
    account_service: AccountServiceFactory,
    invitations: InvitationStore | None = None,
    partner_inviter: PartnerInviterFactory,
    temporal_ui_transport: httpx.AsyncBaseTransport | None = None,
    documents: DocumentStore | None = None,
    password_resetter: PasswordResetterFactory | None = None,
    erasure: ErasureDesk | None = None,
    subject_documents: SubjectDocuments | None = None,
) -> FastAPI:
    """The web app: the JSON API under `/api/v1`, OpenAPI at `/openapi.json`.

    Without `payments` (the ledger's database), the payments page answers 503; without
    `indicators` (the indicator projection's queries), the indicators pages do. Without
    `access_log`, reads are recorded in memory (tests, the in-memory stores); so are failed
    sign-ins without `throttle` and signed-out sessions without `session_revocations`:
    several web processes need the PostgreSQL ones. Statement imports are started on the
    pathways' Temporal client and task queue unless `statement_imports` says otherwise.
    Two are always given by the composition root, since web may import no activity:
    `partners`, the partner registry (`Stores.partners`), and `account_service`
    (`workers.composition.account_service`), which builds the accounts' rules over
    `accounts` and the sessions' revocations the app holds.
    Without `invitations`, the partner accounts' one-time links are kept in memory;
    `partner_inviter` (`workers.composition.partner_inviter`) builds the invitations' rules
    over them, the accounts and the registry. Without `documents`, attached files are kept
    in memory (tests); `Stores.documents` keeps them sealed in PostgreSQL. `password_resetter`
    (`workers.composition.password_resetter`) builds the password resets' over the same links
    (without it, the reset pages answer 503).
    Without `erasure` (`PostgresErasureDesk`), the erasure page answers 503.
    Without `subject_documents` (`SubjectAccessService`), the subject-access export does.
    With `settings.temporal_ui_upstream`, the Temporal UI is served under `/temporal/`
    (`web.temporal_ui`); `temporal_ui_transport` replaces the network to it in tests.
    """
    app = FastAPI(
        docs_url=None,  # web.security serves /docs, under its own policy
        redoc_url=None,
        title=settings.title,
        version="1",
        description=(
            "Durable integration pathways. Errors are `application/problem+json` (RFC 9457)"
            " with the domain error `code` and the `field` at fault."
        ),
    )
    instrument_web_app(app)  # a no-op tracer until a provider is configured
    if statement_imports is None and isinstance(pathways, PathwayClient):
        statement_imports = StatementImports(pathways.temporal, pathways.task_queue)
    if session_revocations is None:
        session_revocations = InMemorySessionRevocations()
    links = invitations if invitations is not None else InMemoryInvitations()
    install(
        app,
        Services(
            # Commands from people name only caseworkers of the pathway's organisation, and
            # link partner contacts as the registry knows them.
            pathways=pathways.checking(accounts, partners),
            store=store,
            accounts=accounts,
            settings=settings,
            partners=partners,
            documents=documents if documents is not None else InMemoryDocumentStore(),
            invitations=links,
            partner_inviter=partner_inviter(accounts, partners, links),
            erasure=erasure,
            subject_documents=subject_documents,
            password_resetter=None
            if password_resetter is None
            else password_resetter(accounts, links, session_revocations),
            payments=payments,
            indicators=indicators,
            codec=codec,
            access_log=access_log if access_log is not None else InMemoryAccessLog(),
            throttle=throttle if throttle is not None else InMemorySignInThrottle(),
            session_revocations=session_revocations,
            account_service=account_service(accounts, session_revocations),
            statement_imports=statement_imports,
            bulk_operations=BulkOperations(pathways.temporal, pathways.task_queue)
            if isinstance(pathways, PathwayClient)
            else None,
            group_activities=GroupActivities(pathways.temporal, pathways.task_queue, store.caseload)
            if isinstance(pathways, PathwayClient)
            else None,
        ),
    )
    # Innermost: the shared routes resolve this app's dependency overrides through it.
    app.add_middleware(shared_routes.ServingApp, owner=app)
    # It reads the routes as the router does, so it needs no session.
    app.add_middleware(AllowedMethods, routes=app.router.routes)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_hours * 3600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(
        BodyLimit,
        limit=settings.max_body_bytes,
        limits={
            STATEMENTS_PATH: settings.max_statement_body_bytes,
            DOCUMENTS_SUFFIX: settings.max_document_bytes + DOCUMENT_FORM_OVERHEAD,
        },
    )
    # Outermost: every answer gets the headers, refusals and errors included.
    app.add_middleware(SecurityHeaders, strict_transport=settings.strict_transport)
    if settings.trusted_proxies:
        # Only here: uvicorn is told not to (`workers.web_services.web_server_config`), since
        # its default believes any client on 127.0.0.1 about the address it comes from.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
    install_problem_handlers(app)
    app.include_router(build_health_router(_dependencies(pathways, store)))
    install_outage_handlers(app)
    # The routes every app shares, built once a process (`web.shared_routes`).
    app.router.routes.extend(shared_routes.api_and_pages())
    app.mount("/static", StaticFiles(packages=[("web", "static")]), name="static")
    app.router.routes.extend(shared_routes.after_static())
    app.router.routes.extend(
        shared_routes.with_databases(
            erasure=erasure is not None,
            subject_access=subject_documents is not None,
            payments=payments is not None,
            indicators=indicators is not None,
            codec=codec is not None,
            codec_origin=_origin(settings.temporal_ui_url),
        )
    )
    if settings.temporal_ui_upstream:
        app.include_router(
            build_temporal_ui_router(
                settings.temporal_ui_upstream,
                settings.temporal_namespace,
                SESSION_COOKIE,
                temporal_ui_transport,
            )
        )
    install_docs(app)
    return app


def _dependencies(pathways: PathwayClient, store: EventStore) -> list[Dependency]:
    """What `/readyz` checks: Temporal always, PostgreSQL when the events live there."""
    # Looked up when probed, not now: an app built without a client (tests) still starts.
    dependencies = [Dependency("temporal", lambda timeout: pathways.ping(timeout))]
    if isinstance(store, PostgresEventStore):
        dependencies.append(Dependency("postgres", store.ping))
    return dependencies


def _origin(url: str | None) -> str | None:
    """`scheme://host[:port]` of a URL: what a browser sends as `Origin`."""
    if url is None:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
