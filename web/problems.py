"""Errors as `application/problem+json` (RFC 9457), with the domain's `code` and `field`.

Every refusal the API gives goes through `problem_response`, so a client reads one shape:
`type`, `title`, `status`, `detail`, plus `code` (the stable domain error code) and `field`
(the path of the offending input, or null).
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg import DataError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from client.parsing import INVALID, InvalidInput, field_path
from client.pathway import CommandRefused
from domain.errors import ERROR_CODES
from domain.partners.errors import PARTNER_ERROR_CODES, PartnerError
from infra.accounts.model import ACCOUNT_ERROR_CODES, AccountError

log = structlog.get_logger("pathways.web.problems")

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:pathways:problem:"
"""Problem types are URNs per code; pages describing them can come later."""

UNAUTHENTICATED = "unauthenticated"

STATUS_BY_CODE: dict[str, int] = {
    INVALID: 422,
    UNAUTHENTICATED: 401,
    "pathway_not_found": 404,
    "pathway_already_open": 409,
    "pathway_closed": 409,
    "not_found": 404,
    "method_not_allowed": 405,
    "forbidden": 403,
    "csrf_failed": 403,
    "account_not_found": 404,
    "account_exists": 409,
    "organisation_exists": 409,
    "partner_not_found": 404,
    "contact_not_found": 404,
    "contact_linked": 409,
    "partner_forbidden": 403,
    "body_too_large": 413,
    "command_id_conflict": 409,
    "duplicate_not_found": 404,
    "duplicate_decided": 409,
    "duplicate_not_decided": 409,
}
"""Codes with their own status; every other domain code is a rule violation, 422."""

TITLES: dict[str, str] = {
    INVALID: "The request is malformed or invalid",
    UNAUTHENTICATED: "Who is asking is not known",
    "pathway_not_found": "No such pathway",
    "pathway_already_open": "The pathway is already open",
    "pathway_closed": "The pathway is closed",
    "not_found": "No such resource",
    "method_not_allowed": "Method not allowed",
    "forbidden": "Not allowed for your role",
    "csrf_failed": "The form has expired",
    "body_too_large": "The request body is too large",
    "command_id_conflict": "The command id was used for another command",
    "duplicate_not_found": "No such possible duplicate",
    "duplicate_decided": "The possible duplicate is decided already",
    "duplicate_not_decided": "The pair has no decision to undo",
    "export_too_large": "Too many rows for one download",
    **ACCOUNT_ERROR_CODES,
    **PARTNER_ERROR_CODES,
}
"""English titles; translated titles come with the pages (babel)."""


class Problem(BaseModel):
    """An RFC 9457 problem document with the Pathways extensions."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    field: str | None = None
    more: list[str] = []
    """Further problems of the same request, after the first."""


class ProblemError(Exception):
    """Raised by routes and dependencies to answer with a problem document."""

    def __init__(
        self,
        code: str,
        detail: str,
        field: str | None = None,
        *,
        status: int | None = None,
        more: tuple[str, ...] = (),
    ) -> None:
        super().__init__(f"{code}: {detail}")
        self.code, self.detail, self.field, self.more = code, detail, field, more
        self.status = status if status is not None else status_for(code)


def status_for(code: str) -> int:
    """The HTTP status of a refusal code: its own, else 422 for a rule (or unknown) code."""
    return STATUS_BY_CODE.get(code, 422)


def title_for(code: str) -> str:
    if code in TITLES:
        return TITLES[code]
    if code in ERROR_CODES:
        return "The command breaks a rule: " + code.replace("_", " ")
    return code.replace("_", " ").capitalize()


def problem_response(
    code: str,
    detail: str,
    field: str | None = None,
    *,
    status: int | None = None,
    more: tuple[str, ...] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    status = status if status is not None else status_for(code)
    body = Problem(
        type=TYPE_BASE + code,
        title=title_for(code),
        status=status,
        detail=detail,
        code=code,
        field=field,
        more=list(more),
    )
    return JSONResponse(
        body.model_dump(mode="json"), status_code=status, media_type=MEDIA_TYPE, headers=headers
    )


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "model": Problem,
        # The model registers the schema; the media type the answers really have refers to it.
        "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        "description": description,
    }
    for status, description in (
        (400, "Malformed JSON (`invalid_command`)"),
        (401, "Not signed in, or a bad bearer token (`unauthenticated`)"),
        (403, "Not allowed for your role (`forbidden`), or a stale form (`csrf_failed`)"),
        (404, "No such pathway (`pathway_not_found`)"),
        (409, "The pathway is already open or closed, or the command id names another command"),
        (413, "The request body is over the limit (`body_too_large`)"),
        (422, "Invalid input or a refused command, with the domain error `code` and `field`"),
        (
            503,
            "Temporal or the database cannot be reached, or gave up waiting (`unavailable`); "
            "see Retry-After and the detail",
        ),
    )
}
"""The error responses every route documents in the OpenAPI."""


def problem_responses(*more: tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    """`PROBLEM_RESPONSES` and a route's own refusals, e.g. `(415, "...")`."""
    template = PROBLEM_RESPONSES[422]
    return {
        **PROBLEM_RESPONSES,
        **{status: {**template, "description": text} for status, text in more},
    }


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every refusal, including FastAPI's and Starlette's own, as problem+json."""

    async def on_problem(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, ProblemError)
        headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
        return problem_response(
            error.code,
            error.detail,
            error.field,
            status=error.status,
            more=error.more,
            headers=headers,
        )

    async def on_refused(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, CommandRefused)
        return problem_response(error.code, error.message, error.field)

    async def on_account(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, AccountError)
        return problem_response(error.code, error.detail, error.field)

    async def on_partner(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, PartnerError)
        return problem_response(error.code, error.detail, error.field)

    async def on_invalid(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, InvalidInput)
        return problem_response(error.code, error.message, error.field, more=error.more)

    async def on_validation(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        problems = list(error.errors())
        if not problems:
            return problem_response(INVALID, "the request is invalid")
        first = problems[0]
        if first.get("type") == "json_invalid":
            return problem_response(INVALID, "malformed JSON in the request body", status=400)
        # ("body", ...), ("query", "limit"), ("path", "pathway_id"): drop the source.
        field = field_path(first, skip=1)
        more = tuple(
            f"also {field_path(p, skip=1) or 'the request'}: {p.get('msg', '')}"
            for p in problems[1:]
        )
        return problem_response(INVALID, str(first.get("msg", "invalid")), field, more=more)

    async def on_http(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        if error.status_code == 400:
            code = INVALID
        return problem_response(
            code,
            str(error.detail),
            status=error.status_code,
            headers=dict(error.headers) if error.headers else None,
        )

    async def on_unstorable(request: Request, error: Exception) -> JSONResponse:
        # PostgreSQL refused a value of the request (a NUL character, a number out of range).
        assert isinstance(error, DataError)
        log.warning("value_refused_by_database", path=request.url.path, sqlstate=error.sqlstate)
        detail = f"a value cannot be stored: {str(error).splitlines()[0]}"
        return problem_response(INVALID, detail)

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(CommandRefused, on_refused)
    app.add_exception_handler(InvalidInput, on_invalid)
    app.add_exception_handler(AccountError, on_account)
    app.add_exception_handler(PartnerError, on_partner)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(DataError, on_unstorable)
