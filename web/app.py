"""`create_app`: the FastAPI application, composed from what the caller gives it.

Nothing happens at import time: the Temporal client, the event store, the accounts and the
settings are passed in, so tests wire the app to the time-skipping server and `pathways up`
to its stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from infra.accounts.store import AccountStore
from infra.eventstore.base import EventStore
from web.accounts_api import build_accounts_router
from web.api import build_router
from web.codec_api import build_codec_router
from web.inbox_api import build_inbox_router
from web.outages import install_outage_handlers
from web.pages import build_pages_router
from web.problems import install_problem_handlers
from web.settings import WebSettings
from workflows.client import PathwayClient

if TYPE_CHECKING:
    from infra.crypto.codec import PathwayCodec
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
) -> FastAPI:
    """The web app: the JSON API under `/api/v1`, OpenAPI at `/openapi.json`.

    Without `payments` (the ledger's database), the payments page answers 503; without
    `indicators` (the indicator projection's queries), the indicators pages do.
    """
    app = FastAPI(
        title=settings.title,
        version="1",
        description=(
            "Durable integration pathways. Errors are `application/problem+json` (RFC 9457)"
            " with the domain error `code` and the `field` at fault."
        ),
    )
    app.state.pathways = pathways
    app.state.store = store
    app.state.accounts = accounts
    app.state.settings = settings
    app.state.payments = payments
    app.state.indicators = indicators
    app.state.codec = codec
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_hours * 3600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    install_problem_handlers(app)
    install_outage_handlers(app)
    app.include_router(build_router())
    app.include_router(build_accounts_router())
    app.include_router(build_pages_router())
    app.mount("/static", StaticFiles(packages=[("web", "static")]), name="static")
    app.include_router(build_inbox_router())
    app.include_router(build_codec_router(_origin(settings.temporal_ui_url)))
    return app


def _origin(url: str | None) -> str | None:
    """`scheme://host[:port]` of a URL: what a browser sends as `Origin`."""
    if url is None:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
