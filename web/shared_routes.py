"""The routes every app serves, built once a process and shared by every app built in it.

The routers take nothing of one app: their services come through `Depends` from the app's
state (`web.dependencies`). So they are built once, included once into a router of this
module (FastAPI builds each route's effective handler at that inclusion, lazily, and caches
it on the inclusion), and an app takes that router's routes as they are. Building the
routes is most of what an app costs, about 0.7 s of CPU for all of them: a process serves
one app, but the tests build hundreds.

The one thing of an app the routes would otherwise carry is who resolves their dependency
overrides (FastAPI asks the router's `dependency_overrides_provider`): here it is
`ServingAppsOverrides`, the overrides of the app serving the request, which `ServingApp` (a
middleware every app gets) names. `app.dependency_overrides` works as in any FastAPI app.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from web.access_log_api import build_access_log_router
from web.accounts_api import build_accounts_router
from web.api import build_router
from web.caseload_api import build_caseload_router
from web.caseload_import_api import build_caseload_import_router
from web.codec_api import build_codec_router
from web.documents_api import build_documents_router
from web.duplicates_api import build_duplicates_router
from web.group_activities_api import build_group_activities_router
from web.imports_api import build_imports_router
from web.inbox_api import build_inbox_router
from web.indicators_api import build_indicators_router
from web.pages import build_pages_router
from web.partners_api import build_partners_router
from web.payments_api import build_payments_router
from web.privacy_api import build_privacy_router
from web.search_api import build_search_router

_serving: ContextVar[FastAPI | None] = ContextVar("serving_app", default=None)


class ServingAppsOverrides:
    """The `dependency_overrides` of the app serving the current request, for the shared
    routes (FastAPI reads them from the routes' provider when it solves dependencies)."""

    @property
    def dependency_overrides(self) -> dict[Callable[..., Any], Callable[..., Any]]:
        app = _serving.get()
        return {} if app is None else app.dependency_overrides


class ServingApp:
    """ASGI middleware: names `owner` as the app serving each request it passes on."""

    def __init__(self, app: ASGIApp, owner: FastAPI) -> None:
        self.app = app
        self.owner = owner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = _serving.set(self.owner)
        try:
            await self.app(scope, receive, send)
        finally:
            _serving.reset(token)


def _routes_of(*routers: APIRouter) -> list[BaseRoute]:
    shared = APIRouter(dependency_overrides_provider=ServingAppsOverrides())
    for router in routers:
        shared.include_router(router)
    return shared.routes


@functools.cache
def api_and_pages() -> list[BaseRoute]:
    """The API's and the pages' routes, before `/static` (pages own paths the API does not)."""
    return _routes_of(
        build_router(),
        build_caseload_router(),
        build_accounts_router(),
        build_partners_router(),
        build_documents_router(),
        build_group_activities_router(),
        build_imports_router(),
        build_access_log_router(),
        build_pages_router(),
    )


@functools.cache
def after_static() -> list[BaseRoute]:
    """The routes after `/static`: the inbox, search, duplicates and caseload imports."""
    return _routes_of(
        build_inbox_router(),
        build_search_router(),
        build_duplicates_router(),
        build_caseload_import_router(),
    )


@functools.cache
def with_databases(
    *,
    erasure: bool,
    subject_access: bool,
    payments: bool,
    indicators: bool,
    codec: bool,
    codec_origin: str | None,
) -> list[BaseRoute]:
    """The routes documented in the OpenAPI only where the app has their database (else
    they answer 503), one variant for each combination an app asks."""
    return _routes_of(
        build_privacy_router(erasure=erasure, subject_access=subject_access),
        build_payments_router(documented=payments),
        build_indicators_router(documented=indicators),
        build_codec_router(codec_origin, documented=codec),
    )
