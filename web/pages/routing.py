"""What page routes share: the page router, who is signed in, redirects, form CSRF.

A page route is made on `page_router()`: its routes answer a missing session with a 303
to the sign-in form (`HX-Redirect` for htmx) and a refusal (`ProblemError`) with an HTML
page in the reader's language instead of problem+json.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

import structlog
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.datastructures import FormData

from client.parsing import AS_OF_IN_FUTURE
from domain.values import Role
from infra.accounts.model import Account
from web.auth import CSRF_FIELD, CSRF_HEADER, SESSION_CSRF, OptionalAccount, refuse_partner
from web.i18n import N_
from web.pages.render import current_path, render
from web.problems import ProblemError

log = structlog.get_logger("pathways.web.pages")

SIGN_IN_PATH = "/sign-in"
HOME_PATH = "/"

PROBLEM_MESSAGES: dict[str, str] = {
    "csrf_failed": N_("This form has expired. Go back, reload the page and try again."),
    "pathway_not_found": N_("There is no such pathway, or it is not in your caseload."),
    "forbidden": N_("Your role does not allow this."),
    "invalid_language": N_("This language is not available."),
    "not_found": N_("There is no such item, or it is not yours."),
    "account_not_found": N_("There is no such account."),
    "partner_not_found": N_("There is no such partner, or it is not among your organisation's."),
    "partner_forbidden": N_("Your role does not allow this."),
    "invalid_search": N_("Search for 2 to 100 characters and at most 8 words."),
    "duplicate_not_found": N_(
        "This is not a possible duplicate any more: it may have been decided or erased."
    ),
    "duplicate_decided": N_("This possible duplicate has already been decided."),
    "duplicate_not_decided": N_(
        "This pair has no decision to undo: it may have been undone already."
    ),
    "export_too_large": N_("Too many pathways for one download: narrow the filters."),
    "invalid_filter": N_("A filter has a value that is not known: choose it in the form."),
    "invalid_date": N_("That is not a date: give it as YYYY-MM-DD, or use the date picker."),
    AS_OF_IN_FUTURE: N_("That day is still to come: choose today or a day before it."),
    "invalid_command": N_("Something in the address of this page is not valid."),
    "unavailable": N_("The service cannot answer right now. Please try again in a moment."),
    "temporal_ui_unavailable": N_(
        "The Temporal UI does not answer right now. Please try again in a moment."
    ),
    "document_empty": N_("The file is empty: choose the document again."),
    "document_too_large": N_("The file is too large: a document may be at most 10 MB."),
    "document_type_not_allowed": N_(
        "Only PDF files and images (PNG, JPEG, WebP) can be attached; this file is neither."
    ),
    "document_not_found": N_("There is no such document on this pathway."),
    "document_erased": N_("This document can no longer be read: the person's data were erased."),
}
"""What a page says for a refusal code; add a code here when a page can meet it."""
GENERIC_PROBLEM = N_("The request could not be completed.")


class SignInRequired(Exception):
    """Raised by `PageAccount` when nobody is signed in: the page redirects to sign-in."""


def see_other(url: str, request: Request) -> Response:
    """A 303 to `url`; for htmx, which would swap the target page in, an `HX-Redirect`."""
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def sign_in_url(next_path: str) -> str:
    return f"{SIGN_IN_PATH}?{urlencode({'next': next_path})}"


def safe_next(value: object) -> str:
    """`value` if it is a path on this site, else the home page: never an open redirect."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return HOME_PATH
    if "\\" in value or any(ord(c) < 0x20 or c == "\x7f" for c in value):
        return HOME_PATH
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return HOME_PATH
    return value


def form_csrf_ok(request: Request, form: FormData) -> bool:
    """Whether the form (or the header) carries this session's CSRF token.

    For forms posted before sign-in (sign-in, language): `OptionalAccount` checks CSRF
    only for a signed-in session.
    """
    expected = request.session.get(SESSION_CSRF)
    given = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    return (
        isinstance(expected, str)
        and isinstance(given, str)
        and hmac.compare_digest(expected.encode(), given.encode())
    )


def problem_page(request: Request, error: ProblemError) -> Response:
    """The HTML answer to a refusal, with its status."""
    return render(
        request,
        "problem.html",
        status_code=error.status,
        message=PROBLEM_MESSAGES.get(error.code, GENERIC_PROBLEM),
        code=error.code,
    )


class PageRoute(APIRoute):
    """A route that answers as a page: sign-in redirects and HTML refusals."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except PartnerHome:
                return see_other(PARTNER_HOME_PATH, request)
            except SignInRequired:
                back = current_path(request) if request.method == "GET" else HOME_PATH
                return see_other(sign_in_url(back), request)
            except ProblemError as error:
                return problem_page(request, error)

        return page_handler


def page_router() -> APIRouter:
    """A router for pages: out of the OpenAPI document, with `PageRoute` routes."""
    return APIRouter(include_in_schema=False, route_class=PageRoute)


async def signed_in(request: Request, account: OptionalAccount) -> Account:
    """The signed-in member of staff, kept on the request for `render`; else
    `SignInRequired`. A partner account finds no staff page (404): its home is elsewhere."""
    if account is None:
        raise SignInRequired
    request.state.account = account
    if account.role == Role.PARTNER and request.url.path == HOME_PATH:
        raise PartnerHome
    refuse_partner(account)
    return account


class PartnerHome(Exception):
    """Raised by `PageAccount` for a partner on the staff's home: on to the partner's own."""


PARTNER_HOME_PATH = "/partner"


async def partner_signed_in(request: Request, account: OptionalAccount) -> Account:
    """The signed-in partner account; nobody → sign-in; a member of staff → 404."""
    if account is None:
        raise SignInRequired
    request.state.account = account
    if account.role != Role.PARTNER or account.contact_id is None:
        raise ProblemError("not_found", "no such page", status=404)
    return account


async def maybe_signed_in(request: Request, account: OptionalAccount) -> Account | None:
    """The signed-in account or None, kept on the request for `render`."""
    request.state.account = account
    return account


PageAccount = Annotated[Account, Depends(signed_in)]
"""The signed-in person, for a page route's signature; nobody → 303 to the sign-in form."""
PartnerPageAccount = Annotated[Account, Depends(partner_signed_in)]
"""The signed-in partner account, for a partner page's signature (`web.pages.partner_home`)."""
PublicPageAccount = Annotated[Account | None, Depends(maybe_signed_in)]
"""The signed-in person or None, for the few pages open to everyone (sign-in)."""
